"""The crawler's service job: crawl the sources whose interval has passed, in a child process."""

from __future__ import annotations

from sqlalchemy import Engine

from crawler.run import crawl_job
from yuqing.jobs import Job, configured
from yuqing.settings import Settings


def jobs(settings: Settings, engine: Engine) -> list[Job]:
    return configured(settings, "crawl", lambda: crawl_job(settings))
