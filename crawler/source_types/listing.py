"""`html` sources: a list page whose links lead to articles, and the list pages after it."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import trafilatura
from parsel import Selector

from crawler.dates import find_date, parse_date
from crawler.records import CollectedPost
from crawler.source_types.base import IndexPage, Page, SourceType
from yuqing.config_models import HtmlSource

# Chinese government CMS meta tags (and their common spellings) that describe an article.
CMS_META = ("ArticleTitle", "PubDate", "ContentSource", "SiteName", "ColumnName", "Author", "Keywords")
_DATE_META = ("PubDate", "pubdate", "publishdate", "PublishDate", "article:published_time", "og:release_date")
_TITLE_SEPARATORS = re.compile(r"\s*[-_|—]\s*[^-_|—]*$")


def _text_of(selector: Selector, css: str | None) -> str:
    """Joined text of a CSS selection: `::text`/`::attr()` values as they are, elements as their markup."""
    if not css:
        return ""
    return "\n".join(part.strip() for part in selector.css(css).getall() if part.strip())


class ListSource(SourceType[HtmlSource]):
    def parse_index(self, page: Page) -> IndexPage:
        """The list's article links (each once), then the next list page up to `max_pages`."""
        listing = self.config.listing
        document = Selector(text=page.text)
        selection = document.css(listing.links)
        hrefs = selection.getall() if "::" in listing.links else [s.attrib.get("href") for s in selection]
        links = list(dict.fromkeys(urljoin(page.url, h.strip()) for h in hrefs if h and h.strip()))
        following = None
        if listing.next and page.number < self.config.max_pages:
            selection = document.css(listing.next)
            target = selection.get() if "::" in listing.next else selection.attrib.get("href")
            if target and target.strip():
                following = urljoin(page.url, target.strip())
        return IndexPage(items=len(links), articles=links, next_url=following)

    def parse_article(self, page: Page) -> CollectedPost | None:
        """Configured selectors first, then the CMS meta tags, then automatic extraction."""
        document = Selector(text=page.text)
        selectors = self.config.detail
        tags: dict[str, str] = {}  # every <meta name|property=… content=…>, the first of each name winning
        for element in document.xpath("//meta[@content][@name or @property]"):
            tags.setdefault(element.attrib.get("name") or element.attrib["property"], element.attrib["content"].strip())
        meta = {name: tags[name] for name in CMS_META if tags.get(name)}
        title = _text_of(document, selectors.title) or meta.get("ArticleTitle", "")
        if not title:
            title = _TITLE_SEPARATORS.sub("", (document.xpath("//title/text()").get() or "").strip())
        body = _text_of(document, selectors.text)
        if not body:
            body = trafilatura.extract(page.text, url=page.url, include_comments=False, favor_recall=True) or ""
        published_at = parse_date(_text_of(document, selectors.published_at), self.zone)
        for name in _DATE_META:
            if published_at is None:
                published_at = parse_date(tags.get(name), self.zone)
        if published_at is None:
            published_at = find_date(" ".join(document.xpath("//body//text()").getall()), self.zone)
        author = _text_of(document, selectors.author) or meta.get("Author")
        if not body.strip() and not title:
            return None
        return CollectedPost(
            source=self.config.name,
            url=page.url,
            title=title,
            raw_text=body or title,
            author=author,
            published_at=published_at,
            meta=meta,
        )
