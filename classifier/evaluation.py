"""`yuqing evaluate`: how good the labels are on posts the model did not train on.

Reports per-class precision, recall and F1 with the confusion matrix for the category, handling macro-F1,
first-domain accuracy, severity and deaths exactness on emergency posts (those with figures, and all of them),
region precision/recall/F1, and a 5-fold cross-validation of the category on train+dev (the spread says how much
the figures can be trusted). The severity phrasing table (data/evaluation/severity-phrasings.jsonl, written apart
from the corpus and the code) is scored too: it holds the ways of writing figures that the corpus may lack.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import classification_report, confusion_matrix, f1_score
from sklearn.model_selection import StratifiedKFold

from classifier.corpus import Example, analysis_text, select
from classifier.figures import read_figures
from classifier.labeller import Classifier
from classifier.model import SEED, frame
from classifier.regions import RegionMatcher
from classifier.severity import severity_of
from classifier.tokens import segmenter
from classifier.training import fit
from yuqing.config_models import CategoriesConfig
from yuqing.records import PostIn
from yuqing.settings import SHIPPED_DATA, Settings
from yuqing.vocabulary import Category


def region_scores(examples: list[Example], matcher: RegionMatcher) -> dict[str, float]:
    found = expected = hit = 0
    for example in examples:
        predicted, gold = set(matcher.find(example.text)), set(example.regions)
        found, expected, hit = found + len(predicted), expected + len(gold), hit + len(predicted & gold)
    precision = hit / found if found else 1.0
    recall = hit / expected if expected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "posts": len(examples)}


def severity_exactness(examples: list[Example], settings: Settings) -> dict[str, Any]:
    """Severity and deaths exactly as labelled, on the emergency posts with a figure or a level labelled (the
    figure the README has always given) and on every emergency post (where a figure read from nothing is wrong)."""
    emergencies = [e for e in examples if e.category == "emergency"]
    with_figures = {
        e.id for e in emergencies if e.severity is not None or e.deaths is not None or e.injuries is not None
    }
    right_severity, right_deaths = set(), set()
    for example in emergencies:
        figures = read_figures(example.text)
        if severity_of(figures, example.text, settings.categories) == example.severity:
            right_severity.add(example.id)
        if figures.deaths == example.deaths:
            right_deaths.add(example.id)

    def share(right: set[str], among: set[str]) -> float:
        return len(right & among) / len(among) if among else 1.0

    every = {e.id for e in emergencies}
    return {
        "exact": share(right_severity, with_figures),
        "deaths_exact": share(right_deaths, with_figures),
        "posts": len(with_figures),
        "all_exact": share(right_severity, every),
        "all_deaths_exact": share(right_deaths, every),
        "all_posts": len(every),
    }


PHRASINGS = SHIPPED_DATA / "evaluation" / "severity-phrasings.jsonl"
FIGURE_FIELDS = ("deaths", "missing", "injuries", "serious_injuries", "loss_cny", "magnitude")


def read_phrasings(path: Path = PHRASINGS) -> list[dict[str, Any]]:
    """The phrasing table: one line per way of writing figures, with the figures and level it states."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def phrasing_answers(line: dict[str, Any], categories: CategoriesConfig) -> dict[str, Any]:
    """What the classifier reads from one line: the figures and the level, the text simplified as `classify`
    simplifies every post before reading it."""
    text = analysis_text("", line["text"])
    figures = read_figures(text)
    answers: dict[str, Any] = {field: getattr(figures, field) for field in FIGURE_FIELDS}
    return {**answers, "severity": severity_of(figures, text, categories)}


def phrasing_exactness(lines: list[dict[str, Any]], categories: CategoriesConfig) -> dict[str, Any]:
    """Per field (the figures and the severity), the share of lines read exactly, and the lines read wrong with
    what was read and what the line states."""
    fields = (*FIGURE_FIELDS, "severity")
    right = dict.fromkeys(fields, 0)
    wrong = []
    for line in lines:
        answers = phrasing_answers(line, categories)
        differences = {field: [answers[field], line[field]] for field in fields if answers[field] != line[field]}
        for field in fields:
            right[field] += field not in differences
        if differences:
            wrong.append({"id": line["id"], "kind": line["kind"], "text": line["text"], "read": differences})
    count = len(lines)
    return {"lines": count, "exact": {f: right[f] / count if count else 1.0 for f in fields}, "wrong": wrong}


def cross_validate(examples: list[Example], dictionary: Path, folds: int = 5) -> dict[str, Any]:
    labels = np.array([e.category for e in examples])
    scores = []
    for train_index, test_index in StratifiedKFold(folds, shuffle=True, random_state=SEED).split(examples, labels):
        models = fit([examples[i] for i in train_index], dictionary)
        held = [examples[i] for i in test_index]
        texts = [e.text for e in held]
        words = [segmenter(dictionary).cut(t) for t in texts]
        predicted = models.category.predict(models.features.transform(frame(texts, words)))
        scores.append(f1_score([e.category for e in held], predicted, average="macro"))
    return {"category_macro_f1": scores, "mean": float(np.mean(scores)), "std": float(np.std(scores))}


def evaluate(examples: list[Example], classifier: Classifier, split: str, with_cv: bool = True) -> dict[str, Any]:
    chosen = select(examples, split)
    outputs = [r.labels for r in classifier.label([PostIn(id=e.id, text=e.text) for e in chosen])]
    gold = [e.category for e in chosen]
    predicted = [o.category for o in outputs]
    concern = [(e, o) for e, o in zip(chosen, outputs, strict=True) if e.category != "other" and o.handling]
    with_domain = [(e, o) for e, o in zip(chosen, outputs, strict=True) if e.domains]
    report: dict[str, Any] = {
        "split": split,
        "posts": len(chosen),
        "model_version": classifier.version,
        "category": classification_report(gold, predicted, labels=list(Category), output_dict=True, zero_division=0),
        "confusion": {
            "labels": list(Category),
            "matrix": confusion_matrix(gold, predicted, labels=list(Category)).tolist(),
        },
        "handling_macro_f1": f1_score(
            [e.handling for e, _ in concern], [o.handling for _, o in concern], average="macro"
        )
        if concern
        else None,
        "first_domain_accuracy": (
            sum(bool(o.domains) and o.domains[0] == e.domains[0] for e, o in with_domain) / len(with_domain)
        )
        if with_domain
        else None,
        "severity": severity_exactness(chosen, classifier.settings),
        "regions": region_scores(chosen, classifier.regions),
        "phrasings": phrasing_exactness(read_phrasings(), classifier.settings.categories),
    }
    if with_cv:
        dictionary = classifier.settings.dictionary_file
        report["cross_validation"] = cross_validate(select(examples, "train", "dev"), dictionary)
    return report


def as_text(report: dict[str, Any]) -> str:
    lines = [
        f"split {report['split']}: {report['posts']} posts, model {report['model_version']}",
        "",
        f"{'category':<16}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}",
    ]
    for label in [*Category, "macro avg"]:
        row = report["category"][label]
        lines.append(
            f"{label:<16}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1-score']:>10.3f}"
            f"{int(row['support']):>10}"
        )
    lines += ["", "confusion (rows: true, columns: predicted, order as above)"]
    lines += ["  " + " ".join(f"{n:>4}" for n in row) for row in report["confusion"]["matrix"]]
    handling = report["handling_macro_f1"]
    domain = report["first_domain_accuracy"]
    lines += [
        "",
        f"handling macro-F1     {handling:.3f}" if handling is not None else "handling: no posts",
        f"first domain correct  {domain:.3f}" if domain is not None else "domains: no posts",
        "severity exact        {exact:.3f}, deaths exact {deaths_exact:.3f} ({posts} emergency posts with figures);"
        " {all_exact:.3f} and {all_deaths_exact:.3f} on all {all_posts} emergency posts".format(**report["severity"]),
        "phrasing table        severity exact {severity:.3f}, deaths exact {deaths:.3f}".format(
            **report["phrasings"]["exact"]
        )
        + f" ({report['phrasings']['lines']} lines, {len(report['phrasings']['wrong'])} with a figure or level wrong)",
        "regions               precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f}".format(**report["regions"]),
    ]
    if "cross_validation" in report:
        cv = report["cross_validation"]
        lines.append(
            f"5-fold CV (train+dev) category macro-F1 {cv['mean']:.3f} ± {cv['std']:.3f}: "
            + ", ".join(f"{s:.3f}" for s in cv["category_macro_f1"])
        )
    return "\n".join(lines)
