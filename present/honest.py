"""The words that keep a picture honest (issue 8): estimates, regions that are not comparable,
missed deadlines, unchanged values and regions that were abolished.

Pure: report rows and a translator in, sentences out, so the dashboard
(``ui.i18n.t``) and the exports (``present.texts.Texts.t``) say the same
thing. No streamlit here.

The columns read come from the report (``data.report.metrics_report``):
``carried`` (int: (region, scheme) pairs counted through a carried row, spec
§3 "Carried rows"), ``comparable`` (bool, spec §3 "Comparable"),
``reported_above`` (``((ancestor_code, ancestor_name, (scheme, ...)), ...)``
for a region that is not comparable), ``overdue_since`` and
``overdue_months`` (NaN when the target is not overdue). A report without
them (an older engine) reads as: nothing carried, everything comparable,
nothing overdue.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import pandas as pd

from metrics.periods import period_label
from present.formatting import IMPLAUSIBLE_MARK, is_implausible_rate

Translate = Callable[..., str]  # (catalog key, **values) -> text
CHANGE_DECIMALS = 2


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(math.isnan(value))  # type: ignore[arg-type]
    except TypeError:
        return False


# --------------------------------------------------------------------------- estimates


def carried_count(row: pd.Series | dict | None) -> int:
    """The ``carried`` of a report row or series row, 0 where missing."""
    if row is None:
        return 0
    value = row.get("carried") if hasattr(row, "get") else None
    return 0 if _missing(value) else int(value)


def is_estimated(row: pd.Series | dict | None) -> bool:
    """True where the figure counts carried rows: it is an estimate and must look like one."""
    return carried_count(row) > 0


def estimated_suffix(row: pd.Series | dict | None, t: Translate) -> str:
    """``"（估算）"`` after a value that counts carried rows, else ``""``."""
    return t("honest.estimated_suffix") if is_estimated(row) else ""


def carried_footnotes(series: pd.DataFrame, t: Translate, months: Iterable[int] | None = None) -> list[str]:
    """One footnote per month whose figure counts carried rows, oldest first.

    ``series``: ``period, carried`` (one region, one metric; other columns
    ignored); ``months``: the months shown (default: all). ``"2026-08：1 项
    报表未报，沿用此前数据（估算）"``.
    """
    if series is None or series.empty or "carried" not in series:
        return []
    rows = series[["period", "carried"]].dropna()
    if months is not None:
        rows = rows[rows["period"].isin(list(months))]
    rows = rows[rows["carried"].astype("float64") > 0].drop_duplicates("period").sort_values("period")
    return [t("honest.carried_footnote", period=period_label(int(p)), count=int(c)) for p, c in zip(rows["period"], rows["carried"])]


# --------------------------------------------------------------------------- comparable


def is_comparable(row: pd.Series | dict | None) -> bool:
    if row is None:
        return True
    value = row.get("comparable") if hasattr(row, "get") else None
    return True if _missing(value) else bool(value)


def _above(row: pd.Series | dict) -> tuple:
    value = row.get("reported_above") if hasattr(row, "get") else None
    return tuple(value) if isinstance(value, (tuple, list)) else ()


def _scheme_list(schemes: Sequence[str], t: Translate) -> str:
    return t("honest.list_sep").join(t(f"scheme.{s}") for s in schemes)


def not_comparable_notes(rows: pd.DataFrame, metric: str, t: Translate) -> list[str]:
    """One note per ancestor that reports schemes of ``metric`` itself, naming it and the schemes.

    ``rows``: report rows (any metrics; only ``metric``'s not-comparable rows
    are read). Empty where every region is comparable for ``metric``: the
    note never appears on a metric it does not concern (issue 8: the
    payment rate counts residents only, so a county reporting the employee
    schemes leaves its townships comparable for it).
    """
    if rows is None or rows.empty or "comparable" not in rows:
        return []
    mine = rows[(rows["metric"] == metric)]
    mine = mine[[not is_comparable({"comparable": value}) for value in mine["comparable"]]]  # the few, before any row is read
    groups: dict[tuple, int] = {}
    for row in mine.to_dict("records"):
        for ancestor_code, ancestor_name, schemes in _above(row) or (("", "", ()),):
            key = (str(ancestor_code), str(ancestor_name), tuple(schemes))
            groups[key] = groups.get(key, 0) + 1
    notes = []
    for (_, name, schemes), count in groups.items():
        key = "honest.not_comparable" if count > 1 else "honest.not_comparable_one"
        notes.append(t(key, ancestor=name, schemes=_scheme_list(schemes, t), count=count))
    return notes


def region_not_comparable_note(row: pd.Series | dict | None, t: Translate) -> str | None:
    """The note for one region's card or tile; none where it is comparable."""
    if row is None or is_comparable(row):
        return None
    parts = [
        t("honest.not_comparable_one", ancestor=name, schemes=_scheme_list(schemes, t), count=1)
        for _, name, schemes in _above(row)
    ]
    return " ".join(parts) or t("status.not_comparable")


# --------------------------------------------------------------------------- overdue


def overdue_months(row: pd.Series | dict | None) -> int | None:
    """Months since the missed deadline, none where the target is not overdue."""
    if row is None:
        return None
    value = row.get("overdue_months") if hasattr(row, "get") else None
    return None if _missing(value) else int(value)


def overdue_text(row: pd.Series | dict | None, t: Translate) -> str | None:
    """``"逾期 10 个月，现需 1,234 人"``: the missed deadline and the persons needed now; none if not overdue."""
    months = overdue_months(row)
    if months is None:
        return None
    persons = row.get("gap_persons")
    if _missing(persons):
        return t("honest.overdue_only", months=months)
    return t("honest.overdue", months=months, persons=f"{int(persons):,}")


def implausible_text(row: pd.Series | dict | None, t: Translate) -> str | None:
    """``"⚠ 超过 100%，数据不合理，请核实"``: a rate above 100% (issue 9 point 1: a total row counted
    twice, or a population figure too low), said wherever the row is listed; none otherwise."""
    if row is None or not is_implausible_rate(row.get("value")):
        return None
    return t("honest.implausible", mark=IMPLAUSIBLE_MARK)


# --------------------------------------------------------------------------- changes


def change_parts(change: float | None, t: Translate, decimals: int = CHANGE_DECIMALS) -> tuple[str, str] | None:
    """A month-on-month change with its unit, and its direction (``up``, ``down``, ``flat``).

    A change that rounds to nothing reads ``持平`` (unchanged), never a red
    ``↓ -0.00`` (issue 8); every other change carries its unit (个百分点 / pp).
    """
    if _missing(change):
        return None
    points = round(float(change) * 100, decimals)
    if points == 0:
        return t("honest.unchanged"), "flat"
    return t("honest.points", change=f"{points:+.{decimals}f}"), ("up" if points > 0 else "down")


# --------------------------------------------------------------------------- abolished regions


def region_change_notes(changes: pd.DataFrame | None, codes: Iterable[str], t: Translate) -> list[str]:
    """``"越州镇已于 2026-11 变更为越州街道（530302014）"`` for each listed code that was abolished.

    ``changes``: ``code, name, abolished (month index), successor,
    successor_name`` (``data.queries.region_changes``).
    """
    if changes is None or changes.empty:
        return []
    wanted = {str(c) for c in codes}
    rows = changes[changes["code"].astype(str).isin(wanted)].sort_values("code")
    notes = []
    for _, row in rows.iterrows():
        abolished = None if _missing(row.get("abolished")) else period_label(int(row["abolished"]))
        if _missing(row.get("successor")):
            notes.append(t("honest.abolished", name=row["name"], period=abolished or "—"))
        else:
            notes.append(
                t("honest.renamed", name=row["name"], successor=row.get("successor_name") or row["successor"], code=row["successor"], period=abolished or "—")
            )
    return notes


def attach_reported_above(report: pd.DataFrame, above: pd.DataFrame, metric_schemes: dict[str, tuple[str, ...] | None]) -> pd.DataFrame:
    """``report`` with ``reported_above`` filled in where the engine left it out.

    ``above``: ``region_code, ancestor_code, ancestor_name, schemes``
    (``data.queries.reported_above``); ``metric_schemes``: the schemes each
    metric sums (None: all three). A row that is not comparable gets
    ``((ancestor_code, ancestor_name, schemes it sums that the ancestor
    reports), ...)``; every other row ``()``. A report that already has the
    column, or has no ``comparable``, is returned as it is.
    """
    if report.empty or "reported_above" in report or "comparable" not in report:
        return report
    by_code: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
    for _, row in above.iterrows():
        by_code.setdefault(str(row["region_code"]), []).append((str(row["ancestor_code"]), str(row["ancestor_name"]), tuple(row["schemes"])))

    def notes(row: dict) -> tuple:
        if is_comparable(row):
            return ()
        summed = metric_schemes.get(str(row["metric"]))
        found = []
        for code, name, schemes in by_code.get(str(row["region_code"]), []):
            kept = tuple(s for s in schemes if summed is None or s in summed)
            if kept:
                found.append((code, name, kept))
        return tuple(found)

    report = report.copy()
    # Only the rows that are not comparable are read, as dicts (40,000 townships: 120,000 pandas rows
    # cost seconds on each first read, issue 15); every other row is ().
    values: list[tuple] = [()] * len(report)
    apart = [position for position, value in enumerate(report["comparable"]) if not is_comparable({"comparable": value})]
    for position, row in zip(apart, report.iloc[apart][["comparable", "metric", "region_code"]].to_dict("records")):
        values[position] = notes(row)
    report["reported_above"] = pd.Series(values, index=report.index, dtype=object)
    return report


def metric_schemes(targets) -> dict[str, tuple[str, ...] | None]:
    """The schemes each metric sums under the global targets (``employee_share`` always all three)."""
    from metrics.registry import METRIC_KEYS

    out: dict[str, tuple[str, ...] | None] = {}
    for metric in METRIC_KEYS:
        entry = targets.for_region(metric, ())
        out[metric] = None if entry is None or metric == "employee_share" else entry.schemes
    return out


def report_with_notes(con, targets, report: pd.DataFrame, period: int) -> pd.DataFrame:
    """``report`` with ``reported_above`` (see :func:`attach_reported_above`), read on ``con``."""
    if report.empty or "reported_above" in report or "comparable" not in report:
        return report
    from data import queries

    codes = sorted(report.loc[~report["comparable"].astype(bool), "region_code"].astype(str).unique())
    if not codes or not hasattr(queries, "reported_above"):
        return report
    above = queries.reported_above(con, codes, int(period), int(getattr(targets, "carry_forward_months", 0) or 0))
    return attach_reported_above(report, above, metric_schemes(targets))
