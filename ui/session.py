"""Who is logged in to this dashboard session, and the scope that follows (issue 12, points 1 and 2).

Streamlit glue only: the session lives in ``st.session_state`` (server side; a browser cannot set
it), the rules in ``data.accounts`` (expiry) and ``data.scope`` (what a role and region may see).
``app.py``'s gate (``ui.login.gate``) fills it; the loaders read :func:`scope_root` so that every
page and download is filtered in one place.
"""

from __future__ import annotations

import streamlit as st

from data import accounts, scope
from data.access import Actor

SESSION_KEY = "auth_session"
ACTOR_KEY = "auth_actor"
NOTICE_KEY = "auth_notice"


def current_actor() -> Actor | None:
    """The logged-in actor, or None (anonymous)."""
    return st.session_state.get(ACTOR_KEY)


def require_actor() -> Actor:
    """The logged-in actor; stops the script for an anonymous session (a page opened past the gate)."""
    actor = current_actor()
    if actor is None:
        st.stop()
    return actor


def scope_root() -> str | None:
    """The root of the current actor's scope; None for the whole database (see ``data.scope``)."""
    return scope.scope_root(current_actor())


def client_address() -> str | None:
    """The browser's address as Streamlit sees it (behind a proxy: the proxy's), for the audit log."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no request context
        return None
    return address if isinstance(address, str) else None  # AppTest gives a stand-in object


def start(actor: Actor, *, recheck: bool = True) -> None:
    """Begin a session for ``actor`` now (``data.accounts.clock``)."""
    now = accounts.clock()
    st.session_state[SESSION_KEY] = accounts.Session(actor.account, now, now, recheck)
    st.session_state[ACTOR_KEY] = actor
    st.session_state.pop(NOTICE_KEY, None)


def end(notice: str | None = None) -> None:
    """End the session and forget everything it chose or prepared (files rendered, uploads, the
    sidebar's choices) but the language; ``notice`` (a catalog key) is said on the login page."""
    from ui.i18n import LANGUAGE_KEY

    for key in list(st.session_state.keys()):
        if key != LANGUAGE_KEY:
            del st.session_state[key]
    if notice:
        st.session_state[NOTICE_KEY] = notice


def touch() -> accounts.Session | None:
    """The live session, its ``last_seen`` moved to now; None (and the session ended with the
    ``auth.expired`` notice) where it has expired, or where there is none."""
    session = st.session_state.get(SESSION_KEY)
    if session is None or current_actor() is None:
        return None
    now = accounts.clock()
    if accounts.session_expired(session, now):
        end("auth.expired")
        return None
    session = accounts.Session(session.account, session.started, now, session.recheck)
    st.session_state[SESSION_KEY] = session
    return session
