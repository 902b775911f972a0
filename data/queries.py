"""Every read the dashboard and the command make: plain SQL with bound parameters.

The subtree sums are the heavy part of the metrics and run in DuckDB over
the whole list of regions at once, through the ``region_closure`` table.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

REBUILD_CLOSURE = """
DELETE FROM region_closure;
INSERT INTO region_closure
WITH RECURSIVE walk(ancestor, descendant, depth) AS (
    SELECT code, code, 0 FROM regions
    UNION ALL
    SELECT r.parent_code, w.descendant, w.depth + 1
    FROM walk w JOIN regions r ON r.code = w.ancestor
    WHERE r.parent_code IS NOT NULL
)
SELECT ancestor, descendant, depth FROM walk;
"""

REGIONS = """
SELECT r.code, r.name, r.level, r.parent_code,
       list(c.ancestor ORDER BY c.depth) AS lineage
FROM regions r JOIN region_closure c ON c.descendant = r.code
WHERE ?::VARCHAR[] IS NULL OR r.code IN (SELECT unnest(?::VARCHAR[]))
GROUP BY ALL
ORDER BY r.code
"""

LISTED_REGIONS = """
SELECT r.code, r.name, r.level, r.parent_code,
       list(c.ancestor ORDER BY c.depth) AS lineage
FROM regions r JOIN region_closure c ON c.descendant = r.code
WHERE (?::VARCHAR IS NULL OR r.level = ?)
  AND (?::VARCHAR IS NULL OR r.code IN (SELECT descendant FROM region_closure WHERE ancestor = ?))
GROUP BY ALL
ORDER BY r.code
"""


def _scheme_columns() -> str:
    from metrics.compute import SUM_COLUMNS, sum_column
    from metrics.registry import SCHEMES

    expressions = {"insured": "s.insured", "phase": "s.insured - s.receiving", "paid": "s.paid"}
    return ",\n".join(
        f"SUM({expressions[name]}) FILTER (WHERE s.scheme = '{scheme}')::BIGINT AS {sum_column(name, scheme)}"
        for name in SUM_COLUMNS
        for scheme in SCHEMES
    )


# One row per listed region and month: its subtree's snapshot sums by scheme
# (``rows`` = how many snapshot rows), the sum of each subtree region's latest
# population figure at or before the month, and how many subtree regions have
# such a figure (``with_population``) and of them reported (``reported``).
SUBTREE_SUMS = f"""
WITH listed AS (SELECT unnest(?::VARCHAR[]) AS code),
     months AS (SELECT unnest(?::INTEGER[]) AS period),
     sub AS (SELECT c.ancestor, c.descendant FROM region_closure c JOIN listed l ON c.ancestor = l.code),
     members AS (SELECT DISTINCT descendant AS code FROM sub),
     snapshot_sums AS (
         SELECT sub.ancestor AS region_code, s.period, COUNT(*) AS rows,
                {_scheme_columns()}
         FROM snapshots s
         JOIN sub ON s.region_code = sub.descendant
         WHERE s.period IN (SELECT period FROM months)
         GROUP BY ALL
     ),
     latest AS (
         SELECT m.code, months.period, p.required
         FROM members m CROSS JOIN months
         ASOF JOIN population p ON p.region_code = m.code AND p.period <= months.period
     ),
     reported AS (
         SELECT DISTINCT period, region_code FROM snapshots
         WHERE period IN (SELECT period FROM months)
           AND region_code IN (SELECT code FROM members)
     ),
     population_sums AS (
         SELECT sub.ancestor AS region_code, latest.period,
                SUM(latest.required)::BIGINT AS required,
                COUNT(*) AS with_population,
                COUNT(reported.region_code) AS reported
         FROM latest
         JOIN sub ON sub.descendant = latest.code
         LEFT JOIN reported ON reported.region_code = latest.code AND reported.period = latest.period
         GROUP BY ALL
     )
SELECT COALESCE(s.region_code, p.region_code) AS region_code,
       COALESCE(s.period, p.period) AS period,
       s.* EXCLUDE (region_code, period),
       p.* EXCLUDE (region_code, period)
FROM snapshot_sums s
FULL OUTER JOIN population_sums p ON p.region_code = s.region_code AND p.period = s.period
"""

PERIODS = "SELECT DISTINCT period FROM snapshots ORDER BY period"


def rebuild_closure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(REBUILD_CLOSURE)


def regions(con: duckdb.DuckDBPyConnection, codes: Sequence[str] | None = None) -> pd.DataFrame:
    """``code, name, level, parent_code, lineage`` (lineage: the region, then its ancestors), by code.

    Every region, or only ``codes``.
    """
    codes = None if codes is None else list(codes)
    frame = con.execute(REGIONS, [codes, codes]).df()
    frame["lineage"] = frame["lineage"].map(tuple)
    return frame


def listed_regions(con: duckdb.DuckDBPyConnection, level: str | None, root: str | None) -> pd.DataFrame:
    """As :func:`regions`, for the regions of ``level`` in the subtree of ``root`` (None: any, every root)."""
    frame = con.execute(LISTED_REGIONS, [level, level, root, root]).df()
    frame["lineage"] = frame["lineage"].map(tuple)
    return frame


def subtree_sums(con: duckdb.DuckDBPyConnection, codes: Sequence[str], periods: Sequence[int]) -> pd.DataFrame:
    """Subtree sums of ``codes`` at ``periods``, the input of ``metrics.compute.metric_grid``."""
    # DuckDB plans the ASOF join of a parameter-built table as a nested loop
    # (it guesses the table is tiny): 6 s instead of 0.08 s for a province.
    con.execute("SET asof_loop_join_threshold = 0")
    return con.execute(SUBTREE_SUMS, [list(codes), [int(p) for p in periods]]).df()


def periods(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Every month that has at least one snapshot row."""
    return [row[0] for row in con.execute(PERIODS).fetchall()]
