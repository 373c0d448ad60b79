"""The long-running service: APScheduler runs the jobs, uvicorn serves the web app, in one process."""

from __future__ import annotations

import logging
import signal
from datetime import datetime

import uvicorn
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from monitor.leader import LeaderLock, LeaderTaken
from monitor.stages import build_jobs
from monitor.web import create_app
from yuqing.cli_support import EXIT_ERROR
from yuqing.jobs import Job, close_interrupted_runs, run_job
from yuqing.settings import Settings
from yuqing.storage.database import session_factory

log = logging.getLogger("yuqing.service")


def lead(engine: Engine) -> LeaderLock:
    """This instance's leader lock, or exit 1 saying who holds it; then the runs a dead leader left are closed."""
    lock = LeaderLock(engine)
    try:
        lock.acquire()
    except LeaderTaken as error:
        log.error("%s; this one does nothing and exits", error)
        raise SystemExit(EXIT_ERROR) from None
    close_interrupted_runs(session_factory(engine))
    return lock


def run_once(settings: Settings, engine: Engine) -> bool:
    """Run every job one time, in order (for cron and for checks), as the leader; True when all succeeded."""
    lock = lead(engine)
    try:
        factory = session_factory(engine)
        results = [run_job(job, factory) for job in build_jobs(settings, engine)]
    finally:
        lock.release()
    return all(results)


def _scheduler(settings: Settings, engine: Engine, jobs: list[Job]) -> BackgroundScheduler:
    factory = session_factory(engine)
    scheduler = BackgroundScheduler(timezone=settings.timezone)
    now = datetime.now(settings.timezone)
    for job in jobs:
        scheduler.add_job(
            run_job,
            IntervalTrigger(seconds=job.every.total_seconds(), timezone=settings.timezone),
            args=(job, factory),
            id=job.name,
            name=job.name,
            next_run_time=now,  # first run at start-up, so nothing waits a whole interval after a restart
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )
    return scheduler


def serve(settings: Settings, engine: Engine, jobs: list[Job], *, leader: LeaderLock | None) -> None:
    """Serve the web app in the foreground, and run the jobs when this instance is the leader, until SIGTERM or
    Ctrl-C, which end it cleanly with exit status 0: uvicorn stops serving, then hands the signal on to the handler
    it found, which here only notes it (Python's would end the process with 143 or a KeyboardInterrupt)."""
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, lambda number, _frame: log.info("stopping on %s", signal.Signals(number).name))
    web = settings.service.web
    scheduler = _scheduler(settings, engine, jobs) if leader else None
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, engine, jobs), host=web.host, port=web.port, log_config=None)
    )
    if scheduler:
        scheduler.start()
    try:
        server.run()
    finally:
        if scheduler:
            scheduler.shutdown(wait=True)
        if leader:
            leader.release()
        log.info("stopped")


def describe_jobs(jobs: list[Job]) -> str:
    return ", ".join(f"{job.name} every {job.every}" for job in jobs) or "none"
