"""One spider for every configured source; the source's type (crawler/source_types/) reads its pages.

Nothing here knows a site or a type. A request carries its source's name and what kind of page it is (`index`:
a feed, list or API page, re-fetched every run with a conditional request; `detail`: an article, fetched once),
so requests can live in a shared Redis frontier and still find their source.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawler.context import CrawlContext
from crawler.encoding import decode_page
from crawler.failures import classify_failure
from crawler.records import CollectedPost
from crawler.source_types import source_type
from crawler.source_types.base import Page, ParseError


class SourcesSpider(scrapy.Spider):
    """Crawls the configured sources; items are CollectedPost, failures are recorded on the source's report."""

    name = "yuqing"

    def __init__(self, context: CrawlContext, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.context = context
        self.types = {name: source_type(config, context.zone) for name, config in context.sources.items()}

    # --- requests -------------------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        for name, kind in self.types.items():
            for url in kind.first_pages():
                yield self.index_request(name, self.context.resolve(url), page=1)

    def index_request(self, name: str, url: str, page: int) -> Request:
        """A feed, list or API page: fetched every run (not filtered as seen), conditionally when possible."""
        source = self.context.sources[name]
        headers = {**source.headers, **self.context.conditional_headers(url)}
        return Request(
            url,
            callback=self.parse_index,
            errback=self.failed,
            headers=headers,
            cookies=self.context.cookies(source),
            dont_filter=True,
            meta={
                "source": name,
                "kind": "index",
                "page": page,
                "obey_robots": source.obey_robots,
                "handle_httpstatus_list": [304],
            },
        )

    def article_request(self, name: str, url: str) -> Request:
        source = self.context.sources[name]
        return Request(
            url,
            callback=self.parse_article,
            errback=self.failed,
            headers=dict(source.headers),
            cookies=self.context.cookies(source),
            meta={"source": name, "kind": "detail", "obey_robots": source.obey_robots},
        )

    # --- responses ------------------------------------------------------------------------------------------

    def _read(self, response: Response) -> tuple[str, Page] | None:
        """The source's name and the decoded page; None for a 304 (nothing changed since the last run)."""
        name = response.meta["source"]
        report = self.context.reports[name]
        kind = response.meta.get("kind", "index")
        if response.status == 304:
            report.page_ok(kind, not_modified=True)
            return None
        report.page_ok(kind)
        if kind == "index":
            self.context.remember_validators(response)
        text = decode_page(response.body, response.headers.get("Content-Type", b"").decode("latin-1"))
        return name, Page(response.url, text, response.meta.get("page", 1))

    def parse_index(self, response: Response) -> Iterator[CollectedPost | Request]:
        """A feed, list or API page: its posts, its new article links, then its next page."""
        read = self._read(response)
        if read is None:
            return
        name, page = read
        report = self.context.reports[name]
        try:
            index = self.types[name].parse_index(page)
        except ParseError as error:
            report.fail("parse", f"{response.url}: {error}", "index")
            return
        report.found(index.items)
        yield from index.posts
        for url in self.context.unknown(index.articles):
            yield self.article_request(name, url)
        if index.next_url:
            yield self.index_request(name, index.next_url, page=page.number + 1)

    def parse_article(self, response: Response) -> Iterator[CollectedPost]:
        read = self._read(response)
        if read is None:
            return
        name, page = read
        post = self.types[name].parse_article(page)
        if post is None:
            self.context.reports[name].empty_page(response.url)
            return
        yield post

    def failed(self, failure: Failure) -> None:
        """A request that ended in an error: its reason goes on the source's report, the others carry on."""
        request = failure.request  # type: ignore[attr-defined]
        kind, message = classify_failure(failure)
        self.context.reports[request.meta["source"]].fail(kind, f"{request.url}: {message}", request.meta["kind"])
