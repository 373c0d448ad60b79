"""Score the figures reader and the severity rules on the phrasing table and on the corpus's emergencies.

The phrasing table (data/evaluation/severity-phrasings.jsonl) was written apart from the corpus and the code: each
line is one way of writing figures (missing people, deaths in other words, sums, loss, magnitude, no casualties,
the trapped, wording) in one source style and script, with the figures and the level it states (DOMAIN.md §2).
Reading figures needs no trained model, so this runs in a second:

    .venv/bin/python evaluation/severity_phrasings.py [--split test] [--show]

Prints the share of lines read exactly per field, then severity and deaths exactness on the chosen corpus split's
emergency posts (`yuqing evaluate` prints the same figures with the rest of its report), and on the emergency posts
of the replayed days (data/evaluation/days, labelled apart from the code). The days' labels are those of the
matter as known when the post appeared, so a comment that states no figure still carries the matter's level: that
figure is a floor for reading news as it is written, not a measure of the reader alone. `--show` lists every line
of the table read wrong: what was read and what the line states.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from classifier.corpus import SPLITS, analysis_text, read_corpus, select
from classifier.evaluation import phrasing_exactness, read_phrasings, severity_exactness
from classifier.figures import read_figures
from classifier.severity import severity_of
from yuqing.config_models import CategoriesConfig
from yuqing.settings import SHIPPED_DATA, load_settings

DAYS = SHIPPED_DATA / "evaluation" / "days"


def days_exactness(categories: CategoriesConfig) -> dict[str, Any]:
    """Severity and deaths read from each emergency post of the replayed days, against the matter's labels."""
    posts = [
        json.loads(line)
        for path in sorted(DAYS.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    emergencies = [post for post in posts if post.get("category") == "emergency"]
    severity = deaths = 0
    for post in emergencies:
        text = analysis_text(post.get("title") or "", post["text"])
        figures = read_figures(text)
        severity += severity_of(figures, text, categories) == post.get("severity")
        deaths += figures.deaths == post.get("deaths")
    count = len(emergencies)
    return {"posts": count, "severity": severity / count, "deaths": deaths / count}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=SPLITS, default="test")
    parser.add_argument("--show", action="store_true", help="list the lines read wrong")
    arguments = parser.parse_args()
    settings = load_settings()

    table = phrasing_exactness(read_phrasings(), settings.categories)
    print(f"phrasing table: {table['lines']} lines, {len(table['wrong'])} with a figure or the level wrong")
    for field, share in table["exact"].items():
        print(f"  {field:<18}{share:.3f}")
    corpus = severity_exactness(select(read_corpus(settings.corpus_dir), arguments.split), settings)
    print(
        f"corpus {arguments.split} split: severity exact {corpus['exact']:.3f}, deaths exact "
        f"{corpus['deaths_exact']:.3f} on {corpus['posts']} emergency posts with figures; "
        f"{corpus['all_exact']:.3f} and {corpus['all_deaths_exact']:.3f} on all {corpus['all_posts']} emergency posts"
    )
    days = days_exactness(settings.categories)
    print(
        f"replayed days: severity exact {days['severity']:.3f}, deaths exact {days['deaths']:.3f} on "
        f"{days['posts']} emergency posts (labels of the matter, comments without figures included)"
    )
    if arguments.show:
        for line in table["wrong"]:
            read = ", ".join(f"{field} {got!r} (states {wanted!r})" for field, (got, wanted) in line["read"].items())
            print(f"{line['id']} {line['kind']}: {read}\n    {line['text']}")


if __name__ == "__main__":
    main()
