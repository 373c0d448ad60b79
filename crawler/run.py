"""The crawl itself: run the chosen sources once, store the posts, record each source's run and health.

Twisted's reactor cannot be restarted, so a process crawls once; the service's job (crawler/jobs.py) starts
each crawl as a child process.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from twisted.python.failure import Failure

from crawler.health import RunOutcome, record_run, source_ids
from crawler.records import CrawlRun, StoredPost
from crawler.spiders import SourcesSpider
from yuqing.config_models import Source, SourceHealthRules
from yuqing.settings import Settings
from yuqing.storage.database import make_engine, session_factory, transaction
from yuqing.storage.models import utcnow

USER_AGENT = "YuqingBot/0.1 (+public-opinion monitor of a government press office)"

SCRAPY_SETTINGS: dict[str, Any] = {
    "BOT_NAME": "yuqing",
    "USER_AGENT": USER_AGENT,
    "ROBOTSTXT_OBEY": False,  # crawler.middlewares.RobotsGuard does it, per source (see its docstring)
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
    # Items of one response go through the pipeline one after another: it only buffers them (storage is batched),
    # and Scrapy otherwise starts a hundred asyncio tasks for every article page's single item.
    "CONCURRENT_ITEMS": 1,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 0.25,
    "AUTOTHROTTLE_MAX_DELAY": 30.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 2.0,
    "DOWNLOAD_TIMEOUT": 20,
    "DOWNLOAD_MAXSIZE": 5 * 1024 * 1024,
    "DOWNLOAD_WARNSIZE": 2 * 1024 * 1024,
    "RETRY_ENABLED": True,
    "RETRY_TIMES": 2,
    "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
    "YUQING_RETRY_BACKOFF": 1.0,
    "REDIRECT_MAX_TIMES": 5,
    "COOKIES_ENABLED": True,
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "WARNING",
    "LOG_INSTALL_ROOT_HANDLER": True,
    "DOWNLOADER_MIDDLEWARES": {
        "crawler.middlewares.RobotsGuard": 100,
        # below Retry (550) and BlockedPageDetector (580): only final, genuine answers leave their validators
        "crawler.incremental.ConditionalRequests": 540,
        "crawler.middlewares.RetryBackoff": 560,
        "crawler.middlewares.BlockedPageDetector": 580,
        "crawler.middlewares.HostConcurrency": 990,  # next to the download itself, so only transfers hold it
    },
    "SPIDER_MIDDLEWARES": {"crawler.incremental.KnownArticles": 950},  # next to the spider: sees its own output
    "ITEM_PIPELINES": {"crawler.pipelines.StoragePipeline": 300},
    "DOWNLOAD_HANDLERS": {"file": "crawler.files.QueryFileDownloadHandler"},
}


@dataclass
class CrawlResult:
    outcomes: list[RunOutcome]
    stored: list[StoredPost]

    @property
    def all_failed(self) -> bool:
        return bool(self.outcomes) and all(outcome.status == "failed" for outcome in self.outcomes)


def choose(sources: list[Source], names: list[str] | None) -> list[Source]:
    """The enabled sources, or the named ones (enabled or not); an unknown name is an error naming the known ones."""
    if not names:
        return [source for source in sources if source.enabled]
    by_name = {source.name: source for source in sources}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise ValueError(f"unknown source(s) {', '.join(unknown)}; configured: {', '.join(by_name) or 'none'}")
    return [by_name[name] for name in dict.fromkeys(names)]


def scrapy_settings(settings: Settings, distributed: bool) -> dict[str, Any]:
    """The crawler's Scrapy settings; YUQING_SCRAPY_SETTINGS (`settings.scrapy_overrides`) overrides any of them."""
    scrapy = dict(SCRAPY_SETTINGS)
    if distributed:
        from crawler.distributed import redis_settings  # Redis and scrapy-redis only for a distributed crawl

        scrapy.update(redis_settings(settings.redis_url, settings.redis_prefix))
    scrapy.update(settings.scrapy_overrides)
    return scrapy


def _run_scrapy(run: CrawlRun, scrapy: dict[str, Any]) -> None:
    """One Scrapy crawl of `run`'s sources, in this process; a crawl that cannot start raises its error here."""
    process = CrawlerProcess(scrapy)
    crawler = process.create_crawler(SourcesSpider)
    run.attach(crawler)
    failures: list[Failure] = []
    process.crawl(crawler).addErrback(failures.append)
    process.start()
    if failures:
        failures[0].raiseException()


def crawl(
    settings: Settings, sources: list[Source], *, health: SourceHealthRules, distributed: bool = False
) -> CrawlResult:
    """Crawl `sources` once (one call per process), store the posts, record each source's run."""
    engine = make_engine(settings.database_url)
    try:
        factory = session_factory(engine)
        with transaction(factory) as session:
            ids = source_ids(session, sources)
        run = CrawlRun(settings, {source.name: source for source in sources}, ids, factory)
        started = utcnow()
        _run_scrapy(run, scrapy_settings(settings, distributed))
        finished = utcnow()
        operators = settings.notifications.operators
        with transaction(factory) as session:
            outcomes = [
                record_run(session, ids[name], report, started, finished, operators, health)
                for name, report in run.reports.items()
            ]
        return CrawlResult(outcomes, run.stored)
    finally:
        engine.dispose()


def summary_line(outcome: RunOutcome) -> str:
    """One line per source: what came in, and when it is failing, why and for how long."""
    line = f"{outcome.name}: {outcome.status}, {outcome.items} items, {outcome.new_items} new"
    if outcome.error_kind:
        line += f"; {outcome.error_kind}: {outcome.error}"
    if outcome.status == "failed":
        last = outcome.last_success_at.isoformat(timespec="seconds") if outcome.last_success_at else "never"
        line += f"; {outcome.consecutive_failures} failure(s) in a row, last success {last}"
    if outcome.alerted:
        line += "; health alert sent to the operators"
    return line


def write_jsonl(path: Path, posts: list[StoredPost]) -> None:
    with path.open("w", encoding="utf-8") as stream:
        for post in posts:
            stream.write(json.dumps(post.as_json(), ensure_ascii=False) + "\n")
