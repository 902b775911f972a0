"""Text that a spreadsheet would run as a formula, written so it never runs (issue 9, "Also").

Standard library only, so the ``kuomian`` command can defuse its CSV cells without loading the
dashboard's download builders (pandas, xlsxwriter): issue 15 point 3.
"""

from __future__ import annotations

FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def defuse(text: str) -> str:
    """``"=1+1"`` -> ``"'=1+1"``: a text cell a spreadsheet shows and never evaluates."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
