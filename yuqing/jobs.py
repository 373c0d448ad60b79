"""Jobs, as stages hand them to the service, and the record of every run (the truth about what ran is in the
database). Each stage has a `jobs(settings, engine)` function returning its `Job`s; the wiring package collects
them and schedules them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from yuqing.settings import Settings
from yuqing.storage.database import session_factory, transaction
from yuqing.storage.models import JobRun, utcnow

log = logging.getLogger("yuqing.jobs")


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[], str]  # does the work, returns a one-line summary


def configured(settings: Settings, name: str, make_run: Callable[[], Callable[[], str]]) -> list[Job]:
    """The job `name` with its interval from service.yaml, or nothing when it is absent or disabled there."""
    config = settings.service.jobs.get(name)
    if config is None or not config.enabled:
        return []
    return [Job(name, config.every, make_run())]


def sqlite_maintenance(engine: Engine) -> str:
    """Keep an always-on SQLite healthy: fold the write-ahead log back and refresh the planner's statistics."""
    with engine.connect() as connection:
        busy, log_frames, checkpointed = connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).one()
    with engine.connect() as connection:
        # ANALYZE writes; taking the write lock first makes it wait out the other jobs (busy timeout) instead of
        # failing at once with "database is locked" when its read snapshot turns stale under a concurrent writer.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        connection.exec_driver_sql("PRAGMA optimize")
        connection.commit()
    return f"checkpointed {checkpointed} of {log_frames} WAL frames" + (" (readers busy)" if busy else "")


def _classify_job(settings: Settings, factory: sessionmaker[Session]) -> Callable[[], str]:
    """The model is loaded at the first run, so a missing model is a failed run on /healthz, not a dead service."""
    loaded: list[Any] = []

    def run() -> str:
        from classifier.labeller import Classifier
        from classifier.service import label_new_posts

        if not loaded:
            loaded.append(Classifier.load(settings))
        return label_new_posts(factory, loaded[0])

    return run


def build_jobs(settings: Settings, engine: Engine) -> list[Job]:
    """Every job this installation runs, from config; stages add theirs here as they are built."""
    from responder.alerts.dispatcher import Dispatcher
    from responder.cases import Responder
    from responder.runner import check_clocks, group_and_open

    factory = session_factory(engine)
    responder = Responder(settings)
    jobs = []
    crawl = settings.service.jobs.get("crawl")
    if crawl and crawl.enabled:
        from crawler.run import crawl_job

        jobs.append(Job("crawl", crawl.every, crawl_job(settings)))
    classify = settings.service.jobs.get("classify")
    if classify and classify.enabled:
        jobs.append(Job("classify", classify.every, _classify_job(settings, factory)))
    respond = settings.service.jobs.get("respond")
    if respond and respond.enabled:
        jobs.append(Job("respond", respond.every, lambda: group_and_open(factory, responder, utcnow)))
    jobs.append(Job("timers", settings.timers.poll, lambda: check_clocks(factory, responder, utcnow)))
    dispatch = settings.service.jobs.get("dispatch")
    if dispatch and dispatch.enabled:
        dispatcher = Dispatcher(settings, factory)
        jobs.append(Job("dispatch", dispatch.every, lambda: dispatcher.run().summary()))
    maintenance = settings.service.jobs.get("maintenance")
    if engine.dialect.name == "sqlite" and maintenance and maintenance.enabled:
        jobs.append(Job("maintenance", maintenance.every, lambda: sqlite_maintenance(engine)))
    return jobs


def run_job(job: Job, factory: sessionmaker[Session]) -> bool:
    """Run one job and write down how it went; a failing job is logged and recorded, never raised."""
    with transaction(factory) as session:
        record = JobRun(job=job.name, started_at=utcnow(), status="running")
        session.add(record)
    try:
        detail = job.run()
        status = "ok"
    except Exception as error:  # one broken job must not stop the others or the service
        log.exception("job %s failed", job.name)
        detail, status = f"{type(error).__name__}: {error}", "failed"
    with transaction(factory) as session:
        record = session.get_one(JobRun, record.id)
        record.finished_at, record.status, record.detail = utcnow(), status, detail
    log.info("job %s %s: %s", job.name, status, detail)
    return status == "ok"


def last_runs(session: Session, names: list[str]) -> dict[str, JobRun]:
    latest: dict[str, JobRun] = {}
    for name in names:
        run = session.scalar(select(JobRun).where(JobRun.job == name).order_by(JobRun.started_at.desc()).limit(1))
        if run is not None:
            latest[name] = run
    return latest
