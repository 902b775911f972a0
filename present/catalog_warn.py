"""The early-warning texts (预警, issue 13 point 1), zh and en, merged into the catalog by
``present.catalog.SECTION_MODULES``. Keys start with ``warn.``."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "warn.pick_row": ("原因较长时被截断：点选表格左侧的行首可在此查看该条预警的完整原因。", "Long reasons are cut off: select a row (its left edge) to read that warning in full here."),
    # navigation and page
    "warn.nav": ("预警", "Warnings"),
    "warn.title": ("预警：{region}", "Warnings: {region}"),
    "warn.caption": (
        "{period}，{region}下辖{unit}中需要跟进的情况，按严重程度排列；每条写明原因和还需增加的人数。",
        "{period}: what needs following up among the {unit} under {region}, most severe first, each with its reason and the persons still needed.",
    ),
    "warn.scope": ("列出", "List"),
    "warn.unit_all": ("各级地区", "regions of every level"),
    "warn.placeholder": ("全部", "All"),
    "warn.filter_trigger": ("预警类型", "Trigger"),
    "warn.filter_county": ("所属县（市、区）", "County"),
    "warn.filter_severity": ("严重程度", "Severity"),
    "warn.count_card": ("预警", "Warnings"),
    "warn.count_value": ("{count} 条", "{count}"),
    "warn.count_help": ("其中高 {high} 条、中 {medium} 条、低 {low} 条", "{high} high, {medium} medium, {low} low"),
    "warn.overview_caption": (
        "{region}下辖各级地区本月共有 {count} 条预警（高 {high} 条），详见“预警”页。",
        "{count} warnings this month among the regions under {region} ({high} high); see the Warnings page.",
    ),
    "warn.none": ("{period}，所选范围内没有触发任何预警。", "{period}: no warning fires in the selection."),
    "warn.none_filtered": ("所选筛选条件下没有预警。", "No warning matches the filters."),
    "warn.download": ("下载月度预警表（Excel）", "Download the monthly warning sheet (Excel)"),
    "warn.download_csv": ("下载 CSV", "Download CSV"),
    "warn.file_kind": ("月度预警表", "monthly warnings"),
    "warn.sheet_name": ("预警清单", "Warnings"),
    "warn.sheet_title": ("{region}月度预警表（{period}）", "{region} monthly warning sheet ({period})"),
    "warn.sheet_note": (
        "数据截至 {period}；共 {count} 条预警（高 {high} 条、中 {medium} 条、低 {low} 条），按严重程度排列。规则见目标文件 warnings 一节。",
        "Figures as at {period}; {count} warnings ({high} high, {medium} medium, {low} low), most severe first. Rules: the targets file's warnings section.",
    ),
    "warn.late_hook": (
        "迟报预警需要报送时间记录，目前尚未启用。",
        "Late-report warnings need the arrival dates of reports; not yet recorded.",
    ),
    # columns
    "warn.col.severity": ("严重程度", "Severity"),
    "warn.col.trigger": ("预警类型", "Trigger"),
    "warn.col.region": ("地区", "Region"),
    "warn.col.code": ("区划代码", "Code"),
    "warn.col.level": ("层级", "Level"),
    "warn.col.county": ("所属县（市、区）", "County"),
    "warn.col.metric": ("指标", "Metric"),
    "warn.col.reason": ("原因", "Reason"),
    "warn.col.persons": ("还需（人）", "Persons needed"),
    "warn.col.period": ("月份", "Month"),
    "warn.all_metrics": ("（全部）", "(all)"),
    # severities
    "warn.severity.high": ("高", "high"),
    "warn.severity.medium": ("中", "medium"),
    "warn.severity.low": ("低", "low"),
    # triggers
    "warn.trigger.overdue": ("逾期未达标", "Overdue"),
    "warn.trigger.off_track": ("明显滞后", "Off track"),
    "warn.trigger.missing_report": ("未报送", "Missing report"),
    "warn.trigger.behind": ("略有滞后", "Behind"),
    "warn.trigger.projected_short": ("预计到期无法达标", "Projected short"),
    "warn.trigger.sudden_drop": ("环比骤降", "Sudden drop"),
    "warn.trigger.implausible": ("数据异常", "Implausible figures"),
    "warn.trigger.carried_again": ("连续估算", "Carried again"),
    "warn.trigger.pool_short": ("实名库不足", "Pool too small"),
    "warn.trigger.late_report": ("迟报", "Late report"),
    # reasons (numbers filled in)
    "warn.reason.lag": (
        "{metric} {value}，低于进度线 {points} 个百分点，距 {target_by} 目标 {target} 还需 {persons} 人",
        "{metric} {value}, {points} points below the trajectory; {persons} persons needed for the {target} due {target_by}",
    ),
    "warn.reason.overdue": (
        "{metric} {value}，{since} 应达到的 {target} 未完成，已逾期 {months} 个月，现需 {persons} 人",
        "{metric} {value}: the {target} due {since} is not met, {months} months overdue; {persons} persons needed now",
    ),
    "warn.reason.projected_beyond": (
        "{metric} {value}，按近 12 个月趋势计划期内无法达标（{target_by} 目标 {target}，届时预计 {projected}），还需 {persons} 人",
        "{metric} {value}: on its recent trend it reaches no target within the plan ({target} due {target_by}, projected {projected}); {persons} persons needed",
    ),
    "warn.reason.projected_late": (
        "{metric} {value}，按近 12 个月趋势预计 {eta} 才达到 {target}，晚于期限 {target_by}（届时预计 {projected}），还需 {persons} 人",
        "{metric} {value}: on its recent trend it reaches {target} only in {eta}, after the deadline {target_by} (projected {projected}); {persons} persons needed",
    ),
    "warn.reason.drop": (
        "{metric}由上月 {previous} 降至 {value}，一个月下降 {points} 个百分点（预警线 {threshold} 个百分点）",
        "{metric} fell from {previous} last month to {value}, {points} points in one month (warning above {threshold} points)",
    ),
    "warn.reason.rate_above": (
        "{metric} {value} 超过 100%，数据不合理，请核实（可能有重复计算的行，或应参保人数偏低）",
        "{metric} {value} is above 100%: implausible, please check (rows counted twice, or a required population too low)",
    ),
    "warn.reason.overpaid": (
        "本月有 {rows} 行报表的实际缴费人数多于缴费阶段人数（共多出 {persons} 人），请核实",
        "{rows} report row(s) this month show more paid than persons in the contribution phase ({persons} too many in all); please check",
    ),
    "warn.reason.missing_leaf": (
        "本月未报送数据（有应参保人数，没有参保数据）",
        "No figures this month (the region has a required population but no snapshot rows)",
    ),
    "warn.reason.missing_part": (
        "报送完整率 {completeness}：下辖单位有的本月未报送，合计数偏低",
        "Completeness {completeness}: some units below have not reported this month, so the totals are low",
    ),
    "warn.reason.carried": (
        "已连续 {months} 个月沿用旧数据估算（{pairs} 份险种报表），请督促报送",
        "Figures carried forward (estimated) for {months} months in a row ({pairs} scheme report(s)); ask for the report",
    ),
    "warn.reason.pool": (
        "实名库剩余 {remaining} 人，少于参保差距 {persons} 人（对象充足度 {sufficiency}，预警线 {threshold}），库内人员全部参保也无法达标",
        "{remaining} persons left in the expansion pool, fewer than the coverage gap of {persons} (sufficiency {sufficiency}, warning below {threshold}): enrolling all of them would not reach the target",
    ),
    "warn.reason.late": ("本月报表迟报 {days} 天", "This month's report came {days} days late"),
    "warn.reason.note": ("（注：{note}）", " (note: {note})"),
}
