"""The Targets page's pure parts: metrics/targets_view.py and present/charts_targets.py."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from metrics.periods import month_index as mi
from metrics.targets import parse_targets
from metrics.targets_view import chart_years, milestone_rows, override_reach, override_rows, target_steps
from present.charts_targets import milestone_steps_figure

TEXT = """
baseline: 2022-12
warning_band: 0.02
targets:
  coverage_rate:
    - {by: 2020-12, value: 0.95}
    - {by: 2025-12, value: 0.95}
    - {by: 2035-12, value: 0.95}
  employee_share:
    - {by: 2025-12, value: 0.30}
    - {by: 2035-12, value: 0.50}
  payment_rate:
    schemes: [resident]
    milestones:
      - {by: 2026-07, value: 0.60}
      - {by: 2026-11, value: 0.80}
overrides:
  "5301":
    coverage_rate:
      - {by: 2035-12, value: 0.96}
    payment_rate:
      - {by: 2026-11, value: 0.85}
  "530102":
    coverage_rate:
      - {by: 2035-12, value: 0.97}
  "539999":
    employee_share:
      - {by: 2035-12, value: 0.55}
"""


def regions() -> pd.DataFrame:
    rows = [
        ("5301", "甲市", "city", None, ("5301",)),
        ("530101", "一县", "county", "5301", ("530101", "5301")),
        ("530102", "二县", "county", "5301", ("530102", "5301")),
        ("530101001", "一镇", "township", "530101", ("530101001", "530101", "5301")),
        ("530102001", "二镇", "township", "530102", ("530102001", "530102", "5301")),
        ("530102002", "三镇", "township", "530102", ("530102002", "530102", "5301")),
        ("5302", "乙市", "city", None, ("5302",)),
    ]
    return pd.DataFrame(rows, columns=["code", "name", "level", "parent_code", "lineage"])


def test_milestone_rows_list_each_milestone_in_order():
    targets = parse_targets(TEXT)
    rows = milestone_rows(targets.metrics["employee_share"])
    assert rows["by"].tolist() == [mi("2025-12"), mi("2035-12")]
    assert rows["value"].tolist() == [0.30, 0.50]
    assert milestone_rows(None).empty


def test_target_steps_are_the_target_in_force_each_month():
    targets = parse_targets(TEXT)
    steps = target_steps("employee_share", targets.metrics["employee_share"], 2020, 2035).set_index("period")["target"]
    assert len(steps) == 16 * 12
    assert steps[mi("2020-01")] == 0.30 and steps[mi("2025-12")] == 0.30
    assert steps[mi("2026-01")] == 0.50 and steps[mi("2035-12")] == 0.50


def test_payment_rate_steps_exist_only_in_years_with_milestones():
    targets = parse_targets(TEXT)
    steps = target_steps("payment_rate", targets.metrics["payment_rate"], 2025, 2027).set_index("period")["target"]
    assert math.isnan(steps[mi("2025-06")]) and math.isnan(steps[mi("2027-03")])
    assert steps[mi("2026-01")] == 0.60 and steps[mi("2026-08")] == 0.80 and steps[mi("2026-12")] == 0.80


def test_nearest_override_wins():
    targets = parse_targets(TEXT)
    assert targets.overriding_code("coverage_rate", ("530102001", "530102", "5301")) == "530102"
    assert targets.overriding_code("coverage_rate", ("530101001", "530101", "5301")) == "5301"
    assert targets.overriding_code("employee_share", ("530101001", "530101", "5301")) is None


def test_an_override_reaches_its_subtree_minus_nearer_overrides():
    reach = override_reach(regions(), parse_targets(TEXT)).set_index(["code", "metric"])["reached"]
    # 甲市 itself, 一县, 一镇; 二县 and its two townships have their own coverage override
    assert reach[("5301", "coverage_rate")] == 3
    assert reach[("530102", "coverage_rate")] == 3
    # nobody nearer overrides the payment rate: the whole city
    assert reach[("5301", "payment_rate")] == 6
    # a code the database does not hold reaches nobody
    assert reach[("539999", "employee_share")] == 0


def test_override_rows_name_the_region_and_flag_unknown_codes():
    rows = override_rows(regions(), parse_targets(TEXT))
    assert rows[["code", "metric"]].values.tolist() == [
        ["5301", "coverage_rate"],
        ["5301", "payment_rate"],
        ["530102", "coverage_rate"],
        ["539999", "employee_share"],
    ]
    assert rows["name"].tolist()[:3] == ["甲市", "甲市", "二县"]
    unknown = rows[rows["code"] == "539999"].iloc[0]
    assert not unknown["known"] and pd.isna(unknown["name"]) and unknown["reached"] == 0
    payment = rows[(rows["code"] == "5301") & (rows["metric"] == "payment_rate")].iloc[0]
    assert payment["entry"].schemes == ("resident",)  # the global schemes stay
    assert [m.value for m in payment["entry"].milestones] == [0.85]


def test_milestone_chart_is_a_titled_step_line_with_labelled_milestones():
    targets = parse_targets(TEXT)
    entry = targets.metrics["employee_share"]
    fig = milestone_steps_figure(
        target_steps("employee_share", entry), milestone_rows(entry),
        title="各地区通用 · 职工养老保险占比目标 · 2020—2035 年", target_name="目标", milestone_name="目标节点",
    )
    assert fig.layout.title.text == "各地区通用 · 职工养老保险占比目标 · 2020—2035 年"
    step, diamonds = fig.data
    assert step.line.shape == "hv" and step.x[0] == "2020-01-01" and step.x[-1] == "2035-12-01"
    assert diamonds.marker.symbol == "diamond" and list(diamonds.text) == ["30%", "50%"]
    assert fig.layout.yaxis.tickformat == ".0%"


def test_milestones_outside_the_chart_years_are_not_drawn():
    targets = parse_targets(TEXT)
    entry = targets.metrics["coverage_rate"]
    fig = milestone_steps_figure(
        target_steps("coverage_rate", entry, 2021, 2030), milestone_rows(entry), title="t", target_name="a", milestone_name="b"
    )
    assert list(fig.data[1].text) == ["95%"]  # only 2025-12
    assert fig.data[1].hovertext == ("2025-12",)


@pytest.mark.parametrize("value,text", [(0.95, "95%"), (0.9625, "96.2%")])
def test_milestone_labels(value, text):
    steps = pd.DataFrame({"period": [mi("2025-12")], "target": [value]})
    ms = pd.DataFrame({"by": [mi("2025-12")], "value": [value]})
    fig = milestone_steps_figure(steps, ms, title="t", target_name="a", milestone_name="b")
    assert list(fig.data[1].text) == [text]


def test_charts_span_2020_to_2035_but_the_payment_rate_only_its_own_years():
    targets = parse_targets(TEXT)
    assert chart_years("coverage_rate", targets.metrics["coverage_rate"]) == (2020, 2035)
    assert chart_years("payment_rate", targets.metrics["payment_rate"]) == (2026, 2026)
    assert chart_years("employee_share", None) == (2020, 2035)


def test_stock_milestones_are_labelled_with_their_month_and_short_spans_get_quarter_ticks():
    targets = parse_targets(TEXT)
    entry = targets.metrics["employee_share"]
    fig = milestone_steps_figure(
        target_steps("employee_share", entry), milestone_rows(entry), title="t", target_name="a", milestone_name="b",
        with_months=True,
    )
    assert list(fig.data[1].text) == ["30% (2025-12)", "50% (2035-12)"]
    assert fig.layout.xaxis.dtick == "M12"
    payment = targets.metrics["payment_rate"]
    fig = milestone_steps_figure(
        target_steps("payment_rate", payment, 2026, 2026), milestone_rows(payment), title="t", target_name="a", milestone_name="b"
    )
    assert fig.layout.xaxis.dtick == "M3" and list(fig.data[1].text) == ["60%", "80%"]
