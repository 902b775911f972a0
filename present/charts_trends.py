"""Figures of the Trends page: pure functions from DataFrames and translated labels to plotly Figures.

They follow the house style of :mod:`present.charts` (``base_layout``, the
Okabe-Ito ``STATUS_COLORS``, percent axes, titled so that a screenshot
stands alone). Nothing here reads Streamlit state.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from metrics.periods import period_label
from metrics.trends import STATUS_CODES
from present.charts import (
    SERIES_COLORS,
    STATUS_COLORS,
    STATUS_MARKS,
    carried_markers,
    estimated_flags,
    estimated_legend,
    TARGET_COLOR,
    base_layout,
    milestone_trace,
    month_axis,
    status_color,
    target_traces,
)
from present.formatting import format_rate


def percent_ticks(*columns: object) -> str:
    """``.0%`` ticks, or ``.1%`` where every value lies within 5 points (so ticks never repeat)."""
    values = pd.concat([pd.Series(c, dtype="float64") for c in columns], ignore_index=True).dropna()
    if values.empty or values.max() - values.min() >= 0.05:
        return ".0%"
    return ".1%"


def comparison_figure(
    lines: Sequence[tuple[str, pd.DataFrame]],
    path: pd.DataFrame,
    *,
    title: str,
    target_name: str,
    trajectory_name: str,
    milestones: Sequence[tuple[int, float]] = (),
    milestone_name: str = "",
    restarts: Sequence[int] = (),
    restart_label: str = "",
    height: int = 460,
    estimated_name: str = "",
) -> go.Figure:
    """Several regions' values month by month, with the first region's target and trajectory.

    ``lines``: (name, ``period, value``) per region, the selected region
    first (drawn thickest), with ``carried`` where known: a month whose
    figure counts carried rows is drawn hollow (an estimate, issue 8); ``path``: ``period, target, trajectory`` (from
    ``metrics.compute.trajectory_path``); ``milestones``: (month, value)
    drawn as labelled diamonds; ``restarts``: months where a year-to-date
    count starts afresh, marked by a vertical line.
    """
    fig = go.Figure()
    axis = month_axis(path["period"])
    for trace in target_traces(path, target_name, trajectory_name):
        fig.add_trace(trace)
    for i, (name, series) in enumerate(lines):
        fig.add_trace(
            go.Scatter(
                x=month_axis(series["period"]),
                y=series["value"],
                name=name,
                mode="lines+markers",
                line={"color": SERIES_COLORS[i % len(SERIES_COLORS)], "width": 3.5 if i == 0 else 2},
                marker=carried_markers(series, size=5 if i == 0 else 4, color=SERIES_COLORS[i % len(SERIES_COLORS)]),
            )
        )
    if estimated_name and any(any(estimated_flags(series)) for _, series in lines):
        fig.add_trace(estimated_legend(estimated_name, TARGET_COLOR))
    if milestones:
        fig.add_trace(milestone_trace(milestones, milestone_name))
    for month in restarts:
        fig.add_vline(x=period_label(month), line={"color": "#999999", "width": 1, "dash": "dot"})
        fig.add_annotation(
            x=period_label(month), y=1, yref="paper", text=restart_label, showarrow=False,
            xanchor="left", yanchor="top", font={"size": 11, "color": "#666666"},
        )
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=axis)
    base_layout(fig, title, height=height)
    columns = [path["target"], path["trajectory"], *[series["value"] for _, series in lines], [v for _, v in milestones]]
    fig.update_yaxes(tickformat=percent_ticks(*columns))
    return fig


def panels_figure(
    panels: Sequence[tuple[str, pd.DataFrame, pd.DataFrame, str | None]],
    *,
    title: str,
    value_name: str,
    target_name: str,
    columns: int = 3,
) -> go.Figure:
    """Small multiples: one panel per region, its value against its own target, one shared y axis.

    ``panels``: (panel title, ``period, value``, ``period, target``, status of
    the last month) per region; the last value is marked in its status colour.
    """
    count = max(len(panels), 1)
    columns = max(1, min(columns, count))
    rows = math.ceil(count / columns)
    fig = make_subplots(
        rows=rows,
        cols=columns,
        shared_yaxes="all",
        subplot_titles=[p[0] for p in panels] or [""],
        horizontal_spacing=0.04,
        vertical_spacing=0.5 / rows if rows > 1 else 0.1,
    )
    traces, rows_of, cols_of = [], [], []
    for i, (_, series, path, status) in enumerate(panels):
        row, col = divmod(i, columns)
        first = i == 0
        panel = [
            go.Scatter(
                x=month_axis(path["period"]),
                y=path["target"].to_numpy(dtype="float64"),
                name=target_name,
                mode="lines",
                line={"color": TARGET_COLOR, "dash": "dash", "width": 1.2, "shape": "hv"},
                legendgroup="target",
                showlegend=first,
            ),
            go.Scatter(
                x=month_axis(series["period"]),
                y=series["value"].to_numpy(dtype="float64"),
                name=value_name,
                mode="lines+markers" if any(estimated_flags(series)) else "lines",
                line={"color": SERIES_COLORS[0], "width": 2.2},
                # only an estimated (carried) month gets a marker: a hollow one
                marker={
                    "symbol": ["circle-open" if c else "circle" for c in estimated_flags(series)],
                    "size": [8 if c else 0 for c in estimated_flags(series)],
                    "color": SERIES_COLORS[0],
                    "line": {"width": 2, "color": SERIES_COLORS[0]},
                },
                legendgroup="value",
                showlegend=first,
            ),
        ]
        known = series.dropna(subset=["value"])
        if not known.empty:
            last = known.iloc[-1]
            panel.append(
                go.Scatter(
                    x=[period_label(last["period"])],
                    y=[float(last["value"])],
                    mode="markers",
                    marker={"size": 9, "color": status_color(status), "line": {"color": "white", "width": 1}},
                    showlegend=False,
                    hoverinfo="skip",
                )
            )
        traces += panel
        rows_of += [row + 1] * len(panel)
        cols_of += [col + 1] * len(panel)
    if traces:
        fig.add_traces(traces, rows=rows_of, cols=cols_of)
    base_layout(fig, title, height=max(320, 230 * rows + 130))
    columns = [c for _, series, path, _ in panels for c in (series["value"], path["target"])]
    fig.update_yaxes(tickformat=percent_ticks(*columns), hoverformat=".2%")
    fig.update_xaxes(type="category", nticks=6)
    fig.update_annotations(font={"size": 13})
    return fig


def status_heatmap(
    status: pd.DataFrame,
    values: pd.DataFrame,
    targets: pd.DataFrame,
    row_labels: Sequence[str],
    status_labels: Mapping[str, str],
    *,
    title: str,
    value_word: str,
    target_word: str,
    status_word: str,
    greyed: Sequence[bool] = (),
) -> go.Figure:
    """Regions × months coloured by status, a discrete Okabe-Ito scale, each cell with its status mark.

    ``status``: status codes (:data:`metrics.trends.STATUS_CODES`) indexed
    by region, columns month indexes; ``values`` and ``targets`` the same
    shape, for the hover; ``status_labels``: status key (``none`` included)
    -> translated label (and ``not_comparable``); ``greyed``: per row, True
    where the region is not comparable (spec §3): the whole row is drawn in
    the neutral grey, never in a status colour. Every cell carries its
    status mark (``STATUS_MARKS``), so the statuses read without hue.
    """
    keys = [*STATUS_CODES, "not_comparable"]  # code i -> status key
    n = len(keys)
    scale = []
    for i, key in enumerate(keys):
        scale += [[i / n, STATUS_COLORS[key]], [(i + 1) / n, STATUS_COLORS[key]]]
    months = [int(m) for m in status.columns]
    x = [period_label(m) for m in months]
    codes = status.to_numpy().tolist()
    grey = keys.index("not_comparable")
    codes = [[grey] * len(row) if i < len(greyed) and greyed[i] else row for i, row in enumerate(codes)]
    shown = values.to_numpy(dtype="float64").tolist()
    goals = targets.to_numpy(dtype="float64").tolist()
    labels = [status_labels.get(k, k) for k in keys]
    hover = [
        [[format_rate(v, g), format_rate(g), labels[c]] for v, g, c in zip(value_row, goal_row, code_row)]
        for value_row, goal_row, code_row in zip(shown, goals, codes)
    ]
    fig = go.Figure(
        go.Heatmap(
            z=codes,
            x=x,
            y=list(row_labels),
            zmin=-0.5,
            zmax=n - 0.5,
            colorscale=scale,
            xgap=1,
            ygap=1,
            customdata=np.array(hover, dtype=object),
            text=[[STATUS_MARKS[keys[c]] for c in row] for row in codes],
            texttemplate="%{text}",
            textfont={"size": 10, "color": "#FFFFFF"},
            hovertemplate=(
                "%{y} · %{x}<br>"
                + value_word + ": %{customdata[0]}<br>"
                + target_word + ": %{customdata[1]}<br>"
                + status_word + ": %{customdata[2]}<extra></extra>"
            ),
            colorbar={
                "tickvals": list(range(n)),
                "ticktext": [f"{STATUS_MARKS[k]} {status_labels.get(k, k)}".strip() for k in keys],
                "title": {"text": status_word},
                "thickness": 14,
                "len": min(1.0, 300 / max(300, 18 * len(status.index) + 160)) if len(status.index) > 20 else 1.0,
                "y": 1,
                "yanchor": "top",
            },
        )
    )
    fig.update_yaxes(autorange="reversed", type="category", tickfont={"size": 11})
    fig.update_xaxes(type="category", side="top")
    height = max(300, 18 * len(status.index) + 160)
    base_layout(fig, title, height=height, percent_axis=None)
    fig.update_layout(margin={"l": 150, "r": 30, "t": 110, "b": 30})
    return fig
