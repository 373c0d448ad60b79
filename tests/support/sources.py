"""Source definitions and pages for the crawler tests: the config a test crawls, and the fast Scrapy settings."""

from __future__ import annotations

from support.site import Site

# Small timeouts, no throttling, a small size cap: the failure pages answer at once or not at all.
FAST = {
    "DOWNLOAD_TIMEOUT": 1,
    "RETRY_TIMES": 1,
    "YUQING_RETRY_BACKOFF": 0.05,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_MAXSIZE": 200_000,
    "YUQING_IDLE_GRACE": 1,
}


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
