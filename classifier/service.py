"""The service's `classify` job: label the stored posts the current model has not labelled yet."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, sessionmaker

from classifier.labeller import Classifier
from yuqing.records import PostIn
from yuqing.storage.database import transaction
from yuqing.storage.models import Label, Post

BATCH = 1000
MAX_BATCHES = 20  # a bound per run; a larger backlog continues at the next run


def label_new_posts(factory: sessionmaker[Session], classifier: Classifier) -> str:
    labelled = 0
    for _ in range(MAX_BATCHES):
        with transaction(factory) as session:
            done = exists().where(Label.post_id == Post.id, Label.model_version == classifier.version)
            posts = list(session.scalars(select(Post).where(~done).order_by(Post.id).limit(BATCH)))
            results = classifier.label([PostIn(id=p.id, title=p.title, text=p.text) for p in posts])
            for post, result in zip(posts, results, strict=True):
                labels = result.labels
                session.add(
                    Label(
                        post_id=post.id,
                        model_version=result.model_version,
                        category=labels.category,
                        priority=labels.priority,
                        severity=labels.severity,
                        handling=labels.handling,
                        domains=labels.domains,
                        regions=labels.regions,
                        deaths=labels.casualties.deaths,
                        injuries=labels.casualties.injuries,
                        confidence=labels.confidence,
                        explanation=result.explanation,
                    )
                )
        labelled += len(posts)
        if len(posts) < BATCH:
            break
    return f"{labelled} posts labelled by {classifier.version}"
