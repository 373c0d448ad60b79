"""Score the figures reader and the severity rules on the phrasing table and on the corpus's emergencies.

The phrasing table (data/evaluation/severity-phrasings.jsonl) was written apart from the corpus and the code: each
line is one way of writing figures (missing people, deaths in other words, sums, loss, magnitude, no casualties,
the trapped, wording) in one source style and script, with the figures and the level it states (DOMAIN.md §2).
Reading figures needs no trained model, so this runs in a second:

    .venv/bin/python evaluation/severity_phrasings.py [--split test] [--show]

Prints the share of lines read exactly per field, then severity and deaths exactness on the chosen corpus split's
emergency posts (`yuqing evaluate` prints the same figures with the rest of its report). `--show` lists every
line read wrong: what was read and what the line states.
"""

from __future__ import annotations

import argparse

from classifier.corpus import SPLITS, read_corpus, select
from classifier.evaluation import phrasing_exactness, read_phrasings, severity_exactness
from yuqing.settings import load_settings


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
    if arguments.show:
        for line in table["wrong"]:
            read = ", ".join(f"{field} {got!r} (states {wanted!r})" for field, (got, wanted) in line["read"].items())
            print(f"{line['id']} {line['kind']}: {read}\n    {line['text']}")


if __name__ == "__main__":
    main()
