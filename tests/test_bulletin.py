"""季度通报 The quarterly bulletin: the office's workbook, and who it praises and names by the targets file's rules.

The office writes `kuomian bulletin --quarter 2025Q4 --out 2025Q4.xlsx` and sends the workbook on: one
league sheet per metric at 2025-12 with rank changes against 2025-09, a sheet praising and naming
regions by the rules of `config/targets.yaml`, and the definitions. A region whose name starts with
``=`` must show as text in Excel, never run as a formula.
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pandas as pd
import pytest
from openpyxl import load_workbook

from cli.main import load_targets, main
from data.db import connect
from data.report import metrics_report
from data.store import import_file
from exports.bulletin import display_width, sheet_name, workbook_bytes
from exports.source import bulletin_from_connection
from present.texts import Texts
from metrics.bulletin import latest_quarter_end, parse_quarter, praise_and_name, quarter_months, quarter_of
from metrics.periods import PeriodError
from metrics.periods import month_index as m
from metrics.targets import BulletinRules, NameRule, PraiseRule
from present.charts import STATUS_COLORS

ROOT = Path(__file__).resolve().parent.parent
CITY = "5303"
QILIN = "530302"  # 麒麟区, renamed to a formula in the injection test
SHEETS = ["参保率", "职工养老保险占比", "缴费率", "表扬与通报", "报送及时率", "指标口径"]  # 报送及时率: issue 13 point 2
INJECTION = '=HYPERLINK("http://example.com/x","点我")'


# --------------------------------------------------------------------------- quarters


@pytest.mark.parametrize(("text", "expected"), [("2025Q4", (2025, 4)), ("2026q1", (2026, 1)), ("2025-Q3", (2025, 3))])
def test_a_quarter_is_written_year_q_number(text, expected):
    assert parse_quarter(text) == expected


@pytest.mark.parametrize("text", ["2025Q5", "2025Q0", "Q4 2025", "2025-12", ""])
def test_anything_else_is_not_a_quarter(text):
    with pytest.raises(PeriodError):
        parse_quarter(text)


def test_the_bulletin_stands_at_the_quarters_last_month_against_the_previous_quarters():
    assert quarter_months("2025Q4") == (m("2025-12"), m("2025-09"))
    assert quarter_months("2026Q1") == (m("2026-03"), m("2025-12"))
    assert quarter_of(m("2026-10")) == (2026, 4)
    assert latest_quarter_end(m("2026-10")) == m("2026-09")
    assert latest_quarter_end(m("2026-12")) == m("2026-12")


# --------------------------------------------------------------------------- who is praised and named


def rows(**regions: tuple[float | None, str | None, int | None, int | None]) -> pd.DataFrame:
    """region -> (value, status, rank, rank_change)."""
    return pd.DataFrame(
        {
            "region_code": list(regions),
            "region_name": [f"name-{r}" for r in regions],
            "value": [v[0] for v in regions.values()],
            "target": 0.95,
            "status": [v[1] for v in regions.values()],
            "rank": pd.array([v[2] for v in regions.values()], dtype="Int64"),
            "rank_change": pd.array([v[3] for v in regions.values()], dtype="Int64"),
        }
    )


LEAGUE = rows(
    a=(0.97, "achieved", 1, 0),
    b=(0.96, "achieved", 2, 3),
    c=(0.96, "achieved", 2, -1),
    d=(0.95, "achieved", 4, 5),
    e=(0.94, "on_track", 5, 2),
    f=(0.92, "behind", 6, -4),
    g=(0.90, "off_track", 7, -4),
    h=(0.89, "off_track", 8, 0),
    i=(None, None, None, None),
)


def picked(chosen: pd.DataFrame, reason: str) -> list[str]:
    return chosen[chosen["reason"] == reason]["region_code"].tolist()


def test_the_default_rules_praise_the_best_achievers_and_climbers_and_name_the_laggards_and_fallers():
    chosen = praise_and_name(LEAGUE, BulletinRules())
    assert picked(chosen, "top") == ["a", "b", "c"]  # equal values by code
    assert picked(chosen, "most_improved") == ["d", "b", "e"]
    assert picked(chosen, "bottom") == ["h", "g"]  # only two are off track
    assert picked(chosen, "fallen_furthest") == ["g", "f", "c"]  # equal falls: the worse rank first
    assert set(chosen[chosen["reason"].isin(["top", "most_improved"])]["kind"]) == {"praise"}
    assert set(chosen[chosen["reason"].isin(["bottom", "fallen_furthest"])]["kind"]) == {"name"}


def test_the_rules_in_the_targets_file_change_who_is_listed():
    rules = BulletinRules(
        praise=PraiseRule(statuses=("achieved", "on_track"), top=5, most_improved=0),
        name=NameRule(statuses=("behind", "off_track"), bottom=1, fallen_furthest=1),
    )
    chosen = praise_and_name(LEAGUE, rules)
    assert picked(chosen, "top") == ["a", "b", "c", "d", "e"]
    assert picked(chosen, "most_improved") == []
    assert picked(chosen, "bottom") == ["h"]
    assert picked(chosen, "fallen_furthest") == ["g"]


def test_regions_without_a_value_are_never_praised_or_named():
    chosen = praise_and_name(LEAGUE, BulletinRules(praise=PraiseRule(statuses=("achieved", "on_track", "behind", "off_track"), top=50)))
    assert "i" not in set(chosen["region_code"])
    assert praise_and_name(LEAGUE.head(0), BulletinRules()).empty


def test_a_region_that_is_not_comparable_is_neither_praised_nor_named():
    """Issue 8: a township whose county reports its employee schemes has honest but partial figures."""
    league = rows(
        a=(0.99, "achieved", None, None),  # not comparable: the best value, yet no rank
        b=(0.96, "achieved", 1, 1),
        c=(0.60, "off_track", None, None),  # not comparable: the worst value
        d=(0.90, "off_track", 2, -1),
    ).assign(comparable=[False, True, False, True])
    chosen = praise_and_name(league, BulletinRules())
    assert picked(chosen, "top") == ["b"]
    assert picked(chosen, "bottom") == ["d"]
    assert not {"a", "c"} & set(chosen["region_code"])


def test_xuanwei_townships_are_not_praised_or_named_in_the_demo_bulletin(demo_db):
    """宣威市 (530381) reports its employee schemes itself: none of its townships is praised or named
    for coverage or employee share, and each is listed unranked."""
    targets = load_targets(ROOT / "config" / "targets.yaml")
    with connect(demo_db) as con:
        report = metrics_report(con, targets, m("2026-09"), level="township", root=CITY)
    for metric in ("coverage_rate", "employee_share"):
        league = report[report["metric"] == metric]
        xuanwei = league[league["region_code"].str.startswith("530381")]
        assert len(xuanwei) > 0 and not xuanwei["comparable"].any() and xuanwei["rank"].isna().all()
        chosen = praise_and_name(league, targets.bulletin)
        assert not chosen["region_code"].str.startswith("530381").any()


# --------------------------------------------------------------------------- the workbook


@pytest.fixture(scope="module")
def demo_db(demo_copy) -> Path:
    path = demo_copy("bulletin")
    return path


@pytest.fixture(scope="module")
def targets():
    return load_targets(ROOT / "config" / "targets.yaml")


@pytest.fixture(scope="module")
def bulletin(demo_db, targets):
    with connect(demo_db) as con:
        return bulletin_from_connection(con, targets, CITY, 2025, 4)


@pytest.fixture(scope="module")
def book(bulletin, tmp_path_factory):
    path = tmp_path_factory.mktemp("book") / "2025Q4.xlsx"
    path.write_bytes(workbook_bytes(bulletin, Texts("zh")))
    return load_workbook(path)


def league_rows(sheet) -> list[tuple]:
    return [row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0] is not None or row[2]]


def test_the_workbook_has_a_sheet_per_metric_then_praise_and_naming_then_definitions(book):
    assert book.sheetnames == SHEETS


def test_each_league_sheet_is_titled_with_a_bold_frozen_header_and_a_filter(book):
    sheet = book["参保率"]
    assert sheet["A1"].value == "曲靖市 县（市、区）参保率排名 · 2025 年第 4 季度（2025-12，名次变化对比 2025-09）"
    assert [c.value for c in sheet[3]] == ["排名", "名次变化", "区划代码", "地区", "参保率", "目标", "目标期限", "差距（百分点）", "差距（人）", "状态", "说明"]
    assert all(c.font.bold for c in sheet[3])
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref.startswith("A3:K")


def test_the_league_is_the_reports_ranking_with_rank_changes_against_the_previous_quarter(book, demo_db, targets):
    with connect(demo_db) as con:
        report = metrics_report(con, targets, m("2025-12"), level="county", root=CITY, metrics=["coverage_rate"], compare_to=m("2025-09"))
    expected = report.sort_values(["rank", "region_code"]).set_index("region_code")
    table = league_rows(book["参保率"])
    reference, ranked = table[0], table[1:]
    assert reference[2] == CITY and reference[3].startswith("曲靖市") and reference[0] in (None, "")
    assert [r[2] for r in ranked] == expected.index.tolist()
    for row in ranked:
        truth = expected.loc[row[2]]
        assert row[0] == truth["rank"] and row[1] == truth["rank_change"]
        assert row[4] == pytest.approx(truth["value"]) and row[5] == pytest.approx(truth["target"])
        assert row[7] == pytest.approx(truth["gap_pp"] * 100) and row[8] == truth["gap_persons"]


def test_rates_are_percent_numbers_with_the_digits_that_matter_and_rank_changes_are_arrows(book):
    sheet = book["参保率"]
    for row in sheet.iter_rows(min_row=5):
        value, target = row[4].value, row[5].value
        assert row[4].number_format.endswith("%")
        decimals = len(row[4].number_format.split(".")[1]) - 1 if "." in row[4].number_format else 0
        shown = round(value * 100, decimals) / 100
        assert (shown >= target) == (value >= target - 1e-9)  # 94.96% never shows as 95.0%
        assert "▲" in row[1].number_format and "▼" in row[1].number_format


def test_status_cells_wear_the_status_colours(book):
    sheet = book["参保率"]
    colours = {"已达标": STATUS_COLORS["achieved"], "进度正常": STATUS_COLORS["on_track"], "略有滞后": STATUS_COLORS["behind"], "明显滞后": STATUS_COLORS["off_track"]}
    seen = 0
    for row in sheet.iter_rows(min_row=4):
        cell = row[9]
        if cell.value in colours:
            assert cell.fill.fgColor.rgb.endswith(colours[cell.value].lstrip("#").upper())
            seen += 1
    assert seen >= 9


def test_columns_are_wide_enough_for_the_chinese_names(book):
    sheet = book["参保率"]
    names = [row[3].value for row in sheet.iter_rows(min_row=4)]
    assert sheet.column_dimensions["D"].width >= max(display_width(n) for n in names)
    assert sheet.column_dimensions["J"].width >= display_width("略有滞后")


def test_the_praise_and_naming_sheet_follows_the_rules_and_says_them(book, bulletin):
    sheet = book["表扬与通报"]
    assert "表扬已达标且数值最高的 3 个" in sheet["A2"].value and "名次下降最多的 3 个" in sheet["A2"].value
    listed = [row for row in sheet.iter_rows(min_row=4, values_only=True)]
    coverage = bulletin.league[bulletin.league["metric"] == "coverage_rate"]
    chosen = praise_and_name(coverage, bulletin.rules)
    top = [r[6] for r in listed if r[0] == "参保率" and r[2] == "已达标，数值居前"]
    assert top == chosen[chosen["reason"] == "top"]["region_name"].tolist()
    assert {r[1] for r in listed} <= {"表扬", "通报"}


def test_the_definitions_sheet_states_each_metric_and_the_rules(book):
    sheet = book["指标口径"]
    cells = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert "参保率 = 参保人数 ÷ 应参保人数" in cells
    assert any(str(c).startswith("缴费率 = 实际缴费人数 ÷ 缴费阶段人数（仅统计城乡居民") for c in cells)
    assert any(str(c).startswith("状态：已达标＝达到目标") for c in cells)


def test_a_region_named_like_a_formula_is_written_as_text(demo_db, targets, tmp_path):
    path = tmp_path / "renamed.duckdb"
    path.write_bytes(demo_db.read_bytes())
    source = tmp_path / "regions.csv"
    source.write_text(f'code,name,level,parent_code\n{QILIN},"{INJECTION.replace(chr(34), chr(34) * 2)}",county,{CITY}\n', encoding="utf-8")
    import_file(path, "regions", source)
    with connect(path) as con:
        data = workbook_bytes(bulletin_from_connection(con, targets, CITY, 2025, 4), Texts("zh"))
    out = tmp_path / "book.xlsx"
    out.write_bytes(data)
    book = load_workbook(out)
    found = [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.value == INJECTION]
    assert len(found) >= 3  # a row on every league sheet
    assert all(cell.data_type == "s" for cell in found)
    assert not [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_sheet_names_stay_valid():
    assert sheet_name("a/b:c") == "a_b_c"
    assert sheet_name("参保率", ["参保率"]) == "参保率 (2)"
    assert len(sheet_name("x" * 40)) == 31


def test_english_sheets_and_headers(bulletin, tmp_path):
    out = tmp_path / "en.xlsx"
    out.write_bytes(workbook_bytes(bulletin, Texts("en")))
    book = load_workbook(out)
    assert book.sheetnames == ["Coverage rate", "Employee-scheme share", "Payment rate", "Praise and naming", "Timeliness", "Definitions"]
    assert book["Coverage rate"]["D3"].value == "Region"


# --------------------------------------------------------------------------- the command


def test_kuomian_bulletin_writes_the_workbook_and_prints_its_path(demo_db, tmp_path, capsys):
    out = tmp_path / "2025Q4.xlsx"
    assert main(["--db", str(demo_db), "bulletin", "--quarter", "2025Q4", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(out)
    assert "2025-12 against 2025-09" in captured.err
    assert load_workbook(out).sheetnames == SHEETS


def test_kuomian_language_is_the_bulletins_default_language_and_the_option_wins(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("KUOMIAN_LANGUAGE", "en")
    assert main(["--db", str(demo_db), "bulletin", "--quarter", "2025Q4", "--out", str(tmp_path / "en.xlsx")]) == 0
    assert load_workbook(tmp_path / "en.xlsx").sheetnames[:3] == ["Coverage rate", "Employee-scheme share", "Payment rate"]
    assert main(["--db", str(demo_db), "bulletin", "--quarter", "2025Q4", "--language", "zh", "--out", str(tmp_path / "zh.xlsx")]) == 0
    assert load_workbook(tmp_path / "zh.xlsx").sheetnames == SHEETS


def test_kuomian_bulletin_can_rank_every_township_under_the_root(demo_db, tmp_path):
    out = tmp_path / "townships.xlsx"
    assert main(["--db", str(demo_db), "bulletin", "--quarter", "2026Q3", "--root", "530381", "--level", "township", "--out", str(out)]) == 0
    sheet = load_workbook(out)["缴费率"]
    assert sheet["A1"].value.startswith("宣威市 乡镇（街道）缴费率排名 · 2026 年第 3 季度（2026-09")
    assert len(league_rows(sheet)) == 1 + 29


def test_kuomian_bulletin_reads_the_rules_from_the_targets_file(demo_db, tmp_path):
    text = (ROOT / "config" / "targets.yaml").read_text(encoding="utf-8")
    start = text.index("bulletin:")
    end = text.index("\n\n", start)
    custom = text[:start] + dedent(
        """\
        bulletin:
          praise: {statuses: [achieved], top: 1, most_improved: 0}
          name: {statuses: [behind, off_track], bottom: 2, fallen_furthest: 0}"""
    ) + text[end:]
    targets_file = tmp_path / "targets.yaml"
    targets_file.write_text(custom, encoding="utf-8")
    out = tmp_path / "custom.xlsx"
    assert main(["--db", str(demo_db), "--targets", str(targets_file), "bulletin", "--quarter", "2025Q4", "--out", str(out)]) == 0
    listed = [row for row in load_workbook(out)["表扬与通报"].iter_rows(min_row=4, values_only=True) if row[0] == "参保率"]
    assert [r[2] for r in listed].count("已达标，数值居前") == 1
    assert [r[2] for r in listed].count("略有滞后或明显滞后，数值居后") == 2
    assert not [r for r in listed if r[2] in ("名次上升最多", "名次下降最多")]


@pytest.mark.parametrize(
    ("arguments", "status", "message"),
    [
        (["--quarter", "2025Q5"], 2, "is not a quarter"),
        (["--quarter", "2031Q1"], 1, "no figures for its last month, 2031-03"),
        (["--quarter", "2025Q4", "--root", "99"], 1, "--root 99: no such region"),
    ],
)
def test_kuomian_bulletin_refuses_what_it_cannot_rank(demo_db, tmp_path, capsys, arguments, status, message):
    out = tmp_path / "x.xlsx"
    try:
        code = main(["--db", str(demo_db), "bulletin", "--out", str(out), *arguments])
    except SystemExit as exit:
        code = exit.code
    assert code == status
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_a_bulletin_row_above_100_percent_carries_the_implausible_note():
    """Issue 9 point 1: the bulletin, like every table, marks a rate above 100% as implausible."""
    import pandas as pd

    from exports.bulletin import _row_note
    from present.texts import Texts

    row = pd.Series({"value": 1.915, "comparable": True, "carried": 0, "overdue_months": float("nan"), "gap_persons": 0})
    assert "⚠ 超过 100%，数据不合理" in _row_note(row, Texts("zh"))
    plausible = row.copy()
    plausible["value"] = 0.95
    assert _row_note(plausible, Texts("zh")) == ""
