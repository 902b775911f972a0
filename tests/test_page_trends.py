"""趋势 Trends page: an officer sees how the regions moved, against their targets, month by month.

Driven through ``app.py`` with AppTest on a demo database. The sidebar's
choices are made on the first run (the default page), then the test switches
to the Trends page. Every number checked is recomputed through
``data.report.metrics_report`` on a read-only connection.
"""

from __future__ import annotations

from tests.auth import logged_in
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data.db import connect
from data.queries import periods as db_periods
from data.queries import regions as db_regions
from data.report import metrics_report
from metrics.periods import month_index, period_label, year_of
from metrics.targets import parse_targets
from metrics.trends import STATUS_CODES, descendants_at_level, row_labels
from present.formatting import format_rate

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
CITY, QILIN = "5303", "530302"


@pytest.fixture(scope="module")
def demo_db(demo_copy):
    path = demo_copy("trends-page")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KUOMIAN_DB", str(path))
        patch.delenv("KUOMIAN_TARGETS", raising=False)
        yield path


@pytest.fixture(scope="module")
def world(demo_db):
    """What the report says, for comparison: regions, last period, targets in use."""
    targets = parse_targets((ROOT / "config" / "targets.yaml").read_text(encoding="utf-8"))
    with connect(demo_db) as con:
        return {"regions": db_regions(con), "period": db_periods(con)[-1], "targets": targets, "path": demo_db}


def report(world, period, codes, metric):
    with connect(world["path"]) as con:
        frame = metrics_report(con, world["targets"], period, codes=codes, metrics=[metric])
    return frame.set_index("region_code")


def open_trends(metric: str | None = None, county: str | None = None, language: str | None = None) -> AppTest:
    # The sidebar's choices go in before the first run: that run draws the
    # sidebar (app.py) and keeps the selection for the page.
    at = logged_in(AppTest.from_file(APP, default_timeout=60))
    if metric:
        at.session_state["metric"] = metric
    if county:
        at.session_state["region_level_0"] = county
    if language:
        at.session_state["language"] = language
    at.run()
    at.switch_page("pages/trends.py").run()
    assert not at.exception
    return at


def charts(at: AppTest) -> dict[str, dict]:
    """The page's plotly figures by title."""
    figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return {figure["layout"]["title"]["text"]: figure for figure in figures}


def chart_titled(at: AppTest, *words: str) -> dict:
    found = [figure for title, figure in charts(at).items() if all(word in title for word in words)]
    assert len(found) == 1, list(charts(at))
    return found[0]


def test_city_is_compared_with_its_two_best_and_two_worst_counties(world):
    at = open_trends()
    period, regions = world["period"], world["regions"]
    counties = regions[regions["parent_code"] == CITY]["code"].tolist()
    now = report(world, period, counties, "coverage_rate")["value"].astype(float).sort_values(ascending=False)
    best, worst = now.index[:2].tolist(), now.sort_values().index[:2].tolist()
    assert at.multiselect[0].value == [CITY, *best, *worst]

    # the table under the chart shows each line's value at the end of the range, as the report has it
    table = at.dataframe[0].value
    names = regions.set_index("code")["name"]
    shown = dict(zip(table["地区"], table["参保率"]))
    expected = report(world, period, [CITY, *best, *worst], "coverage_rate")
    for code, row in expected.iterrows():
        assert shown[names[code]] == format_rate(row["value"], row["target"])
    assert set(table["状态"]) <= {"已达标", "进度正常", "略有滞后", "明显滞后", "无数据"}

    # the chart: titled with region, metric and months; one line per region, the target labelled
    first = period_label(period - 23)
    figure = chart_titled(at, "曲靖市 等 5 个地区", "参保率走势", first, period_label(period))
    names_drawn = [trace.get("name") for trace in figure["data"]]
    assert "目标（曲靖市）" in names_drawn and "进度线（曲靖市）" in names_drawn
    assert all(names[c] in names_drawn for c in [CITY, *best, *worst])
    assert figure["layout"]["yaxis"]["tickformat"] in (".0%", ".1%")


def test_heatmap_rows_are_every_township_by_current_value_coloured_by_the_reports_status(world):
    at = open_trends()
    period, regions = world["period"], world["regions"]
    towns = descendants_at_level(regions, CITY, "township")
    heat = chart_titled(at, "曲靖市", "乡镇", "逐月状态")["data"][0]
    assert heat["type"] == "heatmap"
    assert len(heat["y"]) == len(towns) == 137
    assert heat["x"][-1] == period_label(period) and len(heat["x"]) == 24

    now = report(world, period, towns, "coverage_rate")
    now = now.assign(v=now["value"].astype(float)).reset_index()
    order = now.sort_values(["v", "region_code"], ascending=[False, True])["region_code"].tolist()
    assert heat["y"] == row_labels(regions, order)
    # a township that is not comparable (宣威市's) is drawn grey in every month: the code after the statuses
    grey = len(STATUS_CODES)
    indexed = now.set_index("region_code")
    greyed = {c: not bool(indexed.at[c, "comparable"]) for c in order}
    expected = [grey if greyed[c] else STATUS_CODES.get(s, STATUS_CODES["none"]) for c, s in zip(order, indexed.loc[order, "status"].fillna("none"))]
    assert [row[-1] for row in heat["z"]] == expected
    assert sum(greyed.values()) == 29
    # and the first month shown, evaluated as of that month
    first_month = period - 23
    then = report(world, first_month, towns, "coverage_rate")["status"].fillna("none")
    assert [row[0] for row in heat["z"]] == [grey if greyed[c] else STATUS_CODES[then[c]] for c in order]
    # hover: value and status
    assert heat["customdata"][0][-1][0] == format_rate(now.set_index("region_code").at[order[0], "value"], now.set_index("region_code").at[order[0], "target"])


def test_a_city_gets_one_small_panel_per_county(world):
    at = open_trends()
    regions = world["regions"]
    counties = regions[regions["parent_code"] == CITY].sort_values("code")
    panels = chart_titled(at, "曲靖市", "各县")
    assert [a["text"] for a in panels["layout"]["annotations"]] == counties["name"].tolist()
    assert panels["layout"]["yaxis"]["tickformat"] in (".0%", ".1%")


def test_payment_rate_shows_this_year_to_date(world):
    at = open_trends(metric="payment_rate")
    period = world["period"]
    january = 12 * year_of(period) + 1
    assert at.select_slider[0].value == (january, period)
    assert any("1 月从零重新开始" in info.value for info in at.info)
    figure = chart_titled(at, "缴费率", "年内累计", "走势", period_label(january), period_label(period))
    milestones = [trace for trace in figure["data"] if trace.get("name") == "目标节点"][0]
    assert "80%" in milestones["text"]  # November's milestone, still ahead, is drawn


def test_a_county_shows_its_own_townships_and_no_county_panels(world):
    at = open_trends(county=QILIN)
    regions = world["regions"]
    titles = list(charts(at))
    assert not any("各县" in title for title in titles)
    heat = chart_titled(at, "麒麟区", "逐月状态")["data"][0]
    assert len(heat["y"]) == len(descendants_at_level(regions, QILIN, "township"))
    assert at.multiselect[0].value[0] == QILIN


def test_narrowing_the_months_redraws_every_chart_for_them(world):
    at = open_trends()
    period = world["period"]
    at.select_slider[0].set_value((period - 5, period)).run()
    assert not at.exception
    heat = chart_titled(at, "逐月状态")["data"][0]
    assert heat["x"] == [period_label(m) for m in range(period - 5, period + 1)]
    chart_titled(at, "曲靖市", "参保率走势", period_label(period - 5))


def test_english_switch_changes_titles_and_labels(world):
    at = open_trends()
    assert at.title[0].value == "曲靖市 · 参保率走势"
    assert at.multiselect[0].label == "对比地区"
    at.session_state["language"] = "en"
    at.run()
    assert not at.exception
    assert at.title[0].value == "曲靖市 · Coverage rate over time"
    assert at.multiselect[0].label == "Regions to compare"
    assert "Status" in at.dataframe[0].value.columns
    chart_titled(at, "townships", "status by month")
    chart_titled(at, "曲靖市", "and others (5 regions)", "Coverage rate")


def test_a_carried_month_reads_estimated_in_the_table_and_is_hollow_on_the_chart(world):
    """葵山镇 missed 2026-08: 师宗县's figure that month counts carried rows."""
    at = logged_in(AppTest.from_file(APP, default_timeout=60))
    at.session_state["region_level_0"] = "530323"
    at.session_state["period"] = month_index("2026-08")
    at.run()
    at.switch_page("pages/trends.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    row = table[table["地区"] == "师宗县"].iloc[0]
    assert row["参保率"].endswith("（估算）")
    assert any("2026-08：" in c.value and "沿用此前数据" in c.value for c in at.caption)
