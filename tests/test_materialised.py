"""The materialised metrics (issue 15, data/materialised.py): the report they answer is the slow path's, exactly.

Every report of tests/world.py (test_metrics_spec, test_region_changes, test_baseline_agrees ...) is
already checked on both paths (``world.both_paths``). Here: that those checks did use the tables,
seeded random worlds with imports and rollbacks in between (after every write the tables are fresh
and equal a rebuild from scratch, and both paths agree), and that stale tables are never read.
"""

from __future__ import annotations

import contextlib
import csv
import os
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data import materialised, report
from data.db import connect
from data.store import import_file, rollback
from metrics.periods import month_index, period_label
from metrics.targets import parse_targets
from tests import world as world_module
from tests.world import TARGETS, WORLD_TODAY, World, both_paths, pinned_today

RANDOM_TARGETS = TARGETS + textwrap.dedent(
    """\
    overrides:
      "530181":
        coverage_rate:
          schemes: [resident]
          milestones:
            - {by: 2025-12, value: 0.95}
            - {by: 2035-12, value: 0.96}
    reporting:
      carry_forward_months: 2
    """
)


def test_the_spec_worlds_reports_are_answered_by_the_tables(tmp_path):
    world = World(tmp_path)
    world.population([("2022-12", "530102001", 1000), ("2022-12", "530102002", 2000)])
    world.snapshots([(f"2023-{m:02d}", "530102001", "resident", 800 + m, 100, 300) for m in range(1, 7)])
    world_module.FAST_ANSWERS.clear()
    report = world.report("2023-06", level="township")
    assert world_module.FAST_ANSWERS == [month_index("2023-06")]
    row = report[(report["region_code"] == "530102001") & (report["metric"] == "coverage_rate")].iloc[0]
    assert row["value"] == 806 / 1000


def test_a_period_outside_the_covered_months_is_computed_from_the_facts(tmp_path):
    world = World(tmp_path)
    world.population([("2022-12", "530102001", 1000)])
    world.snapshots([("2023-01", "530102001", "resident", 800, 100, 300)])
    world_module.FAST_ANSWERS.clear()
    world.report("2023-05", level="township")
    assert world_module.FAST_ANSWERS == []


# --------------------------------------------------------------------------- random worlds


def _write(path: Path, header: list[str], rows: list[tuple]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


class RandomWorld:
    """A city, 2-3 counties, 2-4 townships each (some with villages), 24 months of random reports.

    Each county reports the employee scheme itself or through its townships (never both, the
    one-level rule), and townships with villages report the resident scheme through them.
    """

    def __init__(self, root: Path, seed: int):
        self.root, self.rng, self.files = root, np.random.default_rng(seed), 0
        self.db = root / "random.duckdb"
        regions = [("5301", "市", "city", "")]
        self.leaves: dict[str, list[str]] = {}  # resident reporters per township
        self.employee_at: list[str] = []  # employee reporters
        for c in range(int(self.rng.integers(2, 4))):
            county = f"5301{81 if c == 0 else 2 + c:02d}"
            regions.append((county, f"县{c}", "county", "5301"))
            townships = [f"{county}{t + 1:03d}" for t in range(int(self.rng.integers(2, 5)))]
            for t, town in enumerate(townships):
                regions.append((town, f"镇{c}{t}", "township", county))
                if self.rng.random() < 0.3:
                    villages = [f"{town}{200 + v}" for v in (1, 2)]
                    regions += [(v, f"村{v}", "village", town) for v in villages]
                    self.leaves[town] = villages
                else:
                    self.leaves[town] = [town]
            self.employee_at += [county] if self.rng.random() < 0.5 else townships
        self.import_("regions", ["code", "name", "level", "parent_code"], regions)
        self.months = [month_index("2022-06") + i for i in range(24)]

    def import_(self, kind: str, header: list[str], rows: list[tuple]) -> int:
        self.files += 1
        path = _write(self.root / f"{self.files:02d}-{kind}.csv", header, rows)
        with pinned_today(WORLD_TODAY):
            return import_file(self.db, kind, path).import_id

    def population(self, months: list[int]) -> int:
        rows = [
            (period_label(m), leaf, int(self.rng.integers(500, 2000)))
            for m in months
            for leaves in self.leaves.values()
            for leaf in leaves
            if self.rng.random() < 0.8
        ]
        return self.import_("population", ["period", "region_code", "required"], rows)

    def snapshots(self, months: list[int]) -> int:
        rows = []
        for m in months:
            for reporters, schemes in ((sum(self.leaves.values(), []), ("resident",)), (self.employee_at, ("employee", "public"))):
                for code in reporters:
                    for scheme in schemes:
                        if self.rng.random() < 0.75:
                            insured = int(self.rng.integers(0, 900))
                            receiving = int(self.rng.integers(0, insured + 1))
                            paid = int(self.rng.integers(0, insured - receiving + 1))
                            rows.append((period_label(m), code, scheme, insured, receiving, paid))
        return self.import_("snapshots", ["period", "region_code", "scheme", "insured", "receiving", "paid"], rows)


@contextlib.contextmanager
def forced_slow():
    """``KUOMIAN_MATERIALISED=slow`` inside the block: every read computes from the facts."""
    before = os.environ.get(materialised.FORCE_ENV)
    os.environ[materialised.FORCE_ENV] = "slow"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(materialised.FORCE_ENV, None)
        else:
            os.environ[materialised.FORCE_ENV] = before


def _table(con) -> pd.DataFrame:
    return con.execute("SELECT * FROM metric_months ORDER BY region_code, period").df()


def _starts(con) -> pd.DataFrame:
    return con.execute("SELECT * FROM metric_starts ORDER BY region_code").df()


def _check(db: Path, targets, months: list[int]) -> None:
    """Fresh, equal to a rebuild from scratch, and both paths agree at a few periods and levels
    (``months``: those with data, the last one included)."""
    with connect(db, write=True) as con:
        assert materialised.is_fresh(con, targets)
        kept, kept_starts = _table(con), _starts(con)
        con.execute("BEGIN TRANSACTION")
        materialised.build(con, targets)
        rebuilt, rebuilt_starts = _table(con), _starts(con)
        con.execute("ROLLBACK")
    pd.testing.assert_frame_equal(kept, rebuilt, check_exact=True)
    pd.testing.assert_frame_equal(kept_starts, rebuilt_starts, check_exact=True)
    world_module.FAST_ANSWERS.clear()
    with connect(db) as con:
        for period, options in (
            (months[-1], {"level": "township"}),
            (months[-3], {"compare_to": months[0]}),  # compare far back
            (months[8], {"level": "county", "root": "5301"}),
        ):
            both_paths(con, targets, period, **options)
    assert len(world_module.FAST_ANSWERS) == 3  # the tables answered each of them
    with connect(db) as con:
        codes = [row[0] for row in con.execute("SELECT code FROM regions ORDER BY code").fetchall()]
        wanted = list(range(months[0] - 3, months[-1] + 1))  # from before the first month on
        assert materialised.metric_grid(con, targets, codes, wanted) is not None
        stored = report.metric_series(con, targets, codes, wanted)
        with forced_slow():
            computed = report.metric_series(con, targets, codes, wanted)
    pd.testing.assert_frame_equal(stored, computed, check_exact=True)


@pytest.mark.parametrize("seed, chunk_cells", [(1, materialised.CHUNK_CELLS), (2, 40)])
def test_after_every_write_the_tables_are_fresh_and_equal_a_rebuild(tmp_path, monkeypatch, seed, chunk_cells):
    monkeypatch.setattr(materialised, "CHUNK_CELLS", chunk_cells)  # 40: a few months a chunk, fits across chunks
    targets_file = tmp_path / "targets.yaml"
    targets_file.write_text(textwrap.dedent(RANDOM_TARGETS), encoding="utf-8")
    monkeypatch.setenv("KUOMIAN_TARGETS", str(targets_file))
    targets = parse_targets(targets_file.read_text(encoding="utf-8"))
    world = RandomWorld(tmp_path, seed)
    months = world.months
    world.population([months[0], months[12]])
    world.snapshots(months[:12])
    _check(world.db, targets, months[:12])
    later = world.snapshots(months[12:])  # incremental: from the first month it touched
    _check(world.db, targets, months)
    world.snapshots(months[5:9])  # replaces rows in the middle
    _check(world.db, targets, months)
    world.population([months[18]])
    _check(world.db, targets, months)
    with connect(world.db, write=True) as con:
        undo = rollback(con, later + 1)  # the middle import: its months' rows come back
    _check(world.db, targets, months)
    with connect(world.db, write=True) as con:
        rollback(con, later + 2)  # then the population of month 18
        rollback(con, later)  # and the second year's snapshots
    _check(world.db, targets, months[:12])
    with connect(world.db, write=True) as con:
        entry = con.execute("SELECT MAX(import_id) FROM imports").fetchone()[0]
        rollback(con, entry)  # undo the last rollback: the second year is back
    assert undo.startswith("rolled back")
    _check(world.db, targets, months)


def test_tables_built_for_other_targets_are_not_read(tmp_path, monkeypatch):
    monkeypatch.setenv("KUOMIAN_TARGETS", str(tmp_path / "targets.yaml"))
    (tmp_path / "targets.yaml").write_text(textwrap.dedent(RANDOM_TARGETS), encoding="utf-8")
    world = RandomWorld(tmp_path, 4)
    world.population([world.months[0]])
    world.snapshots(world.months[:6])
    no_carry = parse_targets(textwrap.dedent(TARGETS))  # carry 0, no override: another signature
    with connect(world.db) as con:
        assert materialised.report_inputs(con, no_carry, world.months[5], world.months[4], ["coverage_rate"]) is None
        both_paths(con, no_carry, world.months[5], level="township")


def test_a_write_with_an_unreadable_targets_file_leaves_the_tables_unread(tmp_path, monkeypatch):
    good = tmp_path / "targets.yaml"
    good.write_text(textwrap.dedent(RANDOM_TARGETS), encoding="utf-8")
    monkeypatch.setenv("KUOMIAN_TARGETS", str(good))
    targets = parse_targets(good.read_text(encoding="utf-8"))
    world = RandomWorld(tmp_path, 5)
    world.population([world.months[0]])
    world.snapshots(world.months[:6])
    monkeypatch.setenv("KUOMIAN_TARGETS", str(tmp_path / "missing.yaml"))
    world.snapshots(world.months[6:8])
    with connect(world.db) as con:
        assert not materialised.is_fresh(con)
        assert materialised.report_inputs(con, targets, world.months[7], world.months[6], ["coverage_rate"]) is None
    monkeypatch.setenv("KUOMIAN_TARGETS", str(good))
    world.snapshots(world.months[8:9])  # a stale table is rebuilt whole by the next write
    _check(world.db, targets, world.months[:9])


def test_a_pool_import_moves_the_stamp_without_rebuilding(tmp_path, monkeypatch):
    good = tmp_path / "targets.yaml"
    good.write_text(textwrap.dedent(RANDOM_TARGETS), encoding="utf-8")
    monkeypatch.setenv("KUOMIAN_TARGETS", str(good))
    world = RandomWorld(tmp_path, 6)
    world.population([world.months[0]])
    world.snapshots(world.months[:3])
    with connect(world.db, write=True) as con:
        con.execute("UPDATE metric_months SET carried = 99")  # a mark a rebuild would wipe
    town = next(iter(world.leaves))
    world.import_("actions", ["period", "region_code", "action", "enrolled"], [(period_label(world.months[2]), town, "1", 5)])
    with connect(world.db) as con:
        assert materialised.is_fresh(con)
        assert con.execute("SELECT MIN(carried) FROM metric_months").fetchone()[0] == 99


def test_the_one_sort_ranking_equals_the_general_ranking():
    from metrics.compute import _code_order, _competition_rank, _ranks_and_order

    rng = np.random.default_rng(15)
    size, blocks = 200, 3
    values = np.round(rng.random(size * blocks), 2)  # many ties
    values[rng.random(size * blocks) < 0.2] = np.nan
    part = np.repeat(np.arange(blocks), size)
    rank, order = _ranks_and_order(values, size, blocks)
    expected_rank = _competition_rank(values, part)
    expected_order = np.lexsort((np.tile(_code_order(np.array([f"{i:04d}" for i in range(size)])), blocks), np.nan_to_num(expected_rank), np.isnan(expected_rank), part))
    np.testing.assert_array_equal(rank, expected_rank)
    np.testing.assert_array_equal(order, expected_order)


def test_the_demo_load_leaves_the_tables_fresh_and_equal_to_a_rebuild(demo_copy):
    from config.settings import PROJECT_ROOT

    targets = parse_targets((PROJECT_ROOT / "config" / "targets.yaml").read_text(encoding="utf-8"))
    with connect(demo_copy("materialised"), write=True) as con:
        assert materialised.is_fresh(con, targets)
        kept = _table(con)
        assert len(kept) > 0
        con.execute("BEGIN TRANSACTION")
        materialised.build(con, targets)
        rebuilt = _table(con)
        con.execute("ROLLBACK")
    pd.testing.assert_frame_equal(kept, rebuilt, check_exact=True)


def test_the_fast_descending_sort_lists_equal_values_in_index_order():
    from metrics.compute import _descending_stable

    rng = np.random.default_rng(51)
    for _ in range(200):
        size = int(rng.integers(0, 80))
        values = np.round(rng.random(size), int(rng.integers(0, 3)))  # none, some or many ties
        values[rng.random(size) < 0.2] = -0.0  # equal to 0.0, as a stable sort treats it
        order, new = _descending_stable(values)
        np.testing.assert_array_equal(order, np.argsort(-values, kind="stable"))
        ordered = values[order]
        np.testing.assert_array_equal(new, np.r_[True, ordered[1:] != ordered[:-1]][: len(values)])


def test_the_report_reads_strings_from_arrow_as_the_facts_path_makes_them(demo_copy):
    from config.settings import PROJECT_ROOT
    from data.report import metrics_report

    targets = parse_targets((PROJECT_ROOT / "config" / "targets.yaml").read_text(encoding="utf-8"))
    with connect(demo_copy("materialised-texts")) as con:
        period = materialised.readable(con, targets)[1]
        inputs = materialised.report_inputs(con, targets, period, period - 1, ["coverage_rate"], level="township")
        assert inputs.by_code and list(inputs.codes) == sorted(inputs.codes)
        fast = metrics_report(con, targets, period, level="township")
        os.environ[materialised.FORCE_ENV] = "slow"
        try:
            slow = metrics_report(con, targets, period, level="township")
        finally:
            del os.environ[materialised.FORCE_ENV]
    assert fast["region_code"].dtype == slow["region_code"].dtype == "str"
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
