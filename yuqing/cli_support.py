"""What every `yuqing` subcommand shares: exit codes, failing with a message, loading config, opening the database.

Exit status: 0 done; 1 an error (config, database, usage), with the reason on stderr; 2 some input lines were
reported and skipped (the rest was processed); 3 the stage behind the command is not built yet.
"""

from __future__ import annotations

import getpass
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Annotated, NoReturn

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from yuqing.settings import ConfigError, Settings, load_settings

EXIT_ERROR, EXIT_SKIPPED_LINES, EXIT_NOT_BUILT = 1, 2, 3

InputFile = Annotated[
    Path | None, typer.Argument(help="JSON Lines input; standard input when left out.", show_default=False)
]


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    typer.echo(f"yuqing: {message}", err=True)
    raise typer.Exit(code)


def settings_or_exit() -> Settings:
    """Load the config before anything touches the database, so a bad file changes nothing."""
    try:
        return load_settings()
    except ConfigError as error:
        fail(f"configuration error:\n{error}")


def engine_at_head(settings: Settings) -> Engine:
    """The database engine, refusing to work on a schema older than the code."""
    from yuqing.storage.database import current_revision, head_revision, make_engine

    engine = make_engine(settings.database_url)
    try:
        current = current_revision(engine)
    except SQLAlchemyError as error:
        fail(f"cannot open the database {engine.url!r}: {str(error.__cause__ or error).splitlines()[0]}")
    if current != head_revision():
        fail(
            f"the database {engine.url!r} is at revision {current or 'none'}, not {head_revision()}; "
            "run `yuqing db upgrade`"
        )
    return engine


def open_input(stack: ExitStack, path: Path | None) -> tuple[IO[bytes], str]:
    """The input as bytes (`yuqing.jsonl` decodes it line by line) and its name for error messages."""
    if path is None:
        return sys.stdin.buffer, "stdin"
    try:
        return stack.enter_context(path.open("rb")), str(path)
    except OSError as error:
        fail(f"cannot read {path}: {error.strerror}")


def not_built(command: str, stage: str) -> NoReturn:
    fail(f"`yuqing {command}`: the {stage} is not built yet; nothing was done", EXIT_NOT_BUILT)


def actor(by: str | None = None) -> str:
    """Who an audited change is recorded under: the named console user, else the shell user."""
    return by or f"cli:{getpass.getuser()}"
