"""The warnings list in words (预警, issue 13 point 1): no streamlit.

``metrics.warnings.warning_facts`` (via ``data.warnings.warnings_report``) gives the rows and their
figures; this module writes each row's reason in Chinese and English with the numbers filled in
(:func:`reason`), shapes the frame the command line prints (:func:`export_frame`) and the page shows
(:func:`warnings_view`, with its filters by trigger, county and severity).

A region that is not comparable (metrics.md §3) carries the note saying which ancestor reports which
scheme; no reason is ever worded by rank.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import pandas as pd

from metrics.targets_warnings import SEVERITIES, TRIGGERS
from metrics.warnings import count_by_severity
from present.catalog import level_label, metric_label, text
from present.formatting import format_month, format_persons, format_rate
from present.honest import region_not_comparable_note


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _points(fraction: float) -> str:
    """Percentage points: one decimal, two below 0.1 (so a lag of 0.04 points never reads "0.0")."""
    points = abs(float(fraction)) * 100
    return f"{points:.1f}" if points >= 0.1 or points == 0 else f"{points:.2f}"


def trigger_label(trigger: str, language: str) -> str:
    return text(f"warn.trigger.{trigger}", language)


def severity_label(severity: str, language: str) -> str:
    return text(f"warn.severity.{severity}", language)


def reason(row: pd.Series | dict, language: str, *, drop_points: float = 0.02, pool_below: float = 1.0) -> str:
    """The reason of one warning row (``metrics.warnings.FACT_COLUMNS``) in ``language``, numbers
    filled in: ``"参保率 91.2%，低于进度线 2.6 个百分点，距 2025-12 目标 95.0% 还需 1,234 人"``.
    ``drop_points`` and ``pool_below`` are the thresholds in force (for the sudden-drop and pool texts)."""
    t = partial(text, language=language)
    get = row.get
    trigger, metric = get("trigger"), get("metric") or ""
    name = metric_label(metric, language) if metric else ""
    value, target = get("value"), get("target")
    common = {
        "metric": name,
        "value": format_rate(value, target),
        "target": format_rate(target),
        "target_by": format_month(get("target_by")),
        "persons": format_persons(get("persons"), none="0"),
    }
    if trigger in ("off_track", "behind"):
        ref = get("trajectory")
        ref = target if _missing(ref) else ref
        words = t("warn.reason.lag", points=_points(float(ref) - float(value)), **common)
    elif trigger == "overdue":
        words = t("warn.reason.overdue", since=format_month(get("overdue_since")), months=int(get("overdue_months")), **common)
    elif trigger == "projected_short":
        key = "warn.reason.projected_beyond" if bool(get("beyond_plan")) else "warn.reason.projected_late"
        words = t(key, eta=format_month(get("eta")), projected=format_rate(get("projected")), **common)
    elif trigger == "sudden_drop":
        words = t("warn.reason.drop", previous=format_rate(get("previous")), points=_points(get("drop")), threshold=_points(drop_points), **common)
    elif trigger == "implausible":
        parts = []
        if not _missing(value) and float(value) > 1 + 1e-9:
            parts.append(t("warn.reason.rate_above", **common))
        if not _missing(get("overpaid_rows")):
            parts.append(t("warn.reason.overpaid", rows=int(get("overpaid_rows")), persons=format_persons(get("overpaid_persons"))))
        words = ("；" if language == "zh" else "; ").join(parts)
    elif trigger == "missing_report":
        completeness = float(get("completeness"))
        words = t("warn.reason.missing_leaf") if completeness <= 0 else t("warn.reason.missing_part", completeness=format_rate(completeness))
    elif trigger == "carried_again":
        words = t("warn.reason.carried", months=int(get("carried_months")), pairs=int(get("carried_pairs")))
    elif trigger == "pool_short":
        words = t(
            "warn.reason.pool", remaining=format_persons(get("pool_remaining")), sufficiency=f"{float(get('pool_sufficiency')):.2f}",
            threshold=f"{pool_below:g}", **common,
        )
    elif trigger == "late_report":
        words = t("warn.reason.late", days=int(get("days_late")))
    else:  # pragma: no cover - every trigger of TRIGGERS is worded above
        raise ValueError(f"unknown trigger {trigger!r}")
    if trigger not in ("missing_report", "carried_again", "late_report") and not _missing(get("carried")) and int(get("carried")) > 0:
        words += t("honest.estimated_suffix")  # the figure counts a carried-forward report (issue 8)
    note = None
    if not _missing(get("comparable")) and not bool(get("comparable")):
        note = region_not_comparable_note({"comparable": False, "reported_above": get("reported_above") or ()}, t)
    return words + (t("warn.reason.note", note=note.rstrip("。.")) if note else "")


def with_reasons(facts: pd.DataFrame, rules=None) -> pd.DataFrame:
    """``facts`` with ``reason_zh`` and ``reason_en``; ``rules``: the ``warnings:`` section in force."""
    drop = getattr(rules, "drop_points", 0.02)
    below = getattr(rules, "pool_sufficiency_below", 1.0)
    out = facts.copy()
    records = facts.to_dict("records")  # plain dicts: a pandas row per warning is 10x slower (issue 15)
    out["reason_zh"] = [reason(row, "zh", drop_points=drop, pool_below=below) for row in records]
    out["reason_en"] = [reason(row, "en", drop_points=drop, pool_below=below) for row in records]
    return out


#: The command line's columns (``kuomian warnings --format csv``), in this order.
EXPORT_COLUMNS: tuple[str, ...] = (
    "period", "region_code", "region_name", "level", "county_code", "county_name",
    "metric", "trigger", "severity", "persons", "reason_zh", "reason_en",
)


def export_frame(facts: pd.DataFrame, rules=None) -> pd.DataFrame:
    """The rows as the command line writes them: :data:`EXPORT_COLUMNS`, the month as ``YYYY-MM``."""
    out = with_reasons(facts, rules) if len(facts) else facts.assign(reason_zh=[], reason_en=[])
    out = out[list(EXPORT_COLUMNS)].copy()
    out["period"] = out["period"].map(format_month)
    return out


# --------------------------------------------------------------------------- the page's table


#: Display columns, in this order: key -> catalog key of its header.
DISPLAY_HEADERS: dict[str, str] = {
    "severity": "warn.col.severity",
    "trigger": "warn.col.trigger",
    "region_name": "warn.col.region",
    "county_name": "warn.col.county",
    "metric": "warn.col.metric",
    "persons": "warn.col.persons",
    "region_code": "warn.col.code",
    "level": "warn.col.level",
    "reason": "warn.col.reason",  # last: the widest, it takes the rest of the row
}


# Warnings worded and drawn at once: a province's list (622 in the demo) on one page, a national
# one (30,000) a page at a time (issue 15 point 5).
WARNINGS_PAGE_SIZE = 1_000


@dataclass(frozen=True)
class WarningsView:
    display: pd.DataFrame  # the filtered rows (one page of them where a page was asked for), headers in one language
    headers: dict[str, str]  # column key -> header shown
    counts: dict[str, int]  # severity -> count among the filtered rows
    total: int  # rows before filtering
    triggers: tuple[str, ...]  # triggers present, TRIGGERS order (the filter's options)
    counties: tuple[tuple[str, str], ...]  # (code, name) present (the filter's options)
    rows: int = 0  # rows after filtering (``display`` holds one page of them where a page was asked for)

    def detail(self, row: int) -> str:
        """One warning in full, for the line under the table (the table cuts long reasons off):
        ``"<severity>｜<region> <code>（<county>）：<reason>"``; empty for a row that is not there."""
        if not 0 <= row < len(self.display):
            return ""
        cells = self.display.iloc[row]
        h = self.headers
        return f"{cells[h['severity']]}｜{cells[h['region_name']]} {cells[h['region_code']]}（{cells[h['county_name']]}）：{cells[h['reason']]}"


def display_frame(facts: pd.DataFrame, language: str, rules=None) -> tuple[pd.DataFrame, dict[str, str]]:
    """The rows with labels and reasons in ``language``, columns :data:`DISPLAY_HEADERS`' headers."""
    headers = {key: text(catalog_key, language) for key, catalog_key in DISPLAY_HEADERS.items()}
    drop = getattr(rules, "drop_points", 0.02)
    below = getattr(rules, "pool_sufficiency_below", 1.0)
    frame = pd.DataFrame(
        {
            "severity": [severity_label(s, language) for s in facts["severity"]],
            "trigger": [trigger_label(t, language) for t in facts["trigger"]],
            "region_name": facts["region_name"].astype(str).tolist(),
            "county_name": [("—" if _missing(c) else str(c)) for c in facts["county_name"]],
            "metric": [metric_label(m, language) if m else text("warn.all_metrics", language) for m in facts["metric"]],
            "persons": pd.array(facts["persons"], dtype="Int64"),
            "region_code": facts["region_code"].astype(str).tolist(),
            "level": [level_label(lv, language) for lv in facts["level"]],
            "reason": [reason(row, language, drop_points=drop, pool_below=below) for row in facts.to_dict("records")],
        }
    )
    return frame.rename(columns=headers), headers


def filter_facts(
    facts: pd.DataFrame,
    *,
    triggers: Sequence[str] = (),
    counties: Sequence[str] = (),
    severities: Sequence[str] = (),
) -> pd.DataFrame:
    """The rows whose trigger, county code and severity are among those given (empty: any)."""
    keep = pd.Series(True, index=facts.index)
    if triggers:
        keep &= facts["trigger"].isin(list(triggers))
    if counties:
        keep &= facts["county_code"].isin(list(counties))
    if severities:
        keep &= facts["severity"].isin(list(severities))
    return facts[keep].reset_index(drop=True)


def warnings_view(
    facts: pd.DataFrame,
    language: str,
    *,
    triggers: Sequence[str] = (),
    counties: Sequence[str] = (),
    severities: Sequence[str] = (),
    rules=None,
    page: int | None = None,
    size: int | None = None,
) -> WarningsView:
    """The page's table: ``facts`` filtered, worded in ``language``, with the counts per severity.

    ``page`` (from 1, clipped; None: every row): only that page of ``size`` rows
    (:data:`WARNINGS_PAGE_SIZE`) is worded, the counts still cover every filtered row (issue 15
    point 5: 30,000 national warnings are not worded, styled and sent on each rerun)."""
    from present.paging import page_of

    chosen = filter_facts(facts, triggers=triggers, counties=counties, severities=severities)
    shown = chosen if page is None else page_of(chosen, page, size or WARNINGS_PAGE_SIZE)
    display, headers = display_frame(shown, language, rules)
    triggers_present, counties_present = filter_options(facts)
    return WarningsView(
        display=display,
        headers=headers,
        counts=count_by_severity(chosen),
        total=len(facts),
        triggers=triggers_present,
        counties=counties_present,
        rows=len(chosen),
    )


def filter_options(facts: pd.DataFrame) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The filters' options: the triggers present (``TRIGGERS`` order) and the (county code, name)
    pairs present (by code); nothing is worded."""
    present = set(facts["trigger"]) if len(facts) else set()
    county_pairs = (
        facts[["county_code", "county_name"]].dropna().drop_duplicates().sort_values("county_code") if len(facts) else pd.DataFrame(columns=["county_code", "county_name"])
    )
    return tuple(t for t in TRIGGERS if t in present), tuple(zip(county_pairs["county_code"].astype(str), county_pairs["county_name"].astype(str)))


def overview_count_line(facts: pd.DataFrame, region_name: str, language: str) -> str | None:
    """The overview's line: ``"曲靖市下辖各级地区本月共有 120 条预警（高 40 条），详见“预警”页。"``; none
    where no warning fires."""
    if facts.empty:
        return None
    counts = count_by_severity(facts)
    return text("warn.overview_caption", language, region=region_name, count=len(facts), high=counts["high"])


__all__ = ["SEVERITIES", "TRIGGERS", "WarningsView", "export_frame", "reason", "warnings_view", "with_reasons"]
