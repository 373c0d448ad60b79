"""The board of deadlines: the open cases an account may see, nearest deadline first, each with the state of
its clock (on time, warning, breached), filtered by category, priority, body and region.

The colour follows the response clocks' own warnings (`timers.yaml` `warn_at`): warning from the first warning
fraction of the allowed time, breached once the deadline has passed; a case owing nothing (acknowledged and
waiting for a person to close it, say) is listed last.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.console.auth import Principal, answering
from yuqing import adcodes
from yuqing.divisions import name_of
from yuqing.settings import Settings
from yuqing.storage.models import Case, Obligation
from yuqing.users import body_key
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


class BoardFilters(BaseModel):
    """What the board is narrowed to; empty means everything. `body` is "ADCODE:DOMAIN" (any part in the case),
    `region` a division code (the case's places are, lie in or contain it)."""

    category: str = ""
    priority: str = ""
    body: str = ""
    region: str = ""


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
    bodies: dict[str, str]  # the filter's choices among the visible cases: key → name
    regions: dict[str, str]


def clock_state(starts_at: datetime, due_at: datetime, warn_at: float, now: datetime) -> ClockState:
    if now >= due_at:
        return ClockState.BREACHED
    if now >= starts_at + (due_at - starts_at) * warn_at:
        return ClockState.WARNING
    return ClockState.ON_TIME


def _next_owed(session: Session, case_ids: set[int]) -> dict[int, Obligation]:
    nearest: dict[int, Obligation] = {}
    owed = select(Obligation).where(Obligation.status.in_(OWED_OBLIGATION_STATUSES)).order_by(Obligation.due_at)
    for obligation in session.scalars(owed):
        if obligation.case_id in case_ids:
            nearest.setdefault(obligation.case_id, obligation)
    return nearest


def _matches(case: Case, filters: BoardFilters) -> bool:
    if filters.category and case.category != filters.category:
        return False
    if filters.priority and case.priority != filters.priority:
        return False
    if filters.body and filters.body not in {body_key(b) for b in answering(case.assignment)}:
        return False
    return not filters.region or any(adcodes.related(r, filters.region) for r in case.assignment.regions)


def board(session: Session, settings: Settings, who: Principal, filters: BoardFilters, now: datetime) -> Board:
    cases = [
        case
        for case in session.scalars(select(Case).where(Case.status.in_(ACTIVE_CASE_STATUSES)))
        if who.sees(answering(case.assignment))
    ]
    bodies = {body_key(c.assignment.lead.body()): c.assignment.lead.name for c in cases}
    regions = {code: name_of(code) for c in cases for code in c.assignment.regions}
    shown = [case for case in cases if _matches(case, filters)]
    owed = _next_owed(session, {case.id for case in shown})
    warn_at = settings.timers.warn_at[0] if settings.timers.warn_at else 1.0
    rows = []
    for case in shown:
        due = owed.get(case.id)
        clock = clock_state(due.starts_at, due.due_at, warn_at, now) if due else ClockState.NONE
        rows.append(
            BoardRow(
                number=case.id,
                name=case_number(case.id),
                title=case.assignment.title,
                status=case.status,
                status_text=CASE_STATUS_TEXT[case.status],
                category=case.category,
                category_text=settings.categories.categories[case.category].name,
                priority=case.priority,
                priority_text=PRIORITY_TEXT[case.priority],
                severity=case.severity,
                severity_text=severity_label(case.severity) if case.severity else None,
                regions=[name_of(code) for code in case.assignment.regions],
                lead=case.assignment.lead.name,
                lead_body=body_key(case.assignment.lead.body()),
                deadline=OBLIGATION_TEXT[due.kind] if due else None,
                starts_at=due.starts_at if due else None,
                due_at=due.due_at if due else None,
                clock=clock,
                clock_text=CLOCK_STATE_TEXT[clock],
            )
        )
    rows.sort(key=lambda row: (row.due_at is None, row.due_at or now, row.number))
    return Board(rows, dict(sorted(bodies.items())), dict(sorted(regions.items())))
