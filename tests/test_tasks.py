"""Tasks in persons (任务下达, issue 13 point 3): one rule, one test, through the real import path.

The world (tests/world.py): 昆明市 5301 > 五华区 530102 > 华山街道 530102001, 护国街道 530102002; 安宁市 530181 >
连然街道 530181001. Figures worked out by hand in the comments; the contract is docs/metrics.md, "Tasks in persons".
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from data.db import connect
from data.store import rollback
from data.tasks import completion_of, gap_proposal, task_report
from metrics.periods import month_index
from tests.fixtures_data import run
from tests.world import TARGETS, World, pinned_today

TASK_HEADER_ZH = ["年度", "区划代码", "任务类型", "任务人数"]
SNAPSHOT_HEADER = ["period", "region_code", "scheme", "insured", "receiving", "paid"]

# 2025-12 and 2026-06 (insured, receiving, paid):
#   530102001: employee 1000/200/800 -> 1100/210/890, public 100/20/80 -> 110/20/90, resident 3000/900/1500 -> 3050/920/1200
#   530102002: employee 500/100/400 -> 480/110/370, resident 2000/600/1000 -> 1990/610/700
#   530181001: 2026-06 only, resident 900/100/500
SNAPSHOTS = [
    ("2025-12", "530102001", "employee", 1000, 200, 800),
    ("2025-12", "530102001", "public", 100, 20, 80),
    ("2025-12", "530102001", "resident", 3000, 900, 1500),
    ("2025-12", "530102002", "employee", 500, 100, 400),
    ("2025-12", "530102002", "resident", 2000, 600, 1000),
    ("2026-06", "530102001", "employee", 1100, 210, 890),
    ("2026-06", "530102001", "public", 110, 20, 90),
    ("2026-06", "530102001", "resident", 3050, 920, 1200),
    ("2026-06", "530102002", "employee", 480, 110, 370),
    ("2026-06", "530102002", "resident", 1990, 610, 700),
    ("2026-06", "530181001", "resident", 900, 100, 500),
]
POPULATION = [("2025-12", "530102001", 4400), ("2025-12", "530102002", 2700)]
TASKS = [
    ("2026", "530102", "新增参保人数", "200"),
    ("2026", "530102001", "new_insured", "120"),
    ("2026", "530102002", "新增参保", "60"),
    ("2026", "530102", "new_employee", "50"),
    ("2026", "530102001", "新增职工养老保险缴费人数", "40"),
    ("2026", "530102002", "new_employee", "20"),
    ("2026", "530102001", "城乡居民缴费人数", "0"),
    ("2026", "530181001", "new_insured", "100"),
]
JUNE = month_index("2026-06")


@pytest.fixture
def world(tmp_path: Path) -> World:
    w = World(tmp_path).snapshots(SNAPSHOTS).population(POPULATION)
    w.load("tasks", TASK_HEADER_ZH, TASKS)
    return w


def figures(world: World, codes=("530102", "530102001", "530102002", "530181001"), period: int | None = JUNE) -> dict:
    with connect(world.db) as con:
        table = completion_of(con, 2026, list(codes), period, world.targets.carry_forward_months)
    return {
        (r.region_code, r.task_kind): (
            None if pd.isna(r.task) else int(r.task),
            None if pd.isna(r.achieved) else int(r.achieved),
            None if pd.isna(r.completion) else round(float(r.completion), 6),
        )
        for r in table.itertuples()
    }


# --------------------------------------------------------------------------- import


def test_tasks_file_with_chinese_headers_and_kind_names_lands_as_ids(world):
    with connect(world.db) as con:
        held = con.execute("SELECT year, region_code, task_kind, task FROM tasks ORDER BY ALL").fetchall()
    assert held == [
        (2026, "530102", "new_employee", 50),
        (2026, "530102", "new_insured", 200),
        (2026, "530102001", "new_employee", 40),
        (2026, "530102001", "new_insured", 120),
        (2026, "530102001", "resident_paid", 0),
        (2026, "530102002", "new_employee", 20),
        (2026, "530102002", "new_insured", 60),
        (2026, "530181001", "new_insured", 100),
    ]


def test_tasks_file_with_bad_rows_is_refused_with_every_problem_and_nothing_changed(world, capsys):
    path = world.root / "bad-tasks.csv"
    path.write_text(
        "年度,区划代码,任务类型,任务人数\n"
        "2026,530102001,新增养老,10\n"
        "2026,530102001,new_insured,-5\n"
        "26,530102002,new_insured,10\n"
        "2026,999999,new_insured,10\n"
        "2026,530102002,new_employee,7\n"
        "2026,530102002,新增职工养老保险缴费人数,8\n",
        encoding="utf-8",
    )
    with connect(world.db) as con:
        before = con.execute("SELECT * FROM tasks ORDER BY ALL").fetchall()
    with pinned_today("2026-12-01"):
        status, _, err = run(capsys, "--db", world.db, "import", "tasks", path)
    assert status == 1
    assert err.splitlines()[:6] == [
        f"{path}:2: task_kind: '新增养老' is not a task kind (new_insured, new_employee, resident_paid or"
        " 新增参保人数, 新增职工养老保险缴费人数, 城乡居民缴费人数)",
        f"{path}:3: task: -5 is negative",
        f"{path}:4: year: '26' is not a year (write it as 2026 or 2026年)",
        f"{path}:5: region_code: '999999' is not a known region (import the regions first)",
        f"{path}:7: year+region_code+task_kind: 2026 / 530102002 / new_employee already appears in row 6",
        f"{path}: refused, 5 problem(s); nothing was imported",
    ]
    with connect(world.db) as con:
        assert con.execute("SELECT * FROM tasks ORDER BY ALL").fetchall() == before


def test_tasks_problem_reads_in_chinese_with_the_chinese_header():
    from data.importer import KINDS, check
    from data.problems import Problem

    table = pd.DataFrame({"_row": [2], "year": ["2026"], "region_code": ["5301"], "task_kind": ["x"], "task": ["1"]})
    checked = check(None, KINDS["tasks"], table, "t.csv")
    task_kind = [p for p in checked.problems if p.field == "task_kind"][0]
    assert isinstance(task_kind, Problem)
    assert task_kind.render("t.csv", "zh") == (
        "t.csv:2: 任务类型: “x”不是任务类型（应为 新增参保人数、新增职工养老保险缴费人数、城乡居民缴费人数"
        " 或 new_insured、new_employee、resident_paid）"
    )


def test_task_year_after_next_year_is_refused():
    from data.checks import Refusal, parse_year

    with pinned_today("2026-12-01"):
        assert parse_year("2027年") == 2027
        assert parse_year("2028") == Refusal(
            "'2028' is after next year (2027); tasks are handed down for the current or the next year",
            "“2028”晚于下一年度（2027年）；任务只能下达本年度或下一年度",
        )


def test_task_reimported_replaces_the_same_key_and_rollback_restores_it(world):
    world.load("tasks", TASK_HEADER_ZH, [("2026", "530102", "new_insured", "250")])
    with connect(world.db) as con:
        assert con.execute("SELECT task FROM tasks WHERE region_code = '530102' AND task_kind = 'new_insured'").fetchall() == [(250,)]
        last = con.execute("SELECT MAX(import_id), ANY_VALUE(replaced) FROM imports WHERE import_id = (SELECT MAX(import_id) FROM imports)").fetchone()
    assert last[1] == 1
    with connect(world.db, write=True) as con:
        rollback(con, last[0])
    with connect(world.db) as con:
        assert con.execute("SELECT task FROM tasks WHERE region_code = '530102' AND task_kind = 'new_insured'").fetchall() == [(200,)]


# --------------------------------------------------------------------------- achieved and completion


def test_new_insured_achieved_is_subtree_insured_now_minus_december_before(world):
    # 530102001: (1100+110+3050) - (1000+100+3000) = 160; 530102002: 2470 - 2500 = -30; 530102: 130
    got = figures(world)
    assert got[("530102001", "new_insured")][1] == 160
    assert got[("530102", "new_insured")][1] == 130


def test_new_employee_achieved_counts_the_employee_schemes_contribution_phase(world):
    # 530102001: (890 + 90) - (800 + 80) = 100; 530102002: 370 - 400 = -30; 530102: 70
    got = figures(world)
    assert got[("530102001", "new_employee")][1] == 100
    assert got[("530102", "new_employee")][1] == 70


def test_resident_paid_achieved_is_resident_paid_year_to_date(world):
    got = figures(world)
    assert got[("530102001", "resident_paid")][1] == 1200
    assert got[("530102", "resident_paid")][1] == 1900  # 1200 + 700


def test_achieved_is_none_where_december_before_has_no_figures(world):
    got = figures(world)
    assert got[("530181001", "new_insured")] == (100, None, None)
    assert got[("530181001", "resident_paid")] == (None, 500, None)


def test_negative_achieved_is_shown_as_it_is_never_clipped(world):
    assert figures(world)[("530102002", "new_insured")] == (60, -30, -0.5)


def test_completion_may_exceed_one(world):
    assert figures(world)[("530102001", "new_insured")] == (120, 160, round(160 / 120, 6))


def test_completion_is_none_where_the_task_is_zero(world):
    assert figures(world)[("530102001", "resident_paid")] == (0, 1200, None)


def test_completion_is_none_where_there_is_no_task(world):
    assert figures(world)[("530102002", "resident_paid")] == (None, 700, None)


def test_carried_row_counts_in_achieved(tmp_path):
    targets = TARGETS + "reporting: {carry_forward_months: 1}\n"
    w = World(tmp_path, targets).snapshots(SNAPSHOTS + [("2026-05", "530102002", "resident", 1995, 605, 650)])
    w.snapshots([("2026-05", "530102001", "resident", 3040, 910, 1100)])
    w.load("tasks", TASK_HEADER_ZH, TASKS)
    # At 2026-07 nobody reported: the June rows are carried (one month back, same year).
    got = figures(w, ("530102001",), month_index("2026-07"))
    assert got[("530102001", "new_insured")] == (120, 160, round(160 / 120, 6))


# --------------------------------------------------------------------------- split rule


def test_split_whose_parts_add_up_to_less_than_the_parents_task_is_flagged(world):
    with connect(world.db) as con:
        report = task_report(con, world.targets, 2026, JUNE, "5301")
    assert report.splits.to_dict("records") == [
        {
            "year": 2026, "task_kind": "new_insured", "parent_code": "530102", "parent_name": "五华区",
            "parent_task": 200, "children": 2, "children_task": 180, "short_by": 20,
        }
    ]  # fmt: skip


def test_split_whose_parts_add_up_to_more_than_the_parents_task_is_not_flagged(world):
    with connect(world.db) as con:
        report = task_report(con, world.targets, 2026, JUNE, "5301")
    assert "new_employee" not in set(report.splits["task_kind"])  # 40 + 20 = 60 >= 50


def test_cli_tasks_prints_task_achieved_completion_and_warns_of_a_short_split(world, capsys):
    status, out, err = run(capsys, "--db", world.db, "tasks", "--year", "2026", "--period", "2026-06", "--root", "530102")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "year,period,region_code,region_name,level,task_kind,task,achieved,completion,remaining,split_short_by"
    assert lines[1] == "2026,2026-06,530102,五华区,county,new_insured,200,130,0.65,70,20"
    assert "2026,2026-06,530102002,护国街道,township,new_insured,60,-30,-0.5,90," in lines
    assert err == (
        "warning: 530102 (五华区) new_insured 2026: the tasks of its 2 sub-region(s) add up to 180, 20 less than its own 200\n"
    )


def test_cli_tasks_period_outside_the_year_is_wrong_usage(world, capsys):
    status, _, err = run(capsys, "--db", world.db, "tasks", "--year", "2026", "--period", "2025-12")
    assert status == 2
    assert err.splitlines()[-1] == "kuomian tasks: error: --period 2025-12 is not a month of --year 2026"


# --------------------------------------------------------------------------- 按差距分解


def test_gap_proposal_is_each_childs_gap_at_december_before_against_the_year_end_target(world):
    with connect(world.db) as con:
        proposal = gap_proposal(con, world.targets, 2026, "530102")
    got = {(r.region_code, r.task_kind): (int(r.gap), int(r.task)) for r in proposal.itertuples()}
    # employee_share at 2026-12: 0.50; 001: ceil(0.5*2980 - 880) = 610, 002: ceil(0.5*1800 - 400) = 500 (sum 1110 >= 50: kept)
    assert got[("530102001", "new_employee")] == (610, 610)
    assert got[("530102002", "new_employee")] == (500, 500)
    # payment_rate 2026's last milestone 0.80 of the resident phase at 2025-12: 2100 -> 1680, 1400 -> 1120
    assert got[("530102001", "resident_paid")] == (1680, 1680)
    assert got[("530102002", "resident_paid")] == (1120, 1120)


def test_gap_proposal_is_scaled_up_to_the_parents_task(world):
    with connect(world.db) as con:
        proposal = gap_proposal(con, world.targets, 2026, "530102")
    got = {(r.region_code, r.task_kind): (int(r.gap), int(r.task)) for r in proposal.itertuples()}
    # coverage 0.95: 001 ceil(4180 - 4100) = 80, 002 ceil(2565 - 2500) = 65; 145 < 200: parts ceil(80*200/145) = 111, ceil(65*200/145) = 90
    assert got[("530102001", "new_insured")] == (80, 111)
    assert got[("530102002", "new_insured")] == (65, 90)


def test_gap_proposal_exported_imports_through_the_normal_path(world):
    from present.tasks import proposal_csv

    with connect(world.db) as con:
        proposal = gap_proposal(con, world.targets, 2026, "530102")
    path = world.root / "proposal.csv"
    path.write_bytes(proposal_csv(proposal))
    from data.store import import_file

    with pinned_today("2026-12-01"):
        result = import_file(world.db, "tasks", path)
    assert (result.added, result.replaced) == (1, 5)  # only 530102002's resident_paid is new
    with connect(world.db) as con:
        assert con.execute(
            "SELECT task FROM tasks WHERE region_code = '530102002' AND task_kind = 'new_insured'"
        ).fetchall() == [(90,)]


def test_demo_ships_tasks_for_2026_with_one_county_split_short(tmp_path):
    from data.store import load_demo

    db = tmp_path / "demo.duckdb"
    with connect(db, write=True) as con:
        load_demo(con)
    with connect(db) as con:
        levels = con.execute(
            "SELECT r.level, COUNT(DISTINCT t.region_code) FROM tasks t JOIN regions r ON r.code = t.region_code"
            " WHERE t.year = 2026 GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        from metrics.targets import parse_targets

        report = task_report(con, parse_targets(TARGETS), 2026, None, "5303")
    assert levels == [("city", 1), ("county", 9), ("township", 137)]
    assert report.splits[["parent_code", "task_kind"]].values.tolist() == [["530325", "new_insured"]]


def test_time_pace_is_the_share_of_the_year_gone_except_for_residents_who_pay():
    from present.tasks import PACE_COLOR, SHORT_COLOR, FULL_COLOR, completion_chart, time_pace

    assert time_pace("new_insured", month_index("2026-10")) == 10 / 12
    assert time_pace("new_employee", month_index("2026-12")) == 1.0
    assert time_pace("resident_paid", month_index("2026-10")) is None
    rows = pd.DataFrame({"region_name": ["a", "b", "c"], "completion": [1.0, 0.85, 0.8], "task": [1, 1, 1], "achieved": [1, 1, 1]})
    figure = completion_chart(rows, title="t", axis="y", full_line="100%", pace=10 / 12, pace_line="序时进度 83.3%")
    assert list(figure.data[0].marker.color) == [FULL_COLOR, PACE_COLOR, SHORT_COLOR]


# 安宁市 530181 reports its employees itself (at county level); 连然街道 530181001 reports residents only.
COUNTY_REPORTS = [
    ("2025-12", "530181", "employee", 300, 50, 250),
    ("2025-12", "530181001", "resident", 800, 100, 400),
    ("2026-06", "530181", "employee", 320, 50, 270),
    ("2026-06", "530181001", "resident", 900, 100, 500),
]
COUNTY_TASKS = [
    ("2026", "530181", "new_insured", "100"),
    ("2026", "530181001", "new_insured", "50"),
    ("2026", "530181001", "new_employee", "10"),
    ("2026", "530181001", "resident_paid", "400"),
]


def test_achievement_is_shown_only_where_the_region_is_comparable_for_the_kinds_metric(tmp_path):
    w = World(tmp_path).snapshots(COUNTY_REPORTS)
    w.load("tasks", ["year", "region_code", "task_kind", "task"], COUNTY_TASKS)
    with connect(w.db) as con:
        table = completion_of(con, 2026, ["530181", "530181001"], JUNE, w.targets.carry_forward_months, w.targets)
    got = {
        (r.region_code, r.task_kind): (
            None if pd.isna(r.achieved) else int(r.achieved),
            None if pd.isna(r.completion) else round(float(r.completion), 6),
            None if pd.isna(r.remaining) else int(r.remaining),
            bool(r.comparable),
            r.reported_above,
        )
        for r in table.itertuples()
    }
    above = (("530181", "安宁市", ("employee",)),)
    # 安宁市: (320 + 900) − (300 + 800) = 120 new insured of 100; it has no ancestor reporting.
    assert got[("530181", "new_insured")] == (120, 1.2, 0, True, ())
    # 连然街道: its county reports the employee scheme, which coverage_rate and employee_share sum: withheld
    # (it would read 900 − 800 = 100 of 50, the employees counted one level up).
    assert got[("530181001", "new_insured")] == (None, None, None, False, above)
    assert got[("530181001", "new_employee")] == (None, None, None, False, above)
    # The payment rate counts residents only: still comparable, 500 paid of 400.
    assert got[("530181001", "resident_paid")] == (500, 1.25, 0, True, ())


def test_achievement_is_withheld_where_an_ancestor_reported_at_december_only(tmp_path):
    w = World(tmp_path).snapshots([row for row in COUNTY_REPORTS if row != ("2026-06", "530181", "employee", 320, 50, 270)])
    w.load("tasks", ["year", "region_code", "task_kind", "task"], COUNTY_TASKS)
    with connect(w.db) as con:
        table = completion_of(con, 2026, ["530181001"], JUNE, 0, w.targets).set_index("task_kind")
    assert table.at["new_insured", "achieved"] is pd.NA
    assert table.at["new_insured", "reported_above"] == (("530181", "安宁市", ("employee",)),)
    assert int(table.at["resident_paid", "achieved"]) == 500


def test_kuomian_tasks_notes_on_stderr_the_regions_withheld_as_not_comparable(tmp_path, capsys):
    w = World(tmp_path).snapshots(COUNTY_REPORTS)
    w.load("tasks", ["year", "region_code", "task_kind", "task"], COUNTY_TASKS)
    status, out, err = run(capsys, "--db", w.db, "tasks", "--year", "2026", "--period", "2026-06", "--root", "530181", "--format", "csv")
    assert status == 0
    assert "2026,2026-06,530181001,连然街道,township,new_insured,50,,,," in out.splitlines()
    assert err.splitlines()[1:] == [  # after the short split of 安宁市's new_insured (50 of 100)
        "note: new_insured: 1 region(s) under 530181 (安宁市) are not comparable (530181 reports employee itself): "
        "achieved and completion withheld",
        "note: new_employee: 1 region(s) under 530181 (安宁市) are not comparable (530181 reports employee itself): "
        "achieved and completion withheld",
    ]
