"""Busy moments: an import and the dashboard's readers on one DuckDB file (issue 10, point 6).

An import reads its file before it takes the write lock (and, on the existing
path, checks it too; the CSV fast path checks it under the lock it writes with),
and announces itself beside the database while it waits for it (data/db.py), so
a stream of readers cannot starve it. While it writes, every page says
"数据正在更新，请稍候" in words and retries by itself, never a traceback.

The other processes are real ones, always killed and reaped at teardown.
"""

from __future__ import annotations

from tests.auth import logged_in
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import data.db
import ui.loaders
from data.db import DatabaseBusy, connect, live_writers
from data.store import import_file, land, prepare_table
from data.importer import KINDS, ImportRefused, read_table
from metrics.periods import month_index
from tests.fixtures_data import PROJECT_ROOT, PYTHON, REGIONS, SNAPSHOTS, make_world, run, snapshot_rows, subprocess_env, write_csv

WRITER = """
import pathlib, sys, time
from data.db import connect
path, seconds, marker = sys.argv[1], float(sys.argv[2]), pathlib.Path(sys.argv[3])
with connect(path, write=True):
    marker.write_text("held")
    time.sleep(seconds)
"""

# Readers back to back: a new reader process every 0.3 s, each holding the file 1 s,
# until the stop file appears. Exit 1 if any reader failed.
RELAY = """
import pathlib, subprocess, sys, time
db, stop, log = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
reader = (
    "import sys, time, pathlib\\n"
    "from data.db import connect\\n"
    "with connect(sys.argv[1], wait_seconds=60) as con:\\n"
    "    con.execute('SELECT COUNT(*) FROM regions').fetchone()\\n"
    "    pathlib.Path(sys.argv[2]).write_text('in')\\n"
    "    time.sleep(1.0)\\n"
)
children = []
while not stop.exists():
    children.append(subprocess.Popen([sys.executable, "-c", reader, db, str(log / f"reader-{len(children)}")]))
    time.sleep(0.3)
sys.exit(max(child.wait() for child in children))
"""

Start = Callable[..., subprocess.Popen]


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Start]:
    """``start(script, *args)``: another Python process in the project's root."""
    started: list[subprocess.Popen] = []

    def launch(script: str, *args: object) -> subprocess.Popen:
        process = subprocess.Popen(
            [PYTHON, "-c", script, *map(str, args)], cwd=PROJECT_ROOT, env=subprocess_env(), stderr=subprocess.PIPE
        )
        started.append(process)
        return process

    yield launch
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        process.stderr.close()


def wait_for(condition: Callable[[], bool], process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"{what}: the other process ended: {process.stderr.read().decode(errors='replace')}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within 60 s")
        time.sleep(0.05)


def hold_write(start: Start, db: Path, marker: Path, seconds: float = 120) -> subprocess.Popen:
    writer = start(WRITER, db, seconds, marker)
    wait_for(marker.exists, writer, "the writer holding the database")
    return writer


def test_an_import_lands_while_readers_run_back_to_back_in_other_processes(capsys, tmp_path, start):
    db = make_world(tmp_path)
    stop, log = tmp_path / "stop", tmp_path / "log"
    log.mkdir()
    relay = start(RELAY, db, stop, log)
    wait_for(lambda: len(list(log.iterdir())) >= 3, relay, "three readers in a row")
    file = write_csv(tmp_path / "snapshots.csv", SNAPSHOTS)
    status, out, err = run(capsys, "--db", db, "import", "snapshots", file)
    stop.touch()
    assert (status, err) == (0, "")
    assert out == f"imported {file} as import 3: 4 snapshots row(s), 4 added, 0 replaced\nadded 4 rows of 2025-12\n"
    assert relay.wait(timeout=120) == 0  # every reader got in too, after the import
    assert len(snapshot_rows(db)) == 4
    assert live_writers(db) == []  # the import took its marker away


def test_a_reader_waits_for_an_announced_writer_and_names_it(tmp_path, start):
    db = make_world(tmp_path)
    writer = hold_write(start, db, tmp_path / "held")
    assert live_writers(db) == [writer.pid]
    with pytest.raises(DatabaseBusy) as caught:
        with connect(db, wait_seconds=0.2):
            pytest.fail("read while a writer is announced")
    assert str(caught.value).startswith(f"{db}: cannot read the database after waiting 0 s: an import or rollback is writing")
    assert f"(PID {writer.pid})" in str(caught.value)


def test_a_marker_left_by_a_killed_writer_is_ignored_and_removed(tmp_path, start):
    db = make_world(tmp_path)
    writer = hold_write(start, db, tmp_path / "held")
    writer.kill()
    writer.wait(timeout=30)
    markers = list(tmp_path.glob("world.duckdb.writer-*"))
    assert len(markers) == 1  # killed: it could not clean up
    with connect(db, wait_seconds=0) as con:
        assert con.execute("SELECT COUNT(*) FROM regions").fetchone() == (4,)
    assert list(tmp_path.glob("world.duckdb.writer-*")) == []


def test_an_import_checked_before_another_write_is_checked_again_inside_the_write(tmp_path):
    """The file was fine when checked; then its regions were rolled back: it is refused, nothing written."""
    db = tmp_path / "db.duckdb"
    import_file(db, "regions", write_csv(tmp_path / "regions.csv", REGIONS))
    file = write_csv(tmp_path / "snapshots.csv", SNAPSHOTS)
    source = str(file)
    prepared = prepare_table(db, "snapshots", read_table(file, KINDS["snapshots"], source=source), source)
    assert prepared.checked.ok
    with connect(db, write=True) as con:
        from data.store import rollback

        rollback(con, 1)
    with pytest.raises(ImportRefused) as caught:
        land(db, prepared)
    assert "region_code" in str(caught.value)
    assert snapshot_rows(db) == []


# --------------------------------------------------------------------------- the dashboard during a write

PAGES = ("overview", "rankings", "gaps", "trends", "pool", "briefing", "targets", "data")
BUSY_ZH = "数据正在更新，请稍候。更新完成后本页会自动刷新。"


@pytest.fixture
def demo_db(demo_copy, monkeypatch) -> Path:
    path = demo_copy("busy")
    monkeypatch.setenv("KUOMIAN_DB", str(path))
    monkeypatch.setattr(ui.loaders, "UI_WAIT_SECONDS", 0.2)
    monkeypatch.setattr(data.db, "DEFAULT_WAIT_SECONDS", 0.2)
    return path


def shown_text(at: AppTest) -> str:
    return " ".join(str(w.value) for w in at.warning)


def test_the_landing_page_says_in_words_that_the_data_is_being_updated(demo_db, tmp_path, start):
    hold_write(start, demo_db, tmp_path / "held")
    at = logged_in(AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert shown_text(at) == BUSY_ZH


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opened_fresh_during_a_write_says_so_in_words(demo_db, tmp_path, start, page):
    hold_write(start, demo_db, tmp_path / "held")
    at = logged_in(AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60))
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert shown_text(at) == BUSY_ZH


@pytest.mark.parametrize("page", [page for page in PAGES if page != "targets"])  # targets reads no month
def test_a_page_that_meets_the_write_halfway_says_so_in_words_and_never_shows_a_traceback(demo_db, tmp_path, start, page):
    """The sidebar's lists were read before the write began (cached); the page's figures for another month are not."""
    at = logged_in(AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)).run()
    assert not at.exception and not at.warning  # free: the overview draws
    hold_write(start, demo_db, tmp_path / "held")
    at.session_state["period"] = month_index("2025-12")
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert BUSY_ZH in shown_text(at)


READER = """
import pathlib, sys, time
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
pathlib.Path(sys.argv[2]).write_text("held")
time.sleep(float(sys.argv[3]))
"""


def test_the_dashboards_upload_waits_for_the_lock_as_long_as_the_cli(demo_db, tmp_path, start, monkeypatch):
    """A page read gives up at once here; the upload's write still waits out a reader and lands."""
    from tests.test_page_data import GOOD_ROWS, SNAPSHOTS_ZH

    monkeypatch.setattr(ui.loaders, "UI_WAIT_SECONDS", 0.0)
    monkeypatch.setattr(data.db, "DEFAULT_WAIT_SECONDS", 60.0)
    at = logged_in(AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)).run()
    at.switch_page("pages/data.py").run()
    at.radio(key="data_kind__zh").set_value("snapshots").run()
    at.file_uploader(key="data_upload_0").set_value(("good.csv", (SNAPSHOTS_ZH + GOOD_ROWS).encode(), "text/csv")).run()
    reader = start(READER, demo_db, tmp_path / "read", 2.0)
    wait_for((tmp_path / "read").exists, reader, "the reader holding the database")
    at.button(key="data_commit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    demo_imports = 6 + 118  # regions, population, pool, actions, tasks (issue 13), the ledger (issue 14), and the snapshots in one import per arrival time
    assert f"已导入 #{demo_imports + 1}（参保缴费快照，good.csv）：新增 1 行，替换 1 行。" in " ".join(s.value for s in at.success)


def test_a_writer_is_seen_beside_a_database_whose_name_looks_like_a_pattern(tmp_path, start):
    db = tmp_path / "[2026] kuomian.duckdb"
    shutil.copyfile(make_world(tmp_path), db)
    writer = hold_write(start, db, tmp_path / "held")
    assert live_writers(db) == [writer.pid]


def test_a_write_in_the_dashboards_process_waits_for_a_read_in_another_of_its_threads(tmp_path):
    """Streamlit runs each session in a thread: an upload's write meets another session's read in one process."""
    import threading

    db = make_world(tmp_path)
    reading, done = threading.Event(), threading.Event()

    def read() -> None:
        with connect(db) as con:
            con.execute("SELECT COUNT(*) FROM regions").fetchone()
            reading.set()
            done.wait(timeout=30)

    reader = threading.Thread(target=read)
    reader.start()
    assert reading.wait(timeout=30)
    with pytest.raises(DatabaseBusy) as caught:
        with connect(db, write=True, wait_seconds=0.2):
            pytest.fail("wrote while this process reads")
    assert "(PID " in str(caught.value) and "this one)" in str(caught.value)
    done.set()
    reader.join(timeout=30)
    with connect(db, write=True, wait_seconds=5) as con:
        assert con.execute("SELECT COUNT(*) FROM regions").fetchone() == (4,)
