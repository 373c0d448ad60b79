"""What makes a crawl incremental, as Scrapy middlewares: only what changed is fetched.

- `ConditionalRequests` (downloader middleware): a feed, list or API page is asked with the `If-None-Match` /
  `If-Modified-Since` its last answer allows (table `fetch_states`), and the validators of this run's answers are
  written when the crawl closes, after the pipeline has stored its last batch: a crash before then never marks
  pages as seen whose posts were not stored.
- `KnownArticles` (spider middleware): the article links a page yields are dropped when a stored post has their
  canonical URL, with one query per page rather than one per link.

Both read the database in a worker thread, so the crawl's event loop keeps downloading meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crawler.normalise import canonical_url
from crawler.records import CrawlRun, Fetch
from yuqing.storage.database import transaction, upsert
from yuqing.storage.models import FetchState, Post, utcnow

LOOKUP_CHUNK = 500  # URLs per IN (...) query

Validators = tuple[str | None, str | None]  # (ETag, Last-Modified) as the server sent them


class ConditionalRequests:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory
        self.answered: dict[str, Validators] = {}  # this run's index pages, written when the crawl closes

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(CrawlRun.of(crawler).factory)
        crawler.signals.connect(middleware.save, signal=signals.spider_closed)
        return middleware

    def _last_answer(self, url: str) -> Validators | None:
        with self.factory() as session:
            state = session.scalar(select(FetchState).where(FetchState.url == url))
        return (state.etag, state.last_modified) if state else None

    async def process_request(self, request: Request) -> None:
        if Fetch.of(request).kind != "index":
            return
        last = await asyncio.to_thread(self._last_answer, request.url)
        if last is None:
            return
        etag, modified = last
        if etag:
            request.headers["If-None-Match"] = etag
        if modified:
            request.headers["If-Modified-Since"] = modified

    def process_response(self, request: Request, response: Response) -> Response:
        """Remembers what a successful index page answered (retries, redirects and blocked pages never get here)."""
        if Fetch.of(request).kind == "index" and 200 <= response.status < 300:
            etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
            if etag or modified:
                self.answered[request.url] = (
                    etag.decode("latin-1") if etag else None,
                    modified.decode("latin-1") if modified else None,
                )
        return response

    def save(self) -> None:
        if not self.answered:
            return
        rows = [
            {"url": url, "etag": etag, "last_modified": modified, "checked_at": utcnow()}
            for url, (etag, modified) in self.answered.items()
        ]
        with transaction(self.factory) as session:
            statement = upsert(session, FetchState).values(rows)
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=["url"],
                    set_={
                        "etag": statement.excluded.etag,
                        "last_modified": statement.excluded.last_modified,
                        "checked_at": statement.excluded.checked_at,
                    },
                )
            )


def _is_article(output: Any) -> bool:
    return isinstance(output, Request) and Fetch.of(output).kind == "detail"


class KnownArticles:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(CrawlRun.of(crawler).factory)

    def _stored(self, urls: list[str]) -> set[str]:
        """The canonical URLs among `urls` that a stored post has."""
        known: set[str] = set()
        with self.factory() as session:
            for start in range(0, len(urls), LOOKUP_CHUNK):
                chunk = urls[start : start + LOOKUP_CHUNK]
                known.update(session.scalars(select(Post.canonical_url).where(Post.canonical_url.in_(chunk))))
        return known

    async def process_spider_output(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """The page's output in its order, less the articles already stored or already linked earlier on it."""
        outputs = [output async for output in result]
        articles = list(dict.fromkeys(canonical_url(output.url) for output in outputs if _is_article(output)))
        skip = await asyncio.to_thread(self._stored, articles) if articles else set()
        for output in outputs:
            if _is_article(output):
                key = canonical_url(output.url)
                if key in skip:
                    continue
                skip.add(key)
            yield output
