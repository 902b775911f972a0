"""The slow paths the fast ones replaced (issue 15 point 5), kept verbatim as the tests' oracles.

Each function here is the code as it stood before the national-scale rewrite (commit 945003c), with
only its imports adjusted; ``tests/test_fast_paths_agree.py`` asserts the fast paths give exactly
the same frames on small worlds. Nothing in the project imports this module.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd

from data import queries
from data.assessment import achieved_since_december
from data.report import metric_series, metrics_report
from metrics.rewards import RewardResult, month_end, tier_for
from metrics.targets import Targets
from metrics.targets_assessment import Rewards
from metrics.timeliness import COUNTED, TIMELINESS_STATUSES, due_date, timeliness_of


def rewards_by_region(tasks: pd.DataFrame, achieved: pd.DataFrame, scheme: Rewards, *, stand_in: bool = False) -> RewardResult:
    """Each region's completion date, tier and amount; see the module for the rules."""
    paid, never, without = [], [], []
    by_region = {code: frame.sort_values("period") for code, frame in achieved.groupby("region_code")}
    for row in tasks.itertuples(index=False):
        code = str(row.region_code)
        task = row.task
        if task is None or pd.isna(task) or float(task) <= 0:
            without.append({"region_code": code})
            continue
        months = by_region.get(code)
        if months is None or months.empty:
            never.append({"region_code": code, "task": float(task), "achieved": None, "short": float(task)})
            continue
        reached = months[months["achieved"] >= float(task)]
        if reached.empty:
            latest = float(months["achieved"].iloc[-1])
            never.append({"region_code": code, "task": float(task), "achieved": latest, "short": float(task) - latest})
            continue
        first = reached.iloc[0]
        met_on = month_end(int(first["period"]))
        tier = tier_for(met_on, scheme)
        rate = tier.yuan_per_person if tier is not None else 0.0
        insured = float(first["insured"])
        paid.append(
            {
                "region_code": code, "task": float(task), "achieved": float(first["achieved"]), "met_period": int(first["period"]),
                "met_on": met_on, "tier_by": tier.by if tier is not None else None, "yuan_per_person": rate,
                "insured": insured, "amount": round(rate * insured, 2),
            }
        )  # fmt: skip
    paid_frame = pd.DataFrame(paid, columns=["region_code", "task", "achieved", "met_period", "met_on", "tier_by", "yuan_per_person", "insured", "amount"])
    paid_frame = paid_frame.sort_values(["met_period", "region_code"], kind="stable").reset_index(drop=True)
    never_frame = pd.DataFrame(never, columns=["region_code", "task", "achieved", "short"]).sort_values(["short", "region_code"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return RewardResult(paid_frame, never_frame, pd.DataFrame(without, columns=["region_code"]), float(round(paid_frame["amount"].sum(), 2)), stand_in)


def monthly_achieved(con: duckdb.DuckDBPyConnection, targets: Targets, codes: Sequence[str], year: int, upto: int) -> pd.DataFrame:
    """Per region and month of ``year`` up to ``upto``: insured persons (coverage numerator, all schemes the
    target counts) and required persons (its denominator): columns region_code, period, insured, required.
    The stand-in task (the coverage-target gap) is worked out from these (:mod:`metrics.rewards`)."""
    months = list(range(12 * (year - 1) + 12, upto + 1))  # the December before: the year's starting point
    series = metric_series(con, targets, list(codes), months)
    coverage = series[series["metric"] == "coverage_rate"]
    return pd.DataFrame(
        {
            "region_code": coverage["region_code"].astype(str),
            "period": coverage["period"].astype("int64"),
            "insured": pd.to_numeric(coverage["numerator"], errors="coerce"),
            "required": pd.to_numeric(coverage["denominator"], errors="coerce"),
        }
    ).reset_index(drop=True)


def stand_in_tasks(con: duckdb.DuckDBPyConnection, targets: Targets, year: int, upto: int, level: str, root: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The coverage-target gap as a stand-in task (issue 14 point 2: ONLY where no tasks are given; the
    result is labelled): per region of ``level`` under ``root``, task = the persons it lacked at the
    December before ``year`` to reach its coverage target in force at the year's December (rounded up,
    at least 0); achieved at each month = insured then − insured that December. Returns the
    ``(tasks, achieved)`` frames of :mod:`metrics.rewards` (kind ``coverage_gap``)."""
    import math

    from metrics.compute import target_at

    listed = queries.listed_regions(con, level, root)
    codes = listed["code"].astype(str).tolist()
    monthly = monthly_achieved(con, targets, codes, year, upto)
    start = 12 * (year - 1) + 12
    lineage = dict(zip(listed["code"].astype(str), listed["lineage"]))
    report = metrics_report(con, targets, upto, level=level, root=root, metrics=["coverage_rate"])
    apart = set(report.loc[~report["comparable"].fillna(True).astype(bool), "region_code"].astype(str))  # counts only some schemes
    task_rows, counted = [], set()
    for code, frame in monthly.groupby("region_code"):
        base = frame[frame["period"] == start]
        if code in apart or base.empty or pd.isna(base["insured"].iloc[0]) or pd.isna(base["required"].iloc[0]):
            task_rows.append({"region_code": code, "year": year, "kind": "coverage_gap", "task": None})
            continue
        target, _ = target_at("coverage_rate", targets.for_region("coverage_rate", lineage[code]), 12 * year + 12)
        insured0, required0 = float(base["insured"].iloc[0]), float(base["required"].iloc[0])
        task = max(0, math.ceil(target * required0 - insured0 - 1e-9)) if target is not None else None
        task_rows.append({"region_code": code, "year": year, "kind": "coverage_gap", "task": task})
        counted.add(code)
    tasks = pd.DataFrame(task_rows, columns=["region_code", "year", "kind", "task"])
    return tasks, achieved_since_december(monthly[monthly["region_code"].isin(counted)], year, "coverage_gap")


def classify(units: pd.DataFrame, due_day: int, today: dt.date) -> pd.DataFrame:
    """``units`` (``region_code, period, arrived_at``; ``arrived_at`` a timestamp or NaT) with ``due``
    (date), ``status``, ``days_late`` (Int64, NA unless late) and ``missing`` (bool) added."""
    out = units.copy()
    arrived = pd.to_datetime(out["arrived_at"])
    dues = [due_date(p, due_day) for p in out["period"]]
    results = [
        timeliness_of(None if pd.isna(a) else a.date(), d, today) for a, d in zip(arrived, dues)
    ]
    out["due"] = dues
    out["status"] = pd.Series([r[0] for r in results], index=out.index, dtype="object")
    out["days_late"] = pd.array([r[1] for r in results], dtype="Int64")
    out["missing"] = out["status"] == "missing"
    return out


def rates(classified: pd.DataFrame, lineages: pd.Series) -> pd.DataFrame:
    """Per region and month, over the units of its subtree: ``region_code, period, on_time, late, missing,
    not_due`` (counts of units) and ``rate`` (on_time ÷ (on_time + late + missing), NaN where 0).

    ``classified``: :func:`classify`'s frame. ``lineages``: unit code -> its lineage (the unit itself,
    then its ancestors up to the root), as ``data.queries.regions`` gives it. Every region of a unit's
    lineage gets a row.
    """
    columns = ["region_code", "period", *TIMELINESS_STATUSES, "rate"]
    if classified.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "rate" else "int64") for c in columns}).astype(
            {"region_code": "object"}
        )
    expanded = classified[["region_code", "period", "status"]].copy()
    lookup = lineages.to_dict()  # a dict, not Series.get per unit and month (issue 15: 120,000 look-ups at 10k)
    expanded["ancestor"] = expanded["region_code"].map(lambda code: list(lookup.get(code, [code])))
    expanded = expanded.explode("ancestor")
    counts = (  # a grouped count, not pd.crosstab's per-group Python aggregation (8 s at 10k townships)
        expanded.groupby(["ancestor", "period", "status"]).size().unstack("status", fill_value=0)
        .reindex(columns=list(TIMELINESS_STATUSES), fill_value=0)
        .reset_index()
        .rename(columns={"ancestor": "region_code"})
    )
    counted = counts[list(COUNTED)].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        counts["rate"] = np.where(counted > 0, counts["on_time"] / counted.where(counted > 0, 1), np.nan)
    counts.columns.name = None
    return counts[columns].astype({s: "int64" for s in TIMELINESS_STATUSES}).reset_index(drop=True)


def reporting_and_task_indicators(
    con: duckdb.DuckDBPyConnection, targets: Targets, year: int, period: int, levels: Sequence[str], root: str | None
) -> pd.DataFrame:
    """Issue 13's figures as assessment indicators, per region of ``levels`` under ``root``:
    ``region_code, task_completion, timeliness`` (fractions; NaN: no data).

    - ``task_completion``: the mean, over the task kinds the region holds a task of in ``year``, of its
      completion at ``period`` (``data.tasks.completion_of``; docs/metrics.md "Tasks in persons");
    - ``timeliness``: reports on time ÷ reports due (on time + late + missing) over the units of the
      region's subtree and the months of ``year`` up to ``period`` (``data.timeliness``; docs/metrics.md
      "Reporting timeliness").
    """
    from data.tasks import completion_of
    from data.timeliness import timeliness_rates

    codes: list[str] = []
    for level in levels:
        for one in queries.roots(con, root):
            codes += queries.listed_regions(con, level, one)["code"].astype(str).tolist()
    codes = list(dict.fromkeys(codes))
    out = pd.DataFrame({"region_code": codes})
    if not codes:
        return out.assign(task_completion=pd.Series(dtype="float64"), timeliness=pd.Series(dtype="float64"))
    done = completion_of(con, year, codes, period, targets.carry_forward_months, targets)
    held = done[done["task"].notna()]
    mean = pd.to_numeric(held["completion"], errors="coerce").groupby(held["region_code"].astype(str)).mean()
    out["task_completion"] = out["region_code"].map(mean).astype("float64")
    months = list(range(12 * year + 1, int(period) + 1))
    counts = []
    for one in queries.roots(con, root):
        _, rates = timeliness_rates(con, months, one, due_day=targets.due_day)
        counts.append(rates)
    rates = pd.concat(counts, ignore_index=True) if counts else pd.DataFrame()
    if rates.empty:
        out["timeliness"] = float("nan")
        return out
    totals = rates.groupby(rates["region_code"].astype(str))[["on_time", "late", "missing"]].sum()
    due = totals["on_time"] + totals["late"] + totals["missing"]
    share = (totals["on_time"] / due.where(due > 0)).astype("float64")
    out["timeliness"] = out["region_code"].map(share).astype("float64")
    return out
