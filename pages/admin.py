"""Accounts and the audit log, for the administrator (issue 12, point 4). Checked here on the server,
not only by the navigation leaving the page out for other roles."""

from __future__ import annotations

import streamlit as st

from data import accounts, audit
from data.db import connect
from present.auth import accounts_view, audit_view
from present.downloads import csv_bytes
from ui import loaders
from ui.i18n import language, t
from ui.login import role_label
from ui.session import require_actor

actor = require_actor()
if actor.role != "admin":
    st.error(t("auth.forbidden", role=role_label(actor.role)), icon=":material/block:")
    st.stop()

st.title(t("auth.admin.title"))
with connect(loaders.db_path(), wait_seconds=loaders.UI_WAIT_SECONDS) as con:
    listing = accounts.listing(con)
    log = audit.entries(con, limit=5000)

st.subheader(t("auth.admin.accounts"))
st.caption(t("auth.admin.accounts_help"))
st.dataframe(accounts_view(listing, language(), accounts.clock()), hide_index=True, width="stretch", key="auth_accounts")

st.subheader(t("auth.admin.audit"))
names = [t("auth.admin.audit_all"), *sorted(set(log["account"]))]
only = st.selectbox(t("auth.admin.audit_account"), names, key="auth_audit_account")
if only != names[0]:
    log = log[log["account"] == only]
shown = audit_view(log, language())
st.dataframe(shown, hide_index=True, width="stretch", key="auth_audit")
st.download_button(t("auth.admin.download"), data=csv_bytes(shown), file_name="audit.csv", mime="text/csv", on_click="ignore", key="auth_audit_csv")
