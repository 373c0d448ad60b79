"""Driving the responder the way the service does, with a controlled clock, and reading back what it wrote."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, select

from responder.cases import Responder
from responder.runner import check_clocks, group_and_open
from support.factories import T0
from yuqing.storage.database import session_factory
from yuqing.storage.models import AuditEntry, Case, Notification, Obligation

HOUR = timedelta(hours=1)


def respond(engine: Engine, responder: Responder, now: datetime = T0 + HOUR) -> str:
    """One run of the `respond` job at `now`: group the new posts, open and upgrade cases."""
    return group_and_open(session_factory(engine), responder, lambda: now)


def tick(engine: Engine, responder: Responder, now: datetime) -> str:
    """One run of the `timers` job at `now`."""
    return check_clocks(session_factory(engine), responder, lambda: now)


def cases(engine: Engine) -> list[Case]:
    with session_factory(engine)() as session:
        return list(session.scalars(select(Case).order_by(Case.id)))


def obligations(engine: Engine, case_id: int | None = None) -> dict[str, Obligation]:
    """The obligations (of one case), keyed by kind and sequence: `release`, `follow_up1`, `respond1`."""
    with session_factory(engine)() as session:
        query = select(Obligation).order_by(Obligation.id)
        if case_id is not None:
            query = query.where(Obligation.case_id == case_id)
        return {f"{o.kind}{o.sequence or ''}": o for o in session.scalars(query)}


def alerts(engine: Engine, kind: str | None = None) -> list[Notification]:
    with session_factory(engine)() as session:
        query = select(Notification).order_by(Notification.id)
        if kind:
            query = query.where(Notification.kind == kind)
        return list(session.scalars(query))


def history(engine: Engine, case_id: int) -> list[AuditEntry]:
    with session_factory(engine)() as session:
        query = select(AuditEntry).where(AuditEntry.entity == "case", AuditEntry.entity_id == str(case_id))
        return list(session.scalars(query.order_by(AuditEntry.id)))
