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
    (date), ``status``, ``days_late`` (Int64, NA unless late) and ``missing`` (bool) added.

    :func:`timeliness_of`'s rule over whole columns: each month's due date is worked out once, the
    arrival days compared at once (issue 15: 480,000 unit-months took a second one by one)."""
    out = units.copy()
    if out.empty:
        out["due"] = []
        out["status"] = pd.Series([], index=out.index, dtype="object")
        out["days_late"] = pd.array([], dtype="Int64")
        out["missing"] = out["status"] == "missing"
        return out
    arrived = pd.to_datetime(out["arrived_at"])
    which, months = pd.factorize(out["period"].to_numpy(), sort=True)
    month_dues = [due_date(int(p), due_day) for p in months]
    dues = np.array(month_dues, dtype=object)[which]
    due_days = np.array(month_dues, dtype="datetime64[D]")[which]
    came = arrived.notna().to_numpy()
    arrival_days = arrived.dt.normalize().to_numpy().astype("datetime64[D]")
    late_by = np.where(came, (arrival_days - due_days).astype("int64"), 0)
    late = came & (late_by > 0)
    passed = due_days < np.datetime64(today, "D")
    status = np.where(came, np.where(late, "late", "on_time"), np.where(passed, "missing", "not_due")).astype(object)
    out["due"] = dues
    out["status"] = pd.Series(status, index=out.index, dtype="object")
    out["days_late"] = pd.arrays.IntegerArray(np.where(late, late_by, 0), ~late)
    out["missing"] = out["status"] == "missing"
    return out


def rates(classified: pd.DataFrame, lineages: pd.Series) -> pd.DataFrame:
    """Per region and month, over the units of its subtree: ``region_code, period, on_time, late, missing,
    not_due`` (counts of units) and ``rate`` (on_time ÷ (on_time + late + missing), NaN where 0).

    ``classified``: :func:`classify`'s frame. ``lineages``: unit code -> its lineage (the unit itself,
    then its ancestors up to the root), as ``data.queries.regions`` gives it. Every region of a unit's
    lineage gets a row; rows by region code, then month.

    Counted per unit first, then each unit's counts added to its lineage's regions (issue 15: not one
    row per unit, month and ancestor: 2.4 million rows at 40,000 townships).
    """
    columns = ["region_code", "period", *TIMELINESS_STATUSES, "rate"]
    if classified.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "rate" else "int64") for c in columns}).astype(
            {"region_code": "object"}
        )
    unit, units = pd.factorize(classified["region_code"].to_numpy(dtype=object))
    month, months = pd.factorize(classified["period"].to_numpy(), sort=True)
    status = pd.Categorical(classified["status"], categories=list(TIMELINESS_STATUSES)).codes.astype("int64")
    width = len(months) * len(TIMELINESS_STATUSES)
    cells = (unit * len(months) + month) * len(TIMELINESS_STATUSES) + status
    per_unit = np.bincount(cells[status >= 0], minlength=len(units) * width).reshape(len(units), width)
    lookup = lineages.to_dict()  # a dict, not Series.get per unit (issue 15)
    chains = [list(lookup.get(code, [code])) for code in units]
    owner = np.repeat(np.arange(len(units)), [len(chain) for chain in chains])
    ancestor, ancestors = pd.factorize(np.array([code for chain in chains for code in chain], dtype=object), sort=True)
    order = np.argsort(ancestor, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(ancestor[order]) != 0])
    summed = np.add.reduceat(per_unit[owner[order]], starts, axis=0).reshape(-1, len(months), len(TIMELINESS_STATUSES))
    present = summed.sum(axis=2) > 0  # (region, month) pairs with a unit of the subtree
    region_at, month_at = np.nonzero(present)
    counts = summed[region_at, month_at]
    frame = pd.DataFrame({"region_code": pd.Series(np.asarray(ancestors, dtype=object)[ancestor[order][starts]][region_at], dtype="str"), "period": np.asarray(months)[month_at].astype("int64")})
    for k, name in enumerate(TIMELINESS_STATUSES):
        frame[name] = counts[:, k].astype("int64")
    counted = frame[list(COUNTED)].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["rate"] = np.where(counted > 0, frame["on_time"] / counted.where(counted > 0, 1), np.nan)
    return frame[columns].reset_index(drop=True)
