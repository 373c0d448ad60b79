"""What a source type is to the spider: where its index pages start, and what each one holds.

The spider does everything else the same way for every type (requests, conditional headers, cookies, robots,
decoding, failures, reports), so a type is only its parsing: the pages come in decoded, the findings go out as
typed records.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Generic, TypeVar

from crawler.records import CollectedPost
from yuqing.config_models import SourceBase

Config = TypeVar("Config", bound=SourceBase)


@dataclass(frozen=True)
class Page:
    """A fetched page, decoded: its URL (links are relative to it), its text, and which index page it is."""

    url: str
    text: str
    number: int = 1


@dataclass
class IndexPage:
    """What a feed, list or API page held."""

    items: int  # entries, links or API items found: a run's volume is judged on these
    posts: list[CollectedPost] = field(default_factory=list)  # posts read from the index page itself
    articles: list[str] = field(default_factory=list)  # article URLs to fetch (stored ones are dropped later)
    next_url: str | None = None  # the source's next index page, when paging goes on


class ParseError(Exception):
    """An index page that cannot be read as its type says (not JSON, no list where the items should be)."""


class SourceType(ABC, Generic[Config]):
    """One way of reading a source; built once per crawl for each configured source of the type."""

    def __init__(self, config: Config, zone: tzinfo) -> None:
        self.config = config
        self.zone = zone  # dates written without a zone are read in it

    def first_pages(self) -> list[str]:
        """The URLs the crawl starts from."""
        return list(self.config.urls)

    @abstractmethod
    def parse_index(self, page: Page) -> IndexPage:
        """What a feed, list or API page of the source holds; raises ParseError when it cannot be read."""

    def parse_article(self, page: Page) -> CollectedPost | None:
        """An article an index page linked to, or None when it has neither title nor text. Only types whose index
        pages list article links are ever asked."""
        raise NotImplementedError(f"{type(self).__name__} lists no article links")
