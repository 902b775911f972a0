"""User-facing strings of the tasks feature (任务下达, issue 13 point 3): the 任务 page, the rankings' completion
column, the bulletin's completion, the tasks import on the data page. Keys prefixed ``tasks.`` (and the two
``data.*.tasks`` keys the data page looks up for every import kind)."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "nav.tasks": ("任务", "Tasks"),
    "data.kind.tasks": ("任务下达", "Tasks"),
    "data.columns.tasks": (
        "列：年度、区划代码、任务类型（新增参保人数 / 新增职工养老保险缴费人数 / 城乡居民缴费人数）、任务人数",
        "Columns: year, region_code, task_kind (new_insured / new_employee / resident_paid), task",
    ),
    "tasks.title": ("任务完成情况 · {region} · {year}年", "Task completion · {region} · {year}"),
    "tasks.caption": (
        "完成数截至 {period}：新增参保人数、新增职工养老保险缴费人数为较上年12月的增加数，城乡居民缴费人数为本年累计缴费人数。"
        "完成率 = 完成数 ÷ 任务数（可超过 100%，负数如实显示）。",
        "Achieved up to {period}: new insured and new employee-scheme contributors since December of the year "
        "before; residents who paid, year to date. Completion = achieved ÷ task (may exceed 100%; negative shown as is).",
    ),
    "tasks.no_period": ("{year}年尚无数据，无法计算完成数。", "No figures for {year} yet: nothing achieved to count."),
    "tasks.year": ("年度", "Year"),
    "tasks.kind": ("任务类型", "Task kind"),
    "tasks.level": ("层级", "Level"),
    "tasks.level.county": ("县（市、区）", "Counties"),
    "tasks.level.township": ("乡镇（街道）", "Townships"),
    "tasks.kind.new_insured": ("新增参保人数", "New insured"),
    "tasks.kind.new_employee": ("新增职工养老保险缴费人数", "New employee-scheme contributors"),
    "tasks.kind.resident_paid": ("城乡居民缴费人数", "Residents who pay"),
    "tasks.col.region": ("地区", "Region"),
    "tasks.col.code": ("区划代码", "Code"),
    "tasks.col.task": ("任务数（人）", "Task (persons)"),
    "tasks.col.achieved": ("完成数（人）", "Achieved (persons)"),
    "tasks.col.completion": ("完成率", "Completion"),
    "tasks.col.remaining": ("尚差（人）", "Still to do (persons)"),
    "tasks.col.split": ("分解", "Split"),
    "tasks.split_short": ("下级合计少 {short} 人", "Parts {short} short"),
    "tasks.metric.task": ("任务数", "Task"),
    "tasks.metric.achieved": ("完成数", "Achieved"),
    "tasks.metric.completion": ("完成率", "Completion"),
    "tasks.chart_title": ("{kind}完成率 · {region} · 截至 {period}", "{kind}: completion · {region} · up to {period}"),
    "tasks.full_line": ("100%", "100%"),
    "tasks.pace_line": ("序时进度 {pace}", "Share of the year gone {pace}"),
    "tasks.completion_axis": ("完成率", "Completion"),
    "tasks.no_tasks": (
        "{year}年在{region}下没有任务。请在“数据”页面导入任务（任务下达），或用下方“按差距分解”生成建议。",
        "No tasks for {year} under {region}. Import them on the Data page (Tasks), or propose a split below (by gap).",
    ),
    "tasks.splits_title": ("任务分解不足", "Short splits"),
    "tasks.split_warning": (
        "{parent}（{code}）{year}年{kind}任务 {parent_task} 人，{children} 个下级合计仅 {children_task} 人，少 {short} 人。",
        "{parent} ({code}), {kind} {year}: task {parent_task}, its {children} sub-regions' tasks add up to {children_task}, {short} short.",
    ),
    "tasks.no_short_splits": ("各级任务分解均不少于上级任务。", "Every split adds up to at least its parent's task."),
    "tasks.propose_title": ("按差距分解", "Split by gap (按差距分解)"),
    "tasks.propose_help": (
        "按各下级上年12月距年末目标的差距（人）提出任务建议；上级已有任务而差距合计不足时按比例放大。可直接修改“任务人数”，"
        "导出后在“数据”页面按“任务下达”导入。",
        "Proposes each sub-region's task as its gap at December of the year before against the year-end target "
        "(persons), raised in proportion where the parent's task is larger. Edit 任务人数, export, then import it "
        "on the Data page as Tasks.",
    ),
    "tasks.propose_button": ("按差距分解", "Split by gap"),
    "tasks.propose_parent": ("分解到其下级的地区", "Region whose sub-regions get the split"),
    "tasks.propose_empty": ("该地区没有下级，无法分解。", "This region has no sub-regions to split into."),
    "tasks.propose_gap": ("差距（人）", "Gap (persons)"),
    "tasks.download_csv": ("导出建议（CSV）", "Export proposal (CSV)"),
    "tasks.download_xlsx": ("导出建议（Excel）", "Export proposal (Excel)"),
    "tasks.download_table": ("下载任务完成表（Excel）", "Download the completion table (Excel)"),
    "tasks.rank_col": ("任务完成率（{kind}）", "Task completion ({kind})"),
    "tasks.sheet": ("任务完成情况", "Task completion"),
    "tasks.sheet_title": ("{root} · {year}年任务完成情况 · 截至 {period}", "{root} · tasks {year} · up to {period}"),
    "tasks.sheet_note": (
        "完成率 = 完成数 ÷ 任务数；新增参保人数、新增职工养老保险缴费人数为较上年12月的增加数，城乡居民缴费人数为本年累计缴费人数；负数如实显示。",
        "Completion = achieved ÷ task; new insured and new employee-scheme contributors since December of the year "
        "before, residents who paid year to date; negative figures shown as they are.",
    ),
    "tasks.col.note": ("说明", "Note"),
    "tasks.not_comparable": ("完成数、完成率不予计算：{note}", "Achieved and completion not computed: {note}"),
}
