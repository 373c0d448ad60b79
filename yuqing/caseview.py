"""The one view of a case (`records.CaseView`) that `cases show`, the alerts, the briefing and the console read,
and how it reads to a person (`case_lines`).

Built from the database alone, so every reader sees the same case: its labels, where it happens (with names),
who answers (the stored assignment), what people decided, its obligations as absolute times, its most widely
spread post, and on request its history; `case_with_posts` adds every post (`cases list --json`). `case_lines`
words it once for every reader: Chinese labels, local times, names, no ids.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from yuqing.divisions import government_name, name_of
from yuqing.records import (
    CasePost,
    CaseView,
    CaseWithPosts,
    HistoryEntry,
    NamedBody,
    ObligationView,
    PostSummary,
    Region,
)
from yuqing.settings import Settings
from yuqing.storage.models import AuditEntry, Case, Event, EventPost, EventUpgrade, Obligation, Post, Source
from yuqing.vocabulary import (
    CASE_STATUS_TEXT,
    LEVEL_TEXT,
    OBLIGATION_STATUS_TEXT,
    OBLIGATION_TEXT,
    OWED_OBLIGATION_STATUSES,
    PRINCIPAL_LEADER_TEXT,
    PRIORITY_TEXT,
    Category,
    ObligationStatus,
    local_time,
    severity_label,
    time_left,
)

POST_EXCERPT = 200  # characters of the representative post an alert carries


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


def post_summary(post: Post | None) -> PostSummary | None:
    if post is None:
        return None
    return PostSummary(
        title=post.title, text=post.text[:POST_EXCERPT], url=post.url, media=post.media, published_at=post.published_at
    )


def obligation_view(obligation: Obligation) -> ObligationView:
    return ObligationView(
        kind=obligation.kind,
        sequence=obligation.sequence,
        starts_at=obligation.starts_at,
        due_at=obligation.due_at,
        status=obligation.status,
        met_at=obligation.met_at,
        on_time=None if obligation.met_at is None else obligation.met_at <= obligation.due_at,
        evidence_url=obligation.evidence_url,
    )


def case_view(session: Session, settings: Settings, case: Case, *, with_history: bool = False) -> CaseView:
    assignment = case.assignment
    event = session.get_one(Event, case.event_id)
    posts, copies, sources = session.execute(
        select(func.count(), func.count(Post.duplicate_of_id), func.count(func.distinct(Post.source_id)))
        .select_from(EventPost)
        .join(Post, Post.id == EventPost.post_id)
        .where(EventPost.event_id == case.event_id)
    ).one()
    upgrade = session.scalar(
        select(Post)
        .join(EventUpgrade, EventUpgrade.post_id == Post.id)
        .where(EventUpgrade.event_id == case.event_id)
        .order_by(EventUpgrade.at.desc(), EventUpgrade.id.desc())
        .limit(1)
    )
    console = settings.notifications.console_url
    obligations = session.scalars(select(Obligation).where(Obligation.case_id == case.id).order_by(Obligation.id))
    history = []
    if with_history:
        entries = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "case", AuditEntry.entity_id == str(case.id))
            .order_by(AuditEntry.id)
        )
        history = [HistoryEntry(at=h.at, actor=h.actor, action=h.action, details=h.details) for h in entries]
    return CaseView(
        id=case.id,
        status=case.status,
        title=assignment.title,
        category=case.category,
        category_name=settings.categories.categories[case.category].name,
        priority=case.priority,
        severity=case.severity,
        handling=case.handling,
        t0=case.t0,
        regions=[Region(adcode=code, name=name_of(code)) for code in assignment.regions],
        region_unknown=case.region_unknown,
        recommended_action=case.recommended_action,
        level=assignment.level,
        lead=assignment.lead,
        responders=assignment.responders,
        coordinators=assignment.coordinators,
        principal_leader=assignment.principal_leader,
        rules=assignment.rules,
        merged_into=case.merged_into_id,
        dismissed_reason=case.dismissed_reason,
        obligations=[obligation_view(o) for o in obligations],
        post=post_summary(representative_post(session, case.event_id)),
        upgraded_by=post_summary(upgrade),
        deaths=event.deaths,
        injuries=event.injuries,
        post_count=posts,
        copy_count=copies,
        source_count=sources,
        official_seen=event.official_coverage,
        console_url=f"{console.rstrip('/')}/cases/{case.id}" if console else None,
        history=history,
        decisions=case.decisions,
    )


def case_posts(session: Session, event_id: int) -> list[CasePost]:
    """Every post of the event, and every post the crawler linked to one of them as a copy, wherever grouping put
    it (a copy fetched before its original may have started an event of its own), in publication order."""
    in_event = select(EventPost.post_id).where(EventPost.event_id == event_id)
    rows = session.execute(
        select(Post, Source.name)
        .outerjoin(Source, Source.id == Post.source_id)
        .where(or_(Post.id.in_(in_event), Post.duplicate_of_id.in_(in_event)))
        .order_by(func.coalesce(Post.published_at, Post.fetched_at), Post.id)
    )
    return [
        CasePost(
            id=post.id,
            url=post.url,
            title=post.title,
            source=source or post.media,
            published_at=post.published_at,
            duplicate_of=post.duplicate_of_id,
        )
        for post, source in rows
    ]


def case_with_posts(session: Session, settings: Settings, case: Case) -> CaseWithPosts:
    """Everything `cases show --json` says about the case, with its posts."""
    view = case_view(session, settings, case, with_history=True)
    return CaseWithPosts(**dict(view), posts=case_posts(session, case.event_id))


# --- how a case reads ---------------------------------------------------------------------------------------


def body_text(body: NamedBody) -> str:
    return body.name + (f"（电话{body.contact}）" if body.contact else "")


def casualties_text(deaths: int | None, injuries: int | None) -> str | None:
    """死亡12人、受伤20人; a figure nobody reported is said to be unknown, not zero; None when neither is known."""
    if deaths is None and injuries is None:
        return None
    dead = f"死亡{deaths}人" if deaths is not None else "死亡人数不详"
    hurt = f"受伤{injuries}人" if injuries is not None else "受伤人数不详"
    return f"{dead}、{hurt}"


def obligation_label(obligation: ObligationView) -> str:
    what = OBLIGATION_TEXT[obligation.kind]
    return f"{what}（第{obligation.sequence}次）" if obligation.sequence else what


def obligation_text(obligation: ObligationView, zone: ZoneInfo, now: datetime) -> str:
    """The deadline in local time with the time left (or by how much it was missed), or how it ended."""
    due = f"{local_time(obligation.due_at, zone)}前"
    if obligation.status in OWED_OBLIGATION_STATUSES:
        return f"{due}（{time_left(obligation.due_at, now)}）"
    if obligation.status == ObligationStatus.MET:
        timing = "按时" if obligation.on_time else "超时"
        return f"{due}，{local_time(obligation.met_at, zone)}完成（{timing}）"
    return f"{due}，{OBLIGATION_STATUS_TEXT[obligation.status]}"


def case_lines(view: CaseView, zone: ZoneInfo) -> list[tuple[str, str]]:
    """(label, value) lines of a case in the order a duty officer reads them: what and how grave, where and
    when, how far it has spread, who answers (and, for 特别重大, who leads: rule 7), what to do."""
    grade = [severity_label(view.severity)] if view.severity else []
    regions = "、".join(region.name for region in view.regions)
    if view.region_unknown or not regions:
        regions = f"不明（由{name_of(view.lead.adcode)}回应）"
    lines = [
        ("类别", " · ".join([view.category_name, PRIORITY_TEXT[view.priority], *grade])),
        ("状态", CASE_STATUS_TEXT[view.status]),
        ("地区", regions),
        ("首发时间", local_time(view.t0, zone)),
    ]
    casualties = casualties_text(view.deaths, view.injuries)
    if casualties or view.category == Category.EMERGENCY:
        lines.append(("伤亡", casualties or "尚无伤亡数字"))
    copies = f"（含转载{view.copy_count}条）" if view.copy_count else ""
    sources = f"，来自{view.source_count}个信息源" if view.source_count else ""
    lines += [
        ("传播", f"帖文{view.post_count}条{copies}{sources}"),
        ("官方发布", "已有官方渠道或中央媒体发布" if view.official_seen else "尚未见官方渠道或中央媒体发布"),
        ("回应主体", f"{body_text(view.lead)}（{LEVEL_TEXT[view.level]}）"),
    ]
    others = [body.name for body in view.responders if body.body() != view.lead.body()]
    if others:
        lines.append(("共同回应", "、".join(others)))
    lines.append(("组织协调", "、".join(body.name for body in view.coordinators) or "-"))
    if view.principal_leader:
        lines.append(("领导责任", PRINCIPAL_LEADER_TEXT.format(government=government_name(view.lead.adcode))))
    if view.recommended_action:
        lines.append(("建议处置", view.recommended_action))
    return lines
