"""The gap chart: where the persons still needed are (a Pareto chart).

Bars are each region's gap in persons, largest first, coloured by whether the
region keeps the pace its deadline needs; the line is the cumulative share of
the whole gap on a secondary percent axis, with the 80 % mark drawn. Pure:
``metrics.gaps.gap_table`` rows and translated labels in, a Figure out.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go

from present.charts import ALERT_COLORS, TARGET_COLOR, base_layout
from present.charts_rankings import unique_labels

MAX_BARS = 40
LABELLED_BARS = 20  # above this many bars, the persons are read off the axis and the hover
# Pace flags are not statuses: they take the alert colours, never a status colour (issue 8).
SHORT_COLOR = ALERT_COLORS["short"]  # needs a faster pace than it keeps
PACED_COLOR = ALERT_COLORS["enough"]  # keeps the pace it needs
UNKNOWN_COLOR = ALERT_COLORS["unknown"]  # pace unknown
LINE_COLOR = "#000000"
SHORT_BAR = 0.08  # of the persons axis: a bar shorter than this prints its label just above it
LINE_ABOVE_BARS = 1.15  # the cumulative line's point sits at least this many times higher than its bar


def pareto_figure(
    table: pd.DataFrame,
    *,
    title: str,
    bar_name: str,
    line_name: str,
    flag_names: tuple[str, str, str],
    rest_note: Callable[..., str],
    share_mark: float = 0.8,
    max_bars: int = MAX_BARS,
    overdue_name: str = "",
) -> go.Figure:
    """``table``: ``region_code, region_name, gap_persons, cumulative_share, short_of_pace``, largest gap first.

    ``flag_names``: the legend names of (short of pace, keeps pace, pace
    unknown); ``bar_name`` names the bars in hovers. Beyond ``max_bars``
    regions the rest is left out, and ``rest_note(shown=, count=, persons=,
    share=)`` says so above the chart: one bar for them all would dwarf the
    others. With ``overdue_name``, the bars of overdue regions (``overdue_months``
    known, issue 8) form their own legend entry, hatched: their deadline has
    passed, whatever their pace.
    """
    shown = table.head(max_bars)
    labels = unique_labels(shown["region_name"], shown["region_code"])
    gaps = shown["gap_persons"].astype("int64").tolist()
    cumulative = shown["cumulative_share"].astype("float64").tolist()
    flags = shown["short_of_pace"].tolist()
    late = shown["overdue_months"].notna().tolist() if overdue_name and "overdue_months" in shown else [False] * len(shown)
    labelled = len(labels) <= LABELLED_BARS
    whole = max(1, int(table["gap_persons"].sum()))  # persons: what the cumulative share is a share of

    def short_bar(i: int) -> bool:  # too short for its label inside: printed above, in ink
        return gaps[i] < SHORT_BAR * whole * 1.05 * LINE_ABOVE_BARS

    fig = go.Figure()
    groups = (
        (overdue_name, SHORT_COLOR, None),
        (flag_names[0], SHORT_COLOR, lambda f: f is True),
        (flag_names[1], PACED_COLOR, lambda f: f is False),
        (flag_names[2], UNKNOWN_COLOR, lambda f: f is not True and f is not False),
    )
    for name, colour, test in groups:
        if test is None:
            picked = [i for i, is_late in enumerate(late) if is_late]
        else:
            picked = [i for i, f in enumerate(flags) if not late[i] and test(f if f is not pd.NA else None)]
        if not picked:
            continue
        fig.add_trace(
            go.Bar(
                x=[labels[i] for i in picked],
                y=[gaps[i] for i in picked],
                name=name,
                marker={"color": colour, "pattern": {"shape": "x" if test is None else "", "fgcolor": "#FFFFFF", "size": 8}},
                text=[f"{gaps[i]:,}" for i in picked] if labelled else None,
                # inside the top of the bar, or just above a bar too short for it: the line's point is
                # LINE_ABOVE_BARS times higher than its bar, so it passes over the labels, never through them
                textposition=["outside" if short_bar(i) else "inside" for i in picked],
                cliponaxis=False,
                insidetextanchor="end",
                textangle=0,
                textfont={"color": ["#000000" if colour == UNKNOWN_COLOR or short_bar(i) else "#FFFFFF" for i in picked]},
                hovertemplate="%{x}: %{y:,} " + bar_name + "<extra>%{fullData.name}</extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=labels,
            y=cumulative,
            name=line_name,
            mode="lines+markers",
            line={"color": LINE_COLOR, "width": 2},
            marker={"size": 6},
            yaxis="y2",
            hovertemplate="%{x}: %{y:.1%}<extra>" + line_name + "</extra>",
        )
    )
    fig.update_xaxes(categoryorder="array", categoryarray=labels, tickangle=-45 if len(labels) > 8 else 0)
    base_layout(fig, title, height=480, percent_axis=None)
    fig.update_layout(
        barmode="overlay",
        # The persons axis runs to LINE_ABOVE_BARS times the whole gap on the scale of the share axis, so each
        # bar (its share of the gap, never above the cumulative share) ends below the line's point over it.
        yaxis={"title": {"text": bar_name}, "tickformat": ",d", "range": [0, whole * 1.05 * LINE_ABOVE_BARS]},
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "range": [0, 1.05],
            "tickmode": "linear",
            "tick0": 0,
            "dtick": 0.2,
            "tickformat": ".0%",
            "showgrid": False,
            "title": {"text": line_name},
        },
        margin={"l": 70, "r": 70, "t": 70, "b": 120},
        legend={"y": -0.35 if len(labels) > 8 else -0.15},
    )
    fig.add_shape(
        type="line", xref="paper", x0=0, x1=1, yref="y2", y0=share_mark, y1=share_mark,
        line={"color": TARGET_COLOR, "dash": "dot", "width": 1},
    )
    fig.add_annotation(
        text=f"{share_mark:.0%}", xref="paper", x=0, yref="y2", y=share_mark, xanchor="left", yanchor="bottom",
        showarrow=False, font={"color": TARGET_COLOR, "size": 11},
    )
    if len(table) > max_bars:
        rest = table.iloc[max_bars:]
        persons = int(rest["gap_persons"].sum())
        fig.add_annotation(
            text=rest_note(shown=len(shown), count=len(rest), persons=f"{persons:,}", share=f"{1 - cumulative[-1]:.0%}"),
            xref="paper", yref="paper", x=1, y=1.0, xanchor="right", yanchor="bottom", showarrow=False,
            font={"size": 12, "color": "#555555"},
        )
    return fig
