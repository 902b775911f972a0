"""The 考核 page's, the CLI's and the assessment workbook's tables (issue 14 points 1 and 2), no streamlit.

One builder for all three, so that the workbook's figures are the ones ``kuomian assess`` prints.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from metrics.assessment import NOT_COMPARABLE, Result, red_and_black
from metrics.rewards import RewardResult
from metrics.targets_assessment import INDICATOR_LABELS, Assessment, Rewards
from present.texts import Texts

LEVEL_LABELS: dict[str, tuple[str, str]] = {
    "province": ("省级", "province"), "city": ("市级", "city"), "county": ("县级", "county"), "township": ("乡镇级", "township"),
}  # fmt: skip


def level_text(level: str, tx: Texts) -> str:
    """A level as the sheets name it: 县级 / county."""
    zh, en = LEVEL_LABELS.get(level, (level, level))
    return zh if tx.language == "zh" else en


def indicator_text(key: str, tx: Texts) -> str:
    """An indicator's name: 参保率目标完成 / Coverage attainment."""
    zh, en = INDICATOR_LABELS[key]
    return zh if tx.language == "zh" else en


def _points(value: object, tx: Texts) -> object:
    return tx.t("assess.no_data") if value is None or pd.isna(value) else round(float(value), 2)


def score_table(result: Result, level: str, scheme: Assessment, tx: Texts) -> pd.DataFrame:
    """One level's scored regions in rank order: 名次, 区划代码, 区划, 总分, 等级, then each indicator's
    points (2 decimals; 无数据 where the indicator had none)."""
    scores = result.scores[result.scores["level"] == level]
    out = pd.DataFrame(
        {
            tx.t("assess.col.rank"): scores["rank"].astype("int64"),
            tx.t("assess.col.code"): scores["region_code"],
            tx.t("assess.col.region"): scores["region_name"],
            tx.t("assess.col.score"): scores["score"].astype("float64").round(2),
            tx.t("assess.col.grade"): scores["grade"],
        }
    )
    for indicator in scheme.indicators:
        out[indicator_text(indicator.key, tx)] = [_points(v, tx) for v in scores[f"points_{indicator.key}"]]
    return out.reset_index(drop=True)


def apart_table(result: Result, tx: Texts, level: str | None = None) -> pd.DataFrame:
    """The regions not assessed: 区划代码, 区划, 层级, 未参评原因."""
    apart = result.apart if level is None else result.apart[result.apart["level"] == level]
    reasons = [reason if why == NOT_COMPARABLE else tx.t("assess.no_data") for why, reason in zip(apart["why"], apart["reason"])]
    return pd.DataFrame(
        {
            tx.t("assess.col.code"): apart["region_code"],
            tx.t("assess.col.region"): apart["region_name"],
            tx.t("assess.col.level"): [level_text(lv, tx) for lv in apart["level"]],
            tx.t("assess.col.reason"): reasons,
        }
    ).reset_index(drop=True)


def red_black_tables(result: Result, level: str, scheme: Assessment, tx: Texts) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 红榜 and 黑榜 of a level: 名次, 区划, 总分, 等级."""
    scores = result.scores[result.scores["level"] == level]
    red, black = red_and_black(scores, scheme.lists)

    def shaped(frame: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame(
            {
                tx.t("assess.col.rank"): frame["rank"].astype("int64"),
                tx.t("assess.col.region"): frame["region_name"],
                tx.t("assess.col.score"): frame["score"].astype("float64").round(2),
                tx.t("assess.col.grade"): frame["grade"],
            }
        ).reset_index(drop=True)

    return shaped(red), shaped(black)


def rule_table(scheme: Assessment, tx: Texts) -> pd.DataFrame:
    """The scoring rule: 指标, 权重, 计分规则 (one row per indicator), as the workbook prints it."""
    rows = []
    for indicator in scheme.indicators:
        if indicator.rule == "share_of_target":
            if indicator.target is not None:
                target = (f"目标 {indicator.target * 100:g}%" if tx.language == "zh" else f"the target {indicator.target * 100:g}%")
            else:
                target = "本区划的目标" if tx.language == "zh" else "the region's own target"
            rule = tx.t("assess.rule.share", target=target, cap=f"{indicator.cap * 100:g}%")
        else:
            points = tx.t("briefing.list_sep").join(f"{tx.status(status)} {value:g}" for status, value in indicator.points)
            rule = tx.t("assess.rule.status", points=points)
        rows.append({tx.t("assess.col.indicator"): indicator_text(indicator.key, tx), tx.t("assess.col.weight"): indicator.weight, tx.t("assess.col.rule"): rule})
    return pd.DataFrame(rows)


def rule_notes(scheme: Assessment, tx: Texts) -> list[str]:
    """The lines under the rule table: grades, what no data does, comparable regions only."""
    bands = tx.t("briefing.list_sep").join(f"{grade} ≥ {bound:g}" for grade, bound in scheme.grades)
    return [
        tx.t("assess.rule.grades", bands=bands),
        tx.t("assess.no_data_rule", rule=tx.t(f"assess.rule.{scheme.no_data}")),
        tx.t("assess.rule.comparable"),
    ]


def reward_tables(result: RewardResult, names: Mapping[str, str], tx: Texts) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rewards: (paid: 区划, 任务数, 已完成, 完成日期, 奖补档次, 每人奖补, 参保人数, 奖补金额;
    never met: 区划, 任务数, 已完成, 尚差)."""
    paid = result.paid
    paid_table = pd.DataFrame(
        {
            tx.t("rewards.col.region"): [f"{names.get(c, c)}（{c}）" for c in paid["region_code"]],
            tx.t("rewards.col.task"): paid["task"].astype("int64"),
            tx.t("rewards.col.achieved"): paid["achieved"].astype("int64"),
            tx.t("rewards.col.met_on"): [d.isoformat() for d in paid["met_on"]],
            tx.t("rewards.col.tier"): [d.isoformat() if d is not None and not pd.isna(d) else "—" for d in paid["tier_by"]],
            tx.t("rewards.col.rate"): paid["yuan_per_person"].astype("float64"),
            tx.t("rewards.col.insured"): paid["insured"].astype("int64"),
            tx.t("rewards.col.amount"): paid["amount"].astype("float64").round(2),
        }
    )
    never = result.never
    never_table = pd.DataFrame(
        {
            tx.t("rewards.col.region"): [f"{names.get(c, c)}（{c}）" for c in never["region_code"]],
            tx.t("rewards.col.task"): never["task"].astype("int64"),
            tx.t("rewards.col.achieved"): [None if pd.isna(v) else int(v) for v in never["achieved"]],
            tx.t("rewards.col.short"): never["short"].astype("int64"),
        }
    )
    return paid_table, never_table


def rewards_total_line(result: RewardResult, tx: Texts) -> str:
    """``合计奖补 214,739.00 元（8 个区划）``."""
    return tx.t("rewards.total", amount=f"{result.total:,.2f}", count=len(result.paid))


def tier_lines(scheme: Rewards, tx: Texts) -> list[str]:
    """The reward tiers as lines: ``2026-09-30 前完成：每人 1 元``."""
    if tx.language == "zh":
        return [f"{tier.by.isoformat()} 前完成：每名参保人员 {tier.yuan_per_person:g} 元" for tier in scheme.tiers]
    return [f"met by {tier.by.isoformat()}: {tier.yuan_per_person:g} yuan per insured person" for tier in scheme.tiers]
