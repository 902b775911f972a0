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


def rewards(tasks: pd.DataFrame, achieved: pd.DataFrame, scheme: Rewards, *, stand_in: bool = False) -> RewardResult:
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
