"""Posts per second for `classify` against jieba tokenising the same texts alone, in one run.

    .venv/bin/python benchmarks/classify_throughput.py [--posts 20000] [--workers 2]

The posts are the corpus texts cut to about 100 characters and repeated to the requested count. jieba alone is
the baseline because it dominates the cost; the ratio, not the absolute rate, is what this machine can vouch for.
"""

from __future__ import annotations

import argparse
import logging
import time

import jieba

from classifier.batch import classify_all
from classifier.corpus import read_corpus
from classifier.labeller import model_path
from classifier.training import CORPUS
from yuqing.records import PostIn
from yuqing.settings import load_settings


def posts(count: int) -> list[PostIn]:
    texts = [e.text.replace("\n", " ")[:100] for e in read_corpus(CORPUS)]
    return [PostIn(id=str(i), text=texts[i % len(texts)]) for i in range(count)]


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds else float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args()
    jieba.setLogLevel(logging.WARNING)
    sample, settings = posts(arguments.posts), load_settings()

    jieba.initialize()
    started = time.perf_counter()
    for post in sample:
        jieba.lcut(post.text)
    baseline = rate(len(sample), time.perf_counter() - started)

    list(classify_all(sample[:1000], settings, model_path()))  # load the model and jieba once, outside the timing
    started = time.perf_counter()
    labelled = list(classify_all(sample, settings, model_path()))
    single = rate(len(labelled), time.perf_counter() - started)

    started = time.perf_counter()
    labelled = list(classify_all(sample, settings, model_path(), workers=arguments.workers))
    parallel = rate(len(labelled), time.perf_counter() - started)

    print(f"posts: {len(sample)} of about 100 characters")
    print(f"jieba alone, 1 process:    {baseline:8.0f} posts/s")
    print(f"classify, 1 process:       {single:8.0f} posts/s  ({single / baseline:.0%} of jieba)")
    print(
        f"classify, {arguments.workers} workers:       {parallel:8.0f} posts/s  ({parallel / single:.2f}x one process,"
        " including worker start-up)"
    )


if __name__ == "__main__":
    main()
