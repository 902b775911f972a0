"""The metrics report: subtree sums from the database, evaluated by ``metrics``.

This is the one place where the two layers meet; the command line, the pages
and the exports all ask for figures through it.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from data import queries
from metrics.compute import evaluate, metric_values, periods_needed
from metrics.registry import METRIC_KEYS
from metrics.targets import Targets


def metric_series(
    con: duckdb.DuckDBPyConnection,
    targets: Targets,
    codes: Sequence[str],
    periods: Sequence[int],
    regions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``region_code, period, metric, numerator, denominator, value, completeness``."""
    regions = queries.regions(con) if regions is None else regions
    listed = regions[regions["code"].isin(list(codes))]
    scheme_sums, population_sums = queries.subtree_sums(con, listed["code"].tolist(), periods)
    return metric_values(listed, scheme_sums, population_sums, targets, periods)


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
    """
    regions = queries.regions(con)
    by_level = codes is None and level is None
    if codes is None:
        codes = queries.listed_codes(con, level, root)
    listed = regions[regions["code"].isin(list(codes))].reset_index(drop=True)
    months = periods_needed(period, targets, compare_to)
    values = metric_series(con, targets, listed["code"], months, regions=regions)
    rank_groups = listed.set_index("code")["level"] if by_level else None
    return evaluate(listed, values, targets, period, compare_to, metrics, rank_groups)
