"""One spider for every configured source; the source's type (crawler/source_types/) reads its pages.

Nothing here knows a site or a type. Each request carries a `Fetch` record (its source, `index` for a feed, list
or API page re-fetched every run, `detail` for an article fetched once), so requests can wait in a shared Redis
frontier and still find their source. What makes the crawl incremental is not here either: the conditional
headers and the dropping of stored articles are middlewares (crawler/incremental.py).
"""

from __future__ import annotations

import enum
import re
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, Self, TypeVar

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from crawler.encoding import decode_page
from crawler.failures import classify_failure
from crawler.files import resolve_url
from crawler.records import CollectedPost, CrawlRun, Fetch
from crawler.source_types import source_type
from crawler.source_types.base import Page, ParseError
from yuqing.config_models import Source

Parsed = TypeVar("Parsed")


class _Failed(enum.Enum):
    """A page whose parse failed (None already means an article page with nothing on it)."""

    FAILED = "failed"


_FAILED = _Failed.FAILED
_COOKIE_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # an RFC 6265 token


def parse_cookies(source: Source, raw: str | None) -> list[dict[str, str]]:
    """The source's cookies as a browser's `name=value; name=value` header copies them (the string its
    `cookies_env` variable holds, never a file). Each is set for the whole site (path /), so the cookie
    middleware keeps one of each rather than one per folder of the site."""
    cookies = []
    for number, part in enumerate(filter(None, (p.strip() for p in (raw or "").split(";"))), start=1):
        name, equals, value = part.partition("=")
        if not equals or not _COOKIE_NAME.fullmatch(name.strip()):
            raise ValueError(
                f"{source.name}: ${source.cookies_env} is not a cookie string: part {number} "
                f"({part[:30]!r}) is not name=value"
            )
        cookies.append({"name": name.strip(), "value": value.strip(), "path": "/"})
    return cookies


class SourcesSpider(scrapy.Spider):
    """Crawls the run's sources; items are CollectedPost, failures are recorded on the source's report.

    Every source's cookies are read when the spider is built, before any request: a malformed cookie string stops
    the crawl there, naming its source."""

    name = "yuqing"

    def __init__(self, run: CrawlRun, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.run = run
        self.types = {name: source_type(config, run.settings.timezone) for name, config in run.sources.items()}
        self.cookies = {
            name: parse_cookies(config, run.settings.secret(config.cookies_env)) for name, config in run.sources.items()
        }

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        return super().from_crawler(crawler, *args, run=CrawlRun.of(crawler), **kwargs)

    # --- requests -------------------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        for name, kind in self.types.items():
            for url in kind.first_pages():
                yield self.index_request(name, resolve_url(url, self.run.settings.data_dir), page=1)

    def index_request(self, name: str, url: str, page: int) -> Request:
        """A feed, list or API page: fetched every run (never filtered as seen); a 304 is an answer too."""
        config = self.run.sources[name]
        return Request(
            url,
            callback=self.parse_index,
            errback=self.failed,
            headers=dict(config.headers),
            cookies=self.cookies[name],
            dont_filter=True,
            meta={**Fetch(name, "index", page, config.obey_robots).meta(), "handle_httpstatus_list": [304]},
        )

    def article_request(self, name: str, url: str) -> Request:
        config = self.run.sources[name]
        return Request(
            url,
            callback=self.parse_article,
            errback=self.failed,
            headers=dict(config.headers),
            cookies=self.cookies[name],
            meta=Fetch(name, "detail", obey_robots=config.obey_robots).meta(),
        )

    # --- responses ------------------------------------------------------------------------------------------

    def _read(self, response: Response) -> tuple[Fetch, Page] | None:
        """The request's purpose and the decoded page; None for a 304 (nothing changed since the last run). A page
        counts as read once its source type has parsed it (see `_parsed`)."""
        fetch = Fetch.of(response)
        if response.status == 304:
            self.run.reports[fetch.source].page_ok(fetch.kind, not_modified=True)
            return None
        text = decode_page(response.body, response.headers.get("Content-Type", b"").decode("latin-1"))
        return fetch, Page(response.url, text, fetch.page)

    def _parsed(self, fetch: Fetch, page: Page, parse: Callable[[Page], Parsed]) -> Parsed | _Failed:
        """The source type's reading of the page, or the page recorded as failed: a parser that raises, whatever
        it raises, fails this source's run and counts toward its health alert, instead of going to the log while
        the run is recorded as a success with no items."""
        report = self.run.reports[fetch.source]
        try:
            parsed = parse(page)
        except Exception as error:  # the boundary between a source's parser and its health
            reason = str(error) if isinstance(error, ParseError) else f"{type(error).__name__}: {error}"
            report.fail("parse", f"{page.url}: {reason}", fetch.kind)
            return _FAILED
        report.page_ok(fetch.kind)
        return parsed

    def parse_index(self, response: Response) -> Iterator[CollectedPost | Request]:
        """A feed, list or API page: its posts, its article links, then its next page."""
        read = self._read(response)
        if read is None:
            return
        fetch, page = read
        index = self._parsed(fetch, page, self.types[fetch.source].parse_index)
        if index is _FAILED:
            return
        self.run.reports[fetch.source].found(index.items)
        yield from index.posts
        for url in index.articles:
            yield self.article_request(fetch.source, url)
        if index.next_url:
            yield self.index_request(fetch.source, index.next_url, page=fetch.page + 1)

    def parse_article(self, response: Response) -> Iterator[CollectedPost]:
        read = self._read(response)
        if read is None:
            return
        fetch, page = read
        post = self._parsed(fetch, page, self.types[fetch.source].parse_article)
        if post is _FAILED:
            return
        if post is None:
            self.run.reports[fetch.source].empty_page(response.url)
            return
        yield post

    def failed(self, failure: Failure) -> None:
        """A request that ended in an error: its reason goes on the source's report, the others carry on."""
        request = failure.request  # type: ignore[attr-defined]
        fetch = Fetch.of(request)
        kind, message = classify_failure(failure)
        self.run.reports[fetch.source].fail(kind, f"{request.url}: {message}", fetch.kind)
