"""The trained model the classifier tests use: the project's own (make builds it), or one trained into a
temporary folder when it is missing (never written into the project's data folder by a test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifier.training import train
from yuqing.settings import load_settings


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    settings = load_settings()
    if settings.model_file.exists():
        return settings.model_file
    path = tmp_path_factory.mktemp("model") / "classifier.joblib"
    train(path, settings.corpus_dir, settings.dictionary_file)
    return path
