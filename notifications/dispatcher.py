"""Deliver the outbox: claim, re-check, send, mark; retry with backoff; never lose an alert, never send one twice.

A row goes pending → sending (claimed, with a lease) → sent | pending again (retry, exponential backoff) |
failed (a permanent error, or out of attempts) | logged (it only reached the log: no transport is configured for
its channel, or it had no channel at all; `yuqing alerts retry` sends it once there is one) | cancelled (the
milestone was met before the warning went, or a retry handed a log-only alert on to the channel that now exists).

The claim is committed before the network call and the result after it, so no database lock is held while
talking to Slack. A crash between sending and marking leaves the row `sending`; when its lease runs out the next
dispatcher checks Slack for a message carrying the row's key (chat.postMessage metadata) and marks it sent
instead of posting again. Email and webhooks cannot be asked, so they are resent: email with the same
Message-ID, webhooks with the same `X-Yuqing-Delivery` header, so a receiver can drop the copy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from notifications.render import render
from notifications.transports import TRANSPORTS, Permanent, RetryLater, Transport
from yuqing.config_models import LOG_CHANNEL, Channels
from yuqing.outbox import enqueue, outbox_key
from yuqing.records import CaseAlert, SourceHealthAlert
from yuqing.settings import Settings
from yuqing.storage.database import transaction
from yuqing.storage.models import Case, Notification, Obligation, utcnow
from yuqing.vocabulary import ENDED_CASE_STATUSES, AlertKind, AlertState, ObligationStatus

log = logging.getLogger("yuqing.alerts")
NO_CHANNEL = "没有告警通道"


@dataclass
class DispatchResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    logged: int = 0
    cancelled: int = 0
    recovered: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.sent} sent, {self.recovered} found already sent, {self.retried} to retry, "
            f"{self.failed} failed, {self.logged} logged, {self.cancelled} cancelled"
        )


class Transports:
    """One transport per channel of the registry, built from the settings once per dispatcher."""

    def __init__(self, settings: Settings) -> None:
        self.by_channel = {channel: kind.from_settings(settings) for channel, kind in TRANSPORTS.items()}
        self.log = self.by_channel[LOG_CHANNEL]

    def for_row(self, row: Notification) -> Transport | None:
        """The row's transport; None when its channel is not configured (the alert is logged and kept)."""
        transport = self.by_channel.get(row.channel)
        if transport is None:
            raise Permanent(f"unknown channel {row.channel!r}")
        return transport if transport.ready(row.recipient) else None


def _moot(session: Session, row: Notification) -> str | None:
    """Why a queued alert should no longer go out, checked just before sending."""
    case = session.get(Case, row.case_id) if row.case_id else None
    about_progress = (AlertKind.WARNING, AlertKind.BREACH, AlertKind.CASE_UPGRADED, AlertKind.CASE_REASSIGNED)
    if case is not None and case.status in ENDED_CASE_STATUSES and row.kind in about_progress:
        return f"case {case.id} is {case.status}"
    obligation = session.get(Obligation, row.obligation_id) if row.obligation_id else None
    if obligation is None:
        return None
    if obligation.status == ObligationStatus.CANCELLED:
        return "obligation cancelled"
    if obligation.status == ObligationStatus.MET and (
        row.kind == AlertKind.WARNING or obligation.met_at <= obligation.due_at
    ):
        return f"{obligation.kind} met at {obligation.met_at.isoformat()}"
    return None


def _thread(session: Session, row: Notification) -> str | None:
    """The case's first Slack message in this channel: later alerts about the case reply in its thread."""
    if row.channel != "slack" or row.case_id is None:
        return None
    return session.scalar(
        select(Notification.external_ref)
        .where(
            Notification.case_id == row.case_id,
            Notification.channel == "slack",
            Notification.recipient == row.recipient,
            Notification.state == AlertState.SENT,
            Notification.id != row.id,
        )
        .order_by(Notification.sent_at, Notification.id)
        .limit(1)
    )


def _known_channel_id(session: Session, recipient: str) -> str | None:
    ref = session.scalar(
        select(Notification.external_ref)
        .where(
            Notification.channel == "slack", Notification.recipient == recipient, Notification.state == AlertState.SENT
        )
        .limit(1)
    )
    return ref.split("/")[0] if ref else None


def destination(settings: Settings, row: Notification) -> Channels:
    """Where an alert that had no channel at all would go now: a case's to the duty channel (which stands in for
    bodies without one), the monitor's own to the operators."""
    if isinstance(row.payload, CaseAlert):
        return settings.duty_channels
    if isinstance(row.payload, SourceHealthAlert):
        return settings.notifications.operators
    return Channels()


def _hand_on(session: Session, row: Notification, channels: Channels) -> list[int]:
    """Queue a log-only alert for each recipient of `channels` (once each, by the outbox key: a recipient that
    already has it is skipped) and close the log row as handed on; the ids now waiting to go."""
    key = row.dedupe_key.removesuffix(f"|{row.channel}:{row.recipient}")
    pairs = channels.recipients()
    for channel, recipient in pairs:
        fields = {"case_id": row.case_id, "obligation_id": row.obligation_id, "level": row.level}
        enqueue(session, key=key, channel=channel, recipient=recipient, payload=row.payload, **fields)
    row.state, row.next_attempt_at = AlertState.CANCELLED, None
    row.last_error = f"改由{'、'.join(channels.addresses())}发送"
    keys = [outbox_key(key, channel, recipient) for channel, recipient in pairs]
    query = select(Notification.id).where(Notification.dedupe_key.in_(keys), Notification.state == AlertState.PENDING)
    return list(session.scalars(query))


def requeue(session: Session, settings: Settings, ids: list[int] | None, now: datetime) -> list[int]:
    """Put failed or logged alerts (all, or those of `ids`) back in the queue with fresh attempts; an alert that
    had no channel at all goes to the one it would have now (`destination`), if there is one."""
    query = select(Notification).where(Notification.state.in_((AlertState.FAILED, AlertState.LOGGED)))
    if ids:
        query = query.where(Notification.id.in_(ids))
    chosen = []
    for row in session.scalars(query).all():
        channels = destination(settings, row) if row.channel == LOG_CHANNEL else Channels()
        if channels != Channels():
            chosen += _hand_on(session, row, channels)
            continue
        row.state, row.attempts, row.next_attempt_at = AlertState.PENDING, 0, now
        chosen.append(row.id)
    return list(dict.fromkeys(chosen))


class Dispatcher:
    def __init__(
        self,
        settings: Settings,
        factory: sessionmaker[Session],
        transports: Transports | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.settings = settings
        self.factory = factory
        self.transports = transports or Transports(settings)
        self.clock = clock
        self.config = settings.notifications.dispatch

    def run(self, only: list[int] | None = None) -> DispatchResult:
        """One pass: look into expired claims, then claim and deliver what is due (at most `batch` rows)."""
        result = DispatchResult()
        for row_id in self._claim(in_doubt=True, only=only):
            self._deliver(row_id, result, in_doubt=True)
        for row_id in self._claim(in_doubt=False, only=only):
            self._deliver(row_id, result, in_doubt=False)
        return result

    def _claim(self, *, in_doubt: bool, only: list[int] | None) -> list[int]:
        """Take due rows with a conditional UPDATE each: of two dispatchers, exactly one changes a given row."""
        now = self.clock()
        due = and_(
            Notification.state == (AlertState.SENDING if in_doubt else AlertState.PENDING),
            or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now),
        )
        with transaction(self.factory) as session:
            query = select(Notification.id).where(due).order_by(Notification.id).limit(self.config.batch)
            if only is not None:
                query = query.where(Notification.id.in_(only))
            candidates = list(session.scalars(query))
        claimed = []
        for row_id in candidates:
            with transaction(self.factory) as session:
                taken = session.execute(
                    update(Notification)
                    .where(Notification.id == row_id, due)
                    .values(
                        state=AlertState.SENDING,
                        attempts=Notification.attempts + (0 if in_doubt else 1),
                        next_attempt_at=now + timedelta(seconds=self.config.lease_seconds),
                    )
                    .execution_options(synchronize_session=False)
                )
            if taken.rowcount == 1:
                claimed.append(row_id)
        return claimed

    def _deliver(self, row_id: int, result: DispatchResult, *, in_doubt: bool) -> None:
        now = self.clock()
        with self.factory() as session:
            row = session.get_one(Notification, row_id)
            moot = _moot(session, row)
            thread = _thread(session, row)
            known_id = _known_channel_id(session, row.recipient) if row.channel == "slack" else None
            key, recipient, claimed = row.dedupe_key, row.recipient, row.next_attempt_at
            payload = row.payload
        if moot:
            self._finish(row_id, AlertState.CANCELLED, error=moot)
            result.cancelled += 1
            return
        try:
            transport = self.transports.for_row(row)
            if transport is None or row.channel == LOG_CHANNEL:
                why = NO_CHANNEL if row.channel == LOG_CHANNEL else f"{row.channel}通道未配置"
                self.transports.log.send(
                    f"{row.channel}:{recipient}, {why}", render(payload, self.settings.timezone, now), key, None
                )
                self._finish(row_id, AlertState.LOGGED, error=why)
                result.logged += 1
                return
            if in_doubt:
                lease = timedelta(seconds=self.config.lease_seconds)
                since = (claimed - lease - timedelta(minutes=5)).timestamp()
                found = transport.find_sent(recipient, key, since, thread, known_id)
                if found:
                    self._finish(row_id, AlertState.SENT, ref=found)
                    result.recovered += 1
                    return
            ref = transport.send(recipient, render(payload, self.settings.timezone, now), key, thread)
        except Permanent as error:
            self._finish(row_id, AlertState.FAILED, error=str(error))
            log.error("alert %s to %s:%s failed for good: %s", row_id, row.channel, recipient, error)
            result.failed += 1
            result.errors.append(str(error))
            return
        except RetryLater as error:
            self._retry(row_id, error, result)
            return
        self._finish(row_id, AlertState.SENT, ref=ref)
        result.sent += 1

    def _retry(self, row_id: int, error: RetryLater, result: DispatchResult) -> None:
        now = self.clock()
        with transaction(self.factory) as session:
            row = session.get_one(Notification, row_id)
            row.last_error = str(error)
            if row.attempts >= self.config.max_attempts:
                row.state = AlertState.FAILED
                result.failed += 1
                result.errors.append(str(error))
                return
            delay = error.after_seconds or self.config.backoff_seconds * 2 ** (row.attempts - 1)
            row.state, row.next_attempt_at = AlertState.PENDING, now + timedelta(seconds=delay)
            result.retried += 1

    def _finish(self, row_id: int, state: AlertState, *, ref: str | None = None, error: str | None = None) -> None:
        with transaction(self.factory) as session:
            row = session.get_one(Notification, row_id)
            row.state = state
            row.next_attempt_at = None
            if state == AlertState.SENT:
                row.sent_at, row.external_ref, row.last_error = self.clock(), ref, None
            else:
                row.last_error = error
