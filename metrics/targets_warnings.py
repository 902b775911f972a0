"""The targets file's ``warnings:`` section (预警, issue 13 point 1): which triggers are on, their
severity, and the thresholds of the triggers that have one.

```yaml
warnings:
  triggers:                    # trigger -> high | medium | low | off (left out: its default)
    late_report: off
    implausible: high
  drop_points: 0.02            # sudden_drop: a rate falling more than 2 points in one month
  carried_months: 2            # carried_again: figures carried forward for a 2nd month in a row
  pool_sufficiency_below: 1    # pool_short: the library's persons left cover less than the gap
```

The whole section is optional; every key left out keeps the default below (the defaults are what
``config/targets.yaml`` ships). Problems are reported like the rest of the file, with place, line and
a Chinese message, through the walker of :mod:`metrics.targets`, which calls :func:`parse_section`.
This module imports nothing from :mod:`metrics.targets` at load time (that module imports this one).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

#: The triggers, in the order the documentation and the page's filter list them.
TRIGGERS: tuple[str, ...] = (
    "overdue",
    "off_track",
    "missing_report",
    "behind",
    "projected_short",
    "sudden_drop",
    "implausible",
    "carried_again",
    "pool_short",
    "late_report",
)

#: Severities, most severe first; the warnings list is ordered by this.
SEVERITIES: tuple[str, ...] = ("high", "medium", "low")
OFF = "off"

#: The defaults (docs/metrics.md "Warnings"): a missed deadline, a clear lag and a missing report
#: call for action now; the rest for a look this month; a report that came late but came, low.
DEFAULT_SEVERITY: dict[str, str] = {
    "overdue": "high",
    "off_track": "high",
    "missing_report": "high",
    "behind": "medium",
    "projected_short": "medium",
    "sudden_drop": "medium",
    "implausible": "medium",
    "carried_again": "medium",
    "pool_short": "medium",
    "late_report": "low",
}

_KEYS = ("triggers", "drop_points", "carried_months", "pool_sufficiency_below")
MAX_CARRIED_MONTHS = 12
MAX_POOL_THRESHOLD = 100


class WarningRules(BaseModel):
    """The ``warnings:`` section. ``severity``: trigger -> severity for the triggers that are on
    (a trigger turned off is absent); ``drop_points``: a fraction (0.02 = 2 percentage points);
    ``carried_months``: months in a row; ``pool_sufficiency_below``: a ratio (persons / persons)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    severity: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_SEVERITY))
    drop_points: float = Field(default=0.02, gt=0, lt=1)
    carried_months: int = Field(default=2, ge=1, le=MAX_CARRIED_MONTHS)
    pool_sufficiency_below: float = Field(default=1.0, gt=0, le=MAX_POOL_THRESHOLD)

    def is_on(self, trigger: str) -> bool:
        return trigger in self.severity


def parse_section(walker: Any, root: dict) -> WarningRules | None:
    """The optional ``warnings:`` section of ``root`` (the file's top mapping), read by ``walker``
    (a ``metrics.targets._Walker``: its ``problem`` records a problem with place, line, en and zh).
    None where the section has a problem (every one recorded)."""
    from metrics.targets import _key_line, _show, _show_zh, _value_line

    node = root["warnings"]
    if node is None:  # "warnings:" with everything under it commented out
        return WarningRules()
    node, ok = walker.section(node, "warnings", _value_line(root, "warnings"), _KEYS)
    if node is None:
        return None
    fields: dict[str, Any] = {}

    if "triggers" in node and node["triggers"] is not None:
        triggers = node["triggers"]
        if not isinstance(triggers, dict):
            walker.problem(
                "warnings.triggers", _value_line(node, "triggers"),
                f"expected a mapping of trigger -> {' | '.join((*SEVERITIES, OFF))}, got {_show(triggers)}",
                f"应按预警类型写严重程度（{'、'.join((*SEVERITIES, OFF))}），如 behind: medium，实际是：{_show_zh(triggers)}",
            )
            ok = False
        else:
            severity = dict(DEFAULT_SEVERITY)
            for trigger in triggers:
                if trigger not in TRIGGERS:
                    walker.problem(
                        f"warnings.triggers.{trigger}", _key_line(triggers, trigger),
                        f"unknown trigger '{trigger}'; allowed: {', '.join(TRIGGERS)}",
                        f"未知的预警类型“{trigger}”；可用的有：{'、'.join(TRIGGERS)}",
                    )
                    ok = False
                    continue
                value = triggers[trigger]
                if value is False:  # YAML reads a bare `off` as false
                    value = OFF
                if value not in (*SEVERITIES, OFF):
                    walker.problem(
                        f"warnings.triggers.{trigger}", _value_line(triggers, trigger),
                        f"{_show(value)} is not one of {', '.join((*SEVERITIES, OFF))}",
                        f"{_show_zh(value)} 不是 {'、'.join((*SEVERITIES, OFF))} 之一（high 高、medium 中、low 低、off 关闭）",
                    )
                    ok = False
                    continue
                if value == OFF:
                    severity.pop(trigger, None)
                else:
                    severity[trigger] = value
            fields["severity"] = severity

    if "drop_points" in node:
        value = walker.number_in(
            node["drop_points"], "warnings.drop_points", _value_line(node, "drop_points"), lambda v: 0 < v < 1,
            "a number in (0, 1) (0.02 = 2 percentage points)", " 0 到 1 之间的数（如 0.02 表示 2 个百分点）",
        )
        ok = ok and value is not None
        if value is not None:
            fields["drop_points"] = float(value)

    if "carried_months" in node:
        value = walker.number_in(
            node["carried_months"], "warnings.carried_months", _value_line(node, "carried_months"),
            lambda v: 1 <= v <= MAX_CARRIED_MONTHS,
            f"a whole number from 1 to {MAX_CARRIED_MONTHS}", f" 1 到 {MAX_CARRIED_MONTHS} 之间的整数", whole=True,
        )
        ok = ok and value is not None
        if value is not None:
            fields["carried_months"] = int(value)

    if "pool_sufficiency_below" in node:
        value = walker.number_in(
            node["pool_sufficiency_below"], "warnings.pool_sufficiency_below", _value_line(node, "pool_sufficiency_below"),
            lambda v: 0 < v <= MAX_POOL_THRESHOLD,
            f"a number above 0 and at most {MAX_POOL_THRESHOLD} (1 = the pool just covers the gap)",
            f"大于 0、不超过 {MAX_POOL_THRESHOLD} 的数（1 表示实名库剩余人数恰好等于差距）",
        )
        ok = ok and value is not None
        if value is not None:
            fields["pool_sufficiency_below"] = float(value)

    return WarningRules(**fields) if ok else None
