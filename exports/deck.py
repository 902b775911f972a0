"""The briefing as a native PowerPoint deck a secretary can edit (issue 11 point 2).

Seven 16:9 slides, no pictures, so no browser is needed to make it:

1. the briefing: the three metrics as text boxes (value, status with its
   mark, change on last month, target, gap or overdue or not-comparable
   note, 估算 where the figure counts carried rows), and the best and worst
   regions of the chosen metric as a native table;
2–4. each metric's trend as a native line chart: the value, the target and
   the trajectory; a month counted through carried rows has a hollow marker
   and a footnote, as on the picture (issue 8);
5–7. each metric's league as a native bar chart, one bar per region ranked
   together, in its status colour (grey where not comparable), with the rank
   as a native table beside it.

Every slide's title is in its title placeholder; every run of text, in
slides, tables, charts and notes, names its font for Latin and East Asian
text (``<a:latin>`` and ``<a:ea>``), so that Chinese stays in the house font
wherever the deck is opened. The speaker notes carry the numbers and their
definitions. The words come from the same functions as the picture
(:func:`exports.briefing.tile_text`, ``present.honest``), so the deck and the
briefing page say the same thing.

Pure: a :class:`metrics.briefing.Briefing` and a :class:`present.texts.Texts`
in, bytes out.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import pandas as pd
from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE, XL_TICK_LABEL_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from exports.briefing import _rate_range, month_end, tile_text
from present.texts import Texts
from metrics.briefing import Briefing, best_and_worst, unranked_count
from metrics.league import league_members, league_table
from metrics.periods import period_label
from metrics.registry import METRIC_KEYS
from present.charts import SERIES_COLORS, STATUS_MARKS, TARGET_COLOR, TRAJECTORY_COLOR, status_color
from present.downloads import readable_text_color
from present.formatting import format_month, format_rank_change, format_rate
from present.honest import carried_footnotes, is_comparable, not_comparable_notes

FONT = "Noto Sans CJK SC"  # the house font (present.charts.FONT_FAMILY's first choice), Latin and East Asian alike
SLIDE_WIDTH, SLIDE_HEIGHT = 12_192_000, 6_858_000  # 13.333 in × 7.5 in: PowerPoint's 16:9
TITLE_ONLY_LAYOUT = 5  # python-pptx's default template: "Title Only"
INK, SOFT, WARN = "1A1A1A", "555555", "A14A00"
CARD_FILL = "F4F5F7"
HEADER_FILL = "F2F2F2"
INCH = 914_400
MARGIN = int(0.45 * INCH)
TABLE_ROWS = 16  # a league slide's table lists at most this many regions (the first and last half)


def _rgb(color: str) -> RGBColor:
    return RGBColor.from_string(color.lstrip("#").upper())


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


# --------------------------------------------------------------------------- fonts


def _set_fonts(rpr: etree._Element) -> None:
    """``rpr`` (an ``a:rPr`` or ``a:defRPr``) names :data:`FONT` for Latin and East Asian text."""
    latin = rpr.find(qn("a:latin"))
    if latin is None:
        latin = etree.SubElement(rpr, qn("a:latin"))
        # a:latin and a:ea come after the fills and effects, before a:cs, a:sym and the hyperlinks
        for later in ("a:cs", "a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst"):
            found = rpr.find(qn(later))
            if found is not None:
                found.addprevious(latin)
                break
    latin.set("typeface", FONT)
    ea = rpr.find(qn("a:ea"))
    if ea is None:
        ea = etree.Element(qn("a:ea"))
        latin.addnext(ea)
    ea.set("typeface", FONT)


def _font_every_run(root: etree._Element) -> None:
    """Every run under ``root`` (and its paragraph-end properties) in :data:`FONT`, Latin and East Asian."""
    for run in root.iter(qn("a:r")):
        rpr = run.find(qn("a:rPr"))
        if rpr is None:
            rpr = etree.Element(qn("a:rPr"))
            run.insert(0, rpr)
        _set_fonts(rpr)
    for end in root.iter(qn("a:endParaRPr")):
        _set_fonts(end)


def _chart_fonts(chart, size: float) -> None:
    chart.font.size = Pt(size)
    chart.font.name = FONT
    _set_fonts(chart.font._rPr)  # noqa: SLF001 - python-pptx sets a:latin only


# --------------------------------------------------------------------------- building blocks


def _title(slide, text: str) -> None:
    heading = slide.shapes.title
    heading.left, heading.top, heading.width, heading.height = Emu(MARGIN), Emu(int(0.2 * INCH)), Emu(SLIDE_WIDTH - 2 * MARGIN), Emu(int(0.75 * INCH))
    heading.text_frame.text = text
    heading.text_frame.word_wrap = True
    paragraph = heading.text_frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    for run in paragraph.runs:
        run.font.size = Pt(26)
        run.font.bold = True
        run.font.color.rgb = _rgb(INK)


def _lines(frame, lines: Sequence[tuple[str, float, bool, str]]) -> None:
    """Fill a text frame: one paragraph per ``(text, points, bold, colour)``."""
    frame.word_wrap = True
    for i, (text, size, bold, color) in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = _rgb(color)


def _text_box(slide, left: int, top: int, width: int, height: int, lines: Sequence[tuple[str, float, bool, str]]):
    box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
    _lines(box.text_frame, lines)
    return box


def _notes(slide, paragraphs: Sequence[str]) -> None:
    frame = slide.notes_slide.notes_text_frame
    frame.text = paragraphs[0] if paragraphs else ""
    for text in paragraphs[1:]:
        frame.add_paragraph().text = text


def _table(slide, left: int, top: int, width: int, header: Sequence[str], rows: Sequence[Sequence[str]], *, widths: Sequence[float], fills: Sequence[str | None] = (), bold_rows: Sequence[int] = (), size: float = 12):
    """A native table: a shaded header, then ``rows``; ``fills`` colours the last column of each row (the status)."""
    row_height = int(0.3 * INCH)
    shape = slide.shapes.add_table(len(rows) + 1, len(header), Emu(left), Emu(top), Emu(width), Emu(row_height * (len(rows) + 1)))
    table = shape.table
    total = sum(widths)
    for j, share in enumerate(widths):
        table.columns[j].width = Emu(int(width * share / total))
    for i in range(len(rows) + 1):
        table.rows[i].height = Emu(row_height)
    for j, text in enumerate(header):
        cell = table.cell(0, j)
        cell.text = text
        cell.fill.solid()
        cell.fill.fore_color.rgb = _rgb(HEADER_FILL)
        run = cell.text_frame.paragraphs[0].runs[0]
        run.font.size, run.font.bold, run.font.color.rgb = Pt(size), True, _rgb(INK)
    for i, row in enumerate(rows, start=1):
        for j, text in enumerate(row):
            cell = table.cell(i, j)
            cell.text = text
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            fill = fills[i - 1] if j == len(row) - 1 and i - 1 < len(fills) else None
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(fill or "FFFFFF")
            if not text:
                continue
            run = cell.text_frame.paragraphs[0].runs[0]
            run.font.size = Pt(size)
            run.font.bold = (i - 1) in bold_rows
            run.font.color.rgb = _rgb(_readable(fill) if fill else INK)
            if j in (0,) or (j >= 2 and j < len(row) - 1):
                cell.text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT
    return shape


def _readable(background: str) -> str:
    return readable_text_color("#" + background.lstrip("#")).lstrip("#")


def _status_words(tx: Texts, status: str | None, comparable: bool = True) -> str:
    """``✓ 已达标``: the status with the mark that reads without hue (≠ where not comparable)."""
    if not comparable:
        return f"{STATUS_MARKS['not_comparable']} {tx.status('not_comparable')}"
    key = status or "none"
    mark = STATUS_MARKS.get(key, "")
    return f"{mark} {tx.status(status)}".strip()


def _definitions(b: Briefing, tx: Texts) -> list[str]:
    lines = [tx.definition(metric, b.schemes.get(metric)) for metric in METRIC_KEYS]
    lines.append(tx.t("briefing.status_rule", band=f"{b.warning_band * 100:g}"))
    lines.append(tx.t("deck.source"))
    return lines


# --------------------------------------------------------------------------- slide 1: the briefing


def _card(slide, b: Briefing, tx: Texts, metric: str, left: int, top: int, width: int, height: int) -> list[str]:
    """One metric's card; returns the sentence for the notes."""
    tile = tile_text(b, tx, metric)
    row = b.row(metric) if metric in set(b.own["metric"]) else None
    comparable = is_comparable(row)
    color = status_color(tile.status, comparable)
    back = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Emu(left), Emu(top), Emu(width), Emu(height))
    back.fill.solid()
    back.fill.fore_color.rgb = _rgb(CARD_FILL)
    back.line.fill.background()
    stripe = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Emu(left), Emu(top), Emu(int(0.08 * INCH)), Emu(height))
    stripe.fill.solid()
    stripe.fill.fore_color.rgb = _rgb(color)
    stripe.line.fill.background()
    status = _status_words(tx, tile.status, comparable)
    lines: list[tuple[str, float, bool, str]] = [(f"{tile.label}　{status}", 16 if tx.language == "zh" else 14, True, INK)]
    if tile.value is None:
        lines.append(("—", 40, True, SOFT))
    else:
        lines.append((tile.value + tile.estimate, 40, True, INK))
    if tile.change is not None:
        lines.append((tx.t("deck.change", change=tile.change), 13, False, SOFT))
    lines.append((tile.target_line, 13, False, INK))
    if tile.line:
        lines.append((tile.line, 13, tile.line_kind == "overdue", SOFT if tile.line_kind in ("ahead", "not_comparable") else INK))
    inner = int(0.2 * INCH)
    box = _text_box(slide, left + inner, top + int(0.08 * INCH), width - inner - int(0.1 * INCH), height - int(0.16 * INCH), lines)
    if tile.estimate:  # 估算 in the warning colour, as on the picture
        runs = box.text_frame.paragraphs[1].runs
        estimate = runs[0].text[len(tile.value or ""):]
        runs[0].text = tile.value or ""
        extra = box.text_frame.paragraphs[1].add_run()
        extra.text = estimate
        extra.font.size, extra.font.bold, extra.font.color.rgb = Pt(18), True, _rgb(WARN)
    parts = [f"{tile.label}：{tile.value or '—'}{tile.estimate}" if tx.language == "zh" else f"{tile.label}: {tile.value or '—'}{tile.estimate}", status]
    parts += [p for p in (tile.change and tx.t("deck.change", change=tile.change), tile.target_line, tile.line) if p]
    return [tx.t("deck.sep").join(parts)]


def _league_rows(b: Briefing, tx: Texts, rows: pd.DataFrame) -> tuple[list[list[str]], list[str], list[int]]:
    out, fills, bold = [], [], []
    for i, (_, row) in enumerate(rows.iterrows()):
        target = None if _missing(row["target"]) else float(row["target"])
        change = row["rank_change"]
        status = None if _missing(row["status"]) else str(row["status"])
        comparable = is_comparable(row)
        rank = "" if _missing(row["rank"]) else str(int(row["rank"]))
        value = "—" if _missing(row["value"]) else format_rate(row["value"], target)
        out.append([rank, str(row["region_name"]), value, format_rank_change(None if _missing(change) else int(change)), _status_words(tx, status, comparable)])
        fills.append(status_color(status, comparable).lstrip("#"))
        if str(row["region_code"]) == b.region_code:
            bold.append(i)
    return out, fills, bold


def _briefing_slide(presentation, b: Briefing, tx: Texts) -> None:
    slide = presentation.slides.add_slide(presentation.slide_layouts[TITLE_ONLY_LAYOUT])
    _title(slide, tx.t("briefing.slide.briefing", region=b.region_name, period=format_month(b.period)))
    subtitle = tx.t("briefing.subtitle", period=format_month(b.period), as_of=month_end(b.period))
    completeness = b.own["completeness"].iloc[0] if not b.own.empty and "completeness" in b.own else None
    if not _missing(completeness) and float(completeness) < 1:
        carried = "carried" in b.own and b.own["carried"].fillna(0).astype("float64").max() > 0
        key = "briefing.completeness_carried" if carried else "briefing.completeness"
        subtitle += " · " + tx.t(key, completeness=format_rate(completeness, decimals=1))
    _text_box(slide, MARGIN, int(0.9 * INCH), SLIDE_WIDTH - 2 * MARGIN, int(0.35 * INCH), [(subtitle, 13, False, SOFT)])

    gap = int(0.2 * INCH)
    width = (SLIDE_WIDTH - 2 * MARGIN - 2 * gap) // 3
    top, height = int(1.3 * INCH), int(2.2 * INCH)
    notes = [tx.t("deck.notes.figures", period=format_month(b.period), as_of=month_end(b.period))]
    for i, metric in enumerate(METRIC_KEYS):
        notes += _card(slide, b, tx, metric, MARGIN + i * (width + gap), top, width, height)

    # the chosen metric's best and worst, as on the page
    metric = b.metric
    best, worst = best_and_worst(b.league, metric) if not b.league.empty else (pd.DataFrame(), pd.DataFrame())
    total = int(b.league[b.league["metric"] == metric]["rank"].notna().sum()) if not b.league.empty else 0
    unit = tx.unit(b.league_level)
    if b.league_siblings:
        heading = tx.t("briefing.league_title_siblings", unit=unit, metric=tx.metric(metric), count=total)
    else:
        heading = tx.t("briefing.league_title", unit=unit, metric=tx.metric(metric), best=len(best), worst=len(worst), count=total)
    table_top = top + height + int(0.15 * INCH)
    _text_box(slide, MARGIN, table_top, SLIDE_WIDTH - 2 * MARGIN, int(0.35 * INCH), [(heading, 14, True, INK)])
    header = [tx.t("word.rank"), tx.t("word.region"), tx.metric(metric), tx.t("briefing.col.rank_change"), tx.t("word.status")]
    half = (SLIDE_WIDTH - 2 * MARGIN - gap) // 2
    table_top += int(0.35 * INCH)
    if len(best) + len(worst) and not (b.league_siblings and total <= 1):
        for k, (label, rows) in enumerate(((tx.t("briefing.best", n=len(best)), best), (tx.t("briefing.worst", n=len(worst)), worst))):
            if rows.empty:
                continue
            left = MARGIN + k * (half + gap)
            body, fills, bold = _league_rows(b, tx, rows)
            _text_box(slide, left, table_top, half, int(0.3 * INCH), [(label, 12, True, INK)])
            _table(slide, left, table_top + int(0.32 * INCH), half, header, body, widths=(0.8, 2.2, 1.2, 1.0, 1.5), fills=fills, bold_rows=bold, size=11)
        missing = unranked_count(b.league, metric)
        if missing:
            _text_box(slide, MARGIN, SLIDE_HEIGHT - int(0.75 * INCH), SLIDE_WIDTH - 2 * MARGIN, int(0.3 * INCH), [(tx.t("briefing.unranked", count=missing), 10, False, SOFT)])
    else:
        _text_box(slide, MARGIN, table_top, SLIDE_WIDTH - 2 * MARGIN, int(0.4 * INCH), [(tx.t("briefing.no_league"), 13, False, SOFT)])
    _text_box(slide, MARGIN, SLIDE_HEIGHT - int(0.45 * INCH), SLIDE_WIDTH - 2 * MARGIN, int(0.3 * INCH), [(tx.t("deck.source"), 9, False, SOFT)])
    _notes(slide, [*notes, tx.t("deck.notes.definitions"), *_definitions(b, tx), tx.t("deck.notes.edit")])


# --------------------------------------------------------------------------- slides 2–4: trends


def _series_line(series, color: str, *, width: float, dash=None, markers: bool = False) -> None:
    series.smooth = False
    line = series.format.line
    line.color.rgb = _rgb(color)
    line.width = Pt(width)
    if dash is not None:
        line.dash_style = dash
    if markers:
        series.marker.style = XL_MARKER_STYLE.CIRCLE
        series.marker.size = 5
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = _rgb(color)
        series.marker.format.line.color.rgb = _rgb(color)
    else:
        series.marker.style = XL_MARKER_STYLE.NONE


def _skip_labels(axis: etree._Element, step: int) -> None:
    """A label and a tick every ``step`` categories (``c:tickLblSkip``, ``c:tickMarkSkip``, in schema order)."""
    for tag in ("c:tickLblSkip", "c:tickMarkSkip"):
        found = axis.find(qn(tag))
        if found is not None:
            axis.remove(found)
    later = next((axis.find(qn(t)) for t in ("c:noMultiLvlLbl", "c:extLst") if axis.find(qn(t)) is not None), None)
    for tag in ("c:tickLblSkip", "c:tickMarkSkip"):
        element = etree.Element(qn(tag))
        element.set("val", str(step))
        if later is not None:
            later.addprevious(element)
        else:
            axis.append(element)


def _trend_slide(presentation, b: Briefing, tx: Texts, metric: str) -> None:
    slide = presentation.slides.add_slide(presentation.slide_layouts[TITLE_ONLY_LAYOUT])
    _title(slide, tx.t("briefing.slide.trend", region=b.region_name, metric=tx.metric(metric), period=format_month(b.period)))
    trend = b.trends[metric]
    path = trend.path.sort_values("period")
    months = [int(m) for m in path["period"]] or [b.period]
    values = trend.series.set_index("period")["value"] if not trend.series.empty else pd.Series(dtype=float)
    carried = trend.series.set_index("period")["carried"] if "carried" in trend.series else pd.Series(dtype=float)

    def known(value: object) -> float | None:
        return None if _missing(value) else float(value)

    data = CategoryChartData(number_format="0.0%")
    data.categories = [period_label(m) for m in months]
    data.add_series(tx.metric(metric), [known(values.get(m)) if m <= b.period else None for m in months], number_format="0.00%")
    data.add_series(tx.t("word.target"), [known(v) for v in path["target"]], number_format="0.0%")
    data.add_series(tx.t("word.trajectory"), [known(v) for v in path["trajectory"]], number_format="0.00%")
    left, top = MARGIN, int(1.0 * INCH)
    width, height = SLIDE_WIDTH - 2 * MARGIN - int(3.3 * INCH), SLIDE_HEIGHT - int(1.9 * INCH)
    chart = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, Emu(left), Emu(top), Emu(width), Emu(height), data).chart
    _chart_fonts(chart, 11)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.TOP
    chart.legend.include_in_layout = False
    plot = chart.plots[0]
    value_series, target_series, trajectory_series = plot.series
    _series_line(value_series, SERIES_COLORS[0], width=2.5, markers=True)
    _series_line(target_series, TARGET_COLOR, width=1.5, dash=MSO_LINE_DASH_STYLE.DASH)
    _series_line(trajectory_series, TRAJECTORY_COLOR, width=1.5, dash=MSO_LINE_DASH_STYLE.ROUND_DOT)
    for i, month in enumerate(months):  # a month counted through carried rows is hollow: an estimate (issue 8)
        if not _missing(carried.get(month)) and float(carried.get(month)) > 0:
            marker = value_series.points[i].marker
            marker.style = XL_MARKER_STYLE.CIRCLE
            marker.size = 7
            marker.format.fill.solid()
            marker.format.fill.fore_color.rgb = _rgb("FFFFFF")
            marker.format.line.color.rgb = _rgb(SERIES_COLORS[0])
    lo, hi = _rate_range(trend.series["value"] if not trend.series.empty else pd.Series(dtype=float), path["target"], path["trajectory"])
    axis = chart.value_axis
    axis.minimum_scale, axis.maximum_scale = lo, hi
    axis.tick_labels.number_format = "0.0%" if hi - lo < 0.04 else "0%"
    axis.tick_labels.number_format_is_linked = False
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = _rgb("E6E6E6")
    categories = chart.category_axis
    categories.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    step = 1 if len(months) <= 12 else 3 if len(months) <= 24 else 6 if len(months) <= 60 else 12
    _skip_labels(categories._element, step)  # noqa: SLF001 - python-pptx has no tick-label skip

    # the key figures beside the chart, as on the tile
    tile = tile_text(b, tx, metric)
    row = b.row(metric) if metric in set(b.own["metric"]) else None
    lines: list[tuple[str, float, bool, str]] = [(format_month(b.period), 14, True, SOFT)]
    lines.append(((tile.value or "—") + tile.estimate, 32, True, WARN if tile.estimate else INK))
    lines.append((_status_words(tx, tile.status, is_comparable(row)), 14, True, INK))
    if tile.change is not None:
        lines.append((tx.t("deck.change", change=tile.change), 12, False, SOFT))
    lines.append((tile.target_line, 12, False, INK))
    if tile.line:
        lines.append((tile.line, 12, tile.line_kind == "overdue", INK))
    milestones = "、".join(f"{period_label(m)} {format_rate(v)}" for m, v in trend.milestones) if tx.language == "zh" else ", ".join(f"{period_label(m)} {format_rate(v)}" for m, v in trend.milestones)
    if milestones:
        lines.append((tx.t("deck.notes.milestones", milestones=milestones), 11, False, SOFT))
    box_left = left + width + int(0.2 * INCH)
    _text_box(slide, box_left, top + int(0.4 * INCH), SLIDE_WIDTH - MARGIN - box_left, height - int(0.4 * INCH), lines)
    footnotes = carried_footnotes(trend.series, tx.t, [m for m in months if m <= b.period])
    if footnotes:
        line = "○ " + tx.t("deck.sep").join(footnotes[-3:])
        _text_box(slide, MARGIN, SLIDE_HEIGHT - int(0.85 * INCH), SLIDE_WIDTH - 2 * MARGIN, int(0.3 * INCH), [(line, 11, False, WARN)])
    _text_box(slide, MARGIN, SLIDE_HEIGHT - int(0.45 * INCH), SLIDE_WIDTH - 2 * MARGIN, int(0.3 * INCH), [(tx.definition(metric, b.schemes.get(metric)), 9, False, SOFT)])

    shown = [m for m in months if m <= b.period and not _missing(values.get(m))]
    now = path[path["period"] == b.period]
    trajectory = "—" if now.empty or _missing(now["trajectory"].iloc[0]) else format_rate(now["trajectory"].iloc[0], decimals=2)
    target = "—" if row is None or _missing(row["target"]) else format_rate(row["target"])
    notes = [
        tx.t(
            "deck.notes.trend", metric=tx.metric(metric), first=period_label(shown[0]) if shown else "—", last=period_label(shown[-1]) if shown else "—",
            value=(tile.value or "—") + tile.estimate, target=target, trajectory=trajectory,
        ),
        tx.t("deck.sep").join(p for p in (_status_words(tx, tile.status, is_comparable(row)), tile.change and tx.t("deck.change", change=tile.change), tile.target_line, tile.line) if p),
    ]
    if milestones:
        notes.append(tx.t("deck.notes.milestones", milestones=milestones))
    notes += footnotes
    _notes(slide, [*notes, tx.t("deck.notes.definitions"), tx.definition(metric, b.schemes.get(metric)), tx.t("briefing.status_rule", band=f"{b.warning_band * 100:g}")])


# --------------------------------------------------------------------------- slides 5–7: leagues


def _league_slide(presentation, b: Briefing, tx: Texts, metric: str) -> None:
    slide = presentation.slides.add_slide(presentation.slide_layouts[TITLE_ONLY_LAYOUT])
    unit = tx.unit(b.league_level)
    _title(slide, tx.t("briefing.slide.league", region=b.region_name, unit=unit, metric=tx.metric(metric), period=format_month(b.period)))
    if b.league.empty:
        _text_box(slide, MARGIN, int(1.2 * INCH), SLIDE_WIDTH - 2 * MARGIN, int(0.5 * INCH), [(tx.t("briefing.no_league"), 14, False, SOFT)])
        _notes(slide, [tx.t("briefing.no_league")])
        return
    members = league_members(league_table(b.league, b.own, metric, b.region_code))
    ranked = members[members["rank"].notna()]
    top = int(1.0 * INCH)
    chart_width = int((SLIDE_WIDTH - 2 * MARGIN) * 0.55)
    height = SLIDE_HEIGHT - top - int(0.6 * INCH)
    own = b.row(metric) if metric in set(b.own["metric"]) else None
    if not ranked.empty:
        data = CategoryChartData(number_format="0.0%")
        bars = ranked.iloc[::-1]  # a bar chart draws its first category at the bottom: the first rank on top
        data.categories = [str(n) for n in bars["region_name"]]
        data.add_series(tx.metric(metric), [None if _missing(v) else float(v) for v in bars["value"]], number_format="0.0%")
        chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, Emu(MARGIN), Emu(top), Emu(chart_width), Emu(height), data).chart
        _chart_fonts(chart, 10 if len(bars) <= 15 else 8)
        chart.has_legend = False
        plot = chart.plots[0]
        plot.gap_width = 40
        series = plot.series[0]
        for i, (_, row) in enumerate(bars.iterrows()):
            status = None if _missing(row["status"]) else str(row["status"])
            point = series.points[i]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = _rgb(status_color(status, is_comparable(row)))
            if not _missing(row["value"]):
                # the label says what the table says: 94.96% beside an orange bar is never rounded up to 95.0% (issue 8)
                label = point.data_label
                label.has_text_frame = True
                label.text_frame.text = format_rate(row["value"], None if _missing(row["target"]) else float(row["target"]))
                label.position = XL_LABEL_POSITION.OUTSIDE_END
                for run in label.text_frame.paragraphs[0].runs:
                    run.font.size = Pt(10 if len(bars) <= 15 else 8)
                    _set_fonts(run.font._rPr)  # noqa: SLF001
        lo, hi = _rate_range(bars["value"])
        axis = chart.value_axis
        axis.minimum_scale, axis.maximum_scale = max(0.0, lo - (hi - lo) * 0.2), hi
        axis.tick_labels.number_format = "0%" if hi - lo >= 0.04 else "0.0%"
        axis.tick_labels.number_format_is_linked = False
    table_left = MARGIN + chart_width + int(0.2 * INCH)
    body, fills, bold = _league_rows(b, tx, members)
    if len(body) <= TABLE_ROWS:
        shown, shown_fills, shown_bold = body, fills, bold
    else:  # the first and the last, as the page's best and worst; the chart beside shows every bar
        half_rows = TABLE_ROWS // 2
        kept = list(range(half_rows)) + list(range(len(body) - half_rows, len(body)))
        shown = [body[i] for i in kept[:half_rows]] + [["…", "…", "", "", ""]] + [body[i] for i in kept[half_rows:]]
        shown_fills = [fills[i] for i in kept[:half_rows]] + [None] + [fills[i] for i in kept[half_rows:]]
        shown_bold = [kept.index(i) + (1 if kept.index(i) >= half_rows else 0) for i in bold if i in kept]
    header = [tx.t("word.rank"), tx.t("word.region"), tx.metric(metric), tx.t("briefing.col.rank_change"), tx.t("word.status")]
    _table(slide, table_left, top, SLIDE_WIDTH - MARGIN - table_left, header, shown, widths=(0.8, 2.2, 1.3, 1.0, 1.6), fills=shown_fills, bold_rows=shown_bold, size=9 if len(shown) > 12 else 10)
    target = None if own is None or _missing(own["target"]) else float(own["target"])
    reference = []
    if own is not None and not _missing(own["value"]):
        reference.append(f"{b.region_name} {format_rate(own['value'], target)}")
    if target is not None:
        reference.append(f"{tx.t('word.target')} {format_rate(target)}")
    # the regions that are not comparable: which ancestor reports which schemes (issue 8), as on the page
    reference += not_comparable_notes(b.league, metric, tx.t)
    footer = tx.t("deck.sep").join(reference)
    _text_box(slide, MARGIN, SLIDE_HEIGHT - int(0.5 * INCH), SLIDE_WIDTH - 2 * MARGIN, int(0.3 * INCH), [(footer or tx.t("deck.source"), 10, False, SOFT)])

    notes = []
    if not ranked.empty:
        first, last = ranked.iloc[0], ranked.iloc[-1]
        notes.append(
            tx.t(
                "deck.notes.league", count=len(ranked), unit=unit, best=first["region_name"], best_value=format_rate(first["value"], None if _missing(first["target"]) else first["target"]),
                worst=last["region_name"], worst_value=format_rate(last["value"], None if _missing(last["target"]) else last["target"]),
            )
        )
    if footer:
        notes.append(footer)
    notes.append(tx.t("deck.notes.league_rows"))
    notes += [" ".join(part for part in (r[0], r[1], r[2], r[4]) if part) for r in body]
    unranked = [r[1] for r in body if not r[0]]
    if unranked:
        notes.append(tx.t("deck.notes.unranked", names=tx.t("briefing.list_sep").join(unranked)))
    _notes(slide, [*notes, tx.t("deck.notes.definitions"), tx.definition(metric, b.schemes.get(metric)), tx.t("briefing.status_rule", band=f"{b.warning_band * 100:g}")])


# --------------------------------------------------------------------------- the deck


def slide_titles(b: Briefing, tx: Texts) -> list[str]:
    """The seven slides' titles, in order (the page's label counts them)."""
    unit = tx.unit(b.league_level)
    period = format_month(b.period)
    titles = [tx.t("briefing.slide.briefing", region=b.region_name, period=period)]
    titles += [tx.t("briefing.slide.trend", region=b.region_name, metric=tx.metric(m), period=period) for m in METRIC_KEYS]
    titles += [tx.t("briefing.slide.league", region=b.region_name, unit=unit, metric=tx.metric(m), period=period) for m in METRIC_KEYS]
    return titles


def briefing_deck(b: Briefing, tx: Texts) -> bytes:
    """The briefing as a native, editable 16:9 PPTX: the briefing, each metric's trend, each metric's league.

    Bytes of a ``.pptx``; its core title is the first slide's title. Needs no
    browser. Raises nothing of its own (python-pptx errors would be bugs).
    """
    presentation = Presentation()
    presentation.slide_width = Emu(SLIDE_WIDTH)
    presentation.slide_height = Emu(SLIDE_HEIGHT)
    presentation.core_properties.title = slide_titles(b, tx)[0]
    presentation.core_properties.author = "kuomian"
    presentation.core_properties.language = "zh-CN" if tx.language == "zh" else "en-GB"
    _briefing_slide(presentation, b, tx)
    for metric in METRIC_KEYS:
        _trend_slide(presentation, b, tx, metric)
    for metric in METRIC_KEYS:
        _league_slide(presentation, b, tx, metric)
    for slide in presentation.slides:
        _font_every_run(slide.shapes._spTree)  # noqa: SLF001 - shapes, tables and titles
        if slide.has_notes_slide:
            _font_every_run(slide.notes_slide.shapes._spTree)  # noqa: SLF001
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()
