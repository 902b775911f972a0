"""What a refused or questionable file is told: one :class:`Problem` per row and field.

Kept apart from :mod:`data.importer` so that the reading layer (:mod:`data.readers`) and the checks can
both raise them without importing each other; :mod:`data.importer` re-exports both names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    """One problem of a file: ``row`` as a spreadsheet user counts it (1 for the file as a whole), the
    ``field`` (canonical column, ``header``, ``file``...), the English ``reason``; ``reason_zh`` is the same
    in Chinese for the dashboard ("" where none was written: the dashboard then shows the English)."""

    row: int
    field: str
    reason: str
    reason_zh: str = field(default="", compare=False)

    def render(self, source: str, language: str = "en") -> str:
        """``FILE:ROW: field: reason``; in Chinese (``language="zh"``) the field as the Chinese headers
        name it (统计期, 区划代码, 参保人数...) and the Chinese reason (the English one where none is written)."""
        if language == "zh":
            from data.importer import field_zh  # the Chinese headers live with the kinds

            return f"{source}:{self.row}: {field_zh(self.field)}: {self.reason_zh or self.reason}"
        return f"{source}:{self.row}: {self.field}: {self.reason}"

    def text(self, language: str = "en") -> str:
        """The reason in ``language`` (English where no Chinese is written)."""
        return (self.reason_zh or self.reason) if language == "zh" else self.reason


class ImportRefused(ValueError):
    """The file was refused; nothing was written."""

    def __init__(self, source: str, problems: Sequence[Problem]):
        self.source = source
        self.problems = sorted(problems)
        super().__init__("\n".join(problem.render(source) for problem in self.problems))
