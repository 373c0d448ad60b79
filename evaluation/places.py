"""Regions precision, recall and F1 on posts that name places below the county or names that only look like places.

data/evaluation/places.jsonl (written by hand, apart from the corpus) holds `{"kind", "text", "regions"}` lines:
`sub_county` posts name only a town, a subdistrict, a scenic spot or a landmark (乌镇, 灵隐街道, 古堰画乡), or one
with the city or county that settles which town is meant (岳阳长岭); `look_alike` posts hold a road, square,
building or bay named after a place (中山街, 南湖广场, 上海大厦, 杭州湾大桥) beside or without the real place.
`regions` is what a person reads in the text alone: a county code when the town is named, nothing when the name
is shared by towns of several provinces and nothing else tells which (长岭化工厂 alone).

    .venv/bin/python evaluation/places.py [--show]

`--show` prints every post the matcher gets wrong.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from classifier.regions import RegionMatcher
from yuqing import adcodes

POSTS = Path(__file__).resolve().parents[1] / "data" / "evaluation" / "places.jsonl"


def scores(path: Path = POSTS, matcher: RegionMatcher | None = None) -> dict[str, dict[str, float]]:
    """Micro precision, recall and F1 of `matcher.find` per kind of post and over all of them (`all`), with the
    number of posts and the wrong ones (`errors`: text, found, expected)."""
    matcher = matcher or RegionMatcher.default()
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # found, expected, hit, posts
    errors: dict[str, list[tuple[str, list[str], list[str]]]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        post = json.loads(line)
        found = matcher.find(post["text"])
        expected = [adcodes.normalise(code) for code in post["regions"]]
        for kind in (post["kind"], "all"):
            tally = counts[kind]
            tally[0] += len(set(found))
            tally[1] += len(set(expected))
            tally[2] += len(set(found) & set(expected))
            tally[3] += 1
        if set(found) != set(expected):
            errors[post["kind"]].append((post["text"], found, expected))
            errors["all"].append((post["text"], found, expected))
    result = {}
    for kind, (found, expected, hit, posts) in counts.items():
        precision = hit / found if found else 1.0
        recall = hit / expected if expected else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[kind] = {"precision": precision, "recall": recall, "f1": f1, "posts": posts, "errors": errors[kind]}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", action="store_true", help="print the posts the matcher gets wrong")
    arguments = parser.parse_args()
    for kind, figures in sorted(scores().items()):
        print(
            f"{kind:11} posts {figures['posts']:3}  precision {figures['precision']:.3f}  "
            f"recall {figures['recall']:.3f}  F1 {figures['f1']:.3f}  wrong {len(figures['errors'])}"
        )
        if arguments.show and kind != "all":
            for text, found, expected in figures["errors"]:
                print(f"    found {found} expected {expected}: {text}")


if __name__ == "__main__":
    main()
