"""Early warning (预警, issue 13 point 1): which regions need a call this month, and why. Pure.

From the metrics report of the listed regions at month *t* (``data.report.metrics_report``) and a few
further facts the database gives (``data.warnings.gather``), :func:`warning_facts` lists one row per
(region, metric, trigger) that fires, with the figures the reason is written from. The words
(Chinese and English) are :mod:`present.warnings`' business; the rows, their order and their numbers
are this module's. The rules (docs/metrics.md, "Warnings"):

- ``overdue``: the report's ``overdue_months`` is set (a passed deadline asked for the target now in
  force and it is not met); persons needed = ``gap_persons``.
- ``off_track`` / ``behind``: the status at *t* (metrics.md §4).
- ``projected_short``: a target, a value below it, a projection (``projected`` not none) and the
  line reaches the target after ``target_by`` or never (``eta`` none or after ``target_by``).
  ``beyond_plan`` is true where ``eta`` is none or after the last milestone in force (for
  ``payment_rate``: the last milestone of *t*'s year): "计划期内无法达标".
- ``sudden_drop``: the value fell by more than ``drop_points`` (a fraction) since *t* − 1. Not for a
  year-to-date metric in January (it restarts).
- ``implausible``: a rate above 100% (beyond 1e-9), or (``payment_rate``) snapshot rows at *t* in the
  subtree whose ``paid`` exceeds ``insured − receiving`` (metrics.md §2, "implausible input").
- ``missing_report`` (whole region, no metric): ``completeness`` < 1 — some region of the subtree with
  a population row has no snapshot row at *t* (carried rows do not count; metrics.md §3) — once the
  month's report is due: not before ``reporting.due_day`` of *t* + 1 has passed (a report not yet due
  is not missing; the timeliness rule, issue 13 point 2).
- ``carried_again`` (whole region): some (region, scheme) of the subtree counts at *t* through a row
  ``carried_months`` or more months old: carried forward that many months in a row.
- ``pool_short`` (``coverage_rate``): ``pool_sufficiency`` < ``pool_sufficiency_below``.
- ``late_report`` (whole region): a ``days_late`` input above 0 (the timeliness feature supplies it;
  without that input the trigger is silently absent).

Triggers turned off in the targets file are left out. Rows are ordered by severity (high first), then
trigger (``TRIGGERS`` order), comparable regions before the others, persons needed (most first),
region code, metric.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from metrics.registry import METRIC_KEYS, counts_year_to_date
from metrics.timeliness import due_date
from metrics.targets import Targets
from metrics.targets_warnings import SEVERITIES, TRIGGERS, WarningRules

TOLERANCE = 1e-9

#: The columns of :func:`warning_facts`. Rates are fractions, months month indexes, persons whole numbers.
FACT_COLUMNS: tuple[str, ...] = (
    "period",
    "region_code",
    "region_name",
    "level",
    "county_code",
    "county_name",
    "metric",  # "" for a trigger about the whole region (missing_report, carried_again, late_report)
    "trigger",
    "severity",
    "persons",  # persons needed to reach the target in force (gap_persons), NA where none
    "value",
    "target",
    "target_by",
    "trajectory",
    "gap_pp",
    "status",
    "previous",  # the value at t - 1 (sudden_drop)
    "drop",  # previous - value (sudden_drop), a fraction
    "projected",
    "eta",
    "plan_end",  # the last milestone month in force (projected_short)
    "beyond_plan",  # eta none or after plan_end
    "overdue_since",
    "overdue_months",
    "completeness",
    "carried_months",  # the longest carried streak in the subtree, months
    "carried_pairs",  # (region, scheme) pairs carried that long
    "overpaid_rows",  # snapshot rows with paid above the contribution phase
    "overpaid_persons",  # Σ (paid − contribution phase) over them
    "pool_sufficiency",
    "pool_remaining",  # persons left in the library
    "days_late",
    "comparable",
    "carried",  # (region, scheme) pairs of the subtree counted at t through a carried row: the figure is estimated
)

REGION_WIDE = ""


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or value is pd.NaT


def _num(value: object) -> float | None:
    return None if _missing(value) else float(value)


def plan_end(targets: Targets, metric: str, lineage: Sequence[str], period: int) -> int | None:
    """The last milestone month of ``metric``'s target in force for a region (``lineage``: its code
    first, then its ancestors); for a year-to-date metric the last milestone of ``period``'s year.
    None where the metric has no target (or, year to date, none that year)."""
    target = targets.for_region(metric, list(lineage))
    if target is None:
        return None
    months = [m.by for m in target.milestones]
    if counts_year_to_date(metric):
        year = (period - 1) // 12
        months = [m for m in months if (m - 1) // 12 == year]
    return max(months) if months else None


def county_of(regions: pd.DataFrame) -> pd.DataFrame:
    """``code, county_code, county_name``: the county in each region's lineage (itself if a county;
    none above the county level). ``regions``: ``code, name, level, lineage`` (``data.queries.regions``)."""
    codes = regions["code"].tolist()  # plain lists: a Series' to_dict boxes each of 40,000 values (issue 15)
    levels = dict(zip(codes, regions["level"].tolist()))
    names = dict(zip(codes, regions["name"].tolist()))
    counties = {code for code, level in levels.items() if level == "county"}
    rows = []
    for code, lineage in zip(codes, regions["lineage"].tolist()):
        county = next((c for c in lineage if c in counties), None)
        rows.append((code, county, names.get(county) if county else None))
    return pd.DataFrame(rows, columns=["code", "county_code", "county_name"])


def warning_facts(
    report: pd.DataFrame,
    targets: Targets,
    regions: pd.DataFrame,
    *,
    previous: pd.DataFrame | None = None,
    carried: pd.DataFrame | None = None,
    overpaid: pd.DataFrame | None = None,
    pool: pd.DataFrame | None = None,
    timeliness: pd.DataFrame | None = None,
    rules: WarningRules | None = None,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Every warning that fires for the regions of ``report``, one row per (region, metric, trigger),
    columns :data:`FACT_COLUMNS`, ordered most severe first.

    - ``report``: ``metrics_report`` rows at one period (``metrics.compute.REPORT_COLUMNS``).
    - ``regions``: ``code, name, level, lineage`` for at least the report's regions and their ancestors.
    - ``previous``: ``region_code, metric, value`` at period − 1 (None: no ``sudden_drop``).
    - ``carried``: ``region_code, months, pairs`` — the longest carried streak in each subtree and how
      many (region, scheme) pairs have it (``data.warnings.carried_streaks``).
    - ``overpaid``: ``region_code, rows, persons`` (``data.warnings.overpaid``).
    - ``pool``: ``region_code, pool_sufficiency, remaining`` — the pool's region totals
      (``metrics.pool`` output, group empty).
    - ``timeliness``: ``region_code, days_late``; None or without ``days_late``: no ``late_report``.
    - ``rules``: the targets file's ``warnings:`` section (default: ``targets.warnings``).
    - ``today``: the day the list is made; ``missing_report`` waits until the month's report is past due
      (``metrics.timeliness.due_date`` with ``targets.due_day``). None: no due-day check.
    """
    rules = rules or targets.warnings
    if report.empty:
        return pd.DataFrame(columns=list(FACT_COLUMNS))
    period = int(report["period"].iloc[0])
    lineage = dict(zip(regions["code"].tolist(), regions["lineage"].tolist()))
    counties = county_of(regions).set_index("code")
    prev = {} if previous is None else dict(zip(zip(previous["region_code"].astype(str).tolist(), previous["metric"].astype(str).tolist()), _optional(_nums(previous["value"]))))
    first_of_region: dict[str, dict] = {}
    blocks = _per_metric_blocks(report, targets, rules, period, lineage, prev, first_of_region)
    rows: list[dict] = []

    def add(base: dict, trigger: str, **facts) -> None:
        if not rules.is_on(trigger):
            return
        rows.append({**base, "trigger": trigger, "severity": rules.severity[trigger], **facts})

    facts_of = {}
    if overpaid is not None:
        facts_of = {str(r): (int(n), int(p)) for r, n, p in zip(overpaid["region_code"], overpaid["rows"], overpaid["persons"]) if int(n) > 0}
    for code, (count, persons) in facts_of.items():
        if code not in first_of_region or not rules.is_on("implausible"):
            continue
        at = blocks.implausible_payment.get(code)
        if at is not None:  # the payment rate already fired implausible: the overpaid rows join that warning
            blocks.set(at, overpaid_rows=count, overpaid_persons=persons)
            continue
        rep = report[(report["region_code"].astype(str) == code) & (report["metric"] == "payment_rate")]
        base = _region_base(first_of_region[code], period, metric="payment_rate")
        if not rep.empty:
            base.update(value=_num(rep["value"].iloc[0]), comparable=bool(rep["comparable"].iloc[0]) if "comparable" in rep else True)
        add(base, "implausible", overpaid_rows=count, overpaid_persons=persons)

    past_due = today is None or today > due_date(period, targets.due_day)
    for code, row in first_of_region.items():
        completeness = _num(row.get("completeness"))
        if past_due and completeness is not None and completeness < 1 - TOLERANCE:
            add(_region_base(row, period), "missing_report", completeness=completeness)

    if carried is not None:
        for code, months, pairs in zip(carried["region_code"], carried["months"], carried["pairs"]):
            code = str(code)
            if code in first_of_region and int(months) >= rules.carried_months:
                add(_region_base(first_of_region[code], period), "carried_again", carried_months=int(months), carried_pairs=int(pairs))

    if pool is not None and not pool.empty:
        coverage = report[report["metric"] == "coverage_rate"].set_index("region_code")
        for code, sufficiency, remaining in zip(pool["region_code"], pool["pool_sufficiency"], pool["remaining"]):
            code, sufficiency = str(code), _num(sufficiency)
            if code not in first_of_region or sufficiency is None or sufficiency >= rules.pool_sufficiency_below - TOLERANCE:
                continue
            base = _region_base(first_of_region[code], period, metric="coverage_rate")
            if code in coverage.index:
                item = coverage.loc[code]
                gap = item.get("gap_persons")
                base.update(
                    persons=None if _missing(gap) else int(gap), value=_num(item["value"]), target=_num(item["target"]),
                    target_by=_num(item["target_by"]), comparable=bool(item["comparable"]) if "comparable" in item else True,
                )
            add(base, "pool_short", pool_sufficiency=sufficiency, pool_remaining=_num(remaining))

    if timeliness is not None and "days_late" in timeliness:
        for code, days in zip(timeliness["region_code"], timeliness["days_late"]):
            code, days = str(code), _num(days)
            if code in first_of_region and days is not None and days > 0:
                add(_region_base(first_of_region[code], period), "late_report", days_late=int(days))

    frame = blocks.frame(rows)
    if frame.empty:
        return frame
    frame["county_code"] = frame["region_code"].map(counties["county_code"])
    frame["county_name"] = frame["region_code"].map(counties["county_name"])
    frame["persons"] = frame["persons"].astype("Int64")
    order = pd.DataFrame(
        {
            "s": frame["severity"].map({s: i for i, s in enumerate(SEVERITIES)}),
            "t": frame["trigger"].map({t: i for i, t in enumerate(TRIGGERS)}),
            "n": ~frame["comparable"].astype(bool),  # a region not comparable after the others (its figures leave persons out)
            "p": -frame["persons"].astype("float64").fillna(-1),
            "c": frame["region_code"],
            "m": frame["metric"].map({m: i for i, m in enumerate(("", *METRIC_KEYS))}),
        }
    )
    index = order.sort_values(["s", "t", "n", "p", "c", "m"], kind="stable").index
    return frame.loc[index].reset_index(drop=True)


class _Blocks:
    """The warning rows under construction, column by column: the per-metric triggers as whole columns
    (one block per trigger), the rest as row dicts; :meth:`frame` makes the frame a list of the same
    row dicts would make (a key a row lacks reads NaN, as ``pd.DataFrame(rows)`` fills it)."""

    def __init__(self) -> None:
        self.columns: dict[str, list] = {}
        self.size = 0
        self.implausible_payment: dict[str, int] = {}  # region code -> its payment-rate implausible row

    def append(self, count: int, values: dict[str, list | object]) -> None:
        for name in FACT_COLUMNS:
            if name in values:
                value = values[name]
                chunk = value if isinstance(value, list) else [value] * count
            else:
                chunk = [np.nan] * count
            self.columns.setdefault(name, []).extend(chunk)
        self.size += count

    def set(self, at: int, **values) -> None:
        for name, value in values.items():
            self.columns[name][at] = value

    def frame(self, rows: list[dict]) -> pd.DataFrame:
        for row in rows:
            self.append(1, {name: [row[name]] for name in FACT_COLUMNS if name in row})
        if not self.size:
            return pd.DataFrame([], columns=list(FACT_COLUMNS))
        return pd.DataFrame({name: self.columns[name] for name in FACT_COLUMNS}, columns=list(FACT_COLUMNS))


def _nums(values) -> np.ndarray:
    """A column as float64 with NaN for none (``_num`` over the column)."""
    return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _optional(values: np.ndarray) -> list:
    """Floats with None where NaN: what ``_num`` gives each row."""
    out = values.astype(object)
    out[np.isnan(values)] = None
    return out.tolist()


def _per_metric_blocks(report: pd.DataFrame, targets: Targets, rules: WarningRules, period: int, lineage: dict, prev: dict, first_of_region: dict) -> _Blocks:
    """The triggers read off one report row each (overdue, off_track/behind, projected_short,
    sudden_drop, implausible), over whole columns (issue 15: a dict per row and trigger took 3 s at
    40,000 townships); fills ``first_of_region`` (code -> its first row's region fields)."""
    blocks = _Blocks()
    n = len(report)
    codes = report["region_code"].astype(str).to_numpy(dtype=object)
    metrics = report["metric"].astype(str).to_numpy(dtype=object)
    names, levels = report["region_name"].tolist(), report["level"].tolist()
    completeness = report["completeness"].tolist() if "completeness" in report else [None] * n
    for i in pd.Series(codes).drop_duplicates().index:
        first_of_region[codes[i]] = {"region_code": codes[i], "region_name": names[i], "level": levels[i], "completeness": completeness[i]}
    value, target = _nums(report["value"]), _nums(report["target"])
    by, trajectory, gap_pp = _nums(report["target_by"]), _nums(report["trajectory"]), _nums(report["gap_pp"])
    gap = _nums(report["gap_persons"]) if "gap_persons" in report else np.full(n, np.nan)
    persons = [None if g != g else int(g) for g in gap.tolist()]
    status_raw = report["status"]
    status = [None if _missing(v) or (v != v if isinstance(v, float) else False) else str(v) for v in status_raw.tolist()]
    if "comparable" in report:
        comparable = [True if _missing(v) else bool(v) for v in report["comparable"].tolist()]
    else:
        comparable = [True] * n
    carried = [0 if _missing(v) else int(v) for v in report["carried"].tolist()] if "carried" in report else [0] * n
    base_columns = {
        "region_code": codes.tolist(), "region_name": names, "level": levels, "metric": metrics.tolist(), "persons": persons,
        "value": _optional(value), "target": _optional(target), "target_by": _optional(by), "trajectory": _optional(trajectory),
        "gap_pp": _optional(gap_pp), "status": status, "comparable": comparable, "carried": carried,
    }  # fmt: skip

    def add(trigger: str, mask: np.ndarray, **facts) -> None:
        """The rows of ``mask`` fire ``trigger``; ``facts``: lists of the fired rows' values, in order."""
        if not rules.is_on(trigger):
            return
        at = np.flatnonzero(mask)
        if not len(at):
            return
        values = {name: [column[i] for i in at] for name, column in base_columns.items()}
        values.update(facts)
        values.update(period=period, trigger=trigger, severity=rules.severity[trigger])
        if trigger == "implausible":
            for k, i in enumerate(at):
                if metrics[i] == "payment_rate":
                    blocks.implausible_payment.setdefault(codes[i], blocks.size + k)
        blocks.append(len(at), values)

    if "overdue_months" in report:
        overdue_months = _nums(report["overdue_months"])
        overdue_since = _nums(report["overdue_since"])
        fired = ~np.isnan(overdue_months)
        add("overdue", fired, overdue_since=_optional(overdue_since[fired]), overdue_months=_optional(overdue_months[fired]))
    status_array = np.array([s if s is not None else "" for s in status], dtype=object)
    add("off_track", status_array == "off_track")
    add("behind", status_array == "behind")
    projected, eta = _nums(report["projected"]), _nums(report["eta"])
    with np.errstate(invalid="ignore"):
        short = (
            ~np.isnan(target) & ~np.isnan(value) & ~np.isnan(by) & ~np.isnan(projected)
            & (value < target - TOLERANCE) & (np.isnan(eta) | (eta > by))
        )  # fmt: skip
    if rules.is_on("projected_short") and short.any():
        at = np.flatnonzero(short)
        ends, beyond, memo, etas = [], [], {}, _optional(eta)
        for i in at:
            chain = lineage.get(codes[i], [codes[i]])
            key = (metrics[i], targets.overriding_code(metrics[i], chain))  # plan_end reads the target in force alone
            if key not in memo:
                memo[key] = plan_end(targets, metrics[i], chain, period)
            end = memo[key]
            ends.append(end)
            beyond.append(etas[i] is None or (end is not None and etas[i] > end))  # Python values, as row by row
        add("projected_short", short, projected=_optional(projected[at]), eta=_optional(eta[at]), plan_end=ends, beyond_plan=beyond)
    before = np.array([np.nan if (b := prev.get((c, m))) is None else b for c, m in zip(codes, metrics)], dtype="float64")
    january = (period - 1) % 12 == 0
    ytd = np.array([january and counts_year_to_date(m) for m in metrics], dtype=bool)
    with np.errstate(invalid="ignore"):
        drop = ~np.isnan(value) & ~np.isnan(before) & ~ytd & (before - value > rules.drop_points + TOLERANCE)
        at = np.flatnonzero(drop)
        add("sudden_drop", drop, previous=before[at].tolist(), drop=(before[at] - value[at]).tolist())
        add("implausible", ~np.isnan(value) & (value > 1 + TOLERANCE))
    return blocks


def _region_base(row: pd.Series | dict, period: int, metric: str = REGION_WIDE) -> dict:
    """The fields every row of a region carries, for a trigger about the whole region (or ``metric``)."""
    return {
        "period": period,
        "region_code": str(row["region_code"]),
        "region_name": row["region_name"],
        "level": row["level"],
        "metric": metric,
        "persons": None,
        "comparable": True,
    }


def count_by_severity(facts: pd.DataFrame) -> dict[str, int]:
    """``{"high": n, "medium": n, "low": n}``: how many warnings of each severity ``facts`` holds."""
    counts = facts["severity"].value_counts() if not facts.empty else pd.Series(dtype="int64")
    return {severity: int(counts.get(severity, 0)) for severity in SEVERITIES}
