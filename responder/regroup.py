"""Posts moved between events by a person: a case split, a stray post or event attached, two cases merged.

The grouper only ever adds posts to an event and keeps running figures; a person may also take posts away, so
here an event's figures (its posts with their copies, heat, sources, times, key terms, places, domains and
official coverage) are worked out again from the posts it holds. Posts that join an event bring their labels
through the grouper's own label merge, in publication order, so a graver well-supported post raises the event and
is recorded as its upgrade exactly as if the grouper had added it.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from responder.events import EVENT_TERMS_KEPT, EventGrouper, current_labels, key_terms, most_specific, post_time
from yuqing.storage.models import Event, EventPost, Post


def posts_of(session: Session, event: Event) -> list[Post]:
    """The event's posts, oldest first."""
    return list(
        session.scalars(
            select(Post)
            .join(EventPost, EventPost.post_id == Post.id)
            .where(EventPost.event_id == event.id)
            .order_by(func.coalesce(Post.published_at, Post.fetched_at), Post.id)
        )
    )


def copies_of(session: Session, originals: list[Post]) -> list[Post]:
    """The posts the crawler linked to these as copies."""
    ids = [post.id for post in originals]
    return list(session.scalars(select(Post).where(Post.duplicate_of_id.in_(ids)).order_by(Post.id))) if ids else []


def refigure(session: Session, grouper: EventGrouper, event: Event) -> None:
    """The event's figures from the posts it holds now (it must hold one at least). Its labels stay: they only
    rise, through the posts that join it (`take`). Domains keep their order, the lead domain first, as long as a
    post still names them."""
    posts = posts_of(session, event)
    labels = current_labels(session, [p.id for p in posts], grouper.critical_severities)
    published = [p.published_at for p in posts if p.published_at is not None]
    event.first_seen_at = min(p.fetched_at for p in posts)
    event.t0, event.t0_from_first_seen = (min(published), False) if published else (event.first_seen_at, True)
    event.last_post_at = max(post_time(p) for p in posts)
    event.post_count = sum(p.spread for p in posts)
    event.reposts = sum(p.reposts or 0 for p in posts)
    event.comments = sum(p.comments or 0 for p in posts)
    event.source_count = len({p.source_id for p in posts if p.source_id is not None})
    event.official_coverage = any(grouper._official(p) for p in posts)
    terms = sum((key_terms(f"{p.title} {p.text_simplified or p.text}") for p in posts), Counter())
    event.terms = dict(terms.most_common(EVENT_TERMS_KEPT))
    named = [labels[p.id] for p in posts if p.id in labels]
    event.regions = most_specific([region for label in named for region in label.regions])
    domains = [domain for label in named for domain in label.domains]
    event.domains = list(dict.fromkeys([*(d for d in event.domains if d in domains), *domains]))


def take(session: Session, grouper: EventGrouper, event: Event, posts: list[Post]) -> None:
    """The posts join the event, leaving whichever event held them; the event is refigured and gets their labels.
    The events they left are the caller's to refigure or to mark as merged."""
    ids = [post.id for post in posts]
    session.execute(delete(EventPost).where(EventPost.post_id.in_(ids)))
    session.add_all(EventPost(event_id=event.id, post_id=post_id) for post_id in ids)
    session.flush()
    refigure(session, grouper, event)
    labels = current_labels(session, ids, grouper.critical_severities)
    for post in sorted(posts, key=lambda p: (post_time(p), p.id)):
        if post.id in labels:
            grouper._merge_labels(event, post, labels[post.id])
    session.flush()


def split_off(session: Session, grouper: EventGrouper, posts: list[Post]) -> Event:
    """A new event for the posts: its earliest labelled post sets its labels and title, as the first post of an
    event does in the grouper, and the later ones raise them as they would have. At least one post is labelled."""
    labels = current_labels(session, [p.id for p in posts], grouper.critical_severities)
    first = min((p for p in posts if p.id in labels), key=lambda p: (post_time(p), p.id))
    label = labels[first.id]
    at = post_time(first)
    event = Event(
        title=(first.title or first.text[:60]).strip(),
        category=label.category,
        priority=label.priority,
        severity=label.severity,
        handling=label.handling,
        regions=most_specific(label.regions),
        domains=list(dict.fromkeys(label.domains)),
        terms={},
        t0=at,
        first_seen_at=first.fetched_at,
        last_post_at=at,
    )
    session.add(event)
    session.flush()
    take(session, grouper, event, posts)
    return event
