"""Group labelled posts into events: each pending post joins the event its original is in, the recent event whose
words are closest to its own, or a new one.

A post joins an event when it copies a post already in it (the crawler's duplicate link), or when its words are
close enough to a recent event's (within the window, see `responder/matching.py`) and their places agree. A post
of another category than the event's needs closer wording (`min_similarity_across_categories`): a complaint about
an officer and a policy notice of the same department are two matters. Place and domain never make a match:
places gate it (they must agree), and a county both name supports a weaker match of words
(`min_similarity_in_same_county`, same category only): an eyewitness's first words and a resident's comment share
few words with the reports, but they are in the same county on the same day. `low` (other) posts are grouped
apart, so routine news and a film review never heat up a real matter. An event a person merged into another is
followed: its later posts go to the event it was merged into. A grouped post is never moved again by the
grouper: what a person put together or apart stays.

A grouping run keeps one term index for all its batches. Within a batch, new events are indexed under provisional
keys and stored in one flush at its end, with the batch's memberships in one insert: the database work per post is
a share of a few statements, not statements of its own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import exists, func, insert, or_, select
from sqlalchemy.orm import Session

from responder.events import EventBuilder, PostLabel, current_labels, in_same_county, post_time, regions_agree
from responder.matching import TermIndex, key_terms, without_places
from yuqing.config_models import EventRules
from yuqing.storage.models import Event, EventPost, Label, LabelCorrection, Post, utcnow
from yuqing.vocabulary import Priority


def pending_posts(session: Session, limit: int) -> list[Post]:
    """Labelled posts that belong to no event yet, oldest first."""
    labelled = or_(exists().where(Label.post_id == Post.id), exists().where(LabelCorrection.post_id == Post.id))
    grouped = exists().where(EventPost.post_id == Post.id)
    query = (
        select(Post)
        .where(labelled, ~grouped)
        .order_by(func.coalesce(Post.published_at, Post.fetched_at), Post.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def post_terms(post: Post, places: list[str]) -> Counter[str]:
    """The post's key terms without its places' names (see `matching.without_places`)."""
    text = f"{post.title} {post.text_simplified or post.text}"
    return without_places(key_terms(text), text, places)


@dataclass
class GroupingResult:
    grouped: int = 0
    created: list[int] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)


@dataclass
class _Batch:
    """One batch's work: the events it touched by key (an id, or a provisional key below zero for an event started
    in it), and the memberships to write."""

    events: dict[int, Event] = field(default_factory=dict)
    created: list[int] = field(default_factory=list)  # provisional keys, in order
    members: list[tuple[int, int]] = field(default_factory=list)  # (event key, post id)
    of_original: dict[int, int] = field(default_factory=dict)  # post id → event key


class EventGrouper:
    """Groups pending posts batch by batch; keep one for a whole run, so its term index is built once."""

    def __init__(self, rules: EventRules, critical_severities: list[str]) -> None:
        self.rules = rules
        self.critical_severities = critical_severities
        self.index: TermIndex | None = None
        self._provisional = 0
        self._floor = min(
            rules.min_similarity, rules.min_similarity_across_categories, rules.min_similarity_in_same_county
        )

    def group(self, session: Session, limit: int = 500) -> GroupingResult:
        """Group up to `limit` pending posts (a bound, so one run never holds the database for long)."""
        posts = pending_posts(session, limit)
        if not posts:
            return GroupingResult()
        labels = current_labels(session, [p.id for p in posts], self.critical_severities)
        index = self._index(session, min(post_time(p) for p in posts))
        builder = EventBuilder.loaded(session, self.rules)
        batch = _Batch(of_original=self._events_of_originals(session, posts))
        with session.no_autoflush:  # one flush at the end of the batch, not one before every look-up
            for post in posts:
                self._place(session, builder, index, post, labels[post.id], batch)
        return self._store(session, index, batch, len(posts))

    def _place(
        self, session: Session, builder: EventBuilder, index: TermIndex, post: Post, label: PostLabel, batch: _Batch
    ) -> None:
        """Put one post into its event: its original's, the closest recent one, or a new one."""
        terms = post_terms(post, label.regions)
        key = batch.of_original.get(post.duplicate_of_id) if post.duplicate_of_id else None
        if key is None:
            key = self._best_match(index, post, label, terms)
        new = key is None
        if key is None:
            self._provisional -= 1
            key = self._provisional
            batch.events[key] = builder.create(session, post, label)
            batch.created.append(key)
        elif key not in batch.events:
            event = self._followed(session, key)
            key = event.id
            batch.events[key] = event
        event = batch.events[key]
        builder.add(session, event, post, label, terms, new=new)
        index.put(key, event.terms, event.regions, event.category, event.priority == Priority.LOW, event.last_post_at)
        batch.of_original[post.id] = key
        batch.members.append((key, post.id))

    def _store(self, session: Session, index: TermIndex, batch: _Batch, grouped: int) -> GroupingResult:
        """Store the batch's new events (one flush gives them ids), its memberships (one insert) and source counts."""
        session.flush()
        ids = {key: event.id for key, event in batch.events.items()}
        for key in batch.created:
            index.rename(key, ids[key])
        now = utcnow()
        rows = [{"event_id": ids[key], "post_id": post_id, "added_at": now} for key, post_id in batch.members]
        session.execute(insert(EventPost), rows)
        by_id = {ids[key]: event for key, event in batch.events.items()}
        EventBuilder.count_sources(session, by_id)
        return GroupingResult(grouped, [ids[key] for key in batch.created], set(by_id))

    # --- finding the event ------------------------------------------------------------------------------------

    def _index(self, session: Session, earliest: datetime) -> TermIndex:
        """The recent events' terms; built at the first batch, kept up to date as posts join."""
        since = earliest - timedelta(hours=self.rules.window_hours)
        if self.index is None:
            self.index = TermIndex()
            query = select(Event).where(Event.last_post_at >= since, Event.merged_into_id.is_(None))
            for event in session.scalars(query):
                low = event.priority == Priority.LOW
                self.index.put(event.id, event.terms, event.regions, event.category, low, event.last_post_at)
        else:
            self.index.forget_before(since)
        return self.index

    @staticmethod
    def _events_of_originals(session: Session, posts: list[Post]) -> dict[int, int]:
        originals = {p.duplicate_of_id for p in posts if p.duplicate_of_id is not None}
        if not originals:
            return {}
        rows = session.execute(select(EventPost.post_id, EventPost.event_id).where(EventPost.post_id.in_(originals)))
        return dict(rows.all())

    @staticmethod
    def _followed(session: Session, event_id: int) -> Event:
        """The event itself, or the one a person merged it into (followed to the end of a chain of merges)."""
        event = session.get_one(Event, event_id)
        seen = {event.id}
        while event.merged_into_id is not None and event.merged_into_id not in seen:
            event = session.get_one(Event, event.merged_into_id)
            seen.add(event.id)
        return event

    def _best_match(self, index: TermIndex, post: Post, label: PostLabel, terms: Counter[str]) -> int | None:
        """The event whose words are closest to the post's, if close enough; places only gate."""
        since = post_time(post) - timedelta(hours=self.rules.window_hours)
        low = label.priority == Priority.LOW
        best, chosen = 0.0, None
        for key, score in index.similarities(terms, self._floor).items():
            entry = index.events[key]
            needed = self.rules.min_similarity
            if label.category != entry.category:
                needed = self.rules.min_similarity_across_categories
            elif not low and in_same_county(label.regions, entry.regions):
                needed = min(needed, self.rules.min_similarity_in_same_county)
            if score < needed or score <= best or entry.low != low or entry.last_post_at < since:
                continue
            if regions_agree(label.regions, entry.regions):
                best, chosen = score, key
        return chosen
