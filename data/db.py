"""Opening the DuckDB file, and what happens when another process holds it.

DuckDB allows one read-write process *or* any number of read-only ones. The
dashboard therefore never keeps the file open: every read opens a short-lived
read-only connection, and every write (an import, a rollback, the demo) opens
a short-lived read-write one. When the other side holds the lock, we wait a
little (an import takes seconds) and then give up with :class:`DatabaseBusy`,
a message meant for a person, never DuckDB's raw ``IOException``.

Writers go first (issue 10, point 6). Readers come and go all the time (every
page of every session); left alone, a steady stream of them keeps the file
read-locked and starves an import. So:

1. A writer announces itself before it asks for the lock: it creates a marker
   file beside the database, ``<db>.writer-<pid>-<nonce>`` holding its PID,
   and removes it once its connection is closed (also when it gives up).
2. A reader, before opening, waits while any *live* marker is there (its PID
   still runs; a marker left by a killed process is removed and ignored), then
   opens as usual. Readers already in keep their (short) connection; no new
   one starts, so the writer gets the lock as soon as they finish.
3. A reader that still sees a marker when its wait is over gives up with
   :class:`DatabaseBusy` (``writing=False``, naming the writer's PID): the
   dashboard says "the data is being updated" and retries; the CLI exits 1.

A writer must not open a read-only connection while its own marker stands:
it would wait for itself. Imports therefore read and check the file on a
read-only connection first, and only then announce themselves and write
(``data.store.import_file``). A clean CSV file (the fast path, ``data.fast_csv``)
is streamed and parsed with no connection to the database, then checked and
written on one read-write connection (``existing=True``: nothing is created, and
the schema is brought up to date only once the check has passed), so no other
write can land between its check and its write.
"""

from __future__ import annotations

import glob
import os
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb

SCHEMA_VERSION = "1"
DEFAULT_WAIT_SECONDS = 15.0
_LOCK_HINTS = ("Could not set lock", "lock on file", "Conflicting lock")
# In one process (the dashboard: one thread per session) a read-only and a read-write connection to one
# file cannot coexist either; DuckDB says so with this ConnectionException. It passes as a lock does.
_SAME_PROCESS_HINT = "different configuration than existing connections"


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


class DatabaseUnreadable(RuntimeError):
    """The path is not a DuckDB database kuomian can open: a directory, another kind of file, unreadable."""

    def __init__(self, path: Path, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"{path}: {reason}")


NOT_DUCKDB = (
    "is not a DuckDB database (another kind of file, or a damaged one); "
    "give kuomian's database file, or a new file name to start one (--db or KUOMIAN_DB)"
)
_MAGIC_OFFSET, _MAGIC = 8, b"DUCK"  # every DuckDB file: an 8-byte checksum, then this


def _not_duckdb(path: Path) -> bool:
    """A regular, non-empty file that lacks DuckDB's magic bytes.

    Checked before DuckDB sees the path: given ``data.csv`` (or ``.parquet``, ``.json``), DuckDB opens an
    in-memory database with the file as a view instead of refusing it, so ``kuomian --db data.csv demo``
    said "loaded" and kept nothing, and a read leaked "Cannot launch in-memory database in read-only mode".
    """
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return False
        with path.open("rb") as handle:
            head = handle.read(_MAGIC_OFFSET + len(_MAGIC))
    except OSError:
        return False  # DuckDB then says what is wrong (permission, ...)
    return head[_MAGIC_OFFSET:] != _MAGIC


def _unreadable(path: Path, error: BaseException) -> DatabaseUnreadable:
    """A sentence for a database file DuckDB could not open (other than for a lock)."""
    text = str(error)
    if path.is_dir():
        reason = "is a directory, not a database file; give the path of a .duckdb file (--db or KUOMIAN_DB)"
    elif path.exists() and not os.access(path, os.R_OK):
        reason = "cannot be read (permission denied); give a database file you may read (--db or KUOMIAN_DB)"
    elif "not a valid DuckDB database" in text:
        reason = NOT_DUCKDB
    else:
        first = text.splitlines()[0] if text else type(error).__name__
        reason = "cannot be opened as a database: " + first.removeprefix("IO Error: ")
    return DatabaseUnreadable(path, reason)


class DatabaseMissing(FileNotFoundError):
    def __init__(self, path: Path):
        self.path = path
        super().__init__(f"{path}: no database here yet; import data or run `kuomian demo` first.")


def _holder(message: str) -> str | None:
    match = re.search(r"\(PID (\d+)\)", message)
    if match:
        return f"PID {match.group(1)}"
    return f"PID {os.getpid()}, this one" if _SAME_PROCESS_HINT in message else None


def is_lock_error(error: BaseException) -> bool:
    """Whether DuckDB refused the file because someone else holds it (another process, or this one)."""
    if isinstance(error, duckdb.ConnectionException):
        return _SAME_PROCESS_HINT in str(error)
    return isinstance(error, duckdb.IOException) and any(hint in str(error) for hint in _LOCK_HINTS)


WRITER_MARK = ".writer-"  # the marker's name is the database's name + this + "<pid>-<nonce>"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def live_writers(path: Path | str) -> list[int]:
    """PIDs of the writers announced beside ``path`` (see the protocol above); stale markers are removed."""
    path = Path(path)
    pids = []
    try:
        markers = list(path.parent.glob(glob.escape(path.name + WRITER_MARK) + "*"))
    except OSError:
        return []
    for marker in markers:
        try:
            pid = int(marker.read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            continue  # removed just now, or not one of ours
        if pid > 0 and _pid_alive(pid):
            pids.append(pid)
        else:
            marker.unlink(missing_ok=True)
    return sorted(pids)


@contextmanager
def announce_writer(path: Path | str) -> Iterator[Path | None]:
    """Stand a writer's marker beside ``path`` while the block runs (None where it cannot be written)."""
    path = Path(path)
    nonce = f"{os.getpid()}-{secrets.token_hex(4)}"
    marker = path.with_name(f"{path.name}{WRITER_MARK}{nonce}")
    draft = path.with_name(f".{path.name}.draft-{nonce}")
    try:
        draft.write_text(str(os.getpid()), encoding="ascii")
        os.replace(draft, marker)  # whole at once: a reader never sees it half written
    except OSError:
        draft.unlink(missing_ok=True)
        marker = None  # a read-only place: the write will say so itself
    try:
        yield marker
    finally:
        if marker is not None:
            marker.unlink(missing_ok=True)


def _wait_for_writers(path: Path, deadline: float, started: float) -> None:
    """A reader's step 2: wait while a writer is announced; DatabaseBusy at the deadline."""
    delay = 0.05
    while True:
        writers = live_writers(path)
        if not writers:
            return
        if time.monotonic() >= deadline:
            raise DatabaseBusy(path, False, f"PID {writers[0]}", time.monotonic() - started)
        time.sleep(delay)
        delay = min(delay * 2, 0.5)


@contextmanager
def connect(
    path: Path | str, *, write: bool = False, wait_seconds: float | None = None, existing: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection; waits up to ``wait_seconds`` (default: DEFAULT_WAIT_SECONDS) for a lock.

    A reader first waits for announced writers, a writer announces itself (the
    protocol above). ``existing`` (a writer): only an existing database, opened as
    it is (no file made, no schema applied: the caller runs :func:`ensure_schema`
    before it writes), so a write that ends up refused changes no byte.
    Raises :class:`DatabaseMissing` (a reader, or an ``existing`` writer: no file),
    :class:`DatabaseBusy` (still held at the end of the wait) or
    :class:`DatabaseUnreadable` (a directory, not a DuckDB file, unreadable).
    """
    if wait_seconds is None:
        wait_seconds = DEFAULT_WAIT_SECONDS  # read at call time, so the module setting governs
    path = Path(path)
    if (existing or not write) and (not path.exists() or _empty_file(path)):
        raise DatabaseMissing(path)
    if write:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            reason = f"its folder cannot be made ({error.strerror or error}); give a path in a folder you may write to (--db or KUOMIAN_DB)"
            raise DatabaseUnreadable(path, reason) from None
        if _empty_file(path):
            path.unlink()  # an empty file holds nothing: start the database in its place
    if _not_duckdb(path):
        raise DatabaseUnreadable(path, NOT_DUCKDB) from None
    started = time.monotonic()
    deadline = started + wait_seconds
    with announce_writer(path) if write else _no_marker():
        if not write:
            _wait_for_writers(path, deadline, started)
        delay = 0.05
        while True:
            try:
                con = duckdb.connect(str(path), read_only=not write)
                break
            except duckdb.Error as error:
                if not is_lock_error(error):
                    raise _unreadable(path, error) from None
                if time.monotonic() >= deadline:
                    raise DatabaseBusy(path, write, _holder(str(error)), time.monotonic() - started) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.5)
        try:
            if write and not existing:
                ensure_schema(con)
            yield con
        finally:
            con.close()


def _empty_file(path: Path) -> bool:
    """A zero-byte file and no WAL: holds nothing (e.g. made by ``touch``), so it counts as no database yet."""
    return path.is_file() and path.stat().st_size == 0 and not Path(str(path) + ".wal").exists()


@contextmanager
def _no_marker() -> Iterator[None]:
    yield None


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
