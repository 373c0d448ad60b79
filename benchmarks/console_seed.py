"""Fill a database with what the console benchmark reads: 200,000 labelled posts and 5,000 open cases.

    .venv/bin/python benchmarks/console_seed.py DATABASE_URL [--posts 200000] [--cases 5000]

The posts are the corpus texts (cycled, each numbered so no two are equal) spread over the 60 days before now,
in the home city's nine counties, from twenty sources; every post has one model label (the corpus's category).
The posts are split into `--cases` events of equal size, each with an open case (the worst case for the board:
every case on it) whose lead is the county's body of the event's first domain, with a `respond` obligation 48 h
after its first post, or for an emergency a `release` (5 h) and a `press_conference` (24 h). The database is
migrated first and must be empty. Written with bulk inserts, in batches of 10,000 rows.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import UTC, datetime, timedelta
from hashlib import sha256
from typing import Any

from sqlalchemy import Engine, func, insert, select

from yuqing.divisions import name_of
from yuqing.records import CaseAssignment, CaseDecisions, NamedBody
from yuqing.settings import load_settings
from yuqing.storage.database import make_engine, session_factory, transaction, upgrade
from yuqing.storage.models import Case, Event, EventPost, Label, Obligation, Post, Source

BATCH = 10_000
COUNTIES = ["331102", "331121", "331122", "331123", "331124", "331125", "331126", "331127", "331181"]
SOURCES = 20
DAYS = 60


def corpus() -> list[dict[str, Any]]:
    settings = load_settings()
    posts = []
    for path in sorted(settings.corpus_dir.glob("*.jsonl")):
        posts += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [post for post in posts if post["category"] != "other"]


def _insert(engine: Engine, model: type, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        with transaction(session_factory(engine)) as session:
            session.execute(insert(model), rows[start : start + BATCH])


def seed(engine: Engine, posts: int, cases: int, now: datetime, rng: random.Random) -> None:
    settings = load_settings()
    domains = settings.organisations.domains
    examples = corpus()
    sources = [{"id": n + 1, "name": f"信息源{n + 1}", "type": "rss", "media": "news"} for n in range(SOURCES)]
    _insert(engine, Source, sources)
    per_event = posts // cases
    post_rows, label_rows, event_rows, link_rows, case_rows, obligation_rows = [], [], [], [], [], []
    for event_number in range(cases):
        example = examples[event_number % len(examples)]
        county = COUNTIES[event_number % len(COUNTIES)]
        category = example["category"]
        first_domain = (example.get("domains") or ["government"])[0]
        first_domain = first_domain if first_domain in domains else "government"
        t0 = now - timedelta(hours=rng.uniform(0, 47))
        event_id = event_number + 1
        for offset in range(per_event):
            post_id = event_number * per_event + offset + 1
            text_example = examples[(post_id * 7) % len(examples)] if offset else example
            text = f"{text_example['text']}（{post_id}）"
            published = t0 + timedelta(minutes=offset) if offset < 3 else now - timedelta(days=rng.uniform(0, DAYS))
            post_rows.append(
                {
                    "id": post_id,
                    "source_id": rng.randint(1, SOURCES),
                    "media": "news",
                    "title": text_example.get("title") or "",
                    "raw_text": text,
                    "text": text,
                    "text_simplified": text,
                    "published_at": published,
                    "fetched_at": published + timedelta(minutes=5),
                    "content_hash": sha256(text.encode()).hexdigest(),
                    "spread": 1,
                    "meta": {},
                }
            )
            label_category = text_example["category"]
            label_rows.append(
                {
                    "post_id": post_id,
                    "model_version": "benchmark",
                    "category": label_category,
                    "priority": "high",
                    "severity": None,
                    "handling": text_example.get("handling"),
                    "domains": text_example.get("domains") or [],
                    "regions": [county],
                    "deaths": None,
                    "injuries": None,
                    "confidence": 0.9,
                    "explanation": {"schemes": [], "features": [], "figures": {}},
                }
            )
            link_rows.append({"event_id": event_id, "post_id": post_id})
        title = example.get("title") or example["text"][:30]
        event_rows.append(
            {
                "id": event_id, "title": title, "category": category, "priority": "high", "regions": [county],
                "region_weights": {county: per_event}, "domains": [first_domain], "domain_weights": {}, "terms": {},
                "t0": t0, "t0_from_first_seen": False, "first_seen_at": t0, "last_post_at": t0,
                "post_count": per_event, "reposts": 0, "comments": 0, "source_count": 3, "official_coverage": False,
                "title_rank": 0,
            }
        )  # fmt: skip
        lead = NamedBody(adcode=county, domain=first_domain, name=f"{name_of(county)}{domains[first_domain].name}部门")
        coordinators = [
            NamedBody(adcode=county, domain=d, name=f"{name_of(county)}{domains[d].name}部门")
            for d in ("government", "propaganda")
        ]
        assignment = CaseAssignment(
            title=title, regions=[county], level="county", lead=lead, responders=[lead], coordinators=coordinators,
            principal_leader=False, rules=[3, 8],
        )  # fmt: skip
        critical = category == "emergency"
        case_rows.append(
            {
                "id": event_id, "event_id": event_id, "status": "open", "category": category,
                "priority": "critical" if critical else "high", "severity": "II" if critical else None,
                "handling": example.get("handling"), "assignment": assignment, "region_unknown": False,
                "recommended_action": None, "t0": t0, "opened_at": t0, "decisions": CaseDecisions(),
            }
        )  # fmt: skip
        kinds = [("release", 5), ("press_conference", 24)] if critical else [("respond", 48)]
        for kind, hours in kinds:
            due = t0 + timedelta(hours=hours)
            obligation_rows.append(
                {
                    "case_id": event_id, "kind": kind, "sequence": 0, "starts_at": t0, "due_at": due,
                    "status": "open" if due > now else "breached", "next_alert_at": due,
                }
            )  # fmt: skip
    for model, rows in (
        (Post, post_rows),
        (Label, label_rows),
        (Event, event_rows),
        (EventPost, link_rows),
        (Case, case_rows),
        (Obligation, obligation_rows),
    ):
        _insert(engine, model, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("database_url")
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--cases", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=15)
    arguments = parser.parse_args()
    engine = make_engine(arguments.database_url)
    upgrade(engine)
    with session_factory(engine)() as session:
        if session.scalar(select(func.count()).select_from(Post)):
            parser.error(f"{arguments.database_url}: the database already holds posts; give an empty one")
    started = time.perf_counter()
    seed(engine, arguments.posts, arguments.cases, datetime.now(UTC), random.Random(arguments.seed))
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
    print(f"{arguments.posts} posts, {arguments.cases} cases in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
