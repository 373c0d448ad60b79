"""Classify many posts: in batches (jieba and the models are cheaper per post in bulk), on several processes
when asked, always returning results in input order."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

from classifier.labeller import Classifier
from yuqing.records import PostIn, PostLabels
from yuqing.settings import Settings

BATCH = 1000
_worker: Classifier | None = None


def _start_worker(settings: Settings) -> None:
    global _worker
    _worker = Classifier.load(settings)


def _label_in_worker(posts: list[PostIn]) -> list[PostLabels]:
    assert _worker is not None, "worker not started"
    return [r.labels for r in _worker.label(posts, explain=False)]


def classify_all(posts: Sequence[PostIn], settings: Settings, workers: int = 1) -> Iterator[PostLabels]:
    batches = [list(posts[i : i + BATCH]) for i in range(0, len(posts), BATCH)]
    if workers <= 1 or len(batches) <= 1:
        classifier = Classifier.load(settings)
        for batch in batches:
            yield from (r.labels for r in classifier.label(batch, explain=False))
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(settings,)) as pool:
        for outputs in pool.map(_label_in_worker, batches):
            yield from outputs
