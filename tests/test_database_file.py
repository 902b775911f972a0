"""``--db`` pointing at something that is not kuomian's database (issue 10, point 2).

An analyst mistypes ``--db`` (the spreadsheet instead of the database, a
folder, a file cut short by a full disk). Every verb says so in one line naming
the path and what to give instead, exits 1, and prints no traceback.
"""

from __future__ import annotations

from tests.auth import logged_in
from pathlib import Path

import pytest

from data.db import DatabaseUnreadable, connect
from tests.fixtures_data import REGIONS, run, write_csv

NOT_DUCKDB = (
    "is not a DuckDB database (another kind of file, or a damaged one); "
    "give kuomian's database file, or a new file name to start one (--db or KUOMIAN_DB)"
)
A_DIRECTORY = "is a directory, not a database file; give the path of a .duckdb file (--db or KUOMIAN_DB)"

BAD_FILES = {
    "a CSV file": (lambda path: path.write_text("code,name\n5303,曲靖市\n", encoding="utf-8"), NOT_DUCKDB),
    "random bytes": (lambda path: path.write_bytes(bytes(range(256)) * 20), NOT_DUCKDB),
    "a directory": (lambda path: path.mkdir(), A_DIRECTORY),
}


def verbs(tmp_path: Path) -> dict[str, list[str]]:
    regions = write_csv(tmp_path / "regions.csv", REGIONS)
    return {
        "import": ["import", "regions", str(regions)],
        "metrics": ["metrics", "--period", "2025-12"],
        "metrics --pool": ["metrics", "--pool", "--period", "2025-12"],
        "history": ["history"],
        "rollback": ["rollback", "1"],
        "demo": ["demo"],
        "export": ["export", "briefing", "--period", "2025-12", "--out", str(tmp_path / "b.png")],
        "bulletin": ["bulletin", "--quarter", "2025Q4", "--out", str(tmp_path / "b.xlsx")],
    }


@pytest.mark.parametrize("bad", list(BAD_FILES))
@pytest.mark.parametrize("verb", ["import", "metrics", "metrics --pool", "history", "rollback", "demo", "export", "bulletin"])
def test_every_verb_refuses_a_db_that_is_not_a_database_in_one_line(capsys, tmp_path, bad, verb):
    make, reason = BAD_FILES[bad]
    db = tmp_path / "kuomian.duckdb"
    make(db)
    argv = verbs(tmp_path)[verb]
    before = sorted(p.name for p in tmp_path.iterdir())
    status, out, err = run(capsys, "--db", db, *argv)
    assert (status, out) == (1, "")
    assert err == f"kuomian: {db}: {reason}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written beside it


def test_a_file_that_is_not_a_database_raises_database_unreadable_with_nothing_chained(tmp_path):
    db = tmp_path / "notes.duckdb"
    db.write_text("hello", encoding="utf-8")
    for write in (False, True):
        with pytest.raises(DatabaseUnreadable) as caught:
            with connect(db, write=write):
                pytest.fail("opened a file that is not a database")
        assert str(caught.value) == f"{db}: {NOT_DUCKDB}"
        assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert db.read_text(encoding="utf-8") == "hello"


def test_an_empty_file_becomes_a_new_database_on_the_first_write(capsys, tmp_path):
    db = tmp_path / "new.duckdb"
    db.touch()
    status, out, err = run(capsys, "--db", db, "import", "regions", write_csv(tmp_path / "regions.csv", REGIONS))
    assert (status, err) == (0, "")
    assert out.startswith(f"imported {tmp_path / 'regions.csv'} as import 1: ")


def test_a_db_inside_a_file_instead_of_a_folder_is_refused_in_one_line(capsys, tmp_path):
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    db = tmp_path / "notes.txt" / "kuomian.duckdb"
    status, out, err = run(capsys, "--db", db, "demo")
    assert (status, out) == (1, "")
    assert err == (
        f"kuomian: {db}: its folder cannot be made (File exists); "
        "give a path in a folder you may write to (--db or KUOMIAN_DB)\n"
    )


def test_the_dashboard_says_in_words_that_its_database_cannot_be_opened(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.fixtures_data import PROJECT_ROOT

    db = tmp_path / "kuomian.duckdb"
    db.write_text("code,name\n", encoding="utf-8")
    monkeypatch.setenv("KUOMIAN_DB", str(db))
    at = logged_in(AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)).run()
    assert not at.exception
    assert [e.value for e in at.error] == [f"无法打开数据库：{db}: {NOT_DUCKDB}"]


@pytest.mark.parametrize("name", ["regions.csv", "pool.parquet", "notes.json"])
@pytest.mark.parametrize("verb", ["demo", "history", "import"])
def test_a_db_named_like_a_data_file_is_refused_not_opened_as_a_view(capsys, tmp_path, name, verb):
    # DuckDB opens data.csv as an in-memory database with the file as a view: `demo` said "loaded"
    # and kept nothing, a read leaked "Catalog Error: Cannot launch in-memory database".
    (tmp_path / "given").mkdir()
    db = tmp_path / "given" / name
    db.write_text("code,name\n5303,曲靖市\n", encoding="utf-8")
    status, out, err = run(capsys, "--db", db, *verbs(tmp_path)[verb])
    assert (status, out) == (1, "")
    assert err == f"kuomian: {db}: {NOT_DUCKDB}\n"
    assert db.read_text(encoding="utf-8") == "code,name\n5303,曲靖市\n"
