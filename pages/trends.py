"""趋势 Trends: how the regions moved over time, for the sidebar's metric."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.compute import trajectory_path
from metrics.registry import METRIC_BY_KEY
from metrics.trends import (
    MAX_SPAN,
    STATUS_CODES,
    comparison_options,
    default_comparison,
    default_range,
    drawing_months,
    history_months,
    months_between,
    order_by_value,
    range_summary,
    region_history,
    row_labels,
    status_grid,
    status_pivot,
    value_pivot,
    year_starts,
)
from ui import loaders
from present.charts import chart_config, file_stem
from present.charts_trends import comparison_figure, panels_figure, status_heatmap
from present.downloads import csv_bytes
from present.formatting import format_month, format_points, format_rate
from present.honest import carried_footnotes, is_comparable, not_comparable_notes
from ui.downloads import table_download
from ui.i18n import language, metric_label, status_label, t
from present.paging import PAGE_SIZE, page_caption, page_count, page_of
from ui.notes import region_changes_note
from ui.selection import current

selection = current()
targets = selection.targets
period = selection.period
metric = selection.metric
metric_name = metric_label(metric)
year_to_date = METRIC_BY_KEY[metric].year_to_date
ytd = t("trends.ytd_suffix") if year_to_date else ""

regions = loaders.regions()
by_code = regions.set_index("code")
names = loaders.region_tree().names  # code -> name, built once per database version (issue 15), not a 43,000-entry dict per rerun

st.title(t("trends.title", region=selection.region_name, metric=metric_name))
if year_to_date:
    st.info(t("trends.ytd_note"), icon=":material/event_repeat:")

# ---- what to compare, over which months
kids = loaders.children(selection.region)
kid_now = loaders.series(targets, kids["code"].tolist(), [period]) if not kids.empty else None
default = (
    [selection.region]
    if kid_now is None
    else default_comparison(selection.region, kid_now[kid_now["metric"] == metric][["region_code", "value"]])
)
options = comparison_options(regions, selection.region)
available = [m for m in selection.periods if m <= period]
first_default, last_default = default_range(selection.periods, period, metric)

left, right = st.columns([3, 2])
with left:
    chosen = st.multiselect(
        t("trends.compare"),
        options,
        default=[c for c in default if c in options],
        format_func=lambda code: names.get(code, code),
        help=t("trends.compare_help"),
        key=f"trends_regions_{selection.region}_{metric}_{period}",
    )
with right:
    first, last = st.select_slider(
        t("trends.range"),
        options=available,
        value=(first_default, last_default),
        format_func=format_month,
        key=f"trends_range_{metric}_{period}",
    )
months = months_between(selection.periods, first, last)
# Read up to the selected period whatever the range's end, so that moving the
# range's ends mostly hits the loaders' cache (extra months change nothing).
read_months = history_months(first, period, targets.baseline, metric)

# ---- one line per region, with the selected region's target and trajectory
if not chosen:
    st.warning(t("trends.no_regions"), icon=":material/info:")
else:
    codes = list(dict.fromkeys([selection.region, *chosen]))
    values = loaders.series(targets, codes, read_months)
    entry = targets.for_region(metric, by_code.at[selection.region, "lineage"])
    milestone_months = [] if entry is None else [m.by for m in entry.milestones]
    drawn = drawing_months(months, milestone_months, metric)
    own_history = region_history(values, selection.region, metric)
    path = trajectory_path(metric, entry, targets.baseline, own_history, drawn)
    milestones = [] if entry is None else [(m.by, m.value) for m in entry.milestones if drawn[0] <= m.by <= drawn[-1]]
    lines = []
    for code in chosen:
        history = region_history(values, code, metric)
        lines.append((names[code], history[history["period"].isin(months)]))
    others = len([c for c in chosen if c != selection.region])
    title_key = "trends.compare_title" if others else "trends.compare_title_one"
    title = t(
        title_key, region=selection.region_name, count=others + 1,
        metric=metric_name, ytd=ytd, first=format_month(first), last=format_month(last),
    )
    figure = comparison_figure(
        lines,
        path,
        title=title,
        target_name=t("trends.target_of", region=selection.region_name),
        trajectory_name=t("trends.trajectory_of", region=selection.region_name),
        milestones=milestones,
        milestone_name=t("word.milestone"),
        restarts=year_starts(months) if year_to_date else (),
        restart_label=t("trends.restart"),
        estimated_name=t("honest.estimated_legend"),
    )
    st.plotly_chart(
        figure,
        config=chart_config(file_stem(selection.region_name, metric_name, "trend", format_month(first), format_month(last))),
        key="trends_compare",
    )
    st.caption(t("trends.path_note", region=selection.region_name))
    for note in carried_footnotes(own_history, t, months):
        st.caption(f":material/radio_button_unchecked: {note}")
    region_changes_note(list(chosen))

    grid = status_grid(regions, values[values["region_code"].isin(chosen)], targets, metric, months)
    summary = range_summary(grid, chosen, first, last)
    at_last = values[(values["metric"] == metric) & (values["period"] == last)]
    carried_at = at_last.set_index("region_code")["carried"].fillna(0).to_dict() if "carried" in at_last else {}
    st.markdown(f"**{t('trends.table_header', last=format_month(last), first=format_month(first))}**")
    summary_table = pd.DataFrame(
        {
            t("word.region"): [names[c] for c in summary["region_code"]],
            metric_name: [
                format_rate(v, g) + (t("honest.estimated_suffix") if carried_at.get(c, 0) > 0 else "")
                for c, v, g in zip(summary["region_code"], summary["value"], summary["target"])
            ],
            t("word.target"): [format_rate(g) for g in summary["target"]],
            t("word.status"): [status_label(s) for s in summary["status"]],
            t("trends.change"): [format_points(c) for c in summary["change"]],
        }
    )
    st.dataframe(summary_table, hide_index=True, width="stretch", placeholder="—")
    # the table's way out: Streamlit's own download is off, it would not defuse formulas
    stem = file_stem(selection.region_name, metric_name, format_month(first), format_month(last))
    table_download(t("table.download_csv"), csv_bytes(summary_table), stem, "csv", key="trends_summary_csv")

# ---- counties and townships: one read for all of them
county_codes = kids[kids["level"] == "county"]["code"].tolist() if selection.region_level == "city" else []
township_codes = list(loaders.descendants(selection.region, "township"))  # metrics.trends.descendants_at_level, cached
heat_months = months[-MAX_SPAN:]
all_townships = len(township_codes)
if all_townships > PAGE_SIZE:  # a national heat map: one page of townships at a time (issue 15 point 5)
    last_values = loaders.series(targets, township_codes, [heat_months[-1]])
    ranked = order_by_value(last_values[last_values["metric"] == metric], heat_months[-1])
    heat_page = min(max(1, int(st.session_state.get("trends_heat_page", 1))), page_count(all_townships))
    township_codes = list(page_of(pd.Series(ranked), heat_page))
wide = loaders.series(targets, county_codes + township_codes, read_months) if county_codes or township_codes else None
wide_grid = None if wide is None else status_grid(regions, wide, targets, metric, months)

if county_codes and wide_grid is not None:
    st.subheader(t("trends.panels_header"))
    panels = []
    for code in county_codes:
        rows = wide_grid[wide_grid["region_code"] == code]
        at_last = rows[rows["period"] == last]["status"]
        carried = region_history(wide, code, metric)[["period", "carried"]] if "carried" in wide else None
        line = rows[["period", "value"]] if carried is None else rows[["period", "value"]].merge(carried, on="period", how="left")
        panels.append((names[code], line, rows[["period", "target"]], at_last.iloc[0] if len(at_last) else None))
    figure = panels_figure(
        panels,
        title=t("trends.panels_title", region=selection.region_name, metric=metric_name, ytd=ytd, first=format_month(first), last=format_month(last)),
        value_name=metric_name,
        target_name=t("word.target"),
    )
    st.plotly_chart(
        figure,
        config=chart_config(file_stem(selection.region_name, metric_name, "counties", format_month(first), format_month(last))),
        key="trends_panels",
    )
    st.caption(t("trends.panels_note", last=format_month(last)))

st.subheader(t("trends.heatmap_header"))
if all_townships > PAGE_SIZE:
    pager = st.columns([1, 3], vertical_alignment="bottom")
    with pager[0]:
        st.number_input(t("scale.page"), min_value=1, max_value=page_count(all_townships), value=1, step=1, key="trends_heat_page")
    with pager[1]:
        st.caption(page_caption(all_townships, heat_page, language()))
if not township_codes or wide_grid is None:
    st.caption(t("trends.no_townships"))
else:
    town_grid = wide_grid[wide_grid["region_code"].isin(township_codes) & wide_grid["period"].isin(heat_months)]
    order = order_by_value(town_grid, heat_months[-1])
    statuses = {key: status_label(None if key == "none" else key) for key in STATUS_CODES}
    statuses["not_comparable"] = t("status.not_comparable")
    # a township that is not comparable at the map's last month is drawn grey (spec §3), with the note
    town_report = loaders.report(targets, heat_months[-1], order)
    for note in not_comparable_notes(town_report, metric, t):
        st.info(note, icon=":material/info:")
    comparable = {
        str(row["region_code"]): is_comparable(row) for _, row in town_report[town_report["metric"] == metric].iterrows()
    }
    heat_first, heat_last = format_month(heat_months[0]), format_month(heat_months[-1])
    if len(months) > len(heat_months):
        st.caption(t("trends.heatmap_limited", months=MAX_SPAN, first=heat_first, last=heat_last))
    figure = status_heatmap(
        status_pivot(town_grid, order, heat_months),
        value_pivot(town_grid, "value", order, heat_months),
        value_pivot(town_grid, "target", order, heat_months),
        row_labels(regions, order),
        statuses,
        title=t("trends.heatmap_title", region=selection.region_name, metric=metric_name, ytd=ytd, first=heat_first, last=heat_last),
        value_word=metric_name,
        target_word=t("word.target"),
        status_word=t("word.status"),
        greyed=[not comparable.get(code, True) for code in order],
    )
    st.caption(t("trends.heatmap_note", count=len(order), last=heat_last))
    st.plotly_chart(
        figure,
        config=chart_config(file_stem(selection.region_name, metric_name, "status", heat_first, heat_last)),
        key="trends_heatmap",
    )
