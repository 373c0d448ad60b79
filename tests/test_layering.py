"""The layering of the packages, as the README draws it: `monitor` (the wiring) on top, the stages below it,
the core `yuqing` at the bottom. Imports point down only, including those inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE, WIRING = "yuqing", "monitor"
PACKAGES = sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name not in {"tests"})
STAGES = [name for name in PACKAGES if name not in {CORE, WIRING}]


def imported_packages(package: str, root: Path = ROOT) -> list[tuple[str, str]]:
    """(file:line, imported top-level package) for every absolute import of a project package in `package`,
    wherever it stands (module level or inside a function)."""
    found = []
    for path in sorted((root / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            where = f"{path.relative_to(root)}:{node.lineno}"
            found += [(where, name.split(".")[0]) for name in names if name.split(".")[0] in PACKAGES]
    return found


def test_the_tree_has_the_core_the_wiring_and_the_stages_of_the_data_flow() -> None:
    assert {CORE, WIRING} <= set(PACKAGES)
    assert {"crawler", "classifier", "responder", "notifications"} <= set(STAGES)


def test_the_core_imports_no_stage_and_not_the_wiring() -> None:
    assert [(where, name) for where, name in imported_packages(CORE) if name != CORE] == []


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_imports_only_itself_and_the_core(stage: str) -> None:
    assert [(where, name) for where, name in imported_packages(stage) if name not in {stage, CORE}] == []


def test_the_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    (tmp_path / "yuqing").mkdir()
    (tmp_path / "yuqing" / "late.py").write_text(
        "import json\n\ndef f():\n    from crawler.run import crawl\n    import responder.cases\n", encoding="utf-8"
    )
    assert imported_packages(CORE, tmp_path) == [("yuqing/late.py:4", "crawler"), ("yuqing/late.py:5", "responder")]
