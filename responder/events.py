"""An event: one happening, however many posts carry it, with the figures that decide its case.

`EventBuilder` adds a post to an event the way every path does it (the grouper, and a person moving posts):

- Its places are where it happens: each post's places count (with its copies), and a place named by only a small
  share of the posts that name places (a routine mention of the provincial capital) is not the event's.
- Its labels come from its gravest well-supported post (an analyst's correction, or a model label at or above
  `min_confidence`); every rise is recorded as an upgrade with the post that caused it, whose time starts any new
  clock. A category does not change on every graver post (see `category_may_change`): a refuted rumour stays a
  rumour until an official channel says otherwise.
- Its title is the best headline seen: an official or news headline over any other headline over the first words
  of a post. Its casualty figures are the highest its well-supported posts report; `t0` is the earliest
  publication time (or first-seen time, flagged).

Which event a post joins is the grouper's (`responder/grouping.py`); how close words are, `responder/matching.py`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from yuqing import adcodes
from yuqing.config_models import EventRules
from yuqing.storage.models import Event, EventPost, EventUpgrade, Label, LabelCorrection, Post, Source
from yuqing.vocabulary import Category, Media, Priority, gravity, priority_of

EVENT_TERMS_KEPT = 300
TITLE_CHARACTERS = 60
MIN_PLACE_SHARE = 0.34  # a place named by less than this share of the leading place's posts is not the event's
_OFFICIAL_MEDIA = frozenset({Media.GOV})
_HEADLINE_MEDIA = frozenset({Media.GOV, Media.NEWS})


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
    deaths: int | None = None
    injuries: int | None = None

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
            label.deaths,
            label.injuries,
        )
    corrections = select(LabelCorrection).where(LabelCorrection.post_id.in_(post_ids)).order_by(LabelCorrection.id)
    for fix in session.scalars(corrections):
        priority = priority_of(fix.category, fix.severity, critical_severities)
        labels[fix.post_id] = PostLabel(
            fix.category,
            priority,
            fix.severity,
            fix.handling,
            list(fix.domains),
            list(fix.regions),
            1.0,
            True,
            fix.deaths,
            fix.injuries,
        )
    return labels


def most_specific(regions: Iterable[str]) -> list[str]:
    """Drop a region when a more specific one inside it is also named (毕节市 beside 纳雍县)."""
    unique = list(dict.fromkeys(adcodes.normalise(r) for r in regions))
    return [r for r in unique if not any(adcodes.is_below(other, r) for other in unique)]


def weighted_places(weights: dict[str, float]) -> list[str]:
    """The places an event happens in: those its posts name often enough, the most specific of them."""
    if not weights:
        return []
    top = max(weights.values())
    leading = sorted((place for place, weight in weights.items() if weight >= MIN_PLACE_SHARE * top), key=str)
    return most_specific(sorted(leading, key=lambda place: -weights[place]))  # heaviest first, ties by code


def regions_agree(post_regions: list[str], event_regions: list[str]) -> bool:
    """Places agree when either side names none, or one place contains or equals another."""
    if not post_regions or not event_regions:
        return True
    return any(
        p == e or adcodes.is_below(p, e) or adcodes.is_below(e, p)
        for p in map(adcodes.normalise, post_regions)
        for e in map(adcodes.normalise, event_regions)
    )


def in_same_county(post_regions: list[str], event_regions: list[str]) -> bool:
    """Whether the post names a county (or a town, read as its county) that is one of the event's places."""
    counties = {adcodes.normalise(r) for r in post_regions if adcodes.level(r) == "county"}
    return not counties.isdisjoint(adcodes.normalise(r) for r in event_regions)


def category_may_change(current: str, proposed: str, official: bool, critical: bool) -> bool:
    """Whether a post's graver labels may change an event's category without a person deciding.

    - A rumour stays a rumour: repeating it, even with casualty claims, does not make it an emergency; only an
      official channel's post (a confirmation) may change it.
    - An official channel's post labelled a rumour (a refutation) makes a matter a rumour, unless the matter is a
      critical emergency: a real disaster is not dismissed automatically over one denied detail.
    - Otherwise a graver post may change the category (a complaint about a collapse turns out to have victims).
    """
    if current == proposed:
        return True
    if current == Category.RUMOR:
        return official
    if proposed == Category.RUMOR:
        return official and not critical
    return True


def post_time(post: Post) -> datetime:
    return post.published_at or post.fetched_at


class EventBuilder:
    """Adds posts to events and keeps their figures; the same for the grouper and for posts a person moves.
    Membership (the `event_posts` row) is the caller's, so a grouping run can write a batch's rows at once."""

    def __init__(self, rules: EventRules, sources: dict[int, str]) -> None:
        self.rules = rules
        self.sources = sources  # source id → name, for telling official channels

    @classmethod
    def loaded(cls, session: Session, rules: EventRules) -> EventBuilder:
        """A builder with the source names as stored now."""
        return cls(rules, dict(session.execute(select(Source.id, Source.name)).all()))

    def create(self, session: Session, post: Post, label: PostLabel) -> Event:
        """A new event started by the post, not flushed yet: the caller adds the post with `add(…, new=True)`."""
        at = post_time(post)
        event = Event(
            title=_headline(post),
            title_rank=_headline_rank(post),
            category=label.category,
            priority=label.priority,
            severity=label.severity,
            handling=label.handling,
            regions=most_specific(label.regions),
            region_weights={},
            domains=list(dict.fromkeys(label.domains)),
            domain_weights={},
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
        session.add(event)
        return event

    def add(self, session: Session, event: Event, post: Post, label: PostLabel, terms: Counter[str], new: bool) -> None:
        """The post's words, heat, places, headline and figures join the event's; unless the post started the event
        (`new`), its labels may raise the event's."""
        merged = Counter(event.terms)
        merged.update(terms)
        event.terms = dict(merged.most_common(EVENT_TERMS_KEPT)) if len(merged) > EVENT_TERMS_KEPT else dict(merged)
        event.post_count += post.spread
        event.reposts += post.reposts or 0
        event.comments += post.comments or 0
        event.last_post_at = max(event.last_post_at, post_time(post))
        event.first_seen_at = min(event.first_seen_at, post.fetched_at)
        self._update_t0(event, post)
        official = self.official(post)
        event.official_coverage = event.official_coverage or official
        weights = dict(event.region_weights)
        for place in most_specific(label.regions):
            weights[place] = weights.get(place, 0) + post.spread
        event.region_weights = weights
        event.regions = weighted_places(weights)
        if _headline_rank(post) > event.title_rank:
            event.title, event.title_rank = _headline(post), _headline_rank(post)
        if label.supported(self.rules):
            event.deaths = _highest(event.deaths, label.deaths)
            event.injuries = _highest(event.injuries, label.injuries)
        if not new:
            self._merge_labels(session, event, post, label, official)
        self._weigh_domains(event, post, label)

    def _weigh_domains(self, event: Event, post: Post, label: PostLabel) -> None:
        """The event's domains, most central first: the domain that most of its well-supported posts of its
        category name first leads (so the department the posts carrying the event point to answers, not the
        first post's guess); ties, and domains only named further down, keep the order they were first named in."""
        weights = dict(event.domain_weights)
        if label.domains and label.supported(self.rules) and label.category == event.category:
            weights[label.domains[0]] = weights.get(label.domains[0], 0) + post.spread
            event.domain_weights = weights
        named = list(dict.fromkeys([*event.domains, *label.domains]))
        event.domains = sorted(named, key=lambda domain: -weights.get(domain, 0))

    @staticmethod
    def _update_t0(event: Event, post: Post) -> None:
        if post.published_at is not None:
            if event.t0_from_first_seen or post.published_at < event.t0:
                event.t0, event.t0_from_first_seen = post.published_at, False
        elif event.t0_from_first_seen and post.fetched_at < event.t0:
            event.t0 = post.fetched_at

    def official(self, post: Post) -> bool:
        """An official channel (a government site) or central media carried the post."""
        if post.media in _OFFICIAL_MEDIA:
            return True
        names = [post.author or "", str(post.meta.get("ContentSource", "")), str(post.meta.get("SiteName", ""))]
        if post.source_id is not None:
            names.append(self.sources.get(post.source_id, ""))
        return any(central in name for central in self.rules.central_media for name in names)

    def _merge_labels(self, session: Session, event: Event, post: Post, label: PostLabel, official: bool) -> None:
        if not label.supported(self.rules):
            return
        critical = event.priority == Priority.CRITICAL
        if not category_may_change(event.category, label.category, official, critical):
            return
        refutes = label.category == Category.RUMOR and event.category != Category.RUMOR
        if not refutes and label.rank() <= gravity(event.priority, event.severity):
            return
        if event.id is None:
            session.flush()  # an event started in this batch gets its id for the upgrade row
        session.add(
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
        if label.category != event.category:
            event.domain_weights = {}  # posts of the category it leaves no longer say who answers
        event.category, event.severity, event.handling = label.category, label.severity, label.handling
        event.priority = label.priority
        event.domains = list(dict.fromkeys([*label.domains, *event.domains]))

    @staticmethod
    def count_sources(session: Session, events: dict[int, Event]) -> None:
        """Distinct sources per event (by id), in one query for a batch; the events' posts must be flushed."""
        if not events:
            return
        session.flush()
        counts = session.execute(
            select(EventPost.event_id, func.count(func.distinct(Post.source_id)))
            .join(Post, Post.id == EventPost.post_id)
            .where(EventPost.event_id.in_(events), Post.source_id.is_not(None))
            .group_by(EventPost.event_id)
        )
        found = dict(counts.all())
        for event_id, event in events.items():
            event.source_count = found.get(event_id, 0)


def _headline(post: Post) -> str:
    return (post.title or post.text[:TITLE_CHARACTERS]).strip()


def _headline_rank(post: Post) -> int:
    """2 a news or official headline, 1 any other headline, 0 the first words of a post without one."""
    if not post.title:
        return 0
    return 2 if post.media in _HEADLINE_MEDIA else 1


def _highest(current: int | None, figure: int | None) -> int | None:
    if figure is None:
        return current
    return figure if current is None else max(current, figure)


def critical_since(session: Session, event: Event) -> datetime:
    """When the event first showed a critical level: t0 if it started critical, else its upgrading post's time."""
    upgrade_at = session.scalar(
        select(func.min(EventUpgrade.at)).where(
            and_(EventUpgrade.event_id == event.id, EventUpgrade.to_priority == Priority.CRITICAL)
        )
    )
    return upgrade_at or event.t0
