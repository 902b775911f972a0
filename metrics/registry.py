"""The metrics kuomian tracks, as data: one record per metric.

Every page, export and command reads labels and formats from here, so a
metric is named the same way everywhere. ``tests/test_registry.py`` checks
that each one is documented in ``docs/metrics.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMES: tuple[str, ...] = ("employee", "public", "resident")
EMPLOYEE_SCHEMES: tuple[str, ...] = ("employee", "public")
LEVELS: tuple[str, ...] = ("province", "city", "county", "township", "village")
STATUSES: tuple[str, ...] = ("achieved", "on_track", "behind", "off_track")


@dataclass(frozen=True)
class Metric:
    key: str
    label_zh: str
    label_en: str
    numerator_zh: str
    numerator_en: str
    denominator_zh: str
    denominator_en: str
    description_en: str
    year_to_date: bool = False

    def label(self, language: str) -> str:
        return self.label_zh if language == "zh" else self.label_en


METRICS: tuple[Metric, ...] = (
    Metric(
        key="coverage_rate",
        label_zh="参保率",
        label_en="Coverage rate",
        numerator_zh="参保人数",
        numerator_en="Insured",
        denominator_zh="应参保人数",
        denominator_en="Required to be insured",
        description_en="Persons insured in all schemes over persons legally required to be insured.",
    ),
    Metric(
        key="employee_share",
        label_zh="职工养老保险占比",
        label_en="Employee-scheme share",
        numerator_zh="职工养老保险缴费阶段人数",
        numerator_en="Contribution phase, employee schemes",
        denominator_zh="缴费阶段人数",
        denominator_en="Contribution phase, all schemes",
        description_en="Share of contribution-phase persons who are in the employee or public scheme.",
    ),
    Metric(
        key="payment_rate",
        label_zh="缴费率",
        label_en="Payment rate",
        numerator_zh="实际缴费人数",
        numerator_en="Paid this year",
        denominator_zh="缴费阶段人数",
        denominator_en="Contribution phase",
        description_en="Contribution-phase persons who have paid for the current year so far.",
        year_to_date=True,
    ),
)

METRIC_BY_KEY: dict[str, Metric] = {metric.key: metric for metric in METRICS}
METRIC_KEYS: tuple[str, ...] = tuple(METRIC_BY_KEY)
