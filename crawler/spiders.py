"""One spider for every configured source: the source's type (rss, html, json) picks the callbacks.

Nothing here knows a site. A request carries its source's name and what kind of page it is (`index`: a feed,
list or API page, re-fetched every run with a conditional request; `detail`: an article, fetched once), so
requests can live in a shared Redis frontier and still find their source's selectors.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urljoin

import scrapy
import trafilatura
from parsel import Selector
from scrapy.http import Request, Response
from twisted.python.failure import Failure
from w3lib.url import add_or_replace_parameter

from crawler.context import CrawlContext
from crawler.dates import find_date, parse_date
from crawler.encoding import decode_page
from crawler.failures import classify_failure
from crawler.records import CollectedPost
from yuqing.config_models import Source

# Chinese government CMS meta tags (and their common spellings) that describe an article.
CMS_META = ("ArticleTitle", "PubDate", "ContentSource", "SiteName", "ColumnName", "Author", "Keywords")
_DATE_META = ("PubDate", "pubdate", "publishdate", "PublishDate", "article:published_time", "og:release_date")
_TITLE_SEPARATORS = re.compile(r"\s*[-_|—]\s*[^-_|—]*$")


def dig(value: Any, path: str) -> Any:
    """The value at a dotted path (`data.list`, `user.name`, `items.0`), or None when any step is missing."""
    for step in path.split("."):
        if isinstance(value, dict):
            value = value.get(step)
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return None
    return value


def count(value: Any) -> int | None:
    """A metric as platforms print it: 17, "17", "1.2万", "3k"; None when absent or unreadable."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    text = str(value).strip().replace(",", "")
    factor = 1
    for suffix, multiple in (("万", 10_000), ("亿", 100_000_000), ("w", 10_000), ("k", 1_000)):
        if text.lower().endswith(suffix):
            text, factor = text[: -len(suffix)], multiple
            break
    try:
        return int(float(text) * factor)
    except ValueError:
        return None


def _text_of(selector: Selector, css: str | None) -> str:
    """Joined text of a CSS selection: `::text`/`::attr()` values as they are, elements as their markup."""
    if not css:
        return ""
    return "\n".join(part.strip() for part in selector.css(css).getall() if part.strip())


class SourcesSpider(scrapy.Spider):
    """Crawls the configured sources; items are CollectedPost, failures are recorded on the source's report."""

    name = "yuqing"

    def __init__(self, context: CrawlContext, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.context = context

    # --- requests -------------------------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        for source in self.context.sources.values():
            for url in source.urls:
                if source.type == "json" and source.next:
                    url = add_or_replace_parameter(url, source.next.param, str(source.next.start))
                yield self.index_request(source, self.context.resolve(url), page=1)

    def index_request(self, source: Source, url: str, page: int) -> Request:
        """A feed, list or API page: fetched every run (not filtered as seen), conditionally when possible."""
        callback = {"rss": self.parse_feed, "html": self.parse_list, "json": self.parse_api}[source.type]
        headers = {**source.headers, **self.context.conditional_headers(url)}
        return Request(
            url,
            callback=callback,
            errback=self.failed,
            headers=headers,
            cookies=self.context.cookies(source),
            dont_filter=True,
            meta={
                "source": source.name,
                "kind": "index",
                "page": page,
                "obey_robots": source.obey_robots,
                "handle_httpstatus_list": [304],
            },
        )

    def detail_request(self, source: Source, url: str) -> Request:
        return Request(
            url,
            callback=self.parse_detail,
            errback=self.failed,
            headers=dict(source.headers),
            cookies=self.context.cookies(source),
            meta={"source": source.name, "kind": "detail", "obey_robots": source.obey_robots},
        )

    # --- responses ------------------------------------------------------------------------------------------

    def _begin(self, response: Response) -> tuple[Source, str] | None:
        """The source and decoded text of a response; None for a 304 (nothing changed since the last run)."""
        source = self.context.sources[response.meta["source"]]
        report = self.context.reports[source.name]
        kind = response.meta.get("kind", "index")
        if response.status == 304:
            report.page_ok(kind, not_modified=True)
            return None
        report.page_ok(kind)
        if kind == "index":
            self.context.remember_validators(response)
        return source, decode_page(response.body, response.headers.get("Content-Type", b"").decode("latin-1"))

    def parse_feed(self, response: Response) -> Iterator[CollectedPost]:
        """RSS 2.0 and Atom, RSSHub's included."""
        begun = self._begin(response)
        if begun is None:
            return
        source, text = begun
        feed = Selector(text=re.sub(r"^\s*<\?xml[^>]*\?>", "", text), type="xml")
        feed.remove_namespaces()
        entries = feed.xpath("//item") or feed.xpath("//entry")
        self.context.reports[source.name].found(len(entries))
        for entry in entries:
            link = (
                entry.xpath("link/text()").get()
                or entry.xpath("link[@rel='alternate']/@href|link[not(@rel)]/@href").get()
            )
            body = (
                entry.xpath("encoded/text()").get()
                or entry.xpath("content/text()").get()
                or entry.xpath("description/text()|summary/text()").get()
                or ""
            )
            title = (entry.xpath("title/text()").get() or "").strip()
            published = entry.xpath("pubDate/text()|published/text()|updated/text()|date/text()").get()
            author = entry.xpath("author/name/text()|creator/text()|author/text()").get()
            yield CollectedPost(
                source=source.name,
                url=urljoin(response.url, link.strip()) if link else None,
                external_id=(entry.xpath("guid/text()|id/text()").get() or "").strip() or None,
                title=title,
                raw_text=body or title,
                author=author.strip() if author else None,
                published_at=parse_date(published, self.context.zone),
            )

    def parse_list(self, response: Response) -> Iterator[Request]:
        """A list page: new detail links are followed, known ones skipped, then the next page up to max_pages."""
        begun = self._begin(response)
        if begun is None:
            return
        source, text = begun
        assert source.listing is not None  # the config model requires it for html sources
        page = Selector(text=text)
        selection = page.css(source.listing.links)
        hrefs = selection.getall() if "::" in source.listing.links else [s.attrib.get("href") for s in selection]
        links = list(dict.fromkeys(urljoin(response.url, h.strip()) for h in hrefs if h and h.strip()))
        self.context.reports[source.name].found(len(links))
        for url in self.context.unknown(links):
            yield self.detail_request(source, url)
        number = response.meta.get("page", 1)
        if source.listing.next and number < source.max_pages:
            selection = page.css(source.listing.next)
            target = selection.get() if "::" in source.listing.next else selection.attrib.get("href")
            if target and target.strip():
                yield self.index_request(source, urljoin(response.url, target.strip()), page=number + 1)

    def parse_detail(self, response: Response) -> Iterator[CollectedPost]:
        """An article: configured selectors first, then the CMS meta tags, then automatic extraction."""
        begun = self._begin(response)
        if begun is None:
            return
        source, text = begun
        page = Selector(text=text)
        selectors = source.detail
        tags: dict[str, str] = {}  # every <meta name|property=… content=…>, the first of each name winning
        for element in page.xpath("//meta[@content][@name or @property]"):
            tags.setdefault(element.attrib.get("name") or element.attrib["property"], element.attrib["content"].strip())
        meta = {name: tags[name] for name in CMS_META if tags.get(name)}
        title = _text_of(page, selectors and selectors.title) or meta.get("ArticleTitle", "")
        if not title:
            title = _TITLE_SEPARATORS.sub("", (page.xpath("//title/text()").get() or "").strip())
        body = _text_of(page, selectors and selectors.text)
        if not body:
            body = trafilatura.extract(text, url=response.url, include_comments=False, favor_recall=True) or ""
        published_at = parse_date(_text_of(page, selectors and selectors.published_at), self.context.zone)
        for name in _DATE_META:
            if published_at is None:
                published_at = parse_date(tags.get(name), self.context.zone)
        if published_at is None:
            published_at = find_date(" ".join(page.xpath("//body//text()").getall()), self.context.zone)
        author = _text_of(page, selectors and selectors.author) or meta.get("Author")
        if not body.strip() and not title:
            self.context.reports[source.name].empty_page(response.url)
            return
        yield CollectedPost(
            source=source.name,
            url=response.url,
            title=title,
            raw_text=body or title,
            author=author,
            published_at=published_at,
            meta=meta,
        )

    def parse_api(self, response: Response) -> Iterator[CollectedPost | Request]:
        """A paged JSON API: the items at the dotted path, each field at its own path; then the next page."""
        begun = self._begin(response)
        if begun is None:
            return
        source, text = begun
        assert source.items is not None and source.fields is not None  # the config model requires them
        report = self.context.reports[source.name]
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            report.fail("parse", f"{response.url}: not JSON ({error.msg} at line {error.lineno})", "index")
            return
        items = dig(document, source.items)
        if not isinstance(items, list):
            report.fail("parse", f"{response.url}: {source.items!r} is not a list in the answer", "index")
            return
        report.found(len(items))
        fields = source.fields
        for item in items:
            raw = dig(item, fields.text)
            if not isinstance(item, dict) or raw is None:
                continue
            item_id, url = dig(item, fields.id or ""), dig(item, fields.url or "")
            yield CollectedPost(
                source=source.name,
                url=urljoin(response.url, str(url)) if fields.url and url else None,
                external_id=str(item_id) if fields.id and item_id is not None else None,
                title=str(dig(item, fields.title) or "") if fields.title else "",
                raw_text=str(raw),
                author=str(dig(item, fields.author) or "") or None if fields.author else None,
                published_at=parse_date(dig(item, fields.published_at), self.context.zone)
                if fields.published_at
                else None,
                reposts=count(dig(item, fields.reposts)) if fields.reposts else None,
                comments=count(dig(item, fields.comments)) if fields.comments else None,
                likes=count(dig(item, fields.likes)) if fields.likes else None,
            )
        number = response.meta.get("page", 1)
        if source.next and items and number < source.next.max_pages:
            url = add_or_replace_parameter(response.url, source.next.param, str(source.next.start + number))
            yield self.index_request(source, url, page=number + 1)

    def failed(self, failure: Failure) -> None:
        """A request that ended in an error: its reason goes on the source's report, the others carry on."""
        request = failure.request  # type: ignore[attr-defined]
        kind, message = classify_failure(failure)
        self.context.reports[request.meta["source"]].fail(kind, f"{request.url}: {message}", request.meta["kind"])
