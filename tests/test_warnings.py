"""Early warning (预警, issue 13 point 1): one rule per test, fed through the real import path.

Each test builds a small world (tests/world.py: a city, two counties, four townships) with one
target, coverage 95% by 2026-06 and still 95% by 2027-12, trajectories from 2025-12, and reads the
warnings list as the command line and the page do (``data.warnings.warnings_report``). Figures are
worked out by hand in each test.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from data.db import connect
from data.warnings import warnings_report
from metrics.periods import month_index
from metrics.targets import TargetsError, parse_targets
from metrics.warnings import FACT_COLUMNS, warning_facts
from present.warnings import reason, with_reasons
from tests.world import World

TOWN_A, TOWN_B = "530102001", "530102002"
NOTE_ZH = "安宁市直接报送企业职工，本数值不含这些人员，不参与排名"
WUHUA = "530102"
ANNING, ANNING_TOWN = "530181", "530181001"

TARGETS = """
baseline: 2025-12
warning_band: 0.02
targets:
  coverage_rate:
    - {by: 2026-06, value: 0.95}
    - {by: 2027-12, value: 0.95}
reporting:
  carry_forward_months: 3
"""

MONTHS = ("2025-12", "2026-01", "2026-02", "2026-03")


@pytest.fixture
def world(tmp_path):
    return World(tmp_path, targets=TARGETS)


def resident(code: str, insured_by_month: dict[str, int], receiving: int = 0) -> list[tuple]:
    """Snapshot rows of the resident scheme only (paid = half the contribution phase)."""
    return [(p, code, "resident", n, receiving, (n - receiving) // 2) for p, n in insured_by_month.items()]


def warnings_of(world: World, period: str, level: str = "township", **options) -> pd.DataFrame:
    with connect(world.db) as con:
        return warnings_report(con, world.targets, month_index(period), level=level, root=options.pop("root", "5301"), **options)


def only(frame: pd.DataFrame, trigger: str, code: str) -> dict:
    rows = frame[(frame["trigger"] == trigger) & (frame["region_code"] == code)]
    assert len(rows) == 1, f"{len(rows)} rows of {trigger} for {code}: {frame[['region_code', 'trigger']].values.tolist()}"
    return rows.iloc[0].to_dict()


def texts(row: dict) -> tuple[str, str]:
    return reason(row, "zh"), reason(row, "en")


# --------------------------------------------------------------------------- status triggers


def test_off_track(world):
    # value 90.0% at 2026-03; trajectory 90% -> 95% over 2025-12..2026-06: 92.5% at 2026-03, 2.5 points above
    world.population([("2025-12", TOWN_A, 1000)]).snapshots(resident(TOWN_A, dict.fromkeys(MONTHS, 900)))
    row = only(warnings_of(world, "2026-03"), "off_track", TOWN_A)
    assert (row["severity"], row["persons"], row["metric"], row["county_code"], row["county_name"]) == ("high", 50, "coverage_rate", WUHUA, "五华区")
    assert texts(row) == (
        "参保率 90.0%，低于进度线 2.5 个百分点，距 2026-06 目标 95.0% 还需 50 人",
        "Coverage rate 90.0%, 2.5 points below the trajectory; 50 persons needed for the 95.0% due 2026-06",
    )


def test_behind(world):
    # 91.0% against a trajectory of 92.5%: 1.5 points below, within the 2-point band
    world.population([("2025-12", TOWN_A, 1000)]).snapshots(resident(TOWN_A, {"2025-12": 900, "2026-03": 910}))
    frame = warnings_of(world, "2026-03")
    row = only(frame, "behind", TOWN_A)
    assert (row["severity"], row["persons"]) == ("medium", 40)
    assert reason(row, "zh") == "参保率 91.0%，低于进度线 1.5 个百分点，距 2026-06 目标 95.0% 还需 40 人"
    assert frame[frame["trigger"] == "off_track"].empty


def test_overdue(world):
    # 2026-06 asked for 95%; at 2026-08 the region has 93%: two months overdue, 20 persons needed now
    world.population([("2025-12", TOWN_A, 1000)]).snapshots(resident(TOWN_A, {"2025-12": 900, "2026-08": 930}))
    row = only(warnings_of(world, "2026-08"), "overdue", TOWN_A)
    assert (row["severity"], row["persons"], row["overdue_since"], row["overdue_months"]) == ("high", 20, month_index("2026-06"), 2)
    assert texts(row) == (
        "参保率 93.0%，2026-06 应达到的 95.0% 未完成，已逾期 2 个月，现需 20 人",
        "Coverage rate 93.0%: the 95.0% due 2026-06 is not met, 2 months overdue; 20 persons needed now",
    )


def test_projected_short(world):
    # +0.4 points a month: 92.4% at the 2026-06 deadline; 95% only in 2027-01 (0.912 + 0.004·10 = 0.952)
    world.population([("2025-12", TOWN_A, 1000)])
    world.snapshots(resident(TOWN_A, dict(zip(MONTHS, (900, 904, 908, 912)))))
    row = only(warnings_of(world, "2026-03"), "projected_short", TOWN_A)
    assert (row["severity"], row["eta"], row["target_by"], row["beyond_plan"]) == ("medium", month_index("2027-01"), month_index("2026-06"), False)
    assert row["projected"] == pytest.approx(0.924)
    assert reason(row, "zh") == "参保率 91.2%，按近 12 个月趋势预计 2027-01 才达到 95.0%，晚于期限 2026-06（届时预计 92.4%），还需 38 人"


def test_projected_short_says_no_target_within_the_plan_where_the_trend_never_reaches_it(world):
    world.population([("2025-12", TOWN_A, 1000)]).snapshots(resident(TOWN_A, dict.fromkeys(MONTHS, 900)))
    row = only(warnings_of(world, "2026-03"), "projected_short", TOWN_A)
    assert row["beyond_plan"] is True and pd.isna(row["eta"])
    assert texts(row) == (
        "参保率 90.0%，按近 12 个月趋势计划期内无法达标（2026-06 目标 95.0%，届时预计 90.0%），还需 50 人",
        "Coverage rate 90.0%: on its recent trend it reaches no target within the plan (95.0% due 2026-06, projected 90.0%); 50 persons needed",
    )


def test_projected_short_stays_silent_without_three_values_to_project_from(world):
    world.population([("2025-12", TOWN_A, 1000)]).snapshots(resident(TOWN_A, {"2026-02": 900, "2026-03": 900}))
    assert warnings_of(world, "2026-03").query("trigger == 'projected_short'").empty


def test_sudden_drop(world):
    # 93.0% in 2026-02, 90.0% in 2026-03: 3 points in one month, above the 2-point threshold
    world.population([("2025-12", TOWN_A, 1000)]).snapshots(resident(TOWN_A, {"2026-02": 930, "2026-03": 900}))
    row = only(warnings_of(world, "2026-03"), "sudden_drop", TOWN_A)
    assert (row["severity"], row["previous"], row["drop"]) == ("medium", 0.93, pytest.approx(0.03))
    assert texts(row) == (
        "参保率由上月 93.0% 降至 90.0%，一个月下降 3.0 个百分点（预警线 2.0 个百分点）",
        "Coverage rate fell from 93.0% last month to 90.0%, 3.0 points in one month (warning above 2.0 points)",
    )


def test_sudden_drop_threshold_comes_from_the_targets_file(tmp_path):
    world = World(tmp_path, targets=TARGETS + "warnings:\n  drop_points: 0.05\n")
    world.population([("2025-12", TOWN_A, 1000)]).snapshots(resident(TOWN_A, {"2026-02": 930, "2026-03": 900}))
    assert warnings_of(world, "2026-03").query("trigger == 'sudden_drop'").empty


def test_sudden_drop_is_not_said_of_the_payment_rate_restarting_in_january(tmp_path):
    targets = TARGETS + "  payment_rate:\n    - {by: 2026-11, value: 0.8}\n"
    targets = targets.replace("reporting:\n  carry_forward_months: 3\n", "") + "reporting:\n  carry_forward_months: 3\n"
    world = World(tmp_path, targets=targets)
    world.population([("2025-12", TOWN_A, 1000)])
    world.snapshots([("2025-12", TOWN_A, "resident", 900, 0, 850), ("2026-01", TOWN_A, "resident", 900, 0, 50)])
    frame = warnings_of(world, "2026-01")
    assert frame.query("trigger == 'sudden_drop'").empty


def test_implausible(world):
    # 1,600 insured of 1,000 required (160%), and 2 rows paying more than their contribution phase (+50, +20),
    # though the payment rate as a whole (1,070 of 1,500) stays below 100%
    world.population([("2025-12", TOWN_A, 1000)])
    world.snapshots(
        [("2026-03", TOWN_A, "resident", 1000, 100, 950), ("2026-03", TOWN_A, "employee", 100, 0, 120), ("2026-03", TOWN_A, "public", 500, 0, 0)]
    )
    frame = warnings_of(world, "2026-03")
    rate = frame[(frame["trigger"] == "implausible") & (frame["metric"] == "coverage_rate")].iloc[0].to_dict()
    paid = frame[(frame["trigger"] == "implausible") & (frame["metric"] == "payment_rate")].iloc[0].to_dict()
    assert rate["severity"] == "medium"
    assert reason(rate, "zh") == "参保率 160.0% ⚠ 超过 100%，数据不合理，请核实（可能有重复计算的行，或应参保人数偏低）"
    assert (paid["overpaid_rows"], paid["overpaid_persons"]) == (2, 50 + 20)
    assert reason(paid, "zh") == "本月有 2 行报表的实际缴费人数多于缴费阶段人数（共多出 70 人），请核实"


def test_missing_report(world):
    # both townships have population; only A reports at 2026-03
    world.population([("2025-12", TOWN_A, 1000), ("2025-12", TOWN_B, 1000)])
    world.snapshots(resident(TOWN_A, {"2026-03": 960}))
    towns = warnings_of(world, "2026-03")
    row = only(towns, "missing_report", TOWN_B)
    assert (row["severity"], row["metric"], row["completeness"]) == ("high", "", 0.0)
    assert texts(row) == (
        "本月未报送数据（有应参保人数，没有参保数据）",
        "No figures this month (the region has a required population but no snapshot rows)",
    )
    assert towns.query(f"trigger == 'missing_report' and region_code == '{TOWN_A}'").empty
    county = only(warnings_of(world, "2026-03", level="county"), "missing_report", WUHUA)
    assert reason(county, "zh") == "报送完整率 50.0%：下辖单位有的本月未报送，合计数偏低"


def test_missing_report_waits_until_the_report_is_due(world, monkeypatch):
    """A report not yet due is not missing: 2026-03's report is due 2026-04-10 (the default due day), so
    on the 10th B's absent report is no warning, on the 11th it is (issues 13 points 1 and 2)."""
    world.population([("2025-12", TOWN_A, 1000), ("2025-12", TOWN_B, 1000)])
    world.snapshots(resident(TOWN_A, {"2026-03": 960}))
    monkeypatch.setenv("KUOMIAN_TODAY", "2026-04-10")
    assert warnings_of(world, "2026-03").query("trigger == 'missing_report'").empty
    monkeypatch.setenv("KUOMIAN_TODAY", "2026-04-11")
    assert warnings_of(world, "2026-03").query("trigger == 'missing_report'")["region_code"].tolist() == [TOWN_B]


def test_carried_again(world):
    # A's last report is 2026-01: carried at 2026-02 (first month: no warning), again at 2026-03
    world.population([("2025-12", TOWN_A, 1000), ("2025-12", TOWN_B, 1000)])
    world.snapshots(resident(TOWN_A, {"2026-01": 960}) + resident(TOWN_B, {"2026-02": 960, "2026-03": 960}))
    assert warnings_of(world, "2026-02").query("trigger == 'carried_again'").empty
    row = only(warnings_of(world, "2026-03"), "carried_again", TOWN_A)
    assert (row["severity"], row["carried_months"], row["carried_pairs"]) == ("medium", 2, 1)
    assert texts(row) == (
        "已连续 2 个月沿用旧数据估算（1 份险种报表），请督促报送",
        "Figures carried forward (estimated) for 2 months in a row (1 scheme report(s)); ask for the report",
    )


def test_a_reason_built_on_carried_figures_says_they_are_estimated(world):
    # A's 2026-03 report is missing: its 2026-02 figure (90%) counts at 2026-03, carried
    world.population([("2025-12", TOWN_A, 1000)]).snapshots(resident(TOWN_A, {"2025-12": 900, "2026-02": 900}))
    assert texts(only(warnings_of(world, "2026-03"), "off_track", TOWN_A)) == (
        "参保率 90.0%，低于进度线 2.5 个百分点，距 2026-06 目标 95.0% 还需 50 人（估算）",
        "Coverage rate 90.0%, 2.5 points below the trajectory; 50 persons needed for the 95.0% due 2026-06 (estimated)",
    )


def test_pool_short(world):
    # gap 50 persons (90% of 1,000 against 95%); the library has 30 persons left: sufficiency 0.6
    world.population([("2025-12", TOWN_A, 1000)]).snapshots(resident(TOWN_A, dict.fromkeys(MONTHS, 900)))
    world.load(
        "pool",
        ["period", "region_code", "group", "identified", "enrolled_employee", "enrolled_resident"],
        [("2026-03", TOWN_A, 1, 50, 10, 10)],
    )
    row = only(warnings_of(world, "2026-03"), "pool_short", TOWN_A)
    assert (row["severity"], row["metric"], row["persons"], row["pool_sufficiency"], row["pool_remaining"]) == ("medium", "coverage_rate", 50, 0.6, 30)
    assert reason(row, "zh") == "实名库剩余 30 人，少于参保差距 50 人（对象充足度 0.60，预警线 1），库内人员全部参保也无法达标"


def test_late_report(world):
    """The timeliness feature supplies ``days_late``; with it the trigger fires, without it it is silent."""
    world.population([("2025-12", TOWN_A, 1000)]).snapshots(resident(TOWN_A, {"2026-03": 960}))
    report = world.report("2026-03", level="township")
    regions = pd.DataFrame({"code": [TOWN_A, WUHUA, "5301"], "name": ["华山街道", "五华区", "昆明市"],
                            "level": ["township", "county", "city"], "lineage": [[TOWN_A, WUHUA, "5301"], [WUHUA, "5301"], ["5301"]]})
    late = warning_facts(report, world.targets, regions, timeliness=pd.DataFrame({"region_code": [TOWN_A], "days_late": [4]}))
    row = only(late, "late_report", TOWN_A)
    assert (row["severity"], row["days_late"]) == ("low", 4)
    assert texts(row) == ("本月报表迟报 4 天", "This month's report came 4 days late")
    assert warning_facts(report, world.targets, regions).query("trigger == 'late_report'").empty


def test_late_report_reads_when_each_report_arrived(world, monkeypatch):
    """Through the real import path: the 2026-03 report is due 2026-04-10 (the default due day); A's
    arrives on the 10th (on time), B's on the 14th (4 days late). Issue 13 points 1 and 2."""
    world.population([("2025-12", TOWN_A, 1000), ("2025-12", TOWN_B, 1000)])
    monkeypatch.setenv("KUOMIAN_NOW", "2026-04-10T17:00:00")
    world.snapshots(resident(TOWN_A, {"2026-03": 960}))
    monkeypatch.setenv("KUOMIAN_NOW", "2026-04-14T09:00:00")
    world.snapshots(resident(TOWN_B, {"2026-03": 960}))
    monkeypatch.delenv("KUOMIAN_NOW")
    late = warnings_of(world, "2026-03").query("trigger == 'late_report'")
    assert late[["region_code", "days_late"]].values.tolist() == [[TOWN_B, 4]]
    assert reason(late.iloc[0].to_dict(), "zh") == "本月报表迟报 4 天"


# --------------------------------------------------------------------------- the list


def test_the_list_is_ordered_by_severity_then_trigger_then_persons(world, monkeypatch):
    world.population([("2025-12", TOWN_A, 1000), ("2025-12", TOWN_B, 2000)])
    monkeypatch.setenv("KUOMIAN_NOW", "2026-04-08T09:00:00")  # the 2026-03 reports arrive on time
    world.snapshots(resident(TOWN_A, {"2025-12": 900, "2026-03": 910}) + resident(TOWN_B, {"2025-12": 1800, "2026-03": 1800}))
    frame = warnings_of(world, "2026-03")
    assert frame[["severity", "trigger", "region_code"]].values.tolist() == [
        ["high", "off_track", TOWN_B],
        ["medium", "behind", TOWN_A],
    ]
    assert list(frame.columns) == [*FACT_COLUMNS, "reported_above"]


def test_a_trigger_turned_off_in_the_targets_file_is_left_out(tmp_path):
    world = World(tmp_path, targets=TARGETS + "warnings:\n  triggers:\n    off_track: off\n    projected_short: low\n")
    world.population([("2025-12", TOWN_A, 1000)]).snapshots(resident(TOWN_A, dict.fromkeys(MONTHS, 900)))
    frame = warnings_of(world, "2026-03")
    assert "off_track" not in set(frame["trigger"])
    assert only(frame, "projected_short", TOWN_A)["severity"] == "low"


def test_a_region_not_comparable_carries_the_note_and_comes_after_the_comparable_ones(world):
    # 安宁市 reports its employee scheme itself: its township's coverage leaves those persons out
    world.population([("2025-12", ANNING_TOWN, 1000), ("2025-12", TOWN_A, 1000)])
    flat = {"2025-12": 900, "2026-03": 900}
    world.snapshots(
        [(p, ANNING, "employee", 100, 0, 90) for p in flat] + resident(ANNING_TOWN, flat) + resident(TOWN_A, flat)
    )
    frame = warnings_of(world, "2026-03")
    lagging = frame[frame["trigger"] == "off_track"]
    assert lagging["region_code"].tolist() == [TOWN_A, ANNING_TOWN]  # the same 50 persons each: the comparable one first
    zh, en = texts(only(frame, "off_track", ANNING_TOWN))
    assert zh == "参保率 90.0%，低于进度线 2.5 个百分点，距 2026-06 目标 95.0% 还需 50 人（注：" + NOTE_ZH + "）"
    assert "名次" not in zh and "place" not in en  # the note, never a rank
    assert texts(only(frame, "off_track", TOWN_A))[0].endswith("还需 50 人")


def test_reasons_come_in_both_languages_for_every_row(world):
    world.population([("2025-12", TOWN_A, 1000), ("2025-12", TOWN_B, 1000)]).snapshots(resident(TOWN_A, dict.fromkeys(MONTHS, 900)))
    worded = with_reasons(warnings_of(world, "2026-03"))
    assert worded["reason_zh"].str.len().gt(0).all() and worded["reason_en"].str.len().gt(0).all()


def test_a_chosen_warning_reads_in_full_under_the_table_with_its_region_and_reason(world):
    from present.warnings import reason as reason_of, warnings_view

    world.population([("2025-12", TOWN_A, 1000), ("2025-12", TOWN_B, 1000)]).snapshots(resident(TOWN_A, dict.fromkeys(MONTHS, 900)))
    facts = warnings_of(world, "2026-03")
    view = warnings_view(facts, "zh")
    first = facts.iloc[0]
    full = reason_of(first, "zh")
    assert view.detail(0).endswith("：" + full) and f"{first['region_name']} {first['region_code']}" in view.detail(0)
    assert view.detail(len(view.display)) == ""


# --------------------------------------------------------------------------- the targets file


def test_the_warnings_section_is_optional_and_defaults_to_the_shipped_values():
    rules = parse_targets(textwrap.dedent(TARGETS)).warnings
    assert (rules.drop_points, rules.carried_months, rules.pool_sufficiency_below) == (0.02, 2, 1.0)
    assert rules.severity["overdue"] == "high" and rules.severity["late_report"] == "low"


def test_warnings_section_problems_are_named_by_place_and_line_in_chinese():
    text = textwrap.dedent(TARGETS) + textwrap.dedent(
        """\
        warnings:
          triggers:
            late: high
            behind: urgent
          drop_points: 2
          carried_months: "2"
          pool_sufficiency_below: 0
        """
    )
    with pytest.raises(TargetsError) as caught:
        parse_targets(text)
    assert caught.value.render("targets.yaml", "zh").splitlines() == [
        "targets.yaml:12: warnings.triggers.late: 未知的预警类型“late”；可用的有：overdue、off_track、missing_report、behind、projected_short、sudden_drop、implausible、carried_again、pool_short、late_report",
        "targets.yaml:13: warnings.triggers.behind: urgent 不是 high、medium、low、off 之一（high 高、medium 中、low 低、off 关闭）",
        "targets.yaml:14: warnings.drop_points: 2 不是 0 到 1 之间的数（如 0.02 表示 2 个百分点）",
        "targets.yaml:15: warnings.carried_months: 2 不是 1 到 12 之间的整数",
        "targets.yaml:16: warnings.pool_sufficiency_below: 0 不是大于 0、不超过 100 的数（1 表示实名库剩余人数恰好等于差距）",
    ]


def test_the_shipped_targets_file_holds_the_default_warnings_section():
    from pathlib import Path

    from metrics.targets_warnings import WarningRules

    shipped = parse_targets((Path(__file__).resolve().parent.parent / "config" / "targets.yaml").read_text(encoding="utf-8"))
    assert shipped.warnings == WarningRules()


def _late_facts(count: int) -> pd.DataFrame:
    """``count`` late_report warnings of townships t0000, t0001, ... (every fact column, severity low)."""
    rows = [
        {column: None for column in FACT_COLUMNS}
        | {"period": month_index("2026-08"), "region_code": f"t{i:04d}", "region_name": f"镇{i}", "level": "township",
           "county_code": "c1", "county_name": "县一", "metric": "", "trigger": "late_report", "severity": "low", "days_late": 3}
        for i in range(count)
    ]
    return pd.DataFrame(rows, columns=list(FACT_COLUMNS))


def test_a_long_warnings_list_is_worded_one_page_at_a_time_and_counted_whole():
    from present.warnings import warnings_view

    view = warnings_view(_late_facts(7), "zh", page=2, size=3)
    assert view.display["区划代码"].tolist() == ["t0003", "t0004", "t0005"]
    assert view.display["原因"].tolist() == ["本月报表迟报 3 天"] * 3
    assert (view.rows, view.total, view.counts["low"]) == (7, 7, 7)
    assert len(warnings_view(_late_facts(7), "zh").display) == 7  # no page asked: every row
