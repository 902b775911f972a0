"""The assessment's and the rewards' inputs read from the database (issue 14): the engine's frames.

No scoring here: :mod:`metrics.assessment` and :mod:`metrics.rewards` score and pay; this module builds
their input frames from the metrics report (:func:`data.report.metrics_report`), the pool report and the
monthly figures.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd

from data import queries
from data.report import metric_grid, metrics_report, pool_report
from metrics.targets import Targets

NOT_COMPARABLE_REASON = "上级代报其部分险种，与其他区划不可比（an ancestor reports some of its schemes）"
"""The reason a region that is not comparable is listed apart (metrics.md §3, "comparable")."""

_METRIC_OF = {"coverage_attainment": "coverage_rate", "employee_share_attainment": "employee_share", "payment_rate": "payment_rate"}


class RegionLists:
    """The regions of a level under a root (:func:`data.queries.listed_regions`), each read once for one
    assessment: its indicators, pool conversion, stand-in task and rewards all list the same regions
    (issue 15: at 40,000 townships the township list was read four times, 0.17-0.33 CPU-s each).

    Only for one connection and while nothing writes (one cached computation); the frames are shared, so
    callers must not change them in place."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._frames: dict[tuple[str | None, str | None], pd.DataFrame] = {}
        self._codes: dict[tuple[str | None, str | None], list[str]] = {}

    def listed(self, level: str | None, root: str | None) -> pd.DataFrame:
        """:func:`data.queries.listed_regions` of ``level`` under ``root``, read the first time only."""
        key = (level, root)
        if key not in self._frames:
            self._frames[key] = queries.listed_regions(self._con, level, root)
        return self._frames[key]

    def codes(self, level: str | None, root: str | None) -> list[str]:
        """The codes of :meth:`listed` as ``str``, ascending."""
        key = (level, root)
        if key not in self._codes:
            self._codes[key] = self.listed(level, root)["code"].astype(str).tolist()
        return self._codes[key]


def assessment_period(con: duckdb.DuckDBPyConnection, year: int, period: int | None = None) -> int | None:
    """The month the assessment of ``year`` stands at: ``period`` where given, else the year's latest
    month with figures (None: the year has none)."""
    if period is not None:
        return period
    months = [m for m in queries.periods(con) if 12 * year + 1 <= m <= 12 * year + 12]
    return max(months) if months else None


def indicator_values(
    con: duckdb.DuckDBPyConnection,
    targets: Targets,
    period: int,
    levels: Sequence[str],
    root: str | None,
    extra: pd.DataFrame | None = None,
    lists: RegionLists | None = None,
) -> pd.DataFrame:
    """The engine's input frame (see :mod:`metrics.assessment`) for the regions of ``levels`` under ``root``
    at ``period``: coverage and employee-share attainment (value, the region's target, status), the payment
    rate (value, target, status), completeness of reporting, pool conversion (the library's conversion
    rate), comparable and reason. ``extra``: a frame keyed by ``region_code`` whose further columns
    (``task_completion``, ``timeliness`` ... issue 13's figures) join in; without it those indicators
    have no data. ``lists``: the regions already read for this assessment (:class:`RegionLists`)."""
    lists = RegionLists(con) if lists is None else lists
    frames = []
    for level in levels:
        report = metrics_report(con, targets, period, level=level, root=root)
        if report.empty:
            continue
        base = report[report["metric"] == "coverage_rate"][["region_code", "region_name", "level", "completeness"]].copy()
        flags = report["comparable"].fillna(True).astype(bool)  # one grouped all(), not a Python function per region (issue 15)
        comparable = flags.groupby(report["region_code"]).all().astype(bool)
        base["comparable"] = base["region_code"].map(comparable)
        base["reason"] = [None if ok else NOT_COMPARABLE_REASON for ok in base["comparable"]]
        for indicator, metric in _METRIC_OF.items():
            rows = report[report["metric"] == metric].set_index("region_code")
            base[indicator] = base["region_code"].map(rows["value"])
            base[f"{indicator}_target"] = base["region_code"].map(rows["target"])
            base[f"{indicator}_status"] = base["region_code"].map(rows["status"])
        pool = pool_report(con, targets, period, level=level, root=root, listed=lists.listed(level, root))
        totals = pool[pool["group"].isna()].set_index("region_code") if not pool.empty else pd.DataFrame(columns=["conversion_rate"])
        base["pool_conversion"] = base["region_code"].map(totals["conversion_rate"]) if len(totals) else float("nan")
        frames.append(base)
    if not frames:
        return pd.DataFrame(columns=["region_code", "region_name", "level", "comparable", "reason"])
    values = pd.concat(frames, ignore_index=True)
    for column in ("completeness", "pool_conversion", *(c for i in _METRIC_OF for c in (i, f"{i}_target"))):
        values[column] = pd.to_numeric(values[column], errors="coerce").astype("float64")
    if extra is not None and not extra.empty:
        values = values.merge(extra, on="region_code", how="left")
    return values


def monthly_achieved(con: duckdb.DuckDBPyConnection, targets: Targets, codes: Sequence[str], year: int, upto: int) -> pd.DataFrame:
    """Per region and month of ``year`` up to ``upto``: insured persons (coverage numerator, all schemes the
    target counts) and required persons (its denominator): columns region_code, period, insured, required.
    The stand-in task (the coverage-target gap) is worked out from these (:mod:`metrics.rewards`).

    Read from the coverage matrices of :func:`data.report.metric_grid` alone (issue 15: the other
    metrics' rows of :func:`data.report.metric_series` were built, then dropped)."""
    return _monthly_achieved(con, targets, codes, year, upto)[0]


def _monthly_achieved(con: duckdb.DuckDBPyConnection, targets: Targets, codes: Sequence[str], year: int, upto: int) -> tuple[pd.DataFrame, list[str]]:
    """:func:`monthly_achieved` and the grid's region codes (``str``) in its row order: the frame holds
    each code's months together, in that order (``len(frame) == len(codes) * months``)."""
    from metrics.compute import _integers

    months = list(range(12 * (year - 1) + 12, upto + 1))  # the December before: the year's starting point
    grid = metric_grid(con, targets, list(codes), months)
    n, p = len(grid.codes), len(grid.periods)
    # Each code converted to a string once and repeated by position (pyarrow's take), not 13 times over.
    names = pd.Series([str(code) for code in grid.codes], dtype="str")
    return pd.DataFrame(
        {
            "region_code": names.take(np.repeat(np.arange(n), p)).reset_index(drop=True),
            "period": np.tile(grid.periods, n).astype("int64"),
            "insured": _integers(grid.numerator["coverage_rate"].ravel()),
            "required": _integers(grid.denominator["coverage_rate"].ravel()),
        }
    ), names.tolist()


ACHIEVED_COLUMNS = ["region_code", "kind", "period", "achieved", "insured"]


def achieved_since_december(monthly: pd.DataFrame, year: int, kind: str) -> pd.DataFrame:
    """What each region of ``monthly`` (:func:`monthly_achieved`) achieved at each month of ``year``: insured
    persons then − insured persons at the December before (issue 13's rule for ``new_insured``, and the
    stand-in's), as the ``achieved`` frame of :mod:`metrics.rewards` (``region_code, kind, period,
    achieved, insured``; persons). Months without a figure, and regions without one at that December,
    achieve nothing (no row)."""
    start = 12 * (year - 1) + 12
    base = monthly[monthly["period"] == start].set_index("region_code")["insured"]
    later = monthly[(monthly["period"] > start) & monthly["insured"].notna()]
    achieved = later["insured"].astype("float64") - later["region_code"].map(base).astype("float64")  # no December: NaN, whatever dtype map guessed
    later = later[achieved.notna()]
    return pd.DataFrame(
        {"region_code": later["region_code"], "kind": kind, "period": later["period"].astype("int64"),
         "achieved": achieved[achieved.notna()].astype("float64"), "insured": later["insured"].astype("float64")},
        columns=ACHIEVED_COLUMNS,
    ).sort_values(["region_code", "period"], kind="stable").reset_index(drop=True)


def stand_in_tasks(
    con: duckdb.DuckDBPyConnection, targets: Targets, year: int, upto: int, level: str, root: str | None, lists: RegionLists | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The coverage-target gap as a stand-in task (issue 14 point 2: ONLY where no tasks are given; the
    result is labelled): per region of ``level`` under ``root``, task = the persons it lacked at the
    December before ``year`` to reach its coverage target in force at the year's December (rounded up,
    at least 0); achieved at each month = insured then − insured that December. Returns the
    ``(tasks, achieved)`` frames of :mod:`metrics.rewards` (kind ``coverage_gap``), regions by code.

    Worked out over all regions at once (issue 15: a Python loop per region took 55 s at 40,000
    townships); each distinct target is resolved once (:func:`metrics.compute.targets_by_region`).
    ``lists``: the regions already read for this assessment (:class:`RegionLists`)."""
    from metrics.compute import target_at, targets_by_region

    lists = RegionLists(con) if lists is None else lists
    listed = lists.listed(level, root)
    codes = lists.codes(level, root)
    monthly, grid_codes = _monthly_achieved(con, targets, codes, year, upto)
    start = 12 * (year - 1) + 12
    lineage = dict(zip(codes, listed["lineage"]))
    report = metrics_report(con, targets, upto, level=level, root=root, metrics=["coverage_rate"])
    apart = set(report.loc[~report["comparable"].fillna(True).astype(bool), "region_code"].astype(str))  # counts only some schemes
    if monthly.empty:
        return pd.DataFrame([], columns=["region_code", "year", "kind", "task"]), achieved_since_december(monthly, year, "coverage_gap")
    # The frame holds each grid code's months together (_monthly_achieved): a code's row at the December
    # is found by position, not by matching 40,000 codes against 520,000 rows (issue 15).
    p = len(monthly) // len(grid_codes)
    first: dict[str, int] = {}
    for i, code in enumerate(grid_codes):
        first.setdefault(code, i)
    regions = sorted(first)
    december = np.flatnonzero(monthly["period"].to_numpy()[:p] == start)
    if len(december):
        at = np.array([first[code] for code in regions], dtype="int64") * p + december[0]
        insured0 = monthly["insured"].to_numpy(dtype="float64", na_value=np.nan)[at]
        required0 = monthly["required"].to_numpy(dtype="float64", na_value=np.nan)[at]
    else:
        insured0 = required0 = np.full(len(regions), np.nan)
    entries, groups = targets_by_region(targets, "coverage_rate", [lineage[code] for code in regions])
    goals = np.array([np.nan if goal is None else goal for goal in (target_at("coverage_rate", e, 12 * year + 12)[0] for e in entries)], dtype="float64")
    target = goals[groups] if len(groups) else np.full(len(regions), np.nan)
    counted = ~np.isnan(insured0) & ~np.isnan(required0) & ~np.isin(np.array(regions, dtype=object), list(apart))
    lacking = np.maximum(0.0, np.ceil(target * required0 - insured0 - 1e-9))
    task = [int(t) if ok and t == t else None for ok, t in zip(counted, lacking)]
    tasks = pd.DataFrame({"region_code": regions, "year": year, "kind": "coverage_gap", "task": task}, columns=["region_code", "year", "kind", "task"])
    kept = {code for code, ok in zip(regions, counted) if ok}
    rows = np.repeat(np.array([code in kept for code in grid_codes], dtype=bool), p)
    return tasks, achieved_since_december(monthly[rows], year, "coverage_gap")


def reporting_and_task_indicators(
    con: duckdb.DuckDBPyConnection,
    targets: Targets,
    year: int,
    period: int,
    levels: Sequence[str],
    root: str | None,
    lists: RegionLists | None = None,
) -> pd.DataFrame:
    """Issue 13's figures as assessment indicators, per region of ``levels`` under ``root``:
    ``region_code, task_completion, timeliness`` (fractions; NaN: no data).

    - ``task_completion``: the mean, over the task kinds the region holds a task of in ``year``, of its
      completion at ``period`` (``data.tasks.completion_of``; docs/metrics.md "Tasks in persons");
    - ``timeliness``: reports on time ÷ reports due (on time + late + missing) over the units of the
      region's subtree and the months of ``year`` up to ``period`` (``data.timeliness``; docs/metrics.md
      "Reporting timeliness").

    ``lists``: the regions already read for this assessment (:class:`RegionLists`).
    """
    from data.tasks import completion_of
    from data.timeliness import timeliness_totals

    lists = RegionLists(con) if lists is None else lists
    codes: list[str] = []
    for level in levels:
        for one in queries.roots(con, root):
            codes += lists.codes(level, one)
    codes = list(dict.fromkeys(codes))
    out = pd.DataFrame({"region_code": codes})
    if not codes:
        return out.assign(task_completion=pd.Series(dtype="float64"), timeliness=pd.Series(dtype="float64"))
    known = pd.concat([lists.listed(level, one) for level in levels for one in queries.roots(con, root)], ignore_index=True)
    done = completion_of(con, year, codes, period, targets.carry_forward_months, targets, regions=known)
    held = done[done["task"].notna()]
    mean = pd.to_numeric(held["completion"], errors="coerce").groupby(held["region_code"].astype(str)).mean()
    out["task_completion"] = out["region_code"].map(mean).astype("float64")
    months = list(range(12 * year + 1, int(period) + 1))
    counts = [timeliness_totals(con, months, one, due_day=targets.due_day) for one in queries.roots(con, root)]
    counts = [frame for frame in counts if not frame.empty]
    if not counts:
        out["timeliness"] = float("nan")
        return out
    found = pd.concat(counts, ignore_index=True)
    totals = found.groupby(found["region_code"].astype(str))[["on_time", "late", "missing"]].sum()
    due = totals["on_time"] + totals["late"] + totals["missing"]
    share = (totals["on_time"] / due.where(due > 0)).astype("float64")
    out["timeliness"] = out["region_code"].map(share).astype("float64")
    return out


def run_assessment(
    con: duckdb.DuckDBPyConnection,
    targets: Targets,
    year: int,
    period: int,
    levels: Sequence[str],
    root: str | None,
    extra: pd.DataFrame | None = None,
    lists: RegionLists | None = None,
):
    """The assessment at ``period`` of the regions of ``levels`` under ``root`` by the targets file's scheme
    (:func:`metrics.assessment.assess` on :func:`indicator_values`). ``extra`` None: issue 13's task
    completion and timeliness (:func:`reporting_and_task_indicators`). ValueError without an
    ``assessment:`` section. ``lists``: the regions read once for this assessment and its rewards
    (:class:`RegionLists`; None: read here)."""
    from metrics.assessment import assess

    if targets.assessment is None:
        raise ValueError("the targets file has no assessment: section")
    lists = RegionLists(con) if lists is None else lists
    if extra is None:
        extra = reporting_and_task_indicators(con, targets, year, period, levels, root, lists)
    return assess(indicator_values(con, targets, period, levels, root, extra, lists), targets.assessment)


REWARD_TASK_KIND = "new_insured"
"""The task a reward pays for: new insured persons (新增参保人数), "yuan per insured person" (issue 14 point 2)."""


def issued_tasks(
    con: duckdb.DuckDBPyConnection, targets: Targets, year: int, upto: int, level: str, root: str | None, lists: RegionLists | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Issue 13's ``new_insured`` tasks of ``year`` for the regions of ``level`` under ``root`` and each
    month's achievement (insured then − insured at the December before, the task's own rule), as the
    ``(tasks, achieved)`` frames of :mod:`metrics.rewards`; both empty where no region holds such a task."""
    from data.tasks import tasks_of

    lists = RegionLists(con) if lists is None else lists
    codes: list[str] = []
    for one in queries.roots(con, root):
        codes += lists.codes(level, one)
    held = tasks_of(con, year, codes)
    held = held[held["task_kind"] == REWARD_TASK_KIND]
    if held.empty:
        return pd.DataFrame(columns=["region_code", "year", "kind", "task"]), pd.DataFrame(columns=ACHIEVED_COLUMNS)
    tasks = pd.DataFrame({"region_code": held["region_code"].astype(str), "year": year, "kind": REWARD_TASK_KIND, "task": held["task"].astype("int64")})
    monthly = monthly_achieved(con, targets, tasks["region_code"].tolist(), year, upto)
    return tasks.reset_index(drop=True), achieved_since_december(monthly, year, REWARD_TASK_KIND)


def run_rewards(
    con: duckdb.DuckDBPyConnection,
    targets: Targets,
    year: int,
    upto: int,
    level: str,
    root: str | None,
    tasks: pd.DataFrame | None = None,
    achieved: pd.DataFrame | None = None,
    lists: RegionLists | None = None,
):
    """The rewards of ``year`` for the regions of ``level`` under ``root``, figures up to ``upto``:
    :func:`metrics.rewards.rewards` on the given ``tasks``/``achieved``, else on issue 13's ``new_insured``
    tasks in persons (:func:`issued_tasks`), else on the labelled coverage-gap stand-in (:func:`stand_in_tasks`). ValueError without a
    ``rewards:`` section. ``lists``: the regions already read for this assessment (:class:`RegionLists`)."""
    from metrics.rewards import rewards

    if targets.rewards is None:
        raise ValueError("the targets file has no rewards: section")
    lists = RegionLists(con) if lists is None else lists
    if tasks is None:  # issue 13's tasks in persons where the regions hold them
        tasks, achieved = issued_tasks(con, targets, year, upto, level, root, lists)
    if tasks is not None and not tasks.empty:
        return rewards(tasks, achieved if achieved is not None else pd.DataFrame(columns=ACHIEVED_COLUMNS), targets.rewards)
    tasks, achieved = stand_in_tasks(con, targets, year, upto, level, root, lists)
    return rewards(tasks, achieved, targets.rewards, stand_in=True)
