"""`yuqing train`: fit the models on the corpus's train and dev splits plus the analysts' corrections.

The test split is never trained on, so `yuqing evaluate --split test` measures posts the model has not seen.
Training is deterministic (fixed seeds, sorted inputs): the same corpus, corrections, libraries and model format
(`model.FORMAT`, raised whenever the features change) give the same model and the same version string, which
every stored label records.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from classifier.corpus import Example, analysis_text, read_corpus
from classifier.corpus import select as select_split
from classifier.model import Models, frame, library_versions
from classifier.tokens import segmenter
from yuqing.storage.models import LabelCorrection, Post


@dataclass(frozen=True)
class TrainingReport:
    path: Path
    version: str
    examples: int
    corrections: int


def corrections(session: Session) -> list[Example]:
    """The newest correction of each corrected post, as training examples."""
    latest: dict[int, tuple[LabelCorrection, Post]] = {}
    query = select(LabelCorrection, Post).join(Post, Post.id == LabelCorrection.post_id).order_by(LabelCorrection.id)
    for fix, post in session.execute(query):
        latest[post.id] = (fix, post)
    return [
        Example(
            id=f"post-{post.id}",
            title=post.title,
            text=analysis_text(post.title, post.text),
            category=fix.category,
            severity=fix.severity,
            handling=fix.handling,
            domains=tuple(fix.domains),
            regions=tuple(fix.regions),
            deaths=fix.deaths,
            injuries=fix.injuries,
        )
        for fix, post in latest.values()
    ]


def version(chosen: list[Example]) -> str:
    """The model's version: a digest of the examples and of the Python and libraries that fit them, so a model
    fitted under another Python (its version number included) has another version, and its labels are redone."""
    digest = hashlib.sha256(
        json.dumps(
            [library_versions(), [(e.id, e.text, e.category, e.handling, e.domains) for e in chosen]],
            ensure_ascii=False,
        ).encode()
    ).hexdigest()
    return f"clf-{digest[:12]}"


def fit(examples: list[Example], dictionary: Path, extra: list[Example] | None = None) -> Models:
    chosen = sorted([*examples, *(extra or [])], key=lambda e: e.id)
    meta = {"version": version(chosen), "versions": library_versions(), "examples": len(chosen)}
    texts = [e.text for e in chosen]
    return Models.fit(
        frame(texts, [segmenter(dictionary).cut(t) for t in texts]),
        [e.category for e in chosen],
        [e.handling if e.category != "other" else None for e in chosen],
        [e.domains if e.category != "other" else () for e in chosen],
        meta,
    )


def train(out: Path, corpus: Path, dictionary: Path, engine: Engine | None = None) -> TrainingReport:
    examples = select_split(read_corpus(corpus), "train", "dev")
    fixes: list[Example] = []
    if engine is not None:
        with Session(engine) as session:
            fixes = corrections(session)
    models = fit(examples, dictionary, fixes)
    models.save(out)
    return TrainingReport(out, models.meta["version"], len(examples), len(fixes))
