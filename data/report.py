"""The metrics report: subtree sums from the database, evaluated by ``metrics``.

This is the one place where the two layers meet; the command line, the pages
and the exports all ask for figures through it.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd

from data import materialised, queries
from metrics import compute
from metrics.compute import MetricGrid, periods_needed, start_months_needed
from metrics.registry import METRIC_KEYS
from metrics.targets import Targets


def metric_grid(
    con: duckdb.DuckDBPyConnection,
    targets: Targets,
    codes: Sequence[str],
    periods: Sequence[int],
    regions: pd.DataFrame | None = None,
) -> MetricGrid:
    """The metrics of ``codes`` at ``periods`` as region × month matrices (from the materialised
    tables where they are fresh for ``targets``, issue 15; else from the facts)."""
    codes = list(codes)
    stored = materialised.metric_grid(con, targets, codes, periods)
    if stored is not None:
        return stored
    regions = queries.regions(con, codes) if regions is None else regions
    listed = regions.set_index("code").loc[codes].reset_index()
    sums = queries.subtree_sums(con, codes, periods, targets.carry_forward_months)
    return compute.metric_grid(listed, sums, targets, periods)


def metric_series(
    con: duckdb.DuckDBPyConnection,
    targets: Targets,
    codes: Sequence[str],
    periods: Sequence[int],
    regions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``region_code, period, metric, numerator, denominator, value, completeness``."""
    return compute.metric_values(metric_grid(con, targets, codes, periods, regions))


def metrics_report(
    con: duckdb.DuckDBPyConnection,
    targets: Targets,
    period: int,
    *,
    level: str | None = None,
    root: str | None = None,
    metrics: Sequence[str] = METRIC_KEYS,
    compare_to: int | None = None,
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per (region, metric) for the regions of ``level`` under ``root``.

    ``codes`` lists the regions directly instead (ranked all together).
    Without a level or codes, every level is listed and ranked level by level.
    Regions abolished at or before ``period`` are not listed (cli.md, "Regions that change").
    Columns: ``metrics.compute.REPORT_COLUMNS``.
    """
    by_level = codes is None and level is None
    fast = materialised.report_inputs(
        con, targets, period, period - 1 if compare_to is None else compare_to, metrics, level=level, root=root, codes=codes
    )
    if fast is not None:  # issue 15: one row per listed region from the materialised tables
        rank_groups = pd.Series(fast.levels, index=fast.codes) if by_level else None
        return compute.evaluate_inputs(fast, targets, period, metrics, rank_groups)
    listed = queries.listed_regions(con, level, root) if codes is None else queries.regions(con, codes)
    listed = in_force(listed, period)
    grid = metric_grid(con, targets, listed["code"], periods_needed(period, targets, compare_to), listed)
    # Regions without a value at the baseline start their trajectory at their first value after it.
    late_codes, late_months = start_months_needed(grid, targets, period)
    if late_codes:
        grid = _with_start_months(con, targets, grid, late_codes, late_months, listed, period)
    rank_groups = listed.set_index("code")["level"] if by_level else None
    return compute.evaluate(listed, grid, targets, period, compare_to, metrics, rank_groups)


def _with_start_months(
    con: duckdb.DuckDBPyConnection,
    targets: Targets,
    grid: MetricGrid,
    late_codes: list[str],
    late_months: list[int],
    listed: pd.DataFrame,
    period: int,
) -> MetricGrid:
    """``grid`` with the months the late regions' trajectories start at (issue 15).

    Rather than every month after the baseline for every late region, the first month at which a
    row of each one's subtree can count (``queries.first_counted_months``): no value comes before
    it. Where a stock metric still has no value up to ``period`` (a zero denominator at that month,
    say), that region reads every remaining month, as before; a region with no row after the
    baseline has no value to find.
    """
    after = targets.baseline + 1
    first = queries.first_counted_months(con, late_codes, after, period, targets.carry_forward_months)
    starting = [code for code in late_codes if code in first]
    months = sorted({first[code] for code in starting} & set(late_months))
    if starting and months:
        grid = grid.merge(metric_grid(con, targets, starting, months, listed))
    # Resolved: each stock metric has a value at the baseline or at the region's first month
    # (then that is its first value after the baseline); any other case reads every month.
    rows = {code: i for i, code in enumerate(grid.codes)}
    at = np.array([rows[code] for code in starting], dtype="int64")
    baseline_column = grid.column(targets.baseline)
    first_columns = np.array([grid.index.get(first[code], -1) for code in starting], dtype="int64")
    unknown = np.zeros(len(at), dtype=bool)
    for metric in compute.STOCK_METRICS:
        values = grid.value[metric]
        known = np.zeros(len(at), dtype=bool)
        if baseline_column is not None:
            known |= ~np.isnan(values[at, baseline_column])
        has_first = first_columns >= 0
        known[has_first] |= ~np.isnan(values[at[has_first], first_columns[has_first]])
        unknown |= ~known
    rest = [code for code, lacking in zip(starting, unknown) if lacking]
    remaining = [m for m in late_months if m not in grid.index]
    if rest and remaining:
        grid = grid.merge(metric_grid(con, targets, rest, remaining, listed))
    return grid


def in_force(regions: pd.DataFrame, period: int) -> pd.DataFrame:
    """The rows of ``regions`` (with ``abolished``, a month index or NaN) that exist at ``period``."""
    if "abolished" not in regions:
        return regions
    abolished = pd.to_numeric(regions["abolished"], errors="coerce")
    return regions[abolished.isna() | (abolished > period)].reset_index(drop=True)


def pool_report(
    con: duckdb.DuckDBPyConnection,
    targets: Targets,
    period: int,
    *,
    level: str | None = None,
    root: str | None = None,
    codes: Sequence[str] | None = None,
    listed: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The expansion pool's measures for the regions of ``level`` under ``root`` at ``period``:
    the columns of ``metrics.pool.POOL_OUTPUT_COLUMNS``, per group and per region total (the total
    row with the coverage gap in persons and the pool's sufficiency). ``listed``: the regions of ``level``
    under ``root`` already read (:func:`data.queries.listed_regions`; None: read here)."""
    from data import queries_pool
    from metrics.pool import coverage_gaps
    from metrics.pool import pool_report as shape

    if listed is None:
        listed = queries.listed_regions(con, level, root) if codes is None else queries.regions(con, codes)
    listed = in_force(listed, period)
    sums = queries_pool.pool_sums(con, listed["code"].tolist(), [period])
    report = metrics_report(con, targets, period, codes=listed["code"].tolist(), metrics=["coverage_rate"])
    return shape(listed, sums, coverage_gaps(report), period)
