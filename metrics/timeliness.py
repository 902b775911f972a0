"""Reporting timeliness (报送及时率, issue 13 point 2): was each month's report in by its due day?

Pure: frames and dates in, frames out; the arrival times come from ``data/timeliness.py``.

The rule (docs/metrics.md, "Reporting timeliness"):

* month *t*'s report is **due** on ``due_day`` (targets file ``reporting: {due_day: N}``, 1..28,
  default 10) of the month after *t*: 2026-10's report is due on 2026-11-10, the whole day counting;
* a reporting unit (a region with a population row at or before *t*, in force at *t*: the units of
  ``completeness``) is, for *t*:
  ``on_time``  its report arrived on or before the due date (known as soon as it arrives);
  ``late``     it arrived after the due date, ``days_late`` = arrival day − due day (calendar days);
  ``missing``  no report yet and the due date has passed (today is after it);
  ``not_due``  no report yet and the due date has not passed: not counted;
* **timeliness rate** of a region = on_time ÷ (on_time + late + missing) over the units of its
  subtree (null where that sum is 0: nothing due yet, or no units).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

DEFAULT_DUE_DAY = 10  # the 10th of the following month, where the targets file says nothing
MAX_DUE_DAY = 28  # every month has a 28th
TIMELINESS_STATUSES = ("on_time", "late", "missing", "not_due")
COUNTED = ("on_time", "late", "missing")  # not_due is left out of the rate


def due_day_problem(value: Any) -> tuple[str, str] | None:
    """``(message, message_zh)`` when ``value`` is not a valid ``reporting.due_day`` (a whole number 1..28)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DUE_DAY:
        shown = "null" if value is None else (str(value).lower() if isinstance(value, bool) else str(value))
        if isinstance(value, str) and value.strip().isdigit():
            return (
                f"'{value}' is text (in quotes), not a whole number from 1 to {MAX_DUE_DAY}; write it without quotes",
                f"“{value}”加了引号，是文字而不是 1 到 {MAX_DUE_DAY} 之间的整数；请去掉引号",
            )
        return (
            f"{shown} is not a whole number from 1 to {MAX_DUE_DAY} (the day of the following month a report is due)",
            f"{shown} 不是 1 到 {MAX_DUE_DAY} 之间的整数（次月几号前报送）",
        )
    return None


def due_date(period: int, due_day: int) -> dt.date:
    """The day month ``period`` (a month index, 12·year + month)'s report is due: ``due_day`` of the next month."""
    following = int(period) + 1
    return dt.date((following - 1) // 12, (following - 1) % 12 + 1, int(due_day))


def timeliness_of(arrived: dt.date | None, due: dt.date, today: dt.date) -> tuple[str, int | None]:
    """``(status, days_late)`` of one unit's report: see the module's rule; ``days_late`` only for ``late``."""
    if arrived is not None:
        late = (arrived - due).days
        return ("late", late) if late > 0 else ("on_time", None)
    return ("missing", None) if today > due else ("not_due", None)


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
