"""The labelled training corpus (data/corpus/posts/*.jsonl) and its fixed train/dev/test split.

The split is decided by a hash of each post's id, so it never changes when posts are added or files reordered,
and a post can be traced to its split by anyone: sha1(id) mod 100 < 70 → train, < 85 → dev, else test.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from yuqing.text import simplified

SPLITS = ("train", "dev", "test")


@dataclass(frozen=True)
class Example:
    id: str
    title: str
    text: str  # simplified, title and text joined: what the models read
    category: str
    severity: str | None
    handling: str | None
    domains: tuple[str, ...]
    regions: tuple[str, ...]
    deaths: int | None
    injuries: int | None
    source: str | None = None


class CorpusError(ValueError):
    """A corpus line that cannot be used; the message names the file and line."""


def split_of(post_id: str) -> str:
    bucket = int(hashlib.sha1(post_id.encode()).hexdigest(), 16) % 100
    return "train" if bucket < 70 else "dev" if bucket < 85 else "test"


def analysis_text(title: str, text: str) -> str:
    """What the models read: the simplified title and text, joined."""
    return simplified(f"{title}\n{text}".strip())


def read_corpus(folder: Path) -> list[Example]:
    examples = []
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise CorpusError(f"{folder}: no *.jsonl corpus files")
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                post = json.loads(line)
                examples.append(
                    Example(
                        id=str(post["id"]),
                        title=post.get("title") or "",
                        text=analysis_text(post.get("title") or "", post["text"]),
                        category=post["category"],
                        severity=post.get("severity"),
                        handling=post.get("handling"),
                        domains=tuple(post.get("domains") or ()),
                        regions=tuple(post.get("regions") or ()),
                        deaths=post.get("deaths"),
                        injuries=post.get("injuries"),
                        source=post.get("source"),
                    )
                )
            except (ValueError, KeyError, TypeError) as error:
                raise CorpusError(f"{path}:{number}: {type(error).__name__}: {error}") from error
    return examples


def select(examples: Iterable[Example], *splits: str) -> list[Example]:
    return [e for e in examples if split_of(e.id) in splits]
