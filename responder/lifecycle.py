"""What people do with a case: acknowledge, record milestones, close, dismiss, reassign, correct, merge.

open → acknowledged → (released → press_held → follow-up releases) or responded → closed; `dismissed` (a false
positive: its posts get an analyst correction to `other`, used by the next training run) and `merged` end a
case too. Every change is audited with who and when, in the same transaction. Milestones may be recorded
after the fact (`at`), because the on-time figures must reflect when the release happened, not when it was typed.

A reassignment and a category correction are decisions (`records.CaseDecisions`) that automatic updates keep.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from responder.cases import CaseLabels, Responder, apply_labels, replan
from responder.events import most_specific
from responder.obligations import add_obligation, cancel, meet, open_obligations
from yuqing.audit import audit
from yuqing.records import Body, CategoryDecision, LeadDecision
from yuqing.storage.models import Case, Event, EventPost, Label, LabelCorrection, LabelFields
from yuqing.vocabulary import CASE_STATUS_TEXT, CaseStatus, Category, Handling, ObligationKind, priority_of


class CaseError(ValueError):
    """An action that does not fit the case's state; the message says why."""


def _active(case: Case, action: str) -> None:
    status = CaseStatus(case.status)
    if not status.is_active:
        raise CaseError(f"案件#{case.id}{CASE_STATUS_TEXT[status]}，不能{action}")


def _checked_time(case: Case, at: datetime, now: datetime) -> datetime:
    if at.tzinfo is None:
        raise CaseError("the time needs a time zone")
    if at > now:
        raise CaseError(f"{at.isoformat()} is in the future")
    if at < case.t0:
        raise CaseError(f"{at.isoformat()} is before the event began ({case.t0.isoformat()})")
    return at


def _meet_next(session: Session, case: Case, kind: str, at: datetime, missing: str) -> None:
    pending = open_obligations(session, case.id, kind)
    if not pending:
        raise CaseError(f"case {case.id} has {missing}")
    meet(pending[0], at)


def _start_follow_up(session: Session, responder: Responder, case: Case, at: datetime, sequence: int) -> None:
    """The next 持续发布 obligation, counted from the release or press conference just recorded."""
    add_obligation(session, case, ObligationKind.FOLLOW_UP, at, responder.settings.timers, sequence)


def acknowledge(session: Session, case: Case, actor: str, at: datetime) -> None:
    _active(case, "签收")
    if case.status != "open":
        raise CaseError(f"case {case.id} is already {case.status}")
    case.status = "acknowledged"
    audit(session, actor, "case.ack", "case", case.id, at=at.isoformat())


def record_release(session: Session, responder: Responder, case: Case, actor: str, at: datetime, now: datetime) -> str:
    """An authoritative release: meets the 5 h obligation, or after the press conference the due follow-up."""
    _active(case, "记录权威发布")
    at = _checked_time(case, at, now)
    if case.priority != "critical":
        raise CaseError(f"case {case.id} is {case.priority}: record its response with `respond`")
    first = open_obligations(session, case.id, "release")
    follow_ups = open_obligations(session, case.id, "follow_up")
    met = "none"
    if first:
        meet(first[0], at)
        met = "release"
    elif follow_ups:
        meet(follow_ups[0], at)
        _start_follow_up(session, responder, case, at, follow_ups[0].sequence + 1)
        met = f"follow_up {follow_ups[0].sequence}"
    if case.status in ("open", "acknowledged"):
        case.status = "released"
    audit(session, actor, "case.release", "case", case.id, at=at.isoformat(), met=met)
    return met


def record_press_conference(
    session: Session, responder: Responder, case: Case, actor: str, at: datetime, now: datetime
) -> None:
    """The press conference: meets the 24 h obligation and starts the follow-up releases."""
    _active(case, "记录新闻发布会")
    at = _checked_time(case, at, now)
    _meet_next(session, case, "press_conference", at, "no press conference due")
    _start_follow_up(session, responder, case, at, 1)
    case.status = "press_held"
    audit(session, actor, "case.press", "case", case.id, at=at.isoformat())


def record_response(session: Session, case: Case, actor: str, at: datetime, now: datetime) -> None:
    _active(case, "记录回应")
    at = _checked_time(case, at, now)
    _meet_next(session, case, "respond", at, "no response due (a critical case records `release` and `press`)")
    case.status = "responded"
    audit(session, actor, "case.respond", "case", case.id, at=at.isoformat())


def _end(session: Session, case: Case, status: str, now: datetime) -> None:
    for obligation in open_obligations(session, case.id):
        cancel(obligation, now)
    case.status, case.closed_at = status, now


def close(session: Session, case: Case, actor: str, now: datetime) -> None:
    _active(case, "办结")
    _end(session, case, "closed", now)
    audit(session, actor, "case.close", "case", case.id)


def dismiss(session: Session, case: Case, actor: str, reason: str, user_id: int | None, now: datetime) -> int:
    """A false positive: the case ends and each of its posts gets a correction to `other` for the next training."""
    _active(case, "排除")
    if not reason.strip():
        raise CaseError("a dismissal needs a reason")
    _end(session, case, "dismissed", now)
    case.dismissed_reason = reason
    post_ids = list(session.scalars(select(EventPost.post_id).where(EventPost.event_id == case.event_id)))
    for post_id in post_ids:
        session.add(
            LabelCorrection(
                post_id=post_id,
                user_id=user_id,
                reason=f"case {case.id} dismissed: {reason}",
                category="other",
                priority="low",
                severity=None,
                handling=None,
                domains=[],
                regions=[],
                deaths=None,
                injuries=None,
            )
        )
    audit(session, actor, "case.dismiss", "case", case.id, reason=reason, corrected_posts=len(post_ids))
    return len(post_ids)


def reassign(
    session: Session, responder: Responder, case: Case, actor: str, body: Body, reason: str, now: datetime
) -> None:
    """Hand the case to another body: a decision automatic updates keep (later alerts go to it). Handing it to
    the body it already has is a decision too: the lead then stays whatever the rules say later."""
    _active(case, "改派")
    if body.domain not in responder.settings.organisations.domains:
        raise CaseError(f"unknown domain {body.domain!r}")
    before = case.assignment.lead.body().model_dump()
    lead = responder.directory.named(body)
    case.assignment = case.assignment.model_copy(update={"lead": lead})
    decision = LeadDecision(body=lead, by=actor, at=now, reason=reason)
    case.decisions = case.decisions.model_copy(update={"lead": decision})
    audit(session, actor, "case.reassign", "case", case.id, before=before, after=body.model_dump(), reason=reason)


def _label_rows(session: Session, post_ids: list[int]) -> dict[int, LabelFields]:
    """Each post's current label row with its figures: its latest correction, else the model's latest label."""
    rows: dict[int, LabelFields] = {}
    for model in (Label, LabelCorrection):
        for row in session.scalars(select(model).where(model.post_id.in_(post_ids)).order_by(model.id)):
            rows[row.post_id] = row
    return rows


def correct(
    session: Session,
    responder: Responder,
    case: Case,
    actor: str,
    user_id: int | None,
    category: Category,
    handling: Handling | None,
    reason: str,
    now: datetime,
) -> int:
    """An analyst's category (and handling type; left out, the case's stays): a decision automatic updates keep,
    and a correction of each of the case's posts for the next training, with the post's own places, domains and
    figures. Severity and priority follow DOMAIN.md §2-3 for the new category with the event's severity, and the
    clocks follow the priority (`cases.replan`). Returns how many posts were corrected."""
    _active(case, "更正类别")
    if not reason.strip():
        raise CaseError("更正类别需要说明理由（--reason）")
    if category == Category.OTHER:
        raise CaseError("“其他”类不立案：误报请用 `yuqing cases dismiss` 排除")
    handling = case.handling if handling is None else handling
    decided = case.decisions.category
    if decided is not None and (decided.category, decided.handling) == (category, handling):
        names = responder.settings.categories
        raise CaseError(
            f"案件#{case.id}的类别已由{decided.by}认定为“{names.categories[category].name}”"
            f"（处置类型：{names.handling[handling].name if handling else '无'}）"
        )
    event = session.get_one(Event, case.event_id)
    decision = CategoryDecision(
        category=category,
        handling=handling,
        by=actor,
        at=now,
        reason=reason,
        event_priority=event.priority,
        event_severity=event.severity,
    )
    case.decisions = case.decisions.model_copy(update={"category": decision})
    critical = responder.settings.categories.critical_severities
    severity = event.severity if category == Category.EMERGENCY else None
    before = (case.category, case.handling, case.priority, case.severity)
    labels = CaseLabels(category, handling, severity, priority_of(category, severity, critical))
    apply_labels(case, event, labels, responder)
    replan(session, responder, case, event, before[2], now)
    post_ids = list(session.scalars(select(EventPost.post_id).where(EventPost.event_id == case.event_id)))
    current = _label_rows(session, post_ids)
    for post_id in post_ids:
        row = current.get(post_id)
        post_severity = row.severity if row is not None and category == Category.EMERGENCY else None
        session.add(
            LabelCorrection(
                post_id=post_id,
                user_id=user_id,
                reason=f"case {case.id} corrected: {reason}",
                category=category,
                priority=priority_of(category, post_severity, critical),
                severity=post_severity,
                handling=handling,
                domains=list(row.domains) if row is not None else [],
                regions=list(row.regions) if row is not None else [],
                deaths=row.deaths if row is not None else None,
                injuries=row.injuries if row is not None else None,
            )
        )
    audit(
        session,
        actor,
        "case.correct",
        "case",
        case.id,
        before=list(before),
        after=[case.category, case.handling, case.priority, case.severity],
        reason=reason,
        corrected_posts=len(post_ids),
    )
    return len(post_ids)


def merge(session: Session, responder: Responder, case: Case, target: Case, actor: str, now: datetime) -> None:
    """Fold a case into another about the same happening: its posts join the target's event. The target keeps its
    labels and its own decisions (those of the case folded in end with it); who answers follows the places and
    domains of the posts it gained."""
    _active(case, "合并")
    _active(target, "接收合并")
    if case.id == target.id:
        raise CaseError(f"案件#{case.id}不能合并到它自己")
    session.execute(update(EventPost).where(EventPost.event_id == case.event_id).values(event_id=target.event_id))
    source_event, target_event = session.get_one(Event, case.event_id), session.get_one(Event, target.event_id)
    target_event.post_count += source_event.post_count
    target_event.reposts += source_event.reposts
    target_event.comments += source_event.comments
    target_event.regions = most_specific([*target_event.regions, *source_event.regions])
    target_event.domains = list(dict.fromkeys([*target_event.domains, *source_event.domains]))
    apply_labels(target, target_event, CaseLabels.of_case(target), responder)
    _end(session, case, "merged", now)
    case.merged_into_id = target.id
    audit(session, actor, "case.merge", "case", case.id, into=target.id)
