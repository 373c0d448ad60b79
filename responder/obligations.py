"""Response clocks as rows: absolute deadlines, the next alert time, and what happened, all in the database.

The check only reads obligations whose `next_alert_at` has come, so it is cheap to run every minute, and it
writes the alert (through the outbox, unique per case, obligation, level and recipient) in the same
transaction as the obligation's new state: a crash either keeps both or neither, and a second scheduler on
the same database finds nothing left to do. After downtime only the latest level that has come is sent
(a breach makes the missed warnings moot).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from responder.bodies import Directory
from responder.notices import notify
from yuqing import adcodes
from yuqing.config_models import TimersConfig
from yuqing.records import Body
from yuqing.settings import Settings
from yuqing.storage.models import Case, Obligation
from yuqing.vocabulary import (
    OBLIGATION_TEXT,
    OWED_OBLIGATION_STATUSES,
    AlertKind,
    ObligationKind,
    case_number,
    local_time,
    time_left,
)


def alert_levels(obligation: Obligation, timers: TimersConfig) -> list[tuple[str, datetime]]:
    """(level, time) for each warning fraction and the breach, in time order."""
    span = obligation.due_at - obligation.starts_at
    levels = [(f"warning_{round(f * 100)}", obligation.starts_at + span * f) for f in timers.warn_at]
    return [*levels, ("breach", obligation.due_at)]


def next_alert_after(obligation: Obligation, timers: TimersConfig, moment: datetime) -> datetime | None:
    """The first alert time strictly after `moment`; None when the breach has been reached."""
    return next((at for _, at in alert_levels(obligation, timers) if at > moment), None)


def add_obligation(
    session: Session,
    case: Case,
    kind: ObligationKind,
    starts_at: datetime,
    timers: TimersConfig,
    sequence: int = 0,
) -> Obligation:
    obligation = Obligation(
        case_id=case.id,
        kind=kind,
        sequence=sequence,
        starts_at=starts_at,
        due_at=timers.due(kind, starts_at),
        status="open",
    )
    obligation.next_alert_at = alert_levels(obligation, timers)[0][1]
    session.add(obligation)
    session.flush()
    return obligation


def open_obligations(session: Session, case_id: int, kind: str | None = None) -> list[Obligation]:
    query = select(Obligation).where(Obligation.case_id == case_id, Obligation.status.in_(OWED_OBLIGATION_STATUSES))
    if kind is not None:
        query = query.where(Obligation.kind == kind)
    return list(session.scalars(query.order_by(Obligation.sequence, Obligation.id)))


def meet(obligation: Obligation, at: datetime, evidence_url: str | None = None) -> None:
    obligation.status, obligation.met_at, obligation.next_alert_at = "met", at, None
    obligation.evidence_url = evidence_url


def cancel(obligation: Obligation, at: datetime) -> None:
    obligation.status, obligation.cancelled_at, obligation.next_alert_at = "cancelled", at, None


@dataclass
class CheckResult:
    warnings: int = 0
    breaches: int = 0
    alerts: int = 0


def breach_recipients(case: Case) -> list[Body]:
    """The responsible body, its coordinators and the next level up (DOMAIN.md §5)."""
    lead = case.assignment.lead
    bodies = [b.body() for b in [lead, *case.assignment.coordinators]]
    upper = adcodes.parent(lead.adcode)
    if upper is not None:
        bodies.append(Body(adcode=upper, domain=lead.domain))
    return list(dict.fromkeys(bodies))


def check_deadlines(
    session: Session, settings: Settings, directory: Directory, now: datetime, limit: int = 500
) -> CheckResult:
    """Send the warnings and breaches that have come by `now`, at most `limit` obligations per call."""
    timers = settings.timers
    query = select(Obligation).where(Obligation.next_alert_at <= now).order_by(Obligation.next_alert_at).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # a second scheduler skips rows this one holds
    result = CheckResult()
    for obligation in session.scalars(query):
        case = session.get_one(Case, obligation.case_id)
        level, _ = [(name, at) for name, at in alert_levels(obligation, timers) if at <= now][-1]
        what = OBLIGATION_TEXT[ObligationKind(obligation.kind)]
        due = local_time(obligation.due_at, settings.timezone)
        if level == "breach":
            obligation.status, obligation.breached_at = "breached", obligation.due_at
            recipients = breach_recipients(case)
            message = f"{case_number(case.id)}未在{due}前{what}：已超时，记为回应不及时"
            result.breaches += 1
        else:
            recipients = [case.assignment.lead.body()]
            message = f"{case_number(case.id)}须在{due}前{what}，{time_left(obligation.due_at, now)}"
            result.warnings += 1
        obligation.next_alert_at = next_alert_after(obligation, timers, now)
        result.alerts += notify(
            session,
            settings,
            directory,
            case,
            recipients,
            kind=AlertKind.BREACH if level == "breach" else AlertKind.WARNING,
            key=f"case/{case.id}/obligation/{obligation.id}/{level}",
            message=message,
            obligation=obligation,
            level=level,
        )
    return result
