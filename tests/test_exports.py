"""Downloads an office opens in Excel: the CSV keeps its Chinese (UTF-8 with BOM), the XLSX is formatted
(bold frozen header, percentages as % numbers, status cells coloured), and no text cell runs as a formula."""

from __future__ import annotations

import codecs
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from present.downloads import csv_bytes, defuse, percent_format, readable_text_color, xlsx_bytes

FRAME = pd.DataFrame(
    {
        "排名": pd.array([None, 1, 2], dtype="Int64"),
        "地区": ["曲靖市（参照）", "=HYPERLINK(\"http://x\")", "罗平县"],
        "参保率": [0.951058, 0.9496, 0.93],
        "差距（人）": pd.array([0, 125, None], dtype="Int64"),
        "差距（百分点）": [-0.1058, 0.04, -2.0],
        "状态": ["已达标", "略有滞后", "-1+1"],
    }
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("=1+1", "'=1+1"), ("+86", "'+86"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("曲靖市", "曲靖市"), ("a=b", "a=b")],
)
def test_text_that_a_spreadsheet_would_run_is_defused_with_a_quote(text, expected):
    assert defuse(text) == expected


def test_the_csv_starts_with_the_byte_order_mark_and_keeps_chinese():
    data = csv_bytes(FRAME)
    assert data.startswith(codecs.BOM_UTF8)
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "排名,地区,参保率,差距（人）,差距（百分点）,状态"
    assert "曲靖市（参照）" in text


def test_the_csv_quotes_formula_text_but_leaves_numbers_alone():
    rows = pd.read_csv(io.BytesIO(csv_bytes(FRAME)), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert rows.loc[1, "地区"] == "'=HYPERLINK(\"http://x\")"
    assert rows.loc[2, "状态"] == "'-1+1"
    assert rows.loc[2, "差距（百分点）"] == "-2.0"  # a negative number is a number, not text
    assert rows.loc[0, "排名"] == ""  # missing stays empty


def workbook(**kwargs):
    data = xlsx_bytes(
        FRAME,
        sheet="排名",
        title="曲靖市 县区参保率排名 · 2026-10",
        number_formats={"参保率": ["0.00%", "0.00%", "0.0%"], "差距（人）": "#,##0", "差距（百分点）": "0.00"},
        fills={"状态": {"已达标": "#0072B2", "略有滞后": "#E69F00"}},
        highlight_rows=[0],
        **kwargs,
    )
    return load_workbook(io.BytesIO(data))["排名"]


def test_the_workbook_has_a_title_a_bold_frozen_header_and_a_filter():
    sheet = workbook()
    assert sheet["A1"].value == "曲靖市 县区参保率排名 · 2026-10"
    assert [c.value for c in sheet[3]] == list(FRAME.columns)
    assert all(c.font.bold for c in sheet[3])
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:F6"


def test_rates_are_numbers_in_percent_format_with_the_digits_each_row_needs():
    sheet = workbook()
    assert sheet["C4"].value == pytest.approx(0.951058)
    assert sheet["C4"].number_format == "0.00%"
    assert sheet["C6"].number_format == "0.0%"
    assert sheet["D5"].value == 125 and sheet["D5"].number_format == "#,##0"
    assert sheet["D6"].value is None


def test_status_cells_are_coloured_and_the_reference_row_is_bold():
    sheet = workbook()
    assert sheet["F4"].fill.fgColor.rgb.endswith("0072B2")
    assert sheet["F5"].fill.fgColor.rgb.endswith("E69F00")
    assert sheet["B4"].font.bold and not sheet["B5"].font.bold


def test_formula_text_is_stored_as_text_never_as_a_formula():
    sheet = workbook()
    assert sheet["B5"].data_type == "s"
    assert sheet["B5"].value == '=HYPERLINK("http://x")'
    assert sheet["F6"].data_type == "s"


def test_a_workbook_without_title_puts_the_header_first():
    sheet = load_workbook(io.BytesIO(xlsx_bytes(FRAME)))["Sheet1"]
    assert sheet["A1"].value == "排名" and sheet.freeze_panes == "A2"


def test_an_empty_table_still_makes_a_workbook_with_its_header():
    sheet = load_workbook(io.BytesIO(xlsx_bytes(FRAME.iloc[0:0])))["Sheet1"]
    assert [c.value for c in sheet[1]] == list(FRAME.columns)


@pytest.mark.parametrize(("decimals", "expected"), [(0, "0%"), (1, "0.0%"), (3, "0.000%")])
def test_percent_formats(decimals, expected):
    assert percent_format(decimals) == expected


@pytest.mark.parametrize(
    ("background", "expected"),
    [("#0072B2", "#FFFFFF"), ("#E69F00", "#000000"), ("#BBBBBB", "#000000"), ("#000000", "#FFFFFF"), ("#FFFFFF", "#000000")],
)
def test_cell_text_is_black_or_white_whichever_reads_better(background, expected):
    assert readable_text_color(background) == expected
