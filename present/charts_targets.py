"""Figures of the Targets page: pure functions in the house style of :mod:`present.charts`."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from metrics.periods import period_label
from present.charts import TARGET_COLOR, base_layout


def _percent(value: float) -> str:
    return f"{value:.0%}" if round(value, 2) == value else f"{value:.1%}"


def _text_position(month: int, first: int, last: int) -> str:
    """Labels near either end of the axis lean inwards, so none is cut off."""
    span = max(last - first, 1)
    where = (month - first) / span
    return "top right" if where < 0.1 else "top left" if where > 0.9 else "top center"


def _date(month: int) -> str:
    return f"{period_label(month)}-01"


def milestone_steps_figure(
    steps: pd.DataFrame,
    milestones: pd.DataFrame,
    *,
    title: str,
    target_name: str,
    milestone_name: str,
    with_months: bool = False,
    height: int = 320,
) -> go.Figure:
    """The target in force month by month as a step line, milestones as labelled diamonds.

    ``steps``: ``period, target`` (``metrics.targets_view.target_steps``);
    ``milestones``: ``by, value``; only those inside the steps' span are
    drawn, labelled with their value (and their month, ``with_months``).
    Spans of three years or less get a tick every quarter.
    """
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[_date(m) for m in steps["period"]],
            y=steps["target"],
            name=target_name,
            mode="lines",
            line={"color": TARGET_COLOR, "width": 2, "shape": "hv"},
            connectgaps=False,
            hovertemplate="%{x|%Y-%m}: %{y:.1%}<extra></extra>",
        )
    )
    if not steps.empty:
        first, last = int(steps["period"].min()), int(steps["period"].max())
        shown = milestones[(milestones["by"] >= first) & (milestones["by"] <= last)]
    else:
        shown = milestones.iloc[0:0]
    if not shown.empty:
        fig.add_trace(
            go.Scatter(
                x=[_date(m) for m in shown["by"]],
                y=shown["value"],
                name=milestone_name,
                mode="markers+text",
                marker={"symbol": "diamond", "size": 10, "color": TARGET_COLOR},
                text=[
                    f"{_percent(v)} ({period_label(m)})" if with_months else _percent(v)
                    for m, v in zip(shown["by"], shown["value"])
                ],
                textposition=[_text_position(m, first, last) for m in shown["by"]],
                cliponaxis=False,
                hovertext=[period_label(m) for m in shown["by"]],
                hovertemplate="%{hovertext}: %{y:.1%}<extra></extra>",
            )
        )
    base_layout(fig, title, height=height)
    # room above the highest milestone for its label; ticks stop at 100%
    top = max([1.0] + [float(v) + 0.12 for v in shown["value"]]) if not shown.empty else 1.0
    ticks = [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    fig.update_yaxes(range=[0, min(top, 1.15)], tickvals=ticks, ticktext=[f"{v:.0%}" for v in ticks])
    months = len(steps)
    if months and months <= 36:
        fig.update_xaxes(type="date", dtick="M3", tickformat="%Y-%m")
    else:
        fig.update_xaxes(type="date", dtick="M12", tickformat="%Y")
    return fig
