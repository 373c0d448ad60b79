"""The web server: /healthz now; the console pages arrive with their issue."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from yuqing import __version__
from yuqing.jobs import Job, last_runs
from yuqing.storage.database import current_revision, head_revision, session_factory


def create_app(engine: Engine, jobs: list[Job]) -> Starlette:
    factory = session_factory(engine)

    def healthz(_request: Request) -> JSONResponse:
        database: dict[str, Any] = {"backend": engine.dialect.name, "head": head_revision()}
        job_state: list[dict[str, Any]] = []
        try:
            database["revision"] = current_revision(engine)
            database["reachable"] = True
            with factory() as session:
                runs = last_runs(session, [job.name for job in jobs])
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
                            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
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
        }
        return JSONResponse(body, status_code=200 if healthy else 503)

    return Starlette(routes=[Route("/healthz", healthz)])
