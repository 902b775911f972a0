"""What the vice-mayor's briefing picks: the best and worst five, and the months its trend spans."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.briefing import AHEAD_MONTHS, TREND_MONTHS, best_and_worst, trend_months, unranked_count
from metrics.periods import month_index as m


def league(values: dict[str, float | None], metric: str = "coverage_rate") -> pd.DataFrame:
    """Report rows ranked together: competition ranking by value, none last."""
    frame = pd.DataFrame({"region_code": list(values), "value": list(values.values())})
    frame["metric"] = metric
    frame["region_name"] = "r" + frame["region_code"]
    ranks = frame["value"].rank(method="min", ascending=False)
    frame["rank"] = pd.array([None if pd.isna(r) else int(r) for r in ranks], dtype="Int64")
    return frame


def test_the_best_five_and_the_worst_five_come_in_rank_order():
    rows = league({f"{i:02d}": 0.90 + i / 1000 for i in range(12)})
    best, worst = best_and_worst(rows, "coverage_rate")
    assert best["region_code"].tolist() == ["11", "10", "09", "08", "07"]
    assert best["rank"].tolist() == [1, 2, 3, 4, 5]
    assert worst["region_code"].tolist() == ["04", "03", "02", "01", "00"]
    assert worst["rank"].tolist() == [8, 9, 10, 11, 12]


def test_with_fewer_than_ten_regions_the_lists_split_them_without_overlap():
    best, worst = best_and_worst(league({c: 0.9 + i / 100 for i, c in enumerate("abcdefghi")}), "coverage_rate")
    assert (len(best), len(worst)) == (5, 4)
    assert set(best["region_code"]).isdisjoint(worst["region_code"])
    best, worst = best_and_worst(league({"a": 0.9}), "coverage_rate")
    assert (best["region_code"].tolist(), worst.empty) == (["a"], True)


def test_regions_without_a_value_are_in_neither_list_but_counted():
    rows = league({"a": 0.95, "b": None, "c": 0.91, "d": None})
    best, worst = best_and_worst(rows, "coverage_rate")
    assert best["region_code"].tolist() == ["a"] and worst["region_code"].tolist() == ["c"]
    assert unranked_count(rows, "coverage_rate") == 2


def test_only_the_asked_metric_is_listed():
    rows = pd.concat([league({"a": 0.9, "b": 0.8}), league({"a": 0.1, "b": 0.5}, metric="payment_rate")])
    best, _ = best_and_worst(rows, "payment_rate")
    assert best["region_code"].tolist() == ["b"]


def test_ties_share_a_rank_and_list_by_code():
    best, worst = best_and_worst(league({"b": 0.95, "a": 0.95, "c": 0.90}), "coverage_rate")
    assert best["region_code"].tolist() == ["a", "b"] and best["rank"].tolist() == [1, 1]
    assert worst["region_code"].tolist() == ["c"]


def test_the_payment_rate_trend_spans_the_calendar_year():
    months = trend_months("payment_rate", m("2026-10"), m("2018-01"), m("2022-12"), m("2026-11"))
    assert (months[0], months[-1], len(months)) == (m("2026-01"), m("2026-12"), 12)


def test_a_stock_metric_trend_runs_from_the_baseline_to_the_period():
    months = trend_months("coverage_rate", m("2026-10"), m("2018-01"), m("2022-12"), m("2035-12"))
    assert (months[0], months[-1]) == (m("2022-12"), m("2026-10"))


def test_the_trend_looks_back_at_most_four_years_and_never_before_the_data():
    months = trend_months("coverage_rate", m("2030-06"), m("2018-01"), m("2022-12"), m("2035-12"))
    assert len(months) == TREND_MONTHS and months[-1] == m("2030-06")
    months = trend_months("coverage_rate", m("2024-06"), m("2024-01"), m("2022-12"), m("2025-12"))
    assert months[0] == m("2024-01")


@pytest.mark.parametrize(("due", "last"), [("2027-03", "2027-03"), ("2027-10", "2027-10"), ("2028-06", "2026-10")])
def test_the_trend_reaches_ahead_to_a_target_due_within_a_year(due, last):
    assert AHEAD_MONTHS == 12
    months = trend_months("employee_share", m("2026-10"), m("2018-01"), m("2022-12"), m(due))
    assert months[-1] == m(last)
