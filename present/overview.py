"""What one card of the Overview page says, as data (no streamlit): the view builder of
``pages/overview.py``, so the card is tested without AppTest and the page only lays it out.

One report row (``data.report.metrics_report``, indexed by metric) and the region's
history of that metric in; the card's texts, in one language, out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import pandas as pd

from metrics.summary import change_since
from present.catalog import metric_label, status_label, text
from present.charts import status_color
from present.formatting import format_month, format_persons, format_points, format_rate
from present.projection import eta_line
from present.honest import change_parts, estimated_suffix, implausible_text, overdue_text, region_not_comparable_note


@dataclass(frozen=True)
class Card:
    """One metric's card. Texts are ready to show; None where the card shows nothing."""

    title: str  # the metric's name
    status: str  # the status's label (no data: 无数据)
    color: str  # the status colour (present.charts.STATUS_COLORS)
    value: str  # 95.1% (with （估算） when carried rows count)
    delta: str | None  # +0.20 个百分点 较上月; 持平 较上月
    delta_flat: bool  # the change rounds to nothing: shown without colour or arrow
    year: str | None  # 较去年同期 +1.20 个百分点
    target_line: str | None  # 目标 95.0%（2025-12）
    note: str | None  # not comparable: why
    overdue: str | None  # 逾期 N 个月，现需 M 人 (shown as an alarm)
    gap_line: str | None  # behind or ahead by so many points; or "no value"
    implausible: str | None = None  # the value above 100% carries ⚠: what the mark means (issue 11)
    eta_line: str | None = None  # 按近期趋势，预计 2027-03 达标 / 计划期内无法达标 (issue 15 point 7)


def card(
    row: pd.Series, history: pd.DataFrame, metric: str, period: int, language: str, last_by: int | None = None
) -> Card:
    """The card of ``metric`` for the report ``row`` at ``period`` (a month index); ``history``:
    that region's series of the metric (``period``, ``value``; fractions); ``last_by``: the month
    index of the last milestone of the region's target (an eta after it cannot be reached within
    the plan, see :func:`present.projection.eta_line`)."""
    t = partial(text, language=language)
    value, target, status = row["value"], row["target"], row["status"]
    month = change_parts(change_since(history, period, 1), t)
    year = change_parts(change_since(history, period, 12), t)
    has_target = target is not None and target == target
    gap_pp = row["gap_pp"]
    overdue = overdue_text(row, t)
    gap_line = None
    if not overdue:
        if gap_pp is not None and gap_pp == gap_pp:
            if gap_pp > 0:
                gap_line = t("overview.gap_line", gap_pp=format_points(gap_pp)[1:], gap_persons=format_persons(row["gap_persons"]))
            else:
                gap_line = t("overview.ahead_line", gap_pp=format_points(-gap_pp)[1:])
        elif value is None or value != value:
            gap_line = t("overview.no_value")
    return Card(
        title=metric_label(metric, language),
        status=status_label(status, language),
        color=status_color(status),
        value=format_rate(value, target) + estimated_suffix(row, t),
        delta=None if month is None else f"{month[0]} {t('overview.vs_last_month')}",
        delta_flat=month is not None and month[1] == "flat",
        year=None if year is None else f"{t('overview.vs_last_year')} {year[0]}",
        target_line=t("overview.target_line", target=format_rate(target), target_by=format_month(row["target_by"])) if has_target else None,
        note=region_not_comparable_note(row, t) or None,
        overdue=overdue or None,
        gap_line=gap_line,
        implausible=implausible_text(row, t),
        eta_line=eta_line(row, last_by, language),
    )
