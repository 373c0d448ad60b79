"""Jobs, as stages hand them to the service, and the record of every run (the truth about what ran is in the
database). Each stage has a `jobs(settings, engine)` function returning its `Job`s; the wiring package collects
them and schedules them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from yuqing.settings import Settings
from yuqing.storage.database import transaction
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


def close_interrupted_runs(factory: sessionmaker[Session]) -> int:
    """Runs left `running` by an instance that died (kill -9, power cut) are marked `interrupted`, so /healthz and
    the console do not show them running forever. Only the leader calls it, so no live run is among them."""
    with transaction(factory) as session:
        stale = session.scalars(select(JobRun).where(JobRun.status == "running")).all()
        for run in stale:
            run.status, run.finished_at = "interrupted", utcnow()
            run.detail = "the service stopped during this run"
    if stale:
        log.warning("%d job run(s) left running by a stopped instance marked interrupted", len(stale))
    return len(stale)


def last_runs(session: Session, names: list[str]) -> dict[str, JobRun]:
    latest: dict[str, JobRun] = {}
    for name in names:
        run = session.scalar(select(JobRun).where(JobRun.job == name).order_by(JobRun.started_at.desc()).limit(1))
        if run is not None:
            latest[name] = run
    return latest
