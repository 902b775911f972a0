"""The `kuomian` command beyond import: demo, targets check, metrics, options, exit statuses (spec: cli.md)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest

from config.settings import PROJECT_ROOT
from tests.fixtures_data import (
    SNAPSHOTS,
    SNAPSHOTS_HEADER,
    dump,
    make_world,
    rows_of,
    run,
    subprocess_env,
    write_csv,
)

CSV_HEADER = (
    "period,region_code,region_name,level,metric,numerator,denominator,value,target,target_by,"
    "trajectory,gap_pp,gap_persons,status,rank,rank_change,projected,eta,completeness,"
    "carried,comparable"
)
METRICS = ("coverage_rate", "employee_share", "payment_rate")
SHIPPED_TARGETS = PROJECT_ROOT / "config" / "targets.yaml"
CONSOLE_SCRIPT = PROJECT_ROOT / ".venv" / "bin" / "kuomian"


@pytest.fixture
def db(tmp_path: Path, capsys) -> Path:
    """The small world with the fixture snapshots."""
    db = make_world(tmp_path)
    status = run(capsys, "--db", db, "import", "snapshots", write_csv(tmp_path / "snapshots.csv", SNAPSHOTS))[0]
    assert status == 0
    return db


@pytest.fixture
def db_one_population(tmp_path: Path, capsys) -> Path:
    """As ``db``, but 530102002 has no population: its coverage rate has no denominator."""
    db = make_world(tmp_path, population=False)
    one = write_csv(tmp_path / "population-1.csv", [["period", "region_code", "required"], ["2025-12", "530102001", "2000"]])
    assert run(capsys, "--db", db, "import", "population", one)[0] == 0
    assert run(capsys, "--db", db, "import", "snapshots", write_csv(tmp_path / "snapshots.csv", SNAPSHOTS))[0] == 0
    return db


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def table_counts(db: Path) -> dict[str, int]:
    return {table: rows_of(db, f"SELECT COUNT(*) FROM {table}")[0][0] for table in ("regions", "population", "snapshots")}


# --------------------------------------------------------------------------- metrics


def test_metrics_csv_header_is_exactly_the_contract(capsys, db):
    status, out, err = run(capsys, "--db", db, "metrics", "--period", "2025-12", "--level", "township")
    assert (status, err) == (0, "")
    assert out.splitlines()[0] == CSV_HEADER


def test_metrics_lists_one_row_per_region_and_metric_of_the_level(capsys, db):
    out = run(capsys, "--db", db, "metrics", "--period", "2025-12", "--level", "township")[1]
    rows = csv_rows(out)
    assert sorted((r["region_code"], r["metric"]) for r in rows) == sorted(
        (code, metric) for code in ("530102001", "530102002") for metric in METRICS
    )
    assert {(r["period"], r["level"]) for r in rows} == {("2025-12", "township")}
    names = {r["region_code"]: r["region_name"] for r in rows}
    assert names == {"530102001": "华山街道", "530102002": "护国街道"}


def test_metrics_rates_are_fractions_with_full_precision(capsys, db):
    out = run(capsys, "--db", db, "metrics", "--period", "2025-12", "--level", "township", "--metric", "coverage_rate")[1]
    row = next(r for r in csv_rows(out) if r["region_code"] == "530102001")
    assert (row["numerator"], row["denominator"]) == ("1800", "2000")
    assert float(row["value"]) == 1800 / 2000
    assert float(row["target"]) == 0.95
    assert row["target_by"] == "2025-12"


def test_metrics_fields_without_a_value_are_empty(capsys, db_one_population):
    out = run(
        capsys, "--db", db_one_population, "metrics", "--period", "2025-12", "--level", "township", "--metric", "coverage_rate"
    )[1]
    row = next(r for r in csv_rows(out) if r["region_code"] == "530102002")
    assert (row["numerator"], row["denominator"], row["value"], row["gap_pp"]) == ("1180", "", "", "")
    assert "None" not in out and "nan" not in out.lower() and "<NA>" not in out


def test_metrics_json_parses_to_the_same_rows_with_null_for_none(capsys, db_one_population):
    args = ("--db", db_one_population, "metrics", "--period", "2025-12", "--level", "township")
    as_csv = csv_rows(run(capsys, *args)[1])
    status, out, err = run(capsys, *args, "--format", "json")
    assert (status, err) == (0, "")
    records = json.loads(out)
    assert [list(record) for record in records] == [CSV_HEADER.split(",")] * len(as_csv)
    assert [(r["region_code"], r["metric"]) for r in records] == [(r["region_code"], r["metric"]) for r in as_csv]
    coverage = next(r for r in records if (r["region_code"], r["metric"]) == ("530102002", "coverage_rate"))
    assert (coverage["numerator"], coverage["denominator"], coverage["value"]) == (1180, None, None)


def test_metrics_table_format_prints_one_line_per_row(capsys, db):
    status, out, err = run(capsys, "--db", db, "metrics", "--period", "2025-12", "--level", "township", "--format", "table")
    assert (status, err) == (0, "")
    header, *lines = out.splitlines()
    assert header.split()[:3] == ["metric", "region", "name"]
    assert len(lines) == 6


def test_metrics_prints_carried_and_comparable(capsys, db, tmp_path):
    """The county reports its employee scheme itself; in 2026-03 护国街道 and the county did not report,
    so the shipped targets (carry_forward_months: 2) carry their February rows."""
    rows = [
        SNAPSHOTS_HEADER,
        ["2026-02", "530102", "employee", "500", "0", "0"],
        ["2026-02", "530102001", "resident", "900", "300", "500"],
        ["2026-02", "530102002", "resident", "1180", "300", "700"],
        ["2026-03", "530102001", "resident", "910", "300", "510"],
    ]
    assert run(capsys, "--db", db, "import", "snapshots", write_csv(tmp_path / "2026.csv", rows))[0] == 0
    args = ("--db", db, "--targets", SHIPPED_TARGETS, "metrics", "--period", "2026-03")
    found = {
        (r["region_code"], r["metric"]): (r["carried"], r["comparable"])
        for r in csv_rows(run(capsys, *args, "--level", "township")[1]) + csv_rows(run(capsys, *args, "--level", "county")[1])
    }
    assert found == {
        ("530102001", "coverage_rate"): ("0", "false"),
        ("530102001", "employee_share"): ("0", "false"),
        ("530102001", "payment_rate"): ("0", "true"),  # the shipped payment rate counts residents only
        ("530102002", "coverage_rate"): ("1", "false"),
        ("530102002", "employee_share"): ("1", "false"),
        ("530102002", "payment_rate"): ("1", "true"),
        ("530102", "coverage_rate"): ("2", "true"),
        ("530102", "employee_share"): ("2", "true"),
        ("530102", "payment_rate"): ("2", "true"),
    }
    table = run(capsys, *args, "--level", "township", "--format", "table")[1].splitlines()
    assert table[0].split()[-2:] == ["carried", "comparable"]
    records = json.loads(run(capsys, *args, "--level", "township", "--format", "json")[1])
    assert {(r["region_code"], r["metric"], r["carried"], r["comparable"]) for r in records} >= {("530102002", "payment_rate", 1, True)}


def test_metrics_metric_option_lists_only_that_metric(capsys, db):
    out = run(capsys, "--db", db, "metrics", "--period", "2025-12", "--level", "township", "--metric", "payment_rate")[1]
    assert {r["metric"] for r in csv_rows(out)} == {"payment_rate"}


def test_metrics_root_limits_the_list_to_its_subtree(capsys, db):
    out = run(capsys, "--db", db, "metrics", "--period", "2025-12", "--root", "530102", "--metric", "coverage_rate")[1]
    assert sorted(r["region_code"] for r in csv_rows(out)) == ["530102", "530102001", "530102002"]


def test_metrics_root_with_an_unknown_code_is_refused(capsys, db):
    assert run(capsys, "--db", db, "metrics", "--period", "2025-12", "--root", "9999") == (
        1,
        "",
        "--root 9999: no such region\n",
    )


@pytest.mark.parametrize(
    "argv",
    [
        ("--period", "2025-13"),
        ("--period", "2025-12", "--level", "district"),
        ("--period", "2025-12", "--metric", "happiness"),
        ("--period", "2025-12", "--format", "xml"),
        ("--period", "2025-12", "--compare-to", "2025/09"),
        (),
    ],
    ids=["bad-period", "unknown-level", "unknown-metric", "unknown-format", "bad-compare-to", "no-period"],
)
def test_metrics_wrong_usage_exits_2(capsys, db, argv):
    status, out, err = run(capsys, "--db", db, "metrics", *argv)
    assert (status, out) == (2, "")
    assert "usage: kuomian metrics" in err


def test_metrics_bad_period_says_why(capsys, db):
    err = run(capsys, "--db", db, "metrics", "--period", "2025-13")[2]
    assert "'2025-13' has no month 13" in err


def test_db_option_and_environment_variable_both_pick_the_database(capsys, db, monkeypatch):
    args = ("metrics", "--period", "2025-12", "--level", "township")
    by_option = run(capsys, "--db", db, *args)
    after_verb = run(capsys, *args, "--db", db)
    monkeypatch.setenv("KUOMIAN_DB", str(db))
    by_environment = run(capsys, *args)
    assert by_option[0] == 0
    assert by_option == after_verb == by_environment


def test_db_option_wins_over_the_environment_variable(capsys, db, monkeypatch, tmp_path):
    monkeypatch.setenv("KUOMIAN_DB", str(tmp_path / "elsewhere.duckdb"))
    assert run(capsys, "--db", db, "metrics", "--period", "2025-12", "--level", "township")[0] == 0


def test_metrics_without_a_database_is_refused(capsys, tmp_path):
    missing = tmp_path / "none.duckdb"
    assert run(capsys, "--db", missing, "metrics", "--period", "2025-12") == (
        1,
        "",
        f"kuomian: {missing}: no database here yet; import data or run `kuomian demo` first.\n",
    )
    assert not missing.exists()


def test_metrics_with_a_broken_targets_file_is_refused(capsys, db, tmp_path):
    broken = tmp_path / "targets.yaml"
    broken.write_text("baseline: 2022-13\n", encoding="utf-8")
    status, out, err = run(capsys, "--db", db, "--targets", broken, "metrics", "--period", "2025-12")
    assert (status, out) == (1, "")
    assert f"{broken}:1: baseline: 2022-13 is not a month written YYYY-MM\n" in err


# --------------------------------------------------------------------------- targets check


def test_targets_check_passes_the_shipped_file(capsys):
    assert run(capsys, "targets", "check", SHIPPED_TARGETS) == (
        0,
        f"{SHIPPED_TARGETS}: valid (coverage_rate, employee_share, payment_rate; 0 override(s))\n",
        "",
    )


def test_targets_check_without_a_file_checks_the_configured_one(capsys, monkeypatch, tmp_path):
    assert run(capsys, "targets", "check")[0:2] == (0, f"{SHIPPED_TARGETS}: valid (coverage_rate, employee_share, payment_rate; 0 override(s))\n")
    copy = tmp_path / "mine.yaml"
    copy.write_text(SHIPPED_TARGETS.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("KUOMIAN_TARGETS", str(copy))
    assert run(capsys, "targets", "check")[0:2] == (0, f"{copy}: valid (coverage_rate, employee_share, payment_rate; 0 override(s))\n")


def test_targets_check_lists_every_problem_of_a_broken_file_with_its_line(capsys, tmp_path):
    broken = tmp_path / "targets.yaml"
    broken.write_text(
        "baseline: 2022-13\n"
        "warning_band: 2\n"
        "targets:\n"
        "  coverage_rate:\n"
        "    - {by: 2025-12, value: 1.5}\n"
        "  happiness: []\n",
        encoding="utf-8",
    )
    status, out, err = run(capsys, "targets", "check", broken)
    assert (status, out) == (1, "")
    assert err.splitlines() == [
        f"{broken}:1: baseline: 2022-13 is not a month written YYYY-MM",
        f"{broken}:2: warning_band: 2 is not a number in [0, 1)",
        f"{broken}:5: targets.coverage_rate[0].value: 1.5 is not a fraction in (0, 1]",
        f"{broken}:6: targets.happiness: unknown metric 'happiness'; allowed: coverage_rate, employee_share, payment_rate",
    ]


def test_targets_check_of_a_missing_file_is_refused(capsys, tmp_path):
    missing = tmp_path / "nowhere.yaml"
    assert run(capsys, "targets", "check", missing) == (
        1,
        "",
        f"{missing}: cannot read the targets file (No such file or directory)\n",
    )


# --------------------------------------------------------------------------- demo


DEMO_SNAPSHOT_IMPORTS = 118  # one per arrival time of the demo's monthly reports (data/demo.py demo_arrivals)


def test_demo_twice_leaves_the_same_counts(capsys, tmp_path):
    db = tmp_path / "demo.duckdb"
    status, out, err = run(capsys, "--db", db, "demo")
    assert (status, err) == (0, "")
    assert out.startswith(f"demo data (曲靖市, seed 2025) loaded into {db}: ")
    first = dump(db)
    assert run(capsys, "--db", db, "demo")[0] == 0
    second = dump(db)
    for table in ("regions", "region_closure", "population", "snapshots"):
        assert len(second[table]) == len(first[table]) > 0, table
    for table in ("regions", "population", "snapshots"):  # the same rows, under the new imports
        assert sorted(row[:-1] for row in second[table]) == sorted(row[:-1] for row in first[table]), table
    # the snapshots land as one import per arrival time of the demo's reports (issue 13 point 2: 118 times)
    assert [(row[1], row[7]) for row in sorted(second["imports"])] == [
        ("regions", True),
        ("population", True),
        *[("snapshots", True)] * DEMO_SNAPSHOT_IMPORTS,
        ("pool", True),
        ("actions", True),
        ("tasks", True),  # the demo's 2026 tasks (issue 13)
        ("ledger", True),  # issue 14: the demo ships 会泽县's task list, loaded last
    ]


def test_demo_keeps_the_users_own_imported_rows(capsys, tmp_path):
    db = make_world(tmp_path)  # a user's own region tree (昆明市) and population
    mine = write_csv(tmp_path / "mine.csv", SNAPSHOTS)
    assert run(capsys, "--db", db, "import", "snapshots", mine)[0] == 0
    own = {table: rows for table, rows in dump(db).items() if table in ("regions", "population", "snapshots")}
    assert run(capsys, "--db", db, "demo")[0] == 0
    counts = table_counts(db)
    assert run(capsys, "--db", db, "demo", "--seed", "7")[0] == 0
    assert table_counts(db) == counts
    after = dump(db)
    for table, rows in own.items():
        assert set(rows) <= set(after[table]), table
    assert [row[:2] for row in after["imports"] if not row[7]] == [(1, "regions"), (2, "population"), (3, "snapshots")]


def test_demo_does_not_overwrite_a_users_row_with_the_same_key(capsys, tmp_path):
    db = tmp_path / "demo.duckdb"
    assert run(capsys, "--db", db, "demo")[0] == 0
    mine = write_csv(tmp_path / "mine.csv", [SNAPSHOTS_HEADER, ["2025-12", "530302001", "employee", "1", "0", "1"]])
    assert run(capsys, "--db", db, "import", "snapshots", mine)[0] == 0
    assert run(capsys, "--db", db, "demo", "--seed", "7")[0] == 0
    sql = "SELECT insured, receiving, paid FROM snapshots WHERE period = ? AND region_code = '530302001' AND scheme = 'employee'"
    assert rows_of(db, sql, [12 * 2025 + 12]) == [(1, 0, 1)]


def test_rollback_after_a_demo_reload_restores_the_current_demo_row(capsys, tmp_path):
    """A user's import replaced a demo row, the demo was loaded again: rolling the import
    back brings the current demo's row, not the old demo's (which would stay for good)."""
    db = tmp_path / "demo.duckdb"
    sql = (
        "SELECT insured, receiving, paid, import_id IN (SELECT import_id FROM imports WHERE is_demo) FROM snapshots"
        " WHERE period = ? AND region_code = '530302001' AND scheme = 'employee'"
    )
    key = [12 * 2025 + 12]
    assert run(capsys, "--db", db, "demo", "--seed", "7")[0] == 0
    reference = rows_of(db, sql, key)
    assert run(capsys, "--db", db, "demo")[0] == 0
    mine = write_csv(tmp_path / "mine.csv", [SNAPSHOTS_HEADER, ["2025-12", "530302001", "employee", "1", "0", "1"]])
    assert run(capsys, "--db", db, "import", "snapshots", mine)[0] == 0
    assert run(capsys, "--db", db, "demo", "--seed", "7")[0] == 0
    mine_id = 6 + DEMO_SNAPSHOT_IMPORTS + 1  # the demo is imports 1-124 (its snapshots arrive in 118 imports; then pool, actions, tasks, the ledger)
    status, out, _ = run(capsys, "--db", db, "rollback", mine_id)
    assert (status, out) == (0, f"rolled back import {mine_id} ({mine}): 1 row(s) removed, 1 restored\n")
    assert rows_of(db, sql, key) == reference
    assert rows_of(db, "SELECT COUNT(*) FROM snapshots WHERE import_id NOT IN (SELECT import_id FROM imports)") == [(0,)]


# --------------------------------------------------------------------------- history


def test_history_of_a_database_without_imports_says_so(capsys, tmp_path):
    from data.db import connect

    db = tmp_path / "empty.duckdb"
    with connect(db, write=True):
        pass
    assert run(capsys, "--db", db, "history") == (0, "no imports yet\n", "")


def test_history_marks_demo_imports(capsys, tmp_path):
    db = tmp_path / "demo.duckdb"
    assert run(capsys, "--db", db, "demo")[0] == 0
    lines = run(capsys, "--db", db, "history")[1].splitlines()[1:]
    assert [line.split()[1] for line in lines] == ["ledger", "tasks", "actions", "pool", *["snapshots"] * DEMO_SNAPSHOT_IMPORTS, "population", "regions"]
    assert all(line.endswith("demo [demo]") for line in lines)


# --------------------------------------------------------------------------- the installed command


def test_console_script_exits_0_done_1_refused_2_wrong_usage(tmp_path):
    db = make_world(tmp_path)
    good = write_csv(tmp_path / "good.csv", SNAPSHOTS)
    bad = write_csv(tmp_path / "bad.csv", [SNAPSHOTS_HEADER, ["2025-12", "530102002", "resident", "1180", "1204", "0"]])

    def kuomian(*argv: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(CONSOLE_SCRIPT), *map(str, argv)],
            capture_output=True,
            text=True,
            timeout=60,
            env=subprocess_env(KUOMIAN_DB=str(db)),
            cwd=tmp_path,
        )

    done = kuomian("import", "snapshots", good)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"imported {good} as import 3: 4 snapshots row(s), 4 added, 0 replaced\nadded 4 rows of 2025-12\n"

    refused = kuomian("import", "snapshots", bad)
    assert (refused.returncode, refused.stdout) == (1, "")
    assert refused.stderr == (
        f"{bad}:2: receiving: 1204 is more than insured (1180)\n"
        f"{bad}: refused, 1 problem(s); nothing was imported\n"
    )

    wrong = kuomian("metrics", "--period", "2025-13")
    assert (wrong.returncode, wrong.stdout) == (2, "")
    assert "Traceback" not in wrong.stderr and "'2025-13' has no month 13" in wrong.stderr


def test_metrics_table_never_shows_a_value_below_its_target_as_the_target():
    import pandas as pd

    from cli.main import to_table
    from metrics.compute import OUTPUT_COLUMNS

    row = dict.fromkeys(OUTPUT_COLUMNS)
    row.update(
        period="2026-12", region_code="44", region_name="广东省", level="province", metric="coverage_rate",
        value=0.94999, target=0.95, target_by="2035-12", gap_pp=0.00001, gap_persons=182, status="behind",
        carried=0, comparable=True,
    )
    line = to_table(pd.DataFrame([row])).splitlines()[1].split()
    assert line[3:7] == ["94.999%", "95.00%", "2035-12", "+0.001"]


def test_targets_apply_rebuilds_the_stored_metrics_for_a_changed_carry_and_refuses_a_bad_file(db, tmp_path, capsys):
    import duckdb

    from data import materialised
    from metrics.targets import parse_targets

    text = SHIPPED_TARGETS.read_text(encoding="utf-8")
    assert "carry_forward_months: 2" in text
    changed = tmp_path / "targets-carry-1.yaml"
    changed.write_text(text.replace("carry_forward_months: 2", "carry_forward_months: 1"), encoding="utf-8")
    wanted = parse_targets(changed.read_text(encoding="utf-8"))
    with duckdb.connect(str(db), read_only=True) as con:
        assert not materialised.is_fresh(con, wanted)  # built with the shipped carry: the report computes from the facts

    status, out, _ = run(capsys, "--db", db, "targets", "apply", changed)
    assert status == 0 and "stored metrics rebuilt" in out
    with duckdb.connect(str(db), read_only=True) as con:
        assert materialised.is_fresh(con, wanted)

    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("carry_forward_months: 2", "carry_forward_months: 13"), encoding="utf-8")
    status, _, err = run(capsys, "--db", db, "targets", "apply", broken)
    assert status == 1 and "carry_forward_months" in err
    with duckdb.connect(str(db), read_only=True) as con:
        assert materialised.is_fresh(con, wanted)  # a refused file changes nothing


def test_a_commands_targets_file_does_not_outlive_the_command(tmp_path, capsys):
    from cli.main import main
    from data import materialised

    targets = tmp_path / "targets.yaml"
    targets.write_text((PROJECT_ROOT / "config" / "targets.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["--targets", str(targets), "targets", "check"]) == 0
    capsys.readouterr()
    assert materialised._targets_path is None  # later writes in this process build with the settings' file
