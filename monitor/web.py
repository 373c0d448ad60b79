"""The web server: /healthz now; the console pages arrive with their issue.

/healthz answers 503 only when the database is unreachable or behind its migrations; a failing job or source
does not make the service unhealthy, it is reported in `jobs` and `sources` for the operators to read, as are the
duty channel and the configured bodies that have no alert channel (`bodies_without_channel`: only the duty
channel hears their alerts until someone gives them one).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from yuqing import __version__
from yuqing.jobs import Job, last_runs
from yuqing.settings import Settings
from yuqing.storage.database import current_revision, head_revision, session_factory
from yuqing.storage.models import Source


def _when(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


def source_health(source: Source) -> dict[str, Any]:
    """What the crawler last recorded for one source (crawler/health.py writes it after every run)."""
    status = "never_run" if source.last_run_at is None else "failing" if source.consecutive_failures else "ok"
    return {
        "name": source.name,
        "media": source.media,
        "enabled": source.enabled,
        "status": status,
        "last_run_at": _when(source.last_run_at),
        "last_success_at": _when(source.last_success_at),
        "last_items": source.last_items,
        "consecutive_failures": source.consecutive_failures,
        "last_error_kind": source.last_error_kind,
        "last_error": source.last_error,
    }


def create_app(settings: Settings, engine: Engine, jobs: list[Job]) -> Starlette:
    factory = session_factory(engine)
    alerts = {
        "duty_channel": settings.duty_channels.addresses(),
        "bodies_without_channel": [body.name for body in settings.organisations.bodies_without_channel()],
    }

    def healthz(_request: Request) -> JSONResponse:
        database: dict[str, Any] = {"backend": engine.dialect.name, "head": head_revision()}
        job_state: list[dict[str, Any]] = []
        sources: list[dict[str, Any]] = []
        try:
            database["revision"] = current_revision(engine)
            database["reachable"] = True
            with factory() as session:
                runs = last_runs(session, [job.name for job in jobs])
                sources = [source_health(s) for s in session.scalars(select(Source).order_by(Source.name))]
            for job in jobs:
                run = runs.get(job.name)
                job_state.append(
                    {
                        "name": job.name,
                        "every_seconds": job.every.total_seconds(),
                        "last_run": None
                        if run is None
                        else {
                            "started_at": run.started_at.isoformat(),
                            "finished_at": _when(run.finished_at),
                            "status": run.status,
                            "detail": run.detail,
                        },
                    }
                )
        except SQLAlchemyError as error:
            database.update(reachable=False, error=str(error.__cause__ or error).splitlines()[0])
        database["up_to_date"] = database.get("revision") == database["head"]
        healthy = database["reachable"] and database["up_to_date"]
        body = {
            "status": "ok" if healthy else "unhealthy",
            "version": __version__,
            "database": database,
            "jobs": job_state,
            "sources": sources,
            **alerts,
        }
        return JSONResponse(body, status_code=200 if healthy else 503)

    return Starlette(routes=[Route("/healthz", healthz)])
