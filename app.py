"""kuomian's dashboard: the frame every page runs in.

Run with ``scripts/dashboard`` (or ``streamlit run app.py``). It sets up the
page, opens the database (filling it with the demo data on first start), draws
the shared sidebar and hands over to the chosen page.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from config.allocator import keep_freed_memory
from metrics.periods import period_label
from ui import loaders
from ui.busy import show_busy
from ui.i18n import t
from ui.login import gate
from ui.selection import language_switch, sidebar

# The favicon is a file served by this server: a ":material/…:" icon makes the browser fetch it from
# fonts.gstatic.com, and the dashboard reaches no outside host (issue 12 point 5).
FAVICON = Path(__file__).resolve().parent / "ui" / "assets" / "favicon.png"
st.set_page_config(page_title="扩面 kuomian", page_icon=str(FAVICON), layout="wide", initial_sidebar_state="auto")  # auto: collapsed at phone width (issue 11)

keep_freed_memory()  # once per server process: large reports reuse freed memory (issue 15)
language_switch()

try:
    showing_demo = loaders.ensure_database()
    actor = gate()  # an anonymous session sees the login page only: no region, no figure (issue 12)
    state = loaders.targets_state()
    selection = sidebar(state.targets) if state.targets is not None else None
except loaders.DatabaseBusy:
    show_busy()
    st.stop()
except loaders.DatabaseUnreadable as error:
    st.error(t("app.unreadable", reason=str(error)), icon=":material/error:")
    st.stop()

if state.problems:
    st.sidebar.warning(t("app.targets_invalid"), icon=":material/warning:")
if showing_demo:
    st.sidebar.info(t("app.demo_label"), icon=":material/science:")
if selection is not None:
    st.sidebar.caption(t("sidebar.data_as_of", period=period_label(selection.periods[-1])))

overview = st.Page("pages/overview.py", title=t("nav.overview"), icon=":material/dashboard:", url_path="home", default=True)


def _open_overview() -> None:
    """The ``/overview`` deep link: Streamlit serves the default page at ``/`` only, so this hidden page
    sends the reader there instead of Streamlit's English "Page not found" dialog (issue 11 point 4)."""
    st.switch_page(overview)


page = {
    "overview": overview,
    "overview_link": st.Page(_open_overview, title=t("nav.overview"), url_path="overview", visibility="hidden"),
    "rankings": st.Page("pages/rankings.py", title=t("nav.rankings"), icon=":material/leaderboard:", url_path="rankings"),
    "tasks": st.Page("pages/tasks.py", title=t("nav.tasks"), icon=":material/assignment:", url_path="tasks"),
    "gaps": st.Page("pages/gaps.py", title=t("nav.gaps"), icon=":material/trending_down:", url_path="gaps"),
    "warnings": st.Page("pages/warnings.py", title=t("warn.nav"), icon=":material/notification_important:", url_path="warnings"),
    "trends": st.Page("pages/trends.py", title=t("nav.trends"), icon=":material/show_chart:", url_path="trends"),
    "pool": st.Page("pages/pool.py", title=t("nav.pool"), icon=":material/groups:", url_path="pool"),
    "briefing": st.Page("pages/briefing.py", title=t("nav.briefing"), icon=":material/co_present:", url_path="briefing"),
    "assessment": st.Page("pages/assessment.py", title=t("nav.assessment"), icon=":material/grading:", url_path="assessment"),
    "ledger": st.Page("pages/ledger.py", title=t("nav.ledger"), icon=":material/checklist:", url_path="ledger"),
    "targets": st.Page("pages/targets.py", title=t("nav.targets"), icon=":material/flag:", url_path="targets"),
    "data": st.Page("pages/data.py", title=t("nav.data"), icon=":material/database:", url_path="data"),
    "account": st.Page("pages/account.py", title=t("auth.nav.account"), icon=":material/person:", url_path="account"),
}
if actor.role == "admin":  # the page checks the role itself too
    page["admin"] = st.Page("pages/admin.py", title=t("auth.nav.admin"), icon=":material/admin_panel_settings:", url_path="admin")
# One section per kind of work, every page always listed: Streamlit folds a long menu behind an
# English "View N more" button otherwise.
SECTIONS = {
    "navsection.progress": ("overview", "overview_link", "rankings", "gaps", "warnings", "trends"),
    "navsection.work": ("tasks", "ledger", "assessment", "pool"),
    "navsection.report": ("briefing",),
    "navsection.admin": ("data", "targets", "account", "admin"),
}
pages = {t(section): [page[name] for name in names if name in page] for section, names in SECTIONS.items()}
navigation = st.navigation(pages, expanded=True)
if selection is None and navigation.url_path not in ("targets", "data", "account", "admin"):
    st.info(t("app.no_data"))
    st.stop()
top = st.container()  # above the page: where the page says the data is being updated
try:
    navigation.run()
except loaders.DatabaseBusy:  # a writer held the file past the page's wait
    show_busy(top)
