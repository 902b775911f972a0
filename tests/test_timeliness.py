"""Reporting timeliness (报送及时率, issue 13 point 2): due day, arrival, on time / late / missing / not due,
the rate, and where they are shown. Every world is built through the real import path; the time an
import lands at is pinned with ``KUOMIAN_NOW`` (data.checks.now)."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from data.db import connect
from data.store import history, rollback
from data.timeliness import report_arrivals, timeliness_rates
from metrics.periods import month_index as mi
from metrics.targets import parse_targets
from metrics.timeliness import due_date
from present.timeliness import timeliness_view, unreported_view
from tests.fixtures_data import run
from tests.test_targets import coverage, only_problem
from tests.world import World

UNITS = ["530102001", "530102002", "530181001", "530181002201", "530181002202"]  # with population rows
OCTOBER = mi("2026-10")
DAY = dt.date


@pytest.fixture
def world(tmp_path) -> World:
    w = World(tmp_path)
    w.population([("2025-12", code, 1000) for code in UNITS])
    return w


def land(world: World, monkeypatch, when: str, codes, period: str = "2026-10", insured: int = 900) -> int:
    """Import a snapshots file for ``codes`` at the time ``when``; the new import's id."""
    monkeypatch.setenv("KUOMIAN_NOW", when)
    world.snapshots([(period, code, "resident", insured, 100, 500) for code in codes])
    monkeypatch.delenv("KUOMIAN_NOW")
    with connect(world.db) as con:
        return int(history(con).iloc[0]["import_id"])


def undo(world: World, import_id: int) -> None:
    with connect(world.db, write=True) as con:
        rollback(con, import_id)


def arrival(world: World, code: str, today: dt.date = DAY(2026, 12, 1), due_day: int = 5) -> dict:
    with connect(world.db) as con:
        frame = report_arrivals(con, OCTOBER, "5301", due_day=due_day, today=today)
    row = frame[frame["region_code"] == code].iloc[0]
    return {
        "status": row["status"],
        "days_late": None if pd.isna(row["days_late"]) else int(row["days_late"]),
        "missing": bool(row["missing"]),
        "arrived_at": None if pd.isna(row["arrived_at"]) else row["arrived_at"].to_pydatetime(),
    }


# --------------------------------------------------------------------------- the due day


def test_a_report_is_due_on_the_due_day_of_the_following_month():
    assert due_date(mi("2026-10"), 5) == DAY(2026, 11, 5)
    assert due_date(mi("2026-12"), 28) == DAY(2027, 1, 28)


def test_due_day_defaults_to_the_10th():
    assert parse_targets(coverage()).due_day == 10


def test_due_day_is_read_from_the_reporting_section():
    assert parse_targets(coverage() + "reporting: {carry_forward_months: 1, due_day: 5}\n").due_day == 5


@pytest.mark.parametrize(
    ("value", "message", "message_zh"),
    [
        ("29", "29 is not a whole number from 1 to 28 (the day of the following month a report is due)", "29 不是 1 到 28 之间的整数（次月几号前报送）"),
        ("0", "0 is not a whole number from 1 to 28 (the day of the following month a report is due)", "0 不是 1 到 28 之间的整数（次月几号前报送）"),
        ("5.5", "5.5 is not a whole number from 1 to 28 (the day of the following month a report is due)", "5.5 不是 1 到 28 之间的整数（次月几号前报送）"),
        ("true", "true is not a whole number from 1 to 28 (the day of the following month a report is due)", "true 不是 1 到 28 之间的整数（次月几号前报送）"),
        ('"5"', "'5' is text (in quotes), not a whole number from 1 to 28; write it without quotes", "“5”加了引号，是文字而不是 1 到 28 之间的整数；请去掉引号"),
    ],
)
def test_due_day_is_a_whole_number_from_1_to_28(value, message, message_zh):
    text = coverage() + f"reporting:\n  due_day: {value}\n"
    problem = only_problem(text)
    assert (problem.place, problem.line, problem.message, problem.message_zh) == (
        "reporting.due_day", text.count("\n"), message, message_zh,
    )


# --------------------------------------------------------------------------- arrival and the rule


def test_an_import_is_recorded_at_the_pinned_now(world, monkeypatch):
    land(world, monkeypatch, "2026-11-03T09:15:07", ["530102001"])
    with connect(world.db) as con:
        assert history(con).iloc[0]["imported_at"].to_pydatetime() == dt.datetime(2026, 11, 3, 9, 15, 7)


def test_a_report_arriving_on_the_due_day_is_on_time(world, monkeypatch):
    land(world, monkeypatch, "2026-11-05T23:59:00", ["530102001"])
    assert arrival(world, "530102001") == {
        "status": "on_time", "days_late": None, "missing": False, "arrived_at": dt.datetime(2026, 11, 5, 23, 59),
    }


def test_a_report_arriving_after_the_due_day_is_late_by_calendar_days(world, monkeypatch):
    land(world, monkeypatch, "2026-11-08T00:10:00", ["530102001"])
    found = arrival(world, "530102001")
    assert (found["status"], found["days_late"], found["missing"]) == ("late", 3, False)


def test_no_report_once_the_due_day_has_passed_is_missing(world, monkeypatch):
    land(world, monkeypatch, "2026-11-03T10:00:00", ["530102001"])
    assert arrival(world, "530102002", today=DAY(2026, 11, 6)) == {
        "status": "missing", "days_late": None, "missing": True, "arrived_at": None,
    }


def test_no_report_before_the_due_day_has_passed_is_not_due(world, monkeypatch):
    land(world, monkeypatch, "2026-11-03T10:00:00", ["530102001"])
    assert arrival(world, "530102002", today=DAY(2026, 11, 5))["status"] == "not_due"


def test_a_correcting_reupload_keeps_the_first_arrival(world, monkeypatch):
    land(world, monkeypatch, "2026-11-03T10:00:00", ["530102001"])
    land(world, monkeypatch, "2026-11-20T10:00:00", ["530102001"], insured=901)  # corrected figures, later
    found = arrival(world, "530102001")
    assert (found["status"], found["arrived_at"]) == ("on_time", dt.datetime(2026, 11, 3, 10, 0))


def test_rolling_back_the_correction_keeps_the_first_arrival(world, monkeypatch):
    land(world, monkeypatch, "2026-11-03T10:00:00", ["530102001"])
    correction = land(world, monkeypatch, "2026-11-20T10:00:00", ["530102001"], insured=901)
    undo(world, correction)
    assert arrival(world, "530102001")["arrived_at"] == dt.datetime(2026, 11, 3, 10, 0)


def test_a_rolled_back_import_did_not_arrive(world, monkeypatch):
    first = land(world, monkeypatch, "2026-11-03T10:00:00", ["530102001"])
    undo(world, first)
    assert arrival(world, "530102001")["status"] == "missing"


def test_after_a_rolled_back_import_the_next_import_is_the_arrival(world, monkeypatch):
    first = land(world, monkeypatch, "2026-11-03T10:00:00", ["530102001"])
    undo(world, first)
    land(world, monkeypatch, "2026-11-20T10:00:00", ["530102001"])
    found = arrival(world, "530102001")
    assert (found["status"], found["days_late"]) == ("late", 15)


def test_undoing_a_rollback_brings_the_first_arrival_back(world, monkeypatch):
    first = land(world, monkeypatch, "2026-11-03T10:00:00", ["530102001"])
    undo(world, first)
    with connect(world.db) as con:
        entry = int(history(con).iloc[0]["import_id"])  # the rollback's own entry
    undo(world, entry)
    assert arrival(world, "530102001")["status"] == "on_time"


def test_a_region_without_a_population_row_is_not_a_reporting_unit(world, monkeypatch):
    monkeypatch.setenv("KUOMIAN_NOW", "2026-11-03T10:00:00")
    world.snapshots([("2026-10", "530102", "employee", 5000, 1000, 3000)])  # the county reports a scheme itself
    with connect(world.db) as con:
        units = report_arrivals(con, OCTOBER, "5301", due_day=5, today=DAY(2026, 12, 1))
    assert sorted(units["region_code"]) == UNITS


def rates_of(world: World, today: dt.date) -> dict[str, tuple]:
    with connect(world.db) as con:
        _, rates = timeliness_rates(con, [OCTOBER], "5301", due_day=5, today=today)
    return {
        row.region_code: (row.on_time, row.late, row.missing, row.not_due, None if pd.isna(row.rate) else round(row.rate, 6))
        for row in rates.itertuples()
    }


def test_timeliness_rate_is_on_time_over_on_time_late_and_missing_in_each_subtree(world, monkeypatch):
    land(world, monkeypatch, "2026-11-04T10:00:00", ["530102001", "530181002201", "530181002202"])
    land(world, monkeypatch, "2026-11-09T10:00:00", ["530102002"])  # 4 days late; 530181001 never reports
    assert rates_of(world, DAY(2026, 12, 1)) == {
        "5301": (3, 1, 1, 0, 0.6),
        "530102": (1, 1, 0, 0, 0.5),
        "530102001": (1, 0, 0, 0, 1.0),
        "530102002": (0, 1, 0, 0, 0.0),
        "530181": (2, 0, 1, 0, round(2 / 3, 6)),
        "530181001": (0, 0, 1, 0, 0.0),
        "530181002": (2, 0, 0, 0, 1.0),
        "530181002201": (1, 0, 0, 0, 1.0),
        "530181002202": (1, 0, 0, 0, 1.0),
    }


def test_not_due_reports_are_left_out_of_the_rate(world, monkeypatch):
    land(world, monkeypatch, "2026-11-02T10:00:00", ["530102001"])
    found = rates_of(world, DAY(2026, 11, 3))
    assert found["5301"] == (1, 0, 0, 4, 1.0)
    assert found["530181"] == (0, 0, 0, 3, None)  # nothing due yet: no rate


# --------------------------------------------------------------------------- the demo


def test_the_demo_reports_mostly_on_time_a_few_late_and_one_missing(demo_copy):
    with connect(demo_copy("timely")) as con:
        _, rates = timeliness_rates(con, [mi("2026-08"), mi("2026-10")], "5303", today=DAY(2026, 12, 1))
        units = report_arrivals(con, mi("2026-08"), "5303", today=DAY(2026, 12, 1))
    city = rates[rates["region_code"] == "5303"].set_index("period")
    assert city.loc[mi("2026-08"), ["on_time", "late", "missing", "not_due"]].to_list() == [138, 3, 1, 0]
    assert city.loc[mi("2026-10"), ["on_time", "late", "missing", "not_due"]].to_list() == [140, 2, 0, 0]
    assert units.loc[units["missing"], "name"].to_list() == ["葵山镇"]


# --------------------------------------------------------------------------- shown


def test_the_unreported_text_names_the_units_by_county_ready_to_send(world, monkeypatch):
    land(world, monkeypatch, "2026-11-04T10:00:00", ["530102001", "530181002201"])
    with connect(world.db) as con:
        units, _ = timeliness_rates(con, [OCTOBER], "5301", due_day=5, today=DAY(2026, 11, 6))
    view = unreported_view(units, "昆明市", OCTOBER, 5, "zh", DAY(2026, 11, 6))
    assert view.message == (
        "以下单位尚未报送2026年10月数据：五华区：护国街道；安宁市：连然街道、八街二村。"
        "报送截止日期为2026年11月5日（已逾期），请尽快报送。"
    )
    assert view.table["地区"].to_list() == ["护国街道", "连然街道", "八街二村"]
    assert view.csv.decode("utf-8-sig").splitlines()[0] == "区划代码,地区,上级,截止日期,报送情况"
    sheet = load_workbook(io.BytesIO(view.xlsx)).active
    assert sheet.cell(1, 1).value == view.message  # the sentence heads the sheet
    assert [sheet.cell(4, c).value for c in range(1, 6)] == ["530102002", "护国街道", "五华区", "2026年11月5日", "未报"]


def test_the_summary_sets_the_timeliness_rate_beside_completeness(world, monkeypatch):
    land(world, monkeypatch, "2026-11-04T10:00:00", ["530102001", "530181002201", "530181002202"])
    land(world, monkeypatch, "2026-11-09T10:00:00", ["530102002"])
    with connect(world.db) as con:
        units, rates = timeliness_rates(con, [OCTOBER], "5301", due_day=5, today=DAY(2026, 12, 1))
    completeness = pd.DataFrame({"period": [OCTOBER], "completeness": [0.8]})
    view = timeliness_view(units, rates, "5301", OCTOBER, 5, "zh", completeness)
    assert view.summary == "2026-10 报表应于 2026年11月5日 前报送：按时 3、逾期 1、未报 1、未到期 0；报送及时率 60.0%（报送完整率 80.0%）。"
    grid = view.grid.set_index("区划代码")
    assert grid.loc[["530102002", "530181001"], "2026-10"].to_list() == ["逾期 4 天", "未报"]


def test_kuomian_timeliness_lists_each_unit_as_csv(world, monkeypatch, capsys):
    land(world, monkeypatch, "2026-11-09T10:00:00", ["530102002"])
    monkeypatch.setenv("KUOMIAN_TODAY", "2026-12-01")
    status, out, err = run(capsys, "--db", world.db, "timeliness", "--period", "2026-10")
    assert (status, err) == (0, "")
    assert out.splitlines()[:3] == [
        "period,region_code,region_name,parent_name,due,arrived_at,status,days_late",
        "2026-10,530102001,华山街道,五华区,2026-11-10,,missing,",
        "2026-10,530102002,护国街道,五华区,2026-11-10,2026-11-09 10:00:00,on_time,",
    ]


def test_kuomian_timeliness_table_ends_with_the_rate(world, monkeypatch, capsys):
    land(world, monkeypatch, "2026-11-12T10:00:00", ["530102002"])
    monkeypatch.setenv("KUOMIAN_TODAY", "2026-12-01")
    status, out, _ = run(capsys, "--db", world.db, "timeliness", "--period", "2026-10", "--root", "530102", "--format", "table")
    assert status == 0
    assert out.splitlines()[-2:] == [
        "530102002    护国街道  五华区  2026-11-10  2026-11-12 10:00:00  late 2 d",
        "五华区 (530102) 2026-10: timeliness 0.0% (on time 0, late 1, missing 1, not yet due 0)",
    ]


def test_kuomian_timeliness_refuses_an_unknown_root(world, capsys):
    assert run(capsys, "--db", world.db, "timeliness", "--period", "2026-10", "--root", "99") == (1, "", "--root 99: no such region\n")


def test_the_bulletin_shows_each_league_region_timeliness_for_the_quarter(demo_copy, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KUOMIAN_TODAY", "2026-12-01")
    out = tmp_path / "q3.xlsx"
    assert run(capsys, "--db", demo_copy("timely-bulletin"), "bulletin", "--quarter", "2026Q3", "--out", out)[0] == 0
    sheet = load_workbook(out)["报送及时率"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]}
    assert rows["530323"][:8] == ("530323", "师宗县", 1, 0.8, 1, pytest.approx(14 / 15), 1, 1)
    assert rows["5303"][1] == "曲靖市（参照，不参与排名）"
    assert ("2026-08", "530323103", "葵山镇", "师宗县", "未报") in [r[:5] for r in sheet.iter_rows(values_only=True)]


def test_the_data_page_shows_timeliness_beside_completeness_and_who_to_chase(demo_copy, monkeypatch):
    """The analyst opens 数据 › 数据质量 for 2026-08 on 1 December: the rate sits beside completeness,
    葵山镇 reads 未报, and the list to chase is the month being collected (2026-11) or, chosen, 2026-08."""
    from tests.test_page_data import frame, open_page, texts

    monkeypatch.setenv("KUOMIAN_TODAY", "2026-12-01")
    at = open_page(demo_copy("timely-page"), monkeypatch, period="2026-08")
    assert (
        "2026-08 报表应于 2026年9月10日 前报送：按时 138、逾期 3、未报 1、未到期 0；报送及时率 97.2%（报送完整率 99.3%）。"
        in texts(at)
    )
    months = frame(at, "报送及时率").set_index("月份")
    assert months.loc["2026-08", ["报送完整率", "报送及时率", "未报"]].to_list() == ["99.3%", "97.2%", 1]
    grid = frame(at, "报送时间").set_index("区划代码")
    assert grid.loc["530323103", "2026-08"] == "未报" and grid.loc["530323103", "2026-07"] == "按时"
    assert at.radio(key="timely_chase_month").value == mi("2026-11")  # the month being collected
    at.radio(key="timely_chase_month").set_value(mi("2026-08")).run()
    assert at.code[0].value == "以下乡镇尚未报送2026年8月数据：师宗县：葵山镇。报送截止日期为2026年9月10日（已逾期），请尽快报送。"


def test_units_with_late_or_missing_reports_head_the_grid(world, monkeypatch):
    land(world, monkeypatch, "2026-11-04T10:00:00", ["530102001", "530181002201", "530181002202"])
    land(world, monkeypatch, "2026-11-09T10:00:00", ["530102002"])
    with connect(world.db) as con:
        units, rates = timeliness_rates(con, [OCTOBER], "5301", due_day=5, today=DAY(2026, 12, 1))
    grid = timeliness_view(units, rates, "5301", OCTOBER, 5, "zh").grid
    assert grid["区划代码"].to_list() == ["530102002", "530181001", "530102001", "530181002201", "530181002202"]
