"""What the case page shows beyond `CaseView`: the posts as a timeline with copies folded into their original,
the explanation of the labels (schemes, strongest n-grams, figures read), and the history in words.

The explanation is that of the representative post's latest model label (the post the alerts quote); a
person's correction of the case is in the history and the decisions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from yuqing.caseview import case_posts, representative_post
from yuqing.records import CasePost, HistoryEntry
from yuqing.settings import Settings
from yuqing.storage.models import Label
from yuqing.vocabulary import CASE_ACTION_TEXT, SYSTEM_ACTOR, SYSTEM_ACTOR_TEXT, case_number

FIGURE_TEXT = {  # the figures `classifier.figures.Figures` reads, as a person names them
    "deaths": "死亡",
    "missing": "失联",
    "injuries": "受伤",
    "serious_injuries": "重伤",
    "serious_at_most": "至多重伤",
    "loss_cny": "直接经济损失（元）",
    "magnitude": "震级",
}


@dataclass
class TimelineItem:
    post: CasePost
    copies: int  # posts linked to it as copies, folded into this line


@dataclass
class Explanation:
    category_text: str
    confidence: float
    schemes: list[str]
    ngrams: list[str]
    figures: list[tuple[str, str]]
    category_from_figures: bool


@dataclass
class HistoryLine:
    at: datetime
    who: str
    what: str
    note: str


@dataclass
class CasePage:
    timeline: list[TimelineItem]
    explanation: Explanation | None
    history: list[HistoryLine] = field(default_factory=list)


def timeline(posts: list[CasePost]) -> list[TimelineItem]:
    """Each original once, in publication order, with how many copies of it the case holds."""
    ids = {post.id: post for post in posts}

    def original(post: CasePost) -> int:
        seen = {post.id}
        while post.duplicate_of in ids and post.duplicate_of not in seen:
            post = ids[post.duplicate_of]
            seen.add(post.id)
        return post.id

    copies: dict[int, int] = {}
    for post in posts:
        root = original(post)
        if root != post.id:
            copies[root] = copies.get(root, 0) + 1
    return [TimelineItem(post, copies.get(post.id, 0)) for post in posts if original(post) == post.id]


def explanation(session: Session, settings: Settings, event_id: int) -> Explanation | None:
    post = representative_post(session, event_id)
    if post is None:
        return None
    label = session.scalar(
        select(Label).where(Label.post_id == post.id).order_by(Label.created_at.desc(), Label.id.desc()).limit(1)
    )
    if label is None:
        return None
    said = label.explanation
    category = said.get("model_category") or label.category
    names = settings.categories.categories
    return Explanation(
        category_text=names[category].name if category in names else category,
        confidence=label.confidence,
        schemes=list(said.get("schemes", [])),
        ngrams=list(said.get("features", [])),
        figures=[(FIGURE_TEXT.get(k, k), str(v)) for k, v in said.get("figures", {}).items()],
        category_from_figures=bool(said.get("category_from_figures")),
    )


def history_line(entry: HistoryEntry) -> HistoryLine:
    details = entry.details
    notes = []
    if details.get("reason"):
        notes.append(f"理由：{details['reason']}")
    if details.get("evidence_url"):
        notes.append(f"依据：{details['evidence_url']}")
    if isinstance(details.get("into"), int):
        notes.append(f"并入{case_number(details['into'])}")
    return HistoryLine(
        at=entry.at,
        who=SYSTEM_ACTOR_TEXT if entry.actor == SYSTEM_ACTOR else entry.actor,
        what=CASE_ACTION_TEXT.get(entry.action, entry.action),
        note="；".join(notes),
    )


def case_page(session: Session, settings: Settings, event_id: int, history: list[HistoryEntry]) -> CasePage:
    return CasePage(
        timeline=timeline(case_posts(session, event_id)),
        explanation=explanation(session, settings, event_id),
        history=[history_line(entry) for entry in history],
    )
