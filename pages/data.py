"""数据 Data: bring the townships' monthly spreadsheets in, undo an import, and see what the data lacks.

Four tabs, one function each (a new task adds a function and a line to
``TABS``): upload (preview, then commit), templates, import history (with
rollback) and data quality for the sidebar's region and period. What the tabs
compute or format is in ``present.data`` (the view builder). The page
holds no SQL: it calls ``data.upload`` (preview/commit), ``data.store``
(history/rollback), ``data.quality`` (the quality queries) through short-lived
connections, cached under the database's version like ``ui.loaders``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data import pending, quality, upload
from data.access import Actor
from data.db import DatabaseBusy, DatabaseMissing, connect
from data.importer import KINDS, months_summary
from data.readers import note_zh
from data.scope import rollbackable
from data.store import RollbackLocked, RollbackRefused, history, rollback
from metrics.quality import completeness_by_period, incomplete_months
from present import data as view
from present.charts import chart_config
from present.formatting import format_month, format_persons
from present.templates import CSV_MIME, XLSX_MIME, csv_template, file_name, xlsx_template
from ui import approvals_panel, loaders
from ui.busy import show_busy
from ui.i18n import language, t
from ui.lang_widgets import choice
from ui.selection import SELECTION_KEY
from ui.session import require_actor
from ui.timeliness_section import timeliness_section

ROUND_KEY = "data_upload_round"  # part of the uploader's key: a new value clears the uploader
LAST_IMPORT_KEY = "data_last_import"
ROLLBACK_ROUND_KEY = "data_rollback_round"
LAST_ROLLBACK_KEY = "data_last_rollback"


# --------------------------------------------------------------------------- cached reads


@st.cache_data(show_spinner=False, max_entries=4)
def _preview(
    data: bytes, name: str, kind: str, sheet: str | None, path: str, version: tuple[int, int], who: tuple[str, str, str | None]
) -> upload.Preview:
    """``who``: (account, role, region) of the uploader, whose scope the rows are checked against (issue 12)."""
    return upload.preview(data, name, kind, path, sheet, wait_seconds=loaders.UI_WAIT_SECONDS, actor=Actor(*who))


@st.cache_data(show_spinner=False)
def _history(path: str, version: tuple[int, int], who: tuple[str, str, str | None]) -> pd.DataFrame:
    """The history ``who`` (account, role, region) may roll back: all of it for the office (data.scope.rollbackable)."""
    with connect(path, wait_seconds=loaders.UI_WAIT_SECONDS) as con:
        return rollbackable(con, Actor(*who), history(con))


@st.cache_data(show_spinner=False, max_entries=32)
def _quality(path: str, version: tuple[int, int], root: str, period: int) -> dict[str, pd.DataFrame]:
    with connect(path, wait_seconds=loaders.UI_WAIT_SECONDS) as con:
        return {
            "missing": quality.missing_reports(con, root, period),
            "overpaid": quality.overpaid(con, root, period),
            "over_required": quality.over_required(con, root, period),
            "double": quality.double_counted(con, root, period),
        }


def _path() -> str:
    return str(loaders.db_path())


# --------------------------------------------------------------------------- widgets


def kind_label(kind: str) -> str:
    return view.kind_label(kind, language())


def problem_columns() -> dict:
    return {
        t("data.col.row"): st.column_config.NumberColumn(width=70),
        t("data.col.field"): st.column_config.TextColumn(width=190),
        t("data.col.reason"): st.column_config.TextColumn(width=900),
    }


def show_problems(problems, source: str, key: str) -> None:
    st.dataframe(view.problem_table(problems, language()), hide_index=True, width="stretch", placeholder="—", height=min(400, 38 + 35 * len(problems)), column_config=problem_columns())
    lines = view.problem_lines(problems, source, language())
    with st.expander(t("data.problem_lines"), icon=":material/content_copy:"):
        st.code(lines, language=None)
    st.download_button(
        t("data.download_problems"),
        data=lines.encode("utf-8-sig"),
        file_name=f"{source}.problems.txt",
        mime="text/plain",
        icon=":material/download:",
        key=f"problems_{key}",
    )


def findings_table(heading: str, frame: pd.DataFrame, table, *, key: str) -> None:
    """A data-quality finding: its count as a heading, then its rows (or "none found")."""
    st.markdown(f"**{heading}**")
    if frame.empty:
        st.caption(t("data.none_found"))
    else:
        st.dataframe(table(frame, language()), hide_index=True, width="stretch", placeholder="—", key=key)


# --------------------------------------------------------------------------- 1. upload: preview, then commit


def upload_tab() -> None:
    st.session_state.setdefault(ROUND_KEY, 0)
    # The monthly snapshots are what analysts bring most often: the default.
    kind = choice(
        st.radio, t("data.kind"), list(KINDS), name="data_kind", default="snapshots", format_func=kind_label, horizontal=True
    )
    st.caption(t(f"data.columns.{kind}"))
    st.caption(view.upload_note(language()))
    if not actor.can_write:  # told here, and no form to fill; refused in the import path all the same (data.scope)
        st.info(t("auth.read_only"), icon=":material/visibility:")
        return
    uploaded = st.file_uploader(
        t("data.file"),
        type=list(view.UPLOAD_TYPES),
        key=f"data_upload_{st.session_state[ROUND_KEY]}",
        help=t("data.file_help"),
    )
    last = st.session_state.get(LAST_IMPORT_KEY)
    if uploaded is None and last is not None and last.get("held"):  # a reporter's upload: submitted, counted once approved
        st.success(view.held_sentence(last, language()), icon=":material/outbox:")
    elif uploaded is None and last is not None:
        shown = {key: value for key, value in last.items() if key != "months"}
        st.success(t("data.imported", **{**shown, "kind": kind_label(last["kind"])}), icon=":material/check_circle:")
        if last.get("months"):
            st.caption(months_summary(last["months"], language()))
        if last.get("warnings"):
            st.warning(t("data.imported_warnings", count=last["warnings"]), icon=":material/warning:")
    if uploaded is None:
        return
    st.session_state.pop(LAST_IMPORT_KEY, None)
    data, name = uploaded.getvalue(), uploaded.name
    sheets = upload.sheet_names(data, name)
    sheet = st.selectbox(t("data.sheet"), sheets, key="data_sheet") if len(sheets) > 1 else None
    try:
        with st.spinner(t("data.checking")):
            preview = _preview(data, name, kind, sheet, _path(), loaders.db_version(), who)
    except DatabaseBusy:
        show_busy()
        return
    counts = st.columns(3)
    counts[0].metric(t("data.rows"), format_persons(preview.rows) if preview.rows is not None else "—")
    counts[1].metric(t("data.will_add"), format_persons(preview.will_add) if preview.ok else "—")
    counts[2].metric(t("data.will_replace"), format_persons(preview.will_replace) if preview.ok else "—")
    if not preview.ok:
        st.error(t("data.refused", count=len(preview.problems), source=name), icon=":material/block:")
        show_problems(preview.problems, name, "preview")
    else:
        st.success(t("data.accepted", kind=kind_label(kind)), icon=":material/task_alt:")
        if preview.will_replace:
            st.info(t("data.replace_note", count=preview.will_replace), icon=":material/info:")
    for note in preview.notes:  # what reading did: a 合计 row skipped, which sheet was read
        st.info(note_zh(note) if language() == "zh" else note, icon=":material/info:")
    if preview.warnings:
        st.warning(t("data.warnings", count=len(preview.warnings)), icon=":material/warning:")
        st.dataframe(view.problem_table(preview.warnings, language()), hide_index=True, width="stretch", placeholder="—", column_config=problem_columns())
    if not preview.table.empty:
        st.markdown(f"**{t('data.first_rows', shown=min(view.PREVIEW_ROWS, preview.rows), total=preview.rows)}**")
        st.dataframe(view.file_rows(preview.kind, preview.table, language()), hide_index=True, width="stretch", placeholder="—")
    if preview.ok and pending.holds(actor, kind):  # said before the commit: the figures wait for the level above
        st.info(t("pending.before_commit"), icon=":material/outbox:")
    if preview.ok and st.button(t("data.commit"), type="primary", icon=":material/upload:", key="data_commit"):
        try:
            with st.spinner(t("data.writing")):
                outcome = upload.commit(data, name, kind, _path(), sheet, actor=actor)  # waits as long as the CLI
        except DatabaseBusy:
            st.warning(t("data.busy"), icon=":material/hourglass_top:")
            return
        if outcome.ok:
            st.session_state[LAST_IMPORT_KEY] = view.import_summary(outcome.result)
            st.session_state[ROUND_KEY] += 1
            st.session_state.pop(LAST_ROLLBACK_KEY, None)
            st.rerun()
        else:
            st.error(t("data.refused_on_commit", count=len(outcome.problems)), icon=":material/block:")
            show_problems(outcome.problems, name, "commit")


# --------------------------------------------------------------------------- 2. templates


def templates_tab() -> None:
    st.markdown(t("data.templates_intro"))
    for kind in KINDS:
        with st.container(border=True):
            left, csv_column, xlsx_column = st.columns([3, 1, 1], vertical_alignment="center")
            left.markdown(f"**{kind_label(kind)}**  \n{t(f'data.columns.{kind}')}")
            csv_column.download_button(
                "CSV",
                data=csv_template(kind),
                file_name=file_name(kind, "csv"),
                mime=CSV_MIME,
                icon=":material/download:",
                key=f"template_csv_{kind}",
                width="stretch",
            )
            xlsx_column.download_button(
                "XLSX",
                data=xlsx_template(kind),
                file_name=file_name(kind, "xlsx"),
                mime=XLSX_MIME,
                icon=":material/download:",
                key=f"template_xlsx_{kind}",
                width="stretch",
            )
    st.caption(t("data.templates_notes"))


# --------------------------------------------------------------------------- 3. import history and rollback


def rollback_form(active: pd.DataFrame) -> None:
    """Choose an import, confirm, roll it back; the outcome is said after the rerun."""
    st.session_state.setdefault(ROLLBACK_ROUND_KEY, 0)
    labels = view.rollback_options(active, language())
    chosen = choice(st.selectbox, t("data.rollback_choose"), list(labels), name="data_rollback_id", format_func=labels.get)
    round_ = st.session_state[ROLLBACK_ROUND_KEY]
    sure = st.checkbox(t("data.rollback_confirm", import_id=chosen), key=f"data_rollback_sure_{round_}_{chosen}")
    if not st.button(t("data.rollback_button"), icon=":material/undo:", disabled=not sure, key="data_rollback_go"):
        return
    st.session_state.pop(LAST_ROLLBACK_KEY, None)
    try:
        with st.spinner(t("data.rolling_back")):
            with connect(_path(), write=True) as con:  # waits as long as the CLI
                rollback(con, int(chosen), actor=actor)
    except DatabaseBusy:
        st.warning(t("data.busy"), icon=":material/hourglass_top:")
    except RollbackLocked as locked:  # a closed month (issue 12, point 3)
        st.error(locked.text(language()), icon=":material/lock:")
    except RollbackRefused as refused:
        st.error(t("data.rollback_refused", reason=refused.text(language())), icon=":material/block:")
    else:
        st.session_state[LAST_ROLLBACK_KEY] = view.rollback_summary(active, chosen)
        st.session_state.pop(LAST_IMPORT_KEY, None)
        st.session_state[ROLLBACK_ROUND_KEY] += 1
        st.rerun()


def history_tab() -> None:
    try:
        imports = _history(_path(), loaders.db_version(), (actor.account, actor.role, actor.region_code))
    except DatabaseMissing:
        imports = None
        st.info(t("data.no_database"))
    except DatabaseBusy:
        imports = None
        show_busy()
    notice = st.empty()  # the last rollback's outcome, filled in once this run has handled the button
    if imports is not None and imports.empty:
        st.info(t("data.no_imports"))
    elif imports is not None:
        st.dataframe(view.history_table(imports, language()), hide_index=True, width="stretch", placeholder="—", key="data_history")
        active = view.active_imports(imports)
        st.subheader(t("data.rollback_title"))
        if active.empty:
            st.caption(t("data.nothing_to_roll_back"))
        else:
            rollback_form(active)
    done = st.session_state.get(LAST_ROLLBACK_KEY)  # kept until the next rollback or import
    if done:
        notice.success(t("data.rolled_back", **done), icon=":material/undo:")


# --------------------------------------------------------------------------- 4. data quality for the sidebar's region and period


def quality_tab() -> None:
    selection = st.session_state.get(SELECTION_KEY)
    try:
        has_data = selection is not None and not loaders.regions().empty and bool(loaders.periods())
    except (DatabaseMissing, DatabaseBusy):
        has_data = False
    if not has_data:
        st.info(t("data.quality_no_data"))
        return
    period, region, region_name = selection.period, selection.region, selection.region_name
    st.caption(t("data.quality_scope", region=region_name, period=format_month(period)))
    try:
        found = _quality(_path(), loaders.db_version(), region, period)
    except DatabaseBusy:
        show_busy()
        return

    # (a) completeness over months, and who did not report
    series = loaders.series(selection.targets, [region], selection.periods)
    completeness = completeness_by_period(series, up_to=period)
    shown = view.completeness_view(completeness, incomplete_months(completeness), region_name, period, language())
    st.subheader(t("data.completeness_title"))
    if shown.figure is not None:
        st.plotly_chart(shown.figure, config=chart_config(shown.file_stem), key="data_completeness")
    st.caption(shown.caption)
    missing = found["missing"]
    findings_table(t("data.missing_title", period=format_month(period), count=len(missing)), missing, view.missing_table, key="data_missing")
    timeliness_section(selection, completeness)  # 报送及时率 (issue 13 point 2)

    # (b) implausible values
    st.subheader(t("data.implausible_title"))
    overpaid, over = found["overpaid"], found["over_required"]
    findings_table(t("data.overpaid_title", count=len(overpaid)), overpaid, view.overpaid_table, key="data_overpaid")
    findings_table(t("data.over_required_title", count=len(over)), over, view.over_required_table, key="data_over_required")

    # (c) double counting
    double = found["double"]
    st.subheader(t("data.double_title"))
    findings_table(t("data.double_count", period=format_month(period), count=len(double)), double, view.double_table, key="data_double")


# --------------------------------------------------------------------------- the page: one tab per task


actor = require_actor()  # the functions above read it: whose upload, whose rollback (issue 12)
who = (actor.account, actor.role, actor.region_code)

st.title(t("data.title"))
st.caption(t("data.intro"))

TABS = {  # a new task on this page adds its tab here
    "data.tab.upload": upload_tab,
    "data.tab.templates": templates_tab,
    "data.tab.history": history_tab,
    "data.tab.quality": quality_tab,
    "approve.tab": lambda: approvals_panel.show(st.session_state.get(SELECTION_KEY)),  # issue 12, point 3
}
for tab, show in zip(st.tabs([t(key) for key in TABS]), TABS.values()):
    with tab:
        show()
