"""Small summaries the overview reads off a report or a series."""

from __future__ import annotations

import pandas as pd

from metrics.registry import STATUSES


def change_since(history: pd.DataFrame, period: int, months_back: int) -> float | None:
    """``value`` at ``period`` minus the value ``months_back`` months earlier (none if either is missing)."""
    values = history.set_index("period")["value"]
    now, then = values.get(period), values.get(period - months_back)
    if now is None or then is None or pd.isna(now) or pd.isna(then):
        return None
    return float(now) - float(then)


def status_counts(report: pd.DataFrame, metric: str) -> dict[str, int]:
    """How many listed regions are in each status for ``metric``; ``none`` counts those without one."""
    rows = report[report["metric"] == metric]
    counts = {status: int((rows["status"] == status).sum()) for status in STATUSES}
    counts["none"] = int(rows["status"].isna().sum())
    return counts
