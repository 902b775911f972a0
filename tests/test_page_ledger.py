"""任务清单 page (issue 14 point 3): the demo county's tasks with their status today, edits kept in history."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.auth import logged_in

from tests.fixtures_data import rows_of

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo_db(demo_copy):
    path = demo_copy("ledger-page")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KUOMIAN_DB", str(path))
        patch.setenv("KUOMIAN_TODAY", "2026-12-01")
        patch.delenv("KUOMIAN_TARGETS", raising=False)
        yield path


def open_ledger(monkeypatch, db) -> AppTest:
    monkeypatch.setenv("KUOMIAN_DB", str(db))  # the autouse fixture points every test at a fresh file
    at = logged_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), "office")
    at.run()
    at.switch_page("pages/ledger.py").run()
    assert not at.exception, at.exception
    return at


def test_ledger_page_lists_the_demo_tasks_with_their_status_today(demo_db, monkeypatch):
    at = open_ledger(monkeypatch, demo_db)
    assert at.title[0].value == "任务清单（挂钩包保、销账管理）"
    assert at.caption[0].value.startswith("今天 2026-12-01：共 12 项任务，已销账 5 项，推进中 2 项，未开始 1 项，逾期 4 项。")
    table = at.dataframe[0].value
    assert table["状态"].tolist() == ["已销账", "已销账", "已销账", "推进中", "逾期", "已销账", "已销账", "逾期", "逾期", "推进中", "未开始", "逾期"]
    assert at.dataframe[1].value.to_dict("records") == [
        {"包保领导": "赵永福", "逾期任务数": 2}, {"包保领导": "李国强", "逾期任务数": 1}, {"包保领导": "王丽", "逾期任务数": 1},
    ]


def test_ledger_page_filters_by_status(demo_db, monkeypatch):
    at = open_ledger(monkeypatch, demo_db)
    at.multiselect(key="ledger_status").set_value(["overdue"]).run()
    assert at.dataframe[0].value["序号"].tolist() == ["5", "8", "9", "12"]


def test_crossing_off_on_the_page_is_saved_with_its_history(demo_db, monkeypatch):
    at = open_ledger(monkeypatch, demo_db)
    at.selectbox(key="ledger_pick").set_value("5").run()
    at.selectbox(key="ledger_edit_status").set_value("done")
    at.text_area(key="ledger_edit_note").set_value("参保率达到 95.1%")
    at.button(key="ledger_save").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "已保存任务 5 的 3 处修改。"
    assert rows_of(demo_db, "SELECT status, done_on::VARCHAR, note FROM ledger WHERE seq = '5'") == [("done", "2026-12-01", "参保率达到 95.1%")]
    assert rows_of(demo_db, "SELECT account, field, old, new FROM ledger_history WHERE seq = '5' ORDER BY change_id") == [
        ("test-office", "status", "in_progress", "done"),
        ("test-office", "note", "差 1.2 个百分点", "参保率达到 95.1%"),
        ("test-office", "done_on", None, "2026-12-01"),
    ]


def test_a_reporter_whose_area_no_task_concerns_is_told_so_not_invited_to_import(demo_db, monkeypatch):
    monkeypatch.setenv("KUOMIAN_DB", str(demo_db))
    at = logged_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), "reporter", "530381001", "xuanwei-town")
    at.run()
    at.switch_page("pages/ledger.py").run()
    assert not at.exception, at.exception
    assert "任务清单中没有涉及您辖区的任务。任务清单由领导小组办公室导入和维护。" in [info.value for info in at.info]
    assert not any(info.value.startswith("还没有任务清单") for info in at.info)
