"""A ministry's view (issue 15 points 4 and 5): 全国 in the sidebar, a national league a page at a time.

The database has a country root (000000 全国) above a generated province with 600 townships, so a
league of every township is longer than one page.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.auth import logged_in

from bench import province
from data.store import import_file
from present.region_tree import region_tree

ROOT = Path(__file__).resolve().parent.parent
COUNTRY = "000000"
SHAPE = province.Shape(cities=3, counties=13, townships=600, first_period="2026-08", months=3)


@pytest.fixture(scope="module")
def national_db(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("national")
    data = province.build(SHAPE)
    regions = data.regions.copy()
    regions.loc[regions["code"] == province.PROVINCE_CODE, "parent_code"] = COUNTRY
    regions = pd.concat([pd.DataFrame([{"code": COUNTRY, "name": "全国", "level": "country", "parent_code": ""}]), regions])
    paths = province.Province(regions, data.population, data.snapshots).write_csvs(root / "csv")
    db = root / "national.duckdb"
    for kind in ("regions", "population", "snapshots"):
        import_file(db, kind, paths[kind])
    return db


@pytest.fixture(autouse=True)
def use_national(national_db, monkeypatch):
    monkeypatch.setenv("KUOMIAN_DB", str(national_db))


def open_app(page: str | None = None, **sidebar) -> AppTest:
    at = logged_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=90), "office")
    for key, value in sidebar.items():
        at.session_state[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception
    return at


def test_a_country_root_offers_one_more_level_so_a_county_stays_within_reach():
    regions = pd.DataFrame(
        {
            "code": [COUNTRY, "53", "5301", "530102", "530102001"],
            "name": ["全国", "云南省", "昆明市", "五华区", "华山街道"],
            "level": ["country", "province", "city", "county", "township"],
            "parent_code": [None, COUNTRY, "53", "5301", "530102"],
        }
    )
    tree = region_tree(regions)
    assert tree.roots == (COUNTRY,) and tree.depth_below(COUNTRY) == 3 and tree.depth_below("53") == 2
    assert tree.children[COUNTRY] == ("53",) and tree.children["530102"] == ("530102001",)


def test_the_sidebar_shows_the_country_and_drills_down_to_a_county():
    county = "530101"
    at = open_app(region_level_0="53", region_level_1="5301", region_level_2=county)
    assert any("全国" in m.value for m in at.sidebar.markdown)
    assert at.selectbox(key="region_level_2__zh").value == county
    assert at.session_state["selection"].region == county


def test_the_whole_country_is_the_default_selection():
    at = open_app()
    assert at.session_state["selection"].region == COUNTRY
    assert at.session_state["selection"].region_name == "全国"


def test_a_national_township_league_is_shown_five_hundred_rows_a_page():
    at = open_app("pages/rankings.py")
    at.selectbox(key="rankings_level__zh").set_value("township").run()
    assert not at.exception
    league = at.dataframe[1].value
    assert len(league) == 500 and league["排名"].iloc[0] == 1
    assert any(c.value == "共 600 个地区，每页 500 个，当前第 1/2 页" for c in at.caption)
    at.number_input(key="rankings_page").set_value(2).run()
    second = at.dataframe[1].value
    assert len(second) == 100 and set(second["区划代码"]).isdisjoint(league["区划代码"])


def test_a_national_league_formats_only_the_rows_of_the_page_it_draws(monkeypatch):
    import present.paging
    import present.rankings

    built = []
    original = present.rankings.league_view
    monkeypatch.setattr(present.rankings, "league_view", lambda rows, *a, **k: built.append(len(rows)) or original(rows, *a, **k))
    monkeypatch.setattr(present.paging, "DEFERRED_DOWNLOAD_ROWS", 550)  # 600 townships: downloads built on click
    at = open_app("pages/rankings.py")
    built.clear()
    at.selectbox(key="rankings_level__zh").set_value("township").run()
    assert not at.exception
    assert built == [501]  # the reference row (全国) and one page of 500 townships, not all 600


def test_a_short_league_is_formatted_once_for_the_table_and_its_downloads(monkeypatch):
    import present.rankings

    built = []
    original = present.rankings.league_view
    monkeypatch.setattr(present.rankings, "league_view", lambda rows, *a, **k: built.append(len(rows)) or original(rows, *a, **k))
    open_app("pages/rankings.py")
    assert built == [2]  # 全国 and its one province: drawn and downloaded from the same view


def _heat_map_rows(at: AppTest) -> int:
    """How many townships the trends page's heat map draws (its first trace's rows)."""
    import json

    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    heat = [c for c in charts if c["data"] and c["data"][0].get("type") == "heatmap"]
    assert len(heat) == 1
    return len(heat[0]["data"][0]["z"])


def test_the_heat_map_of_a_national_trend_shows_five_hundred_townships_a_page():
    at = open_app("pages/trends.py")
    assert any(c.value == "共 600 个地区，每页 500 个，当前第 1/2 页" for c in at.caption)
    assert _heat_map_rows(at) == 500
    at.number_input(key="trends_heat_page").set_value(2).run()
    assert not at.exception
    assert any(c.value == "共 600 个地区，每页 500 个，当前第 2/2 页" for c in at.caption)
    assert _heat_map_rows(at) == 100


def test_a_national_gaps_table_is_shown_five_hundred_rows_a_page():
    at = open_app("pages/gaps.py")
    at.selectbox(key="gaps_level__zh").set_value("township").run()
    assert not at.exception
    first = at.dataframe[0].value
    assert len(first) == 500 and any(c.value == "共 600 个地区，每页 500 个，当前第 1/2 页" for c in at.caption)
    at.number_input(key="gaps_page").set_value(2).run()
    second = at.dataframe[0].value
    assert len(second) == 100 and set(second["区划代码"]).isdisjoint(first["区划代码"])


def test_a_national_assessment_is_shown_five_hundred_regions_a_page_and_the_picker_offers_that_page():
    at = open_app("pages/assessment.py")
    at.radio(key="assess_level").set_value("township").run()
    assert not at.exception
    scores = at.dataframe[0].value
    assert len(scores) == 500 and any(c.value == "共 600 个地区，每页 500 个，当前第 1/2 页" for c in at.caption)
    assert at.selectbox(key="assess_region").options == [f"{name}（{code}）" for name, code in zip(scores["区划"], scores["区划代码"])]
    at.number_input(key="assess_page").set_value(2).run()
    assert len(at.dataframe[0].value) == 100 and len(at.selectbox(key="assess_region").options) == 100


@pytest.mark.parametrize("key", ["timely_page", "timely_unreported_page", "approve_page"])
def test_the_data_pages_tables_of_every_township_are_shown_five_hundred_a_page(key):
    at = open_app("pages/data.py")
    sizes = [len(d.value) for d in at.dataframe]
    at.number_input(key=key).set_value(2).run()
    assert not at.exception
    changed = [(before, len(d.value)) for before, d in zip(sizes, at.dataframe) if len(d.value) != before]
    assert changed == [(500, 100)]  # that table went to its second page: the 100 townships after the first 500


def test_the_bulletin_of_a_large_subtree_is_built_when_clicked_not_when_the_page_is_drawn(monkeypatch):
    import ui.bulletin_button

    built = []
    monkeypatch.setattr(ui.bulletin_button, "DEFERRED_DOWNLOAD_ROWS", 100)  # 全国 holds 618 regions here
    original = ui.bulletin_button._workbook
    monkeypatch.setattr(ui.bulletin_button, "_workbook", lambda *a, **k: built.append(a[4]) or original(*a, **k))
    at = open_app("pages/rankings.py")
    assert built == [] and not at.exception
    buttons = [b for b in at.get("download_button") if "季度通报" in b.proto.label]
    assert len(buttons) == 1
    at.selectbox(key="region_level_0__zh").set_value("53").run()  # 云南省 (618 regions too): still on click
    at.selectbox(key="region_level_1__zh").set_value(at.selectbox(key="region_level_1__zh").options[1]).run()  # a city: 200 regions
    assert built == []
    at.selectbox(key="region_level_2__zh").set_value(at.selectbox(key="region_level_2__zh").options[1]).run()  # a county: built now
    assert len(built) == 1 and not at.exception


def test_the_approval_table_is_built_once_until_the_database_changes(monkeypatch, national_db):
    import ui.approvals_panel

    built = []
    original = ui.approvals_panel.township_status
    monkeypatch.setattr(ui.approvals_panel, "township_status", lambda *a, **k: built.append(a[3]) or original(*a, **k))
    ui.approvals_panel._township_status.clear()
    at = open_app("pages/data.py")
    at.run()
    assert built == [COUNTRY]
    national_db.touch()  # a write (a submission, a review, a lock) changes the file's version
    at.run()
    assert built == [COUNTRY, COUNTRY] and not at.exception
