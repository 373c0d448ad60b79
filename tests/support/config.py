"""Editing a test's copy of the config: load the YAML, merge the changes, write it back.

A test states the values it needs (`{"critical": {"release_hours": 3}}`) rather than replacing text in the file,
so a reformatted config file cannot turn an edit into a silent no-op: a key path that is not there is an error.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml


def merged(base: Any, changes: Any, path: str = "") -> Any:
    """`base` with `changes` laid over it: mappings merge key by key, anything else replaces."""
    if not isinstance(changes, dict):
        return changes
    if not isinstance(base, dict):
        raise KeyError(f"{path or '(top level)'} is not a mapping in the config; cannot merge {changes!r} into it")
    result = dict(base)
    for key, value in changes.items():
        where = f"{path}.{key}" if path else str(key)
        if isinstance(value, dict) and key not in base:
            raise KeyError(f"{where}: no such key in the config")
        result[key] = merged(base[key], value, where) if isinstance(value, dict) else value
    return result


def edit_config(
    config_dir: Path, name: str, changes: dict[str, Any] | Callable[[dict[str, Any]], None]
) -> dict[str, Any]:
    """Merge `changes` into `config_dir/name` (or let a function change the loaded content in place, for edits
    inside lists) and write it back; returns the whole new content."""
    path = config_dir / name
    content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if callable(changes):
        changes(content)
    else:
        content = merged(content, changes)
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return content
