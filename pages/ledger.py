"""任务清单: the plan's tasks with their 包保领导, status today, edits with history, import and export."""

from __future__ import annotations

import streamlit as st

from data import ledger as ledger_data
from data.checks import today
from data.db import DatabaseBusy, connect
from data.importer import ImportRefused
from exports.ledger import file_name, workbook_bytes
from metrics.ledger import STATUSES, with_status
from present.ledger import caption, history_table, leader_table, ledger_table, page_order, region_table, status_text
from present.templates import XLSX_MIME
from present.texts import Texts
from ui import loaders
from ui.busy import show_busy
from ui.i18n import language, t
from ui.loaders_assess import actor, region_names, task_history, tasks
from ui.selection import current

selection = current()
tx = Texts(language())
day = today()
st.title(t("ledger.title"))
if "ledger_flash" in st.session_state:  # what the last save did, said after the rerun that shows it
    st.success(st.session_state.pop("ledger_flash"))

all_tasks = tasks()
names = region_names()
if all_tasks.empty:  # the office is invited to import; anyone else sees the tasks of its area only (ui.loaders_assess.tasks)
    st.info(t("ledger.empty") if actor().is_office else t("ledger.empty_scope"))
else:
    st.caption(caption(all_tasks, day, tx))
    shown = with_status(all_tasks, day)
    left, right = st.columns(2)
    with left:
        statuses = st.multiselect(
            t("ledger.filter_status"), list(STATUSES), default=[], format_func=lambda s: status_text(s, language()), key="ledger_status",
            placeholder=t("ledger.filter_all"),
        )
    with right:
        leaders = sorted({str(x) for x in all_tasks["leader"].dropna()})
        chosen_leaders = st.multiselect(t("ledger.filter_leader"), leaders, default=[], key="ledger_leader", placeholder=t("ledger.filter_all"))
    keep = shown["shown"].isin(statuses) if statuses else shown["shown"].notna()
    if chosen_leaders:
        keep &= shown["leader"].isin(chosen_leaders)
    st.dataframe(page_order(ledger_table(all_tasks[keep.to_numpy()], day, names, tx), tx), hide_index=True, width="stretch")

    by_leader, by_region = st.columns(2)
    with by_leader:
        st.subheader(t("ledger.by_leader"))
        table = leader_table(all_tasks, day, tx)
        if table.empty:
            st.caption(t("ledger.none_overdue"))
        else:
            st.dataframe(table, hide_index=True)
    with by_region:
        st.subheader(t("ledger.by_region"))
        table = region_table(all_tasks, day, names, tx)
        if table.empty:
            st.caption(t("ledger.none_overdue"))
        else:
            st.dataframe(table, hide_index=True)

    st.download_button(
        t("ledger.download"),
        workbook_bytes(all_tasks, day, names, selection.region_name, tx),
        file_name=file_name(selection.region_name, day, tx),
        mime=XLSX_MIME,
        icon=":material/download:",
        key="ledger_download",
    )

    st.subheader(t("ledger.edit"))
    who = actor()
    seqs = all_tasks["seq"].tolist()
    seq = st.selectbox(
        t("ledger.edit_pick"), seqs, key="ledger_pick",
        format_func=lambda s: f"{s}. {all_tasks.set_index('seq').at[s, 'content']}",
    )  # fmt: skip
    task = all_tasks.set_index("seq").loc[seq]
    if not who.is_office:  # refused in data.ledger too, whatever the page shows
        st.caption(t("ledger.readonly"))
    else:
        with st.form("ledger_edit"):
            stored = ["not_started", "in_progress", "done"]
            status = st.selectbox(
                t("ledger.col.status"), stored, index=stored.index(task["status"]), format_func=lambda s: status_text(s, language()),
                key="ledger_edit_status",
            )
            done_on = st.text_input(t("ledger.col.done_on"), value="" if task["done_on"] is None else task["done_on"].isoformat())
            deadline = st.text_input(t("ledger.col.deadline"), value=task["deadline"].isoformat())
            leader = st.text_input(t("ledger.col.leader"), value=task["leader"] or "")
            note = st.text_area(t("ledger.col.note"), value=task["note"] or "", key="ledger_edit_note")
            if st.form_submit_button(t("ledger.save"), key="ledger_save"):
                try:
                    with connect(loaders.db_path(), write=True, wait_seconds=loaders.UI_WAIT_SECONDS) as con:
                        made = ledger_data.update_task(
                            con, seq, {"status": status, "done_on": done_on, "deadline": deadline, "leader": leader, "note": note}, who, day
                        )
                    if made:
                        st.session_state["ledger_flash"] = t("ledger.saved", seq=seq, count=len(made))
                        st.rerun()
                    else:
                        st.info(t("ledger.unchanged"))
                except ledger_data.EditRefused as refused:
                    reasons = "；".join(f"{ledger_data.HEADERS_ZH.get(f, f) if language() == 'zh' else f}: {zh if language() == 'zh' else en}" for f, en, zh in refused.problems)
                    st.error(t("ledger.refused", reason=reasons))
                except DatabaseBusy:
                    show_busy()
    st.caption(t("ledger.history"))
    history = task_history(seq)
    if history.empty:
        st.caption(t("ledger.history_empty"))
    else:
        st.dataframe(history_table(history, tx), hide_index=True, width="stretch")

if actor().is_office:  # the office keeps the task list (data.ledger refuses anyone else)
    with st.expander(t("ledger.import"), expanded=all_tasks.empty):
        upload = st.file_uploader(t("ledger.import_help"), type=["csv", "xlsx", "xls", "ods"], key="ledger_upload")
        if upload is not None and st.button(t("ledger.import_button"), key="ledger_import"):
            try:
                result = ledger_data.import_upload(loaders.db_path(), upload.getvalue(), upload.name, actor(), wait_seconds=loaders.UI_WAIT_SECONDS)
                st.success(t("ledger.imported", count=result.row_count, added=result.added, replaced=result.replaced, import_id=result.import_id))
            except ImportRefused as refused:
                st.error(t("ledger.import_refused", count=len(refused.problems)))
                st.code("\n".join(p.render(refused.source, language()) for p in refused.problems), language=None)
            except DatabaseBusy:
                show_busy()
