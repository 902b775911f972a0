"""Numbers as people read them: percentages that never contradict their colour.

A rate of 0.94996 against a target of 0.95 must not read "95.0%" beside a red
light, so :func:`format_rate` adds decimals until the shown figure falls on
the same side of the target as the value itself.
"""

from __future__ import annotations

import math

from metrics.periods import period_label

MAX_DECIMALS = 4


def is_missing(value: object) -> bool:
    """True for every way a cell says "no value": ``None``, NaN, ``pd.NA``, ``NaT``.

    A period without a milestone, a region without a figure, a report column
    that is all empty all arrive as one of these (issue 10, point 1): code that
    turns a value into a label asks this, never ``value or default``.
    """
    if value is None:
        return True
    try:
        return bool(math.isnan(value))  # type: ignore[arg-type]
    except TypeError:
        return str(value) in ("<NA>", "NaT")


_missing = is_missing


def rate_decimals(value: float, target: float | None = None, decimals: int = 1) -> int:
    """The fewest decimals (at least ``decimals``) that keep ``value`` on its side of ``target``."""
    if _missing(target) or _missing(value):
        return decimals
    for places in range(decimals, MAX_DECIMALS + 1):
        shown = round(value * 100, places) / 100
        if (shown >= target) == (value >= target - 1e-9):
            return places
    return MAX_DECIMALS


#: The mark a rate above 100% carries wherever it is shown (issue 9 point 1): no share of persons can
#: exceed the whole, so such a figure is implausible (a total row counted twice, a stale population).
IMPLAUSIBLE_MARK = "⚠"


def is_implausible_rate(value: float | None) -> bool:
    """True for a rate (a fraction) above 1 beyond float noise: a share of persons above 100%."""
    return not _missing(value) and float(value) > 1 + 1e-9


def format_rate(value: float | None, target: float | None = None, decimals: int = 1, none: str = "—") -> str:
    """``0.9496`` with target ``0.95`` -> ``"94.96%"``; ``0.953`` -> ``"95.3%"``; a rate above 100%
    carries :data:`IMPLAUSIBLE_MARK` (``1.915`` -> ``"191.5% ⚠"``)."""
    if _missing(value):
        return none
    places = rate_decimals(float(value), None if _missing(target) else float(target), decimals)
    shown = f"{float(value) * 100:.{places}f}%"
    return f"{shown} {IMPLAUSIBLE_MARK}" if is_implausible_rate(value) else shown


def format_points(gap_pp: float | None, decimals: int = 2, none: str = "—") -> str:
    """A gap in percentage points, signed: ``0.0123`` -> ``"+1.23"``."""
    if _missing(gap_pp):
        return none
    return f"{float(gap_pp) * 100:+.{decimals}f}"


def format_persons(persons: int | None, none: str = "—") -> str:
    if _missing(persons):
        return none
    return f"{int(persons):,}"


def format_month(index: int | None, none: str = "—") -> str:
    if _missing(index):
        return none
    return period_label(int(index))


def format_rank_change(change: int | None, none: str = "—") -> str:
    """``3`` -> ``"▲3"``, ``-2`` -> ``"▼2"``, ``0`` -> ``"–"``."""
    if _missing(change):
        return none
    change = int(change)
    if change > 0:
        return f"▲{change}"
    if change < 0:
        return f"▼{-change}"
    return "–"
