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
GROUP BY ALL
ORDER BY r.code
"""

LISTED = """
SELECT r.code
FROM regions r
WHERE (?::VARCHAR IS NULL OR r.level = ?)
  AND (?::VARCHAR IS NULL OR r.code IN (SELECT descendant FROM region_closure WHERE ancestor = ?))
ORDER BY r.code
"""

SCHEME_SUMS = """
WITH listed AS (SELECT unnest(?::VARCHAR[]) AS code),
     months AS (SELECT unnest(?::INTEGER[]) AS period),
     sub AS (SELECT c.ancestor, c.descendant FROM region_closure c JOIN listed l ON c.ancestor = l.code)
SELECT sub.ancestor AS region_code, s.period, s.scheme,
       SUM(s.insured)::BIGINT AS insured,
       SUM(s.insured - s.receiving)::BIGINT AS contribution_phase,
       SUM(s.paid)::BIGINT AS paid
FROM snapshots s
JOIN sub ON s.region_code = sub.descendant
WHERE s.period IN (SELECT period FROM months)
GROUP BY ALL
"""

POPULATION_SUMS = """
WITH listed AS (SELECT unnest(?::VARCHAR[]) AS code),
     months AS (SELECT unnest(?::INTEGER[]) AS period),
     sub AS (SELECT c.ancestor, c.descendant FROM region_closure c JOIN listed l ON c.ancestor = l.code),
     members AS (SELECT DISTINCT descendant AS code FROM sub),
     latest AS (
         SELECT m.code, months.period, p.required
         FROM members m CROSS JOIN months
         ASOF JOIN population p ON p.region_code = m.code AND p.period <= months.period
     ),
     reported AS (
         SELECT DISTINCT period, region_code FROM snapshots
         WHERE period IN (SELECT period FROM months)
           AND region_code IN (SELECT code FROM members)
     )
SELECT sub.ancestor AS region_code, latest.period,
       SUM(latest.required)::BIGINT AS required,
       COUNT(*) AS with_population,
       COUNT(reported.region_code) AS reported
FROM latest
JOIN sub ON sub.descendant = latest.code
LEFT JOIN reported ON reported.region_code = latest.code AND reported.period = latest.period
GROUP BY ALL
"""

PERIODS = "SELECT DISTINCT period FROM snapshots ORDER BY period"


def rebuild_closure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(REBUILD_CLOSURE)


def regions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``code, name, level, parent_code, lineage`` (lineage: the region, then its ancestors)."""
    frame = con.execute(REGIONS).df()
    frame["lineage"] = frame["lineage"].map(tuple)
    return frame


def listed_codes(con: duckdb.DuckDBPyConnection, level: str | None, root: str | None) -> list[str]:
    """The regions of ``level`` (any level: None) in the subtree of ``root`` (every root: None)."""
    rows = con.execute(LISTED, [level, level, root, root]).fetchall()
    return [row[0] for row in rows]


def subtree_sums(
    con: duckdb.DuckDBPyConnection, codes: Sequence[str], periods: Sequence[int]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(scheme_sums, population_sums) for ``codes`` at ``periods``: see ``metrics.compute``."""
    codes, periods = list(codes), [int(p) for p in periods]
    scheme_sums = con.execute(SCHEME_SUMS, [codes, periods]).df()
    population_sums = con.execute(POPULATION_SUMS, [codes, periods]).df()
    return scheme_sums, population_sums


def periods(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Every month that has at least one snapshot row."""
    return [row[0] for row in con.execute(PERIODS).fetchall()]
