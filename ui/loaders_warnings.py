"""Cached read of the warnings list (预警) for the Warnings page and the overview's count, keyed by the
database's version and the targets' content (as ``ui/loaders.py``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data.db import connect
from data.warnings import warnings_report
from metrics.targets import Targets
from ui.loaders import UI_WAIT_SECONDS, db_path, db_version, targets_key


@st.cache_data(show_spinner=False, max_entries=64)
def _warnings(path: str, version: tuple[int, int], key: str, _targets: Targets, period: int, root: str, level: str | None) -> pd.DataFrame:
    with connect(path, wait_seconds=UI_WAIT_SECONDS) as con:
        return warnings_report(con, _targets, period, root=root, level=level)


def warnings(targets: Targets, period: int, root: str, level: str | None = None) -> pd.DataFrame:
    """The warnings (``metrics.warnings.FACT_COLUMNS`` and ``reported_above``) of ``root``'s subtree at
    ``period``, of every level or of ``level``."""
    return _warnings(str(db_path()), db_version(), targets_key(targets), targets, int(period), str(root), level)
