"""Posts moved between events by a person: a case split, a stray post or event attached, two cases merged.

The grouper only ever adds posts to an event and keeps running figures; a person may also take posts away. So
posts that join an event are added by the grouper itself (`EventGrouper._add`, in publication order: their
places, figures, headline, official coverage, and their labels, a graver well-supported post raising the event
and recorded as its upgrade, exactly as if a grouping run had added them), and an event that lost posts is built
again by adding the posts it keeps to it afresh, its labels kept.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from responder.events import EventGrouper, PostLabel, current_labels, key_terms, post_time
from yuqing.settings import Settings
from yuqing.storage.models import Event, EventPost, Post, Source


def grouper_for(session: Session, settings: Settings) -> EventGrouper:
    """The service's grouper, ready to add posts outside a grouping run: with the source names a run loads first
    (its test of an official post reads them)."""
    grouper = EventGrouper(settings.responder.events, settings.categories.critical_severities)
    grouper._sources = dict(session.execute(select(Source.id, Source.name)).all())
    return grouper


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


def _terms(post: Post) -> Counter[str]:
    return key_terms(f"{post.title} {post.text_simplified or post.text}")


def _labelled(session: Session, grouper: EventGrouper, posts: list[Post]) -> list[tuple[Post, PostLabel]]:
    """The posts with their current labels, in publication order; every post an event holds is labelled."""
    labels = current_labels(session, [p.id for p in posts], grouper.critical_severities)
    return [(post, labels[post.id]) for post in sorted(posts, key=lambda p: (post_time(p), p.id))]


def _leave(session: Session, posts: list[Post]) -> None:
    """The posts leave whichever event holds them."""
    session.execute(delete(EventPost).where(EventPost.post_id.in_([p.id for p in posts])))


def take(session: Session, grouper: EventGrouper, event: Event, posts: list[Post]) -> None:
    """The posts (labelled) join the event, leaving whichever event held them; the events they left are the
    caller's to build again (`rebuild`) or to point at this one."""
    _leave(session, posts)
    for post, label in _labelled(session, grouper, posts):
        grouper._add(session, event, post, label, _terms(post), new=False)
    grouper._count_sources(session, {event.id: event})


def rebuild(session: Session, grouper: EventGrouper, event: Event) -> None:
    """The figures of an event that lost posts, from the posts it keeps (one at least): they are added to it
    afresh. Its labels stay; its domains keep their order, the lead domain first, while a post still names them."""
    kept = _labelled(session, grouper, posts_of(session, event))
    _leave(session, [post for post, _ in kept])
    domains, latest = list(event.domains), max(max(p.fetched_at, post_time(p)) for p, _ in kept)
    event.terms, event.region_weights, event.regions, event.domains = {}, {}, [], []
    event.post_count, event.reposts, event.comments, event.title_rank = 0, 0, 0, -1
    event.t0, event.t0_from_first_seen, event.first_seen_at = latest, True, latest
    event.last_post_at = min(post_time(p) for p, _ in kept)
    event.official_coverage, event.deaths, event.injuries = False, None, None
    for post, label in kept:
        grouper._add(session, event, post, label, _terms(post), new=True)
    named = set(event.domains)
    event.domains = list(dict.fromkeys([*(d for d in domains if d in named), *event.domains]))
    grouper._count_sources(session, {event.id: event})


def split_off(session: Session, grouper: EventGrouper, posts: list[Post]) -> Event:
    """A new event for the posts (labelled), built as a grouping run would have built it from them alone: the
    earliest sets its labels, the later ones raise them."""
    ordered = _labelled(session, grouper, posts)
    _leave(session, posts)
    first, label = ordered[0]
    event = grouper._create(session, first, label)
    for post, label in ordered:
        grouper._add(session, event, post, label, _terms(post), new=post is first)
    grouper._count_sources(session, {event.id: event})
    return event
