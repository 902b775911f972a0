"""What the targets in force say and whom they reach: pure helpers for the Targets page.

No IO, no UI: the regions come in as a DataFrame (``code, name, level,
parent_code, lineage``; lineage is the region's own code first, then its
ancestors, nearest first), the targets as the parsed model.
"""

from __future__ import annotations

import pandas as pd

from metrics.compute import target_at
from metrics.periods import month_index, year_of
from metrics.registry import METRIC_BY_KEY, METRIC_KEYS
from metrics.targets import MetricTarget, Targets

CHART_FIRST_YEAR, CHART_LAST_YEAR = 2020, 2035


def milestone_rows(entry: MetricTarget | None) -> pd.DataFrame:
    """``by, value``: the entry's milestones, in order (empty without an entry)."""
    if entry is None:
        return pd.DataFrame({"by": pd.Series(dtype="int64"), "value": pd.Series(dtype="float64")})
    return pd.DataFrame({"by": [m.by for m in entry.milestones], "value": [m.value for m in entry.milestones]})


def chart_years(metric: str, entry: MetricTarget | None) -> tuple[int, int]:
    """The years a milestone chart spans: 2020–2035, or for a year-to-date metric the years it has milestones.

    A year-to-date metric (the payment rate) has milestones months apart
    inside a year; over sixteen years they would sit on top of each other.
    """
    if entry is None or not METRIC_BY_KEY[metric].year_to_date:
        return CHART_FIRST_YEAR, CHART_LAST_YEAR
    years = [year_of(m.by) for m in entry.milestones]
    return min(years), max(years)


def target_steps(
    metric: str, entry: MetricTarget | None, first_year: int = CHART_FIRST_YEAR, last_year: int = CHART_LAST_YEAR
) -> pd.DataFrame:
    """``period, target``: the target in force every month from January of ``first_year`` to December of ``last_year``.

    The contract's "target at *t*" (``metrics.compute.target_at``): a step
    line; for the payment rate a year without milestones has none.
    """
    months = range(month_index(f"{first_year:04d}-01"), month_index(f"{last_year:04d}-12") + 1)
    values = [target_at(metric, entry, m)[0] for m in months]
    return pd.DataFrame({"period": list(months), "target": pd.array(values, dtype="Float64").astype("float64")})


def override_reach(regions: pd.DataFrame, targets: Targets) -> pd.DataFrame:
    """``code, metric, reached``: how many regions each override governs.

    A region is reached by the override of ``code`` for ``metric`` when
    ``code`` is in its lineage (the region itself included) and no nearer
    region of its lineage overrides the same metric. Overrides of regions
    missing from ``regions`` reach none.
    """
    counts: dict[tuple[str, str], int] = {}
    for code, metrics in targets.overrides.items():
        for metric in metrics:
            counts[(str(code), metric)] = 0
    overridden = {metric for metrics in targets.overrides.values() for metric in metrics}
    for lineage in regions["lineage"]:
        lineage = tuple(str(c) for c in lineage)
        for metric in overridden:
            nearest = targets.overriding_code(metric, lineage)
            if nearest is not None:
                counts[(nearest, metric)] += 1
    rows = [{"code": code, "metric": metric, "reached": n} for (code, metric), n in counts.items()]
    return pd.DataFrame(rows, columns=["code", "metric", "reached"])


def override_rows(regions: pd.DataFrame, targets: Targets) -> pd.DataFrame:
    """One row per override and metric: ``code, name, known, metric, entry, reached``.

    ``name`` is none and ``known`` false for a code the database does not
    hold; ``entry`` is the target the region actually gets (the override's
    milestones, with the global schemes where the override gives none).
    Ordered by code, then metric as the registry orders them.
    """
    names = regions.set_index("code")["name"].to_dict()
    reach = override_reach(regions, targets).set_index(["code", "metric"])["reached"]
    order = {m: i for i, m in enumerate(METRIC_KEYS)}
    rows = []
    for code in sorted(targets.overrides):
        for metric in sorted(targets.overrides[code], key=lambda m: order.get(m, len(order))):
            rows.append(
                {
                    "code": code,
                    "name": names.get(code),
                    "known": code in names,
                    "metric": metric,
                    "entry": targets.for_region(metric, (code,)),
                    "reached": int(reach.get((code, metric), 0)),
                }
            )
    return pd.DataFrame(rows, columns=["code", "name", "known", "metric", "entry", "reached"])
