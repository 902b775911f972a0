"""A long table's page number (issue 15 point 5): read before the rows are built, drawn beside them.

A page builds only the rows it draws, so it needs the page number before the widget is drawn:
:func:`current_page` reads it from the session (clipped to the pages there are now, so a filter
that shortens the list never leaves the widget past its end) and :func:`pager` draws the widget
and the caption where the table is.
"""

from __future__ import annotations

import streamlit as st

from present.paging import PAGE_SIZE, page_caption, page_count


def current_page(key: str, rows: int, size: int = PAGE_SIZE) -> int:
    """The page (from 1) the widget ``key`` holds, clipped to ``rows``' pages; 1 where there is one page."""
    pages = page_count(rows, size)
    page = min(max(1, int(st.session_state.get(key, 1) or 1)), pages)
    if key in st.session_state and st.session_state[key] != page:
        st.session_state[key] = page
    return page


def pager(key: str, rows: int, page: int, label: str, language: str, size: int = PAGE_SIZE, caption: str = "scale.page_caption") -> None:
    """The page number input and "共 N 个地区，每页 500 个，当前第 p/q 页" (``caption``: its catalog key), where
    ``rows`` fill more than one page."""
    if rows <= size:
        return
    columns = st.columns([1, 3], vertical_alignment="bottom")
    with columns[0]:
        st.number_input(label, min_value=1, max_value=page_count(rows, size), value=1, step=1, key=key)
    with columns[1]:
        st.caption(page_caption(rows, page, language, size, caption))
