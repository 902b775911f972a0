"""What a user met on the charts (issue 11 point 4): English month names in the Chinese dashboard,
labels lying on top of each other, a toolbar over the title at phone width."""

from __future__ import annotations

import pandas as pd

from metrics.periods import month_index
from present.charts import base_layout, trend_figure
from present.charts_data import completeness_figure
from present.charts_gaps import LINE_ABOVE_BARS, pareto_figure
from present.charts_pool import conversion_lines
from present.charts_rankings import REFERENCE_RAISE, league_bar_figure

import plotly.graph_objects as go

MONTHS = [month_index("2024-01"), month_index("2024-02"), month_index("2024-03")]


def test_the_pool_conversion_chart_ticks_months_as_2024_01_not_jan_2024():
    series = pd.DataFrame({"period": MONTHS * 2, "group": [0] * 3 + [1] * 3, "conversion_rate": [0.1, 0.2, 0.3] * 2})
    fig = conversion_lines(series, {1: "灵活就业人员"}, title="转化率", total_name="合计")
    assert list(fig.data[0].x) == ["2024-01", "2024-02", "2024-03"]
    assert (fig.layout.xaxis.type, fig.layout.xaxis.tickformat, fig.layout.xaxis.hoverformat) == ("date", "%Y-%m", "%Y-%m")


def test_the_trend_and_completeness_charts_tick_months_as_2024_01():
    series = pd.DataFrame({"period": MONTHS, "value": [0.9, 0.91, 0.92]})
    path = pd.DataFrame({"period": MONTHS, "target": [0.95] * 3, "trajectory": [0.9, 0.92, 0.93]})
    trend = trend_figure(series, path, title="t", value_name="参保率", target_name="目标", trajectory_name="进度线")
    completeness = completeness_figure(
        pd.DataFrame({"period": MONTHS, "completeness": [1.0, 0.99, 1.0]}), title="t", value_name="报送率", full_name="全部报送"
    )
    for fig in (trend, completeness):
        assert (fig.layout.xaxis.type, fig.layout.xaxis.tickformat) == ("date", "%Y-%m")


def test_chart_tools_run_down_the_right_edge_so_they_never_cover_the_title():
    assert base_layout(go.Figure(), "曲靖市 参保率走势 · 2026-10").layout.modebar.orientation == "v"


def league(reference):
    members = pd.DataFrame(
        {
            "region_code": ["530302", "530323"],
            "region_name": ["麒麟区", "师宗县"],
            "value": [0.83, 0.75],
            "target": [0.8, 0.8],
            "status": ["achieved", "off_track"],
        }
    )
    fig = league_bar_figure(members, title="t", status_labels={"achieved": "已达标", "off_track": "滞后"}, target_name="目标", reference=reference)
    return {a.text: a for a in fig.layout.annotations}


def test_a_reference_just_below_the_target_is_labelled_one_line_higher_and_to_the_left():
    labels = league(("曲靖市", 0.792))
    target, city = labels["目标 80.0%"], labels["曲靖市 79.2%"]
    assert (target.xanchor, target.yshift) == ("left", None)
    assert (city.xanchor, city.yshift) == ("right", REFERENCE_RAISE)


def test_a_reference_above_the_target_is_labelled_one_line_higher_and_to_the_right():
    labels = league(("曲靖市", 0.812))
    target, city = labels["目标 80.0%"], labels["曲靖市 81.2%"]
    assert (target.xanchor, target.yshift) == ("right", None)
    assert (city.xanchor, city.yshift) == ("left", REFERENCE_RAISE)


def test_the_pareto_bar_labels_sit_inside_their_bars_and_every_bar_ends_under_the_cumulative_line():
    table = pd.DataFrame(
        {
            "region_code": ["1", "2", "3"],
            "region_name": ["东山镇", "西山镇", "南山镇"],
            "gap_persons": [600, 300, 100],
            "cumulative_share": [0.6, 0.9, 1.0],
            "short_of_pace": pd.array([True, False, None], dtype="boolean"),
        }
    )
    fig = pareto_figure(
        table, title="t", bar_name="缺口人数", line_name="累计占比", flag_names=("需提速", "进度够用", "无法判断"),
        rest_note=lambda **n: "",
    )
    bars = [t for t in fig.data if t.type == "bar"]
    # 100 of 1,000 persons fills 8.3% of the axis: inside; a bar under 8% prints its label just above it
    assert [(list(b.textposition), b.insidetextanchor) for b in bars] == [(["inside"], "end")] * 3
    assert [list(b.text) for b in bars] == [["600"], ["300"], ["100"]]
    # each bar ends below the cumulative line's point above it: persons axis 0..1000 persons x 1.05 x 1.15
    assert list(fig.layout.yaxis.range) == [0, 1000 * 1.05 * LINE_ABOVE_BARS]
    assert list(fig.layout.yaxis2.range) == [0, 1.05]



def test_names_of_close_points_on_the_pool_scatter_axis_go_below_and_above_them():
    from present.charts_pool import axis_label_positions

    # 6,400 and 6,000 persons lie 2% of the tallest apart: the lower's name below, the upper's above;
    # 12,400, 15,000 and 17,300 are far enough apart to be named beside their points
    assert axis_label_positions(pd.Series([17_300, 15_000, 12_400, 6_400, 6_000], index=[3, 4, 7, 8, 9])) == [
        "middle right", "middle right", "middle right", "top right", "bottom right",
    ]



def test_a_pareto_bar_too_short_for_its_label_prints_it_just_above():
    table = pd.DataFrame(
        {
            "region_code": ["1", "2"], "region_name": ["东山镇", "西山镇"], "gap_persons": [950, 50],
            "cumulative_share": [0.95, 1.0], "short_of_pace": pd.array([True, True], dtype="boolean"),
        }
    )
    fig = pareto_figure(table, title="t", bar_name="人", line_name="累计", flag_names=("a", "b", "c"), rest_note=lambda **n: "")
    assert list(fig.data[0].textposition) == ["inside", "outside"]
    assert list(fig.data[0].textfont.color) == ["#FFFFFF", "#000000"]  # above the bar, on white: in ink
