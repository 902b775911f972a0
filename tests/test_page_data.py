"""数据 Data page: an analyst brings a township's spreadsheet in, undoes an import, checks data quality.

The upload logic lives in ``data.upload`` (preview, then commit) and the
template bytes in ``present.templates``; both are tested directly on real files and
real DuckDB files. The page itself is driven through ``app.py`` with AppTest
on a demo database (upload included: AppTest can set a file on the uploader).
"""

from __future__ import annotations

from tests.auth import logged_in
import base64
import io
import json
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from streamlit.testing.v1 import AppTest

from data import quality, upload
from data.db import DatabaseBusy, connect
from data.importer import KINDS, check, read_upload
from data.report import metric_series
from data.store import history, import_file, rollback
from metrics.periods import month_index
from present.templates import TEMPLATES, csv_template, file_name, xlsx_template

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS_ZH = "统计期,区划代码,险种,参保人数,领取待遇人数,实际缴费人数\n"
# 530302001 南宁街道 and 530302 麒麟区 are demo regions.
# (The second row is a month the demo does not hold: 530302 itself beside its township would be double counting.)
GOOD_ROWS = "2026-10,530302001,城乡居民,24930,7653,17500\n2026-11,530302001,城乡居民,25000,7660,17000\n"
BAD_ROWS = (
    "2026-13,530302002,城乡居民,100,10,50\n"  # row 2: period
    "2026-10,999999,城乡居民,100,10,50\n"  # row 3: unknown region
    "2026-10,530302003,农民工,100,10,50\n"  # row 4: scheme
    "2026-10,530302005,城乡居民,100,200,50\n"  # row 5: receiving > insured
)


def table_counts(path: Path) -> dict[str, int]:
    with connect(path) as con:
        return {
            table: con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("imports", "regions", "population", "snapshots", "replaced_snapshots")
        }


@pytest.fixture(scope="module")
def demo_db(demo_copy) -> Path:
    path = demo_copy("data-page")
    return path


@pytest.fixture
def fresh_db(demo_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "fresh.duckdb"
    shutil.copyfile(demo_db, path)
    return path


# --------------------------------------------------------------------------- templates


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_each_template_filled_with_its_example_row_is_accepted(demo_db, kind, extension):
    data = csv_template(kind) if extension == "csv" else xlsx_template(kind)
    table = read_upload(data, file_name(kind, extension), KINDS[kind])
    with connect(demo_db) as con:
        checked = check(con, KINDS[kind], table, file_name(kind, extension))
    assert checked.ok, checked.problems
    assert len(checked.frame) == 1
    assert table[list(KINDS[kind].columns)].iloc[0].tolist() == list(TEMPLATES[kind].example)


def test_csv_templates_have_chinese_headers_and_a_bom_so_excel_reads_them():
    expected = {
        "regions": "区划代码,区划名称,层级,上级代码,撤销期,承继代码",  # the optional columns of regions that change
        "population": "统计期,区划代码,应参保人数",
        "snapshots": "统计期,区划代码,险种,参保人数,领取待遇人数,实际缴费人数",
        "pool": "统计期,区划代码,群体,已识别人数,参加职工养老人数,参加居民养老人数",
        "actions": "统计期,区划代码,行动,参保人数",
        "tasks": "年度,区划代码,任务类型,任务人数",  # issue 13 point 3
    }
    assert set(expected) == set(KINDS)
    for kind, header in expected.items():
        data = csv_template(kind)
        assert data.startswith(b"\xef\xbb\xbf")
        lines = data.decode("utf-8-sig").splitlines()
        assert lines[0] == header and len(lines) == 2


def test_xlsx_templates_keep_codes_and_months_as_text():
    sheet = load_workbook(io.BytesIO(xlsx_template("snapshots"))).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    example = [cell.value for cell in sheet[2]]
    assert header == ["统计期", "区划代码", "险种", "参保人数", "领取待遇人数", "实际缴费人数"]
    assert example[:3] == ["2026-10", "530302001", "城乡居民"]  # text, not a date or a number
    assert example[3:] == [24926, 7653, 13327]
    assert sheet["A1"].font.bold


# --------------------------------------------------------------------------- preview and commit


def test_a_bad_file_is_refused_with_every_problem_and_nothing_is_written(fresh_db):
    before = table_counts(fresh_db)
    data = (SNAPSHOTS_ZH + BAD_ROWS).encode("utf-8")
    preview = upload.preview(data, "bad.csv", "snapshots", fresh_db)
    assert not preview.ok and preview.rows == 4 and preview.will_add == 0
    assert preview.problem_lines() == [
        "bad.csv:2: period: '2026-13' has no month 13 (months are 1 to 12)",
        "bad.csv:3: region_code: '999999' is not a known region (import the regions first)",
        preview.problems[2].render("bad.csv"),
        "bad.csv:5: receiving: 200 is more than insured (100)",
    ]
    assert preview.problems[2].row == 4 and preview.problems[2].field == "scheme"
    committed = upload.commit(data, "bad.csv", "snapshots", fresh_db)
    assert not committed.ok and len(committed.problems) == 4
    assert table_counts(fresh_db) == before


def test_a_good_file_shows_what_it_will_add_and_replace_then_lands_on_commit(fresh_db):
    before = table_counts(fresh_db)
    data = (SNAPSHOTS_ZH + GOOD_ROWS).encode("utf-8-sig")
    preview = upload.preview(data, "乡镇快照.csv", "snapshots", fresh_db)
    assert preview.ok
    assert (preview.rows, preview.will_add, preview.will_replace) == (2, 1, 1)
    assert [(w.row, w.field) for w in preview.warnings] == [(2, "paid")]  # 17500 > 24930 - 7653: accepted
    assert table_counts(fresh_db) == before  # a preview writes nothing

    committed = upload.commit(data, "乡镇快照.csv", "snapshots", fresh_db)
    assert committed.ok
    result = committed.result
    assert (result.added, result.replaced, result.source) == (1, 1, "乡镇快照.csv")
    with connect(fresh_db) as con:
        newest = history(con).iloc[0]
        assert (newest["import_id"], newest["source"], newest["added"], newest["replaced"]) == (result.import_id, "乡镇快照.csv", 1, 1)
        paid = con.execute(
            "SELECT paid FROM snapshots WHERE period = ? AND region_code = '530302001' AND scheme = 'resident'",
            [month_index("2026-10")],
        ).fetchone()[0]
    assert paid == 17500


def test_commit_checks_the_file_again_against_the_database_as_it_is_then(fresh_db, tmp_path):
    regions = tmp_path / "new.csv"
    regions.write_text("区划代码,区划名称,层级,上级代码\n530302999,新街道,乡镇,530302\n", encoding="utf-8")
    added = import_file(fresh_db, "regions", regions)
    data = (SNAPSHOTS_ZH + "2026-10,530302999,城乡居民,100,10,50\n").encode("utf-8")
    assert upload.preview(data, "new-township.csv", "snapshots", fresh_db).ok
    with connect(fresh_db, write=True) as con:  # meanwhile, someone undoes the regions import
        rollback(con, added.import_id)
    before = table_counts(fresh_db)
    committed = upload.commit(data, "new-township.csv", "snapshots", fresh_db)
    assert not committed.ok
    assert [(p.row, p.field) for p in committed.problems] == [(2, "region_code")]
    assert table_counts(fresh_db) == before


def test_before_any_database_exists_regions_can_be_previewed_and_facts_are_refused(tmp_path):
    missing = tmp_path / "none.duckdb"
    regions = "区划代码,区划名称,层级,上级代码\n5303,曲靖市,市,\n".encode("utf-8")
    assert upload.preview(regions, "regions.csv", "regions", missing).ok
    facts = upload.preview((SNAPSHOTS_ZH + GOOD_ROWS).encode("utf-8"), "s.csv", "snapshots", missing)
    assert {p.field for p in facts.problems} == {"region_code"}
    assert not missing.exists()  # previewing creates nothing
    assert upload.commit(regions, "regions.csv", "regions", missing).result.added == 1


def test_unreadable_files_are_refused_with_a_reason_not_an_error(demo_db):
    wrong_type = upload.preview(b"a,b", "notes.txt", "snapshots", demo_db)
    assert [(p.row, p.field) for p in wrong_type.problems] == [(1, "file")]
    broken = upload.preview(b"PK\x03\x04 not really a workbook", "broken.xlsx", "snapshots", demo_db)
    assert [(p.row, p.field) for p in broken.problems] == [(1, "file")]
    no_header = upload.preview("统计期,区划代码\n2026-10,530302001\n".encode(), "short.csv", "snapshots", demo_db)
    assert [(p.row, p.field) for p in no_header.problems] == [(1, "header")]
    assert upload.sheet_names(b"PK broken", "broken.xlsx") == [] and upload.sheet_names(b"a", "a.csv") == []


def test_a_workbook_sheet_can_be_chosen(demo_db):
    book = Workbook()
    book.active.title = "说明"
    book.active.append(["本表为填报说明"])
    sheet = book.create_sheet("10月")
    sheet.append(["统计期", "区划代码", "险种", "参保人数", "领取待遇人数", "实际缴费人数"])
    sheet.append(["2026-10", "530302001", "城乡居民", 24926, 7653, 13327])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    assert upload.sheet_names(data, "book.xlsx") == ["说明", "10月"]
    # Without a choice, the one sheet that holds the table is read (the first only explains it).
    assert upload.preview(data, "book.xlsx", "snapshots", demo_db).will_replace == 1
    chosen = upload.preview(data, "book.xlsx", "snapshots", demo_db, sheet="10月")
    assert chosen.ok and chosen.will_replace == 1


HOLD_LOCK = textwrap.dedent(
    """
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    """
)


def test_an_import_running_elsewhere_makes_the_commit_wait_then_say_busy(fresh_db):
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(fresh_db), "20"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        data = (SNAPSHOTS_ZH + GOOD_ROWS).encode("utf-8")
        with pytest.raises(DatabaseBusy) as committing:
            upload.commit(data, "s.csv", "snapshots", fresh_db, wait_seconds=0.3)
        with pytest.raises(DatabaseBusy) as previewing:
            upload.preview(data, "s.csv", "snapshots", fresh_db, wait_seconds=0.3)
        assert committing.value.waited >= 0.3 and previewing.value.waited >= 0.3  # each waited as told, then gave up
    finally:
        holder.kill()
        holder.wait()
    assert upload.commit((SNAPSHOTS_ZH + GOOD_ROWS).encode("utf-8"), "s.csv", "snapshots", fresh_db).ok


# --------------------------------------------------------------------------- the page, through app.py


def open_page(db: Path, monkeypatch, language: str = "zh", period: str | None = None) -> AppTest:
    """The sidebar's choices are made before the first run (AppTest shows no sidebar after a page switch)."""
    monkeypatch.setenv("KUOMIAN_DB", str(db))
    monkeypatch.delenv("KUOMIAN_TARGETS", raising=False)
    at = logged_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60))
    at.session_state["language"] = language
    if period:
        at.session_state["period"] = month_index(period)
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception, at.exception
    return at


def frame(at: AppTest, column: str) -> pd.DataFrame:
    """The table that has ``column`` (st.dataframe keys are not exposed to AppTest)."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def has_table(at: AppTest, column: str) -> bool:
    return any(column in df.value.columns for df in at.dataframe)


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [s.value for s in at.success]
    parts += [w.value for w in at.warning] + [i.value for i in at.info] + [c.value for c in at.caption]
    return "\n".join(parts)


def test_the_history_lists_every_import_newest_first(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch)
    shown = frame(at, "导入编号")
    with connect(demo_db) as con:
        expected = history(con)
    ids = expected["import_id"].tolist()
    assert shown["导入编号"].tolist() == ids == sorted(ids, reverse=True)
    labels = {"regions": "区划", "population": "应参保人口", "snapshots": "参保缴费快照", "pool": "扩面对象实名库", "actions": "六个一批",
              "tasks": "任务下达", "ledger": "任务清单"}  # the demo ships tasks (issue 13) and a task list (issue 14)
    assert shown["数据类型"].tolist() == expected["kind"].map(labels).tolist()
    assert shown["数据类型"].tolist()[-1] == "区划"  # the regions came first
    assert shown["行数"].tolist() == expected["row_count"].tolist()
    assert set(shown["演示数据"]) == {"是"} and set(shown["撤销时间"]) == {"—"}


def test_the_quality_tab_lists_the_township_that_missed_a_month(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch, period="2026-08")
    period = month_index("2026-08")
    with connect(demo_db) as con:
        expected = quality.missing_reports(con, "5303", period)
        series = metric_series(con, targets_state_for_test(), ["5303"], [period])
    shown = frame(at, "最近一次报送")
    assert shown["区划代码"].tolist() == expected["code"].tolist() == ["530323103"]  # 师宗县葵山镇
    assert shown["地区"].tolist() == ["葵山镇"] and shown["最近一次报送"].tolist() == ["2026-07"]
    assert "2026-08 未报送的地区：1 个" in texts(at)
    # The chart shows the completeness the metrics compute.
    (chart,) = [json.loads(element.proto.spec) for element in at.get("plotly_chart")]
    values = dict(zip(chart["data"][1]["x"], plotly_numbers(chart["data"][1]["y"])))
    assert values["2026-08"] == pytest.approx(series["completeness"].iloc[0])
    assert chart["layout"]["title"]["text"] == "曲靖市 · 报送完整率（截至 2026-08）"
    # The demo's county-level employee/public rows above resident-only townships are not double counting.
    assert "重复计算" in texts(at) and not has_table(at, "同时报送的下级地区")


def plotly_numbers(values) -> list[float]:
    """Plotly sends numeric arrays base64-encoded (``{"dtype": "f8", "bdata": ...}``)."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def targets_state_for_test():
    from metrics.targets import parse_targets

    return parse_targets((ROOT / "config" / "targets.yaml").read_text(encoding="utf-8"))


def test_templates_are_offered_as_csv_and_xlsx_downloads(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch)
    keys = {button.key for button in at.download_button}
    assert {f"template_{ext}_{kind}" for ext in ("csv", "xlsx") for kind in KINDS} <= keys


def test_switching_to_english_changes_the_page_labels(demo_db, monkeypatch):
    at = open_page(demo_db, monkeypatch)
    assert at.title[0].value == "数据导入与质量"
    assert [tab.label for tab in at.tabs] == ["上传导入", "模板下载", "导入记录", "数据质量", "审核与锁定"]
    # One switch and one run: AppTest formats the sidebar's choices outside the script, in the default language.
    at.session_state["language"] = "en"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Data import and quality"
    assert [tab.label for tab in at.tabs] == ["Upload", "Templates", "Import history", "Data quality", "Approval and locks"]
    assert list(frame(at, "Import").columns)[:3] == ["Import", "Kind", "Source"]
    assert frame(at, "Import")["Kind"].tolist()[-1] == "Regions"
    assert at.radio(key="data_kind__en").options[:3] == ["Regions", "Required population", "Enrolment and payment snapshots"]
    assert len(at.radio(key="data_kind__en").options) == len(KINDS)


def test_uploading_a_bad_then_a_good_file_through_the_page(fresh_db, monkeypatch):
    at = open_page(fresh_db, monkeypatch)
    at.radio(key="data_kind__zh").set_value("snapshots").run()
    at.file_uploader(key="data_upload_0").set_value(("bad.csv", (SNAPSHOTS_ZH + BAD_ROWS).encode(), "text/csv")).run()
    assert not at.exception
    assert "共 4 个问题，未写入任何数据" in texts(at)
    problems = frame(at, "原因")
    assert problems["行号"].tolist() == [2, 3, 4, 5]
    assert problems["字段"].tolist() == ["统计期", "区划代码", "险种", "领取待遇人数"]
    assert all(button.key != "data_commit" for button in at.button)
    assert problems["原因"].tolist()[1] == "“999999”不是已知区划（请先导入区划）"  # the reasons in the user's language
    assert "bad.csv:3: 区划代码: “999999”不是已知区划（请先导入区划）" in "\n".join(c.value for c in at.code)

    before = table_counts(fresh_db)
    next_id = before["imports"] + 1
    at.file_uploader(key="data_upload_0").set_value(("good.csv", (SNAPSHOTS_ZH + GOOD_ROWS).encode(), "text/csv")).run()
    assert "检查通过" in texts(at) and table_counts(fresh_db) == before
    at.button(key="data_commit").click().run()
    assert not at.exception
    assert f"已导入 #{next_id}（参保缴费快照，good.csv）：新增 1 行，替换 1 行。" in texts(at)
    assert [u.key for u in at.file_uploader] == ["data_upload_1"]  # the uploader was cleared
    assert frame(at, "导入编号")["导入编号"].tolist()[0] == next_id
    assert table_counts(fresh_db)["snapshots"] == before["snapshots"] + 1


def test_undoing_an_import_through_the_page_needs_a_confirmation(fresh_db, monkeypatch, tmp_path):
    source = tmp_path / "user.csv"
    source.write_text(SNAPSHOTS_ZH + GOOD_ROWS, encoding="utf-8")
    done = import_file(fresh_db, "snapshots", source)
    at = open_page(fresh_db, monkeypatch)
    assert at.selectbox(key="data_rollback_id__zh").value == done.import_id
    assert at.button(key="data_rollback_go").disabled
    at.checkbox(key=f"data_rollback_sure_0_{done.import_id}").check().run()
    at.button(key="data_rollback_go").click().run()
    assert not at.exception
    assert f"已撤销导入 #{done.import_id}（{source}）：删除 2 行，恢复 1 行原值。" in texts(at)
    with connect(fresh_db) as con:
        entries = history(con).set_index("import_id")
    assert not pd.isna(entries.at[done.import_id, "rolled_back_at"])
    assert entries.index[0] == done.import_id + 1  # the rollback is itself in the history (issue 10, point 8)
    assert entries.at[done.import_id + 1, "undoes"] == done.import_id
    # A rollback the store refuses is shown as an error, and changes nothing.
    before = table_counts(fresh_db)
    at.selectbox(key="data_rollback_id__zh").set_value(1).run()
    at.checkbox(key="data_rollback_sure_1_1").check().run()
    at.button(key="data_rollback_go").click().run()
    assert any("无法撤销" in e.value for e in at.error)
    assert not any("已撤销" in message.value for message in at.success)  # the earlier success is not shown beside it
    assert table_counts(fresh_db) == before


def test_the_upload_lists_every_problem_in_english_when_the_sidebar_says_english(fresh_db, monkeypatch):
    """A clerk who reads English sees every problem of a 2-row file, with the file's 2 rows counted."""
    at = open_page(fresh_db, monkeypatch)
    # One switch and one run (see test_switching_to_english_changes_the_page_labels); snapshots are the default kind.
    at.session_state["language"] = "en"
    rows = "2026.1,530302002,城乡居民,100,10,50\n2026-10,530302003,城乡居民,1e3,10,50\n"
    at.file_uploader(key="data_upload_0").set_value(("two.csv", (SNAPSHOTS_ZH + rows).encode(), "text/csv")).run()
    assert not at.exception
    assert at.metric[0].value == "2"
    problems = frame(at, "Reason")
    assert problems["Row"].tolist() == [2, 3]
    assert problems["Field"].tolist() == ["period", "insured"]
    assert problems["Reason"].tolist() == [
        "'2026.1' is a number, not a month (Excel turns 2026.10 into 2026.1); type the month as text, e.g. 2026-10",
        "'1e3' is not a whole number (write a count in the digits 0-9, e.g. 1234 or 1,234)",
    ]


def test_a_file_that_cannot_be_read_shows_no_row_count_rather_than_zero(demo_db):
    short = upload.preview("统计期,区划代码\n2026-10,530302001\n2026-10,530302002\n".encode(), "short.csv", "snapshots", demo_db)
    assert (short.rows, [p.field for p in short.problems]) == (None, ["header"])


def test_the_import_summary_shows_the_months_added_and_replaced(fresh_db, monkeypatch):
    at = open_page(fresh_db, monkeypatch)
    at.radio(key="data_kind__zh").set_value("snapshots").run()
    at.file_uploader(key="data_upload_0").set_value(("good.csv", (SNAPSHOTS_ZH + GOOD_ROWS).encode(), "text/csv")).run()
    at.button(key="data_commit").click().run()
    assert not at.exception
    assert "新增 2026-11 的 1 行；替换 2026-10 的 1 行" in [c.value for c in at.caption]


def test_a_reporter_is_offered_for_rollback_only_the_imports_it_may_roll_back(fresh_db, monkeypatch, tmp_path):
    """宣威市's reporter: its own import is offered (its townships' tasks: a reporter's month figures are held
    for approval, brief pend5, and once approved no longer its to undo); the office's import of its own township,
    another county's import and the demo's imports are not (data.scope.rollback_problem, the rule the server applies)."""
    from data.access import Actor

    def land(name: str, rows: str, actor: Actor, kind: str = "snapshots", header: str = SNAPSHOTS_ZH) -> int:
        source = tmp_path / name
        source.write_text(header + rows, encoding="utf-8")
        return import_file(fresh_db, kind, source, actor=actor).import_id

    own = land("own.csv", "2026,530381001,new_insured,120\n", Actor("xuanwei", "reporter", "530381", "test"), "tasks", "year,region_code,task_kind,task\n")
    land("office.csv", "2026-11,530381002,城乡居民,100,10,50\n", Actor("office", "office", None, "test"))
    land("other.csv", GOOD_ROWS, Actor("office", "office", None, "test"))
    monkeypatch.setenv("KUOMIAN_DB", str(fresh_db))
    at = logged_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), "reporter", "530381", "xuanwei")
    at.session_state["language"] = "zh"
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="data_rollback_id__zh").options == [f"#{own} · 任务下达 · {tmp_path / 'own.csv'} · 1 行"]
    assert frame(at, "导入编号")["导入编号"].tolist() == [own]
