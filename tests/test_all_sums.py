"""Every region's subtree sums at once (issue 15, data/all_sums.py): equal to the reference
``queries.subtree_sums`` (SUBTREE_SUMS), rule by rule and on seeded random worlds.

The databases are written with raw SQL (regions, closure, rows), so a rule can be tested where an
import would refuse the rows (e.g. a snapshot of an abolished region after its month).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data import all_sums, queries
from data.db import connect
from metrics import compute
from metrics.periods import month_index
from metrics.registry import SCHEMES
from metrics.targets import parse_targets
from tests.world import TARGETS

CITY, COUNTY, TOWN_A, TOWN_B, VILLAGE = "5301", "530102", "530102001", "530102002", "530102001201"
REGIONS = [
    (CITY, "市", "city", None, None),
    (COUNTY, "区", "county", CITY, None),
    (TOWN_A, "甲街道", "township", COUNTY, None),
    (TOWN_B, "乙街道", "township", COUNTY, None),
    (VILLAGE, "村", "village", TOWN_A, None),
]


def _database(path, regions, snapshots=(), population=()):
    """A database at ``path`` holding ``regions`` (code, name, level, parent, abolished month or
    None), ``snapshots`` (month, code, scheme, insured, receiving, paid) and ``population`` (month,
    code, required); months as labels (YYYY-MM)."""
    with connect(path, write=True) as con:
        con.executemany(
            "INSERT INTO regions (code, name, level, parent_code, import_id, abolished) VALUES (?, ?, ?, ?, 1, ?)",
            [(c, n, lv, p, None if a is None else month_index(a)) for c, n, lv, p, a in regions],
        )
        if snapshots:
            con.executemany(
                "INSERT INTO snapshots (period, region_code, scheme, insured, receiving, paid, import_id) VALUES (?, ?, ?, ?, ?, ?, 1)",
                [(month_index(m), *rest) for m, *rest in snapshots],
            )
        if population:
            con.executemany(
                "INSERT INTO population (period, region_code, required, import_id) VALUES (?, ?, ?, 1)",
                [(month_index(m), c, r) for m, c, r in population],
            )
        queries.rebuild_closure(con)
    return path


def _both(path, months, carry):
    """(all_sums' frame, the reference's frame) of every region at ``months`` (labels or indexes),
    in one shape: by code then month, NULL counts and sums read as 0 (as ``compute.grid_of_sums``
    reads them), ``required`` NULL where no figure. Also checks the two metric grids are equal."""
    months = [m if isinstance(m, int) else month_index(m) for m in months]
    with connect(path) as con:
        regions = queries.regions(con)
        sums = all_sums.subtree_sums(con, all_sums.forest(con, regions), months, carry)
        reference = queries.subtree_sums(con, regions["code"].tolist(), months, carry)
    codes = tuple(regions["code"])
    new = all_sums.sums_frame(codes, months, sums).sort_values(["region_code", "period"], ignore_index=True)
    old = reference.sort_values(["region_code", "period"], ignore_index=True)[list(new.columns)]
    for column in old.columns[2:]:
        old[column] = old[column].astype("float64")
        if column != "required":
            old[column] = old[column].fillna(0.0)
    old["period"] = old["period"].astype("int64")
    targets = parse_targets(TARGETS)
    periods = np.asarray(months, dtype="int64")
    fast = compute.grid_of_sums(regions, sums, targets, periods)
    slow = compute.metric_grid(regions, reference, targets, periods)
    for field in ("completeness", "carried"):
        np.testing.assert_array_equal(getattr(fast, field), getattr(slow, field))
    for field in ("numerator", "denominator", "value", "comparable"):
        for metric in getattr(slow, field):
            np.testing.assert_array_equal(getattr(fast, field)[metric], getattr(slow, field)[metric])
    return new, old


def _at(frame, code, month):
    """The row of ``code`` at ``month`` (a label) as a dict; None where the frame has none."""
    rows = frame[(frame["region_code"] == code) & (frame["period"] == month_index(month))]
    return None if rows.empty else rows.iloc[0].to_dict()


def _equal(path, months, carry=0):
    new, old = _both(path, months, carry)
    pd.testing.assert_frame_equal(new, old, check_exact=True)
    return new


# --------------------------------------------------------------------------- one rule, one test


def test_a_subtree_sums_every_descendants_rows_once(tmp_path):
    db = _database(
        tmp_path / "a.duckdb",
        REGIONS,
        [
            ("2024-03", VILLAGE, "resident", 100, 10, 50),
            ("2024-03", TOWN_B, "resident", 200, 20, 60),
            ("2024-03", COUNTY, "employee", 300, 30, 70),
        ],
    )
    frame = _equal(db, ["2024-03"])
    city = _at(frame, CITY, "2024-03")
    assert (city["rows"], city["insured_resident"], city["phase_resident"], city["paid_resident"]) == (3, 300, 270, 110)
    assert (city["insured_employee"], city["phase_employee"], city["paid_employee"]) == (300, 270, 70)
    assert _at(frame, TOWN_A, "2024-03")["insured_resident"] == 100


def test_a_row_is_carried_into_the_carry_months_after_it_and_no_further(tmp_path):
    db = _database(tmp_path / "a.duckdb", REGIONS, [("2024-03", TOWN_B, "resident", 200, 20, 60)])
    frame = _equal(db, ["2024-03", "2024-04", "2024-05", "2024-06"], carry=2)
    assert [(_at(frame, TOWN_B, m) or {}).get("carried") for m in ("2024-03", "2024-04", "2024-05", "2024-06")] == [0, 1, 1, None]
    assert _at(frame, COUNTY, "2024-05")["insured_resident"] == 200


def test_a_row_is_never_carried_across_january(tmp_path):
    db = _database(tmp_path / "a.duckdb", REGIONS, [("2024-12", TOWN_B, "resident", 200, 20, 60)])
    frame = _equal(db, ["2024-12", "2025-01", "2025-02"], carry=2)
    assert _at(frame, TOWN_B, "2024-12")["rows"] == 1
    assert _at(frame, TOWN_B, "2025-01") is None


def test_the_nearest_earlier_row_is_the_one_carried(tmp_path):
    db = _database(
        tmp_path / "a.duckdb",
        REGIONS,
        [("2024-03", TOWN_B, "resident", 200, 20, 60), ("2024-04", TOWN_B, "resident", 250, 25, 65)],
    )
    frame = _equal(db, ["2024-05"], carry=2)
    assert (_at(frame, TOWN_B, "2024-05")["insured_resident"], _at(frame, TOWN_B, "2024-05")["carried"]) == (250, 1)


def test_a_carried_row_never_counts_as_reported(tmp_path):
    db = _database(
        tmp_path / "a.duckdb",
        REGIONS,
        [("2024-03", TOWN_B, "resident", 200, 20, 60), ("2024-04", TOWN_A, "resident", 100, 10, 50)],
        [("2024-01", TOWN_A, 1000), ("2024-01", TOWN_B, 1000)],
    )
    frame = _equal(db, ["2024-04"], carry=2)
    county = _at(frame, COUNTY, "2024-04")
    assert (county["rows"], county["carried"], county["with_population"], county["reported"]) == (2, 1, 2, 1)


def test_population_is_each_regions_latest_figure_at_or_before_the_month(tmp_path):
    db = _database(
        tmp_path / "a.duckdb",
        REGIONS,
        population=[("2023-12", TOWN_A, 1000), ("2024-06", TOWN_A, 1100), ("2024-03", TOWN_B, 500)],
    )
    frame = _equal(db, ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06", "2024-07"])
    assert [_at(frame, COUNTY, m)["required"] for m in ("2024-02", "2024-03", "2024-06", "2024-07")] == [1000, 1500, 1600, 1600]
    assert _at(frame, TOWN_B, "2024-02") is None  # no figure yet, no row


def test_reported_counts_only_regions_with_a_population_figure(tmp_path):
    db = _database(
        tmp_path / "a.duckdb",
        REGIONS,
        [("2024-03", TOWN_A, "resident", 100, 10, 50), ("2024-03", TOWN_B, "resident", 200, 20, 60)],
        [("2024-01", TOWN_A, 1000)],
    )
    county = _at(_equal(db, ["2024-03"]), COUNTY, "2024-03")
    assert (county["with_population"], county["reported"], county["required"]) == (1, 1, 1000)


def test_an_abolished_region_counts_no_rows_and_no_population_from_its_month(tmp_path):
    regions = [*REGIONS[:3], (TOWN_B, "乙街道", "township", COUNTY, "2024-04")]
    db = _database(
        tmp_path / "a.duckdb",
        regions,
        [("2024-03", TOWN_B, "resident", 200, 20, 60), ("2024-04", TOWN_B, "resident", 210, 20, 60)],
        [("2024-01", TOWN_B, 500), ("2024-01", TOWN_A, 700)],
    )
    frame = _equal(db, ["2024-03", "2024-04", "2024-05"], carry=2)
    assert (_at(frame, COUNTY, "2024-03")["rows"], _at(frame, COUNTY, "2024-03")["required"]) == (1, 1200)
    county = _at(frame, COUNTY, "2024-04")  # neither its own row nor the March row carried
    assert (county["rows"], county["required"], county["with_population"]) == (0, 700, 1)


def test_above_counts_the_strict_ancestors_holding_a_row_of_the_scheme(tmp_path):
    db = _database(
        tmp_path / "a.duckdb",
        REGIONS,
        [
            ("2024-03", COUNTY, "employee", 300, 30, 70),
            ("2024-03", TOWN_A, "employee", 100, 10, 20),
            ("2024-01", CITY, "employee", 900, 90, 100),  # carried into March
            ("2024-03", VILLAGE, "resident", 50, 5, 10),
        ],
    )
    frame = _equal(db, ["2024-03"], carry=2)
    village = _at(frame, VILLAGE, "2024-03")
    assert [village[f"above_{s}"] for s in SCHEMES] == [3, 0, 0]
    assert [_at(frame, CITY, "2024-03")[f"above_{s}"] for s in SCHEMES] == [0, 0, 0]


def test_a_region_with_rows_only_above_it_has_a_row_of_its_own(tmp_path):
    db = _database(tmp_path / "a.duckdb", REGIONS, [("2024-03", CITY, "employee", 900, 90, 100)])
    town = _at(_equal(db, ["2024-03"]), TOWN_B, "2024-03")
    assert (town["rows"], town["above_employee"]) == (0, 1)


def test_a_region_without_rows_population_or_rows_above_has_no_row(tmp_path):
    db = _database(tmp_path / "a.duckdb", REGIONS, [("2024-03", TOWN_A, "resident", 100, 10, 50)])
    frame = _equal(db, ["2024-03", "2024-04"])
    # TOWN_B has nothing, nor has anyone in April; the village has a row above it (TOWN_A).
    assert list(zip(frame["region_code"], frame["period"])) == [(c, month_index("2024-03")) for c in (CITY, COUNTY, TOWN_A, VILLAGE)]


def test_a_scheme_reported_at_two_levels_in_different_months_sums_each_month_once(tmp_path):
    db = _database(
        tmp_path / "a.duckdb",
        REGIONS,
        [("2024-03", COUNTY, "employee", 300, 30, 70), ("2024-04", TOWN_A, "employee", 100, 10, 20)],
    )
    frame = _equal(db, ["2024-03", "2024-04"], carry=2)
    assert [_at(frame, CITY, m)["insured_employee"] for m in ("2024-03", "2024-04")] == [300, 400]  # March carried


def test_huge_sums_are_exact_whatever_the_order(tmp_path):
    towns = [(f"530102{i:03d}", f"镇{i}", "township", COUNTY, None) for i in range(1, 41)]
    rows = [("2024-03", code, "resident", 2**45 + 7 * i, 3 * i, 2**44 + i) for i, (code, *_) in enumerate(towns)]
    db = _database(tmp_path / "a.duckdb", [*REGIONS[:2], *towns], rows)
    city = _at(_equal(db, ["2024-03"]), CITY, "2024-03")
    assert city["insured_resident"] == 40 * 2**45 + 7 * sum(range(40))


def test_sums_beyond_2_53_are_added_in_int64_and_rounded_once(tmp_path):
    towns = [(f"530102{i:03d}", f"镇{i}", "township", COUNTY, None) for i in range(1, 11)]
    rows = [("2024-03", code, "resident", 2**50 + 2 * i + 1, 0, 0) for i, (code, *_) in enumerate(towns)]
    db = _database(tmp_path / "a.duckdb", [*REGIONS[:2], *towns], rows)
    city = _at(_equal(db, ["2024-03"]), CITY, "2024-03")
    assert city["insured_resident"] == float(10 * 2**50 + 100)


def test_months_that_are_not_consecutive_are_refused(tmp_path):
    db = _database(tmp_path / "a.duckdb", REGIONS)
    with connect(db) as con, pytest.raises(ValueError, match=r"must be consecutive, got \[24291, 24293\]"):
        all_sums.subtree_sums(con, all_sums.forest(con, queries.regions(con)), [24291, 24293], 0)


# --------------------------------------------------------------------------- random worlds


def _random_world(path, seed: int):
    """A city, 2-4 counties, 1-5 townships each, some with villages, a few abolished (rows left on
    both sides of the month), schemes reported at two levels in different months, regions without
    rows, population figures at random months; 30 months over three calendar years."""
    rng = np.random.default_rng(seed)
    regions = [(CITY, "市", "city", None, None)]
    months = [f"{2023 + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}" for m in range(8, 38)]
    for c in range(int(rng.integers(2, 5))):
        county = f"5301{c + 2:02d}"
        regions.append((county, "县", "county", CITY, None))
        for t in range(int(rng.integers(1, 6))):
            town = f"{county}{t + 1:03d}"
            gone = months[int(rng.integers(3, 27))] if rng.random() < 0.15 else None
            regions.append((town, "镇", "township", county, gone))
            for v in range(int(rng.integers(0, 3))):
                regions.append((f"{town}{201 + v}", "村", "village", town, None))
    snapshots, population = [], []
    for code, _, level, _, _ in regions:
        if rng.random() < 0.15:
            continue  # no rows at all
        for month in months:
            if rng.random() < 0.1:
                population.append((month, code, int(rng.integers(100, 5000))))
            for scheme in SCHEMES:
                if rng.random() < (0.5 if level != "city" else 0.1):
                    insured = int(rng.integers(0, 10**6))
                    receiving = int(rng.integers(0, insured + 1))
                    snapshots.append((month, code, scheme, insured, receiving, int(rng.integers(0, insured - receiving + 1))))
    return _database(path, regions, snapshots, population), months


@pytest.mark.parametrize("seed, carry", [(1, 0), (2, 2), (3, 2), (4, 11), (5, 1)])
def test_every_regions_sums_equal_the_reference_on_random_worlds(tmp_path, seed, carry):
    db, months = _random_world(tmp_path / "random.duckdb", seed)
    _equal(db, months, carry)
    _equal(db, months[4:9], carry)  # a window starting mid-year: carried rows from before it
