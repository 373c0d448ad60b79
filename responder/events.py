"""Group labelled posts into events: one happening, one event, however many posts carry it.

A post joins an event when it copies a post already in it (the crawler's duplicate link), or when enough of its
key terms are found in a recent event (within the window) whose places agree with its own. Naming the same place
adds to the score when the post shares the event's category or a competent domain (a short Weibo post and a
wire report share places more than words); a post on another subject needs twice the usual wording in common,
so a complaint about rubbish in 莲都区 does not join an explosion in 莲都区. `low` (other) posts
are grouped apart from the rest, so a film review never heats up a real disaster.

The event's labels come from its gravest well-supported post (an analyst's correction, or a model label at or
above `min_confidence`); the first post sets them until a graver one arrives, and every rise is recorded as an
upgrade with the post that caused it, whose time starts any new clock.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from yuqing import adcodes
from yuqing.config_models import EventRules
from yuqing.storage.models import Event, EventPost, EventUpgrade, Label, LabelCorrection, Post, Source
from yuqing.vocabulary import gravity, priority_of

EVENT_TERMS_KEPT = 300
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Characters that make a bigram say nothing about the happening itself.
_FUNCTION_CHARS = set("的了是在和与及对为我你他她它们这那有也就将被把啊吗呢吧呀着过很还又")


def key_terms(text: str) -> Counter[str]:
    """Chinese character bigrams, without those made of function words: robust to wording and to jieba-free use."""
    terms: Counter[str] = Counter()
    for run in _CJK_RUN.findall(text):
        for i in range(len(run) - 1):
            bigram = run[i : i + 2]
            if not (bigram[0] in _FUNCTION_CHARS or bigram[1] in _FUNCTION_CHARS):
                terms[bigram] += 1
    return terms


@dataclass(frozen=True)
class PostLabel:
    """The labels a post currently has: an analyst's correction wins over the model."""

    category: str
    priority: str
    severity: str | None
    handling: str | None
    domains: list[str]
    regions: list[str]
    confidence: float
    corrected: bool

    def rank(self) -> tuple[int, int]:
        return gravity(self.priority, self.severity)

    def supported(self, rules: EventRules) -> bool:
        return self.corrected or self.confidence >= rules.min_confidence


def current_labels(session: Session, post_ids: list[int], critical_severities: list[str]) -> dict[int, PostLabel]:
    labels: dict[int, PostLabel] = {}
    if not post_ids:
        return labels
    for label in session.scalars(select(Label).where(Label.post_id.in_(post_ids)).order_by(Label.id)):
        labels[label.post_id] = PostLabel(
            label.category,
            label.priority,
            label.severity,
            label.handling,
            list(label.domains),
            list(label.regions),
            label.confidence,
            False,
        )
    corrections = select(LabelCorrection).where(LabelCorrection.post_id.in_(post_ids)).order_by(LabelCorrection.id)
    for fix in session.scalars(corrections):
        priority = priority_of(fix.category, fix.severity, critical_severities)
        labels[fix.post_id] = PostLabel(
            fix.category, priority, fix.severity, fix.handling, list(fix.domains), list(fix.regions), 1.0, True
        )
    return labels


def most_specific(regions: list[str]) -> list[str]:
    """Drop a region when a more specific one inside it is also named (毕节市 beside 纳雍县)."""
    unique = list(dict.fromkeys(adcodes.normalise(r) for r in regions))
    return [r for r in unique if not any(adcodes.is_below(other, r) for other in unique)]


def regions_agree(post_regions: list[str], event_regions: list[str]) -> bool:
    """Places agree when either side names none, or one place contains or equals another."""
    if not post_regions or not event_regions:
        return True
    return any(
        p == e or adcodes.is_below(p, e) or adcodes.is_below(e, p)
        for p in map(adcodes.normalise, post_regions)
        for e in map(adcodes.normalise, event_regions)
    )


def similarity(terms: Counter[str], event_terms: dict[str, float]) -> float:
    """The share of the post's distinct key terms that the event already holds."""
    if not terms:
        return 0.0
    return sum(1 for term in terms if term in event_terms) / len(terms)


@dataclass
class GroupingResult:
    grouped: int = 0
    created: list[int] | None = None
    touched: set[int] | None = None


def post_time(post: Post) -> datetime:
    return post.published_at or post.fetched_at


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


class EventGrouper:
    def __init__(self, session: Session, rules: EventRules, critical_severities: list[str]) -> None:
        self.session = session
        self.rules = rules
        self.critical_severities = critical_severities

    def group(self, limit: int = 500) -> GroupingResult:
        """Group up to `limit` pending posts (a bound, so one run never holds the database for long)."""
        result = GroupingResult(created=[], touched=set())
        posts = pending_posts(self.session, limit)
        labels = current_labels(self.session, [p.id for p in posts], self.critical_severities)
        for post in posts:
            label = labels[post.id]
            terms = key_terms(f"{post.title} {post.text_simplified or post.text}")
            event = self._event_of_original(post) or self._best_match(post, label, terms)
            if event is None:
                event = self._create(post, label, terms)
                result.created.append(event.id)
            else:
                self._add(event, post, label, terms)
            result.touched.add(event.id)
            result.grouped += 1
        return result

    def _event_of_original(self, post: Post) -> Event | None:
        if post.duplicate_of_id is None:
            return None
        query = select(Event).join(EventPost, EventPost.event_id == Event.id)
        return self.session.scalar(query.where(EventPost.post_id == post.duplicate_of_id))

    def _best_match(self, post: Post, label: PostLabel, terms: Counter[str]) -> Event | None:
        since = post_time(post) - timedelta(hours=self.rules.window_hours)
        low = Event.priority == "low"
        query = (
            select(Event)
            .where(Event.last_post_at >= since, low if label.priority == "low" else ~low)
            .order_by(Event.last_post_at.desc())
            .limit(1000)
        )
        best, best_score = None, self.rules.min_similarity
        for event in self.session.scalars(query):
            if not regions_agree(label.regions, event.regions):
                continue
            score = similarity(terms, event.terms)
            if label.category == event.category or set(label.domains) & set(event.domains):
                score += self.rules.same_place_bonus if label.regions and event.regions else 0.0
            elif score < 2 * self.rules.min_similarity:
                continue  # another subject in the same place needs twice the wording in common
            if score >= best_score:
                best, best_score = event, score
        return best

    def _create(self, post: Post, label: PostLabel, terms: Counter[str]) -> Event:
        at = post_time(post)
        event = Event(
            title=(post.title or post.text[:60]).strip(),
            category=label.category,
            priority=label.priority,
            severity=label.severity,
            handling=label.handling,
            regions=most_specific(label.regions),
            domains=list(dict.fromkeys(label.domains)),
            terms={},
            t0=at,
            t0_from_first_seen=post.published_at is None,
            first_seen_at=post.fetched_at,
            last_post_at=at,
            post_count=0,
            reposts=0,
            comments=0,
            source_count=0,
            official_coverage=False,
        )
        self.session.add(event)
        self.session.flush()
        self._add(event, post, label, terms, new=True)
        return event

    def _add(self, event: Event, post: Post, label: PostLabel, terms: Counter[str], new: bool = False) -> None:
        self.session.add(EventPost(event_id=event.id, post_id=post.id))
        at = post_time(post)
        merged = Counter(event.terms) + terms
        event.terms = dict(merged.most_common(EVENT_TERMS_KEPT))
        event.post_count += post.spread
        event.reposts += post.reposts or 0
        event.comments += post.comments or 0
        event.last_post_at = max(event.last_post_at, at)
        event.first_seen_at = min(event.first_seen_at, post.fetched_at)
        self._update_t0(event, post)
        event.official_coverage = event.official_coverage or self._official(post)
        self.session.flush()
        event.source_count = self.session.scalar(
            select(func.count(func.distinct(Post.source_id)))
            .join(EventPost, EventPost.post_id == Post.id)
            .where(EventPost.event_id == event.id, Post.source_id.is_not(None))
        )
        if not new:
            self._merge_labels(event, post, label)

    @staticmethod
    def _update_t0(event: Event, post: Post) -> None:
        if post.published_at is not None:
            if event.t0_from_first_seen or post.published_at < event.t0:
                event.t0, event.t0_from_first_seen = post.published_at, False
        elif event.t0_from_first_seen and post.fetched_at < event.t0:
            event.t0 = post.fetched_at

    def _official(self, post: Post) -> bool:
        if post.media == "gov":
            return True
        names = [post.author or "", str(post.meta.get("ContentSource", "")), str(post.meta.get("SiteName", ""))]
        if post.source_id is not None:
            source = self.session.get(Source, post.source_id)
            names.append(source.name if source else "")
        return any(central in name for central in self.rules.central_media for name in names)

    def _merge_labels(self, event: Event, post: Post, label: PostLabel) -> None:
        event.regions = most_specific([*event.regions, *label.regions])
        event.domains = list(dict.fromkeys([*event.domains, *label.domains]))
        current = gravity(event.priority, event.severity)
        if not label.supported(self.rules) or label.rank() <= current:
            return
        self.session.add(
            EventUpgrade(
                event_id=event.id,
                post_id=post.id,
                from_severity=event.severity,
                to_severity=label.severity,
                from_priority=event.priority,
                to_priority=label.priority,
                at=post_time(post),
            )
        )
        event.category, event.severity, event.handling = label.category, label.severity, label.handling
        event.priority = label.priority
        event.domains = list(dict.fromkeys([*label.domains, *event.domains]))


def critical_since(session: Session, event: Event) -> datetime:
    """When the event first showed a critical level: t0 if it started critical, else its upgrading post's time."""
    upgrade_at = session.scalar(
        select(func.min(EventUpgrade.at)).where(
            and_(EventUpgrade.event_id == event.id, EventUpgrade.to_priority == "critical")
        )
    )
    return upgrade_at or event.t0
