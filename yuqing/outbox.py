"""The notification outbox: alerts are rows written in the same transaction as the change that causes them.

A row's `dedupe_key` is unique, and rows are inserted with ON CONFLICT DO NOTHING, so deciding to alert twice
(a re-run after a crash, a second service instance) writes one row. Delivery is the dispatcher's job.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from yuqing.config_models import Channels
from yuqing.records import BriefingAlert, CaseAlert, SourceHealthAlert, TestAlert
from yuqing.storage.database import upsert
from yuqing.storage.models import Notification, utcnow


def outbox_key(key: str, channel: str, recipient: str) -> str:
    """The unique key of one alert to one recipient: deciding the same alert for the same recipient writes once."""
    return f"{key}|{channel}:{recipient}"


def enqueue(
    session: Session,
    *,
    key: str,
    channel: str,
    recipient: str,
    payload: CaseAlert | SourceHealthAlert | BriefingAlert | TestAlert,
    case_id: int | None = None,
    obligation_id: int | None = None,
    level: str | None = None,
) -> bool:
    """Add one alert unless an alert with the same key exists; True when this call added it."""
    values = {
        "dedupe_key": outbox_key(key, channel, recipient),
        "kind": payload.kind,
        "channel": channel,
        "recipient": recipient,
        "payload": payload,
        "case_id": case_id,
        "obligation_id": obligation_id,
        "level": level,
        "state": "pending",
        "attempts": 0,
        "next_attempt_at": None,  # due at once
        "created_at": utcnow(),
    }
    statement = (
        upsert(session, Notification)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(Notification.id)  # rowcount is not reported for this statement on PostgreSQL
    )
    return session.execute(statement).scalar() is not None


def enqueue_to_channels(session: Session, channels: Channels, *, key: str, **fields: Any) -> int:
    """Enqueue one alert per recipient of `channels`; returns how many were new."""
    return sum(
        enqueue(session, key=key, channel=channel, recipient=recipient, **fields)
        for channel, recipient in channels.recipients()
    )
