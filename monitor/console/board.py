"""The board of deadlines: the open cases an account may see, nearest deadline first, each with the state of
its clock (on time, warning, breached), filtered by category, priority, body and region.

The colour follows the response clocks' own warnings (`timers.yaml` `warn_at`): warning from the first warning
fraction of the allowed time, breached once the deadline has passed; a case owing nothing (acknowledged and
waiting for a person to close it, say) is listed last. The board shows the 200 most urgent (`BOARD_ROWS`) and says
how many there are; the filters narrow it, the next page follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import JSON, func, select, type_coerce
from sqlalchemy.orm import Session

from monitor.console.auth import Principal
from yuqing import adcodes
from yuqing.divisions import name_of
from yuqing.settings import Settings
from yuqing.storage.models import Case, Obligation
from yuqing.users import Role, body_key
from yuqing.vocabulary import (
    ACTIVE_CASE_STATUSES,
    CASE_STATUS_TEXT,
    OBLIGATION_TEXT,
    OWED_OBLIGATION_STATUSES,
    PRIORITY_TEXT,
    case_number,
    severity_label,
)


class ClockState(StrEnum):
    ON_TIME = "on_time"
    WARNING = "warning"
    BREACHED = "breached"
    NONE = "none"  # nothing owed


CLOCK_STATE_TEXT = {
    ClockState.ON_TIME: "正常",
    ClockState.WARNING: "临近时限",
    ClockState.BREACHED: "已超时",
    ClockState.NONE: "无待办时限",
}


BOARD_ROWS = 200  # the most urgent cases shown at once; a longer board is narrowed by its filters or paged


class BoardFilters(BaseModel):
    """What the board is narrowed to; empty means everything. `body` is "ADCODE:DOMAIN" (any part in the case),
    `region` a division code (the case's places are, lie in or contain it)."""

    category: str = ""
    priority: str = ""
    body: str = ""
    region: str = ""
    offset: int = Field(0, ge=0)
    limit: int = Field(BOARD_ROWS, ge=1, le=1000)


class BoardRow(BaseModel):
    number: int
    name: str  # 12号案件
    title: str
    status: str
    status_text: str
    category: str
    category_text: str
    priority: str
    priority_text: str
    severity: str | None
    severity_text: str | None
    regions: list[str]  # names
    lead: str
    lead_body: str  # ADCODE:DOMAIN
    deadline: str | None  # what is owed next, in Chinese
    starts_at: datetime | None
    due_at: datetime | None
    clock: ClockState
    clock_text: str


@dataclass
class Board:
    rows: list[BoardRow]
    total: int  # every case matching the filters, of which `rows` is one page
    bodies: dict[str, str]  # the filter's choices among the visible cases: key → name
    regions: dict[str, str]


def clock_state(starts_at: datetime, due_at: datetime, warn_at: float, now: datetime) -> ClockState:
    if now >= due_at:
        return ClockState.BREACHED
    if now >= starts_at + (due_at - starts_at) * warn_at:
        return ClockState.WARNING
    return ClockState.ON_TIME


@dataclass
class _Open:
    """An active case as the board reads it: plain values straight from the row (the assignment's JSON is not
    built into a record, which would cost more than the rest of the board for thousands of cases)."""

    id: int
    status: str
    category: str
    priority: str
    severity: str | None
    assignment: dict[str, Any]
    due_at: datetime | None

    @property
    def body_keys(self) -> set[str]:
        named = [self.assignment["lead"], *self.assignment["responders"], *self.assignment["coordinators"]]
        return {f"{body['adcode']}:{body['domain']}" for body in named}


def _open_cases(session: Session) -> list[_Open]:
    """Every active case with its nearest owed deadline (None when it owes nothing), in one query."""
    nearest = (
        select(Obligation.case_id, func.min(Obligation.due_at).label("due_at"))
        .where(Obligation.status.in_(OWED_OBLIGATION_STATUSES))
        .group_by(Obligation.case_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Case.id,
            Case.status,
            Case.category,
            Case.priority,
            Case.severity,
            type_coerce(Case.assignment, JSON),
            nearest.c.due_at,
        )
        .outerjoin(nearest, nearest.c.case_id == Case.id)
        .where(Case.status.in_(ACTIVE_CASE_STATUSES))
    )
    return [_Open(*row) for row in rows]


def _matches(case: _Open, filters: BoardFilters) -> bool:
    if filters.category and case.category != filters.category:
        return False
    if filters.priority and case.priority != filters.priority:
        return False
    if filters.body and filters.body not in case.body_keys:
        return False
    return not filters.region or any(adcodes.related(r, filters.region) for r in case.assignment["regions"])


def _due_obligations(session: Session, case_ids: list[int]) -> dict[int, Obligation]:
    """The nearest owed obligation of each of these cases (the page's, not every case's)."""
    nearest: dict[int, Obligation] = {}
    owed = (
        select(Obligation)
        .where(Obligation.case_id.in_(case_ids), Obligation.status.in_(OWED_OBLIGATION_STATUSES))
        .order_by(Obligation.due_at, Obligation.id)
    )
    for obligation in session.scalars(owed):
        nearest.setdefault(obligation.case_id, obligation)
    return nearest


def board(session: Session, settings: Settings, who: Principal, filters: BoardFilters, now: datetime) -> Board:
    """The cases the account may see that match the filters, nearest deadline first: `filters.limit` of them
    from `filters.offset`, with how many there are in all."""
    keys = {body_key(body) for body in who.bodies}
    cases = [c for c in _open_cases(session) if who.role != Role.DEPARTMENT or not keys.isdisjoint(c.body_keys)]
    bodies = {
        f"{c.assignment['lead']['adcode']}:{c.assignment['lead']['domain']}": c.assignment["lead"]["name"]
        for c in cases
    }
    regions = {code: name_of(code) for c in cases for code in c.assignment["regions"]}
    shown = sorted(
        (case for case in cases if _matches(case, filters)),
        key=lambda case: (case.due_at is None, case.due_at or now, case.id),
    )
    page = shown[filters.offset : filters.offset + filters.limit]
    owed = _due_obligations(session, [case.id for case in page])
    warn_at = settings.timers.warn_at[0] if settings.timers.warn_at else 1.0
    rows = []
    for case in page:
        due = owed.get(case.id)
        clock = clock_state(due.starts_at, due.due_at, warn_at, now) if due else ClockState.NONE
        lead = case.assignment["lead"]
        rows.append(
            BoardRow(
                number=case.id,
                name=case_number(case.id),
                title=case.assignment["title"],
                status=case.status,
                status_text=CASE_STATUS_TEXT[case.status],
                category=case.category,
                category_text=settings.categories.categories[case.category].name,
                priority=case.priority,
                priority_text=PRIORITY_TEXT[case.priority],
                severity=case.severity,
                severity_text=severity_label(case.severity) if case.severity else None,
                regions=[name_of(code) for code in case.assignment["regions"]],
                lead=lead["name"],
                lead_body=f"{lead['adcode']}:{lead['domain']}",
                deadline=OBLIGATION_TEXT[due.kind] if due else None,
                starts_at=due.starts_at if due else None,
                due_at=due.due_at if due else None,
                clock=clock,
                clock_text=CLOCK_STATE_TEXT[clock],
            )
        )
    return Board(rows, len(shown), dict(sorted(bodies.items())), dict(sorted(regions.items())))
