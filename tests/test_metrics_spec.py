"""The metric definitions of docs/metrics.md, one rule per test.

Each test builds a small world through the real import path and compares
the report with figures worked out by hand in the test.
"""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.compute import gap_persons, status_of
from metrics.periods import month_index
from tests.world import TARGETS, World

TOWN_A, TOWN_B = "530102001", "530102002"
ANNING, ANNING_VILLAGE_TOWN = "530181", "530181002"
VILLAGE_1, VILLAGE_2 = "530181002201", "530181002202"


@pytest.fixture
def world(tmp_path):
    return World(tmp_path)


@pytest.fixture
def carrying(tmp_path):
    """A world whose targets file carries rows forward two months (reporting.carry_forward_months: 2)."""
    return World(tmp_path, targets=TARGETS + "reporting:\n  carry_forward_months: 2\n")


# --------------------------------------------------------------------------- aggregation


def test_sums_run_over_the_region_itself_and_all_its_descendants(world):
    world.population([("2024-12", "530181001", 1000), ("2024-12", VILLAGE_1, 500), ("2024-12", VILLAGE_2, 500)])
    world.snapshots(
        [
            # the county reports its employee scheme itself, townships and villages the resident scheme
            ("2025-06", ANNING, "employee", 300, 50, 240),
            ("2025-06", "530181001", "resident", 600, 100, 300),
            ("2025-06", VILLAGE_1, "resident", 400, 100, 200),
            ("2025-06", VILLAGE_2, "resident", 450, 50, 100),
        ]
    )
    row = world.row("2025-06", ANNING, "coverage_rate", level="county")
    assert (row["numerator"], row["denominator"]) == (300 + 600 + 400 + 450, 2000)
    assert row["value"] == pytest.approx(1750 / 2000)


def test_village_only_township_sums_its_villages(world):
    world.population([("2024-12", VILLAGE_1, 500), ("2024-12", VILLAGE_2, 700)])
    world.snapshots([("2025-06", VILLAGE_1, "resident", 450, 50, 100), ("2025-06", VILLAGE_2, "resident", 600, 100, 250)])
    row = world.row("2025-06", ANNING_VILLAGE_TOWN, "payment_rate", level="township")
    assert (row["numerator"], row["denominator"]) == (350, 900)


def test_contribution_phase_is_insured_minus_receiving_and_employee_schemes_are_employee_and_public(world):
    world.population([("2024-12", TOWN_A, 5000)])
    world.snapshots(
        [
            ("2025-06", TOWN_A, "employee", 1000, 200, 700),
            ("2025-06", TOWN_A, "public", 300, 100, 150),
            ("2025-06", TOWN_A, "resident", 3000, 1000, 1200),
        ]
    )
    row = world.row("2025-06", TOWN_A, "employee_share", level="township")
    assert (row["numerator"], row["denominator"]) == (800 + 200, 800 + 200 + 2000)
    assert row["value"] == pytest.approx(1000 / 3000)


def test_population_is_the_latest_row_at_or_before_the_period(world):
    world.population([("2023-12", TOWN_A, 1000), ("2024-12", TOWN_A, 1100), ("2025-12", TOWN_A, 1300)])
    world.snapshots([(p, TOWN_A, "resident", 990, 0, 0) for p in ("2024-11", "2024-12", "2025-06")])
    assert world.row("2024-11", TOWN_A, "coverage_rate", level="township")["denominator"] == 1000
    assert world.row("2024-12", TOWN_A, "coverage_rate", level="township")["denominator"] == 1100
    assert world.row("2025-06", TOWN_A, "coverage_rate", level="township")["denominator"] == 1100


def test_population_sums_each_subtree_region_latest_row(world):
    world.population([("2023-12", VILLAGE_1, 400), ("2024-12", VILLAGE_2, 600), ("2025-12", VILLAGE_1, 999)])
    world.snapshots([("2025-06", VILLAGE_1, "resident", 380, 0, 0), ("2025-06", VILLAGE_2, "resident", 570, 0, 0)])
    row = world.row("2025-06", ANNING_VILLAGE_TOWN, "coverage_rate", level="township")
    assert row["denominator"] == 400 + 600


def test_no_population_row_at_or_before_the_period_means_no_coverage_rate(world):
    world.population([("2025-12", TOWN_A, 1000)])
    world.snapshots([("2025-06", TOWN_A, "resident", 900, 0, 0)])
    row = world.row("2025-06", TOWN_A, "coverage_rate", level="township")
    assert row["denominator"] is None and row["value"] is None and row["status"] is None


def test_snapshots_are_never_carried_forward_when_carry_forward_is_off(world):
    world.population([("2024-12", TOWN_A, 1000)])
    world.snapshots([("2025-05", TOWN_A, "resident", 900, 100, 500)])
    row = world.row("2025-06", TOWN_A, "coverage_rate", level="township")
    assert row["numerator"] is None and row["value"] is None


def test_every_metric_of_a_region_without_snapshot_rows_is_none(world):
    world.population([("2024-12", TOWN_A, 1000), ("2024-12", TOWN_B, 1000)])
    world.snapshots([("2025-06", TOWN_B, "resident", 900, 100, 500)])
    frame = world.report("2025-06", level="township", root="530102")
    town_a = frame[frame["region_code"] == TOWN_A]
    assert len(town_a) == 3
    assert town_a["value"].isna().all() and town_a["status"].isna().all() and town_a["rank"].isna().all()


def test_zero_denominator_gives_no_value_never_zero(world):
    world.population([("2024-12", TOWN_A, 1000)])
    # everyone is a pensioner: no one in the contribution phase
    world.snapshots([("2025-06", TOWN_A, "resident", 500, 500, 0)])
    payment = world.row("2025-06", TOWN_A, "payment_rate", level="township")
    share = world.row("2025-06", TOWN_A, "employee_share", level="township")
    assert payment["denominator"] == 0 and payment["value"] is None
    assert share["denominator"] == 0 and share["value"] is None


def test_target_schemes_restrict_the_payment_rate_to_those_schemes(world):
    world.population([("2024-12", TOWN_A, 5000)])
    world.snapshots(
        [
            ("2026-07", TOWN_A, "employee", 1000, 200, 800),
            ("2026-07", TOWN_A, "resident", 3000, 1000, 1300),
        ]
    )
    row = world.row("2026-07", TOWN_A, "payment_rate", level="township")
    assert (row["numerator"], row["denominator"]) == (1300, 2000)


def test_target_schemes_restrict_the_coverage_rate_when_a_target_says_so(tmp_path):
    targets = """
    baseline: 2022-12
    warning_band: 0.02
    targets:
      coverage_rate:
        schemes: [resident]
        milestones: [{by: 2025-12, value: 0.95}]
    """
    world = World(tmp_path, targets)
    world.population([("2024-12", TOWN_A, 5000)])
    world.snapshots([("2025-06", TOWN_A, "employee", 1000, 0, 0), ("2025-06", TOWN_A, "resident", 3000, 0, 0)])
    assert world.row("2025-06", TOWN_A, "coverage_rate", level="township")["numerator"] == 3000


def test_employee_share_is_zero_not_none_where_only_residents_report(world):
    world.population([("2024-12", TOWN_A, 1000)])
    world.snapshots([("2025-06", TOWN_A, "resident", 900, 100, 500)])
    row = world.row("2025-06", TOWN_A, "employee_share", level="township")
    assert (row["numerator"], row["denominator"], row["value"]) == (0, 800, 0.0)


def test_completeness_is_the_share_of_regions_with_population_that_reported(world):
    # the county 530181 subtree: 530181001 and both villages have population; only one village reported
    world.population([("2024-12", "530181001", 1000), ("2024-12", VILLAGE_1, 500), ("2024-12", VILLAGE_2, 500)])
    world.snapshots([("2025-06", VILLAGE_1, "resident", 450, 0, 0)])
    row = world.row("2025-06", ANNING, "coverage_rate", level="county")
    assert row["completeness"] == pytest.approx(1 / 3)


def test_completeness_is_none_where_no_region_has_population(world):
    world.snapshots([("2025-06", TOWN_A, "resident", 450, 0, 0)])
    assert world.row("2025-06", TOWN_A, "coverage_rate", level="township")["completeness"] is None


# --------------------------------------------------------------------------- targets and trajectory


def _steady(world: World, code: str, months: list[str], insured: int, required: int = 1000):
    world.population([("2017-12", code, required)])
    world.snapshots([(m, code, "resident", insured, 0, 0) for m in months])


def test_target_is_the_first_milestone_at_or_after_the_period(world):
    _steady(world, TOWN_A, ["2025-12", "2026-01"], 900)
    at_milestone = world.row("2025-12", TOWN_A, "employee_share", level="township")
    after = world.row("2026-01", TOWN_A, "employee_share", level="township")
    assert (at_milestone["target"], at_milestone["target_by"]) == (0.30, month_index("2025-12"))
    assert (after["target"], after["target_by"]) == (0.50, month_index("2035-12"))


def test_target_after_the_last_milestone_is_the_last(world):
    _steady(world, TOWN_A, ["2036-03"], 900)
    row = world.row("2036-03", TOWN_A, "employee_share", level="township")
    assert (row["target"], row["target_by"]) == (0.50, month_index("2035-12"))


def test_override_replaces_milestones_for_the_whole_subtree_and_nearest_wins(tmp_path):
    targets = """
    baseline: 2022-12
    warning_band: 0.02
    targets:
      coverage_rate: [{by: 2025-12, value: 0.95}, {by: 2035-12, value: 0.95}]
    overrides:
      "5301": {coverage_rate: [{by: 2035-12, value: 0.97}]}
      "530181": {coverage_rate: [{by: 2025-12, value: 0.95}, {by: 2035-12, value: 0.96}]}
    """
    world = World(tmp_path, targets)
    world.population([("2024-12", TOWN_A, 1000), ("2024-12", "530181001", 1000)])
    world.snapshots([("2030-06", TOWN_A, "resident", 900, 0, 0), ("2030-06", "530181001", "resident", 900, 0, 0)])
    assert world.row("2030-06", TOWN_A, "coverage_rate", level="township")["target"] == 0.97
    assert world.row("2030-06", "530181001", "coverage_rate", level="township")["target"] == 0.96


def test_trajectory_runs_from_the_baseline_value_to_the_next_milestone(world):
    # coverage 0.85 at the baseline 2022-12; next milestone 0.95 at 2025-12 (36 months later)
    world.population([("2017-12", TOWN_A, 1000)])
    world.snapshots([("2022-12", TOWN_A, "resident", 850, 0, 0), ("2024-06", TOWN_A, "resident", 900, 0, 0)])
    row = world.row("2024-06", TOWN_A, "coverage_rate", level="township")
    assert row["trajectory"] == pytest.approx(0.85 + (0.95 - 0.85) * 18 / 36)


def test_trajectory_starts_at_the_first_value_after_the_baseline_when_the_baseline_has_none(world):
    world.population([("2017-12", TOWN_A, 1000)])
    world.snapshots([("2023-12", TOWN_A, "resident", 890, 0, 0), ("2024-12", TOWN_A, "resident", 920, 0, 0)])
    row = world.row("2024-12", TOWN_A, "coverage_rate", level="township")
    assert row["trajectory"] == pytest.approx(0.89 + (0.95 - 0.89) * 12 / 24)


def test_trajectory_is_none_before_the_start_and_status_then_uses_the_target(world):
    world.population([("2017-12", TOWN_A, 1000)])
    world.snapshots([("2021-06", TOWN_A, "resident", 940, 0, 0)])
    row = world.row("2021-06", TOWN_A, "coverage_rate", level="township")
    assert row["trajectory"] is None
    assert row["status"] == "behind"  # 0.95 - 0.94 = 0.01 <= warning band, against the target


def test_trajectory_is_flat_after_the_last_milestone(world):
    world.population([("2017-12", TOWN_A, 1000)])
    world.snapshots([("2022-12", TOWN_A, "resident", 100, 0, 0), ("2036-06", TOWN_A, "resident", 100, 0, 0)])
    row = world.row("2036-06", TOWN_A, "employee_share", level="township")
    assert row["value"] == 0.0 and row["trajectory"] == pytest.approx(0.50)


def test_trajectory_is_the_target_when_no_milestone_lies_after_the_start(tmp_path):
    targets = """
    baseline: 2022-12
    warning_band: 0.02
    targets:
      coverage_rate: [{by: 2020-12, value: 0.95}]
    """
    world = World(tmp_path, targets)
    world.population([("2017-12", TOWN_A, 1000)])
    world.snapshots([("2022-12", TOWN_A, "resident", 800, 0, 0), ("2023-06", TOWN_A, "resident", 800, 0, 0)])
    row = world.row("2023-06", TOWN_A, "coverage_rate", level="township")
    assert row["trajectory"] == 0.95 and row["status"] == "off_track"


def test_payment_target_is_the_first_milestone_of_the_periods_year_at_or_after_it(world):
    _steady(world, TOWN_A, ["2026-03", "2026-08", "2026-12"], 900)
    assert world.row("2026-03", TOWN_A, "payment_rate", level="township")["target"] == 0.60
    assert world.row("2026-08", TOWN_A, "payment_rate", level="township")["target"] == 0.70
    december = world.row("2026-12", TOWN_A, "payment_rate", level="township")
    assert (december["target"], december["target_by"]) == (0.80, month_index("2026-11"))


def test_payment_rate_has_no_target_in_a_year_without_milestones(world):
    _steady(world, TOWN_A, ["2027-03"], 900)
    row = world.row("2027-03", TOWN_A, "payment_rate", level="township")
    assert row["target"] is None and row["trajectory"] is None and row["status"] is None


def test_payment_trajectory_climbs_from_zero_in_the_december_before(world):
    world.population([("2017-12", TOWN_A, 1000)])
    world.snapshots([("2026-03", TOWN_A, "resident", 1000, 0, 100), ("2026-10", TOWN_A, "resident", 1000, 0, 760)])
    march = world.row("2026-03", TOWN_A, "payment_rate", level="township")
    october = world.row("2026-10", TOWN_A, "payment_rate", level="township")
    assert march["trajectory"] == pytest.approx(0.60 * 3 / 7)
    assert october["trajectory"] == pytest.approx(0.70 + (0.80 - 0.70) * 2 / 3)
    assert march["status"] == "off_track"  # 0.257 - 0.10 > 0.02
    assert october["status"] == "behind"  # 0.7667 - 0.76 <= 0.02


# --------------------------------------------------------------------------- status


@pytest.mark.parametrize(
    ("value", "target", "reference", "expected"),
    [
        (None, 0.95, 0.93, None),
        (0.90, None, None, None),
        (0.95, 0.95, 0.97, "achieved"),
        (0.95 - 1e-10, 0.95, 0.97, "achieved"),  # within the 1e-9 tolerance
        (0.93, 0.95, 0.93, "on_track"),
        (0.94, 0.95, 0.93, "on_track"),
        (0.91, 0.95, 0.93, "behind"),  # exactly the warning band below the trajectory
        (0.9099, 0.95, 0.93, "off_track"),
        (0.94, 0.95, None, "behind"),  # no trajectory: the target is the reference
        (0.92, 0.95, None, "off_track"),
    ],
)
def test_status_is_checked_in_order_achieved_on_track_behind_off_track(value, target, reference, expected):
    status = status_of(
        pd.Series([value], dtype="float64"),
        pd.Series([target], dtype="float64"),
        pd.Series([reference if reference is not None else target], dtype="float64"),
        0.02,
    )
    assert status[0] == expected


# --------------------------------------------------------------------------- gaps


def test_gap_pp_is_target_minus_value_negative_when_ahead(world):
    world.population([("2017-12", TOWN_A, 1000), ("2017-12", TOWN_B, 1000)])
    world.snapshots([("2025-06", TOWN_A, "resident", 930, 0, 0), ("2025-06", TOWN_B, "resident", 970, 0, 0)])
    assert world.row("2025-06", TOWN_A, "coverage_rate", level="township")["gap_pp"] == pytest.approx(0.02)
    assert world.row("2025-06", TOWN_B, "coverage_rate", level="township")["gap_pp"] == pytest.approx(-0.02)


@pytest.mark.parametrize(
    ("target", "numerator", "denominator", "expected"),
    [
        (0.95, 949, 1000, 1),
        (0.95, 950, 1000, 0),  # exactly at the target
        (0.95, 990, 1000, 0),  # ahead: never below 0
        (0.95, 18, 21, 2),  # 19.95 - 18 = 1.95 -> 2
        (0.07, 7, 100, 0),  # 0.07 * 100 is 7.000000000000001 in binary floating point
        (0.57, 56, 100, 1),  # 0.57 * 100 is 56.99999999999999 in binary floating point
        (0.3, 0, 3, 1),  # 0.3 * 3 is 0.8999999999999999 in binary floating point
    ],
)
def test_gap_persons_rounds_up_exactly_at_the_boundary(target, numerator, denominator, expected):
    result = gap_persons(
        pd.Series([target]), pd.Series([numerator], dtype="Int64"), pd.Series([denominator], dtype="Int64")
    )
    assert int(result[0]) == expected


def test_employee_share_gap_persons_is_the_moves_from_resident_to_employee_schemes(world):
    world.population([("2017-12", TOWN_A, 5000)])
    world.snapshots([("2025-12", TOWN_A, "employee", 500, 100, 300), ("2025-12", TOWN_A, "resident", 2200, 600, 900)])
    row = world.row("2025-12", TOWN_A, "employee_share", level="township")
    # 400 of 2000 contribution-phase persons in the employee schemes; 30% is 600: 200 must move
    assert (row["numerator"], row["denominator"], row["gap_persons"]) == (400, 2000, 200)


def test_coverage_gap_persons_is_ceiling_of_target_times_required_minus_insured(world):
    world.population([("2017-12", TOWN_A, 12345)])
    world.snapshots([("2025-12", TOWN_A, "resident", 11000, 0, 0)])
    assert world.row("2025-12", TOWN_A, "coverage_rate", level="township")["gap_persons"] == 11728 - 11000


# --------------------------------------------------------------------------- ranking


def _ranked_world(world: World, now: dict[str, int | None], before: dict[str, int | None] | None = None):
    codes = list(now)
    world.population([("2017-12", code, 1000) for code in codes])
    rows = [("2025-06", code, "resident", insured, 0, 0) for code, insured in now.items() if insured is not None]
    if before:
        rows += [("2025-05", code, "resident", insured, 0, 0) for code, insured in before.items() if insured is not None]
    world.snapshots(rows)


def test_ranking_is_competition_ranking_highest_first_ties_listed_by_code(world):
    _ranked_world(world, {"530181001": 960, TOWN_B: 950, TOWN_A: 950, "530181002201": 940})
    frame = world.report("2025-06", metrics=["coverage_rate"], codes=["530181001", TOWN_B, TOWN_A, "530181002201"])
    assert frame["region_code"].tolist() == ["530181001", TOWN_A, TOWN_B, "530181002201"]
    assert frame["rank"].tolist() == [1, 2, 2, 4]


def test_regions_without_a_value_have_no_rank_and_come_last(world):
    _ranked_world(world, {TOWN_A: None, TOWN_B: 900, "530181001": 950})
    frame = world.report("2025-06", metrics=["coverage_rate"], level="township")
    assert frame["region_code"].tolist()[:2] == ["530181001", TOWN_B]
    unranked = frame[frame["rank"].isna()]["region_code"].tolist()
    assert unranked == [TOWN_A, ANNING_VILLAGE_TOWN]


def test_rank_change_is_the_rank_then_minus_the_rank_now(world):
    _ranked_world(world, {TOWN_A: 960, TOWN_B: 950, "530181001": 940}, before={TOWN_A: 900, TOWN_B: 950, "530181001": 970})
    frame = world.report("2025-06", metrics=["coverage_rate"], codes=[TOWN_A, TOWN_B, "530181001"]).set_index("region_code")
    # May: 530181001 1st, TOWN_B 2nd, TOWN_A 3rd. June: TOWN_A 1st, TOWN_B 2nd, 530181001 3rd.
    assert frame.loc[TOWN_A, "rank_change"] == 2
    assert frame.loc[TOWN_B, "rank_change"] == 0
    assert frame.loc["530181001", "rank_change"] == -2


def test_rank_change_compares_with_the_given_period(world):
    _ranked_world(world, {TOWN_A: 960, TOWN_B: 950}, before={TOWN_A: 900, TOWN_B: 950})
    world.snapshots([("2025-03", TOWN_A, "resident", 999, 0, 0), ("2025-03", TOWN_B, "resident", 100, 0, 0)])
    frame = world.report("2025-06", metrics=["coverage_rate"], codes=[TOWN_A, TOWN_B], compare_to="2025-03")
    assert frame.set_index("region_code")["rank_change"].tolist() == [0, 0]
    frame = world.report("2025-06", metrics=["coverage_rate"], codes=[TOWN_A, TOWN_B])
    assert frame.set_index("region_code").loc[TOWN_A, "rank_change"] == 1


def test_rank_change_is_none_without_a_rank_at_the_comparison_period(world):
    _ranked_world(world, {TOWN_A: 960, TOWN_B: 950}, before={TOWN_B: 950})
    frame = world.report("2025-06", metrics=["coverage_rate"], codes=[TOWN_A, TOWN_B]).set_index("region_code")
    # TOWN_B was alone, so first, in May; second now.
    assert pd.isna(frame.loc[TOWN_A, "rank_change"]) and frame.loc[TOWN_B, "rank_change"] == -1


# --------------------------------------------------------------------------- projection


def test_projection_is_the_least_squares_line_at_the_target_month(world):
    # coverage 0.900, 0.905, 0.910, 0.915 over 2025-03..06: slope 0.005 a month
    world.population([("2017-12", TOWN_A, 1000)])
    world.snapshots([(f"2025-0{m}", TOWN_A, "resident", 900 + 5 * (m - 3), 0, 0) for m in range(3, 7)])
    row = world.row("2025-06", TOWN_A, "coverage_rate", level="township")
    assert row["target_by"] == month_index("2025-12")
    assert row["projected"] == pytest.approx(0.915 + 0.005 * 6)
    # the line reaches 0.95 at 0.915 + 0.005 * 7: 2026-01
    assert row["eta"] == month_index("2026-01")


def test_projection_fits_only_the_last_twelve_months(world):
    world.population([("2017-12", TOWN_A, 1000)])
    old = [("2024-05", TOWN_A, "resident", 100, 0, 0)]  # 13 months before: outside the window
    recent = [(p, TOWN_A, "resident", 900, 0, 0) for p in ("2025-04", "2025-05", "2025-06")]
    world.snapshots(old + recent)
    assert world.row("2025-06", TOWN_A, "coverage_rate", level="township")["projected"] == pytest.approx(0.90)


def test_projection_needs_at_least_three_values(world):
    world.population([("2017-12", TOWN_A, 1000)])
    world.snapshots([("2025-05", TOWN_A, "resident", 900, 0, 0), ("2025-06", TOWN_A, "resident", 910, 0, 0)])
    row = world.row("2025-06", TOWN_A, "coverage_rate", level="township")
    assert row["projected"] is None and row["eta"] is None


def test_eta_is_none_where_the_line_is_below_the_target_and_does_not_rise(world):
    world.population([("2017-12", TOWN_A, 1000)])
    world.snapshots([(p, TOWN_A, "resident", 920 - i, 0, 0) for i, p in enumerate(("2025-04", "2025-05", "2025-06"))])
    row = world.row("2025-06", TOWN_A, "coverage_rate", level="township")
    assert row["projected"] is not None and row["eta"] is None


def test_eta_is_the_period_itself_where_the_line_is_already_at_the_target(world):
    world.population([("2017-12", TOWN_A, 1000)])
    world.snapshots([(p, TOWN_A, "resident", 970 - i, 0, 0) for i, p in enumerate(("2025-04", "2025-05", "2025-06"))])
    assert world.row("2025-06", TOWN_A, "coverage_rate", level="township")["eta"] == month_index("2025-06")


def _slow_rise_world(world, persons_at_period: int) -> None:
    """A township of 1,000,000 people whose coverage rises by one person a month (slope 1e-6)."""
    world.population([("2017-12", TOWN_A, 1_000_000)])
    months = ("2025-04", "2025-05", "2025-06")
    world.snapshots([(p, TOWN_A, "resident", persons_at_period - 2 + i, 0, 0) for i, p in enumerate(months)])


def test_eta_exactly_1200_months_after_the_period_is_kept(world):
    # 0.948800 at 2025-06, +1e-6 a month: 0.95 after exactly 1200 months, i.e. 2125-06
    _slow_rise_world(world, 948_800)
    row = world.row("2025-06", TOWN_A, "coverage_rate", level="township")
    assert row["eta"] == month_index("2025-06") + 1200 == month_index("2125-06")


def test_eta_more_than_100_years_after_the_period_is_none(world):
    # 0.948799 at 2025-06: the line reaches 0.95 after 1201 months, more than 100 years: none (metrics.md §5)
    _slow_rise_world(world, 948_799)
    row = world.row("2025-06", TOWN_A, "coverage_rate", level="township")
    assert row["projected"] == pytest.approx(0.948799 + 6e-6) and row["eta"] is None


def test_eta_of_a_nearly_flat_line_is_none_not_an_astronomical_month(world):
    # one person more over three months in a population of 10^9: slope 5e-10 a month, crossing ~10^8 months away
    world.population([("2017-12", TOWN_A, 1_000_000_000)])
    world.snapshots([(p, TOWN_A, "resident", 900_000_000 + i // 2, 0, 0) for i, p in enumerate(("2025-04", "2025-05", "2025-06"))])
    row = world.row("2025-06", TOWN_A, "coverage_rate", level="township")
    assert row["projected"] is not None and row["eta"] is None


def test_payment_projection_fits_only_the_months_of_the_periods_year(world):
    world.population([("2017-12", TOWN_A, 1000)])
    december = [("2025-12", TOWN_A, "resident", 1000, 0, 900)]  # last year's high: not in the fit
    this_year = [(f"2026-0{m}", TOWN_A, "resident", 1000, 0, 100 * m) for m in (1, 2, 3)]
    world.snapshots(december + this_year)
    row = world.row("2026-03", TOWN_A, "payment_rate", level="township")
    # 0.1, 0.2, 0.3: slope 0.1; at 2026-07 the line is 0.7; it reaches 0.60 in 2026-06
    assert row["target_by"] == month_index("2026-07")
    assert row["projected"] == pytest.approx(0.7)
    assert row["eta"] == month_index("2026-06")


# --------------------------------------------------------------------------- carried rows (metrics.md §3, issue 8)


def test_carried_row_counts_as_reported_within_carry_forward_months(carrying):
    carrying.population([("2024-12", TOWN_A, 1000)])
    carrying.snapshots([("2025-04", TOWN_A, "resident", 800, 100, 300), ("2025-05", TOWN_A, "resident", 900, 100, 500)])
    june = carrying.row("2025-06", TOWN_A, "coverage_rate", level="township")
    july = carrying.row("2025-07", TOWN_A, "payment_rate", level="township")
    august = carrying.row("2025-08", TOWN_A, "coverage_rate", level="township")
    # The latest row (May) counts in June and July, all three fields; three months on it no longer does.
    assert (june["numerator"], june["denominator"], june["value"], june["carried"]) == (900, 1000, 0.9, 1)
    assert (july["numerator"], july["denominator"], july["carried"]) == (500, 800, 1)
    assert (august["numerator"], august["value"], august["carried"]) == (None, None, 0)


@pytest.mark.xfail(
    strict=True,
    reason="open (adversary, issue 8): the contract carries a row 'as if reported' even where another level of"
    " its subtree line reports that scheme at t, which then counts twice; metrics.md §3 must say which wins",
)
def test_a_carried_row_never_counts_a_scheme_twice_beside_a_reported_one_at_another_level(carrying):
    # 五华区 reported its employee scheme itself in March; from April its townships report it. "One scheme,
    # one level" (metrics.md §3) forbids a region and a descendant holding one (period, scheme); a carried
    # row is counted "as if reported", so the county's March row must not count on top of April's rows.
    carrying.population([("2025-12", TOWN_A, 1000), ("2025-12", TOWN_B, 1000)])
    carrying.snapshots([
        ("2026-03", "530102", "employee", 400, 0, 400),
        ("2026-03", TOWN_A, "resident", 500, 0, 0), ("2026-03", TOWN_B, "resident", 500, 0, 0),
        ("2026-04", TOWN_A, "resident", 500, 0, 0), ("2026-04", TOWN_B, "resident", 500, 0, 0),
        ("2026-04", TOWN_A, "employee", 200, 0, 200), ("2026-04", TOWN_B, "employee", 200, 0, 200),
    ])
    row = carrying.row("2026-04", "530102", "coverage_rate", level="county")
    assert (row["numerator"], row["carried"]) == (1400, 0)  # today: (1800, 1), the employees twice


def test_carried_rows_never_cross_a_january(carrying):
    carrying.population([("2024-12", TOWN_A, 1000)])
    carrying.snapshots([("2025-12", TOWN_A, "resident", 900, 100, 500)])
    row = carrying.row("2026-01", TOWN_A, "coverage_rate", level="township")
    assert (row["numerator"], row["value"], row["carried"]) == (None, None, 0)


def test_carried_rows_never_count_for_completeness(carrying):
    carrying.population([("2024-12", TOWN_A, 1000), ("2024-12", TOWN_B, 1000)])
    carrying.snapshots([("2025-06", TOWN_A, "resident", 900, 0, 0), ("2025-06", TOWN_B, "resident", 800, 0, 0)])
    carrying.snapshots([("2025-07", TOWN_A, "resident", 910, 0, 0)])
    row = carrying.row("2025-07", "530102", "coverage_rate", level="county")
    # TOWN_B's June row counts in the sum, but only TOWN_A reported July: completeness 1 of 2.
    assert (row["numerator"], row["denominator"], row["completeness"], row["carried"]) == (910 + 800, 2000, 0.5, 1)


def test_carried_counts_the_region_scheme_pairs_counted_through_a_carried_row(carrying):
    carrying.population([("2024-12", TOWN_A, 3000), ("2024-12", TOWN_B, 3000)])
    carrying.snapshots(
        [(p, town, scheme, 100, 0, 0) for p in ("2025-06",) for town in (TOWN_A, TOWN_B) for scheme in ("employee", "public", "resident")]
    )
    carrying.snapshots([("2025-07", TOWN_A, "resident", 100, 0, 0), ("2025-07", TOWN_B, "employee", 100, 0, 0)])
    frame = carrying.report("2025-07", metrics=["coverage_rate"], codes=[TOWN_A, TOWN_B, "530102"]).set_index("region_code")
    assert frame["carried"].to_dict() == {TOWN_A: 2, TOWN_B: 2, "530102": 4}
    assert frame.loc["530102", "numerator"] == 600


# --------------------------------------------------------------------------- comparable (metrics.md §3, issue 8)


def _county_reports_employee_schemes(world) -> None:
    """安宁市 reports its employee schemes itself; its township 530181001 and 护国/华山 report everything themselves."""
    world.population([("2024-12", "530181001", 1000), ("2024-12", TOWN_A, 1000), ("2024-12", TOWN_B, 1000)])
    world.snapshots(
        [
            ("2025-06", ANNING, "employee", 300, 0, 0),
            ("2025-06", ANNING, "public", 100, 0, 0),
            ("2025-06", "530181001", "resident", 980, 80, 600),
            ("2025-06", TOWN_A, "resident", 900, 0, 0),
            ("2025-06", TOWN_B, "resident", 800, 0, 0),
        ]
    )


def test_region_under_a_county_reporting_employee_schemes_is_not_comparable(world):
    _county_reports_employee_schemes(world)
    frame = world.report("2025-06", level="township").set_index(["region_code", "metric"])
    assert frame.loc[("530181001", "coverage_rate"), "comparable"] == False  # noqa: E712
    assert frame.loc[("530181001", "employee_share"), "comparable"] == False  # noqa: E712
    # It keeps its value, target, status and gap: 980 of 1000 against 95%.
    row = frame.loc[("530181001", "coverage_rate")]
    assert (row["value"], row["target"], row["status"], row["gap_persons"]) == (0.98, 0.95, "achieved", 0)
    county = world.row("2025-06", ANNING, "coverage_rate", level="county")
    assert county["comparable"] == True  # noqa: E712


def test_payment_rate_restricted_to_resident_stays_comparable_under_a_county_reporting_employee_schemes(world):
    _county_reports_employee_schemes(world)
    row = world.row("2025-06", "530181001", "payment_rate", level="township")
    assert (row["comparable"], row["rank"], row["value"]) == (True, 1, 600 / 900)


def test_ranks_skip_regions_that_are_not_comparable(world):
    _county_reports_employee_schemes(world)
    frame = world.report("2025-06", metrics=["coverage_rate"], codes=["530181001", TOWN_A, TOWN_B])
    # 530181001 has the highest value (98%) but is not comparable: no rank, listed with the unranked.
    assert frame["region_code"].tolist() == [TOWN_A, TOWN_B, "530181001"]
    assert frame["rank"].tolist()[:2] == [1, 2] and pd.isna(frame["rank"].iloc[2])
    assert pd.isna(frame["rank_change"].iloc[2])


def test_rank_at_the_comparison_period_is_among_the_regions_comparable_then(world):
    _county_reports_employee_schemes(world)
    # May: 安宁市 did not report, so 530181001 (990) was comparable and first; TOWN_B second, TOWN_A third.
    world.snapshots(
        [("2025-05", "530181001", "resident", 990, 0, 0), ("2025-05", TOWN_A, "resident", 700, 0, 0), ("2025-05", TOWN_B, "resident", 750, 0, 0)]
    )
    frame = world.report("2025-06", metrics=["coverage_rate"], codes=["530181001", TOWN_A, TOWN_B]).set_index("region_code")
    assert frame.loc[TOWN_A, "rank_change"] == 3 - 1
    assert frame.loc[TOWN_B, "rank_change"] == 2 - 2


def test_a_carried_row_of_an_ancestor_makes_a_region_not_comparable(carrying):
    carrying.population([("2024-12", "530181001", 1000)])
    carrying.snapshots([("2025-05", ANNING, "employee", 300, 0, 0), ("2025-05", "530181001", "resident", 900, 0, 0)])
    carrying.snapshots([("2025-06", "530181001", "resident", 910, 0, 0)])
    row = carrying.row("2025-06", "530181001", "coverage_rate", level="township")
    assert (row["comparable"], row["rank"]) == (False, None)


# --------------------------------------------------------------------------- trajectory never slopes down (issue 8)


def test_trajectory_of_a_region_starting_above_an_intermediate_milestone_heads_for_the_next_higher_one(world):
    # employee_share 40% at the 2022-12 baseline, above the 30% due 2025-12: the line runs to 50% in 2035-12.
    world.snapshots([("2022-12", TOWN_A, "employee", 400, 0, 0), ("2022-12", TOWN_A, "resident", 600, 0, 0)])
    world.snapshots([("2026-06", TOWN_A, "employee", 410, 0, 0), ("2026-06", TOWN_A, "resident", 590, 0, 0)])
    row = world.row("2026-06", TOWN_A, "employee_share", level="township")
    months = month_index("2026-06") - month_index("2022-12")  # 42 of the 156 months to 2035-12
    assert row["trajectory"] == pytest.approx(0.40 + (0.50 - 0.40) * months / 156)
    # 0.41 is 1.7 points below 0.4269: behind (the old line through 30% said on track).
    assert row["status"] == "behind"


def test_trajectory_is_the_target_when_the_start_is_above_every_later_milestone(world):
    world.snapshots([("2022-12", TOWN_A, "employee", 600, 0, 0), ("2022-12", TOWN_A, "resident", 400, 0, 0)])
    world.snapshots([("2025-06", TOWN_A, "employee", 550, 0, 0), ("2025-06", TOWN_A, "resident", 450, 0, 0)])
    row = world.row("2025-06", TOWN_A, "employee_share", level="township")
    assert (row["trajectory"], row["target"], row["status"]) == (0.30, 0.30, "achieved")


def test_trend_path_never_slopes_down_either(world):
    from metrics.compute import trajectory_path

    history = pd.DataFrame({"period": [month_index("2022-12")], "value": [0.40]})
    target = world.targets.metrics["employee_share"]
    path = trajectory_path("employee_share", target, world.targets.baseline, history, [month_index(m) for m in ("2022-12", "2025-12", "2035-12")])
    assert path["trajectory"].tolist() == pytest.approx([0.40, 0.40 + 0.10 * 36 / 156, 0.50])


# --------------------------------------------------------------------------- overdue (issue 8, point 4)


def test_overdue_months_count_from_the_first_passed_milestone_that_asked_for_the_target(world):
    world.population([("2024-12", TOWN_A, 1000), ("2024-12", TOWN_B, 1000)])
    world.snapshots([("2026-10", TOWN_A, "resident", 940, 0, 0), ("2026-10", TOWN_B, "resident", 960, 0, 0)])
    behind = world.row("2026-10", TOWN_A, "coverage_rate", level="township")
    # 95% was already due by 2020-12: overdue 70 months, and 950 - 940 = 10 persons needed now.
    assert (behind["overdue_since"], behind["overdue_months"], behind["gap_persons"]) == (month_index("2020-12"), 70, 10)
    achieved = world.row("2026-10", TOWN_B, "coverage_rate", level="township")
    assert (achieved["overdue_since"], achieved["overdue_months"]) == (None, None)


def test_a_target_no_passed_milestone_asked_for_is_not_overdue(world):
    # employee_share: 50% is due 2035-12; the passed 2025-12 milestone asked only 30%. (Its first value,
    # 10% in 2026-10, is its start: on its trajectory.)
    world.snapshots([("2026-10", TOWN_A, "employee", 100, 0, 0), ("2026-10", TOWN_A, "resident", 900, 0, 0)])
    row = world.row("2026-10", TOWN_A, "employee_share", level="township")
    assert (row["status"], row["overdue_since"], row["overdue_months"]) == ("on_track", None, None)


def test_payment_rate_is_overdue_only_on_its_own_years_milestones(world):
    world.snapshots([("2026-12", TOWN_A, "resident", 1000, 0, 700), ("2027-02", TOWN_A, "resident", 1000, 0, 10)])
    december = world.row("2026-12", TOWN_A, "payment_rate", level="township")
    assert (december["target"], december["overdue_since"], december["overdue_months"]) == (0.80, month_index("2026-11"), 1)
    february = world.row("2027-02", TOWN_A, "payment_rate", level="township")  # 2027 has no milestones
    assert (february["target"], february["overdue_since"]) == (None, None)


def test_reported_above_names_the_ancestor_and_the_schemes_it_holds_reported_or_carried(carrying):
    from data.db import connect
    from data.queries import reported_above

    carrying.snapshots([("2025-05", ANNING, "employee", 300, 0, 0), ("2025-06", ANNING, "public", 100, 0, 0)])
    with connect(carrying.db) as con:
        frame = reported_above(con, ["530181001", TOWN_A], month_index("2025-06"), carrying.targets.carry_forward_months)
        none = reported_above(con, ["530181001"], month_index("2025-06"), 0)
    assert frame.to_dict("records") == [
        {"region_code": "530181001", "ancestor_code": ANNING, "ancestor_name": "安宁市", "schemes": ("employee", "public"), "carried": True}
    ]
    assert none["schemes"].tolist() == [("public",)]
