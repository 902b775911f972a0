"""The Trends page's pure parts: metrics/trends.py and present/charts_trends.py."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from data.db import connect
from data.queries import periods as db_periods
from data.queries import regions as db_regions
from data.report import metric_series, metrics_report
from metrics.compute import trajectory_path
from metrics.periods import month_index as mi
from metrics.targets import parse_targets
from metrics.trends import (
    STATUS_CODES,
    comparison_options,
    default_comparison,
    default_range,
    descendants_at_level,
    drawing_months,
    history_months,
    months_between,
    order_by_value,
    range_summary,
    region_history,
    row_labels,
    status_grid,
    status_pivot,
    value_pivot,
    year_starts,
)
from present.charts import STATUS_COLORS
from present.charts_trends import comparison_figure, panels_figure, percent_ticks, status_heatmap

TARGETS_TEXT = """
baseline: 2022-12
warning_band: 0.02
targets:
  coverage_rate:
    - {by: 2025-12, value: 0.95}
    - {by: 2035-12, value: 0.95}
  employee_share:
    - {by: 2025-12, value: 0.30}
    - {by: 2035-12, value: 0.50}
  payment_rate:
    schemes: [resident]
    milestones:
      - {by: 2026-07, value: 0.60}
      - {by: 2026-08, value: 0.70}
      - {by: 2026-11, value: 0.80}
overrides:
  "530302":
    coverage_rate:
      - {by: 2025-12, value: 0.96}
      - {by: 2035-12, value: 0.97}
"""


def small_regions() -> pd.DataFrame:
    rows = [
        ("53", "省", "province", None, ("53",)),
        ("5301", "甲市", "city", "53", ("5301", "53")),
        ("5302", "乙市", "city", "53", ("5302", "53")),
        ("530101", "一县", "county", "5301", ("530101", "5301", "53")),
        ("530102", "二县", "county", "5301", ("530102", "5301", "53")),
        ("530101001", "东山镇", "township", "530101", ("530101001", "530101", "5301", "53")),
        ("530102001", "东山镇", "township", "530102", ("530102001", "530102", "5301", "53")),
        ("530102002", "西山镇", "township", "530102", ("530102002", "530102", "5301", "53")),
        ("530201", "三县", "county", "5302", ("530201", "5302", "53")),
    ]
    return pd.DataFrame(rows, columns=["code", "name", "level", "parent_code", "lineage"])


# --------------------------------------------------------------------------- months


def test_stock_metrics_show_the_last_two_years_by_default():
    periods = list(range(mi("2018-01"), mi("2026-10") + 1))
    assert default_range(periods, mi("2026-10"), "coverage_rate") == (mi("2024-11"), mi("2026-10"))


def test_payment_rate_shows_the_current_year_by_default():
    periods = list(range(mi("2018-01"), mi("2026-10") + 1))
    assert default_range(periods, mi("2026-10"), "payment_rate") == (mi("2026-01"), mi("2026-10"))
    assert default_range(periods, mi("2025-03"), "payment_rate") == (mi("2025-01"), mi("2025-03"))


def test_default_range_is_clipped_to_the_months_with_data():
    periods = list(range(mi("2026-03"), mi("2026-10") + 1))
    assert default_range(periods, mi("2026-10"), "coverage_rate") == (mi("2026-03"), mi("2026-10"))
    assert default_range(periods, mi("2026-10"), "payment_rate") == (mi("2026-03"), mi("2026-10"))


def test_months_between_keeps_only_months_with_data():
    periods = [mi("2026-01"), mi("2026-02"), mi("2026-04")]
    assert months_between(periods, mi("2026-02"), mi("2026-04")) == [mi("2026-02"), mi("2026-04")]


def test_stock_trends_read_back_to_the_baseline_for_the_trajectory_start():
    assert history_months(mi("2025-01"), mi("2025-03"), mi("2022-12"), "coverage_rate")[0] == mi("2022-12")
    assert history_months(mi("2025-01"), mi("2025-03"), mi("2022-12"), "payment_rate") == [
        mi("2025-01"),
        mi("2025-02"),
        mi("2025-03"),
    ]


def test_year_to_date_restarts_are_the_januaries_after_the_first_month():
    months = list(range(mi("2024-11"), mi("2026-02") + 1))
    assert year_starts(months) == [mi("2025-01"), mi("2026-01")]
    assert year_starts(list(range(mi("2026-01"), mi("2026-05")))) == []


def test_target_lines_run_on_to_the_next_milestone_within_a_year():
    months = list(range(mi("2026-01"), mi("2026-10") + 1))
    drawn = drawing_months(months, [mi("2026-07"), mi("2026-11"), mi("2027-07")], "payment_rate")
    assert drawn[-1] == mi("2026-11")  # not into next year: the payment rate restarts
    drawn = drawing_months(months, [mi("2025-12"), mi("2027-12")], "coverage_rate")
    assert drawn == months  # the next milestone is more than 12 months away
    drawn = drawing_months(months, [mi("2027-06")], "employee_share")
    assert drawn[-1] == mi("2027-06") and drawn[len(months)] == mi("2026-11")


# --------------------------------------------------------------------------- which regions


def test_descendants_at_level_are_the_subtree_members_of_that_level():
    regions = small_regions()
    assert descendants_at_level(regions, "5301", "township") == ["530101001", "530102001", "530102002"]
    assert descendants_at_level(regions, "530102", "township") == ["530102001", "530102002"]
    assert descendants_at_level(regions, "530102001", "township") == ["530102001"]
    assert descendants_at_level(regions, "5302", "township") == []


def test_comparison_offers_the_region_its_parent_children_and_siblings():
    regions = small_regions()
    assert comparison_options(regions, "530101") == ["530101", "5301", "530101001", "530102"]
    assert comparison_options(regions, "53") == ["53", "5301", "5302"]


def test_default_comparison_is_the_region_with_its_best_and_worst_children():
    children = pd.DataFrame(
        {"region_code": ["a", "b", "c", "d", "e", "f", "g"], "value": [0.90, 0.97, np.nan, 0.93, 0.95, 0.96, 0.91]}
    )
    assert default_comparison("r", children) == ["r", "b", "f", "a", "g"]
    few = pd.DataFrame({"region_code": ["a", "b"], "value": [0.9, 0.8]})
    assert default_comparison("r", few) == ["r", "a", "b"]
    none = pd.DataFrame({"region_code": ["a"], "value": [np.nan]})
    assert default_comparison("r", none) == ["r"]


def test_repeated_township_names_get_their_county():
    labels = row_labels(small_regions(), ["530101001", "530102001", "530102002"])
    assert labels == ["东山镇（一县）", "东山镇（二县）", "西山镇"]


# --------------------------------------------------------------------------- status over time


def values_frame(records: list[tuple[str, str, float | None]], metric: str = "coverage_rate") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region_code": [r[0] for r in records],
            "period": [mi(r[1]) for r in records],
            "metric": metric,
            "value": [np.nan if r[2] is None else r[2] for r in records],
        }
    )


def test_status_grid_measures_each_month_against_the_trajectory_of_trajectory_path():
    targets = parse_targets(TARGETS_TEXT)
    regions = small_regions()
    records = []
    for code, start, step in (("530101001", 0.90, 0.002), ("530102001", 0.93, 0.001), ("530102002", 0.97, 0.0)):
        for i, month in enumerate(range(mi("2022-12"), mi("2023-12") + 1)):
            records.append((code, f"{(month - 1) // 12}-{(month - 1) % 12 + 1:02d}", start + step * i))
    records.append(("530102002", "2023-06", None))  # a missing report
    values = values_frame(records).drop_duplicates(["region_code", "period"], keep="last")
    months = list(range(mi("2023-01"), mi("2023-12") + 1))
    grid = status_grid(regions, values, targets, "coverage_rate", months)
    assert len(grid) == 3 * len(months)
    for code in ("530101001", "530102001", "530102002"):
        history = region_history(values, code, "coverage_rate")
        entry = targets.for_region("coverage_rate", regions.set_index("code").at[code, "lineage"])
        path = trajectory_path("coverage_rate", entry, targets.baseline, history, months)
        rows = grid[grid["region_code"] == code].reset_index(drop=True)
        np.testing.assert_allclose(rows["target"], path["target"].astype(float))
        np.testing.assert_allclose(rows["trajectory"], path["trajectory"].astype(float))
    missing = grid[(grid["region_code"] == "530102002") & (grid["period"] == mi("2023-06"))]
    assert missing["status"].iloc[0] is None
    assert set(grid["status"].dropna()) <= {"achieved", "on_track", "behind", "off_track"}
    # 0.97 from the start: achieved every month it reported
    reported = grid[(grid["region_code"] == "530102002") & grid["value"].notna()]
    assert (reported["status"] == "achieved").all()


def test_status_grid_uses_each_regions_own_override():
    targets = parse_targets(TARGETS_TEXT)
    regions = small_regions().assign(
        lineage=lambda f: f["lineage"].map(lambda lin: tuple("530302" if c == "530101" else c for c in lin))
    )
    values = values_frame([("530101001", "2023-01", 0.955), ("530102001", "2023-01", 0.955)])
    grid = status_grid(regions, values, targets, "coverage_rate", [mi("2023-01")]).set_index("region_code")
    assert grid.at["530101001", "target"] == pytest.approx(0.96)  # under the override
    assert grid.at["530102001", "target"] == pytest.approx(0.95)
    assert grid.at["530102001", "status"] == "achieved"
    assert grid.at["530101001", "status"] != "achieved"


def test_order_pivots_and_summary_follow_the_grid():
    grid = pd.DataFrame(
        {
            "region_code": ["a", "a", "b", "b", "c", "c"],
            "period": [1, 2, 1, 2, 1, 2],
            "value": [0.90, 0.92, 0.95, np.nan, 0.80, 0.97],
            "target": [0.95] * 6,
            "trajectory": [0.9] * 6,
            "status": ["on_track", "on_track", "achieved", None, "off_track", "achieved"],
        }
    )
    assert order_by_value(grid, 2) == ["c", "a", "b"]
    codes = status_pivot(grid, ["c", "a", "b"], [1, 2])
    assert codes.loc["b", 2] == STATUS_CODES["none"]
    assert codes.loc["c", 1] == STATUS_CODES["off_track"]
    assert codes.loc["a"].tolist() == [STATUS_CODES["on_track"]] * 2
    assert value_pivot(grid, "value", ["a"], [1, 2]).loc["a"].tolist() == [0.90, 0.92]
    summary = range_summary(grid, ["a", "b"], 1, 2).set_index("region_code")
    assert summary.at["a", "change"] == pytest.approx(0.02)
    assert summary.at["a", "status"] == "on_track"
    assert pd.isna(summary.at["b", "change"]) and summary.at["b", "status"] is None


@pytest.fixture(scope="module")
def demo(demo_copy):
    path = demo_copy("trends")
    with connect(path) as con:
        yield con


@pytest.mark.parametrize("metric", ["coverage_rate", "employee_share", "payment_rate"])
def test_heatmap_status_matches_the_report_month_by_month(demo, metric):
    targets = parse_targets(TARGETS_TEXT)  # with an override on 麒麟区
    regions = db_regions(demo)
    period = db_periods(demo)[-1]
    towns = descendants_at_level(regions, "5303", "township")
    first, last = period - 5, period
    months = list(range(first, last + 1))
    values = metric_series(demo, targets, towns, history_months(first, last, targets.baseline, metric), regions=regions)
    grid = status_grid(regions, values, targets, metric, months)
    for month in (first, last):
        report = metrics_report(demo, targets, month, codes=towns, metrics=[metric]).set_index("region_code")
        at = grid[grid["period"] == month].set_index("region_code").reindex(report.index)
        assert at["status"].fillna("none").tolist() == report["status"].fillna("none").tolist()
        np.testing.assert_allclose(at["value"], report["value"].astype(float))
        np.testing.assert_allclose(at["target"], report["target"].astype(float))
        np.testing.assert_allclose(at["trajectory"], report["trajectory"].astype(float), atol=1e-12)


# --------------------------------------------------------------------------- charts


def test_comparison_chart_draws_each_region_the_target_and_labelled_milestones():
    path = pd.DataFrame(
        {"period": [mi("2026-01"), mi("2026-02")], "target": [0.6, 0.6], "trajectory": [0.1, 0.2]}
    )
    line = pd.DataFrame({"period": [mi("2026-01"), mi("2026-02")], "value": [0.12, 0.25]})
    fig = comparison_figure(
        [("曲靖市", line), ("麒麟区", line)],
        path,
        title="曲靖市 · 缴费率（年内累计）",
        target_name="目标（曲靖市）",
        trajectory_name="进度线（曲靖市）",
        milestones=[(mi("2026-02"), 0.6)],
        milestone_name="目标节点",
        restarts=[mi("2026-02")],
        restart_label="1月重新累计",
    )
    names = [trace.name for trace in fig.data]
    assert names == ["进度线（曲靖市）", "目标（曲靖市）", "曲靖市", "麒麟区", "目标节点"]
    assert fig.data[1].line.shape == "hv"
    assert fig.data[4].marker.symbol == "diamond" and list(fig.data[4].text) == ["60%"]
    assert fig.layout.title.text == "曲靖市 · 缴费率（年内累计）"
    assert fig.layout.yaxis.tickformat == ".0%"
    assert [a.text for a in fig.layout.annotations] == ["1月重新累计"]
    assert fig.data[2].line.width > fig.data[3].line.width  # the selected region stands out


def test_percent_ticks_gain_a_decimal_on_narrow_ranges():
    assert percent_ticks([0.94, 0.96]) == ".1%"
    assert percent_ticks([0.50, 0.96], [None]) == ".0%"


def test_county_panels_share_one_percent_axis_and_are_titled_by_county():
    months = [mi("2026-01"), mi("2026-02")]
    series = pd.DataFrame({"period": months, "value": [0.5, 0.6]})
    target = pd.DataFrame({"period": months, "target": [0.9, 0.9]})
    panels = [(name, series, target, "behind") for name in ("麒麟区", "沾益区", "马龙区", "陆良县")]
    fig = panels_figure(panels, title="曲靖市 各县", value_name="参保率", target_name="目标")
    assert [a.text for a in fig.layout.annotations] == ["麒麟区", "沾益区", "马龙区", "陆良县"]
    axes = [fig.layout[name] for name in ("yaxis", "yaxis2", "yaxis3", "yaxis4")]
    assert len({axis.matches for axis in axes if axis.matches}) == 1  # one shared y axis
    assert fig.layout.yaxis.tickformat == ".0%"
    assert fig.layout.title.text == "曲靖市 各县"
    end_markers = [t for t in fig.data if t.mode == "markers"]
    assert len(end_markers) == 4 and end_markers[0].marker.color == STATUS_COLORS["behind"]
    assert sum(1 for t in fig.data if t.showlegend) == 2  # one legend entry each for value and target


def test_status_heatmap_is_a_discrete_okabe_ito_scale_with_value_hover():
    codes = pd.DataFrame([[STATUS_CODES["achieved"], STATUS_CODES["none"]]], index=["a"], columns=[mi("2026-01"), mi("2026-02")])
    values = pd.DataFrame([[0.9496, np.nan]], index=["a"], columns=codes.columns)
    goals = pd.DataFrame([[0.95, 0.95]], index=["a"], columns=codes.columns)
    labels = {key: key.upper() for key in STATUS_CODES}
    fig = status_heatmap(codes, values, goals, ["甲镇"], labels, title="T", value_word="V", target_word="G", status_word="S")
    heat = fig.data[0]
    assert heat.type == "heatmap"
    assert list(heat.y) == ["甲镇"] and list(heat.x) == ["2026-01", "2026-02"]
    colours = {color for _, color in heat.colorscale}
    assert colours == set(STATUS_COLORS.values())
    # each status with its mark (issue 8: told apart without hue), and the grey of a region that is not comparable
    marks = {"none": "", "off_track": "✕ ", "behind": "! ", "on_track": "↗ ", "achieved": "✓ "}
    assert list(heat.colorbar.ticktext) == [marks[k] + labels[k] for k in STATUS_CODES] + ["≠ not_comparable"]
    assert heat.customdata[0][0][0] == "94.96%"  # never "95.0%" beside a red light
    assert heat.customdata[0][1][2] == "NONE"
    assert "V: %{customdata[0]}" in heat.hovertemplate
    json.loads(fig.to_json())
