"""The index writer role, held by one process at a time: an exclusive ``flock`` on a file (one
host, the embedded setup) or a PostgreSQL advisory lock (any number of hosts sharing the
catalog database)."""

from __future__ import annotations

import fcntl
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text


class FileLock:
    """An exclusive ``flock``: released by the kernel when its holder dies, however it dies."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @contextmanager
    def hold(self, *, wait: bool) -> Iterator[bool]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


class PostgresAdvisoryLock:
    """A session-level advisory lock on the catalog database: released when its connection
    closes, so a killed holder never leaves it taken."""

    def __init__(self, engine: Engine, name: str) -> None:
        self.engine = engine
        self.key = zlib.crc32(name.encode())

    @contextmanager
    def hold(self, *, wait: bool) -> Iterator[bool]:
        with self.engine.connect() as connection:
            if wait:
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": self.key})
                acquired = True
            else:
                acquired = bool(connection.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar())
            connection.commit()
            try:
                yield acquired
            finally:
                if acquired:
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"),
                                       {"key": self.key})
                    connection.commit()
