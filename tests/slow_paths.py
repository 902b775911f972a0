"""The slow paths the fast ones replaced (issue 15 point 5), kept verbatim as the tests' oracles.

Each function here is the code as it stood before the national-scale rewrite (commit 945003c), with
only its imports adjusted; ``tests/test_fast_paths_agree.py`` asserts the fast paths give exactly
the same frames on small worlds. Nothing in the project imports this module.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd

from data import queries
from data.assessment import achieved_since_december
from data.report import metric_series, metrics_report
from metrics.assessment import NO_DATA, NOT_COMPARABLE, Result, _missing as _missing_value, grade_of, score_points_by_status, score_share_of_target
from metrics.tasks import ACHIEVED_COLUMNS, TASK_KIND_KEYS, completion, december_before, kind_figures
from metrics.rewards import RewardResult, month_end, tier_for
from metrics.targets import Targets
from metrics.targets_assessment import Rewards
from metrics.registry import METRIC_KEYS, counts_year_to_date
from metrics.targets_warnings import SEVERITIES, TRIGGERS, WarningRules
from metrics.warnings import FACT_COLUMNS, TOLERANCE, _missing, _num, _region_base, county_of, plan_end
from functools import partial

from metrics.periods import period_label
from present.catalog import text
from present.formatting import is_missing
from present.timeliness import status_text
from data.approval import Lock
from present.approvals import STATUS_ORDER, _moment, status_of
from metrics.timeliness import COUNTED, TIMELINESS_STATUSES, due_date, timeliness_of


def rewards_by_region(tasks: pd.DataFrame, achieved: pd.DataFrame, scheme: Rewards, *, stand_in: bool = False) -> RewardResult:
    """Each region's completion date, tier and amount; see the module for the rules."""
    paid, never, without = [], [], []
    by_region = {code: frame.sort_values("period") for code, frame in achieved.groupby("region_code")}
    for row in tasks.itertuples(index=False):
        code = str(row.region_code)
        task = row.task
        if task is None or pd.isna(task) or float(task) <= 0:
            without.append({"region_code": code})
            continue
        months = by_region.get(code)
        if months is None or months.empty:
            never.append({"region_code": code, "task": float(task), "achieved": None, "short": float(task)})
            continue
        reached = months[months["achieved"] >= float(task)]
        if reached.empty:
            latest = float(months["achieved"].iloc[-1])
            never.append({"region_code": code, "task": float(task), "achieved": latest, "short": float(task) - latest})
            continue
        first = reached.iloc[0]
        met_on = month_end(int(first["period"]))
        tier = tier_for(met_on, scheme)
        rate = tier.yuan_per_person if tier is not None else 0.0
        insured = float(first["insured"])
        paid.append(
            {
                "region_code": code, "task": float(task), "achieved": float(first["achieved"]), "met_period": int(first["period"]),
                "met_on": met_on, "tier_by": tier.by if tier is not None else None, "yuan_per_person": rate,
                "insured": insured, "amount": round(rate * insured, 2),
            }
        )  # fmt: skip
    paid_frame = pd.DataFrame(paid, columns=["region_code", "task", "achieved", "met_period", "met_on", "tier_by", "yuan_per_person", "insured", "amount"])
    paid_frame = paid_frame.sort_values(["met_period", "region_code"], kind="stable").reset_index(drop=True)
    never_frame = pd.DataFrame(never, columns=["region_code", "task", "achieved", "short"]).sort_values(["short", "region_code"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return RewardResult(paid_frame, never_frame, pd.DataFrame(without, columns=["region_code"]), float(round(paid_frame["amount"].sum(), 2)), stand_in)


def monthly_achieved(con: duckdb.DuckDBPyConnection, targets: Targets, codes: Sequence[str], year: int, upto: int) -> pd.DataFrame:
    """Per region and month of ``year`` up to ``upto``: insured persons (coverage numerator, all schemes the
    target counts) and required persons (its denominator): columns region_code, period, insured, required.
    The stand-in task (the coverage-target gap) is worked out from these (:mod:`metrics.rewards`)."""
    months = list(range(12 * (year - 1) + 12, upto + 1))  # the December before: the year's starting point
    series = metric_series(con, targets, list(codes), months)
    coverage = series[series["metric"] == "coverage_rate"]
    return pd.DataFrame(
        {
            "region_code": coverage["region_code"].astype(str),
            "period": coverage["period"].astype("int64"),
            "insured": pd.to_numeric(coverage["numerator"], errors="coerce"),
            "required": pd.to_numeric(coverage["denominator"], errors="coerce"),
        }
    ).reset_index(drop=True)


def stand_in_tasks(con: duckdb.DuckDBPyConnection, targets: Targets, year: int, upto: int, level: str, root: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The coverage-target gap as a stand-in task (issue 14 point 2: ONLY where no tasks are given; the
    result is labelled): per region of ``level`` under ``root``, task = the persons it lacked at the
    December before ``year`` to reach its coverage target in force at the year's December (rounded up,
    at least 0); achieved at each month = insured then − insured that December. Returns the
    ``(tasks, achieved)`` frames of :mod:`metrics.rewards` (kind ``coverage_gap``)."""
    import math

    from metrics.compute import target_at

    listed = queries.listed_regions(con, level, root)
    codes = listed["code"].astype(str).tolist()
    monthly = monthly_achieved(con, targets, codes, year, upto)
    start = 12 * (year - 1) + 12
    lineage = dict(zip(listed["code"].astype(str), listed["lineage"]))
    report = metrics_report(con, targets, upto, level=level, root=root, metrics=["coverage_rate"])
    apart = set(report.loc[~report["comparable"].fillna(True).astype(bool), "region_code"].astype(str))  # counts only some schemes
    task_rows, counted = [], set()
    for code, frame in monthly.groupby("region_code"):
        base = frame[frame["period"] == start]
        if code in apart or base.empty or pd.isna(base["insured"].iloc[0]) or pd.isna(base["required"].iloc[0]):
            task_rows.append({"region_code": code, "year": year, "kind": "coverage_gap", "task": None})
            continue
        target, _ = target_at("coverage_rate", targets.for_region("coverage_rate", lineage[code]), 12 * year + 12)
        insured0, required0 = float(base["insured"].iloc[0]), float(base["required"].iloc[0])
        task = max(0, math.ceil(target * required0 - insured0 - 1e-9)) if target is not None else None
        task_rows.append({"region_code": code, "year": year, "kind": "coverage_gap", "task": task})
        counted.add(code)
    tasks = pd.DataFrame(task_rows, columns=["region_code", "year", "kind", "task"])
    return tasks, achieved_since_december(monthly[monthly["region_code"].isin(counted)], year, "coverage_gap")


def classify(units: pd.DataFrame, due_day: int, today: dt.date) -> pd.DataFrame:
    """``units`` (``region_code, period, arrived_at``; ``arrived_at`` a timestamp or NaT) with ``due``
    (date), ``status``, ``days_late`` (Int64, NA unless late) and ``missing`` (bool) added."""
    out = units.copy()
    arrived = pd.to_datetime(out["arrived_at"])
    dues = [due_date(p, due_day) for p in out["period"]]
    results = [
        timeliness_of(None if pd.isna(a) else a.date(), d, today) for a, d in zip(arrived, dues)
    ]
    out["due"] = dues
    out["status"] = pd.Series([r[0] for r in results], index=out.index, dtype="object")
    out["days_late"] = pd.array([r[1] for r in results], dtype="Int64")
    out["missing"] = out["status"] == "missing"
    return out


def rates(classified: pd.DataFrame, lineages: pd.Series) -> pd.DataFrame:
    """Per region and month, over the units of its subtree: ``region_code, period, on_time, late, missing,
    not_due`` (counts of units) and ``rate`` (on_time ÷ (on_time + late + missing), NaN where 0).

    ``classified``: :func:`classify`'s frame. ``lineages``: unit code -> its lineage (the unit itself,
    then its ancestors up to the root), as ``data.queries.regions`` gives it. Every region of a unit's
    lineage gets a row.
    """
    columns = ["region_code", "period", *TIMELINESS_STATUSES, "rate"]
    if classified.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "rate" else "int64") for c in columns}).astype(
            {"region_code": "object"}
        )
    expanded = classified[["region_code", "period", "status"]].copy()
    lookup = lineages.to_dict()  # a dict, not Series.get per unit and month (issue 15: 120,000 look-ups at 10k)
    expanded["ancestor"] = expanded["region_code"].map(lambda code: list(lookup.get(code, [code])))
    expanded = expanded.explode("ancestor")
    counts = (  # a grouped count, not pd.crosstab's per-group Python aggregation (8 s at 10k townships)
        expanded.groupby(["ancestor", "period", "status"]).size().unstack("status", fill_value=0)
        .reindex(columns=list(TIMELINESS_STATUSES), fill_value=0)
        .reset_index()
        .rename(columns={"ancestor": "region_code"})
    )
    counted = counts[list(COUNTED)].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        counts["rate"] = np.where(counted > 0, counts["on_time"] / counted.where(counted > 0, 1), np.nan)
    counts.columns.name = None
    return counts[columns].astype({s: "int64" for s in TIMELINESS_STATUSES}).reset_index(drop=True)


def reporting_and_task_indicators(
    con: duckdb.DuckDBPyConnection, targets: Targets, year: int, period: int, levels: Sequence[str], root: str | None
) -> pd.DataFrame:
    """Issue 13's figures as assessment indicators, per region of ``levels`` under ``root``:
    ``region_code, task_completion, timeliness`` (fractions; NaN: no data).

    - ``task_completion``: the mean, over the task kinds the region holds a task of in ``year``, of its
      completion at ``period`` (``data.tasks.completion_of``; docs/metrics.md "Tasks in persons");
    - ``timeliness``: reports on time ÷ reports due (on time + late + missing) over the units of the
      region's subtree and the months of ``year`` up to ``period`` (``data.timeliness``; docs/metrics.md
      "Reporting timeliness").
    """
    from data.tasks import completion_of
    from data.timeliness import timeliness_rates

    codes: list[str] = []
    for level in levels:
        for one in queries.roots(con, root):
            codes += queries.listed_regions(con, level, one)["code"].astype(str).tolist()
    codes = list(dict.fromkeys(codes))
    out = pd.DataFrame({"region_code": codes})
    if not codes:
        return out.assign(task_completion=pd.Series(dtype="float64"), timeliness=pd.Series(dtype="float64"))
    done = completion_of(con, year, codes, period, targets.carry_forward_months, targets)
    held = done[done["task"].notna()]
    mean = pd.to_numeric(held["completion"], errors="coerce").groupby(held["region_code"].astype(str)).mean()
    out["task_completion"] = out["region_code"].map(mean).astype("float64")
    months = list(range(12 * year + 1, int(period) + 1))
    counts = []
    for one in queries.roots(con, root):
        _, rates = timeliness_rates(con, months, one, due_day=targets.due_day)
        counts.append(rates)
    rates = pd.concat(counts, ignore_index=True) if counts else pd.DataFrame()
    if rates.empty:
        out["timeliness"] = float("nan")
        return out
    totals = rates.groupby(rates["region_code"].astype(str))[["on_time", "late", "missing"]].sum()
    due = totals["on_time"] + totals["late"] + totals["missing"]
    share = (totals["on_time"] / due.where(due > 0)).astype("float64")
    out["timeliness"] = out["region_code"].map(share).astype("float64")
    return out


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
    lineage = regions.set_index("code")["lineage"].to_dict()
    counties = county_of(regions).set_index("code")
    prev = {} if previous is None else {(str(r), str(m)): _num(v) for r, m, v in zip(previous["region_code"], previous["metric"], previous["value"])}
    rows: list[dict] = []

    def add(base: dict, trigger: str, **facts) -> None:
        if not rules.is_on(trigger):
            return
        rows.append({**base, "trigger": trigger, "severity": rules.severity[trigger], **facts})

    first_of_region: dict[str, dict] = {}
    for row in report.to_dict("records"):  # dicts: a pandas row each cost seconds at 40,000 townships (issue 15)
        code, metric = str(row["region_code"]), str(row["metric"])
        first_of_region.setdefault(code, row)
        value, target = _num(row["value"]), _num(row["target"])
        gap = row.get("gap_persons")
        base = {
            "period": period,
            "region_code": code,
            "region_name": row["region_name"],
            "level": row["level"],
            "metric": metric,
            "persons": None if _missing(gap) else int(gap),
            "value": value,
            "target": target,
            "target_by": _num(row["target_by"]),
            "trajectory": _num(row["trajectory"]),
            "gap_pp": _num(row["gap_pp"]),
            "status": None if _missing(row["status"]) else str(row["status"]),
            "comparable": bool(row["comparable"]) if not _missing(row.get("comparable")) else True,
            "carried": 0 if _missing(row.get("carried")) else int(row["carried"]),
        }
        if not _missing(row.get("overdue_months")):
            add(base, "overdue", overdue_since=_num(row["overdue_since"]), overdue_months=_num(row["overdue_months"]))
        if base["status"] == "off_track":
            add(base, "off_track")
        elif base["status"] == "behind":
            add(base, "behind")
        projected, eta, by = _num(row["projected"]), _num(row["eta"]), base["target_by"]
        if (
            target is not None and value is not None and by is not None and projected is not None
            and value < target - TOLERANCE and (eta is None or eta > by)
        ):
            end = plan_end(targets, metric, lineage.get(code, [code]), period)
            add(base, "projected_short", projected=projected, eta=eta, plan_end=end, beyond_plan=eta is None or (end is not None and eta > end))
        before = prev.get((code, metric))
        january = (period - 1) % 12 == 0
        if value is not None and before is not None and not (january and counts_year_to_date(metric)):
            if before - value > rules.drop_points + TOLERANCE:
                add(base, "sudden_drop", previous=before, drop=before - value)
        if value is not None and value > 1 + TOLERANCE:
            add(base, "implausible")

    facts_of = {}
    if overpaid is not None:
        facts_of = {str(r): (int(n), int(p)) for r, n, p in zip(overpaid["region_code"], overpaid["rows"], overpaid["persons"]) if int(n) > 0}
    for code, (count, persons) in facts_of.items():
        if code not in first_of_region or not rules.is_on("implausible"):
            continue
        existing = next((r for r in rows if r["region_code"] == code and r["metric"] == "payment_rate" and r["trigger"] == "implausible"), None)
        if existing is not None:
            existing.update(overpaid_rows=count, overpaid_persons=persons)
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

    frame = pd.DataFrame(rows, columns=list(FACT_COLUMNS))
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


def assess_by_region(values: pd.DataFrame, scheme: Assessment) -> Result:
    """Score every comparable region of ``values`` (the module's input frame) by ``scheme``."""
    full = scheme.full_marks
    score_rows, part_rows, apart_rows = [], [], []
    for row in values.to_dict("records"):
        base = {"region_code": str(row["region_code"]), "region_name": row.get("region_name", ""), "level": row.get("level", "")}
        comparable = row.get("comparable")
        if not _missing_value(comparable) and not bool(comparable):
            apart_rows.append({**base, "why": NOT_COMPARABLE, "reason": row.get("reason") or ""})
            continue
        parts, total, weight_with_data = [], 0.0, 0.0
        for indicator in scheme.indicators:
            key = indicator.key
            value, status = row.get(key), row.get(f"{key}_status")
            target = attainment = None
            if indicator.rule == "share_of_target":
                target, attainment, points = score_share_of_target(indicator, value, row.get(f"{key}_target"))
            else:
                points = score_points_by_status(indicator, status)
            no_data = points is None
            if not no_data:
                total += points
                weight_with_data += indicator.weight
            parts.append(
                {
                    "region_code": base["region_code"], "indicator": key, "value": None if _missing_value(value) else float(value),
                    "target": target, "status": None if _missing_value(status) else str(status), "attainment": attainment,
                    "weight": indicator.weight, "points": 0.0 if no_data and scheme.no_data == "zero" else points, "no_data": no_data,
                }
            )  # fmt: skip
        if weight_with_data == 0:
            apart_rows.append({**base, "why": NO_DATA, "reason": ""})
            continue
        if scheme.no_data == "redistribute":
            scale = full / weight_with_data
            for part in parts:
                if part["points"] is not None:
                    part["points"] = part["points"] * scale
            total *= scale
        score = round(total + 0.0, 2)
        score_rows.append({**base, "score": score, "grade": grade_of(score, scheme.grades), **{f"points_{p['indicator']}": p["points"] for p in parts}})
        part_rows.extend(parts)
    columns = ["region_code", "region_name", "level", "score", "grade", "rank", *(f"points_{i.key}" for i in scheme.indicators)]
    scores = pd.DataFrame(score_rows, columns=[c for c in columns if c != "rank"])
    if not scores.empty:
        scores["rank"] = scores.groupby("level")["score"].rank(method="min", ascending=False).astype("int64")
        scores = scores.sort_values(["level", "rank", "region_code"], kind="stable").reset_index(drop=True)[columns]
    else:
        scores = pd.DataFrame(columns=columns)
    parts = pd.DataFrame(part_rows, columns=["region_code", "indicator", "value", "target", "status", "attainment", "weight", "points", "no_data"])
    apart = pd.DataFrame(apart_rows, columns=["region_code", "region_name", "level", "why", "reason"])
    return Result(scores, parts, apart)


def _grid(units: pd.DataFrame, period: int, language: str) -> pd.DataFrame:
    t = partial(text, language=language)
    if units.empty:
        return pd.DataFrame()
    now = units[units["period"] == period].set_index("region_code")
    words: dict[tuple, str] = {}  # one wording per (status, days late): 240,000 cells share a few dozen
    cell = []
    for status, days in zip(units["status"], units["days_late"]):
        key = (status, None if is_missing(days) else int(days))
        if key not in words:
            words[key] = status_text(status, days, language)
        cell.append(words[key])
    cells = units.assign(cell=cell)
    wide = cells.pivot(index="region_code", columns="period", values="cell").sort_index(axis=1)
    # Units with a late or missing report among the months shown come first (most first), then by code.
    troubled = units[units["status"].isin(["late", "missing"])].groupby("region_code").size().to_dict()
    codes = sorted(set(now.index) | set(wide.index), key=lambda c: (-int(troubled.get(c, 0)), c))
    names = units.drop_duplicates("region_code", keep="last").set_index("region_code")
    # Whole columns, not a lookup per cell: 40,000 units x 6 months were 160,000 pandas lookups on
    # every rerun of the data page (issue 15).
    arrived = now["arrived_at"].reindex(codes) if len(now) else pd.Series(pd.NaT, index=codes)
    frame = pd.DataFrame(
        {
            t("word.region_code"): codes,
            t("word.region"): names["name"].reindex(codes).tolist(),
            t("timely.col.parent"): names["parent_name"].reindex(codes).tolist(),
            t("timely.col.arrived"): ["—" if pd.isna(a) else pd.Timestamp(a).strftime("%Y-%m-%d %H:%M") for a in arrived.tolist()],
        }
    )
    wide = wide.reindex(codes)
    for month in wide.columns:
        frame[period_label(int(month))] = [v if isinstance(v, str) else "—" for v in wide[month].tolist()]
    return frame


_COUNTED = {"new_insured": "insured", "new_employee": "employee_phase", "resident_paid": "resident_paid"}
_SINCE_DECEMBER = {"new_insured": True, "new_employee": True, "resident_paid": False}


def achieved(sums: pd.DataFrame, codes: list[str], year: int, period: int) -> pd.DataFrame:
    """What each region achieved of each kind in ``year`` up to ``period`` (docs/metrics.md, "Tasks in persons").

    - ``new_insured`` = Σ insured (all schemes) at ``period`` − the same at December of ``year - 1``;
    - ``new_employee`` = Σ contribution phase (employee + public) at ``period`` − the same at December of
      ``year - 1``;
    - ``resident_paid`` = Σ paid (resident) at ``period`` (paid counts the year to date: nothing to subtract).

    Sums over the subtree with carried rows (metrics.md §3). None where a side is missing (no snapshot row in the
    subtree at that month). A negative achievement is kept as it is, never clipped. ``period`` must lie in
    ``year`` (ValueError otherwise). Returns :data:`ACHIEVED_COLUMNS`, one row per code and kind, in that order.
    """
    if (int(period) - 1) // 12 != int(year):
        raise ValueError(f"period {period} does not lie in year {year}")
    figures = kind_figures(sums)
    # Plain dicts keyed (code, month): a pandas MultiIndex look-up per region and kind cost 0.3 ms each, 15 s
    # for 10,000 townships (issue 15).
    keys = list(zip(figures["region_code"], figures["period"].astype("int64").tolist()))
    lookup = {column: dict(zip(keys, figures[column].tolist())) for column in _COUNTED.values()}
    start, now = december_before(year), int(period)
    rows = []
    for code in codes:
        for kind in TASK_KIND_KEYS:
            column = _COUNTED[kind]
            at_now = lookup[column].get((code, now), np.nan)
            at_start = lookup[column].get((code, start), np.nan) if _SINCE_DECEMBER[kind] else np.nan
            if _SINCE_DECEMBER[kind]:
                value = at_now - at_start if not (pd.isna(at_now) or pd.isna(at_start)) else np.nan
            else:
                value = at_now
            rows.append((code, kind, value, at_start, at_now))
    frame = pd.DataFrame(rows, columns=list(ACHIEVED_COLUMNS))
    for column in ("achieved", "at_start", "at_period"):
        frame[column] = _whole(frame[column])
    return frame


def _whole(values: pd.Series) -> pd.Series:
    values = pd.to_numeric(values, errors="coerce").astype("float64")
    return pd.Series(pd.array([None if pd.isna(v) else int(round(v)) for v in values], dtype="Int64"), index=values.index)


def task_table(tasks: pd.DataFrame, regions: pd.DataFrame, achieved_frame: pd.DataFrame) -> pd.DataFrame:
    """One row per listed region and kind: ``region_code, region_name, level, parent_code, task_kind, task,
    achieved, completion, remaining`` (``remaining`` = task − achieved, never below 0; none where either is
    missing). ``regions``: the listed regions (``code, name, level, parent_code``), in their order;
    ``tasks``: a year's tasks; ``achieved_frame``: :func:`achieved`.
    """
    base = achieved_frame[["region_code", "task_kind", "achieved"]].merge(
        tasks[["region_code", "task_kind", "task"]], on=["region_code", "task_kind"], how="left"
    )
    names = regions.set_index("code")
    base["region_name"] = base["region_code"].map(names["name"])
    base["level"] = base["region_code"].map(names["level"])
    base["parent_code"] = base["region_code"].map(names["parent_code"])
    base["task"] = pd.array([None if pd.isna(v) else int(v) for v in base["task"]], dtype="Int64")
    base["completion"] = pd.array(
        [completion(a, t) for a, t in zip(base["achieved"], base["task"])], dtype="Float64"
    )
    base["remaining"] = pd.array(
        [None if pd.isna(a) or pd.isna(t) else max(int(t) - int(a), 0) for a, t in zip(base["achieved"], base["task"])],
        dtype="Int64",
    )
    order = {code: i for i, code in enumerate(regions["code"])}
    kinds = {key: i for i, key in enumerate(TASK_KIND_KEYS)}
    base = base.assign(_o=base["region_code"].map(order), _k=base["task_kind"].map(kinds)).sort_values(["_o", "_k"])
    columns = ["region_code", "region_name", "level", "parent_code", "task_kind", "task", "achieved", "completion", "remaining"]
    return base[columns].reset_index(drop=True)


def withhold_not_comparable(
    table: pd.DataFrame, above: pd.DataFrame, schemes_by_kind: dict[str, tuple[str, ...] | None]
) -> pd.DataFrame:
    """``table`` (:func:`task_table`) with ``comparable`` (bool) and ``reported_above`` added, and ``achieved``,
    ``completion`` and ``remaining`` set to none where the region is not comparable for the kind's metric.

    The rule (docs/metrics.md, "Tasks in persons", after §3 "Comparable"): a region's achievement of a kind is
    shown only where no strict ancestor holds a row, at December of the year before or at the month counted, for
    a scheme the kind's metric sums (``new_insured`` ↔ coverage_rate, ``new_employee`` ↔ employee_share,
    ``resident_paid`` ↔ payment_rate). Otherwise its subtree sums leave out persons an ancestor counts, and a
    township under a county reporting the employee schemes would show a completion like −940%.

    ``above``: ``region_code, ancestor_code, ancestor_name, schemes`` at either end (``data.queries.
    reported_above``, both months concatenated); ``schemes_by_kind``: per kind the schemes its metric sums
    (None: all three). ``reported_above`` is ``((ancestor_code, ancestor_name, (scheme, ...)), ...)`` (the
    shape ``present.honest`` reads), ``()`` where comparable.
    """
    by_code: dict[str, dict[tuple[str, str], set[str]]] = {}
    for row in above.itertuples(index=False):
        ancestors = by_code.setdefault(str(row.region_code), {})
        ancestors.setdefault((str(row.ancestor_code), str(row.ancestor_name)), set()).update(row.schemes)

    def notes(code: str, kind: str) -> tuple:
        summed = schemes_by_kind.get(kind)
        found = []
        for (ancestor, name), schemes in sorted(by_code.get(str(code), {}).items()):
            kept = tuple(sorted(s for s in schemes if summed is None or s in summed))
            if kept:
                found.append((ancestor, name, kept))
        return tuple(found)

    out = table.copy()
    reported = [notes(c, k) for c, k in zip(out["region_code"], out["task_kind"])]
    out["reported_above"] = pd.Series(reported, index=out.index, dtype=object)
    out["comparable"] = [not r for r in reported]
    hidden = ~out["comparable"].astype(bool)
    for column in ("achieved", "completion", "remaining"):
        out.loc[hidden, column] = pd.NA
    return out


def township_status(
    regions: pd.DataFrame,
    subs: pd.DataFrame,
    locks: dict[int, Lock],
    root: str,
    period: int,
    language: str,
    with_figures: frozenset[str] | set[str] = frozenset(),
) -> pd.DataFrame:
    """(present.approvals, before cold6) One row per township under ``root`` (itself included if a township) for month ``period`` (month index).

    A township's submission is the newest import whose submission names the township, or names its
    county (a county reporter's upload covers its townships). Columns, in ``language``: code, township,
    county, status, import, submitted by/at, reviewed by/at, the reason of a return, and the lock of the
    month with its account. Sorted by status (awaiting review first, per :data:`STATUS_ORDER`), then code.
    ``regions``: ``code, name, level, parent_code, lineage``; ``subs``: ``data.approval.submissions``.
    ``with_figures``: the codes with snapshot rows at ``period``. A township without a submission whose
    subtree has figures reads ``imported`` (the office or the administrator imported them: no review is
    due), not ``none`` (nothing there).
    """

    def say(key: str, **values) -> str:
        return text(key, language, **values)

    inside = regions[regions["lineage"].map(lambda lineage: root in list(lineage))]
    towns = inside[inside["level"] == "township"].sort_values("code")
    names = dict(zip(regions["code"], regions["name"]))
    number = "submission_id" if "submission_id" in subs.columns else "import_id"  # the review's number (data.approval)
    month = subs[subs["period"] == period].sort_values(number, ascending=False)
    newest = month.drop_duplicates("region_code").set_index("region_code")
    lock = locks.get(period)
    # Headers and words once, not twelve catalog look-ups per township (40,000 a rerun, issue 15).
    col = {name: say(f"approve.col.{name}") for name in (
        "code", "township", "county", "status", "import_id", "by", "submitted_at", "reviewer", "reviewed_at", "reason", "lock"
    )}
    status_words = {key: say(f"approve.status.{key}") for key in STATUS_ORDER}
    lock_cell = say("approve.lock_cell", account=lock.account) if lock else ""
    lineages = dict(zip(regions["code"], regions["lineage"])) if with_figures else {}
    covered = {code for held in with_figures for code in lineages.get(held, (held,))}  # a row counts for its ancestors
    rows = []
    for town in towns.itertuples():
        record = newest.loc[town.code] if town.code in newest.index else None
        if record is None and town.parent_code in newest.index:
            record = newest.loc[town.parent_code]
        key = status_of(
            None if record is None else record["status"],
            None if record is None else record["rolled_back_at"],
            record is not None and bool(record.get("held", False)),
        )
        if key == "none" and town.code in covered:
            key = "imported"
        rows.append(
            {
                "key": key,
                col["code"]: town.code,
                col["township"]: town.name,
                col["county"]: names.get(town.parent_code, ""),
                col["status"]: status_words[key] if key in status_words else say(f"approve.status.{key}"),
                col["import_id"]: None if record is None else int(record[number]),
                col["by"]: "" if record is None else record["by_account"],
                col["submitted_at"]: "" if record is None else _moment(record["submitted_at"]),
                col["reviewer"]: "" if record is None or pd.isna(record["reviewer"]) else record["reviewer"],
                col["reviewed_at"]: "" if record is None else _moment(record["reviewed_at"]),
                col["reason"]: "" if record is None or pd.isna(record["reason"]) else record["reason"],
                col["lock"]: lock_cell,
            }
        )
    columns = list(col.values())
    table = pd.DataFrame(rows, columns=["key", *columns])
    table[say("approve.col.import_id")] = table[say("approve.col.import_id")].astype("Int64")  # blank, not NaN, where none
    if not table.empty:
        table["order"] = table["key"].map(STATUS_ORDER.index)
        table = table.sort_values(["order", say("approve.col.code")], kind="stable").drop(columns="order")
    return table.reset_index(drop=True)


def county_of_by_lookup(regions: pd.DataFrame) -> pd.DataFrame:
    """(metrics.warnings.county_of, before cold6) ``code, county_code, county_name``: the county in each region's lineage (itself if a county;
    none above the county level). ``regions``: ``code, name, level, lineage`` (``data.queries.regions``)."""
    levels = regions.set_index("code")["level"].to_dict()
    names = regions.set_index("code")["name"].to_dict()
    rows = []
    for code, lineage in zip(regions["code"], regions["lineage"]):
        county = next((c for c in list(lineage) if levels.get(c) == "county"), None)
        rows.append((code, county, names.get(county) if county else None))
    return pd.DataFrame(rows, columns=["code", "county_code", "county_name"])
