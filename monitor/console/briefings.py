"""Briefings: the archive of the daily, weekly and monthly briefings the service wrote, each format
downloadable. Only the files a briefing row names are served (never a path taken from the request). The
press office's page (`duty`, `admin`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.console.auth import Principal, requires
from monitor.console.context import Console, console, database
from yuqing.storage.models import Briefing
from yuqing.users import Role
from yuqing.vocabulary import BRIEFING_TITLE

FORMAT_TEXT = {"docx": "Word", "html": "网页", "md": "Markdown"}
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}
router = APIRouter(include_in_schema=False)
Staff = Annotated[Principal, Depends(requires(Role.DUTY, Role.ADMIN))]
Db = Annotated[Session, Depends(database)]


@router.get("/briefings")
def briefings_page(request: Request, who: Staff, app: Annotated[Console, Depends(console)], session: Db):
    briefings = list(session.scalars(select(Briefing).order_by(Briefing.period_start.desc(), Briefing.id.desc())))
    return app.page(request, "briefings.html", briefings=briefings, titles=BRIEFING_TITLE, format_text=FORMAT_TEXT)


@router.get("/briefings/{briefing_id}/{kind}")
def briefing_file(briefing_id: int, kind: str, who: Staff, session: Db) -> FileResponse:
    briefing = session.get(Briefing, briefing_id)
    if briefing is None or kind not in briefing.files:
        raise HTTPException(404, "没有这份简报")
    path = Path(briefing.files[kind])
    if not path.is_file():
        raise HTTPException(404, "简报文件已不在服务器上")
    return FileResponse(path, media_type=MEDIA_TYPES.get(kind, "application/octet-stream"), filename=path.name)
