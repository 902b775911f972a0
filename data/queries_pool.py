"""Reads of the expansion pool (扩面对象实名库) and the six actions: subtree sums, bound parameters only.

As for snapshots, a region's figures are the sums over its subtree, taken in
DuckDB through ``region_closure`` for the whole list of regions at once. The
``group_id``/``action_id`` columns come back as ``group``/``action``, the names
the files and every message use.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

POOL_SUMS = """
WITH listed AS (SELECT unnest(?::VARCHAR[]) AS code),
     months AS (SELECT unnest(?::INTEGER[]) AS period),
     sub AS (SELECT c.ancestor, c.descendant FROM region_closure c JOIN listed l ON c.ancestor = l.code)
SELECT sub.ancestor AS region_code, p.period, p.group_id AS "group",
       SUM(p.identified)::BIGINT AS identified,
       SUM(p.enrolled_employee)::BIGINT AS enrolled_employee,
       SUM(p.enrolled_resident)::BIGINT AS enrolled_resident
FROM pool p
JOIN sub ON p.region_code = sub.descendant
WHERE p.period IN (SELECT period FROM months)
GROUP BY ALL
ORDER BY 1, 2, 3
"""

ACTION_SUMS = """
WITH listed AS (SELECT unnest(?::VARCHAR[]) AS code),
     months AS (SELECT unnest(?::INTEGER[]) AS period),
     sub AS (SELECT c.ancestor, c.descendant FROM region_closure c JOIN listed l ON c.ancestor = l.code)
SELECT sub.ancestor AS region_code, a.period, a.action_id AS action,
       SUM(a.enrolled)::BIGINT AS enrolled
FROM actions a
JOIN sub ON a.region_code = sub.descendant
WHERE a.period IN (SELECT period FROM months)
GROUP BY ALL
ORDER BY 1, 2, 3
"""

POOL_PERIODS = "SELECT DISTINCT period FROM pool ORDER BY period"

HAS_TABLE = "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = ?"

POOL_COLUMNS = ("region_code", "period", "group", "identified", "enrolled_employee", "enrolled_resident")
ACTION_COLUMNS = ("region_code", "period", "action", "enrolled")


def has_pool_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """False for a database written before the pool existed (opened read-only, it has no such tables)."""
    return all(con.execute(HAS_TABLE, [table]).fetchone()[0] for table in ("pool", "actions"))


def _empty(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="object" if column == "region_code" else "int64") for column in columns})


def pool_sums(con: duckdb.DuckDBPyConnection, codes: Sequence[str], periods: Sequence[int]) -> pd.DataFrame:
    """``region_code, period, group, identified, enrolled_employee, enrolled_resident``: subtree sums,
    one row per listed region, month and group that has pool rows in the subtree."""
    if not has_pool_tables(con):
        return _empty(POOL_COLUMNS)
    frame = con.execute(POOL_SUMS, [list(codes), [int(p) for p in periods]]).df()
    return frame.astype({"period": "int64", "group": "int64"}) if not frame.empty else _empty(POOL_COLUMNS)


def action_sums(con: duckdb.DuckDBPyConnection, codes: Sequence[str], periods: Sequence[int]) -> pd.DataFrame:
    """``region_code, period, action, enrolled``: subtree sums per listed region, month and action."""
    if not has_pool_tables(con):
        return _empty(ACTION_COLUMNS)
    frame = con.execute(ACTION_SUMS, [list(codes), [int(p) for p in periods]]).df()
    return frame.astype({"period": "int64", "action": "int64"}) if not frame.empty else _empty(ACTION_COLUMNS)


def pool_periods(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Every month that has at least one pool row."""
    if not has_pool_tables(con):
        return []
    return [row[0] for row in con.execute(POOL_PERIODS).fetchall()]
