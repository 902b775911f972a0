"""总览 Overview: where does the selected region stand on each metric today?"""

from __future__ import annotations

import streamlit as st

from metrics.compute import trajectory_path
from metrics.periods import year_of
from metrics.registry import METRIC_KEYS
from metrics.summary import change_since, status_counts
from ui import loaders
from ui.charts import chart_config, file_stem, status_bar, status_color, trend_figure
from ui.formatting import format_month, format_persons, format_points, format_rate
from ui.i18n import metric_label, status_label, t
from ui.selection import current

selection = current()
targets = selection.targets
period = selection.period

st.title(t("overview.title", region=selection.region_name))

own = loaders.report(targets, period, [selection.region]).set_index("metric")
history = loaders.series(targets, [selection.region], selection.periods)

completeness = own["completeness"].iloc[0] if not own.empty else None
if completeness is not None and completeness == completeness and completeness < 1:
    st.warning(
        t("overview.incomplete", period=format_month(period), completeness=format_rate(completeness, decimals=0)),
        icon=":material/warning:",
    )


def card(metric: str) -> None:
    row = own.loc[metric]
    value, target, status = row["value"], row["target"], row["status"]
    metric_history = history[history["metric"] == metric]
    month_change = change_since(metric_history, period, 1)
    year_change = change_since(metric_history, period, 12)
    with st.container(border=True):
        color = status_color(status)
        st.markdown(
            f"<div style='display:flex;justify-content:space-between;align-items:center'>"
            f"<span style='font-size:1.05rem;font-weight:600'>{metric_label(metric)}</span>"
            f"<span style='background:{color};color:white;border-radius:0.8rem;padding:0.1rem 0.7rem;"
            f"font-size:0.85rem'>{status_label(status)}</span></div>",
            unsafe_allow_html=True,
        )
        st.metric(
            metric_label(metric),
            format_rate(value, target),
            delta=None if month_change is None else f"{format_points(month_change)} {t('overview.vs_last_month')}",
            label_visibility="collapsed",
        )
        if year_change is not None:
            st.caption(f"{t('overview.vs_last_year')} {format_points(year_change)}")
        if target == target and target is not None:
            st.caption(t("overview.target_line", target=format_rate(target), target_by=format_month(row["target_by"])))
        gap_pp = row["gap_pp"]
        if gap_pp == gap_pp and gap_pp is not None:
            if gap_pp > 0:
                st.caption(t("overview.gap_line", gap_pp=format_points(gap_pp)[1:], gap_persons=format_persons(row["gap_persons"])))
            else:
                st.caption(t("overview.ahead_line", gap_pp=format_points(-gap_pp)[1:]))
        elif value != value or value is None:
            st.caption(t("overview.no_value"))


columns = st.columns(len(METRIC_KEYS))
for column, metric in zip(columns, METRIC_KEYS):
    with column:
        card(metric)

# ---- trend against target and trajectory, one tab per metric (the sidebar's metric first)
ordered = [selection.metric] + [m for m in METRIC_KEYS if m != selection.metric]
for tab, metric in zip(st.tabs([metric_label(m) for m in ordered]), ordered):
    with tab:
        metric_history = history[(history["metric"] == metric) & (history["period"] <= period)]
        region_lineage = loaders.regions().set_index("code").at[selection.region, "lineage"]
        entry = targets.for_region(metric, region_lineage)
        months = [m for m in selection.periods if m <= period]
        if metric == "payment_rate":  # year to date: the current year tells the story
            months = [m for m in months if year_of(m) == year_of(period)]
            metric_history = metric_history[metric_history["period"].isin(months)]
        path = trajectory_path(metric, entry, targets.baseline, metric_history, months)
        milestones = [] if entry is None else [(m.by, m.value) for m in entry.milestones if months and months[0] <= m.by <= months[-1] + 12]
        figure = trend_figure(
            metric_history,
            path,
            title=t("overview.trend_title", region=selection.region_name, metric=metric_label(metric), period=format_month(period)),
            value_name=metric_label(metric),
            target_name=t("word.target"),
            trajectory_name=t("word.trajectory"),
            milestones=milestones,
            milestone_name=t("word.milestone"),
        )
        st.plotly_chart(
            figure,
            config=chart_config(file_stem(selection.region_name, metric_label(metric), format_month(period))),
            key=f"trend_{metric}",
        )

# ---- sub-regions by status for the sidebar's metric
st.subheader(t("overview.children_title", period=format_month(period)))
kids = loaders.children(selection.region)
if kids.empty:
    st.caption(t("overview.no_children"))
else:
    kid_report = loaders.report(targets, period, kids["code"].tolist())
    counts = status_counts(kid_report, selection.metric)
    labels = {s: status_label(None if s == "none" else s) for s in counts}
    figure = status_bar(
        counts,
        labels,
        title=t("overview.children_chart_title", region=selection.region_name, period=format_month(period))
        + f" · {metric_label(selection.metric)}",
    )
    st.plotly_chart(
        figure,
        config=chart_config(file_stem(selection.region_name, metric_label(selection.metric), "status", format_month(period))),
        key="children_status",
    )
