"""The words on an export, in one language, without a Streamlit session.

The catalog (``present.catalog.CATALOG``) is the one place user-facing text
lives; the dashboard picks the language from the session, an export is told
it. ``Texts("zh")`` reads the same catalog, so the page's download and
``kuomian export`` print the same words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from metrics.registry import METRIC_BY_KEY
from present.catalog import CATALOG, check_language, status_label
from present.formatting import is_missing


def _catalog() -> Mapping[str, tuple[str, str]]:
    return CATALOG


@dataclass(frozen=True)
class Texts:
    language: str = "zh"
    catalog: Mapping[str, tuple[str, str]] = field(default_factory=_catalog, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_language(self.language)

    def t(self, key: str, **values: object) -> str:
        zh, en = self.catalog[key]
        text = zh if self.language == "zh" else en
        return text.format(**values) if values else text

    def metric(self, key: str) -> str:
        return METRIC_BY_KEY[key].label(self.language)

    def numerator(self, key: str) -> str:
        metric = METRIC_BY_KEY[key]
        return metric.numerator_zh if self.language == "zh" else metric.numerator_en

    def denominator(self, key: str) -> str:
        metric = METRIC_BY_KEY[key]
        return metric.denominator_zh if self.language == "zh" else metric.denominator_en

    def status(self, status: str | None) -> str:
        return status_label(status, self.language)

    def unit(self, level: str | None) -> str:
        return self.t(f"briefing.unit.{'township' if is_missing(level) or not level else level}")

    def schemes(self, schemes: Iterable[str] | None) -> str:
        if schemes is None:
            return self.t("bulletin.all_schemes")
        return self.t("briefing.list_sep").join(self.t(f"scheme.{s}") for s in schemes)

    def definition(self, key: str, schemes: tuple[str, ...] | None) -> str:
        """``参保率 = 参保人数 ÷ 应参保人数``, with the schemes counted and the year to date where they apply."""
        notes = []
        if schemes is not None:
            notes.append(self.t("briefing.definition_schemes", schemes=self.schemes(schemes)))
        if METRIC_BY_KEY[key].year_to_date:
            notes.append(self.t("briefing.definition_ytd"))
        note = ""
        if notes:
            text = "".join(notes)
            text = text.lstrip("，;").strip()
            note = self.t("briefing.definition_note", text=text)
        return self.t(
            "briefing.definition", metric=self.metric(key), numerator=self.numerator(key), denominator=self.denominator(key), note=note
        )


def texts(language: str = "zh") -> Texts:
    return Texts(language)
