"""Cached reads for the 任务清单 and 考核 pages (issue 14), keyed by the database's version.

As ``ui/loaders.py``: each load opens a short-lived read-only connection; an edit or an import changes
the file, hence the version, hence the next draw reads afresh.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data import ledger
from data.access import Actor
from data.db import connect
from ui.loaders import UI_WAIT_SECONDS, db_path, db_version

def actor() -> Actor:
    """Who is acting on this page: the logged-in account (issue 12's gate lets no anonymous session here)."""
    from ui.session import require_actor

    return require_actor()


@st.cache_data(show_spinner=False)
def _tasks(path: str, version: tuple[int, int]) -> pd.DataFrame:
    with connect(path, wait_seconds=UI_WAIT_SECONDS) as con:
        return ledger.tasks(con)


@st.cache_data(show_spinner=False)
def _history(path: str, version: tuple[int, int], seq: str) -> pd.DataFrame:
    with connect(path, wait_seconds=UI_WAIT_SECONDS) as con:
        return ledger.task_history(con, seq)


@st.cache_data(show_spinner=False)
def _names(path: str, version: tuple[int, int]) -> dict[str, str]:
    with connect(path, wait_seconds=UI_WAIT_SECONDS) as con:
        return ledger.region_names(con)


def tasks() -> pd.DataFrame:
    """The ledger's tasks (:func:`data.ledger.tasks`) the session may see: all of them for an account
    without a region; for a scoped account (issue 12) only the tasks concerning a region of its subtree
    (a task naming no region is the whole plan's, the office's business)."""
    from ui.loaders import allowed_codes

    found = _tasks(str(db_path()), db_version())
    allowed = allowed_codes()  # the scope's codes, one rule for every loader (data.scope)
    if allowed is None or found.empty:
        return found
    concerns = found["regions"].fillna("").map(lambda text: any(code.strip() in allowed for code in str(text).split(",") if code.strip()))
    return found[concerns.to_numpy()].reset_index(drop=True)


def task_history(seq: str) -> pd.DataFrame:
    """One task's ``ledger_history`` rows, newest first."""
    return _history(str(db_path()), db_version(), seq)


def region_names() -> dict[str, str]:
    """Region code -> name."""
    return _names(str(db_path()), db_version())


@st.cache_data(show_spinner=False, max_entries=32)
def _assessment(path: str, version: tuple[int, int], targets_json: str, year: int, period: int, levels: tuple[str, ...], root: str):
    from data.assessment import RegionLists, run_assessment, run_rewards
    targets = _TARGETS[targets_json]  # the key is the targets' content (ui.loaders.targets_key)
    with connect(path, wait_seconds=UI_WAIT_SECONDS) as con:
        lists = RegionLists(con)  # each level's regions read once for both (issue 15)
        result = run_assessment(con, targets, year, period, list(levels), root, lists=lists)
        reward = run_rewards(con, targets, year, period, levels[-1], root, lists=lists) if targets.rewards is not None else None
    return result, reward


_TARGETS: dict = {}


def assessment(targets, year: int, period: int, levels: list[str], root: str):
    """(:class:`metrics.assessment.Result`, :class:`metrics.rewards.RewardResult` or None) for the regions
    of ``levels`` under ``root`` at ``period``, cached per database version and targets."""
    from ui.loaders import targets_key

    key = targets_key(targets)
    _TARGETS[key] = targets
    return _assessment(str(db_path()), db_version(), key, year, period, tuple(levels), root)
