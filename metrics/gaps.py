"""Where the persons still needed are, and whether each region is moving fast enough.

Pure functions over the report (``metrics.compute.evaluate``: ``region_code,
region_name, metric, value, target, target_by, gap_persons, ...``) and the
series (``data.report.metric_series``: ``region_code, period, metric,
numerator, denominator, value``). No IO, no UI.

- The *gap* of a region is ``gap_persons`` for the target in force at the
  period (the next milestone, due at ``target_by``).
- Its *share* is its gap over the sum of the gaps of the regions listed; the
  *cumulative share* runs down the regions from the largest gap (a Pareto
  table: which few regions hold most of the gap).
- The *needed pace* is the gap spread over the months left until the
  deadline: ``gap_persons / months_left``, ``months_left = target_by -
  period``, at least 1 (a deadline this month or already past leaves one
  month). An *overdue* target (the report's ``overdue_months``, issue 8: a
  passed milestone already asked for it) leaves one month too, whatever its
  next deadline: the whole gap is needed now; ``overdue_months`` says since when.
- The *kept pace* is the numerator's average monthly increase: over the last
  12 months (from the earliest month in that window with a numerator, to the
  period); for ``payment_rate``, which counts the year to date and so starts
  every year at 0 in the December before, ``numerator / months of the year so
  far``.
- A region is *short of pace* where the needed pace exceeds the kept pace.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.periods import december_before
from metrics.registry import counts_year_to_date

PACE_WINDOW = 12

GAP_COLUMNS: tuple[str, ...] = (
    "region_code",
    "region_name",
    "value",
    "target",
    "target_by",
    "gap_persons",
    "share",
    "cumulative_share",
    "months_left",
    "needed_pace",
    "kept_pace",
    "short_of_pace",
    "overdue_months",
)


def months_left(target_by: int | None, period: int) -> int | None:
    """Months from ``period`` to the deadline, at least 1; none without a deadline."""
    if target_by is None or pd.isna(target_by):
        return None
    return max(1, int(target_by) - int(period))


def pace_months(metric: str, period: int) -> list[int]:
    """The months :func:`kept_pace` reads: the 12 before ``period`` and itself; the year so far for year-to-date metrics."""
    first = december_before(period) + 1 if counts_year_to_date(metric) else int(period) - PACE_WINDOW
    return list(range(first, int(period) + 1))


def kept_pace(series: pd.DataFrame, metric: str, period: int) -> pd.Series:
    """Average monthly increase of the numerator up to ``period``, by region code.

    Stock metrics: ``(numerator at period - numerator at s) / (period - s)``
    with ``s`` the earliest month of the 12 before ``period`` that has a
    numerator. Year-to-date metrics: ``numerator at period / (period -
    December before)``. None where the numerator at ``period`` (or, for stock
    metrics, every earlier one in the window) is missing.
    """
    rows = series[(series["metric"] == metric) & series["numerator"].notna()]
    now = rows[rows["period"] == period].set_index("region_code")["numerator"].astype("float64")
    if counts_year_to_date(metric):
        return now / float(int(period) - december_before(period))
    window = rows[(rows["period"] >= period - PACE_WINDOW) & (rows["period"] < period)]
    first = window.sort_values("period").groupby("region_code").first()
    start_value = first["numerator"].astype("float64").reindex(now.index)
    span = (period - first["period"]).astype("float64").reindex(now.index)
    return (now - start_value) / span


def gap_table(report: pd.DataFrame, series: pd.DataFrame, metric: str, period: int) -> pd.DataFrame:
    """The regions with a gap, largest first (ties by code), with shares and paces (``GAP_COLUMNS``)."""
    rows = report[(report["metric"] == metric) & report["gap_persons"].notna()]
    rows = rows[rows["gap_persons"] > 0]
    rows = rows.sort_values(["gap_persons", "region_code"], ascending=[False, True], kind="stable")
    overdue = rows["overdue_months"] if "overdue_months" in rows else pd.Series(pd.NA, index=rows.index)
    table = rows[["region_code", "region_name", "value", "target", "target_by", "gap_persons"]].reset_index(drop=True)
    table["overdue_months"] = pd.array(overdue.to_numpy(), dtype="Int64")
    table["gap_persons"] = table["gap_persons"].astype("int64")
    table["target_by"] = table["target_by"].astype("Int64")
    total = float(table["gap_persons"].sum())
    table["share"] = table["gap_persons"] / total if total else pd.Series(dtype="float64")
    table["cumulative_share"] = table["gap_persons"].cumsum() / total if total else pd.Series(dtype="float64")
    table["months_left"] = [
        1 if not pd.isna(late) else months_left(by, period) for by, late in zip(table["target_by"], table["overdue_months"])
    ]
    table["months_left"] = table["months_left"].astype("Int64")
    table["needed_pace"] = (table["gap_persons"] / table["months_left"].astype("float64")).astype("float64")
    kept = kept_pace(series, metric, period)
    table["kept_pace"] = table["region_code"].map(kept).astype("float64")
    short = table["needed_pace"] > table["kept_pace"]
    table["short_of_pace"] = pd.array(np.where(table["kept_pace"].isna(), None, short), dtype="boolean")
    return table[list(GAP_COLUMNS)]


PACE_FLAGS: tuple[str, ...] = ("short", "ok", "unknown")


def pace_flags(table: pd.DataFrame) -> pd.Series:
    """``short`` (needs a faster pace than it keeps), ``ok``, or ``unknown`` (no kept pace), row by row."""
    flags = table["short_of_pace"].astype("boolean")
    return pd.Series(
        np.where(flags.isna(), "unknown", np.where(flags.fillna(False), "short", "ok")), index=table.index, dtype="object"
    )


@dataclass(frozen=True)
class Concentration:
    """How concentrated the gap is among the regions that have one."""

    regions_with_gap: int
    total_gap: int
    top: int  # the first ``top`` regions ...
    top_share: float  # ... hold this share of the gap
    share: float  # this share of the gap ...
    regions_for_share: int  # ... lies in this many regions


def concentration(table: pd.DataFrame, top: int = 5, share: float = 0.8) -> Concentration | None:
    """``gap_table``'s head in two sentences' worth of numbers; none where no region has a gap."""
    if table.empty:
        return None
    top = min(top, len(table))
    cumulative = table["cumulative_share"].to_numpy(dtype="float64")
    regions_for_share = int(np.searchsorted(cumulative, share - 1e-12) + 1)
    return Concentration(
        regions_with_gap=len(table),
        total_gap=int(table["gap_persons"].sum()),
        top=top,
        top_share=float(cumulative[top - 1]),
        share=share,
        regions_for_share=min(regions_for_share, len(table)),
    )


def gap_counts(report: pd.DataFrame, metric: str) -> dict[str, int]:
    """How many regions have a gap, have none (target met), have a figure but no target in force, or have no figure."""
    rows = report[report["metric"] == metric]
    gaps = rows["gap_persons"]
    has_value = rows["value"].notna()
    return {
        "with_gap": int((gaps.notna() & (gaps > 0)).sum()),
        "without_gap": int((gaps.notna() & (gaps <= 0)).sum()),
        "no_target": int((has_value & rows["target"].isna()).sum()),
        "no_data": int((~has_value).sum()),
    }
