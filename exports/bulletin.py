"""The quarterly bulletin (季度通报) as a formatted Excel workbook (xlsxwriter).

Sheets: one league table per metric; "表扬与通报", who is praised and who is
named by the rules of the targets file's ``bulletin:`` section; "报送及时率", the
quarter's reporting timeliness (``exports/bulletin_timeliness.py``, where gathered); "指标口径",
the definitions. Every league sheet has a title naming root, level, metric,
quarter and months, a bold frozen header with a filter, rates as numbers in
percent format with the digits that matter (94.96% never shows as 95.0%),
rank changes as arrows, gaps in points and persons, and the status cells in
the Okabe-Ito status colours. Column widths count a Chinese character as two.

No text from the data runs as a formula: the workbook is opened with
``strings_to_formulas: False`` and every text cell is written with
``write_string``, so a region called ``=HYPERLINK(...)`` is shown, never run.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import pandas as pd
import xlsxwriter

from present.texts import Texts
from metrics.bulletin import Bulletin, praise_and_name
from metrics.league import league_table
from metrics.periods import period_label
from metrics.registry import METRIC_KEYS
from present.charts import STATUS_COLORS
from present.downloads import HIGHLIGHT_FILL, PERSONS_FORMAT, POINTS_FORMAT, RANK_CHANGE_FORMAT, percent_format, readable_text_color
from present.formatting import format_rate, rate_decimals
from present.honest import estimated_suffix, is_comparable, implausible_text, overdue_text, region_not_comparable_note

HEADER_FILL = "#F2F2F2"
PRAISE_FILL = "#DCEBF7"  # a tint of the "achieved" blue
NAME_FILL = "#FBE1D3"  # a tint of the "off track" vermillion
TITLE_ROW, NOTE_ROW, HEADER_ROW = 0, 1, 2
MIN_WIDTH, MAX_WIDTH = 6, 60
SHEET_NAME_BAD = set('[]:*?/\\')


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def display_width(text: object) -> float:
    """Excel column units: a CJK character takes two."""
    return sum(2.0 if ord(ch) >= 0x2E80 else 1.0 for ch in str(text))


def sheet_name(text: str, taken: Sequence[str] = ()) -> str:
    """A valid, unused sheet name: at most 31 characters, none of ``[]:*?/\\``."""
    name = "".join("_" if ch in SHEET_NAME_BAD else ch for ch in text).strip("'")[:31] or "Sheet"
    base, n = name, 2
    while name.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    return name


class _Sheet:
    """A worksheet that remembers how wide each column's content is."""

    def __init__(self, workbook: xlsxwriter.Workbook, name: str):
        self.sheet = workbook.add_worksheet(name)
        self.widths: dict[int, float] = {}

    def _seen(self, col: int, text: object) -> None:
        self.widths[col] = max(self.widths.get(col, 0.0), display_width(text))

    def text(self, row: int, col: int, value: object, fmt=None, *, measure: bool = True) -> None:
        text = "" if _missing(value) else str(value)
        self.sheet.write_string(row, col, text, fmt)
        if measure:
            self._seen(col, text)

    def number(self, row: int, col: int, value: object, fmt=None, *, shown: str | None = None) -> None:
        if _missing(value):
            self.sheet.write_blank(row, col, None, fmt)
            return
        self.sheet.write_number(row, col, float(value), fmt)
        self._seen(col, shown if shown is not None else f"{float(value):,.2f}")

    def fit(self, minimum: dict[int, float] | None = None) -> None:
        for col, width in self.widths.items():
            floor = (minimum or {}).get(col, MIN_WIDTH)
            self.sheet.set_column(col, col, min(MAX_WIDTH, max(floor, width + 2)))


class _Formats:
    def __init__(self, workbook: xlsxwriter.Workbook):
        self.workbook = workbook
        base = {"font_name": "Noto Sans CJK SC", "font_size": 11, "valign": "vcenter"}
        self.base = base
        self.title = workbook.add_format({**base, "bold": True, "font_size": 14})
        self.note = workbook.add_format({**base, "font_color": "#555555", "text_wrap": False})
        self.wrap = workbook.add_format({**base, "text_wrap": True, "valign": "top"})
        self.header = workbook.add_format({**base, "bold": True, "bg_color": HEADER_FILL, "bottom": 1, "text_wrap": True, "align": "center"})
        self.text = workbook.add_format(base)
        self.bold = workbook.add_format({**base, "bold": True})
        self.center = workbook.add_format({**base, "align": "center"})
        self.integer = workbook.add_format({**base, "num_format": "0", "align": "center"})
        self.rank_change = workbook.add_format({**base, "num_format": RANK_CHANGE_FORMAT, "align": "center"})
        self.points = workbook.add_format({**base, "num_format": POINTS_FORMAT})
        self.persons = workbook.add_format({**base, "num_format": PERSONS_FORMAT})
        self._cache: dict[tuple, object] = {}

    def get(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self.workbook.add_format({**self.base, **props})
        return self._cache[key]

    def percent(self, decimals: int, **props):
        return self.get(num_format=percent_format(decimals), **props)

    def status(self, status: str | None):
        color = STATUS_COLORS.get(status or "none", STATUS_COLORS["none"])
        return self.get(bg_color=color, font_color=readable_text_color(color), align="center", bold=True)


def _decimals(value: object, target: object) -> int:
    if _missing(value):
        return 1
    return rate_decimals(float(value), None if _missing(target) else float(target), 1)


# --------------------------------------------------------------------------- sheets


def _league_headers(tx: Texts, metric: str) -> list[str]:
    return [
        tx.t("word.rank"),
        tx.t("word.rank_change"),
        tx.t("word.region_code"),
        tx.t("word.region"),
        tx.metric(metric),
        tx.t("word.target"),
        tx.t("word.target_by"),
        tx.t("word.gap_pp"),
        tx.t("word.gap_persons"),
        tx.t("word.status"),
        tx.t("honest.note_col"),
    ]


def _row_note(item: pd.Series, tx: Texts) -> str:
    """Not comparable (naming the ancestor and schemes), estimated, overdue: what the row's reader must know."""
    parts = [region_not_comparable_note(item, tx.t) or "", estimated_suffix(item, tx.t).strip("（）() "), overdue_text(item, tx.t) or "", implausible_text(item, tx.t) or ""]
    return tx.t("honest.list_sep").join(p for p in parts if p) if tx.language == "zh" else "; ".join(p for p in parts if p)


def _league_sheet(workbook, formats: _Formats, b: Bulletin, tx: Texts, metric: str, name: str) -> None:
    sheet = _Sheet(workbook, name)
    unit = tx.unit(b.level)
    quarter = tx.t("bulletin.quarter", year=b.year, q=b.quarter)
    title = tx.t(
        "bulletin.title",
        root=b.root_name, unit=unit, metric=tx.metric(metric), quarter=quarter,
        period=period_label(b.period), compare=period_label(b.compare),
    )
    sheet.text(TITLE_ROW, 0, title, formats.title, measure=False)
    sheet.text(NOTE_ROW, 0, tx.t("bulletin.rank_rule"), formats.note, measure=False)
    headers = _league_headers(tx, metric)
    for col, header in enumerate(headers):
        sheet.text(HEADER_ROW, col, header, formats.header)
    sheet.sheet.set_row(HEADER_ROW, 30)

    table = league_table(b.league, b.own, metric, b.root_code) if not b.own.empty else b.league.head(0)
    row = HEADER_ROW + 1
    for _, item in table.iterrows():
        pinned = bool(item.get("pinned", False)) and not bool(item.get("in_league", True))
        extra = {"bg_color": HIGHLIGHT_FILL} if pinned else {}
        if pinned:
            sheet.text(row, 0, "", formats.get(**extra))
            sheet.text(row, 1, "", formats.get(**extra))
        else:
            sheet.number(row, 0, item["rank"], formats.get(num_format="0", align="center", **extra), shown="999")
            sheet.number(row, 1, item["rank_change"], formats.get(num_format=RANK_CHANGE_FORMAT, align="center", **extra), shown="▲99")
        sheet.text(row, 2, item["region_code"], formats.get(**extra))
        region = str(item["region_name"]) + (tx.t("bulletin.reference") if pinned else "")
        sheet.text(row, 3, region, formats.get(bold=True, **extra) if pinned else formats.get(**extra))
        decimals = _decimals(item["value"], item["target"])
        sheet.number(row, 4, item["value"], formats.percent(decimals, **extra), shown=format_rate(item["value"], item["target"]))
        sheet.number(row, 5, item["target"], formats.percent(max(1, _decimals(item["target"], None)), **extra), shown="100.0%")
        sheet.text(row, 6, "" if _missing(item["target_by"]) else period_label(int(item["target_by"])), formats.get(align="center", **extra))
        gap = None if _missing(item["gap_pp"]) else float(item["gap_pp"]) * 100
        sheet.number(row, 7, gap, formats.get(num_format=POINTS_FORMAT, **extra), shown="-00.00")
        sheet.number(row, 8, item["gap_persons"], formats.get(num_format=PERSONS_FORMAT, **extra), shown=f"{0 if _missing(item['gap_persons']) else int(item['gap_persons']):,}")
        status = None if _missing(item["status"]) else str(item["status"])
        if is_comparable(item):
            sheet.text(row, 9, tx.status(status), formats.status(status))
        else:  # greyed: no rank, never praised or named (spec §3, issue 8)
            sheet.text(row, 9, f"≠ {tx.t('status.not_comparable')}", formats.status("not_comparable"))
        sheet.text(row, 10, _row_note(item, tx), formats.get(**extra), measure=False)
        row += 1
    sheet.sheet.freeze_panes(HEADER_ROW + 1, 0)
    if row > HEADER_ROW + 1:
        sheet.sheet.autofilter(HEADER_ROW, 0, row - 1, len(headers) - 1)
    sheet.fit()
    sheet.sheet.set_column(10, 10, 60)


def _statuses_text(tx: Texts, statuses: Sequence[str]) -> str:
    return tx.t("bulletin.or").join(tx.status(s) for s in statuses)


def _rules_sheet(workbook, formats: _Formats, b: Bulletin, tx: Texts, name: str) -> None:
    sheet = _Sheet(workbook, name)
    unit = tx.unit(b.level)
    quarter = tx.t("bulletin.quarter", year=b.year, q=b.quarter)
    rules = b.rules
    sheet.text(
        TITLE_ROW, 0,
        tx.t("bulletin.rules_title", root=b.root_name, unit=unit, quarter=quarter, period=period_label(b.period), compare=period_label(b.compare)),
        formats.title, measure=False,
    )
    sheet.text(
        NOTE_ROW, 0,
        tx.t(
            "bulletin.rules_note",
            praise_statuses=_statuses_text(tx, rules.praise.statuses), top=rules.praise.top, most_improved=rules.praise.most_improved,
            name_statuses=_statuses_text(tx, rules.name.statuses), bottom=rules.name.bottom, fallen_furthest=rules.name.fallen_furthest,
        ),
        formats.note, measure=False,
    )
    headers = [
        tx.t("bulletin.col.metric"), tx.t("bulletin.col.kind"), tx.t("bulletin.col.reason"), tx.t("word.rank"), tx.t("word.rank_change"),
        tx.t("word.region_code"), tx.t("word.region"), tx.t("bulletin.col.value"), tx.t("word.target"), tx.t("word.status"),
    ]
    for col, header in enumerate(headers):
        sheet.text(HEADER_ROW, col, header, formats.header)
    sheet.sheet.set_row(HEADER_ROW, 30)
    reasons = {
        "top": tx.t("bulletin.reason.top", statuses=_statuses_text(tx, rules.praise.statuses)),
        "most_improved": tx.t("bulletin.reason.most_improved"),
        "bottom": tx.t("bulletin.reason.bottom", statuses=_statuses_text(tx, rules.name.statuses)),
        "fallen_furthest": tx.t("bulletin.reason.fallen_furthest"),
    }
    wanted = {"top": rules.praise.top, "most_improved": rules.praise.most_improved, "bottom": rules.name.bottom, "fallen_furthest": rules.name.fallen_furthest}
    kinds = {"top": "praise", "most_improved": "praise", "bottom": "name", "fallen_furthest": "name"}
    row = HEADER_ROW + 1
    for metric in METRIC_KEYS:
        rows = b.league[b.league["metric"] == metric] if not b.league.empty else b.league
        chosen = praise_and_name(rows, rules)
        for reason, count in wanted.items():
            if count <= 0:
                continue
            kind = kinds[reason]
            fill = PRAISE_FILL if kind == "praise" else NAME_FILL
            picked = chosen[chosen["reason"] == reason]
            if picked.empty:
                sheet.text(row, 0, tx.metric(metric), formats.text)
                sheet.text(row, 1, tx.t(f"bulletin.{kind}"), formats.get(bg_color=fill, bold=True, align="center"))
                sheet.text(row, 2, reasons[reason], formats.text)
                sheet.text(row, 6, tx.t("bulletin.nobody"), formats.get(font_color="#777777"), measure=False)
                row += 1
                continue
            for _, item in picked.iterrows():
                sheet.text(row, 0, tx.metric(metric), formats.text)
                sheet.text(row, 1, tx.t(f"bulletin.{kind}"), formats.get(bg_color=fill, bold=True, align="center"))
                sheet.text(row, 2, reasons[reason], formats.text)
                sheet.number(row, 3, item["rank"], formats.integer, shown="999")
                sheet.number(row, 4, item["rank_change"], formats.rank_change, shown="▲99")
                sheet.text(row, 5, item["region_code"], formats.text)
                sheet.text(row, 6, item["region_name"], formats.text)
                sheet.number(row, 7, item["value"], formats.percent(_decimals(item["value"], item["target"])), shown=format_rate(item["value"], item["target"]))
                sheet.number(row, 8, item["target"], formats.percent(max(1, _decimals(item["target"], None))), shown="100.0%")
                status = None if _missing(item["status"]) else str(item["status"])
                sheet.text(row, 9, tx.status(status), formats.status(status))
                row += 1
    sheet.sheet.freeze_panes(HEADER_ROW + 1, 0)
    if row > HEADER_ROW + 1:
        sheet.sheet.autofilter(HEADER_ROW, 0, row - 1, len(headers) - 1)
    sheet.fit()


def _definitions_sheet(workbook, formats: _Formats, b: Bulletin, tx: Texts, name: str) -> None:
    sheet = _Sheet(workbook, name)
    sheet.text(TITLE_ROW, 0, tx.t("bulletin.sheet_definitions") + f" · {b.root_name}", formats.title, measure=False)
    headers = [tx.t("bulletin.col.metric"), tx.t("bulletin.col.definition"), tx.t("bulletin.col.schemes"), tx.t("bulletin.col.milestones")]
    for col, header in enumerate(headers):
        sheet.text(HEADER_ROW, col, header, formats.header)
    row = HEADER_ROW + 1
    sep = tx.t("briefing.list_sep")
    for metric in METRIC_KEYS:
        sheet.text(row, 0, tx.metric(metric), formats.bold)
        sheet.text(row, 1, tx.definition(metric, b.schemes.get(metric)), formats.text)
        sheet.text(row, 2, tx.schemes(b.schemes.get(metric)), formats.text)
        milestones = b.milestones.get(metric, ())
        sheet.text(row, 3, sep.join(f"{m.by_period} {format_rate(m.value, decimals=0) if round(m.value, 2) == m.value else format_rate(m.value)}" for m in milestones) or tx.t("briefing.no_target"), formats.text)
        row += 1
    row += 1
    for label, text in (
        (tx.t("bulletin.status_row"), tx.t("briefing.status_rule", band=f"{b.warning_band * 100:g}")),
        (tx.t("bulletin.rank_row"), tx.t("bulletin.rank_rule")),
        (tx.t("bulletin.gap_row"), tx.t("bulletin.gap_rule")),
        (tx.t("bulletin.source_row"), tx.t("briefing.source")),
    ):
        sheet.text(row, 0, label, formats.bold)
        sheet.text(row, 1, text, formats.wrap, measure=False)
        sheet.sheet.merge_range(row, 1, row, 3, text, formats.wrap)
        sheet.sheet.set_row(row, 36)
        row += 1
    sheet.fit(minimum={1: 48, 3: 30})


def has_tasks(b: Bulletin) -> bool:
    """Whether the bulletin has task completion to show: some region it lists holds a task."""
    return b.tasks is not None and not b.tasks.empty and bool(b.tasks["task"].notna().any())


def _tasks_sheet(workbook, formats: _Formats, b: Bulletin, tx: Texts, name: str) -> None:
    """Task completion (issue 13 point 3): the root first (highlighted), then each region of the league, by code; per
    task kind its task, achieved and completion at the quarter's end (docs/metrics.md, "Tasks in persons")."""
    from metrics.tasks import TASK_KIND_KEYS
    from present.tasks import format_completion

    sheet = _Sheet(workbook, name)
    title = tx.t("tasks.sheet_title", root=b.root_name, year=(b.period - 1) // 12, period=period_label(b.period))
    sheet.text(TITLE_ROW, 0, title, formats.title, measure=False)
    sheet.text(NOTE_ROW, 0, tx.t("tasks.sheet_note"), formats.note, measure=False)
    headers = [tx.t("tasks.col.code"), tx.t("tasks.col.region")]
    for kind in TASK_KIND_KEYS:
        label = tx.t(f"tasks.kind.{kind}")
        headers += [f"{label}·{tx.t('tasks.metric.task')}", f"{label}·{tx.t('tasks.metric.achieved')}", f"{label}·{tx.t('tasks.metric.completion')}"]
    for col, header in enumerate(headers):
        sheet.text(HEADER_ROW, col, header, formats.header)
    sheet.sheet.set_row(HEADER_ROW, 30)
    frame = b.tasks
    codes = [b.root_code, *sorted(c for c in frame["region_code"].unique() if c != b.root_code)]
    row = HEADER_ROW + 1
    for code in codes:
        rows = frame[frame["region_code"] == code].set_index("task_kind")
        if rows.empty:
            continue
        extra = {"bg_color": HIGHLIGHT_FILL, "bold": True} if code == b.root_code else {}
        sheet.text(row, 0, code, formats.get(**extra))
        sheet.text(row, 1, str(rows["region_name"].iloc[0]), formats.get(**extra))
        for position, kind in enumerate(TASK_KIND_KEYS):
            item = rows.loc[kind] if kind in rows.index else None
            col = 2 + 3 * position
            for offset, column in enumerate(("task", "achieved")):
                value = None if item is None or _missing(item[column]) else int(item[column])
                sheet.number(row, col + offset, value, formats.get(num_format=PERSONS_FORMAT, **extra), shown=f"{value or 0:,}")
            value = None if item is None or _missing(item["completion"]) else float(item["completion"])
            sheet.number(row, col + 2, value, formats.percent(1, **extra), shown=format_completion(value))
        row += 1
    sheet.sheet.freeze_panes(HEADER_ROW + 1, 2)
    sheet.fit()


def workbook_bytes(b: Bulletin, tx: Texts) -> bytes:
    """The bulletin as XLSX bytes."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    workbook.set_properties({"title": f"{b.root_name} {b.label}", "author": "kuomian"})
    formats = _Formats(workbook)
    taken: list[str] = []
    for metric in METRIC_KEYS:
        name = sheet_name(tx.metric(metric), taken)
        taken.append(name)
        _league_sheet(workbook, formats, b, tx, metric, name)
    if has_tasks(b):  # task completion (issue 13 point 3)
        name = sheet_name(tx.t("tasks.sheet"), taken)
        taken.append(name)
        _tasks_sheet(workbook, formats, b, tx, name)
    name = sheet_name(tx.t("bulletin.sheet_rules"), taken)
    taken.append(name)
    _rules_sheet(workbook, formats, b, tx, name)
    if b.timeliness is not None:  # 报送及时率 (issue 13 point 2)
        from exports.bulletin_timeliness import timeliness_sheet

        name = sheet_name(tx.t("timely.bulletin_sheet"), taken)
        taken.append(name)
        timeliness_sheet(workbook, formats, b, tx, name)
    name = sheet_name(tx.t("bulletin.sheet_definitions"), taken)
    _definitions_sheet(workbook, formats, b, tx, name)
    workbook.close()
    return buffer.getvalue()


def file_name(b: Bulletin, tx: Texts) -> str:
    from present.charts import file_stem

    return file_stem(b.root_name, tx.t("bulletin.file_kind"), b.label) + ".xlsx"
