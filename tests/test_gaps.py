"""Where the persons still needed are: gaps largest first with their cumulative share, and the monthly
pace each region needs until its deadline against the pace it has kept. Every number is worked by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from metrics.gaps import (
    GAP_COLUMNS,
    concentration,
    gap_counts,
    gap_table,
    kept_pace,
    months_left,
    pace_flags,
    pace_months,
)
from metrics.periods import month_index

T = month_index("2026-10")
DUE = month_index("2027-02")  # four months after T


def series(rows: list[tuple[str, str, str, int | None]]) -> pd.DataFrame:
    """(region, YYYY-MM, metric, numerator) -> ``metric_series``' shape."""
    frame = pd.DataFrame(rows, columns=["region_code", "period", "metric", "numerator"])
    frame["period"] = frame["period"].map(month_index)
    frame["numerator"] = frame["numerator"].astype("Int64")
    frame["denominator"] = pd.array([10_000] * len(frame), dtype="Int64")
    frame["value"] = frame["numerator"].astype("float64") / 10_000
    return frame


def report(rows: list[tuple[str, int | None]], metric: str = "coverage_rate", due: int = DUE) -> pd.DataFrame:
    """(region, gap_persons) -> a report as ``metrics_report`` gives it."""
    frame = pd.DataFrame(rows, columns=["region_code", "gap_persons"])
    frame["region_name"] = "R" + frame["region_code"]
    frame["metric"] = metric
    frame["value"] = 0.9
    frame["target"] = 0.95
    frame["target_by"] = pd.array([due] * len(frame), dtype="Int64")
    frame["gap_persons"] = frame["gap_persons"].astype("Int64")
    return frame


# --------------------------------------------------------------------------- months left


@pytest.mark.parametrize(
    ("due", "expected"),
    [("2027-02", 4), ("2026-11", 1), ("2026-10", 1), ("2026-07", 1), ("2035-12", 110)],
)
def test_months_left_run_to_the_deadline_and_never_fall_below_one(due, expected):
    assert months_left(month_index(due), T) == expected


def test_no_deadline_leaves_no_months():
    assert months_left(None, T) is None
    assert months_left(pd.NA, T) is None


# --------------------------------------------------------------------------- kept pace


def test_kept_pace_is_the_average_monthly_increase_over_the_last_twelve_months():
    rows = series(
        [
            ("A", "2025-10", "coverage_rate", 1000),  # 12 months before: +240 in 12 months = 20 a month
            ("A", "2026-04", "coverage_rate", 1100),
            ("A", "2026-10", "coverage_rate", 1240),
            ("B", "2025-12", "coverage_rate", 500),  # first month in the window: -50 in 10 months = -5 a month
            ("B", "2026-10", "coverage_rate", 450),
            ("C", "2025-10", "coverage_rate", 800),  # nothing at the period: no pace
            ("D", "2026-10", "coverage_rate", 300),  # nothing before the period: no pace
            ("E", "2025-09", "coverage_rate", 100),  # 13 months before: outside the window
            ("E", "2026-10", "coverage_rate", 200),
        ]
    )
    pace = kept_pace(rows, "coverage_rate", T)
    assert pace["A"] == pytest.approx(20.0)
    assert pace["B"] == pytest.approx(-5.0)
    assert "C" not in pace.index or math.isnan(pace["C"])
    assert math.isnan(pace["D"])
    assert math.isnan(pace["E"])


def test_the_payment_rate_pace_counts_from_zero_in_the_december_before():
    rows = series(
        [
            ("A", "2026-01", "payment_rate", 50),
            ("A", "2026-10", "payment_rate", 800),  # 800 paid in ten months: 80 a month
            ("A", "2025-12", "payment_rate", 9000),  # last year's total plays no part
        ]
    )
    assert kept_pace(rows, "payment_rate", T)["A"] == pytest.approx(80.0)


def test_the_months_read_for_the_pace():
    assert pace_months("coverage_rate", T) == list(range(T - 12, T + 1))
    assert pace_months("payment_rate", T) == list(range(month_index("2026-01"), T + 1))


# --------------------------------------------------------------------------- the gap table


GAP_REPORT = report([("A", 600), ("B", 300), ("C", 100), ("D", 0), ("E", None), ("F", 300)])
GAP_SERIES = series(
    [
        ("A", "2025-10", "coverage_rate", 1000),
        ("A", "2026-10", "coverage_rate", 1240),  # kept 20 a month
        ("B", "2025-10", "coverage_rate", 1000),
        ("B", "2026-10", "coverage_rate", 2200),  # kept 100 a month
        ("C", "2026-10", "coverage_rate", 700),  # no earlier month: pace unknown
        ("F", "2025-10", "coverage_rate", 1000),
        ("F", "2026-10", "coverage_rate", 1900),  # kept 75 a month
    ]
)


def test_the_gap_table_lists_regions_with_a_gap_largest_first_with_shares():
    table = gap_table(GAP_REPORT, GAP_SERIES, "coverage_rate", T)
    assert list(table.columns) == list(GAP_COLUMNS)
    assert table["region_code"].tolist() == ["A", "B", "F", "C"]  # equal gaps by code
    assert table["gap_persons"].tolist() == [600, 300, 300, 100]
    assert table["share"].tolist() == pytest.approx([600 / 1300, 300 / 1300, 300 / 1300, 100 / 1300])
    assert table["cumulative_share"].tolist() == pytest.approx([600 / 1300, 900 / 1300, 1200 / 1300, 1.0])


def test_needed_pace_spreads_the_gap_over_the_months_left_and_is_compared_with_the_kept_pace():
    table = gap_table(GAP_REPORT, GAP_SERIES, "coverage_rate", T).set_index("region_code")
    assert table["months_left"].tolist() == [4, 4, 4, 4]
    assert table["needed_pace"].tolist() == pytest.approx([150.0, 75.0, 75.0, 25.0])
    assert table.loc["A", "kept_pace"] == pytest.approx(20.0)
    assert table.loc["B", "kept_pace"] == pytest.approx(100.0)
    assert bool(table.loc["A", "short_of_pace"]) is True  # needs 150, keeps 20
    assert bool(table.loc["B", "short_of_pace"]) is False  # needs 75, keeps 100
    assert bool(table.loc["F", "short_of_pace"]) is False  # needs 75, keeps 75: enough
    assert pd.isna(table.loc["C", "short_of_pace"])  # pace unknown
    assert pace_flags(table.reset_index()).tolist() == ["short", "ok", "ok", "unknown"]


def test_a_deadline_already_past_leaves_the_whole_gap_for_one_month():
    table = gap_table(report([("A", 600)], due=month_index("2026-08")), GAP_SERIES, "coverage_rate", T)
    assert table["months_left"].tolist() == [1]
    assert table["needed_pace"].tolist() == [600.0]


def test_when_no_region_has_a_gap_the_table_is_empty():
    table = gap_table(report([("A", 0), ("B", None)]), GAP_SERIES, "coverage_rate", T)
    assert table.empty and list(table.columns) == list(GAP_COLUMNS)
    assert concentration(table) is None


def test_the_table_reads_only_the_chosen_metric():
    both = pd.concat([GAP_REPORT, report([("Z", 5000)], metric="payment_rate")], ignore_index=True)
    table = gap_table(both, GAP_SERIES, "coverage_rate", T)
    assert "Z" not in table["region_code"].tolist()


def test_counts_of_regions_with_a_gap_without_one_without_a_target_and_without_a_figure():
    rows = GAP_REPORT.copy()
    rows.loc[rows["region_code"] == "E", "value"] = None  # no figure, so no gap
    assert gap_counts(rows, "coverage_rate") == {"with_gap": 4, "without_gap": 1, "no_target": 0, "no_data": 1}
    rows.loc[rows["region_code"] == "D", ["target", "gap_persons"]] = [None, None]  # a figure, but no target this year
    assert gap_counts(rows, "coverage_rate") == {"with_gap": 4, "without_gap": 0, "no_target": 1, "no_data": 1}


# --------------------------------------------------------------------------- concentration


def test_concentration_says_how_much_the_first_few_hold_and_how_few_hold_most():
    table = gap_table(GAP_REPORT, GAP_SERIES, "coverage_rate", T)
    summary = concentration(table, top=2, share=0.8)
    assert summary.top == 2 and summary.top_share == pytest.approx(900 / 1300)
    assert summary.regions_for_share == 3  # 900/1300 = 69% < 80% <= 1200/1300 = 92%
    assert summary.regions_with_gap == 4 and summary.total_gap == 1300


def test_concentration_counts_a_share_reached_exactly():
    table = gap_table(report([("A", 800), ("B", 200)]), GAP_SERIES, "coverage_rate", T)
    assert concentration(table, top=5, share=0.8).regions_for_share == 1
    assert concentration(table, top=5).top == 2  # no more than there are


def test_an_overdue_target_needs_the_whole_gap_now_whatever_its_next_deadline():
    """Issue 8: 95% was due by 2025-12; at 2026-10 the next milestone is 2035-12, yet the gap is needed now."""
    late = report([("A", 600), ("B", 300)], due=month_index("2035-12"))
    late["overdue_months"] = pd.array([10, None], dtype="Int64")
    table = gap_table(late, GAP_SERIES, "coverage_rate", T).set_index("region_code")
    assert table["months_left"].tolist() == [1, 110]
    assert table["needed_pace"].tolist() == pytest.approx([600.0, 300 / 110])
    assert table["overdue_months"].tolist()[0] == 10 and pd.isna(table.loc["B", "overdue_months"])
