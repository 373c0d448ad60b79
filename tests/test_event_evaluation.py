"""The replayed days (data/evaluation/days, written apart from the code) grouped as the service groups them:
events must keep matching the true matters at least as well as the README reports."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from classifier.labeller import Classifier
from yuqing.settings import load_settings

SCRIPT = Path(__file__).resolve().parents[1] / "evaluation" / "replay_days.py"


@pytest.fixture(scope="module")
def replay_days():
    spec = importlib.util.spec_from_file_location("replay_days", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_b_cubed_and_pairwise_scores_count_what_they_should(replay_days) -> None:
    truth = {"a": "x", "b": "x", "c": "y", "d": "y"}
    assert replay_days.b_cubed(truth, {"a": 1, "b": 1, "c": 2, "d": 2}) == replay_days.Scores(1.0, 1.0)
    merged = replay_days.b_cubed(truth, {"a": 1, "b": 1, "c": 1, "d": 1})
    assert (merged.precision, merged.recall) == (0.5, 1.0)
    split = replay_days.pairwise(truth, {"a": 1, "b": 2, "c": 3, "d": 3})
    assert (split.precision, split.recall) == (1.0, 0.5)


def test_events_match_the_true_matters_of_the_replayed_days(replay_days, trained_model) -> None:
    classifier = Classifier.load(load_settings({"YUQING_MODEL": str(trained_model)}))
    truth, found = {}, {}
    for offset, day in enumerate(sorted(replay_days.DAYS.glob("*.jsonl"))):
        day_truth, day_found = replay_days.replay(day, classifier)
        assert set(day_found) == set(day_truth), f"{day.name}: every post is grouped"
        truth.update({f"{offset}:{post}": f"{offset}:{matter}" for post, matter in day_truth.items()})
        found.update({f"{offset}:{post}": offset * 100_000 + event for post, event in day_found.items()})
    scores = replay_days.b_cubed(truth, found)
    assert scores.precision >= 0.94 and scores.recall >= 0.80, scores
