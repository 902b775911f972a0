"""How a projection reads on a page (issue 15 point 7, metrics.md §5), as data (no streamlit).

An ``eta`` is none where the line never reaches the target or reaches it more than 100 years
away; a page says "计划期内无法达标" both then and where the eta lies after the last milestone
of the region's target for the metric: the plan ends before the line gets there.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from metrics.targets import Targets
from present.catalog import text
from present.formatting import format_month


def last_milestone(targets: Targets, metric: str, lineage: Sequence[str]) -> int | None:
    """The month index of the last milestone of ``metric``'s target in force for a region
    (``lineage``: the region's code, then its ancestors'), None where it has no target."""
    entry = targets.for_region(metric, lineage)
    if entry is None or not entry.milestones:
        return None
    return max(m.by for m in entry.milestones)


def within_plan(eta: object, last_by: int | None) -> bool:
    """Whether ``eta`` (a month index, None/NaN for none) is a month the plan still covers:
    at or before ``last_by`` (no target: any eta counts)."""
    if eta is None or pd.isna(eta):
        return False
    try:
        month = int(eta)
    except (TypeError, ValueError):
        return False
    return last_by is None or month <= last_by


def eta_text(eta: object, last_by: int | None, language: str) -> str:
    """The eta as shown: its month (``2027-03``), or 计划期内无法达标 / "Cannot reach the target
    within the plan" where it is none or after ``last_by`` (the last milestone's month index)."""
    if not within_plan(eta, last_by):
        return text("scale.eta_unreachable", language)
    return format_month(int(eta))


def eta_line(row: "pd.Series", last_by: int | None, language: str) -> str | None:
    """The projection's sentence for a report ``row`` (``projected``, ``eta``, ``target``,
    ``status``): None where there is no projection (fewer than three values), no target or the
    target is already reached; else when the line reaches it, "the trend is there, the figure is not"
    where that month is the report's own, or 计划期内无法达标."""
    projected, target, status = row.get("projected"), row.get("target"), row.get("status")
    if projected is None or pd.isna(projected) or target is None or pd.isna(target) or status == "achieved":
        return None
    if not within_plan(row.get("eta"), last_by):
        return text("scale.eta_unreachable", language)
    period = row.get("period")
    if period is not None and not pd.isna(period) and int(row["eta"]) <= int(period):
        # the fitted line is at the target already, the month's figure is not: "reaches it in <this month>"
        # would read as if it had (seen on the demo's payment-rate card, 79.2% against 80%)
        return text("scale.eta_now", language)
    return text("scale.eta_line", language, eta=format_month(int(row["eta"])))
