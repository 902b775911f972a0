"""The gate before every page: the login page for an anonymous session, the account line in the sidebar.

Issue 12, point 1. ``app.py`` calls :func:`gate` before it draws the sidebar or any page, so an
anonymous session sees the login form and nothing else (no region, no figure). Local accounts
(``data.accounts``) are the default; ``KUOMIAN_AUTH=oidc`` switches to Streamlit's ``st.login``
(the provider in ``.streamlit/secrets.toml``; docs/deployment.md), the account then being the
one whose name is the signed-in e-mail address.
"""

from __future__ import annotations

import logging

import streamlit as st

from config.settings import get_settings
from data import accounts
from data.access import ROLE_LABELS, Actor
from data.db import DatabaseBusy, connect
from ui import loaders, session
from ui.i18n import language, t


def auth_mode() -> str:
    """``"local"`` (accounts in the database, the default) or ``"oidc"`` (``KUOMIAN_AUTH``)."""
    return get_settings().auth


def role_label(role: str) -> str:
    zh, en = ROLE_LABELS[role]
    return zh if language() == "zh" else en


@st.cache_data(show_spinner=False)
def _account(path: str, version: tuple[int, int], name: str) -> accounts.Account | None:
    with connect(path, wait_seconds=loaders.UI_WAIT_SECONDS) as con:
        return accounts.get(con, name)


@st.cache_data(show_spinner=False)
def _account_count(path: str, version: tuple[int, int]) -> tuple[int, int]:
    """(enabled accounts, enabled demo accounts)."""
    with connect(path, wait_seconds=loaders.UI_WAIT_SECONDS) as con:
        frame = accounts.listing(con)
    enabled = frame[~frame["disabled"].astype(bool)] if not frame.empty else frame
    return len(enabled), int(enabled["is_demo"].astype(bool).sum()) if not enabled.empty else 0


def _still_valid(actor: Actor) -> bool:
    """The account still exists, is enabled, and has the role and region the session started with."""
    found = _account(str(loaders.db_path()), loaders.db_version(), actor.account)
    return found is not None and not found.disabled and found.role == actor.role and found.region_code == actor.region_code


URL_PATHS: tuple[str, ...] = (
    "home", "overview", "rankings", "tasks", "gaps", "warnings", "trends", "pool", "briefing", "assessment", "ledger", "targets",
    "data", "account", "admin",
)
"""The dashboard's page addresses (app.py). Kept while the login page is shown, so that a link to a
page (``/rankings``) opens that page once logged in; a page missing here opens the overview instead."""


def _keep_address() -> None:
    """Register every page address with a hidden navigation that runs nothing: Streamlit names a page
    by its url_path's hash, so after the login app.py's real navigation opens the page asked for."""

    def nothing() -> None:
        return None

    pages = [st.Page(nothing, title=path, url_path=path, default=path == "home") for path in URL_PATHS]
    st.navigation(pages, position="hidden")


def gate() -> Actor:
    """The logged-in actor; for an anonymous, expired or ended session, draw the login page and stop."""
    live = session.touch()
    if live is not None:
        actor = session.current_actor()
        if not live.recheck or _still_valid(actor):
            _account_line(actor)
            return actor
        session.end("auth.ended")
    _keep_address()
    if auth_mode() == "oidc":
        _sso_page()
    else:
        _login_page()
    st.stop()
    raise AssertionError("unreachable")  # st.stop ends the run


def _notice() -> None:
    notice = st.session_state.get(session.NOTICE_KEY)
    if notice:
        st.warning(t(notice, minutes=accounts.SESSION_IDLE_MINUTES, hours=accounts.SESSION_MAX_HOURS), icon=":material/lock_clock:")


def _login_page() -> None:
    st.title(t("auth.title"))
    _notice()
    st.caption(t("auth.intro"))
    enabled, demo = _account_count(str(loaders.db_path()), loaders.db_version())
    if enabled == 0:
        st.info(t("auth.no_accounts"), icon=":material/person_add:")
        return
    with st.form("auth_login"):
        name = st.text_input(t("auth.account"), key="auth_name")
        password = st.text_input(t("auth.password"), type="password", key="auth_password")
        submitted = st.form_submit_button(t("auth.submit"), type="primary")
    if demo:
        st.caption(t("auth.demo_hint"))
    if submitted:
        _try_login(name.strip(), password)


def _try_login(name: str, password: str) -> None:
    from data.store import has_demo

    address = session.client_address()
    with connect(loaders.db_path(), write=True, wait_seconds=loaders.UI_WAIT_SECONDS) as con:
        result = accounts.login(con, name, password, address, demo_present=has_demo(con))
    if result.account is None:
        until = result.until.strftime("%Y-%m-%d %H:%M") if result.until else ""
        st.error(t(f"auth.{result.reason}", until=until, seconds=result.wait_seconds), icon=":material/block:")
        return
    session.start(result.account.actor(address))
    st.rerun()


def _sso_page() -> None:
    """Single sign-on: Streamlit's ``st.login``; the account is the one named by the e-mail address."""
    st.title(t("auth.title"))
    _notice()
    user = st.user
    if not getattr(user, "is_logged_in", False):
        st.caption(t("auth.sso_intro"))
        st.button(t("auth.sso"), type="primary", on_click=st.login, key="auth_sso")
        return
    email = str(user.get("email") or "")
    found = _account(str(loaders.db_path()), loaders.db_version(), email)
    if found is None or found.disabled:
        st.error(t("auth.sso_unknown", account=email), icon=":material/block:")
        return
    actor = found.actor(session.client_address())
    with connect(loaders.db_path(), write=True, wait_seconds=loaders.UI_WAIT_SECONDS) as con:
        from data import audit

        audit.record(con, actor, "login", "ok (single sign-on)")
    session.start(actor)
    st.rerun()


def _log_out() -> None:
    actor = session.current_actor()
    if actor is not None:
        from data import audit

        try:
            with connect(loaders.db_path(), write=True, wait_seconds=loaders.UI_WAIT_SECONDS) as con:
                audit.record(con, actor, "logout", "")
        except DatabaseBusy:  # an import held the file: the session ends all the same; the server log says so
            logging.getLogger(__name__).warning("logout of %s not written to the audit log: the database was busy", actor.account)
    session.end()
    if auth_mode() == "oidc" and getattr(st.user, "is_logged_in", False):
        st.logout()


def _account_line(actor: Actor) -> None:
    """The sidebar's line: who is logged in, the logout button, and a reminder to change a demo password."""
    region = f" · {loaders.region_name(actor.region_code)}" if actor.region_code else ""
    st.sidebar.caption(t("auth.signed_in", account=actor.account, role=role_label(actor.role), region=region))
    st.sidebar.button(t("auth.logout"), on_click=_log_out, key="auth_logout", icon=":material/logout:")
    found = _account(str(loaders.db_path()), loaders.db_version(), actor.account)
    if found is not None and found.must_change:
        st.sidebar.warning(t("auth.change_demo" if found.is_demo else "auth.must_change"), icon=":material/key:")
