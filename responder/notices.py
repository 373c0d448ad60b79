"""What an alert about a case says, and to whom it goes (through the outbox)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from responder.bodies import Directory, NamedBody
from yuqing.divisions import name_of
from yuqing.outbox import enqueue_to_channels
from yuqing.records import Body
from yuqing.settings import Settings
from yuqing.storage.models import Case, EventPost, Obligation, Post


def representative_post(session: Session, event_id: int) -> Post | None:
    """The most widely spread post of the event (the earliest among equals)."""
    query = (
        select(Post)
        .join(EventPost, EventPost.post_id == Post.id)
        .where(EventPost.event_id == event_id)
        .order_by(Post.spread.desc(), Post.published_at, Post.id)
        .limit(1)
    )
    return session.scalar(query)


def case_summary(session: Session, settings: Settings, directory: Directory, case: Case) -> dict[str, Any]:
    """Everything an alert shows: labels, places, who answers, the deadlines as absolute times, the action."""
    assignment = case.assignment
    post = representative_post(session, case.event_id)
    obligations = session.scalars(select(Obligation).where(Obligation.case_id == case.id).order_by(Obligation.id))
    return {
        "case_id": case.id,
        "title": assignment.get("title", ""),
        "category": case.category,
        "category_name": settings.categories.categories[case.category].name,
        "priority": case.priority,
        "severity": case.severity,
        "regions": [{"adcode": r, "name": name_of(r)} for r in assignment.get("regions", [])],
        "region_unknown": case.region_unknown,
        "lead": directory.lookup(Body(adcode=case.lead_adcode, domain=case.lead_domain)).as_dict(),
        "coordinators": assignment.get("coordinators", []),
        "rules": assignment.get("rules", []),
        "recommended_action": case.recommended_action,
        "deadlines": [
            {"kind": o.kind, "sequence": o.sequence, "due_at": o.due_at.isoformat(), "status": o.status}
            for o in obligations
        ],
        "post": None if post is None else {"title": post.title, "text": post.text[:200], "url": post.url},
        "console_url": f"{settings.notifications.console_url.rstrip('/')}/cases/{case.id}",
    }


def notify(
    session: Session,
    settings: Settings,
    directory: Directory,
    case: Case,
    bodies: list[NamedBody],
    *,
    kind: str,
    key: str,
    message: str,
    obligation: Obligation | None = None,
    level: str | None = None,
) -> int:
    """Enqueue one alert per recipient of each body; a recipient shared by several bodies gets it once."""
    payload = case_summary(session, settings, directory, case)
    payload.update(kind=kind, message=message, level=level, to=[b.as_dict() for b in bodies])
    if obligation is not None:
        payload["obligation"] = {
            "id": obligation.id,
            "kind": obligation.kind,
            "sequence": obligation.sequence,
            "starts_at": obligation.starts_at.isoformat(),
            "due_at": obligation.due_at.isoformat(),
        }
    return sum(
        enqueue_to_channels(
            session,
            body.channels,
            key=key,
            kind=kind,
            payload=payload,
            case_id=case.id,
            obligation_id=obligation.id if obligation else None,
            level=level,
        )
        for body in bodies
    )


def describe_time_left(due_at: datetime, now: datetime) -> str:
    minutes = int((due_at - now).total_seconds() // 60)
    if minutes < 0:
        return f"已超时{-minutes // 60}小时{-minutes % 60}分钟"
    return f"剩余{minutes // 60}小时{minutes % 60}分钟"
