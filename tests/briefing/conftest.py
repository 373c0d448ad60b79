"""The seeded database of `support.briefing_seed`, and the settings the briefing tests use."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.briefing_seed import Seeded, seed

from yuqing.settings import load_settings
from yuqing.storage.database import session_factory, transaction


@pytest.fixture
def settings(config_dir: Path):
    return load_settings({"YUQING_CONFIG": str(config_dir)})


@pytest.fixture
def seeded(engine) -> Seeded:
    with transaction(session_factory(engine)) as session:
        return seed(session)
