"""The data page's approval and lock section (issue 12, point 3): streamlit glue only.

The table comes from ``present.approvals``; the rules and the writes from ``data.approval``. Buttons
are offered to the roles they concern, but every write is checked again by the data layer, which
refuses a review by the wrong level or a lock by anyone but the office.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data import approval, pending
from data.db import DatabaseBusy, DatabaseMissing, connect
from data.store import RollbackLocked, RollbackRefused
from present.approvals import HELD_COLUMNS, held_table, pending_options, status_counts, township_status
from present.formatting import format_month
from ui import loaders
from present.paging import page_of
from ui.busy import show_busy
from ui.pager import current_page, pager
from ui.i18n import language, t
from ui.session import current_actor, scope_root

DONE_KEY = "approve_done"  # the last action's sentence, shown once after the rerun
ROUND_KEY = "approve_round"  # part of the reason boxes' keys: a new value empties them
ACCOUNT_WIDTH = 130  # px of the 提交人 and 审核人 columns: Streamlit's own sizing cut "xuanwei-town" to "xuanwei-t"


@st.cache_resource(show_spinner=False, max_entries=16)
def _township_status(
    path: str, version: tuple[int, int], scope: str | None, root: str, period: int, lang: str, _subs, _locks, _with_figures
) -> pd.DataFrame:
    # Once per database version (every submission, review and lock writes the file, so changes it), scope,
    # region, month and language: 40,000 townships' rows were built on every rerun of the data page (issue 15).
    # A resource: the page only slices it.
    return township_status(loaders.regions(), _subs, _locks, root, period, lang, _with_figures)


def show(selection) -> None:
    """Draw the section for the sidebar's region and month (``ui.selection.Selection``; None: no data)."""
    actor = current_actor()
    st.caption(t("approve.intro"))
    done = st.session_state.pop(DONE_KEY, None)
    if done:
        st.success(done, icon=":material/check_circle:")
    if selection is None:
        st.info(t("approve.no_database"))
        return
    period = selection.period
    version = loaders.db_version()  # before the read: a write in between makes the next rerun read afresh
    try:
        with connect(loaders.db_path(), wait_seconds=loaders.UI_WAIT_SECONDS) as con:
            subs = approval.submissions(con)
            with_figures = approval.codes_with_figures(con, period)
            locks = approval.current_locks(con)
            history = approval.lock_history(con, period)
            waiting = subs[(subs["status"] == "submitted") & subs["rolled_back_at"].isna()]
            reviewable = {
                int(number)
                for number, rows in waiting.groupby("submission_id")
                if all(approval.may_review(con, actor, code) for code in set(rows["region_code"]))
            }
            held = {int(number): pending.held_rows(con, int(number)) for number in reviewable}  # what the reviewer reads first
    except DatabaseMissing:
        st.info(t("approve.no_database"))
        return
    except DatabaseBusy:
        show_busy()
        return
    label = format_month(period)
    lock = locks.get(period)
    if lock is not None:
        at = pd.Timestamp(lock.at).strftime("%Y-%m-%d %H:%M")
        st.warning(t("approve.locked", period=label, account=lock.account, at=at, reason=lock.reason), icon=":material/lock:")
    else:
        st.info(t("approve.unlocked", period=label), icon=":material/lock_open:")

    st.subheader(t("approve.title", period=label))
    table = _township_status(str(loaders.db_path()), version, scope_root(), selection.region, period, language(), subs, locks, with_figures)
    if table.empty:
        st.caption(t("approve.no_townships"))
    else:
        st.caption(t("approve.counts", **status_counts(table)))
        widths = {"submitted_at": 130, "reviewed_at": 130, "by": ACCOUNT_WIDTH, "reviewer": ACCOUNT_WIDTH}  # px; an account shown whole
        moments = {t(f"approve.col.{name}"): st.column_config.TextColumn(width=width) for name, width in widths.items()}
        page = current_page("approve_page", len(table))  # a national table: 500 townships a page (issue 15)
        pager("approve_page", len(table), page, t("scale.page"), language())
        st.dataframe(
            page_of(table, page).drop(columns="key"), hide_index=True, width="stretch", placeholder="—", key="approve_status", column_config=moments
        )

    st.session_state.setdefault(ROUND_KEY, 0)
    options = pending_options(subs, reviewable, language())
    st.subheader(t("approve.review_title"))
    if not options:
        st.caption(t("approve.nothing_to_review"))
    else:
        chosen = st.selectbox(t("approve.choose"), list(options), format_func=options.get, key="approve_choice")
        _held_rows(subs, held, int(chosen))
        reason = st.text_input(t("approve.reason"), key=f"approve_reason_{st.session_state[ROUND_KEY]}")
        left, right = st.columns(2)
        is_held = bool(subs.loc[subs["submission_id"] == int(chosen), "held"].any())
        approved = t("pending.done.approved", number=chosen) if is_held else t("approve.done.approved", import_id=chosen)
        returned = t("pending.done.returned", number=chosen) if is_held else t("approve.done.returned", import_id=chosen)
        if left.button(t("approve.approve"), type="primary", icon=":material/task_alt:", key="approve_go"):
            _write(lambda con: approval.approve(con, int(chosen), actor), approved)
        if right.button(t("approve.return"), icon=":material/undo:", key="approve_return"):
            _write(lambda con: approval.return_submission(con, int(chosen), actor, reason), returned)

    if actor.is_office:
        st.subheader(t("approve.lock_title"))
        reason = st.text_input(t("approve.lock_reason"), key=f"approve_lock_reason_{st.session_state[ROUND_KEY]}")
        if lock is None:
            if st.button(t("approve.lock", period=label), icon=":material/lock:", key="approve_lock"):
                _write(lambda con: approval.lock_period(con, period, actor, reason), t("approve.done.lock", period=label))
        elif st.button(t("approve.unlock", period=label), icon=":material/lock_open:", key="approve_unlock"):
            _write(lambda con: approval.unlock_period(con, period, actor, reason), t("approve.done.unlock", period=label))
        if not history.empty:
            st.markdown(f"**{t('approve.history', period=label)}**")
            st.dataframe(
                pd.DataFrame(
                    {
                        t("approve.col.action"): history["action"].map(lambda a: t(f"approve.action.{a}")),
                        t("approve.col.account"): history["account"],
                        t("approve.col.at"): history["acted_at"].map(lambda v: pd.Timestamp(v).strftime("%Y-%m-%d %H:%M")),
                        t("approve.col.why"): history["reason"],
                    }
                ),
                hide_index=True,
                width="stretch",
                key="approve_lock_history",
            )


def _held_rows(subs: pd.DataFrame, held: dict[int, pd.DataFrame], number: int) -> None:
    """The chosen submission's rows before the reviewer decides (paged: a county's upload may be long)."""
    rows = held.get(number)
    if rows is None or rows.empty:
        landed = subs.loc[subs["submission_id"] == number, "import_id"].dropna()
        if not landed.empty:
            st.caption(t("pending.rows_landed", number=number, import_id=int(landed.iloc[0])))
        return
    st.markdown(f"**{t('pending.rows_title', number=number, rows=len(rows))}**")
    table = held_table(_kind_of(rows), rows, language())
    page = current_page("approve_rows_page", len(table))
    pager("approve_rows_page", len(table), page, t("scale.page"), language())
    st.dataframe(page_of(table, page), hide_index=True, width="stretch", placeholder="—", key="approve_held_rows")


def _kind_of(rows: pd.DataFrame) -> str:
    """Which kind held rows are, from their columns (data.pending.held_rows keeps the table's column names)."""
    for kind, columns in HELD_COLUMNS.items():
        if set(columns) <= set(rows.columns):
            return kind
    return ""


def _write(act, done: str) -> None:
    """Run one write on a short read-write connection; say a refusal in the page's language, else rerun."""
    try:
        with connect(loaders.db_path(), write=True) as con:
            act(con)
    except DatabaseBusy:
        st.warning(t("data.busy"), icon=":material/hourglass_top:")
    except (approval.ApprovalRefused, RollbackLocked) as refused:
        st.error(refused.text(language()), icon=":material/block:")
    except RollbackRefused as refused:
        st.error(t("data.rollback_refused", reason=refused.text(language())), icon=":material/block:")
    else:
        st.session_state[DONE_KEY] = done
        st.session_state[ROUND_KEY] += 1
        st.rerun()
