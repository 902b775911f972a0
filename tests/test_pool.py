"""The expansion pool's measures (spec: pool.md): one test per rule, numbers worked by hand.

The rules are tested on plain frames (``metrics.pool`` is pure); the subtree
sums through a real DuckDB filled by real imports; the command line's
``metrics --pool`` in-process.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from data.db import connect
from data.report import pool_report as db_pool_report
from data.store import import_file
from metrics.pool import (
    POOL_OUTPUT_COLUMNS,
    action_totals,
    conversion_over_time,
    conversion_rate,
    coverage_gaps,
    employee_conversion_share,
    group_measures,
    insufficient,
    pool_report,
    pool_sufficiency,
    region_totals,
    remaining,
    shortfall,
)
from metrics.periods import month_index
from metrics.registry import POOL_ACTIONS, POOL_GROUPS
from metrics.targets import parse_targets
from tests.fixtures_data import SNAPSHOTS, make_world, run, write_csv

ROOT = Path(__file__).resolve().parent.parent
DEC = month_index("2025-12")
NOV = month_index("2025-11")


def series(*values) -> pd.Series:
    return pd.Series(values, dtype="Int64")


def sums(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["region_code", "period", "group", "identified", "enrolled_employee", "enrolled_resident"])


# --------------------------------------------------------------------------- the four rules


def test_remaining_is_identified_less_those_enrolled_in_either_scheme():
    assert remaining(series(120, 50), series(30, 0), series(10, 40)).tolist() == [80, 10]


def test_conversion_rate_is_both_schemes_enrolled_over_identified():
    assert conversion_rate(series(120), series(30), series(10)).tolist() == [40 / 120]


def test_conversion_rate_is_none_where_nobody_is_identified():
    assert math.isnan(conversion_rate(series(0), series(0), series(0)).iloc[0])


def test_employee_conversion_share_is_employee_over_everyone_enrolled():
    assert employee_conversion_share(series(30, 0), series(10, 40)).tolist() == [0.75, 0.0]


def test_employee_conversion_share_is_none_where_nobody_is_enrolled_yet():
    assert math.isnan(employee_conversion_share(series(0), series(0)).iloc[0])


def test_pool_sufficiency_is_remaining_over_the_coverage_gap_in_persons():
    assert pool_sufficiency(series(90, 200), series(100, 1670)).tolist() == [0.9, 200 / 1670]


def test_pool_sufficiency_is_none_where_the_gap_is_zero_or_none():
    value = pool_sufficiency(series(90, 90), pd.Series([0, pd.NA], dtype="Int64"))
    assert value.isna().all()


# --------------------------------------------------------------------------- per group, per region

# Two townships in one county, December 2025 (and one November row).
ROWS = [
    ("530102001", DEC, 4, 120, 30, 10),
    ("530102001", DEC, 7, 50, 0, 40),
    ("530102002", DEC, 2, 400, 50, 150),
    ("530102001", NOV, 4, 100, 20, 5),
]


def test_group_measures_are_per_region_month_and_group():
    frame = group_measures(sums(ROWS)).set_index(["region_code", "period", "group"])
    row = frame.loc[("530102001", DEC, 4)]
    assert (row["remaining"], row["conversion_rate"], row["employee_conversion_share"]) == (80, 40 / 120, 0.75)
    assert frame.loc[("530102001", DEC, 7), "employee_conversion_share"] == 0.0


def test_region_total_divides_the_sums_not_the_groups_rates():
    coverage = pd.DataFrame({"region_code": ["530102001"], "period": [DEC], "gap_persons": [100]})
    total = region_totals(sums(ROWS), coverage).set_index(["region_code", "period"]).loc[("530102001", DEC)]
    # identified 120 + 50, employee 30 + 0, resident 10 + 40
    assert (total["identified"], total["enrolled_employee"], total["enrolled_resident"]) == (170, 30, 50)
    assert total["remaining"] == 90
    assert total["conversion_rate"] == 80 / 170  # not the mean of 40/120 and 40/50
    assert total["employee_conversion_share"] == 30 / 80
    assert (total["gap_persons"], total["pool_sufficiency"]) == (100, 0.9)


def test_region_without_pool_rows_has_a_total_with_no_counts_and_no_sufficiency():
    coverage = pd.DataFrame({"region_code": ["530102009"], "period": [DEC], "gap_persons": [40]})
    total = region_totals(sums(ROWS), coverage, codes=["530102009"], periods=[DEC]).iloc[0]
    assert pd.isna(total["identified"]) and pd.isna(total["remaining"])
    assert total["gap_persons"] == 40 and math.isnan(total["pool_sufficiency"])


def test_regions_whose_pool_cannot_close_the_gap_are_listed_worst_first_with_the_shortfall():
    totals = pd.DataFrame(
        {
            "region_code": ["a", "b", "c", "d"],
            "remaining": pd.array([90, 300, 10, 5], dtype="Int64"),
            "gap_persons": pd.array([100, 200, 50, 0], dtype="Int64"),
        }
    )
    totals["pool_sufficiency"] = pool_sufficiency(totals["remaining"], totals["gap_persons"])
    short = insufficient(totals)
    assert short["region_code"].tolist() == ["c", "a"]  # 0.2, then 0.9; b has 1.5, d no gap
    assert shortfall(short).tolist() == [40, 10]


def test_coverage_gaps_are_the_coverage_rates_gap_persons_of_a_metrics_report():
    report = pd.DataFrame(
        {
            "region_code": ["x", "x"],
            "period": [DEC, DEC],
            "metric": ["coverage_rate", "employee_share"],
            "gap_persons": pd.array([12, 999], dtype="Int64"),
        }
    )
    assert coverage_gaps(report).to_dict("records") == [{"region_code": "x", "period": DEC, "gap_persons": 12}]


def test_conversion_over_time_has_a_line_per_group_and_the_total_as_group_0():
    frame = conversion_over_time(sums(ROWS), "530102001")
    lines = {(g, p): v for g, p, v in zip(frame["group"], frame["period"], frame["conversion_rate"])}
    assert lines == {(0, NOV): 25 / 100, (0, DEC): 80 / 170, (4, NOV): 25 / 100, (4, DEC): 40 / 120, (7, DEC): 40 / 50}


def test_action_totals_list_all_six_actions_with_their_share():
    actions = pd.DataFrame(
        {"region_code": ["r", "r", "r", "s"], "period": [DEC, DEC, NOV, DEC], "action": [1, 6, 1, 2], "enrolled": [30, 10, 5, 99]}
    )
    frame = action_totals(actions, "r", DEC)
    assert frame["action"].tolist() == [1, 2, 3, 4, 5, 6]
    assert frame["enrolled"].tolist() == [30, 0, 0, 0, 0, 10]
    assert frame["share"].tolist() == [0.75, 0, 0, 0, 0, 0.25]


def test_registry_names_eight_groups_and_six_actions_in_both_languages():
    assert [g.id for g in POOL_GROUPS] == list(range(1, 9))
    assert [a.id for a in POOL_ACTIONS] == list(range(1, 7))
    assert POOL_GROUPS[3].zh == "新就业形态劳动者" and POOL_ACTIONS[0].zh == "精准宣传动员一批"
    assert all(c.zh and c.en and c.zh != c.en for c in (*POOL_GROUPS, *POOL_ACTIONS))


def test_every_pool_measure_is_documented():
    docs = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert "## The expansion pool" in docs
    for measure in ("remaining", "conversion_rate", "employee_conversion_share", "pool_sufficiency"):
        assert f"`{measure}`" in docs, measure
    flat = " ".join(docs.split())
    assert "`" + ", ".join(POOL_OUTPUT_COLUMNS) + "`" in flat  # the command's columns, in order


# --------------------------------------------------------------------------- subtree sums, the report

POOL_FILE = [
    ["period", "region_code", "group", "identified", "enrolled_employee", "enrolled_resident"],
    ["2025-12", "530102001", "4", "120", "30", "10"],
    ["2025-12", "530102001", "7", "50", "0", "40"],
    ["2025-12", "530102002", "2", "400", "50", "150"],
]


@pytest.fixture
def world(tmp_path, monkeypatch) -> Path:
    """昆明市 > 五华区 > two townships; population, snapshots and the pool above, all imported."""
    monkeypatch.delenv("KUOMIAN_TARGETS", raising=False)
    db = make_world(tmp_path)
    import_file(db, "snapshots", write_csv(tmp_path / "snapshots.csv", SNAPSHOTS))
    import_file(db, "pool", write_csv(tmp_path / "pool.csv", POOL_FILE))
    return db


def test_pool_sums_run_over_the_subtree_and_sufficiency_uses_the_regions_own_coverage_gap(world):
    targets = parse_targets((ROOT / "config" / "targets.yaml").read_text(encoding="utf-8"))
    with connect(world) as con:
        report = db_pool_report(con, targets, DEC)
    totals = report[report["group"].isna()].set_index("region_code")
    # Coverage gaps (target 95%): 华山 ⌈0.95·2000 − 1800⌉ = 100; 护国 ⌈0.95·3000 − 1180⌉ = 1670;
    # 五华区 and 昆明市 ⌈0.95·5000 − 2980⌉ = 1770.
    assert totals["gap_persons"].to_dict() == {"5301": 1770, "530102": 1770, "530102001": 100, "530102002": 1670}
    assert totals.loc["530102001", "remaining"] == 90 and totals.loc["530102001", "pool_sufficiency"] == 0.9
    assert totals.loc["530102002", "pool_sufficiency"] == 200 / 1670
    county = totals.loc["530102"]
    assert (county["identified"], county["enrolled_employee"], county["enrolled_resident"], county["remaining"]) == (570, 80, 200, 290)
    assert county["conversion_rate"] == 280 / 570 and county["employee_conversion_share"] == 80 / 280
    assert county["pool_sufficiency"] == 290 / 1770
    groups = report[(report["region_code"] == "530102") & report["group"].notna()]
    assert groups["group"].tolist() == [2, 4, 7]
    assert groups["group_name"].tolist() == ["被征地农民等补贴人员", "新就业形态劳动者", "缴费困难群体"]


def test_pool_report_lists_each_regions_groups_then_its_total_by_level_then_code():
    regions = pd.DataFrame(
        {"code": ["530102001", "530102"], "name": ["华山街道", "五华区"], "level": ["township", "county"]}
    )
    coverage = pd.DataFrame({"region_code": ["530102", "530102001"], "period": [DEC, DEC], "gap_persons": [1770, 100]})
    county_rows = [("530102", DEC, g, i, e, r) for _, _, g, i, e, r in ROWS[:3]]
    report = pool_report(regions, sums(ROWS + county_rows), coverage, DEC)
    assert list(report.columns) == list(POOL_OUTPUT_COLUMNS)
    assert list(zip(report["region_code"], report["group"].astype(object).where(report["group"].notna(), None))) == [
        ("530102", 2),
        ("530102", 4),
        ("530102", 7),
        ("530102", None),
        ("530102001", 4),
        ("530102001", 7),
        ("530102001", None),
    ]
    group_rows = report[report["group"].notna()]
    assert group_rows["gap_persons"].isna().all() and group_rows["pool_sufficiency"].isna().all()


# --------------------------------------------------------------------------- the command


def test_metrics_pool_csv_has_the_documented_columns_and_hand_computed_rows(capsys, world):
    status, out, err = run(capsys, "--db", world, "metrics", "--period", "2025-12", "--level", "township", "--pool")
    assert (status, err) == (0, "")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == list(POOL_OUTPUT_COLUMNS)
    assert rows[1:4] == [
        ["2025-12", "530102001", "华山街道", "township", "4", "新就业形态劳动者", "120", "30", "10", "80", repr(40 / 120), "0.75", "", ""],
        ["2025-12", "530102001", "华山街道", "township", "7", "缴费困难群体", "50", "0", "40", "10", "0.8", "0.0", "", ""],
        ["2025-12", "530102001", "华山街道", "township", "", "", "170", "30", "50", "90", repr(80 / 170), "0.375", "100", "0.9"],
    ]
    assert rows[-1] == [
        "2025-12", "530102002", "护国街道", "township", "", "", "400", "50", "150", "200", "0.5", "0.25", "1670", repr(200 / 1670)
    ]


def test_metrics_pool_json_and_table_carry_the_same_figures(capsys, world):
    status, out, _ = run(capsys, "--db", world, "metrics", "--period", "2025-12", "--root", "530102001", "--pool", "--format", "json")
    assert status == 0
    records = json.loads(out)
    assert [r["group"] for r in records] == [4, 7, None]
    assert records[-1]["pool_sufficiency"] == 0.9 and records[-1]["gap_persons"] == 100
    status, out, _ = run(capsys, "--db", world, "metrics", "--period", "2025-12", "--root", "530102001", "--pool", "--format", "table")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split() == ["region", "name", "group", "identified", "employee", "resident", "remaining", "converted", "employee%", "gap_persons", "sufficiency"]
    assert lines[-1].split() == ["530102001", "华山街道", "total", "170", "30", "50", "90", "47.1%", "37.5%", "100", "0.90"]


def test_metrics_pool_with_a_metric_is_wrong_usage(capsys, world):
    status, _, err = run(capsys, "--db", world, "metrics", "--period", "2025-12", "--pool", "--metric", "coverage_rate")
    assert status == 2 and "--metric and --compare-to do not apply" in err


def test_metrics_pool_on_a_database_without_pool_rows_lists_totals_with_the_gap_only(capsys, tmp_path):
    db = make_world(tmp_path)
    import_file(db, "snapshots", write_csv(tmp_path / "snapshots.csv", SNAPSHOTS))
    status, out, _ = run(capsys, "--db", db, "metrics", "--period", "2025-12", "--level", "township", "--pool")
    assert status == 0
    rows = list(csv.reader(io.StringIO(out)))[1:]
    assert [row[1] for row in rows] == ["530102001", "530102002"]
    assert [row[6:] for row in rows] == [["", "", "", "", "", "", "100", ""], ["", "", "", "", "", "", "1670", ""]]


def test_the_pool_bar_charts_share_one_layout_first_bar_on_top_counts_in_persons_room_for_labels():
    # issue 11 point 3: the funnel and the actions chart repeated their layout; count_layout is the one copy
    from present.charts_pool import action_bars, group_funnel

    actions = pd.DataFrame({"action": [1, 2], "enrolled": [300, 100], "share": [0.75, 0.25]})
    bars = action_bars(actions, {1: "入户", 2: "宣传"}, title="t")
    groups = pd.DataFrame(
        {"group": [1], "identified": [1000], "enrolled_employee": [200], "enrolled_resident": [300], "remaining": [500], "conversion_rate": [0.5]}
    )
    funnel = group_funnel(groups, {1: "灵活就业"}, title="t", employee_name="e", resident_name="r", remaining_name="m", conversion_name="c")
    assert (bars.layout.yaxis.autorange, bars.layout.xaxis.tickformat, tuple(bars.layout.xaxis.range)) == ("reversed", ",d", (0, 375.0))
    assert (funnel.layout.yaxis.autorange, funnel.layout.xaxis.tickformat, tuple(funnel.layout.xaxis.range)) == ("reversed", ",d", (0, 1300.0))
    assert (bars.layout.margin.l, bars.layout.margin.b, funnel.layout.margin.l, funnel.layout.margin.b) == (150, 40, 170, 60)
