"""Data-quality summaries the Data page reads off the metric series (pure: no IO, no Streamlit)."""

from __future__ import annotations

import pandas as pd


def completeness_by_period(series: pd.DataFrame, up_to: int | None = None) -> pd.DataFrame:
    """``period, completeness`` ascending, one row per month, from a ``metric_series`` frame.

    Completeness is a property of (region, month), repeated on every metric's row;
    months where it is none (no region of the subtree has a population row yet) are dropped.
    """
    if series.empty:
        return pd.DataFrame({"period": pd.Series(dtype="int64"), "completeness": pd.Series(dtype="float64")})
    frame = series[["period", "completeness"]].dropna().drop_duplicates("period")
    if up_to is not None:
        frame = frame[frame["period"] <= up_to]
    return frame.sort_values("period").astype({"period": "int64", "completeness": "float64"}).reset_index(drop=True)


def incomplete_months(completeness: pd.DataFrame, tolerance: float = 1e-9) -> list[int]:
    """The months where not every expected region reported."""
    return [int(p) for p in completeness.loc[completeness["completeness"] < 1 - tolerance, "period"]]
