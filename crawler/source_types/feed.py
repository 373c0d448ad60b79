"""`rss` sources: RSS 2.0 and Atom feeds (RSSHub's included), each entry a post."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from parsel import Selector

from crawler.dates import parse_date
from crawler.records import CollectedPost
from crawler.source_types.base import IndexPage, Page, SourceType
from yuqing.config_models import RssSource


class FeedSource(SourceType[RssSource]):
    def parse_index(self, page: Page) -> IndexPage:
        feed = Selector(text=re.sub(r"^\s*<\?xml[^>]*\?>", "", page.text), type="xml")
        feed.remove_namespaces()
        entries = feed.xpath("//item") or feed.xpath("//entry")
        posts = []
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
            posts.append(
                CollectedPost(
                    source=self.config.name,
                    url=urljoin(page.url, link.strip()) if link else None,
                    external_id=(entry.xpath("guid/text()|id/text()").get() or "").strip() or None,
                    title=title,
                    raw_text=body or title,
                    author=author.strip() if author else None,
                    published_at=parse_date(published, self.zone),
                )
            )
        return IndexPage(items=len(entries), posts=posts)
