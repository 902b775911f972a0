"""The dashboard's language: the streamlit glue around ``present.catalog``.

The language is the sidebar's choice (session state), else ``KUOMIAN_LANGUAGE``
(``config.settings``, as the README documents), else Chinese. ``t(key)`` is
``present.catalog.text`` in that language.
"""

from __future__ import annotations

import streamlit as st

from config.settings import get_settings
from present import catalog
from present.catalog import CATALOG, LANGUAGES

__all__ = ["CATALOG", "LANGUAGES", "LANGUAGE_KEY", "language", "level_label", "metric_label", "status_label", "t"]

LANGUAGE_KEY = "language"


def language() -> str:
    """The language the page speaks: the sidebar's choice, else ``KUOMIAN_LANGUAGE``, else ``zh``."""
    chosen = st.session_state.get(LANGUAGE_KEY)
    return chosen if chosen in LANGUAGES else get_settings().language


def t(key: str, **values: object) -> str:
    """The text of ``key`` in the chosen language, with ``{placeholders}`` filled."""
    return catalog.text(key, language(), **values)


def metric_label(metric: str) -> str:
    return catalog.metric_label(metric, language())


def status_label(status: str | None) -> str:
    """The status's label; a missing one (None, NaN: no target, no value) reads "no data"."""
    return catalog.status_label(status, language())


def level_label(level: str) -> str:
    return catalog.level_label(level, language())
