"""A local news day served over HTTP on 127.0.0.1, growing between rounds: a city government site (a list of
articles in GBK, two list pages, each article a page with the CMS meta tags), a news RSS feed that carries several
outlets, a Weibo-style paged JSON search API and a forum RSS feed.

The day is a list of `DayPost`s; `DaySite.round` says how far the day has got: each source shows the posts of the
rounds so far, newest first, so a post of an earlier publication time can appear in a later round (a late find).
Publication times are the day's clock (a real wall-clock moment, to the minute) minus each post's `ago`. Every
page carries an ETag of its body, so the crawler's conditional requests get 304 while a source has not changed.
"""

from __future__ import annotations

import hashlib
import html
import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

GOV, NEWS, WEIBO, FORUM = "gov", "news", "weibo", "forum"
GOV_PER_PAGE = 5
WEIBO_PER_PAGE = 6


@dataclass(frozen=True)
class DayPost:
    """One post of the day: which matter it belongs to (the test's truth), when it shows up and where."""

    key: str  # the test's own handle, also the URL's last part
    matter: str
    round: int  # the round in which its source first shows it
    channel: str  # GOV, NEWS, WEIBO or FORUM
    ago: timedelta  # published this long before the day's clock
    title: str = ""
    text: str = ""
    author: str = ""  # the outlet (news), the publishing office (gov), the user (weibo, forum)
    reposts: int = 0
    comments: int = 0


@dataclass
class DaySite:
    posts: list[DayPost]
    clock: datetime  # aware, local
    round: int = 0
    url: str = ""
    hits: Counter[str] = field(default_factory=Counter)
    not_modified: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def published(self, post: DayPost) -> datetime:
        return self.clock - post.ago

    def url_of(self, post: DayPost) -> str:
        paths = {
            GOV: f"/gov/art/{post.key}.html",
            NEWS: f"/news/{post.key}.html",
            WEIBO: f"/weibo/status/{post.key}",
            FORUM: f"/forum/thread/{post.key}.html",
        }
        return self.url + paths[post.channel]

    def shown(self, channel: str) -> list[DayPost]:
        """The posts a source shows now: those of the rounds so far, newest first."""
        visible = [p for p in self.posts if p.channel == channel and p.round <= self.round]
        return sorted(visible, key=lambda p: (p.ago, p.key))

    def visible(self) -> list[DayPost]:
        return [p for p in self.posts if p.round <= self.round]

    def sources(self) -> list[dict]:
        """sources.yaml entries for the four sources of the day."""
        return [
            {
                "name": "岳阳市人民政府网-政务动态",
                "type": "html",
                "urls": [f"{self.url}/gov/list.html"],
                "interval": "10m",
                "media": GOV,
                "max_pages": 5,
                "list": {"links": "ul.list a::attr(href)", "next": "a.next::attr(href)"},
                "detail": {"text": "#zoom"},
            },
            {
                "name": "洞庭新闻聚合",
                "type": "rss",
                "urls": [f"{self.url}/news/rss.xml"],
                "interval": "10m",
                "media": NEWS,
            },
            {
                "name": "微博-岳阳",
                "type": "json",
                "urls": [f"{self.url}/weibo/search.json"],
                "interval": "10m",
                "media": WEIBO,
                "items": "data.statuses",
                "fields": {
                    "id": "idstr",
                    "text": "text",
                    "url": "url",
                    "author": "user.screen_name",
                    "published_at": "created_at",
                    "reposts": "reposts_count",
                    "comments": "comments_count",
                },
                "next": {"param": "page", "start": 1, "max_pages": 5},
            },
            {
                "name": "巴陵论坛",
                "type": "rss",
                "urls": [f"{self.url}/forum/rss.xml"],
                "interval": "10m",
                "media": FORUM,
            },
        ]

    # --- pages ----------------------------------------------------------------------------------------------

    def _gov_list(self, page: int) -> bytes | None:
        posts = self.shown(GOV)
        pages = max(1, -(-len(posts) // GOV_PER_PAGE))
        if page > pages:
            return None
        chosen = posts[(page - 1) * GOV_PER_PAGE : page * GOV_PER_PAGE]
        items = "".join(
            f'<li><a href="/gov/art/{p.key}.html">{html.escape(p.title)}</a>'
            f"<span>{self.published(p):%Y-%m-%d}</span></li>"
            for p in chosen
        )
        following = f'<a class="next" href="/gov/list_{page + 1}.html">下一页</a>' if page < pages else ""
        return (
            '<html><head><meta charset="gbk"><title>政务动态 - 岳阳市人民政府</title></head><body>'
            f'<div class="nav">首页 &gt; 政务动态</div><ul class="list">{items}</ul>{following}</body></html>'
        ).encode("gbk")

    def _gov_article(self, key: str) -> bytes | None:
        post = next((p for p in self.shown(GOV) if p.key == key), None)
        if post is None:
            return None
        paragraphs = "".join(f"<p>{html.escape(part)}</p>" for part in post.text.split("\n") if part)
        return (
            '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">'
            f'<meta name="ArticleTitle" content="{html.escape(post.title)}">'
            f'<meta name="PubDate" content="{self.published(post):%Y-%m-%d %H:%M}">'
            f'<meta name="ContentSource" content="{html.escape(post.author)}">'
            '<meta name="SiteName" content="岳阳市人民政府"><meta name="ColumnName" content="政务动态">'
            f"<title>{html.escape(post.title)} - 岳阳市人民政府</title></head><body>"
            '<div class="nav">首页 &gt; 政务动态</div>'
            f'<h1>{html.escape(post.title)}</h1><div id="zoom">{paragraphs}</div>'
            '<div class="footer">主办：岳阳市人民政府办公室</div></body></html>'
        ).encode("gbk")

    def _rss(self, channel: str, title: str) -> bytes:
        items = "".join(
            "<item>"
            f"<title>{html.escape(p.title)}</title>"
            f"<link>{self.url_of(p)}</link><guid>{p.key}</guid>"
            f"<pubDate>{format_datetime(self.published(p))}</pubDate>"
            f"<dc:creator>{html.escape(p.author)}</dc:creator>"
            f"<description><![CDATA[<p>{p.text}</p>]]></description>"
            "</item>"
            for p in self.shown(channel)
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
            f"<title>{title}</title><link>{self.url}/</link>{items}</channel></rss>"
        ).encode()

    def _weibo(self, page: int) -> bytes:
        posts = self.shown(WEIBO)[(page - 1) * WEIBO_PER_PAGE : page * WEIBO_PER_PAGE]
        statuses = [
            {
                "idstr": p.key,
                "text": p.text,
                "url": self.url_of(p),
                "created_at": f"{self.published(p):%Y-%m-%d %H:%M}",
                "user": {"screen_name": p.author},
                "reposts_count": p.reposts,
                "comments_count": p.comments,
            }
            for p in posts
        ]
        return json.dumps({"ok": 1, "data": {"statuses": statuses}}, ensure_ascii=False).encode()

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nDisallow: /admin/\n"
        if path == "/gov/list.html" or path.startswith("/gov/list_"):
            page = 1 if path == "/gov/list.html" else int(path.removeprefix("/gov/list_").removesuffix(".html"))
            body = self._gov_list(page)
            return (200, "text/html", body) if body else (404, "text/html", b"not found")
        if path.startswith("/gov/art/"):
            body = self._gov_article(path.removeprefix("/gov/art/").removesuffix(".html"))
            return (200, "text/html", body) if body else (404, "text/html", b"not found")
        if path == "/news/rss.xml":
            return 200, "application/rss+xml", self._rss(NEWS, "洞庭新闻聚合")
        if path == "/forum/rss.xml":
            return 200, "application/rss+xml", self._rss(FORUM, "巴陵论坛 - 最新帖子")
        if path == "/weibo/search.json":
            return 200, "application/json", self._weibo(int(query.get("page", ["1"])[0]))
        return 404, "text/html; charset=utf-8", b"<html><body>not found</body></html>"


def _handler(site: DaySite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            with site.lock:
                site.hits[parts.path] += 1
                status, kind, body = site.answer(parts.path, parse_qs(parts.query))
            headers = {"Content-Type": kind}
            if status == 200:
                headers["ETag"] = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == headers["ETag"]:
                    status, body = 304, b""
                    with site.lock:
                        site.not_modified[parts.path] += 1
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    request_queue_size = 64
    daemon_threads = True


@contextmanager
def serve_day(site: DaySite) -> Iterator[DaySite]:
    server = _Server(("127.0.0.1", 0), _handler(site))
    site.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
