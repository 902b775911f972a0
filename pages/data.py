"""数据 Data: bring the townships' monthly spreadsheets in, undo an import, and see what the data lacks.

Four tabs: upload (preview, then commit), templates, import history (with
rollback) and data quality for the sidebar's region and period. The page
holds no SQL: it calls ``data.upload`` (preview/commit), ``data.store``
(history/rollback), ``data.quality`` (the quality queries) through short-lived
connections, cached under the database's version like ``ui.loaders``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data import quality, upload
from data.access import Actor
from data.db import DatabaseBusy, DatabaseMissing, connect
from data.importer import KINDS, Problem, field_zh, months_summary
from data.readers import note_zh
from data.store import RollbackRefused, history, rollback
from metrics.quality import completeness_by_period, incomplete_months
from ui import loaders
from ui.busy import show_busy
from present.charts import chart_config, file_stem
from present.charts_data import completeness_figure
from present.formatting import format_month, format_persons, format_rate
from ui.i18n import language, level_label, t
from ui.lang_widgets import choice
from ui.selection import SELECTION_KEY
from ui.session import require_actor
from present.templates import CSV_MIME, XLSX_MIME, csv_template, file_name, xlsx_template

ROUND_KEY = "data_upload_round"  # part of the uploader's key: a new value clears the uploader
LAST_IMPORT_KEY = "data_last_import"
ROLLBACK_ROUND_KEY = "data_rollback_round"
LAST_ROLLBACK_KEY = "data_last_rollback"
PREVIEW_ROWS = 20


# --------------------------------------------------------------------------- cached reads


@st.cache_data(show_spinner=False, max_entries=4)
def _preview(
    data: bytes, name: str, kind: str, sheet: str | None, path: str, version: tuple[int, int], who: tuple[str, str, str | None]
) -> upload.Preview:
    """``who``: (account, role, region) of the uploader, whose scope the rows are checked against (issue 12)."""
    return upload.preview(data, name, kind, path, sheet, wait_seconds=loaders.UI_WAIT_SECONDS, actor=Actor(*who))


@st.cache_data(show_spinner=False)
def _history(path: str, version: tuple[int, int]) -> pd.DataFrame:
    with connect(path, wait_seconds=loaders.UI_WAIT_SECONDS) as con:
        return history(con)


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


# --------------------------------------------------------------------------- shown text


def kind_label(kind: str) -> str:
    return t(f"data.kind.{kind}")


def field_label(field: str) -> str:
    """A problem's field as the reader's headers name it: ``region_code`` -> 区划代码 (zh)."""
    if language() != "zh":
        return field
    chinese = {"row": t("data.field.row"), "header": t("data.field.header"), "file": t("data.field.file"), "sheet": t("data.field.sheet")}
    return "+".join(chinese.get(part) or field_zh(part) for part in field.split("+"))


def problem_table(problems: tuple[Problem, ...] | list[Problem]) -> pd.DataFrame:
    """Every problem (or warning), one row each, its reason in the page's language."""
    return pd.DataFrame(
        {
            t("data.col.row"): [p.row for p in problems],
            t("data.col.field"): [field_label(p.field) for p in problems],
            t("data.col.reason"): [p.text(language()) for p in problems],
        }
    )


def problem_columns() -> dict:
    return {
        t("data.col.row"): st.column_config.NumberColumn(width=70),
        t("data.col.field"): st.column_config.TextColumn(width=190),
        t("data.col.reason"): st.column_config.TextColumn(width=900),
    }


def show_problems(problems, source: str, key: str) -> None:
    st.dataframe(problem_table(problems), hide_index=True, width="stretch", placeholder="—", height=min(400, 38 + 35 * len(problems)), column_config=problem_columns())
    lines = "\n".join(p.render(source, language()) for p in problems)
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


def format_time(moment) -> str:
    return "—" if moment is None or pd.isna(moment) else pd.Timestamp(moment).strftime("%Y-%m-%d %H:%M")


def file_rows(preview: upload.Preview) -> pd.DataFrame:
    """The first rows as read, under the reader's headers."""
    columns = KINDS[preview.kind].columns
    chinese = {canonical: zh for zh, canonical in KINDS[preview.kind].chinese.items()}
    shown = preview.table.head(PREVIEW_ROWS)
    names = {"_row": t("data.col.row"), **{c: chinese[c] if language() == "zh" else c for c in columns}}
    return shown[["_row", *columns]].rename(columns=names)


# --------------------------------------------------------------------------- the page


st.title(t("data.title"))
st.caption(t("data.intro"))

def findings_table(heading: str, frame: pd.DataFrame, columns, *, key: str) -> None:
    """A data-quality finding: its count as a heading, then its rows (or "none found")."""
    st.markdown(f"**{heading}**")
    if frame.empty:
        st.caption(t("data.none_found"))
    else:
        st.dataframe(pd.DataFrame(columns(frame)), hide_index=True, width="stretch", placeholder="—", key=key)


actor = require_actor()
who = (actor.account, actor.role, actor.region_code)

tab_upload, tab_templates, tab_history, tab_quality = st.tabs(
    [t("data.tab.upload"), t("data.tab.templates"), t("data.tab.history"), t("data.tab.quality")]
)

# ---- 1. upload: preview, then commit
with tab_upload:
    st.session_state.setdefault(ROUND_KEY, 0)
    # The monthly snapshots are what analysts bring most often: the default.
    kind = choice(
        st.radio, t("data.kind"), list(KINDS), name="data_kind", default="snapshots", format_func=kind_label, horizontal=True
    )
    st.caption(t(f"data.columns.{kind}"))
    if not actor.can_write:  # told here; refused in the import path whatever the page shows (data.scope)
        st.info(t("auth.read_only"), icon=":material/visibility:")
    uploaded = st.file_uploader(
        t("data.file"),
        type=["csv", "xlsx", "xlsm", "xls", "ods"],
        key=f"data_upload_{st.session_state[ROUND_KEY]}",
        help=t("data.file_help"),
    )
    last = st.session_state.get(LAST_IMPORT_KEY)
    if uploaded is None and last is not None:
        shown = {key: value for key, value in last.items() if key != "months"}
        st.success(t("data.imported", **{**shown, "kind": kind_label(last["kind"])}), icon=":material/check_circle:")
        if last.get("months"):
            st.caption(months_summary(last["months"], language()))
        if last.get("warnings"):
            st.warning(t("data.imported_warnings", count=last["warnings"]), icon=":material/warning:")
    if uploaded is not None:
        st.session_state.pop(LAST_IMPORT_KEY, None)
        data, name = uploaded.getvalue(), uploaded.name
        sheets = upload.sheet_names(data, name)
        sheet = st.selectbox(t("data.sheet"), sheets, key="data_sheet") if len(sheets) > 1 else None
        try:
            with st.spinner(t("data.checking")):
                preview = _preview(data, name, kind, sheet, _path(), loaders.db_version(), who)
        except DatabaseBusy:
            show_busy()
            preview = None
        if preview is not None:
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
                st.dataframe(problem_table(preview.warnings), hide_index=True, width="stretch", placeholder="—", column_config=problem_columns())
            if not preview.table.empty:
                st.markdown(f"**{t('data.first_rows', shown=min(PREVIEW_ROWS, preview.rows), total=preview.rows)}**")
                st.dataframe(file_rows(preview), hide_index=True, width="stretch", placeholder="—")
            if preview.ok and st.button(t("data.commit"), type="primary", icon=":material/upload:", key="data_commit"):
                try:
                    with st.spinner(t("data.writing")):
                        outcome = upload.commit(data, name, kind, _path(), sheet, actor=actor)  # waits as long as the CLI
                except DatabaseBusy:
                    st.warning(t("data.busy"), icon=":material/hourglass_top:")
                else:
                    if outcome.ok:
                        result = outcome.result
                        st.session_state[LAST_IMPORT_KEY] = {
                            "import_id": result.import_id,
                            "source": result.source,
                            "kind": result.kind,
                            "added": result.added,
                            "replaced": result.replaced,
                            "warnings": len(result.warnings),
                            "months": result.months,
                        }
                        st.session_state[ROUND_KEY] += 1
                        st.session_state.pop(LAST_ROLLBACK_KEY, None)
                        st.rerun()
                    else:
                        st.error(t("data.refused_on_commit", count=len(outcome.problems)), icon=":material/block:")
                        show_problems(outcome.problems, name, "commit")

# ---- 2. templates
with tab_templates:
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

# ---- 3. import history and rollback
with tab_history:
    try:
        imports = _history(_path(), loaders.db_version())
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
        yes, no = t("data.yes"), t("data.no")
        shown = pd.DataFrame(
            {
                t("data.col.import_id"): imports["import_id"],
                t("data.col.kind"): imports["kind"].map(kind_label),
                t("data.col.source"): [
                    source if pd.isna(undoes) else t("data.rollback_source", import_id=int(undoes))
                    for source, undoes in zip(imports["source"], imports["undoes"])
                ],
                t("data.col.imported_at"): imports["imported_at"].map(format_time),
                t("data.col.row_count"): imports["row_count"],
                t("data.col.added"): imports["added"],
                t("data.col.replaced"): imports["replaced"],
                t("data.col.demo"): imports["is_demo"].map({True: yes, False: no}),
                t("data.col.rolled_back_at"): imports["rolled_back_at"].map(format_time),
            }
        )
        st.dataframe(shown, hide_index=True, width="stretch", placeholder="—", key="data_history")
        active = imports[imports["rolled_back_at"].isna()]
        st.subheader(t("data.rollback_title"))
        if active.empty:
            st.caption(t("data.nothing_to_roll_back"))
        else:
            st.session_state.setdefault(ROLLBACK_ROUND_KEY, 0)
            labels = {
                int(r.import_id): t(
                    "data.rollback_option",
                    import_id=int(r.import_id),
                    kind=kind_label(r.kind),
                    source=r.source if pd.isna(r.undoes) else t("data.rollback_source", import_id=int(r.undoes)),
                    rows=int(r.row_count),
                )
                for r in active.itertuples()
            }
            chosen = choice(st.selectbox, t("data.rollback_choose"), list(labels), name="data_rollback_id", format_func=labels.get)
            round_ = st.session_state[ROLLBACK_ROUND_KEY]
            sure = st.checkbox(t("data.rollback_confirm", import_id=chosen), key=f"data_rollback_sure_{round_}_{chosen}")
            if st.button(t("data.rollback_button"), icon=":material/undo:", disabled=not sure, key="data_rollback_go"):
                st.session_state.pop(LAST_ROLLBACK_KEY, None)
                try:
                    with st.spinner(t("data.rolling_back")):
                        with connect(_path(), write=True) as con:  # waits as long as the CLI
                            rollback(con, int(chosen), actor=actor)
                except DatabaseBusy:
                    st.warning(t("data.busy"), icon=":material/hourglass_top:")
                except RollbackRefused as refused:
                    st.error(t("data.rollback_refused", reason=str(refused)), icon=":material/block:")
                else:
                    record = active.set_index("import_id").loc[chosen]
                    st.session_state[LAST_ROLLBACK_KEY] = {
                        "import_id": chosen,
                        "source": record["source"],
                        "removed": int(record["row_count"]),
                        "restored": int(record["replaced"]),
                    }
                    st.session_state.pop(LAST_IMPORT_KEY, None)
                    st.session_state[ROLLBACK_ROUND_KEY] += 1
                    st.rerun()
    done = st.session_state.get(LAST_ROLLBACK_KEY)  # kept until the next rollback or import
    if done:
        notice.success(t("data.rolled_back", **done), icon=":material/undo:")

# ---- 4. data quality for the sidebar's region and period
with tab_quality:
    selection = st.session_state.get(SELECTION_KEY)
    try:
        has_data = selection is not None and not loaders.regions().empty and bool(loaders.periods())
    except (DatabaseMissing, DatabaseBusy):
        has_data = False
    if not has_data:
        st.info(t("data.quality_no_data"))
    else:
        period, region, region_name = selection.period, selection.region, selection.region_name
        st.caption(t("data.quality_scope", region=region_name, period=format_month(period)))
        try:
            found = _quality(_path(), loaders.db_version(), region, period)
        except DatabaseBusy:
            found = None
            show_busy()
        if found is not None:
            # (a) completeness over months, and who did not report
            series = loaders.series(selection.targets, [region], selection.periods)
            completeness = completeness_by_period(series, up_to=period)
            short = incomplete_months(completeness)
            st.subheader(t("data.completeness_title"))
            if completeness.empty:
                st.caption(t("data.no_population"))
            else:
                figure = completeness_figure(
                    completeness,
                    title=t("data.completeness_chart_title", region=region_name, period=format_month(period)),
                    value_name=t("word.completeness"),
                    full_name=t("data.full_reporting"),
                    selected=period,
                )
                st.plotly_chart(
                    figure,
                    config=chart_config(file_stem(region_name, t("word.completeness"), format_month(period))),
                    key="data_completeness",
                )
                st.caption(
                    t("data.incomplete_months", count=len(short), months="、".join(format_month(m) for m in short[-12:]))
                    if short
                    else t("data.all_months_complete")
                )
            missing = found["missing"]
            st.markdown(f"**{t('data.missing_title', period=format_month(period), count=len(missing))}**")
            if missing.empty:
                st.caption(t("data.none_found"))
            else:
                st.dataframe(
                    pd.DataFrame(
                        {
                            t("word.region_code"): missing["code"],
                            t("word.region"): missing["name"],
                            t("word.level"): missing["level"].map(level_label),
                            t("data.col.parent"): missing["parent_name"],
                            t("data.col.last_reported"): missing["last_period"].map(format_month),
                        }
                    ),
                    hide_index=True,
                    width="stretch",
                    placeholder="—",  # not "None": Streamlit's own word for a missing value
                    key="data_missing",
                )

            # (b) implausible values
            st.subheader(t("data.implausible_title"))
            overpaid = found["overpaid"]
            findings_table(
                t("data.overpaid_title", count=len(overpaid)),
                overpaid,
                lambda f: {
                    t("word.region_code"): f["code"],
                    t("word.region"): f["name"],
                    t("data.col.scheme"): f["scheme"].map(lambda s: t(f"scheme.{s}")),
                    t("data.col.insured"): f["insured"],
                    t("data.col.receiving"): f["receiving"],
                    t("data.col.contribution_phase"): f["contribution_phase"],
                    t("data.col.paid"): f["paid"],
                    t("data.col.excess"): f["excess"],
                },
                key="data_overpaid",
            )
            over = found["over_required"]
            findings_table(
                t("data.over_required_title", count=len(over)),
                over,
                lambda f: {
                    t("word.region_code"): f["code"],
                    t("word.region"): f["name"],
                    t("data.col.insured_total"): f["insured"],
                    t("data.col.required"): f["required"],
                    t("data.col.population_period"): f["population_period"].map(format_month),
                    t("data.col.excess"): f["excess"],
                    t("data.col.ratio"): f["ratio"].map(lambda v: format_rate(v, 1.0)),
                },
                key="data_over_required",
            )

            # (c) double counting
            double = found["double"]
            st.subheader(t("data.double_title"))
            findings_table(
                t("data.double_count", period=format_month(period), count=len(double)),
                double,
                lambda f: {
                    t("data.col.upper_code"): f["upper_code"],
                    t("data.col.upper_name"): f["upper_name"],
                    t("data.col.scheme"): f["scheme"].map(lambda s: t(f"scheme.{s}")),
                    t("data.col.upper_insured"): f["upper_insured"],
                    t("data.col.lower_count"): f["lower_count"],
                    t("data.col.lower_insured"): f["lower_insured"],
                    t("data.col.lower_names"): f["lower_names"],
                },
                key="data_double",
            )
