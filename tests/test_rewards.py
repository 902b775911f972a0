"""Rewards by completion date (奖补测算; issue 14 point 2): the tiers section, each tier rule, the stand-in."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from metrics.periods import month_index
from metrics.rewards import month_end, rewards, tier_for
from metrics.targets import TargetsError, parse_targets

BASE = """\
baseline: 2022-12
warning_band: 0.02
targets:
  coverage_rate:
    - {by: 2025-12, value: 0.95}
rewards:
  tiers:
    - {by: 2026-09-30, yuan_per_person: 1.0}
    - {by: 2026-10-15, yuan_per_person: 0.8}
    - {by: 2026-11-30, yuan_per_person: 0.6}
"""


def tiers():
    return parse_targets(BASE).rewards


def test_reward_tiers_are_read_in_date_order():
    assert [(t.by, t.yuan_per_person) for t in tiers().tiers] == [
        (dt.date(2026, 9, 30), 1.0), (dt.date(2026, 10, 15), 0.8), (dt.date(2026, 11, 30), 0.6),
    ]


def test_reward_tiers_out_of_order_or_without_an_amount_are_refused_with_their_line():
    text = BASE.replace("- {by: 2026-10-15, yuan_per_person: 0.8}", "- {by: 2026-09-01, yuan_per_person: 0}")
    with pytest.raises(TargetsError) as error:
        parse_targets(text)
    assert [p.render("t.yaml", "zh") for p in error.value.problems] == ["t.yaml:9: rewards.tiers[1].yuan_per_person: 0 不是大于 0 的金额（元）"]
    text = BASE.replace("- {by: 2026-10-15, yuan_per_person: 0.8}", "- {by: 2026-09-01, yuan_per_person: 0.8}")
    with pytest.raises(TargetsError) as error:
        parse_targets(text)
    assert [p.render("t.yaml", "zh") for p in error.value.problems] == ["t.yaml:9: rewards.tiers[1].by: 2026-09-01 不晚于上一档（2026-09-30）；请按日期先后排列"]


def test_tier_met_on_its_day_earns_it():
    assert tier_for(dt.date(2026, 9, 30), tiers()).yuan_per_person == 1.0


def test_tier_met_after_a_day_earns_the_next():
    assert tier_for(dt.date(2026, 10, 1), tiers()).yuan_per_person == 0.8
    assert tier_for(dt.date(2026, 10, 31), tiers()).yuan_per_person == 0.6


def test_tier_met_after_the_last_day_earns_nothing():
    assert tier_for(dt.date(2026, 12, 31), tiers()) is None


def test_a_months_figures_stand_at_its_end():
    assert month_end(month_index("2026-09")) == dt.date(2026, 9, 30)
    assert month_end(month_index("2028-02")) == dt.date(2028, 2, 29)


def _frames():
    tasks = pd.DataFrame(
        {"region_code": ["A", "B", "C", "D", "E"], "year": 2026, "kind": "new_insured", "task": [100, 100, 100, 100, 0]}
    )
    rows = []
    progress = {"A": [40, 100, 120], "B": [40, 80, 101], "C": [10, 20, 30], "D": [99, 99, 99]}
    for code, values in progress.items():
        for month, achieved in zip(("2026-09", "2026-10", "2026-11"), values):
            rows.append((code, "new_insured", month_index(month), achieved, 10_000 + achieved))
    achieved = pd.DataFrame(rows, columns=["region_code", "kind", "period", "achieved", "insured"])
    return tasks, achieved


def test_region_meets_its_task_at_the_first_month_end_achieved_reaches_it_and_earns_that_tier():
    tasks, achieved = _frames()
    result = rewards(tasks, achieved, tiers())
    assert result.paid[["region_code", "met_on", "tier_by", "yuan_per_person", "insured", "amount"]].values.tolist() == [
        ["A", dt.date(2026, 10, 31), dt.date(2026, 11, 30), 0.6, 10_100.0, 6060.0],
        ["B", dt.date(2026, 11, 30), dt.date(2026, 11, 30), 0.6, 10_101.0, 6060.6],
    ]
    assert result.total == 12120.6
    assert not result.stand_in


def test_regions_that_never_met_their_task_are_listed_with_how_far_they_are():
    tasks, achieved = _frames()
    result = rewards(tasks, achieved, tiers())
    assert result.never[["region_code", "achieved", "short"]].values.tolist() == [["C", 30.0, 70.0], ["D", 99.0, 1.0]]
    assert result.without_task["region_code"].tolist() == ["E"]


def without_tasks(db):
    """The demo database with its tasks in persons (issue 13) taken out: rewards fall back to the stand-in."""
    from data.db import connect

    with connect(db, write=True) as con:
        con.execute("DELETE FROM tasks")
    return db


def test_rewards_pay_for_the_new_insured_tasks_of_issue_13(demo_copy):
    """With tasks in persons imported, a township earns its tier by the first month-end at which its new
    insured (insured then minus insured at 2025-12, summed over its subtree) reach its new_insured task;
    checked against the snapshot rows summed here in SQL, independently of the engine."""
    from pathlib import Path

    from data.assessment import run_rewards
    from data.db import connect

    targets = parse_targets((Path(__file__).resolve().parent.parent / "config" / "targets.yaml").read_text(encoding="utf-8"))
    with connect(demo_copy("rewards-tasks")) as con:
        result = run_rewards(con, targets, 2026, month_index("2026-10"), "township", "530326")
        task = dict(con.execute("SELECT region_code, task FROM tasks WHERE year = 2026 AND task_kind = 'new_insured'").fetchall())
        sums = con.execute(
            "SELECT c.ancestor, s.period, SUM(s.insured) FROM snapshots s JOIN region_closure c ON c.descendant = s.region_code"
            " WHERE c.ancestor LIKE '530326%' AND s.period BETWEEN ? AND ? GROUP BY 1, 2",
            [month_index("2025-12"), month_index("2026-10")],
        ).fetchall()
    insured = {(code, period): total for code, period, total in sums}
    assert not result.stand_in and len(result.paid) > 0
    for code, met_on in result.paid[["region_code", "met_on"]].values.tolist():
        months = [m for m in range(month_index("2026-01"), month_index("2026-10") + 1) if (code, m) in insured]
        first = next(m for m in months if insured[(code, m)] - insured[(code, month_index("2025-12"))] >= task[code])
        assert (met_on.year, met_on.month) == ((first - 1) // 12, (first - 1) % 12 + 1), code


def test_rewards_without_tasks_use_the_labelled_coverage_gap_stand_in(demo_copy):
    from pathlib import Path

    from data.assessment import run_rewards
    from data.db import connect

    targets = parse_targets((Path(__file__).resolve().parent.parent / "config" / "targets.yaml").read_text(encoding="utf-8"))
    db = without_tasks(demo_copy("rewards"))
    with connect(db) as con:
        result = run_rewards(con, targets, 2026, month_index("2026-10"), "township", "530326")
    assert result.stand_in
    # 会泽县's townships: three met their 2025-12 gap to 95% early in 2026 (1 yuan tier); 16 had no gap
    assert result.paid[["region_code", "task", "met_on", "amount"]].values.tolist() == [
        ["530326213", 6.0, dt.date(2026, 1, 31), 8512.0],
        ["530326106", 84.0, dt.date(2026, 3, 31), 38836.0],
        ["530326108", 57.0, dt.date(2026, 6, 30), 28626.0],
    ]
    assert result.total == 75974.0
    assert (len(result.never), len(result.without_task)) == (6, 16)
    assert (result.never["short"] > 0).all()


def test_kuomian_rewards_prints_the_labelled_stand_in_and_the_total(demo_copy, capsys):
    from pathlib import Path

    from tests.fixtures_data import run

    targets = Path(__file__).resolve().parent.parent / "config" / "targets.yaml"
    status, out, err = run(capsys, "--db", without_tasks(demo_copy("rewards-cli")), "--targets", targets, "rewards", "--year", "2026", "--root", "530326")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0] == "未导入任务数：以参保率目标缺口代替任务（临时口径，待任务下达后替换）。"
    assert lines[1:4] == ["2026-09-30 前完成：每名参保人员 1 元", "2026-10-15 前完成：每名参保人员 0.8 元", "2026-11-30 前完成：每名参保人员 0.6 元"]
    assert "合计奖补 75,974.00 元（3 个区划）" in lines


def test_achieved_is_insured_then_less_insured_the_december_before_and_nothing_without_that_december():
    from data.assessment import achieved_since_december

    monthly = pd.DataFrame(
        {
            "region_code": ["A", "A", "A", "B", "B"],
            "period": [month_index("2025-12"), month_index("2026-01"), month_index("2026-02"), month_index("2026-01"), month_index("2026-02")],
            "insured": [100.0, 130.0, float("nan"), 50.0, 60.0],
            "required": [200.0, 200.0, 200.0, 90.0, 90.0],
        }
    )
    achieved = achieved_since_december(monthly, 2026, "new_insured")
    # A: 130 − 100 at 2026-01; no figure at 2026-02. B: no December 2025 figure, so nothing.
    assert achieved.to_dict("records") == [
        {"region_code": "A", "kind": "new_insured", "period": month_index("2026-01"), "achieved": 30.0, "insured": 130.0}
    ]


def test_nothing_is_achieved_where_no_region_has_a_figure_at_the_december_before():
    from data.assessment import achieved_since_december

    monthly = pd.DataFrame({"region_code": ["B"], "period": [month_index("2026-01")], "insured": [60.0], "required": [90.0]})
    assert achieved_since_december(monthly, 2026, "coverage_gap").empty
