"""Source types: how each `type` of sources.yaml is crawled, found by its type id.

Adding a source type takes three things:
1. its config: a subclass of `SourceBase` in yuqing/config_models.py with `type: Literal["<id>"]` and its own keys,
   added to the `SourceTypes` union there (the config then refuses the new keys on the other types by itself);
2. its parser: a subclass of `SourceType[<its config>]` in a module of this package, with `parse_index` (and
   `first_pages` when the crawl does not start at the configured URLs as they are, `parse_article` when its index
   pages list article links);
3. one line in `SOURCE_TYPES` below.
Requests, conditional headers, cookies, robots.txt, decoding, failures, storage and the run's health are the
same for every type and need nothing.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from crawler.source_types.api import ApiSource
from crawler.source_types.base import SourceType
from crawler.source_types.feed import FeedSource
from crawler.source_types.listing import ListSource
from yuqing.config_models import Source

SOURCE_TYPES: dict[str, type[SourceType[Any]]] = {
    "rss": FeedSource,
    "html": ListSource,
    "json": ApiSource,
}


def source_type(config: Source, zone: tzinfo) -> SourceType[Any]:
    """The parser for a configured source."""
    return SOURCE_TYPES[config.type](config, zone)
