"""Tasks in persons (任务下达, issue 13 point 3): the reads behind the 任务 page, ``kuomian tasks``, the rankings'
completion column, the bulletin and the assessment.

The SQL lives here; the rules are :mod:`metrics.tasks` (contract: docs/metrics.md, "Tasks in persons").
The one function other features need is :func:`completion_of`: per region and kind, task, achieved and
completion for a year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from data import queries
from data.quality import has_schema
from metrics import compute
from metrics import tasks as rules
from metrics.targets import Targets

TASKS_OF_YEAR = """
SELECT year, region_code, task_kind, task FROM tasks
WHERE year = ? AND (?::VARCHAR[] IS NULL OR region_code IN (SELECT unnest(?::VARCHAR[])))
ORDER BY region_code, task_kind
"""

TASK_YEARS = "SELECT DISTINCT year FROM tasks ORDER BY year"

# The latest month of ``year`` with a snapshot row: where a year's achievement stands by default.
LATEST_MONTH_OF_YEAR = "SELECT MAX(period) FROM snapshots WHERE period BETWEEN ? AND ?"

# The regions of ``root``'s subtree that hold a task in ``year``, with the root itself.
TASK_REGIONS = """
SELECT DISTINCT c.descendant AS code FROM region_closure c
WHERE c.ancestor = ? AND (c.depth = 0 OR c.descendant IN (SELECT region_code FROM tasks WHERE year = ?))
"""


def tasks_of(con: duckdb.DuckDBPyConnection, year: int, codes: Sequence[str] | None = None) -> pd.DataFrame:
    """``year, region_code, task_kind, task`` (persons) of ``year``, for ``codes`` (None: every region); empty
    where the database has no tasks table yet (a file older than issue 13)."""
    if not has_schema(con, "tasks"):
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("year", "task") else str) for c in rules.TASK_COLUMNS})
    listed = None if codes is None else [str(c) for c in codes]
    frame = con.execute(TASKS_OF_YEAR, [int(year), listed, listed]).df()
    return frame.astype({"year": "int64", "task": "int64"})


def task_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Every year that holds a task, ascending."""
    if not has_schema(con, "tasks"):
        return []
    return [int(row[0]) for row in con.execute(TASK_YEARS).fetchall()]


def default_period(con: duckdb.DuckDBPyConnection, year: int) -> int | None:
    """The latest month of ``year`` with a snapshot row (None: none yet)."""
    found = con.execute(LATEST_MONTH_OF_YEAR, [12 * int(year) + 1, 12 * int(year) + 12]).fetchone()[0]
    return None if found is None else int(found)


def achieved_of(
    con: duckdb.DuckDBPyConnection, codes: Sequence[str], year: int, period: int, carry_forward_months: int = 0
) -> pd.DataFrame:
    """:func:`metrics.tasks.achieved` of ``codes`` in ``year`` up to ``period`` (a month of that year), from the
    subtree sums at December of the year before and at ``period`` (carried rows counted, metrics.md §3)."""
    codes = [str(c) for c in codes]
    if not codes:
        return pd.DataFrame(columns=list(rules.ACHIEVED_COLUMNS))
    sums = queries.subtree_sums(con, codes, rules.months_needed(year, period), carry_forward_months)
    return rules.achieved(sums, codes, year, period)


def completion_of(
    con: duckdb.DuckDBPyConnection,
    year: int,
    codes: Sequence[str],
    period: int | None = None,
    carry_forward_months: int = 0,
    targets: Targets | None = None,
    regions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Task completion per region and kind (issue 13 point 3; for the rankings, the bulletin and the assessment
    of issue 14): ``region_code, region_name, level, parent_code, task_kind, task, achieved, completion,
    remaining`` for every code × kind, ``task`` none where the region has no task of that kind.

    ``period`` (a month of ``year``; default: the year's latest month with data) is where the achievement
    stands; ``completion`` is a fraction (none where the task is 0 or missing or there are no figures).
    ``carry_forward_months``: the targets file's ``reporting.carry_forward_months``.

    A region that is not comparable for a kind's metric at December of ``year - 1`` or at ``period`` (a strict
    ancestor reports a scheme the metric sums, metrics.md §3 "Comparable") has ``achieved``, ``completion`` and
    ``remaining`` none and ``comparable`` false, with ``reported_above`` naming the ancestors
    (:func:`metrics.tasks.withhold_not_comparable`). ``targets`` gives the schemes each metric sums (None: all
    three for every kind). ``regions``: ``code, name, level, parent_code`` of at least ``codes``, already read
    (the assessment's :class:`data.assessment.RegionLists`; None: read here).
    """
    codes = [str(c) for c in codes]
    period = default_period(con, year) if period is None else int(period)
    listed = queries.regions(con, codes) if regions is None else regions[["code", "name", "level", "parent_code"]].drop_duplicates("code")
    if period is None:
        achieved = pd.DataFrame(
            [(code, kind, None, None, None) for code in codes for kind in rules.TASK_KIND_KEYS],
            columns=list(rules.ACHIEVED_COLUMNS),
        )
    else:
        achieved = achieved_of(con, codes, year, period, carry_forward_months)
    listed = listed.set_index("code").reindex(codes).reset_index()
    table = rules.task_table(tasks_of(con, year, codes), listed, achieved)
    ends = [rules.december_before(year)] + ([] if period is None else [int(period)])
    above = pd.concat([queries.reported_above(con, codes, end, carry_forward_months) for end in ends], ignore_index=True)
    return rules.withhold_not_comparable(table, above, kind_schemes(targets))


def kind_schemes(targets: Targets | None) -> dict[str, tuple[str, ...] | None]:
    """Per task kind, the schemes its metric sums under the global targets (None: all three): ``new_insured`` ↔
    coverage_rate, ``new_employee`` ↔ employee_share (always all three), ``resident_paid`` ↔ payment_rate
    (metrics.md §3 "Comparable"). Without targets every kind reads all three."""
    out: dict[str, tuple[str, ...] | None] = {}
    for kind in rules.TASK_KINDS:
        entry = None if targets is None or kind.metric == "employee_share" else targets.for_region(kind.metric, ())
        out[kind.key] = None if entry is None or entry.schemes is None else tuple(entry.schemes)
    return out


@dataclass(frozen=True)
class TaskReport:
    """What the 任务 page and ``kuomian tasks`` show for one root and year.

    ``table``: :func:`completion_of` of the root and every region of its subtree holding a task, by code;
    ``splits``: the flagged splits under the root (:func:`metrics.tasks.short_splits`); ``period``: where the
    achievement stands (None: no month of the year has data).
    """

    year: int
    period: int | None
    root: str | None
    table: pd.DataFrame
    splits: pd.DataFrame


def task_report(
    con: duckdb.DuckDBPyConnection, targets: Targets, year: int, period: int | None = None, root: str | None = None
) -> TaskReport:
    """The tasks of ``year`` under ``root`` (None: every root), achieved up to ``period`` (a month of ``year``;
    default: its latest month with data). ValueError where ``period`` is not a month of ``year``."""
    if period is not None and (int(period) - 1) // 12 != int(year):
        raise ValueError(f"period {period} does not lie in year {year}")
    codes: list[str] = []
    for code in queries.roots(con, root):
        codes.extend(r[0] for r in con.execute(TASK_REGIONS, [code, int(year)]).fetchall())
    codes = sorted(set(codes))
    period = default_period(con, year) if period is None else int(period)
    table = completion_of(con, year, codes, period, targets.carry_forward_months, targets)
    all_tasks = tasks_of(con, year)
    regions = con.execute("SELECT code, parent_code FROM regions").df()
    splits = rules.short_splits(all_tasks, regions)
    splits = splits[splits["parent_code"].isin(codes)].reset_index(drop=True)
    names = dict(con.execute("SELECT code, name FROM regions").fetchall())
    splits.insert(3, "parent_name", splits["parent_code"].map(names))
    return TaskReport(int(year), period, root, table, splits)


def region_tasks(
    con: duckdb.DuckDBPyConnection, targets: Targets, year: int, period: int | None, region: str
) -> TaskReport:
    """What the 任务 page shows for ``region``: ``table`` = :func:`completion_of` of the region itself, then its
    direct sub-regions in force at ``period`` (with or without a task), by code; ``splits`` = the short splits
    anywhere in its subtree (the region's own included)."""
    period = default_period(con, year) if period is None else int(period)
    children = con.execute(
        "SELECT code FROM regions WHERE parent_code = ? AND (abolished IS NULL OR abolished > ?) ORDER BY code",
        [region, period if period is not None else 12 * int(year) + 12],
    ).fetchall()
    codes = [region, *(row[0] for row in children)]
    table = completion_of(con, year, codes, period, targets.carry_forward_months, targets)
    subtree = [row[0] for row in con.execute("SELECT descendant FROM region_closure WHERE ancestor = ?", [region]).fetchall()]
    regions = con.execute("SELECT code, parent_code FROM regions").df()
    splits = rules.short_splits(tasks_of(con, year), regions)
    splits = splits[splits["parent_code"].isin(subtree)].reset_index(drop=True)
    names = dict(con.execute("SELECT code, name FROM regions").fetchall())
    splits.insert(3, "parent_name", splits["parent_code"].map(names))
    return TaskReport(int(year), period, region, table, splits)


def gap_proposal(con: duckdb.DuckDBPyConnection, targets: Targets, year: int, parent: str) -> pd.DataFrame:
    """The "按差距分解" proposal for ``parent``'s direct children (in force at the start of ``year``), per kind
    (docs/metrics.md, "按差距分解"): each child's gap at December of ``year - 1`` against the target in force at
    the end of ``year`` (:func:`metrics.tasks.start_gap`), raised in proportion where the parent holds a task
    the gaps fall short of (:func:`metrics.tasks.scale_to`).

    Returns :data:`metrics.tasks.PROPOSAL_COLUMNS` (``gap`` and ``task`` in persons, ``task`` none where the
    child has no figures), children by code, kinds in registry order. Nothing is written: the analyst edits
    and exports it, then imports it through the normal path.
    """
    start, end = rules.december_before(year), 12 * int(year) + 12
    children = queries.regions(con)
    children = children[children["parent_code"] == parent]
    children = children[children["abolished"].isna() | (children["abolished"] > start)].reset_index(drop=True)
    if children.empty:
        return pd.DataFrame(columns=list(rules.PROPOSAL_COLUMNS))
    codes = list(children["code"])
    sums = queries.subtree_sums(con, codes, [start], targets.carry_forward_months)
    grid = compute.metric_grid(children, sums, targets, [start])
    own = tasks_of(con, year, [parent]).set_index("task_kind")["task"]
    rows = []
    for kind in rules.TASK_KINDS:
        entries, groups = compute.targets_by_region(targets, kind.metric, children["lineage"])
        goals = [compute.target_at(kind.metric, entries[g], end)[0] for g in groups]
        numerator = grid.at("numerator", kind.metric, start)
        denominator = grid.at("denominator", kind.metric, start)
        gaps = [
            rules.start_gap(kind.key, None if np.isnan(n) else int(n), None if np.isnan(d) else int(d), goal)
            for n, d, goal in zip(numerator, denominator, goals)
        ]
        weights = [None if np.isnan(d) else int(d) for d in denominator]
        parent_task = int(own[kind.key]) if kind.key in own.index else None
        parts = rules.scale_to(gaps, weights, parent_task)
        for code, name, gap, part in zip(codes, children["name"], gaps, parts):
            rows.append((int(year), code, name, kind.key, gap, part))
    frame = pd.DataFrame(rows, columns=list(rules.PROPOSAL_COLUMNS))
    for column in ("gap", "task"):
        frame[column] = pd.array([None if pd.isna(v) else int(v) for v in frame[column]], dtype="Int64")
    return frame
