"""When each month's report arrived (报送及时率, issue 13 point 2): the reads behind ``metrics.timeliness``.

Arrival is derived from the import history, nothing new is stored: a (region, month)'s report
**arrived** at the earliest ``imports.imported_at`` of an import that wrote a snapshot row for that
region and month and is not rolled back, whether its row is still live (``snapshots.import_id``) or
was later replaced by a correcting re-upload (``replaced_snapshots.prior_import_id``). So:

* a re-upload that corrects the figures later never makes an on-time report late: the first
  arrival counts;
* a rolled-back import never counts: its report did not arrive (a later import's time does, if any);
  undoing the rollback brings its arrival back;
* the demo data sets its imports' times (``data/demo.py`` ``arrivals``): most reports on time, a
  few late, 师宗县葵山镇 missing in 2026-08.

The time an import is recorded at comes from ``data.checks.now()`` (``KUOMIAN_NOW`` pins it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd

from data import checks, queries
from metrics.timeliness import DEFAULT_DUE_DAY, TIMELINESS_STATUSES, classify, rates

# Per month and reporting unit of ``root``'s subtree (in force at the month, with a population row at
# or before it: the units of completeness, metrics.md §3): the first arrival of its report and the
# import that brought it. Parameters: months, root.
_UNITS_AND_ARRIVALS = """
WITH months AS (SELECT unnest(?::INTEGER[]) AS period),
     sub AS (SELECT descendant AS code FROM region_closure WHERE ancestor = ?),
     -- a population row at or before the month <=> the region's first population month is not after it
     -- (issue 15: not an EXISTS per unit and month, 1.7 s of 2.4 at 40,000 townships)
     since AS (SELECT region_code, MIN(period) AS first_period FROM population
               WHERE region_code IN (SELECT code FROM sub) GROUP BY region_code),
     units AS (
         SELECT months.period, r.code, r.name, r.level, r.parent_code, pr.name AS parent_name
         FROM sub JOIN regions r ON r.code = sub.code
         JOIN since ON since.region_code = r.code
         LEFT JOIN regions pr ON pr.code = r.parent_code
         CROSS JOIN months
         WHERE (r.abolished IS NULL OR r.abolished > months.period)
           AND since.first_period <= months.period
     ),
     writers AS (
         SELECT period, region_code, import_id FROM snapshots
         WHERE period IN (SELECT period FROM months) AND region_code IN (SELECT code FROM sub)
         UNION
         SELECT period, region_code, prior_import_id FROM replaced_snapshots
         WHERE period IN (SELECT period FROM months) AND region_code IN (SELECT code FROM sub)
     ),
     arrivals AS (
         SELECT w.period, w.region_code, MIN(i.imported_at) AS arrived_at,
                arg_min(i.import_id, (i.imported_at, i.import_id)) AS arrival_import
         FROM writers w JOIN imports i ON i.import_id = w.import_id
         WHERE i.rolled_back_at IS NULL
         GROUP BY ALL
     )
"""
ARRIVALS = _UNITS_AND_ARRIVALS + """
SELECT u.code AS region_code, u.name, u.level, u.parent_code, u.parent_name,
       COALESCE(g.code, u.code) AS group_code, COALESCE(g.name, u.name) AS group_name, u.period,
       a.arrived_at, a.arrival_import
FROM units u LEFT JOIN arrivals a ON a.region_code = u.code AND a.period = u.period
LEFT JOIN (
    SELECT c.descendant, gr.code, gr.name FROM region_closure c JOIN regions gr ON gr.code = c.ancestor
    WHERE gr.parent_code = ?
) g ON g.descendant = u.code
ORDER BY u.period, u.code
"""

# The same units and arrivals without the names (the counts need none: issue 15, 480,000 unit-months
# of names took two seconds to fetch at 40,000 townships). Parameters: months, root.
UNIT_ARRIVALS = _UNITS_AND_ARRIVALS + """
SELECT u.code AS region_code, u.period, a.arrived_at
FROM units u LEFT JOIN arrivals a ON a.region_code = u.code AND a.period = u.period
"""

# Every (ancestor, descendant) pair inside ``root``'s subtree: a unit's lineage cut at the root.
SUBTREE_PAIRS = """
SELECT c.ancestor, c.descendant FROM region_closure c
JOIN region_closure s ON s.descendant = c.ancestor AND s.ancestor = ?
"""

ARRIVAL_COLUMNS = [
    "region_code", "name", "level", "parent_code", "parent_name", "group_code", "group_name", "period",
    "arrived_at", "arrival_import",
    "due", "status", "days_late", "missing",
]


def arrivals(
    con: duckdb.DuckDBPyConnection,
    periods: Sequence[int],
    root: str,
    *,
    due_day: int = DEFAULT_DUE_DAY,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """One row per reporting unit of ``root``'s subtree and month of ``periods`` (month indexes).

    Columns: ``region_code, name, level, parent_code, parent_name``, ``group_code, group_name`` (the
    child of ``root`` the unit lies under, the unit itself where it is one), ``period`` (month index),
    ``arrived_at`` (timestamp of the first arrival, NaT: none), ``arrival_import`` (its import id, NA),
    ``due`` (date), ``status`` (on_time | late | missing | not_due), ``days_late`` (Int64 calendar days,
    NA unless late), ``missing`` (bool). ``due_day``: the targets file's ``reporting.due_day``;
    ``today``: default ``data.checks.today()`` (``KUOMIAN_TODAY``/``KUOMIAN_NOW`` pin it). Rule: issue 13
    point 2, docs/metrics.md "Reporting timeliness".
    """
    frame = con.execute(ARRIVALS, [[int(p) for p in periods], str(root), str(root)]).df()
    frame["arrival_import"] = frame["arrival_import"].astype("Int64")
    return _classified(frame, due_day, today)[ARRIVAL_COLUMNS].reset_index(drop=True)


def _classified(frame: pd.DataFrame, due_day: int, today: dt.date | None) -> pd.DataFrame:
    """Units and arrivals as fetched (``period``, ``arrived_at``, …) typed and classified
    (``metrics.timeliness.classify``; ``today`` None: ``data.checks.today()``)."""
    frame["arrived_at"] = pd.to_datetime(frame["arrived_at"])
    frame["period"] = frame["period"].astype("int64")
    return classify(frame, due_day, today or checks.today())


def report_arrivals(
    con: duckdb.DuckDBPyConnection,
    period: int,
    root: str,
    *,
    due_day: int = DEFAULT_DUE_DAY,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """:func:`arrivals` for one month: per reporting unit under ``root``, ``days_late`` (Int64, NA unless
    late) and ``missing`` (bool) among the other columns. The warnings' "missing or late report" trigger
    reads this (issue 13 point 1)."""
    return arrivals(con, [period], root, due_day=due_day, today=today)


def timeliness_rates(
    con: duckdb.DuckDBPyConnection,
    periods: Sequence[int],
    root: str,
    *,
    due_day: int = DEFAULT_DUE_DAY,
    today: dt.date | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(units, rates)``: :func:`arrivals`, and per region of ``root``'s subtree and month
    ``region_code, period, on_time, late, missing, not_due, rate`` (``metrics.timeliness.rates``)."""
    units = arrivals(con, periods, root, due_day=due_day, today=today)
    lineages = pd.Series(dtype=object)
    if not units.empty:
        full = queries.regions(con, sorted(set(units["region_code"].tolist()))).set_index("code")["lineage"]  # a list: not 240,000 Arrow values one by one
        lineages = full.map(lambda lineage: lineage[: lineage.index(str(root)) + 1])  # the root's subtree only
    return units, rates(units, lineages)


def timeliness_totals(
    con: duckdb.DuckDBPyConnection,
    periods: Sequence[int],
    root: str,
    *,
    due_day: int = DEFAULT_DUE_DAY,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Per region of ``root``'s subtree: ``region_code, on_time, late, missing, not_due``, the counts of
    :func:`timeliness_rates` summed over ``periods`` (unit-months), by code; what the assessment's
    timeliness indicator needs (issue 14), read without the units' names (issue 15)."""
    frame = con.execute(UNIT_ARRIVALS, [[int(p) for p in periods], str(root)]).df()
    columns = ["region_code", *TIMELINESS_STATUSES]
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype="object" if c == "region_code" else "int64") for c in columns})
    classified = _classified(frame, due_day, today)
    # Each unit's counts, then added up the closure to every region of the root's subtree above it
    # (the lineage cut at the root, as timeliness_rates cuts it).
    unit, units = pd.factorize(classified["region_code"].to_numpy(dtype=object))
    status = pd.Categorical(classified["status"], categories=list(TIMELINESS_STATUSES)).codes.astype("int64")
    cells = np.bincount(unit * len(TIMELINESS_STATUSES) + status, minlength=len(units) * len(TIMELINESS_STATUSES))
    per_unit = pd.DataFrame(cells.reshape(len(units), len(TIMELINESS_STATUSES)), index=pd.Index(units, dtype=object), columns=list(TIMELINESS_STATUSES))
    pairs = con.execute(SUBTREE_PAIRS, [str(root)]).df()
    joined = pairs.merge(per_unit, left_on="descendant", right_index=True, how="inner")
    totals = joined.groupby("ancestor", sort=True)[list(TIMELINESS_STATUSES)].sum().astype("int64")
    return totals.rename_axis("region_code").reset_index()


def bulletin_timeliness(con: duckdb.DuckDBPyConnection, bulletin, due_day: int = DEFAULT_DUE_DAY, today: dt.date | None = None):
    """``bulletin`` (a ``metrics.bulletin.Bulletin``) with its quarter's timeliness attached: the rates of
    its root and league regions for the quarter's three months, and the units that had not reported one
    of them (``missing`` or ``not_due``), for the bulletin's timeliness sheet (issue 13 point 2)."""
    import dataclasses

    months = [bulletin.period - 2, bulletin.period - 1, bulletin.period]
    units, found = timeliness_rates(con, months, bulletin.root_code, due_day=due_day, today=today)
    wanted = {bulletin.root_code, *(bulletin.league["region_code"].astype(str) if not bulletin.league.empty else [])}
    rates_shown = found[found["region_code"].isin(wanted)].reset_index(drop=True)
    unreported = units[units["arrived_at"].isna()].reset_index(drop=True)
    return dataclasses.replace(bulletin, timeliness=rates_shown, unreported=unreported, due_day=due_day)
