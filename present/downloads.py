"""Tables as files people open in Excel: XLSX with formats, CSV with Chinese intact.

Pure builders, DataFrame in, bytes out (no Streamlit), so the pages' download
buttons and the tests share them.

- CSV is UTF-8 *with* a byte-order mark (``utf-8-sig``): without it Excel
  reads Chinese as mojibake.
- Text never runs as a formula: a cell starting with ``= + - @`` (or a tab or
  carriage return) is written in XLSX with ``write_string`` and in CSV behind
  a single quote, the usual defence against CSV injection.
"""

from __future__ import annotations

import io
import math
import numbers
from collections.abc import Mapping, Sequence

import pandas as pd
import numpy as np
import xlsxwriter

from present.formula import FORMULA_STARTS, defuse  # noqa: F401 - defuse is part of this module's API
CSV_ENCODING = "utf-8-sig"

HEADER_FILL = "#F2F2F2"
HIGHLIGHT_FILL = "#FFF4CC"
MAX_COLUMN_WIDTH = 40


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value))
    except TypeError:
        return False


def readable_text_color(background: str) -> str:
    """Black or white, whichever contrasts more with ``background`` (``#RRGGBB``; WCAG relative luminance)."""
    channels = [int(background.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if luminance > 0.179 else "#FFFFFF"


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as CSV that Excel opens with Chinese intact, text cells defused."""
    safe = frame.copy()
    for column in safe.columns:
        if not (pd.api.types.is_numeric_dtype(safe[column]) or pd.api.types.is_bool_dtype(safe[column])):
            safe[column] = safe[column].map(lambda v: v if _missing(v) else defuse(str(v)), na_action=None)
    safe.columns = [defuse(str(c)) for c in safe.columns]
    return safe.to_csv(index=False).encode(CSV_ENCODING)


def _text_width(text: str) -> float:
    """Display width in Excel's character units: CJK characters take two."""
    return sum(2.0 if ord(ch) > 0x2E80 else 1.0 for ch in text)


def xlsx_bytes(
    frame: pd.DataFrame,
    *,
    sheet: str = "Sheet1",
    title: str | None = None,
    number_formats: Mapping[str, str | Sequence[str]] | None = None,
    fills: Mapping[str, Mapping[str, str]] | None = None,
    highlight_rows: Sequence[int] = (),
) -> bytes:
    """The frame as a formatted workbook.

    - ``title``: a bold first line above the table (the header follows);
    - header bold and shaded, frozen, with autofilter;
    - ``number_formats``: Excel number formats per column (``"0.0%"``,
      ``"#,##0"``), one for the column or one per row;
    - ``fills``: per column, a background colour per cell text (status
      cells coloured by status), text in black or white as reads better;
    - ``highlight_rows``: row positions (0 = first data row) shown bold on a
      light background, e.g. the reference row of a league.
    Text is always written as text (``write_string``), never as a formula.
    """
    number_formats = dict(number_formats or {})
    fills = dict(fills or {})
    highlighted = set(highlight_rows)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "nan_inf_to_errors": True})
    worksheet = workbook.add_worksheet(sheet[:31])
    formats: dict[tuple, xlsxwriter.format.Format] = {}

    def cell_format(number: str | None = None, fill: str | None = None, bold: bool = False, font: str | None = None):
        key = (number, fill, bold, font)
        if key not in formats:
            spec: dict[str, object] = {"valign": "vcenter"}
            if number:
                spec["num_format"] = number
            if fill:
                spec["bg_color"] = fill
                spec["pattern"] = 1
            if font:
                spec["font_color"] = font
            if bold:
                spec["bold"] = True
            formats[key] = workbook.add_format(spec)
        return formats[key]

    top = 0
    if title:
        worksheet.write_string(0, 0, title, workbook.add_format({"bold": True, "font_size": 14}))
        top = 2
    header = workbook.add_format({"bold": True, "bg_color": HEADER_FILL, "pattern": 1, "bottom": 1, "valign": "vcenter", "text_wrap": True})
    columns = [str(c) for c in frame.columns]
    widths = [_text_width(c) + 2 for c in columns]
    for j, name in enumerate(columns):
        worksheet.write_string(top, j, name, header)

    for i, row in enumerate(frame.itertuples(index=False, name=None)):
        r = top + 1 + i
        bold = i in highlighted
        row_fill = HIGHLIGHT_FILL if bold else None
        for j, (name, value) in enumerate(zip(columns, row)):
            spec = number_formats.get(name)
            number = spec if isinstance(spec, str) or spec is None else spec[i]
            if _missing(value):
                worksheet.write_blank(r, j, None, cell_format(None, row_fill, bold))
                continue
            if isinstance(value, (bool, np.bool_)):
                worksheet.write_boolean(r, j, bool(value), cell_format(None, row_fill, bold))
                widths[j] = max(widths[j], 6)
                continue
            if isinstance(value, numbers.Real):
                worksheet.write_number(r, j, float(value), cell_format(number, row_fill, bold))
                widths[j] = max(widths[j], len(f"{value:,.2f}") + 2)
                continue
            text = str(value)
            colour = fills.get(name, {}).get(text)
            if colour:
                worksheet.write_string(r, j, text, cell_format(None, colour, bold, readable_text_color(colour)))
            else:
                worksheet.write_string(r, j, text, cell_format(None, row_fill, bold))
            widths[j] = max(widths[j], _text_width(text) + 2)

    for j, width in enumerate(widths):
        worksheet.set_column(j, j, min(width, MAX_COLUMN_WIDTH))
    worksheet.freeze_panes(top + 1, 0)
    if len(frame):
        worksheet.autofilter(top, 0, top + len(frame), max(len(columns) - 1, 0))
    workbook.close()
    return buffer.getvalue()


def percent_format(decimals: int) -> str:
    """``2`` -> ``"0.00%"``."""
    return "0%" if decimals <= 0 else "0." + "0" * decimals + "%"


RANK_CHANGE_FORMAT = '[Color10]"▲"0;[Red]"▼"0;"–"'
PERSONS_FORMAT = "#,##0"
POINTS_FORMAT = "0.00"
