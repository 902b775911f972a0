"""差距 Gaps: where are the persons still needed, and who must speed up?

For the sidebar's metric at the selected period, the regions under the
selected one with a gap to their next target: largest first with the
cumulative share (a Pareto chart: which few hold most of the gap), and the
monthly pace each needs until the deadline against the pace it has kept.
"""

from __future__ import annotations

import streamlit as st

from metrics.gaps import concentration, gap_counts, gap_table, pace_flags, pace_months
from metrics.registry import METRIC_BY_KEY, counts_year_to_date
from ui import loaders
from present.charts import chart_config, file_stem
from present.charts_gaps import PACED_COLOR, SHORT_COLOR, UNKNOWN_COLOR, pareto_figure
from present.downloads import csv_bytes
from present.formatting import format_month, format_persons, format_rate
from ui.downloads import table_download
from ui.i18n import language, metric_label, t
from present.gaps import flag_names as gaps_flag_names, gaps_view
from present.honest import not_comparable_notes
from ui.notes import region_changes_note, schemes_reported_above_note
from ui.scope import scope_picker, siblings_note, unit
from ui.pager import current_page, pager
from ui.selection import current
from present.paging import DEFERRED_DOWNLOAD_ROWS, page_of
from present.tables_league import gaps_styler

GAPS_NARROW = ("share", "cumulative_share", "months_left", "value", "target", "target_by", "gap_persons", "needed_pace", "kept_pace")

selection = current()
targets, period, metric = selection.targets, selection.period, selection.metric
regions = loaders.regions()
names = regions.set_index("code")["name"]


# ---- which regions: the children (or all of a deeper level), else the siblings
title = st.empty()
with st.columns(3)[0]:
    scope = scope_picker(selection, name="gaps_level", label_key="gaps.scope")
codes, siblings, league_level, scope_name = scope.codes, scope.siblings, scope.level, scope.name
title.title(t("gaps.title", region=scope_name))
siblings_note(selection, scope)

report = loaders.report(targets, period, codes)
if "comparable" in report:
    for note in not_comparable_notes(report, metric, t):
        st.info(note, icon=":material/info:")
else:  # an engine without the comparable column: the older, metric-blind note
    schemes_reported_above_note(list(codes), period, metric)
region_changes_note(list(codes))
history = loaders.series(targets, codes, pace_months(metric, period))
table = gap_table(report, history, metric, period)
counts = gap_counts(report, metric)
rows = report[report["metric"] == metric]

due = rows["target_by"].dropna().unique()
goals = rows["target"].dropna().unique()
late = table[table["overdue_months"].notna()]
if not late.empty:
    since = rows["overdue_since"].dropna() if "overdue_since" in rows else []
    st.error(
        t(
            "gaps.overdue_caption",
            count=len(late),
            unit=unit(league_level),
            target=format_rate(float(late["target"].iloc[0])),
            since=format_month(int(min(since))) if len(since) else "—",
        ),
        icon=":material/alarm:",
    )
if len(due) == 1 and len(goals) == 1 and late.empty:
    months = table["months_left"].iloc[0] if not table.empty else max(1, int(due[0]) - period)
    st.caption(
        t(
            "gaps.caption",
            metric=metric_label(metric),
            period=format_month(period),
            target=format_rate(float(goals[0])),
            target_by=format_month(int(due[0])),
            months=int(months),
        )
    )
else:
    st.caption(t("gaps.caption_plain", metric=metric_label(metric), period=format_month(period)))

# ---- empty states
if counts["with_gap"] == 0:
    if counts["without_gap"] == 0 and counts["no_target"]:
        st.info(t("gaps.no_target", period=format_month(period), metric=metric_label(metric)), icon=":material/info:")
    elif counts["without_gap"] == 0:
        st.info(t("gaps.no_data", period=format_month(period), unit=unit(league_level), metric=metric_label(metric)), icon=":material/info:")
    else:
        st.success(
            t(
                "gaps.all_achieved",
                period=format_month(period),
                count=counts["without_gap"],
                unit=unit(league_level),
                metric=metric_label(metric),
            ),
            icon=":material/check_circle:",
        )
    st.stop()

# ---- the headline numbers and the sentence for the briefing
total = len(rows)
short = int((pace_flags(table) == "short").sum())
cards = st.columns(4 if not late.empty else 3)
cards[0].metric(t("gaps.total"), format_persons(int(table["gap_persons"].sum())), border=True)
cards[1].metric(
    t("gaps.regions_with_gap", unit=unit(league_level)), t("gaps.of_total", count=counts["with_gap"], total=total), border=True
)
cards[2].metric(
    t("gaps.short_count", unit=unit(league_level)), t("gaps.of_total", count=short, total=counts["with_gap"]), border=True
)
if not late.empty:
    cards[3].metric(
        t("gaps.overdue_count", unit=unit(league_level)), t("gaps.of_total", count=len(late), total=counts["with_gap"]), border=True
    )
summary = concentration(table)
st.markdown(
    t(
        "gaps.concentration" if summary.top < summary.regions_with_gap else "gaps.concentration_few",
        top=summary.top,
        unit=unit(league_level),
        share=format_rate(summary.top_share, decimals=0),
        mark=format_rate(summary.share, decimals=0),
        count=summary.regions_for_share,
        total=summary.regions_with_gap,
    )
)

# ---- the Pareto chart
flag_names = gaps_flag_names(language())
figure = pareto_figure(
    table,
    title=t("gaps.chart_title", region=scope_name, unit=unit(league_level), metric=metric_label(metric), period=format_month(period)),
    bar_name=t("gaps.bar_name"),
    line_name=t("gaps.line_name"),
    flag_names=flag_names,
    rest_note=lambda **numbers: t("gaps.rest_note", unit=unit(league_level), **numbers),
    overdue_name=t("gaps.flag_overdue"),
)
stem = file_stem(scope_name, t("gaps.file_kind", unit=unit(league_level)), metric_label(metric), format_month(period))
st.plotly_chart(figure, config=chart_config(stem), key="gaps_chart")

# ---- the table: gap, shares and paces, region by region
st.subheader(t("gaps.table_title"))
# A national table (19,000 townships with a gap) is worded and drawn a page at a time (issue 15 point 5).
page = current_page("gaps_page", len(table))
page_rows = page_of(table, page)
view = gaps_view(page_rows, rows, metric, language())
display, headers = view.display, view.headers
pager("gaps_page", len(table), page, t("scale.page"), language())
st.dataframe(
    gaps_styler(
        display,
        value=headers["value"],
        targets=page_rows["target"],
        target=headers["target"],
        gap_persons=headers["gap_persons"],
        shares=(headers["share"], headers["cumulative_share"]),
        paces=(headers["needed_pace"], headers["kept_pace"]),
        flag=headers["short_of_pace"],
        flag_colors={**dict(zip(flag_names, (SHORT_COLOR, PACED_COLOR, UNKNOWN_COLOR))), view.overdue_flag: SHORT_COLOR},
    ),
    hide_index=True,
    width="stretch",
    height=min(38 + 35 * len(display), 640),
    # narrow numeric columns: all thirteen fit the page's width at 1440 px instead of scrolling (issue 11 point 4)
    column_config={
        headers["region_name"]: st.column_config.Column(width=100),
        headers["note"]: st.column_config.Column(width=120),
        **{headers[key]: st.column_config.Column(width="small") for key in GAPS_NARROW},
    },
    column_order=[name for key, name in headers.items() if key != "region_code"],  # the code is in the CSV
    placeholder="—",
    key="gaps_table",
)
numerator = METRIC_BY_KEY[metric].numerator_zh if language() == "zh" else METRIC_BY_KEY[metric].numerator_en
st.caption(
    t("gaps.pace_note", window=t("gaps.window_year" if counts_year_to_date(metric) else "gaps.window_12"), numerator=numerator)
)
if counts["without_gap"] or counts["no_data"] or counts["no_target"]:
    st.caption(t("gaps.rest", achieved=counts["without_gap"], missing=counts["no_data"] + counts["no_target"], unit=unit(league_level)))

every_row = (lambda: display) if len(page_rows) == len(table) else (lambda: gaps_view(table, rows, metric, language()).display)
csv = (lambda: csv_bytes(every_row())) if len(table) > DEFERRED_DOWNLOAD_ROWS else csv_bytes(every_row())  # built on click (issue 15)
table_download(t("gaps.download_csv"), csv, stem, "csv", key="gaps_csv")
