"""The words only the exported files say (the native deck's notes, the footer's source line), zh and en.

They belong in the dashboard's catalog (``ui.i18n.CATALOG``); they live here
while that catalog moves into its streamlit-free package (issue 11 point 1),
so that the two changes do not collide. :func:`say` reads them in the
language of a :class:`present.texts.Texts`.
"""

from __future__ import annotations

from present.texts import Texts

WORDS: dict[str, tuple[str, str]] = {
    # the footer: no repository path in a file that leaves the office (issue 11)
    "source": ("数据来源：各乡镇（街道）月报，kuomian 汇总计算", "Source: the townships' monthly reports, summed by kuomian"),
    "sep": ("；", "; "),
    "change": ("较上月 {change}", "vs last month: {change}"),
    "notes.figures": ("本期数字（{period}，数据截至 {as_of}）：", "The figures ({period}, as of {as_of}):"),
    "notes.definitions": ("口径：", "Definitions:"),
    "notes.trend": (
        "{metric}：{first} 至 {last}；本期 {value}，目标 {target}，本月进度线 {trajectory}。",
        "{metric}: {first} to {last}; now {value}, target {target}, this month's trajectory {trajectory}.",
    ),
    "notes.milestones": ("目标节点：{milestones}。", "Milestones: {milestones}."),
    "notes.league": (
        "共 {count} 个{unit}参与排名；第 1 名 {best}（{best_value}），末名 {worst}（{worst_value}）。",
        "{count} {unit} ranked; first {best} ({best_value}), last {worst} ({worst_value}).",
    ),
    "notes.league_rows": ("排名（名次、地区、数值、状态）：", "The ranking (rank, region, value, status):"),
    "notes.unranked": ("未参与排名：{names}。", "Not ranked: {names}."),
    "notes.edit": (
        "本演示文稿的标题、文字、表格和图表均可直接编辑；数字由 kuomian 按上述口径计算，改动数字前请核对。",
        "Titles, text, tables and charts in this deck can be edited; the figures are computed by kuomian as defined above: check before changing one.",
    ),
    "deck.no_figure": ("—", "—"),
}


def say(tx: Texts, key: str, **values: object) -> str:
    """The text of ``key`` in ``tx``'s language, with ``values`` filled in."""
    zh, en = WORDS[key]
    text = zh if tx.language == "zh" else en
    return text.format(**values) if values else text
