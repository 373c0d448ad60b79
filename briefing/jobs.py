"""The briefing stage's service job: once the briefing hour (briefing.yaml `at`) has passed, write the day's
briefing (and on Mondays the week's, on the 1st the month's), record it as a `briefings` row and hand it to the
outbox for its recipients, all once.

- Written once: a period with a row is never written again, so a restart writes nothing twice; the row and its
  outbox rows are inserted in one transaction, the row with ON CONFLICT DO NOTHING, so two services racing
  write one row (the files, written first, are the same bytes either way) and the outbox keys send each copy once.
- A missed morning is written at start-up (the service runs every job at start): the job writes the latest
  period that has ended and has no row. Older missed periods are not written (a briefing days late helps no one;
  `yuqing briefing --date` writes one by hand).
- `delivered_at` is set once every recipient's outbox row is sent (or only logged, where no channel exists).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from briefing.figures import Period, period_for
from briefing.to_markdown import markdown
from briefing.writer import out_folder, write
from yuqing.jobs import Job, configured
from yuqing.outbox import enqueue_to_channels
from yuqing.records import BriefingAlert
from yuqing.settings import Settings
from yuqing.storage.database import session_factory, transaction, upsert
from yuqing.storage.models import Briefing, Notification, utcnow
from yuqing.vocabulary import AlertState, BriefingPeriod

FINAL = (AlertState.SENT, AlertState.LOGGED)


def latest_periods(settings: Settings, now: datetime) -> list[Period]:
    """For each configured period kind, the latest one that has ended by `now`."""
    periods = []
    for kind in map(BriefingPeriod, settings.briefing.periods):
        day = now.astimezone(settings.timezone).date()
        for _ in range(40):
            fits = (
                kind == BriefingPeriod.DAY
                or (kind == BriefingPeriod.WEEK and day.weekday() == 0)
                or (kind == BriefingPeriod.MONTH and day.day == 1)
            )
            if fits and period_for(settings, day, kind).end <= now:
                periods.append(period_for(settings, day, kind))
                break
            day -= timedelta(days=1)
    return periods


def briefing_key(period: Period) -> str:
    return f"briefing:{period.kind}:{period.start.astimezone(UTC).isoformat()}"


def _exists(session: Session, period: Period) -> bool:
    query = select(Briefing.id).where(Briefing.period == period.kind, Briefing.period_start == period.start)
    return session.scalar(query) is not None


def run_briefings(settings: Settings, factory: sessionmaker[Session], clock: Callable[[], datetime] = utcnow) -> str:
    now = clock()
    said = []
    for period in latest_periods(settings, now):
        with factory() as session:
            if _exists(session, period):
                continue
            written = write(session, settings, period, now, out_folder(settings), tuple(settings.briefing.formats))
        chat = markdown(written.report, settings.timezone)
        files = {kind: str(path) for kind, path in written.files.items()}
        with transaction(factory) as session:
            inserted = session.execute(
                upsert(session, Briefing)
                .values(
                    period=period.kind, period_start=period.start, period_end=period.end, generated_at=now,
                    files=files, figures=written.figures.model_dump(mode="json"), text=chat,
                )
                .on_conflict_do_nothing(index_elements=["period", "period_start"])
                .returning(Briefing.id)
            ).scalar()  # fmt: skip
            if inserted is None:
                continue
            alert = BriefingAlert(
                title=f"{written.report.title}（{written.report.date}）",
                message=chat,
                slack=markdown(written.report, settings.timezone, "slack"),
                html_file=files.get("html"),
                docx_file=files.get("docx"),
            )
            queued = enqueue_to_channels(session, settings.briefing.recipients, key=briefing_key(period), payload=alert)
        said.append(f"{written.report.filename}: written, {queued} to send")
    said += _mark_delivered(factory, now)
    return "; ".join(said) or "nothing due"


def _mark_delivered(factory: sessionmaker[Session], now: datetime) -> list[str]:
    said = []
    with transaction(factory) as session:
        for row in session.scalars(select(Briefing).where(Briefing.delivered_at.is_(None))):
            period = Period(kind=row.period, start=row.period_start, end=row.period_end)
            prefix = briefing_key(period) + "|"
            states = session.execute(
                select(Notification.state, Notification.sent_at).where(Notification.dedupe_key.startswith(prefix))
            ).all()
            if states and all(state in FINAL for state, _ in states):
                row.delivered_at = max((sent for _, sent in states if sent), default=now)
                said.append(f"{row.period} {row.period_start.date()} delivered")
    return said


def jobs(settings: Settings, engine: Engine) -> list[Job]:
    def make_run():
        factory = session_factory(engine)
        return lambda: run_briefings(settings, factory)

    return configured(settings, "briefing", make_run)
