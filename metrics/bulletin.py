"""The quarterly bulletin (季度通报): which quarter, against which month, and who is praised or named.

Pure rules over the metrics report. A quarter is written ``2025Q4``; its
bulletin stands at the quarter's last month (2025-12) and measures rank
changes from the previous quarter's last month (2025-09). Who is praised and
who is named follows the ``bulletin:`` section of the targets file
(:class:`metrics.targets.BulletinRules`):

- praise, *top*: the highest values among the regions whose status is one of
  ``praise.statuses``;
- praise, *most improved*: the regions that climbed most places (any status);
- name, *bottom*: the lowest values among the regions whose status is one of
  ``name.statuses``;
- name, *fallen furthest*: the regions that lost most places (any status).

Ties: equal values by code; equal rank changes by the current rank (better
first when praising, worse first when naming), then code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from metrics.league import league_codes
from metrics.periods import PeriodError
from metrics.registry import METRIC_KEYS
from metrics.targets import BulletinRules, Milestone, Targets

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")

KINDS: tuple[str, ...] = ("praise", "name")
SELECTION_COLUMNS: tuple[str, ...] = (
    "kind",
    "reason",
    "region_code",
    "region_name",
    "rank",
    "rank_change",
    "value",
    "target",
    "status",
)


def parse_quarter(text: str) -> tuple[int, int]:
    """``"2025Q4"`` -> (year, quarter) = (2025, 4); ``2025-Q4`` and ``2025q4`` too."""
    match = _QUARTER.match(text) if isinstance(text, str) else None
    if not match:
        raise PeriodError(f"{text!r} is not a quarter written YYYYQn (e.g. 2025Q4)")
    return int(match.group(1)), int(match.group(2))


def quarter_end(year: int, quarter: int) -> int:
    """The month index of the quarter's last month: (2025, 4) -> 2025-12."""
    return 12 * year + 3 * quarter


def quarter_months(text: str) -> tuple[int, int]:
    """(the quarter's last month, the previous quarter's last month) as month indexes."""
    end = quarter_end(*parse_quarter(text))
    return end, end - 3


def quarter_of(period: int) -> tuple[int, int]:
    """The (year, quarter) holding the month ``period``."""
    year, month0 = divmod(int(period) - 1, 12)
    return year, month0 // 3 + 1


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}Q{quarter}"


def latest_quarter_end(period: int) -> int:
    """The last quarter's end at or before ``period``: 2026-10 -> 2026-09, 2026-12 -> 2026-12."""
    year, quarter = quarter_of(period)
    end = quarter_end(year, quarter)
    return end if end == int(period) else end - 3


def _ranked(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.assign(
        _rank=rows["rank"].astype("float64").fillna(float("inf")),
        _change=rows["rank_change"].astype("float64"),
        _value=rows["value"].astype("float64"),
    )


def praise_and_name(rows: pd.DataFrame, rules: BulletinRules) -> pd.DataFrame:
    """Who the bulletin praises and names among ``rows`` (the report of one metric, ranked together).

    Returns ``SELECTION_COLUMNS``: ``kind`` (praise / name) and ``reason``
    (top, most_improved, bottom, fallen_furthest), in that order, each list in
    its own order. A region may appear under two reasons. A region that is not comparable
    (``comparable`` false, metrics.md §3) is never praised nor named.
    """
    candidates = rows["value"].notna()
    if "comparable" in rows:
        candidates &= rows["comparable"].fillna(True).astype(bool)
    keyed = _ranked(rows[candidates])
    parts: list[pd.DataFrame] = []

    def take(frame: pd.DataFrame, kind: str, reason: str, count: int) -> None:
        if count > 0 and not frame.empty:
            parts.append(frame.head(count).assign(kind=kind, reason=reason))

    praise, name = rules.praise, rules.name
    top = keyed[keyed["status"].isin(praise.statuses)].sort_values(["_value", "region_code"], ascending=[False, True], kind="stable")
    take(top, "praise", "top", praise.top)
    climbed = keyed[keyed["_change"] > 0].sort_values(["_change", "_rank", "region_code"], ascending=[False, True, True], kind="stable")
    take(climbed, "praise", "most_improved", praise.most_improved)
    bottom = keyed[keyed["status"].isin(name.statuses)].sort_values(["_value", "region_code"], ascending=[True, True], kind="stable")
    take(bottom, "name", "bottom", name.bottom)
    fell = keyed[keyed["_change"] < 0].sort_values(["_change", "_rank", "region_code"], ascending=[True, False, True], kind="stable")
    take(fell, "name", "fallen_furthest", name.fallen_furthest)

    if not parts:
        return pd.DataFrame({column: pd.Series(dtype="object") for column in SELECTION_COLUMNS})
    chosen = pd.concat(parts, ignore_index=True)
    return chosen[list(SELECTION_COLUMNS)].reset_index(drop=True)


# --------------------------------------------------------------------------- gathering

Report = Callable[[int, Sequence[str], "int | None"], pd.DataFrame]  # (period, codes, compare_to) -> report, ranked together


@dataclass(frozen=True)
class Bulletin:
    """What the quarterly workbook holds."""

    root_code: str
    root_name: str
    level: str | None  # the level of the regions ranked
    year: int
    quarter: int
    period: int  # the quarter's last month
    compare: int  # the previous quarter's last month
    league: pd.DataFrame  # the report of the regions ranked together, rank changes against ``compare``
    own: pd.DataFrame  # the root's own report (the reference line)
    rules: BulletinRules
    schemes: dict[str, tuple[str, ...] | None] = field(default_factory=dict)
    milestones: dict[str, tuple[Milestone, ...]] = field(default_factory=dict)
    warning_band: float = 0.02
    # Task completion (issue 13 point 3): ``data.tasks.completion_of`` of the root and the ranked regions at
    # the quarter's end (None: not read; no row holding a task: the workbook leaves the sheet out).
    tasks: pd.DataFrame | None = None
    # Reporting timeliness over the quarter's three months (issue 13 point 2; data.timeliness.bulletin_timeliness):
    # ``region_code, period, on_time, late, missing, not_due, rate`` for the root and the league, and the
    # units whose report of one of those months had not arrived (``data.timeliness.arrivals`` rows).
    timeliness: pd.DataFrame | None = None
    unreported: pd.DataFrame | None = None
    due_day: int | None = None

    @property
    def label(self) -> str:
        return quarter_label(self.year, self.quarter)


def gather(
    *, targets: Targets, regions: pd.DataFrame, root: str, year: int, quarter: int, level: str | None, report: Report,
    tasks=None,
) -> Bulletin:
    """Read the bulletin of ``root`` for a quarter: the regions of ``level`` under it (default: its children).
    ``tasks``: ``tasks(period, codes)`` -> task completion of ``codes`` at the quarter's end (issue 13 point 3;
    ``data.tasks.completion_of``'s frame), or None to leave task completion out."""
    period = quarter_end(year, quarter)
    compare = period - 3
    codes, _ = league_codes(regions, root, level)
    codes = [c for c in codes if c != root]
    indexed = regions.set_index("code")
    league = report(period, codes, compare) if codes else report(period, [root], compare).head(0)
    own = report(period, [root], compare)
    lineage = list(indexed.at[root, "lineage"])
    entries = {m: targets.for_region(m, lineage) for m in METRIC_KEYS}
    return Bulletin(
        root_code=root,
        root_name=str(indexed.at[root, "name"]),
        level=str(indexed.loc[codes[0], "level"]) if codes else None,
        year=year,
        quarter=quarter,
        period=period,
        compare=compare,
        league=league,
        own=own,
        rules=targets.bulletin,
        schemes={m: (None if e is None else e.schemes) for m, e in entries.items()},
        milestones={m: (() if e is None else e.milestones) for m, e in entries.items()},
        warning_band=targets.warning_band,
        tasks=None if tasks is None else tasks(period, [root, *codes]),
    )
