"""Posts moved between events by a person: a case split, a stray post or event attached, two cases merged.

The grouper only ever adds posts to an event and keeps running figures; a person may also take posts away. So
posts that join an event are added by the same `EventBuilder` the grouper uses (in publication order: their
places, figures, headline, official coverage, and their labels, a graver well-supported post raising the event
and recorded as its upgrade, exactly as if a grouping run had added them), and an event that lost posts is built
again by adding the posts it keeps to it afresh, its labels kept.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from responder.events import EventBuilder, PostLabel, current_labels, post_time
from responder.grouping import post_terms
from yuqing.settings import Settings
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


def _leave(session: Session, posts: list[Post]) -> None:
    """The posts leave whichever event holds them."""
    session.execute(delete(EventPost).where(EventPost.post_id.in_([p.id for p in posts])))


class PostMover:
    """Moves posts by hand within one session, with the service's rules and the source names as stored now."""

    def __init__(self, session: Session, settings: Settings) -> None:
        self.session = session
        self.builder = EventBuilder.loaded(session, settings.responder.events)
        self.critical_severities = settings.categories.critical_severities

    def take(self, event: Event, posts: list[Post]) -> None:
        """The posts (labelled) join the event, leaving whichever event held them; the events they left are the
        caller's to build again (`rebuild`) or to point at this one."""
        _leave(self.session, posts)
        for post, label in self._labelled(posts):
            self._join(event, post, label, new=False)
        self._count_sources(event)

    def rebuild(self, event: Event) -> None:
        """The figures of an event that lost posts, from the posts it keeps (one at least): they are added to it
        afresh. Its labels stay; its domains keep their order, the lead domain first, while a post still names
        them."""
        kept = self._labelled(posts_of(self.session, event))
        _leave(self.session, [post for post, _ in kept])
        domains, latest = list(event.domains), max(max(p.fetched_at, post_time(p)) for p, _ in kept)
        event.terms, event.region_weights, event.regions, event.domains = {}, {}, [], []
        event.domain_weights = {}
        event.post_count, event.reposts, event.comments, event.title_rank = 0, 0, 0, -1
        event.t0, event.t0_from_first_seen, event.first_seen_at = latest, True, latest
        event.last_post_at = min(post_time(p) for p, _ in kept)
        event.official_coverage, event.deaths, event.injuries = False, None, None
        for post, label in kept:
            self._join(event, post, label, new=True)
        named = set(event.domains)
        event.domains = list(dict.fromkeys([*(d for d in domains if d in named), *event.domains]))
        self._count_sources(event)

    def split_off(self, posts: list[Post]) -> Event:
        """A new event for the posts (labelled), built as a grouping run would have built it from them alone: the
        earliest sets its labels, the later ones raise them."""
        ordered = self._labelled(posts)
        _leave(self.session, posts)
        first, label = ordered[0]
        event = self.builder.create(self.session, first, label)
        self.session.flush()
        for post, label in ordered:
            self._join(event, post, label, new=post is first)
        self._count_sources(event)
        return event

    def _labelled(self, posts: list[Post]) -> list[tuple[Post, PostLabel]]:
        """The posts with their current labels, in publication order; every post an event holds is labelled."""
        labels = current_labels(self.session, [p.id for p in posts], self.critical_severities)
        return [(post, labels[post.id]) for post in sorted(posts, key=lambda p: (post_time(p), p.id))]

    def _join(self, event: Event, post: Post, label: PostLabel, new: bool) -> None:
        self.session.add(EventPost(event_id=event.id, post_id=post.id))
        self.builder.add(self.session, event, post, label, post_terms(post, label.regions), new=new)

    def _count_sources(self, event: Event) -> None:
        self.session.flush()
        EventBuilder.count_sources(self.session, {event.id: event})
