"""The words of held uploads (issue 12 point 3; brief pend5): a reporter's figures count once approved. zh then en."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "pending.submitted": (
        "已提交 填报 #{number}（{kind}，{source}）：{rows} 行，{months}。数据须经 {who} 审核通过后才计入各项指标、排名、预警和报表；审核前不计入。",
        "Submitted as submission #{number} ({kind}, {source}): {rows} row(s) of {months}. The figures count in the metrics, rankings, warnings and reports only once approved by {who}; until then they count nowhere.",
    ),
    "pending.who_county": ("{county}（县级填报账号）或领导小组办公室", "{county} (its county reporter account) or the office"),
    "pending.who_office": ("领导小组办公室", "the office"),
    "pending.before_commit": (
        "您是填报账号：确认导入后数据记为“已提交”，须经上一级（乡镇由所属县区或领导小组办公室，县区由领导小组办公室）审核通过才计入指标。",
        "You upload as a reporter: once committed the figures are submitted, and count only once the level above (a township's county or the office; a county's: the office) approves them.",
    ),
    "pending.rows_title": ("填报 #{number} 的数据（{rows} 行，审核通过前不计入）", "Submission #{number}'s rows ({rows}; counted nowhere until approved)"),
    "pending.rows_landed": ("填报 #{number} 为旧规则下的提交，数据已直接计入（导入 {import_id}）", "Submission #{number} was recorded under the old rule: its figures are in (import {import_id})"),
    "pending.col.row": ("行号", "Row"),
    "pending.col.region_code": ("区划代码", "Code"),
    "pending.col.region_name": ("区划名称", "Region"),
    "pending.col.period": ("统计期", "Period"),
    "pending.col.scheme": ("险种", "Scheme"),
    "pending.col.required": ("应参保人数", "Required"),
    "pending.col.insured": ("参保人数", "Insured"),
    "pending.col.receiving": ("领取待遇人数", "Receiving"),
    "pending.col.paid": ("实际缴费人数", "Paid"),
    "pending.col.group_id": ("群体", "Group"),
    "pending.col.identified": ("已识别人数", "Identified"),
    "pending.col.enrolled_employee": ("参加职工养老人数", "Enrolled (employee)"),
    "pending.col.enrolled_resident": ("参加居民养老人数", "Enrolled (resident)"),
    "pending.col.action_id": ("行动", "Action"),
    "pending.col.enrolled": ("参保人数", "Enrolled"),
    "pending.done.approved": ("已审核通过填报 {number}：数据已计入", "Submission {number} approved: its figures are in"),
    "pending.done.returned": ("已退回填报 {number}：数据未计入", "Submission {number} returned: nothing was counted"),
}
"""Keys prefixed ``pending.``; merged into ``present.catalog.CATALOG`` through ``SECTION_MODULES``."""
