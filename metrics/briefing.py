"""What the vice-mayor's one-page briefing shows: pure selections over the metrics report.

The briefing is a single 16:9 page for one region and one month: the three
metrics as tiles, the trend of one metric against its trajectory, and the
five best and five worst of the regions ranked together. This module decides
*what* goes on it (which months the trend spans, who the best and worst are)
and gathers it into a :class:`Briefing`; ``exports.briefing`` draws it.

No IO here: :func:`gather` is handed the two reads it needs (``report`` and
``series``), so the dashboard passes its cached loaders and the command line
passes reads on its own connection.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from metrics.compute import target_at, trajectory_path
from metrics.league import league_codes
from metrics.periods import year_of
from metrics.registry import METRIC_KEYS, counts_year_to_date
from metrics.summary import change_since
from metrics.targets import Targets

BEST_WORST = 5
TREND_MONTHS = 48  # the trend looks back at most four years ...
AHEAD_MONTHS = 12  # ... and ahead to a milestone due within a year

Report = Callable[[int, Sequence[str]], pd.DataFrame]  # (period, codes) -> the report of those regions, ranked together
Series = Callable[[Sequence[str], Sequence[int]], pd.DataFrame]  # (codes, months) -> region_code, period, metric, value


@dataclass(frozen=True)
class Trend:
    """One metric of one region over the briefing's months."""

    series: pd.DataFrame  # period, value, carried where known (months with data, up to the period)
    path: pd.DataFrame  # period, target, target_by, trajectory (every month of the window)
    milestones: tuple[tuple[int, float], ...]  # (month, value) inside the window


@dataclass(frozen=True)
class Briefing:
    """Everything the briefing page and the slides need, for one region and month."""

    region_code: str
    region_name: str
    region_level: str
    period: int
    metric: str  # the metric whose trend and league the page shows
    own: pd.DataFrame  # the region's report, one row per metric, in METRIC_KEYS order
    month_change: dict[str, float | None]  # value now minus the month before, per metric
    trends: dict[str, Trend]
    league: pd.DataFrame  # the report of the regions ranked together (every metric)
    league_siblings: bool  # True: the region has no sub-regions, the league is it and its siblings
    league_level: str | None  # the level of the regions in the league
    schemes: dict[str, tuple[str, ...] | None] = field(default_factory=dict)  # per metric, the schemes its target counts
    warning_band: float = 0.02
    # the task ledger's overdue tasks per 包保领导, most first: (leader, tasks); empty without a ledger (issue 14)
    overdue_tasks: tuple[tuple[str, int], ...] = ()

    def row(self, metric: str) -> pd.Series:
        return self.own.set_index("metric").loc[metric]


# --------------------------------------------------------------------------- selections


def best_and_worst(league: pd.DataFrame, metric: str, n: int = BEST_WORST) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``n`` best and ``n`` worst ranked regions for ``metric``, each in rank order.

    ``league``: report rows ranked together. Regions without a rank (no value)
    are in neither list. With fewer than ``2n`` ranked regions the lists split
    them without overlap, the best getting the odd one.
    """
    rows = league[(league["metric"] == metric) & league["rank"].notna()]
    ordered = rows.assign(_rank=rows["rank"].astype("int64")).sort_values(["_rank", "region_code"], kind="stable")
    ordered = ordered.drop(columns="_rank").reset_index(drop=True)
    best_count = min(n, math.ceil(len(ordered) / 2))
    worst_count = min(n, len(ordered) - best_count)
    best = ordered.head(best_count).reset_index(drop=True)
    worst = ordered.tail(worst_count).reset_index(drop=True) if worst_count else ordered.head(0)
    return best, worst


def unranked_count(league: pd.DataFrame, metric: str) -> int:
    """How many regions of the league have no value (so no rank) for ``metric``."""
    rows = league[league["metric"] == metric]
    return int(rows["rank"].isna().sum())


def trend_months(
    metric: str, period: int, first_month: int, baseline: int, target_by: int | None, last_milestone: int | None = None
) -> list[int]:
    """The months the briefing's trend spans.

    The payment rate counts the year to date: January to December of the
    period's year. The other metrics: from the baseline (the trajectory's
    start), at most ``TREND_MONTHS`` back and never before the first month
    with data, to the period, or on to the target's month where it is due
    within ``AHEAD_MONTHS``, and on to ``last_milestone`` where given: the
    whole path to the last milestone is drawn (issue 8, the 2035 deadline
    was off the chart).
    """
    if counts_year_to_date(metric):
        january = 12 * year_of(period) + 1
        return list(range(january, january + 12))
    start = max(int(baseline), int(period) - TREND_MONTHS + 1, int(first_month))
    start = min(start, int(period))
    end = int(period)
    if target_by is not None and not pd.isna(target_by) and 0 < int(target_by) - period <= AHEAD_MONTHS:
        end = int(target_by)
    if last_milestone is not None and int(last_milestone) > end:
        end = int(last_milestone)
    return list(range(start, end + 1))


# --------------------------------------------------------------------------- gathering


def _lineage(regions: pd.DataFrame, code: str) -> list[str]:
    return list(regions.set_index("code").at[code, "lineage"])


def gather(
    *,
    targets: Targets,
    regions: pd.DataFrame,
    periods: Sequence[int],
    code: str,
    period: int,
    metric: str,
    report: Report,
    series: Series,
) -> Briefing:
    """Read what the briefing of region ``code`` at ``period`` shows, through ``report`` and ``series``.

    ``regions``: ``code, name, level, parent_code, lineage``; ``periods``:
    every month with data, ascending. Three reads in all: the region's own
    report, the report of the regions ranked with it, and the region's series.
    """
    info = regions.set_index("code").loc[code]
    own = report(period, [code])
    own = own.assign(_order=own["metric"].map({m: i for i, m in enumerate(METRIC_KEYS)})).sort_values("_order")
    own = own.drop(columns="_order").reset_index(drop=True)

    codes, siblings = league_codes(regions, code)
    league = report(period, codes) if codes else own.head(0)
    levels = regions.set_index("code").loc[codes, "level"] if codes else pd.Series(dtype=object)
    league_level = str(levels.iloc[0]) if len(levels) else None

    lineage = _lineage(regions, code)
    months_with_data = [int(m) for m in periods if m <= period] or [int(period)]
    windows: dict[str, list[int]] = {}
    entries = {m: targets.for_region(m, lineage) for m in METRIC_KEYS}
    for key in METRIC_KEYS:
        _, due = target_at(key, entries[key], period)
        last = max((m.by for m in entries[key].milestones), default=None) if entries[key] is not None else None
        windows[key] = trend_months(key, period, months_with_data[0], targets.baseline, due, last)
    # the months to read: every window's months with data, plus what the trajectory's start needs
    wanted = sorted({m for months in windows.values() for m in months if m in set(months_with_data)} | {
        m for m in months_with_data if m >= targets.baseline
    } | {period - 1})
    history = series([code], wanted)
    history = history[history["region_code"] == code] if "region_code" in history else history

    trends: dict[str, Trend] = {}
    changes: dict[str, float | None] = {}
    for key in METRIC_KEYS:
        columns = ["period", "value", "carried"] if "carried" in history else ["period", "value"]
        own_history = history[history["metric"] == key][columns].sort_values("period").reset_index(drop=True)
        months = windows[key]
        path = trajectory_path(key, entries[key], targets.baseline, own_history, months)
        shown = own_history[own_history["period"].isin(months) & (own_history["period"] <= period)].reset_index(drop=True)
        entry = entries[key]
        milestones = () if entry is None else tuple(
            (m.by, m.value) for m in entry.milestones if months[0] <= m.by <= months[-1]
        )
        trends[key] = Trend(series=shown, path=path, milestones=milestones)
        changes[key] = change_since(own_history, period, 1)

    return Briefing(
        region_code=code,
        region_name=str(info["name"]),
        region_level=str(info["level"]),
        period=int(period),
        metric=metric,
        own=own,
        month_change=changes,
        trends=trends,
        league=league,
        league_siblings=siblings,
        league_level=league_level,
        schemes={m: (None if entries[m] is None else entries[m].schemes) for m in METRIC_KEYS},
        warning_band=targets.warning_band,
    )
