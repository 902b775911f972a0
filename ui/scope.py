"""Which regions a league page compares: the selected region's children, a deeper level, or its siblings.

Rankings and gaps ask the same question first; this draws the one control
(when there is a choice of level) and answers it.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from metrics.league import league_codes, league_levels
from ui import loaders
from ui.i18n import t
from ui.lang_widgets import choice


@dataclass(frozen=True)
class Scope:
    codes: list[str]  # the regions compared
    siblings: bool  # True: the selected region has no children, so it is compared with its siblings
    level: str  # the level of the regions compared
    name: str  # the region whose sub-regions they are


def unit(level: str) -> str:
    """乡镇 / 县区 ...: what the compared regions are called."""
    return t(f"rankings.unit.{level}")


def scope_picker(selection, *, name: str, label_key: str) -> Scope:
    """Draw the level choice (where the region has more than one level below) and return the scope."""
    regions = loaders.regions()
    levels = league_levels(regions, selection.region)
    chosen = levels[0] if levels else None
    if len(levels) > 1:
        chosen = choice(
            st.selectbox,
            t(label_key),
            levels,
            name=name,
            format_func=lambda lv: t("rankings.scope_children" if lv == levels[0] else "rankings.scope_all", unit=unit(lv)),
        )
    codes, siblings = league_codes(regions, selection.region, chosen)
    info = regions.set_index("code")
    parent = info.at[selection.region, "parent_code"]
    scope_name = str(info.at[parent, "name"]) if siblings and isinstance(parent, str) else selection.region_name
    return Scope(list(codes), siblings, str(info.at[codes[0], "level"]), scope_name)


def siblings_note(selection, scope: Scope) -> None:
    if scope.siblings:
        st.info(t("rankings.siblings_note", region=selection.region_name, unit=unit(scope.level)), icon=":material/info:")
