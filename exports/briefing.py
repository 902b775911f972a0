"""The vice-mayor's briefing as ONE plotly Figure of 1920×1080, and the deck's other slides.

Everything on the page is laid out in pixels of the 1920×1080 canvas (the
helpers :func:`_x` and :func:`_y` turn them into paper coordinates), so the
exported picture is exactly what was designed: nothing depends on a browser
window. ``scale`` shrinks fonts and lines with the canvas, so the dashboard's
preview is a faithful miniature.

Layout, top to bottom::

    title · period · data as of                          status legend
    ┌ tile ┐ ┌ tile ┐ ┌ tile ┐   value, status, target and its month, gap
    trend against target and trajectory  │  best five / worst five
    definitions, status rule, source

Pure: a :class:`metrics.briefing.Briefing` and a :class:`present.texts.Texts`
in, figures out.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from exports.render import HEIGHT, WIDTH
from present.texts import Texts
from metrics.briefing import Briefing, Trend, best_and_worst, unranked_count
from metrics.periods import period_label, year_of
from metrics.registry import METRIC_KEYS, counts_year_to_date
from present.charts import ALERT_COLORS, FONT_FAMILY, carried_markers, SERIES_COLORS, STATUS_COLORS, STATUS_ORDER, TARGET_COLOR, TRAJECTORY_COLOR, status_color
from present.downloads import readable_text_color
from present.formatting import format_month, format_persons, format_points, format_rank_change, format_rate
from present.honest import carried_footnotes, change_parts, estimated_suffix, overdue_text, region_not_comparable_note

MARGIN = 48
INK = "#1A1A1A"
SOFT = "#555555"
FAINT = "#8A8A8A"
RULE = "#D9D9D9"
TILE_FILL = "#F4F5F7"
ZEBRA = "#F7F7F7"
WARN_TEXT = "#A14A00"  # the orange of "behind", darkened to read on white
UP = DOWN = ALERT_COLORS["change"]  # rank changes read by their arrows: green and vermillion mean statuses

# The canvas, in pixels from the top left.
HEADER_RULE_Y = 128
TILE_TOP, TILE_HEIGHT, TILE_GAP = 152, 240, 48
PANEL_TOP, PANEL_BOTTOM = 424, 920
TREND_RIGHT = 1164
LEAGUE_LEFT = 1212
FOOTER_RULE_Y = 944
FOOTER_LINE = 24


def _x(px: float) -> float:
    return px / WIDTH


def _y(py: float) -> float:
    return 1 - py / HEIGHT


def text_width(text: str, size: float) -> float:
    """Roughly how wide ``text`` sets at ``size`` px in Noto Sans CJK: CJK characters are square, the rest about half."""
    width = 0.0
    for ch in text:
        if ord(ch) >= 0x2E80 or ch in "—…·":
            width += 1.0
        elif ch in "il.,:;|!'()[] ":
            width += 0.32
        elif ch == "%":  # Noto Sans CJK's percent sign is almost an em wide (0.7 let the 估算 mark overlap it)
            width += 0.9
        elif ch.isupper() or ch in "mwMW@":
            width += 0.7
        else:
            width += 0.56
    return width * size


BOLD_WIDER = 1.06  # bold type sets about this much wider


def fit_size(text: str, max_width: float, size: float, smallest: float = 12, *, bold: bool = False) -> float:
    """The largest font size, at most ``size``, at which ``text`` fits ``max_width``."""
    factor = BOLD_WIDER if bold else 1.0
    while size > smallest and text_width(text, size) * factor > max_width:
        size -= 1
    return size


def clip_text(text: str, max_width: float, size: float) -> str:
    """``text``, shortened with an ellipsis where it would be wider than ``max_width``."""
    if text_width(text, size) <= max_width:
        return text
    while text and text_width(text + "…", size) > max_width:
        text = text[:-1]
    return text + "…"


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def signed_points(change: float, decimals: int = 2) -> str:
    """A change in percentage points, signed; one that rounds to nothing reads ``0.00``, never ``-0.00``."""
    if round(abs(float(change)) * 100, decimals) == 0:
        return f"{0:.{decimals}f}"
    return format_points(change, decimals)


class _Canvas:
    """Annotations and shapes placed in pixels, fonts scaled with the canvas."""

    def __init__(self, scale: float) -> None:
        self.scale = scale
        self.annotations: list[dict] = []
        self.shapes: list[dict] = []

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = 18,
        color: str = INK,
        bold: bool = False,
        anchor: str = "left",
        valign: str = "middle",
    ) -> None:
        self.annotations.append(
            {
                "x": _x(x),
                "y": _y(y),
                "xref": "paper",
                "yref": "paper",
                "xanchor": anchor,
                "yanchor": valign,
                "text": f"<b>{text}</b>" if bold else text,
                "showarrow": False,
                "align": anchor if anchor != "center" else "center",
                "font": {"size": size * self.scale, "color": color, "family": FONT_FAMILY},
                "xshift": 0,
                "yshift": 0,
                "borderpad": 0,
            }
        )

    def rect(self, x0: float, y0: float, x1: float, y1: float, *, fill: str, line: str | None = None, radius: bool = False) -> None:
        shape = {
            "type": "rect",
            "xref": "paper",
            "yref": "paper",
            "x0": _x(x0),
            "x1": _x(x1),
            "y0": _y(y1),
            "y1": _y(y0),
            "fillcolor": fill,
            "line": {"width": 1 * self.scale if line else 0, "color": line or fill},
            "layer": "below",
        }
        if radius:  # a pill: a path with rounded ends
            r = (y1 - y0) / 2
            shape = {
                "type": "path",
                "xref": "paper",
                "yref": "paper",
                "path": _pill_path(x0, y0, x1, y1, r),
                "fillcolor": fill,
                "line": {"width": 0, "color": fill},
                "layer": "below",
            }
        self.shapes.append(shape)

    def line(self, x0: float, y0: float, x1: float, y1: float, *, color: str = RULE, width: float = 2) -> None:
        self.shapes.append(
            {
                "type": "line",
                "xref": "paper",
                "yref": "paper",
                "x0": _x(x0),
                "x1": _x(x1),
                "y0": _y(y0),
                "y1": _y(y1),
                "line": {"color": color, "width": width * self.scale},
                "layer": "below",
            }
        )

    def pill(self, x_right: float, y_mid: float, label: str, color: str, *, size: float = 18, height: float = 36, width: float | None = None) -> float:
        """A status pill ending at ``x_right``; returns its left edge."""
        w = width if width is not None else text_width(label, size) + 30
        self.rect(x_right - w, y_mid - height / 2, x_right, y_mid + height / 2, fill=color, radius=True)
        self.text(x_right - w / 2, y_mid, label, size=size, color=readable_text_color(color), anchor="center", bold=True)
        return x_right - w


def _pill_path(x0: float, y0: float, x1: float, y1: float, r: float) -> str:
    """An SVG path in paper coordinates for a rectangle with semicircular ends (approximated by arcs of lines)."""
    points: list[tuple[float, float]] = []
    steps = 10
    cy = (y0 + y1) / 2
    for i in range(steps + 1):  # right end, top to bottom
        a = -math.pi / 2 + math.pi * i / steps
        points.append((x1 - r + r * math.cos(a), cy + r * math.sin(a)))
    for i in range(steps + 1):  # left end, bottom to top
        a = math.pi / 2 + math.pi * i / steps
        points.append((x0 + r + r * math.cos(a), cy + r * math.sin(a)))
    return "M " + " L ".join(f"{_x(px):.6f},{_y(py):.6f}" for px, py in points) + " Z"


def month_end(period: int) -> str:
    """``2026-10`` -> ``"2026-10-31"``: the figures stand at the month's end."""
    year, month = divmod(int(period) - 1, 12)
    return f"{year:04d}-{month + 1:02d}-{calendar.monthrange(year, month + 1)[1]:02d}"


# --------------------------------------------------------------------------- the briefing


LEGEND_GAP = "\u2003\u2003"  # two em spaces between legend entries (plain spaces would collapse)


def legend_line(tx: Texts) -> str:
    """The status legend as one annotation text: a square in each status colour, then its name, in ``STATUS_ORDER``."""
    return LEGEND_GAP.join(f"<span style='color:{STATUS_COLORS[s]}'>■</span>\u2009{tx.status(s)}" for s in STATUS_ORDER)


def _header(canvas: _Canvas, b: Briefing, tx: Texts) -> None:
    title = tx.t("briefing.title", region=b.region_name)
    canvas.text(MARGIN, 52, title, size=fit_size(title, 1100, 40, 26, bold=True), bold=True)
    subtitle = tx.t("briefing.subtitle", period=format_month(b.period), as_of=month_end(b.period))
    canvas.text(MARGIN, 102, subtitle, size=20, color=SOFT)
    completeness = b.own["completeness"].iloc[0] if not b.own.empty and "completeness" in b.own else None
    if not _missing(completeness) and float(completeness) < 1:
        carried = not b.own.empty and "carried" in b.own and b.own["carried"].fillna(0).astype("float64").max() > 0
        key = "briefing.completeness_carried" if carried else "briefing.completeness"
        note = tx.t(key, completeness=format_rate(completeness, decimals=1))
        canvas.text(MARGIN + text_width(subtitle, 20) + 28, 102, "· " + note, size=20, color=WARN_TEXT)
    # the status legend, right-aligned on the title's line, as one line of text: the renderer sets squares and
    # words itself, so no estimated text width lets a square print over a word (it did in the page's
    # scaled-down preview, where the browser's font sets wider than text_width guesses; issue 11 point 4)
    canvas.text(WIDTH - MARGIN, 52, legend_line(tx), size=18, color=SOFT, anchor="right")
    canvas.line(MARGIN, HEADER_RULE_Y, WIDTH - MARGIN, HEADER_RULE_Y)


@dataclass(frozen=True)
class TileText:
    """What a metric's tile says, shared by the picture and the native deck so the two never disagree.

    ``line_kind`` tells how the last line reads: ``overdue`` (a missed
    deadline, issue 8), ``not_comparable`` (the ancestor and schemes),
    ``gap`` (short of the target), ``ahead`` (above it) or ``""`` (none).
    """

    metric: str
    label: str  # the metric's name
    status: str | None  # achieved, on_track, behind, off_track or None
    status_label: str  # the status in words, e.g. 已达标
    value: str | None  # e.g. "95.11%"; None where the month has no figure
    estimate: str  # "（估算）" where the figure counts carried rows, else ""
    change: str | None  # the month-on-month change in words ("持平", "+0.05 个百分点")
    target_line: str  # "目标 95.0%（2035-12 到期）", or that no target is set
    line: str | None  # the last line (see line_kind)
    line_kind: str


def tile_text(b: Briefing, tx: Texts, metric: str) -> TileText:
    """The words of ``metric``'s tile in briefing ``b`` (value, status, change, target, gap or overdue or note)."""
    own = b.own.set_index("metric")
    row = own.loc[metric] if metric in own.index else None
    status = None if row is None or _missing(row["status"]) else str(row["status"])
    value = None if row is None else row["value"]
    target = None if row is None or _missing(row["target"]) else float(row["target"])
    base = {"metric": metric, "label": tx.metric(metric), "status": status, "status_label": tx.status(status)}
    if _missing(value):
        return TileText(**base, value=None, estimate="", change=None, target_line=tx.t("briefing.no_value"), line=None, line_kind="")
    change = change_parts(b.month_change.get(metric), tx.t)
    common = {**base, "value": format_rate(value, target), "estimate": estimated_suffix(row, tx.t), "change": None if change is None else change[0]}
    if target is None:
        return TileText(**common, target_line=tx.t("briefing.no_target"), line=None, line_kind="")
    target_line = tx.t("briefing.target_line", target=format_rate(target), target_by=format_month(row["target_by"]))
    overdue = overdue_text(row, tx.t)
    if overdue:
        return TileText(**common, target_line=target_line, line=overdue, line_kind="overdue")
    note = region_not_comparable_note(row, tx.t)
    if note:
        return TileText(**common, target_line=target_line, line=note, line_kind="not_comparable")
    gap = row["gap_pp"]
    if _missing(gap):
        return TileText(**common, target_line=target_line, line=None, line_kind="")
    if float(gap) > 1e-12:
        line = tx.t("briefing.gap_line", gap_pp=format_points(gap)[1:], gap_persons=format_persons(row["gap_persons"]))
        return TileText(**common, target_line=target_line, line=line, line_kind="gap")
    return TileText(**common, target_line=target_line, line=tx.t("briefing.ahead_line", gap_pp=format_points(-float(gap))[1:]), line_kind="ahead")


def _tiles(canvas: _Canvas, b: Briefing, tx: Texts) -> None:
    width = (WIDTH - 2 * MARGIN - 2 * TILE_GAP) / 3
    for i, metric in enumerate(METRIC_KEYS):
        x0 = MARGIN + i * (width + TILE_GAP)
        x1 = x0 + width
        y0 = TILE_TOP
        tile = tile_text(b, tx, metric)
        color = status_color(tile.status)
        canvas.rect(x0, y0, x1, y0 + TILE_HEIGHT, fill=TILE_FILL)
        canvas.rect(x0, y0, x0 + 12, y0 + TILE_HEIGHT, fill=color)
        pill_left = canvas.pill(x1 - 24, y0 + 40, tile.status_label, color)
        canvas.text(x0 + 36, y0 + 40, tile.label, size=fit_size(tile.label, pill_left - x0 - 52, 24, 16, bold=True), bold=True)
        if tile.value is None:
            canvas.text(x0 + 36, y0 + 118, "—", size=68, bold=True, color=FAINT)
            canvas.text(x0 + 36, y0 + 180, tile.target_line, size=19, color=SOFT)
            continue
        canvas.text(x0 + 36, y0 + 118, tile.value, size=68, bold=True)
        if tile.estimate:  # a figure that counts carried rows is an estimate and says so (issue 8)
            canvas.text(x0 + 36 + text_width(tile.value, 68) * BOLD_WIDER + 8, y0 + 136, tile.estimate, size=20, color=WARN_TEXT, bold=True)
        if tile.change is not None:
            canvas.text(x1 - 24, y0 + 100, tx.t("briefing.change_label"), size=16, color=SOFT, anchor="right")
            canvas.text(x1 - 24, y0 + 130, tile.change, size=21, anchor="right", bold=True)
        no_target = tile.target_line == tx.t("briefing.no_target")
        canvas.text(x0 + 36, y0 + 180, tile.target_line, size=19, color=SOFT if no_target else INK)
        if tile.line is None:
            continue
        if tile.line_kind == "overdue":  # a missed deadline, never "months to go" (issue 8)
            canvas.text(x0 + 36, y0 + 214, tile.line, size=fit_size(tile.line, width - 60, 19, 14, bold=True), color=INK, bold=True)
        elif tile.line_kind == "not_comparable":
            canvas.text(x0 + 36, y0 + 214, tile.line, size=fit_size(tile.line, width - 60, 17, 11), color=SOFT)
        else:
            color_line = INK if tile.line_kind == "gap" else SOFT
            canvas.text(x0 + 36, y0 + 214, tile.line, size=fit_size(tile.line, width - 60, 19, 14), color=color_line)


def _month_ticks(months: Sequence[int]) -> tuple[list[int], list[str]]:
    span = len(months)
    step = 1 if span <= 12 else 3 if span <= 24 else 6 if span <= 60 else 12 if span <= 120 else 24
    ticks = [m for m in months if (m - 1) % step == 0] or [months[0]]
    return ticks, [period_label(m) for m in ticks]


def _rate_range(*series: pd.Series) -> tuple[float, float]:
    known = pd.concat([s.astype("float64") for s in series if s is not None and len(s)]).dropna() if series else pd.Series(dtype=float)
    if known.empty:
        return 0.0, 1.0
    lo, hi = float(known.min()), float(known.max())
    pad = max(0.005, (hi - lo) * 0.12)
    lo, hi = max(0.0, lo - pad), min(1.0, hi + pad) if hi < 1 else hi + pad / 2
    if hi - lo < 0.02:
        mid = (hi + lo) / 2
        lo, hi = max(0.0, mid - 0.01), mid + 0.01
    return lo, hi


def _trend(fig: go.Figure, canvas: _Canvas, b: Briefing, tx: Texts) -> None:
    metric = b.metric
    trend: Trend = b.trends[metric]
    months = list(trend.path["period"]) or [b.period]
    if counts_year_to_date(metric):
        title = tx.t("briefing.trend_title_ytd", metric=tx.metric(metric), year=year_of(b.period))
    else:
        title = tx.t("briefing.trend_title", metric=tx.metric(metric), first=period_label(months[0]), last=period_label(months[-1]))
    canvas.text(MARGIN, PANEL_TOP + 16, title, size=fit_size(title, TREND_RIGHT - MARGIN, 22, 16, bold=True), bold=True)

    s = canvas.scale
    path = trend.path
    fig.add_trace(
        go.Scatter(
            x=path["period"], y=path["trajectory"], name=tx.t("word.trajectory"), mode="lines", legendrank=3,
            line={"color": TRAJECTORY_COLOR, "dash": "dot", "width": 3 * s}, hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=path["period"], y=path["target"], name=tx.t("word.target"), mode="lines", legendrank=2,
            line={"color": TARGET_COLOR, "dash": "dash", "width": 2 * s, "shape": "hv"}, hoverinfo="skip",
        )
    )
    values = trend.series
    fig.add_trace(
        go.Scatter(
            x=values["period"], y=values["value"], name=tx.metric(metric), mode="lines+markers", legendrank=1,
            line={"color": SERIES_COLORS[0], "width": 4 * s}, marker=carried_markers(values, size=6 * s),
            customdata=[period_label(m) for m in values["period"]],
            hovertemplate="%{customdata}: %{y:.2%}<extra></extra>",
        )
    )
    if trend.milestones:
        fig.add_trace(
            go.Scatter(
                x=[m for m, _ in trend.milestones], y=[v for _, v in trend.milestones], name=tx.t("word.milestone"), legendrank=4,
                mode="markers+text", marker={"symbol": "diamond", "size": 13 * s, "color": TARGET_COLOR},
                text=[format_rate(v, decimals=0) if round(v, 2) == v else format_rate(v) for _, v in trend.milestones],
                textposition="top center", textfont={"size": 15 * s, "color": TARGET_COLOR}, hoverinfo="skip", cliponaxis=False,
            )
        )
    # the month itself: a dot in the status colour, its value written beside it
    row = b.row(metric) if metric in set(b.own["metric"]) else None
    now = values[values["period"] == b.period]
    if row is not None and not now.empty and not _missing(now["value"].iloc[0]):
        value = float(now["value"].iloc[0])
        target = None if _missing(row["target"]) else float(row["target"])
        color = status_color(row["status"])
        # an estimated month is hollow here too: a ring in the status colour
        hollow = estimated_suffix(row, tx.t) != ""
        fig.add_trace(
            go.Scatter(
                x=[b.period], y=[value], mode="markers", showlegend=False, hoverinfo="skip", cliponaxis=False,
                marker={"size": 16 * s, "color": "white" if hollow else color, "line": {"color": color if hollow else "white", "width": (4 if hollow else 2) * s}},
            )
        )
        # where the path runs on past this month (to a later deadline), the label goes into that empty space
        # up and to the right; at the path's end, to the left, above or below as the target leaves room
        room_right = b.period <= months[0] + 0.7 * (months[-1] - months[0])
        above = room_right or target is None or value < target or counts_year_to_date(metric)
        fig.add_annotation(
            x=b.period, y=value, xref="x", yref="y", text=f"<b>{format_rate(value, target)}</b>",
            showarrow=True, arrowhead=0, arrowwidth=1.5 * s, arrowcolor=color, ax=(64 if room_right else -64) * s, ay=(-44 if above else 44) * s,
            bgcolor="white", bordercolor=color, borderwidth=2 * s, borderpad=4 * s,
            font={"size": 18 * s, "color": INK, "family": FONT_FAMILY},
        )
    # months whose figure counts carried rows: the footnote under the chart says so
    notes = carried_footnotes(values, tx.t, [m for m in months if m <= b.period])
    if notes:
        shown_notes = notes[-3:]
        line = "；".join(shown_notes) if tx.language == "zh" else "; ".join(shown_notes)
        canvas.text(MARGIN, PANEL_BOTTOM + 8, "○ " + line, size=fit_size("○ " + line, TREND_RIGHT - MARGIN, 16, 11), color=WARN_TEXT)
    lo, hi = _rate_range(values["value"], path["target"], path["trajectory"], pd.Series([v for _, v in trend.milestones], dtype=float))
    ticks, labels = _month_ticks(months)
    span = hi - lo
    fmt = ".1%" if span < 0.04 else ".0%"
    dtick = None
    for step in (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2):
        if span / step <= 8:
            dtick = step
            break
    if dtick is not None and dtick < 0.01:
        fmt = ".1%"
    fig.update_layout(
        xaxis={
            "domain": [_x(MARGIN + 76), _x(TREND_RIGHT - 12)],
            "anchor": "y",
            "range": [months[0] - 0.6, months[-1] + 0.6],
            "tickvals": ticks,
            "ticktext": labels,
            "tickfont": {"size": 15 * s, "color": SOFT},
            "showgrid": False,
            "linecolor": "#BBBBBB",
            "ticks": "outside",
            "tickcolor": "#BBBBBB",
            "zeroline": False,
        },
        yaxis={
            "domain": [_y(PANEL_BOTTOM - 36), _y(PANEL_TOP + 96)],
            "anchor": "x",
            "range": [lo, hi],
            "tickformat": fmt,
            "dtick": dtick,
            "tickfont": {"size": 15 * s, "color": SOFT},
            "gridcolor": "#E6E6E6",
            "zeroline": False,
        },
        showlegend=True,
        legend={
            "orientation": "h",
            "x": _x(MARGIN),
            "xanchor": "left",
            "y": _y(PANEL_TOP + 56),
            "yanchor": "middle",
            "font": {"size": 16 * s, "color": INK},
            "bgcolor": "rgba(0,0,0,0)",
            "traceorder": "normal",
        },
    )


def _league(canvas: _Canvas, b: Briefing, tx: Texts) -> None:
    metric = b.metric
    best, worst = best_and_worst(b.league, metric)
    missing = unranked_count(b.league, metric)
    count = len(best) + len(worst)
    total_ranked = int(b.league[(b.league["metric"] == metric)]["rank"].notna().sum()) if not b.league.empty else 0
    right = WIDTH - MARGIN
    unit = tx.unit(b.league_level)
    if b.league_siblings:
        title = tx.t("briefing.league_title_siblings", unit=unit, metric=tx.metric(metric), count=total_ranked)
    else:
        title = tx.t("briefing.league_title", unit=unit, metric=tx.metric(metric), best=len(best), worst=len(worst), count=total_ranked)
    canvas.text(LEAGUE_LEFT, PANEL_TOP + 16, title, size=fit_size(title, right - LEAGUE_LEFT, 22, 13, bold=True), bold=True)
    if count == 0 or (b.league_siblings and total_ranked <= 1):
        canvas.text(LEAGUE_LEFT, PANEL_TOP + 90, tx.t("briefing.no_league"), size=19, color=SOFT)
        return

    # columns: rank | region | value | rank change | status
    col_rank = LEAGUE_LEFT + 44
    col_name = LEAGUE_LEFT + 62
    col_value = right - 206
    col_change = right - 150
    pill_width = 112
    header_y = PANEL_TOP + 56
    canvas.text(col_rank, header_y, tx.t("word.rank"), size=15, color=FAINT, anchor="right")
    canvas.text(col_name, header_y, tx.t("word.region"), size=15, color=FAINT)
    value_header = tx.metric(metric) if text_width(tx.metric(metric), 15) <= 150 else tx.t("word.value")
    canvas.text(col_value, header_y, value_header, size=15, color=FAINT, anchor="right")
    canvas.text(col_change, header_y, tx.t("briefing.col.rank_change"), size=15, color=FAINT, anchor="center")
    canvas.text(right - pill_width / 2, header_y, tx.t("word.status"), size=15, color=FAINT, anchor="center")
    canvas.line(LEAGUE_LEFT, header_y + 16, right, header_y + 16, width=1)

    row_height = 34
    blocks = [(tx.t("briefing.best", n=len(best)), best, PANEL_TOP + 88)]
    if len(worst):
        blocks.append((tx.t("briefing.worst", n=len(worst)), worst, PANEL_TOP + 88 + 40 + row_height * max(len(best), 1) + 24))
    for heading, rows, top in blocks:
        canvas.text(LEAGUE_LEFT, top, heading, size=18, bold=True, color=INK)
        if heading == blocks[-1][0] and missing:
            note = tx.t("briefing.unranked", count=missing)
            canvas.text(right, top, note, size=fit_size(note, right - LEAGUE_LEFT - 140, 15, 11), color=FAINT, anchor="right")
        for i, (_, row) in enumerate(rows.iterrows()):
            y = top + 36 + i * row_height
            if i % 2 == 0:
                canvas.rect(LEAGUE_LEFT, y - row_height / 2, right, y + row_height / 2, fill=ZEBRA)
            own = str(row["region_code"]) == b.region_code
            canvas.text(col_rank, y, str(int(row["rank"])), size=17, color=SOFT, anchor="right")
            name = clip_text(str(row["region_name"]), col_value - col_name - 130, 19)
            canvas.text(col_name, y, name, size=19, bold=own)
            target = None if _missing(row["target"]) else float(row["target"])
            canvas.text(col_value, y, format_rate(row["value"], target), size=19, bold=True, anchor="right")
            change = row["rank_change"]
            change_color = FAINT if _missing(change) or int(change) == 0 else (UP if int(change) > 0 else DOWN)
            canvas.text(col_change, y, format_rank_change(None if _missing(change) else int(change)), size=16, color=change_color, anchor="center")
            status = None if _missing(row["status"]) else str(row["status"])
            canvas.pill(right, y, tx.status(status), status_color(status), size=15, height=26, width=pill_width)


def _footer(canvas: _Canvas, b: Briefing, tx: Texts) -> None:
    canvas.line(MARGIN, FOOTER_RULE_Y, WIDTH - MARGIN, FOOTER_RULE_Y)
    lines = [tx.definition(metric, b.schemes.get(metric)) for metric in METRIC_KEYS]
    lines.append(tx.t("briefing.status_rule", band=f"{b.warning_band * 100:g}"))
    lines.append(tx.t("deck.source"))  # no repository path on a file that leaves the office (issue 11)
    y = FOOTER_RULE_Y + 21
    for line in lines:
        canvas.text(MARGIN, y, line, size=fit_size(line, WIDTH - 2 * MARGIN, 15, 11), color=SOFT)
        y += FOOTER_LINE
    if b.overdue_tasks:  # the ledger's overdue tasks (issue 14), right-aligned on the source line: no room for a sixth line
        from present.ledger import overdue_pairs_text

        line = overdue_pairs_text(b.overdue_tasks, tx)
        canvas.text(WIDTH - MARGIN, y - FOOTER_LINE, line, size=fit_size(line, (WIDTH - 2 * MARGIN) / 2, 15, 11), color=INK, anchor="right")


def briefing_figure(b: Briefing, tx: Texts, *, scale: float = 1.0) -> go.Figure:
    """The whole briefing, 1920×1080 (times ``scale``: the page shows a miniature, fonts shrunk alike)."""
    canvas = _Canvas(scale)
    fig = go.Figure()
    _header(canvas, b, tx)
    _tiles(canvas, b, tx)
    _trend(fig, canvas, b, tx)
    _league(canvas, b, tx)
    _footer(canvas, b, tx)
    fig.update_layout(
        width=round(WIDTH * scale),
        height=round(HEIGHT * scale),
        autosize=False,
        margin={"l": 0, "r": 0, "t": 0, "b": 0, "pad": 0},
        paper_bgcolor="white",
        plot_bgcolor="white",
        font={"family": FONT_FAMILY, "size": 15 * scale, "color": INK},
        hoverlabel={"font": {"family": FONT_FAMILY, "size": 15 * scale}},
        title=None,
        meta={"kind": "briefing", "region": b.region_code, "period": period_label(b.period), "metric": b.metric},
    )
    # assignment replaces (update_layout would merge the lists element by element)
    fig.layout.annotations = [*canvas.annotations, *fig.layout.annotations]
    fig.layout.shapes = [*canvas.shapes, *fig.layout.shapes]
    return fig
