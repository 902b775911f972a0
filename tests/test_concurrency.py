"""Two processes and one DuckDB file (data/db.py).

DuckDB allows one read-write process *or* any number of read-only ones. A
command that finds the file held waits (up to ``DEFAULT_WAIT_SECONDS``) and
then either lands or gives up with :class:`DatabaseBusy`: a message naming
the file and saying to try again, never DuckDB's raw ``IOException``.

The other process is a real one (``python -c``) holding the file; it is
always killed and reaped at teardown.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

import data.db
from data.db import DatabaseBusy, connect
from tests.fixtures_data import PYTHON, SNAPSHOTS, dump, make_world, run, snapshot_rows, subprocess_env, write_csv

HOLDER = """
import pathlib, sys, time
import duckdb
path, mode, seconds, marker = sys.argv[1], sys.argv[2], float(sys.argv[3]), pathlib.Path(sys.argv[4])
con = duckdb.connect(path, read_only=(mode == "read"))
marker.write_text("held")
time.sleep(seconds)
con.close()
"""

Hold = Callable[..., subprocess.Popen]


@pytest.fixture
def hold(tmp_path: Path) -> Iterator[Hold]:
    """``hold(db, "read" | "write", seconds)``: another process holding the file, returned once it holds it."""
    started: list[subprocess.Popen] = []

    def start(db: Path, mode: str, seconds: float) -> subprocess.Popen:
        marker = tmp_path / f"held-{len(started)}"
        process = subprocess.Popen(
            [PYTHON, "-c", HOLDER, str(db), mode, str(seconds), str(marker)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=subprocess_env(),
        )
        started.append(process)
        deadline = time.monotonic() + 30
        while not marker.exists():
            if process.poll() is not None:
                pytest.fail(f"the holder died: {process.stderr.read().decode(errors='replace')}")
            if time.monotonic() > deadline:
                pytest.fail("the holder did not get hold of the database within 30 s")
            time.sleep(0.02)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        process.stderr.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_world(tmp_path)


def busy_pattern(db: Path, pid: int, writing: bool) -> str:
    if writing:
        tail = rf"cannot write to the database after waiting \d+ s: it is being read or written by another process \(PID {pid}\); close it or try again in a moment\."
    else:
        tail = rf"cannot read the database after waiting \d+ s: an import or rollback is writing to it in another process \(PID {pid}\); try again in a moment\."
    return "^" + re.escape(str(db)) + ": " + tail + "$"


def test_import_waits_for_a_reader_and_then_lands(capsys, db, tmp_path, hold):
    file = write_csv(tmp_path / "snapshots.csv", SNAPSHOTS)
    holder = hold(db, "read", 2.0)
    started = time.monotonic()
    status, out, err = run(capsys, "--db", db, "import", "snapshots", file)
    waited = time.monotonic() - started
    assert (status, err) == (0, "")
    assert out == f"imported {file} as import 3: 4 snapshots row(s), 4 added, 0 replaced\nadded 4 rows of 2025-12\n"
    assert waited >= 1.0  # it could not have started before the reader let go
    assert holder.wait(timeout=10) == 0
    assert len(snapshot_rows(db)) == 4


def test_write_gives_up_with_database_busy_naming_the_file_and_the_holder(db, hold):
    holder = hold(db, "read", 60)
    started = time.monotonic()
    with pytest.raises(DatabaseBusy) as caught:
        with connect(db, write=True, wait_seconds=0.5):
            pytest.fail("connected although another process holds the file")
    assert time.monotonic() - started >= 0.5  # it waited as long as it was told before giving up
    assert re.match(busy_pattern(db, holder.pid, writing=True), str(caught.value))
    assert not isinstance(caught.value, duckdb.Error)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__  # no IOException chained on


def test_import_command_exits_1_with_the_busy_message_and_changes_nothing(capsys, db, tmp_path, hold, monkeypatch):
    monkeypatch.setattr(data.db, "DEFAULT_WAIT_SECONDS", 0.5)
    before = dump(db)
    file = write_csv(tmp_path / "snapshots.csv", SNAPSHOTS)
    holder = hold(db, "read", 60)
    status, out, err = run(capsys, "--db", db, "import", "snapshots", file)
    assert (status, out) == (1, "")
    assert err.endswith("\n") and err.count("\n") == 1
    assert err.startswith("kuomian: ")
    assert re.match(busy_pattern(db, holder.pid, writing=True), err[len("kuomian: "):-1])
    assert "IOException" not in err and "IO Error" not in err and "Traceback" not in err
    holder.kill()
    holder.wait(timeout=10)
    assert dump(db) == before


def test_rollback_command_exits_1_with_the_busy_message(capsys, db, hold, monkeypatch):
    monkeypatch.setattr(data.db, "DEFAULT_WAIT_SECONDS", 0.3)
    holder = hold(db, "read", 60)
    status, out, err = run(capsys, "--db", db, "rollback", "2")
    assert (status, out) == (1, "")
    assert re.match(busy_pattern(db, holder.pid, writing=True), err.removeprefix("kuomian: ").rstrip("\n"))


def test_reader_gives_up_with_database_busy_while_a_writer_holds_the_file(db, hold):
    holder = hold(db, "write", 60)
    with pytest.raises(DatabaseBusy) as caught:
        with connect(db, wait_seconds=0.5):
            pytest.fail("read although another process writes")
    assert re.match(busy_pattern(db, holder.pid, writing=False), str(caught.value))
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_metrics_command_exits_1_with_the_busy_message_while_a_writer_holds_the_file(capsys, db, hold, monkeypatch):
    monkeypatch.setattr(data.db, "DEFAULT_WAIT_SECONDS", 0.3)
    holder = hold(db, "write", 60)
    status, out, err = run(capsys, "--db", db, "metrics", "--period", "2025-12")
    assert (status, out) == (1, "")
    assert re.match(busy_pattern(db, holder.pid, writing=False), err.removeprefix("kuomian: ").rstrip("\n"))


def test_reader_waits_for_a_writer_and_then_reads(capsys, db, hold):
    holder = hold(db, "write", 1.5)
    started = time.monotonic()
    status, out, err = run(capsys, "--db", db, "history")
    assert (status, err) == (0, "")
    assert time.monotonic() - started >= 0.5
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["2", "1"]
    assert holder.wait(timeout=10) == 0


def test_many_readers_at_once_do_not_wait(db, hold):
    hold(db, "read", 60)
    with connect(db, wait_seconds=0) as con:  # no wait allowed: a busy file would raise DatabaseBusy at once
        assert con.execute("SELECT COUNT(*) FROM regions").fetchone() == (4,)
