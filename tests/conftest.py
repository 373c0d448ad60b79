"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when YUQING_TEST_DATABASE_URL is set),
a private copy of the config folder, and the real `yuqing` command run as a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData

from yuqing.settings import PROJECT_ROOT, load_settings
from yuqing.storage.database import make_engine, upgrade

YUQING = Path(sys.executable).with_name("yuqing")


def _wipe(engine: Engine) -> None:
    """Drop every table, including alembic's, so each test starts from an empty database."""
    metadata = MetaData()
    metadata.reflect(engine)
    metadata.drop_all(engine)


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    url = os.environ.get("YUQING_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}"
    engine = make_engine(url)
    _wipe(engine)
    engine.dispose()
    yield url
    engine = make_engine(url)
    _wipe(engine)
    engine.dispose()


@pytest.fixture
def empty_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    upgrade(empty_engine)
    return empty_engine


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """A copy of the shipped config that a test may edit."""
    target = tmp_path / "config"
    shutil.copytree(PROJECT_ROOT / "config", target)
    return target


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Cli:
    env: dict[str, str]

    def __call__(self, *args: str, input: str | None = None, timeout: float = 60) -> Result:
        done = subprocess.run(
            [str(YUQING), *args], input=input, capture_output=True, text=True, env=self.env, timeout=timeout
        )
        return Result(done.returncode, done.stdout, done.stderr)

    def start(self, *args: str) -> subprocess.Popen[str]:
        """The command in the background (for the long-running service); output merged into stdout."""
        return subprocess.Popen(
            [str(YUQING), *args], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )


@pytest.fixture
def cli(tmp_path: Path, config_dir: Path, database_url: str) -> Cli:
    """The installed `yuqing` command, on the test's config copy, data folder and database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("YUQING_", "SLACK_", "SMTP_"))}
    env.update(
        YUQING_CONFIG=str(config_dir),
        YUQING_DATA=str(tmp_path / "data"),
        YUQING_DATABASE_URL=database_url,
        YUQING_MODEL=str(load_settings({}).model_file),  # the model make builds, not one in the test's data folder
    )
    return Cli(env)


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's trained model (make builds it), or one trained into a temporary folder when it is missing:
    a test never writes into the project's data folder."""
    from classifier.training import train

    settings = load_settings()
    if settings.model_file.exists():
        return settings.model_file
    path = tmp_path_factory.mktemp("model") / "classifier.joblib"
    train(path, settings.corpus_dir, settings.dictionary_file)
    return path
