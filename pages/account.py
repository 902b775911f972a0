"""My account: who is logged in, and changing one's own password (issue 12, point 1)."""

from __future__ import annotations

import streamlit as st

from data import accounts
from data.db import DatabaseBusy, connect
from ui import loaders
from ui.busy import show_busy
from ui.i18n import t
from ui.login import auth_mode, role_label
from ui.session import require_actor

actor = require_actor()
st.title(t("auth.account.title"))
area = loaders.region_name(actor.region_code) + f" ({actor.region_code})" if actor.region_code else t("auth.account.everywhere")
st.markdown(t("auth.account.who", account=actor.account, role=role_label(actor.role), region=area))

if auth_mode() == "oidc":
    st.info(t("auth.account.sso"), icon=":material/info:")
    st.stop()

st.subheader(t("auth.account.change"))
with st.form("auth_change", clear_on_submit=True):
    old = st.text_input(t("auth.account.old"), type="password", key="auth_old")
    new = st.text_input(t("auth.account.new"), type="password", key="auth_new")
    again = st.text_input(t("auth.account.again"), type="password", key="auth_again")
    save = st.form_submit_button(t("auth.account.save"), type="primary")
if save:
    if new != again:
        st.error(t("auth.account.mismatch"), icon=":material/block:")
    else:
        try:
            with connect(loaders.db_path(), write=True, wait_seconds=loaders.UI_WAIT_SECONDS) as con:
                accounts.change_own_password(con, actor, old, new)
        except accounts.AccountError as error:
            st.error(t("auth.account.refused", reason=str(error)), icon=":material/block:")
        except DatabaseBusy:  # an import holds the file: said in words, never a raw lock error
            show_busy()
        else:
            st.success(t("auth.account.saved"), icon=":material/check_circle:")
