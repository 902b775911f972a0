"""How the rankings and gaps tables look on screen: pandas Stylers for ``st.dataframe``.

Pure (no Streamlit): a frame whose columns the page has already named in the
reader's language, and the names of the columns to format, in; a Styler out.
The underlying numbers stay numbers, so clicking a header sorts by value;
only what is shown is formatted (``present.formatting``) and coloured (the
Okabe-Ito status palette of ``present.charts``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import pandas as pd
from pandas.io.formats.style import Styler

from present.charts import ALERT_COLORS
from present.downloads import HIGHLIGHT_FILL, readable_text_color
from present.formatting import format_persons, format_points, format_rank_change, format_rate

# A rank change reads by its arrow (▲/▼); green and vermillion mean statuses (issue 8).
UP_COLOR = ALERT_COLORS["change"]
DOWN_COLOR = ALERT_COLORS["change"]


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def format_rank(value: object) -> str:
    return "—" if _missing(value) else str(int(value))  # type: ignore[call-overload]


def format_pace(value: object) -> str:
    """Persons per month, whole persons with thousands separators."""
    return "—" if _missing(value) else f"{float(value):,.0f}"  # type: ignore[arg-type]


def rank_change_css(value: object) -> str:
    if _missing(value) or int(value) == 0:  # type: ignore[call-overload]
        return ""
    return f"color: {UP_COLOR if int(value) > 0 else DOWN_COLOR}; font-weight: 600"  # type: ignore[call-overload]


def fill_css(colors: Mapping[str, str], value: object) -> str:
    colour = colors.get(str(value)) if not _missing(value) else None
    return f"background-color: {colour}; color: {readable_text_color(colour)}" if colour else ""


def _rates_by_target(styler: Styler, frame: pd.DataFrame, value: str, target: pd.Series) -> Styler:
    """Each value with the digits that matter against its own row's target (few distinct targets)."""
    keys = target.astype("float64").round(6)
    for goal in keys.dropna().unique():
        rows = frame.index[(keys == goal).to_numpy()]
        styler = styler.format(partial(format_rate, target=float(goal)), subset=pd.IndexSlice[rows, [value]])
    rows = frame.index[keys.isna().to_numpy()]
    if len(rows):
        styler = styler.format(format_rate, subset=pd.IndexSlice[rows, [value]])
    return styler


def league_styler(
    frame: pd.DataFrame,
    *,
    targets: pd.Series,
    rank: str,
    rank_change: str,
    value: str,
    target: str,
    gap_pp: str,
    gap_persons: str,
    status: str,
    status_colors: Mapping[str, str],
    pinned_rows: int = 1,
) -> Styler:
    """The league table: ranks, ▲/▼ changes in colour, rates to the digits that matter, status cells in their colour.

    ``targets``: each row's target (positionally), for the value's digits;
    ``status_colors``: status label -> colour; the first ``pinned_rows`` rows
    (the reference) on a pale background.
    """
    frame = frame.reset_index(drop=True)
    styler = frame.style
    styler = styler.format(format_rank, subset=[rank], na_rep="—")
    styler = styler.format(format_rank_change, subset=[rank_change], na_rep="—")
    styler = _rates_by_target(styler, frame, value, targets.reset_index(drop=True))
    styler = styler.format(format_rate, subset=[target], na_rep="—")
    styler = styler.format(format_points, subset=[gap_pp], na_rep="—")
    styler = styler.format(format_persons, subset=[gap_persons], na_rep="—")
    styler = styler.map(rank_change_css, subset=[rank_change])
    styler = styler.map(partial(fill_css, status_colors), subset=[status])
    pinned = frame.index[:pinned_rows]
    others = [c for c in frame.columns if c != status]
    if len(pinned):
        styler = styler.map(lambda _: f"background-color: {HIGHLIGHT_FILL}; font-weight: 700", subset=pd.IndexSlice[pinned, others])
    return styler


def gaps_styler(
    frame: pd.DataFrame,
    *,
    value: str,
    targets: pd.Series,
    target: str,
    gap_persons: str,
    shares: tuple[str, str],
    paces: tuple[str, str],
    flag: str,
    flag_colors: Mapping[str, str],
) -> Styler:
    """The gaps table: persons and paces in whole persons, shares as percentages, the pace flag coloured."""
    frame = frame.reset_index(drop=True)
    styler = frame.style
    styler = _rates_by_target(styler, frame, value, targets.reset_index(drop=True))
    styler = styler.format(format_rate, subset=[target], na_rep="—")
    styler = styler.format(format_persons, subset=[gap_persons], na_rep="—")
    styler = styler.format(partial(format_rate, decimals=1), subset=list(shares))
    styler = styler.format(format_pace, subset=list(paces), na_rep="—")
    styler = styler.map(partial(fill_css, flag_colors), subset=[flag])
    return styler
