"""`kuomian import pool|actions`: reading, checking, replacing and rolling back (spec: pool.md, cli.md).

Real files in tmp_path, a real DuckDB there, the command run in-process
through ``cli.main.main``; a refused file leaves every table, the pool's
included, exactly as it was.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import duckdb
import pytest

from tests.fixtures_data import PROJECT_ROOT, PYTHON, TABLES, make_world, run, subprocess_env, write_csv, write_xlsx

POOL_HEADER = ["period", "region_code", "group", "identified", "enrolled_employee", "enrolled_resident"]
POOL_ZH = ["统计期", "区划代码", "群体", "已识别人数", "参加职工养老人数", "参加居民养老人数"]
ACTIONS_HEADER = ["period", "region_code", "action", "enrolled"]
ACTIONS_ZH = ["统计期", "区划代码", "行动", "参保人数"]
ALL_TABLES = (*TABLES, "pool", "actions", "replaced_pool", "replaced_actions")
GROUP_HINT = "is not a group (1 to 8, or its name, e.g. 4 or 新就业形态劳动者)"
ACTION_HINT = "is not an action (1 to 6, or its name, e.g. 1 or 精准宣传动员一批)"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """昆明市 > 五华区 > 华山街道 530102001, 护国街道 530102002 (imports 1 and 2)."""
    return make_world(tmp_path)


def dump(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {table: sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in ALL_TABLES}
    finally:
        con.close()


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def pool_rows(db: Path) -> list[tuple]:
    return rows(
        db,
        "SELECT printf('%04d-%02d', (period - 1) // 12, (period - 1) % 12 + 1), region_code, group_id,"
        " identified, enrolled_employee, enrolled_resident FROM pool ORDER BY ALL",
    )


def import_(capsys, db: Path, kind: str, file: Path) -> tuple[int, str, str]:
    return run(capsys, "--db", db, "import", kind, file)


def refused(capsys, db: Path, kind: str, file: Path) -> list[str]:
    """Exit 1, nothing on stdout, every table as before; the problem lines."""
    before = dump(db)
    status, out, err = import_(capsys, db, kind, file)
    assert (status, out) == (1, "")
    assert dump(db) == before
    *lines, last = err.splitlines()
    assert last == f"{file}: refused, {len(lines)} problem(s); nothing was imported"
    return lines


def pool_file(tmp_path: Path, *body, header=POOL_HEADER, name="pool.csv") -> Path:
    return write_csv(tmp_path / name, [header, *body])


def actions_file(tmp_path: Path, *body, header=ACTIONS_HEADER, name="actions.csv") -> Path:
    return write_csv(tmp_path / name, [header, *body])


# --------------------------------------------------------------------------- accepted


def test_pool_with_chinese_headers_and_group_names_lands(capsys, db, tmp_path):
    file = pool_file(
        tmp_path,
        ["2025年12月", "530102001", "新就业形态劳动者", "120", "30", "10"],
        ["2025/12", "530102001", "7", "50", "0", "40"],
        ["2025-12", "530102002", "被征地农民等享受政府参保缴费补贴政策人员", "400", "50", "150"],
        header=POOL_ZH,
    )
    status, out, err = import_(capsys, db, "pool", file)
    assert (status, err) == (0, "")
    assert out == f"imported {file} as import 3: 3 pool row(s), 3 added, 0 replaced\nadded 3 rows of 2025-12\n"
    assert pool_rows(db) == [
        ("2025-12", "530102001", 4, 120, 30, 10),
        ("2025-12", "530102001", 7, 50, 0, 40),
        ("2025-12", "530102002", 2, 400, 50, 150),
    ]


def test_pool_with_english_headers_lands_and_enrolled_may_equal_identified(capsys, db, tmp_path):
    file = pool_file(tmp_path, ["2025-12", "530102", "08", "90", "60", "30"])
    assert import_(capsys, db, "pool", file)[0] == 0
    assert pool_rows(db) == [("2025-12", "530102", 8, 90, 60, 30)]


def test_pool_from_an_xlsx_with_numbers_typed_as_numbers_lands(capsys, db, tmp_path):
    file = write_xlsx(tmp_path / "pool.xlsx", {"实名库": [POOL_ZH, ["2025-12", "530102001", 4, 120, 30, 10]]})
    assert import_(capsys, db, "pool", file)[0] == 0
    assert pool_rows(db) == [("2025-12", "530102001", 4, 120, 30, 10)]


def test_actions_with_chinese_headers_and_action_names_land(capsys, db, tmp_path):
    file = actions_file(
        tmp_path,
        ["2025-12", "530102001", "精准宣传动员一批", "35"],
        ["2025-12", "530102001", "政府帮扶兜底", "12"],
        ["2025-12", "530102001", "3", "4"],
        header=ACTIONS_ZH,
    )
    status, out, err = import_(capsys, db, "actions", file)
    assert (status, err) == (0, "")
    assert out == f"imported {file} as import 3: 3 actions row(s), 3 added, 0 replaced\nadded 3 rows of 2025-12\n"
    assert rows(db, "SELECT period, region_code, action_id, enrolled, import_id FROM actions ORDER BY action_id") == [
        (24312, "530102001", 1, 35, 3),
        (24312, "530102001", 3, 4, 3),
        (24312, "530102001", 6, 12, 3),
    ]


# --------------------------------------------------------------------------- refused, every problem named


def test_negative_and_fractional_counts_are_refused(capsys, db, tmp_path):
    file = pool_file(tmp_path, ["2025-12", "530102001", "4", "-3", "0", "0"], ["2025-12", "530102001", "5", "12.5", "0", "0"])
    assert refused(capsys, db, "pool", file) == [
        f"{file}:2: identified: -3 is negative",
        f"{file}:3: identified: '12.5' is not a whole number",
    ]


def test_more_enrolled_than_identified_is_refused_naming_the_numbers(capsys, db, tmp_path):
    file = pool_file(tmp_path, ["2025-12", "530102001", "4", "120", "80", "50"])
    assert refused(capsys, db, "pool", file) == [
        f"{file}:2: enrolled_employee+enrolled_resident: 80 + 50 = 130 is more than identified (120)"
    ]


@pytest.mark.parametrize("written", ["9", "0", "平台", "4a"])
def test_group_outside_one_to_eight_is_refused(capsys, db, tmp_path, written):
    file = pool_file(tmp_path, ["2025-12", "530102001", written, "120", "30", "10"])
    assert refused(capsys, db, "pool", file) == [f"{file}:2: group: '{written}' {GROUP_HINT}"]


def test_empty_group_is_refused(capsys, db, tmp_path):
    file = pool_file(tmp_path, ["2025-12", "530102001", "", "120", "30", "10"])
    assert refused(capsys, db, "pool", file) == [f"{file}:2: group: is empty"]


@pytest.mark.parametrize("written", ["7", "宣传"])
def test_action_outside_one_to_six_is_refused(capsys, db, tmp_path, written):
    file = actions_file(tmp_path, ["2025-12", "530102001", written, "5"])
    assert refused(capsys, db, "actions", file) == [f"{file}:2: action: '{written}' {ACTION_HINT}"]


def test_negative_action_enrolment_is_refused(capsys, db, tmp_path):
    file = actions_file(tmp_path, ["2025-12", "530102001", "1", "-1"])
    assert refused(capsys, db, "actions", file) == [f"{file}:2: enrolled: -1 is negative"]


def test_unknown_region_and_malformed_period_are_refused(capsys, db, tmp_path):
    file = pool_file(tmp_path, ["2025-12", "530102999", "4", "120", "30", "10"], ["2025-13", "530102001", "4", "120", "30", "10"])
    assert refused(capsys, db, "pool", file) == [
        f"{file}:2: region_code: '530102999' is not a known region (import the regions first)",
        f"{file}:3: period: '2025-13' has no month 13 (months are 1 to 12)",
    ]


def test_the_same_group_twice_even_written_two_ways_is_refused(capsys, db, tmp_path):
    file = pool_file(
        tmp_path,
        ["2025-12", "530102001", "4", "120", "30", "10"],
        ["2025年12月", "530102001", "新就业形态劳动者", "121", "30", "10"],
    )
    assert refused(capsys, db, "pool", file) == [
        f"{file}:3: period+region_code+group: 2025-12 / 530102001 / 4 already appears in row 2"
    ]


def test_the_same_action_twice_is_refused(capsys, db, tmp_path):
    file = actions_file(tmp_path, ["2025-12", "530102001", "1", "5"], ["2025-12", "530102001", "精准宣传动员一批", "6"])
    assert refused(capsys, db, "actions", file) == [
        f"{file}:3: period+region_code+action: 2025-12 / 530102001 / 1 already appears in row 2"
    ]


def test_a_file_with_several_bad_rows_lists_every_problem_and_lands_nothing(capsys, db, tmp_path):
    file = pool_file(
        tmp_path,
        ["2025-12", "530102001", "1", "10", "2", "3"],  # fine, but the file is refused as a whole
        ["2025-12", "530102001", "9", "10", "8", "3"],
        ["2025-12", "530102002", "2", "x", "0", "0"],
    )
    assert refused(capsys, db, "pool", file) == [
        f"{file}:3: enrolled_employee+enrolled_resident: 8 + 3 = 11 is more than identified (10)",
        f"{file}:3: group: '9' {GROUP_HINT}",
        f"{file}:4: identified: 'x' is not a whole number (write a count in the digits 0-9, e.g. 1234 or 1,234)",
    ]
    assert pool_rows(db) == []


def test_missing_pool_column_is_refused_naming_it_in_both_languages(capsys, db, tmp_path):
    file = write_csv(tmp_path / "pool.csv", [POOL_HEADER[:-1], ["2025-12", "530102001", "4", "120", "30"]])
    [line] = refused(capsys, db, "pool", file)
    assert line.startswith(f"{file}:1: header: missing column(s) enrolled_resident (参加居民养老人数); found: ")


# --------------------------------------------------------------------------- replace, history, rollback


def test_reimport_replaces_and_rollback_restores_exactly(capsys, db, tmp_path):
    first = pool_file(tmp_path, ["2025-12", "530102001", "4", "120", "30", "10"], ["2025-12", "530102001", "7", "50", "0", "40"], name="first.csv")
    assert import_(capsys, db, "pool", first)[0] == 0
    before = dump(db)
    second = pool_file(tmp_path, ["2025-12", "530102001", "4", "130", "35", "12"], ["2026-01", "530102001", "4", "140", "40", "12"], name="second.csv")
    status, out, _ = import_(capsys, db, "pool", second)
    assert out == f"imported {second} as import 4: 2 pool row(s), 1 added, 1 replaced\nadded 1 row of 2026-01; replaced 1 row of 2025-12\n"
    assert pool_rows(db) == [
        ("2025-12", "530102001", 4, 130, 35, 12),
        ("2025-12", "530102001", 7, 50, 0, 40),
        ("2026-01", "530102001", 4, 140, 40, 12),
    ]
    history = run(capsys, "--db", db, "history")[1].splitlines()
    assert history[1].split()[:2] == ["4", "pool"]
    status, out, err = run(capsys, "--db", db, "rollback", "4")
    assert (status, out, err) == (0, f"rolled back import 4 ({second}): 2 row(s) removed, 1 restored\n", "")
    after = dump(db)
    for table in ("pool", "actions", "snapshots", "regions"):  # import ids included
        assert after[table] == before[table], table


def test_actions_reimport_and_rollback_round_trip(capsys, db, tmp_path):
    assert import_(capsys, db, "actions", actions_file(tmp_path, ["2025-12", "530102001", "1", "5"], name="a.csv"))[0] == 0
    before = dump(db)["actions"]
    assert import_(capsys, db, "actions", actions_file(tmp_path, ["2025-12", "530102001", "1", "9"], name="b.csv"))[0] == 0
    assert rows(db, "SELECT enrolled FROM actions") == [(9,)]
    assert run(capsys, "--db", db, "rollback", "4")[0] == 0
    assert dump(db)["actions"] == before


def test_rollback_of_regions_the_pool_still_uses_is_refused(capsys, db, tmp_path):
    regions = write_csv(tmp_path / "regions.csv", [["code", "name", "level", "parent_code"], ["530102003", "大观街道", "township", "530102"]])
    assert import_(capsys, db, "regions", regions)[0] == 0
    assert import_(capsys, db, "pool", pool_file(tmp_path, ["2025-12", "530102003", "1", "10", "0", "0"]))[0] == 0
    before = dump(db)
    status, out, err = run(capsys, "--db", db, "rollback", "3")
    assert (status, out) == (1, "")
    assert err == "kuomian rollback: import 3 added regions still in use (530102003); roll back the imports that use them first\n"
    assert dump(db) == before


def test_console_script_refuses_a_bad_pool_file_with_exit_1(tmp_path):
    db = make_world(tmp_path)
    bad = pool_file(tmp_path, ["2025-12", "530102001", "4", "120", "100", "30"], name="bad.csv")
    done = subprocess.run(
        [PYTHON, "-m", "cli.main", "--db", str(db), "import", "pool", str(bad)],
        capture_output=True, text=True, cwd=PROJECT_ROOT, env=subprocess_env(), timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"{bad}:2: enrolled_employee+enrolled_resident: 100 + 30 = 130 is more than identified (120)",
        f"{bad}: refused, 1 problem(s); nothing was imported",
    ]


def test_an_unknown_kind_is_wrong_usage(capsys, db, tmp_path):
    file = pool_file(tmp_path, ["2025-12", "530102001", "4", "120", "30", "10"])
    status, out, err = import_(capsys, db, "pools", file)
    assert (status, out) == (2, "")
    assert "invalid choice: 'pools'" in err and "'pool'" in err and "'actions'" in err


# --------------------------------------------------------------------------- the demo


SQL_KEY = "SELECT identified, enrolled_employee, enrolled_resident, import_id IN (SELECT import_id FROM imports WHERE is_demo) FROM pool WHERE period = 24322 AND region_code = '530302001' AND group_id = 4"


def test_demo_loads_the_pool_and_actions_as_demo_imports_and_reloads_them_in_place(capsys, tmp_path):
    db = tmp_path / "demo.duckdb"
    assert run(capsys, "--db", db, "demo")[0] == 0
    first = dump(db)
    assert run(capsys, "--db", db, "demo")[0] == 0
    second = dump(db)
    for table in ("pool", "actions"):
        assert len(first[table]) > 0
        assert sorted(row[:-1] for row in second[table]) == sorted(row[:-1] for row in first[table]), table
    assert [(row[1], row[7]) for row in sorted(second["imports"])][-4:] == [("pool", True), ("actions", True), ("tasks", True), ("ledger", True)]  # tasks: issue 13; ledger: issue 14


def test_a_users_pool_row_survives_a_demo_reload_and_its_rollback_brings_the_current_demo_row(capsys, tmp_path):
    db = tmp_path / "demo.duckdb"
    assert run(capsys, "--db", db, "demo", "--seed", "7")[0] == 0
    reference = rows(db, SQL_KEY)
    assert run(capsys, "--db", db, "demo")[0] == 0
    mine = pool_file(tmp_path, ["2026-10", "530302001", "4", "9", "1", "1"], name="mine.csv")
    assert import_(capsys, db, "pool", mine)[0] == 0
    assert run(capsys, "--db", db, "demo", "--seed", "7")[0] == 0
    assert rows(db, SQL_KEY) == [(9, 1, 1, False)]  # the user's row wins over the demo's
    mine_id = 6 + 118 + 1  # the demo's snapshots land in one import per arrival time (118; issue 13 point 2), then its tasks and ledger
    status, out, _ = run(capsys, "--db", db, "rollback", mine_id)
    assert (status, out) == (0, f"rolled back import {mine_id} ({mine}): 1 row(s) removed, 1 restored\n")
    assert rows(db, SQL_KEY) == reference and reference[0][3] is True
