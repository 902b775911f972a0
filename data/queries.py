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
SELECT r.code, r.name, r.level, r.parent_code, r.abolished,
       list(c.ancestor ORDER BY c.depth) AS lineage
FROM regions r JOIN region_closure c ON c.descendant = r.code
WHERE ?::VARCHAR[] IS NULL OR r.code IN (SELECT unnest(?::VARCHAR[]))
GROUP BY ALL
ORDER BY r.code
"""

LISTED_REGIONS = """
SELECT r.code, r.name, r.level, r.parent_code, r.abolished, r.abolished,
       list(c.ancestor ORDER BY c.depth) AS lineage
FROM regions r JOIN region_closure c ON c.descendant = r.code
WHERE (?::VARCHAR IS NULL OR r.level = ?)
  AND (?::VARCHAR IS NULL OR r.code IN (SELECT descendant FROM region_closure WHERE ancestor = ?))
GROUP BY ALL
ORDER BY r.code
"""


def _above_columns() -> str:
    from metrics.registry import SCHEMES

    return ",\n".join(
        f"COUNT(DISTINCT s.region_code) FILTER (WHERE s.scheme = '{scheme}') AS above_{scheme}" for scheme in SCHEMES
    )


def _scheme_columns() -> str:
    from metrics.compute import SUM_COLUMNS, sum_column
    from metrics.registry import SCHEMES

    expressions = {"insured": "s.insured", "phase": "s.insured - s.receiving", "paid": "s.paid"}
    return ",\n".join(
        f"SUM({expressions[name]}) FILTER (WHERE s.scheme = '{scheme}')::BIGINT AS {sum_column(name, scheme)}"
        for name in SUM_COLUMNS
        for scheme in SCHEMES
    )


def _summed_columns() -> str:
    """The per-region scheme sums of ``region_sums`` added up over a subtree, same names."""
    from metrics.compute import SUM_COLUMNS, sum_column
    from metrics.registry import SCHEMES

    return ",\n".join(
        f"SUM(s.{sum_column(name, scheme)})::BIGINT AS {sum_column(name, scheme)}" for name in SUM_COLUMNS for scheme in SCHEMES
    )


def _counted(regions: str) -> str:
    """The CTE ``counted``: every (month, region, scheme) snapshot row that counts at a month of ``months``.

    A row reported at the month counts; where a (region, scheme) has none, its latest row of the
    ``offsets`` months before (``carry_forward_months``) in the same calendar year counts as *carried*
    (metrics.md §3, "Carried rows"; the year of month index m is (m - 1) // 12). Regions abolished at
    or before the month count nothing (cli.md, "Regions that change"). ``regions`` is the CTE naming
    the regions whose rows are wanted (column ``code``). The candidates are found by equality on
    ``period - back`` (a hash join), then the nearest one is kept.
    """
    return f"""
     wanted AS (
         SELECT months.period, months.period - o.back AS source, o.back
         FROM months CROSS JOIN offsets o
         WHERE (months.period - o.back - 1) // 12 = (months.period - 1) // 12
     ),
     counted AS (
         SELECT w.period, s.region_code, s.scheme,
                arg_min(s.insured, w.back) AS insured,
                arg_min(s.receiving, w.back) AS receiving,
                arg_min(s.paid, w.back) AS paid,
                MIN(w.back) > 0 AS carried
         FROM wanted w
         JOIN snapshots s ON s.period = w.source
         JOIN {regions} i ON i.code = s.region_code
         JOIN regions r ON r.code = s.region_code
         WHERE r.abolished IS NULL OR r.abolished > w.period
         GROUP BY w.period, s.region_code, s.scheme
     )"""


# One row per listed region and month: its subtree's snapshot sums by scheme, counting
# carried rows (``rows`` = how many (region, scheme) rows count, ``carried`` = how many
# of them are carried), the sum of each subtree region in force's latest population
# figure at or before the month, how many subtree regions in force have such a figure
# (``with_population``) and of them reported at the month itself (``reported``: carried
# rows never count for completeness), and per scheme how many strict ancestors hold a
# row (reported or carried) at the month (``above_<scheme>``: the comparable rule).
# Parameters: listed codes, months, carry_forward_months.
#
# Issue 15 (EXPLAIN ANALYZE at 40,000 townships): the counted rows are first summed per
# (month, region) -- the nine FILTER sums run once per region, not once per (ancestor,
# descendant) pair -- and the subtree sums add those up; ``reported`` comes from the same
# per-region rows (a region reported at a month where one of its counted rows is not
# carried) instead of a second DISTINCT scan of the snapshots.
SUBTREE_SUMS = f"""
WITH listed AS (SELECT unnest(?::VARCHAR[]) AS code),
     months AS (SELECT unnest(?::INTEGER[]) AS period),
     offsets AS (SELECT range::INTEGER AS back FROM range(0, ?::INTEGER + 1)),
     sub AS (SELECT c.ancestor, c.descendant FROM region_closure c JOIN listed l ON c.ancestor = l.code),
     members AS (
         SELECT m.code, r.abolished
         FROM (SELECT DISTINCT descendant AS code FROM sub) m JOIN regions r ON r.code = m.code
     ),
     lineage AS (SELECT c.descendant, c.ancestor FROM region_closure c JOIN listed l ON c.descendant = l.code AND c.depth > 0),
     involved AS (SELECT code FROM members UNION SELECT ancestor FROM lineage),
     {_counted("involved").strip()},
     region_sums AS (
         SELECT s.region_code, s.period, COUNT(*) AS rows,
                COUNT(*) FILTER (WHERE s.carried) AS carried,
                bool_or(NOT s.carried) AS reported,
                {_scheme_columns()}
         FROM counted s
         GROUP BY ALL
     ),
     snapshot_sums AS (
         SELECT sub.ancestor AS region_code, s.period, SUM(s.rows)::BIGINT AS rows,
                SUM(s.carried)::BIGINT AS carried,
                {_summed_columns()}
         FROM region_sums s
         JOIN sub ON s.region_code = sub.descendant
         GROUP BY ALL
     ),
     latest AS (
         SELECT m.code, months.period, p.required
         FROM members m CROSS JOIN months
         ASOF JOIN population p ON p.region_code = m.code AND p.period <= months.period
         WHERE m.abolished IS NULL OR m.abolished > months.period
     ),
     population_sums AS (
         SELECT sub.ancestor AS region_code, latest.period,
                SUM(latest.required)::BIGINT AS required,
                COUNT(*) AS with_population,
                COUNT(*) FILTER (WHERE rs.reported) AS reported
         FROM latest
         JOIN sub ON sub.descendant = latest.code
         LEFT JOIN region_sums rs ON rs.region_code = latest.code AND rs.period = latest.period
         GROUP BY ALL
     ),
     above AS (
         SELECT lineage.descendant AS region_code, s.period,
                {_above_columns()}
         FROM lineage
         JOIN counted s ON s.region_code = lineage.ancestor
         GROUP BY ALL
     ),
     own AS (
         SELECT COALESCE(s.region_code, p.region_code) AS region_code,
                COALESCE(s.period, p.period) AS period,
                s.* EXCLUDE (region_code, period),
                p.* EXCLUDE (region_code, period)
         FROM snapshot_sums s
         FULL OUTER JOIN population_sums p ON p.region_code = s.region_code AND p.period = s.period
     )
SELECT COALESCE(o.region_code, a.region_code) AS region_code,
       COALESCE(o.period, a.period) AS period,
       o.* EXCLUDE (region_code, period),
       a.* EXCLUDE (region_code, period)
FROM own o
FULL OUTER JOIN above a ON a.region_code = o.region_code AND a.period = o.period
"""

# Which strict ancestor of each listed region holds rows (reported or carried) at one
# month, for which schemes. Parameters: listed codes, the month, carry_forward_months.
REPORTED_ABOVE = f"""
WITH listed AS (SELECT unnest(?::VARCHAR[]) AS code),
     months AS (SELECT ?::INTEGER AS period),
     offsets AS (SELECT range::INTEGER AS back FROM range(0, ?::INTEGER + 1)),
     lineage AS (
         SELECT c.descendant, c.ancestor, c.depth
         FROM region_closure c JOIN listed l ON c.descendant = l.code AND c.depth > 0
     ),
     involved AS (SELECT DISTINCT ancestor AS code FROM lineage),
     {_counted("involved").strip()}
SELECT lineage.descendant AS region_code, lineage.ancestor AS ancestor_code, r.name AS ancestor_name,
       list(DISTINCT s.scheme ORDER BY s.scheme) AS schemes,
       bool_or(s.carried) AS carried
FROM lineage
JOIN counted s ON s.region_code = lineage.ancestor
JOIN regions r ON r.code = lineage.ancestor
GROUP BY ALL
ORDER BY region_code, ANY_VALUE(lineage.depth) DESC
"""

# For each listed region, the first month from ``after`` up to ``until`` at which a snapshot row of
# its subtree can count: a row reported at that month, or one carried into ``after`` from the
# ``carry_forward_months`` before it in the same calendar year (metrics.md §3). No earlier month
# in that span can hold a value. Parameters: listed codes, after, until, carry_forward_months.
FIRST_COUNTED_MONTHS = """
WITH listed AS (SELECT unnest($codes::VARCHAR[]) AS code)
SELECT c.ancestor AS region_code, MIN(GREATEST(s.period, $after::INTEGER)) AS first
FROM region_closure c
JOIN listed l ON c.ancestor = l.code
JOIN snapshots s ON s.region_code = c.descendant
WHERE s.period <= $until AND s.period >= $after - $carry
  AND (s.period >= $after OR (s.period - 1) // 12 = ($after - 1) // 12)
GROUP BY 1
"""

REGION_CHANGES = """
SELECT r.code, r.name, r.abolished, r.successor, s.name AS successor_name
FROM regions r LEFT JOIN regions s ON s.code = r.successor
WHERE r.abolished IS NOT NULL
ORDER BY r.abolished, r.code
"""

PERIODS = "SELECT DISTINCT period FROM snapshots ORDER BY period"


CONTENT_VERSION = "SELECT COALESCE(MAX(import_id), 0) AS last, COUNT(*) AS count, COUNT(rolled_back_at) AS rolled FROM imports"
"""What the import history says about the data (``data.store.content_version``): last import id, imports, rollbacks."""


def rebuild_closure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(REBUILD_CLOSURE)


def regions(con: duckdb.DuckDBPyConnection, codes: Sequence[str] | None = None) -> pd.DataFrame:
    """``code, name, level, parent_code, abolished, lineage`` (lineage: the region, then its ancestors), by code.

    Every region, or only ``codes``. ``abolished`` is the month index from which the region no
    longer exists (NaN: in force; cli.md, "Regions that change").
    """
    codes = None if codes is None else list(codes)
    frame = con.execute(REGIONS, [codes, codes]).df()
    frame["lineage"] = frame["lineage"].map(tuple)
    return frame


def roots(con: duckdb.DuckDBPyConnection, root: str | None = None) -> list[str]:
    """``[root]``, or the codes of every root of the region forest (no parent), ascending, where
    ``root`` is None: what "under every root" means for the reads that walk one subtree at a time."""
    if root is not None:
        return [str(root)]
    return [row[0] for row in con.execute("SELECT code FROM regions WHERE parent_code IS NULL ORDER BY code").fetchall()]


def listed_regions(con: duckdb.DuckDBPyConnection, level: str | None, root: str | None) -> pd.DataFrame:
    """As :func:`regions`, for the regions of ``level`` in the subtree of ``root`` (None: any, every root)."""
    frame = con.execute(LISTED_REGIONS, [level, level, root, root]).df()
    frame["lineage"] = frame["lineage"].map(tuple)
    return frame


def subtree_sums(
    con: duckdb.DuckDBPyConnection, codes: Sequence[str], periods: Sequence[int], carry_forward_months: int = 0
) -> pd.DataFrame:
    """Subtree sums of ``codes`` at ``periods``, the input of ``metrics.compute.metric_grid``.

    One row per listed region and month with anything in its subtree or above it:
    ``region_code, period, rows, carried, insured_<scheme>, phase_<scheme>, paid_<scheme>,
    required, with_population, reported, above_<scheme>`` (counts of rows, persons, regions).
    ``carry_forward_months`` is the targets file's ``reporting.carry_forward_months``
    (metrics.md §3, "Carried rows"; 0: off).
    """
    # DuckDB plans the ASOF join of a parameter-built table as a nested loop
    # (it guesses the table is tiny): 6 s instead of 0.08 s for a province.
    con.execute("SET asof_loop_join_threshold = 0")
    return con.execute(SUBTREE_SUMS, [list(codes), [int(p) for p in periods], int(carry_forward_months)]).df()


def first_counted_months(
    con: duckdb.DuckDBPyConnection, codes: Sequence[str], after: int, until: int, carry_forward_months: int = 0
) -> dict[str, int]:
    """Region code -> the first month index in ``after`` .. ``until`` at which a row of its subtree can
    count (reported there, or carried into ``after``); regions without one are left out. Before that
    month a region has no value (issue 15: a late-starting history reads one month, not every month).
    """
    if not len(codes):
        return {}
    rows = con.execute(
        FIRST_COUNTED_MONTHS,
        {"codes": list(codes), "after": int(after), "until": int(until), "carry": int(carry_forward_months)},
    ).fetchall()
    return {str(code): int(first) for code, first in rows}


def reported_above(
    con: duckdb.DuckDBPyConnection, codes: Sequence[str], period: int, carry_forward_months: int = 0
) -> pd.DataFrame:
    """Listed regions with a strict ancestor holding rows at ``period``, reported or carried (metrics.md §3,
    "Comparable"): ``region_code, ancestor_code, ancestor_name, schemes`` (a tuple of scheme keys, sorted),
    ``carried`` (True where some of those rows are carried), one row per (region, ancestor), the
    highest ancestor first. The dashboard's note on a region that is not comparable: its figures leave
    these schemes out, since the ancestor counts them.
    """
    columns = ["region_code", "ancestor_code", "ancestor_name", "schemes", "carried"]
    if not len(codes):
        return pd.DataFrame(columns=columns)
    frame = con.execute(REPORTED_ABOVE, [list(codes), int(period), int(carry_forward_months)]).df()
    frame["schemes"] = frame["schemes"].map(tuple)
    return frame[columns]


def region_changes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Regions abolished by a regions file (cli.md, "Regions that change"), for the dashboard's note
    ("越州镇 became 越州街道 (530302014) in 2026-11"): ``code, name, abolished`` (a month index: the first
    month without the region), ``successor`` (a code or None), ``successor_name`` (None where the successor
    is not given or not known), by month then code.
    """
    frame = con.execute(REGION_CHANGES).df()
    frame["abolished"] = frame["abolished"].astype("int64")
    return frame


def periods(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Every month that has at least one snapshot row."""
    return [row[0] for row in con.execute(PERIODS).fetchall()]
