"""The rankings and gaps charts stand alone in a briefing: titled, status-coloured, the target drawn and
labelled, percent axes; and the tables show the digits that matter while keeping numbers sortable."""

from __future__ import annotations

import pandas as pd
import pytest

from present.charts import STATUS_COLORS
from present.charts_gaps import PACED_COLOR, SHORT_COLOR, UNKNOWN_COLOR, pareto_figure
from present.charts_rankings import VALUE_COLUMN_NAME, axis_start, league_bar_figure, unique_labels, value_column
from present.tables_league import gaps_styler, league_styler

LABELS = {key: key.upper() for key in STATUS_COLORS}


def members(values, statuses, names=None, targets=0.95):
    n = len(values)
    return pd.DataFrame(
        {
            "region_code": [f"53{i:02d}" for i in range(n)],
            "region_name": names or [f"T{i}" for i in range(n)],
            "value": values,
            "target": targets if isinstance(targets, list) else [targets] * n,
            "status": statuses,
        }
    )


def test_the_league_chart_is_titled_and_has_one_bar_series_per_status_in_its_colour():
    fig = league_bar_figure(
        members([0.97, 0.955, 0.94, 0.93], ["achieved", "achieved", "behind", "off_track"]),
        title="曲靖市 县区参保率排名 · 2026-10",
        status_labels=LABELS,
        target_name="目标",
    )
    assert fig.layout.title.text == "曲靖市 县区参保率排名 · 2026-10"
    bars = [trace for trace in fig.data if trace.type == "bar"]
    # each status carries its mark beside its colour (issue 8: told apart without hue)
    assert [b.name for b in bars] == ["✓ ACHIEVED", "! BEHIND", "✕ OFF_TRACK"]
    assert [b.marker.color for b in bars] == [STATUS_COLORS["achieved"], STATUS_COLORS["behind"], STATUS_COLORS["off_track"]]
    assert all(b.orientation == "h" for b in bars)
    assert list(fig.layout.yaxis.categoryarray) == ["T0", "T1", "T2", "T3"]  # best at the top
    assert fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.xaxis.tickformat == ".0%"


def test_the_target_is_drawn_and_labelled_and_the_values_shown_with_the_digits_that_matter():
    fig = league_bar_figure(
        members([0.9496, 0.96], ["behind", "achieved"]), title="t", status_labels=LABELS, target_name="目标"
    )
    lines = [s for s in fig.layout.shapes if s.x0 == s.x1]
    assert [s.x0 for s in lines] == [0.95]
    texts = [a.text for a in fig.layout.annotations]
    assert "目标 95.0%" in texts
    assert value_column(fig) == ["94.96%", "96.0%"]  # one text trace at the right edge (issue 15)


def test_the_reference_region_is_a_labelled_dotted_line_and_the_selected_one_is_outlined():
    fig = league_bar_figure(
        members([0.97, 0.94], ["achieved", "behind"]),
        title="t",
        status_labels=LABELS,
        target_name="目标",
        highlight="5301",
        reference=("曲靖市", 0.951),
    )
    assert "曲靖市 95.1%" in [a.text for a in fig.layout.annotations]
    assert sorted(s.x0 for s in fig.layout.shapes) == [0.95, 0.951]
    behind = next(t for t in fig.data if t.name == "! BEHIND")
    assert list(behind.marker.line.width) == [3]


def test_a_league_of_a_thousand_regions_writes_its_values_in_one_trace_not_an_annotation_per_bar():
    many = members([0.90 + i / 100_000 for i in range(1000)], ["behind"] * 1000)
    fig = league_bar_figure(many, title="t", status_labels=LABELS, target_name="目标")
    assert [a.text for a in fig.layout.annotations] == ["目标 95.0%"]
    column = next(t for t in fig.data if t.name == VALUE_COLUMN_NAME)
    assert (column.xaxis, list(column.x[:2]), len(column.text)) == ("x2", [1.0, 1.0], 1000)
    assert list(fig.layout.xaxis2.range) == [0, 1] and fig.layout.xaxis2.overlaying == "x"


def test_regions_with_different_targets_get_a_target_mark_each():
    fig = league_bar_figure(
        members([0.97, 0.94], ["achieved", "behind"], targets=[0.95, 0.96]), title="t", status_labels=LABELS, target_name="目标"
    )
    marks = [t for t in fig.data if t.type == "scatter" and t.name != VALUE_COLUMN_NAME]
    assert len(marks) == 1 and list(marks[0].x) == [0.95, 0.96]


def test_the_axis_starts_at_zero_unless_every_figure_is_high_and_then_says_where_it_starts():
    assert axis_start(pd.Series([0.4, 0.8]), pd.Series([0.8])) == 0.0
    assert axis_start(pd.Series([0.947, 0.97]), pd.Series([0.95])) == pytest.approx(0.90)
    fig = league_bar_figure(
        members([0.947, 0.97], ["behind", "achieved"]), title="t", status_labels=LABELS, target_name="目标", axis_note="横轴从 {start} 开始"
    )
    assert fig.layout.xaxis.range[0] == pytest.approx(0.90)
    assert fig.layout.xaxis.title.text == "横轴从 90% 开始"


def test_a_name_that_occurs_twice_is_told_apart_by_its_code():
    assert unique_labels(pd.Series(["东山镇", "西山镇", "东山镇"]), pd.Series(["1", "2", "3"])) == ["东山镇（1）", "西山镇", "东山镇（3）"]


# --------------------------------------------------------------------------- the Pareto chart


def gap_rows(gaps, flags):
    total = sum(gaps)
    running = pd.Series(gaps).cumsum() / total
    return pd.DataFrame(
        {
            "region_code": [f"53{i:02d}" for i in range(len(gaps))],
            "region_name": [f"T{i}" for i in range(len(gaps))],
            "gap_persons": gaps,
            "cumulative_share": running,
            "short_of_pace": pd.array(flags, dtype="boolean"),
        }
    )


def pareto(table, **kwargs):
    return pareto_figure(
        table,
        title="曲靖市 乡镇参保率缺口分布 · 2026-10",
        bar_name="缺口人数",
        line_name="累计占比",
        flag_names=("需提速", "进度够用", "无法判断"),
        rest_note=lambda **n: "rest {shown} {count} {persons} {share}".format(**n),
        **kwargs,
    )


def test_the_pareto_chart_has_gap_bars_by_pace_and_the_cumulative_share_on_a_percent_axis():
    fig = pareto(gap_rows([600, 300, 100], [True, False, None]))
    assert fig.layout.title.text == "曲靖市 乡镇参保率缺口分布 · 2026-10"
    bars = {t.name: t for t in fig.data if t.type == "bar"}
    assert list(bars) == ["需提速", "进度够用", "无法判断"]
    assert [bars[n].marker.color for n in bars] == [SHORT_COLOR, PACED_COLOR, UNKNOWN_COLOR]
    assert list(bars["需提速"].y) == [600] and list(bars["进度够用"].x) == ["T1"]
    line = next(t for t in fig.data if t.type == "scatter")
    assert line.yaxis == "y2" and list(line.y) == pytest.approx([0.6, 0.9, 1.0])
    assert fig.layout.yaxis2.tickformat == ".0%" and fig.layout.yaxis2.overlaying == "y"
    assert list(fig.layout.xaxis.categoryarray) == ["T0", "T1", "T2"]
    assert [s.y0 for s in fig.layout.shapes] == [0.8]


def test_beyond_the_bar_limit_the_rest_is_left_out_and_said_so():
    fig = pareto(gap_rows([50] * 10, [False] * 10), max_bars=4)
    assert list(fig.layout.xaxis.categoryarray) == ["T0", "T1", "T2", "T3"]
    assert "rest 4 6 300 60%" in [a.text for a in fig.layout.annotations]


# --------------------------------------------------------------------------- the tables on screen


def test_the_league_table_shows_rates_to_the_digits_that_matter_and_ranks_with_arrows():
    frame = pd.DataFrame(
        {
            "排名": pd.array([None, 1, 2], dtype="Int64"),
            "名次变化": pd.array([None, 3, -2], dtype="Int64"),
            "参保率": [0.951, 0.96, 0.94996],
            "目标": [0.95, 0.95, 0.95],
            "差距（百分点）": [-0.001, -0.01, 0.00004],
            "差距（人）": pd.array([0, 0, 1234], dtype="Int64"),
            "状态": ["已达标", "已达标", "略有滞后"],
        }
    )
    html = league_styler(
        frame,
        targets=frame["目标"],
        rank="排名",
        rank_change="名次变化",
        value="参保率",
        target="目标",
        gap_pp="差距（百分点）",
        gap_persons="差距（人）",
        status="状态",
        status_colors={"已达标": "#0072B2", "略有滞后": "#E69F00"},
    ).to_html()
    for shown in ("94.996%", "▲3", "▼2", "1,234", "+0.00", "-1.00", "95.0%"):
        assert shown in html
    assert "#0072B2" in html and "#FFF4CC" in html


def test_the_gaps_table_shows_persons_and_shares_and_colours_the_pace_flag():
    frame = pd.DataFrame(
        {"参保率": [0.9], "目标": [0.95], "差距（人）": [1234], "占比": [0.4567], "累计占比": [0.4567], "需": [150.4], "月均": [None], "判断": ["需提速"]}
    )
    html = gaps_styler(
        frame,
        value="参保率",
        targets=frame["目标"],
        target="目标",
        gap_persons="差距（人）",
        shares=("占比", "累计占比"),
        paces=("需", "月均"),
        flag="判断",
        flag_colors={"需提速": SHORT_COLOR},
    ).to_html()
    for shown in ("1,234", "45.7%", "150", "—"):
        assert shown in html
    assert SHORT_COLOR in html
