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
    """How many listed regions are in each status for ``metric``; ``none`` counts those without one.

    A region that is not comparable for ``metric`` (spec §3, issue 8) is
    counted under ``not_comparable`` instead of its status, so a chart never
    paints it in a status colour; the key is there only when the report has
    ``comparable``.
    """
    rows = report[report["metric"] == metric]
    if "comparable" in rows:
        comparable = rows["comparable"].map(lambda c: True if c is None or c is pd.NA or c != c else bool(c)).astype(bool)
        others, rows = rows[~comparable], rows[comparable]
    else:
        others = None
    counts = {status: int((rows["status"] == status).sum()) for status in STATUSES}
    counts["none"] = int(rows["status"].isna().sum())
    if others is not None:
        counts["not_comparable"] = len(others)
    return counts
