"""What each cell of an import file may hold, and what a file may not do to the database (issues 9 and 10).

Every test goes through the real import path (``kuomian import`` on a small world built in tmp_path) and
asserts the exact message or the exact rows. Today is pinned to 2026-12-01 (``KUOMIAN_TODAY``), so
2026-12 is the latest month a file may hold.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data import checks
from data.db import connect
from data.importer import KINDS, ImportResult, Problem, check
from data.store import write
from metrics.registry import POOL_GROUPS, category_names
from tests.fixtures_data import dump, make_world, rows_of, run, snapshot_rows

SNAPSHOTS_HEADER = ["period", "region_code", "scheme", "insured", "receiving", "paid"]
ZH_SNAPSHOTS_HEADER = ["统计期", "区划代码", "险种", "参保人数", "领取待遇人数", "实际缴费人数"]
POPULATION_HEADER = ["period", "region_code", "required"]
POOL_HEADER = ["period", "region_code", "group", "identified", "enrolled_employee", "enrolled_resident"]
ACTIONS_HEADER = ["period", "region_code", "action", "enrolled"]
REGIONS_HEADER = ["code", "name", "level", "parent_code"]


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("KUOMIAN_TODAY", "2026-12-01")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """昆明市 5301 > 五华区 530102 > 华山街道 530102001, 护国街道 530102002; population 2025-12 2000, 3000."""
    return make_world(tmp_path)


def csv_file(path: Path, header, *rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def imported(capsys, db: Path, kind: str, file: Path) -> tuple[str, str]:
    status, out, err = run(capsys, "--db", db, "import", kind, file)
    assert status == 0, err
    return out, err


def refused(capsys, db: Path, kind: str, file: Path) -> list[str]:
    """A file that must be refused: exit 1, nothing printed on stdout, the database exactly as before."""
    before = dump(db)
    status, out, err = run(capsys, "--db", db, "import", kind, file)
    assert (status, out) == (1, "")
    assert dump(db) == before
    lines = err.splitlines()
    assert lines[-1] == f"{file}: refused, {len(lines) - 1} problem(s); nothing was imported"
    return lines[:-1]


def snapshot(tmp_path: Path, *rows, name="snapshots.csv") -> Path:
    return csv_file(tmp_path / name, SNAPSHOTS_HEADER, *rows)


def resident(period: str, code: str = "530102001", insured="900", receiving="300", paid="500") -> list[str]:
    return [period, code, "resident", insured, receiving, paid]


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    "written",
    [
        "2026-11", "2026-11-30", "2026/11", "2026/11/30", "2026年11月", "2026年11月30日", "202611", "20261130",
        "2026-11-30 00:00:00", "２０２６－１１", "2026 年 11 月",
    ],
)
def test_period_is_read_in_every_form_offices_write(capsys, db, tmp_path, written):
    imported(capsys, db, "snapshots", snapshot(tmp_path, resident(written)))
    assert snapshot_rows(db) == [("2026-11", "530102001", "resident", 900, 300, 500)]


@pytest.mark.parametrize("written", ["2025", "2025年"])
def test_population_year_alone_means_its_december(capsys, db, tmp_path, written):
    file = csv_file(tmp_path / "population.csv", POPULATION_HEADER, [written, "530102001", "2100"])
    imported(capsys, db, "population", file)
    assert rows_of(db, "SELECT period, region_code, required FROM population WHERE region_code = '530102001'") == [
        (12 * 2025 + 12, "530102001", 2100)
    ]


def test_year_alone_is_not_a_month_of_snapshots(capsys, db, tmp_path):
    file = snapshot(tmp_path, resident("2025年"))
    assert refused(capsys, db, "snapshots", file) == [
        f"{file}:2: period: '2025年' is a year, not a month (YYYY-MM, YYYY-MM-DD, YYYY/MM or YYYY年MM月)"
    ]


@pytest.mark.parametrize("written", ["2026.1", "2026.10", "2026.11"])
def test_period_typed_as_a_number_is_refused(capsys, db, tmp_path, written):
    file = snapshot(tmp_path, resident(written))
    assert refused(capsys, db, "snapshots", file) == [
        f"{file}:2: period: '{written}' is a number, not a month (Excel turns 2026.10 into 2026.1);"
        " type the month as text, e.g. 2026-10"
    ]


def test_period_given_as_an_excel_date_serial_number_is_refused(capsys, db, tmp_path):
    file = snapshot(tmp_path, resident("46326"))
    assert refused(capsys, db, "snapshots", file) == [
        f"{file}:2: period: '46326' is a number, not a month (it looks like an Excel date serial number);"
        " type the month as text, e.g. 2026-11"
    ]


@pytest.mark.parametrize(
    "written, reason",
    [
        ("2025-02-30", "'2025-02-30' is not a date: 2025-02 has 28 days"),
        ("2024-02-30", "'2024-02-30' is not a date: 2024-02 has 29 days"),
        ("2025-12-32", "'2025-12-32' is not a date: 2025-12 has 31 days"),
        ("2025年11月31日", "'2025年11月31日' is not a date: 2025-11 has 30 days"),
        ("2025-13", "'2025-13' has no month 13 (months are 1 to 12)"),
        ("0000-01", "'0000-01' is not a month of this campaign (year 0); check the year"),
        ("0201-11", "'0201-11' is not a month of this campaign (year 201); check the year"),
    ],
)
def test_date_that_does_not_exist_is_refused(capsys, db, tmp_path, written, reason):
    file = snapshot(tmp_path, resident(written))
    assert refused(capsys, db, "snapshots", file) == [f"{file}:2: period: {reason}"]


@pytest.mark.parametrize("written", ["2027-01", "2062-11", "9999-12"])
def test_month_after_the_current_month_is_refused(capsys, db, tmp_path, written):
    file = snapshot(tmp_path, resident(written))
    assert refused(capsys, db, "snapshots", file) == [
        f"{file}:2: period: '{written}' is after the current month (2026-12); figures stand at a month's end"
    ]


def test_the_current_month_is_the_latest_accepted(capsys, db, tmp_path):
    imported(capsys, db, "snapshots", snapshot(tmp_path, resident("2026-12")))
    assert snapshot_rows(db) == [("2026-12", "530102001", "resident", 900, 300, 500)]


def test_today_is_read_from_kuomian_today(capsys, db, tmp_path, monkeypatch):
    monkeypatch.setenv("KUOMIAN_TODAY", "2027-02-01")
    imported(capsys, db, "snapshots", snapshot(tmp_path, resident("2027-01")))
    assert snapshot_rows(db) == [("2027-01", "530102001", "resident", 900, 300, 500)]


def test_month_long_before_the_campaign_is_accepted_with_a_warning(capsys, db, tmp_path):
    file = snapshot(tmp_path, resident("2013-12"), resident("2013-12", "530102002"))
    out, err = imported(capsys, db, "snapshots", file)
    assert err == f"warning: {file}:2: period: '2013-12' (2013-12) is before the campaign (2014-01); accepted, check the year\n"
    assert len(snapshot_rows(db)) == 2


# --------------------------------------------------------------------------- region codes


@pytest.mark.parametrize(
    "written",
    ["５３０１０２００１", "٥٣٠١٠٢٠٠١", "530102001.0", "530 102 001", "530102001000"],
    ids=["full-width", "arabic-indic", "number", "spaces", "padded"],
)
def test_region_code_is_normalised_before_it_is_checked(capsys, db, tmp_path, written):
    imported(capsys, db, "snapshots", snapshot(tmp_path, resident("2026-11", written)))
    assert snapshot_rows(db) == [("2026-11", "530102001", "resident", 900, 300, 500)]


@pytest.mark.parametrize(
    "written, stored",
    [("530102001000", "530102001"), ("530102000000", "530102"), ("530100000000", "5301"), ("530100", "5301"),
     ("530102000", "530102")],
)
def test_padded_statistical_code_resolves_to_the_region_the_database_knows(capsys, db, tmp_path, written, stored):
    file = csv_file(tmp_path / "population.csv", POPULATION_HEADER, ["2026-11", written, "7000"])
    imported(capsys, db, "population", file)
    assert rows_of(db, "SELECT region_code, required FROM population WHERE period = ?", [12 * 2026 + 11]) == [(stored, 7000)]


def test_padded_code_and_its_short_form_are_the_same_key(capsys, db, tmp_path):
    file = snapshot(tmp_path, resident("2026-11", "530102001"), resident("2026-11", "530102001000"))
    assert refused(capsys, db, "snapshots", file) == [
        f"{file}:3: period+region_code+scheme: 2026-11 / 530102001 / resident already appears in row 2"
    ]


@pytest.mark.parametrize("written", ["53010200１X", "530102-001", "5301020011234"])
def test_code_with_anything_but_digits_is_refused(capsys, db, tmp_path, written):
    file = snapshot(tmp_path, resident("2026-11", written))
    assert refused(capsys, db, "snapshots", file) == [f"{file}:2: region_code: '{written}' is not a region code (2 to 12 digits)"]


def test_code_with_a_control_character_is_refused(db):
    table = pd.DataFrame([[2, "2026-11", "530102\x00001", "resident", "900", "300", "500"]], columns=["_row", *SNAPSHOTS_HEADER])
    with connect(db) as con:
        checked = check(con, KINDS["snapshots"], table, "s.csv")
    assert [p.render("s.csv") for p in checked.problems] == [
        "s.csv:2: region_code: '530102\\x00001' holds a control character (U+0000); type the code again"
    ]


def test_region_code_in_full_width_digits_enters_the_regions_table_in_ascii(capsys, db, tmp_path):
    file = csv_file(tmp_path / "regions.csv", REGIONS_HEADER, ["５３０１０３", "盘龙区", "county", "５３０１"])
    imported(capsys, db, "regions", file)
    assert rows_of(db, "SELECT code, parent_code FROM regions WHERE name = '盘龙区'") == [("530103", "5301")]


def test_region_name_with_a_control_character_is_refused(db):
    table = pd.DataFrame([[2, "530103", "盘龙\x00区", "county", "5301"]], columns=["_row", *REGIONS_HEADER])
    with connect(db) as con:
        checked = check(con, KINDS["regions"], table, "r.csv")
    assert [p.render("r.csv") for p in checked.problems] == [
        "r.csv:2: name: '盘龙\\x00区' holds a control character; type the name again"
    ]


# --------------------------------------------------------------------------- counts


@pytest.mark.parametrize(
    "written, reason",
    [
        ("1e3", "'1e3' is not a whole number (write a count in the digits 0-9, e.g. 1234 or 1,234)"),
        ("0x10", "'0x10' is not a whole number (write a count in the digits 0-9, e.g. 1234 or 1,234)"),
        ("١٢", "'١٢' is not a whole number (write a count in the digits 0-9, e.g. 1234 or 1,234)"),
        ("+5", "'+5' is not a whole number (write a count in the digits 0-9, e.g. 1234 or 1,234)"),
        ("1 234", "'1 234' is not a whole number (write a count in the digits 0-9, e.g. 1234 or 1,234)"),
        ("12,34", "'12,34' is not a whole number (write a count in the digits 0-9, e.g. 1234 or 1,234)"),
        ("5.0", "'5.0' is not a whole number written in digits (a count has no decimal point: write 5)"),
        ("12.5", "'12.5' is not a whole number"),
        ("-5", "-5 is negative"),
        ("1000000000000000", "1000000000000000 is too large"),
    ],
)
def test_count_is_written_in_the_digits_0_to_9_only(capsys, db, tmp_path, written, reason):
    file = snapshot(tmp_path, resident("2026-11", paid=written))
    assert refused(capsys, db, "snapshots", file) == [f"{file}:2: paid: {reason}"]


@pytest.mark.parametrize("written, value", [("1,234", 1234), ("１２３", 123), (" 5 ", 5)])
def test_count_with_thousands_separators_or_full_width_digits_is_read(capsys, db, tmp_path, written, value):
    imported(capsys, db, "snapshots", snapshot(tmp_path, resident("2026-11", insured="2000", paid=written)))
    assert snapshot_rows(db) == [("2026-11", "530102001", "resident", 2000, 300, value)]


# --------------------------------------------------------------------------- schemes, groups, actions


@pytest.mark.parametrize(
    "written, scheme",
    [
        ("企业职工基本养老保险", "employee"),
        ("城镇企业职工基本养老保险", "employee"),
        ("企保", "employee"),
        ("机关事业单位基本养老保险", "public"),
        ("机关事业单位工作人员基本养老保险", "public"),
        ("机保", "public"),
        ("城乡居民基本养老保险", "resident"),
        ("居保", "resident"),
        ("城乡 居民", "resident"),
        ("Resident", "resident"),
    ],
)
def test_scheme_full_and_short_names_are_read(capsys, db, tmp_path, written, scheme):
    imported(capsys, db, "snapshots", snapshot(tmp_path, ["2026-11", "530102001", written, "900", "300", "500"]))
    assert snapshot_rows(db) == [("2026-11", "530102001", scheme, 900, 300, 500)]


@pytest.mark.parametrize(
    "written, group",
    [
        ("（一）个体工商户…", 1),
        ("(一)个体工商户、小微企业等纳税正常但未参保的市场主体", 1),
        ("第四类", 4),
        ("4类", 4),
        ("（四）新就业形态劳动者：网约车司机、快递员、外卖骑手、同城货运司机", 4),
        ("七、缴费困难群体", 7),
        (" 8 ", 8),
    ],
)
def test_pool_group_labels_offices_write_are_read(capsys, db, tmp_path, written, group):
    file = csv_file(tmp_path / "pool.csv", POOL_HEADER, ["2026-11", "530102001", written, "100", "20", "10"])
    imported(capsys, db, "pool", file)
    assert rows_of(db, "SELECT group_id FROM pool") == [(group,)]


@pytest.mark.parametrize(
    "written, action",
    [("六是政府帮扶兜底一批", 6), ("一、精准宣传动员一批", 1), ("（三）强化执法扩面一批", 3), ("第2项", None)],
)
def test_action_labels_offices_write_are_read(capsys, db, tmp_path, written, action):
    file = csv_file(tmp_path / "actions.csv", ACTIONS_HEADER, ["2026-11", "530102001", written, "40"])
    if action is None:
        assert refused(capsys, db, "actions", file) == [
            f"{file}:2: action: '第2项' is not an action (1 to 6, or its name, e.g. 1 or 精准宣传动员一批)"
        ]
    else:
        imported(capsys, db, "actions", file)
        assert rows_of(db, "SELECT action_id FROM actions") == [(action,)]


def test_group_whose_number_and_name_disagree_is_refused(capsys, db, tmp_path):
    file = csv_file(tmp_path / "pool.csv", POOL_HEADER, ["2026-11", "530102001", "（三）个体工商户…", "100", "20", "10"])
    assert refused(capsys, db, "pool", file) == [
        f"{file}:2: group: '（三）个体工商户…' is numbered 3 but names a group 1; correct one of them"
    ]


# --------------------------------------------------------------------------- one scheme, one level


def test_total_row_with_the_county_code_is_refused_naming_both_rows(capsys, db, tmp_path):
    """The shape of total_row_with_county_code.xlsx: the townships' rows, then 合计 rows carrying 530102."""
    file = csv_file(
        tmp_path / "total.csv",
        ZH_SNAPSHOTS_HEADER,
        ["2026-11", "530102001", "企业职工", "800", "200", "550"],
        ["2026-11", "530102001", "城乡居民", "900", "300", "500"],
        ["2026-11", "530102002", "城乡居民", "1100", "300", "700"],
        ["2026-11", "530102", "企业职工", "800", "200", "550"],
        ["2026-11", "530102", "城乡居民", "2000", "600", "1200"],
    )
    assert refused(capsys, db, "snapshots", file) == [
        f"{file}:5: region_code: 530102 (五华区) holds employee for 2026-11 and so does its descendant 530102001 (华山街道)"
        " in row 2: a scheme is reported at one level of a subtree only, or its persons count twice;"
        " remove the total row or the rows below it",
        f"{file}:6: region_code: 530102 (五华区) holds resident for 2026-11 and so do its descendants 530102001 (华山街道)"
        " in row 3, 530102002 (护国街道) in row 4: a scheme is reported at one level of a subtree only, or its persons"
        " count twice; remove the total row or the rows below it",
    ]


def test_row_below_a_region_holding_the_scheme_in_the_database_is_refused_naming_its_import(capsys, db, tmp_path):
    imported(capsys, db, "snapshots", snapshot(tmp_path, resident("2026-11", "530102", "3000", "600", "1200"), name="county.csv"))
    file = snapshot(tmp_path, resident("2026-11", "530102002"), name="township.csv")
    assert refused(capsys, db, "snapshots", file) == [
        f"{file}:2: region_code: 530102002 (护国街道) holds resident for 2026-11 and so does its ancestor 530102 (五华区)"
        " in the database (import 3): a scheme is reported at one level of a subtree only, or its persons count twice;"
        " roll back that import or leave these rows out"
    ]


def test_county_employee_beside_township_resident_is_not_double_counting(capsys, db, tmp_path):
    file = snapshot(tmp_path, ["2026-11", "530102", "employee", "800", "200", "550"], resident("2026-11", "530102001"))
    imported(capsys, db, "snapshots", file)
    assert len(snapshot_rows(db)) == 2


def test_reimporting_the_same_townships_is_not_double_counting(capsys, db, tmp_path):
    file = snapshot(tmp_path, resident("2026-11", "530102001"), resident("2026-11", "530102002"))
    imported(capsys, db, "snapshots", file)
    out, _ = imported(capsys, db, "snapshots", file)
    assert out.endswith("replaced 2 rows of 2026-11\n")


def test_same_group_at_two_levels_of_the_pool_is_refused(capsys, db, tmp_path):
    file = csv_file(
        tmp_path / "pool.csv", POOL_HEADER, ["2026-11", "530102001", "4", "100", "20", "10"], ["2026-11", "530102", "4", "100", "20", "10"]
    )
    assert refused(capsys, db, "pool", file) == [
        f"{file}:3: region_code: 530102 (五华区) holds group 4 for 2026-11 and so does its descendant 530102001 (华山街道)"
        " in row 2: a scheme is reported at one level of a subtree only, or its persons count twice;"
        " remove the total row or the rows below it"
    ]


def test_subtree_whose_insured_exceed_its_required_is_warned_after_the_import_lands(capsys, db, tmp_path):
    imported(capsys, db, "population", csv_file(tmp_path / "population.csv", POPULATION_HEADER, ["2025-12", "530102", "4000"]))
    imported(capsys, db, "snapshots", snapshot(tmp_path, resident("2026-11", "530102001", "1900", "300", "500"), name="a.csv"))
    # Each township stays below its own required persons; together they pass the county's 4000.
    file = snapshot(tmp_path, resident("2026-11", "530102002", "2500", "300", "500"), name="b.csv")
    _, err = imported(capsys, db, "snapshots", file)
    assert err == (
        f"warning: {file}:2: insured: 530102 (五华区) at 2026-11: 4400 insured in all schemes in its subtree is more than"
        " the 4000 required (2025-12); accepted, check for rows counted twice\n"
    )


# --------------------------------------------------------------------------- names that disagree with codes


def test_name_that_disagrees_with_the_code_is_refused(capsys, db, tmp_path):
    file = csv_file(
        tmp_path / "named.csv",
        [*ZH_SNAPSHOTS_HEADER, "区划名称"],
        ["2026-11", "530102001", "城乡居民", "900", "300", "500", "华山 街道"],
        ["2026-11", "530102002", "城乡居民", "900", "300", "500", "华山街道"],
    )
    assert refused(capsys, db, "snapshots", file) == [
        f"{file}:3: region_name: '华山街道' is not the name of 530102002 (the database has 护国街道); check the code or the name"
    ]


def test_name_that_agrees_with_the_code_after_normalising_is_accepted(capsys, db, tmp_path):
    file = csv_file(
        tmp_path / "named.csv", [*ZH_SNAPSHOTS_HEADER, "区划名称"], ["2026-11", "530102001000", "城乡居民", "900", "300", "500", " 华山　街道 "]
    )
    imported(capsys, db, "snapshots", file)
    assert snapshot_rows(db) == [("2026-11", "530102001", "resident", 900, 300, 500)]


# --------------------------------------------------------------------------- messages and summary


def test_problem_renders_in_chinese_with_the_field_named_as_the_chinese_header(db):
    table = pd.DataFrame([[2, "2026.1", "530102001", "居保", "900", "1e3", "500"]], columns=["_row", *SNAPSHOTS_HEADER])
    with connect(db) as con:
        checked = check(con, KINDS["snapshots"], table, "乡镇.csv")
    assert [p.render("乡镇.csv", "zh") for p in checked.problems] == [
        "乡镇.csv:2: 统计期: “2026.1”是数字而不是月份（Excel 会把 2026.10 变成 2026.1），请以文本输入月份，如 2026-10",
        "乡镇.csv:2: 领取待遇人数: “1e3”不是整数（人数应以数字0-9书写，如 1234 或 1,234）",
    ]
    assert [p.render("乡镇.csv") for p in checked.problems][1] == (
        "乡镇.csv:2: receiving: '1e3' is not a whole number (write a count in the digits 0-9, e.g. 1234 or 1,234)"
    )


def test_problem_without_a_chinese_reason_renders_its_english_one():
    assert Problem(3, "header+file", "odd").render("a.csv", "zh") == "a.csv:3: 表头+文件: odd"


def test_import_summary_names_the_months_it_added_and_replaced(capsys, db, tmp_path):
    imported(capsys, db, "snapshots", snapshot(tmp_path, resident("2026-01"), resident("2026-01", "530102002"), name="jan.csv"))
    file = snapshot(tmp_path, resident("2026-01"), resident("2026-01", "530102002"), resident("2026-02"), name="again.csv")
    out, _ = imported(capsys, db, "snapshots", file)
    assert out.splitlines()[1] == "added 1 row of 2026-02; replaced 2 rows of 2026-01"


def test_import_summary_gives_many_months_as_a_span_in_either_language():
    months = tuple((12 * 2026 + m, 48, 0) for m in range(1, 9)) + ((12 * 2025 + 12, 0, 48),)
    result = ImportResult(7, "snapshots", "s.csv", 432, 384, 48, months=months)
    assert result.summary() == "added 384 rows of 8 months from 2026-01 to 2026-08; replaced 48 rows of 2025-12"
    assert result.summary("zh") == "新增 2026-01 至 2026-08 共 8 个月的 384 行；替换 2025-12 的 48 行"


def test_check_then_write_lands_the_normalised_rows(db):
    table = pd.DataFrame([[2, "２０２６年１１月", "５３０１０２００１０００", "居保", "1,900", "300", "500"]], columns=["_row", *SNAPSHOTS_HEADER])
    with connect(db, write=True) as con:
        result = write(con, check(con, KINDS["snapshots"], table, "s.csv"))
    assert result.summary() == "added 1 row of 2026-11"
    assert snapshot_rows(db) == [("2026-11", "530102001", "resident", 1900, 300, 500)]


# --------------------------------------------------------------------------- any text at all

ANY_TEXT = st.text(max_size=30) | st.from_regex(r"[0-9０-９٠-٩ .,\-+年月日/:]{0,20}", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_any_cell_gives_a_value_or_a_reason_in_both_languages_never_an_error(text):
    """Whatever a hostile file holds, each parser answers with a value or a refusal in English and Chinese;
    a code that is accepted is ASCII digits only, a count a whole number at least 0 (issue 10 points 2, 8)."""
    names = category_names(POOL_GROUPS)
    results = [
        checks.parse_period(text),
        checks.parse_period(text, year_alone=True),
        checks.parse_scheme(text),
        checks.parse_category(text, names, 8, "a group", "群体", "4"),
    ]
    code, count = checks.parse_code(text), checks.parse_count(text)
    for result in (*results, code, count):
        if isinstance(result, checks.Refusal):
            assert result.en and result.zh
    if not isinstance(code, checks.Refusal):
        assert code.isascii() and code.isdigit() and 2 <= len(code) <= 12
    if not isinstance(count, checks.Refusal):
        assert isinstance(count, int) and 0 <= count <= checks.LARGEST_COUNT


@settings(max_examples=200, deadline=None)
@given(st.integers(1950, 9999), st.integers(1, 12), st.integers(1, 31))
def test_a_real_date_gives_its_month_and_an_impossible_one_a_reason(year, month, day):
    result = checks.parse_period(f"{year:04d}-{month:02d}-{day:02d}")
    try:
        datetime.date(year, month, day)
    except ValueError:
        assert isinstance(result, checks.Refusal) and "is not a date" in result.en
    else:
        assert result == 12 * year + month


def test_double_counting_is_reported_beside_the_other_problems_of_the_file(capsys, db, tmp_path):
    file = snapshot(
        tmp_path, resident("2026-11", "530102001"), resident("2026.1", "530102002"), resident("2026-11", "530102", "5000", "600", "1200")
    )
    assert refused(capsys, db, "snapshots", file) == [
        f"{file}:3: period: '2026.1' is a number, not a month (Excel turns 2026.10 into 2026.1); type the month as text, e.g. 2026-10",
        f"{file}:4: region_code: 530102 (五华区) holds resident for 2026-11 and so does its descendant 530102001 (华山街道)"
        " in row 2: a scheme is reported at one level of a subtree only, or its persons count twice;"
        " remove the total row or the rows below it",
    ]


@pytest.mark.parametrize("written", ["开发区", "功能区", "经开区", "高新区", "County", " 县 级 "])
def test_county_level_zones_are_county_level_regions(capsys, db, tmp_path, written):
    file = csv_file(tmp_path / "regions.csv", REGIONS_HEADER, ["530171", "昆明经开区", written, "5301"])
    imported(capsys, db, "regions", file)
    assert rows_of(db, "SELECT level, parent_code FROM regions WHERE code = '530171'") == [("county", "5301")]


def test_population_below_the_insured_of_its_subtree_is_warned_after_the_import_lands(capsys, db, tmp_path):
    file = snapshot(tmp_path, resident("2026-10", "530102001", "1500", "300", "500"), resident("2026-11", "530102002", "2600", "300", "500"))
    imported(capsys, db, "snapshots", file)
    population = csv_file(tmp_path / "population.csv", POPULATION_HEADER, ["2026", "530102", "4000"], ["2026-10", "530102001", "1400"])
    _, err = imported(capsys, db, "population", population)
    assert err == (  # the county's row beside its townships' also warns (two levels: tests/test_population_warnings.py)
        f"warning: {population}:2: region_code: 530102 (五华区) row 2 and 2 population row(s) of its descendants"
        " (530102001 (华山街道) row 3, 530102002 (护国街道) in the database (2025-12)) both count from 2026-12: the"
        " required persons of 530102 and of every region above it add both, counting the same persons twice;"
        " accepted, keep one level (remove the total row, or the rows below it)\n"
        f"warning: {population}:3: required: 530102001 (华山街道): 1400 required is less than the 1500 insured in all"
        " schemes in its subtree at 2026-10; accepted, check the figure\n"
    )


# --------------------------------------------------------------------------- files without a data row


NO_ROWS = (
    "file: has no data rows under its header (an unfilled template, or only total and footer lines);"
    " fill in the rows and import it again"
)


def test_a_file_with_a_header_and_no_data_row_is_refused_not_imported_as_zero_rows(capsys, db, tmp_path):
    file = snapshot(tmp_path)
    assert refused(capsys, db, "snapshots", file) == [f"{file}:1: {NO_ROWS}"]


def test_a_file_whose_only_row_is_a_total_is_refused_not_imported_as_zero_rows(capsys, db, tmp_path):
    file = snapshot(tmp_path, ["合计", "", "", "900", "300", "500"])
    assert refused(capsys, db, "snapshots", file) == [f"{file}:1: {NO_ROWS}"]
