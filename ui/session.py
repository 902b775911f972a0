"""Who is using the dashboard: the current :class:`data.access.Actor` (issue 12).

A placeholder until the accounts and login (the ``auth`` work) are merged: the session's actor is the
one stored under :data:`ACTOR_KEY` (the login will put it there; tests set it), else the office.
"""

from __future__ import annotations

import streamlit as st

from data.access import Actor

ACTOR_KEY = "kuomian_actor"


def current_actor() -> Actor:
    """The session's actor; without a login yet, the leading-group office."""
    actor = st.session_state.get(ACTOR_KEY)
    return actor if isinstance(actor, Actor) else Actor(account="office", role="office")
