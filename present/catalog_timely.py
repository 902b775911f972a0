"""User-facing strings of reporting timeliness (报送及时率, issue 13 point 2): (zh, en) per key.

Merged into ``present.catalog.CATALOG`` through ``SECTION_MODULES``.
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "timely.title": ("报送及时率", "Reporting timeliness"),
    "timely.word.rate": ("报送及时率", "Timeliness"),
    "timely.status.on_time": ("按时", "on time"),
    "timely.status.late": ("逾期 {days} 天", "{days} days late"),
    "timely.status.missing": ("未报", "missing"),
    "timely.status.not_due": ("未到期", "not yet due"),
    "timely.col.month": ("月份", "Month"),
    "timely.col.due": ("截止日期", "Due"),
    "timely.col.on_time": ("按时", "On time"),
    "timely.col.late": ("逾期", "Late"),
    "timely.col.missing": ("未报", "Missing"),
    "timely.col.not_due": ("未到期", "Not yet due"),
    "timely.col.arrived": ("报送时间", "Arrived"),
    "timely.col.status": ("报送情况", "Status"),
    "timely.col.parent": ("上级", "Parent"),
    "timely.summary": (
        "{period} 报表应于 {due} 前报送：按时 {on_time}、逾期 {late}、未报 {missing}、未到期 {not_due}；报送及时率 {rate}（报送完整率 {completeness}）。",
        "{period} reports were due by {due}: {on_time} on time, {late} late, {missing} missing, {not_due} not yet due; timeliness {rate} (completeness {completeness}).",
    ),
    "timely.rule": (
        "每月报表应于次月 {day} 日前（含当日）报送，以首次导入时间为准；更正重报不改变首次报送时间，已回滚的导入不算报送。及时率 = 按时 ÷（按时 + 逾期 + 未报），未到期的不计。",
        "Each month's report is due by day {day} of the next month (inclusive), counted at its first import; a corrected re-upload keeps the first arrival, a rolled-back import does not count. Timeliness = on time ÷ (on time + late + missing); not-yet-due reports are left out.",
    ),
    "timely.grid_title": ("各单位逐月报送情况", "Each unit, month by month"),
    "timely.no_units": ("该地区尚无应报送的单位（没有应参保人口数据）。", "No reporting units in this region yet (no required-population rows)."),
    "timely.unreported_title": ("{period} 尚未报送的单位（{count} 个）", "Not yet reported for {period} ({count})"),
    "timely.unreported_month": ("催报月份", "Month to chase"),
    "timely.unreported_none": ("{period} 的报表已全部报送。", "Every report for {period} is in."),
    "timely.unreported_text": (
        "以下{unit}尚未报送{month}数据：{names}。报送截止日期为{due}{overdue}，请尽快报送。",
        "The following {unit} have not yet reported their {month} figures: {names}. The deadline is {due}{overdue}; please report as soon as possible.",
    ),
    "timely.unreported_overdue": ("（已逾期）", " (passed)"),
    "timely.unit.township": ("乡镇", "townships"),
    "timely.unit.other": ("单位", "units"),
    "timely.county_sep": ("；", "; "),
    "timely.name_sep": ("、", ", "),
    "timely.copy_hint": ("可复制以下文字发送：", "Copy this text to send:"),
    "timely.download_csv": ("下载未报名单 CSV", "Download the list (CSV)"),
    "timely.download_xlsx": ("下载未报名单 Excel", "Download the list (Excel)"),
    "timely.file_kind": ("未报名单", "not-reported"),
    "timely.sheet": ("未报名单", "Not reported"),
    # the bulletin's sheet
    "timely.bulletin_sheet": ("报送及时率", "Timeliness"),
    "timely.bulletin_title": (
        "{root} · {quarter} 各{unit}报送及时率（{first} 至 {last}）",
        "{root} · {quarter} reporting timeliness by {unit} ({first} to {last})",
    ),
    "timely.bulletin_total": ("合计", "Total"),
    "timely.bulletin_quarter_rate": ("本季及时率", "Quarter"),
    "timely.bulletin_month_rate": ("{month} 及时率", "{month}"),
    "timely.bulletin_late": ("逾期（次）", "Late (reports)"),
    "timely.bulletin_missing": ("未报（次）", "Missing (reports)"),
    "timely.bulletin_unreported": ("本季未报送的单位（{count} 次）", "Reports not in this quarter ({count})"),
    "timely.bulletin_all_in": ("本季各月报表均已报送。", "Every report of the quarter is in."),
}
