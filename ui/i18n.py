"""Every user-facing string of the dashboard, in Chinese and English.

``t(key)`` looks a key up in the language the sidebar chose (Chinese by
default). Pages never write user-facing text inline: they add it here, in
their own section, so that switching language changes every label, axis and
table header. ``tests/test_i18n.py`` checks that both languages are present
for every key and that every key a page uses exists.
"""

from __future__ import annotations

import streamlit as st

from metrics.registry import METRIC_BY_KEY

LANGUAGES = {"zh": "中文", "en": "English"}
LANGUAGE_KEY = "language"

CATALOG: dict[str, tuple[str, str]] = {
    # ---- app frame and sidebar
    "app.title": ("基本养老保险扩面增效", "Pension coverage campaign"),
    "app.subtitle": ("全民参保计划进度看板", "Universal enrolment progress dashboard"),
    "app.demo_label": ("演示数据：曲靖市（模拟数字，仅供演示）", "Demo data: Qujing (simulated figures, for demonstration only)"),
    "app.no_data": ("数据库中还没有数据。请在“数据”页面导入，或运行 `kuomian demo`。", "The database has no data yet. Import on the Data page, or run `kuomian demo`."),
    "app.busy": ("数据正在导入，请稍候几秒后刷新页面。", "An import is writing to the database; refresh in a few seconds."),
    "app.targets_invalid": ("目标配置文件有误，仍使用上一次有效的目标。详见“目标”页面。", "The targets file has problems; the last valid targets stay in use. See the Targets page."),
    "sidebar.language": ("语言 / Language", "语言 / Language"),
    "sidebar.period": ("统计期", "Period"),
    "sidebar.region": ("地区", "Region"),
    "sidebar.county": ("县（市、区）", "County"),
    "sidebar.township": ("乡镇（街道）", "Township"),
    "sidebar.all": ("（全部）", "(all)"),
    "sidebar.metric": ("指标", "Metric"),
    "sidebar.data_as_of": ("数据截至 {period}", "Data as of {period}"),
    "nav.overview": ("总览", "Overview"),
    "nav.rankings": ("排名", "Rankings"),
    "nav.gaps": ("差距", "Gaps"),
    "nav.trends": ("趋势", "Trends"),
    "nav.targets": ("目标", "Targets"),
    "nav.data": ("数据", "Data"),
    # ---- shared words
    "word.value": ("数值", "Value"),
    "word.target": ("目标", "Target"),
    "word.target_by": ("目标期限", "Due"),
    "word.trajectory": ("进度线", "Trajectory"),
    "word.milestone": ("目标节点", "Milestone"),
    "word.gap_pp": ("差距（百分点）", "Gap (points)"),
    "word.gap_persons": ("差距（人）", "Gap (persons)"),
    "word.status": ("状态", "Status"),
    "word.rank": ("排名", "Rank"),
    "word.rank_change": ("名次变化", "Rank change"),
    "word.region": ("地区", "Region"),
    "word.region_code": ("区划代码", "Code"),
    "word.level": ("层级", "Level"),
    "word.period": ("统计期", "Period"),
    "word.numerator": ("分子", "Numerator"),
    "word.denominator": ("分母", "Denominator"),
    "word.completeness": ("报送完整率", "Completeness"),
    "word.projected": ("预计到期值", "Projected"),
    "word.eta": ("预计达标时间", "Expected to reach target"),
    "word.persons": ("人", "persons"),
    "word.month": ("月份", "Month"),
    "word.none": ("—", "—"),
    "status.achieved": ("已达标", "Achieved"),
    "status.on_track": ("进度正常", "On track"),
    "status.behind": ("略有滞后", "Behind"),
    "status.off_track": ("明显滞后", "Off track"),
    "status.none": ("无数据", "No data"),
    "level.province": ("省", "Province"),
    "level.city": ("市", "City"),
    "level.county": ("县（市、区）", "County"),
    "level.township": ("乡镇（街道）", "Township"),
    "level.village": ("村（社区）", "Village"),
    "scheme.employee": ("企业职工", "Enterprise employees"),
    "scheme.public": ("机关事业单位", "Public institutions"),
    "scheme.resident": ("城乡居民", "Urban and rural residents"),
    "chart.download_hint": ("用图表右上角的相机按钮下载高清 PNG", "Use the camera button at the chart's top right for a high-resolution PNG"),
    # ---- overview page
    "overview.title": ("{region} · 扩面进度总览", "{region} · coverage campaign overview"),
    "overview.vs_last_month": ("较上月", "vs last month"),
    "overview.vs_last_year": ("较去年同期", "vs a year ago"),
    "overview.gap_line": ("距目标 {gap_pp} 个百分点，{gap_persons} 人", "{gap_pp} points, {gap_persons} persons to go"),
    "overview.ahead_line": ("超出目标 {gap_pp} 个百分点", "{gap_pp} points ahead of target"),
    "overview.target_line": ("目标 {target}（{target_by}）", "Target {target} (by {target_by})"),
    "overview.trend_title": ("{region} · {metric}走势（截至 {period}）", "{region} · {metric} trend (to {period})"),
    "overview.children_title": ("下级地区达标情况（{period}）", "Sub-regions by status ({period})"),
    "overview.children_chart_title": ("{region} 下级地区状态分布 · {period}", "{region} sub-regions by status · {period}"),
    "overview.incomplete": ("报送不完整：{period} 仅 {completeness} 的下级单位报送了数据，缺报会拉低数值。", "Incomplete reporting: only {completeness} of units reported for {period}; missing reports lower the figures."),
    "overview.no_value": ("本期无数据", "No data for this period"),
    "overview.no_children": ("没有下级地区。", "No sub-regions."),
    # ---- rankings page
    # ---- gaps page
    # ---- trends page
    # ---- targets page
    # ---- data page
}


def language() -> str:
    return st.session_state.get(LANGUAGE_KEY, "zh")


def t(key: str, **values: object) -> str:
    """The text of ``key`` in the chosen language, with ``{placeholders}`` filled."""
    zh, en = CATALOG[key]
    text = zh if language() == "zh" else en
    return text.format(**values) if values else text


def metric_label(metric: str) -> str:
    return METRIC_BY_KEY[metric].label(language())


def status_label(status: str | None) -> str:
    return t(f"status.{status or 'none'}")


def level_label(level: str) -> str:
    return t(f"level.{level}")
