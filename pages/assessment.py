"""考核: the year's assessment of the counties and townships under the selection, its parts and grades, the
红黑榜, the regions not assessed, the scoring rule, the rewards by completion date, and the workbook."""

from __future__ import annotations

import streamlit as st

from data.importer import LEVEL_RANK
from exports.assessment import file_name, workbook_bytes
from metrics.periods import year_of
from present.assessment import apart_table, indicator_text, level_text, red_black_tables, reward_tables, rewards_total_line, rule_notes, rule_table, score_table, tier_lines
from present.formatting import format_month
from present.templates import XLSX_MIME
from present.texts import Texts
from ui.i18n import language, t
from ui.loaders_assess import assessment, region_names
from present.paging import DEFERRED_DOWNLOAD_ROWS, page_of
from ui.pager import current_page, pager
from ui.selection import current

selection = current()
targets, period = selection.targets, selection.period
tx = Texts(language())
year = year_of(period)
st.title(t("assess.title"))
scheme = targets.assessment
if scheme is None:
    st.info(t("assess.no_scheme"))
    st.stop()
levels = [level for level in ("county", "township") if LEVEL_RANK[level] > LEVEL_RANK.get(selection.region_level, 0)]
if not levels:
    st.info(t("overview.no_children"))
    st.stop()
st.caption(t("assess.caption", year=year, period=format_month(period)))
result, reward = assessment(targets, year, period, levels, selection.region)
names = region_names()

level = st.radio(t("assess.col.level"), levels, format_func=lambda lv: level_text(lv, tx), horizontal=True, key="assess_level")
table = score_table(result, level, scheme, tx)
# A national level (40,000 townships) is drawn a page at a time, and the region picker below offers
# the page's regions (issue 15 point 5); the workbook holds them all.
page = current_page("assess_page", len(table))
page_rows = page_of(table, page)
if table.empty:  # every region apart (not comparable): said in Chinese, not Streamlit's English "empty"
    st.info(t("assess.none_scored"), icon=":material/info:")
else:
    pager("assess_page", len(table), page, t("scale.page"), language())
    st.dataframe(
        page_rows.map(lambda v: f"{v:.2f}" if isinstance(v, float) else v), hide_index=True, width="stretch"
    )  # two decimals, as the workbook and `kuomian assess` print them
st.caption(rule_notes(scheme, tx)[1])  # what an indicator without data does

red, black = red_black_tables(result, level, scheme, tx)
if len(table):  # no list to draw where nobody is assessed
    left, right = st.columns(2)
    with left:
        st.subheader(t("assess.red", n=len(red)))
        st.dataframe(red, hide_index=True, width="stretch")
    with right:
        st.subheader(t("assess.black", n=len(black)))
        st.dataframe(black, hide_index=True, width="stretch")

if len(table):
    st.subheader(t("assess.parts"))
    codes = page_rows[t("assess.col.code")].tolist()
    code = st.selectbox(t("assess.col.region"), codes, format_func=lambda c: f"{names.get(c, c)}（{c}）", key="assess_region")
    parts = result.parts[result.parts["region_code"] == code]
    st.dataframe(
        {
            t("assess.col.indicator"): [indicator_text(k, tx) for k in parts["indicator"]],
            t("assess.col.weight"): parts["weight"].tolist(),
            t("assess.col.value"): ["" if v is None or v != v else f"{v * 100:.2f}%" for v in parts["value"]],
            t("assess.col.points"): [t("assess.no_data") if nd else f"{p:.2f}" for nd, p in zip(parts["no_data"], parts["points"])],
        },
        hide_index=True,
    )

apart = apart_table(result, tx, level)
if len(apart):
    with st.expander(f"{t('assess.apart')}（{len(apart)}）"):
        st.dataframe(apart, hide_index=True, width="stretch")

with st.expander(t("assess.sheet_rules")):
    st.dataframe(rule_table(scheme, tx), hide_index=True, width="stretch")
    for line in rule_notes(scheme, tx):
        st.caption(line)

if reward is not None and targets.rewards is not None:
    st.subheader(t("rewards.title") + f" · {level_text(levels[-1], tx)}")
    if reward.stand_in:
        st.warning(t("rewards.stand_in"), icon=":material/info:")
    st.caption(("；" if tx.language == "zh" else "; ").join(tier_lines(targets.rewards, tx)))
    paid, never = reward_tables(reward, names, tx)
    st.markdown(f"**{rewards_total_line(reward, tx)}**")
    if paid.empty:
        st.caption(t("rewards.none_paid"))
    else:
        st.dataframe(paid, hide_index=True, width="stretch")
    with st.expander(f"{t('rewards.never')}（{len(never)}）"):
        st.dataframe(never, hide_index=True, width="stretch")

workbook = lambda: workbook_bytes(result, scheme, levels, selection.region_name, year, format_month(period), tx, reward, targets.rewards, names)  # noqa: E731
st.download_button(
    t("assess.download"),
    workbook if len(result.scores) + len(result.apart) > DEFERRED_DOWNLOAD_ROWS else workbook(),  # built on click (issue 15)
    file_name=file_name(selection.region_name, year, tx),
    mime=XLSX_MIME,
    icon=":material/download:",
    key="assess_download",
)
