"""Choice widgets whose labels follow the language switch.

Streamlit keeps a selectbox's, radio's or multiselect's value as the *shown*
label: after switching from 中文 to English the widget still holds "上月",
matches none of the new labels, and shows a stale label or nothing. These
helpers keep the chosen option itself under ``name`` (a plain session-state
entry) and draw the widget under a key per language, seeded from it, so a
switch of language keeps the choice and shows it in the new language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from ui.i18n import language


def _keys(name: str) -> tuple[str, str]:
    return f"_{name}", f"{name}__{language()}"


def choice(widget: Callable[..., Any], label: str, options: Sequence[Any], *, name: str, default: Any = None, **kwargs: Any) -> Any:
    """``st.selectbox`` or ``st.radio`` (``widget``) whose choice survives a change of language."""
    store, key = _keys(name)
    options = list(options)
    if st.session_state.get(store) not in options:
        st.session_state[store] = default if default in options else options[0]
    if st.session_state.get(key) not in options:
        st.session_state[key] = st.session_state[store]
    value = widget(label, options, key=key, **kwargs)
    st.session_state[store] = value
    return value


def choices(label: str, options: Sequence[Any], *, name: str, default: Sequence[Any] | None = None, **kwargs: Any) -> list[Any]:
    """``st.multiselect`` whose choice survives a change of language."""
    store, key = _keys(name)
    options = list(options)
    if store not in st.session_state:
        st.session_state[store] = list(options if default is None else default)
    kept = [o for o in st.session_state[store] if o in options]
    current = st.session_state.get(key)
    if current is None or any(o not in options for o in current):
        st.session_state[key] = kept
    value = st.multiselect(label, options, key=key, **kwargs)
    st.session_state[store] = list(value)
    return list(value)
