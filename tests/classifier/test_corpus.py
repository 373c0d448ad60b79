"""The training corpus keeps its promises: valid labels, real division codes, balance, no near-duplicates."""

import itertools
import json
import re
from collections import Counter

from yuqing.divisions import names
from yuqing.settings import load_settings
from yuqing.vocabulary import Category, Handling, Severity

CORPUS = load_settings().corpus_dir

LINES = [
    (path.name, number, json.loads(line))
    for path in sorted(CORPUS.glob("*.jsonl"))
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
    if line.strip()
]


def test_every_post_carries_every_label_with_a_valid_value() -> None:
    domains = set(load_settings().organisations.domains)
    codes = set(names())
    problems = []
    for name, number, post in LINES:
        where = f"{name}:{number}"
        if post["category"] not in tuple(Category):
            problems.append(f"{where}: category {post['category']!r}")
        if post["handling"] not in (*Handling, None) or (post["handling"] is None) != (post["category"] == "other"):
            problems.append(f"{where}: handling {post['handling']!r} for {post['category']}")
        if post["severity"] not in (*Severity, None) or (post["severity"] and post["category"] != "emergency"):
            problems.append(f"{where}: severity {post['severity']!r}")
        problems += [f"{where}: unknown domain {d}" for d in post["domains"] if d not in domains]
        problems += [f"{where}: unknown region {r}" for r in post["regions"] if r not in codes]
        if not all(isinstance(post[k], int | None) for k in ("deaths", "injuries")):
            problems.append(f"{where}: deaths/injuries must be integers or null")
    assert problems == []


def test_ids_are_unique() -> None:
    repeated = [i for i, n in Counter(post["id"] for _, _, post in LINES).items() if n > 1]
    assert repeated == []


def _shingles(text: str) -> set[str]:
    text = re.sub(r"\s", "", text)
    return {text[i : i + 4] for i in range(len(text) - 3)}


def test_no_two_posts_are_near_duplicates() -> None:
    shingled = [(post["id"], _shingles(post["title"] + post["text"])) for _, _, post in LINES]
    close = [
        (a, b)
        for (a, sa), (b, sb) in itertools.combinations(shingled, 2)
        if sa and sb and len(sa & sb) / len(sa | sb) > 0.5
    ]
    assert close == []


def test_posts_span_many_provinces_and_every_source_style() -> None:
    provinces = {r[:2] for _, _, post in LINES for r in post["regions"]}
    assert len(provinces) >= 28
    assert {post["source"] for _, _, post in LINES} == {"news", "gov", "weibo", "wechat", "forum", "douyin"}
