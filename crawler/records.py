"""What the crawler's components hand each other: the posts found and stored, and each source's report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

PageKind = Literal["index", "detail"]  # a feed, list or API page (fetched every run), or an article (once)


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
