"""What every page shows while an import or rollback holds the database (issue 10, point 6).

A page that meets :class:`data.db.DatabaseBusy` (a writer kept the file past
the reader's wait) says so in words, "数据正在更新，请稍候", and retries by
itself: a small fragment probes the database every few seconds and reruns the
whole app once it can be read. Never a traceback.
"""

from __future__ import annotations

import streamlit as st

from ui import loaders
from ui.i18n import t

RETRY_SECONDS = 2.0


def show_busy(where=None) -> None:
    """Say the data is being updated, in ``where`` (a container; default: the page), and retry when free."""
    (where or st).warning(t("app.busy"), icon=":material/hourglass_top:")
    with where or st.container():
        _retry_when_free()


@st.fragment(run_every=RETRY_SECONDS)
def _retry_when_free() -> None:
    if loaders.database_readable():
        st.rerun(scope="app")
