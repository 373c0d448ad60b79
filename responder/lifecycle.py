"""What people do with a case: acknowledge, record milestones, close, dismiss, reassign, correct, merge, split,
attach; and with a post: raise it to a case, correct its labels.

open → acknowledged → (released → press_held → follow-up releases) or responded → closed; `dismissed` (a false
positive: its posts get an analyst correction to `other`, used by the next training run) and `merged` end a
case too. Every change is audited with who and when, in the same transaction. Milestones may be recorded
after the fact (`at`), because the on-time figures must reflect when the release happened, not when it was typed.

A reassignment and a category correction are decisions (`records.CaseDecisions`) that automatic updates keep.
Merging, splitting and attaching move posts between events by hand (`responder.regroup`); the grouper never
moves a grouped post again, and an event emptied into another points at it (`merged_into_id`) for later posts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from responder.cases import (
    CaseLabels,
    Responder,
    apply_labels,
    case_bodies,
    follow_t0,
    open_case,
    owner_outside_home,
    replan,
    tell,
    update_case,
    update_due,
    with_told_before,
)
from responder.obligations import add_obligation, cancel, meet, open_obligations
from responder.regroup import PostMover, copies_of, posts_of
from yuqing.audit import audit
from yuqing.records import Body, CategoryDecision, LeadDecision
from yuqing.storage.models import Case, Event, EventPost, Label, LabelCorrection, LabelFields, Post
from yuqing.vocabulary import (
    CASE_STATUS_TEXT,
    AlertKind,
    CaseStatus,
    Category,
    Handling,
    ObligationKind,
    case_number,
    priority_of,
)


class CaseError(ValueError):
    """An action that does not fit the case's state; the message says why."""


def _active(case: Case, action: str) -> None:
    status = CaseStatus(case.status)
    if not status.is_active:
        raise CaseError(f"{case_number(case.id)}{CASE_STATUS_TEXT[status]}，不能{action}")


def _checked_time(case: Case, at: datetime, now: datetime) -> datetime:
    if at.tzinfo is None:
        raise CaseError("the time needs a time zone")
    if at > now:
        raise CaseError(f"{at.isoformat()} is in the future")
    if at < case.t0:
        raise CaseError(f"{at.isoformat()} is before the event began ({case.t0.isoformat()})")
    return at


def _meet_next(session: Session, case: Case, kind: str, at: datetime, missing: str, evidence_url: str | None) -> None:
    pending = open_obligations(session, case.id, kind)
    if not pending:
        raise CaseError(f"case {case.id} has {missing}")
    meet(pending[0], at, evidence_url)


def _start_follow_up(session: Session, responder: Responder, case: Case, at: datetime, sequence: int) -> None:
    """The next 持续发布 obligation, counted from the release or press conference just recorded."""
    add_obligation(session, case, ObligationKind.FOLLOW_UP, at, responder.settings.timers, sequence)


def acknowledge(session: Session, case: Case, actor: str, at: datetime) -> None:
    _active(case, "签收")
    if case.status != "open":
        raise CaseError(f"case {case.id} is already {case.status}")
    case.status = "acknowledged"
    audit(session, actor, "case.ack", "case", case.id, at=at.isoformat())


def record_release(
    session: Session,
    responder: Responder,
    case: Case,
    actor: str,
    at: datetime,
    now: datetime,
    evidence_url: str | None = None,
) -> str:
    """An authoritative release: meets the 5 h obligation, or after the press conference the due follow-up.
    `evidence_url` is where it can be read (kept on the obligation it meets and in the audit trail)."""
    _active(case, "记录权威发布")
    at = _checked_time(case, at, now)
    if case.priority != "critical":
        raise CaseError(f"case {case.id} is {case.priority}: record its response with `respond`")
    first = open_obligations(session, case.id, "release")
    follow_ups = open_obligations(session, case.id, "follow_up")
    met = "none"
    if first:
        meet(first[0], at, evidence_url)
        met = "release"
    elif follow_ups:
        meet(follow_ups[0], at, evidence_url)
        _start_follow_up(session, responder, case, at, follow_ups[0].sequence + 1)
        met = f"follow_up {follow_ups[0].sequence}"
    if case.status in ("open", "acknowledged"):
        case.status = "released"
    audit(session, actor, "case.release", "case", case.id, at=at.isoformat(), met=met, evidence_url=evidence_url)
    return met


def record_press_conference(
    session: Session,
    responder: Responder,
    case: Case,
    actor: str,
    at: datetime,
    now: datetime,
    evidence_url: str | None = None,
) -> None:
    """The press conference: meets the 24 h obligation and starts the follow-up releases."""
    _active(case, "记录新闻发布会")
    at = _checked_time(case, at, now)
    _meet_next(session, case, "press_conference", at, "no press conference due", evidence_url)
    _start_follow_up(session, responder, case, at, 1)
    case.status = "press_held"
    audit(session, actor, "case.press", "case", case.id, at=at.isoformat(), evidence_url=evidence_url)


def record_response(
    session: Session, case: Case, actor: str, at: datetime, now: datetime, evidence_url: str | None = None
) -> None:
    _active(case, "记录回应")
    at = _checked_time(case, at, now)
    _meet_next(
        session, case, "respond", at, "no response due (a critical case records `release` and `press`)", evidence_url
    )
    case.status = "responded"
    audit(session, actor, "case.respond", "case", case.id, at=at.isoformat(), evidence_url=evidence_url)


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
    the body it already has is a decision too: the lead then stays whatever the rules say later. The new lead,
    the one it replaces and the coordinators are told (and the home duty channel, as for every alert), so the
    body that now answers hears of the case at once, not at its first deadline warning."""
    _active(case, "改派")
    if body.domain not in responder.settings.organisations.domains:
        raise CaseError(f"unknown domain {body.domain!r}")
    was = case.assignment.lead
    told_before = case_bodies(case)
    lead = responder.directory.named(body)
    case.assignment = case.assignment.model_copy(update={"lead": lead})
    decision = LeadDecision(body=lead, by=actor, at=now, reason=reason)
    case.decisions = case.decisions.model_copy(update={"lead": decision})
    before = was.body().model_dump()
    audit(session, actor, "case.reassign", "case", case.id, before=before, after=body.model_dump(), reason=reason)
    why = f"：{reason}" if reason else ""
    tell(
        session,
        responder,
        case,
        with_told_before(case, told_before),
        AlertKind.CASE_REASSIGNED,
        f"case/{case.id}/reassigned/{now.isoformat()}",
        f"{case_number(case.id)}经{actor}改派：回应主体由{was.name}改为{lead.name}{why}",
    )


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
            f"{case_number(case.id)}的类别已由{decided.by}认定为“{names.categories[category].name}”"
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


def _catch_up(session: Session, responder: Responder, case: Case, actor: str, now: datetime) -> None:
    """After a person moved posts into or out of the case's event: who answers follows its places and domains,
    the clocks an earlier first post, and graver labels raise the case as an automatic update would (a decision
    kept, a rumour held), under the person's name."""
    event = session.get_one(Event, case.event_id)
    apply_labels(case, event, CaseLabels.of_case(case), responder)
    follow_t0(session, case, event)
    if update_due(event, case):
        update_case(session, responder, case, event, now, actor)


def merge(session: Session, responder: Responder, case: Case, target: Case, actor: str, now: datetime) -> None:
    """Fold a case into another about the same happening: its posts join the target's event, and its event points
    there so later posts follow. The target keeps its own decisions; those of the case folded in end with it."""
    _active(case, "合并")
    _active(target, "接收合并")
    if case.id == target.id:
        raise CaseError(f"{case_number(case.id)}不能合并到它自己")
    source_event, target_event = session.get_one(Event, case.event_id), session.get_one(Event, target.event_id)
    moved = posts_of(session, source_event)
    PostMover(session, responder.settings).take(target_event, moved)
    source_event.merged_into_id = target_event.id
    _end(session, case, "merged", now)
    case.merged_into_id = target.id
    audit(session, actor, "case.merge", "case", case.id, into=target.id)
    audit(session, actor, "case.absorb", "case", target.id, case=case.id, posts=[p.id for p in moved])
    _catch_up(session, responder, target, actor, now)


def split(session: Session, responder: Responder, case: Case, post_ids: list[int], actor: str, now: datetime) -> Case:
    """Move posts (with the copies linked to them) out of the case into a new event, and open a case for it by
    hand, whatever its heat or place: a person decided it is another happening. The case split keeps its labels
    and clocks; its event's figures, places and domains, and so who answers, follow the posts it keeps."""
    _active(case, "拆分")
    if not post_ids:
        raise CaseError("请用 --post 指定要拆出的帖文")
    event = session.get_one(Event, case.event_id)
    held = {post.id: post for post in posts_of(session, event)}
    for post_id in post_ids:
        if session.get(Post, post_id) is None:
            raise CaseError(f"没有帖文#{post_id}")
        if post_id not in held:
            raise CaseError(f"帖文#{post_id}不在{case_number(case.id)}中")
    chosen = [held[post_id] for post_id in dict.fromkeys(post_ids)]
    moving = list({p.id: p for p in [*chosen, *copies_of(session, chosen)] if p.id in held}.values())
    if len(moving) == len(held):
        raise CaseError(f"不能拆出{case_number(case.id)}的全部帖文：误报请用 `yuqing cases dismiss` 排除")
    mover = PostMover(session, responder.settings)
    new_event = mover.split_off(moving)
    new_event.owner_adcode = owner_outside_home(new_event, responder.rules.home)
    mover.rebuild(event)
    new_case = open_case(session, responder, new_event, now, actor)
    moved = [p.id for p in moving]
    audit(session, actor, "case.split", "case", case.id, posts=moved, to=new_case.id)
    audit(session, actor, "case.split_off", "case", new_case.id, source=case.id, posts=moved)
    _catch_up(session, responder, case, actor, now)
    return new_case


def _holder(session: Session, post: Post) -> tuple[int | None, Case | None]:
    """The event holding the post (None: grouping has not reached it), and that event's case."""
    event_id = session.scalar(select(EventPost.event_id).where(EventPost.post_id == post.id))
    owner = None if event_id is None else session.scalar(select(Case).where(Case.event_id == event_id))
    return event_id, owner


def _stray_posts(session: Session, case: Case, post_ids: list[int]) -> list[Post]:
    """The posts to attach with their stray copies; a post already the case's or another case's is refused."""
    chosen = []
    for post_id in dict.fromkeys(post_ids):
        post = session.get(Post, post_id)
        if post is None:
            raise CaseError(f"没有帖文#{post_id}")
        event_id, owner = _holder(session, post)
        if event_id == case.event_id:
            raise CaseError(f"帖文#{post_id}已在{case_number(case.id)}中")
        if owner is not None:
            raise CaseError(
                f"帖文#{post_id}属于{case_number(owner.id)}："
                f"请先用 `yuqing cases split {owner.id} --post {post_id}` 拆出，再把新案件合并进来"
            )
        chosen.append(post)
    labelled = _label_rows(session, [p.id for p in chosen])
    for post in chosen:
        if post.id not in labelled:
            raise CaseError(f"帖文#{post.id}还没有分类，请等分类后再并入")
    copies = [copy for copy in copies_of(session, chosen) if _holder(session, copy)[1] is None]
    labelled = _label_rows(session, [p.id for p in copies])  # the others follow their original once classified
    return list({p.id: p for p in [*chosen, *(c for c in copies if c.id in labelled)]}.values())


def attach(
    session: Session,
    responder: Responder,
    case: Case,
    actor: str,
    now: datetime,
    post_ids: list[int] | None = None,
    event_id: int | None = None,
) -> list[Post]:
    """Add stray posts (with the copies linked to them) or a whole event that has no case to the case's event:
    what the grouper missed. A post or event that belongs to a case is refused, naming the command that moves it
    (split it out, or merge that case). An event left without posts points at the case's event, so later posts
    follow. Returns the posts moved."""
    _active(case, "并入帖文或事件")
    if bool(post_ids) == (event_id is not None):
        raise CaseError("请指定 --post 或 --event 之一")
    target = session.get_one(Event, case.event_id)
    if event_id is not None:
        source = session.get(Event, event_id)
        if source is None:
            raise CaseError(f"没有事件#{event_id}")
        if source.id == target.id:
            raise CaseError(f"事件#{event_id}就是{case_number(case.id)}的事件")
        owner = session.scalar(select(Case).where(Case.event_id == source.id))
        if owner is not None:
            raise CaseError(
                f"事件#{event_id}已有{case_number(owner.id)}：请用 `yuqing cases merge {owner.id} --into {case.id}`"
            )
        moving = posts_of(session, source)
        if not moving:
            raise CaseError(f"事件#{event_id}没有帖文")
    else:
        moving = _stray_posts(session, case, post_ids or [])
    left = sorted({e for e in (_holder(session, p)[0] for p in moving) if e is not None})
    mover = PostMover(session, responder.settings)
    mover.take(target, moving)
    for left_id in left:
        emptied = session.get_one(Event, left_id)
        if posts_of(session, emptied):
            mover.rebuild(emptied)
        else:
            emptied.merged_into_id = target.id
    audit(session, actor, "case.attach", "case", case.id, posts=[p.id for p in moving], event=event_id)
    _catch_up(session, responder, case, actor, now)
    return moving


def raise_to_case(session: Session, responder: Responder, post_id: int, actor: str, now: datetime) -> Case:
    """A post a person judges to need an answer becomes a case at once, whatever its heat or place: the case of
    the event grouping put it in, or, before grouping reached it, of a new event of the post and its stray
    copies. A post filed as `other` is corrected first (`correct_post`): a case of `other` would owe nothing."""
    post = session.get(Post, post_id)
    if post is None:
        raise CaseError(f"没有帖文#{post_id}")
    event_id, owner = _holder(session, post)
    if owner is not None:
        raise CaseError(f"帖文#{post_id}已在{case_number(owner.id)}中")
    if event_id is not None:
        event = session.get_one(Event, event_id)
    else:
        strays = [post, *(copy for copy in copies_of(session, [post]) if _holder(session, copy)[0] is None)]
        labelled = _label_rows(session, [p.id for p in strays])
        if post.id not in labelled:
            raise CaseError(f"帖文#{post_id}还没有分类，请等分类后再立案")
        event = PostMover(session, responder.settings).split_off([p for p in strays if p.id in labelled])
        event.owner_adcode = owner_outside_home(event, responder.rules.home)
    if event.category == Category.OTHER:
        raise CaseError(f"帖文#{post_id}的类别为“其他”，请先更正其类别再立案")
    case = open_case(session, responder, event, now, actor)
    audit(session, actor, "case.raise", "case", case.id, post=post_id)
    return case


def correct_post(
    session: Session,
    responder: Responder,
    post_id: int,
    actor: str,
    user_id: int | None,
    category: str,
    handling: str | None,
    reason: str,
) -> LabelCorrection:
    """A person's labels for one post, for the next training run (and, for a post not grouped yet, for grouping:
    a correction wins over the model). Places, domains and figures stay the post's; severity only stays for an
    emergency, and the priority follows DOMAIN.md §3. A case the post is in keeps its own labels (`correct`)."""
    if session.get(Post, post_id) is None:
        raise CaseError(f"没有帖文#{post_id}")
    if not reason.strip():
        raise CaseError("更正帖文类别需要写明理由")
    current = _label_rows(session, [post_id]).get(post_id)
    severity = current.severity if current is not None and category == Category.EMERGENCY else None
    correction = LabelCorrection(
        post_id=post_id,
        user_id=user_id,
        reason=reason,
        category=category,
        priority=priority_of(category, severity, responder.settings.categories.critical_severities),
        severity=severity,
        handling=None if category == Category.OTHER else handling,
        domains=list(current.domains) if current is not None else [],
        regions=list(current.regions) if current is not None else [],
        deaths=current.deaths if current is not None else None,
        injuries=current.injuries if current is not None else None,
    )
    session.add(correction)
    session.flush()
    before = current.category if current is not None else None
    audit(session, actor, "post.correct", "post", post_id, before=before, after=category, reason=reason)
    return correction
