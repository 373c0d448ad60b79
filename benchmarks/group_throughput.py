"""Posts per second for grouping a burst of labelled posts into events, against storing the same posts.

    .venv/bin/python benchmarks/group_throughput.py [--posts 10000] [--open-events 0 5000]

A burst of `--posts` labelled posts (the corpus texts with their labels, spread over a minute, in the home city's
counties) is stored, then grouped the way the `respond` job groups them: one grouper for the run, batches of 500,
each batch a transaction, until none is left. The baseline is storing those posts and their labels (two bulk
inserts), in the same script, since this shared machine's speed drifts. The run is repeated with events already
open in the window (`--open-events`, each with its own words), to show that a post's cost depends on its words,
not on how many events are open.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from hashlib import sha256

from sqlalchemy import Engine, insert

from responder.grouping import EventGrouper
from yuqing.settings import load_settings
from yuqing.storage.database import make_engine, session_factory, transaction, upgrade
from yuqing.storage.models import Event, Label, Post

BATCH = 500
COUNTIES = ["331102", "331121", "331122", "331123", "331124", "331125", "331126", "331127", "331181"]
START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def corpus() -> list[dict]:
    settings = load_settings()
    posts = []
    for path in sorted(settings.corpus_dir.glob("*.jsonl")):
        posts += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return posts


def store(engine: Engine, examples: list[dict], count: int, seed: int) -> float:
    """Store `count` labelled posts in two bulk inserts; returns the seconds it took."""
    rng = random.Random(seed)
    rows, labels = [], []
    for number in range(count):
        example = examples[number % len(examples)]
        text = f"{example['text']}（{number}）"
        rows.append(
            {
                "id": number + 1,
                "media": "weibo",
                "title": example.get("title") or "",
                "raw_text": text,
                "text": text,
                "text_simplified": text,
                "published_at": START + timedelta(seconds=60 * number / count),
                "fetched_at": START + timedelta(minutes=1),
                "content_hash": sha256(text.encode()).hexdigest(),
                "spread": 1,
                "meta": {},
            }
        )
        category = example["category"]
        labels.append(
            {
                "post_id": number + 1,
                "model_version": "benchmark",
                "category": category,
                "priority": "low" if category == "other" else "high",
                "severity": example.get("severity"),
                "handling": example.get("handling"),
                "domains": example.get("domains") or [],
                "regions": [rng.choice(COUNTIES)],
                "deaths": None,
                "injuries": None,
                "confidence": 0.9,
                "explanation": {},
            }
        )
    started = time.perf_counter()
    with transaction(session_factory(engine)) as session:
        session.execute(insert(Post), rows)
        session.execute(insert(Label), labels)
    return time.perf_counter() - started


def open_events(engine: Engine, count: int, seed: int) -> None:
    """Events already open in the window, each with words of its own, so none of them matches the burst."""
    rng = random.Random(seed)
    alphabet = [chr(code) for code in range(0x4E00, 0x4E00 + 3000)]
    rows = []
    for number in range(count):
        terms = {rng.choice(alphabet) + rng.choice(alphabet): 1 for _ in range(60)}
        rows.append(
            {
                "title": f"既有事件{number}",
                "category": "public_interest",
                "priority": "high",
                "regions": [rng.choice(COUNTIES)],
                "region_weights": {},
                "domains": [],
                "terms": terms,
                "t0": START - timedelta(hours=1),
                "t0_from_first_seen": False,
                "first_seen_at": START - timedelta(hours=1),
                "last_post_at": START - timedelta(minutes=30),
                "post_count": 1,
                "reposts": 0,
                "comments": 0,
                "source_count": 0,
                "official_coverage": False,
                "title_rank": 0,
            }
        )
    if rows:
        with transaction(session_factory(engine)) as session:
            session.execute(insert(Event), rows)


def group(engine: Engine) -> tuple[int, float]:
    settings = load_settings()
    grouper = EventGrouper(settings.responder.events, settings.categories.critical_severities)
    factory, grouped = session_factory(engine), 0
    started = time.perf_counter()
    while True:
        with transaction(factory) as session:
            done = grouper.group(session, BATCH).grouped
        grouped += done
        if done < BATCH:
            return grouped, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--open-events", type=int, nargs="+", default=[0, 5_000])
    arguments = parser.parse_args()
    examples = corpus()
    for already_open in arguments.open_events:
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite:///{folder}/benchmark.db")
            upgrade(engine)
            open_events(engine, already_open, seed=1)
            stored = store(engine, examples, arguments.posts, seed=2)
            grouped, seconds = group(engine)
            engine.dispose()
        rate, baseline = grouped / seconds, arguments.posts / stored
        print(
            f"{already_open:5} events open: grouped {grouped} posts in {seconds:.1f} s = {rate:,.0f} posts/s; "
            f"storing them: {baseline:,.0f} posts/s; ratio {rate / baseline:.3f}"
        )


if __name__ == "__main__":
    main()
