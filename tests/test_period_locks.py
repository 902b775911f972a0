"""Period locks (issue 12, point 3): the office closes a month; nothing lands in it or leaves it until unlocked.

The office locks 2025-12 once the month's bulletin is out. An analyst who then imports a file holding
2025-12 rows, or rolls back an import that wrote some, is refused with the month, who locked it, when
and why, and nothing changes. The office unlocks it with a reason, and both work again; every lock and
unlock stays in the history.
"""

from __future__ import annotations

import datetime as dt

import pytest

from data import approval, upload
from data.access import Actor, cli_actor
from data.db import connect
from data.importer import ImportRefused
from data.store import RollbackLocked, import_file, rollback
from metrics.periods import month_index
from tests.fixtures_data import SNAPSHOTS, SNAPSHOTS_HEADER, dump, make_world, rows_of, run, write_csv

DEC = month_index("2025-12")
AT = dt.datetime(2026, 1, 5, 17, 30)
OFFICE = Actor("office:wang", "office")


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    """Locks are stamped with this moment, so that the messages can be asserted whole."""
    monkeypatch.setattr(approval, "_now", lambda: AT)


@pytest.fixture
def db(tmp_path):
    return make_world(tmp_path)


@pytest.fixture
def imported(capsys, db, tmp_path):
    """Import 3: the 2025-12 snapshots."""
    assert run(capsys, "--db", db, "import", "snapshots", write_csv(tmp_path / "dec.csv", SNAPSHOTS))[0] == 0
    return db


def lock(db, period=DEC, actor=OFFICE, reason="12月已关账"):
    with connect(db, write=True) as con:
        return approval.lock_period(con, period, actor, reason)


def november(tmp_path):
    return write_csv(tmp_path / "nov.csv", [SNAPSHOTS_HEADER, ["2025-11", "530102001", "resident", "880", "300", "450"]])


LOCKED_EN = "2025-12 is locked (by office:wang at 2026-01-05 17:30: 12月已关账)"


def test_an_import_into_a_locked_month_is_refused_naming_the_month_and_who_locked_it(capsys, db, tmp_path):
    lock(db)
    before = dump(db)
    status, out, err = run(capsys, "--db", db, "import", "snapshots", write_csv(tmp_path / "dec.csv", SNAPSHOTS))
    assert status == 1
    assert err.splitlines() == [
        f"{tmp_path / 'dec.csv'}:2: period: {LOCKED_EN}; nothing can be imported into a locked month until the office unlocks it",
        f"{tmp_path / 'dec.csv'}: refused, 1 problem(s); nothing was imported",
    ]
    assert dump(db) == before


def test_the_import_refusal_names_the_first_row_of_each_locked_month_only(db, tmp_path):
    lock(db)
    mixed = write_csv(tmp_path / "mixed.csv", [*SNAPSHOTS, ["2025-11", "530102001", "resident", "880", "300", "450"]])
    with pytest.raises(ImportRefused) as refused:
        import_file(db, "snapshots", mixed)
    assert [(p.row, p.field) for p in refused.value.problems] == [(2, "period")]
    assert refused.value.problems[0].text("zh") == (
        "2025-12 已锁定（office:wang 于 2026-01-05 17:30 锁定：12月已关账），锁定期间不能导入，须由领导小组办公室先解锁"
    )


def test_a_file_of_other_months_imports_while_one_month_is_locked(db, tmp_path):
    lock(db)
    result = import_file(db, "snapshots", november(tmp_path))
    assert result.import_id == 3
    assert rows_of(db, "SELECT COUNT(*) FROM snapshots") == [(1,)]


def test_the_dashboard_preview_says_the_month_is_locked_before_the_commit(db):
    lock(db)
    data = ("\n".join(",".join(row) for row in SNAPSHOTS) + "\n").encode()
    preview = upload.preview(data, "dec.csv", "snapshots", db)
    assert [p.render("dec.csv") for p in preview.problems] == [
        f"dec.csv:2: period: {LOCKED_EN}; nothing can be imported into a locked month until the office unlocks it"
    ]
    assert upload.commit(data, "dec.csv", "snapshots", db).problems == preview.problems


def test_the_rollback_of_an_import_touching_a_locked_month_is_refused(capsys, imported):
    lock(imported)
    before = dump(imported)
    status, out, err = run(capsys, "--db", imported, "rollback", "3")
    assert status == 1
    assert err == f"kuomian rollback: import 3 ({imported.parent / 'dec.csv'}) touches a locked month: {LOCKED_EN}; the office must unlock it before a rollback\n"
    assert dump(imported) == before


def test_the_rollback_refusal_reads_in_chinese_on_the_dashboard(imported):
    lock(imported)
    with connect(imported, write=True) as con, pytest.raises(RollbackLocked) as refused:
        rollback(con, 3)
    assert refused.value.text("zh") == (
        f"导入 3（{imported.parent / 'dec.csv'}）涉及已锁定的统计期：2025-12 已锁定（office:wang 于 2026-01-05 17:30 锁定：12月已关账）；"
        "须由领导小组办公室先解锁才能撤销"
    )


def test_undoing_a_rollback_that_touches_a_locked_month_is_refused(capsys, imported):
    assert run(capsys, "--db", imported, "rollback", "3")[0] == 0  # entry 4: the rollback
    lock(imported)
    status, out, err = run(capsys, "--db", imported, "rollback", "4")
    assert status == 1
    assert err.startswith(f"kuomian rollback: import 4 (rollback of import 3 ({imported.parent / 'dec.csv'})) touches a locked month: {LOCKED_EN}")
    assert rows_of(imported, "SELECT COUNT(*) FROM snapshots") == [(0,)]


def test_a_regions_import_is_not_held_by_a_locked_month(capsys, db, tmp_path):
    lock(db)
    regions = write_csv(tmp_path / "more.csv", [["code", "name", "level", "parent_code"], ["530102003", "新街道", "township", "530102"]])
    assert run(capsys, "--db", db, "import", "regions", regions)[0] == 0


def test_unlocking_with_a_reason_accepts_imports_and_rollbacks_again(capsys, imported, tmp_path):
    assert run(capsys, "--db", imported, "lock", "2025-12", "--reason", "12月已关账") == (
        0, "locked 2025-12: imports and rollbacks touching it are refused until it is unlocked\n", ""
    )  # fmt: skip
    assert run(capsys, "--db", imported, "rollback", "3")[0] == 1
    assert run(capsys, "--db", imported, "unlock", "2025-12", "--reason", "更正护国街道数据") == (
        0, "unlocked 2025-12: imports and rollbacks touching it are accepted again\n", ""
    )  # fmt: skip
    assert run(capsys, "--db", imported, "rollback", "3")[0] == 0
    assert run(capsys, "--db", imported, "import", "snapshots", imported.parent / "dec.csv")[0] == 0


def test_an_unlock_without_a_reason_is_refused(capsys, imported):
    lock(imported)
    assert run(capsys, "--db", imported, "unlock", "2025-12", "--reason", "  ") == (
        1, "", "kuomian unlock: an unlock needs a reason (--reason TEXT)\n"
    )  # fmt: skip
    with connect(imported) as con:
        assert list(approval.current_locks(con)) == [DEC]


def test_the_unlock_command_requires_the_reason_option(capsys, imported):
    assert run(capsys, "--db", imported, "unlock", "2025-12")[0] == 2


def test_locking_a_locked_month_again_is_refused(capsys, db):
    lock(db)
    assert run(capsys, "--db", db, "lock", "2025-12", "--reason", "again") == (
        1, "", f"kuomian lock: cannot lock it again: {LOCKED_EN}\n"
    )  # fmt: skip


def test_unlocking_a_month_that_is_not_locked_is_refused(capsys, db):
    assert run(capsys, "--db", db, "unlock", "2025-12", "--reason", "x") == (
        1, "", "kuomian unlock: 2025-12 is not locked; nothing to unlock\n"
    )  # fmt: skip


@pytest.mark.parametrize(
    "actor",
    [Actor("town", "reporter", "530102001"), Actor("county", "reporter", "530102"), Actor("mayor", "viewer")],
    ids=["township", "county", "viewer"],
)
def test_only_the_office_or_an_administrator_locks_a_month(db, actor):
    with pytest.raises(approval.ApprovalRefused) as refused:
        lock(db, actor=actor)
    assert str(refused.value) == f"{actor.account} ({actor.role}) may not lock a period: only the office (or an administrator) does"
    with connect(db) as con:
        assert approval.current_locks(con) == {}


def test_the_lock_history_keeps_every_lock_and_unlock_with_who_when_and_why(capsys, db):
    me = cli_actor().account
    assert run(capsys, "--db", db, "lock", "2025-12", "--reason", "12月已关账")[0] == 0
    assert run(capsys, "--db", db, "unlock", "2025-12", "--reason", "更正")[0] == 0
    assert run(capsys, "--db", db, "lock", "2025-11", "--reason", "11月已关账")[0] == 0
    status, out, err = run(capsys, "--db", db, "locks")
    assert status == 0
    assert [line.split() for line in out.splitlines()] == [
        ["period", "action", "at", "by", "reason"],
        ["2025-11", "lock", "2026-01-05", "17:30", me, "11月已关账"],
        ["2025-12", "unlock", "2026-01-05", "17:30", me, "更正"],
        ["2025-12", "lock", "2026-01-05", "17:30", me, "12月已关账"],
    ]
    with connect(db) as con:
        assert list(approval.current_locks(con)) == [month_index("2025-11")]


def test_a_database_made_before_locks_reads_as_having_none(tmp_path):
    import duckdb

    path = tmp_path / "old.duckdb"
    duckdb.connect(str(path)).close()
    with connect(path) as con:
        assert approval.current_locks(con) == {}
        assert approval.submissions(con).empty
