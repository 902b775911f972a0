"""Honest pictures (issue 8, the display side): estimates look estimated, regions that are not
comparable are greyed and never praised or named, the whole trajectory is drawn, a missed
deadline reads as overdue, and every colour means one thing.

The figures and charts are pure functions, tested on small frames and on their traces.
"""

from __future__ import annotations

import pandas as pd
import pytest

from present.texts import Texts
from metrics.briefing import trend_months
from metrics.bulletin import praise_and_name
from metrics.gaps import gap_table
from metrics.league import bulletin, league_table, pinyin_key, sort_league
from metrics.periods import month_index as mi
from metrics.targets import BulletinRules
from metrics.trends import whole_path_months
from present.charts import ALERT_COLORS, STATUS_COLORS, STATUS_MARKS, trend_figure
from present.charts_data import ALERT_COLORS as DATA_ALERTS  # noqa: F401  (the data page reads the same map)
from present.charts_gaps import PACED_COLOR, SHORT_COLOR, UNKNOWN_COLOR
from present.charts_pool import ENOUGH_COLOR
from present.charts_pool import SHORT_COLOR as POOL_SHORT
from present.charts_rankings import league_bar_figure
from present.charts_trends import comparison_figure, status_heatmap
from present.honest import (
    attach_reported_above,
    carried_footnotes,
    change_parts,
    estimated_suffix,
    not_comparable_notes,
    overdue_text,
    region_change_notes,
)
from present.tables_league import DOWN_COLOR, UP_COLOR

ZH = Texts("zh").t
EN = Texts("en").t
XUANWEI = ("530381", "宣威市", ("employee", "public"))


def series(values, carried, first="2026-06"):
    start = mi(first)
    return pd.DataFrame({"period": [start + i for i in range(len(values))], "value": values, "carried": carried})


def path_for(months):
    return pd.DataFrame({"period": months, "target": [0.95] * len(months), "trajectory": [0.94] * len(months)})


# --------------------------------------------------------------------------- 1. carried figures look estimated


def test_a_month_whose_figure_counts_carried_rows_is_drawn_with_a_hollow_marker():
    line = series([0.951, 0.952, 0.952, 0.953], [0, 0, 3, 0])
    fig = trend_figure(
        line, path_for(line["period"].tolist()), title="t", value_name="参保率", target_name="目标",
        trajectory_name="进度线", estimated_name="估算",
    )
    values = next(trace for trace in fig.data if trace.name == "参保率")
    assert list(values.marker.symbol) == ["circle", "circle", "circle-open", "circle"]
    assert [trace.name for trace in fig.data][-1] == "估算"  # the legend says what a hollow marker is


def test_the_trends_comparison_draws_a_carried_month_hollow_too():
    line = series([0.951, 0.952, 0.952], [0, 1, 0])
    fig = comparison_figure([("师宗县", line)], path_for(line["period"].tolist()), title="t", target_name="目标", trajectory_name="进度线")
    drawn = next(trace for trace in fig.data if trace.name == "师宗县")
    assert list(drawn.marker.symbol) == ["circle", "circle-open", "circle"]


def test_an_estimated_figure_says_so_in_tables_and_cards():
    assert estimated_suffix({"carried": 1}, ZH) == "（估算）"
    assert estimated_suffix({"carried": 1}, EN) == " (estimated)"
    assert estimated_suffix({"carried": 0}, ZH) == ""
    assert estimated_suffix({}, ZH) == ""  # an engine without the column: nothing is carried


def test_the_briefing_footnote_names_each_carried_month():
    line = series([0.951, 0.952, 0.952, 0.953], [0, 0, 1, 2], first="2026-06")
    assert carried_footnotes(line, ZH) == [
        "2026-08：1 项报表未报，沿用此前数据（估算）",
        "2026-09：2 项报表未报，沿用此前数据（估算）",
    ]
    assert carried_footnotes(line, ZH, months=[mi("2026-08")]) == ["2026-08：1 项报表未报，沿用此前数据（估算）"]
    assert carried_footnotes(line.drop(columns="carried"), ZH) == []


# --------------------------------------------------------------------------- 2. not comparable


def report_rows(metric="coverage_rate"):
    """Three townships: 宛水街道 (宣威市's, not comparable) with the best value and the worst, and two others."""
    return pd.DataFrame(
        {
            "region_code": ["530381001", "530302001", "530302002", "530381002"],
            "region_name": ["宛水街道", "越州镇", "东山镇", "西宁街道"],
            "level": "township",
            "metric": metric,
            "value": [0.99, 0.96, 0.80, 0.40],
            "target": 0.95,
            "target_by": mi("2035-12"),
            "gap_pp": [-0.04, -0.01, 0.15, 0.55],
            "gap_persons": [0, 0, 900, 5000],
            "status": ["achieved", "achieved", "off_track", "off_track"],
            "rank": pd.array([pd.NA, 1, 2, pd.NA], dtype="Int64"),
            "rank_change": pd.array([pd.NA, 1, -1, pd.NA], dtype="Int64"),
            "comparable": [False, True, True, False],
            "reported_above": [(XUANWEI,), (), (), (XUANWEI,)],
        }
    )


def test_a_not_comparable_township_is_neither_praised_nor_named_in_the_bulletin():
    rules = BulletinRules.model_validate(
        {"praise": {"statuses": ["achieved"], "top": 3, "most_improved": 3}, "name": {"statuses": ["off_track"], "bottom": 3, "fallen_furthest": 3}}
    )
    chosen = praise_and_name(report_rows(), rules)
    assert "宛水街道" not in set(chosen["region_name"]) and "西宁街道" not in set(chosen["region_name"])
    assert chosen[["kind", "reason", "region_name"]].values.tolist() == [
        ["praise", "top", "越州镇"],
        ["praise", "most_improved", "越州镇"],
        ["name", "bottom", "东山镇"],
        ["name", "fallen_furthest", "东山镇"],
    ]


def test_a_not_comparable_township_is_neither_praised_nor_named_on_the_rankings_page():
    table = league_table(report_rows(), report_rows(), "coverage_rate", "5303")
    praised, named = bulletin(table, BulletinRules())
    assert praised["region_name"].tolist() == ["越州镇"]
    assert named["region_name"].tolist() == ["东山镇"]
    assert table["region_name"].tolist()[-2:] == ["宛水街道", "西宁街道"]  # unranked, last


def test_the_not_comparable_note_names_the_ancestor_and_the_schemes():
    assert not_comparable_notes(report_rows(), "coverage_rate", ZH) == [
        "宣威市直接报送企业职工、机关事业单位，其下 2 个地区的数值不含这些人员，不参与排名、表扬和通报。"
    ]
    assert not_comparable_notes(report_rows(), "coverage_rate", EN) == [
        "宣威市 reports Enterprise employees, Public institutions itself; the figures of its 2 sub-regions leave those persons out, "
        "so they are not ranked, praised or named."
    ]


def test_the_not_comparable_note_does_not_appear_on_a_metric_it_does_not_concern():
    """The payment rate counts residents only: 宣威市's employee schemes leave its townships comparable for it."""
    rows = report_rows("payment_rate").assign(comparable=True, reported_above=[()] * 4)
    assert not_comparable_notes(rows, "payment_rate", ZH) == []
    above = pd.DataFrame({"region_code": ["530381001"], "ancestor_code": ["530381"], "ancestor_name": ["宣威市"], "schemes": [("employee", "public")]})
    filled = attach_reported_above(report_rows().drop(columns="reported_above"), above, {"coverage_rate": None})
    assert filled["reported_above"].tolist() == [(XUANWEI,), (), (), ()]
    only_residents = attach_reported_above(report_rows().drop(columns="reported_above"), above, {"coverage_rate": ("resident",)})
    assert only_residents["reported_above"].tolist() == [(), (), (), ()]


def test_a_not_comparable_region_is_a_grey_hatched_bar_apart_from_the_statuses():
    table = league_table(report_rows(), report_rows(), "coverage_rate", "5303")
    members = table[table["in_league"]]
    fig = league_bar_figure(members, title="t", status_labels={"achieved": "已达标", "off_track": "明显滞后", "none": "无数据", "not_comparable": "不可比"}, target_name="目标")
    grey = next(trace for trace in fig.data if trace.name == "≠ 不可比")
    assert grey.marker.color == STATUS_COLORS["not_comparable"]
    assert grey.marker.pattern.shape == "/"
    assert list(grey.y) == ["宛水街道", "西宁街道"]


def test_a_not_comparable_township_is_a_grey_row_on_the_heat_map():
    months = [mi("2026-09"), mi("2026-10")]
    codes = pd.DataFrame([[4, 4], [1, 1]], index=["a", "b"], columns=months)
    values = pd.DataFrame([[0.96, 0.96], [0.5, 0.5]], index=["a", "b"], columns=months)
    labels = {"none": "无数据", "off_track": "明显滞后", "behind": "略有滞后", "on_track": "进度正常", "achieved": "已达标", "not_comparable": "不可比"}
    fig = status_heatmap(codes, values, values * 0 + 0.95, ["甲镇", "宛水街道"], labels, title="t", value_word="v", target_word="g", status_word="s", greyed=[False, True])
    heat = fig.data[0]
    assert [list(row) for row in heat.z] == [[4, 4], [5, 5]]
    assert [list(row) for row in heat.text] == [["✓", "✓"], ["≠", "≠"]]


# --------------------------------------------------------------------------- 3. the whole trajectory


def test_the_overview_draws_the_trajectory_to_the_last_milestone():
    shown = [mi("2026-09"), mi("2026-10")]
    months = whole_path_months(shown, [mi("2025-12"), mi("2035-12")], "coverage_rate")
    assert months[0] == mi("2026-09") and months[-1] == mi("2035-12") and len(months) == 112
    ytd = whole_path_months(shown, [mi("2026-07"), mi("2026-11"), mi("2027-07")], "payment_rate")
    assert ytd[-1] == mi("2026-12")  # a year-to-date metric stops at its December


def test_the_briefing_trend_runs_to_the_last_milestone():
    months = trend_months("employee_share", mi("2026-10"), mi("2022-12"), mi("2022-12"), mi("2035-12"), mi("2035-12"))
    assert months[0] == mi("2022-12") and months[-1] == mi("2035-12")


# --------------------------------------------------------------------------- 4. overdue


def test_an_overdue_target_reads_overdue_with_the_persons_needed_now():
    row = {"overdue_months": 10.0, "gap_persons": 1234}
    assert overdue_text(row, ZH) == "逾期 10 个月，现需 1,234 人"
    assert overdue_text(row, EN) == "10 months overdue; 1,234 persons needed now"
    assert overdue_text({"overdue_months": float("nan"), "gap_persons": 5}, ZH) is None


def test_an_overdue_region_needs_its_whole_gap_now_not_spread_to_the_next_deadline():
    report = pd.DataFrame(
        {
            "region_code": ["530322", "530323"],
            "region_name": ["陆良县", "师宗县"],
            "metric": "coverage_rate",
            "value": [0.94, 0.93],
            "target": 0.95,
            "target_by": mi("2035-12"),
            "gap_persons": [1100, 2200],
            "overdue_months": [10.0, float("nan")],
        }
    )
    history = pd.DataFrame(columns=["region_code", "period", "metric", "numerator"])
    table = gap_table(report, history, "coverage_rate", mi("2026-10")).set_index("region_code")
    assert table.at["530322", "needed_pace"] == 1100 and table.at["530322", "months_left"] == 1
    assert table.at["530322", "overdue_months"] == 10
    assert table.at["530323", "months_left"] == 110 and table.at["530323", "needed_pace"] == pytest.approx(20.0)


# --------------------------------------------------------------------------- 5. changes, colours, sorting


@pytest.mark.parametrize(
    ("change", "zh", "direction"),
    [(0.0, "持平", "flat"), (-0.000001, "持平", "flat"), (0.0123, "+1.23 个百分点", "up"), (-0.0005, "-0.05 个百分点", "down")],
)
def test_an_unchanged_value_reads_unchanged_and_a_change_carries_its_unit(change, zh, direction):
    assert change_parts(change, ZH) == (zh, direction)


def test_a_change_in_english_is_in_pp():
    assert change_parts(0.0123, EN) == ("+1.23 pp", "up")


def test_one_colour_means_one_thing_on_every_page():
    """Status colours stand for statuses only: pace, pool and rank-change flags take other colours."""
    status = {STATUS_COLORS[s] for s in ("achieved", "on_track", "behind", "off_track")}
    for flag in (SHORT_COLOR, PACED_COLOR, POOL_SHORT, ENOUGH_COLOR, UP_COLOR, DOWN_COLOR):
        assert flag not in status
    assert UNKNOWN_COLOR == STATUS_COLORS["none"]  # grey: cannot tell, everywhere
    assert len(set(STATUS_COLORS.values())) == len(STATUS_COLORS)
    assert set(ALERT_COLORS.values()) & status == set()


def test_every_status_has_its_own_mark_so_colour_is_not_the_only_cue():
    marks = [STATUS_MARKS[s] for s in ("achieved", "on_track", "behind", "off_track", "not_comparable")]
    assert len(set(marks)) == len(marks) and all(marks)


def test_chinese_names_sort_by_pinyin():
    names = ["越州镇", "三宝镇", "茨营镇", "东山镇", "珠街街道"]
    assert sorted(names) != sorted(names, key=pinyin_key)  # code points would differ
    assert sorted(names, key=pinyin_key) == ["茨营镇", "东山镇", "三宝镇", "越州镇", "珠街街道"]
    rows = report_rows().assign(region_name=["越州镇", "三宝镇", "茨营镇", "东山镇"], comparable=True)
    table = league_table(rows, rows, "coverage_rate", "530302001")  # 三宝镇 pinned: it stays first
    ordered = sort_league(table, "region_name")
    assert ordered["region_name"].tolist() == ["三宝镇", "茨营镇", "东山镇", "越州镇"]
    assert bool(ordered["pinned"].iloc[0])


# --------------------------------------------------------------------------- 6. abolished regions


def test_an_abolished_region_is_noted_with_its_successor_and_month():
    changes = pd.DataFrame(
        {"code": ["530302005"], "name": ["越州镇"], "abolished": [mi("2026-11")], "successor": ["530302014"], "successor_name": ["越州街道"]}
    )
    assert region_change_notes(changes, ["530302005", "530302001"], ZH) == ["越州镇已于 2026-11 变更为越州街道（530302014）"]
    assert region_change_notes(changes, ["530302005"], EN) == ["越州镇 became 越州街道 (530302014) in 2026-11"]
    assert region_change_notes(changes, ["530302001"], ZH) == []


def test_the_league_table_keeps_what_its_notes_need_estimated_and_overdue():
    rows = report_rows().assign(carried=[0, 2, 0, 0], overdue_months=[float("nan"), float("nan"), 10.0, float("nan")])
    table = league_table(rows, rows, "coverage_rate", "5303").set_index("region_name")
    assert estimated_suffix(table.loc["越州镇"], ZH) == "（估算）"
    assert overdue_text(table.loc["东山镇"], ZH) == "逾期 10 个月，现需 900 人"


@pytest.mark.parametrize(("low", "expected"), [(0.945, ".1%"), (0.89, ".0%")])
def test_trend_ticks_never_repeat_when_the_figures_lie_close(low, expected):
    line = series([low, 0.951, 0.952], [0, 0, 0])
    fig = trend_figure(line, path_for(line["period"].tolist()), title="t", value_name="v", target_name="g", trajectory_name="p")
    assert fig.layout.yaxis.tickformat == expected


def test_a_rate_above_100_percent_is_said_implausible_in_the_row_notes():
    """Issue 9 point 1: a coverage of 191.5% (a 合计 row counted twice) carries a visible mark wherever it
    is listed; a rate of exactly 100% does not."""
    from present.catalog import text
    from present.honest import implausible_text

    def zh(key, **params):
        return text(key, "zh", **params)

    assert implausible_text({"value": 1.915}, zh) == "⚠ 超过 100%，数据不合理，请核实是否重复计算"
    assert implausible_text({"value": 1.0}, zh) is None
    assert implausible_text({"value": float("nan")}, zh) is None
