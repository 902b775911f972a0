"""排名 Rankings page: the office's monthly league table.

An officer of the leading-group office opens 排名 for 曲靖市: the city itself is the first row, the
reference line, and below it the counties in rank order with the figures ``metrics_report`` gives for
them; she drills to a county, or to a township (which is then ranked among its siblings), compares
with the end of last quarter for the quarterly bulletin, reads who is praised and who is named,
filters, and downloads the table as Excel and CSV. Her English-speaking colleague switches language.
"""

from __future__ import annotations

from tests.auth import logged_in
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from config.settings import get_settings
from data.db import connect
from data.report import metrics_report
from metrics.league import bulletin, league_table, previous_quarter_end
from metrics.periods import month_index
from metrics.targets import parse_targets

ROOT = Path(__file__).resolve().parent.parent
PERIOD = month_index("2026-10")  # the demo's latest month, the sidebar's default
CITY = "5303"
COUNTIES_OF_QUJING = ["530302", "530303", "530304", "530322", "530323", "530324", "530325", "530326", "530381"]
QILIN = "530302"  # 麒麟区
NANNING = "530302001"  # 南宁街道, a township of 麒麟区


@pytest.fixture(scope="module")
def demo_db(demo_copy) -> Path:
    path = demo_copy("rankings")
    return path


@pytest.fixture(autouse=True)
def use_demo(demo_db, monkeypatch):
    monkeypatch.setenv("KUOMIAN_DB", str(demo_db))


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """The files the page offers, by file name."""
    offered: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        if filename:
            offered[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return offered


def expected(demo_db: Path, codes: list[str], own: str, compare_to: int | None = None) -> pd.DataFrame:
    """The league as the metrics layer computes it, reference first."""
    targets = parse_targets(get_settings().targets.read_text(encoding="utf-8"))
    with connect(demo_db) as con:
        league = metrics_report(con, targets, PERIOD, codes=codes, compare_to=compare_to)
        reference = league if own in codes else metrics_report(con, targets, PERIOD, codes=[own])
    return league_table(league, reference, "coverage_rate", own)


def open_page(**sidebar) -> AppTest:
    """The sidebar's choices (``region_level_0``, ...) go in before the first run, which keeps the selection."""
    at = logged_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60))
    for key, value in sidebar.items():
        at.session_state[key] = value
    at.run()
    at.switch_page("pages/rankings.py")
    at.run()
    assert not at.exception
    return at


def shown(at: AppTest) -> pd.DataFrame:
    """The reference row (shown apart, above the table) followed by the league table."""
    frames = [frame.value for frame in at.dataframe]
    return pd.concat(frames[:2], ignore_index=True) if len(frames) >= 2 else frames[0]


def test_the_city_is_pinned_first_and_its_counties_follow_as_metrics_report_ranks_them(demo_db):
    at = open_page()
    table = shown(at)
    want = expected(demo_db, sorted(table["区划代码"].iloc[1:]), CITY)
    assert table["区划代码"].iloc[0] == CITY
    assert table["地区"].iloc[0] == "曲靖市（参照）"
    assert pd.isna(table["排名"].iloc[0])
    assert sorted(table["区划代码"].iloc[1:]) == COUNTIES_OF_QUJING
    assert table["区划代码"].tolist() == want["region_code"].tolist()
    assert table["参保率"].tolist() == pytest.approx(want["value"].tolist())
    assert table["排名"].iloc[1:].tolist() == want["rank"].iloc[1:].tolist()
    assert table["名次变化"].iloc[1:].tolist() == want["rank_change"].iloc[1:].tolist()
    assert table["差距（人）"].tolist() == want["gap_persons"].tolist()
    assert table["目标"].tolist() == pytest.approx(want["target"].tolist())


def test_a_county_lists_its_townships_under_itself(demo_db):
    at = open_page(region_level_0=QILIN)
    table = shown(at)
    assert table["区划代码"].iloc[0] == QILIN
    townships = sorted(table["区划代码"].iloc[1:])
    assert all(code.startswith(QILIN) and len(code) == 9 for code in townships)
    want = expected(demo_db, townships, QILIN)
    assert table["区划代码"].tolist() == want["region_code"].tolist()
    assert table["参保率"].tolist() == pytest.approx(want["value"].tolist())
    assert "麒麟区 · 下级地区排名" == at.title[0].value


def test_a_township_is_ranked_among_its_siblings_and_still_pinned_first(demo_db):
    at = open_page(region_level_0=QILIN, region_level_1=NANNING)
    table = shown(at)
    assert table["区划代码"].iloc[0] == NANNING
    assert table["地区"].iloc[0] == "南宁街道（所选）"
    want = expected(demo_db, sorted(table["区划代码"]), NANNING)
    assert table["排名"].iloc[0] == want["rank"].iloc[0]  # it keeps its own rank among them
    assert table["区划代码"].tolist() == want["region_code"].tolist()
    assert NANNING not in table["区划代码"].iloc[1:].tolist()


def test_last_quarter_measures_rank_changes_from_the_end_of_the_previous_quarter(demo_db):
    at = open_page(region_level_0=QILIN)
    at.radio(key="rankings_compare__zh").set_value("quarter").run()
    table = shown(at)
    want = expected(demo_db, sorted(table["区划代码"].iloc[1:]), QILIN, compare_to=previous_quarter_end(PERIOD))
    assert previous_quarter_end(PERIOD) == month_index("2026-09")
    assert table["名次变化"].iloc[1:].tolist() == want["rank_change"].iloc[1:].tolist()
    assert any("2026-09" in c.value for c in at.caption)
    at.radio(key="rankings_compare__zh").set_value("year").run()
    want = expected(demo_db, sorted(table["区划代码"].iloc[1:]), QILIN, compare_to=month_index("2025-12"))
    assert shown(at)["名次变化"].iloc[1:].tolist() == want["rank_change"].iloc[1:].tolist()


def bulletin_lines_shown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "（第 " in m.value]


def test_the_boxes_praise_and_name_whom_the_bulletin_rule_of_the_targets_file_picks(demo_db):
    at = open_page()
    at.selectbox(key="rankings_level__zh").set_value("township").run()
    table = shown(at)
    assert len(table) == 1 + 137
    want = expected(demo_db, sorted(table["区划代码"].iloc[1:]), CITY, compare_to=PERIOD - 1)
    praised, named = bulletin(want, parse_targets(get_settings().targets.read_text(encoding="utf-8")).bulletin)
    assert len(praised) >= 3 and len(named) >= 3
    lines = bulletin_lines_shown(at)
    assert [line.split("　")[0] for line in lines] == [*praised["region_name"], *named["region_name"]]
    assert "已达标，数值居前" in lines[0] and "明显滞后，数值居后" in lines[len(praised)]


def test_praise_and_names_follow_the_targets_files_bulletin_rules(demo_db, tmp_path, monkeypatch):
    text = get_settings().targets.read_text(encoding="utf-8")
    rules = "bulletin:\n  praise: {statuses: [achieved, on_track], top: 2, most_improved: 0}\n  name: {statuses: [off_track], bottom: 1, fallen_furthest: 0}\n"
    path = tmp_path / "targets.yaml"
    path.write_text(text[: text.index("bulletin:")] + rules, encoding="utf-8")
    monkeypatch.setenv("KUOMIAN_TARGETS", str(path))
    at = open_page()
    at.selectbox(key="rankings_level__zh").set_value("township").run()
    table = shown(at)
    praised, named = bulletin(expected(demo_db, sorted(table["区划代码"].iloc[1:]), CITY, compare_to=PERIOD - 1), parse_targets(path.read_text(encoding="utf-8")).bulletin)
    assert (len(praised), len(named)) == (2, 1)
    lines = bulletin_lines_shown(at)
    assert [line.split("　")[0] for line in lines] == [*praised["region_name"], *named["region_name"]]
    hints = "\n".join(m.value for m in at.markdown)
    assert "已达标、进度正常且数值最高的 2 个，名次上升最多的 0 个" in hints
    assert "明显滞后且数值最低的 1 个，名次下降最多的 0 个" in hints


def test_filters_keep_the_reference_row_and_select_by_status_and_name():
    at = open_page()
    at.selectbox(key="rankings_level__zh").set_value("township").run()
    at.multiselect(key="rankings_status__zh").set_value(["off_track"]).run()
    table = shown(at)
    assert table["区划代码"].iloc[0] == CITY
    # off-track townships that are not comparable (宣威市's) keep their status but are shown greyed as 不可比
    assert set(table["状态"].iloc[1:]) == {"明显滞后", "≠ 不可比"}
    at.text_input(key="rankings_search").input("东山").run()
    table = shown(at)
    assert table["区划代码"].iloc[0] == CITY
    assert len(table) > 1 and all("东山" in name for name in table["地区"].iloc[1:])


def test_sorting_keeps_the_reference_row_first():
    at = open_page(region_level_0=QILIN)
    at.selectbox(key="rankings_sort__zh").set_value("rank_desc").run()
    table = shown(at)
    assert table["区划代码"].iloc[0] == QILIN
    ranks = table["排名"].iloc[1:].dropna().tolist()
    assert ranks == sorted(ranks, reverse=True)


def test_the_table_downloads_as_excel_and_as_csv_that_excel_opens_in_chinese(downloads):
    at = open_page()
    # the table as Excel and CSV, and the quarterly bulletin of the last quarter ended (2026-09)
    assert [b.proto.label for b in at.get("download_button")] == ["下载 Excel", "下载 CSV", "下载 2026 年第 3 季度通报（Excel）"]
    workbook = downloads["曲靖市_县区排名_参保率_2026-10.xlsx"]
    sheet = load_workbook(io.BytesIO(workbook)).active
    assert sheet["A1"].value.startswith("曲靖市 县区参保率排名 · 2026-10")
    assert sheet["D4"].value == "曲靖市（参照）" and sheet["D4"].font.bold
    assert sheet.freeze_panes == "A4"
    assert sheet["E4"].number_format.endswith("%")
    text = downloads["曲靖市_县区排名_参保率_2026-10.csv"]
    assert text.startswith(b"\xef\xbb\xbf")
    assert text.decode("utf-8-sig").splitlines()[0].startswith("排名,名次变化,区划代码,地区,参保率")


def test_the_chart_names_region_metric_and_period():
    at = open_page()
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["title"]["text"] == "曲靖市 县区参保率排名 · 2026-10"


def test_switching_to_english_changes_the_headers_and_keeps_the_choices():
    at = open_page(region_level_0=QILIN)
    at.radio(key="rankings_compare__zh").set_value("quarter").run()
    at.session_state["language"] = "en"
    at.run()
    assert not at.exception
    table = shown(at)
    assert list(table.columns) == [
        "Rank", "Rank change", "Region", "Coverage rate", "Target", "Gap (points)", "Gap (persons)", "Status", "Code",
        "Task completion (New insured)", "Note",
    ]  # the demo ships 2026 tasks: the completion column of issue 13
    assert table["Region"].iloc[0] == "麒麟区 (reference)"
    assert at.radio(key="rankings_compare__en").value == "quarter"
    assert [b.proto.label for b in at.get("download_button")] == [
        "Download Excel",
        "Download CSV",
        "Download the Q3 2026 bulletin (Excel)",
    ]
    assert "麒麟区 · league table" == at.title[0].value


def test_townships_whose_county_reports_the_employee_schemes_come_with_a_note():
    """宣威市 reports its employee schemes itself: its townships' coverage counts residents only, and the page says so."""
    at = open_page(region_level_0="530381")
    notes = [i.value for i in at.info if "宣威市" in i.value]
    assert notes and "企业职工" in notes[0] and "机关事业单位" in notes[0]
    other = open_page(region_level_0=QILIN)
    assert not [i.value for i in other.info if "直接报送" in i.value]


def test_the_reference_row_is_shown_apart_so_no_header_sort_can_move_it():
    """st.dataframe's own header sort cannot pin a row: the city sits in its own table above the league."""
    at = open_page()
    reference, league = at.dataframe[0].value, at.dataframe[1].value
    assert reference["区划代码"].tolist() == [CITY]
    assert CITY not in league["区划代码"].tolist()


def test_xuanwei_townships_are_greyed_unranked_and_neither_praised_nor_named():
    at = open_page()
    at.selectbox(key="rankings_level__zh").set_value("township").run()
    table = shown(at)
    xuanwei = table[table["区划代码"].str.startswith("530381")]
    assert len(xuanwei) == 29
    assert set(xuanwei["状态"]) == {"≠ 不可比"} and xuanwei["排名"].isna().all()
    named = " ".join(m.value for m in at.markdown)
    assert not any(name in named for name in xuanwei["地区"])
    notes = [i.value for i in at.info if i.value.startswith("宣威市直接报送")]
    assert notes == ["宣威市直接报送企业职工、机关事业单位，其下 29 个地区的数值不含这些人员，不参与排名、表扬和通报。"]


def test_the_not_comparable_note_stays_off_the_payment_rate():
    at = open_page(metric="payment_rate")
    at.selectbox(key="rankings_level__zh").set_value("township").run()
    assert not [i.value for i in at.info if "直接报送" in i.value]
