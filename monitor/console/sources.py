"""Sources: each watched source's health as the crawler records it (last success, items per run, failures in a
row and why), with its last runs. The press office's page (`duty`, `admin`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.console.auth import Principal, requires
from monitor.console.context import Console, console, database
from yuqing.storage.models import Source, SourceRun
from yuqing.users import Role
from yuqing.vocabulary import SOURCE_ERROR_TEXT

RUNS_SHOWN = 5
router = APIRouter(include_in_schema=False)


@router.get("/sources")
def sources_page(
    request: Request,
    who: Annotated[Principal, Depends(requires(Role.DUTY, Role.ADMIN))],
    app: Annotated[Console, Depends(console)],
    session: Annotated[Session, Depends(database)],
):
    sources = list(session.scalars(select(Source).order_by(Source.consecutive_failures.desc(), Source.name)))
    runs = {
        source.id: list(
            session.scalars(
                select(SourceRun)
                .where(SourceRun.source_id == source.id)
                .order_by(SourceRun.started_at.desc())
                .limit(RUNS_SHOWN)
            )
        )
        for source in sources
    }
    return app.page(request, "sources.html", sources=sources, runs=runs, error_text=SOURCE_ERROR_TEXT)
