"""How close a post's words are to recent events': character bigrams, weighed as TF-IDF, found through an index.

Words are Chinese character bigrams (robust to wording and needing no segmenter), without those made of function
words. A term's weight falls with the share of recent events that use it: the name of the district every local
matter mentions, or 情况通报, weighs little; 化工厂 or 单双号 weighs much. Closeness is the cosine of the two
TF-IDF vectors, with sublinear term frequency, as scikit-learn's `TfidfVectorizer` computes it over documents.

Candidates come from an inverted index (term → the events holding it), kept in memory for a grouping run and
updated as posts join, so the cost of a post follows its own words, not the number of open events: a term held by
more than `COMMON_TERM_EVENTS` events is a stop word at that scale and is left out. An event's vector length is
computed when its words change, with the weights of that moment; weights drift slowly as events open, and scores
within a run compare events against each other, not against old runs.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from itertools import pairwise

from yuqing.place_names import place_names

COMMON_TERM_EVENTS = 30  # a term held by more open events than this is a stop word at that scale: it is ignored
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Characters that make a bigram say nothing about the happening itself.
_FUNCTION_CHARS = frozenset("的了是在和与及对为我你他她它们这那有也就将被把啊吗呢吧呀着过很还又")
_LOG_PLUS_ONE = lru_cache(maxsize=65536)(math.log1p)  # log(1 + n) of counts, asked millions of times
_SUBLINEAR = lru_cache(maxsize=4096)(lambda count: 1 + math.log(count))


def without_places(terms: Counter[str], text: str, places: Iterable[str]) -> Counter[str]:
    """The terms without those of the names the text writes for its places (`place_names`): places gate a match
    and may support one, but a district's name shared by two matters there is no shared wording."""
    written = [name for code in places for name in place_names(code) if name in text]
    if not written:
        return terms
    dropped = {first + second for name in written for first, second in pairwise(name)}
    return Counter({term: count for term, count in terms.items() if term not in dropped})


def key_terms(text: str) -> Counter[str]:
    """Chinese character bigrams, without those made of function words."""
    function = _FUNCTION_CHARS
    return Counter(
        first + second
        for run in _CJK_RUN.findall(text)
        for first, second in pairwise(run)
        if first not in function and second not in function
    )


@dataclass
class IndexedEvent:
    """What matching needs of an event: its words (sublinear frequencies) and what gates a match."""

    frequency: dict[str, float]
    regions: list[str]
    category: str
    low: bool  # grouped apart: routine news never heats up a real matter
    last_post_at: datetime
    norm: float = 0.0  # the length of its TF-IDF vector when its words last changed


@dataclass
class TermIndex:
    """term → the recent events holding it, with the term's sublinear frequency in each; events are keyed by their
    id (or by a provisional key before an event is stored)."""

    events: dict[int, IndexedEvent] = field(default_factory=dict)
    postings: dict[str, dict[int, float]] = field(default_factory=lambda: defaultdict(dict))

    def put(
        self, key: int, terms: dict[str, int], regions: list[str], category: str, low: bool, last_post_at: datetime
    ) -> None:
        """Index an event's words and gates, replacing what was indexed under `key`."""
        postings = self.postings
        old = self.events.get(key)
        if old is not None:
            for term in old.frequency.keys() - terms.keys():
                self._unpost(term, key)
        frequency = {term: _SUBLINEAR(count) for term, count in terms.items()}
        for term, tf in frequency.items():
            postings[term][key] = tf
        entry = IndexedEvent(frequency, regions, category, low, last_post_at)
        self.events[key] = entry
        base = _LOG_PLUS_ONE(len(self.events)) + 1
        entry.norm = math.sqrt(
            sum((tf * (base - _LOG_PLUS_ONE(len(postings[term])))) ** 2 for term, tf in frequency.items())
        )

    def rename(self, old: int, new: int) -> None:
        """An event indexed under a provisional key was stored and has its id."""
        entry = self.events.pop(old)
        self.events[new] = entry
        for term in entry.frequency:
            holders = self.postings[term]
            holders[new] = holders.pop(old)

    def forget_before(self, since: datetime) -> None:
        """Drop events whose last post is older than `since`: they are out of every later post's window."""
        for key in [key for key, entry in self.events.items() if entry.last_post_at < since]:
            for term in self.events.pop(key).frequency:
                self._unpost(term, key)

    def _unpost(self, term: str, key: int) -> None:
        holders = self.postings[term]
        holders.pop(key, None)
        if not holders:
            del self.postings[term]

    def similarities(self, terms: Counter[str], floor: float) -> dict[int, float]:
        """The cosine of the post's and each event's TF-IDF vectors, for the events sharing a term with the post
        whose cosine reaches `floor`, accumulated over the postings of the post's terms."""
        base = _LOG_PLUS_ONE(len(self.events)) + 1
        postings, events = self.postings, self.events
        weighted: list[tuple[float, dict[int, float]]] = []
        squares = 0.0
        for term, count in terms.items():
            holders = postings.get(term)
            if holders is None:
                weight = base  # a term no event holds still lengthens the post's vector
            elif len(holders) > COMMON_TERM_EVENTS:
                continue
            else:
                weight = base - _LOG_PLUS_ONE(len(holders))
            value = _SUBLINEAR(count) * weight
            squares += value * value
            if holders:
                weighted.append((value * weight, holders))
        if not squares:
            return {}
        dots: dict[int, float] = defaultdict(float)
        for value, holders in weighted:
            for key, tf in holders.items():
                dots[key] += value * tf
        norm = math.sqrt(squares)
        scores = {}
        for key, dot in dots.items():
            length = events[key].norm
            if length and dot >= floor * norm * length:
                scores[key] = dot / (norm * length)
        return scores
