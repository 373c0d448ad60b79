"""The crawler's service job: every `jobs.crawl.every` of service.yaml, the sources whose interval has passed are
crawled in a child process (`python -m crawler`, the same as `yuqing crawl`) with a time limit, because Twisted's
reactor cannot be started twice in the service's process, and a hung site must not hold the service. The child dies
with the service (`die_with_parent`)."""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from yuqing.jobs import Job, configured
from yuqing.settings import Settings
from yuqing.storage.database import session_factory
from yuqing.storage.models import Source as SourceRow
from yuqing.storage.models import utcnow

JOB_TIMEOUT = timedelta(minutes=15)
_PR_SET_PDEATHSIG = 1  # prctl(2): the signal a child gets when the thread that started it dies
# Looked up here, in the parent: between fork and exec the child may only call what is already loaded.
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def die_with_parent() -> None:
    """Run in the child before it starts (Linux): SIGKILL when the service dies, kill -9 included, so no crawl is
    left running after its service; elsewhere nothing (the time limit still ends it)."""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def jobs(settings: Settings, engine: Engine) -> list[Job]:
    """The `crawl` job, when service.yaml has it enabled."""
    factory = session_factory(engine)
    return configured(settings, "crawl", lambda: crawl_job(settings, factory))


def due_sources(settings: Settings, factory: sessionmaker[Session], now: datetime | None = None) -> list[str]:
    """Enabled sources whose interval has passed since their last run (or that never ran)."""
    now = now or utcnow()
    with factory() as session:
        last = dict(session.execute(select(SourceRow.name, SourceRow.last_run_at)).tuples().all())
    return [
        source.name
        for source in settings.sources.sources
        if source.enabled and (last.get(source.name) is None or now - last[source.name] >= source.interval)
    ]


def crawl_job(settings: Settings, factory: sessionmaker[Session]) -> Callable[[], str]:
    """The due sources, crawled in a child process that loads these same settings."""

    def run() -> str:
        names = due_sources(settings, factory)
        if not names:
            return "no source due"
        command = [sys.executable, "-m", "crawler", *(arg for name in names for arg in ("--source", name))]
        done = subprocess.run(
            command,
            env=settings.child_environment(),
            capture_output=True,
            text=True,
            timeout=JOB_TIMEOUT.total_seconds(),
            check=False,
            preexec_fn=die_with_parent,
        )
        lines = [line for line in done.stdout.splitlines() if line.strip()]
        if done.returncode == 1 and lines:  # every source failed: recorded and alerted per source, not a crash
            return "every due source failed: " + "; ".join(lines)
        if done.returncode != 0:
            reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise RuntimeError(f"crawl exited {done.returncode}: {'; '.join(lines) or reason}")
        return "; ".join(lines)

    return run
