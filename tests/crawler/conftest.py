"""Fixtures for the crawler tests: the fixture site, and `crawl` that runs the real command against it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fixture_site import Site, serve

# Small timeouts, no throttling, a small size cap: the failure pages answer at once or not at all.
FAST = {
    "DOWNLOAD_TIMEOUT": 1,
    "RETRY_TIMES": 1,
    "YUQING_RETRY_BACKOFF": 0.05,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_MAXSIZE": 200_000,
    "YUQING_IDLE_GRACE": 1,
}


@pytest.fixture
def site() -> Iterator[Site]:
    with serve() as running:
        yield running


Crawl = Callable[..., Any]


@pytest.fixture
def crawl(cli: Any, engine: Any, tmp_path: Path) -> Crawl:
    """Writes `sources` to a file and runs `yuqing crawl --sources FILE ARGS` with fast Scrapy settings; with
    `module=True` the same through `python -m crawler`, the stage's own command (as the service's job runs it)."""

    def run(
        sources: list[dict],
        *args: str,
        settings: dict | None = None,
        env: dict | None = None,
        health: dict | None = None,
        module: bool = False,
    ) -> Any:
        path = tmp_path / "sources.yaml"
        catalogue = {"sources": sources, **({"health": health} if health else {})}
        path.write_text(yaml.safe_dump(catalogue, allow_unicode=True), encoding="utf-8")
        cli.env["YUQING_SCRAPY_SETTINGS"] = json.dumps({**FAST, **(settings or {})})
        cli.env.update(env or {})
        if module:
            command = [sys.executable, "-m", "crawler", "--sources", str(path), *args]
            return subprocess.run(command, capture_output=True, text=True, env=cli.env, timeout=120, check=False)
        return cli("crawl", "--sources", str(path), *args, timeout=120)

    return run


def rss(name: str, *urls: str, **extra: object) -> dict:
    return {"name": name, "type": "rss", "urls": list(urls), "interval": "10m", "media": "news", **extra}


def gov_html(url: str, name: str = "lishui-gov") -> dict:
    return {
        "name": name,
        "type": "html",
        "urls": [url],
        "interval": "10m",
        "media": "gov",
        "list": {"links": "ul.list a", "next": "a.next::attr(href)"},
        "detail": {"text": "div.content"},
    }


def pages(name: str, url: str) -> dict:
    return {
        "name": name,
        "type": "html",
        "urls": [url],
        "interval": "10m",
        "media": "news",
        "list": {"links": "a"},
        "detail": {"title": "h1::text", "published_at": ".time::text"},
    }


def weibo_api(url: str) -> dict:
    return {
        "name": "weibo-search",
        "type": "json",
        "urls": [url],
        "interval": "10m",
        "media": "weibo",
        "items": "data.list",
        "fields": {
            "id": "mid",
            "text": "content",
            "author": "user.screen_name",
            "published_at": "created_at",
            "url": "link",
            "reposts": "counts.reposts",
            "comments": "counts.comments",
            "likes": "counts.likes",
        },
        "next": {"param": "page", "start": 1, "max_pages": 5},
    }


def link_page(site: Site, path: str, targets: list[str]) -> str:
    """Adds a page of links to the site and returns its URL."""
    links = "".join(f'<a href="{target}">{target}</a>' for target in targets)
    site.extra[path] = (200, "text/html; charset=utf-8", f"<html><body>{links}</body></html>".encode())
    return site.url + path
