"""A real fixture web site on 127.0.0.1 for the crawler tests and the benchmark: feeds, a GBK government list
with paginated detail pages, Big5 and mislabelled pages, a paged JSON API, and every failure the crawler must
name (404, 500, a timeout, a redirect loop, malformed HTML, an oversized page, a captcha page, robots.txt)."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"  # what `make run` collects, served over HTTP
SAMPLE_TYPES = {".html": "text/html", ".xml": "application/xml", ".json": "application/json"}
SLOW_SECONDS = 3.0  # longer than the tests' download timeout
GATE_SECONDS = 30.0  # how long a gated article page waits for its company before answering anyway

ARTICLE = (
    "丽水市应急管理局通报：{day}日凌晨，莲都区碧湖镇一处在建工地发生局部坍塌，现场{n}名工人被及时救出，"
    "均无生命危险。事故原因正在调查，市应急管理局已派出工作组赶赴现场，要求各地立即开展建筑施工安全隐患排查。"
)


def gov_detail(n: int) -> str:
    return f"""<!DOCTYPE html><html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<meta name="ArticleTitle" content="关于碧湖镇工地坍塌事件的情况通报（{n}）">
<meta name="PubDate" content="2026-11-0{n % 9 + 1} 14:20">
<meta name="ContentSource" content="丽水市应急管理局">
<meta name="SiteName" content="丽水市人民政府">
<meta name="ColumnName" content="政务动态">
<title>情况通报 - 丽水市人民政府</title></head>
<body><div class="nav">首页 &gt; 政务动态</div>
<div class="content"><p>{ARTICLE.format(day=n, n=n + 2)}</p><p>第{n}号通报。</p></div></body></html>"""


def gov_list(page: int, per_page: int, pages: int) -> str:
    start = (page - 1) * per_page + 1
    links = "".join(f'<li><a href="/gov/art/{i}.html">通报{i}</a></li>' for i in range(start, start + per_page))
    following = f'<a class="next" href="/gov/list_{page + 1}.html">下一页</a>' if page < pages else ""
    return (
        '<html><head><meta charset="gbk"><title>政务动态</title></head><body>'
        f'<ul class="list">{links}</ul>{following}</body></html>'
    )


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>丽水发布</title>
<item><title>丽水市发布寒潮蓝色预警</title><link>http://{host}/news/1.html?utm_source=rss#top</link>
<guid>lishui-1</guid><pubDate>Tue, 03 Nov 2026 06:20:00 GMT</pubDate><dc:creator>丽水发布</dc:creator>
<description><![CDATA[<p>受强冷空气影响，丽水市气象台发布寒潮蓝色预警，&nbsp;预计未来48小时内气温下降8至10℃。</p>]]></description></item>
<item><title>云和县开展消防安全检查</title><link>http://{host}/news/2.html</link><guid>lishui-2</guid>
<pubDate>Tue, 03 Nov 2026 08:00:00 +0800</pubDate>
<description>云和县消防救援大队对辖区内人员密集场所开展消防安全检查。</description></item>
<item><title>青田县侨乡进口商品城客流创新高</title><link>http://{host}/news/3.html</link><guid>lishui-3</guid>
<pubDate>Wed, 04 Nov 2026 09:30:00 +0800</pubDate>
<description>青田县侨乡进口商品城本周末接待游客超过五万人次。</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>浙江新闻</title>
<entry><title>浙江省部署秋冬季森林防火工作</title><id>tag:zj,2026:1</id>
<link rel="alternate" href="http://{host}/zj/1.html"/><updated>2026-11-03T10:00:00+08:00</updated>
<author><name>浙江日报</name></author>
<content type="html">&lt;p&gt;浙江省召开森林防火工作会议。&lt;/p&gt;</content></entry>
<entry><title>龍泉市青瓷文化節開幕</title><id>tag:zj,2026:2</id>
<link href="http://{host}/zj/2.html"/><published>2026-11-04T09:00:00+08:00</published>
<summary>龍泉市第十屆青瓷文化節今日開幕，吸引眾多遊客。</summary></entry>
</feed>"""

BIG5_PAGE = (
    "<html><head><meta charset='big5'><title>臺灣颱風災情通報 - 新聞</title></head><body>"
    "<h1>臺灣颱風災情通報</h1><div class='content'>中央氣象署發布海上颱風警報，各縣市政府請注意防範強風豪雨。"
    "</div><span class='time'>2026年11月3日 14:20</span></body></html>"
)
WRONG_CHARSET_PAGE = (
    "<html><head><meta charset='gb2312'><title>缙云县召开秋季安全生产会议</title></head><body>"
    "<h1>缙云县召开秋季安全生产会议</h1><div class='content'>会议要求全县各乡镇落实安全生产责任制。</div>"
    "<span class='time'>昨天 08:15</span></body></html>"
)
MALFORMED_PAGE = (
    "<html><head><title>遂昌县通知<body><h1>遂昌县关于道路施工的通知<div class='content'>"
    "<p>遂昌县城北路将于下周封闭施工<p>请过往车辆绕行 <b>注意安全</div></span>"
)
CAPTCHA_PAGE = (
    "<html><head><title>安全验证</title></head><body><p>请输入验证码后继续访问</p>"
    "<img src='/captcha.png'><input name='code'></body></html>"
)


def api_page(page: int, pages: int, host: str) -> dict:
    if page > pages:
        return {"code": 0, "data": {"list": []}}
    posts = [
        {
            "mid": f"wb{page}{i}",
            "content": f"丽水莲都区今天的交通管制第{page}-{i}条，市民请提前规划出行路线。",
            "user": {"screen_name": f"丽水网友{i}"},
            "created_at": "3小时前" if i == 0 else "2026-11-03 14:20",
            "counts": {"reposts": "1.2万", "comments": 35, "likes": "7"},
            "link": f"http://{host}/weibo/{page}/{i}",
        }
        for i in range(3)
    ]
    return {"code": 0, "data": {"list": posts}}


@dataclass
class Site:
    """The running site: its base URL and every path it was asked for (counted)."""

    url: str = ""
    hits: Counter[str] = field(default_factory=Counter)
    conditional_hits: Counter[str] = field(default_factory=Counter)
    cookies: dict[str, str] = field(default_factory=dict)  # path → the Cookie header it was last asked with
    first_hit_at: float | None = None  # time.perf_counter() of the first request (the crawl benchmark's clock)
    gov_pages: int = 2
    per_page: int = 3
    api_pages: int = 2
    detail_delay: float = 0.0
    detail_gate: int = 0  # when set, article pages wait until this many are being asked for at once (or GATE_SECONDS)
    extra: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)  # path → (status, content type, body)
    lock: threading.Lock = field(default_factory=threading.Lock)
    gate: threading.Condition = field(default_factory=threading.Condition)
    waiting_at_gate: int = 0
    gate_opened: bool = False
    gate_timed_out: bool = False
    open_articles: int = 0
    peak_open_articles: int = 0  # the most article requests the site was answering at one time

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc

    def _pass_gate(self) -> None:
        """Hold article requests until `detail_gate` of them are open at once: proof of that many parallel fetchers."""
        if not self.detail_gate:
            return
        with self.gate:
            self.waiting_at_gate += 1
            if self.waiting_at_gate >= self.detail_gate:
                self.gate_opened = True
                self.gate.notify_all()
            if not self.gate.wait_for(lambda: self.gate_opened, timeout=GATE_SECONDS):
                self.gate_opened = self.gate_timed_out = True  # the test fails on it, rather than wait for each page
                self.gate.notify_all()
            self.waiting_at_gate -= 1

    def _sample(self, name: str, query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        """A bundled sample file; `?page=2` serves its `.page-2` sibling, as a paged API would answer."""
        path = SAMPLES / name
        for page in query.get("page", [])[:1]:
            sibling = path.with_name(f"{path.stem}.page-{page}{path.suffix}")
            path = sibling if sibling.exists() else path
        if not path.is_file() or SAMPLES not in path.resolve().parents:
            return 404, {"Content-Type": "text/html"}, b"not found"
        return 200, {"Content-Type": SAMPLE_TYPES.get(path.suffix, "application/octet-stream")}, path.read_bytes()

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        html_utf8 = "text/html; charset=utf-8"
        if path in self.extra:
            status, kind, body = self.extra[path]
            return status, {"Content-Type": kind}, body
        if path.startswith("/samples/"):
            return self._sample(path.removeprefix("/samples/"), query)
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"
        if path == "/feeds/rss.xml":
            return 200, {"Content-Type": "application/rss+xml", "ETag": '"rss-v1"'}, RSS.format(host=self.host).encode()
        if path == "/feeds/atom.xml":
            return 200, {"Content-Type": "application/atom+xml"}, ATOM.format(host=self.host).encode()
        if path == "/gov/list.html" or path.startswith("/gov/list_"):
            page = 1 if path == "/gov/list.html" else int(path.removeprefix("/gov/list_").removesuffix(".html"))
            if page > self.gov_pages:
                return 404, {"Content-Type": html_utf8}, b"not found"
            body = gov_list(page, self.per_page, self.gov_pages).encode("gbk")
            modified = f"Tue, 0{self.per_page} Nov 2026 06:00:00 GMT"  # changes when the list does
            return 200, {"Content-Type": "text/html", "Last-Modified": modified}, body
        if path.startswith("/gov/art/"):
            with self.lock:
                self.open_articles += 1
                self.peak_open_articles = max(self.peak_open_articles, self.open_articles)
            self._pass_gate()
            time.sleep(self.detail_delay)
            with self.lock:
                self.open_articles -= 1
            n = int(path.removeprefix("/gov/art/").removesuffix(".html"))
            return 200, {"Content-Type": "text/html"}, gov_detail(n).encode("gbk")
        if path == "/pages/big5.html":
            return 200, {"Content-Type": "text/html"}, BIG5_PAGE.encode("big5")
        if path == "/pages/wrong-charset.html":
            return 200, {"Content-Type": "text/html; charset=gbk"}, WRONG_CHARSET_PAGE.encode("utf-8")
        if path == "/pages/malformed.html":
            return 200, {"Content-Type": html_utf8}, MALFORMED_PAGE.encode()
        if path == "/api/posts":
            page = int(query.get("page", ["1"])[0])
            body = json.dumps(api_page(page, self.api_pages, self.host), ensure_ascii=False).encode()
            return 200, {"Content-Type": "application/json"}, body
        if path == "/status/500":
            return 500, {"Content-Type": html_utf8}, b"server error"
        if path == "/slow":
            time.sleep(SLOW_SECONDS)
            return 200, {"Content-Type": html_utf8}, b"<html><body>late</body></html>"
        if path == "/loop":
            return 302, {"Location": "/loop"}, b""
        if path == "/huge.html":
            return 200, {"Content-Type": html_utf8}, b"<html><body>" + "丽水".encode() * 200_000 + b"</body></html>"
        if path == "/captcha.html":
            return 200, {"Content-Type": html_utf8}, CAPTCHA_PAGE.encode()
        if path.startswith("/private/") or path.startswith("/public/"):
            return (
                200,
                {"Content-Type": html_utf8},
                f"<html><body><h1>{path}</h1><p>页面 {path}</p></body></html>".encode(),
            )
        return 404, {"Content-Type": html_utf8}, b"<html><body>not found</body></html>"


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            with site.lock:
                site.hits[parts.path] += 1
                site.first_hit_at = site.first_hit_at or time.perf_counter()
                if self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"):
                    site.conditional_hits[parts.path] += 1
                if self.headers.get("Cookie"):
                    site.cookies[parts.path] = self.headers["Cookie"]
            status, headers, body = site.answer(parts.path, parse_qs(parts.query))
            if headers.get("ETag") and self.headers.get("If-None-Match") == headers["ETag"]:
                status, body = 304, b""
            if headers.get("Last-Modified") and self.headers.get("If-Modified-Since") == headers["Last-Modified"]:
                status, body = 304, b""
            try:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the crawler gave up (timeout, size cap): that is the point of those pages

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the crawler opens many connections at once


@contextmanager
def serve(site: Site | None = None) -> Iterator[Site]:
    """The site on a free port in a background thread, for the duration of the block."""
    site = site or Site()
    server = _Server(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
