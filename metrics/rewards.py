"""Rewards by completion date (奖补测算; issue 14 point 2). Pure: no IO.

Input interface (the integrator connects issue 13's tasks in persons here):

- ``tasks``: one row per region: ``region_code``, ``year``, ``kind`` (e.g. ``new_insured``), ``task``
  (persons to achieve in the year);
- ``achieved``: one row per (region, month): ``region_code``, ``kind``, ``period`` (month index),
  ``achieved`` (persons achieved in the year so far, as the month's figures stand at its end) and
  ``insured`` (the region's insured persons at that month-end: what the reward is paid on).

Rules (each has a test named after it in tests/test_rewards.py):

- **met on**: a month's figures stand at its end, so a region meets its task on the last day of the
  first month whose ``achieved`` ≥ ``task``;
- **tier**: the earliest tier whose day is on or after that date (met by 30 September earns the
  30 September tier); met after the last tier's day earns nothing (listed, amount 0);
- **amount** = the tier's yuan per person × the region's insured persons at the month-end it met the task;
- **never met**: listed apart with how far they are: task − the latest month's achieved (persons);
- a region without a task (``task`` ≤ 0 or missing) is listed apart, never paid.

Without tasks, :func:`data.assessment.stand_in_tasks` derives a stand-in from the coverage target gap at
the start of the year; the result says so (``stand_in``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.periods import year_of
from metrics.targets_assessment import Rewards


def month_end(period: int) -> dt.date:
    """The last day of a month index (figures stand at a month's end)."""
    year, month = year_of(period), (period - 1) % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class RewardResult:
    """``paid``: the regions that met their task: region_code, task, achieved, met_period, met_on (date),
    tier_by (date or None: met after the last tier), yuan_per_person, insured, amount (yuan).
    ``never``: region_code, task, achieved (latest), short (persons). ``without_task``: region_code.
    ``total``: the sum of the amounts (yuan). ``stand_in``: True when the tasks are the coverage-gap stand-in."""

    paid: pd.DataFrame
    never: pd.DataFrame
    without_task: pd.DataFrame
    total: float
    stand_in: bool = False


def tier_for(met_on: dt.date, scheme: Rewards):
    """The tier a completion date earns: the earliest tier whose day is on or after it; None after the last."""
    for tier in scheme.tiers:
        if met_on <= tier.by:
            return tier
    return None


PAID_COLUMNS = ["region_code", "task", "achieved", "met_period", "met_on", "tier_by", "yuan_per_person", "insured", "amount"]
NEVER_COLUMNS = ["region_code", "task", "achieved", "short"]


def _frame(columns: dict[str, list], names: list[str]) -> pd.DataFrame:
    """A frame of python-valued columns, typed as a frame of row dicts would be (object columns when empty)."""
    if not next(iter(columns.values())):
        return pd.DataFrame([], columns=names)
    return pd.DataFrame(columns, columns=names)


def rewards(tasks: pd.DataFrame, achieved: pd.DataFrame, scheme: Rewards, *, stand_in: bool = False) -> RewardResult:
    """Each region's completion date, tier and amount; see the module for the rules.

    ``tasks`` and ``achieved`` as the module describes them (persons, month indexes); one pass over
    the frames, not a Python loop per region (issue 15: 40,000 townships took 40 s that way). Each row
    of ``tasks`` is judged on its own against the ``achieved`` rows of its code, in month order.
    """
    codes = [str(code) for code in tasks["region_code"]]
    values = pd.to_numeric(tasks["task"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    has_task = ~np.isnan(values) & (values > 0)
    without = [code for code, ok in zip(codes, has_task) if not ok]

    # The achieved rows of every task row, by task row then month (a month's figures stand at its end).
    wanted = pd.DataFrame({"row": np.flatnonzero(has_task), "region_code": np.array(codes, dtype=object)[has_task]})
    months = achieved[["region_code", "period", "achieved", "insured"]]
    months = months.assign(region_code=months["region_code"].astype(object))
    joined = wanted.merge(months, on="region_code", how="inner", sort=False)
    joined = joined.sort_values(["row", "period"], kind="stable")
    row = joined["row"].to_numpy()
    reach = joined["achieved"].to_numpy(dtype="float64", na_value=np.nan) >= values[row]
    first = joined[reach].drop_duplicates("row", keep="first").set_index("row")
    last = joined.drop_duplicates("row", keep="last").set_index("row")["achieved"]

    paid = {name: [] for name in PAID_COLUMNS}
    never = {name: [] for name in NEVER_COLUMNS}
    ends: dict[int, tuple] = {}
    first_period, first_achieved, first_insured = (first[c].to_dict() for c in ("period", "achieved", "insured"))
    latest = last.to_dict()
    for number in np.flatnonzero(has_task).tolist():
        code, task = codes[number], float(values[number])
        if number in first_period:
            period = int(first_period[number])
            if period not in ends:
                met_on = month_end(period)
                ends[period] = (met_on, tier_for(met_on, scheme))
            met_on, tier = ends[period]
            rate = tier.yuan_per_person if tier is not None else 0.0
            insured = float(first_insured[number])
            for name, value in zip(
                PAID_COLUMNS,
                (code, task, float(first_achieved[number]), period, met_on, tier.by if tier is not None else None, rate, insured, round(rate * insured, 2)),
            ):
                paid[name].append(value)
        elif number in latest:
            reached = float(latest[number])
            for name, value in zip(NEVER_COLUMNS, (code, task, reached, task - reached)):
                never[name].append(value)
        else:  # no month of figures at all
            for name, value in zip(NEVER_COLUMNS, (code, task, None, task)):
                never[name].append(value)
    paid_frame = _frame(paid, PAID_COLUMNS).sort_values(["met_period", "region_code"], kind="stable").reset_index(drop=True)
    never_frame = _frame(never, NEVER_COLUMNS).sort_values(["short", "region_code"], ascending=[False, True], kind="stable").reset_index(drop=True)
    without_frame = pd.DataFrame([{"region_code": code} for code in without], columns=["region_code"])
    return RewardResult(paid_frame, never_frame, without_frame, float(round(paid_frame["amount"].sum(), 2)), stand_in)
