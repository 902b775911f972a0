"""The data page's reporting-timeliness section (报送及时率, issue 13 point 2): cached read + layout.

``timeliness_section(selection, completeness)`` draws, for the sidebar's region and month: the rate
beside completeness month by month, each unit's status per month (on time / late N days / missing),
and who has not reported yet, as a text ready to send with CSV/XLSX downloads. The words and frames
come from ``present.timeliness``; the arrivals from ``data.timeliness``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from data import checks
from data.db import DatabaseBusy, connect
from data.timeliness import timeliness_rates
from metrics.periods import period_label
from present.templates import CSV_MIME, XLSX_MIME
from present.timeliness import timeliness_view, unreported_view
from present.paging import DEFERRED_DOWNLOAD_ROWS, page_of
from ui.busy import show_busy
from ui.i18n import language, t
from ui.loaders import UI_WAIT_SECONDS, db_path, db_version
from ui.pager import current_page, pager

MONTHS_SHOWN = 6  # the selected month and the five before it


@st.cache_resource(show_spinner=False, max_entries=16)  # a resource: 40,000 units x 7 months not unpickled per rerun (issue 15)
def _rates(
    path: str, version: tuple[int, int], root: str, months: tuple[int, ...], due_day: int, today: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    with connect(path, wait_seconds=UI_WAIT_SECONDS) as con:
        return timeliness_rates(con, list(months), root, due_day=due_day, today=dt.date.fromisoformat(today))


@st.cache_resource(show_spinner=False, max_entries=32)
def _views(
    path: str, version: tuple[int, int], root: str, root_name: str, reads: tuple[int, ...], months: tuple[int, ...], chase_month: int,
    due_day: int, today: str, lang: str, complete: tuple | None,
):
    """(TimelinessView, UnreportedView) built once per database version, region, month and language, not on every
    rerun (issue 15: the grid of 40,000 units took a second a rerun at 40k)."""
    units, rates = _rates(path, version, root, reads, due_day, today)
    if units.empty:
        return None, None
    completeness = None if complete is None else pd.DataFrame(list(complete), columns=["period", "completeness"])
    shown = units[units["period"].isin(months)]
    view = timeliness_view(shown, rates[rates["period"].isin(months)], root, months[-1], due_day, lang, completeness)
    return view, unreported_view(units, root_name, chase_month, due_day, lang, dt.date.fromisoformat(today))


def timeliness_section(selection, completeness: pd.DataFrame | None = None) -> None:
    """Render the section; a database held by an import shows the page's busy notice instead."""
    today = checks.today()
    collecting = checks.current_month() - 1  # the month whose report is being collected now
    period, due_day = selection.period, selection.targets.due_day
    months = tuple(range(period - MONTHS_SHOWN + 1, period + 1))
    chase = tuple(sorted({period, collecting} if collecting > period else {period}))
    st.subheader(t("timely.title"))
    month = chase[-1]
    if len(chase) > 1:  # drawn below; its choice is read now so the cached views hold that month
        month = st.session_state.get("timely_chase_month", month)
        month = month if month in chase else chase[-1]
    complete = None if completeness is None else tuple(zip(completeness["period"].tolist(), completeness["completeness"].tolist()))
    try:
        view, unreported = _views(
            str(db_path()), db_version(), selection.region, selection.region_name, tuple(sorted(set(months) | set(chase))), months, int(month),
            due_day, today.isoformat(), language(), complete,
        )
    except DatabaseBusy:
        show_busy()
        return
    lang = language()
    if view is None:
        st.caption(t("timely.no_units"))
        return
    st.markdown(view.summary)
    st.caption(view.rule)
    st.dataframe(view.months, hide_index=True, width="stretch", key="timely_months")
    st.markdown(f"**{t('timely.grid_title')}**")
    page = current_page("timely_page", len(view.grid))  # 40,000 townships: 500 a page (issue 15 point 5)
    pager("timely_page", len(view.grid), page, t("scale.page"), lang)
    st.dataframe(page_of(view.grid, page), hide_index=True, width="stretch", key="timely_grid")

    if len(chase) > 1:
        st.radio(
            t("timely.unreported_month"), options=list(reversed(chase)), format_func=period_label, horizontal=True,
            key="timely_chase_month",
        )
    st.markdown(f"**{t('timely.unreported_title', period=period_label(month), count=unreported.count)}**")
    if not unreported.count:
        st.caption(t("timely.unreported_none", period=period_label(month)))
        return
    st.caption(t("timely.copy_hint"))
    st.code(unreported.message, language=None, wrap_lines=True)
    unreported_page = current_page("timely_unreported_page", unreported.count)
    pager("timely_unreported_page", unreported.count, unreported_page, t("scale.page"), lang)
    st.dataframe(page_of(unreported.table, unreported_page), hide_index=True, width="stretch", key="timely_unreported")
    deferred = unreported.count > DEFERRED_DOWNLOAD_ROWS  # built on click (issue 15)
    left, right = st.columns(2)
    left.download_button(
        t("timely.download_csv"), data=(lambda: unreported.csv) if deferred else unreported.csv, file_name=f"{unreported.file_stem}.csv", mime=CSV_MIME,
        on_click="ignore", key="timely_csv", icon=":material/download:",
    )
    right.download_button(
        t("timely.download_xlsx"), data=(lambda: unreported.xlsx) if deferred else unreported.xlsx, file_name=f"{unreported.file_stem}.xlsx", mime=XLSX_MIME,
        on_click="ignore", key="timely_xlsx", icon=":material/table_view:",
    )
