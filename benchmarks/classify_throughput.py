"""Posts per second for `classify` against jieba tokenising the same texts alone, in one run.

    .venv/bin/python benchmarks/classify_throughput.py [--posts 20000] [--workers 2] [--rounds 3]

The posts are the corpus texts cut to about 100 characters and repeated to the requested count. The baseline is
`jieba.lcut` (its default mode) on the same texts; the ratio, not the absolute rate, is what this machine can
vouch for. Each round times jieba and then classify back to back and the median ratio is reported, because the
machine is shared and its speed drifts within a minute. The project's segmenter (jieba's words, computed faster)
is timed alone too, so the reader sees what the rest of classifying costs.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Callable

import jieba

from classifier.batch import classify_all
from classifier.corpus import read_corpus
from classifier.tokens import segmenter
from yuqing.records import PostIn
from yuqing.settings import load_settings

SETTINGS = load_settings()
CORPUS, DICTIONARY = SETTINGS.corpus_dir, SETTINGS.dictionary_file


def posts(count: int) -> list[PostIn]:
    texts = [e.text.replace("\n", " ")[:100] for e in read_corpus(CORPUS)]
    return [PostIn(id=str(i), text=texts[i % len(texts)]) for i in range(count)]


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds else float("inf")


def timed(run: Callable[[], object], count: int) -> float:
    started = time.perf_counter()
    run()
    return rate(count, time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    jieba.setLogLevel(logging.WARNING)
    sample, settings = posts(arguments.posts), load_settings()

    jieba.initialize()
    cut = segmenter(DICTIONARY).cut
    list(classify_all(sample[:1000], settings))  # load the model and the dictionary outside the timing
    rounds = []
    for _ in range(arguments.rounds):
        baseline = timed(lambda: [jieba.lcut(post.text) for post in sample], len(sample))
        segmented = timed(lambda: [cut(post.text) for post in sample], len(sample))
        single = timed(lambda: list(classify_all(sample, settings)), len(sample))
        rounds.append((single / baseline, baseline, segmented, single))
    ratio, baseline, segmented, single = sorted(rounds)[len(rounds) // 2]
    parallel = timed(lambda: list(classify_all(sample, settings, workers=arguments.workers)), len(sample))

    print(f"posts: {len(sample)} of about 100 characters")
    print(f"rounds: {len(rounds)}, ratios {', '.join(f'{r[0]:.2f}' for r in rounds)}; the median round:")
    print(f"jieba.lcut alone:          {baseline:8.0f} posts/s")
    print(f"project segmenter alone:   {segmented:8.0f} posts/s  ({segmented / baseline:.0%} of jieba)")
    print(f"classify, 1 process:       {single:8.0f} posts/s  ({ratio:.0%} of jieba)")
    print(
        f"classify, {arguments.workers} workers:       {parallel:8.0f} posts/s  ({parallel / single:.2f}x one process,"
        " including worker start-up)"
    )


if __name__ == "__main__":
    main()
