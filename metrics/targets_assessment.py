"""The targets file's ``assessment:`` and ``rewards:`` sections (issue 14 points 1 and 2): models and parsing.

Hooked into :mod:`metrics.targets` by two lines (the section names in ``_TOP_KEYS``, one call in
``_Walker.top``); every problem keeps the file's place, line and a Chinese message like the rest.

```yaml
assessment:
  no_data: redistribute        # or zero: what an indicator without data does (see metrics/assessment.py)
  lists: 3                     # how many regions the 红榜 and 黑榜 name per level
  indicators:                  # indicator -> weight and scoring rule
    coverage_attainment: {weight: 30, rule: share_of_target, cap: 1}          # target: the region's own
    payment_rate: {weight: 20, rule: points_by_status, points: {achieved: 100, on_track: 90, behind: 70, off_track: 40}}
    pool_conversion: {weight: 5, rule: share_of_target, target: 0.6, cap: 1}
  grades: {优秀: 90, 良好: 80, 合格: 60, 不合格: 0}   # grade -> lowest score; one band starts at 0

rewards:
  tiers:                       # deadline (a day) -> yuan per insured person; the earliest met deadline pays
    - {by: 2026-09-30, yuan_per_person: 1.0}
    - {by: 2026-10-15, yuan_per_person: 0.8}
    - {by: 2026-11-30, yuan_per_person: 0.6}
```
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from pydantic import BaseModel, ConfigDict

INDICATORS: tuple[str, ...] = (
    "coverage_attainment",
    "employee_share_attainment",
    "payment_rate",
    "task_completion",
    "timeliness",
    "completeness",
    "pool_conversion",
)
"""The indicators a scheme may score (issue 14 point 1), in the order they are shown."""

INDICATOR_LABELS: dict[str, tuple[str, str]] = {
    "coverage_attainment": ("参保率目标完成", "Coverage attainment"),
    "employee_share_attainment": ("职工养老保险占比目标完成", "Employee-share attainment"),
    "payment_rate": ("缴费率", "Payment rate"),
    "task_completion": ("任务完成率", "Task completion"),
    "timeliness": ("报送及时率", "Reporting timeliness"),
    "completeness": ("报送完整率", "Reporting completeness"),
    "pool_conversion": ("扩面对象转化率", "Pool conversion"),
}
"""Each indicator's name in Chinese and English."""

RULES: tuple[str, ...] = ("share_of_target", "points_by_status")
STATUS_KEYS: tuple[str, ...] = ("achieved", "on_track", "behind", "off_track")
NO_DATA_POLICIES: tuple[str, ...] = ("redistribute", "zero")
_ASSESSMENT_KEYS = ("indicators", "grades", "no_data", "lists")
_INDICATOR_KEYS = ("weight", "rule", "target", "cap", "points")
_REWARD_KEYS = ("tiers",)
_TIER_KEYS = ("by", "yuan_per_person")
MAX_CAP = 2.0


class Indicator(BaseModel):
    """One indicator of the scheme: its ``weight`` (points at full marks) and scoring ``rule``.

    ``share_of_target``: points = weight × min(value ÷ target, cap); ``target`` a fraction, or None for
    the region's own target in force (the input frame's ``<indicator>_target``, else 1). ``points_by_status``:
    points = weight × points[status] ÷ 100 (a status not listed scores 0)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    weight: float
    rule: str
    target: float | None = None
    cap: float = 1.0
    points: tuple[tuple[str, float], ...] = ()


class Assessment(BaseModel):
    """The ``assessment:`` section: indicators in :data:`INDICATORS` order, grades best first."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    indicators: tuple[Indicator, ...]
    grades: tuple[tuple[str, float], ...]  # (grade, lowest score), highest first; the last starts at 0
    no_data: str = "redistribute"
    lists: int = 3

    @property
    def full_marks(self) -> float:
        """The score of a region with full marks on every indicator (cap 1): the sum of the weights."""
        return float(sum(indicator.weight for indicator in self.indicators))


class RewardTier(BaseModel):
    """Meet the task by the day ``by`` and earn ``yuan_per_person`` per insured person."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    by: dt.date
    yuan_per_person: float


class Rewards(BaseModel):
    """The ``rewards:`` section: tiers in ascending order of ``by``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tiers: tuple[RewardTier, ...]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def parse_sections(walker, root: dict) -> tuple[Assessment | None, Rewards | None, bool]:
    """Both sections of ``root`` (a targets file's top mapping) through ``walker`` (metrics.targets._Walker),
    which collects every problem. Returns (assessment or None, rewards or None, ok)."""
    from metrics.targets import _item_line, _key_line, _show, _show_zh, _value_line

    before = len(walker.problems)
    assessment = rewards = None
    if root.get("assessment") is not None:
        assessment = _assessment(walker, root["assessment"], _value_line(root, "assessment"), _key_line, _value_line, _show, _show_zh)
    if root.get("rewards") is not None:
        rewards = _rewards(walker, root["rewards"], _value_line(root, "rewards"), _item_line, _value_line, _show, _show_zh)
    return assessment, rewards, len(walker.problems) == before


def _assessment(walker, node, line, _key_line, _value_line, _show, _show_zh) -> Assessment | None:
    node, _ = walker.section(node, "assessment", line, _ASSESSMENT_KEYS)
    if node is None:
        return None
    ok = True
    for key in ("indicators", "grades"):
        if key not in node:
            walker.problem(f"assessment.{key}", line, f"'{key}' is required", f"缺少必填项“{key}”")
            ok = False
    no_data = node.get("no_data", "redistribute")
    if no_data not in NO_DATA_POLICIES:
        walker.problem("assessment.no_data", _value_line(node, "no_data"), f"{_show(no_data)} is not one of {', '.join(NO_DATA_POLICIES)}",
                       f"{_show_zh(no_data)} 不是 {'、'.join(NO_DATA_POLICIES)} 之一（redistribute：权重分给有数据的指标；zero：记零分）")  # fmt: skip
        ok = False
    lists = walker.number_in(node.get("lists", 3), "assessment.lists", _value_line(node, "lists"), lambda v: 0 <= v <= 50,
                             "a whole number from 0 to 50", " 0 到 50 之间的整数", whole=True)  # fmt: skip
    ok = ok and lists is not None
    indicators: list[Indicator] = []
    if "indicators" in node:
        found = node["indicators"]
        if not isinstance(found, dict) or not found:
            walker.problem("assessment.indicators", _value_line(node, "indicators"), "expected a mapping of indicator -> weight and rule",
                           "应写成 指标: {weight: 权重, rule: 计分规则} 的形式")  # fmt: skip
            ok = False
        else:
            indicators_known = walker.unknown_keys(found, "assessment.indicators.", INDICATORS, what="metric")
            for key in INDICATORS:
                if key in found:
                    indicator = _indicator(walker, key, found[key], _value_line(found, key), _value_line, _show, _show_zh)
                    if indicator is None:
                        ok = False
                    else:
                        indicators.append(indicator)
            ok = ok and indicators_known
    grades: list[tuple[str, float]] = []
    if "grades" in node:
        found = node["grades"]
        grades_line = _value_line(node, "grades")
        if not isinstance(found, dict) or not found:
            walker.problem("assessment.grades", grades_line, "expected a mapping of grade -> lowest score (e.g. 优秀: 90)",
                           "应写成 等级: 最低分 的形式（如 优秀: 90）")  # fmt: skip
            ok = False
        else:
            grades_ok = True
            for grade, bound in found.items():
                number = _number(bound)
                if number is None or number < 0:
                    walker.problem(f"assessment.grades.{grade}", _value_line(found, grade), f"{_show(bound)} is not a score of 0 or more",
                                   f"{_show_zh(bound)} 不是大于或等于 0 的分数")  # fmt: skip
                    ok = grades_ok = False
                else:
                    grades.append((str(grade), number))
            bounds = [b for _, b in grades]
            if grades_ok and len(set(bounds)) != len(bounds):
                walker.problem("assessment.grades", grades_line, "two grades start at the same score", "有两个等级的最低分相同")
                ok = grades_ok = False
            if grades_ok and 0 not in bounds:
                walker.problem("assessment.grades", grades_line, "no grade starts at 0: a low score would have no grade",
                               "没有最低分为 0 的等级：低分区划将没有等级")  # fmt: skip
                ok = False
    if not ok:
        return None
    ordered = tuple(sorted(grades, key=lambda g: -g[1]))
    return Assessment(indicators=tuple(indicators), grades=ordered, no_data=no_data, lists=lists)


def _indicator(walker, key, node, line, _value_line, _show, _show_zh) -> Indicator | None:
    place = f"assessment.indicators.{key}"
    if not isinstance(node, dict):
        walker.problem(place, line, f"expected a mapping with weight and rule, got {_show(node)}",
                       f"应写成 {{weight: 权重, rule: 计分规则}}，实际是：{_show_zh(node)}")  # fmt: skip
        return None
    ok = walker.unknown_keys(node, f"{place}.", _INDICATOR_KEYS)
    weight = _number(node.get("weight"))
    if weight is None or weight <= 0:
        walker.problem(f"{place}.weight", _value_line(node, "weight") if "weight" in node else line,
                       f"{_show(node.get('weight'))} is not a weight above 0", f"{_show_zh(node.get('weight'))} 不是大于 0 的权重")  # fmt: skip
        ok = False
    rule = node.get("rule")
    if rule not in RULES:
        walker.problem(f"{place}.rule", _value_line(node, "rule") if "rule" in node else line,
                       f"{_show(rule)} is not a scoring rule ({', '.join(RULES)})",
                       f"{_show_zh(rule)} 不是计分规则（share_of_target：按目标完成比例计分；points_by_status：按状态计分）")  # fmt: skip
        return None
    target, cap, points = None, 1.0, ()
    if rule == "share_of_target":
        if "points" in node:
            walker.problem(f"{place}.points", _value_line(node, "points"), "points belong to points_by_status, not share_of_target",
                           "points 只用于 points_by_status，share_of_target 不需要")  # fmt: skip
            ok = False
        if "target" in node:
            target = walker.fraction(node["target"], f"{place}.target", _value_line(node, "target"))
            ok = ok and target is not None
        if "cap" in node:
            cap = _number(node["cap"])
            if cap is None or not 0 < cap <= MAX_CAP:
                walker.problem(f"{place}.cap", _value_line(node, "cap"), f"{_show(node['cap'])} is not a cap in (0, {MAX_CAP:g}]",
                               f"{_show_zh(node['cap'])} 不是 (0, {MAX_CAP:g}] 之间的封顶值（1 表示完成目标即满分）")  # fmt: skip
                ok = False
    else:
        for extra in ("target", "cap"):
            if extra in node:
                walker.problem(f"{place}.{extra}", _value_line(node, extra), f"{extra} belongs to share_of_target, not points_by_status",
                               f"{extra} 只用于 share_of_target，points_by_status 不需要")  # fmt: skip
                ok = False
        found = node.get("points")
        if not isinstance(found, dict) or not found:
            walker.problem(f"{place}.points", _value_line(node, "points") if "points" in node else line,
                           "expected a mapping of status -> points out of 100 (achieved, on_track, behind, off_track)",
                           "应写成 状态: 分数（满分 100），状态为 achieved、on_track、behind、off_track")  # fmt: skip
            return None
        statuses_known = walker.unknown_keys(found, f"{place}.points.", STATUS_KEYS)
        pairs = []
        for status, value in found.items():
            number = walker.number_in(value, f"{place}.points.{status}", _value_line(found, status), lambda v: 0 <= v <= 100,
                                      "points from 0 to 100", " 0 到 100 之间的分数")  # fmt: skip
            ok = ok and number is not None
            if number is not None and status in STATUS_KEYS:
                pairs.append((str(status), float(number)))
        ok = ok and statuses_known
        points = tuple(pairs)
    if not ok or weight is None:
        return None
    return Indicator(key=key, weight=weight, rule=rule, target=target, cap=cap if cap is not None else 1.0, points=points)


def _rewards(walker, node, line, _item_line, _value_line, _show, _show_zh) -> Rewards | None:
    if not isinstance(node, dict) or not isinstance(node.get("tiers"), list) or not node["tiers"]:
        walker.problem("rewards", line, "expected 'tiers:' with a list of {by: YYYY-MM-DD, yuan_per_person: amount}",
                       "应写成 tiers: 列表，每项为 {by: 日期, yuan_per_person: 每人奖补元数}")  # fmt: skip
        return None
    tiers: list[RewardTier] = []
    ok = walker.unknown_keys(node, "rewards.", _REWARD_KEYS)
    for index, item in enumerate(node["tiers"]):
        place, item_line = f"rewards.tiers[{index}]", _item_line(node["tiers"], index)
        if not isinstance(item, dict):
            walker.problem(place, item_line, f"expected {{by: YYYY-MM-DD, yuan_per_person: amount}}, got {_show(item)}",
                           f"应写成 {{by: 日期, yuan_per_person: 每人奖补元数}}，实际是：{_show_zh(item)}")  # fmt: skip
            ok = False
            continue
        walker.unknown_keys(item, f"{place}.", _TIER_KEYS)
        by = item.get("by")
        if isinstance(by, dt.datetime):
            by = by.date()
        if isinstance(by, str):
            try:
                by = dt.date.fromisoformat(by)
            except ValueError:
                pass
        if not isinstance(by, dt.date):
            walker.problem(f"{place}.by", _value_line(item, "by") if "by" in item else item_line, f"{_show(item.get('by'))} is not a day written YYYY-MM-DD",
                           f"{_show_zh(item.get('by'))} 不是 YYYY-MM-DD 格式的日期（如 2026-09-30）")  # fmt: skip
            ok = False
            by = None
        amount = _number(item.get("yuan_per_person"))
        if amount is None or amount <= 0:
            walker.problem(f"{place}.yuan_per_person", _value_line(item, "yuan_per_person") if "yuan_per_person" in item else item_line,
                           f"{_show(item.get('yuan_per_person'))} is not an amount in yuan above 0", f"{_show_zh(item.get('yuan_per_person'))} 不是大于 0 的金额（元）")  # fmt: skip
            ok = False
        if by is not None and amount is not None and amount > 0:
            if tiers and by <= tiers[-1].by:
                walker.problem(f"{place}.by", _value_line(item, "by"), f"{by.isoformat()} is not after the tier before ({tiers[-1].by.isoformat()}); list tiers by date",
                               f"{by.isoformat()} 不晚于上一档（{tiers[-1].by.isoformat()}）；请按日期先后排列")  # fmt: skip
                ok = False
            else:
                tiers.append(RewardTier(by=by, yuan_per_person=amount))
    if not ok:
        return None
    return Rewards(tiers=tuple(tiers))
