"""The monthly warning sheet (月度预警表) as a formatted Excel workbook, in the bulletin's house style.

One sheet: a title row naming the region and month, a note row with the counts per severity, a bold
frozen header with a filter, then one row per warning, most severe first: severity (in its colour),
trigger, region, code, level, county, metric, reason, persons needed. Column widths count a Chinese
character as two. No text from the data runs as a formula: the workbook is opened with
``strings_to_formulas: False`` and every text cell is written with ``write_string``
(``present.downloads.defuse`` on top, as the CSV downloads do).
"""

from __future__ import annotations

import io

import pandas as pd
import xlsxwriter

from exports.bulletin import HEADER_ROW, NOTE_ROW, TITLE_ROW, _Formats, _missing, _Sheet
from metrics.warnings import count_by_severity
from present.catalog import level_label, metric_label, text
from present.downloads import defuse, readable_text_color
from present.formatting import format_month
from present.warnings import reason, severity_label, trigger_label

#: Severity fills: the Okabe-Ito vermillion, orange and a light grey-blue (high, medium, low).
SEVERITY_COLORS: dict[str, str] = {"high": "#D55E00", "medium": "#E69F00", "low": "#DCE6F0"}

#: The sheet's columns, in this order: key -> catalog key of its header.
SHEET_COLUMNS: dict[str, str] = {
    "severity": "warn.col.severity",
    "trigger": "warn.col.trigger",
    "region_name": "warn.col.region",
    "region_code": "warn.col.code",
    "level": "warn.col.level",
    "county_name": "warn.col.county",
    "metric": "warn.col.metric",
    "reason": "warn.col.reason",
    "persons": "warn.col.persons",
}


def workbook_bytes(facts: pd.DataFrame, *, region_name: str, period: int, language: str = "zh", rules=None) -> bytes:
    """The warning sheet as XLSX bytes. ``facts``: ``metrics.warnings.FACT_COLUMNS`` rows (ordered);
    ``period`` a month index; ``rules`` the ``warnings:`` section in force (for the thresholds named)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    month = format_month(period)
    workbook.set_properties({"title": text("warn.sheet_title", language, region=region_name, period=month), "author": "kuomian"})
    formats = _Formats(workbook)
    sheet = _Sheet(workbook, text("warn.sheet_name", language))
    counts = count_by_severity(facts)
    sheet.text(TITLE_ROW, 0, defuse(text("warn.sheet_title", language, region=region_name, period=month)), formats.title, measure=False)
    sheet.text(NOTE_ROW, 0, text("warn.sheet_note", language, period=month, count=len(facts), **counts), formats.note, measure=False)
    keys = list(SHEET_COLUMNS)
    for col, key in enumerate(keys):
        sheet.text(HEADER_ROW, col, text(SHEET_COLUMNS[key], language), formats.header)
    drop = getattr(rules, "drop_points", 0.02)
    below = getattr(rules, "pool_sufficiency_below", 1.0)
    for i, (_, row) in enumerate(facts.iterrows()):
        r = HEADER_ROW + 1 + i
        color = SEVERITY_COLORS[row["severity"]]
        cells = {
            "severity": severity_label(row["severity"], language),
            "trigger": trigger_label(row["trigger"], language),
            "region_name": row["region_name"],
            "region_code": row["region_code"],
            "level": level_label(row["level"], language),
            "county_name": None if _missing(row["county_name"]) else row["county_name"],
            "metric": metric_label(row["metric"], language) if row["metric"] else text("warn.all_metrics", language),
            "reason": reason(row, language, drop_points=drop, pool_below=below),
        }
        for col, key in enumerate(keys):
            if key == "persons":
                sheet.number(r, col, row["persons"], formats.persons)
            elif key == "severity":
                fmt = formats.get(bg_color=color, font_color=readable_text_color(color), align="center", bold=True)
                sheet.text(r, col, cells[key], fmt)
            elif key == "reason":
                sheet.text(r, col, defuse(str(cells[key])), formats.wrap)
            else:
                sheet.text(r, col, None if cells[key] is None else defuse(str(cells[key])), formats.text)
    sheet.sheet.freeze_panes(HEADER_ROW + 1, 0)
    if len(facts):
        sheet.sheet.autofilter(HEADER_ROW, 0, HEADER_ROW + len(facts), len(keys) - 1)
    sheet.fit(minimum={keys.index("reason"): 40, keys.index("persons"): 10})
    sheet.sheet.set_column(keys.index("reason"), keys.index("reason"), 70, formats.wrap)
    workbook.close()
    return buffer.getvalue()


def file_name(region_name: str, period: int, language: str = "zh") -> str:
    """``曲靖市_月度预警表_2026-10.xlsx`` (the charts' file-stem rule)."""
    from present.charts import file_stem

    return file_stem(region_name, text("warn.file_kind", language), format_month(period)) + ".xlsx"
