"""The 任务 page as data (no streamlit): the view builder of ``pages/tasks.py``, the completion chart, the
"按差距分解" proposal as an import-ready file, and the completion column other views borrow.

``data.tasks.TaskReport`` in; frames with headers in one language, a plotly figure and sentences out. The
rules are :mod:`metrics.tasks` (docs/metrics.md, "Tasks in persons").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import pandas as pd
import plotly.graph_objects as go

from metrics.tasks import TASK_KIND_BY_KEY, TASK_KIND_KEYS
from present.catalog import text
from present.charts import ALERT_COLORS, STATUS_COLORS, TARGET_COLOR, base_layout
from present.downloads import PERSONS_FORMAT, csv_bytes, xlsx_bytes
from present.formatting import format_persons
from present.honest import not_comparable_notes, region_not_comparable_note

# The import file's Chinese headers (the tasks kind of data.importer reads them back).
IMPORT_HEADERS = ("年度", "区划代码", "区划名称", "任务类型", "任务人数")
FULL_COLOR = STATUS_COLORS["achieved"]  # at or above 100%: the task is done (the meaning of "achieved")
SHORT_COLOR = ALERT_COLORS["short"]  # below 100%: not a status, so an alert colour
UNKNOWN_COLOR = ALERT_COLORS["unknown"]
PACE_COLOR = ALERT_COLORS["enough"]  # below 100% but at or above the share of the year gone (序时进度)


def kind_label(kind: str, language: str) -> str:
    """``new_insured`` -> 新增参保人数 / New insured."""
    return text(f"tasks.kind.{kind}", language)


def format_completion(value: object, none: str = "—") -> str:
    """A completion as a percentage with one decimal, ``1.046`` -> ``104.6%``; negative kept (``-50.0%``)."""
    if value is None or value is pd.NA or value != value:
        return none
    return f"{float(value) * 100:.1f}%"


@dataclass(frozen=True)
class TasksView:
    display: pd.DataFrame  # one row per region of the kind, headers in the language
    export: pd.DataFrame  # the same with numbers as numbers (for the XLSX)
    figure: go.Figure | None  # completion per region with the 100% line (None: nothing to draw)
    warnings: list[str]  # the short splits among the rows shown, as sentences
    # Rows not comparable for the kind's metric (no achieved, no completion, no bar): one note per ancestor
    # that reports schemes itself (present.honest's wording), docs/metrics.md "Tasks in persons".
    notes: list[str] = field(default_factory=list)


def split_sentences(splits: pd.DataFrame, language: str) -> list[str]:
    """Each flagged split (``data.tasks.TaskReport.splits``) as a sentence in ``language``."""
    return [
        text(
            "tasks.split_warning",
            language,
            parent=s.parent_name,
            code=s.parent_code,
            year=int(s.year),
            kind=kind_label(s.task_kind, language),
            parent_task=format_persons(s.parent_task),
            children=int(s.children),
            children_task=format_persons(s.children_task),
            short=format_persons(s.short_by),
        )
        for s in splits.itertuples()
    ]


def tasks_view(
    table: pd.DataFrame,
    splits: pd.DataFrame,
    kind: str,
    language: str,
    *,
    region_name: str,
    period_label: str,
    period: int | None = None,
) -> TasksView:
    """The rows of ``table`` (``data.tasks.completion_of``: the regions to show, in order) for one ``kind``:
    region, code, task, achieved, completion, remaining and the split flag (the persons its sub-regions' tasks
    fall short of its own), with the chart of completion per region (a bar per region, the 100% line and, given
    ``period``, the 序时进度 line drawn and labelled) titled with the kind, region and month.

    A row not comparable for the kind's metric (``comparable`` false, ``data.tasks.completion_of``) shows no
    achieved, completion or bar; it carries a note column (说明) naming the ancestor and schemes, and ``notes``
    holds the same per ancestor (present.honest's wording)."""
    t = partial(text, language=language)
    rows = table[table["task_kind"] == kind].reset_index(drop=True)
    short = {s.parent_code: int(s.short_by) for s in splits.itertuples() if s.task_kind == kind}
    flag = [t("tasks.split_short", short=format_persons(short[c])) if c in short else "" for c in rows["region_code"]]
    headers = {
        "region_name": t("tasks.col.region"),
        "region_code": t("tasks.col.code"),
        "task": t("tasks.col.task"),
        "achieved": t("tasks.col.achieved"),
        "completion": t("tasks.col.completion"),
        "remaining": t("tasks.col.remaining"),
        "split": t("tasks.col.split"),
    }
    export = pd.DataFrame(
        {
            headers["region_name"]: rows["region_name"],
            headers["region_code"]: rows["region_code"],
            headers["task"]: rows["task"],
            headers["achieved"]: rows["achieved"],
            headers["completion"]: rows["completion"],
            headers["remaining"]: rows["remaining"],
            headers["split"]: flag,
        }
    )
    display = export.copy()
    for key in ("task", "achieved", "remaining"):
        display[headers[key]] = [format_persons(v) for v in rows[key]]
    display[headers["completion"]] = [format_completion(v) for v in rows["completion"]]
    pace = None if period is None else time_pace(kind, period)
    figure = completion_chart(
        rows,
        title=t("tasks.chart_title", kind=kind_label(kind, language), region=region_name, period=period_label),
        axis=t("tasks.completion_axis"),
        full_line=t("tasks.full_line"),
        pace=pace,
        pace_line="" if pace is None else t("tasks.pace_line", pace=format_completion(pace)),
    ) if rows["completion"].notna().any() else None  # fmt: skip
    warnings = split_sentences(splits[splits["task_kind"] == kind], language) if len(splits) else []
    notes = []
    if "comparable" in rows and not rows["comparable"].astype(bool).all():
        note = [region_not_comparable_note(r, t) or "" for _, r in rows.iterrows()]
        note = [t("tasks.not_comparable", note=n) if n else "" for n in note]
        export[t("tasks.col.note")] = note
        display[t("tasks.col.note")] = note
        notes = [t("tasks.not_comparable", note=n) for n in not_comparable_notes(rows.assign(metric=TASK_KIND_BY_KEY[kind].metric), TASK_KIND_BY_KEY[kind].metric, t)]
    return TasksView(display, export, figure, warnings, notes)


def time_pace(kind: str, period: int) -> float | None:
    """序时进度: the share of the year gone at ``period`` (month index), ``month / 12``, for the kinds counted
    since December (new insured, new employee-scheme contributors); None for residents who pay, whose payments
    follow the season, not the calendar."""
    if kind == "resident_paid":
        return None
    return ((int(period) - 1) % 12 + 1) / 12


def completion_chart(
    rows: pd.DataFrame, *, title: str, axis: str, full_line: str, pace: float | None = None, pace_line: str = ""
) -> go.Figure:
    """A bar per region (``region_name``, ``completion`` a fraction, ``task``, ``achieved``): blue at or above
    100%, sky blue at or above ``pace`` (序时进度, where given), reddish purple below, grey without a completion;
    the completion printed on each bar, the 100% line and the pace line drawn and labelled. Percent axis."""
    values = pd.to_numeric(rows["completion"], errors="coerce").astype("float64")

    def color(v: float) -> str:
        if pd.isna(v):
            return UNKNOWN_COLOR
        if v >= 1 - 1e-9:
            return FULL_COLOR
        return PACE_COLOR if pace is not None and v >= pace - 1e-9 else SHORT_COLOR

    colors = [color(v) for v in values]
    fig = go.Figure(
        go.Bar(
            x=rows["region_name"].tolist(),
            y=[None if pd.isna(v) else float(v) for v in values],
            marker={"color": colors},
            text=[format_completion(v, "") for v in values],
            textposition="outside",
            cliponaxis=False,
            customdata=list(zip([format_persons(v) for v in rows["task"]], [format_persons(v) for v in rows["achieved"]])),
            hovertemplate="%{x}: %{y:.1%}<br>%{customdata[1]} / %{customdata[0]}<extra></extra>",
            name=axis,
            showlegend=False,
        )
    )
    # The lines span the plot; their names go in the legend (a label on the line would sit on the bars' labels).
    lines = [(1.0, full_line, "dash", 1.5)]
    if pace is not None and pace < 1:
        lines.append((pace, pace_line, "dot", 1.2))
    for y, name, dash, width in lines:
        fig.add_hline(y=y, line={"color": TARGET_COLOR, "dash": dash, "width": width})
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=name, line={"color": TARGET_COLOR, "dash": dash, "width": width}))
    base_layout(fig, title, height=440)
    top = max(1.15, float(values.max()) * 1.12) if values.notna().any() else 1.15
    bottom = min(0.0, float(values.min()) * 1.12) if values.notna().any() else 0.0
    fig.update_yaxes(title_text=axis, range=[bottom, top])
    return fig


# --------------------------------------------------------------------------- the proposal as a file


def import_frame(proposal: pd.DataFrame) -> pd.DataFrame:
    """``data.tasks.gap_proposal`` as the tasks import file reads it: 年度, 区划代码, 区划名称, 任务类型 (the Chinese
    name), 任务人数; rows without a proposed task left out (an empty count would be refused)."""
    rows = proposal[proposal["task"].notna()]
    return pd.DataFrame(
        {
            IMPORT_HEADERS[0]: [str(int(y)) for y in rows["year"]],
            IMPORT_HEADERS[1]: rows["region_code"].astype(str).to_list(),
            IMPORT_HEADERS[2]: rows["region_name"].astype(str).to_list(),
            IMPORT_HEADERS[3]: [TASK_KIND_BY_KEY[k].zh for k in rows["task_kind"]],
            IMPORT_HEADERS[4]: [int(v) for v in rows["task"]],
        }
    )


def _as_import(frame: pd.DataFrame) -> pd.DataFrame:
    return import_frame(frame) if "task_kind" in frame.columns else frame[list(IMPORT_HEADERS)]


def proposal_csv(frame: pd.DataFrame) -> bytes:
    """The proposal (``gap_proposal``'s frame or the edited :func:`import_frame`) as a CSV the tasks import reads
    (UTF-8 with BOM, Chinese headers)."""
    return csv_bytes(_as_import(frame))


def proposal_xlsx(frame: pd.DataFrame) -> bytes:
    """As :func:`proposal_csv`, a workbook (codes and years as text)."""
    return xlsx_bytes(_as_import(frame), sheet="任务下达", number_formats={IMPORT_HEADERS[4]: PERSONS_FORMAT})


def completion_column(table: pd.DataFrame, kind: str) -> dict[str, float | None]:
    """Per region code, the completion of ``kind`` (``data.tasks.completion_of``'s frame): for the rankings'
    and the bulletin's completion column. Regions without a task map to None."""
    rows = table[table["task_kind"] == kind]
    return {code: (None if pd.isna(v) else float(v)) for code, v in zip(rows["region_code"], rows["completion"])}


METRIC_TASK_KIND = {TASK_KIND_BY_KEY[k].metric: k for k in TASK_KIND_KEYS}  # coverage_rate -> new_insured ...
