"""The one view of a case (`records.CaseView`) that `cases show`, the alerts, the briefing and the console read.

Built from the database alone, so every reader sees the same case: its labels, where it happens (with names),
who answers (the stored assignment), what people decided, its obligations as absolute times, its most widely
spread post, and on request its history; `case_with_posts` adds every post (`cases list --json`).
"""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from yuqing.divisions import name_of
from yuqing.records import CasePost, CaseView, CaseWithPosts, HistoryEntry, ObligationView, PostSummary, Region
from yuqing.settings import Settings
from yuqing.storage.models import AuditEntry, Case, Event, EventPost, EventUpgrade, Obligation, Post, Source

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
