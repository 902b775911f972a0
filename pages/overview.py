"""总览 Overview: where does the selected region stand on each metric today?"""

from __future__ import annotations

import streamlit as st

from metrics.briefing import TREND_MONTHS
from metrics.compute import trajectory_path
from metrics.trends import whole_path_months
from metrics.periods import year_of
from metrics.registry import METRIC_KEYS, counts_year_to_date
from metrics.summary import status_counts
from ui import loaders
from present.charts import chart_config, file_stem, status_bar, trend_figure
from present.formatting import format_month, format_rate
from present.honest import not_comparable_notes
from present.overview import card as overview_card
from present.projection import last_milestone
from ui.i18n import language, metric_label, status_label, t
from ui.notes import region_changes_note
from ui.selection import current
from present.warnings import overview_count_line
from ui.loaders_warnings import warnings as load_warnings

selection = current()
targets = selection.targets
period = selection.period

st.title(t("overview.title", region=selection.region_name))

own = loaders.report(targets, period, [selection.region]).set_index("metric")
history = loaders.series(targets, [selection.region], selection.periods)

region_changes_note([selection.region, *loaders.children(selection.region)["code"].tolist()])
completeness = own["completeness"].iloc[0] if not own.empty else None
if completeness is not None and completeness == completeness and completeness < 1:
    st.warning(
        t(
            "overview.incomplete_carried" if not own.empty and own["carried"].fillna(0).astype("float64").max() > 0 else "overview.incomplete",
            period=format_month(period),
            completeness=format_rate(completeness, decimals=0),
        ),
        icon=":material/warning:",
    )


def card(metric: str) -> None:
    last_by = last_milestone(targets, metric, loaders.regions().set_index("code").at[selection.region, "lineage"])
    view = overview_card(own.loc[metric], history[history["metric"] == metric], metric, period, language(), last_by)
    with st.container(border=True):
        st.markdown(
            f"<div style='display:flex;justify-content:space-between;align-items:center'>"
            f"<span style='font-size:1.05rem;font-weight:600'>{view.title}</span>"
            f"<span style='background:{view.color};color:white;border-radius:0.8rem;padding:0.1rem 0.7rem;"
            f"font-size:0.85rem'>{view.status}</span></div>",
            unsafe_allow_html=True,
        )
        st.metric(
            view.title,
            view.value,
            delta=view.delta,
            delta_color="off" if view.delta_flat else "normal",
            delta_arrow="off" if view.delta_flat else "auto",
            label_visibility="collapsed",
            help=view.implausible,
        )
        if view.implausible:  # the ⚠ beside a rate above 100% is explained where it appears
            st.caption(f":orange[{view.implausible}]")
        if view.year:
            st.caption(view.year)
        if view.target_line:
            st.caption(view.target_line)
        if view.note:
            st.caption(f":grey[{view.note}]")
        if view.overdue:
            st.markdown(f":material/alarm: **{view.overdue}**")
        elif view.gap_line:
            st.caption(view.gap_line)
        if view.eta_line:
            st.caption(view.eta_line)


columns = st.columns(len(METRIC_KEYS))
for column, metric in zip(columns, METRIC_KEYS):
    with column:
        card(metric)

# ---- how many warnings the selection holds (issue 13 point 1), a link to the page that lists them

warning_line = overview_count_line(load_warnings(targets, period, selection.region), selection.region_name, language())
if warning_line:
    st.page_link("pages/warnings.py", label=warning_line, icon=":material/notification_important:")

from data.checks import today as _today  # noqa: E402 - the task ledger's overdue tasks (issue 14), one small line
from present.ledger import overview_caption  # noqa: E402
from present.texts import Texts  # noqa: E402
from ui.loaders_assess import region_names as _region_names, tasks as _ledger_tasks  # noqa: E402

_within = set(loaders.descendants(selection.region))
_ledger_line = overview_caption(_ledger_tasks(), _today(), _region_names(), _within, Texts(language()))
if _ledger_line:
    st.caption(f":material/checklist: {_ledger_line}")

# ---- one tab per metric, always in the registry's order (the sidebar's metric opens first
# by being selected, never by reordering): the trend against the whole trajectory to the last
# milestone, then the sub-regions by status for the same metric.
kids = loaders.children(selection.region)
kid_report = loaders.report(targets, period, kids["code"].tolist()) if not kids.empty else None
region_lineage = loaders.regions().set_index("code").at[selection.region, "lineage"]
tabs = st.tabs([metric_label(m) for m in METRIC_KEYS], default=metric_label(selection.metric))
for tab, metric in zip(tabs, METRIC_KEYS):
    with tab:
        metric_history = history[(history["metric"] == metric) & (history["period"] <= period)]
        entry = targets.for_region(metric, region_lineage)
        months = [m for m in selection.periods if m <= period]
        if counts_year_to_date(metric):  # year to date: the current year tells the story
            months = [m for m in months if year_of(m) == year_of(period)]
            metric_history = metric_history[metric_history["period"].isin(months)]
        else:  # from the trajectory's start (at most four years back), so a month's marker stays readable
            months = [m for m in months if m >= min(targets.baseline, period - TREND_MONTHS + 1)] or months
            metric_history = metric_history[metric_history["period"] >= months[0]]
        drawn = whole_path_months(months, [] if entry is None else [m.by for m in entry.milestones], metric)
        path = trajectory_path(metric, entry, targets.baseline, metric_history, drawn)
        milestones = [] if entry is None else [(m.by, m.value) for m in entry.milestones if drawn and drawn[0] <= m.by <= drawn[-1]]
        figure = trend_figure(
            metric_history,
            path,
            title=t("overview.trend_title", region=selection.region_name, metric=metric_label(metric), period=format_month(period)),
            value_name=metric_label(metric),
            target_name=t("word.target"),
            trajectory_name=t("word.trajectory"),
            milestones=milestones,
            milestone_name=t("word.milestone"),
            estimated_name=t("honest.estimated_legend"),
        )
        st.plotly_chart(
            figure,
            config=chart_config(file_stem(selection.region_name, metric_label(metric), format_month(period))),
            key=f"trend_{metric}",
        )

        st.subheader(t("overview.children_title", period=format_month(period)))
        if kid_report is None:
            st.caption(t("overview.no_children"))
            continue
        for note in not_comparable_notes(kid_report, metric, t):
            st.info(note, icon=":material/info:")
        counts = status_counts(kid_report, metric)
        labels = {s: t("status.not_comparable") if s == "not_comparable" else status_label(None if s == "none" else s) for s in counts}
        figure = status_bar(
            counts,
            labels,
            title=t("overview.children_chart_title", region=selection.region_name, period=format_month(period))
            + f" · {metric_label(metric)}",
        )
        st.plotly_chart(
            figure,
            config=chart_config(file_stem(selection.region_name, metric_label(metric), "status", format_month(period))),
            key=f"children_status_{metric}",
        )
