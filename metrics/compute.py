"""From subtree sums to metric values, targets, status, gaps, ranks and projections.

The database (``data/``) does the heavy part: for every listed region and
period it sums the snapshot rows of the region's subtree by scheme and the
latest population figures. This module is pure: it takes those sums as
DataFrames, applies the rules of ``docs/metrics.md`` column-wise, and returns
DataFrames. No IO, no UI.

Input frames
------------
``regions``: ``code, name, level, lineage`` — ``lineage`` is a tuple of codes,
the region itself first, then its ancestors (nearest first).

``scheme_sums``: ``region_code, period, scheme, insured, contribution_phase,
paid`` — one row per region, month index and scheme that has snapshot rows
in the region's subtree.

``population_sums``: ``region_code, period, required, with_population,
reported`` — ``required`` is the sum over the subtree of each region's latest
population row at or before the period; ``with_population`` counts the
subtree regions that have such a row and ``reported`` those of them with at
least one snapshot row at the period.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from metrics.periods import december_before, period_label, year_of
from metrics.registry import EMPLOYEE_SCHEMES, METRIC_KEYS, SCHEMES
from metrics.targets import MetricTarget, Targets

TOLERANCE = 1e-9
PROJECTION_WINDOW = 12
PROJECTION_MIN_POINTS = 3

OUTPUT_COLUMNS: tuple[str, ...] = (
    "period",
    "region_code",
    "region_name",
    "level",
    "metric",
    "numerator",
    "denominator",
    "value",
    "target",
    "target_by",
    "trajectory",
    "gap_pp",
    "gap_persons",
    "status",
    "rank",
    "rank_change",
    "projected",
    "eta",
    "completeness",
)


# --------------------------------------------------------------------------- periods


def periods_needed(period: int, targets: Targets, compare_to: int | None = None) -> list[int]:
    """Every month whose values the evaluation at ``period`` reads.

    The projection window (the 12 months up to ``period``), the comparison
    month for rank changes, and, for trajectories, every month from the
    baseline to ``period`` (the start point is the first value at or after the
    baseline).
    """
    months = set(range(period - PROJECTION_WINDOW + 1, period + 1))
    months.add(period - 1 if compare_to is None else compare_to)
    if period >= targets.baseline:
        months.update(range(targets.baseline, period + 1))
    return sorted(months)


# --------------------------------------------------------------------------- values


def _scheme_filters(regions: pd.DataFrame, targets: Targets) -> pd.DataFrame:
    """``region_code, metric, scheme``: the schemes each region's metric sums over."""
    records = []
    for code, lineage in zip(regions["code"], regions["lineage"]):
        for metric in ("coverage_rate", "payment_rate"):
            target = targets.for_region(metric, lineage)
            schemes = target.schemes if target is not None and target.schemes else SCHEMES
            records.extend((code, metric, scheme) for scheme in schemes)
    return pd.DataFrame.from_records(records, columns=["region_code", "metric", "scheme"])


def metric_values(
    regions: pd.DataFrame,
    scheme_sums: pd.DataFrame,
    population_sums: pd.DataFrame,
    targets: Targets,
    periods: Iterable[int],
) -> pd.DataFrame:
    """``region_code, period, metric, numerator, denominator, value, completeness``.

    One row per listed region, period and metric. A region without a snapshot
    row in its subtree at a period has neither numerator nor value; a zero or
    missing denominator gives no value, never 0.
    """
    periods = sorted(set(int(p) for p in periods))
    codes = regions["code"].astype(str).tolist()
    grid = pd.MultiIndex.from_product([codes, periods], names=["region_code", "period"])

    sums = scheme_sums.copy()
    sums["period"] = sums["period"].astype("int64")
    has_rows = sums.groupby(["region_code", "period"]).size().reindex(grid).notna()

    def summed(frame: pd.DataFrame, column: str) -> pd.Series:
        total = frame.groupby(["region_code", "period"])[column].sum().reindex(grid)
        # A subtree with rows at the period but none of these schemes sums to 0.
        return total.where(total.notna(), np.where(has_rows, 0, np.nan))

    filters = _scheme_filters(regions, targets)

    def restricted(metric: str) -> pd.DataFrame:
        allowed = filters[filters["metric"] == metric][["region_code", "scheme"]]
        return sums.merge(allowed, on=["region_code", "scheme"], how="inner")

    population = population_sums.copy()
    population["period"] = population["period"].astype("int64")
    population = population.set_index(["region_code", "period"]).reindex(grid)
    required = population["required"].astype("float64")
    with_population = population["with_population"].fillna(0)
    completeness = (population["reported"].fillna(0) / with_population).where(with_population > 0)

    coverage_rows = restricted("coverage_rate")
    payment_rows = restricted("payment_rate")
    employee_rows = sums[sums["scheme"].isin(EMPLOYEE_SCHEMES)]

    parts = {
        "coverage_rate": (summed(coverage_rows, "insured"), required.where(has_rows | required.notna())),
        "employee_share": (
            summed(employee_rows, "contribution_phase"),
            summed(sums, "contribution_phase"),
        ),
        "payment_rate": (summed(payment_rows, "paid"), summed(payment_rows, "contribution_phase")),
    }
    frames = []
    for metric in METRIC_KEYS:
        numerator, denominator = parts[metric]
        value = (numerator / denominator).where((denominator > 0) & numerator.notna() & has_rows)
        frame = pd.DataFrame(
            {
                "numerator": numerator.astype("Int64"),
                "denominator": denominator.astype("Int64"),
                "value": value.astype("float64"),
                "completeness": completeness.astype("float64"),
            },
            index=grid,
        ).reset_index()
        frame.insert(2, "metric", metric)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- targets


def target_at(metric: str, target: MetricTarget | None, period: int) -> tuple[float | None, int | None]:
    """The target in force at ``period`` and the month it is due (``target_by``)."""
    if target is None or not target.milestones:
        return None, None
    milestones = [(m.by, m.value) for m in target.milestones]
    if metric == "payment_rate":
        milestones = [(by, value) for by, value in milestones if year_of(by) == year_of(period)]
        if not milestones:
            return None, None
    for by, value in milestones:
        if by >= period:
            return value, by
    by, value = milestones[-1]
    return value, by


def trajectory_at(
    metric: str,
    target: MetricTarget | None,
    period: int,
    start: int | None,
    start_value: float | None,
) -> float | None:
    """The trajectory's value at ``period``.

    For stock metrics: the line from (start, start_value) through every
    milestone after the start, flat after the last; none before the start;
    the target itself where no milestone lies after the start. For the payment
    rate: the line from (December of the previous year, 0) through that year's
    milestones, flat after the last.
    """
    if target is None or not target.milestones:
        return None
    if metric == "payment_rate":
        points = [(m.by, m.value) for m in target.milestones if year_of(m.by) == year_of(period)]
        if not points:
            return None
        xs = [december_before(period)] + [by for by, _ in points]
        ys = [0.0] + [value for _, value in points]
        return float(np.interp(period, xs, ys))
    if start is None or start_value is None or period < start:
        return None
    after = [(m.by, m.value) for m in target.milestones if m.by > start]
    if not after:
        return target_at(metric, target, period)[0]
    xs = [start] + [by for by, _ in after]
    ys = [start_value] + [value for _, value in after]
    return float(np.interp(period, xs, ys))


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


# --------------------------------------------------------------------------- projection


def fit_projection(
    window: pd.DataFrame, period: int, target: pd.Series, target_by: pd.Series
) -> pd.DataFrame:
    """Least-squares lines through each region's recent values: ``projected`` and ``eta``.

    ``window`` holds ``region_code, period, value`` (the months to fit, values
    present); ``target`` and ``target_by`` are indexed by region code.
    ``projected`` is the line at ``target_by``; ``eta`` the first month at or
    after ``period`` at which the line reaches the target, none where the line
    is below the target at ``period`` and does not rise. Fewer than three
    values: neither.
    """
    result = pd.DataFrame(index=target.index, columns=["projected", "eta"], dtype="float64")
    if window.empty:
        return result
    x = (window["period"] - period).astype("float64")
    y = window["value"].astype("float64")
    parts = pd.DataFrame({"region_code": window["region_code"], "x": x, "y": y, "xx": x * x, "xy": x * y})
    sums = parts.groupby("region_code").agg(n=("x", "size"), sx=("x", "sum"), sy=("y", "sum"), sxx=("xx", "sum"), sxy=("xy", "sum"))
    sums = sums[sums["n"] >= PROJECTION_MIN_POINTS].reindex(target.index)
    n = sums["n"]
    slope = (n * sums["sxy"] - sums["sx"] * sums["sy"]) / (n * sums["sxx"] - sums["sx"] ** 2)
    at_period = (sums["sy"] - slope * sums["sx"]) / n  # the line at ``period`` (x = 0)
    goal = target.astype("float64")
    result["projected"] = at_period + slope * (target_by.astype("float64") - period)
    months_ahead = np.ceil((goal - at_period) / slope - TOLERANCE)
    eta = pd.Series(np.nan, index=target.index)
    eta = eta.where(~(slope > 0), period + months_ahead.clip(lower=0))
    eta = eta.where(~(at_period >= goal - TOLERANCE), float(period))
    result["eta"] = eta.where(goal.notna() & at_period.notna())
    return result


# --------------------------------------------------------------------------- evaluation


def evaluate(
    regions: pd.DataFrame,
    values: pd.DataFrame,
    targets: Targets,
    period: int,
    compare_to: int | None = None,
    metrics: Sequence[str] = METRIC_KEYS,
    rank_groups: pd.Series | None = None,
) -> pd.DataFrame:
    """Everything the contract reports for the listed ``regions`` at ``period``.

    ``values`` comes from :func:`metric_values` and must hold every month of
    :func:`periods_needed`. Ranks are among the listed regions, per metric;
    ``rank_groups`` (indexed by region code) splits them further, as the
    command line does when it lists several levels at once. Returns one row
    per region and metric with ``OUTPUT_COLUMNS``, months as month indexes
    (:func:`as_report` writes them as ``YYYY-MM``).
    """
    compare_to = period - 1 if compare_to is None else compare_to
    listed = regions.set_index("code")
    frames = [
        _evaluate_metric(listed, values[values["metric"] == metric], targets, metric, period, compare_to)
        for metric in metrics
    ]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(OUTPUT_COLUMNS))
    if frame.empty:
        return pd.DataFrame(columns=list(OUTPUT_COLUMNS))
    groups = ["metric"]
    if rank_groups is not None:
        frame["_rank_group"] = frame["region_code"].map(rank_groups)
        groups.append("_rank_group")
    frame["rank"] = frame.groupby(groups)["value"].rank(method="min", ascending=False).astype("Int64")
    compare_rank = frame.groupby(groups)["_compare_value"].rank(method="min", ascending=False).astype("Int64")
    frame["rank_change"] = (compare_rank - frame["rank"]).astype("Int64")
    return _order(frame)[list(OUTPUT_COLUMNS)]


def _evaluate_metric(
    listed: pd.DataFrame, series: pd.DataFrame, targets: Targets, metric: str, period: int, compare_to: int
) -> pd.DataFrame:
    codes = listed.index
    now = series[series["period"] == period].set_index("region_code").reindex(codes)
    value = now["value"].astype("float64")

    # Targets: resolve each region's entry (few distinct ones), then work per entry.
    entries = {code: targets.for_region(metric, listed.at[code, "lineage"]) for code in codes}
    target = pd.Series(np.nan, index=codes)
    target_by = pd.Series(np.nan, index=codes)
    trajectory = pd.Series(np.nan, index=codes)

    if metric == "payment_rate":
        start = pd.Series(np.nan, index=codes)
        start_value = pd.Series(np.nan, index=codes)
    else:
        known = series[(series["period"] >= targets.baseline) & (series["period"] <= period) & series["value"].notna()]
        first = known.sort_values("period").groupby("region_code").first().reindex(codes)
        start, start_value = first["period"], first["value"]

    by_entry: dict[MetricTarget | None, list[str]] = {}
    for code, entry in entries.items():
        by_entry.setdefault(entry, []).append(code)
    for members in by_entry.values():
        entry = entries[members[0]]
        goal, due = target_at(metric, entry, period)
        target.loc[members] = np.nan if goal is None else goal
        target_by.loc[members] = np.nan if due is None else due
        # The trajectory is linear in the start value: A + B * start_value.
        member_starts = start.loc[members]
        for month in member_starts.dropna().unique() if metric != "payment_rate" else [None]:
            at = members if month is None else member_starts.index[member_starts == month]
            base = trajectory_at(metric, entry, period, None if month is None else int(month), 0.0)
            if base is None:
                continue
            slope = trajectory_at(metric, entry, period, None if month is None else int(month), 1.0) - base
            trajectory.loc[at] = base + slope * (0.0 if month is None else start_value.loc[at])

    reference = trajectory.where(trajectory.notna(), target)
    status = status_of(value, target, reference, targets.warning_band)

    window_first = 12 * year_of(period) + 1 if metric == "payment_rate" else period - PROJECTION_WINDOW + 1
    window = series[(series["period"] >= window_first) & (series["period"] <= period) & series["value"].notna()]
    projected = fit_projection(window, period, target, target_by)

    has_value = value.notna()
    numerator = now["numerator"].astype("Int64")
    denominator = now["denominator"].astype("Int64")
    compare_value = series[series["period"] == compare_to].set_index("region_code")["value"].reindex(codes)
    frame = pd.DataFrame(
        {
            "period": period,
            "region_code": codes,
            "region_name": listed["name"],
            "level": listed["level"],
            "metric": metric,
            "numerator": numerator,
            "denominator": denominator,
            "value": value,
            "target": target,
            "target_by": target_by.astype("Int64"),
            "trajectory": trajectory,
            "gap_pp": target - value,
            "gap_persons": gap_persons(target, numerator, denominator).where(has_value).astype("Int64"),
            "status": status,
            "projected": projected["projected"].astype("float64"),
            "eta": projected["eta"].astype("Int64"),
            "completeness": now["completeness"].astype("float64"),
            "_compare_value": compare_value.astype("float64"),
        },
        index=codes,
    )
    return frame.reset_index(drop=True)


def status_of(value: pd.Series, target: pd.Series, reference: pd.Series, warning_band: float) -> pd.Series:
    """achieved / on_track / behind / off_track, checked in that order (none without value or target)."""
    conditions = [
        value.isna() | target.isna(),
        value >= target - TOLERANCE,
        value >= reference - TOLERANCE,
        reference - value <= warning_band + TOLERANCE,
    ]
    choices = [None, "achieved", "on_track", "behind"]
    return pd.Series(np.select(conditions, choices, default="off_track"), index=value.index, dtype="object").where(
        ~conditions[0], None
    )


def gap_persons(target: pd.Series, numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """⌈target·denominator − numerator⌉, never below 0, in exact decimal arithmetic.

    Targets have at most four decimals, so the sum is done in integers of
    1/10 000: no binary rounding can turn 94.999… into 95.
    """
    scaled_target = (target * 10_000).round().astype("Int64")
    shortfall = scaled_target * denominator - numerator * 10_000
    persons = -((-shortfall) // 10_000)
    return persons.clip(lower=0)


def _order(frame: pd.DataFrame) -> pd.DataFrame:
    """Metric by metric; ranked regions by rank, then the unranked; ties by code."""
    metric_order = {key: i for i, key in enumerate(METRIC_KEYS)}
    keyed = frame.assign(
        _metric=frame["metric"].map(metric_order),
        _unranked=frame["rank"].isna(),
        _rank=frame["rank"].fillna(0),
    )
    keyed = keyed.sort_values(["_metric", "_unranked", "_rank", "region_code"], kind="stable")
    return keyed.reset_index(drop=True)


def as_report(frame: pd.DataFrame) -> pd.DataFrame:
    """Months as ``YYYY-MM`` labels, as the command line and exports print them."""
    report = frame.copy()
    for column in ("period", "target_by", "eta"):
        report[column] = report[column].map(lambda m: None if _missing(m) else period_label(int(m)))
    return report


def trajectory_path(
    metric: str, target: MetricTarget | None, baseline: int, history: pd.DataFrame, months: Sequence[int]
) -> pd.DataFrame:
    """One region's target and trajectory month by month, for trend charts.

    ``history`` holds the region's ``period, value`` for this metric. The
    start point is the same as in :func:`evaluate`: the value at the
    baseline, else the first value after it.
    """
    known = history[(history["period"] >= baseline) & history["value"].notna()].sort_values("period")
    start = int(known["period"].iloc[0]) if not known.empty else None
    start_value = float(known["value"].iloc[0]) if not known.empty else None
    rows = []
    for month in months:
        goal, due = target_at(metric, target, int(month))
        path = trajectory_at(metric, target, int(month), start if start is not None and month >= start else None, start_value)
        rows.append({"period": int(month), "target": goal, "target_by": due, "trajectory": path})
    return pd.DataFrame(rows, columns=["period", "target", "target_by", "trajectory"])
