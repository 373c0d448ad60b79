"""Monitoring schemes applied to posts: which schemes a post hits, and what the hits do to its labels.

Every post is tested against every enabled scheme, so the work is arranged to be cheap: expressions are parsed
once, the title, the text and their join are each folded once per post, and a word is searched for at most once
per post and field choice however many schemes name it (schemes for one city share its list of place names).
Evaluation short-circuits, so `(places) AND (events)` stops after the places when none occurs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from yuqing.config_models import SchemesConfig
from yuqing.expressions import Expression, Haystack, parse
from yuqing.vocabulary import Priority


@dataclass(frozen=True)
class CompiledScheme:
    name: str
    expression: Expression
    fields: tuple[str, ...]  # ("title",), ("text",) or ("title", "text"), always in that order
    set_category: str | None
    raise_priority: str | None


@dataclass(frozen=True)
class SchemeHit:
    name: str
    set_category: str | None
    raise_priority: str | None


def compile_schemes(config: SchemesConfig) -> list[CompiledScheme]:
    """The enabled schemes, in file order (which `decide` relies on), with their expressions parsed."""
    return [
        CompiledScheme(
            name=scheme.name,
            expression=parse(scheme.expression),
            fields=tuple(field for field in ("title", "text") if field in scheme.fields),
            set_category=scheme.set_category,
            raise_priority=scheme.raise_priority,
        )
        for scheme in config.schemes
        if scheme.enabled
    ]


def apply_schemes(schemes: Sequence[CompiledScheme], title: str, text: str) -> list[SchemeHit]:
    """The schemes the post satisfies, in scheme order. Title and text must already be simplified characters.

    A scheme on both fields sees them joined by a line break, so `丽水 AND 爆炸` matches a post with the place in
    the title and the event in the body.
    """
    parts = {"title": title, "text": text}
    haystacks: dict[tuple[str, ...], Haystack] = {}
    hits = []
    for scheme in schemes:
        haystack = haystacks.get(scheme.fields)
        if haystack is None:
            haystack = haystacks[scheme.fields] = Haystack("\n".join(parts[field] for field in scheme.fields))
        if scheme.expression.matches(haystack):
            hits.append(SchemeHit(scheme.name, scheme.set_category, scheme.raise_priority))
    return hits


def decide(category: str, priority: str, hits: Sequence[SchemeHit]) -> tuple[str, str]:
    """The category and priority after the hits: the first hit that sets a category wins, so a specific scheme
    belongs above a general one in schemes.yaml; the priority becomes the highest of its own and every hit's
    `raise_priority` (low < high < critical), never lower than it was."""
    category = next((hit.set_category for hit in hits if hit.set_category), category)
    raised = [hit.raise_priority for hit in hits if hit.raise_priority]
    return category, max([priority, *raised], key=lambda p: Priority(p).rank)
