"""The expansion pool's measures (扩面对象实名库): pure functions on subtree sums.

The database sums the library's counts over each region's subtree
(``data/queries_pool.py``); this module applies the rules of the pool
contract to them, column-wise, and shapes the tables the command line and the
Expansion pool page show. No IO, no UI.

Input frames
------------
``sums``: ``region_code, period, group, identified, enrolled_employee,
enrolled_resident`` — one row per region, month index and key group (1-8)
with library rows in the region's subtree.

``coverage``: ``region_code, period, gap_persons`` — the coverage rate's
``gap_persons`` from the metrics report (``metrics.compute``), for the same
regions and months.

``action_sums``: ``region_code, period, action, enrolled``.

Measures
--------
- ``remaining`` = identified − enrolled_employee − enrolled_resident
- ``conversion_rate`` = (enrolled_employee + enrolled_resident) / identified
  (none where identified is 0)
- ``employee_conversion_share`` = enrolled_employee / (enrolled_employee +
  enrolled_resident) (none where nobody is enrolled yet)
- ``pool_sufficiency`` = Σ remaining / coverage ``gap_persons`` of the region
  at the month (none where the gap is 0 or none): below 1, converting every
  person left in the library would still not reach the coverage target.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from metrics.registry import LEVELS, POOL_ACTION_BY_ID, POOL_GROUP_BY_ID

COUNT_COLUMNS: tuple[str, ...] = ("identified", "enrolled_employee", "enrolled_resident")

# The command line's ``metrics --pool`` columns, in this order. Group rows carry a group;
# each region's total row has the group empty and carries gap_persons and pool_sufficiency.
POOL_OUTPUT_COLUMNS: tuple[str, ...] = (
    "period",
    "region_code",
    "region_name",
    "level",
    "group",
    "group_name",
    "identified",
    "enrolled_employee",
    "enrolled_resident",
    "remaining",
    "conversion_rate",
    "employee_conversion_share",
    "gap_persons",
    "pool_sufficiency",
)


# --------------------------------------------------------------------------- the four rules


def _number(values: pd.Series) -> pd.Series:
    """Counts as float64, none as NaN (nullable and object columns alike)."""
    return pd.to_numeric(values, errors="coerce").astype("float64")


def remaining(identified: pd.Series, enrolled_employee: pd.Series, enrolled_resident: pd.Series) -> pd.Series:
    """Persons identified but not yet enrolled in either scheme."""
    return _number(identified) - _number(enrolled_employee) - _number(enrolled_resident)


def conversion_rate(identified: pd.Series, enrolled_employee: pd.Series, enrolled_resident: pd.Series) -> pd.Series:
    """Enrolled (either scheme) over identified; none where nobody is identified."""
    denominator = _number(identified)
    value = (_number(enrolled_employee) + _number(enrolled_resident)) / denominator.where(denominator > 0)
    return value.where(denominator > 0)


def employee_conversion_share(enrolled_employee: pd.Series, enrolled_resident: pd.Series) -> pd.Series:
    """Of the persons enrolled from the library, the share in the employee scheme; none where nobody is."""
    employee = _number(enrolled_employee)
    denominator = employee + _number(enrolled_resident)
    return (employee / denominator.where(denominator > 0)).where(denominator > 0)


def pool_sufficiency(remaining_persons: pd.Series, gap_persons: pd.Series) -> pd.Series:
    """Σ remaining over the coverage gap in persons; none where the gap is 0 or none."""
    gap = _number(gap_persons)
    return (_number(remaining_persons) / gap.where(gap > 0)).where(gap > 0)


def with_measures(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (with the three counts) plus enrolled (both schemes), remaining, conversion_rate,
    employee_conversion_share."""
    out = frame.copy()
    counts = [out[column] for column in COUNT_COLUMNS]
    out["enrolled"] = (_number(out["enrolled_employee"]) + _number(out["enrolled_resident"])).astype("Int64")
    out["remaining"] = remaining(*counts).astype("Int64")
    out["conversion_rate"] = conversion_rate(*counts)
    out["employee_conversion_share"] = employee_conversion_share(out["enrolled_employee"], out["enrolled_resident"])
    return out


# --------------------------------------------------------------------------- per group, per region


def coverage_gaps(report: pd.DataFrame) -> pd.DataFrame:
    """``region_code, period, gap_persons`` of the coverage rate, from a metrics report
    (``metrics.compute.evaluate``'s columns; months as indexes)."""
    rows = report[report["metric"] == "coverage_rate"]
    return rows[["region_code", "period", "gap_persons"]].reset_index(drop=True)


def group_measures(sums: pd.DataFrame) -> pd.DataFrame:
    """One row per region, month and group with library rows: the counts and the three measures."""
    frame = sums.sort_values(["region_code", "period", "group"], kind="stable").reset_index(drop=True)
    for column in COUNT_COLUMNS:
        frame[column] = frame[column].astype("Int64")
    return with_measures(frame)


def region_totals(
    sums: pd.DataFrame,
    coverage: pd.DataFrame | None = None,
    codes: Sequence[str] | None = None,
    periods: Sequence[int] | None = None,
) -> pd.DataFrame:
    """One row per region and month: the counts summed over the groups, the measures, the coverage
    ``gap_persons`` and ``pool_sufficiency``.

    ``codes`` and ``periods`` list every (region, month) wanted, with or without library rows
    (without: the counts and measures are none); by default, those present in ``sums``.
    """
    totals = sums.groupby(["region_code", "period"], as_index=False)[list(COUNT_COLUMNS)].sum()
    if codes is not None or periods is not None:
        codes = list(codes) if codes is not None else sorted(sums["region_code"].unique())
        periods = list(periods) if periods is not None else sorted(sums["period"].unique())
        grid = pd.MultiIndex.from_product([codes, [int(p) for p in periods]], names=["region_code", "period"])
        totals = totals.set_index(["region_code", "period"]).reindex(grid).reset_index()
    for column in COUNT_COLUMNS:
        totals[column] = totals[column].astype("Int64")
    totals = with_measures(totals)
    if coverage is None:
        totals["gap_persons"] = pd.array([pd.NA] * len(totals), dtype="Int64")
    else:
        gaps = coverage[["region_code", "period", "gap_persons"]].copy()
        gaps["period"] = gaps["period"].astype("int64")
        gaps["gap_persons"] = _number(gaps["gap_persons"])
        totals = totals.merge(gaps, on=["region_code", "period"], how="left")
        totals["gap_persons"] = totals["gap_persons"].round().astype("Int64")
    totals["pool_sufficiency"] = pool_sufficiency(totals["remaining"], totals["gap_persons"])
    return totals.sort_values(["region_code", "period"], kind="stable").reset_index(drop=True)


def insufficient(totals: pd.DataFrame) -> pd.DataFrame:
    """The regions whose remaining library cannot close their coverage gap (sufficiency < 1), worst first."""
    short = totals[totals["pool_sufficiency"].notna() & (totals["pool_sufficiency"] < 1)]
    return short.sort_values(["pool_sufficiency", "region_code"], kind="stable").reset_index(drop=True)


def shortfall(totals: pd.DataFrame) -> pd.Series:
    """Persons the library lacks to close the gap even if all of it converted: gap − remaining (never below 0)."""
    gap, left = _number(totals["gap_persons"]), _number(totals["remaining"])
    return (gap - left).clip(lower=0).where(gap.notna() & left.notna()).astype("Int64")


# --------------------------------------------------------------------------- the command's table


def pool_report(regions: pd.DataFrame, sums: pd.DataFrame, coverage: pd.DataFrame, period: int) -> pd.DataFrame:
    """The ``metrics --pool`` table (:data:`POOL_OUTPUT_COLUMNS`) for the listed ``regions`` at ``period``.

    Per region (by level, then code): one row per group with library rows (1-8), then the
    region's total row (group empty) with the coverage gap in persons and the pool's sufficiency.
    Groups and the total carry no gap or sufficiency of their own beyond the total's.
    """
    listed = regions[["code", "name", "level"]].rename(columns={"code": "region_code", "name": "region_name"})
    at = sums[sums["period"] == int(period)]
    groups = group_measures(at)
    groups["gap_persons"] = pd.array([pd.NA] * len(groups), dtype="Int64")
    groups["pool_sufficiency"] = np.nan
    groups["group_name"] = groups["group"].map(lambda g: POOL_GROUP_BY_ID[int(g)].zh)
    totals = region_totals(at, coverage, codes=listed["region_code"].tolist(), periods=[int(period)])
    totals["group"] = pd.NA
    totals["group_name"] = None
    groups["_order"], totals["_order"] = groups["group"].astype("int64"), len(POOL_GROUP_BY_ID) + 1
    rows = pd.concat([groups, totals], ignore_index=True).merge(listed, on="region_code", how="inner")
    rank = {level: i for i, level in enumerate(LEVELS)}
    rows["_level"] = rows["level"].map(rank)
    rows = rows.sort_values(["_level", "region_code", "_order"], kind="stable").reset_index(drop=True)
    rows["group"] = rows["group"].astype("Int64")
    rows["period"] = int(period)
    return rows[list(POOL_OUTPUT_COLUMNS)]


# --------------------------------------------------------------------------- over time, by action


def conversion_over_time(sums: pd.DataFrame, region: str) -> pd.DataFrame:
    """``period, group, conversion_rate`` for one region, every month of ``sums``: one series per
    group, and the total as group 0."""
    own = sums[sums["region_code"] == region]
    by_group = group_measures(own)[["period", "group", "conversion_rate"]]
    total = region_totals(own)[["period", "conversion_rate"]].assign(group=0)
    frame = pd.concat([by_group, total[["period", "group", "conversion_rate"]]], ignore_index=True)
    return frame.sort_values(["group", "period"], kind="stable").reset_index(drop=True)


def action_totals(action_sums: pd.DataFrame, region: str, period: int) -> pd.DataFrame:
    """``action, enrolled, share`` for one region and month: every action 1-6 (0 where none
    reported), share of all enrolments through the six actions (none where there are none)."""
    own = action_sums[(action_sums["region_code"] == region) & (action_sums["period"] == int(period))]
    enrolled = own.groupby("action")["enrolled"].sum()
    frame = pd.DataFrame({"action": list(POOL_ACTION_BY_ID)})
    frame["enrolled"] = frame["action"].map(enrolled).fillna(0).astype("int64")
    total = frame["enrolled"].sum()
    frame["share"] = frame["enrolled"] / total if total > 0 else np.nan
    return frame
