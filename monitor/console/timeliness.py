"""Timeliness (回应时效): the on-time rate of each responsible body over a chosen period, with its breaches.

热点回应不及时 is an assessed failure (DOMAIN.md §5), so the rate is per body: the lead of the case now (a
reassignment hands the case's record to the body that answers it). An obligation counts in the period its
deadline falls in; it is on time when met by its deadline, late when met after it or still owed after it;
one cancelled (the case ended, or a critical case's 48 h superseded) or not yet due does not count. Every role
may read it; a department sees the cases it has a part in, so its own figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.console.auth import Principal, answering, principal
from monitor.console.context import Console, console, database
from yuqing.caseview import obligation_label, obligation_view
from yuqing.storage.models import Case, Obligation
from yuqing.vocabulary import ObligationStatus, case_number

DEFAULT_DAYS = 30
router = APIRouter(include_in_schema=False)


class Period(BaseModel):
    start: date | None = None  # local dates, both included
    end: date | None = None


@dataclass
class Breach:
    case: int
    case_name: str
    title: str
    what: str
    due_at: datetime
    met_at: datetime | None


@dataclass
class BodyRecord:
    name: str
    on_time: int = 0
    late: int = 0
    breaches: list[Breach] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.on_time / (self.on_time + self.late) if self.on_time + self.late else 1.0


def records(session: Session, who: Principal, start: datetime, end: datetime, now: datetime) -> list[BodyRecord]:
    """Each lead body's record over [start, end), the lowest rate first."""
    rows = session.execute(
        select(Obligation, Case)
        .join(Case, Case.id == Obligation.case_id)
        .where(
            Obligation.due_at >= start,
            Obligation.due_at < min(end, now),
            Obligation.status != ObligationStatus.CANCELLED,
        )
        .order_by(Obligation.due_at)
    )
    bodies: dict[str, BodyRecord] = {}
    for obligation, case in rows:
        if not who.sees(answering(case.assignment)):
            continue
        lead = case.assignment.lead
        record = bodies.setdefault(f"{lead.adcode}:{lead.domain}", BodyRecord(lead.name))
        if obligation.met_at is not None and obligation.met_at <= obligation.due_at:
            record.on_time += 1
            continue
        record.late += 1
        record.breaches.append(
            Breach(
                case=case.id,
                case_name=case_number(case.id),
                title=case.assignment.title,
                what=obligation_label(obligation_view(obligation)),
                due_at=obligation.due_at,
                met_at=obligation.met_at,
            )
        )
    return sorted(bodies.values(), key=lambda r: (r.rate, r.name))


@router.get("/timeliness")
def timeliness_page(
    request: Request,
    who: Annotated[Principal, Depends(principal)],
    app: Annotated[Console, Depends(console)],
    session: Annotated[Session, Depends(database)],
    period: Annotated[Period, Query()],
):
    zone = app.settings.timezone
    now = datetime.now(UTC)
    last = period.end or now.astimezone(zone).date()
    first = period.start or last - timedelta(days=DEFAULT_DAYS - 1)
    start = datetime.combine(first, time(), zone)
    end = datetime.combine(last + timedelta(days=1), time(), zone)
    found = records(session, who, start, end, now)
    return app.page(request, "timeliness.html", records=found, first=first, last=last)
