"""What one crawl shares between the spider, the middlewares and the pipeline: the sources, their reports,
the database look-ups that make the crawl incremental, and the posts it collected."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from scrapy.http import Response
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crawler.normalise import canonical_url
from crawler.records import SourceReport, StoredPost
from yuqing.config_models import Source
from yuqing.storage.models import FetchState, Post

_COOKIE_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # an RFC 6265 token

LOOKUP_CHUNK = 500  # URLs per IN (...) query


def resolve_url(url: str, data_dir: Path) -> str:
    """`file:samples/x.xml` (relative) is read from the data folder; every other URL is left as it is."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc or parts.path.startswith("/"):
        return url
    absolute = (data_dir / parts.path).resolve().as_uri()
    return absolute + (f"?{parts.query}" if parts.query else "")


@dataclass
class CrawlContext:
    sources: dict[str, Source]
    zone: ZoneInfo
    data_dir: Path
    factory: sessionmaker[Session]
    source_ids: dict[str, int]
    secret: Callable[[str | None], str | None]  # Settings.secret: the value of a variable config names
    reports: dict[str, SourceReport] = field(default_factory=dict)
    validators: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    stored: list[StoredPost] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reports = {name: SourceReport(name) for name in self.sources}

    def resolve(self, url: str) -> str:
        return resolve_url(url, self.data_dir)

    def cookies(self, source: Source) -> list[dict[str, str]]:
        """The source's cookies from the environment variable its `cookies_env` names (never from a file), as a
        browser's `name=value; name=value` header copies them. Each is set for the whole site (path /), so the
        cookie middleware keeps one of each rather than one per folder of the site."""
        raw = (self.secret(source.cookies_env) or "").strip()
        cookies = []
        for number, part in enumerate(filter(None, (p.strip() for p in raw.split(";"))), start=1):
            name, equals, value = part.partition("=")
            if not equals or not _COOKIE_NAME.fullmatch(name.strip()):
                raise ValueError(
                    f"{source.name}: ${source.cookies_env} is not a cookie string: part {number} "
                    f"({part[:30]!r}) is not name=value"
                )
            cookies.append({"name": name.strip(), "value": value.strip(), "path": "/"})
        return cookies

    def unknown(self, urls: list[str]) -> list[str]:
        """The URLs whose canonical form no stored post has: only these are fetched."""
        by_canonical = {canonical_url(url): url for url in urls}
        known: set[str] = set()
        keys = list(by_canonical)
        with self.factory() as session:
            for start in range(0, len(keys), LOOKUP_CHUNK):
                chunk = keys[start : start + LOOKUP_CHUNK]
                known.update(session.scalars(select(Post.canonical_url).where(Post.canonical_url.in_(chunk))))
        return [url for key, url in by_canonical.items() if key not in known]

    def conditional_headers(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since from what the page last answered."""
        with self.factory() as session:
            state = session.scalar(select(FetchState).where(FetchState.url == url))
        headers = {}
        if state and state.etag:
            headers["If-None-Match"] = state.etag
        if state and state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        return headers

    def remember_validators(self, response: Response) -> None:
        """Kept in memory and written after the run, so a crash never marks unstored pages as seen."""
        etag = response.headers.get("ETag")
        modified = response.headers.get("Last-Modified")
        if etag or modified:
            self.validators[response.request.url if response.request else response.url] = (
                etag.decode("latin-1") if etag else None,
                modified.decode("latin-1") if modified else None,
            )
