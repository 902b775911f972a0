"""Opening the DuckDB file, and what happens when another process holds it.

DuckDB allows one read-write process *or* any number of read-only ones. The
dashboard therefore never keeps the file open: every read opens a short-lived
read-only connection, and every write (an import, a rollback, the demo) opens
a short-lived read-write one. When the other side holds the lock, we wait a
little (an import takes seconds) and then give up with :class:`DatabaseBusy`,
a message meant for a person, never DuckDB's raw ``IOException``.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb

SCHEMA_VERSION = "1"
DEFAULT_WAIT_SECONDS = 15.0
_LOCK_HINTS = ("Could not set lock", "lock on file", "Conflicting lock")


class DatabaseBusy(RuntimeError):
    """The database file is held by another process for longer than we waited."""

    def __init__(self, path: Path, writing: bool, holder: str | None, waited: float):
        self.path, self.writing, self.holder, self.waited = path, writing, holder, waited
        who = f"another process ({holder})" if holder else "another process"
        if writing:
            what = "cannot write to"
            hint = "it is being read or written by " + who + "; close it or try again in a moment"
        else:
            what = "cannot read"
            hint = "an import or rollback is writing to it in " + who + "; try again in a moment"
        super().__init__(f"{path}: {what} the database after waiting {waited:.0f} s: {hint}.")


class DatabaseMissing(FileNotFoundError):
    def __init__(self, path: Path):
        self.path = path
        super().__init__(f"{path}: no database here yet; import data or run `kuomian demo` first.")


def _holder(message: str) -> str | None:
    match = re.search(r"\(PID (\d+)\)", message)
    return f"PID {match.group(1)}" if match else None


def is_lock_error(error: BaseException) -> bool:
    return isinstance(error, duckdb.IOException) and any(hint in str(error) for hint in _LOCK_HINTS)


@contextmanager
def connect(path: Path | str, *, write: bool = False, wait_seconds: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection; waits up to ``wait_seconds`` (default: DEFAULT_WAIT_SECONDS) for a lock."""
    if wait_seconds is None:
        wait_seconds = DEFAULT_WAIT_SECONDS  # read at call time, so the module setting governs
    path = Path(path)
    if not write and not path.exists():
        raise DatabaseMissing(path)
    if write:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    started = time.monotonic()
    while True:
        try:
            con = duckdb.connect(str(path), read_only=not write)
            break
        except duckdb.IOException as error:
            if not is_lock_error(error):
                raise
            if time.monotonic() >= deadline:
                raise DatabaseBusy(path, write, _holder(str(error)), time.monotonic() - started) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
    try:
        if write:
            ensure_schema(con)
        yield con
    finally:
        con.close()


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    sql = resources.files("data").joinpath("schema.sql").read_text(encoding="utf-8")
    con.execute(sql)
    con.execute(
        "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT (key) DO NOTHING", [SCHEMA_VERSION]
    )


def database_version(path: Path | str) -> tuple[int, int]:
    """A cheap fingerprint of the file's content (mtime, size), read without a lock.

    Caches key on it: any write changes it, so a cached figure is never stale
    and never recomputed for nothing.
    """
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return (0, 0)
    wal = Path(str(path) + ".wal")
    wal_stat = wal.stat() if wal.exists() else None
    return (stat.st_mtime_ns + (wal_stat.st_mtime_ns if wal_stat else 0), stat.st_size + (wal_stat.st_size if wal_stat else 0))
