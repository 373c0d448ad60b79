"""`yuqing alerts ...`: look into the outbox, re-queue what failed, and send a test alert through a channel."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from sqlalchemy import select

from notifications.dispatcher import Dispatcher, requeue
from notifications.transports import TRANSPORTS
from yuqing.cli_support import engine_at_head, fail, settings_or_exit
from yuqing.config_models import LOG_CHANNEL
from yuqing.outbox import enqueue
from yuqing.records import TestAlert
from yuqing.storage.database import session_factory, transaction
from yuqing.storage.models import Notification
from yuqing.vocabulary import ALERT_STATE_TEXT, ALERT_TEXT, AlertKind, AlertState, local_time

commands = typer.Typer()
alerts_app = typer.Typer(help="The alert outbox: list, retry, test.", no_args_is_help=True)
commands.add_typer(alerts_app, name="alerts")


@alerts_app.command("list")
def list_alerts(
    state: Annotated[str | None, typer.Option(help="pending, sending, sent, failed, logged or cancelled")] = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 50,
) -> None:
    """Alerts in the outbox, newest first."""
    settings = settings_or_exit()
    engine = engine_at_head(settings)
    with session_factory(engine)() as session:
        query = select(Notification).order_by(Notification.id.desc()).limit(limit)
        if state:
            query = query.where(Notification.state == state)
        for row in session.scalars(query):
            typer.echo(
                "\t".join(
                    [
                        str(row.id),
                        ALERT_STATE_TEXT[AlertState(row.state)],
                        ALERT_TEXT[AlertKind(row.kind)],
                        f"{row.channel}:{row.recipient}",
                        f"{row.attempts}次",
                        local_time(row.created_at, settings.timezone),
                        row.last_error or "",
                    ]
                )
            )


@alerts_app.command("retry")
def retry(
    ids: Annotated[list[int] | None, typer.Argument(help="Alert ids; default: every failed and logged alert.")] = None,
) -> None:
    """Re-queue failed and logged alerts and deliver them now: once a channel is configured they go out (an
    alert that had no channel at all goes to the duty channel, or for the monitor itself to the operators)."""

    settings = settings_or_exit()
    engine = engine_at_head(settings)
    factory = session_factory(engine)
    with transaction(factory) as session:
        chosen = requeue(session, settings, ids, datetime.now(UTC))
    if not chosen:
        fail("nothing to retry (only failed or logged alerts can be)")
    typer.echo(Dispatcher(settings, factory).run(only=chosen).summary())


@alerts_app.command("test")
def test(
    channel: Annotated[
        str, typer.Argument(help="slack:#channel, slack_webhook:ENV_VAR, email:address, webhook:name or log")
    ],
) -> None:
    """Send a test alert through one channel now, and say whether it arrived."""

    kind, _, recipient = channel.partition(":")
    if kind not in TRANSPORTS or (kind != LOG_CHANNEL and not recipient):
        fail(
            f"channel {channel!r}: expected one of slack:#channel, slack_webhook:ENV_VAR, email:address, "
            "webhook:name, log"
        )
    settings = settings_or_exit()
    engine = engine_at_head(settings)
    factory = session_factory(engine)
    now = datetime.now(UTC)
    with transaction(factory) as session:
        enqueue(
            session,
            key=f"test/{now.isoformat()}",
            channel=kind,
            recipient=recipient or LOG_CHANNEL,
            payload=TestAlert(message=f"Yuqing 告警通道测试 {now.astimezone(settings.timezone):%H:%M:%S}"),
        )
        row_id = session.scalar(select(Notification.id).order_by(Notification.id.desc()).limit(1))
    result = Dispatcher(settings, factory).run(only=[row_id])
    typer.echo(result.summary())
    if result.sent != 1 and not (kind == LOG_CHANNEL and result.logged == 1):
        fail(f"the test alert did not arrive: {'; '.join(result.errors) or result.summary()}")
