"""The console's pages: the board, a case with its actions. Every route reads the signed-in principal first, and
every case goes through `auth.visible_case` (404 for another department's), so nothing depends on which links
a page happens to show."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from monitor.console.actions import ALLOWED, Action, ActionInput, perform
from monitor.console.auth import Principal, checked, principal, visible_case
from monitor.console.board import CLOCK_STATE_TEXT, BoardFilters, board
from monitor.console.casepage import case_page
from monitor.console.context import Console, console, database
from monitor.console.forms import read_form
from responder.lifecycle import CaseError
from yuqing.caseview import case_lines, case_view, obligation_label, obligation_text
from yuqing.storage.models import Case
from yuqing.vocabulary import (
    CASE_ACTION_TEXT,
    OBLIGATION_STATUS_TEXT,
    PRIORITY_TEXT,
    Category,
    Priority,
    case_number,
)

router = APIRouter(include_in_schema=False)
Who = Annotated[Principal, Depends(principal)]
Acting = Annotated[Principal, Depends(checked)]
App = Annotated[Console, Depends(console)]
Db = Annotated[Session, Depends(database)]

FIELD_TEXT = {  # ActionInput's fields as the form names them, for its error messages
    "at": "发生时间",
    "evidence_url": "依据链接",
    "reason": "理由",
    "adcode": "行政区划代码",
    "domain": "主管领域",
    "posts": "帖文",
    "event": "事件",
    "into": "并入的案件编号",
    "category": "类别",
    "handling": "处置类型",
}


def _board(request: Request, who: Principal, app: Console, session: Session, template: str):
    filters = BoardFilters(**{k: v for k, v in request.query_params.items() if k in BoardFilters.model_fields})
    found = board(session, app.settings, who, filters, datetime.now(UTC))
    return app.page(
        request,
        template,
        rows=found.rows,
        total=found.total,
        query={k: v for k, v in request.query_params.items() if k != "offset"},
        filters=filters,
        bodies=found.bodies,
        regions=found.regions,
        categories={c: app.settings.categories.categories[c].name for c in Category if c != Category.OTHER},
        priorities={p: PRIORITY_TEXT[p] for p in reversed(Priority)},
        clock_text=CLOCK_STATE_TEXT,
    )


@router.get("/")
def board_page(request: Request, who: Who, app: App, session: Db):
    return _board(request, who, app, session, "board.html")


@router.get("/board/rows")
def board_rows(request: Request, who: Who, app: App, session: Db):
    """The board's rows alone: what the page's script fetches every 30 seconds."""
    return _board(request, who, app, session, "board_rows.html")


def _case_page(request: Request, who: Principal, app: Console, session: Session, case: Case, error: str | None = None):
    settings, now = app.settings, datetime.now(UTC)
    view = case_view(session, settings, case, with_history=True)
    done = request.query_params.get("done")
    return app.page(
        request,
        "case.html",
        400 if error else 200,
        view=view,
        name=case_number(view.id),
        lines=case_lines(view, settings.timezone),
        page=case_page(session, settings, case.event_id, view.history),
        obligations=[(o, obligation_label(o), obligation_text(o, settings.timezone, now)) for o in view.obligations],
        obligation_status=OBLIGATION_STATUS_TEXT,
        allowed={a.value for a in ALLOWED[who.role]} if view.status.is_active else set(),
        done=CASE_ACTION_TEXT.get(f"case.{done}") if done else None,
        error=error,
        categories={c: settings.categories.categories[c].name for c in Category if c != Category.OTHER},
        handlings={h: t.name for h, t in settings.categories.handling.items()},
        domains={d: info.name for d, info in settings.organisations.domains.items()},
    )


@router.get("/cases/{number}")
def case_detail(number: int, request: Request, who: Who, app: App, session: Db):
    return _case_page(request, who, app, session, visible_case(session, who, number))


def _local(text: str, app: Console) -> datetime | None:
    """A form's datetime-local value, read in the service's zone."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=app.settings.timezone)
    except ValueError as error:
        raise CaseError(f"发生时间“{text}”不是有效的时间") from error


def _form_input(form: FormData, app: Console) -> ActionInput:
    fields = {key: form.get(key) for key in FIELD_TEXT if form.get(key) not in (None, "")}
    fields.pop("at", None)
    fields["posts"] = [value for value in form.getlist("posts") if value]
    try:
        return ActionInput(at=_local(form.get("at", ""), app), **fields)
    except ValidationError as error:
        where = "、".join(FIELD_TEXT.get(str(e["loc"][0]), str(e["loc"][0])) for e in error.errors())
        raise CaseError(f"{where}填写有误") from error


@router.post("/cases/{number}/{action}")
def case_action(
    number: int,
    action: str,
    request: Request,
    who: Acting,
    app: App,
    session: Db,
    form: Annotated[FormData, Depends(read_form)],
):
    case = visible_case(session, who, number)
    try:
        chosen = Action(action)
    except ValueError as error:
        raise HTTPException(404, "没有这个操作") from error
    try:
        done = perform(session, app.settings, who, case, chosen, _form_input(form, app))
        session.commit()
    except CaseError as error:
        session.rollback()
        return _case_page(request, who, app, session, session.get_one(Case, number), str(error))
    return RedirectResponse(f"/cases/{done.case}?done={chosen.value}", status_code=303)
