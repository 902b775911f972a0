"""Reporting timeliness (报送及时率, issue 13 point 2) as shown: the view builder of the data page's section.

``data.timeliness.timeliness_rates`` in (units and rates, persons-free: counts of reporting units and
fractions), frames and sentences in one language out; no streamlit, so the same view is tested
without AppTest and the bulletin reuses the words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from metrics.periods import period_label
from metrics.timeliness import TIMELINESS_STATUSES, due_date
from present.catalog import text
from present.downloads import csv_bytes, xlsx_bytes
from present.formatting import format_rate, is_missing


def status_text(status: str, days_late: object, language: str) -> str:
    """``按时`` / ``逾期 8 天`` / ``未报`` / ``未到期`` (``—`` for no status)."""
    if is_missing(status):
        return "—"
    if status == "late":
        return text("timely.status.late", language, days=int(days_late))
    return text(f"timely.status.{status}", language)


def _date(day: dt.date, language: str) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if language == "zh" else day.isoformat()


@dataclass(frozen=True)
class TimelinessView:
    period: int
    counts: dict[str, int]  # status -> units of the root's subtree at ``period``
    rate: float | None  # the root's timeliness rate at ``period`` (None: nothing due)
    summary: str  # the sentence under the title
    rule: str  # how it is counted
    months: pd.DataFrame  # per month: month, completeness, timeliness rate, counts (headers in the language)
    grid: pd.DataFrame  # per unit (late or missing ones first): code, name, parent, arrival at ``period``, one status column per month


def timeliness_view(
    units: pd.DataFrame,
    rates: pd.DataFrame,
    root: str,
    period: int,
    due_day: int,
    language: str,
    completeness: pd.DataFrame | None = None,
) -> TimelinessView:
    """The data page's timeliness section for ``root`` at ``period`` (month index).

    ``units``/``rates``: ``data.timeliness.timeliness_rates`` over the months to show (``period`` among
    them); ``completeness``: ``period, completeness`` (``metrics.quality.completeness_by_period``) to
    set beside the rate, or None.
    """
    t = partial(text, language=language)
    own = rates[rates["region_code"] == str(root)].set_index("period")
    counts = {s: int(own.at[period, s]) if period in own.index else 0 for s in TIMELINESS_STATUSES}
    rate = None if period not in own.index or pd.isna(own.at[period, "rate"]) else float(own.at[period, "rate"])
    complete = {} if completeness is None else dict(zip(completeness["period"], completeness["completeness"]))
    summary = t(
        "timely.summary", period=period_label(period), due=_date(due_date(period, due_day), language),
        rate=format_rate(rate), completeness=format_rate(complete.get(period)), **counts,
    )
    months = pd.DataFrame(
        {
            t("timely.col.month"): [period_label(p) for p in own.index],
            t("timely.col.due"): [_date(due_date(p, due_day), language) for p in own.index],
            t("word.completeness"): [format_rate(complete.get(p)) for p in own.index],
            t("timely.word.rate"): [format_rate(None if pd.isna(r) else r) for r in own["rate"]],
            **{t(f"timely.col.{s}"): own[s].astype("int64").to_list() for s in TIMELINESS_STATUSES},
        }
    )
    grid = _grid(units, period, language)
    return TimelinessView(period, counts, rate, summary, t("timely.rule", day=due_day), months, grid)


def _grid(units: pd.DataFrame, period: int, language: str) -> pd.DataFrame:
    t = partial(text, language=language)
    if units.empty:
        return pd.DataFrame()
    now = units[units["period"] == period].set_index("region_code")
    # One wording per (status, days late), worded at its first cell: 240,000 cells share a few dozen
    # (issue 15: found by whole columns, not a dict look-up per cell).
    status_codes, _ = pd.factorize(units["status"].to_numpy(dtype=object), use_na_sentinel=False)
    days = units["days_late"].to_numpy(dtype="float64", na_value=np.nan)
    keys = np.stack([status_codes.astype("float64"), np.where(np.isnan(days), -1.0, days)], axis=1)
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    statuses, raw_days = units["status"].tolist(), units["days_late"].tolist()
    words = np.array([status_text(statuses[i], raw_days[i], language) for i in first], dtype=object)
    cells = units.assign(cell=words[inverse.ravel()])
    wide = cells.pivot(index="region_code", columns="period", values="cell").sort_index(axis=1)
    # Units with a late or missing report among the months shown come first (most first), then by code.
    troubled = units[units["status"].isin(["late", "missing"])].groupby("region_code").size().to_dict()
    codes = sorted(set(now.index.tolist()) | set(wide.index.tolist()), key=lambda c: (-int(troubled.get(c, 0)), c))
    names = units.drop_duplicates("region_code", keep="last").set_index("region_code")
    # Whole columns, not a lookup per cell: 40,000 units x 6 months were 160,000 pandas lookups on
    # every rerun of the data page (issue 15).
    arrived = now["arrived_at"].reindex(codes) if len(now) else pd.Series(pd.NaT, index=codes)
    frame = pd.DataFrame(
        {
            t("word.region_code"): codes,
            t("word.region"): names["name"].reindex(codes).tolist(),
            t("timely.col.parent"): names["parent_name"].reindex(codes).tolist(),
            t("timely.col.arrived"): pd.to_datetime(arrived).dt.strftime("%Y-%m-%d %H:%M").fillna("—").tolist(),
        }
    )
    wide = wide.reindex(codes)
    for month in wide.columns:
        frame[period_label(int(month))] = [v if isinstance(v, str) else "—" for v in wide[month].tolist()]
    return frame


@dataclass(frozen=True)
class UnreportedView:
    period: int
    count: int
    message: str  # the text ready to send ("" when everyone has reported)
    table: pd.DataFrame  # code, name, parent, status; headers in the language
    file_stem: str
    sheet: str = ""  # the workbook's sheet name

    # The files are built when asked for (a national list is written on click, issue 15).
    @property
    def csv(self) -> bytes:
        return csv_bytes(self.table)

    @property
    def xlsx(self) -> bytes:
        return xlsx_bytes(self.table, sheet=self.sheet, title=self.message or None)


def unreported_view(units: pd.DataFrame, root_name: str, period: int, due_day: int, language: str, today: dt.date) -> UnreportedView:
    """Who has not reported month ``period`` yet (no arrival: ``missing`` or ``not_due``), as a sentence
    ready to send, grouped by parent ("以下乡镇尚未报送2026年11月数据：麒麟区：南宁街道、…"), and as a table
    with CSV/XLSX bytes. ``units``: ``data.timeliness.arrivals`` rows (other months are ignored)."""
    from present.charts import file_stem

    t = partial(text, language=language)
    month = units[(units["period"] == period) & units["arrived_at"].isna()].sort_values(["group_code", "region_code"])
    due = due_date(period, due_day)
    table = pd.DataFrame(
        {
            t("word.region_code"): month["region_code"].to_list(),
            t("word.region"): month["name"].to_list(),
            t("timely.col.parent"): month["parent_name"].to_list(),
            t("timely.col.due"): [_date(due, language)] * len(month),
            t("timely.col.status"): [status_text(s, None, language) for s in month["status"]],
        }
    )
    message = ""
    if not month.empty:
        colon = "：" if language == "zh" else ": "
        sep = t("timely.name_sep")
        plain: list[str] = []  # units that are children of the root themselves, listed together
        groups: list[str] = []  # the others by the child of the root they lie under (a county under a city)
        for code, group in month.groupby("group_code", sort=False):
            if code in set(group["region_code"]):
                plain.extend(group["name"])
            else:
                groups.append(f"{group['group_name'].iloc[0]}{colon}{sep.join(group['name'])}")
        if plain:
            groups.insert(0, sep.join(plain))
        unit = t("timely.unit.township") if set(month["level"]) == {"township"} else t("timely.unit.other")
        year, mon = divmod(period - 1, 12)
        message = t(
            "timely.unreported_text", unit=unit, month=f"{year}年{mon + 1}月" if language == "zh" else period_label(period),
            names=t("timely.county_sep").join(groups), due=_date(due, language),
            overdue=t("timely.unreported_overdue") if today > due else "",
        )
    stem = file_stem(root_name, t("timely.file_kind"), period_label(period))
    return UnreportedView(period, len(month), message, table, stem, t("timely.sheet"))
