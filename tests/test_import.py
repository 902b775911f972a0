"""`kuomian import`: reading, checking, replacing, history and rollback (spec: cli.md, metrics.md section 2).

Every test builds real files in tmp_path and a real DuckDB there, and runs the
command in-process through ``cli.main.main``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.fixtures_data import (
    POPULATION,
    POPULATION_HEADER,
    REGIONS,
    REGIONS_HEADER,
    SNAPSHOTS,
    SNAPSHOTS_HEADER,
    dump,
    make_world,
    rows_of,
    run,
    snapshot_rows,
    write_csv,
    write_xlsx,
)

ZH_REGIONS_HEADER = ["区划代码", "区划名称", "层级", "上级代码"]
ZH_POPULATION_HEADER = ["统计期", "区划代码", "应参保人数"]
ZH_SNAPSHOTS_HEADER = ["统计期", "区划代码", "险种", "参保人数", "领取待遇人数", "实际缴费人数"]
PERIOD_FORMAT = "(YYYY-MM, YYYY-MM-DD, YYYY/MM or YYYY年MM月)"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_world(tmp_path)


def import_(capsys, db: Path, kind: str, file: Path, *options: str) -> tuple[int, str, str]:
    return run(capsys, "--db", db, "import", kind, file, *options)


def refused(capsys, db: Path, kind: str, file: Path, *options: str) -> list[str]:
    """Import a file that must be refused: exit 1, the database exactly as before; the problem lines."""
    before = dump(db)
    status, out, err = import_(capsys, db, kind, file, *options)
    assert status == 1
    assert out == ""
    assert dump(db) == before
    lines = err.splitlines()
    assert lines[-1].startswith(f"{file}: refused, ") and lines[-1].endswith(" problem(s); nothing was imported")
    assert lines[-1] == f"{file}: refused, {len(lines) - 1} problem(s); nothing was imported"
    return lines[:-1]


def snapshots_file(tmp_path: Path, *rows, header=SNAPSHOTS_HEADER, name="snapshots.csv", encoding="utf-8") -> Path:
    return write_csv(tmp_path / name, [header, *rows], encoding=encoding)


# --------------------------------------------------------------------------- reading


def test_snapshots_with_english_headers_land(capsys, db, tmp_path):
    file = write_csv(tmp_path / "snapshots.csv", SNAPSHOTS)
    status, out, err = import_(capsys, db, "snapshots", file)
    assert (status, err) == (0, "")
    assert out == f"imported {file} as import 3: 4 snapshots row(s), 4 added, 0 replaced\nadded 4 rows of 2025-12\n"
    assert snapshot_rows(db) == [
        ("2025-12", "530102001", "employee", 800, 200, 550),
        ("2025-12", "530102001", "public", 100, 20, 80),
        ("2025-12", "530102001", "resident", 900, 300, 500),
        ("2025-12", "530102002", "resident", 1180, 300, 700),
    ]


def test_snapshots_with_chinese_headers_and_scheme_names_land(capsys, db, tmp_path):
    file = snapshots_file(
        tmp_path,
        ["2025年12月", "530102001", "企业职工", "800", "200", "550"],
        ["2025年12月", "530102001", "机关事业", "100", "20", "80"],
        ["2025年12月", "530102001", "城乡居民", "900", "300", "500"],
        header=ZH_SNAPSHOTS_HEADER,
    )
    status, _, err = import_(capsys, db, "snapshots", file)
    assert (status, err) == (0, "")
    assert snapshot_rows(db) == [
        ("2025-12", "530102001", "employee", 800, 200, 550),
        ("2025-12", "530102001", "public", 100, 20, 80),
        ("2025-12", "530102001", "resident", 900, 300, 500),
    ]


def test_a_country_root_above_the_provinces_is_a_level(capsys, tmp_path):
    # metrics.md §1: country (全国) > province > ...; it was refused as "not a level"
    db = tmp_path / "fresh.duckdb"
    file = write_csv(
        tmp_path / "regions.csv",
        [ZH_REGIONS_HEADER, ["000000", "全国", "全国", ""], ["530000", "云南省", "省", "000000"], ["5303", "曲靖市", "市", "530000"]],
    )
    status, _, err = import_(capsys, db, "regions", file)
    assert (status, err) == (0, "")
    assert rows_of(db, "SELECT code, level, parent_code FROM regions ORDER BY code") == [
        ("000000", "country", None),
        ("530000", "province", "000000"),
        ("5303", "city", "530000"),
    ]


def test_a_province_cannot_hold_the_country(capsys, tmp_path):
    db = tmp_path / "fresh.duckdb"
    file = write_csv(tmp_path / "regions.csv", [ZH_REGIONS_HEADER, ["530000", "云南省", "省", ""], ["000000", "全国", "country", "530000"]])
    status, _, err = import_(capsys, db, "regions", file)
    assert status == 1 and f"{file}:3: " in err


def test_regions_with_chinese_headers_and_level_names_land(capsys, tmp_path):
    db = tmp_path / "fresh.duckdb"
    file = write_csv(
        tmp_path / "regions.csv",
        [
            ZH_REGIONS_HEADER,
            ["5303", "曲靖市", "市", ""],
            ["530302", "麒麟区", "县", "5303"],
            ["530302001", "南宁街道", "乡", "530302"],
            ["530302001201", "南宁社区", "村", "530302001"],
        ],
    )
    status, _, err = import_(capsys, db, "regions", file)
    assert (status, err) == (0, "")
    assert rows_of(db, "SELECT code, name, level, parent_code FROM regions ORDER BY code") == [
        ("5303", "曲靖市", "city", None),
        ("530302", "麒麟区", "county", "5303"),
        ("530302001", "南宁街道", "township", "530302"),
        ("530302001201", "南宁社区", "village", "530302001"),
    ]


def test_population_with_chinese_headers_lands(capsys, db, tmp_path):
    file = write_csv(tmp_path / "population.csv", [ZH_POPULATION_HEADER, ["2026年12月", "530102001", "2100"]])
    status, _, err = import_(capsys, db, "population", file)
    assert (status, err) == (0, "")
    assert rows_of(db, "SELECT period, region_code, required FROM population WHERE region_code = '530102001' ORDER BY 1") == [
        (12 * 2025 + 12, "530102001", 2000),
        (12 * 2026 + 12, "530102001", 2100),
    ]


@pytest.mark.parametrize(
    ("written", "scheme"),
    [
        ("employee", "employee"),
        ("public", "public"),
        ("resident", "resident"),
        ("企业职工", "employee"),
        ("城镇职工", "employee"),
        ("机关事业", "public"),
        ("城乡居民", "resident"),
    ],
)
def test_scheme_is_read_in_english_or_chinese(capsys, db, tmp_path, written, scheme):
    file = snapshots_file(tmp_path, ["2025-12", "530102001", written, "800", "200", "550"])
    assert import_(capsys, db, "snapshots", file)[0] == 0
    assert snapshot_rows(db) == [("2025-12", "530102001", scheme, 800, 200, 550)]


@pytest.mark.parametrize("written", ["2025-12", "2025-12-31", "2025/12", "2025年12月"])
def test_period_is_read_in_every_accepted_form(capsys, db, tmp_path, written):
    file = snapshots_file(tmp_path, [written, "530102001", "resident", "900", "300", "500"])
    assert import_(capsys, db, "snapshots", file)[0] == 0
    assert snapshot_rows(db) == [("2025-12", "530102001", "resident", 900, 300, 500)]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"], ids=["utf8-bom", "utf8", "gb18030"])
def test_csv_is_read_in_utf8_with_or_without_bom_and_in_gb18030(capsys, db, tmp_path, encoding):
    file = snapshots_file(
        tmp_path, ["2025年12月", "530102001", "城乡居民", "900", "300", "500"], header=ZH_SNAPSHOTS_HEADER, encoding=encoding
    )
    status, _, err = import_(capsys, db, "snapshots", file)
    assert (status, err) == (0, "")
    assert snapshot_rows(db) == [("2025-12", "530102001", "resident", 900, 300, 500)]


def test_xlsx_with_several_sheets_holding_the_table_is_refused_naming_them(capsys, db, tmp_path):
    """Issue 9: several sheets with the kind's header are never read half silently (the first alone)."""
    file = write_xlsx(
        tmp_path / "snapshots.xlsx",
        {
            "十二月": [SNAPSHOTS_HEADER, ["2025-12", "530102001", "resident", 900, 300, 500]],
            "十一月": [SNAPSHOTS_HEADER, ["2025-11", "530102001", "resident", 890, 300, 450]],
        },
    )
    assert refused(capsys, db, "snapshots", file) == [
        f"{file}:1: sheet: 2 sheets hold a snapshots table ('十二月', '十一月'); import one sheet at a time "
        "(--sheet NAME, or choose the sheet on the data page), or put the rows on one sheet"
    ]


def test_xlsx_sheet_named_by_option_is_read(capsys, db, tmp_path):
    file = write_xlsx(
        tmp_path / "snapshots.xlsx",
        {
            "十二月": [SNAPSHOTS_HEADER, ["2025-12", "530102001", "resident", 900, 300, 500]],
            "十一月": [ZH_SNAPSHOTS_HEADER, ["2025年11月", "530102001", "城乡居民", 890, 300, 450]],
        },
    )
    status, _, err = import_(capsys, db, "snapshots", file, "--sheet", "十一月")
    assert (status, err) == (0, "")
    assert snapshot_rows(db) == [("2025-11", "530102001", "resident", 890, 300, 450)]


def test_xlsx_cells_typed_as_numbers_and_dates_are_read(capsys, db, tmp_path):
    file = write_xlsx(
        tmp_path / "snapshots.xlsx",
        {"Sheet1": [SNAPSHOTS_HEADER, [dt.datetime(2025, 12, 31), 530102001, "resident", 900, 300.0, 500]]},
    )
    status, _, err = import_(capsys, db, "snapshots", file)
    assert (status, err) == (0, "")
    assert snapshot_rows(db) == [("2025-12", "530102001", "resident", 900, 300, 500)]


def test_xlsx_unknown_sheet_is_refused(capsys, db, tmp_path):
    file = write_xlsx(tmp_path / "snapshots.xlsx", {"十二月": [SNAPSHOTS_HEADER], "十一月": [SNAPSHOTS_HEADER]})
    assert refused(capsys, db, "snapshots", file, "--sheet", "一月") == [
        f"{file}:1: sheet: no sheet named '一月' (sheets: 十二月, 十一月)"
    ]


def test_blank_csv_lines_are_not_rows_and_do_not_shift_row_numbers(capsys, db, tmp_path):
    file = snapshots_file(
        tmp_path,
        None,
        ["2025-12", "530102001", "employee", "800", "200", "550"],
        None,
        None,
        ["2025-12", "530102001", "public", "-1", "20", "80"],
    )
    # header 1, blank 2, data 3, blank 4-5, bad row 6
    assert refused(capsys, db, "snapshots", file) == [f"{file}:6: insured: -1 is negative"]


def test_blank_xlsx_rows_are_not_rows_and_do_not_shift_row_numbers(capsys, db, tmp_path):
    file = write_xlsx(
        tmp_path / "snapshots.xlsx",
        {"Sheet1": [SNAPSHOTS_HEADER, None, ["2025-12", "530102001", "employee", 800, 200, 550], None, ["2025-12", "530102001", "public", -1, 20, 80]]},
    )
    assert refused(capsys, db, "snapshots", file) == [f"{file}:5: insured: -1 is negative"]


def test_blank_lines_alone_land_nothing_and_are_not_problems(capsys, db, tmp_path):
    file = snapshots_file(tmp_path, None, ["2025-12", "530102001", "resident", "900", "300", "500"], None)
    status, out, err = import_(capsys, db, "snapshots", file)
    assert (status, err) == (0, "")
    assert out.endswith(": 1 snapshots row(s), 1 added, 0 replaced\nadded 1 row of 2025-12\n")


# --------------------------------------------------------------------------- refusals: snapshots and population


def test_negative_count_is_refused(capsys, db, tmp_path):
    file = snapshots_file(tmp_path, ["2025-12", "530102001", "resident", "900", "300", "-5"])
    assert refused(capsys, db, "snapshots", file) == [f"{file}:2: paid: -5 is negative"]


@pytest.mark.parametrize(
    "written, reason",
    [
        ("12.5", "'12.5' is not a whole number"),
        ("abc", "'abc' is not a whole number (write a count in the digits 0-9, e.g. 1234 or 1,234)"),
        ("inf", "'inf' is not a whole number (write a count in the digits 0-9, e.g. 1234 or 1,234)"),
    ],
)
def test_count_that_is_not_a_whole_number_is_refused(capsys, db, tmp_path, written, reason):
    file = snapshots_file(tmp_path, ["2025-12", "530102001", "resident", written, "0", "0"])
    assert refused(capsys, db, "snapshots", file) == [f"{file}:2: insured: {reason}"]


def test_empty_count_is_refused(capsys, db, tmp_path):
    file = snapshots_file(tmp_path, ["2025-12", "530102001", "resident", "900", "", "500"])
    assert refused(capsys, db, "snapshots", file) == [f"{file}:2: receiving: is empty"]


def test_empty_period_is_refused_as_empty(capsys, db, tmp_path):
    # it said "'' is not a month (YYYY-MM, ...)" where every other empty field says "is empty"
    file = snapshots_file(tmp_path, ["", "530102001", "resident", "900", "100", "500"])
    assert refused(capsys, db, "snapshots", file) == [f"{file}:2: period: is empty"]


def test_receiving_more_than_insured_is_refused(capsys, db, tmp_path):
    file = snapshots_file(tmp_path, ["2025-12", "530102002", "resident", "1180", "1204", "0"])
    assert refused(capsys, db, "snapshots", file) == [f"{file}:2: receiving: 1204 is more than insured (1180)"]


def test_unknown_region_is_refused(capsys, db, tmp_path):
    file = snapshots_file(tmp_path, ["2025-12", "530102999", "resident", "900", "300", "500"])
    assert refused(capsys, db, "snapshots", file) == [
        f"{file}:2: region_code: '530102999' is not a known region (import the regions first)"
    ]


def test_unknown_region_in_population_is_refused(capsys, db, tmp_path):
    file = write_csv(tmp_path / "population.csv", [POPULATION_HEADER, ["2025-12", "530102999", "2000"]])
    assert refused(capsys, db, "population", file) == [
        f"{file}:2: region_code: '530102999' is not a known region (import the regions first)"
    ]


def test_a_total_row_in_the_scheme_column_is_refused_saying_it_is_a_total(capsys, db, tmp_path):
    # a township's 合计 row under its three scheme rows: it said only "'合计' is not a scheme (...)"
    file = snapshots_file(tmp_path, ["2025-12", "530102001", "resident", "900", "100", "500"], ["2025-12", "530102001", "合 计", "900", "100", "500"])
    assert refused(capsys, db, "snapshots", file) == [
        f"{file}:3: scheme: '合 计' is a total of the schemes, not a scheme; delete the total rows (their persons are in the scheme rows)"
    ]


def test_unknown_scheme_is_refused_naming_the_accepted_ones(capsys, db, tmp_path):
    file = snapshots_file(tmp_path, ["2025-12", "530102001", "养老", "900", "300", "500"])
    [line] = refused(capsys, db, "snapshots", file)
    assert line.startswith(f"{file}:2: scheme: '养老' is not a scheme (")
    for accepted in ("employee", "public", "resident", "企业职工", "城镇职工", "机关事业", "城乡居民"):
        assert accepted in line


@pytest.mark.parametrize(
    "written, reason",
    [
        ("2025-13", "'2025-13' has no month 13 (months are 1 to 12)"),
        ("2025-00", "'2025-00' has no month 0 (months are 1 to 12)"),
        ("12/2025", f"'12/2025' is not a month {PERIOD_FORMAT}"),
        ("2025", f"'2025' is a year, not a month {PERIOD_FORMAT}"),
        ("Dec 2025", f"'Dec 2025' is not a month {PERIOD_FORMAT}"),
    ],
)
def test_malformed_period_is_refused(capsys, db, tmp_path, written, reason):
    file = snapshots_file(tmp_path, [written, "530102001", "resident", "900", "300", "500"])
    assert refused(capsys, db, "snapshots", file) == [f"{file}:2: period: {reason}"]


def test_malformed_period_in_population_is_refused(capsys, db, tmp_path):
    file = write_csv(tmp_path / "population.csv", [POPULATION_HEADER, ["2025-13", "530102001", "2000"]])
    assert refused(capsys, db, "population", file) == [f"{file}:2: period: '2025-13' has no month 13 (months are 1 to 12)"]


def test_same_key_twice_in_one_file_is_refused(capsys, db, tmp_path):
    file = snapshots_file(
        tmp_path,
        ["2025-12", "530102001", "resident", "900", "300", "500"],
        ["2025-12", "530102001", "employee", "800", "200", "550"],
        ["2025-12", "530102001", "resident", "901", "300", "500"],
    )
    assert refused(capsys, db, "snapshots", file) == [
        f"{file}:4: period+region_code+scheme: 2025-12 / 530102001 / resident already appears in row 2"
    ]


def test_same_key_written_two_ways_is_the_same_key(capsys, db, tmp_path):
    file = snapshots_file(
        tmp_path,
        ["2025-12", "530102001", "resident", "900", "300", "500"],
        ["2025年12月", "530102001", "城乡居民", "901", "300", "500"],
    )
    assert refused(capsys, db, "snapshots", file) == [
        f"{file}:3: period+region_code+scheme: 2025-12 / 530102001 / resident already appears in row 2"
    ]


def test_same_population_key_twice_is_refused(capsys, db, tmp_path):
    file = write_csv(
        tmp_path / "population.csv", [POPULATION_HEADER, ["2026-12", "530102001", "2000"], ["2026/12", "530102001", "2100"]]
    )
    assert refused(capsys, db, "population", file) == [
        f"{file}:3: period+region_code: 2026-12 / 530102001 already appears in row 2"
    ]


def test_missing_column_is_refused_on_the_header_row(capsys, db, tmp_path):
    file = write_csv(tmp_path / "snapshots.csv", [SNAPSHOTS_HEADER[:-1], ["2025-12", "530102001", "resident", "900", "300"]])
    assert refused(capsys, db, "snapshots", file) == [
        f"{file}:1: header: missing column(s) paid (实际缴费人数); found: period, region_code, scheme, insured, receiving"
    ]


def test_empty_file_is_refused_as_empty(capsys, db, tmp_path):
    file = tmp_path / "population.csv"
    file.write_bytes(b"")
    assert refused(capsys, db, "population", file) == [f"{file}:1: file: is empty (0 bytes); export the report again"]


def test_file_of_blank_lines_is_refused_as_missing_every_column(capsys, db, tmp_path):
    file = tmp_path / "population.csv"
    file.write_bytes(b"\n\n")
    assert refused(capsys, db, "population", file) == [
        f"{file}:1: header: missing column(s) period (统计期), region_code (区划代码), required (应参保人数); found: none"
    ]


def test_row_with_more_values_than_the_header_is_refused(capsys, db, tmp_path):
    file = snapshots_file(
        tmp_path,
        ["2025-12", "530102001", "resident", "900", "300", "500"],
        ["2025-12", "530102001", "employee", "800", "200", "550", "note"],
    )
    assert refused(capsys, db, "snapshots", file) == [f"{file}:3: row: has 7 values, the header has 6 columns"]


def test_trailing_empty_values_are_harmless(capsys, db, tmp_path):
    file = snapshots_file(tmp_path, ["2025-12", "530102001", "resident", "900", "300", "500", "", ""])
    assert import_(capsys, db, "snapshots", file)[0] == 0
    assert snapshot_rows(db) == [("2025-12", "530102001", "resident", 900, 300, 500)]


def test_file_that_is_neither_csv_nor_xlsx_is_refused(capsys, db, tmp_path):
    file = tmp_path / "snapshots.txt"
    file.write_text("period,region_code,scheme,insured,receiving,paid\n", encoding="utf-8")
    assert refused(capsys, db, "snapshots", file) == [f"{file}:1: file: '.txt' files are not read; use .csv, .xlsx, .xls or .ods"]


def test_missing_file_is_refused(capsys, db, tmp_path):
    before = dump(db)
    status, out, err = import_(capsys, db, "snapshots", tmp_path / "nowhere.csv")
    assert (status, out, err) == (1, "", f"{tmp_path / 'nowhere.csv'}: no such file\n")
    assert dump(db) == before


def test_file_with_several_bad_rows_lists_every_problem_by_row(capsys, db, tmp_path):
    file = snapshots_file(
        tmp_path,
        ["2025-12", "530102001", "employee", "800", "200", "550"],
        ["2025-12", "530102001", "public", "12.5", "abc", "-3"],
        None,
        ["2025-13", "530102002", "养老", "1", "1", "1"],
        ["2025-12", "530102002", "resident", "1180", "1204", "0"],
        ["2025-12", "530199001", "resident", "1", "0", "0"],
        ["2025-12", "530102001", "employee", "800", "200", "550"],
    )
    lines = refused(capsys, db, "snapshots", file)
    assert [line for line in lines if ": scheme: " not in line] == [
        f"{file}:3: insured: '12.5' is not a whole number",
        f"{file}:3: paid: -3 is negative",
        f"{file}:3: receiving: 'abc' is not a whole number (write a count in the digits 0-9, e.g. 1234 or 1,234)",
        f"{file}:5: period: '2025-13' has no month 13 (months are 1 to 12)",
        f"{file}:6: receiving: 1204 is more than insured (1180)",
        f"{file}:7: region_code: '530199001' is not a known region (import the regions first)",
        f"{file}:8: period+region_code+scheme: 2025-12 / 530102001 / employee already appears in row 2",
    ]
    assert [line.split(": scheme: ")[0] for line in lines if ": scheme: " in line] == [f"{file}:5"]


def test_one_bad_row_refuses_the_whole_file(capsys, db, tmp_path):
    file = snapshots_file(
        tmp_path,
        ["2025-12", "530102001", "employee", "800", "200", "550"],
        ["2025-12", "530102001", "public", "100", "20", "80"],
        ["2025-12", "530102001", "resident", "900", "300", "-1"],
    )
    refused(capsys, db, "snapshots", file)
    assert snapshot_rows(db) == []


# --------------------------------------------------------------------------- refusals: regions


def regions_file(tmp_path: Path, *rows) -> Path:
    return write_csv(tmp_path / "more-regions.csv", [REGIONS_HEADER, *rows])


@pytest.mark.parametrize("code", ["53AB", "5", "5301020010011"])
def test_region_with_a_bad_code_is_refused(capsys, db, tmp_path, code):
    file = regions_file(tmp_path, [code, "某地", "county", "5301"])
    assert refused(capsys, db, "regions", file) == [f"{file}:2: code: '{code}' is not a region code (2 to 12 digits)"]


def test_region_with_an_unknown_level_is_refused(capsys, db, tmp_path):
    file = regions_file(tmp_path, ["530103", "盘龙区", "district", "5301"])
    assert refused(capsys, db, "regions", file) == [
        f"{file}:2: level: 'district' is not a level (country, province, city, county, township, village or 全国, 省, 市, 县, 乡, 村)"
    ]


def test_region_whose_parent_is_not_of_a_higher_level_is_refused(capsys, db, tmp_path):
    file = regions_file(tmp_path, ["530103", "盘龙区", "county", "530102"])
    assert refused(capsys, db, "regions", file) == [
        f"{file}:2: parent_code: 530102 is a county, not of a higher level than county"
    ]


def test_region_whose_parent_is_unknown_is_refused(capsys, db, tmp_path):
    file = regions_file(tmp_path, ["530103", "盘龙区", "county", "5399"])
    assert refused(capsys, db, "regions", file) == [
        f"{file}:2: parent_code: '5399' is not a known region (in this file or the database)"
    ]


def test_region_parent_may_come_later_in_the_same_file(capsys, tmp_path):
    db = tmp_path / "fresh.duckdb"
    file = regions_file(tmp_path, ["530302", "麒麟区", "county", "5303"], ["5303", "曲靖市", "city", ""])
    assert import_(capsys, db, "regions", file)[0] == 0
    assert rows_of(db, "SELECT ancestor, descendant, depth FROM region_closure ORDER BY ALL") == [
        ("5303", "5303", 0),
        ("5303", "530302", 1),
        ("530302", "530302", 0),
    ]


def test_region_level_change_below_an_existing_child_is_refused(capsys, db, tmp_path):
    file = regions_file(tmp_path, ["530102", "五华区", "village", "5301"])
    assert refused(capsys, db, "regions", file) == [
        f"{file}:2: level: 530102 would become a village, not of a higher level than its child 530102001 (township)",
        f"{file}:2: level: 530102 would become a village, not of a higher level than its child 530102002 (township)",
    ]


# --------------------------------------------------------------------------- implausible but accepted


def test_paid_above_contribution_phase_is_accepted_with_a_warning(capsys, db, tmp_path):
    file = snapshots_file(tmp_path, ["2025-12", "530102001", "resident", "900", "300", "700"])
    status, out, err = import_(capsys, db, "snapshots", file)
    assert status == 0
    assert err == f"warning: {file}:2: paid: 700 is more than the contribution phase (600); accepted\n"
    assert out == f"imported {file} as import 3: 1 snapshots row(s), 1 added, 0 replaced\nadded 1 row of 2025-12\n"
    assert snapshot_rows(db) == [("2025-12", "530102001", "resident", 900, 300, 700)]


def test_insured_over_schemes_above_required_is_accepted_with_a_warning(capsys, db, tmp_path):
    file = snapshots_file(
        tmp_path,
        ["2025-12", "530102001", "employee", "1200", "200", "900"],
        ["2025-12", "530102001", "resident", "900", "300", "500"],
    )
    status, _, err = import_(capsys, db, "snapshots", file)
    assert status == 0
    assert err == (
        f"warning: {file}:2: insured: 530102001 (华山街道) at 2025-12: 2100 insured in all schemes in its subtree is more"
        " than the 2000 required (2025-12); accepted, check for rows counted twice\n"
    )
    assert len(snapshot_rows(db)) == 2


def test_required_is_the_latest_population_at_or_before_the_period(capsys, db, tmp_path):
    # 2025-12 required 2000 serves 2026-03; 2100 insured is above it.
    file = snapshots_file(tmp_path, ["2026-03", "530102001", "resident", "2100", "300", "500"])
    status, _, err = import_(capsys, db, "snapshots", file)
    assert status == 0
    assert err == (
        f"warning: {file}:2: insured: 530102001 (华山街道) at 2026-03: 2100 insured in all schemes in its subtree is more"
        " than the 2000 required (2025-12); accepted, check for rows counted twice\n"
    )


# --------------------------------------------------------------------------- replacing, history, rollback


def test_reimport_of_the_same_keys_replaces_the_values(capsys, db, tmp_path):
    first = write_csv(tmp_path / "first.csv", SNAPSHOTS)
    second = snapshots_file(
        tmp_path,
        ["2025-12", "530102001", "resident", "950", "310", "520"],
        ["2025-11", "530102001", "resident", "890", "300", "450"],
        name="second.csv",
    )
    assert import_(capsys, db, "snapshots", first)[0] == 0
    status, out, _ = import_(capsys, db, "snapshots", second)
    assert status == 0
    assert out == f"imported {second} as import 4: 2 snapshots row(s), 1 added, 1 replaced\nadded 1 row of 2025-11; replaced 1 row of 2025-12\n"
    assert snapshot_rows(db) == [
        ("2025-11", "530102001", "resident", 890, 300, 450),
        ("2025-12", "530102001", "employee", 800, 200, 550),
        ("2025-12", "530102001", "public", 100, 20, 80),
        ("2025-12", "530102001", "resident", 950, 310, 520),
        ("2025-12", "530102002", "resident", 1180, 300, 700),
    ]


def test_history_lists_imports_newest_first(capsys, db, tmp_path):
    assert import_(capsys, db, "snapshots", write_csv(tmp_path / "s.csv", SNAPSHOTS))[0] == 0
    status, out, err = run(capsys, "--db", db, "history")
    assert (status, err) == (0, "")
    header, *lines = out.splitlines()
    assert header.split() == ["id", "kind", "imported", "at", "rows", "added", "replaced", "source"]
    assert [line.split()[:2] for line in lines] == [["3", "snapshots"], ["2", "population"], ["1", "regions"]]
    assert lines[0].endswith(str(tmp_path / "s.csv"))
    assert [line.split()[-4:-1] for line in lines] == [["4", "4", "0"], ["2", "2", "0"], ["4", "4", "0"]]


def test_rollback_restores_replaced_values_exactly_and_removes_added_rows(capsys, db, tmp_path):
    assert import_(capsys, db, "snapshots", write_csv(tmp_path / "first.csv", SNAPSHOTS))[0] == 0
    before = dump(db)
    second = snapshots_file(
        tmp_path,
        ["2025-12", "530102001", "resident", "950", "310", "520"],
        ["2025-12", "530102002", "resident", "1190", "300", "710"],
        ["2025-11", "530102001", "resident", "890", "300", "450"],
        name="second.csv",
    )
    assert import_(capsys, db, "snapshots", second)[0] == 0
    status, out, err = run(capsys, "--db", db, "rollback", "4")
    assert (status, err) == (0, "")
    assert out == f"rolled back import 4 ({second}): 3 row(s) removed, 2 restored\n"
    after = dump(db)
    for table in ("regions", "region_closure", "population", "snapshots"):  # import ids included
        assert after[table] == before[table], table


def test_rollback_of_regions_restores_the_closure(capsys, db, tmp_path):
    before = dump(db)
    file = regions_file(tmp_path, ["530102", "五华区(新)", "county", "5301"], ["530103", "盘龙区", "county", "5301"])
    assert import_(capsys, db, "regions", file)[0] == 0
    assert run(capsys, "--db", db, "rollback", "3")[0] == 0
    after = dump(db)
    assert (after["regions"], after["region_closure"]) == (before["regions"], before["region_closure"])


def test_rolled_back_import_is_marked_in_history(capsys, db, tmp_path):
    assert import_(capsys, db, "snapshots", write_csv(tmp_path / "s.csv", SNAPSHOTS))[0] == 0
    assert run(capsys, "--db", db, "rollback", "3")[0] == 0
    out = run(capsys, "--db", db, "history")[1]
    rollback_entry, rolled_back = out.splitlines()[1:3]  # the rollback is itself in the history (issue 10, point 8)
    assert rollback_entry.split()[0] == "4" and rollback_entry.endswith("rollback of import 3 (" + str(tmp_path / "s.csv") + ")")
    assert rolled_back.split()[0] == "3" and "(rolled back " in rolled_back


def test_rollback_of_an_import_whose_rows_a_later_import_replaced_is_refused(capsys, db, tmp_path):
    first = write_csv(tmp_path / "first.csv", SNAPSHOTS)
    second = snapshots_file(tmp_path, ["2025-12", "530102001", "resident", "950", "310", "520"], name="second.csv")
    assert import_(capsys, db, "snapshots", first)[0] == 0
    assert import_(capsys, db, "snapshots", second)[0] == 0
    before = dump(db)
    status, out, err = run(capsys, "--db", db, "rollback", "3")
    assert (status, out) == (1, "")
    assert err == f"kuomian rollback: import 3 ({first}) has rows that later import(s) 4 replaced; roll those back first\n"
    assert dump(db) == before


def test_rollback_newest_first_then_the_earlier_one_is_allowed(capsys, db, tmp_path):
    before = dump(db)
    first = write_csv(tmp_path / "first.csv", SNAPSHOTS)
    second = snapshots_file(tmp_path, ["2025-12", "530102001", "resident", "950", "310", "520"], name="second.csv")
    assert import_(capsys, db, "snapshots", first)[0] == 0
    assert import_(capsys, db, "snapshots", second)[0] == 0
    assert run(capsys, "--db", db, "rollback", "4")[0] == 0
    assert run(capsys, "--db", db, "rollback", "3")[0] == 0
    assert dump(db)["snapshots"] == before["snapshots"] == []


def test_rollback_of_an_unknown_import_is_refused(capsys, db):
    before = dump(db)
    assert run(capsys, "--db", db, "rollback", "99") == (
        1,
        "",
        "kuomian rollback: there is no import 99 (see `kuomian history`)\n",
    )
    assert dump(db) == before


def test_rollback_twice_is_refused(capsys, db, tmp_path):
    file = write_csv(tmp_path / "s.csv", SNAPSHOTS)
    assert import_(capsys, db, "snapshots", file)[0] == 0
    assert run(capsys, "--db", db, "rollback", "3")[0] == 0
    before = dump(db)
    status, out, err = run(capsys, "--db", db, "rollback", "3")
    assert (status, out) == (1, "")
    assert err.startswith(f"kuomian rollback: import 3 ({file}) was already rolled back at ")
    assert dump(db) == before


def test_rollback_of_regions_still_in_use_is_refused(capsys, db, tmp_path):
    file = regions_file(tmp_path, ["530103", "盘龙区", "county", "5301"], ["530103001", "拓东街道", "township", "530103"])
    assert import_(capsys, db, "regions", file)[0] == 0
    uses = snapshots_file(tmp_path, ["2025-12", "530103001", "resident", "900", "300", "500"])
    assert import_(capsys, db, "snapshots", uses)[0] == 0
    before = dump(db)
    status, out, err = run(capsys, "--db", db, "rollback", "3")
    assert (status, out) == (1, "")
    assert err == (
        "kuomian rollback: import 3 added regions still in use (530103001); "
        "roll back the imports that use them first\n"
    )
    assert dump(db) == before


def test_population_reimport_and_rollback_round_trip(capsys, db, tmp_path):
    before = dump(db)
    file = write_csv(tmp_path / "population-2.csv", [POPULATION_HEADER, ["2025-12", "530102001", "2222"]])
    status, out, _ = import_(capsys, db, "population", file)
    assert (status, out) == (0, f"imported {file} as import 3: 1 population row(s), 0 added, 1 replaced\nreplaced 1 row of 2025-12\n")
    assert rows_of(db, "SELECT required FROM population WHERE region_code = '530102001'") == [(2222,)]
    assert run(capsys, "--db", db, "rollback", "3")[0] == 0
    assert dump(db)["population"] == before["population"]


def test_fixture_world_is_what_the_tests_assume(db):
    assert rows_of(db, "SELECT COUNT(*) FROM regions") == [(len(REGIONS) - 1,)]
    assert rows_of(db, "SELECT COUNT(*) FROM population") == [(len(POPULATION) - 1,)]
    assert rows_of(db, "SELECT import_id, kind FROM imports ORDER BY 1") == [(1, "regions"), (2, "population")]



def test_a_count_too_large_to_be_persons_is_refused_beside_a_negative_one(capsys, db, tmp_path):
    """-5 and 9223372036854775807 in one column: both refused, row by row, no crash."""
    file = snapshots_file(
        tmp_path,
        ["2025-12", "530102001", "employee", "-5", "0", "0"],
        ["2025-12", "530102001", "public", "9223372036854775807", "0", "0"],
    )
    assert refused(capsys, db, "snapshots", file) == [
        f"{file}:2: insured: -5 is negative",
        f"{file}:3: insured: 9223372036854775807 is too large",
    ]


def test_a_region_with_an_unreadable_level_that_has_children_in_the_database_is_refused_not_a_crash(capsys, db, tmp_path):
    file = write_csv(tmp_path / "regions.csv", [REGIONS[0], ["530102", "五华区", "???", "5301"]])
    problems = refused(capsys, db, "regions", file)
    assert problems and problems[0].startswith(f"{file}:2: level: '???' is not a level")


def test_rows_with_an_empty_key_cell_are_refused_for_it_not_as_duplicates(capsys, db, tmp_path):
    file = snapshots_file(
        tmp_path,
        ["2025-12", "530102001", "employee", "900", "100", "500"],
        ["2025-12", "", "public", "900", "100", "500"],
        ["2025-12", "530102002", "employee", "900", "100", "500"],
        ["2025-12", "", "public", "900", "100", "500"],
    )
    assert refused(capsys, db, "snapshots", file) == [f"{file}:3: region_code: is empty", f"{file}:5: region_code: is empty"]
