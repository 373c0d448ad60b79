"""`yuqing evaluate`: how good the labels are on posts the model did not train on.

Reports per-class precision, recall and F1 with the confusion matrix for the category, handling macro-F1,
first-domain accuracy, severity exactness on emergency posts with figures, region precision/recall/F1, and a
5-fold cross-validation of the category on train+dev (the spread says how much the figures can be trusted).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import classification_report, confusion_matrix, f1_score
from sklearn.model_selection import StratifiedKFold

from classifier.corpus import Example, select
from classifier.figures import read_figures
from classifier.labeller import Classifier
from classifier.model import SEED, frame
from classifier.regions import RegionMatcher
from classifier.severity import severity_of
from classifier.tokens import segmenter
from classifier.training import fit
from yuqing.records import PostIn
from yuqing.settings import Settings
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


def severity_exactness(examples: list[Example], settings: Settings) -> dict[str, float]:
    with_figures = [
        e
        for e in examples
        if e.category == "emergency" and (e.severity is not None or e.deaths is not None or e.injuries is not None)
    ]
    right = sum(severity_of(read_figures(e.text), e.text, settings.categories) == e.severity for e in with_figures)
    return {"exact": right / len(with_figures) if with_figures else 1.0, "posts": len(with_figures)}


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
        "category": classification_report(
            gold, predicted, labels=list(Category), output_dict=True, zero_division=0
        ),
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
        f"severity exact        {report['severity']['exact']:.3f} ({report['severity']['posts']} posts)",
        "regions               precision {precision:.3f} recall {recall:.3f} F1 {f1:.3f}".format(**report["regions"]),
    ]
    if "cross_validation" in report:
        cv = report["cross_validation"]
        lines.append(
            f"5-fold CV (train+dev) category macro-F1 {cv['mean']:.3f} ± {cv['std']:.3f}: "
            + ", ".join(f"{s:.3f}" for s in cv["category_macro_f1"])
        )
    return "\n".join(lines)
