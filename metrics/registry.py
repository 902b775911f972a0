"""The metrics kuomian tracks, as data: one record per metric.

Every page, export and command reads labels and formats from here, so a
metric is named the same way everywhere. ``tests/test_registry.py`` checks
that each one is documented in ``docs/metrics.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMES: tuple[str, ...] = ("employee", "public", "resident")
EMPLOYEE_SCHEMES: tuple[str, ...] = ("employee", "public")
# country (全国) is the one root a ministry-level database may have above its provinces (metrics.md §1)
LEVELS: tuple[str, ...] = ("country", "province", "city", "county", "township", "village")
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


def counts_year_to_date(metric: str) -> bool:
    """Whether ``metric`` counts the year to date (restarts each January: its targets, trajectory,
    trend, pace and projection look at the period's year only; metrics.md, the payment rate).

    The one place that says so (issue 11): read this, never compare a key with "payment_rate".
    An unknown key counts from the baseline (False).
    """
    known = METRIC_BY_KEY.get(metric)
    return known is not None and known.year_to_date


# --------------------------------------------------------------------------- the expansion pool


@dataclass(frozen=True)
class PoolCategory:
    """One of the eight key groups (八类重点群体) or six actions (六个一批)."""

    id: int
    zh: str  # the short name shown on charts and accepted in files
    en: str
    zh_full: str = ""  # the campaign's own wording, also accepted in files

    def label(self, language: str) -> str:
        return self.zh if language == "zh" else self.en


POOL_GROUPS: tuple[PoolCategory, ...] = (
    PoolCategory(1, "个体工商户和小微企业", "Small businesses", "个体工商户、小微企业等纳税正常但未参保的市场主体"),
    PoolCategory(2, "被征地农民等补贴人员", "Land-requisitioned farmers", "被征地农民等享受政府参保缴费补贴政策人员"),
    PoolCategory(3, "转移就业农村劳动力", "Rural migrant workers", "转移就业农村劳动力中长期稳定市场化就业人员"),
    PoolCategory(4, "新就业形态劳动者", "Platform workers", "新就业形态劳动者：网约车司机、快递员、外卖骑手、同城货运司机"),
    PoolCategory(5, "持证自由职业者", "Licensed freelancers", "律师、导游等持证自由职业者"),
    PoolCategory(6, "城乡富裕居民", "Well-off residents", "具备职工养老保险缴费能力的城乡富裕居民"),
    PoolCategory(7, "缴费困难群体", "Hardship group", "低保对象、特困人员、致贫返贫人员、重度残疾人等缴费困难群体"),
    PoolCategory(8, "其他应参未参人员", "Others", "其他应参未参人员"),
)

POOL_ACTIONS: tuple[PoolCategory, ...] = (
    PoolCategory(1, "精准宣传动员一批", "Targeted publicity"),
    PoolCategory(2, "典型引路带动一批", "Role models"),
    PoolCategory(3, "强化执法扩面一批", "Law enforcement"),
    PoolCategory(4, "依法维权纳入一批", "Rights protection"),
    PoolCategory(5, "完善政策吸纳一批", "Policy improvement"),
    PoolCategory(6, "政府帮扶兜底一批", "Government support"),
)

POOL_GROUP_BY_ID: dict[int, PoolCategory] = {group.id: group for group in POOL_GROUPS}
POOL_ACTION_BY_ID: dict[int, PoolCategory] = {action.id: action for action in POOL_ACTIONS}


def category_names(categories: tuple[PoolCategory, ...]) -> dict[str, int]:
    """Every way a file may name a group or action -> its id: the digit, the short and full
    Chinese names (an action also without its closing 一批), the English name in any case."""
    names: dict[str, int] = {}
    for category in categories:
        names[str(category.id)] = category.id
        for name in (category.zh, category.zh_full, category.en.lower()):
            if name:
                names[name] = category.id
        if category.zh.endswith("一批"):
            names[category.zh[: -len("一批")]] = category.id
    return names
