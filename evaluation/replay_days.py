"""Replay the evaluation days through the pipeline and score how well events match the true matters.

Each day (data/evaluation/days/*.jsonl, written apart from the code) is stored the way the crawler stores it
(normalised, copies linked by the crawler's own writer, in the order the posts were found, hour by hour), labelled
by the trained classifier, and grouped by the responder after each hour, as the service would do it. The events
are then compared with the `matter` each post belongs to:

- B-cubed precision and recall over posts (Bagga & Baldwin): for each post, the share of its event that is of its
  matter, and the share of its matter that is in its event, averaged over posts.
- Pairwise precision and recall: of the pairs of posts put together, how many are of one matter; of the pairs of
  one matter, how many were put together.

    .venv/bin/python evaluation/replay_days.py [--day mianyang] [--show] [--true-labels]

`--show` prints each day's events with their posts' matters, to see what went wrong where. `--true-labels` labels
each post with the day's own labels instead of the classifier's: what grouping alone makes of the day, so a
shortfall can be put down to the labels or to the grouping.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations
from pathlib import Path

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, sessionmaker

from classifier.labeller import Classifier
from classifier.service import label_new_posts
from crawler.pipelines import PostWriter
from crawler.records import CollectedPost
from responder.grouping import EventGrouper
from yuqing.settings import SHIPPED_DATA, load_settings
from yuqing.storage.database import make_engine, session_factory, transaction, upgrade
from yuqing.storage.models import EventPost, Label, Post, Source
from yuqing.vocabulary import priority_of

DAYS = SHIPPED_DATA / "evaluation" / "days"


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def b_cubed(truth: dict[str, str], found: dict[str, int]) -> Scores:
    by_event, by_matter = defaultdict(set), defaultdict(set)
    for post, event in found.items():
        by_event[event].add(post)
    for post, matter in truth.items():
        by_matter[matter].add(post)
    precision = recall = 0.0
    for post in found:
        event, matter = by_event[found[post]], by_matter[truth[post]]
        both = len(event & matter)
        precision += both / len(event)
        recall += both / len(matter)
    return Scores(precision / len(found), recall / len(found))


def pairwise(truth: dict[str, str], found: dict[str, int]) -> Scores:
    together = {pair for pair in combinations(sorted(found), 2) if found[pair[0]] == found[pair[1]]}
    same = {pair for pair in combinations(sorted(truth), 2) if truth[pair[0]] == truth[pair[1]]}
    right = len(together & same)
    return Scores(right / len(together) if together else 1.0, right / len(same) if same else 1.0)


def label_as_written(factory: sessionmaker[Session], lines: dict[str, dict], critical: list[str]) -> None:
    """Label the stored posts that have no label yet with the day's own labels (by their address)."""
    with transaction(factory) as session:
        for post in session.scalars(select(Post).where(~exists().where(Label.post_id == Post.id))):
            line = lines[post.url]
            session.add(
                Label(
                    post_id=post.id,
                    model_version="day-as-written",
                    category=line["category"],
                    priority=priority_of(line["category"], line["severity"], critical),
                    severity=line["severity"],
                    handling=line["handling"],
                    domains=line["domains"],
                    regions=line["regions"],
                    deaths=line["deaths"],
                    injuries=line["injuries"],
                    confidence=1.0,
                )
            )


def replay(day: Path, classifier: Classifier, true_labels: bool = False) -> tuple[dict[str, str], dict[str, int]]:
    """The day's truth (post → matter) and what the pipeline made of it (post → event); with `true_labels`, the
    posts carry the day's own labels instead of the classifier's."""
    lines = [json.loads(line) for line in day.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/replay.db")
        upgrade(engine)
        factory = session_factory(engine)
        names = sorted({line["source_name"] for line in lines})
        with transaction(factory) as session:
            for name in names:
                media = next(line["source"] for line in lines if line["source_name"] == name)
                session.add(Source(name=name, type="json", media=media))
        with factory() as session:
            ids = dict(session.execute(select(Source.name, Source.id)).all())
        media = {line["source_name"]: line["source"] for line in lines}
        writer = PostWriter(factory, ids, media)
        grouper = EventGrouper(classifier.settings.responder.events, classifier.settings.categories.critical_severities)
        by_hour: dict[str, list[dict]] = defaultdict(list)
        for line in sorted(lines, key=lambda line: line["found_at"]):
            by_hour[line["found_at"][:13]].append(line)
        url_of: dict[str, str] = {}
        for hour in sorted(by_hour):
            items = [
                CollectedPost(
                    source=line["source_name"],
                    url=line["url"],
                    title=line["title"],
                    raw_text=line["text"],
                    author=line["author"],
                    published_at=datetime.fromisoformat(line["published_at"]),
                )
                for line in by_hour[hour]
            ]
            writer.write(items)
            url_of.update({line["url"]: line["id"] for line in by_hour[hour]})
            if true_labels:
                by_url = {line["url"]: line for line in lines}
                label_as_written(factory, by_url, classifier.settings.categories.critical_severities)
            else:
                label_new_posts(factory, classifier)
            while True:
                with transaction(factory) as session:
                    if grouper.group(session, 500).grouped < 500:
                        break
        with factory() as session:
            rows = session.execute(select(Post.url, EventPost.event_id).join(EventPost, EventPost.post_id == Post.id))
            found = {url_of[url]: event for url, event in rows.all()}
        engine.dispose()
    truth = {line["id"]: line["matter"] for line in lines}
    return truth, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--day", action="append", help="Only this day (the file's name without .jsonl).")
    parser.add_argument("--show", action="store_true", help="Print each day's events and their posts' matters.")
    parser.add_argument("--true-labels", action="store_true", help="Label posts as the day says, not by the model.")
    arguments = parser.parse_args()
    settings = load_settings()
    classifier = Classifier.load(settings)
    days = [DAYS / f"{name}.jsonl" for name in arguments.day] if arguments.day else sorted(DAYS.glob("*.jsonl"))
    all_truth: dict[str, str] = {}
    all_found: dict[str, int] = {}
    print(f"{'day':<12} posts matters events  B3-P  B3-R  pair-P pair-R")
    for offset, day in enumerate(days):
        truth, found = replay(day, classifier, arguments.true_labels)
        missing = set(truth) - set(found)
        if missing:
            sys.exit(f"{day.name}: posts not grouped: {sorted(missing)}")
        cube, pairs = b_cubed(truth, found), pairwise(truth, found)
        print(
            f"{day.stem:<12} {len(truth):5} {len(set(truth.values())):7} {len(set(found.values())):6}"
            f"  {cube.precision:.3f} {cube.recall:.3f}  {pairs.precision:.3f} {pairs.recall:.3f}"
        )
        if arguments.show:
            events: dict[int, list[str]] = defaultdict(list)
            for post, event in sorted(found.items()):
                events[event].append(post)
            for event, posts in sorted(events.items()):
                matters = Counter(truth[p] for p in posts)
                print(f"    event {event}: {dict(matters)}  {' '.join(p.split('-')[-1] for p in posts)}")
        all_truth.update({f"{offset}:{post}": f"{offset}:{matter}" for post, matter in truth.items()})
        all_found.update({f"{offset}:{post}": offset * 100_000 + event for post, event in found.items()})
    cube, pairs = b_cubed(all_truth, all_found), pairwise(all_truth, all_found)
    print(
        f"{'all':<12} {len(all_truth):5} {len(set(all_truth.values())):7} {len(set(all_found.values())):6}"
        f"  {cube.precision:.3f} {cube.recall:.3f}  {pairs.precision:.3f} {pairs.recall:.3f}"
    )


if __name__ == "__main__":
    main()
