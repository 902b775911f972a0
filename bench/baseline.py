"""An independent, plain pandas implementation of the metrics contract.

Written from ``/work/shared/spec/metrics.md`` alone, without
``metrics/compute.py``, ``data/queries.py`` or ``data/report.py``: it reads the
three raw tables into DataFrames once (:func:`load`), then, for one period and
one level (:func:`report`), walks ``parent_code`` to find every region's
ancestors, sums each listed region's subtree with merges and groupbys, and
applies the rules of targets, trajectory, status, gaps, ranks and projection;
since issue 8 also carried rows, the comparable rule, the trajectory that
never slopes down, overdue targets and abolished regions (cli.md).
It reuses only ``metrics.targets`` (parsing, and ``Targets.for_region`` to
resolve overrides) and ``metrics.periods``.

Where the contract leaves a comparison's precision open, this module reads
"values compared with a tolerance of 1e-9" as applying to every comparison
of a rate with a target: the status, and the projection's "the first month
at which the line is at or above the target" (the line at month m reaches
the target when it is at least target - 1e-9).

It serves twice: as the speed baseline of ``bench.run`` (how fast would a
straightforward pandas program be?) and as the cross-check of the engine
(``tests/test_baseline_agrees.py``: both must give the same report).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

import duckdb
import numpy as np
import pandas as pd

from metrics.periods import year_of
from metrics.targets import MetricTarget, Targets

METRICS = ("coverage_rate", "employee_share", "payment_rate")
SCHEMES = ("employee", "public", "resident")
EMPLOYEE = ("employee", "public")
TOLERANCE = 1e-9  # "values compared with a tolerance of 1e-9"
WINDOW = 12  # projection: the last 12 months up to and including t
MIN_POINTS = 3
HORIZON_MONTHS = 1200  # metrics.md §5: "more than 100 years after t" is none
COLUMNS = (
    "period", "region_code", "region_name", "level", "metric", "numerator", "denominator", "value",
    "target", "target_by", "trajectory", "gap_pp", "gap_persons", "status", "rank", "rank_change",
    "projected", "eta", "completeness", "carried", "comparable", "overdue_since", "overdue_months",
)  # fmt: skip


@dataclass(frozen=True)
class Tables:
    """The raw tables, as imported (months as month indexes)."""

    regions: pd.DataFrame  # code, name, level, parent_code, abolished (month index or NaN)
    population: pd.DataFrame  # period, region_code, required
    snapshots: pd.DataFrame  # period, region_code, scheme, insured, receiving, paid


def load(con: duckdb.DuckDBPyConnection) -> Tables:
    """Read the three tables whole (DuckDB's relational API: no SQL of our own)."""
    regions = con.table("regions").project("code, name, level, parent_code, abolished").df()
    regions["abolished"] = regions["abolished"].astype("float64")
    population = con.table("population").project("period, region_code, required").df()
    snapshots = con.table("snapshots").project("period, region_code, scheme, insured, receiving, paid").df()
    for frame in (population, snapshots):
        frame["period"] = frame["period"].astype("int64")
    return Tables(regions, population, snapshots)


# --------------------------------------------------------------------------- the tree


def ancestors(regions: pd.DataFrame) -> pd.DataFrame:
    """``descendant, ancestor, depth``: every region with itself (depth 0) and each ancestor above it."""
    parent = regions.set_index("code")["parent_code"].replace("", None).dropna()
    step = pd.DataFrame({"descendant": regions["code"], "ancestor": regions["code"], "depth": 0})
    walked = [step]
    for depth in range(1, len(regions) + 1):  # a forest of n regions is at most n deep
        step = step.assign(ancestor=step["ancestor"].map(parent), depth=depth).dropna(subset=["ancestor"])
        if step.empty:
            break
        walked.append(step)
    return pd.concat(walked, ignore_index=True)


# --------------------------------------------------------------------------- values


def counted_rows(tables: Tables, months: list[int], carry: int) -> pd.DataFrame:
    """The snapshot rows that count at each of ``months``: ``period`` (the month they count at),
    ``region_code, scheme, insured, receiving, paid, carried``.

    metrics.md §3: a row at the month counts; for a (region, scheme) with none, its latest row
    of the ``carry`` months before, in the same calendar year, counts, *carried*. cli.md: nothing
    counts for a region at or after the month it was abolished.
    """
    snaps = tables.snapshots
    pieces = []
    for back in range(carry + 1):
        moved = snaps.assign(at=snaps["period"] + back, back=back)
        same_year = (moved["period"] - 1) // 12 == (moved["at"] - 1) // 12
        pieces.append(moved[moved["at"].isin(months) & same_year])
    rows = pd.concat(pieces, ignore_index=True).sort_values("back", kind="stable")
    rows = rows.drop_duplicates(["at", "region_code", "scheme"], keep="first")
    abolished = rows["region_code"].map(tables.regions.set_index("code")["abolished"]).astype("float64")
    rows = rows[abolished.isna() | (abolished > rows["at"])]
    rows = rows.assign(period=rows["at"], carried=rows["back"] > 0)
    return rows.drop(columns=["at", "back"]).reset_index(drop=True)


def _scheme_mask(targets: Targets, metric: str, listed: list[str], lineage: dict[str, tuple]) -> pd.DataFrame:
    """1 where ``metric``'s sums for the region run over the scheme, else 0 (index: region, columns: schemes)."""
    rows = []
    for code in listed:
        target = targets.for_region(metric, lineage[code])
        schemes = SCHEMES if target is None or target.schemes is None else target.schemes
        rows.append([int(s in schemes) for s in SCHEMES])
    return pd.DataFrame(rows, index=listed, columns=list(SCHEMES), dtype="int64")


def values(
    tables: Tables, targets: Targets, listed: list[str], months: list[int], closure: pd.DataFrame, lineage: dict[str, tuple]
) -> pd.DataFrame:
    """``region_code, period, metric, numerator, denominator, value, completeness, carried, comparable`` for every
    listed region and month."""
    sub = closure.loc[closure["ancestor"].isin(listed), ["ancestor", "descendant"]]
    grid = pd.MultiIndex.from_product([listed, months], names=["region_code", "period"])

    snaps = counted_rows(tables, months, targets.carry_forward_months)
    rows = snaps.merge(sub, left_on="region_code", right_on="descendant")
    carried = rows.groupby(["ancestor", "period"])["carried"].sum()
    carried.index = carried.index.set_names(["region_code", "period"])
    carried = carried.reindex(grid).fillna(0).astype("int64").to_numpy()
    rows = rows.assign(phase=rows["insured"] - rows["receiving"])
    summed = rows.groupby(["ancestor", "period", "scheme"])[["insured", "phase", "paid"]].sum().unstack("scheme")
    summed.index = summed.index.set_names(["region_code", "period"])
    has_rows = pd.Series(grid.isin(summed.index), index=grid)
    every = pd.MultiIndex.from_product([["insured", "phase", "paid"], list(SCHEMES)])
    wide = summed.reindex(index=grid, columns=every).fillna(0).astype("int64")
    insured, phase, paid = (wide[field].to_numpy() for field in ("insured", "phase", "paid"))
    region_of = grid.get_level_values("region_code")
    coverage_mask = _scheme_mask(targets, "coverage_rate", listed, lineage).reindex(region_of).to_numpy()
    payment_mask = _scheme_mask(targets, "payment_rate", listed, lineage).reindex(region_of).to_numpy()
    employee_mask = np.array([int(s in EMPLOYEE) for s in SCHEMES])

    # Population: each subtree member's latest row at or before the month.
    members = pd.DataFrame({"region_code": sub["descendant"].unique()})
    probe = members.merge(pd.DataFrame({"period": months}), how="cross").sort_values("period", kind="stable")
    population = tables.population[tables.population["region_code"].isin(members["region_code"])]
    latest = pd.merge_asof(probe, population.sort_values("period"), on="period", by="region_code", direction="backward")
    gone = latest["region_code"].map(tables.regions.set_index("code")["abolished"]).astype("float64")
    latest = latest[gone.isna() | (gone > latest["period"])]  # an abolished region has no population
    own = tables.snapshots[tables.snapshots["period"].isin(months)]  # carried rows never count here
    reported = own[["region_code", "period"]].drop_duplicates().assign(reported=True)
    latest = latest.merge(reported, on=["region_code", "period"], how="left")
    latest = latest.merge(sub, left_on="region_code", right_on="descendant")
    latest = latest.assign(
        known=latest["required"].notna(), counted=latest["required"].notna() & latest["reported"].eq(True).fillna(False)
    )
    grouped = latest.groupby(["ancestor", "period"])
    people = pd.DataFrame(
        {
            "required": grouped["required"].sum(min_count=1),
            "known": grouped["known"].sum(),
            "counted": grouped["counted"].sum(),
        }
    )
    people.index = people.index.set_names(["region_code", "period"])
    people = people.reindex(grid)
    required = people["required"].to_numpy(dtype="float64")
    known = people["known"].fillna(0).to_numpy(dtype="float64")
    completeness = np.where(known > 0, people["counted"].fillna(0).to_numpy(dtype="float64") / np.where(known > 0, known, 1), np.nan)

    # Comparable: which schemes strict ancestors hold rows of (reported or carried).
    strict = closure.loc[(closure["depth"] > 0) & closure["descendant"].isin(listed), ["descendant", "ancestor"]]
    held = strict.merge(snaps[["region_code", "period", "scheme"]], left_on="ancestor", right_on="region_code")
    held = held.assign(one=1).pivot_table(index=["descendant", "period"], columns="scheme", values="one", aggfunc="max")
    held.index = held.index.set_names(["region_code", "period"])
    above = held.reindex(index=grid, columns=list(SCHEMES)).fillna(0).to_numpy() > 0
    comparable = {
        "coverage_rate": ~(above & (coverage_mask > 0)).any(axis=1),
        "employee_share": ~above.any(axis=1),
        "payment_rate": ~(above & (payment_mask > 0)).any(axis=1),
    }

    present = has_rows.to_numpy()
    parts = {
        "coverage_rate": ((insured * coverage_mask).sum(axis=1), required),
        "employee_share": ((phase * employee_mask).sum(axis=1), phase.sum(axis=1)),
        "payment_rate": ((paid * payment_mask).sum(axis=1), (phase * payment_mask).sum(axis=1)),
    }
    frames = []
    for metric in METRICS:
        numerator, denominator = parts[metric]
        numerator = np.where(present, numerator, np.nan)
        if metric != "coverage_rate":
            denominator = np.where(present, denominator, np.nan)
        denominator = np.asarray(denominator, dtype="float64")
        ok = present & ~np.isnan(denominator) & (np.nan_to_num(denominator) > 0)
        value = np.full(len(grid), np.nan)
        value[ok] = numerator[ok] / denominator[ok]
        frames.append(
            pd.DataFrame(
                {
                    "region_code": region_of,
                    "period": grid.get_level_values("period"),
                    "metric": metric,
                    "numerator": pd.array(numerator, dtype="Float64").round().astype("Int64"),
                    "denominator": pd.array(denominator, dtype="Float64").round().astype("Int64"),
                    "value": value,
                    "completeness": completeness,
                    "carried": carried,
                    "comparable": comparable[metric],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- targets, trajectory


def target_at(metric: str, entry: MetricTarget | None, t: int) -> tuple[float | None, int | None]:
    """The first milestone due at or after ``t`` (after the last: the last); payment rate: of ``t``'s year only."""
    if entry is None:
        return None, None
    milestones = [(m.by, m.value) for m in entry.milestones]
    if metric == "payment_rate":
        milestones = [(by, value) for by, value in milestones if year_of(by) == year_of(t)]
    if not milestones:
        return None, None
    for by, value in milestones:
        if by >= t:
            return value, by
    return milestones[-1][1], milestones[-1][0]


def _between(points: list[tuple[int, float]], t: int) -> float:
    """Linear between consecutive points, flat after the last (``t`` is at or after the first)."""
    if t >= points[-1][0]:
        return points[-1][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x0 <= t <= x1:
            return y0 + (y1 - y0) * (t - x0) / (x1 - x0)
    raise ValueError("t before the first point")


def _trajectory(metric: str, entry: MetricTarget | None, t: int, start: pd.Series, start_value: pd.Series) -> pd.Series:
    """Each region's trajectory at ``t`` (``start``/``start_value``: its start point; NaN where none), region by region."""
    out = pd.Series(np.nan, index=start.index)
    if entry is None:
        return out
    if metric == "payment_rate":
        points = [(m.by, m.value) for m in entry.milestones if year_of(m.by) == year_of(t)]
        if points:
            out[:] = _between([(12 * year_of(t), 0.0)] + points, t)
        return out
    for code in start.index[start.notna()]:
        s, v = int(start[code]), float(start_value[code])
        if t < s:
            continue
        # Only milestones after the start that rise above the start value and every one kept before.
        kept, top = [], v
        for m in entry.milestones:
            if m.by > s and m.value > top:
                kept.append((m.by, m.value))
                top = m.value
        out[code] = target_at(metric, entry, t)[0] if not kept else _between([(s, v)] + kept, t)
    return out


def _overdue_since(metric: str, entry: MetricTarget | None, t: int) -> float:
    """The first milestone before ``t`` (payment rate: of ``t``'s year) whose value is at least the target at ``t``."""
    goal, _ = target_at(metric, entry, t)
    if goal is None:
        return np.nan
    for m in entry.milestones:
        if (metric != "payment_rate" or year_of(m.by) == year_of(t)) and m.by < t and m.value >= goal - TOLERANCE:
            return float(m.by)
    return np.nan


# --------------------------------------------------------------------------- evaluation


def _competition_rank(value: pd.Series) -> pd.Series:
    """1 + the number of strictly higher values; none without a value."""
    present = value.dropna().to_numpy()
    ascending = np.sort(present)
    higher = len(ascending) - np.searchsorted(ascending, present, side="right")
    return pd.Series(higher + 1, index=value.dropna().index).reindex(value.index).astype("Int64")


def _status(value: float, target: float, reference: float, band: float) -> str | None:
    if math.isnan(value) or math.isnan(target):
        return None
    if value >= target - TOLERANCE:
        return "achieved"
    if value >= reference - TOLERANCE:
        return "on_track"
    if reference - value <= band + TOLERANCE:
        return "behind"
    return "off_track"


def _gap_persons(target: float, numerator, denominator) -> int | None:
    """⌈target·denominator − numerator⌉, at least 0, in exact decimals."""
    if math.isnan(target) or numerator is pd.NA or denominator is pd.NA:
        return None
    return max(0, math.ceil(Decimal(repr(target)) * int(denominator) - int(numerator)))


def _projection(window: pd.DataFrame, t: int, target: pd.Series, target_by: pd.Series) -> pd.DataFrame:
    """Least squares of value on month over ``window`` (``region_code, period, value``), per region."""
    out = pd.DataFrame({"projected": np.nan, "eta": np.nan}, index=target.index)
    window = window.assign(x=(window["period"] - t).astype("float64"))
    grouped = window.groupby("region_code")
    n = grouped["x"].transform("size")
    window = window[n >= MIN_POINTS]
    if window.empty:
        return out
    centred = window.assign(
        dx=window["x"] - window.groupby("region_code")["x"].transform("mean"),
        dy=window["value"] - window.groupby("region_code")["value"].transform("mean"),
    )
    fit = centred.assign(dxdy=centred["dx"] * centred["dy"], dxdx=centred["dx"] ** 2).groupby("region_code").agg(
        mean_x=("x", "mean"), mean_y=("value", "mean"), sxy=("dxdy", "sum"), sxx=("dxdx", "sum")
    )
    fit = fit.reindex(target.index)
    slope = fit["sxy"] / fit["sxx"]
    at_t = fit["mean_y"] + slope * (0.0 - fit["mean_x"])
    out["projected"] = at_t + slope * (target_by.astype("float64") - t)
    eta = pd.Series(np.nan, index=target.index)
    reached = at_t >= target - TOLERANCE
    rising = ~reached & (slope > 0)
    eta[reached] = t
    months_away = np.ceil((target[rising] - TOLERANCE - at_t[rising]) / slope[rising])
    # metrics.md §5: a month more than 100 years (1200 months) after t is no eta.
    eta[rising] = (t + months_away).where(months_away <= HORIZON_MONTHS)
    out["eta"] = eta.where(target.notna() & at_t.notna())
    return out


def _evaluate(
    metric: str, series: pd.DataFrame, listed: pd.DataFrame, lineage: dict[str, tuple], targets: Targets, t: int, compare_to: int
) -> pd.DataFrame:
    codes = listed.index
    by_month = series.pivot(index="region_code", columns="period", values="value").reindex(codes)
    now = series[series["period"] == t].set_index("region_code").reindex(codes)
    value = now["value"].astype("float64")

    entries = pd.Series([targets.for_region(metric, lineage[c]) for c in codes], index=codes, dtype=object)
    target = pd.Series(np.nan, index=codes)
    target_by = pd.Series(np.nan, index=codes)
    trajectory = pd.Series(np.nan, index=codes)
    overdue = pd.Series(np.nan, index=codes)

    if metric == "payment_rate":
        start = pd.Series(np.nan, index=codes)
        start_value = pd.Series(np.nan, index=codes)
    else:  # the value at the baseline, else the first one after it (up to t)
        span = [m for m in by_month.columns if targets.baseline <= m <= t]
        known = by_month[span].notna()
        first = known.idxmax(axis=1).where(known.any(axis=1)) if span else pd.Series(np.nan, index=codes)
        start = first.astype("float64")
        matrix = by_month.to_numpy(dtype="float64")
        column = {m: i for i, m in enumerate(by_month.columns)}
        rows = np.flatnonzero(first.notna().to_numpy())
        picked = np.full(len(codes), np.nan)
        picked[rows] = matrix[rows, [column[int(m)] for m in first.iloc[rows]]]
        start_value = pd.Series(picked, index=codes)

    for entry in {id(e): e for e in entries}.values():
        members = codes[[e is entry for e in entries]]
        goal, due = target_at(metric, entry, t)
        target[members] = np.nan if goal is None else goal
        target_by[members] = np.nan if due is None else due
        trajectory[members] = _trajectory(metric, entry, t, start[members], start_value[members])
        overdue[members] = _overdue_since(metric, entry, t)
    overdue = overdue.where(value < target - TOLERANCE)

    reference = trajectory.where(trajectory.notna(), target)
    status = [_status(v, g, r, targets.warning_band) for v, g, r in zip(value, target, reference)]
    numerator, denominator = now["numerator"].astype("Int64"), now["denominator"].astype("Int64")
    gap_persons = [
        None if math.isnan(v) else _gap_persons(g, n, d) for v, g, n, d in zip(value, target, numerator, denominator)
    ]

    first_month = 12 * year_of(t) + 1 if metric == "payment_rate" else t - WINDOW + 1
    window = series[(series["period"] >= first_month) & (series["period"] <= t) & series["value"].notna()]
    projection = _projection(window[["region_code", "period", "value"]], t, target, target_by)

    comparable = now["comparable"].fillna(True).astype(bool)
    rank = _competition_rank(value.where(comparable))
    then = series[series["period"] == compare_to].set_index("region_code").reindex(codes)
    before = then["value"].astype("float64").where(then["comparable"].fillna(True).astype(bool))
    rank_change = (_competition_rank(before) - rank).astype("Int64")
    return pd.DataFrame(
        {
            "period": t,
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
            "gap_persons": pd.array(gap_persons, dtype="Int64"),
            "status": pd.Series(status, index=codes, dtype=object),
            "rank": rank,
            "rank_change": rank_change,
            "projected": projection["projected"],
            "eta": projection["eta"].astype("Int64"),
            "completeness": now["completeness"].astype("float64"),
            "carried": now["carried"].fillna(0).astype("int64"),
            "comparable": comparable,
            "overdue_since": overdue.astype("Int64"),
            "overdue_months": (t - overdue).astype("Int64"),
        },
        index=codes,
    ).reset_index(drop=True)


def report(
    tables: Tables,
    targets: Targets,
    period: int,
    level: str,
    root: str | None = None,
    compare_to: int | None = None,
) -> pd.DataFrame:
    """The contract's report for the regions of ``level`` (under ``root``) at ``period``, ranked among themselves.

    Same columns as the engine's; months as month indexes; rows metric by
    metric, ranked regions by rank, then the unranked, ties by code.
    """
    compare_to = period - 1 if compare_to is None else compare_to
    closure = ancestors(tables.regions)
    lineage = closure.sort_values("depth").groupby("descendant")["ancestor"].agg(tuple).to_dict()
    listed = tables.regions[tables.regions["level"] == level]
    listed = listed[listed["abolished"].isna() | (listed["abolished"] > period)]  # cli.md, "Regions that change"
    if root is not None:
        listed = listed[listed["code"].isin(closure.loc[closure["ancestor"] == root, "descendant"])]
    listed = listed.sort_values("code").set_index("code")
    if listed.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    months = set(range(period - WINDOW + 1, period + 1)) | {compare_to}
    if period >= targets.baseline:
        months |= set(range(targets.baseline, period + 1))
    series = values(tables, targets, listed.index.tolist(), sorted(months), closure, lineage)
    frames = [
        _evaluate(metric, series[series["metric"] == metric], listed, lineage, targets, period, compare_to)
        for metric in METRICS
    ]
    frame = pd.concat(frames, ignore_index=True)
    order = frame.assign(
        _m=frame["metric"].map({m: i for i, m in enumerate(METRICS)}),
        _none=frame["rank"].isna(),
        _r=frame["rank"].fillna(0),
    )
    order = order.sort_values(["_m", "_none", "_r", "region_code"], kind="stable")
    return order[list(COLUMNS)].reset_index(drop=True)


# --------------------------------------------------------------------------- comparing two reports

FLOAT_COLUMNS = ("value", "target", "trajectory", "gap_pp", "projected", "completeness")


def differences(engine: pd.DataFrame, base: pd.DataFrame, tolerance: float = 1e-9) -> list[dict]:
    """Every field where two reports differ, as ``{metric, region_code, field, engine, baseline}``.

    Rows are matched on (metric, region code); floats agree within
    ``tolerance``, everything else exactly; none agrees only with none. A row
    that one report has and the other lacks is one difference (field ``row``);
    so is a different row order (field ``order``).
    """
    found: list[dict] = []
    left = engine.set_index(["metric", "region_code"])
    right = base.set_index(["metric", "region_code"])
    for key in left.index.symmetric_difference(right.index):
        found.append({"metric": key[0], "region_code": key[1], "field": "row",
                      "engine": key in left.index, "baseline": key in right.index})  # fmt: skip
    common = left.index.intersection(right.index)
    left, right = left.loc[common], right.loc[common]
    for column in COLUMNS:
        if column in ("metric", "region_code"):
            continue
        a, b = left[column], right[column]
        a_none, b_none = a.isna().to_numpy(), b.isna().to_numpy()
        if column in FLOAT_COLUMNS:
            x = pd.to_numeric(a).astype("float64").to_numpy()
            y = pd.to_numeric(b).astype("float64").to_numpy()
            with np.errstate(invalid="ignore"):
                same = (a_none & b_none) | (~a_none & ~b_none & (np.abs(x - y) <= tolerance))
        else:
            both = ~a_none & ~b_none
            equal = np.array([bool(u == v) if k else False for u, v, k in zip(a.astype(object), b.astype(object), both)])
            same = (a_none & b_none) | (both & equal)
        for position in np.flatnonzero(~same):
            metric, code = common[position]
            found.append({"metric": metric, "region_code": code, "field": column,
                          "engine": a.iloc[position], "baseline": b.iloc[position]})  # fmt: skip
    if not found and (list(engine["metric"]) != list(base["metric"]) or list(engine["region_code"]) != list(base["region_code"])):
        found.append({"metric": None, "region_code": None, "field": "order", "engine": None, "baseline": None})
    return found
