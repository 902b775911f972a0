"""The task ledger (任务清单, 包保, 销账; issue 14 point 3): status rules, import, edits, history, exports."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook

from data import ledger
from data.access import Actor
from data.db import connect
from data.importer import ImportRefused
from data.store import rollback
from metrics.ledger import overdue_by_leader, overdue_by_region, status_counts, task_status, with_status
from tests.fixtures_data import make_world, rows_of, run, write_csv, write_xlsx

TODAY = dt.date(2026, 12, 1)
OFFICE = Actor("office1", "office")
HEADER = ["序号", "工作内容", "工作目标", "具体措施", "完成时限", "责任单位", "包保领导", "涉及区划", "状态", "备注", "销账日期"]


# --------------------------------------------------------------------------- status rules


def test_status_crossed_off_when_a_date_crossed_off_is_given():
    assert task_status("in_progress", dt.date(2026, 9, 30), dt.date(2026, 9, 1), TODAY) == "done"


def test_status_crossed_off_after_the_deadline_stays_crossed_off():
    assert task_status("done", dt.date(2026, 9, 30), dt.date(2026, 10, 20), TODAY) == "done"


def test_status_overdue_when_the_deadline_passed_and_not_crossed_off():
    assert task_status("in_progress", dt.date(2026, 11, 30), None, TODAY) == "overdue"
    assert task_status("not_started", dt.date(2026, 1, 31), None, TODAY) == "overdue"


def test_status_deadline_day_itself_is_not_overdue():
    assert task_status("in_progress", TODAY, None, TODAY) == "in_progress"


def test_status_in_progress_when_marked_and_in_time():
    assert task_status("in_progress", dt.date(2026, 12, 31), None, TODAY) == "in_progress"


def test_status_not_started_otherwise():
    assert task_status("not_started", dt.date(2026, 12, 31), None, TODAY) == "not_started"


def _tasks() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "seq": ["1", "2", "3", "4"],
            "deadline": [dt.date(2026, 10, 31), dt.date(2026, 9, 30), dt.date(2026, 12, 31), dt.date(2026, 6, 30)],
            "status": ["in_progress", "not_started", "in_progress", "done"],
            "done_on": [None, None, None, dt.date(2026, 6, 1)],
            "leader": ["赵永福", None, "赵永福", "王丽"],
            "regions": ["530102001,530102002", None, "530102001", "530102002"],
        }
    )


def test_overdue_counted_per_leader_a_task_without_leader_under_none_given():
    counts = overdue_by_leader(_tasks(), TODAY)
    assert counts.to_dict("records") == [{"leader": "赵永福", "overdue": 1}, {"leader": "（未指定）", "overdue": 1}]


def test_overdue_counted_once_per_region_a_task_without_regions_under_the_whole():
    counts = overdue_by_region(_tasks(), TODAY)
    assert counts.to_dict("records") == [
        {"region_code": "", "overdue": 1},
        {"region_code": "530102001", "overdue": 1},
        {"region_code": "530102002", "overdue": 1},
    ]
    assert status_counts(_tasks(), TODAY) == {"not_started": 0, "in_progress": 1, "done": 1, "overdue": 2}
    assert with_status(_tasks(), TODAY)["days_over"].tolist() == [31, 62, 0, 0]


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "text, day",
    [
        ("2026-09-30", dt.date(2026, 9, 30)),
        ("2026/9/3", dt.date(2026, 9, 3)),
        ("2026.10.15", dt.date(2026, 10, 15)),
        ("2026年9月30日", dt.date(2026, 9, 30)),
        ("２０２６年９月３０日前", dt.date(2026, 9, 30)),
        ("2026年9月底", dt.date(2026, 9, 30)),
        ("2026年2月", dt.date(2026, 2, 28)),
        ("2026年底", dt.date(2026, 12, 31)),
    ],
)
def test_deadline_written_as_plans_write_it_is_read_as_a_day(text, day):
    assert ledger.parse_date(text) == day


def test_deadline_without_a_day_is_refused():
    refusal = ledger.parse_date("长期坚持", what="a deadline", what_zh="完成时限")
    assert refusal.en == "'长期坚持' is not a deadline (write e.g. 2026-09-30 or 2026年9月30日; a month alone means its last day)"
    assert ledger.parse_date("2026-02-30").zh == "“2026-02-30”不是日历上的日期"


# --------------------------------------------------------------------------- import


def _plan_file(tmp_path, rows, name="任务清单.xlsx"):
    """A plan's task list as offices send it: a title line, the header, the tasks, a footer."""
    sheet = [["会泽县全民参保扩面工作任务清单"], HEADER, *rows, ["填表人：张三"]]
    return write_xlsx(tmp_path / name, {"任务清单": sheet})


GOOD = [
    ["1", "制定实施方案", "方案印发", "起草审定", "2026年3月31日", "县人社局", "张明华", "五华区", "已销账", "", "2026-03-20"],
    ["2", "上门动员", "新增 100 人", "入户", "2026-10-31", "华山街道", "赵永福", "华山街道、530102002", "推进中", "", ""],
    ["3", "考核评估", "", "", "2026年12月底", "县扩面办", "", "", "", "", ""],
]


def test_plan_task_list_is_imported_with_title_and_footer_skipped(tmp_path, monkeypatch):
    monkeypatch.setenv("KUOMIAN_TODAY", "2026-12-01")
    db = make_world(tmp_path)
    result = ledger.import_file(db, _plan_file(tmp_path, GOOD), OFFICE)
    assert (result.row_count, result.added, result.replaced) == (3, 3, 0)
    assert result.notes == ("row 6: footer line skipped",)
    assert rows_of(db, "SELECT seq, deadline, leader, regions, status, done_on FROM ledger ORDER BY seq") == [
        ("1", dt.date(2026, 3, 31), "张明华", "530102", "done", dt.date(2026, 3, 20)),
        ("2", dt.date(2026, 10, 31), "赵永福", "530102001,530102002", "in_progress", None),
        ("3", dt.date(2026, 12, 31), None, None, "not_started", None),
    ]
    assert rows_of(db, "SELECT kind, row_count FROM imports ORDER BY import_id DESC LIMIT 1") == [("ledger", 3)]
    assert rows_of(db, "SELECT seq, account, field, new FROM ledger_history ORDER BY change_id") == [
        ("1", "office1", "created", str(tmp_path / "任务清单.xlsx")),
        ("2", "office1", "created", str(tmp_path / "任务清单.xlsx")),
        ("3", "office1", "created", str(tmp_path / "任务清单.xlsx")),
    ]


def test_a_refused_task_list_names_every_problem_and_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("KUOMIAN_TODAY", "2026-12-01")
    db = make_world(tmp_path)
    before = rows_of(db, "SELECT COUNT(*) FROM imports")
    bad = [
        ["1", "", "", "", "长期坚持", "县人社局", "", "", "", "", ""],
        ["1", "重复", "", "", "2026-09-30", "", "", "不存在乡", "逾期", "", ""],
        ["3", "已销账无日期", "", "", "2026-09-30", "县人社局", "", "", "已销账", "", ""],
        ["4", "日期在今天之后", "", "", "2026-09-30", "县人社局", "", "", "推进中", "", "2026-12-05"],
    ]
    with pytest.raises(ImportRefused) as refused:
        ledger.import_file(db, write_csv(tmp_path / "t.csv", [HEADER, *bad]), OFFICE)
    assert [p.render("t.csv", "zh") for p in refused.value.problems] == [
        "t.csv:2: 工作内容: 为空",
        "t.csv:2: 完成时限: “长期坚持”不是完成时限（请写成 2026-09-30 或 2026年9月30日；只写月份表示该月最后一天）",
        "t.csv:3: 涉及区划: “不存在乡”不是已知区划（请填写区划代码或准确名称；请先导入区划）",
        "t.csv:3: 序号: “1”与第 2 行重复",
        "t.csv:3: 状态: “逾期”由完成时限自动判断，不需填写；请填写 未开始 或 推进中",
        "t.csv:3: 责任单位: 为空",
        "t.csv:4: 销账日期: 为空；已销账的任务须填写销账日期",
        "t.csv:5: 销账日期: 2026-12-05 晚于今天（2026-12-01）",
        "t.csv:5: 状态: “推进中”与销账日期（2026-12-05）矛盾；请填写 已销账 或删去销账日期",
    ]
    assert rows_of(db, "SELECT COUNT(*) FROM imports") == before
    assert rows_of(db, "SELECT COUNT(*) FROM ledger") == [(0,)]


def test_a_status_beside_a_date_crossed_off_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("KUOMIAN_TODAY", "2026-12-01")
    db = make_world(tmp_path)
    row = ["1", "任务", "", "", "2026-09-30", "县人社局", "", "", "推进中", "", "2026-09-01"]
    with pytest.raises(ImportRefused) as refused:
        ledger.import_file(db, write_csv(tmp_path / "t.csv", [HEADER, row]), OFFICE)
    assert [p.render("t.csv") for p in refused.value.problems] == [
        "t.csv:2: status: '推进中' beside a date crossed off (2026-09-01); write 已销账 or clear the date"
    ]


def test_reimport_replaces_by_seq_keeps_the_changes_and_rolls_back(tmp_path, monkeypatch):
    monkeypatch.setenv("KUOMIAN_TODAY", "2026-12-01")
    db = make_world(tmp_path)
    first = ledger.import_file(db, _plan_file(tmp_path, GOOD), OFFICE)
    changed = [["2", "上门动员", "新增 100 人", "入户", "2026-11-30", "华山街道", "李四", "华山街道", "推进中", "", ""]]
    second = ledger.import_file(db, write_csv(tmp_path / "again.csv", [HEADER, *changed]), OFFICE)
    assert (second.added, second.replaced) == (0, 1)
    assert rows_of(db, "SELECT field, old, new FROM ledger_history WHERE import_id = ? ORDER BY field", [second.import_id]) == [
        ("deadline", "2026-10-31", "2026-11-30"),
        ("leader", "赵永福", "李四"),
        ("regions", "530102001,530102002", "530102001"),
    ]
    with connect(db, write=True) as con:
        rollback(con, second.import_id)
    assert rows_of(db, "SELECT leader, deadline FROM ledger WHERE seq = '2'") == [("赵永福", dt.date(2026, 10, 31))]
    with connect(db, write=True) as con:
        rollback(con, first.import_id)
    assert rows_of(db, "SELECT COUNT(*) FROM ledger") == [(0,)]


# --------------------------------------------------------------------------- edits


def _imported(tmp_path, monkeypatch):
    monkeypatch.setenv("KUOMIAN_TODAY", "2026-12-01")
    db = make_world(tmp_path)
    ledger.import_file(db, _plan_file(tmp_path, GOOD), OFFICE)
    return db


def test_crossing_off_without_a_date_takes_today_and_is_kept_in_history(tmp_path, monkeypatch):
    db = _imported(tmp_path, monkeypatch)
    with connect(db, write=True) as con:
        made = ledger.update_task(con, "2", {"status": "已销账", "note": "完成 120 人"}, Actor("zhang", "office"), TODAY)
    assert made == [("status", "in_progress", "done"), ("note", None, "完成 120 人"), ("done_on", None, "2026-12-01")]
    assert rows_of(db, "SELECT account, role, field, old, new, import_id FROM ledger_history WHERE seq = '2' AND field <> 'created' ORDER BY change_id") == [
        ("zhang", "office", "status", "in_progress", "done", None),
        ("zhang", "office", "note", None, "完成 120 人", None),
        ("zhang", "office", "done_on", None, "2026-12-01", None),
    ]
    audited = rows_of(db, "SELECT account, action FROM audit_log WHERE action = 'ledger' ORDER BY entry_id")
    assert audited[-1] == ("zhang", "ledger")


def test_reopening_a_task_clears_its_date_crossed_off(tmp_path, monkeypatch):
    db = _imported(tmp_path, monkeypatch)
    with connect(db, write=True) as con:
        made = ledger.update_task(con, "1", {"status": "推进中"}, OFFICE, TODAY)
    assert made == [("status", "done", "in_progress"), ("done_on", "2026-03-20", None)]


def test_an_edit_to_overdue_or_a_bad_date_is_refused_and_changes_nothing(tmp_path, monkeypatch):
    db = _imported(tmp_path, monkeypatch)
    before = rows_of(db, "SELECT * FROM ledger ORDER BY seq")
    with connect(db, write=True) as con:
        with pytest.raises(ledger.EditRefused) as refused:
            ledger.update_task(con, "2", {"status": "逾期", "deadline": "下个月"}, OFFICE, TODAY)
    assert [(f, zh) for f, _, zh in refused.value.problems] == [
        ("status", "“逾期”由完成时限自动判断，不需填写；请填写 未开始 或 推进中"),
        ("deadline", "“下个月”不是日期（请写成 2026-09-30 或 2026年9月30日；只写月份表示该月最后一天）"),
    ]
    assert rows_of(db, "SELECT * FROM ledger ORDER BY seq") == before


@pytest.mark.parametrize("role", ["viewer", "reporter"])
def test_only_the_office_keeps_the_ledger(tmp_path, monkeypatch, role):
    """The task list is the office's (任务清单销账制度): a viewer or a reporter can neither edit nor import it."""
    db = _imported(tmp_path, monkeypatch)
    before = rows_of(db, "SELECT * FROM ledger ORDER BY seq")
    with connect(db, write=True) as con:
        with pytest.raises(PermissionError):
            ledger.update_task(con, "2", {"note": "x"}, Actor("someone", role, "530326"), TODAY)
    with pytest.raises(ImportRefused) as refused:
        ledger.import_file(db, _plan_file(tmp_path, GOOD), Actor("someone", role, "530326"))
    assert [p.reason_zh for p in refused.value.problems] == ["账号 someone 无权导入任务清单：任务清单由领导小组办公室和管理员维护"]
    assert rows_of(db, "SELECT * FROM ledger ORDER BY seq") == before


# --------------------------------------------------------------------------- demo, CLI, export


def test_demo_ships_a_county_task_list_some_done_some_overdue(demo_copy):
    with connect(demo_copy("ledger-demo")) as con:
        tasks = ledger.tasks(con)
    assert len(tasks) == 12
    assert status_counts(tasks, TODAY) == {"not_started": 1, "in_progress": 2, "done": 5, "overdue": 4}
    assert overdue_by_leader(tasks, TODAY).to_dict("records") == [
        {"leader": "赵永福", "overdue": 2}, {"leader": "李国强", "overdue": 1}, {"leader": "王丽", "overdue": 1},
    ]


def test_cli_imports_a_ledger_and_lists_it_as_csv(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KUOMIAN_TODAY", "2026-12-01")
    db = make_world(tmp_path)
    status, out, err = run(capsys, "--db", db, "import", "ledger", _plan_file(tmp_path, GOOD))
    assert status == 0, err
    assert "3 ledger row(s), 3 added, 0 replaced" in out
    status, out, err = run(capsys, "--db", db, "ledger", "--format", "csv")
    assert status == 0, err
    lines = out.lstrip("\ufeff").splitlines()
    assert lines[0] == "序号,工作内容,工作目标,具体措施,完成时限,责任单位,包保领导,涉及区划,状态,逾期天数,销账日期,备注"
    assert lines[2] == "2,上门动员,新增 100 人,入户,2026-10-31,华山街道,赵永福,华山街道、护国街道,逾期,31,,"


def test_ledger_workbook_opens_with_chinese_headers_and_inert_text(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KUOMIAN_TODAY", "2026-12-01")
    db = make_world(tmp_path)
    rows = [*GOOD, ["4", "=1+2", "", "", "2026-12-31", "县人社局", "", "", "", "", ""]]
    ledger.import_file(db, write_csv(tmp_path / "t.csv", [HEADER, *rows]), OFFICE)
    status, out, err = run(capsys, "--db", db, "ledger", "--format", "xlsx", "--output", tmp_path / "l.xlsx")
    assert status == 0, err
    book = load_workbook(tmp_path / "l.xlsx")
    assert book.sheetnames == ["任务清单", "逾期统计", "状态规则"]
    sheet = book["任务清单"]
    assert [c.value for c in sheet[3]] == ["序号", "工作内容", "工作目标", "具体措施", "完成时限", "责任单位", "包保领导", "涉及区划", "状态", "逾期天数", "销账日期", "备注"]
    assert [c.value for c in sheet[5]][:10] == ["2", "上门动员", "新增 100 人", "入户", "2026-10-31", "华山街道", "赵永福", "华山街道、护国街道", "逾期", 31]
    assert sheet["B7"].value == "'=1+2"
    overdue = book["逾期统计"]
    assert [[c.value for c in row] for row in overdue.iter_rows(min_row=3, max_row=4)] == [["包保领导", "逾期任务数"], ["赵永福", 1]]


def test_overview_and_briefing_lines_count_overdue_tasks_per_leader_and_region(demo_copy):
    from present.ledger import overdue_pairs, overdue_pairs_text, overview_caption
    from present.texts import Texts

    with connect(demo_copy("ledger-lines")) as con:
        tasks, names = ledger.tasks(con), ledger.region_names(con)
    township = {"530326212"}
    assert overview_caption(tasks, TODAY, names, township, Texts("zh")) == (
        "任务清单：逾期 4 项（赵永福 2 项、李国强 1 项、王丽 1 项）；逾期任务（按区划）：上村乡 1 项"
    )
    assert overdue_pairs_text(overdue_pairs(tasks, TODAY), Texts("zh")) == "逾期任务 4 项：赵永福 2 项、李国强 1 项、王丽 1 项"


def test_the_briefing_names_the_overdue_tasks_per_leader(demo_copy, monkeypatch):
    from exports.briefing import briefing_figure
    from exports.source import briefing_from_connection
    from metrics.periods import month_index
    from metrics.targets import parse_targets
    from present.texts import Texts
    from tests.fixtures_data import PROJECT_ROOT

    monkeypatch.setenv("KUOMIAN_TODAY", "2026-12-01")
    targets = parse_targets((PROJECT_ROOT / "config" / "targets.yaml").read_text(encoding="utf-8"))
    with connect(demo_copy("ledger-briefing")) as con:
        briefing = briefing_from_connection(con, targets, "5303", month_index("2026-10"), "coverage_rate")
    assert briefing.overdue_tasks == (("赵永福", 2), ("李国强", 1), ("王丽", 1))
    texts = [a.text for a in briefing_figure(briefing, Texts("zh")).layout.annotations]
    assert "逾期任务 4 项：赵永福 2 项、李国强 1 项、王丽 1 项" in texts


def test_an_empty_ledger_cell_is_missing_and_a_date_cell_gives_its_day():
    import datetime as dt

    import pandas as pd

    from metrics.ledger import cell_date, is_missing

    assert [is_missing(v) for v in (None, float("nan"), pd.NaT, pd.NA, "", "2026-01-01", 0)] == [True, True, True, True, False, False, False]
    assert cell_date(pd.Timestamp("2026-03-31 08:00")) == dt.date(2026, 3, 31)
    assert cell_date(dt.datetime(2026, 3, 31, 8)) == dt.date(2026, 3, 31)
    assert cell_date(dt.date(2026, 3, 31)) == dt.date(2026, 3, 31)
    assert cell_date("2026-03-31") is None
