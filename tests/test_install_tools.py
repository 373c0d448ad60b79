"""The install's helpers: tools/find-python (which Python make and CI take) and tools/glibc.py (which glibc the
offline bundle needs)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIND_PYTHON = ROOT / "tools" / "find-python"


def fake_python(folder: Path, name: str, version: str | None, *, ensurepip: bool = True) -> Path:
    """An executable that answers find-python's check as a Python of `version` would (with or without ensurepip),
    or fails as a pyenv shim for a version pyenv has not selected does (None)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    lacks = "" if ensurepip else "*ensurepip*) exit 1;; "
    answer = f'case "$2" in {lacks}*"\'{version}\'"*) exit 0;; *) exit 1;; esac' if version else "exit 127"
    path.write_text(f"#!/bin/sh\n{answer}\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def find_python(tmp_path: Path, *versions: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(tmp_path / "bin"), "HOME": str(tmp_path), "PYENV_ROOT": str(tmp_path / "pyenv")}
    return subprocess.run(["/bin/sh", str(FIND_PYTHON), *versions], capture_output=True, text=True, env=env)


def test_find_python_takes_the_newest_supported_python_that_runs(tmp_path: Path) -> None:
    fake_python(tmp_path / "bin", "python3.13", None)  # a shim for a version pyenv has not selected
    newest = fake_python(tmp_path / "bin", "python3.12", "3.12")
    fake_python(tmp_path / "bin", "python3.11", "3.11")
    fake_python(tmp_path / "bin", "python3.14", "3.14")
    result = find_python(tmp_path)
    assert (result.returncode, result.stdout.strip()) == (0, str(newest))


def test_find_python_tries_the_versions_in_the_order_given(tmp_path: Path) -> None:
    oldest = fake_python(tmp_path / "bin", "python3.11", "3.11")
    fake_python(tmp_path / "bin", "python3.13", "3.13")
    assert find_python(tmp_path, "3.11", "3.12", "3.13").stdout.strip() == str(oldest)


def test_find_python_asks_python3_its_version(tmp_path: Path) -> None:
    python3 = fake_python(tmp_path / "bin", "python3", "3.13")
    assert find_python(tmp_path).stdout.strip() == str(python3)


def test_find_python_finds_pyenv_versions_off_the_path(tmp_path: Path) -> None:
    fake_python(tmp_path / "bin", "python3.11", "3.11")
    pyenv = fake_python(tmp_path / "pyenv" / "versions" / "3.13.0" / "bin", "python3.13", "3.13")
    assert find_python(tmp_path).stdout.strip() == str(pyenv)


def test_find_python_skips_a_python_without_ensurepip_unless_told_pip_comes_from_elsewhere(tmp_path: Path) -> None:
    bare = fake_python(tmp_path / "bin", "python3.13", "3.13", ensurepip=False)  # Debian without python3-venv
    with_pip = fake_python(tmp_path / "bin", "python3.12", "3.12")
    assert find_python(tmp_path).stdout.strip() == str(with_pip)
    assert find_python(tmp_path, "--without-ensurepip").stdout.strip() == str(bare)


def test_find_python_fails_quietly_when_there_is_none(tmp_path: Path) -> None:
    fake_python(tmp_path / "bin", "python3", "3.10")
    result = find_python(tmp_path)
    assert (result.returncode, result.stdout) == (1, "")


def load_glibc():
    spec = importlib.util.spec_from_file_location("glibc", ROOT / "tools" / "glibc.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_wheel_needs_the_oldest_glibc_among_its_manylinux_tags() -> None:
    glibc = load_glibc()
    assert glibc.needed_minor("numpy-2.4.6-cp313-cp313-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl") == 27
    assert glibc.needed_minor("yarl-1.25.1-cp313-cp313-manylinux2014_x86_64.manylinux_2_17_x86_64.whl") == 17
    assert glibc.needed_minor("frozenlist-1.8.0-cp313-cp313-manylinux1_x86_64.manylinux_2_5_x86_64.whl") == 5
    assert glibc.needed_minor("cryptography-50.0.2-cp311-abi3-manylinux_2_34_x86_64.whl") == 34
    assert glibc.needed_minor("jieba-0.42.1-py3-none-any.whl") is None


def test_the_bundle_needs_the_newest_glibc_of_its_wheels_and_names_those_above_a_limit(tmp_path: Path) -> None:
    for name in (
        "numpy-2.4.6-cp313-cp313-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl",
        "cryptography-50.0.2-cp311-abi3-manylinux_2_34_x86_64.whl",
        "jieba-0.42.1-py3-none-any.whl",
    ):
        (tmp_path / name).touch()
    script = ROOT / "tools" / "glibc.py"
    needed = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True, text=True, check=True)
    above = subprocess.run(
        [sys.executable, str(script), str(tmp_path), "2.28"], capture_output=True, text=True, check=True
    )
    assert needed.stdout == "2.34\n"
    assert above.stdout == "cryptography-50.0.2-cp311-abi3-manylinux_2_34_x86_64.whl\n"
