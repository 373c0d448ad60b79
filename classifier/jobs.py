"""The classifier's service job: label the stored posts the current model has not labelled yet."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from classifier.labeller import Classifier
from classifier.service import label_new_posts
from yuqing.jobs import Job, configured
from yuqing.settings import Settings
from yuqing.storage.database import session_factory


def _classify(settings: Settings, engine: Engine) -> Callable[[], str]:
    """The model is loaded at the first run, so a missing model is a failed run on /healthz, not a dead service."""
    factory = session_factory(engine)
    loaded: list[Classifier] = []

    def run() -> str:
        if not loaded:
            loaded.append(Classifier.load(settings))
        return label_new_posts(factory, loaded[0])

    return run


def jobs(settings: Settings, engine: Engine) -> list[Job]:
    return configured(settings, "classify", lambda: _classify(settings, engine))
