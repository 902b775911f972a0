"""The league chart: one horizontal bar per region, coloured by status, the target drawn.

Pure: a league table (``metrics.league.league_table`` rows) and translated
labels in, a plotly Figure out, in the house style of ``present.charts``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from metrics.registry import STATUSES
from present.charts import NOT_COMPARABLE_PATTERN, STATUS_COLORS, STATUS_MARKS, TARGET_COLOR, TRAJECTORY_COLOR, base_layout
from present.formatting import format_rate

BAR_HEIGHT = 24
REFERENCE_RAISE = 20  # pixels: the reference line's label, one text line above the target's
ZOOM_ABOVE = 0.5  # rates all above this: the axis starts near the lowest instead of at 0


def _marked(key: str, label: str) -> str:
    """``"✓ 已达标"``: the status mark before its label (once, even if the label already has it)."""
    mark = STATUS_MARKS.get(key, "")
    return label if not mark or label.startswith(mark) else f"{mark} {label}"


def unique_labels(names: pd.Series, codes: pd.Series) -> list[str]:
    """Region names as axis labels; a name that occurs twice gets its code."""
    counts = names.value_counts()
    return [f"{n}（{c}）" if counts[n] > 1 else str(n) for n, c in zip(names, codes)]


def axis_start(values: pd.Series, targets: pd.Series) -> float:
    """Where the value axis starts: 0, or 5 points below the lowest figure rounded down to 5 %."""
    known = pd.concat([values, targets]).dropna()
    if known.empty or known.min() <= ZOOM_ABOVE:
        return 0.0
    return max(0.0, math.floor((float(known.min()) - 0.02) * 20) / 20)


def reference_below(reference: tuple[str, float] | None, goal: float) -> bool:
    """True where the reference line lies left of the target line (its label then goes left, the target's right)."""
    return reference is not None and reference[1] is not None and not pd.isna(reference[1]) and float(reference[1]) < goal


VALUE_COLUMN_NAME = "values"  # the trace that writes each bar's value at the right edge


def value_column(fig: go.Figure) -> list[str]:
    """The values written at the right edge of a :func:`league_bar_figure`, top to bottom."""
    return [list(trace.text) for trace in fig.data if trace.name == VALUE_COLUMN_NAME][0]


def league_bar_figure(
    members: pd.DataFrame,
    *,
    title: str,
    status_labels: Mapping[str, str],
    target_name: str,
    highlight: str | None = None,
    reference: tuple[str, float] | None = None,
    axis_note: str | None = None,
) -> go.Figure:
    """``members``: ``region_code, region_name, value, target, status`` in rank order (best at the top).

    ``status_labels``: status key (``none`` for no status, ``not_comparable``)
    -> label. A region whose ``comparable`` is False (spec §3) is drawn in
    the neutral grey, hatched, under the "not comparable" label, whatever
    its status: its figure leaves out the persons an ancestor reports.
    ``highlight``: a region code drawn outlined (the selected region among its
    siblings). ``reference``: (label, value), a dotted line for the selected
    region above the league. ``axis_note``: a text with ``{start}``, shown
    when the axis does not start at 0.
    """
    labels = unique_labels(members["region_name"], members["region_code"])
    status = members["status"].fillna("none").astype(object)
    if "comparable" in members:
        comparable = members["comparable"].map(lambda c: True if c is None or c is pd.NA or c != c else bool(c))
        status = status.where(comparable.to_numpy(dtype=bool), "not_comparable")
    fig = go.Figure()
    for key in (*STATUSES, "none", "not_comparable"):
        mask = (status == key).to_numpy()
        if not mask.any():
            continue
        rows = members[mask]
        fig.add_trace(
            go.Bar(
                x=rows["value"],
                y=[label for label, keep in zip(labels, mask) if keep],
                orientation="h",
                name=_marked(key, status_labels.get(key, key)),
                marker={
                    "color": STATUS_COLORS[key],
                    "pattern": {"shape": NOT_COMPARABLE_PATTERN if key == "not_comparable" else "", "fgcolor": "#FFFFFF", "size": 6},
                    "line": {
                        "color": ["#000000" if code == highlight else STATUS_COLORS[key] for code in rows["region_code"]],
                        "width": [3 if code == highlight else 0 for code in rows["region_code"]],
                    },
                },
                text=[format_rate(v, t) for v, t in zip(rows["value"], rows["target"])],
                textposition="none",
                customdata=rows["region_code"],
                hovertemplate="%{y}: %{text}<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed", type="category")
    # The values as a column at the right edge: read like a table, never under a line. One text
    # trace on a hidden axis spanning the plot (0..1), not one annotation per bar: with 1,291
    # townships the annotations alone took 1.2 s (issue 15). Shapes and the few labels are set
    # in one go: adding them one by one is slow.
    fig.add_trace(
        go.Scatter(
            x=[1.0] * len(labels),
            y=labels,
            xaxis="x2",
            mode="text",
            text=[format_rate(value, target) for value, target in zip(members["value"], members["target"])],
            textposition="middle right",
            textfont={"size": 12},
            cliponaxis=False,
            showlegend=False,
            hoverinfo="skip",
            name=VALUE_COLUMN_NAME,
        )
    )
    annotations: list[dict] = []
    shapes: list[dict] = []

    def vline(x: float, style: dict) -> None:
        shapes.append({"type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1, "yref": "paper", "line": style})

    targets = members["target"].dropna().unique()
    above = {"yref": "paper", "y": 1.0, "yanchor": "bottom", "showarrow": False}
    if len(targets) == 1:
        goal = float(targets[0])
        vline(goal, {"color": TARGET_COLOR, "dash": "dash", "width": 2})
        annotations.append(
            {"x": goal, "xanchor": "left" if reference_below(reference, goal) else "right", "text": f"{target_name} {format_rate(goal)}", "font": {"color": TARGET_COLOR}, **above}
        )
    elif len(targets) > 1:
        fig.add_trace(
            go.Scatter(
                x=members["target"],
                y=labels,
                mode="markers",
                name=target_name,
                marker={"symbol": "line-ns-open", "size": 16, "color": TARGET_COLOR, "line": {"width": 2}},
            )
        )
    if reference is not None and reference[1] is not None and not pd.isna(reference[1]):
        name, value = reference
        vline(float(value), {"color": TRAJECTORY_COLOR, "dash": "dot", "width": 2})
        # Beside one target line, the label sits one line higher and on its own side of its line, so
        # "曲靖市 79.2%" never lies over "目标 80.0%" (issue 11 point 4).
        staggered = {"yshift": REFERENCE_RAISE} if len(targets) == 1 else {}
        annotations.append(
            {
                "x": float(value),
                "xanchor": "right" if len(targets) == 1 and float(value) < float(targets[0]) else "left",
                **staggered,
                "text": f"{name} {format_rate(value, targets[0] if len(targets) == 1 else None)}",
                "font": {"color": TRAJECTORY_COLOR},
                **above,
            }
        )

    start = axis_start(members["value"], members["target"])
    top = pd.concat([members["value"], members["target"]]).dropna()
    end = min(1.0, float(top.max()) + 0.01) if not top.empty else 1.0
    if start > 0:
        end = max(end, start + 0.05)
    height = max(360, BAR_HEIGHT * len(members) + 190)
    base_layout(fig, title, height=height, percent_axis="x")
    fig.update_xaxes(range=[start, end])
    fig.update_layout(
        barmode="overlay",
        bargap=0.25,
        margin={"l": 140, "r": 80, "t": 100, "b": 90},
        legend={"y": -60 / (height - 190), "yanchor": "top"},
        annotations=annotations,
        shapes=shapes,
        xaxis2={"overlaying": "x", "range": [0, 1], "visible": False, "fixedrange": True},
    )
    if start > 0 and axis_note:
        fig.update_xaxes(title={"text": axis_note.format(start=format_rate(start, decimals=0)), "font": {"size": 12, "color": "#666666"}})
    return fig
