"""How regions moved over time: the pure computations behind the Trends page.

Everything here takes DataFrames (the regions with their lineage, metric
values month by month as ``metrics.compute.metric_values`` gives them) and
the targets, and returns DataFrames or lists. No IO, no UI.

The month-by-month status (:func:`status_grid`) is the contract's status
(``metrics.compute.status_of``) against the target and trajectory that
:func:`metrics.compute.trajectory_path` draws, so a cell of the heatmap says
the same as the report for that region and month.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from metrics.compute import kept_milestones, status_of, target_at, trajectory_at, trajectory_through
from metrics.periods import year_of
from metrics.registry import METRIC_BY_KEY, STATUSES
from metrics.targets import Targets

DEFAULT_SPAN = 24  # months shown by default for the stock metrics
MAX_SPAN = 24  # months the status heatmap evaluates at most
# Heatmap codes: "none" lowest, "achieved" highest, so a colour bar reads best at the top.
STATUS_CODES: dict[str, int] = {status: i for i, status in enumerate(("none", *reversed(STATUSES)))}


# --------------------------------------------------------------------------- months


def default_range(periods: Sequence[int], period: int, metric: str, span: int = DEFAULT_SPAN) -> tuple[int, int]:
    """The months a trend shows by default: ``(first, last)``, ``last`` being ``period``.

    A metric that counts the year to date (the payment rate) starts afresh
    every January, so its default is the current year; the others show the
    last ``span`` months. Both are clipped to the months that have data.
    """
    available = [int(m) for m in periods if m <= period]
    if not available:
        return int(period), int(period)
    if METRIC_BY_KEY[metric].year_to_date:
        first = 12 * year_of(period) + 1
    else:
        first = period - span + 1
    first = min((m for m in available if m >= first), default=available[-1])
    return first, int(period)


def months_between(periods: Sequence[int], first: int, last: int) -> list[int]:
    """The months with data from ``first`` to ``last``, both included."""
    return [int(m) for m in periods if first <= m <= last]


def history_months(first: int, last: int, baseline: int, metric: str) -> list[int]:
    """Every month whose values a trend from ``first`` to ``last`` reads.

    The trajectory of a stock metric starts at the region's value at the
    baseline (or its first value after it), so the months from the baseline
    on are read too; the payment rate's trajectory reads nothing outside
    the shown months.
    """
    start = first if METRIC_BY_KEY[metric].year_to_date else min(first, baseline)
    return list(range(int(start), int(last) + 1))


def year_starts(months: Sequence[int]) -> list[int]:
    """The Januaries inside ``months`` after the first month: where a year-to-date count restarts."""
    months = list(months)
    return [m for m in months[1:] if (m - 1) % 12 == 0]


# --------------------------------------------------------------------------- which regions


def descendants_at_level(regions: pd.DataFrame, code: str, level: str) -> list[str]:
    """Codes of the regions of ``level`` in ``code``'s subtree (the region itself included), by code."""
    inside = regions["lineage"].map(lambda lineage: code in tuple(lineage))
    return sorted(regions.loc[inside & (regions["level"] == level), "code"].astype(str).tolist())


def comparison_options(regions: pd.DataFrame, code: str) -> list[str]:
    """Regions worth comparing with ``code``: itself, its parent, its children, its siblings."""
    frame = regions.set_index("code")
    if code not in frame.index:
        return []
    parent = frame.at[code, "parent_code"]
    parent = None if pd.isna(parent) else str(parent)
    children = sorted(frame.index[frame["parent_code"] == code].astype(str))
    siblings = [] if parent is None else sorted(c for c in frame.index[frame["parent_code"] == parent].astype(str) if c != code)
    options = [code] + ([parent] if parent is not None else []) + children + siblings
    return list(dict.fromkeys(options))


def default_comparison(code: str, child_values: pd.DataFrame, per_side: int = 2) -> list[str]:
    """The region, then its ``per_side`` best and ``per_side`` worst children by current value.

    ``child_values``: ``region_code, value``. Children without a value are
    left out; ties go by code. At most ``1 + 2 * per_side`` regions.
    """
    known = child_values.dropna(subset=["value"]).copy()
    known["region_code"] = known["region_code"].astype(str)
    best = known.sort_values(["value", "region_code"], ascending=[False, True])["region_code"].tolist()
    worst = known.sort_values(["value", "region_code"], ascending=[True, True])["region_code"].tolist()
    chosen = [code, *best[:per_side], *worst[:per_side]]
    return list(dict.fromkeys(chosen))


def row_labels(regions: pd.DataFrame, codes: Sequence[str]) -> list[str]:
    """Names for ``codes``; a name that repeats among them gets its parent's name added (``东山镇（麒麟区）``)."""
    frame = regions.set_index("code")
    listed = frame.reindex(list(codes))  # whole columns, not three look-ups per row (issue 15: 500 rows of 43,000)
    names = [str(n) for n in listed["name"].tolist()]
    parents = listed["parent_code"].tolist()
    parent_names = frame["name"].reindex([p if isinstance(p, str) else None for p in parents]).tolist()
    counts = pd.Series(names).value_counts()
    labels = []
    for name, parent, parent_name in zip(names, parents, parent_names):
        if counts[name] > 1 and not pd.isna(parent) and not pd.isna(parent_name):
            labels.append(f"{name}（{parent_name}）")
        else:
            labels.append(name)
    # still the same (same name under parents of the same name): add the code
    seen = pd.Series(labels).value_counts()
    return [f"{label} {code}" if seen[label] > 1 else label for label, code in zip(labels, codes)]


# --------------------------------------------------------------------------- values over time


def region_history(values: pd.DataFrame, code: str, metric: str) -> pd.DataFrame:
    """``period, value`` (and ``carried`` where the series has it) of one region and metric, by month."""
    rows = values[(values["region_code"] == code) & (values["metric"] == metric)]
    columns = ["period", "value", "carried"] if "carried" in rows else ["period", "value"]
    return rows[columns].sort_values("period").reset_index(drop=True)


def status_grid(
    regions: pd.DataFrame, values: pd.DataFrame, targets: Targets, metric: str, months: Sequence[int]
) -> pd.DataFrame:
    """``region_code, period, value, target, trajectory, status``: every region of ``values`` at every month.

    ``values`` (``region_code, period, metric, value``) must hold the months
    of :func:`history_months` for the trajectory's start point. Each region
    is measured against its own target entry (overrides included), with the
    target and trajectory of :func:`metrics.compute.trajectory_path`: the
    start point is the region's value at the baseline, else its first value
    after it. The trajectory is linear in the start value once the milestones
    it heads for are fixed (``metrics.compute.kept_milestones``), so regions
    sharing a target entry, a start month and kept milestones are worked out together.
    """
    months = [int(m) for m in months]
    columns = ["region_code", "period", "value", "target", "trajectory", "status"]
    rows = values[values["metric"] == metric]
    codes = sorted(rows["region_code"].astype(str).unique())
    if not codes or not months:
        return pd.DataFrame(columns=columns)
    table = rows.pivot_table(index="region_code", columns="period", values="value", aggfunc="first", dropna=False)
    table = table.reindex(index=codes).astype("float64")
    lineage = regions.set_index("code")["lineage"]

    if METRIC_BY_KEY[metric].year_to_date:
        starts = pd.Series(np.nan, index=codes)
        start_values = pd.Series(np.nan, index=codes)
    else:
        after = table.loc[:, [c for c in table.columns if c >= targets.baseline]]
        known = after.notna()
        has_start = known.any(axis=1)
        first_col = known.to_numpy().argmax(axis=1) if after.shape[1] else np.zeros(len(codes), dtype=int)
        starts = pd.Series(
            [after.columns[i] if ok else np.nan for i, ok in zip(first_col, has_start)], index=codes, dtype="float64"
        )
        start_values = pd.Series(
            [after.iat[r, i] if ok else np.nan for r, (i, ok) in enumerate(zip(first_col, has_start))], index=codes
        )

    target = np.full((len(codes), len(months)), np.nan)
    trajectory = np.full((len(codes), len(months)), np.nan)
    groups: dict[tuple, list[int]] = {}
    for i, code in enumerate(codes):
        entry = targets.for_region(metric, tuple(lineage.get(code, (code,))))
        start = None if pd.isna(starts.iat[i]) else int(starts.iat[i])
        kept = None if start is None or entry is None else tuple(kept_milestones(entry, start, float(start_values.iat[i])))
        groups.setdefault((entry, start, kept), []).append(i)
    for (entry, start, kept), members in groups.items():
        goals = [target_at(metric, entry, m)[0] for m in months]
        target[members, :] = np.array([np.nan if g is None else g for g in goals], dtype="float64")
        base, slope = [], []
        for m in months:
            if kept is None:  # the payment rate (no start), or no start at all
                low = trajectory_at(metric, entry, m, None, None)
                high = low
            else:
                low = trajectory_through(metric, entry, m, start, 0.0, kept)
                high = None if low is None else trajectory_through(metric, entry, m, start, 1.0, kept)
            base.append(np.nan if low is None else low)
            slope.append(np.nan if low is None else high - low)
        weights = start_values.iloc[members].fillna(0.0).to_numpy()[:, None]
        trajectory[members, :] = np.array(base)[None, :] + np.array(slope)[None, :] * weights

    shown = table.reindex(columns=months).to_numpy(dtype="float64")
    grid = pd.DataFrame(
        {
            "region_code": np.repeat(codes, len(months)),
            "period": np.tile(months, len(codes)),
            "value": shown.ravel(),
            "target": target.ravel(),
            "trajectory": trajectory.ravel(),
        }
    )
    reference = grid["trajectory"].where(grid["trajectory"].notna(), grid["target"])
    grid["status"] = pd.Series(status_of(grid["value"], grid["target"], reference, targets.warning_band), index=grid.index, dtype=object)
    return grid[columns]


def order_by_value(grid: pd.DataFrame, month: int) -> list[str]:
    """Region codes of ``grid`` by their value at ``month``, highest first; no value last; ties by code."""
    at = grid[grid["period"] == month].set_index("region_code")["value"]
    codes = sorted(grid["region_code"].astype(str).unique())
    at = at.reindex(codes)
    frame = pd.DataFrame({"code": codes, "value": at.to_numpy(dtype="float64")})
    frame["missing"] = frame["value"].isna()
    frame = frame.sort_values(["missing", "value", "code"], ascending=[True, False, True])
    return frame["code"].tolist()


def status_pivot(grid: pd.DataFrame, codes: Sequence[str], months: Sequence[int]) -> pd.DataFrame:
    """Region × month -> status code (:data:`STATUS_CODES`; ``none`` where there is no status).

    Rows in the order of ``codes``, columns the ``months``.
    """
    codes, months = list(codes), [int(m) for m in months]
    coded = grid.assign(code=grid["status"].map(lambda s: STATUS_CODES.get(s, STATUS_CODES["none"]) if isinstance(s, str) else STATUS_CODES["none"]))
    pivot = coded.pivot_table(index="region_code", columns="period", values="code", aggfunc="first")
    return pivot.reindex(index=codes, columns=months).fillna(STATUS_CODES["none"]).astype("int64")


def value_pivot(grid: pd.DataFrame, column: str, codes: Sequence[str], months: Sequence[int]) -> pd.DataFrame:
    """Region × month -> ``column`` (``value``, ``target``…), NaN where missing."""
    pivot = grid.pivot_table(index="region_code", columns="period", values=column, aggfunc="first", dropna=False)
    return pivot.reindex(index=list(codes), columns=[int(m) for m in months]).astype("float64")


def range_summary(grid: pd.DataFrame, codes: Sequence[str], first: int, last: int) -> pd.DataFrame:
    """Per region: ``value`` and ``status`` at ``last``, ``target`` and ``change`` since ``first``.

    ``change`` is the value at ``last`` minus the value at ``first`` (none if
    either is missing). Rows in the order of ``codes``.
    """
    indexed = grid.set_index(["region_code", "period"])
    rows = []
    for code in codes:
        now = indexed.loc[(code, last)] if (code, last) in indexed.index else None
        then = indexed.loc[(code, first)] if (code, first) in indexed.index else None
        value = np.nan if now is None else now["value"]
        start = np.nan if then is None else then["value"]
        rows.append(
            {
                "region_code": code,
                "value": value,
                "target": np.nan if now is None else now["target"],
                "status": now["status"] if now is not None and isinstance(now["status"], str) else None,
                "change": value - start if not (pd.isna(value) or pd.isna(start)) else np.nan,
            }
        )
    frame = pd.DataFrame(rows, columns=["region_code", "value", "target", "status", "change"])
    frame["status"] = pd.Series([row["status"] for row in rows], index=frame.index, dtype="object")
    return frame


def drawing_months(months: Sequence[int], milestone_months: Sequence[int], metric: str, horizon: int = 12) -> list[int]:
    """The shown ``months``, carried on to the next milestones due within ``horizon`` months.

    The target and trajectory lines then run on to where the region has to
    be next. A year-to-date metric is not carried past its year.
    """
    months = [int(m) for m in months]
    if not months:
        return []
    last = months[-1]
    limit = last + horizon
    if METRIC_BY_KEY[metric].year_to_date:
        limit = min(limit, 12 * year_of(last) + 12)
    ahead = [int(m) for m in milestone_months if last < m <= limit]
    return months + (list(range(last + 1, max(ahead) + 1)) if ahead else [])


def whole_path_months(months: Sequence[int], milestone_months: Sequence[int], metric: str) -> list[int]:
    """The shown ``months`` carried on to the last milestone: the whole trajectory is drawn (issue 8).

    The overview and the briefing show where the path leads, the 2035
    deadline included, not only the next year. A year-to-date metric stops
    at its December (its milestones belong to their year).
    """
    months = [int(m) for m in months]
    if not months:
        return []
    last = months[-1]
    limit = 12 * year_of(last) + 12 if METRIC_BY_KEY[metric].year_to_date else None
    ahead = [int(m) for m in milestone_months if m > last and (limit is None or m <= limit)]
    end = max(ahead) if ahead else last
    if limit is not None:
        end = max(end, limit)
    return months + list(range(last + 1, end + 1))
