"""The middlewares that make a crawl incremental, on the real database, without a crawl around them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from scrapy.http import HtmlResponse, Request
from sqlalchemy import event, select
from support.factories import add_source

from crawler.incremental import ConditionalRequests, KnownArticles
from crawler.pipelines import PostWriter
from crawler.records import CollectedPost, Fetch
from yuqing.storage.database import session_factory, transaction
from yuqing.storage.models import FetchState

LIST = "https://www.lishui.gov.cn/list.html"


def article(url: str) -> Request:
    return Request(url, meta=Fetch("gov", "detail").meta())


async def output(*results: object) -> AsyncIterator[object]:
    for result in results:
        yield result


def test_stored_and_repeated_article_links_are_dropped_with_one_query_per_page(engine) -> None:
    factory = session_factory(engine)
    with transaction(factory) as session:
        ids = {"gov": add_source(session, "gov", "gov").id}
    stored = "https://www.lishui.gov.cn/art/1.html"
    PostWriter(factory, ids, {"gov": "gov"}).write(
        [CollectedPost(source="gov", url=stored, title="通报", raw_text="丽水市应急管理局通报")]
    )
    post = CollectedPost(source="gov", url=None, title="", raw_text="一条微博")
    following = Request(LIST + "?page=2", meta=Fetch("gov", "index", 2).meta())
    results = [
        article(stored + "?utm_source=wx"),  # stored: the same canonical URL
        article("https://www.lishui.gov.cn/art/2.html"),
        post,
        article("https://www.lishui.gov.cn/art/2.html#top"),  # linked twice on the page
        following,
    ]
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))

    async def filtered() -> list[object]:
        response = HtmlResponse(LIST, body=b"<html></html>")
        return [out async for out in KnownArticles(factory).process_spider_output(response, output(*results))]

    kept = asyncio.run(filtered())
    assert kept == [results[1], post, following]
    assert len([sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]) == 1


def test_validators_are_sent_back_next_run_and_written_only_when_the_crawl_closes(engine) -> None:
    factory = session_factory(engine)
    first, later = ConditionalRequests(factory), ConditionalRequests(factory)
    request = Request(LIST, meta=Fetch("gov", "index").meta())
    answer = HtmlResponse(LIST, body=b"<html></html>", headers={"ETag": '"v1"', "Last-Modified": "Tue, 03 Nov 2026"})
    first.process_response(request, answer)
    with factory() as session:
        assert session.scalars(select(FetchState)).all() == []  # a crash now leaves the page to be read again
    first.save()
    asyncio.run(later.process_request(request))
    assert request.headers["If-None-Match"] == b'"v1"'
    assert request.headers["If-Modified-Since"] == b"Tue, 03 Nov 2026"
    detail = article("https://www.lishui.gov.cn/art/1.html")
    first.process_response(detail, HtmlResponse(detail.url, body=b"", headers={"ETag": '"a1"'}))
    assert list(first.answered) == [LIST]  # articles are fetched once: no validators kept for them
