"""The trained model the classifier tests use: the project's own (make builds it), trained here when missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifier.labeller import model_path
from classifier.training import train


@pytest.fixture(scope="session")
def trained_model() -> Path:
    path = model_path()
    if not path.exists():
        train(path)
    return path
