"""预警 Warnings: which regions need a call this month, and why?

For the selected region and month, every warning that fires in its subtree (or at one level of it),
most severe first, each with its reason in words and the persons needed; filters by trigger, county and
severity; the monthly warning sheet (XLSX) in one click.
"""

from __future__ import annotations

import streamlit as st

from exports.warnings_sheet import SEVERITY_COLORS, file_name, workbook_bytes
from metrics.registry import LEVELS
from metrics.targets_warnings import SEVERITIES
from present.downloads import csv_bytes, readable_text_color
from present.formatting import format_month
from present.paging import DEFERRED_DOWNLOAD_ROWS
from present.warnings import WARNINGS_PAGE_SIZE, display_frame, filter_facts, filter_options, severity_label, trigger_label, warnings_view
from ui import loaders
from ui.i18n import language, level_label, t
from ui.lang_widgets import choice, choices
from ui.loaders_warnings import warnings as load_warnings
from ui.pager import current_page, pager
from ui.selection import current

ALL_LEVELS = "__all__"

selection = current()
targets, period = selection.targets, selection.period
lang = language()
st.title(t("warn.title", region=selection.region_name))

present_levels = {level for level in LEVELS if loaders.descendants(selection.region, level)}
levels = [level for level in LEVELS if level in present_levels]
level = choice(
    st.selectbox,
    t("warn.scope"),
    [ALL_LEVELS, *levels],
    name="warn_level",
    format_func=lambda lv: t("sidebar.all") if lv == ALL_LEVELS else level_label(lv),
)
facts = load_warnings(targets, period, selection.region, None if level == ALL_LEVELS else level)
st.caption(
    t(
        "warn.caption",
        period=format_month(period),
        region=selection.region_name,
        unit=t("warn.unit_all") if level == ALL_LEVELS else level_label(level),
    )
)
if facts.empty:
    st.success(t("warn.none", period=format_month(period)), icon=":material/check_circle:")
    st.stop()

trigger_options, county_options = filter_options(facts)  # the options only: no row worded twice (issue 15)
columns = st.columns(3)
county_names = dict(county_options)
with columns[0]:
    chosen_triggers = choices(
        t("warn.filter_trigger"), list(trigger_options), name="warn_triggers", default=[], placeholder=t("warn.placeholder"), format_func=lambda x: trigger_label(x, lang)
    )
with columns[1]:
    chosen_counties = choices(
        t("warn.filter_county"), list(county_names), name="warn_counties", default=[], placeholder=t("warn.placeholder"), format_func=lambda c: county_names.get(c, c)
    )
with columns[2]:
    chosen_severities = choices(
        t("warn.filter_severity"), list(SEVERITIES), name="warn_severities", default=[], placeholder=t("warn.placeholder"), format_func=lambda s: severity_label(s, lang)
    )
# A national list (30,000 warnings) is worded and drawn a page at a time (issue 15 point 5).
chosen = filter_facts(facts, triggers=chosen_triggers, counties=chosen_counties, severities=chosen_severities)
page = current_page("warn_page", len(chosen), WARNINGS_PAGE_SIZE)
view = warnings_view(
    facts, lang, triggers=chosen_triggers, counties=chosen_counties, severities=chosen_severities, rules=targets.warnings, page=page
)

cards = st.columns(4)
cards[0].metric(t("warn.count_card"), t("warn.count_value", count=view.rows), border=True)
for card, severity in zip(cards[1:], SEVERITIES):
    card.metric(severity_label(severity, lang), t("warn.count_value", count=view.counts[severity]), border=True)

if view.display.empty:
    st.info(t("warn.none_filtered"), icon=":material/filter_alt_off:")
else:
    headers = view.headers
    colors = {severity_label(s, lang): SEVERITY_COLORS[s] for s in SEVERITIES}

    def paint(value: object) -> str:
        color = colors.get(str(value))
        return f"background-color: {color}; color: {readable_text_color(color)}" if color else ""

    pager("warn_page", view.rows, page, t("scale.page"), lang, WARNINGS_PAGE_SIZE, "pages.warnings_caption")
    event = st.dataframe(
        view.display.style.map(paint, subset=[headers["severity"]]),
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(view.display), 640),
        column_config={
            headers["reason"]: st.column_config.TextColumn(width="large"),
            headers["severity"]: st.column_config.TextColumn(width="small"),
        },
        key="warn_table",
        on_select="rerun",
        selection_mode="single-row",
    )
    picked = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    if picked:
        st.info(view.detail(picked[0]), icon=":material/info:")
    else:
        st.caption(t("warn.pick_row"))

workbook = lambda: workbook_bytes(chosen, region_name=selection.region_name, period=period, language=lang, rules=targets.warnings)  # noqa: E731
every_row = lambda: view.display if len(view.display) == view.rows else display_frame(chosen, lang, targets.warnings)[0]  # noqa: E731
table = lambda: csv_bytes(every_row())  # noqa: E731 - every filtered row, not the page's
deferred = view.rows > DEFERRED_DOWNLOAD_ROWS  # built when clicked (issue 15)
downloads = st.columns(2)
downloads[0].download_button(
    t("warn.download"),
    workbook if deferred else workbook(),
    file_name=file_name(selection.region_name, period, lang),
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    type="primary",
    key="warn_xlsx",
)
downloads[1].download_button(
    t("warn.download_csv"),
    table if deferred else table(),
    file_name=file_name(selection.region_name, period, lang).removesuffix(".xlsx") + ".csv",
    mime="text/csv",
    icon=":material/download:",
    key="warn_csv",
)
