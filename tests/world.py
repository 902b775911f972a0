"""Small worlds for the metric tests: a DuckDB in tmp_path, built through the real import path."""

from __future__ import annotations

import contextlib
import csv
import os
import textwrap
from pathlib import Path

import pandas as pd

from data import materialised
from data.db import connect
from data.report import metrics_report
from data.store import import_file
from metrics.periods import month_index
from metrics.targets import parse_targets

TARGETS = """
baseline: 2022-12
warning_band: 0.02
targets:
  coverage_rate:
    - {by: 2020-12, value: 0.95}
    - {by: 2025-12, value: 0.95}
    - {by: 2035-12, value: 0.95}
  employee_share:
    - {by: 2025-12, value: 0.30}
    - {by: 2035-12, value: 0.50}
  payment_rate:
    schemes: [resident]
    milestones:
      - {by: 2026-07, value: 0.60}
      - {by: 2026-08, value: 0.70}
      - {by: 2026-11, value: 0.80}
"""

# A city with two counties; county 530181 has a village-only township.
REGIONS = [
    ("5301", "昆明市", "city", ""),
    ("530102", "五华区", "county", "5301"),
    ("530181", "安宁市", "county", "5301"),
    ("530102001", "华山街道", "township", "530102"),
    ("530102002", "护国街道", "township", "530102"),
    ("530181001", "连然街道", "township", "530181"),
    ("530181002", "八街街道", "township", "530181"),
    ("530181002201", "八街一村", "village", "530181002"),
    ("530181002202", "八街二村", "village", "530181002"),
]


# The spec's worlds reach into the 2030s (targets up to 2035-12), and an import refuses months after
# the current one (issue 10 point 5): their imports run on a day after every month they hold.
WORLD_TODAY = "2099-12-01"


@contextlib.contextmanager
def pinned_today(day: str):
    """``KUOMIAN_TODAY`` set to ``day`` (YYYY-MM-DD) inside the block, as it was after it."""
    before = os.environ.get("KUOMIAN_TODAY")
    os.environ["KUOMIAN_TODAY"] = day
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("KUOMIAN_TODAY", None)
        else:
            os.environ["KUOMIAN_TODAY"] = before


class World:
    def __init__(self, root: Path, targets: str = TARGETS):
        self.root = root
        self.db = root / "world.duckdb"
        self.targets = parse_targets(textwrap.dedent(targets))
        self._files = 0
        self.load("regions", ["code", "name", "level", "parent_code"], REGIONS)

    def load(self, kind: str, header: list[str], rows: list[tuple]) -> None:
        self._files += 1
        path = self.root / f"{self._files:02d}-{kind}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        with pinned_today(WORLD_TODAY):
            import_file(self.db, kind, path)

    def population(self, rows: list[tuple]) -> "World":
        self.load("population", ["period", "region_code", "required"], rows)
        return self

    def snapshots(self, rows: list[tuple]) -> "World":
        self.load("snapshots", ["period", "region_code", "scheme", "insured", "receiving", "paid"], rows)
        return self

    def report(self, period: str, **options) -> pd.DataFrame:
        """The report at ``period``, read from the materialised tables (built for this world's targets)
        where they cover it, and checked equal, every column exactly, to the slow path (issue 15)."""
        compare_to = options.pop("compare_to", None)
        with connect(self.db, write=True) as con:
            materialised.rebuild(con, self.targets)
        arguments = dict(compare_to=None if compare_to is None else month_index(compare_to), **options)
        with connect(self.db) as con:
            return both_paths(con, self.targets, month_index(period), **arguments)

    def row(self, period: str, code: str, metric: str, **options) -> dict:
        frame = self.report(period, **options)
        match = frame[(frame["region_code"] == code) & (frame["metric"] == metric)]
        assert len(match) == 1, f"no single row for {code} {metric}"
        return {k: (None if pd.isna(v) else v) for k, v in match.iloc[0].to_dict().items()}


FAST_ANSWERS = []  # one entry per both_paths call that the materialised tables answered


def both_paths(con, targets, period: int, **options) -> pd.DataFrame:
    """``metrics_report`` from the materialised tables and from the facts (``KUOMIAN_MATERIALISED=slow``),
    asserted equal in every column: floats exactly (NaN equal to NaN), the same dtypes and order."""
    fast = metrics_report(con, targets, period, **options)
    used = materialised.report_inputs(
        con, targets, period, period - 1 if options.get("compare_to") is None else options["compare_to"], ["coverage_rate"],
        level=options.get("level"), root=options.get("root"), codes=options.get("codes"),
    ) is not None
    before = os.environ.get(materialised.FORCE_ENV)
    os.environ[materialised.FORCE_ENV] = "slow"
    try:
        slow = metrics_report(con, targets, period, **options)
    finally:
        if before is None:
            os.environ.pop(materialised.FORCE_ENV, None)
        else:
            os.environ[materialised.FORCE_ENV] = before
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    if used:
        FAST_ANSWERS.append(period)
    return fast
