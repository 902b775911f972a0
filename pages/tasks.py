"""任务 Tasks: how far has each county or township come with the year's tasks in persons (issue 13 point 3)?"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.periods import year_of
from metrics.tasks import TASK_KIND_KEYS
from present.charts import chart_config, file_stem
from present.downloads import CSV_ENCODING, PERSONS_FORMAT, xlsx_bytes
from present.formatting import format_month, format_persons
from present.honest import region_not_comparable_note
from present.tasks import IMPORT_HEADERS, format_completion, import_frame, kind_label, proposal_csv, proposal_xlsx, tasks_view
from ui import loaders_tasks
from ui.i18n import language, t
from ui.lang_widgets import choice
from ui.selection import current

PROPOSAL_KEY = "tasks_proposal"

selection = current()
targets, period = selection.targets, selection.period
region, region_name = selection.region, selection.region_name
year = year_of(period)
lang = language()
month = format_month(period)

st.title(t("tasks.title", region=region_name, year=year))
st.caption(t("tasks.caption", period=month))

report = loaders_tasks.region_tasks(targets, year, period, region)
table = report.table
own = table[table["region_code"] == region]
kind = choice(st.radio, t("tasks.kind"), list(TASK_KIND_KEYS), name="tasks_kind", format_func=lambda k: kind_label(k, lang), horizontal=True)

if not table["task"].notna().any():
    st.info(t("tasks.no_tasks", year=year, region=region_name), icon=":material/assignment:")
else:
    cards = st.columns(3)
    mine = own[own["task_kind"] == kind]
    row = mine.iloc[0] if len(mine) else None
    cards[0].metric(t("tasks.metric.task"), format_persons(None if row is None else row["task"]))
    cards[1].metric(t("tasks.metric.achieved"), format_persons(None if row is None else row["achieved"]))
    cards[2].metric(t("tasks.metric.completion"), format_completion(None if row is None else row["completion"]))
    if row is not None and not bool(row.get("comparable", True)):
        st.caption(t("tasks.not_comparable", note=region_not_comparable_note(row, t)))

    view = tasks_view(
        table[table["region_code"] != region], report.splits, kind, lang, region_name=region_name, period_label=month,
        period=period,
    )
    for note in view.notes:  # not comparable for the kind's metric: no completion, no bar (metrics.md "Tasks in persons")
        st.info(note, icon=":material/info:")
    if view.figure is not None:
        st.plotly_chart(view.figure, config=chart_config(file_stem(region_name, kind_label(kind, lang), month)), key="tasks_chart")
    if view.display.empty:  # a township: no sub-region to list (Streamlit would print an English "empty")
        st.caption(t("overview.no_children"))
    else:
        st.dataframe(view.display, hide_index=True, width="stretch", placeholder="—", key="tasks_table")
    st.download_button(
        t("tasks.download_table"),
        data=xlsx_bytes(view.export, sheet=kind_label(kind, "zh"), number_formats={view.export.columns[2]: PERSONS_FORMAT, view.export.columns[3]: PERSONS_FORMAT, view.export.columns[4]: "0.0%", view.export.columns[5]: PERSONS_FORMAT}),
        file_name=f"{file_stem(region_name, kind_label(kind, lang), month)}.xlsx",
        icon=":material/download:",
        key="tasks_download",
    )

st.subheader(t("tasks.splits_title"))
if report.splits.empty:
    st.caption(t("tasks.no_short_splits"))
else:
    from present.tasks import split_sentences

    for sentence in split_sentences(report.splits, lang):
        st.warning(sentence, icon=":material/warning:")

# ---- 按差距分解: a proposal the analyst edits and exports, then imports through the Data page
st.subheader(t("tasks.propose_title"))
st.caption(t("tasks.propose_help"))
if st.button(t("tasks.propose_button"), icon=":material/call_split:", key="tasks_propose"):
    st.session_state[PROPOSAL_KEY] = (region, year)
if st.session_state.get(PROPOSAL_KEY) == (region, year):
    proposal = loaders_tasks.gap_proposal(targets, year, region)
    if proposal.empty:
        st.info(t("tasks.propose_empty"), icon=":material/info:")
    else:
        editable = import_frame(proposal)
        gaps = proposal[proposal["task"].notna()]["gap"].reset_index(drop=True)
        editable.insert(4, t("tasks.propose_gap"), [format_persons(g) for g in gaps])
        edited = st.data_editor(
            editable,
            hide_index=True,
            width="stretch",
            disabled=[c for c in editable.columns if c != IMPORT_HEADERS[4]],
            column_config={IMPORT_HEADERS[4]: st.column_config.NumberColumn(min_value=0, step=1, format="%d")},
            key=f"tasks_editor_{region}_{year}",
        )
        edited = pd.DataFrame(edited)[list(IMPORT_HEADERS)]
        left, right = st.columns(2)
        stem = file_stem(region_name, year, "任务分解建议")
        left.download_button(
            t("tasks.download_csv"), data=proposal_csv(edited), file_name=f"{stem}.csv", mime=f"text/csv; charset={CSV_ENCODING}",
            icon=":material/download:", key="tasks_proposal_csv",
        )  # fmt: skip
        right.download_button(
            t("tasks.download_xlsx"), data=proposal_xlsx(edited), file_name=f"{stem}.xlsx", icon=":material/download:",
            key="tasks_proposal_xlsx",
        )  # fmt: skip
