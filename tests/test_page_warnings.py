"""预警 Warnings page: which regions need a call this month, and why.

Before the monthly call, the officer opens 预警 for 曲靖市 at 2026-08 (the month 师宗县葵山镇 sent
nothing): every warning of the city's subtree, most severe first, each with its reason. She finds the
demo's laggards (会泽县上村乡 and 富源县古敢水族乡, clearly off track), the missing report of 葵山镇, and
富源县, whose expansion pool cannot close its coverage gap. She narrows the list to one county and to
the high severity, and downloads the monthly warning sheet. Her colleague reads it in English; the
overview tells both how many warnings the selection holds.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from tests.auth import logged_in

from metrics.periods import month_index

ROOT = Path(__file__).resolve().parent.parent
AUGUST = month_index("2026-08")
KUISHAN, SHANGCUN, GUGAN, FUYUAN = "530323103", "530326212", "530325203", "530325"


@pytest.fixture(scope="module")
def demo_db(demo_copy) -> Path:
    return demo_copy("warnings")


@pytest.fixture(autouse=True)
def use_demo(demo_db, monkeypatch):
    monkeypatch.setenv("KUOMIAN_DB", str(demo_db))


def open_page(**state) -> AppTest:
    at = logged_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=90), "office")
    at.session_state["period"] = AUGUST
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page("pages/warnings.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def rows_of(at: AppTest, code: str, trigger_label: str, code_header: str = "区划代码", trigger_header: str = "预警类型"):
    table = at.dataframe[0].value
    return table[(table[code_header] == code) & (table[trigger_header] == trigger_label)]


def test_the_demo_laggards_missing_report_and_short_pool_are_listed_with_their_reasons():
    at = open_page()
    assert at.title[0].value == "预警：曲靖市"
    for code in (SHANGCUN, GUGAN):
        lag = rows_of(at, code, "明显滞后")
        assert len(lag) >= 1 and (lag["原因"].str.startswith("参保率 ") | lag["原因"].str.startswith("职工")).all()
        assert lag["严重程度"].eq("高").all()
    coverage_lag = rows_of(at, GUGAN, "明显滞后")
    assert coverage_lag[coverage_lag["指标"] == "参保率"]["原因"].str.contains("低于进度线").all()
    missing = rows_of(at, KUISHAN, "未报送")
    assert missing["原因"].tolist() == ["本月未报送数据（有应参保人数，没有参保数据）"]
    assert missing["所属县（市、区）"].tolist() == ["师宗县"]
    pool = rows_of(at, FUYUAN, "实名库不足")
    assert len(pool) == 1 and pool["原因"].iloc[0].startswith("实名库剩余 ")
    assert "库内人员全部参保也无法达标" in pool["原因"].iloc[0]


def test_the_list_is_most_severe_first_and_the_cards_count_by_severity():
    at = open_page()
    table = at.dataframe[0].value
    order = {"高": 0, "中": 1, "低": 2}
    ranks = table["严重程度"].map(order).tolist()
    assert ranks == sorted(ranks)
    cards = {m.label: m.value for m in at.metric}
    assert cards["预警"] == f"{len(table)} 条"
    assert cards["高"] == f"{(table['严重程度'] == '高').sum()} 条"


def test_filters_narrow_the_list_to_one_county_and_one_severity():
    at = open_page()
    at.multiselect(key="warn_counties__zh").set_value([FUYUAN]).run()
    at.multiselect(key="warn_severities__zh").set_value(["high"]).run()
    table = at.dataframe[0].value
    assert not table.empty
    assert set(table["所属县（市、区）"]) == {"富源县"} and set(table["严重程度"]) == {"高"}
    at.multiselect(key="warn_triggers__zh").set_value(["pool_short"]).run()
    assert at.info[0].value == "所选筛选条件下没有预警。"


def test_the_monthly_sheet_downloads_in_one_click_with_the_rows_shown(monkeypatch):
    offered: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        if filename:
            offered[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    at = open_page()
    at.multiselect(key="warn_triggers__zh").set_value(["missing_report"]).run()
    assert [b.proto.label for b in at.get("download_button")] == ["下载月度预警表（Excel）", "下载 CSV"]
    shown = at.dataframe[0].value
    sheet = load_workbook(io.BytesIO(offered["曲靖市_月度预警表_2026-08.xlsx"])).active
    assert sheet["A1"].value == "曲靖市月度预警表（2026-08）"
    assert [c.value for c in sheet[3]] == ["严重程度", "预警类型", "地区", "区划代码", "层级", "所属县（市、区）", "指标", "原因", "还需（人）"]
    assert [sheet.cell(row=4 + i, column=4).value for i in range(len(shown))] == shown["区划代码"].tolist()
    assert sheet.max_row == 3 + len(shown)


def test_the_page_renders_in_english():
    at = open_page()
    at.session_state["language"] = "en"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Warnings: 曲靖市"
    table = at.dataframe[0].value
    missing = table[(table["Code"] == KUISHAN) & (table["Trigger"] == "Missing report")]
    assert missing["Reason"].tolist() == ["No figures this month (the region has a required population but no snapshot rows)"]
    assert set(table["Severity"]) <= {"high", "medium", "low"}


def test_the_overview_links_to_the_page_with_the_count_of_warnings():
    at = logged_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=90), "office")
    at.session_state["period"] = AUGUST
    at.run()
    assert not at.exception
    page = open_page()
    total = len(page.dataframe[0].value)
    high = (page.dataframe[0].value["严重程度"] == "高").sum()
    links = [link.proto.label for link in at.get("page_link")]
    assert f"曲靖市下辖各级地区本月共有 {total} 条预警（高 {high} 条），详见“预警”页。" in links
