"""An Overview card as data (present/overview.py), without AppTest."""

from __future__ import annotations

import math

import pandas as pd

from metrics.periods import month_index
from present.charts import STATUS_COLORS
from present.overview import card

PERIOD = month_index("2026-10")


def row(**changes) -> pd.Series:
    base = {
        "value": 0.9512, "target": 0.95, "target_by": month_index("2026-12"), "status": "achieved",
        "gap_pp": -0.0012, "gap_persons": 0, "carried": 0, "comparable": True, "overdue_months": math.nan,
    }
    return pd.Series({**base, **changes})


HISTORY = pd.DataFrame({"period": [PERIOD - 12, PERIOD - 1, PERIOD], "value": [0.9392, 0.9512, 0.9512]})


def test_a_card_says_value_status_change_target_and_lead_in_chinese():
    shown = card(row(), HISTORY, "coverage_rate", PERIOD, "zh")
    assert (shown.title, shown.status, shown.color) == ("参保率", "已达标", STATUS_COLORS["achieved"])
    assert shown.value == "95.1%"
    assert (shown.delta, shown.delta_flat) == ("持平 较上月", True)
    assert shown.year == "较去年同期 +1.20 个百分点"
    assert shown.target_line == "目标 95.0%（2026-12）"
    assert (shown.note, shown.overdue) == (None, None)
    assert shown.gap_line == "超出目标 0.12 个百分点"


def test_a_card_with_carried_rows_reads_estimated_and_one_without_a_value_says_so():
    assert card(row(carried=2), HISTORY, "coverage_rate", PERIOD, "en").value == "95.1% (estimated)"
    empty = card(row(value=math.nan, target=math.nan, status=None, gap_pp=math.nan), HISTORY.head(0), "coverage_rate", PERIOD, "en")
    assert (empty.value, empty.delta, empty.target_line, empty.color) == ("—", None, None, STATUS_COLORS["none"])
    assert empty.gap_line == "No data for this period"


def test_a_card_above_100_percent_explains_its_warning_mark():
    # issue 11: the card showed "191.5% ⚠" with nothing saying what the mark means
    shown = card(row(value=1.915, status="achieved", gap_pp=-0.965), HISTORY, "coverage_rate", PERIOD, "zh")
    assert shown.value == "191.5% ⚠"
    assert shown.implausible == "⚠ 超过 100%，数据不合理，请核实是否重复计算"
    assert card(row(), HISTORY, "coverage_rate", PERIOD, "zh").implausible is None


# --------------------------------------------------------------------------- projection (issue 15 point 7)

BEHIND = dict(value=0.90, status="behind", gap_pp=0.05, gap_persons=50, projected=0.93)
LAST_MILESTONE = month_index("2035-12")


def test_a_card_says_when_the_recent_pace_reaches_the_target():
    shown = card(row(**BEHIND, eta=month_index("2028-03")), HISTORY, "coverage_rate", PERIOD, "zh", LAST_MILESTONE)
    assert shown.eta_line == "按近期趋势，预计 2028-03 达标"


def test_a_card_without_an_eta_says_the_target_cannot_be_reached_within_the_plan():
    shown = card(row(**BEHIND, eta=pd.NA), HISTORY, "coverage_rate", PERIOD, "zh", LAST_MILESTONE)
    assert shown.eta_line == "计划期内无法达标"
    english = card(row(**BEHIND, eta=math.nan), HISTORY, "coverage_rate", PERIOD, "en", LAST_MILESTONE)
    assert english.eta_line == "Cannot reach the target within the plan"


def test_a_card_with_an_eta_after_the_last_milestone_says_the_target_cannot_be_reached_within_the_plan():
    at_last = card(row(**BEHIND, eta=LAST_MILESTONE), HISTORY, "coverage_rate", PERIOD, "zh", LAST_MILESTONE)
    after = card(row(**BEHIND, eta=LAST_MILESTONE + 1), HISTORY, "coverage_rate", PERIOD, "zh", LAST_MILESTONE)
    assert (at_last.eta_line, after.eta_line) == ("按近期趋势，预计 2035-12 达标", "计划期内无法达标")


def test_a_card_says_nothing_of_a_projection_without_one_or_once_the_target_is_reached():
    assert card(row(**{**BEHIND, "projected": math.nan}, eta=math.nan), HISTORY, "coverage_rate", PERIOD, "zh", LAST_MILESTONE).eta_line is None
    assert card(row(projected=0.96, eta=PERIOD), HISTORY, "coverage_rate", PERIOD, "zh", LAST_MILESTONE).eta_line is None


def test_a_card_whose_trend_reaches_the_target_this_month_says_the_figure_has_not_yet():
    # the demo's payment rate: 79.2% against 80% while the fitted line reaches 80% at the report's month
    shown = card(row(**BEHIND, eta=PERIOD, period=PERIOD), HISTORY, "coverage_rate", PERIOD, "zh", LAST_MILESTONE)
    assert shown.eta_line == "按近期趋势本月应已达标，但本月数值仍未达标"
