"""Months as the campaign counts them.

A period is a calendar month written ``YYYY-MM``. Internally a month is its
*month index*, ``12 * year + month``, so that month arithmetic is integer
arithmetic and the trajectory's "measured in months" is a plain difference.
"""

from __future__ import annotations

import re

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


class PeriodError(ValueError):
    pass


def month_index(period: str) -> int:
    """``"2025-12"`` -> ``24312``."""
    match = _PERIOD.match(period.strip()) if isinstance(period, str) else None
    if not match:
        raise PeriodError(f"{period!r} is not a month written YYYY-MM")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise PeriodError(f"{period!r} has no month {month}")
    return 12 * year + month


def period_label(index: int) -> str:
    """``24312`` -> ``"2025-12"``."""
    year, month = divmod(int(index) - 1, 12)
    return f"{year:04d}-{month + 1:02d}"


def year_of(index: int) -> int:
    return (int(index) - 1) // 12


def december_before(index: int) -> int:
    """The month index of December of the year before ``index``'s year."""
    return 12 * year_of(index)


