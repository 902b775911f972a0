"""The task ledger (任务清单) as a formatted Excel workbook, in the bulletin's house style (issue 14).

Sheets: the ledger (one row per task, its status today, overdue ones in the "off track" colour), the
overdue counts per 包保领导 and per region, and the status rules. Text is written with
``write_string`` into a workbook opened with ``strings_to_formulas: False`` and passed through
:func:`present.downloads.defuse`, so no cell from the data runs as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping

import pandas as pd
import xlsxwriter

from exports.bulletin import HEADER_ROW, TITLE_ROW, _Formats, _Sheet, sheet_name
from present.charts import STATUS_COLORS
from present.downloads import defuse
from present.ledger import leader_table, ledger_table, region_table
from present.texts import Texts

_STATUS_COLOR = {"逾期": "off_track", "Overdue": "off_track", "已销账": "achieved", "Crossed off": "achieved",
                 "推进中": "on_track", "In progress": "on_track"}  # fmt: skip


def _table(sheet: _Sheet, formats: _Formats, frame: pd.DataFrame, first_row: int, status_column: str | None = None) -> int:
    for col, header in enumerate(frame.columns):
        sheet.text(first_row, col, defuse(str(header)), formats.header)
    row = first_row + 1
    for record in frame.itertuples(index=False):
        for col, value in enumerate(record):
            header = frame.columns[col]
            if pd.api.types.is_number(value) and not isinstance(value, bool):
                whole = float(value).is_integer()
                sheet.number(row, col, value, formats.integer if whole else formats.get(num_format="#,##0.00"), shown=str(value))
            elif header == status_column and str(value) in _STATUS_COLOR:
                sheet.text(row, col, str(value), formats.status(_STATUS_COLOR[str(value)]))
            else:
                sheet.text(row, col, defuse(str(value)), formats.text)
        row += 1
    if len(frame):
        sheet.sheet.autofilter(first_row, 0, row - 1, len(frame.columns) - 1)
    sheet.sheet.freeze_panes(first_row + 1, 0)
    return row


def workbook_bytes(tasks: pd.DataFrame, today: dt.date, names: Mapping[str, str], root_name: str, tx: Texts) -> bytes:
    """The ledger as XLSX bytes: ``tasks`` as :func:`data.ledger.tasks` gives them, statuses as of ``today``,
    region names from ``names``, the title naming ``root_name``."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    title = tx.t("ledger.export_title", root=root_name, today=today.isoformat())
    workbook.set_properties({"title": title, "author": "kuomian"})
    formats = _Formats(workbook)
    taken: list[str] = []

    name = sheet_name(tx.t("ledger.sheet"), taken)
    taken.append(name)
    sheet = _Sheet(workbook, name)
    sheet.text(TITLE_ROW, 0, defuse(title), formats.title, measure=False)
    table = ledger_table(tasks, today, names, tx)
    _table(sheet, formats, table, HEADER_ROW, status_column=tx.t("ledger.col.status"))
    sheet.fit(minimum={1: 30})
    for col in (1, 2, 3):  # long texts wrap instead of running on
        sheet.sheet.set_column(col, col, 36, formats.wrap)

    name = sheet_name(tx.t("ledger.sheet_overdue"), taken)
    taken.append(name)
    sheet = _Sheet(workbook, name)
    sheet.text(TITLE_ROW, 0, defuse(title), formats.title, measure=False)
    sheet.text(HEADER_ROW - 1, 0, tx.t("ledger.by_leader"), formats.bold)
    row = _table(sheet, formats, leader_table(tasks, today, tx), HEADER_ROW)
    sheet.text(row + 1, 0, tx.t("ledger.by_region"), formats.bold)
    regions = region_table(tasks, today, names, tx)
    for col, header in enumerate(regions.columns):
        sheet.text(row + 2, col, header, formats.header)
    for offset, record in enumerate(regions.itertuples(index=False)):
        sheet.text(row + 3 + offset, 0, defuse(str(record[0])), formats.text)
        sheet.number(row + 3 + offset, 1, record[1], formats.integer, shown=str(record[1]))
    sheet.fit()

    name = sheet_name(tx.t("ledger.sheet_rules"), taken)
    sheet = _Sheet(workbook, name)
    sheet.text(TITLE_ROW, 0, tx.t("ledger.sheet_rules"), formats.title, measure=False)
    for offset, status in enumerate(("done", "overdue", "in_progress", "not_started")):
        sheet.text(HEADER_ROW + offset, 0, tx.t(f"ledger.rule.{status}"), formats.text)
    sheet.fit()
    workbook.close()
    return buffer.getvalue()


def file_name(root_name: str, today: dt.date, tx: Texts) -> str:
    """``会泽县_任务清单_2026-12-01.xlsx``-like name."""
    from present.charts import file_stem

    return file_stem(root_name, tx.t("ledger.file_kind"), today.isoformat()) + ".xlsx"
