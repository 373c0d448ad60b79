"""Group labelled posts into events: one happening, one event, however many posts carry it.

A post joins an event when it copies a post already in it (the crawler's duplicate link), or when its words are
close enough to a recent event's (within the window) and their places agree. Words are Chinese character bigrams,
compared as TF-IDF vectors (cosine) whose weights fall with the share of recent events that use a word: the name of
the district every local matter mentions, or 情况通报, weighs little; 化工厂 or 单双号 weighs much. A post of another
category than the event's needs closer wording (`min_similarity_across_categories`): a complaint about an officer
and a policy notice of the same department are two matters. Place and domain never make a match: places only gate
it (they must agree). `low` (other) posts are grouped apart, so routine news and a film review never heat up a
real matter.

Candidates come from an inverted index of the recent events' terms (term → events), kept in memory for the whole
grouping run and updated as posts join, so the cost per post depends on the post's words, not on how many events
are open. An event merged into another by a person is followed: its later posts go to the event it was merged into.

An event's places are where it happens: each post's places count (with its copies), and a place named by only a
small share of the posts that name places (a routine mention of the provincial capital) is not the event's. Its
labels come from its gravest well-supported post (an analyst's correction, or a model label at or above
`min_confidence`); every rise is recorded as an upgrade with the post that caused it, whose time starts any new
clock. A category does not change on every graver post (see `category_may_change`): a refuted rumour stays a rumour
until an official channel says otherwise. Its title is the best headline seen: an official or news headline over
any other headline over the first words of a post.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from yuqing import adcodes
from yuqing.config_models import EventRules
from yuqing.storage.models import Event, EventPost, EventUpgrade, Label, LabelCorrection, Post, Source
from yuqing.vocabulary import Category, Media, Priority, gravity, priority_of

EVENT_TERMS_KEPT = 300
TITLE_CHARACTERS = 60
MIN_PLACE_SHARE = 0.34  # a place named by less than this share of the leading place's posts is not the event's
COMMON_TERM_EVENTS = 50  # a term held by more open events than this is a stop word at that scale: it is ignored
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Characters that make a bigram say nothing about the happening itself.
_FUNCTION_CHARS = set("的了是在和与及对为我你他她它们这那有也就将被把啊吗呢吧呀着过很还又")
_OFFICIAL_MEDIA = frozenset({Media.GOV})
_HEADLINE_MEDIA = frozenset({Media.GOV, Media.NEWS})


_LOG_PLUS_ONE = lru_cache(maxsize=65536)(math.log1p)  # log(1 + n) of counts, asked millions of times


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


@dataclass
class IndexedEvent:
    """What matching needs of an event, held in memory between batches of one run."""

    id: int
    terms: Counter[str]
    regions: list[str]
    category: str
    low: bool
    last_post_at: datetime
    norm: float = 0.0  # the length of its TF-IDF vector when it was last put in the index

    def __post_init__(self) -> None:
        self.frequency = {term: 1 + math.log(count) for term, count in self.terms.items()}  # sublinear TF

@dataclass
class TermIndex:
    """term → the recent events holding it; a term's weight falls with the share of events that use it."""

    events: dict[int, IndexedEvent] = field(default_factory=dict)
    postings: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    def put(self, entry: IndexedEvent) -> None:
        old = self.events.get(entry.id)
        if old is not None:
            for term in old.terms.keys() - entry.terms.keys():
                self.postings[term].discard(entry.id)
        self.events[entry.id] = entry
        for term in entry.terms:
            self.postings[term].add(entry.id)
        entry.norm = math.sqrt(sum((tf * self.weight(term)) ** 2 for term, tf in entry.frequency.items()))

    def weight(self, term: str) -> float:
        """Smoothed inverse event frequency, as scikit-learn's TfidfVectorizer computes it over documents."""
        return _LOG_PLUS_ONE(len(self.events)) - _LOG_PLUS_ONE(len(self.postings.get(term, ()))) + 1

    def similarities(self, terms: Counter[str]) -> dict[int, float]:
        """The cosine of the post's and each event's TF-IDF vectors, for the events sharing a term with the post,
        accumulated over the postings of the post's terms: the cost follows the post's words, not the number of
        open events, because a term held by more than `COMMON_TERM_EVENTS` events is left out as a stop word."""
        weights, vector = {}, {}
        for term, count in terms.items():
            if len(self.postings.get(term, ())) <= COMMON_TERM_EVENTS:
                weights[term] = self.weight(term)
                vector[term] = (1 + math.log(count)) * weights[term]
        norm = math.sqrt(sum(value * value for value in vector.values()))
        dots: dict[int, float] = defaultdict(float)
        events = self.events
        for term, value in vector.items():
            value *= weights[term]
            for event_id in self.postings.get(term, ()):
                dots[event_id] += value * events[event_id].frequency[term]
        return {
            event_id: dot / (norm * self.events[event_id].norm)
            for event_id, dot in dots.items()
            if norm and self.events[event_id].norm
        }


def _entry(event: Event) -> IndexedEvent:
    return IndexedEvent(
        id=event.id,
        terms=Counter(event.terms),
        regions=list(event.regions),
        category=event.category,
        low=event.priority == Priority.LOW,
        last_post_at=event.last_post_at,
    )


@dataclass
class GroupingResult:
    grouped: int = 0
    created: list[int] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)


class EventGrouper:
    """Groups pending posts batch by batch; keep one for a whole run, so its term index is built once."""

    def __init__(self, rules: EventRules, critical_severities: list[str]) -> None:
        self.rules = rules
        self.critical_severities = critical_severities
        self.index: TermIndex | None = None
        self._sources: dict[int, str] = {}

    def group(self, session: Session, limit: int = 500) -> GroupingResult:
        """Group up to `limit` pending posts (a bound, so one run never holds the database for long)."""
        result = GroupingResult()
        posts = pending_posts(session, limit)
        if not posts:
            return result
        labels = current_labels(session, [p.id for p in posts], self.critical_severities)
        index = self._index(session, min(post_time(p) for p in posts))
        self._sources = dict(session.execute(select(Source.id, Source.name)).all())
        of_original = self._events_of_originals(session, posts)
        touched: dict[int, Event] = {}
        with session.no_autoflush:  # one flush at the end of the batch, not one before every look-up
            for post in posts:
                self._place(session, index, post, labels[post.id], of_original, touched, result)
        self._count_sources(session, touched)
        return result

    def _place(
        self,
        session: Session,
        index: TermIndex,
        post: Post,
        label: PostLabel,
        of_original: dict[int, int],
        touched: dict[int, Event],
        result: GroupingResult,
    ) -> None:
        """Put one post into its event: its original's, the closest recent one, or a new one."""
        terms = key_terms(f"{post.title} {post.text_simplified or post.text}")
        event_id = of_original.get(post.duplicate_of_id) if post.duplicate_of_id else None
        if event_id is None:
            event_id = self._best_match(index, post, label, terms)
        if event_id is None:
            event = self._create(session, post, label)
            result.created.append(event.id)
        else:
            event = touched.get(event_id) or self._followed(session, event_id)
        self._add(session, event, post, label, terms, new=event_id is None)
        index.put(_entry(event))
        of_original[post.id] = event.id
        touched[event.id] = event
        result.touched.add(event.id)
        result.grouped += 1

    # --- finding the event ------------------------------------------------------------------------------------

    def _index(self, session: Session, earliest: datetime) -> TermIndex:
        """The recent events' terms; built at the first batch, kept up to date as posts join."""
        if self.index is None:
            self.index = TermIndex()
            since = earliest - timedelta(hours=self.rules.window_hours)
            query = select(Event).where(Event.last_post_at >= since, Event.merged_into_id.is_(None))
            for event in session.scalars(query):
                self.index.put(_entry(event))
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
        for event_id, score in index.similarities(terms).items():
            entry = index.events[event_id]
            needed = self.rules.min_similarity
            if label.category != entry.category:
                needed = self.rules.min_similarity_across_categories
            if score < needed or score <= best or entry.low != low or entry.last_post_at < since:
                continue
            if regions_agree(label.regions, entry.regions):
                best, chosen = score, event_id
        return chosen

    # --- building the event -----------------------------------------------------------------------------------

    def _create(self, session: Session, post: Post, label: PostLabel) -> Event:
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
        session.flush()
        return event

    def _add(
        self, session: Session, event: Event, post: Post, label: PostLabel, terms: Counter[str], new: bool
    ) -> None:
        session.add(EventPost(event_id=event.id, post_id=post.id))
        merged = Counter(event.terms) + terms
        event.terms = dict(merged.most_common(EVENT_TERMS_KEPT))
        event.post_count += post.spread
        event.reposts += post.reposts or 0
        event.comments += post.comments or 0
        event.last_post_at = max(event.last_post_at, post_time(post))
        event.first_seen_at = min(event.first_seen_at, post.fetched_at)
        self._update_t0(event, post)
        official = self._official(post)
        event.official_coverage = event.official_coverage or official
        weights = dict(event.region_weights)
        for place in most_specific(label.regions):
            weights[place] = weights.get(place, 0) + post.spread
        event.region_weights = weights
        event.regions = weighted_places(weights)
        event.domains = list(dict.fromkeys([*event.domains, *label.domains]))
        if _headline_rank(post) > event.title_rank:
            event.title, event.title_rank = _headline(post), _headline_rank(post)
        if label.supported(self.rules):
            event.deaths = _highest(event.deaths, label.deaths)
            event.injuries = _highest(event.injuries, label.injuries)
        if not new:
            self._merge_labels(session, event, post, label, official)

    @staticmethod
    def _update_t0(event: Event, post: Post) -> None:
        if post.published_at is not None:
            if event.t0_from_first_seen or post.published_at < event.t0:
                event.t0, event.t0_from_first_seen = post.published_at, False
        elif event.t0_from_first_seen and post.fetched_at < event.t0:
            event.t0 = post.fetched_at

    def _official(self, post: Post) -> bool:
        """An official channel (a government site) or central media carried the post."""
        if post.media in _OFFICIAL_MEDIA:
            return True
        names = [post.author or "", str(post.meta.get("ContentSource", "")), str(post.meta.get("SiteName", ""))]
        if post.source_id is not None:
            names.append(self._sources.get(post.source_id, ""))
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
        event.category, event.severity, event.handling = label.category, label.severity, label.handling
        event.priority = label.priority
        event.domains = list(dict.fromkeys([*label.domains, *event.domains]))

    @staticmethod
    def _count_sources(session: Session, events: dict[int, Event]) -> None:
        """Distinct sources per touched event, in one query for the batch."""
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
