"""`kuomian warnings` and the monthly warning sheet (预警, issue 13 point 1).

The office's analyst runs `kuomian warnings --period 2026-03 --root 5301 --level township` before the
monthly call: a CSV with one row per warning and its reasons in both languages, a table for the
terminal, or the XLSX sheet with Chinese headers she sends to the counties.
"""

from __future__ import annotations

import csv
import io
import textwrap
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.fixtures_data import run
from tests.test_warnings import MONTHS, TARGETS, TOWN_A, TOWN_B, resident
from tests.world import World


@pytest.fixture
def world(tmp_path: Path, monkeypatch) -> tuple[World, Path]:
    """A laggard (A, flat at 90%) and a missing report (B) at 2026-03; the targets file beside the database."""
    world = World(tmp_path, targets=TARGETS)
    world.population([("2025-12", TOWN_A, 1000), ("2025-12", TOWN_B, 1000)])
    monkeypatch.setenv("KUOMIAN_NOW", "2026-04-08T09:00:00")  # the 2026-03 reports arrive on time
    world.snapshots(resident(TOWN_A, dict.fromkeys(MONTHS, 900)) + resident(TOWN_B, {"2026-02": 950}))
    monkeypatch.setenv("KUOMIAN_TODAY", "2026-04-20")  # the list is made after the 2026-03 reports were due
    targets = tmp_path / "targets.yaml"
    targets.write_text(textwrap.dedent(TARGETS), encoding="utf-8")
    return world, targets


def test_warnings_csv_lists_every_warning_with_both_reasons(world, capsys):
    w, targets = world
    status, out, err = run(capsys, "--db", w.db, "--targets", targets, "warnings", "--period", "2026-03", "--root", "5301", "--level", "township")
    assert (status, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
        "period", "region_code", "region_name", "level", "county_code", "county_name",
        "metric", "trigger", "severity", "persons", "reason_zh", "reason_en",
    ]
    assert [(r["severity"], r["trigger"], r["region_code"]) for r in rows] == [
        ("high", "off_track", TOWN_A),
        ("high", "missing_report", TOWN_B),
        ("medium", "projected_short", TOWN_A),
    ]
    first = rows[0]
    assert first == {
        "period": "2026-03", "region_code": TOWN_A, "region_name": "华山街道", "level": "township",
        "county_code": "530102", "county_name": "五华区", "metric": "coverage_rate", "trigger": "off_track",
        "severity": "high", "persons": "50",
        "reason_zh": "参保率 90.0%，低于进度线 2.5 个百分点，距 2026-06 目标 95.0% 还需 50 人",
        "reason_en": "Coverage rate 90.0%, 2.5 points below the trajectory; 50 persons needed for the 95.0% due 2026-06",
    }
    assert rows[1]["trigger"] == "missing_report" and rows[1]["persons"] == "" and rows[1]["metric"] == ""


def test_warnings_xlsx_without_output_is_a_usage_error(world, capsys):
    w, targets = world
    status, out, err = run(capsys, "--db", w.db, "--targets", targets, "warnings", "--period", "2026-03", "--format", "xlsx")
    assert (status, out) == (2, "")
    assert err == "kuomian warnings: --format xlsx writes a workbook: give --output FILE.xlsx\n"


def test_warnings_for_an_unknown_root_are_refused(world, capsys):
    w, targets = world
    status, out, err = run(capsys, "--db", w.db, "--targets", targets, "warnings", "--period", "2026-03", "--root", "5399")
    assert (status, out, err) == (1, "", "--root 5399: no such region\n")


def test_warnings_table_is_aligned_and_in_chinese_by_default(world, capsys, monkeypatch):
    monkeypatch.delenv("KUOMIAN_LANGUAGE", raising=False)
    w, targets = world
    status, out, _ = run(capsys, "--db", w.db, "--targets", targets, "warnings", "--period", "2026-03", "--level", "township", "--format", "table")
    lines = out.splitlines()
    assert status == 0
    assert lines[0].split() == ["severity", "trigger", "region", "name", "metric", "persons", "reason"]
    assert lines[1].split()[:6] == ["高", "明显滞后", TOWN_A, "华山街道", "参保率", "50"]


def test_the_monthly_warning_sheet_opens_with_chinese_headers_a_title_and_a_row_per_warning(world, capsys, tmp_path):
    w, targets = world
    out = tmp_path / "预警.xlsx"
    status, _, err = run(
        capsys, "--db", w.db, "--targets", targets, "warnings", "--period", "2026-03", "--root", "5301", "--level", "township",
        "--format", "xlsx", "--output", out,
    )
    assert status == 0 and err.startswith("kuomian warnings: ") and "warnings written to" in err
    sheet = load_workbook(out).active
    assert sheet.title == "预警清单"
    assert sheet["A1"].value == "昆明市月度预警表（2026-03）"
    assert sheet["A2"].value.startswith("数据截至 2026-03；共 ")
    assert [c.value for c in sheet[3]] == ["严重程度", "预警类型", "地区", "区划代码", "层级", "所属县（市、区）", "指标", "原因", "还需（人）"]
    assert [c.value for c in sheet[4]] == [
        "高", "明显滞后", "华山街道", TOWN_A, "乡镇（街道）", "五华区", "参保率",
        "参保率 90.0%，低于进度线 2.5 个百分点，距 2026-06 目标 95.0% 还需 50 人", 50,
    ]
    assert sheet.freeze_panes == "A4"
    assert sheet["A4"].fill.fgColor.rgb.endswith("D55E00")  # high: vermillion
    assert sheet["I4"].number_format == "#,##0"


def test_a_region_name_that_looks_like_a_formula_is_shown_never_run(tmp_path, capsys):
    from exports.warnings_sheet import workbook_bytes
    from tests.test_warnings import warnings_of

    world = World(tmp_path, targets=TARGETS)
    world.load("regions", ["code", "name", "level", "parent_code"], [(TOWN_A, "=HYPERLINK(\"x\")", "township", "530102")])
    world.population([("2025-12", TOWN_A, 1000)]).snapshots(resident(TOWN_A, dict.fromkeys(MONTHS, 900)))
    data = workbook_bytes(warnings_of(world, "2026-03"), region_name="昆明市", period=12 * 2026 + 3)
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(data)
    sheet = load_workbook(path).active
    assert sheet["C4"].value == "'=HYPERLINK(\"x\")" and sheet["C4"].data_type == "s"
