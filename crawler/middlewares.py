"""Downloader middlewares that keep the crawler polite and make silent failures loud.

- `RobotsGuard`: robots.txt is fetched and parsed per host before any request to that host goes out. Scrapy
  2.19's own middleware let requests queued during the robots.txt fetch through at concurrency above one
  (shared/NOTES.md), so every request here awaits the host's parsed rules; nothing is downloaded before.
- `HostConcurrency`: at most `CONCURRENT_REQUESTS_PER_DOMAIN` requests open at once to one host. Scrapy 2.19
  under the asyncio reactor starts every request queued in a download slot at once (each download begins as a
  task, so the slot's count of transfers grows only after its loop has emptied the queue): 24 article links
  meant 24 connections to a government site at the same instant.
- `RetryBackoff`: a retried request waits 1 s, 2 s, 4 s… (capped) before going out again.
- `BlockedPageDetector`: a captcha or login page answered instead of content is a failure with its reason,
  never "zero items".
"""

from __future__ import annotations

import asyncio
import logging
import re
import urllib.error
import urllib.request
from typing import Self
from urllib.parse import urlsplit

from protego import Protego
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Request, Response

from crawler.failures import BlockedPage, RobotsDenied
from crawler.records import Fetch

log = logging.getLogger("crawler.robots")

ROBOTS_MAX_BYTES = 512 * 1024
_CAPTCHA = re.compile(r"验证码|captcha|滑动验证|人机验证|安全验证|访问验证|请完成验证|verify you are human", re.I)
_LOGIN = re.compile(r"请登录|登录后|扫码登录|用户登录|账号登录|sign in|log in", re.I)
_PASSWORD = re.compile("password", re.I)  # an <input type=password>, however written
_LOGIN_PATH = re.compile(r"/(login|signin|passport|sso)(/|\.|$)|[?&](returnurl|redirect_uri)=", re.I)
_SHORT_PAGE = 600  # characters of visible text; an article that merely mentions a 验证码 is longer


class RobotsGuard:
    """Holds every request until its host's robots.txt has been read, then lets through only allowed ones."""

    def __init__(self, crawler: Crawler) -> None:
        self.timeout = crawler.settings.getfloat("DOWNLOAD_TIMEOUT")
        self.agent = crawler.settings["USER_AGENT"]
        self._rules: dict[str, asyncio.Future[Protego | None]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https") or not Fetch.of(request).obey_robots:
            return
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._rules:
            self._rules[origin] = asyncio.ensure_future(asyncio.to_thread(self._fetch, origin))
        rules = await asyncio.shield(self._rules[origin])
        if rules is not None and not rules.can_fetch(request.url, self.agent):
            raise RobotsDenied(f"forbidden by {origin}/robots.txt")

    def _fetch(self, origin: str) -> Protego | None:
        """The host's rules; None (everything allowed) when it has no robots.txt or it cannot be read."""
        robots = urllib.request.Request(f"{origin}/robots.txt", headers={"User-Agent": self.agent})
        try:
            with urllib.request.urlopen(robots, timeout=self.timeout) as answer:
                body = answer.read(ROBOTS_MAX_BYTES)
        except urllib.error.HTTPError as error:
            if error.code in (401, 403):  # the whole host refuses robots: treat as disallowing all
                return Protego.parse("User-agent: *\nDisallow: /")
            return None
        except (OSError, ValueError) as error:
            log.warning("%s/robots.txt unreadable (%s); treating as allowing everything", origin, error)
            return None
        return Protego.parse(body.decode("utf-8", errors="replace"))


class HostConcurrency:
    """A semaphore per host, taken before the download and given back when its response or error comes back."""

    HELD = "yuqing_host_slot"

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._slots: dict[str, asyncio.Semaphore] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(max(1, crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")))

    async def process_request(self, request: Request) -> None:
        host = urlsplit(request.url).hostname or ""
        slot = self._slots.setdefault(host, asyncio.Semaphore(self.limit))
        await slot.acquire()
        request.meta[self.HELD] = host

    def _release(self, request: Request) -> None:
        host = request.meta.pop(self.HELD, None)
        if host is not None:
            self._slots[host].release()

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)


class RetryBackoff:
    """Exponential backoff for retries (Scrapy's RetryMiddleware reschedules at once)."""

    def __init__(self, base: float, cap: float) -> None:
        self.base, self.cap = base, cap

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        return cls(settings.getfloat("YUQING_RETRY_BACKOFF", 1.0), settings.getfloat("YUQING_RETRY_BACKOFF_MAX", 30.0))

    async def process_request(self, request: Request) -> None:
        retries = request.meta.get("retry_times", 0)
        if retries:
            await asyncio.sleep(min(self.base * 2 ** (retries - 1), self.cap))


def blocked_kind(response: Response) -> tuple[str, str] | None:
    """("captcha" | "login", reason) when the response is an anti-bot or login page rather than content."""
    if _LOGIN_PATH.search(urlsplit(response.url).path + "?" + urlsplit(response.url).query):
        return "login", f"redirected to a login page ({response.url})"
    if not isinstance(response, HtmlResponse):  # a feed's item titles may well mention a 验证码
        return None
    markup = response.text
    if not (_CAPTCHA.search(markup) or _LOGIN.search(markup) or _PASSWORD.search(markup)):
        return None  # none of the signs below is anywhere in the page: no need to walk its text
    try:
        title = " ".join(response.xpath("//title//text()").getall())
        password = bool(response.xpath("//input[@type='password']"))
        visible = "".join(response.xpath("//body//text()[not(ancestor::script)][not(ancestor::style)]").getall())
    except ValueError:  # undecodable or not markup after all
        return None
    short = len(visible.strip()) < _SHORT_PAGE  # a list page may carry a login box in its header
    if _CAPTCHA.search(title) or (short and _CAPTCHA.search(visible)):
        return "captcha", f"captcha page instead of content ({response.url})"
    if _LOGIN.search(title) or (short and password):  # "用户登录" links sit in many a government site's header
        return "login", f"login page instead of content ({response.url})"
    return None


class BlockedPageDetector:
    def process_response(self, request: Request, response: Response) -> Response:
        found = blocked_kind(response) if response.status == 200 else None
        if found:
            raise BlockedPage(*found)
        return response
