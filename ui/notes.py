"""Notes a page shows above its figures when the data make a comparison unfair."""

from __future__ import annotations

import streamlit as st

from ui import loaders
from present.honest import region_change_notes
from ui.i18n import t


def schemes_reported_above_note(codes: list[str], period: int, metric: str) -> None:
    """Say which listed regions leave out schemes that their county (or another ancestor) reports itself.

    The employee share and payment rate of such a township cover only its own
    schemes too, but the coverage rate is where it shows most: a township whose
    county reports the employee schemes counts residents only.
    """
    frame = loaders.reported_above(codes, period)
    if frame.empty:
        return
    for ancestor, group in frame.groupby("ancestor_name", sort=False):
        schemes = "、".join(t(f"scheme.{s}") for s in group["schemes"].iloc[0])
        st.info(
            t("note.schemes_reported_above", ancestor=ancestor, schemes=schemes, count=len(group)),
            icon=":material/info:",
        )


def region_changes_note(codes: list[str]) -> None:
    """Say which listed regions were abolished, and what became of them (issue 8): ``越州镇已于 2026-11 变更为越州街道（530302014）``."""
    for note in region_change_notes(loaders.region_changes(), codes, t):
        st.caption(f":material/swap_horiz: {note}")
