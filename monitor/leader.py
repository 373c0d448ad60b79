"""One instance runs the scheduled jobs on a database: the one holding its leader lock for as long as it lives.

Two services on one database would crawl, group and alert twice. The lock dies with its holder, however it ends
(kill -9 included), so a restart after a crash never waits for a stale lease: on SQLite a `flock` on a file beside
the database (`yuqing.db.leader`, which also names the holder's process), on PostgreSQL a session advisory lock
held on a connection of its own. A second instance (`run` or `run --once`) says who holds it and exits 1 before
doing any work; `serve` (the web server alone) takes no lock.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, Engine, text

_ADVISORY_KEY = 0x79_75_71_69_6E_67  # "yuqing": one key per database, the lock is the database's


class LeaderTaken(Exception):
    """Another instance holds the lock; the message says which."""


class LeaderLock:
    """Held from `acquire` until the process ends (or `release`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._file: IO[str] | None = None
        self._connection: Connection | None = None

    def acquire(self) -> None:
        if self.engine.dialect.name == "postgresql":
            self._connection = self.engine.connect()
            held = self._connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": _ADVISORY_KEY})
            if not held.scalar_one():
                self._connection.close()
                self._connection = None
                raise LeaderTaken(f"another yuqing instance runs the jobs on {self.engine.url!r}")
            self._connection.commit()  # the lock is the session's, not the transaction's
            return
        path = Path(f"{self.engine.url.database}.leader")
        handle = path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise LeaderTaken(
                f"another yuqing instance (process {holder}) runs the jobs on {path.with_suffix('')}"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if self._file is not None:
            self._file.close()
            self._file = None
