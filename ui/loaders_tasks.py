"""Cached reads of the tasks (任务下达) for the 任务 page, the rankings' completion column: keyed by the database's
and the targets' version, each on a short-lived read-only connection (as ``ui/loaders.py``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data import tasks
from data.db import connect
from metrics.targets import Targets
from ui.loaders import UI_WAIT_SECONDS, codes_key, db_path, db_version, targets_key


@st.cache_data(show_spinner=False, max_entries=64)
def _region_tasks(path: str, version: tuple[int, int], key: str, _targets: Targets, year: int, period: int | None, region: str):
    with connect(path, wait_seconds=UI_WAIT_SECONDS) as con:
        return tasks.region_tasks(con, _targets, year, period, region)


@st.cache_data(show_spinner=False, max_entries=64)
def _completion(
    path: str, version: tuple[int, int], key: str, _targets: Targets, year: int, codes: str, _codes: tuple[str, ...], period: int | None
) -> pd.DataFrame:
    with connect(path, wait_seconds=UI_WAIT_SECONDS) as con:
        return tasks.completion_of(con, year, list(_codes), period, _targets.carry_forward_months, _targets)


@st.cache_data(show_spinner=False, max_entries=32)
def _gap_proposal(path: str, version: tuple[int, int], key: str, _targets: Targets, year: int, parent: str) -> pd.DataFrame:
    with connect(path, wait_seconds=UI_WAIT_SECONDS) as con:
        return tasks.gap_proposal(con, _targets, year, parent)


def region_tasks(targets: Targets, year: int, period: int | None, region: str) -> tasks.TaskReport:
    """``data.tasks.region_tasks``: the region and its sub-regions' tasks, achieved, completion; the short splits."""
    return _region_tasks(str(db_path()), db_version(), targets_key(targets), targets, int(year), period, region)


def completion(targets: Targets, year: int, codes, period: int | None) -> pd.DataFrame:
    """``data.tasks.completion_of`` of ``codes`` (empty frame: no tasks table or no codes)."""
    codes = tuple(str(c) for c in codes)
    return _completion(str(db_path()), db_version(), targets_key(targets), targets, int(year), codes_key(codes), codes, period)  # codes_key: issue 15


def gap_proposal(targets: Targets, year: int, parent: str) -> pd.DataFrame:
    """``data.tasks.gap_proposal``: the "按差距分解" proposal for ``parent``'s sub-regions."""
    return _gap_proposal(str(db_path()), db_version(), targets_key(targets), targets, int(year), parent)
