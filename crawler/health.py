"""Per-source health: every run is judged, stored, and a source that stops delivering raises an alert.

A run fails when none of its feed/list/API pages (or none of its article pages) could be read, when a captcha
or login page came back, or when pages that used to list items list none (a changed layout). A source that
fails `failures_before_alert` runs in a row, or whose volume collapses below `collapse_fraction` of its recent
median (the `health:` rules of the sources file), raises one `source_health` alert per episode through the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from statistics import median

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from crawler.records import SourceReport
from yuqing.config_models import Channels, SourceHealthRules
from yuqing.config_models import Source as SourceConfig
from yuqing.outbox import enqueue_to_channels
from yuqing.records import SourceHealthAlert
from yuqing.storage.database import upsert
from yuqing.storage.models import Notification, Source, SourceRun

_BLOCKING = ("captcha", "login")


@dataclass(frozen=True)
class RunOutcome:
    """One source's run, as the summary prints it."""

    name: str
    status: str
    items: int
    new_items: int
    error_kind: str | None
    error: str | None
    consecutive_failures: int
    last_success_at: datetime | None
    alerted: bool


def source_ids(session: Session, sources: list[SourceConfig]) -> dict[str, int]:
    """The database row of each configured source, created on first sight and kept in step with the file.

    An upsert, because several crawler processes of a distributed run start at once and may all see a new source."""
    ids = {}
    for config in sources:
        fields = {"type": config.type, "media": config.media, "enabled": config.enabled}
        statement = upsert(session, Source).values(name=config.name, **fields)
        statement = statement.on_conflict_do_update(index_elements=["name"], set_=fields).returning(Source.id)
        ids[config.name] = session.execute(statement).scalar_one()
    return ids


def judge(report: SourceReport, had_items_before: bool) -> tuple[str, str | None, str | None]:
    """(status, error kind, error message) of a run."""
    blocked = next(((kind, message) for kind, message in report.errors if kind in _BLOCKING), None)
    if blocked:
        return "failed", *blocked
    if not report.errors and report.index_ok == report.detail_ok == 0:
        return "ok", None, None  # distributed: other processes took every page of this source from the frontier
    first = report.errors[0] if report.errors else ("error", "no page answered")
    # Distributed, a process may read only article pages whose list another process read: that is no failure.
    if (report.index_failed and report.index_ok == 0) or (report.detail_failed and report.detail_ok == 0):
        return "failed", *first
    if report.items == 0 and report.not_modified < report.index_ok and had_items_before:
        return "failed", "empty_parse", "the pages were read but listed no items; they used to (layout changed?)"
    if report.errors:
        return "ok", first[0], f"{len(report.errors)} page(s) failed, first: {first[1]}"
    return "ok", None, None


def _collapsed(session: Session, source: Source, items: int, rules: SourceHealthRules) -> bool:
    recent = session.scalars(
        select(SourceRun.items)
        .where(
            SourceRun.source_id == source.id,
            SourceRun.status == "ok",
            or_(SourceRun.error_kind.is_(None), SourceRun.error_kind != "volume_collapse"),
        )
        .order_by(SourceRun.id.desc())
        .limit(rules.collapse_baseline_runs)
    ).all()
    baseline = median(recent) if len(recent) >= 2 else 0
    return baseline >= rules.collapse_min_items and items < rules.collapse_fraction * baseline


def record_run(
    session: Session,
    source_id: int,
    report: SourceReport,
    started: datetime,
    finished: datetime,
    operators: Channels,
    rules: SourceHealthRules,
) -> RunOutcome:
    """Store the run and the source's health; enqueue an alert when this run starts a reportable episode."""
    source = session.get_one(Source, source_id)
    had_items = session.scalar(
        select(SourceRun.id).where(SourceRun.source_id == source.id, SourceRun.items > 0).limit(1)
    )
    status, kind, message = judge(report, had_items is not None)
    collapse = status == "ok" and report.not_modified == 0 and _collapsed(session, source, report.items, rules)
    if collapse:
        share = f"{rules.collapse_fraction:.0%}"
        kind, message = "volume_collapse", f"{report.items} items, under {share} of the recent runs' median"
    run = SourceRun(
        source_id=source.id,
        started_at=started,
        finished_at=finished,
        status=status,
        pages=report.index_ok + report.detail_ok,
        items=report.items,
        new_items=report.new_items,
        error_kind=kind,
        error=message,
    )
    session.add(run)
    session.flush()
    previous_kind = source.last_error_kind
    source.last_run_at, source.last_items = finished, report.items
    source.last_error_kind, source.last_error = kind, message
    if status == "ok":
        source.last_success_at, source.consecutive_failures = finished, 0
    else:
        source.consecutive_failures += 1
    alerted = False
    if status == "failed" and source.consecutive_failures >= rules.failures_before_alert:
        first_failure = min(
            session.scalars(
                select(SourceRun.id)
                .where(SourceRun.source_id == source.id)
                .order_by(SourceRun.id.desc())
                .limit(source.consecutive_failures)
            )
        )
        alerted = _alert(
            session, operators, source, first_failure, f"连续 {source.consecutive_failures} 次采集失败", run
        )
    elif collapse and previous_kind != "volume_collapse":
        alerted = _alert(session, operators, source, run.id, "采集量骤降", run)
    return RunOutcome(
        name=source.name,
        status=status,
        items=report.items,
        new_items=report.new_items,
        error_kind=kind,
        error=message,
        consecutive_failures=source.consecutive_failures,
        last_success_at=source.last_success_at,
        alerted=alerted,
    )


def _alert(session: Session, operators: Channels, source: Source, episode: int, what: str, run: SourceRun) -> bool:
    """One alert per episode: the key names the episode's first run, so later runs of it add nothing."""
    payload = SourceHealthAlert(
        title=f"{source.name}：{what}",
        message=f"信息源 {source.name} {what}（{run.error_kind}：{run.error}）",
        source=source.name,
        reason=run.error_kind,
        error=run.error,
        consecutive_failures=source.consecutive_failures,
        items=run.items,
        last_success_at=source.last_success_at,
    )
    key = f"source_health/{source.name}/{episode}"
    # Asked first rather than read from enqueue's count: on PostgreSQL it is not 1 even for a new row.
    sent_before = session.scalar(select(Notification.id).where(Notification.dedupe_key.startswith(f"{key}|")).limit(1))
    enqueue_to_channels(session, operators, key=key, payload=payload)
    return sent_before is None
