"""The JSON API for other systems (`/api/…`, described at `/api/docs`): the board and the cases under exactly
the rules of the pages — the same principal, the same 404 for a case the account may not see, the same roles
per action, CSRF for a browser's calls (a bearer token needs none). Times are ISO 8601 in the service's zone
with their offset (DOMAIN.md §7); a case is every field of `yuqing cases show --json` plus its posts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy.orm import Session

from monitor.console.actions import Action, ActionInput, Done, perform
from monitor.console.auth import Principal, checked, principal, visible_case
from monitor.console.board import BoardFilters, BoardRow, board
from monitor.console.context import Console, console, database
from responder.lifecycle import CaseError
from yuqing.caseview import case_with_posts
from yuqing.settings import Settings

router = APIRouter(prefix="/api", tags=["cases"], responses={401: {}, 404: {}})
Who = Annotated[Principal, Depends(principal)]
Acting = Annotated[Principal, Depends(checked)]
App = Annotated[Console, Depends(console)]
Db = Annotated[Session, Depends(database)]


def _local_json(data: Any, settings: Settings) -> Any:
    """Times in the service's zone with their offset, as `cases show --json` writes them."""
    text = json.dumps(data, ensure_ascii=False, default=lambda moment: moment.astimezone(settings.timezone).isoformat())
    return json.loads(text)


@router.get("/cases")
def list_cases(who: Who, app: App, session: Db, filters: Annotated[BoardFilters, Query()]) -> list[BoardRow]:
    """The board: the open cases the account may see, nearest deadline first."""
    return board(session, app.settings, who, filters, datetime.now(UTC)).rows


@router.get("/cases/{number}")
def show_case(number: int, who: Who, app: App, session: Db) -> dict[str, Any]:
    """One case with its posts (404 when it does not exist or the account may not see it)."""
    case = visible_case(session, who, number)
    return _local_json(case_with_posts(session, app.settings, case).model_dump(), app.settings)


@router.post("/cases/{number}/{action}", responses={400: {}, 403: {}})
def act(number: int, action: Action, given: ActionInput, who: Acting, app: App, session: Db) -> Done:
    """Do an action on a case as the signed-in account (`at` with its zone; default now)."""
    case = visible_case(session, who, number)
    try:
        done = perform(session, app.settings, who, case, action, given)
        session.commit()
    except CaseError as error:
        session.rollback()
        raise HTTPException(400, str(error)) from error
    return done
