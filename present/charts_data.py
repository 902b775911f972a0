"""Charts of the Data page (pure: DataFrames and translated labels in, plotly Figures out)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from metrics.periods import period_label
from present.charts import ALERT_COLORS, SERIES_COLORS, TARGET_COLOR, base_layout, month_axis, month_ticks


def completeness_figure(
    completeness: pd.DataFrame,
    *,
    title: str,
    value_name: str,
    full_name: str,
    selected: int | None = None,
) -> go.Figure:
    """Reporting completeness month by month against the 100% line; short months marked in vermillion.

    ``completeness``: ``period, completeness`` (fractions). ``selected``: the month the page looks at.
    """
    months = month_axis(completeness["period"])
    values = completeness["completeness"]
    short = values < 1 - 1e-9
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=months,
            y=[1.0] * len(months),
            name=full_name,
            mode="lines",
            line={"color": TARGET_COLOR, "dash": "dash", "width": 1.5},
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=months,
            y=values,
            name=value_name,
            mode="lines+markers",
            line={"color": SERIES_COLORS[0], "width": 2.5},
            marker={
                "size": [9 if s else 4 for s in short],
                "color": [ALERT_COLORS["short"] if s else SERIES_COLORS[0] for s in short],
            },
        )
    )
    if len(months):
        fig.add_annotation(
            x=months[0], y=1.0, text="100%", showarrow=False, xanchor="left", yanchor="bottom",
            font={"color": TARGET_COLOR},
        )
    if selected is not None and selected in set(completeness["period"]):
        fig.add_vline(x=period_label(selected), line={"color": "#999999", "width": 1, "dash": "dot"})
    low = float(values.min()) if len(values) else 1.0
    fig = month_ticks(base_layout(fig, title, height=360))
    # Zoomed to the data, so that one missed township out of 137 (99.3%) is visible; never hides a low month.
    fig.update_yaxes(range=[max(0.0, min(0.95, low - 0.01)), 1.008])
    return fig
