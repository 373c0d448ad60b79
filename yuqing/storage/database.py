"""Engines, sessions and migrations for SQLite (the embedded default) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from yuqing.storage.search import register_sqlite_functions

MIGRATIONS = Path(__file__).with_name("migrations")
CONNECT_TIMEOUT_SECONDS = 10


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets the web server read while the scheduler writes; SQLite leaves foreign keys off unless asked.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def url_problem(url: str) -> str | None:
    """What is wrong with a database URL before anything connects, in one line; None when it can be used. Only
    SQLite and PostgreSQL (with the psycopg driver the project installs) are supported. A SQLite file's folder must
    exist, or be one new folder in an existing one (the data folder of a fresh checkout): a mistyped path is refused
    rather than leaving a tree of folders behind."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return f"{url!r} is not a database URL; expected sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/NAME"
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if (backend == "postgresql" and driver not in ("psycopg", "psycopg2")) or backend not in ("sqlite", "postgresql"):
        return f"{parsed!r}: {parsed.drivername} is not supported; use sqlite:///PATH or postgresql+psycopg://…"
    if backend == "postgresql" and driver == "psycopg2" and "+" in parsed.drivername:
        return f"{parsed!r}: the psycopg2 driver is not installed; use postgresql+psycopg://…"
    if backend == "sqlite" and parsed.database and parsed.database != ":memory:":
        folder = Path(parsed.database).parent
        if not folder.is_dir() and not folder.parent.is_dir():
            return f"{parsed!r}: the folder {folder} does not exist; create it, or correct the path"
    return None


def make_engine(url: str) -> Engine:
    """An engine for `url` (see `url_problem`, checked when the settings load); a plain postgresql:// URL uses the
    psycopg driver; a SQLite file's folder is created when its parent exists; every connection has a timeout."""
    problem = url_problem(url)
    if problem is not None:
        raise ValueError(problem)
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and "+" not in parsed.drivername:
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": CONNECT_TIMEOUT_SECONDS})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "connect", register_sqlite_functions)  # the word index's triggers call them
        return engine
    return create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS})


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back (and nothing half-written) on error."""
    with factory() as session, session.begin():
        yield session


def upsert(session: Session, model: Any) -> Any:
    """An INSERT for `model` that can take ON CONFLICT (both databases have it, each in its own dialect)."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(_alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    command.downgrade(_alembic_config(engine), revision)


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def sqlite_maintenance(engine: Engine) -> str:
    """Keep an always-on SQLite healthy: fold the write-ahead log back and refresh the planner's statistics."""
    with engine.connect() as connection:
        busy, log_frames, checkpointed = connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).one()
    with engine.connect() as connection:
        # ANALYZE writes; taking the write lock first makes it wait out the other jobs (busy timeout) instead of
        # failing at once with "database is locked" when its read snapshot turns stale under a concurrent writer.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        connection.exec_driver_sql("PRAGMA optimize")
        connection.commit()
    return f"checkpointed {checkpointed} of {log_frames} WAL frames" + (" (readers busy)" if busy else "")
