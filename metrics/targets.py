"""The campaign's targets: models, and the parser for the targets file.

The targets file (``config/targets.yaml``) says, per metric, which value the
campaign wants to reach by which month (its *milestones*), optionally limited
to some insurance schemes, with per-region overrides that apply to a region's
whole subtree. This module is pure: it parses text and returns models; reading
the file is the caller's business.

``parse_targets`` walks the ruamel.yaml round-trip tree by hand so that every
problem can be reported with its place (``targets.payment_rate.milestones[1].value``)
and its 1-based line, and it reports *every* problem it finds, in file order,
in one ``TargetsError``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from metrics.periods import month_index, period_label
from metrics.registry import METRIC_KEYS, SCHEMES, STATUSES
from metrics.targets_warnings import WarningRules, parse_section as parse_warnings
from metrics.timeliness import DEFAULT_DUE_DAY, MAX_DUE_DAY, due_day_problem

_TOP_KEYS = ("baseline", "warning_band", "targets", "overrides", "bulletin", "reporting", "warnings", "assessment", "rewards")
_REPORTING_KEYS = ("carry_forward_months", "due_day")
MAX_CARRY_FORWARD_MONTHS = 12
_ENTRY_KEYS = ("milestones", "schemes")
_MILESTONE_KEYS = ("by", "value")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%$")
_REGION = re.compile(r"^\d{2,12}$")
_MAX_DECIMALS = 4
_MAX_PERCENT_DECIMALS = _MAX_DECIMALS - 2


# --------------------------------------------------------------------------
# Models


class Milestone(BaseModel):
    """Reach ``value`` (a fraction) by the month ``by`` (a month index)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    by: int
    value: float = Field(gt=0, le=1)

    @property
    def by_period(self) -> str:
        return period_label(self.by)


class MetricTarget(BaseModel):
    """The milestones of one metric, optionally only for some schemes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    milestones: tuple[Milestone, ...]
    schemes: tuple[str, ...] | None = None  # None = all schemes

    @model_validator(mode="after")
    def _check(self) -> MetricTarget:
        if not self.milestones:
            raise ValueError("a target needs at least one milestone")
        months = [m.by for m in self.milestones]
        if any(b <= a for a, b in zip(months, months[1:])):
            raise ValueError("milestones must be in strictly ascending order of 'by'")
        if self.schemes is not None:
            if not self.schemes:
                raise ValueError("schemes must not be empty (leave it out for all schemes)")
            unknown = [s for s in self.schemes if s not in SCHEMES]
            if unknown:
                raise ValueError(f"unknown schemes {unknown}; allowed: {', '.join(SCHEMES)}")
            if len(set(self.schemes)) != len(self.schemes):
                raise ValueError("schemes must be distinct")
        return self


_BULLETIN_KEYS = ("praise", "name")
_PRAISE_KEYS = ("statuses", "top", "most_improved")
_NAME_KEYS = ("statuses", "bottom", "fallen_furthest")
_MAX_LISTED = 50


class PraiseRule(BaseModel):
    """Whom the quarterly bulletin praises (表扬).

    ``top``: the regions with the highest values among those whose status is
    in ``statuses``; ``most_improved``: the regions that climbed most places
    since the previous quarter (any status). 0 leaves a list out.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    statuses: tuple[str, ...] = ("achieved",)
    top: int = Field(default=3, ge=0, le=_MAX_LISTED)
    most_improved: int = Field(default=3, ge=0, le=_MAX_LISTED)


class NameRule(BaseModel):
    """Whom the quarterly bulletin names (通报).

    ``bottom``: the regions with the lowest values among those whose status is
    in ``statuses``; ``fallen_furthest``: the regions that lost most places
    since the previous quarter (any status). 0 leaves a list out.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    statuses: tuple[str, ...] = ("off_track",)
    bottom: int = Field(default=3, ge=0, le=_MAX_LISTED)
    fallen_furthest: int = Field(default=3, ge=0, le=_MAX_LISTED)


class BulletinRules(BaseModel):
    """The ``bulletin:`` section: who is praised and who is named each quarter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    praise: PraiseRule = Field(default_factory=PraiseRule)
    name: NameRule = Field(default_factory=NameRule)


class Targets(BaseModel):
    """The whole targets file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    baseline: int  # month index
    warning_band: float = Field(ge=0, lt=1)
    metrics: dict[str, MetricTarget]  # metric key -> target (a metric may be absent)
    overrides: dict[str, dict[str, MetricTarget]] = Field(default_factory=dict)
    bulletin: BulletinRules = Field(default_factory=BulletinRules)  # defaults where the file has no section
    # reporting.carry_forward_months (metrics.md §3, "Carried rows"): a (region, scheme) without a row
    # at t counts at t with its latest row of the last N months of t's year; 0 = off.
    carry_forward_months: int = Field(default=0, ge=0, le=MAX_CARRY_FORWARD_MONTHS)
    warnings: WarningRules = Field(default_factory=WarningRules)  # issue 13 point 1 (metrics/targets_warnings.py)
    # reporting.due_day (issue 13 point 2; metrics/timeliness.py): month t's report is due on this day of t + 1.
    due_day: int = Field(default=DEFAULT_DUE_DAY, ge=1, le=MAX_DUE_DAY)
    # issue 14: the scoring scheme and the reward tiers (metrics/targets_assessment.py); None: no section
    assessment: Any = None
    rewards: Any = None

    def for_region(self, metric: str, lineage: Sequence[str]) -> MetricTarget | None:
        """The target of ``metric`` for a region.

        ``lineage`` is the region's own code first, then its parent,
        grandparent ... up to the root. The nearest code in ``lineage`` that
        has an override for ``metric`` wins: its milestones replace the global
        ones; its schemes replace the global schemes only if the override gives
        schemes, else the global metric's schemes stay. Without an override:
        the global target, or None if the metric has no target.
        """
        return self.target_of(metric, self.overriding_code(metric, lineage))

    def overriding_code(self, metric: str, lineage: Sequence[str]) -> str | None:
        """The nearest code in ``lineage`` with an override for ``metric`` (None: the global target)."""
        if not self.overrides:
            return None
        for code in lineage:
            if metric in self.overrides.get(str(code), {}):
                return str(code)
        return None

    def target_of(self, metric: str, overriding_code: str | None) -> MetricTarget | None:
        """The target in force under ``overriding_code``'s override (None: the global one)."""
        glob = self.metrics.get(metric)
        if overriding_code is not None:
            override = self.overrides[overriding_code][metric]
            if override.schemes is None and glob is not None and glob.schemes is not None:
                return MetricTarget(milestones=override.milestones, schemes=glob.schemes)
            return override
        return glob


# --------------------------------------------------------------------------
# Problems


@dataclass(frozen=True)
class TargetProblem:
    place: str  # e.g. "targets.payment_rate.milestones[1].value"
    line: int | None  # 1-based line in the file
    message: str  # e.g. "1.2 is not a fraction in (0, 1]"
    message_zh: str = ""  # the same in Chinese for the dashboard ("" where none is written)

    def render(self, source: str, language: str = "en") -> str:
        """``FILE:LINE: place: message``, the line left out where unknown.

        In Chinese (``language="zh"``, the dashboard; issue 9) the place stays as written in the file
        (``targets.payment_rate.milestones[1].value``) and the message is the Chinese one, the English
        one where none is written. The CLI keeps the English.
        """
        where = source if self.line is None else f"{source}:{self.line}"
        message = (self.message_zh or self.message) if language == "zh" else self.message
        return f"{where}: {self.place}: {message}"


class TargetsError(ValueError):
    """The targets file is invalid; ``problems`` lists all problems in file order."""

    def __init__(self, problems: Sequence[TargetProblem]):
        self.problems: list[TargetProblem] = list(problems)
        super().__init__(self.render("targets"))

    def render(self, source: str, language: str = "en") -> str:
        return "\n".join(p.render(source, language) for p in self.problems)


# --------------------------------------------------------------------------
# Parser


def parse_targets(text: str) -> Targets:
    """Parse the text of a targets file; raise ``TargetsError`` listing every problem."""
    try:
        root = YAML().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        message = exc.problem or exc.context or "invalid YAML"
        raise TargetsError([TargetProblem(
            "yaml", line, f"invalid YAML: {message}",
            f"YAML 格式有误（请检查缩进、冒号和引号）：{message}",
        )]) from None
    except YAMLError as exc:  # pragma: no cover - ruamel marks nearly everything
        raise TargetsError([TargetProblem(
            "yaml", None, f"invalid YAML: {exc}", f"YAML 格式有误（请检查缩进、冒号和引号）：{exc}",
        )]) from None
    walker = _Walker()
    result = walker.top(root)
    if walker.problems:
        ordered = sorted(walker.problems, key=lambda p: (p.line is None, p.line or 0))
        raise TargetsError(ordered)
    assert result is not None
    return result


def _show(value: Any) -> str:
    """A value the way the analyst wrote it, for messages."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(float(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def _show_zh(value: Any) -> str:
    """``_show`` for the Chinese messages."""
    if value is None:
        return "空值"
    if isinstance(value, dict):
        return "一组配置项"
    if isinstance(value, list):
        return "一个列表"
    return _show(value)


def _line_of(node: Any) -> int | None:
    lc = getattr(node, "lc", None)
    return lc.line + 1 if lc is not None and lc.line is not None else None


def _key_line(mapping: Any, key: Any) -> int | None:
    try:
        return mapping.lc.key(key)[0] + 1
    except (AttributeError, KeyError, TypeError):
        return _line_of(mapping)


def _value_line(mapping: Any, key: Any) -> int | None:
    # An empty value has no position of its own (ruamel reports the next
    # token's), so it is reported on its key's line.
    if mapping.get(key) is None:
        return _key_line(mapping, key)
    try:
        return mapping.lc.value(key)[0] + 1
    except (AttributeError, KeyError, TypeError):
        return _key_line(mapping, key)


def _item_line(seq: Any, index: int) -> int | None:
    try:
        return seq.lc.item(index)[0] + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        return _line_of(seq)


class _Walker:
    def __init__(self) -> None:
        self.problems: list[TargetProblem] = []

    def problem(self, place: str, line: int | None, message: str, message_zh: str = "") -> None:
        self.problems.append(TargetProblem(place, line, message, message_zh))

    # -- helpers -------------------------------------------------------------

    def unknown_keys(self, mapping: dict, prefix: str, allowed: Sequence[str], what: str = "key") -> bool:
        """Record every key of ``mapping`` not in ``allowed``; True where there is none."""
        known = True
        for key in mapping:
            if key not in allowed:
                known = False
                self.problem(
                    f"{prefix}{key}",
                    _key_line(mapping, key),
                    f"unknown {what} '{key}'; allowed: {', '.join(allowed)}",
                    f"未知的{'指标' if what == 'metric' else '配置项'}“{key}”；可用的有：{'、'.join(allowed)}",
                )
        return known

    def number_in(
        self, value: Any, place: str, line: int | None, fits: Callable[[float], bool], expected: str, expected_zh: str, *, whole: bool = False
    ) -> float | None:
        """``value`` where it is a number (a whole one if ``whole``) for which ``fits`` holds, else None with
        the problem "<value> is not <expected>" / "<value> 不是<expected_zh>" recorded at ``place``/``line``."""
        kinds = int if whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or not math.isfinite(value) or not fits(value):
            self.problem(place, line, f"{_show(value)} is not {expected}", f"{_show_zh(value)} 不是{expected_zh}")
            return None
        return value

    def section(self, node: Any, place: str, line: int | None, allowed: Sequence[str]) -> tuple[dict | None, bool]:
        """A section that must be a mapping of ``allowed`` keys (``warnings:``, ``bulletin:``, ``assessment:`` …).

        Returns ``(node, known)``: ``node`` None where it is not a mapping (the problem is recorded),
        ``known`` False where it has a key not in ``allowed`` (each one recorded, by place and line).
        """
        if not isinstance(node, dict):
            self.problem(
                place, line,
                f"expected a mapping with keys {', '.join(allowed)}, got {_show(node)}",
                f"应在其下写 {'、'.join(allowed)} 等配置项，实际是：{_show_zh(node)}",
            )
            return None, False
        return node, self.unknown_keys(node, f"{place}.", allowed)

    def month(self, value: Any, place: str, line: int | None) -> int | None:
        if isinstance(value, str) and _MONTH.match(value):
            return month_index(value)
        self.problem(
            place, line, f"{_show(value)} is not a month written YYYY-MM",
            f"{_show_zh(value)} 不是 YYYY-MM 格式的月份（如 2025-12）",
        )
        return None

    def fraction(self, value: Any, place: str, line: int | None) -> float | None:
        if isinstance(value, str):
            match = _PERCENT.match(value.strip())
            if not match:
                self.problem(
                    place, line, f"{_show(value)} is not a fraction in (0, 1] or a percentage like '95%'",
                    f"{_show_zh(value)} 不是 (0, 1] 之间的小数，也不是“95%”这样的百分数",
                )
                return None
            number = Decimal(match.group(1))
            if -number.as_tuple().exponent > _MAX_PERCENT_DECIMALS:
                self.problem(
                    place, line, f"{value} has more than {_MAX_PERCENT_DECIMALS} decimals",
                    f"{value} 的小数超过 {_MAX_PERCENT_DECIMALS} 位",
                )
                return None
            if not 0 < number <= 100:
                self.problem(
                    place, line, f"{value} is not a percentage in (0%, 100%]",
                    f"{value} 不是 (0%, 100%] 之间的百分数",
                )
                return None
            return float(number / 100)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(place, line, f"{_show(value)} is not a number", f"{_show_zh(value)} 不是数字")
            return None
        try:
            exact = Decimal(repr(float(value)))
        except InvalidOperation:  # nan, inf
            exact = None
        if exact is None or not exact.is_finite() or not 0 < exact <= 1:
            self.problem(
                place, line, f"{_show(value)} is not a fraction in (0, 1]",
                f"{_show(value)} 不是 (0, 1] 之间的小数，也不是“95%”这样的百分数",
            )
            return None
        if -exact.as_tuple().exponent > _MAX_DECIMALS:
            self.problem(
                place, line, f"{_show(value)} has more than {_MAX_DECIMALS} decimals",
                f"{_show(value)} 的小数超过 {_MAX_DECIMALS} 位",
            )
            return None
        return float(value)

    # -- the tree ------------------------------------------------------------

    def top(self, root: Any) -> Targets | None:
        if not isinstance(root, dict):
            what = "the file is empty" if root is None else f"got {_show(root)}"
            self.problem(
                "(file)", 1, f"expected a mapping with keys {', '.join(_TOP_KEYS)}; {what}",
                f"文件应由 {'、'.join(_TOP_KEYS)} 等配置项组成；"
                + ("文件是空的" if root is None else f"实际是：{_show_zh(root)}"),
            )
            return None
        self.unknown_keys(root, "", _TOP_KEYS)
        for key in ("baseline", "warning_band", "targets"):
            if key not in root:
                self.problem(key, _line_of(root), f"'{key}' is required", f"缺少必填项“{key}”")

        baseline = None
        if "baseline" in root:
            baseline = self.month(root["baseline"], "baseline", _value_line(root, "baseline"))

        band = None
        if "warning_band" in root:
            value, line = root["warning_band"], _value_line(root, "warning_band")
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.problem("warning_band", line, f"{_show(value)} is not a number", f"{_show_zh(value)} 不是数字")
            elif not 0 <= value < 1:
                self.problem(
                    "warning_band", line, f"{_show(value)} is not a number in [0, 1)",
                    f"{_show(value)} 不是 [0, 1) 之间的数（如 0.02 表示 2 个百分点）",
                )
            else:
                band = float(value)

        metrics: dict[str, MetricTarget] | None = None
        if "targets" in root:
            metrics = self.metric_map(root, "targets", "targets")

        overrides: dict[str, dict[str, MetricTarget]] | None = {}
        if "overrides" in root:
            overrides = self.overrides(root)

        bulletin: BulletinRules | None = BulletinRules()
        if "bulletin" in root:
            bulletin = self.bulletin(root)

        carry: int | None = 0
        self.due_day: int | None = DEFAULT_DUE_DAY
        if "reporting" in root:
            carry = self.reporting(root)

        warn = parse_warnings(self, root) if "warnings" in root else WarningRules()

        from metrics.targets_assessment import parse_sections  # issue 14: assessment: and rewards:

        assessment, rewards, _ = parse_sections(self, root)
        if (
            warn is None or self.problems or baseline is None or band is None or metrics is None or overrides is None
            or bulletin is None or carry is None or self.due_day is None
        ):
            return None
        return Targets(
            baseline=baseline, warning_band=band, metrics=metrics, overrides=overrides, bulletin=bulletin,
            carry_forward_months=carry, warnings=warn, due_day=self.due_day, assessment=assessment, rewards=rewards,
        )

    def reporting(self, root: dict) -> int | None:
        """The optional ``reporting:`` section: ``carry_forward_months``, a whole number 0..12 (default 0)."""
        node = root["reporting"]
        if node is None:
            return 0
        if not isinstance(node, dict):
            self.problem(
                "reporting", _value_line(root, "reporting"),
                f"expected a mapping with keys {', '.join(_REPORTING_KEYS)}, got {_show(node)}",
                f"应在其下写 {'、'.join(_REPORTING_KEYS)} 配置项，实际是：{_show_zh(node)}",
            )
            return None
        self.unknown_keys(node, "reporting.", _REPORTING_KEYS)
        ok = all(key in _REPORTING_KEYS for key in node)
        if "due_day" in node:
            found = due_day_problem(node["due_day"])
            if found is not None:
                self.problem("reporting.due_day", _value_line(node, "due_day"), *found)
                self.due_day = None
            else:
                self.due_day = int(node["due_day"])
        if "carry_forward_months" not in node:
            return 0 if ok else None
        value = node["carry_forward_months"]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_CARRY_FORWARD_MONTHS:
            quoted = isinstance(value, str) and value.strip().isdigit()  # "2": YAML reads a quoted number as text
            self.problem(
                "reporting.carry_forward_months", _value_line(node, "carry_forward_months"),
                f"'{value}' is text (in quotes), not a whole number from 0 to {MAX_CARRY_FORWARD_MONTHS}; write it without quotes"
                if quoted
                else f"{_show(value)} is not a whole number from 0 to {MAX_CARRY_FORWARD_MONTHS}",
                f"“{value}”加了引号，是文字而不是 0 到 {MAX_CARRY_FORWARD_MONTHS} 之间的整数；请去掉引号"
                if quoted
                else f"{_show_zh(value)} 不是 0 到 {MAX_CARRY_FORWARD_MONTHS} 之间的整数",
            )
            return None
        return int(value) if ok else None

    def bulletin(self, root: dict) -> BulletinRules | None:
        """The optional ``bulletin:`` section; what it leaves out keeps its default."""
        node = root["bulletin"]
        if node is None:  # "bulletin:" with everything under it commented out
            return BulletinRules()
        node, ok = self.section(node, "bulletin", _value_line(root, "bulletin"), _BULLETIN_KEYS)
        if node is None:
            return None
        rules: dict[str, Any] = {}
        for key, allowed, model in (("praise", _PRAISE_KEYS, PraiseRule), ("name", _NAME_KEYS, NameRule)):
            if key not in node or node[key] is None:
                continue
            rule = node[key]
            place = f"bulletin.{key}"
            rule, known = self.section(rule, place, _value_line(node, key), allowed)
            ok = ok and known
            if rule is None:
                continue
            fields: dict[str, Any] = {}
            for field in allowed:
                if field not in rule:
                    continue
                line = _value_line(rule, field)
                if field == "statuses":
                    statuses = self.statuses(rule[field], f"{place}.statuses", line, rule[field])
                    if statuses is None:
                        ok = False
                    else:
                        fields[field] = statuses
                else:
                    count = self.count(rule[field], f"{place}.{field}", line)
                    if count is None:
                        ok = False
                    else:
                        fields[field] = count
            rules[key] = model(**fields)
        return BulletinRules(**rules) if ok else None

    def statuses(self, node: Any, place: str, line: int | None, seq: Any) -> tuple[str, ...] | None:
        if not isinstance(node, list) or not node:
            self.problem(
                place, line, f"expected a non-empty list of statuses ({', '.join(STATUSES)}), got {_show(node)}",
                f"应是非空的状态列表（可用 {'、'.join(STATUSES)}），实际是：{_show_zh(node)}",
            )
            return None
        ok = True
        seen: set[str] = set()
        for i, status in enumerate(node):
            item_line = _item_line(seq, i)
            if not isinstance(status, str) or status not in STATUSES:
                self.problem(
                    f"{place}[{i}]", item_line, f"unknown status '{_show(status)}'; allowed: {', '.join(STATUSES)}",
                    f"未知的状态“{_show_zh(status)}”；可用的有：{'、'.join(STATUSES)}",
                )
                ok = False
            elif status in seen:
                self.problem(f"{place}[{i}]", item_line, f"status '{status}' is listed twice", f"状态“{status}”重复列出")
                ok = False
            else:
                seen.add(status)
        return tuple(node) if ok else None

    def count(self, value: Any, place: str, line: int | None) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_LISTED:
            self.problem(
                place, line, f"{_show(value)} is not a whole number from 0 to {_MAX_LISTED}",
                f"{_show_zh(value)} 不是 0 到 {_MAX_LISTED} 之间的整数",
            )
            return None
        return int(value)

    def metric_map(self, parent: dict, key: Any, place: str) -> dict[str, MetricTarget] | None:
        """``parent[key]``: a mapping of metric key -> entry."""
        node = parent[key]
        if not isinstance(node, dict):
            self.problem(
                place, _value_line(parent, key), f"expected a mapping of metric -> milestones, got {_show(node)}",
                f"应按指标列出目标节点（如 coverage_rate: [...]），实际是：{_show_zh(node)}",
            )
            return None
        self.unknown_keys(node, f"{place}.", METRIC_KEYS, what="metric")
        result: dict[str, MetricTarget] = {}
        ok = True
        for metric in node:
            if metric not in METRIC_KEYS:
                ok = False
                continue
            target = self.entry(node, metric, f"{place}.{metric}")
            if target is None:
                ok = False
            else:
                result[metric] = target
        return result if ok else None

    def entry(self, parent: dict, metric: str, place: str) -> MetricTarget | None:
        """One metric's entry: a list of milestones, or a mapping with milestones (and schemes)."""
        node = parent[metric]
        line = _value_line(parent, metric)
        if isinstance(node, list):
            milestones = self.milestones(node, place, line)
            return None if milestones is None else MetricTarget(milestones=milestones)
        if not isinstance(node, dict):
            self.problem(
                place, line,
                f"expected a list of milestones or a mapping with 'milestones', got {_show(node)}",
                f"应是目标节点列表，或在其下写“milestones”，实际是：{_show_zh(node)}",
            )
            return None
        self.unknown_keys(node, f"{place}.", _ENTRY_KEYS)
        ok = all(k in _ENTRY_KEYS for k in node)
        milestones = None
        if "milestones" not in node:
            self.problem(f"{place}.milestones", line, "'milestones' is required", "缺少必填项“milestones”")
        else:
            ms_node = node["milestones"]
            ms_line = _value_line(node, "milestones")
            if isinstance(ms_node, list):
                milestones = self.milestones(ms_node, f"{place}.milestones", ms_line)
            else:
                self.problem(
                    f"{place}.milestones", ms_line, f"expected a list of milestones, got {_show(ms_node)}",
                    f"应是目标节点列表，实际是：{_show_zh(ms_node)}",
                )
        schemes: tuple[str, ...] | None = None
        if "schemes" in node and metric == "employee_share":
            # metrics.md §3: employee_share always sums over all three schemes.
            self.problem(
                f"{place}.schemes", _key_line(node, "schemes"),
                "employee_share has a fixed definition (employee and public among all schemes); remove 'schemes'",
                "employee_share（职工养老保险占比）的口径是固定的（企业职工与机关事业单位占全部险种）；请删除“schemes”",
            )
            ok = False
        elif "schemes" in node:
            schemes = self.schemes(node, f"{place}.schemes")
            ok = ok and schemes is not None
        if not ok or milestones is None:
            return None
        return MetricTarget(milestones=milestones, schemes=schemes)

    def schemes(self, parent: dict, place: str) -> tuple[str, ...] | None:
        node = parent["schemes"]
        line = _value_line(parent, "schemes")
        if not isinstance(node, list):
            self.problem(
                place, line, f"expected a list of schemes ({', '.join(SCHEMES)}), got {_show(node)}",
                f"应是险种列表（可用 {'、'.join(SCHEMES)}），实际是：{_show_zh(node)}",
            )
            return None
        if not node:
            self.problem(
                place, line, "must not be empty (leave 'schemes' out to mean all schemes)",
                "不能为空（不写“schemes”即为全部险种）",
            )
            return None
        ok = True
        seen: set[str] = set()
        for i, scheme in enumerate(node):
            item_line = _item_line(node, i)
            if not isinstance(scheme, str) or scheme not in SCHEMES:
                self.problem(
                    f"{place}[{i}]", item_line, f"unknown scheme '{_show(scheme)}'; allowed: {', '.join(SCHEMES)}",
                    f"未知的险种“{_show_zh(scheme)}”；可用的有：{'、'.join(SCHEMES)}",
                )
                ok = False
            elif scheme in seen:
                self.problem(f"{place}[{i}]", item_line, f"scheme '{scheme}' is listed twice", f"险种“{scheme}”重复列出")
                ok = False
            else:
                seen.add(scheme)
        return tuple(node) if ok else None

    def milestones(self, node: list, place: str, line: int | None) -> tuple[Milestone, ...] | None:
        if not node:
            self.problem(place, line, "needs at least one milestone", "至少需要一个目标节点")
            return None
        result: list[Milestone] = []
        ok = True
        previous: int | None = None
        for i, item in enumerate(node):
            item_place = f"{place}[{i}]"
            item_line = _item_line(node, i)
            if not isinstance(item, dict):
                self.problem(
                    item_place, item_line, f"expected a milestone {{by: YYYY-MM, value: ...}}, got {_show(item)}",
                    f"应是目标节点 {{by: YYYY-MM, value: ...}}，实际是：{_show_zh(item)}",
                )
                ok = False
                previous = None
                continue
            self.unknown_keys(item, f"{item_place}.", _MILESTONE_KEYS)
            ok = ok and all(k in _MILESTONE_KEYS for k in item)
            by = value = None
            for key in _MILESTONE_KEYS:
                if key not in item:
                    self.problem(f"{item_place}.{key}", item_line, f"'{key}' is required", f"缺少必填项“{key}”")
                    ok = False
            if "by" in item:
                by = self.month(item["by"], f"{item_place}.by", _value_line(item, "by"))
                if by is not None and previous is not None and by <= previous:
                    self.problem(
                        f"{item_place}.by", _value_line(item, "by"),
                        f"{period_label(by)} is not after the previous milestone ({period_label(previous)})",
                        f"{period_label(by)} 不晚于上一个目标节点（{period_label(previous)}），节点须按月份从早到晚排列",
                    )
                    by = None
                    ok = False
                # Keep comparing against the latest valid month, so one
                # misplaced milestone does not hide the next one.
                if by is not None:
                    previous = by
            if "value" in item:
                value = self.fraction(item["value"], f"{item_place}.value", _value_line(item, "value"))
            if by is None or value is None:
                ok = False
                continue
            result.append(Milestone(by=by, value=value))
        return tuple(result) if ok else None

    def overrides(self, root: dict) -> dict[str, dict[str, MetricTarget]] | None:
        node = root["overrides"]
        if node is None:  # "overrides:" with nothing under it (all examples commented out)
            return {}
        if not isinstance(node, dict):
            self.problem(
                "overrides", _value_line(root, "overrides"), f"expected a mapping of region code -> metrics, got {_show(node)}",
                f"应按区划代码列出各指标的目标（如 \"530302\": {{coverage_rate: [...]}}），实际是：{_show_zh(node)}",
            )
            return None
        result: dict[str, dict[str, MetricTarget]] = {}
        ok = True
        for code in node:
            text = str(code) if isinstance(code, int) and not isinstance(code, bool) else code
            if not isinstance(text, str) or not _REGION.match(text):
                self.problem(
                    f"overrides.{_show(code)}", _key_line(node, code), f"{_show(code)} is not a region code (2 to 12 digits)",
                    f"{_show_zh(code)} 不是区划代码（应为 2 到 12 位数字）",
                )
                ok = False
                continue
            if text in result:
                self.problem(f"overrides.{text}", _key_line(node, code), f"region {text} is given twice", f"地区 {text} 重复设定")
                ok = False
                continue
            metrics = self.metric_map(node, code, f"overrides.{text}")
            if metrics is None:
                ok = False
            else:
                result[text] = metrics
        return result if ok else None
