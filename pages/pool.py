"""扩面对象 Expansion pool: who is still in the real-name library, and can it close the coverage gap?"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.pool import (
    action_totals,
    conversion_over_time,
    coverage_gaps,
    group_measures,
    insufficient,
    region_totals,
    shortfall,
)
from metrics.registry import POOL_ACTIONS, POOL_GROUPS
from ui import loaders, loaders_pool
from present.charts import chart_config, file_stem
from present.downloads import csv_bytes
from present.charts_pool import action_bars, conversion_lines, format_sufficiency, group_funnel, pool_against_gap
from present.formatting import format_month, format_persons, format_rate
from ui.downloads import table_download
from ui.i18n import language, t
from ui.selection import current

selection = current()
targets = selection.targets
period = selection.period
region, region_name = selection.region, selection.region_name
month = format_month(period)
lang = language()
group_names = {group.id: group.label(lang) for group in POOL_GROUPS}
action_names = {action.id: action.label(lang) for action in POOL_ACTIONS}


def show_chart(figure, file_kind: str, *, key: str) -> None:
    """Every pool chart the same way: its download named region, what it shows (catalog key) and month."""
    st.plotly_chart(figure, config=chart_config(file_stem(region_name, t(file_kind), month)), key=key)


st.title(t("pool.title", region=region_name))
st.caption(t("pool.intro"))

months = loaders_pool.pool_periods()
if not months:
    st.info(t("pool.empty"), icon=":material/inventory_2:")
    st.stop()
shown = [m for m in months if m <= period]
own_history = loaders_pool.pool_sums([region], shown) if shown else None
own = None if own_history is None else own_history[own_history["period"] == period]
if own is None or own.empty:
    st.info(
        t("pool.empty_here", region=region_name, period=month, first=format_month(months[0]), last=format_month(months[-1])),
        icon=":material/inventory_2:",
    )
    st.stop()

own_gap = coverage_gaps(loaders.report(targets, period, [region]))
total = region_totals(own, own_gap, codes=[region], periods=[period]).iloc[0]
groups = group_measures(own)

# ---- where the library stands
cards = st.columns(5)
cards[0].metric(t("pool.kpi.identified"), format_persons(total["identified"]))
cards[1].metric(t("pool.kpi.enrolled"), format_persons(total["enrolled"]))
cards[1].caption(
    t(
        "pool.kpi.enrolled_split",
        employee=format_persons(total["enrolled_employee"]),
        resident=format_persons(total["enrolled_resident"]),
    )
)
cards[2].metric(t("pool.kpi.conversion_rate"), format_rate(total["conversion_rate"]))
cards[2].caption(t("pool.kpi.employee_share", share=format_rate(total["employee_conversion_share"])))
cards[3].metric(t("pool.kpi.remaining"), format_persons(total["remaining"]))
cards[4].metric(t("pool.kpi.sufficiency"), format_sufficiency(total["pool_sufficiency"]))
no_gap = total["gap_persons"] is not pd.NA and total["gap_persons"] == 0
cards[4].caption(t("pool.kpi.no_gap") if no_gap else t("pool.kpi.gap", gap=format_persons(total["gap_persons"])))
if total["pool_sufficiency"] == total["pool_sufficiency"] and total["pool_sufficiency"] < 1:
    st.warning(
        t(
            "pool.own_short",
            region=region_name,
            remaining=format_persons(total["remaining"]),
            gap=format_persons(total["gap_persons"]),
        ),
        icon=":material/warning:",
    )
st.caption(t("pool.sufficiency_note"))

# ---- 1. per group: identified -> enrolled (employee / resident) -> remaining
st.subheader(t("pool.groups_title"))
figure = group_funnel(
    groups,
    group_names,
    title=t("pool.funnel_title", region=region_name, period=month),
    employee_name=t("pool.enrolled_employee"),
    resident_name=t("pool.enrolled_resident"),
    remaining_name=t("pool.remaining"),
    conversion_name=t("pool.conversion_short"),
)
show_chart(figure, "pool.file_groups", key="pool_funnel")
groups_table = pd.DataFrame(
        {
            t("pool.col.group"): [group_names[int(g)] for g in groups["group"]],
            t("pool.col.identified"): [format_persons(v) for v in groups["identified"]],
            t("pool.col.enrolled_employee"): [format_persons(v) for v in groups["enrolled_employee"]],
            t("pool.col.enrolled_resident"): [format_persons(v) for v in groups["enrolled_resident"]],
            t("pool.col.remaining"): [format_persons(v) for v in groups["remaining"]],
            t("pool.col.conversion_rate"): [format_rate(v) for v in groups["conversion_rate"]],
            t("pool.col.employee_share"): [format_rate(v) for v in groups["employee_conversion_share"]],
        }
)
st.dataframe(groups_table, hide_index=True, width="stretch", placeholder="—", key="pool_groups_table")
# the table's way out: Streamlit's own download is off, it would not defuse formulas
table_download(t("table.download_csv"), csv_bytes(groups_table), file_stem(region_name, t("pool.file_groups"), month), "csv", key="pool_groups_csv")

# ---- 2. per sub-region: can the remaining pool close the coverage gap?
st.subheader(t("pool.children_title"))
kids = loaders.children(region)
if kids.empty:
    st.caption(t("pool.no_children"))
else:
    kid_codes = kids["code"].tolist()
    kid_names = dict(zip(kids["code"], kids["name"]))
    kid_gaps = coverage_gaps(loaders.report(targets, period, kid_codes))
    kid_totals = region_totals(loaders_pool.pool_sums(kid_codes, [period]), kid_gaps, codes=kid_codes, periods=[period])
    figure = pool_against_gap(
        kid_totals,
        kid_names,
        title=t("pool.gap_chart_title", region=region_name, period=month),
        x_title=t("pool.axis.gap"),
        y_title=t("pool.axis.remaining"),
        short_name=t("pool.legend.short"),
        enough_name=t("pool.legend.enough"),
        no_gap_name=t("pool.legend.no_gap"),
        parity_name=t("pool.legend.parity"),
    )
    show_chart(figure, "pool.file_gap", key="pool_gap")
    short = insufficient(kid_totals)
    if short.empty:
        st.success(t("pool.none_short", region=region_name, period=month), icon=":material/check_circle:")
    else:
        st.markdown(t("pool.short_list_title", count=len(short), period=month))
        st.dataframe(
            pd.DataFrame(
                {
                    t("pool.col.region"): [kid_names[c] for c in short["region_code"]],
                    t("pool.col.code"): short["region_code"].tolist(),
                    t("pool.col.remaining"): [format_persons(v) for v in short["remaining"]],
                    t("pool.col.gap"): [format_persons(v) for v in short["gap_persons"]],
                    t("pool.col.sufficiency"): [format_sufficiency(v) for v in short["pool_sufficiency"]],
                    t("pool.col.shortfall"): [format_persons(v) for v in shortfall(short)],
                }
            ),
            hide_index=True,
            width="stretch",
            placeholder="—",  # not "None": Streamlit's own word for a missing value
            key="pool_short_table",
        )
    missing = kid_totals[kid_totals["identified"].isna()]["region_code"].tolist()
    if missing:
        st.caption(t("pool.children_without_pool", names="、".join(kid_names[c] for c in missing)))

# ---- 3. conversion over time
st.subheader(t("pool.trend_title"))
figure = conversion_lines(
    conversion_over_time(own_history, region),
    group_names,
    title=t("pool.trend_chart_title", region=region_name, first=format_month(shown[0]), period=month),
    total_name=t("pool.all_groups"),
)
show_chart(figure, "pool.file_trend", key="pool_trend")

# ---- 4. enrolments by action
st.subheader(t("pool.actions_title"))
actions = action_totals(loaders_pool.action_sums([region], [period]), region, period)
if int(actions["enrolled"].sum()) == 0:
    st.caption(t("pool.no_actions"))
else:
    figure = action_bars(actions, action_names, title=t("pool.actions_chart_title", region=region_name, period=month))
    show_chart(figure, "pool.file_actions", key="pool_actions")
st.caption(t("chart.download_hint"))
