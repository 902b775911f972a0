"""Charts of the Expansion pool page: pure functions from the measures of ``metrics.pool`` to Figures.

The house style of ``present.charts`` (Okabe-Ito colours, CJK font, titles that
name region and period); every label arrives already translated.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from present.charts import ALERT_COLORS, FONT_FAMILY, STATUS_COLORS, base_layout, month_axis, month_ticks

# Okabe-Ito: the two schemes in blues/greens, what is left in orange.
EMPLOYEE_COLOR = "#0072B2"  # blue
RESIDENT_COLOR = "#009E73"  # bluish green
REMAINING_COLOR = "#E69F00"  # orange
SHORT_COLOR = ALERT_COLORS["short"]  # the pool cannot close the gap (not a status: no status colour)
ENOUGH_COLOR = ALERT_COLORS["enough"]
NO_GAP_COLOR = STATUS_COLORS["none"]
TOTAL_COLOR = "#000000"
CLOSE_ON_AXIS = 0.06  # of the tallest point: closer than this, two names on the y axis would touch
LABEL_ALL_UP_TO = 12  # sub-regions: up to this many, every point is named; beyond, only the flagged ones
GROUP_COLORS: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#B8A200", "#999999")


def _count(value: object) -> str:
    return "—" if value is None or value is pd.NA or value != value else f"{int(value):,}"


def format_sufficiency(value: object, none: str = "—") -> str:
    """Pool sufficiency as a ratio with two decimals, ``0.83``; below 1 never shown as 1.00 (``0.996``)."""
    if value is None or value is pd.NA or value != value:
        return none
    value = float(value)
    for places in (2, 3, 4):
        if value >= 1 or round(value, places) < 1:
            return f"{value:.{places}f}"
    return "0.9999"


def axis_label_positions(remaining: pd.Series) -> list[str]:
    """Where the names of the points on the y axis go (regions without a gap): beside their point, except
    that of two points closer than :data:`CLOSE_ON_AXIS` of the tallest, the lower's name goes below it
    and the upper's above, so they never print over each other (issue 11 point 4). ``remaining``:
    persons, one per point; the positions come back in the same order."""
    heights = pd.to_numeric(remaining, errors="coerce").fillna(0).astype(float)
    close = CLOSE_ON_AXIS * max(1.0, float(heights.max()) if len(heights) else 1.0)
    positions = ["middle right"] * len(heights)
    order = heights.sort_values(kind="stable").index.tolist()
    place = {label: n for n, label in enumerate(heights.index)}
    k = 0
    while k + 1 < len(order):
        low, high = order[k], order[k + 1]
        if heights[high] - heights[low] < close:
            positions[place[low]], positions[place[high]] = "bottom right", "top right"
            k += 2
        else:
            k += 1
    return positions


def count_layout(
    fig: go.Figure,
    title: str,
    *,
    height: int,
    bars_longest: float | None = None,
    room: float = 1.0,
    label_margin: int | None = None,
    bottom: int = 60,
    x_title: str | None = None,
    y_title: str | None = None,
) -> go.Figure:
    """The pool charts' one layout: the house style (:func:`present.charts.base_layout`) with persons on the axes
    (``1,234``, never ``1.2k``).

    For horizontal bars (``bars_longest``: the longest bar, persons) the first category is on top, the x axis
    runs to ``room`` times the longest bar so the labels at the bars' ends fit, and ``label_margin`` pixels on
    the left hold the category names; otherwise (a scatter) both axes count persons from zero with their titles.
    """
    base_layout(fig, title, height=height, percent_axis=None)
    if bars_longest is not None:
        fig.update_yaxes(autorange="reversed")
        fig.update_xaxes(tickformat=",d", range=[0, max(1, int(bars_longest or 0)) * room])
    else:
        fig.update_xaxes(title_text=x_title, tickformat=",d", rangemode="tozero")
        fig.update_yaxes(title_text=y_title, tickformat=",d", rangemode="tozero")
    if label_margin is not None:
        fig.update_layout(margin={"l": label_margin, "r": 30, "t": 70, "b": bottom})
    return fig


def group_funnel(
    groups: pd.DataFrame,
    group_names: Mapping[int, str],
    *,
    title: str,
    employee_name: str,
    resident_name: str,
    remaining_name: str,
    conversion_name: str,
) -> go.Figure:
    """Per key group, a horizontal bar as long as the persons identified, split into enrolled in the
    employee scheme, enrolled in the resident scheme and still remaining; the conversion rate at its end.

    ``groups``: ``group, identified, enrolled_employee, enrolled_resident, remaining, conversion_rate``.
    """
    frame = groups.sort_values("group")
    names = [group_names[int(g)] for g in frame["group"]]
    fig = go.Figure()
    for column, name, color in (
        ("enrolled_employee", employee_name, EMPLOYEE_COLOR),
        ("enrolled_resident", resident_name, RESIDENT_COLOR),
        ("remaining", remaining_name, REMAINING_COLOR),
    ):
        fig.add_trace(
            go.Bar(
                x=[int(v) for v in frame[column]],
                y=names,
                name=name,
                orientation="h",
                marker={"color": color},
                hovertemplate="%{y}<br>" + name + ": %{x:,}<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[int(v) for v in frame["identified"]],
            y=names,
            mode="text",
            text=[
                f"  {_count(i)} · {conversion_name} {r:.1%}" if r == r and r is not None else f"  {_count(i)}"
                for i, r in zip(frame["identified"], frame["conversion_rate"])
            ],
            textposition="middle right",
            textfont={"family": FONT_FAMILY, "size": 12},
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,
        )
    )
    count_layout(fig, title, height=440, bars_longest=frame["identified"].max(), room=1.3, label_margin=170)
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    return fig


def pool_against_gap(
    totals: pd.DataFrame,
    region_names: Mapping[str, str],
    *,
    title: str,
    x_title: str,
    y_title: str,
    short_name: str,
    enough_name: str,
    no_gap_name: str,
    parity_name: str,
) -> go.Figure:
    """Each sub-region's remaining pool (y) against its coverage gap in persons (x). The dashed
    diagonal is sufficiency 1: below it, converting the whole remaining pool would not close the gap
    (flagged in vermillion and named, the worst :data:`LABEL_ALL_UP_TO` where there are more); regions without a gap sit on the y axis in grey; a region
    without a coverage figure is not drawn.

    ``totals``: ``region_code, remaining, gap_persons, pool_sufficiency`` (``metrics.pool.region_totals``).
    """
    frame = totals[totals["remaining"].notna()].copy()
    gap = pd.to_numeric(frame["gap_persons"], errors="coerce")
    sufficiency = pd.to_numeric(frame["pool_sufficiency"], errors="coerce")
    classes = (
        (short_name, SHORT_COLOR, sufficiency < 1, True),
        (enough_name, ENOUGH_COLOR, sufficiency >= 1, len(frame) <= LABEL_ALL_UP_TO),
        (no_gap_name, NO_GAP_COLOR, gap == 0, len(frame) <= LABEL_ALL_UP_TO),
    )
    fig = go.Figure()
    widest = float(gap.max()) if gap.notna().any() else 0.0
    if widest > 0:  # the line of sufficiency 1, over the gaps there are
        fig.add_trace(
            go.Scatter(
                x=[0, widest * 1.08],
                y=[0, widest * 1.08],
                mode="lines",
                name=parity_name,
                line={"color": "#333333", "dash": "dash", "width": 1.2},
                hoverinfo="skip",
            )
        )
    for name, color, mask, labelled in classes:
        part = frame[mask.fillna(False).to_numpy()]
        if part.empty:
            continue
        labels = [region_names.get(code, code) for code in part["region_code"]]
        if labelled and len(part) > LABEL_ALL_UP_TO:  # name the worst only; the table below lists them all
            worst = set(part.sort_values("pool_sufficiency").head(LABEL_ALL_UP_TO)["region_code"])
            shown = [label if code in worst else "" for code, label in zip(part["region_code"], labels)]
        else:
            shown = labels
        fig.add_trace(
            go.Scatter(
                x=[0 if v != v else int(v) for v in pd.to_numeric(part["gap_persons"], errors="coerce")],
                y=[int(v) for v in part["remaining"]],
                mode="markers+text" if labelled else "markers",
                name=name,
                text=shown if labelled else None,
                textposition=axis_label_positions(part["remaining"]) if color == NO_GAP_COLOR else "top center",
                textfont={"family": FONT_FAMILY, "size": 12, "color": color if color != NO_GAP_COLOR else "#666666"},
                customdata=labels,
                hovertemplate="%{customdata}<br>" + x_title + ": %{x:,}<br>" + y_title + ": %{y:,}<extra></extra>",
                marker={"color": color, "size": 11, "line": {"color": "white", "width": 1}},
                cliponaxis=False,
            )
        )
    count_layout(fig, title, height=480, x_title=x_title, y_title=y_title)
    tallest = float(pd.to_numeric(frame["remaining"]).max()) if len(frame) else 0.0
    if tallest > 0:  # the points fill the height; the diagonal may leave through the top
        fig.update_yaxes(range=[0, tallest * 1.15])
    return fig


def conversion_lines(
    series: pd.DataFrame,
    group_names: Mapping[int, str],
    *,
    title: str,
    total_name: str,
) -> go.Figure:
    """Conversion rate month by month: the total (group 0) thick and black, one thin line per group.

    ``series``: ``period, group, conversion_rate`` (``metrics.pool.conversion_over_time``).
    """
    fig = go.Figure()
    for group in sorted(int(g) for g in series["group"].unique()):
        part = series[series["group"] == group].sort_values("period")
        total = group == 0
        fig.add_trace(
            go.Scatter(
                x=month_axis(part["period"]),
                y=part["conversion_rate"].astype(float).tolist(),
                name=total_name if total else group_names[group],
                mode="lines",
                line={
                    "color": TOTAL_COLOR if total else GROUP_COLORS[(group - 1) % len(GROUP_COLORS)],
                    "width": 4 if total else 1.8,
                },
            )
        )
    base_layout(fig, title, height=460)
    month_ticks(fig)
    fig.update_yaxes(rangemode="tozero")
    return fig


def action_bars(actions: pd.DataFrame, action_names: Mapping[int, str], *, title: str) -> go.Figure:
    """Persons enrolled through each of the six actions, largest share labelled as a percentage.

    ``actions``: ``action, enrolled, share`` (``metrics.pool.action_totals``).
    """
    frame = actions.sort_values("action")
    fig = go.Figure(
        go.Bar(
            x=[int(v) for v in frame["enrolled"]],
            y=[action_names[int(a)] for a in frame["action"]],
            orientation="h",
            marker={"color": EMPLOYEE_COLOR},
            text=[
                f"{int(n):,} ({s:.1%})" if s == s and s is not None else f"{int(n):,}"
                for n, s in zip(frame["enrolled"], frame["share"])
            ],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x:,}<extra></extra>",
        )
    )
    count_layout(fig, title, height=340, bars_longest=frame["enrolled"].max(), room=1.25, label_margin=150, bottom=40)
    fig.update_layout(showlegend=False)
    return fig
