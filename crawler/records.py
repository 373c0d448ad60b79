"""What the crawler's components hand each other: the request's purpose, the posts found and stored, each
source's report, and the one crawl they all share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from scrapy.crawler import Crawler
from scrapy.http import Request, Response
from sqlalchemy.orm import Session, sessionmaker

from yuqing.config_models import Source
from yuqing.settings import Settings

PageKind = Literal["index", "detail"]  # a feed, list or API page (fetched every run), or an article (once)


@dataclass(frozen=True)
class Fetch:
    """What a request is for, carried in its meta: requests may wait in a shared Redis frontier (which pickles them)
    and come back in another process, so the request itself says which source it serves and how to read it."""

    source: str
    kind: PageKind
    page: int = 1  # which of the source's index pages: paging stops at the source's limit
    obey_robots: bool = True

    META_KEY = "yuqing"

    def meta(self) -> dict[str, Fetch]:
        return {self.META_KEY: self}

    @classmethod
    def of(cls, message: Request | Response) -> Fetch:
        fetch: Fetch = message.meta[cls.META_KEY]
        return fetch


@dataclass
class CollectedPost:
    """A post as the spider found it, before normalisation and storage."""

    source: str
    url: str | None
    title: str
    raw_text: str
    external_id: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    reposts: int | None = None
    comments: int | None = None
    likes: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class SourceReport:
    """How one source's run went: pages, items, and every failure with its kind."""

    name: str
    index_ok: int = 0
    index_failed: int = 0
    detail_ok: int = 0
    detail_failed: int = 0
    not_modified: int = 0
    items: int = 0  # entries, links or API items found on its index pages
    new_items: int = 0  # posts stored by this run
    errors: list[tuple[str, str]] = field(default_factory=list)

    def page_ok(self, kind: PageKind, *, not_modified: bool = False) -> None:
        if kind == "detail":
            self.detail_ok += 1
        else:
            self.index_ok += 1
            self.not_modified += not_modified

    def found(self, items: int) -> None:
        self.items += items

    def fail(self, kind: str, message: str, page_kind: PageKind) -> None:
        self.errors.append((kind, message))
        if page_kind == "detail":
            self.detail_failed += 1
        else:
            self.index_failed += 1

    def empty_page(self, url: str) -> None:
        self.errors.append(("empty_parse", f"{url}: no title and no text found"))
        self.detail_failed += 1


@dataclass
class StoredPost:
    """A post this run stored, as `--out` writes it."""

    id: int
    title: str
    text: str
    source: str
    url: str | None
    published_at: datetime | None
    media: str
    author: str | None
    duplicate_of: int | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "title": self.title,
            "text": self.text,
            "source": self.source,
            "url": self.url,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "media": self.media,
            "author": self.author,
            "duplicate_of": str(self.duplicate_of) if self.duplicate_of else None,
        }


RUN_SETTING = "YUQING_RUN"


@dataclass
class CrawlRun:
    """One crawl as its Scrapy components share it: the sources, their database rows, the session factory, each
    source's report, and the posts stored.

    Scrapy's components are built by the crawler and take what they need in `from_crawler`, from the crawler's
    settings; so the runner (`crawler.run`) puts this object into the crawler's settings (`YUQING_RUN`) before the
    crawl starts, and the spider, the middlewares and the pipeline read it there. Nobody reaches into another
    component: the reports and the stored posts are filled in here and read by the runner when the crawl is over.
    It is set on the crawler's own settings, after Scrapy has deep-copied the process's settings for the crawler,
    because a copy would give the components reports the runner never sees."""

    settings: Settings  # the time zone, the data folder, and the secrets the sources' `cookies_env` name
    sources: dict[str, Source]
    source_ids: dict[str, int]
    factory: sessionmaker[Session]
    reports: dict[str, SourceReport] = field(init=False)
    stored: list[StoredPost] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reports = {name: SourceReport(name) for name in self.sources}

    def attach(self, crawler: Crawler) -> None:
        crawler.settings.set(RUN_SETTING, self, priority="cmdline")

    @staticmethod
    def of(crawler: Crawler) -> CrawlRun:
        run = crawler.settings.get(RUN_SETTING)
        if not isinstance(run, CrawlRun):
            raise RuntimeError(f"no crawl in the crawler's {RUN_SETTING} setting: crawl through crawler.run.crawl")
        return run
