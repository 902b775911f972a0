"""Reading the spreadsheets townships really send, and refusing what is not one (issues 9 and 10).

Every file is built here (openpyxl, xlsxwriter, or raw XML in a zip where a library cannot write the
shape), except one small .xls under tests/fixtures/. Each test imports through the real path
(``data.store.import_file`` into a copy of the demo database) and asserts the exact figure read (麒麟区's
coverage numerator at 2026-11: 563,114 persons, the sum of the 48 rows below) or the exact refusal line,
with the database unchanged.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from data.db import connect
from data.importer import KINDS, ImportRefused, read_table
from data.report import metrics_report
from data.store import import_file, load_demo
from metrics.periods import month_index
from metrics.targets import parse_targets
from tests.fixtures_data import PROJECT_ROOT, dump

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = ["统计期", "区划代码", "险种", "参保人数", "领取待遇人数", "实际缴费人数"]
SCHEMES = ["企业职工", "机关事业", "城乡居民"]
# 麒麟区's 16 townships at 2026-11: (insured, receiving, paid) per scheme, in SCHEMES' order.
FIGURES = [
    ("530302001", "南宁街道", [(20565, 5947, 13906), (5438, 1502, 3753), (24965, 7658, 13347)]),
    ("530302002", "建宁街道", [(9818, 2877, 6631), (3152, 923, 2119), (18298, 5637, 9576)]),
    ("530302003", "白石江街道", [(21907, 6232, 15233), (3560, 1042, 2389), (20036, 6243, 11357)]),
    ("530302004", "寥廓街道", [(15833, 4438, 11002), (6041, 1604, 4328), (22209, 7203, 12579)]),
    ("530302005", "西城街道", [(16814, 4853, 11256), (5200, 1499, 3533), (31387, 10173, 16227)]),
    ("530302006", "珠街街道", [(7740, 1989, 5577), (2862, 728, 2055), (11575, 3540, 6920)]),
    ("530302007", "沿江街道", [(10504, 2760, 7226), (2995, 807, 2063), (16346, 5504, 7956)]),
    ("530302008", "三宝街道", [(17936, 5172, 12179), (5964, 1735, 4101), (24632, 7944, 13459)]),
    ("530302009", "太和街道", [(17071, 4753, 11895), (4909, 1358, 3367), (18125, 5239, 9616)]),
    ("530302010", "文华街道", [(8935, 2350, 6223), (3388, 876, 2413), (17451, 5331, 9311)]),
    ("530302011", "潇湘街道", [(12524, 3210, 8836), (3373, 836, 2416), (19229, 5770, 11042)]),
    ("530302012", "益宁街道", [(11780, 3236, 8207), (2557, 713, 1755), (14367, 4833, 7775)]),
    ("530302013", "翠峰街道", [(8839, 2400, 6018), (2767, 683, 2000), (14570, 4652, 7723)]),
    ("530302101", "越州镇", [(2289, 577, 1587), (1086, 256, 754), (13198, 4451, 7057)]),
    ("530302102", "东山镇", [(4970, 1248, 3568), (2741, 636, 1948), (18474, 5461, 9758)]),
    ("530302103", "茨营镇", [(6952, 1921, 4796), (3001, 799, 2104), (24741, 7862, 13446)]),
]
TOTAL_INSURED = 563_114


def long_rows(period: object = "2026-11") -> list[list[object]]:
    return [
        [period, code, scheme, *figures]
        for code, _, per_scheme in FIGURES
        for scheme, figures in zip(SCHEMES, per_scheme)
    ]


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("readers") / "demo.duckdb"
    with connect(path, write=True) as con:
        load_demo(con)
    return path


@pytest.fixture
def db(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_template, path)
    return path


def coverage_numerator(db: Path, code: str = "530302", period: str = "2026-11") -> int | None:
    """The coverage rate's numerator (persons insured, all schemes) of one county, as the report gives it."""
    targets = parse_targets((PROJECT_ROOT / "config" / "targets.yaml").read_text(encoding="utf-8"))
    with connect(db) as con:
        report = metrics_report(con, targets, month_index(period), level="county", root="5303")
    row = report[(report["region_code"] == code) & (report["metric"] == "coverage_rate")]
    value = row["numerator"].iloc[0]
    return None if value != value or value is None else int(value)


def imported(db: Path, path: Path, **options) -> tuple[int, tuple[str, ...]]:
    """Import a snapshots file that must land: (麒麟区's coverage numerator at 2026-11, the notes)."""
    result = import_file(db, "snapshots", path, **options)
    return coverage_numerator(db), result.notes


def refusal(db: Path, path: Path, kind: str = "snapshots", **options) -> list[str]:
    """Import a file that must be refused: its problem lines; the database exactly as before."""
    before = dump(db)
    with pytest.raises(ImportRefused) as refused:
        import_file(db, kind, path, **options)
    assert dump(db) == before
    return str(refused.value).splitlines()


def save(book, path: Path) -> Path:
    book.save(path)
    return path


# --------------------------------------------------------------------------- raw workbooks

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_rows_xml(rows: list[tuple[int, list[object]]]) -> str:
    """``<row>`` elements: strings inline, numbers as numbers, ``("=", formula, cached or None)`` formulas."""
    parts = []
    for number, cells in rows:
        xml = []
        for index, value in enumerate(cells):
            ref = f"{_column(index)}{number}"
            if value is None:
                continue
            if isinstance(value, tuple):
                _, formula, cached = value
                cached_xml = "" if cached is None else f"<v>{cached}</v>"
                xml.append(f'<c r="{ref}"><f>{formula}</f>{cached_xml}</c>')
            elif isinstance(value, (int, float)):
                xml.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                xml.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
        parts.append(f'<row r="{number}">{"".join(xml)}</row>')
    return "".join(parts)


def raw_xlsx(
    path: Path,
    rows_xml: str,
    *,
    dimension: str = "A1",
    namespace: str = MAIN,
    calc: str = "",
    extra_sheet_xml: str = "",
) -> Path:
    """An .xlsx written part by part, for what openpyxl/xlsxwriter would not write (a wrong dimension, a
    formula without a cached value, Strict Open XML, a calcPr)."""
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{namespace}" xmlns:r="{RELS_NS}">'
        f'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>{calc}</workbook>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    )
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{namespace}"><dimension ref="{dimension}"/>'
        f"<sheetData>{rows_xml}</sheetData>{extra_sheet_xml}</worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def numbered(rows: list[list[object]], first: int = 1) -> list[tuple[int, list[object]]]:
    return list(enumerate(rows, start=first))


# --------------------------------------------------------------------------- read right


def test_plain_template_gives_the_reference_figure(db, tmp_path):
    """The same data in the plain template: what every other shape must give."""
    from openpyxl import Workbook

    book = Workbook()
    for row in [HEADER, *long_rows()]:
        book.active.append(row)
    assert imported(db, save(book, tmp_path / "plain.xlsx")) == (TOTAL_INSURED, ())


def test_title_row_unit_line_total_row_and_footer_are_read_and_the_total_is_said(db, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["麒麟区2026年11月基本养老保险参保情况统计表"])
    sheet.merge_cells("A1:F1")
    sheet.append(["填报单位：麒麟区人力资源和社会保障局（盖章）", None, None, None, "单位：人"])
    sheet.append(HEADER)
    for row in long_rows():
        sheet.append(row)
    sheet.append(["合计", None, None, TOTAL_INSURED, 167461, 342387])
    sheet.append([])
    sheet.append(["填表人：        审核人：        填报日期：2026年12月3日"])
    assert imported(db, save(book, tmp_path / "title.xlsx")) == (
        TOTAL_INSURED,
        ("row 52: 合计 row skipped (a total without a region code)", "row 54: footer line skipped"),
    )


def test_subtotal_row_in_a_csv_without_a_code_is_skipped_and_said(db, tmp_path):
    lines = [",".join(HEADER)] + [",".join(map(str, row)) for row in long_rows()] + ["小计,,,563114,167461,342387"]
    path = tmp_path / "subtotal.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert imported(db, path) == (TOTAL_INSURED, ("row 50: 小计 row skipped (a total without a region code)",))


def test_total_row_that_carries_a_code_is_read_as_an_ordinary_row(tmp_path):
    """A 合计 row with the county's code is data: the checker then refuses it as double counting."""
    path = tmp_path / "total.csv"
    path.write_text(",".join(HEADER) + "\n2026-11,530302001,城乡居民,1,0,1\n2026-11,530302,合计,9,0,9\n", encoding="utf-8")
    table = read_table(path, KINDS["snapshots"])
    assert table[["_row", "region_code", "scheme"]].values.tolist() == [[2, "530302001", "城乡居民"], [3, "530302", "合计"]]


def test_period_and_code_merged_down_over_their_scheme_rows_are_filled_down(db, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in long_rows():
        first = row[2] == SCHEMES[0]
        sheet.append([row[0] if first else None, row[1] if first else None, *row[2:]])
    for start in range(2, 2 + 3 * len(FIGURES), 3):
        sheet.merge_cells(f"A{start}:A{start + 2}")
        sheet.merge_cells(f"B{start}:B{start + 2}")
    assert imported(db, save(book, tmp_path / "merged.xlsx")) == (TOTAL_INSURED, ())


def wide_book(with_name: bool = True):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    ids = ["序号", "乡镇（街道）", "区划代码", "统计期"] if with_name else ["区划代码", "统计期"]
    top, sub = list(ids), [None] * len(ids)
    for scheme in SCHEMES:
        top += [scheme, None, None]
        sub += ["参保人数", "领取待遇人数", "实际缴费人数"]
    sheet.append(top)
    sheet.append(sub)
    for column in range(len(ids)):
        letter = _column(column)
        sheet.merge_cells(f"{letter}1:{letter}2")
    for group in range(3):
        first = len(ids) + 3 * group
        sheet.merge_cells(f"{_column(first)}1:{_column(first + 2)}1")
    for number, (code, name, per_scheme) in enumerate(FIGURES, start=1):
        values = [number, name, code, "2026-11"] if with_name else [code, "2026-11"]
        for figures in per_scheme:
            values += list(figures)
        sheet.append(values)
    return book


def test_wide_layout_with_a_two_row_merged_header_is_read_as_one_row_per_scheme(db, tmp_path):
    numerator, notes = imported(db, save(wide_book(), tmp_path / "wide.xlsx"))
    assert (numerator, notes) == (
        TOTAL_INSURED,
        ("rows 1-2: a column group per scheme (企业职工, 机关事业, 城乡居民); read as one row per scheme",),
    )


def test_wide_layout_keeps_the_spreadsheet_row_of_each_township(tmp_path):
    table = read_table(save(wide_book(), tmp_path / "wide.xlsx"), KINDS["snapshots"])
    assert table[["_row", "region_code", "region_name", "scheme", "insured"]].head(4).values.tolist() == [
        [3, "530302001", "南宁街道", "企业职工", "20565"],
        [3, "530302001", "南宁街道", "机关事业", "5438"],
        [3, "530302001", "南宁街道", "城乡居民", "24965"],
        [4, "530302002", "建宁街道", "企业职工", "9818"],
    ]


def test_wide_layout_in_a_csv_with_each_group_named_once_is_read(db, tmp_path):
    top = ["区划代码", "统计期"] + [cell for scheme in SCHEMES for cell in (scheme, "", "")]
    sub = ["", ""] + ["参保人数", "领取待遇人数", "实际缴费人数"] * 3
    body = [[code, "2026-11", *(n for figures in per_scheme for n in figures)] for code, _, per_scheme in FIGURES]
    path = tmp_path / "wide.csv"
    path.write_text("\n".join(",".join(map(str, row)) for row in [top, sub, *body]) + "\n", encoding="utf-8")
    assert imported(db, path)[0] == TOTAL_INSURED


def test_headers_with_units_line_breaks_full_width_brackets_and_stray_spaces_are_read(db, tmp_path):
    header = [" 统计期 ", "区划代码\u3000", "险种", "参保人数（人）", '"领取待遇\n人数(人)"', "实际缴费 人数"]
    path = tmp_path / "units.csv"
    path.write_text("\n".join([",".join(header)] + [",".join(map(str, row)) for row in long_rows()]) + "\n", encoding="utf-8")
    assert imported(db, path)[0] == TOTAL_INSURED


@pytest.mark.parametrize("name_header", ["区划名称", "乡镇（街道）", "乡镇名称", "单位名称", "地区"])
def test_a_name_column_is_read_as_region_name(tmp_path, name_header):
    path = tmp_path / "names.csv"
    path.write_text(f"统计期,区划代码,{name_header},险种,参保人数,领取待遇人数,实际缴费人数\n2026-11,530302101,越州镇,城乡居民,1,0,1\n", encoding="utf-8")
    table = read_table(path, KINDS["snapshots"])
    assert table[["region_code", "region_name"]].values.tolist() == [["530302101", "越州镇"]]


def test_full_width_digits_are_read_as_typed_and_land_as_ascii_digits(db, tmp_path):
    """The reader hands the text on as typed (so a refusal quotes what the clerk wrote); the checks turn
    full-width digits in codes, periods and counts into ASCII, so the row lands under 530302001."""
    path = tmp_path / "fullwidth.csv"
    path.write_text(",".join(HEADER) + "\n２０２６－１１,５３０３０２００１,城乡居民,１２,３,４\n", encoding="utf-8")
    table = read_table(path, KINDS["snapshots"])
    assert table["region_code"].tolist() == ["５３０３０２００１"]
    import_file(db, "snapshots", path)
    with connect(db) as con:
        assert con.execute(
            "SELECT period, region_code, insured, receiving, paid FROM snapshots WHERE import_id = (SELECT MAX(import_id) FROM imports)"
        ).fetchall() == [(12 * 2026 + 11, "530302001", 12, 3, 4)]


def test_excel_cells_are_read_as_the_text_a_clerk_sees(tmp_path):
    """Whole floats as integers, other floats as Python writes them (2026.1 stays 2026.1: the check refuses
    it as a month), real dates as YYYY-MM-DD, booleans and errors as their text."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADER)
    book.active.append([2026.1, 530302001.0, True, "#N/A", 12.0, 0.5])
    book.active.append([dt.datetime(2026, 11, 30), 530302001, False, "#REF!", 7, 1.25])
    table = read_table(save(book, tmp_path / "cells.xlsx"), KINDS["snapshots"])
    assert table.drop(columns=["_row", "region_name"]).values.tolist() == [
        ["2026.1", "530302001", "TRUE", "#N/A", "12", "0.5"],
        ["2026-11-30", "530302001", "FALSE", "#REF!", "7", "1.25"],
    ]


@pytest.mark.parametrize("dimension", ["A1", "A1:F10"])
def test_a_wrong_dimension_record_does_not_hide_rows(db, tmp_path, dimension):
    path = raw_xlsx(tmp_path / "stale.xlsx", sheet_rows_xml(numbered([HEADER, *long_rows()])), dimension=dimension)
    assert imported(db, path)[0] == TOTAL_INSURED


def test_first_sheet_hidden_reads_the_visible_one_and_says_which(db, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "上月"
    book.active.append(HEADER)
    book.active.append(["2026-10", "530302001", "城乡居民", 1, 0, 1])
    book.active.sheet_state = "hidden"
    sheet = book.create_sheet("本月")
    for row in [HEADER, *long_rows()]:
        sheet.append(row)
    book.active = 1
    assert imported(db, save(book, tmp_path / "hidden.xlsx")) == (
        TOTAL_INSURED,
        ("read sheet '本月' (the first sheet is hidden)",),
    )


def test_sheet_named_by_option_is_read_among_several(db, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "十月"
    book.active.append(HEADER)
    book.active.append(["2026-10", "530302001", "城乡居民", 1, 0, 1])
    sheet = book.create_sheet("十一月")
    for row in [HEADER, *long_rows()]:
        sheet.append(row)
    assert imported(db, save(book, tmp_path / "two.xlsx"), sheet="十一月")[0] == TOTAL_INSURED


def test_old_xls_workbook_is_read(db):
    """tests/fixtures/township_report.xls (written by xlwt): a merged title, a 填报单位 line, headers with
    units, codes and counts stored as numbers, a 合计 row and a footer."""
    assert imported(db, FIXTURES / "township_report.xls") == (
        TOTAL_INSURED,
        ("row 52: 合计 row skipped (a total without a region code)", "row 54: footer line skipped"),
    )


def test_old_xls_named_xlsx_is_read_and_said(db, tmp_path):
    path = tmp_path / "report.xlsx"
    shutil.copyfile(FIXTURES / "township_report.xls", path)
    numerator, notes = imported(db, path)
    assert (numerator, notes[0]) == (TOTAL_INSURED, "the file is an old Excel 97-2003 workbook (.xls) named .xlsx; read as .xls")


def ods_bytes(rows: list[list[object]]) -> bytes:
    cells = []
    for row in rows:
        xml = []
        for value in row:
            if isinstance(value, (int, float)):
                xml.append(f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>')
            else:
                xml.append(f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>')
        cells.append(f"<table:table-row>{''.join(xml)}</table:table-row>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Sheet1">{"".join(cells)}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def test_ods_workbook_is_read(db, tmp_path):
    path = tmp_path / "report.ods"
    path.write_bytes(ods_bytes([HEADER, *long_rows()]))
    assert imported(db, path)[0] == TOTAL_INSURED


def test_gb18030_csv_is_read(db, tmp_path):
    path = tmp_path / "gb.csv"
    path.write_bytes(("\n".join([",".join(HEADER)] + [",".join(map(str, r)) for r in long_rows()]) + "\n").encode("gb18030"))
    assert imported(db, path)[0] == TOTAL_INSURED


# --------------------------------------------------------------------------- refused, one line each


def test_formula_without_a_cached_result_is_refused(db, tmp_path):
    rows = numbered([HEADER, *long_rows()])
    rows[-1] = (rows[-1][0], [*rows[-1][1][:3], ("=", "SUM(D2:D48)", None), *rows[-1][1][4:]])
    path = raw_xlsx(tmp_path / "formula.xlsx", sheet_rows_xml(rows))
    assert refusal(db, path) == [
        f"{path}:49: file: cell D49 holds a formula without a computed result; open and save it in Excel/WPS first"
    ]


def test_formulas_of_a_workbook_calculated_on_opening_are_refused(db, tmp_path):
    """xlsxwriter, like other programs, writes 0 as every formula's result and asks Excel to calculate."""
    import xlsxwriter

    path = tmp_path / "calc.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for number, row in enumerate([HEADER, *long_rows()]):
        sheet.write_row(number, 0, row)
    sheet.write_formula(1, 3, "=20000+565")
    book.close()
    assert refusal(db, path) == [
        f"{path}:2: file: cell D2 holds a formula whose result was never computed (the program that wrote the file "
        "leaves that to Excel); open and save it in Excel/WPS first"
    ]


def test_the_same_header_twice_is_refused_naming_both_columns(db, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append([*HEADER, "参保人数"])
    for row in long_rows():
        book.active.append([*row, 1])
    path = save(book, tmp_path / "twice.xlsx")
    assert refusal(db, path) == [
        f"{path}:1: header: '参保人数' appears twice, in columns D and G (a hidden copy of an earlier month?); delete one of them"
    ]


HOSTILE_LINES = {
    "empty.csv": "is empty (0 bytes); export the report again",
    "html.xlsx": "is an HTML page (a web table saved under a spreadsheet's name), not a workbook; open it in Excel/WPS and save as .xlsx",
    "encrypted.xlsx": "is password-protected (encrypted); open it in Excel/WPS, remove the password (File > Info > Protect Workbook) and save it",
    "strict.xlsx": "is a 'Strict Open XML' workbook, which is not read; open it in Excel/WPS and save as 'Excel Workbook (.xlsx)'",
    "utf16.csv": "is UTF-16 text (Excel's 'Unicode text'); save it as 'CSV UTF-8' or as .xlsx",
    "archive.xlsx": "is a zip archive, not a workbook; unpack it and import the .xlsx or .csv inside",
    "text.xlsx": "is a text (CSV) file named .xlsx, not a workbook; rename it .csv, or open it in Excel/WPS and save as .xlsx",
    "random.xlsx": "is not a workbook: its bytes are neither .xlsx, .xls, .ods nor text (named .xlsx); export the report again",
    "truncated.xlsx": "is a damaged or truncated workbook; open it in Excel/WPS and save it again, or export it again",
    "directory.csv": "is a directory, not a file",
    "fifo.csv": "is not a regular file (a device, a pipe or a socket)",
    "zero.csv": "is not a regular file (a device, a pipe or a socket)",
}


def hostile(tmp_path: Path, name: str) -> Path:
    """A file of the kind ``name`` says, built here."""
    path = tmp_path / name
    if name == "empty.csv":
        path.write_bytes(b"")
    elif name == "html.xlsx":
        path.write_text("<html><head><meta charset='utf-8'></head><body><table><tr><td>统计期</td></tr></table></body></html>", encoding="utf-8")
    elif name == "encrypted.xlsx":  # what Excel writes for a workbook with a password: an OLE2 container
        directory = "EncryptionInfo".encode("utf-16-le") + b"\x00" * 50 + "EncryptedPackage".encode("utf-16-le")
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + directory + os.urandom(2000))
    elif name == "strict.xlsx":
        raw_xlsx(path, sheet_rows_xml(numbered([HEADER])), namespace=STRICT)
    elif name == "utf16.csv":
        path.write_bytes(("\n".join([",".join(HEADER)] + [",".join(map(str, r)) for r in long_rows()])).encode("utf-16"))
    elif name == "archive.xlsx":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("notes.txt", "not a workbook")
    elif name == "text.xlsx":
        path.write_text(",".join(HEADER) + "\n2026-11,530302001,城乡居民,1,0,1\n", encoding="utf-8")
    elif name == "random.xlsx":
        path.write_bytes(bytes(range(256)) * 8)
    elif name == "truncated.xlsx":
        full = raw_xlsx(tmp_path / "full.xlsx", sheet_rows_xml(numbered([HEADER, *long_rows()])))
        path.write_bytes(full.read_bytes()[:700])
    elif name == "directory.csv":
        path.mkdir()
    elif name == "fifo.csv":
        os.mkfifo(path)
    elif name == "zero.csv":
        path.symlink_to("/dev/zero")
    return path


@pytest.mark.parametrize("name", list(HOSTILE_LINES))
def test_file_that_is_not_what_it_says_is_refused_in_one_line(db, tmp_path, name):
    path = hostile(tmp_path, name)
    assert refusal(db, path) == [f"{path}:1: file: {HOSTILE_LINES[name]}"]


def test_one_stray_byte_in_a_utf8_file_is_refused_with_its_line_not_read_as_gb18030(db, tmp_path):
    lines = [",".join(HEADER).encode("utf-8")] + [",".join(map(str, r)).encode("utf-8") for r in long_rows()]
    lines[5] = lines[5].replace(b"2026-11", b"2026-11\xff")
    path = tmp_path / "stray.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert refusal(db, path) == [
        f"{path}:6: file: the byte 0xFF at line 6 is not UTF-8 text (the rest of the file is); "
        "open the file, fix or retype that line and save it as 'CSV UTF-8'"
    ]


def test_a_byte_that_fits_no_encoding_in_a_gb18030_file_is_refused_with_its_line(db, tmp_path):
    lines = [",".join(HEADER).encode("gb18030")] + [",".join(map(str, r)).encode("gb18030") for r in long_rows()]
    lines[3] = lines[3] + b"\xff"
    path = tmp_path / "gb.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert refusal(db, path) == [
        f"{path}:4: file: the byte 0xFF at line 4 is not GB18030 text (the rest of the file is); "
        "open the file, fix or retype that line and save it as 'CSV UTF-8'"
    ]


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b"])
def test_control_character_in_a_cell_is_refused_with_row_and_field(db, tmp_path, character):
    path = tmp_path / "control.csv"
    path.write_text(",".join(HEADER) + f"\n2026-11,5303020{character}01,城乡居民,1,0,1\n", encoding="utf-8")
    assert refusal(db, path) == [
        f"{path}:2: region_code: holds the control character U+{ord(character):04X}, which no report contains; retype the cell"
    ]


def test_csv_wider_than_the_column_limit_is_refused_saying_the_limit(db, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(HEADER + [f"x{i}" for i in range(100_000)]) + "\n", encoding="utf-8")
    assert refusal(db, path) == [
        f"{path}:1: file: row 1 has 100,006 columns; at most 200 are read (delete the empty columns on the right)"
    ]


def test_cell_longer_than_the_limit_is_refused_saying_the_limit(db, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(",".join(HEADER) + "\n2026-11,530302001,城乡居民,1,0," + "9" * 200_000 + "\n", encoding="utf-8")
    assert refusal(db, path) == [
        f"{path}:2: file: a cell is longer than 131,072 characters, more than a report holds (an unclosed quote?)"
    ]


def test_workbook_declaring_the_whole_sheet_with_one_cell_at_the_bottom_is_refused_saying_the_limit(db, tmp_path):
    rows = sheet_rows_xml(numbered([HEADER])) + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    path = raw_xlsx(tmp_path / "bomb.xlsx", rows, dimension="A1:XFD1048576")
    assert refusal(db, path) == [
        f"{path}:1048576: file: cell XFD1048576 is beyond column GR; at most 200 columns are read (delete what is on the right)"
    ]


def test_file_larger_than_the_size_limit_is_refused_before_it_is_read(db, tmp_path, monkeypatch):
    import data.readers

    monkeypatch.setattr(data.readers, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.csv"
    path.write_text("\n".join([",".join(HEADER)] + [",".join(map(str, r)) for r in long_rows()]) + "\n", encoding="utf-8")
    assert refusal(db, path) == [
        f"{path}:1: file: is larger than 0 MB, more than a report can be; split it (e.g. one file per month)"
    ]


def test_several_sheets_holding_the_table_are_refused_naming_them(db, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "企业职工"
    for scheme in SCHEMES:
        sheet = book.active if scheme == SCHEMES[0] else book.create_sheet(scheme)
        sheet.append(HEADER)
        for row in long_rows():
            if row[2] == scheme:
                sheet.append(row)
    path = save(book, tmp_path / "per_scheme.xlsx")
    assert refusal(db, path) == [
        f"{path}:1: sheet: 3 sheets hold a snapshots table ('企业职工', '机关事业', '城乡居民'); import one sheet at a "
        "time (--sheet NAME, or choose the sheet on the data page), or put the rows on one sheet"
    ]


# --------------------------------------------------------------------------- the command line


@pytest.mark.parametrize("name", list(HOSTILE_LINES))
def test_cli_refuses_each_hostile_file_with_exit_1_and_no_traceback(capsys, db, tmp_path, name):
    from cli.main import main

    path = hostile(tmp_path, name)
    before = dump(db)
    status = main(["--db", str(db), "import", "snapshots", str(path)])
    out, err = capsys.readouterr()
    assert (status, out) == (1, "")
    assert "Traceback" not in err
    assert err.splitlines() == [f"{path}:1: file: {HOSTILE_LINES[name]}", f"{path}: refused, 1 problem(s); nothing was imported"]
    assert dump(db) == before


def test_cli_summary_says_what_reading_skipped(capsys, db, tmp_path):
    from cli.main import main

    path = tmp_path / "subtotal.csv"
    lines = [",".join(HEADER)] + [",".join(map(str, row)) for row in long_rows()] + ["合计,,,563114,167461,342387"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["--db", str(db), "import", "snapshots", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{path}: row 50: 合计 row skipped (a total without a region code)"


def test_arabic_indic_digits_in_a_code_never_enter_the_database(db, tmp_path):
    path = tmp_path / "arabic.csv"
    path.write_text(",".join(HEADER) + "\n2026-11,٥٣٠٣٠٢٠٠١,城乡居民,1,0,1\n", encoding="utf-8")
    import_file(db, "snapshots", path)
    with connect(db) as con:
        codes = con.execute("SELECT DISTINCT region_code FROM snapshots WHERE import_id = (SELECT MAX(import_id) FROM imports)").fetchall()
    assert codes == [("530302001",)]


def test_wide_layout_scheme_group_left_empty_reads_no_row_for_it_and_says_so(tmp_path):
    book = wide_book()
    sheet = book.active
    for column in ("H", "I", "J"):  # 南宁街道's 机关事业 group
        sheet[f"{column}3"] = None
    table = read_table(save(book, tmp_path / "wide.xlsx"), KINDS["snapshots"])
    assert table[table["_row"] == 3]["scheme"].tolist() == ["企业职工", "城乡居民"]
    assert "row 3: 机关事业 left empty; no 机关事业 row read" in table.attrs["notes"]


def test_every_refusal_of_the_reading_layer_carries_its_chinese_reason(db, tmp_path):
    """The dashboard shows problems in Chinese by default: the reader writes both (Problem.reason_zh)."""
    reasons = []
    for name in HOSTILE_LINES:
        with pytest.raises(ImportRefused) as refused:
            read_table(hostile(tmp_path, name), KINDS["snapshots"])
        reasons.extend(refused.value.problems)
    assert all(problem.reason_zh for problem in reasons)
    assert reasons[0].reason_zh == "文件是空的（0 字节）；请重新导出报表"


def test_a_gb18030_file_with_utf8_lines_pasted_in_is_refused_naming_the_line(db, tmp_path):
    header = ",".join(HEADER).encode("gb18030")
    rows = [",".join(map(str, r)) for r in long_rows()]
    lines = [header] + [row.encode("gb18030") for row in rows[:10]] + [row.encode("utf-8") for row in rows[10:]]
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert refusal(db, path) == [
        f"{path}:12: file: line 12 is UTF-8 text but line 1 is GB18030 (two encodings in one file); "
        "save the whole file again as 'CSV UTF-8'"
    ]


def test_every_reading_note_reads_in_chinese_on_the_dashboard(tmp_path):
    from data.readers import note_zh

    notes = [
        "row 52: 合计 row skipped (a total without a region code)",
        "row 54: footer line skipped",
        "rows 1-2: a column group per scheme (企业职工, 机关事业, 城乡居民); read as one row per scheme",
        "row 3: 机关事业 left empty; no 机关事业 row read",
        "read sheet '本月' (the first sheet is hidden)",
        "read sheet '10月' (the sheet holding the table)",
        "the file is an old Excel 97-2003 workbook (.xls) named .xlsx; read as .xls",
    ]
    assert [note_zh(note) for note in notes] == [
        "第 52 行：合计行已跳过（没有区划代码的合计行）",
        "第 54 行：表尾行已跳过",
        "第 1-2 行：每个险种一组列（企业职工, 机关事业, 城乡居民），已按每个险种一行读取",
        "第 3 行：机关事业未填写，未读取该险种",
        "读取了工作表“本月”（第一个工作表已隐藏）",
        "读取了工作表“10月”（包含报表的工作表）",
        "该文件是改名为 .xlsx 的旧版 Excel 97-2003 工作簿（.xls），已按 .xls 读取",
    ]


def test_label_columns_keep_their_text_as_typed(tmp_path):
    """Scheme, group, action and level texts are the checks' to map ((一) and （一） alike)."""
    path = tmp_path / "pool.csv"
    path.write_text("统计期,区划代码,群体,已识别人数,参加职工养老人数,参加居民养老人数\n2026-11,530302001,（一）个体工商户,５,1,1\n2026-11,530302001,４,5,1,1\n", encoding="utf-8")
    table = read_table(path, KINDS["pool"])
    assert table[["group", "identified"]].values.tolist() == [["（一）个体工商户", "５"], ["４", "5"]]


def test_xlsx_workbook_named_csv_is_read_and_said(db, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    for row in [HEADER, *long_rows()]:
        book.active.append(row)
    path = save(book, tmp_path / "report.csv")
    assert imported(db, path) == (TOTAL_INSURED, ("the file is an .xlsx workbook named .csv; read as .xlsx",))


def test_a_count_header_in_ten_thousands_is_not_read_as_persons(db, tmp_path):
    path = tmp_path / "wan.csv"
    path.write_text("统计期,区划代码,险种,参保人数（万人）,领取待遇人数,实际缴费人数\n2026-11,530302001,城乡居民,2,0,1\n", encoding="utf-8")
    assert refusal(db, path) == [
        f"{path}:1: header: missing column(s) insured (参保人数); found: 统计期, 区划代码, 险种, 参保人数（万人）, 领取待遇人数, 实际缴费人数"
    ]


def test_tab_separated_text_named_csv_is_read_and_said(db, tmp_path):
    path = tmp_path / "tabs.csv"
    path.write_text("\n".join("\t".join(map(str, row)) for row in [HEADER, *long_rows()]) + "\n", encoding="utf-8")
    assert imported(db, path) == (TOTAL_INSURED, ("the values are separated by tabs; read as tab-separated text",))


def test_csv_with_a_title_line_a_unit_line_a_total_and_a_footer_is_read(db, tmp_path):
    lines = [
        "麒麟区2026年11月基本养老保险参保情况统计表,,,,,",
        "填报单位：麒麟区人社局,,,,单位：人,",
        ",".join(HEADER),
        *(",".join(map(str, row)) for row in long_rows()),
        "合计,,,563114,167461,342387",
        "填表人：张三,审核人：李四,,,,",
    ]
    path = tmp_path / "title.csv"
    path.write_text("\n".join(lines) + "\n", encoding="gb18030")
    assert imported(db, path) == (
        TOTAL_INSURED,
        ("row 52: 合计 row skipped (a total without a region code)", "row 53: footer line skipped"),
    )
