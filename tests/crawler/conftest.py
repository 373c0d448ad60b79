"""Fixtures for the crawler tests: the fixture site, and `crawl` that runs the real command against it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.site import Site, serve
from support.sources import FAST


@pytest.fixture
def site() -> Iterator[Site]:
    with serve() as running:
        yield running


Crawl = Callable[..., Any]


@pytest.fixture
def crawl(cli: Any, engine: Any, tmp_path: Path) -> Crawl:
    """Writes `sources` to a file and runs `yuqing crawl --sources FILE ARGS` with fast Scrapy settings; with
    `module=True` the same through `python -m crawler`, the stage's own command (as the service's job runs it)."""

    def run(
        sources: list[dict],
        *args: str,
        settings: dict | None = None,
        env: dict | None = None,
        health: dict | None = None,
        module: bool = False,
    ) -> Any:
        path = tmp_path / "sources.yaml"
        catalogue = {"sources": sources, **({"health": health} if health else {})}
        path.write_text(yaml.safe_dump(catalogue, allow_unicode=True), encoding="utf-8")
        cli.env["YUQING_SCRAPY_SETTINGS"] = json.dumps({**FAST, **(settings or {})})
        cli.env.update(env or {})
        if module:
            command = [sys.executable, "-m", "crawler", "--sources", str(path), *args]
            return subprocess.run(command, capture_output=True, text=True, env=cli.env, timeout=120, check=False)
        return cli("crawl", "--sources", str(path), *args, timeout=120)

    return run
