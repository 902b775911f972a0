"""The Gaps page's table as data (no streamlit): the view builder of ``pages/gaps.py``.

``metrics.gaps.gap_table`` in; the frame the page shows and offers as CSV, with its
headers in one language, out. The same frame is tested without AppTest.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import pandas as pd

from metrics.gaps import PACE_FLAGS, pace_flags
from metrics.registry import counts_year_to_date
from present.catalog import metric_label, text
from present.formatting import format_month
from present.honest import implausible_text, overdue_text


def flag_names(language: str) -> tuple[str, ...]:
    """The pace flags' labels, in :data:`metrics.gaps.PACE_FLAGS` order (short, kept pace, unknown)."""
    return tuple(text(key, language) for key in ("gaps.flag_short", "gaps.flag_ok", "gaps.flag_unknown"))


@dataclass(frozen=True)
class GapsView:
    display: pd.DataFrame  # one row per region with a gap, columns named by ``headers``' values
    headers: dict[str, str]  # column key (metrics.gaps.GAP_COLUMNS and ``note``) -> header shown
    overdue_flag: str  # the flag of a region past its deadline (超期)


def gaps_view(table: pd.DataFrame, rows: pd.DataFrame, metric: str, language: str) -> GapsView:
    """The gaps table as shown: ``table`` from ``metrics.gaps.gap_table`` (persons, fractions,
    month indexes), ``rows`` the report rows of the same regions (for ``carried``).

    The pace flag reads the overdue flag and the months left are empty where a region is past
    its deadline (issue 8); the note says overdue (persons needed now) and estimated.
    """
    t = partial(text, language=language)
    headers = {
        "region_name": t("word.region"),
        "gap_persons": t("word.gap_persons"),
        "share": t("gaps.col.share"),
        "cumulative_share": t("gaps.col.cumulative"),
        "needed_pace": t("gaps.col.needed"),
        "kept_pace": t("gaps.col.kept_year" if counts_year_to_date(metric) else "gaps.col.kept_12"),
        "short_of_pace": t("gaps.col.flag"),
        "note": t("honest.note_col"),
        "months_left": t("gaps.col.months_left"),
        "value": metric_label(metric, language),
        "target": t("word.target"),
        "target_by": t("gaps.col.target_by"),
        "region_code": t("word.region_code"),
    }
    carried = rows.set_index("region_code")["carried"] if "carried" in rows else None

    def note(row: dict) -> str:
        parts = [overdue_text(row, t) or "", implausible_text(row, t) or ""]
        if carried is not None and carried.get(row["region_code"], 0) > 0:
            parts.append(t("honest.estimated"))
        return " · ".join(p for p in parts if p)

    overdue_flag = t("gaps.flag_overdue")
    display = table.assign(note=[note(row) for row in table.to_dict("records")])[list(headers)].copy()  # dicts, not pandas rows (issue 15)
    display["target_by"] = display["target_by"].map(format_month)
    display["short_of_pace"] = pace_flags(table).map(dict(zip(PACE_FLAGS, flag_names(language))))
    overdue_rows = table["overdue_months"].notna().to_numpy()
    display.loc[overdue_rows, "short_of_pace"] = overdue_flag
    display["months_left"] = display["months_left"].astype("Int64").where(~overdue_rows, pd.NA)  # past its deadline: no months left
    return GapsView(display=display.rename(columns=headers), headers=headers, overdue_flag=overdue_flag)
