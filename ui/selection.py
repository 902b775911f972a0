"""The shared sidebar: language, period, region (drill down and back up) and metric.

``app.py`` draws it on every run, before the page; pages read the result with
:func:`current`. Widget keys are fixed, so the choice survives a change of page.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from metrics.periods import period_label
from metrics.registry import METRIC_KEYS
from metrics.targets import Targets
from present.region_tree import RegionTree
from ui import loaders
from ui.i18n import LANGUAGE_KEY, LANGUAGES, language, level_label, metric_label, t

SELECTION_KEY = "selection"
ALL = "__all__"


@dataclass(frozen=True)
class Selection:
    period: int
    region: str  # the region the pages look at
    region_name: str
    region_level: str
    metric: str
    targets: Targets
    periods: tuple[int, ...]  # every month with data, ascending


def current() -> Selection:
    return st.session_state[SELECTION_KEY]


def language_switch() -> None:
    """The sidebar's language choice; it starts at ``KUOMIAN_LANGUAGE`` (else Chinese), as the README says."""
    if st.session_state.get(LANGUAGE_KEY) not in LANGUAGES:
        st.session_state[LANGUAGE_KEY] = language()
    st.sidebar.radio(
        t("sidebar.language"),
        options=list(LANGUAGES),
        format_func=LANGUAGES.get,
        key=LANGUAGE_KEY,
        horizontal=True,
    )


def sidebar(targets: Targets) -> Selection | None:
    """Draw the selection widgets; None where the database has no data."""
    tree = loaders.region_tree()
    months = loaders.periods()
    if not tree.roots or not months:
        return None
    choices = list(reversed(months))
    period = st.sidebar.selectbox(t("sidebar.period"), choices, index=0, format_func=period_label, key="period")

    region = _region_picker(tree)
    metric = _sidebar_choice(t("sidebar.metric"), list(METRIC_KEYS), "metric", metric_label)
    selection = Selection(
        period=int(period),
        region=region,
        region_name=tree.names[region],
        region_level=tree.levels[region],
        metric=metric,
        targets=targets,
        periods=tuple(months),
    )
    st.session_state[SELECTION_KEY] = selection
    return selection


def _region_picker(tree: RegionTree) -> str:
    """Root, then each level down: choose "(all)" to stay at the level above.

    ``tree`` is built once per database version (issue 15: not 43,000 dicts on every rerun); a
    country (全国) root offers one level more, so a county stays within reach.
    """
    names, levels = tree.names, tree.levels
    roots = list(tree.roots)
    if len(roots) > 1:
        chosen = st.sidebar.selectbox(t("sidebar.region"), roots, format_func=names.get, key="region_root")
    else:
        chosen = roots[0]
        st.sidebar.markdown(t("sidebar.region_only", name=names[chosen]))
    for depth in range(tree.depth_below(chosen)):  # e.g. city -> county -> township
        kids = list(tree.children.get(chosen, ()))
        if not kids:
            break
        picked = _sidebar_choice(
            level_label(levels[kids[0]]),
            [ALL, *kids],
            f"region_level_{depth}",
            lambda code: t("sidebar.all") if code == ALL else names[code],
        )
        if picked == ALL:
            break
        chosen = picked
    return chosen


def _sidebar_choice(label: str, options: list, name: str, format_func) -> object:
    """A sidebar selectbox whose choice survives a change of language.

    Streamlit keeps a selectbox's value as the label it showed, so after a
    switch of language the old label would linger. The choice itself lives
    under ``name``; the widget is keyed per language (``name__zh``) and
    seeded from it whenever that widget is new or its value is no option.
    """
    widget_key = f"{name}__{language()}"
    if st.session_state.get(name) not in options:
        st.session_state[name] = options[0]
    if st.session_state.get(widget_key) not in options:
        st.session_state[widget_key] = st.session_state[name]
    value = st.sidebar.selectbox(label, options, format_func=format_func, key=widget_key)
    st.session_state[name] = value
    return value
