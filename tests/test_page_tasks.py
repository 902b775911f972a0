"""任务 Tasks page: an officer sees how far each county (or township) has come with the year's tasks, which
splits fall short, and gets a split proposed from the gaps to edit and export.

Driven through ``app.py`` with AppTest on a demo database; every figure checked is recomputed through
``data.tasks`` on a read-only connection.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.auth import logged_in

from data.db import connect
from data.queries import periods as db_periods
from data.tasks import region_tasks
from metrics.periods import period_label
from metrics.targets import parse_targets
from present.tasks import format_completion
from present.formatting import format_persons

ROOT = Path(__file__).resolve().parent.parent
CITY, FUYUAN = "5303", "530325"  # 曲靖市, 富源县 (its new_insured split is short)


@pytest.fixture(scope="module")
def demo_db(demo_copy):
    path = demo_copy("tasks-page")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KUOMIAN_DB", str(path))
        patch.delenv("KUOMIAN_TARGETS", raising=False)
        yield path


@pytest.fixture(scope="module")
def world(demo_db):
    targets = parse_targets((ROOT / "config" / "targets.yaml").read_text(encoding="utf-8"))
    with connect(demo_db) as con:
        period = db_periods(con)[-1]
        return {"period": period, "targets": targets, "path": demo_db, "city": region_tasks(con, targets, 2026, period, CITY)}


def open_tasks(county: str | None = None) -> AppTest:
    at = logged_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), "office")
    if county:
        at.session_state["region_level_0"] = county
    at.run()
    at.switch_page("pages/tasks.py").run()
    assert not at.exception
    return at


@pytest.fixture(scope="module")
def city_page(demo_db) -> AppTest:
    return open_tasks()


def test_the_city_page_shows_its_own_task_achieved_and_completion(city_page, world):
    own = world["city"].table
    row = own[(own["region_code"] == CITY) & (own["task_kind"] == "new_insured")].iloc[0]
    assert {m.label: m.value for m in city_page.metric} == {
        "任务数": format_persons(row["task"]),
        "完成数": format_persons(row["achieved"]),
        "完成率": format_completion(row["completion"]),
    }
    assert city_page.title[0].value == "任务完成情况 · 曲靖市 · 2026年"


def test_each_county_is_a_row_and_a_bar_of_completion_with_the_100_percent_line(city_page, world):
    rows = world["city"].table
    counties = rows[(rows["region_code"] != CITY) & (rows["task_kind"] == "new_insured")]
    table = city_page.dataframe[0].value
    assert table["地区"].tolist() == counties["region_name"].tolist()
    assert table["完成率"].tolist() == [format_completion(v) for v in counties["completion"]]
    figure = json.loads(city_page.get("plotly_chart")[0].proto.spec)
    assert figure["layout"]["title"]["text"] == f"新增参保人数完成率 · 曲靖市 · 截至 {period_label(world['period'])}"
    assert [round(v, 9) for v in figure["data"][0]["y"]] == [round(float(v), 9) for v in counties["completion"]]
    assert [s["y0"] for s in figure["layout"]["shapes"]] == [1.0, 10 / 12]  # 100% and 序时进度 at 2026-10
    assert [trace["name"] for trace in figure["data"][1:]] == ["100%", "序时进度 83.3%"]  # the lines' legend
    assert table.loc[table["区划代码"] == FUYUAN, "分解"].tolist() == ["下级合计少 20 人"]


def test_the_short_split_is_a_warning_on_the_page(city_page):
    assert [w.value for w in city_page.warning] == [
        "富源县（530325）2026年新增参保人数任务 730 人，12 个下级合计仅 710 人，少 20 人。"
    ]


def test_split_by_gap_proposes_an_editable_import_ready_table(city_page, world):
    city_page.button(key="tasks_propose").click().run()
    assert not city_page.exception
    editor = city_page.dataframe[1].value  # st.data_editor reads as a dataframe in AppTest
    assert editor.columns.tolist() == ["年度", "区划代码", "区划名称", "任务类型", "差距（人）", "任务人数"]
    with connect(world["path"]) as con:
        from data.tasks import gap_proposal

        proposal = gap_proposal(con, world["targets"], 2026, CITY)
    assert editor["任务人数"].tolist() == [int(v) for v in proposal["task"]]
    assert [b.proto.label for b in city_page.get("download_button")][-2:] == ["导出建议（CSV）", "导出建议（Excel）"]


def test_the_rankings_show_each_townships_task_completion(demo_db, world):
    at = logged_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), "office")
    at.session_state["region_level_0"] = FUYUAN
    at.run()
    at.switch_page("pages/rankings.py").run()
    assert not at.exception
    table = at.dataframe[-1].value
    with connect(world["path"]) as con:
        fuyuan = region_tasks(con, world["targets"], 2026, world["period"], FUYUAN).table
    expected = fuyuan[(fuyuan["task_kind"] == "new_insured") & (fuyuan["region_code"] != FUYUAN)].set_index("region_code")
    shown = dict(zip(table["区划代码"], table["任务完成率（新增参保人数）"]))
    assert shown == {code: format_completion(v) for code, v in expected["completion"].items()}


def test_the_bulletin_carries_a_task_completion_sheet(demo_db, world, tmp_path):
    from openpyxl import load_workbook

    from exports.bulletin import workbook_bytes
    from exports.source import bulletin_from_connection
    from present.texts import Texts

    with connect(demo_db) as con:
        bulletin = bulletin_from_connection(con, world["targets"], CITY, 2026, 3)
        expected = region_tasks(con, world["targets"], 2026, 12 * 2026 + 9, CITY).table
    path = tmp_path / "2026Q3.xlsx"
    path.write_bytes(workbook_bytes(bulletin, Texts("zh")))
    book = load_workbook(path)
    assert book.sheetnames[3] == "任务完成情况"
    sheet = book["任务完成情况"]
    assert sheet["A1"].value == "曲靖市 · 2026年任务完成情况 · 截至 2026-09"
    assert [c.value for c in sheet[3]][:5] == ["区划代码", "地区", "新增参保人数·任务数", "新增参保人数·完成数", "新增参保人数·完成率"]
    city = expected[(expected["region_code"] == CITY) & (expected["task_kind"] == "new_insured")].iloc[0]
    assert [c.value for c in sheet[4]][:5] == [CITY, "曲靖市", int(city["task"]), int(city["achieved"]), float(city["completion"])]
    assert sheet["E4"].number_format == "0.0%"
    assert sheet.max_row == 4 + 9  # the city, then its nine counties


def test_a_bulletin_of_a_year_without_tasks_has_no_task_sheet(demo_db, world, tmp_path):
    from openpyxl import load_workbook

    from exports.bulletin import workbook_bytes
    from exports.source import bulletin_from_connection
    from present.texts import Texts

    with connect(demo_db) as con:
        bulletin = bulletin_from_connection(con, world["targets"], CITY, 2025, 4)
    path = tmp_path / "2025Q4.xlsx"
    path.write_bytes(workbook_bytes(bulletin, Texts("zh")))
    assert "任务完成情况" not in load_workbook(path).sheetnames


def test_the_proposal_exported_as_xlsx_lands_through_the_data_pages_upload(demo_copy, world):
    import os

    from data import upload
    from data.tasks import gap_proposal
    from present.tasks import proposal_xlsx

    path = demo_copy("tasks-upload")
    with connect(path) as con:
        proposal = gap_proposal(con, world["targets"], 2026, FUYUAN)
    data = proposal_xlsx(proposal)
    os.environ["KUOMIAN_TODAY"] = "2026-12-01"
    try:
        preview = upload.preview(data, "富源县任务.xlsx", "tasks", path)
        assert preview.ok, preview.problems
        assert preview.will_replace == 36  # 12 townships × 3 kinds, every one held by the demo
        committed = upload.commit(data, "富源县任务.xlsx", "tasks", path)
    finally:
        os.environ.pop("KUOMIAN_TODAY", None)
    assert committed.ok
    with connect(path) as con:
        held = dict(con.execute("SELECT region_code || task_kind, task FROM tasks WHERE region_code LIKE '530325%' AND region_code <> '530325'").fetchall())
    assert held == {f"{r.region_code}{r.task_kind}": int(r.task) for r in proposal.itertuples() if r.task is not None and r.task == r.task}


def test_a_township_page_says_it_has_no_sub_region_in_chinese_not_an_empty_english_table(demo_db):
    at = logged_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), "reporter", "530381001", "xuanwei-town")
    at.run()
    at.switch_page("pages/tasks.py").run()
    assert not at.exception
    assert [frame.key for frame in at.dataframe if getattr(frame, "key", None) == "tasks_table"] == []
    assert "没有下级地区。" in [caption.value for caption in at.caption]


XUANWEI, WANSHUI = "530381", "530381001"  # 宣威市 reports its employee schemes itself; 宛水街道 is one of its townships


def test_xuanwei_townships_show_no_new_insured_completion_but_the_note(demo_db, world):
    at = open_tasks(XUANWEI)
    table = at.dataframe[0].value
    row = table[table["区划代码"] == WANSHUI].iloc[0]
    assert (row["任务数（人）"], row["完成数（人）"], row["完成率"]) == ("20", "—", "—")
    note = "完成数、完成率不予计算：宣威市直接报送企业职工、机关事业单位，本数值不含这些人员，不参与排名。"
    assert row["说明"] == note
    assert not any(str(v).startswith("-") for v in table["完成率"])
    assert any(i.value.startswith("完成数、完成率不予计算：宣威市直接报送") for i in at.info)
