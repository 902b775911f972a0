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

Since issue 8 the sums also carry ``carried`` (how many (region, scheme) rows
count through a carried row, metrics.md §3) and ``above_<scheme>`` (how many
strict ancestors hold a row of the scheme: the comparable rule).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.periods import december_before, period_label, year_of
from metrics.registry import EMPLOYEE_SCHEMES, METRIC_KEYS, SCHEMES, counts_year_to_date
from metrics.targets import MetricTarget, Targets

TOLERANCE = 1e-9
PROJECTION_WINDOW = 12
PROJECTION_MIN_POINTS = 3
# metrics.md §5: an eta more than 100 years after the period is none; exactly 1200 months is kept.
PROJECTION_HORIZON = 1200

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
    "carried",
    "comparable",
)

# The report frame's further columns, not printed by the command line (cli.md fixes its columns):
# ``overdue_since`` (month index of the first passed milestone that already asked for the target now
# in force; NaN: not overdue) and ``overdue_months`` (period − overdue_since). Issue 8, point 4.
REPORT_COLUMNS: tuple[str, ...] = OUTPUT_COLUMNS + ("overdue_since", "overdue_months")


# --------------------------------------------------------------------------- periods


def periods_needed(period: int, targets: Targets, compare_to: int | None = None) -> list[int]:
    """The months the evaluation at ``period`` reads for every region.

    The projection window (the 12 months up to ``period``), the comparison
    month for rank changes, and the baseline month (the trajectory's start).
    A region without a value at the baseline also needs the months after it:
    :func:`start_months_needed` names those.
    """
    months = set(range(period - PROJECTION_WINDOW + 1, period + 1))
    months.add(period - 1 if compare_to is None else compare_to)
    if period >= targets.baseline:
        months.add(targets.baseline)
    return sorted(months)


def start_months_needed(grid: "MetricGrid", targets: Targets, period: int) -> tuple[list[str], list[int]]:
    """Regions with no value at the baseline, and the months after it up to ``period`` not yet read.

    Their trajectory starts at their first value after the baseline.
    """
    if period < targets.baseline:
        return [], []
    missing = np.zeros(len(grid.codes), dtype=bool)
    column = grid.column(targets.baseline)
    for metric in STOCK_METRICS:
        missing |= np.isnan(grid.value[metric][:, column]) if column is not None else True
    months = [m for m in range(targets.baseline + 1, period + 1) if m not in grid.index]
    codes = [code for code, lacking in zip(grid.codes, missing) if lacking]
    return (codes, months) if codes and months else ([], [])


# --------------------------------------------------------------------------- values

STOCK_METRICS = ("coverage_rate", "employee_share")
SUM_COLUMNS = ("insured", "phase", "paid")


def sum_column(name: str, scheme: str) -> str:
    """The column of the subtree sums that holds ``name`` (insured, phase, paid) for ``scheme``."""
    return f"{name}_{scheme}"


@dataclass(frozen=True)
class MetricGrid:
    """Every metric of the listed regions over a set of months, as region × month matrices.

    ``numerator``, ``denominator`` and ``value`` map a metric key to a float
    matrix (NaN: none); ``completeness`` is one matrix for all metrics;
    ``carried`` counts the (region, scheme) rows counted through a carried row
    (NaN: nothing in the subtree); ``comparable`` maps a metric key to a 1/0
    matrix (NaN: nothing known, read as comparable), metrics.md §3.
    """

    codes: tuple[str, ...]
    periods: np.ndarray
    numerator: dict[str, np.ndarray]
    denominator: dict[str, np.ndarray]
    value: dict[str, np.ndarray]
    completeness: np.ndarray
    carried: np.ndarray
    comparable: dict[str, np.ndarray]

    @property
    def index(self) -> dict[int, int]:
        return {int(p): i for i, p in enumerate(self.periods)}

    def column(self, period: int) -> int | None:
        return self.index.get(int(period))

    def at(self, kind: str, metric: str, period: int) -> np.ndarray:
        """One month's column of ``numerator``/``denominator``/``value`` (all NaN if not read)."""
        column = self.column(period)
        matrix = getattr(self, kind)[metric]
        return matrix[:, column] if column is not None else np.full(len(self.codes), np.nan)

    def merge(self, other: "MetricGrid") -> "MetricGrid":
        """This grid with ``other``'s months added (``other`` may list fewer regions)."""
        periods = np.array(sorted(set(self.periods.tolist()) | set(other.periods.tolist())), dtype="int64")
        rows = {code: i for i, code in enumerate(other.codes)}
        take = np.array([rows.get(code, -1) for code in self.codes])

        def combine(mine: np.ndarray, theirs: np.ndarray) -> np.ndarray:
            out = np.full((len(self.codes), len(periods)), np.nan)
            position = {int(p): i for i, p in enumerate(periods)}
            out[:, [position[int(p)] for p in self.periods]] = mine
            if len(other.periods):
                spread = np.full((len(self.codes), len(other.periods)), np.nan)
                present = take >= 0
                spread[present] = theirs[take[present]]
                columns = [position[int(p)] for p in other.periods]
                out[:, columns] = np.where(np.isnan(out[:, columns]), spread, out[:, columns])
            return out

        return MetricGrid(
            self.codes,
            periods,
            {m: combine(self.numerator[m], other.numerator[m]) for m in METRIC_KEYS},
            {m: combine(self.denominator[m], other.denominator[m]) for m in METRIC_KEYS},
            {m: combine(self.value[m], other.value[m]) for m in METRIC_KEYS},
            combine(self.completeness, other.completeness),
            combine(self.carried, other.carried),
            {m: combine(self.comparable[m], other.comparable[m]) for m in METRIC_KEYS},
        )


def targets_by_region(
    targets: Targets, metric: str, lineages: Iterable[Sequence[str]]
) -> tuple[list[MetricTarget | None], np.ndarray]:
    """The distinct targets in force for ``metric`` and, per region, which one (an index into them).

    Regions group by their nearest overriding ancestor, so each distinct
    target is resolved once however many regions share it.
    """
    if not targets.overrides:  # the usual file: one target for everybody
        count = len(lineages) if hasattr(lineages, "__len__") else sum(1 for _ in lineages)
        return [targets.target_of(metric, None)], np.zeros(count, dtype="int64")
    keys: dict[str | None, int] = {}
    groups = []
    for lineage in lineages:
        key = targets.overriding_code(metric, lineage)
        groups.append(keys.setdefault(key, len(keys)))
    entries = [targets.target_of(metric, key) for key in keys]
    return entries, np.array(groups, dtype="int64")


def scheme_masks(regions: pd.DataFrame, targets: Targets) -> dict[str, np.ndarray]:
    """Per metric, a region × scheme 0/1 matrix: which schemes the region's target sums."""
    masks = {}
    for metric in ("coverage_rate", "payment_rate"):
        entries, groups = targets_by_region(targets, metric, regions["lineage"])
        rows = np.array(
            [
                [1.0 if scheme in (entry.schemes if entry is not None and entry.schemes else SCHEMES) else 0.0 for scheme in SCHEMES]
                for entry in entries
            ],
            dtype="float64",
        ).reshape(len(entries), len(SCHEMES))
        masks[metric] = rows[groups] if len(groups) else np.zeros((0, len(SCHEMES)))
    masks["employee_share"] = np.tile([1.0 if s in EMPLOYEE_SCHEMES else 0.0 for s in SCHEMES], (len(regions), 1))
    return masks


def metric_grid(regions: pd.DataFrame, sums: pd.DataFrame, targets: Targets, periods: Iterable[int]) -> MetricGrid:
    """The metrics of ``regions`` at ``periods`` from their subtree sums.

    ``sums`` has one row per region and month with snapshot or population
    rows in the subtree: ``region_code, period, rows`` (snapshot rows, 0 or
    missing: none), ``insured_<scheme>, phase_<scheme>, paid_<scheme>`` for
    each scheme (phase = insured − receiving), ``required``, ``with_population``
    and ``reported``. A region without a snapshot row in its subtree at a month
    has no numerator and no value; a zero or missing denominator gives no
    value, never 0.
    """
    periods = np.array(sorted(set(int(p) for p in periods)), dtype="int64")
    codes = tuple(str(c) for c in regions["code"])
    return grid_of_sums(regions, sum_matrices(sums, codes, periods), targets, periods)


def sum_matrices(sums: pd.DataFrame, codes: Sequence[str], periods: np.ndarray) -> dict[str, np.ndarray]:
    """The columns of the subtree sums ``sums`` as region × month matrices (``codes`` × ``periods``,
    sorted month indexes): NaN where ``sums`` has no row or a NULL; columns it lacks are left out."""
    n, p = len(codes), len(periods)
    rows = pd.Index(codes).get_indexer(np.asarray(sums["region_code"], dtype=object))
    cols = pd.Index(periods).get_indexer(np.asarray(sums["period"], dtype="int64"))
    keep = (rows >= 0) & (cols >= 0)
    rows, cols = rows[keep], cols[keep]
    out = {}
    for column in sums.columns:
        if column in ("region_code", "period"):
            continue
        matrix = np.full((n, p), np.nan)
        matrix[rows, cols] = sums[column].to_numpy(dtype="float64", na_value=np.nan)[keep]
        out[column] = matrix
    return out


def grid_of_sums(regions: pd.DataFrame, sums: dict[str, np.ndarray], targets: Targets, periods: np.ndarray) -> MetricGrid:
    """:func:`metric_grid` from the subtree sums as region × month matrices (``regions`` × ``periods``,
    float64; see :func:`sum_matrices`). Every count and sum reads NaN as 0; ``required`` stays NaN
    (no population: no denominator). The materialised build (issue 15) passes matrices it summed itself."""
    codes = tuple(str(c) for c in regions["code"])
    n, p = len(codes), len(periods)

    def matrix(column: str) -> np.ndarray:
        return sums[column] if column in sums else np.full((n, p), np.nan)

    has_rows = np.nan_to_num(matrix("rows")) > 0
    stacks = {
        name: np.stack([np.nan_to_num(matrix(sum_column(name, scheme))) for scheme in SCHEMES], axis=2)
        for name in SUM_COLUMNS
    }
    masks = scheme_masks(regions, targets)

    def summed(name: str, metric: str | None) -> np.ndarray:
        weights = masks[metric] if metric else np.ones((n, len(SCHEMES)))
        total = (stacks[name] * weights[:, None, :]).sum(axis=2)
        return np.where(has_rows, total, np.nan)

    required = matrix("required")
    with_population = np.nan_to_num(matrix("with_population"))
    reported = np.nan_to_num(matrix("reported"))
    with np.errstate(invalid="ignore", divide="ignore"):
        completeness = np.where(with_population > 0, reported / np.where(with_population > 0, with_population, 1), np.nan)
    parts = {
        "coverage_rate": (summed("insured", "coverage_rate"), required),
        "employee_share": (summed("phase", "employee_share"), summed("phase", None)),
        "payment_rate": (summed("paid", "payment_rate"), summed("phase", "payment_rate")),
    }
    values = {}
    for metric, (numerator, denominator) in parts.items():
        with np.errstate(invalid="ignore", divide="ignore"):
            values[metric] = np.where(has_rows & (denominator > 0), numerator / np.where(denominator > 0, denominator, 1), np.nan)
    # Comparable (metrics.md §3): no strict ancestor holds a row of a scheme the metric sums
    # (its target's schemes; employee_share: all three, whatever its numerator counts).
    above = np.stack(
        [np.nan_to_num(matrix(f"above_{scheme}")) for scheme in SCHEMES],
        axis=2,
    ) > 0
    comparable = {}
    for metric in METRIC_KEYS:
        summed_schemes = np.ones((n, len(SCHEMES))) if metric == "employee_share" else masks[metric]
        comparable[metric] = np.where((above & (summed_schemes[:, None, :] > 0)).any(axis=2), 0.0, 1.0)
    carried = np.nan_to_num(matrix("carried"))
    return MetricGrid(
        codes,
        periods,
        {m: parts[m][0] for m in METRIC_KEYS},
        {m: parts[m][1] for m in METRIC_KEYS},
        values,
        completeness,
        carried,
        comparable,
    )


def metric_values(grid: MetricGrid) -> pd.DataFrame:
    """``region_code, period, metric, numerator, denominator, value, completeness, carried``: one row per region, month and metric."""
    n, p = len(grid.codes), len(grid.periods)
    region = np.repeat(np.array(grid.codes, dtype=object), p)
    period = np.tile(grid.periods, n)
    frames = [
        pd.DataFrame(
            {
                "region_code": region,
                "period": period,
                "metric": metric,
                "numerator": _integers(grid.numerator[metric].ravel()),
                "denominator": _integers(grid.denominator[metric].ravel()),
                "value": grid.value[metric].ravel(),
                "completeness": grid.completeness.ravel(),
                # (region, scheme) pairs counted through a carried row: the display draws such a month hollow (issue 8)
                "carried": _integers(grid.carried.ravel()),
            }
        )
        for metric in METRIC_KEYS
    ]
    return pd.concat(frames, ignore_index=True)


def _integers(values: np.ndarray) -> pd.array:
    """Whole numbers with none where NaN (pandas' nullable Int64)."""
    values = np.asarray(values, dtype="float64")
    none = np.isnan(values)
    return pd.arrays.IntegerArray(np.round(np.where(none, 0.0, values)).astype("int64"), none)


# --------------------------------------------------------------------------- targets


def target_at(metric: str, target: MetricTarget | None, period: int) -> tuple[float | None, int | None]:
    """The target in force at ``period`` and the month it is due (``target_by``)."""
    if target is None or not target.milestones:
        return None, None
    milestones = [(m.by, m.value) for m in target.milestones]
    if counts_year_to_date(metric):
        milestones = [(by, value) for by, value in milestones if year_of(by) == year_of(period)]
        if not milestones:
            return None, None
    for by, value in milestones:
        if by >= period:
            return value, by
    by, value = milestones[-1]
    return value, by


def kept_milestones(target: MetricTarget, start: int, start_value: float) -> list[tuple[int, float]]:
    """The milestones a stock metric's trajectory heads for: ``(by, value)`` pairs.

    In order, every milestone after ``start`` whose value is above the start value and above every
    milestone kept before it (metrics.md, "Trajectory at t": a trajectory never slopes down).
    """
    kept: list[tuple[int, float]] = []
    top = start_value
    for milestone in target.milestones:
        if milestone.by > start and milestone.value > top:
            kept.append((milestone.by, milestone.value))
            top = milestone.value
    return kept


def _records_after(target: MetricTarget, start: int) -> list[tuple[int, float]]:
    """The milestones after ``start`` that are above every earlier one after ``start`` (strict running maxima).

    :func:`kept_milestones` for a start value is the suffix of these whose values exceed it.
    """
    records: list[tuple[int, float]] = []
    for milestone in target.milestones:
        if milestone.by > start and (not records or milestone.value > records[-1][1]):
            records.append((milestone.by, milestone.value))
    return records


def trajectory_through(
    metric: str, target: MetricTarget, period: int, start: int, start_value: float, kept: Sequence[tuple[int, float]]
) -> float | None:
    """A stock metric's trajectory at ``period`` through (start, start_value) and the ``kept`` milestones.

    None before the start; the target where none is kept. Linear in ``start_value`` for a fixed
    ``kept`` (callers group regions by start month and kept milestones, see :func:`kept_milestones`).
    """
    if period < start:
        return None
    if not kept:
        return target_at(metric, target, period)[0]
    xs = [start] + [by for by, _ in kept]
    ys = [start_value] + [value for _, value in kept]
    return float(np.interp(period, xs, ys))


def trajectory_at(
    metric: str,
    target: MetricTarget | None,
    period: int,
    start: int | None,
    start_value: float | None,
) -> float | None:
    """The trajectory's value at ``period`` (a fraction), None where it has none.

    For stock metrics (metrics.md, "Trajectory at t"): the line from (start,
    start_value) through the milestones :func:`kept_milestones` keeps (after the
    start, each above the start value and every milestone kept before), flat
    after the last; none before the start; the target itself where none is kept.
    For the payment rate: the line from (December of the previous year, 0)
    through that year's milestones, flat after the last.
    """
    if target is None or not target.milestones:
        return None
    if counts_year_to_date(metric):
        points = [(m.by, m.value) for m in target.milestones if year_of(m.by) == year_of(period)]
        if not points:
            return None
        xs = [december_before(period)] + [by for by, _ in points]
        ys = [0.0] + [value for _, value in points]
        return float(np.interp(period, xs, ys))
    if start is None or start_value is None or period < start:
        return None
    return trajectory_through(metric, target, period, start, start_value, kept_milestones(target, start, start_value))


def overdue_since(metric: str, target: MetricTarget | None, period: int) -> int | None:
    """The month (index) since which the target in force at ``period`` is overdue, None where it is not due yet.

    Issue 8, point 4: the first milestone with ``by`` before ``period`` whose value is at or above
    the target at ``period`` (values compared with the 1e-9 tolerance); for the payment rate only
    the milestones of ``period``'s year count. Whether the region is overdue also needs its value
    to be below the target (see :func:`evaluate`).
    """
    goal, _ = target_at(metric, target, period)
    if goal is None or target is None:
        return None
    for milestone in target.milestones:
        if counts_year_to_date(metric) and year_of(milestone.by) != year_of(period):
            continue
        if milestone.by < period and milestone.value >= goal - TOLERANCE:
            return milestone.by
    return None


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


# --------------------------------------------------------------------------- projection


def _month_sum(values: np.ndarray) -> np.ndarray:
    """Each row's sum, adding the months left to right: region × month floats -> one float per region.

    ``ndarray.sum(axis=1)`` adds in an order that depends on the array's memory layout and row count
    (pairwise within a C-ordered row, column by column across a Fortran-ordered block), so one region
    listed alone and the same region among others (or in the materialised build, issue 15) got fitted
    lines differing in the last bits, and a published ``projected`` differed between the paths.
    """
    total = np.zeros(values.shape[0])
    for column in range(values.shape[1]):
        total += values[:, column]
    return total


def fit_line(months: np.ndarray, values: np.ndarray, period: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least-squares lines through each region's values: ``(n, slope, at_period)`` per region.

    ``values`` is region × ``months`` (NaN: no value), restricted to the months to fit
    (metrics.md §5: the 12 months up to ``period``; payment_rate: ``period``'s year up to it).
    ``n`` counts the values (a float), ``slope`` is per month and ``at_period`` is the line at
    ``period``; both NaN with fewer than three values. The fit step of :func:`fit_projection`,
    stored per month by ``data.materialised`` (issue 15) so both paths solve the same floats.
    """
    present = ~np.isnan(values)
    n = present.sum(axis=1).astype("float64")
    x = np.broadcast_to((months - period).astype("float64"), values.shape)
    y = np.where(present, values, 0.0)
    xs = np.where(present, x, 0.0)
    sx, sy = _month_sum(xs), _month_sum(y)
    sxx, sxy = _month_sum(xs * xs), _month_sum(xs * y)
    enough = n >= PROJECTION_MIN_POINTS
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = np.where(enough, (n * sxy - sx * sy) / (n * sxx - sx * sx), np.nan)
        at_period = np.where(enough, (sy - slope * sx) / n, np.nan)  # the line at ``period`` (x = 0)
    return n, slope, at_period


def solve_projection(
    slope: np.ndarray, at_period: np.ndarray, period: int, target: np.ndarray, target_by: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """From fitted lines (:func:`fit_line`) to ``(projected, eta)``, NaN for none (metrics.md §5).

    ``projected`` is the line at ``target_by``; ``eta`` is the first month at or after ``period`` at
    which the line is at or above the target (1e-9 tolerance), none where the line is below the
    target at ``period`` and does not rise, and none beyond ``PROJECTION_HORIZON`` (1200) months.
    """
    n = len(at_period)
    with np.errstate(invalid="ignore", divide="ignore"):
        projected = at_period + slope * (target_by - period)
        # The first whole month k >= 0 with at_period + slope * k >= target - tolerance: found
        # from the floor of the exact crossing and then checked on values, so that float noise
        # in the division cannot push it a month late or early.
        goal = target - TOLERANCE
        crossing = np.floor((goal - at_period) / np.where(slope > 0, slope, np.nan))
        # A crossing beyond the horizon is none whatever the noise: clip it (and an infinite one
        # from a nearly flat slope) just past the horizon, so no month index grows astronomical.
        crossing = np.minimum(crossing, PROJECTION_HORIZON + 2)
        months_ahead = np.full(n, np.nan)
        for step in (2, 1, 0, -1):  # latest candidate first, so the earliest that reaches wins
            k = np.maximum(crossing + step, 0)
            months_ahead = np.where(at_period + slope * k >= goal, k, months_ahead)
        # metrics.md §5: an eta more than 100 years (1200 months) after the period is none.
        months_ahead = np.where(months_ahead <= PROJECTION_HORIZON, months_ahead, np.nan)
    eta = np.where(at_period >= goal, 0.0, np.where(slope > 0, months_ahead, np.nan))
    eta = np.where(np.isnan(target) | np.isnan(at_period), np.nan, period + eta)
    return projected, eta


def fit_projection(
    months: np.ndarray, values: np.ndarray, period: int, target: np.ndarray, target_by: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares lines through each region's values: (projected, eta), NaN for none.

    ``values`` is region × ``months`` (NaN: no value), restricted to the
    months to fit: :func:`fit_line`, then :func:`solve_projection`. Fewer than three values: neither.
    """
    _, slope, at_period = fit_line(months, values, period)
    return solve_projection(slope, at_period, period, target, target_by)


def projection_window(metric: str, period: int) -> int:
    """The first month of ``metric``'s projection window at ``period`` (metrics.md §5)."""
    return 12 * year_of(period) + 1 if counts_year_to_date(metric) else period - PROJECTION_WINDOW + 1


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class MetricInputs:
    """What the evaluation of one metric at a period needs, one entry per listed region (issue 15).

    Floats, NaN for none: ``value``, ``numerator``, ``denominator`` at the period, ``value_then`` at
    the comparison month; ``comparable``/``comparable_then`` 1/0 (NaN: read as comparable, metrics.md
    §3); ``start``/``start_value`` the trajectory's start (month index and value, metrics.md §4;
    NaN for the payment rate and where none lies at or before the period); ``slope``/``at_period``
    the projection's fitted line (:func:`fit_line`). The slow path derives them from a
    :class:`MetricGrid` (:func:`inputs_from_grid`), ``data.materialised`` from its stored rows.
    """

    value: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray
    value_then: np.ndarray
    comparable: np.ndarray
    comparable_then: np.ndarray
    start: np.ndarray
    start_value: np.ndarray
    slope: np.ndarray
    at_period: np.ndarray


@dataclass(frozen=True)
class ReportInputs:
    """Every listed region's inputs to :func:`evaluate_inputs`: ``codes``, ``names``, ``levels``
    (object arrays, or pandas ``str`` arrays: the materialised path hands over Arrow's strings without
    making Python objects), ``lineages`` (tuples, own code first; None where the targets have no
    overrides), ``completeness`` (fraction, NaN none) and ``carried`` (count) at the period, per metric
    key a :class:`MetricInputs`, and ``by_code`` (True: the regions come in ascending code order,
    which spares checking it)."""

    codes: np.ndarray | pd.api.extensions.ExtensionArray
    names: np.ndarray | pd.api.extensions.ExtensionArray
    levels: np.ndarray | pd.api.extensions.ExtensionArray
    lineages: Sequence | None
    completeness: np.ndarray
    carried: np.ndarray
    metrics: dict[str, MetricInputs]
    by_code: bool = False


def inputs_from_grid(
    regions: pd.DataFrame, grid: MetricGrid, targets: Targets, period: int, compare_to: int, metrics: Sequence[str] = METRIC_KEYS
) -> ReportInputs:
    """The evaluation's inputs read from ``grid`` (the slow path: see :func:`evaluate`)."""
    listed = regions.set_index("code").loc[list(grid.codes)]
    size = len(grid.codes)
    column = grid.column(period)
    per_metric = {}
    for metric in metrics:
        # The trajectory's start: the value at the baseline, else the first one after it (up to the period).
        start = np.full(size, np.nan)
        start_value = np.full(size, np.nan)
        span = (grid.periods >= targets.baseline) & (grid.periods <= period)
        if not counts_year_to_date(metric) and span.any():
            values = grid.value[metric][:, span]
            known = ~np.isnan(values)
            first = known.argmax(axis=1)
            has_start = known.any(axis=1)
            start = np.where(has_start, grid.periods[span][first], np.nan)
            start_value = np.where(has_start, values[np.arange(size), first], np.nan)
        window = (grid.periods >= projection_window(metric, period)) & (grid.periods <= period)
        _, slope, at_period = fit_line(grid.periods[window], grid.value[metric][:, window], period)
        per_metric[metric] = MetricInputs(
            value=grid.at("value", metric, period),
            numerator=grid.at("numerator", metric, period),
            denominator=grid.at("denominator", metric, period),
            value_then=grid.at("value", metric, compare_to),
            comparable=grid.at("comparable", metric, period),
            comparable_then=grid.at("comparable", metric, compare_to),
            start=start,
            start_value=start_value,
            slope=slope,
            at_period=at_period,
        )
    return ReportInputs(
        codes=np.array(grid.codes, dtype=object),
        names=listed["name"].to_numpy(dtype=object),
        levels=listed["level"].to_numpy(dtype=object),
        lineages=list(listed["lineage"]) if "lineage" in listed else None,
        completeness=grid.completeness[:, column] if column is not None else np.full(size, np.nan),
        carried=np.nan_to_num(grid.carried[:, column]) if column is not None else np.zeros(size),
        metrics=per_metric,
    )


def evaluate(
    regions: pd.DataFrame,
    grid: MetricGrid,
    targets: Targets,
    period: int,
    compare_to: int | None = None,
    metrics: Sequence[str] = METRIC_KEYS,
    rank_groups: pd.Series | None = None,
) -> pd.DataFrame:
    """Everything the contract reports for the listed ``regions`` at ``period``.

    ``grid`` (from :func:`metric_grid`) must hold the months of
    :func:`periods_needed`, and for the regions :func:`start_months_needed`
    names, the months after the baseline. Ranks are among the listed regions,
    per metric, among the regions comparable for the metric at each month
    (a region that is not keeps its value, target, status and gaps, has no
    rank nor rank change, and sorts with the unranked); ``carried`` counts its
    carried rows and ``comparable`` says whether it is comparable (metrics.md
    §3); ``overdue_since``/``overdue_months`` say since when a target a passed
    milestone already asked for is missed (issue 8; ``gap_persons`` is then the
    persons needed now). ``rank_groups`` (indexed by region code) splits them further,
    as the command line does when it lists several levels at once. Returns one
    row per region and metric with ``REPORT_COLUMNS`` (``OUTPUT_COLUMNS``, then
    ``overdue_since`` and ``overdue_months``), months as month indexes
    (:func:`as_report` writes them as ``YYYY-MM``).
    """
    compare_to = period - 1 if compare_to is None else compare_to
    inputs = inputs_from_grid(regions, grid, targets, period, compare_to, metrics)
    return evaluate_inputs(inputs, targets, period, metrics, rank_groups)


def evaluate_inputs(
    inputs: ReportInputs,
    targets: Targets,
    period: int,
    metrics: Sequence[str] = METRIC_KEYS,
    rank_groups: pd.Series | None = None,
) -> pd.DataFrame:
    """:func:`evaluate` from per-region vectors: the one evaluation both the slow path (a grid) and
    the materialised path (``data.materialised``, issue 15) run. Same columns and rules."""
    parts = [_evaluate_metric(inputs, targets, metric, period) for metric in metrics]
    size = len(inputs.codes)
    if not parts or not size:
        return pd.DataFrame(columns=list(REPORT_COLUMNS))
    rank_value = np.concatenate([part["_rank_value"] for part in parts])
    compare_value = np.concatenate([part["_compare_value"] for part in parts])
    # Ranks: per metric (and per rank group), highest value first, competition ranking.
    code_order = np.arange(size) if inputs.by_code else _code_order(inputs.codes)
    by_metric = rank_groups is None and list(metrics) == sorted(metrics, key=METRIC_KEYS.index) and _ascending(code_order)
    if by_metric:
        # One group per metric and the regions listed by code (the usual report): one sort per
        # metric gives both the ranks and the order (issue 15), the same as the general way below.
        rank, order = _ranks_and_order(rank_value, size, len(parts))
        rank_then, _ = _ranks_and_order(compare_value, size, len(parts))
    else:
        part = np.repeat(np.arange(len(parts)), size)
        groups = part
        if rank_groups is not None:
            keys, _ = pd.factorize(pd.Series(inputs.codes, dtype=object).map(rank_groups), use_na_sentinel=False)
            groups = part * (int(keys.max()) + 1) + np.tile(keys, len(parts))
        rank = _competition_rank(rank_value, groups)
        rank_then = _competition_rank(compare_value, groups)
        # Metric by metric; ranked regions by rank, then the unranked; ties by code.
        metric_order = np.array([METRIC_KEYS.index(m) for m in metrics])[part]
        order = np.lexsort((np.tile(code_order, len(parts)), np.nan_to_num(rank, nan=0.0), np.isnan(rank), metric_order))
    region, which = order % size, order // size

    def column(name: str) -> np.ndarray:
        """One output column: each row's value, in the output order."""
        if by_metric:  # the order keeps each metric's rows together: take each part's straight into place
            out = np.empty(len(order), dtype=parts[0][name].dtype)
            for block, piece in enumerate(parts):
                at = slice(block * size, (block + 1) * size)
                np.take(piece[name], region[at], out=out[at])
            return out
        return np.concatenate([piece[name] for piece in parts])[order]

    integer_columns = (
        "numerator", "denominator", "target_by", "gap_persons", "eta", "carried", "overdue_since", "overdue_months",
    )
    # Strings are made once per region (or per metric, status) and taken, not converted row by row (issue 15).
    built = {
        "region_code": _texts(inputs.codes).take(region),
        "region_name": _texts(inputs.names).take(region),
        "level": _texts(inputs.levels).take(region),
        "metric": _texts(np.array(list(metrics), dtype=object)).take(which),
        "status": _texts(np.array([*STATUSES, None], dtype=object)).take(column("status").astype("int64") % 5),
        "rank": _integers(rank[order]),
        "rank_change": _integers((rank_then - rank)[order]),
        "comparable": column("comparable").astype(bool),
    }
    frame = pd.DataFrame(
        {
            name: np.full(len(order), period, dtype="int64") if name == "period"
            else built[name] if name in built
            else _integers(column(name)) if name in integer_columns
            else column(name)
            for name in REPORT_COLUMNS
        },
        copy=False,  # every column is new: copying them all took 8 ms at 40,000 regions (issue 15)
    )
    return frame


TEXT = pd.StringDtype(na_value=np.nan)
"""The report's string columns' dtype (pandas' default ``str``: Arrow-backed, NaN for none)."""


def _texts(values) -> pd.api.extensions.ExtensionArray:
    """``values`` as a :data:`TEXT` array; one already of that dtype is used as it is (no copy)."""
    if isinstance(values, pd.api.extensions.ExtensionArray) and values.dtype == TEXT:
        return values
    return pd.array(values, dtype=TEXT)


def _competition_rank(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Per group, 1 + how many values are strictly higher (1, 2, 2, 4); NaN values have none."""
    out = np.full(len(values), np.nan)
    for group in np.unique(groups):
        at = np.flatnonzero(groups == group)
        v = values[at]
        valid = ~np.isnan(v)
        ranked = np.sort(v[valid])
        out[at[valid]] = len(ranked) - np.searchsorted(ranked, v[valid], side="right") + 1
    return out


def _ranks_and_order(values: np.ndarray, size: int, blocks: int) -> tuple[np.ndarray, np.ndarray]:
    """Competition ranks within each block of ``size`` values (highest first; NaN: none) and the
    order that lists each block by rank, the unranked last, ties (and the unranked) in index order."""
    rank = np.full(len(values), np.nan)
    orders = []
    for block in range(blocks):
        base = block * size
        v = values[base : base + size]
        valid = np.flatnonzero(~np.isnan(v))
        order, new = _descending_stable(v[valid])
        ranked = valid[order]
        first = np.maximum.accumulate(np.where(new, np.arange(len(ranked)), 0))
        rank[base + ranked] = first + 1
        orders += [base + ranked, base + np.flatnonzero(np.isnan(v))]
    return rank, np.concatenate(orders) if orders else np.zeros(0, dtype="int64")


def _descending_stable(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The order listing ``values`` (no NaN) highest first, equal values in index order: what
    ``np.argsort(-values, kind="stable")`` gives, by numpy's vectorised quicksort (several times
    faster on 40,000 values, issue 15) with the runs of equal values put back in index order; and,
    along that order, True where a value differs from the one before (a run of equal values starts)."""
    order = np.argsort(-values, kind="quicksort")
    ordered = values[order]
    new = np.ones(len(ordered), dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    if new.all():  # no two equal: the order is the only one
        return order, new
    # Put each run of equal values back in index order: only the runs longer than one move.
    starts = np.flatnonzero(new)
    lengths = np.diff(np.append(starts, len(ordered)))
    tied = np.flatnonzero(np.repeat(lengths > 1, lengths))
    run = np.repeat(np.arange(len(starts), dtype="int64"), lengths)[tied]
    order[tied] = order[tied][np.argsort(run * len(values) + order[tied], kind="quicksort")]
    return order, new  # reordering within runs of equal values leaves where the runs start


def _ascending(order: np.ndarray) -> bool:
    return bool((order == np.arange(len(order))).all())


def _code_order(codes: np.ndarray) -> np.ndarray:
    """Each code's position in ascending code order (the listed regions come sorted: then 0..n-1)."""
    texts = np.asarray(codes, dtype=str)
    if len(texts) < 2 or bool((texts[:-1] <= texts[1:]).all()):
        return np.arange(len(texts))
    return np.argsort(np.argsort(texts, kind="stable"), kind="stable")


def _evaluate_metric(inputs: ReportInputs, targets: Targets, metric: str, period: int) -> dict[str, np.ndarray]:
    given = inputs.metrics[metric]
    size = len(inputs.codes)
    value, numerator, denominator = given.value, given.numerator, given.denominator
    start, start_value = given.start, given.start_value

    # Targets: resolve each region's entry (few distinct ones), then work per entry.
    lineages = inputs.lineages if inputs.lineages is not None else range(size)
    entries, groups = targets_by_region(targets, metric, lineages)
    target = np.full(size, np.nan)
    target_by = np.full(size, np.nan)
    trajectory = np.full(size, np.nan)
    overdue = np.full(size, np.nan)
    for group, entry in enumerate(entries):
        rows = np.flatnonzero(groups == group) if len(entries) > 1 else np.arange(size)
        goal, due = target_at(metric, entry, period)
        target[rows] = np.nan if goal is None else goal
        target_by[rows] = np.nan if due is None else due
        since = overdue_since(metric, entry, period)
        overdue[rows] = np.nan if since is None else since
        if entry is None:
            continue
        if counts_year_to_date(metric):
            path = trajectory_at(metric, entry, period, None, None)
            trajectory[rows] = np.nan if path is None else path
            continue
        # Which milestones a region heads for depends on its start month and value: the records
        # after the start above its start value (a suffix of them). Within one start month and one
        # suffix the trajectory is linear in the start value: base + rise * start_value.
        for month in [m for m in np.unique(start[rows]) if not np.isnan(m)]:
            month = int(month)
            at = rows[start[rows] == month]
            records = _records_after(entry, month)
            first_kept = np.searchsorted(np.array([v for _, v in records], dtype="float64"), start_value[at], side="right")
            for index in np.unique(first_kept):
                kept = records[int(index):]
                members = at[first_kept == index]
                base = trajectory_through(metric, entry, period, month, 0.0, kept)
                if base is None:
                    continue
                rise = trajectory_through(metric, entry, period, month, 1.0, kept) - base
                trajectory[members] = base + rise * start_value[members]

    reference = np.where(np.isnan(trajectory), target, trajectory)
    status = status_codes(value, target, reference, targets.warning_band)
    projected, eta = solve_projection(given.slope, given.at_period, period, target, target_by)

    persons = np.where(np.isnan(value), np.nan, gap_persons(target, numerator, denominator))
    # Overdue (issue 8, point 4): a value below a target that a passed milestone already asked for.
    below = ~np.isnan(value) & ~np.isnan(target) & (value < target - TOLERANCE)
    overdue = np.where(below, overdue, np.nan)
    comparable = np.isnan(given.comparable) | (given.comparable > 0)
    comparable_then = np.isnan(given.comparable_then) | (given.comparable_then > 0)
    return {
        "numerator": numerator,
        "denominator": denominator,
        "value": value,
        "target": target,
        "target_by": target_by,
        "trajectory": trajectory,
        "gap_pp": target - value,
        "gap_persons": persons,
        "status": status,
        "projected": projected,
        "eta": eta,
        "completeness": inputs.completeness,
        "carried": inputs.carried,
        "comparable": comparable,
        "overdue_since": overdue,
        "overdue_months": period - overdue,
        # Ranks are among the regions comparable at each month (metrics.md §5).
        "_rank_value": np.where(comparable, value, np.nan),
        "_compare_value": np.where(comparable_then, given.value_then, np.nan),
    }


STATUSES = ("achieved", "on_track", "behind", "off_track")


def status_codes(value, target, reference, warning_band: float) -> np.ndarray:
    """:func:`status_of` as indexes into :data:`STATUSES` (-1: none), an int8 array."""
    value, target, reference = (np.asarray(x, dtype="float64") for x in (value, target, reference))
    reference = np.where(np.isnan(reference), target, reference)
    return np.select(
        [
            np.isnan(value) | np.isnan(target),
            value >= target - TOLERANCE,
            value >= reference - TOLERANCE,
            reference - value <= warning_band + TOLERANCE,
        ],
        [-1, 0, 1, 2],
        default=3,
    ).astype("int8")


def status_of(value, target, reference, warning_band: float) -> np.ndarray:
    """achieved / on_track / behind / off_track, checked in that order; None without value or target.

    Takes arrays (or Series) of floats, NaN for none; returns an object array.
    """
    names = np.array([*STATUSES, None], dtype=object)
    return names[status_codes(value, target, reference, warning_band)]


def gap_persons(target, numerator, denominator) -> np.ndarray:
    """⌈target·denominator − numerator⌉, never below 0, in exact decimal arithmetic; NaN for none.

    Targets have at most four decimals, so the sum is done in whole numbers of
    1/10 000 (exact in binary floating point up to 2⁵³, far above any count
    here): no binary rounding can turn 94.999… into 95.
    """
    target, numerator, denominator = (
        np.asarray(pd.array(x, dtype="Float64").to_numpy(dtype="float64", na_value=np.nan)) for x in (target, numerator, denominator)
    )
    shortfall = np.round(target * 10_000) * denominator - numerator * 10_000
    persons = -np.floor_divide(-shortfall, 10_000)
    return np.maximum(persons, 0)


def as_report(frame: pd.DataFrame) -> pd.DataFrame:
    """Months as ``YYYY-MM`` labels, as the command line and exports print them."""
    report = frame.copy()
    for column in ("period", "target_by", "eta", "overdue_since"):
        if column not in report:
            continue
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
