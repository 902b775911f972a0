"""The bulletin's timeliness sheet (报送及时率, issue 13 point 2): each league region's rate for the
quarter's three months and the quarter, the root first as the reference, then the reports not in.

Written with the bulletin's own formats (``exports.bulletin._Formats``); rates are numbers in percent
format, text cells are text (never formulas).
"""

from __future__ import annotations

import pandas as pd

from metrics.periods import period_label
from present.downloads import HIGHLIGHT_FILL
from present.formatting import format_rate
from present.texts import Texts
from present.timeliness import status_text

TITLE_ROW, NOTE_ROW, HEADER_ROW = 0, 1, 2


def timeliness_sheet(workbook, formats, b, tx: Texts, name: str) -> None:
    """Add the sheet ``name`` for bulletin ``b`` (its ``timeliness`` and ``unreported`` set)."""
    from exports.bulletin import _Sheet

    sheet = _Sheet(workbook, name)
    months = [b.period - 2, b.period - 1, b.period]
    quarter = tx.t("bulletin.quarter", year=b.year, q=b.quarter)
    sheet.text(
        TITLE_ROW, 0,
        tx.t("timely.bulletin_title", root=b.root_name, quarter=quarter, unit=tx.unit(b.level), first=period_label(months[0]), last=period_label(months[-1])),
        formats.title, measure=False,
    )
    sheet.text(NOTE_ROW, 0, tx.t("timely.rule", day=b.due_day), formats.note, measure=False)
    headers = [
        tx.t("word.region_code"), tx.t("word.region"),
        *(tx.t("timely.bulletin_month_rate", month=period_label(m)) for m in months),
        tx.t("timely.bulletin_quarter_rate"), tx.t("timely.bulletin_late"), tx.t("timely.bulletin_missing"),
    ]
    for col, header in enumerate(headers):
        sheet.text(HEADER_ROW, col, header, formats.header)
    sheet.sheet.set_row(HEADER_ROW, 30)
    rates = b.timeliness if b.timeliness is not None else pd.DataFrame(columns=["region_code", "period"])
    names = {} if b.league.empty else dict(zip(b.league["region_code"].astype(str), b.league["region_name"]))
    codes = [b.root_code] + sorted(c for c in names if c != b.root_code)
    row = HEADER_ROW + 1
    for code in codes:
        pinned = code == b.root_code
        extra = {"bg_color": HIGHLIGHT_FILL, "bold": True} if pinned else {}
        own = rates[rates["region_code"] == code].set_index("period")
        sheet.text(row, 0, code, formats.get(**extra))
        sheet.text(row, 1, (b.root_name + tx.t("bulletin.reference")) if pinned else names[code], formats.get(**extra))
        for col, month in enumerate(months, start=2):
            value = own.at[month, "rate"] if month in own.index else None
            value = None if value is None or pd.isna(value) else float(value)
            sheet.number(row, col, value, formats.percent(1, **extra), shown=format_rate(value))
        counted = own[["on_time", "late", "missing"]].sum() if not own.empty else pd.Series({"on_time": 0, "late": 0, "missing": 0})
        total = int(counted.sum())
        quarter_rate = float(counted["on_time"]) / total if total else None
        sheet.number(row, 5, quarter_rate, formats.percent(1, **extra), shown=format_rate(quarter_rate))
        sheet.number(row, 6, int(counted["late"]), formats.get(num_format="0", align="center", **extra), shown="999")
        sheet.number(row, 7, int(counted["missing"]), formats.get(num_format="0", align="center", **extra), shown="999")
        row += 1
    sheet.sheet.freeze_panes(HEADER_ROW + 1, 0)

    row += 1
    unreported = b.unreported if b.unreported is not None else pd.DataFrame()
    sheet.text(row, 0, tx.t("timely.bulletin_unreported", count=len(unreported)), formats.bold, measure=False)
    row += 1
    if unreported.empty:
        sheet.text(row, 0, tx.t("timely.bulletin_all_in"), formats.note, measure=False)
    else:
        for col, header in enumerate(
            [tx.t("timely.col.month"), tx.t("word.region_code"), tx.t("word.region"), tx.t("timely.col.parent"), tx.t("timely.col.status")]
        ):
            sheet.text(row, col, header, formats.header)
        for item in unreported.sort_values(["period", "region_code"]).itertuples(index=False):
            row += 1
            sheet.text(row, 0, period_label(int(item.period)), formats.center)
            sheet.text(row, 1, item.region_code, formats.text)
            sheet.text(row, 2, item.name, formats.text)
            sheet.text(row, 3, "" if pd.isna(item.parent_name) else item.parent_name, formats.text)
            sheet.text(row, 4, status_text(item.status, None, tx.language), formats.text)
    sheet.fit()
