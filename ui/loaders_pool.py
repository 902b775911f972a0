"""Cached reads of the expansion pool for the Expansion pool page, keyed by the database's version.

As ``ui/loaders.py``: each load opens a short-lived read-only connection and
is cached under the file's fingerprint, so a redraw reads nothing and a draw
after an import reads afresh. All codes and months go in one call.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data import queries_pool
from data.db import connect
from data.scope import within
from ui.loaders import UI_WAIT_SECONDS, allowed_codes, db_path, db_version


@st.cache_data(show_spinner=False)
def _pool_periods(path: str, version: tuple[int, int]) -> list[int]:
    with connect(path, wait_seconds=UI_WAIT_SECONDS) as con:
        return queries_pool.pool_periods(con)


@st.cache_data(show_spinner=False, max_entries=128)
def _pool_sums(path: str, version: tuple[int, int], codes: tuple[str, ...], months: tuple[int, ...]) -> pd.DataFrame:
    with connect(path, wait_seconds=UI_WAIT_SECONDS) as con:
        return queries_pool.pool_sums(con, list(codes), list(months))


@st.cache_data(show_spinner=False, max_entries=128)
def _action_sums(path: str, version: tuple[int, int], codes: tuple[str, ...], months: tuple[int, ...]) -> pd.DataFrame:
    with connect(path, wait_seconds=UI_WAIT_SECONDS) as con:
        return queries_pool.action_sums(con, list(codes), list(months))


def pool_periods() -> list[int]:
    """Every month with library rows, ascending."""
    return _pool_periods(str(db_path()), db_version())


def pool_sums(codes: list[str] | tuple[str, ...], months: list[int] | tuple[int, ...]) -> pd.DataFrame:
    """``region_code, period, group, identified, enrolled_employee, enrolled_resident`` (subtree sums; codes
    outside the logged-in account's scope dropped)."""
    codes = within(codes, allowed_codes())
    return _pool_sums(str(db_path()), db_version(), tuple(codes), tuple(int(m) for m in months))


def action_sums(codes: list[str] | tuple[str, ...], months: list[int] | tuple[int, ...]) -> pd.DataFrame:
    """``region_code, period, action, enrolled`` (subtree sums; codes outside the scope dropped)."""
    codes = within(codes, allowed_codes())
    return _action_sums(str(db_path()), db_version(), tuple(codes), tuple(int(m) for m in months))
