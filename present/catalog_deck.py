"""The words only the exported briefing says (the native deck's notes, the footer's source line), zh and en.

A catalog section module (see ``SECTION_MODULES`` in :mod:`present.catalog`):
every key starts with ``deck.``. Read them with ``Texts.t("deck.…")``.
Moved here from ``exports/words.py`` (issue 11 point 1: one catalog).
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # the footer: no repository path in a file that leaves the office (issue 11)
    "deck.source": ("数据来源：各乡镇（街道）月报，kuomian 汇总计算", "Source: the townships' monthly reports, summed by kuomian"),
    "deck.sep": ("；", "; "),
    "deck.change": ("较上月 {change}", "vs last month: {change}"),
    "deck.notes.figures": ("本期数字（{period}，数据截至 {as_of}）：", "The figures ({period}, as of {as_of}):"),
    "deck.notes.definitions": ("口径：", "Definitions:"),
    "deck.notes.trend": (
        "{metric}：{first} 至 {last}；本期 {value}，目标 {target}，本月进度线 {trajectory}。",
        "{metric}: {first} to {last}; now {value}, target {target}, this month's trajectory {trajectory}.",
    ),
    "deck.notes.milestones": ("目标节点：{milestones}。", "Milestones: {milestones}."),
    "deck.notes.league": (
        "共 {count} 个{unit}参与排名；第 1 名 {best}（{best_value}），末名 {worst}（{worst_value}）。",
        "{count} {unit} ranked; first {best} ({best_value}), last {worst} ({worst_value}).",
    ),
    "deck.notes.league_rows": ("排名（名次、地区、数值、状态）：", "The ranking (rank, region, value, status):"),
    "deck.notes.unranked": ("未参与排名：{names}。", "Not ranked: {names}."),
    "deck.notes.edit": (
        "本演示文稿的标题、文字、表格和图表均可直接编辑；数字由 kuomian 按上述口径计算，改动数字前请核对。",
        "Titles, text, tables and charts in this deck can be edited; the figures are computed by kuomian as defined above: check before changing one.",
    ),
}
