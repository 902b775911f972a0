"""Blank forms for the townships: CSV and XLSX templates with Chinese headers and one example row.

Pure (no Streamlit): the bytes are built here and offered by the Data page.
The CSV is UTF-8 with a byte-order mark, so that Excel shows the Chinese
headers; the XLSX keeps codes and months as text, so that Excel neither turns
a 12-digit code into ``5.30181E+11`` nor a month into a date.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from data.importer import KINDS


@dataclass(frozen=True)
class Template:
    kind: str
    headers: tuple[str, ...]  # Chinese, in the kind's column order
    example: tuple[str, ...]  # one row, as text
    widths: tuple[int, ...]  # XLSX column widths (characters)


def _headers(kind: str) -> tuple[str, ...]:
    chinese = {canonical: zh for zh, canonical in KINDS[kind].chinese.items()}
    return tuple(chinese[column] for column in KINDS[kind].columns)


# The example rows name regions of the demo data set (曲靖市麒麟区南宁街道): replace them with your own.
TEMPLATES: dict[str, Template] = {
    # 撤销期/承继代码 stay empty unless the region was abolished (cli.md, "Regions that change").
    "regions": Template(
        "regions", _headers("regions"), ("530302999", "示例街道", "乡镇", "530302", "", ""), (16, 20, 10, 16, 10, 16)
    ),
    "population": Template("population", _headers("population"), ("2025-12", "530302001", "53279"), (12, 16, 14)),
    "snapshots": Template(
        "snapshots",
        _headers("snapshots"),
        ("2026-10", "530302001", "城乡居民", "24926", "7653", "13327"),
        (12, 16, 12, 12, 14, 14),
    ),
    "pool": Template(
        "pool",
        _headers("pool"),
        ("2026-10", "530302001", "新就业形态劳动者", "120", "30", "20"),
        (12, 16, 20, 14, 18, 18),
    ),
    "actions": Template("actions", _headers("actions"), ("2026-10", "530302001", "精准宣传动员一批", "45"), (12, 16, 20, 12)),
    "tasks": Template("tasks", _headers("tasks"), ("2026", "530302001", "新增参保人数", "800"), (10, 16, 28, 12)),
}

TEXT_COLUMNS = {"code", "parent_code", "abolished", "successor", "region_code", "period", "name", "level", "scheme", "group", "action", "year", "task_kind"}

FILE_STEMS = {
    "regions": "区划模板",
    "population": "应参保人口模板",
    "snapshots": "参保缴费快照模板",
    "pool": "扩面对象实名库模板",
    "actions": "六个一批模板",
    "tasks": "任务下达模板",
}

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_name(kind: str, extension: str) -> str:
    """``参保缴费快照模板.xlsx``."""
    return f"{FILE_STEMS[kind]}.{extension}"


def csv_template(kind: str) -> bytes:
    """Header and example row, UTF-8 with BOM, CRLF line ends (as Excel writes them)."""
    template = TEMPLATES[kind]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(template.headers)
    writer.writerow(template.example)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_template(kind: str) -> bytes:
    """One sheet named as the kind's template, bold frozen header, codes and months stored as text."""
    import xlsxwriter

    template = TEMPLATES[kind]
    columns = KINDS[kind].columns
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(FILE_STEMS[kind])
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    number = workbook.add_format({"num_format": "0"})
    for index, (column, width) in enumerate(zip(columns, template.widths)):
        sheet.set_column(index, index, width, text if column in TEXT_COLUMNS else number)
    for index, title in enumerate(template.headers):
        sheet.write_string(0, index, title, header)
    for index, (column, value) in enumerate(zip(columns, template.example)):
        if column in TEXT_COLUMNS:
            sheet.write_string(1, index, value, text)
        else:
            sheet.write_number(1, index, int(value), number)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
