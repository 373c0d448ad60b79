"""JSON Lines in and out, where a bad line is reported with its number and skipped, never silently dropped.

Input is read as bytes and decoded line by line: UTF-8 (a byte-order mark on the first line is dropped), else
GB18030, the superset of GBK that Chinese Windows tools still write; a line that is neither is reported, and the
lines around it are read. A file need not be one encoding: exports are often pasted together."""

from __future__ import annotations

import codecs
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, TypeVar

from pydantic import BaseModel, ValidationError

Record = TypeVar("Record", bound=BaseModel)


@dataclass
class LineErrors:
    """Counts the lines that were reported and skipped, so the command can exit 2 at the end."""

    name: str
    stream: IO[str]
    count: int = 0

    def report(self, line_number: int, message: str) -> None:
        self.count += 1
        print(f"{self.name}:{line_number}: {message}; line skipped", file=self.stream)


def _describe_validation(error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        key = ".".join(str(p) for p in problem["loc"]) or "(line)"
        if problem["type"] == "missing":
            parts.append(f"{key}: missing")
        else:
            parts.append(f"{key}: got {problem['input']!r}; {problem['msg'].removeprefix('Value error, ')}")
    return "; ".join(parts)


def _decoded(raw: bytes, number: int) -> str:
    """One line's text; UnicodeDecodeError (of the UTF-8 attempt, whose position says where) when it is neither."""
    if number == 1 and raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            raise error from None


def read_records(stream: IO[bytes], model: type[Record], errors: LineErrors) -> Iterator[tuple[int, Record]]:
    """Yield (line number, record) for every good line; blank lines are ignored, bad ones reported."""
    for number, raw in enumerate(stream, 1):
        try:
            line = _decoded(raw, number)
        except UnicodeDecodeError as error:
            errors.report(number, f"not UTF-8 or GBK text (byte {error.start + 1} cannot be decoded)")
            continue
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            errors.report(number, f"not valid JSON ({error.msg} at column {error.colno})")
            continue
        if not isinstance(data, dict):
            errors.report(number, f"expected a JSON object, got {type(data).__name__}")
            continue
        try:
            yield number, model.model_validate(data)
        except ValidationError as error:
            errors.report(number, _describe_validation(error))


def read_all(stream: IO[bytes], model: type[Record], errors: LineErrors) -> list[Record]:
    """Every good record of a stream, for commands that work in batches; bad lines are reported as they come."""
    return [record for _, record in read_records(stream, model, errors)]


def write_line(stream: IO[str], record: BaseModel) -> None:
    """One record as a JSON line, in the field order of its model."""
    stream.write(json.dumps(record.model_dump(mode="json"), ensure_ascii=False) + "\n")


def process(
    stream: IO[bytes],
    name: str,
    model: type[Record],
    handle: Callable[[Record], BaseModel],
    out: IO[str] | None = None,
    err: IO[str] | None = None,
) -> int:
    """Map `handle` over the good lines of `stream`, writing one output line each; return the bad-line count."""
    out = out or sys.stdout
    errors = LineErrors(name, err or sys.stderr)
    for number, record in read_records(stream, model, errors):
        try:
            result = handle(record)
        except ValueError as error:
            errors.report(number, str(error))
            continue
        write_line(out, result)
    return errors.count
