"""Several crawler processes, on several machines, sharing one frontier and one seen-set in Redis.

scrapy-redis's scheduler keeps the request queue (`<prefix>:requests`) and the fingerprints of every request
ever scheduled (`<prefix>:dupefilter`) in Redis, and both persist between runs: an article page scheduled by
any process is fetched by exactly one. Feed, list and API pages are scheduled unfiltered, so every run looks at
them again. A process whose queue runs dry waits `IDLE_GRACE_SECONDS` for other processes to add work.
"""

from __future__ import annotations

import time
from typing import Any, Self

import redis
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured

IDLE_GRACE_SECONDS = 3.0
REDIS_TIMEOUT_SECONDS = 10


def redis_settings(url: str, prefix: str) -> dict[str, Any]:
    """Scrapy settings for the shared frontier in the Redis at `url`, its keys under `prefix` (both from Settings:
    YUQING_REDIS_URL and YUQING_REDIS_PREFIX); a Redis that does not answer stops the run before it starts."""
    try:
        redis.Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
        ).ping()
    except (redis.RedisError, ValueError) as error:
        raise ConnectionError(f"distributed crawl: Redis at {url} unreachable ({error})") from error
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,  # the seen-set outlives a run; the first process to finish must not clear it
        "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "REDIS_URL": url,
        "REDIS_PARAMS": {
            "socket_timeout": REDIS_TIMEOUT_SECONDS,
            "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
            "retry_on_timeout": True,
        },
        "EXTENSIONS": {"crawler.distributed.IdleGrace": 500},
    }


class IdleGrace:
    """Keeps an idle spider open for a moment while the shared queue may still get requests from others."""

    def __init__(self, crawler: Crawler, grace: float) -> None:
        self.crawler, self.grace = crawler, grace
        self.idle_since: float | None = None
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(self.response_received, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if "scrapy_redis" not in str(crawler.settings.get("SCHEDULER")):
            raise NotConfigured
        return cls(crawler, crawler.settings.getfloat("YUQING_IDLE_GRACE", IDLE_GRACE_SECONDS))

    def request_scheduled(self) -> None:
        self.idle_since = None

    def response_received(self) -> None:
        self.idle_since = None

    def spider_idle(self) -> None:
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.grace:
            raise DontCloseSpider
