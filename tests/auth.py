"""Logging an AppTest session in (issue 12): the gate in app.py lets a session through once
``ui.session`` holds an actor and a live session. Page tests that are not about accounts use
:func:`logged_in`; tests of the login itself go through the login form."""

from __future__ import annotations

from data import accounts
from data.access import Actor
from ui import session


def logged_in(at, role: str = "admin", region: str | None = None, account: str | None = None):
    """``at`` (an AppTest, not yet run) with a session logged in as ``account`` (default ``test-<role>``),
    ``role`` and ``region``; the account is not looked up in the database (``Session.recheck`` False)."""
    actor = Actor(account or f"test-{role}", role, region, "test")
    now = accounts.clock()
    at.session_state[session.SESSION_KEY] = accounts.Session(actor.account, now, now, recheck=False)
    at.session_state[session.ACTOR_KEY] = actor
    return at
