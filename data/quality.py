"""Data-quality reads for the Data page: who did not report, what looks wrong, what counts twice.

Plain SQL with bound parameters only. Every function takes a (read-only)
connection, the region whose subtree is looked at (``root``) and a month
index; each returns a DataFrame the page shows as it is (one row per finding,
ordered by region code).
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from data.importer import KINDS

# Regions of the subtree with a population row at or before the month but no snapshot row at it.
MISSING_REPORTS = """
WITH sub AS (SELECT descendant AS code FROM region_closure WHERE ancestor = ?),
     expected AS (
         SELECT DISTINCT p.region_code AS code FROM population p
         JOIN sub ON sub.code = p.region_code
         WHERE p.period <= ?
     ),
     reported AS (SELECT DISTINCT region_code AS code FROM snapshots WHERE period = ?),
     last_report AS (
         SELECT region_code AS code, MAX(period) AS last_period FROM snapshots
         WHERE period < ? AND region_code IN (SELECT code FROM expected)
         GROUP BY region_code
     )
SELECT r.code, r.name, r.level, r.parent_code, parent.name AS parent_name, l.last_period
FROM expected e
JOIN regions r ON r.code = e.code
LEFT JOIN regions parent ON parent.code = r.parent_code
LEFT JOIN last_report l ON l.code = e.code
WHERE e.code NOT IN (SELECT code FROM reported)
  AND (r.abolished IS NULL OR r.abolished > ?)
ORDER BY r.code
"""

# Snapshot rows where more persons paid than are in the contribution phase.
OVERPAID = """
SELECT s.region_code AS code, r.name, s.scheme, s.insured, s.receiving,
       (s.insured - s.receiving)::BIGINT AS contribution_phase, s.paid,
       (s.paid - (s.insured - s.receiving))::BIGINT AS excess
FROM snapshots s
JOIN region_closure c ON c.descendant = s.region_code AND c.ancestor = ?
JOIN regions r ON r.code = s.region_code
WHERE s.period = ? AND s.paid > s.insured - s.receiving
ORDER BY s.region_code, s.scheme
"""

# A region's own rows at the month, summed over schemes, above its latest required population.
OVER_REQUIRED = """
WITH own AS (
    SELECT s.region_code AS code, SUM(s.insured)::BIGINT AS insured, COUNT(*) AS schemes
    FROM snapshots s
    JOIN region_closure c ON c.descendant = s.region_code AND c.ancestor = ?
    WHERE s.period = ?
    GROUP BY s.region_code
),
latest AS (
    SELECT p.region_code AS code, arg_max(p.required, p.period) AS required, MAX(p.period) AS population_period
    FROM population p
    WHERE p.period <= ? AND p.region_code IN (SELECT code FROM own)
    GROUP BY p.region_code
)
SELECT own.code, r.name, own.insured, latest.required, latest.population_period,
       (own.insured - latest.required)::BIGINT AS excess,
       own.insured / latest.required AS ratio
FROM own
JOIN latest ON latest.code = own.code
JOIN regions r ON r.code = own.code
WHERE latest.required IS NOT NULL AND own.insured > latest.required
ORDER BY own.code
"""

# An ancestor and its descendants both reporting one scheme at the month: the ancestor's sums count those persons twice.
DOUBLE_COUNTED = """
WITH sub AS (SELECT descendant AS code FROM region_closure WHERE ancestor = ?),
     rows AS (SELECT region_code, scheme, insured FROM snapshots WHERE period = ?)
SELECT c.ancestor AS upper_code, upper.name AS upper_name, a.scheme,
       a.insured AS upper_insured,
       COUNT(*) AS lower_count,
       SUM(d.insured)::BIGINT AS lower_insured,
       string_agg(lower.name, '、' ORDER BY c.descendant) AS lower_names,
       list(c.descendant ORDER BY c.descendant) AS lower_codes
FROM region_closure c
JOIN sub ON sub.code = c.ancestor
JOIN rows a ON a.region_code = c.ancestor
JOIN rows d ON d.region_code = c.descendant AND d.scheme = a.scheme
JOIN regions upper ON upper.code = c.ancestor
JOIN regions lower ON lower.code = c.descendant
WHERE c.depth >= 1
GROUP BY c.ancestor, upper.name, a.scheme, a.insured
ORDER BY c.ancestor, a.scheme
"""

HAS_TABLE = "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = ?"


def has_schema(con: duckdb.DuckDBPyConnection, table: str = "regions") -> bool:
    """Whether the file holds kuomian's tables (a brand-new file, or one older than a table, may not)."""
    return con.execute(HAS_TABLE, [table]).fetchone()[0] > 0


def missing_reports(con: duckdb.DuckDBPyConnection, root: str, period: int) -> pd.DataFrame:
    """``code, name, level, parent_code, parent_name, last_period``: expected to report at ``period``, did not.

    Expected = has a population row at or before ``period`` and is not abolished by then (the rule of
    ``completeness``); ``last_period`` is the last month with a snapshot row before ``period`` (NA: never).
    """
    period = int(period)
    frame = con.execute(MISSING_REPORTS, [root, period, period, period, period]).df()
    frame["last_period"] = frame["last_period"].astype("Int64")
    return frame


def overpaid(con: duckdb.DuckDBPyConnection, root: str, period: int) -> pd.DataFrame:
    """``code, name, scheme, insured, receiving, contribution_phase, paid, excess``: paid > insured - receiving."""
    return con.execute(OVERPAID, [root, int(period)]).df()


def over_required(con: duckdb.DuckDBPyConnection, root: str, period: int) -> pd.DataFrame:
    """``code, name, insured, required, population_period, excess, ratio``.

    A region's own snapshot rows at ``period`` (every scheme) against its own
    latest population row at or before ``period``: the rule of the import warning.
    """
    period = int(period)
    frame = con.execute(OVER_REQUIRED, [root, period, period]).df()
    frame["population_period"] = frame["population_period"].astype("Int64")
    return frame


def double_counted(con: duckdb.DuckDBPyConnection, root: str, period: int) -> pd.DataFrame:
    """``upper_code, upper_name, scheme, upper_insured, lower_count, lower_insured, lower_names, lower_codes``.

    One row per (region inside ``root``'s subtree, scheme) where the region has
    a row at ``period`` and so do ``lower_count`` of its descendants (any depth):
    ``lower_insured`` sums theirs, ``lower_names`` lists them (by code).
    """
    frame = con.execute(DOUBLE_COUNTED, [root, int(period)]).df()
    frame["lower_codes"] = frame["lower_codes"].map(list)
    return frame


INTEGER_KEYS = {"period", "group", "action", "year"}  # month indexes and category ids; the other keys are codes


def existing_keys(con: duckdb.DuckDBPyConnection | None, kind: str, frame: pd.DataFrame) -> int:
    """How many of ``frame``'s keys (a checked file's rows) are already in the database: the rows it will replace."""
    spec = KINDS[kind]
    if con is None or frame.empty or not has_schema(con, spec.name):
        return 0
    key = spec.key
    types = {c: "INTEGER" if c in INTEGER_KEYS else "VARCHAR" for c in key}
    columns = ", ".join(f"unnest(?::{types[c]}[]) AS k{i}" for i, c in enumerate(key))
    match = " AND ".join(f"live.{spec.db(c)} = staged.k{i}" for i, c in enumerate(key))
    sql = f"SELECT COUNT(*) FROM (SELECT DISTINCT {columns}) staged WHERE EXISTS (SELECT 1 FROM {spec.name} live WHERE {match})"
    values: list[Sequence] = [
        [int(v) for v in frame[c]] if types[c] == "INTEGER" else [str(v) for v in frame[c]] for c in key
    ]
    return int(con.execute(sql, values).fetchone()[0])


def schemes_reported_above(
    con: duckdb.DuckDBPyConnection, codes: list[str], period: int, carry_forward_months: int = 0
) -> pd.DataFrame:
    """Listed regions with an ancestor that reports schemes itself at ``period`` (reported or carried rows).

    Their own figures leave those schemes out (they are counted at the
    ancestor), so ranking them against regions that report every scheme
    compares unlike figures: ``region_code, ancestor_code, ancestor_name, schemes, carried``.
    The same as ``data.queries.reported_above``, which states the rule.
    """
    from data.queries import reported_above

    return reported_above(con, codes, period, carry_forward_months)
