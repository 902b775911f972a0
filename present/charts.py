"""Chart builders: pure functions from DataFrames (and already-translated labels) to plotly Figures.

Every chart shares one look, made for briefings: the Okabe-Ito status
palette (safe for colour-blind readers), percentages on rate axes, targets
drawn and labelled, a CJK font first in the font list, and a title naming
region, metric and period so a screenshot stands on its own. Nothing here
reads Streamlit state; :func:`show` is the one place a figure meets the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from metrics.periods import period_label
from metrics.registry import STATUSES

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
# One colour means one thing on every page and export (issue 8): these four
# status colours stand for the statuses and for nothing else. Whatever else
# a page flags (a pace kept or missed, a rank gained or lost, a pool too
# small) takes a colour from ALERT_COLORS, never a status colour.
STATUS_COLORS: dict[str, str] = {
    "achieved": "#0072B2",  # blue
    "on_track": "#009E73",  # bluish green
    "behind": "#E69F00",  # orange
    "off_track": "#D55E00",  # vermillion
    "none": "#BBBBBB",  # light grey: no figure or no target
    "not_comparable": "#8C8C8C",  # neutral grey, hatched: an ancestor reports some of its schemes
}
STATUS_ORDER: tuple[str, ...] = STATUSES  # the registry's one status list, best first
# A mark beside (or inside) every status colour, so the statuses read without hue.
STATUS_MARKS: dict[str, str] = {
    "achieved": "✓",
    "on_track": "↗",
    "behind": "!",
    "off_track": "✕",
    "none": "",
    "not_comparable": "≠",
}
NOT_COMPARABLE_PATTERN = "/"  # the hatch of a not-comparable bar
ALERT_COLORS: dict[str, str] = {
    "short": "#CC79A7",  # reddish purple: short of what it needs (pace, pool)
    "enough": "#56B4E9",  # sky blue: keeps the pace it needs, pool big enough
    "unknown": "#BBBBBB",  # light grey: cannot tell
    "change": "#1A1A1A",  # ink: a rank change reads by its arrow, not its colour
}
SERIES_COLORS: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
TARGET_COLOR = "#333333"
TRAJECTORY_COLOR = "#7F7F7F"
FONT_FAMILY = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
EXPORT_WIDTH, EXPORT_HEIGHT, EXPORT_SCALE = 1600, 900, 2


def status_color(status: str | None, comparable: bool = True) -> str:
    """The one colour of ``status`` (grey for none; the neutral grey where the region is not comparable)."""
    if not comparable:
        return STATUS_COLORS["not_comparable"]
    return STATUS_COLORS.get(status or "none", STATUS_COLORS["none"])


def carried_markers(series: pd.DataFrame, *, size: float = 5, color: str = SERIES_COLORS[0]) -> dict:
    """Markers for a value line: hollow where the month's figure counts carried rows (an estimate, issue 8).

    ``series``: ``period, value`` and optionally ``carried`` (int, the
    (region, scheme) pairs counted through a carried row at that month, spec
    §3 "Carried rows"); without ``carried`` every marker is filled.
    """
    carried = estimated_flags(series)
    return {
        "size": [size * 1.6 if c else size for c in carried],
        "symbol": ["circle-open" if c else "circle" for c in carried],
        "color": color,
        "line": {"width": 2, "color": color},
    }


def estimated_flags(series: pd.DataFrame) -> list[bool]:
    """Per row of ``series``: True where its figure counts carried rows (``carried`` > 0)."""
    if "carried" not in series:
        return [False] * len(series)
    return [bool(c == c and c is not None and c is not pd.NA and int(c) > 0) for c in series["carried"]]


def base_layout(fig: go.Figure, title: str, *, height: int = 420, percent_axis: str | None = "y") -> go.Figure:
    """The house style: title, font, white background, light grid, legend below."""
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 18}},
        font={"family": FONT_FAMILY, "size": 13, "color": "#222222"},
        template="plotly_white",
        height=height,
        margin={"l": 60, "r": 30, "t": 70, "b": 60},
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "xanchor": "left", "x": 0},
        hoverlabel={"font": {"family": FONT_FAMILY}},
        # down the right edge, not across the top: at phone width a row of tools would cover the title (issue 11)
        modebar={"orientation": "v"},
    )
    if percent_axis == "y":
        fig.update_yaxes(tickformat=".0%", hoverformat=".2%")
    elif percent_axis == "x":
        fig.update_xaxes(tickformat=".0%", hoverformat=".2%")
    return fig


def month_axis(months: Sequence[int]) -> list[str]:
    """Month indexes as the x values of a time chart: ``24312`` -> ``"2025-12"``.

    Plotly reads these strings as dates and would tick them in English
    ("Jan 2024"); a figure that uses them calls :func:`month_ticks`.
    """
    return [period_label(m) for m in months]


def month_ticks(fig: go.Figure) -> go.Figure:
    """Ticks and hovers of a :func:`month_axis` x axis read ``2024-01``, in every language (issue 11 point 4:
    plotly's own date ticks, "Jan 2024", are English in the Chinese dashboard)."""
    fig.update_xaxes(type="date", tickformat="%Y-%m", hoverformat="%Y-%m")
    return fig


def target_traces(path: pd.DataFrame, target_name: str, trajectory_name: str) -> tuple[go.Scatter, go.Scatter]:
    """The trajectory (dotted) and the target (dashed steps) of ``path`` (``period, target, trajectory``,
    from ``metrics.compute.trajectory_path``), as every trend chart draws them."""
    axis = month_axis(path["period"])
    trajectory = go.Scatter(
        x=axis,
        y=path["trajectory"],
        name=trajectory_name,
        mode="lines",
        line={"color": TRAJECTORY_COLOR, "dash": "dot", "width": 2},
        connectgaps=False,
    )
    target = go.Scatter(
        x=axis,
        y=path["target"],
        name=target_name,
        mode="lines",
        line={"color": TARGET_COLOR, "dash": "dash", "width": 1.5, "shape": "hv"},
    )
    return trajectory, target


def milestone_trace(milestones: Sequence[tuple[int, float]], name: str) -> go.Scatter:
    """The milestones (month index, fraction) as labelled diamonds: ``95%``, or ``95.5%`` where it needs a decimal."""
    return go.Scatter(
        x=[period_label(m) for m, _ in milestones],
        y=[v for _, v in milestones],
        name=name,
        mode="markers+text",
        marker={"symbol": "diamond", "size": 11, "color": TARGET_COLOR},
        text=[f"{v:.0%}" if round(v, 2) == v else f"{v:.1%}" for _, v in milestones],
        textposition="top center",
    )


def trend_figure(
    series: pd.DataFrame,
    path: pd.DataFrame,
    *,
    title: str,
    value_name: str,
    target_name: str,
    trajectory_name: str,
    milestones: Sequence[tuple[int, float]] = (),
    milestone_name: str = "",
    estimated_name: str = "",
) -> go.Figure:
    """A region's metric month by month against its target and trajectory.

    ``series``: ``period, value`` (and ``carried``: months whose figure
    counts carried rows get a hollow marker); ``path``: ``period, target, trajectory``
    (from ``metrics.compute.trajectory_path``); ``milestones``: (month, value)
    points drawn as labelled diamonds.
    """
    fig = go.Figure()
    for trace in target_traces(path, target_name, trajectory_name):
        fig.add_trace(trace)
    fig.add_trace(
        go.Scatter(
            x=month_axis(series["period"]),
            y=series["value"],
            name=value_name,
            mode="lines+markers",
            line={"color": SERIES_COLORS[0], "width": 3},
            marker=carried_markers(series),
        )
    )
    if milestones:
        fig.add_trace(milestone_trace(milestones, milestone_name))
    if estimated_name and any(estimated_flags(series)):
        fig.add_trace(estimated_legend(estimated_name))
    base_layout(fig, title)
    month_ticks(fig)
    # ticks one decimal finer where every figure lies within 5 points, so no two ticks read the same
    shown = pd.concat([pd.Series(c, dtype="float64") for c in (series["value"], path["target"], path["trajectory"])]).dropna()
    if not shown.empty and shown.max() - shown.min() < 0.05:
        fig.update_yaxes(tickformat=".1%")
    return fig


def estimated_legend(name: str, color: str = SERIES_COLORS[0]) -> go.Scatter:
    """A legend entry for the hollow marker: what an estimated (carried) month looks like."""
    return go.Scatter(
        x=[None], y=[None], name=name, mode="markers",
        marker={"symbol": "circle-open", "size": 9, "color": color, "line": {"width": 2, "color": color}},
    )


def status_bar(counts: Mapping[str, int], labels: Mapping[str, str], *, title: str) -> go.Figure:
    """How many regions are in each status: one horizontal stacked bar per status."""
    statuses = [s for s in (*STATUS_ORDER, "none", "not_comparable") if counts.get(s, 0)]
    fig = go.Figure(
        go.Bar(
            x=[counts[s] for s in statuses],
            y=[f"{STATUS_MARKS.get(s, '')} {labels[s]}".strip() for s in statuses],
            orientation="h",
            marker={
                "color": [STATUS_COLORS[s] for s in statuses],
                "pattern": {"shape": [NOT_COMPARABLE_PATTERN if s == "not_comparable" else "" for s in statuses], "fgcolor": "#FFFFFF"},
            },
            text=[counts[s] for s in statuses],
            textposition="outside",
            cliponaxis=False,
        )
    )
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, title, height=260, percent_axis=None)


def chart_config(filename: str) -> dict:
    """Plotly's own download button saves a high-resolution PNG with a meaningful name."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {
            "format": "png",
            "filename": filename,
            "width": EXPORT_WIDTH,
            "height": EXPORT_HEIGHT,
            "scale": EXPORT_SCALE,
        },
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


def file_stem(*parts: object) -> str:
    """``("曲靖市", "参保率", "2025-12")`` -> ``"曲靖市_参保率_2025-12"``: safe on every OS."""
    bad = '\\/:*?"<>| '
    text = "_".join(str(p) for p in parts if p not in (None, ""))
    return "".join("-" if ch in bad else ch for ch in text)
