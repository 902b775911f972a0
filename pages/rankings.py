"""排名 Rankings: how do the regions under the selected one rank, and who moved?

The league of the selected region's children (or, for a region without
children, its siblings) for the sidebar's metric, with the selected region
pinned first as the reference line; praise for the best and names for the
laggards, as the quarterly bulletin puts them; downloads for the bulletin.
"""

from __future__ import annotations

import streamlit as st

from metrics.league import (
    COMPARISONS,
    bulletin,
    comparison_month,
    filter_league,
    league_members,
    league_table,
    sort_league,
)
from metrics.registry import STATUSES
from ui import loaders
from ui.bulletin_button import bulletin_button
from ui.downloads import table_download
from present.charts import chart_config, file_stem
from present.charts_rankings import league_bar_figure
from present.downloads import PERSONS_FORMAT, POINTS_FORMAT, RANK_CHANGE_FORMAT, csv_bytes, percent_format, xlsx_bytes
from present.formatting import format_month, rate_decimals
from ui.i18n import language, metric_label, status_label, t
from present.honest import not_comparable_notes
from ui.notes import region_changes_note, schemes_reported_above_note
from ui.lang_widgets import choice, choices
from ui.scope import scope_picker, siblings_note, unit
from ui.pager import current_page, pager
from ui.selection import current
from present.rankings import bulletin_lines, league_view, rule_hints, visible_rows, with_completion
from metrics.periods import year_of
from ui import loaders_tasks
from present.tables_league import league_styler
from present.paging import DEFERRED_DOWNLOAD_ROWS, PAGE_SIZE, page_of

SORTS: dict[str, tuple[str, bool]] = {
    "rank": ("rank", True),
    "rank_desc": ("rank", False),
    "rank_up": ("rank_change", False),
    "rank_down": ("rank_change", True),
    "gap_persons": ("gap_persons", False),
    "name": ("region_name", True),
}
STATUS_KEYS = (*STATUSES, "none")

selection = current()
targets, period, metric = selection.targets, selection.period, selection.metric
regions = loaders.regions()
names = regions.set_index("code")["name"]


# ---- which regions are ranked together, against which month, in which order
title = st.empty()
controls = st.columns([1, 1.4, 1])
with controls[0]:
    scope = scope_picker(selection, name="rankings_level", label_key="rankings.scope")
with controls[1]:
    comparison = choice(
        st.radio,
        t("rankings.compare"),
        COMPARISONS,
        name="rankings_compare",
        format_func=lambda c: t(f"rankings.compare.{c}"),
        horizontal=True,
    )
with controls[2]:
    sort_choice = choice(st.selectbox, t("rankings.sort"), list(SORTS), name="rankings_sort", format_func=lambda s: t(f"rankings.sort.{s}"))

codes, siblings, league_level, scope_name = scope.codes, scope.siblings, scope.level, scope.name
title.title(t("rankings.title", region=scope_name))

compare_to = comparison_month(period, comparison)
league_report = loaders.report(targets, period, codes, compare_to=compare_to)
own_report = league_report if siblings else loaders.report(targets, period, [selection.region])
table = league_table(league_report, own_report, metric, selection.region)
members = league_members(table)

st.caption(
    t("rankings.count", metric=metric_label(metric), period=format_month(period), count=int(members["rank"].notna().sum()), unit=unit(league_level))
    + " · "
    + t("rankings.compare_note", period=format_month(period), compare=format_month(compare_to))
)
if "comparable" in league_report:
    for note in not_comparable_notes(league_report, metric, t):
        st.info(note, icon=":material/info:")
else:  # an engine without the comparable column: the older, metric-blind note
    schemes_reported_above_note(list(codes), period, metric)
region_changes_note(list(codes))
siblings_note(selection, scope)

if members["value"].isna().all():
    st.info(t("rankings.empty", period=format_month(period)), icon=":material/info:")
    st.stop()

# ---- praise and name, as the bulletin does
praised, named = bulletin(table, targets.bulletin)
praise_hint, name_hint = rule_hints(targets.bulletin, language())
boxes = st.columns(2)
with boxes[0], st.container(border=True):
    st.markdown(f"**:material/thumb_up: {t('rankings.praise_title')}** · {praise_hint}")
    if praised.empty:
        st.caption(t("rankings.praise_none"))
    for line in bulletin_lines(praised, targets.bulletin, language()):
        st.markdown(line)
with boxes[1], st.container(border=True):
    st.markdown(f"**:material/campaign: {t('rankings.name_title')}** · {name_hint}")
    if named.empty:
        st.caption(t("rankings.name_none"))
    for line in bulletin_lines(named, targets.bulletin, language()):
        st.markdown(line)

# ---- the table: filters, then the reference row and the league
st.subheader(t("rankings.table_title"))
filters = st.columns([2, 1])
with filters[0]:
    statuses = choices(t("rankings.filter_status"), STATUS_KEYS, name="rankings_status", format_func=status_label)
with filters[1]:
    query = st.text_input(t("rankings.search"), placeholder=t("rankings.search_placeholder"), key="rankings_search")

by, ascending = SORTS[sort_choice]
shown = filter_league(sort_league(table, by, ascending), statuses, query)
pinned_rows = int(shown["pinned"].sum())
ranked_rows = len(shown) - pinned_rows
paged = ranked_rows > PAGE_SIZE  # a national league: one page of rows at a time (issue 15 point 5)
page = current_page("rankings_page", ranked_rows)
completion = loaders_tasks.completion(targets, year_of(period), shown["region_code"], period)  # issue 13


def league_of(rows):
    """The league view (and completion column) of ``rows``, in the page's language."""
    return with_completion(league_view(rows, metric, language(), siblings), rows, completion, metric, language())


visible = visible_rows(shown, page) if paged else shown
view = league_of(visible)  # only the rows drawn: 500, not 40,000 (issue 15)
display, headers, status_names, status_fills = view.display, view.headers, view.status_names, view.status_fills

if len(shown) == 1:
    st.caption(t("rankings.no_match"))
# The reference row is shown apart, above the table: st.dataframe's own header sort
# cannot keep a pinned row first, so it never sits in the sortable table (issue 8).
style = dict(
    rank=headers["rank"],
    rank_change=headers["rank_change"],
    value=headers["value"],
    target=headers["target"],
    gap_pp=headers["gap_pp"],
    gap_persons=headers["gap_persons"],
    status=headers["status"],
    status_colors=status_fills,
)
if pinned_rows:
    st.caption(t("rankings.reference_apart", region=selection.region_name))
    st.dataframe(
        league_styler(display.head(pinned_rows), targets=visible["target"].head(pinned_rows), **style),
        hide_index=True,
        width="stretch",
        column_config={headers["region_name"]: st.column_config.TextColumn(width="medium")},
        placeholder="—",
        key="rankings_reference",
    )
display = display.iloc[pinned_rows:].reset_index(drop=True)
league_targets = visible["target"].iloc[pinned_rows:].reset_index(drop=True)
pager("rankings_page", ranked_rows, page, t("scale.page"), language())
st.dataframe(
    league_styler(
        display,
        pinned_rows=0,
        targets=league_targets,
        rank=headers["rank"],
        rank_change=headers["rank_change"],
        value=headers["value"],
        target=headers["target"],
        gap_pp=headers["gap_pp"],
        gap_persons=headers["gap_persons"],
        status=headers["status"],
        status_colors=status_fills,
    ),
    hide_index=True,
    width="stretch",
    height=min(38 + 35 * len(display), 640),
    column_config={headers["region_name"]: st.column_config.TextColumn(width="medium")},
    placeholder="—",
    key="rankings_table",
)

# ---- downloads: the filtered table, reference row first (every row, not the page's)
stem = file_stem(scope_name, t("rankings.file_kind", unit=unit(league_level)), metric_label(metric), format_month(period))
exported = (lambda: view.exported) if visible is shown else (lambda: league_of(shown).exported)
workbook = lambda: xlsx_bytes(  # noqa: E731 - built when clicked for a national league (issue 15)
    exported(),
    sheet=t("rankings.sheet"),
    title=t(
        "rankings.file_title",
        region=scope_name,
        unit=unit(league_level),
        metric=metric_label(metric),
        period=format_month(period),
        compare=format_month(compare_to),
    ),
    number_formats={
        headers["rank_change"]: RANK_CHANGE_FORMAT,
        headers["value"]: [percent_format(rate_decimals(v, g)) for v, g in zip(shown["value"], shown["target"])],
        headers["target"]: percent_format(1),
        headers["gap_points"]: POINTS_FORMAT,
        headers["gap_persons"]: PERSONS_FORMAT,
    },
    fills={headers["status"]: status_fills},
    highlight_rows=[0],
)
deferred = len(shown) > DEFERRED_DOWNLOAD_ROWS
downloads = st.columns([1, 1, 2, 2], vertical_alignment="center")  # the bulletin label is long: room for it whole
with downloads[0]:
    table_download(  # a league over DEFERRED_DOWNLOAD_ROWS rows is built on click (issue 15)
        t("rankings.download_xlsx"), workbook if deferred else workbook(), stem, "xlsx", key="rankings_xlsx"
    )
with downloads[1]:
    table_download(
        t("rankings.download_csv"),
        (lambda: csv_bytes(exported())) if deferred else csv_bytes(exported()),
        stem,
        "csv",
        key="rankings_csv",
    )
with downloads[2]:
    bulletin_button(selection, key="rankings_bulletin")
with downloads[3]:
    st.caption(t("rankings.download_hint"))

# ---- the chart for the briefing
own_value = table["value"].iloc[0]
figure = league_bar_figure(
    page_of(members, page) if len(members) > PAGE_SIZE else members,  # in rank order: the page's ranks
    title=t(
        "rankings.chart_title",
        region=scope_name,
        unit=unit(league_level),
        metric=metric_label(metric),
        period=format_month(period),
    ),
    status_labels=status_names,
    target_name=t("word.target"),
    highlight=selection.region if siblings else None,
    reference=None if siblings else (selection.region_name, own_value),
    axis_note=t("rankings.axis_note"),
)
st.plotly_chart(
    figure,
    config=chart_config(stem),
    key="rankings_chart",
)
