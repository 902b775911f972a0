"""The data page's 审核与锁定 tab (issue 12, point 3), driven through app.py with AppTest on the demo.

南宁街道 (530302001) uploads its October figures through the page as a township reporter; 麒麟区
(530302), its county, opens the page, sees the upload waiting and approves it; the office locks
October, after which the page says who locked it and the upload of another October file is refused
with the lock named. The session's actor comes from ``ui.session`` (the login will set it).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data import approval
from data.access import Actor
from data.db import connect
from metrics.periods import month_index
from tests.auth import logged_in

ROOT = Path(__file__).resolve().parent.parent
OCT = month_index("2026-10")
SNAPSHOTS_ZH = "统计期,区划代码,险种,参保人数,领取待遇人数,实际缴费人数\n"
TOWN_ROWS = "2026-10,530302001,城乡居民,24930,7653,17500\n"
TOWN = Actor("nn:li", "reporter", "530302001")
COUNTY = Actor("ql:chen", "reporter", "530302")
OTHER_COUNTY = Actor("xw:sun", "reporter", "530381")
OFFICE = Actor("office:wang", "office")


@pytest.fixture
def db(demo_copy) -> Path:
    return demo_copy("approvals-page")


def open_page(db: Path, monkeypatch, actor: Actor, language: str = "zh") -> AppTest:
    monkeypatch.setenv("KUOMIAN_DB", str(db))
    at = logged_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), actor.role, actor.region_code, actor.account)
    at.session_state["language"] = language
    at.session_state["period"] = OCT
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception, at.exception
    return at


def status_row(at: AppTest, code: str) -> dict:
    table = next(df.value for df in at.dataframe if "状态" in df.value.columns and "区划代码" in df.value.columns)
    return table[table["区划代码"] == code].iloc[0].to_dict()


def texts(at: AppTest) -> str:
    return "\n".join([e.value for e in at.error] + [s.value for s in at.success] + [w.value for w in at.warning] + [i.value for i in at.info] + [c.value for c in at.caption])


def town_insured(db: Path) -> int:
    with connect(db) as con:
        return con.execute(
            "SELECT insured FROM snapshots WHERE region_code = '530302001' AND period = ? AND scheme = 'resident'", [OCT]
        ).fetchone()[0]


def upload_as_town(db: Path, monkeypatch) -> int:
    at = open_page(db, monkeypatch, TOWN)
    at.radio(key="data_kind__zh").set_value("snapshots").run()
    at.file_uploader(key="data_upload_0").set_value(("nn.csv", (SNAPSHOTS_ZH + TOWN_ROWS).encode(), "text/csv")).run()
    assert "您是填报账号：确认导入后数据记为“已提交”" in "\n".join(i.value for i in at.info)  # said before the commit
    at.button(key="data_commit").click().run()
    assert not at.exception
    row = status_row(at, "530302001")
    assert (row["状态"], row["提交人"]) == ("已提交，待审核", "nn:li")
    number = int(row["填报编号"])
    assert (
        f"已提交 填报 #{number}（参保缴费快照，nn.csv）：1 行，2026-10。数据须经 麒麟区（县级填报账号）或领导小组办公室"
        " 审核通过后才计入各项指标、排名、预警和报表；审核前不计入。"
    ) in texts(at)
    assert "approve_go" not in [b.key for b in at.button]  # a township does not review
    assert "approve_lock" not in [b.key for b in at.button]  # nor lock
    return number


def test_a_township_uploads_through_the_page_and_its_figures_count_once_its_county_approves_them(db, monkeypatch):
    before = town_insured(db)
    number = upload_as_town(db, monkeypatch)
    assert town_insured(db) == before != 24930  # held: the demo's figure still stands
    at = open_page(db, monkeypatch, COUNTY)
    assert at.selectbox(key="approve_choice").value == number
    held = next(df.value for df in at.dataframe if "行号" in df.value.columns)  # what the county reads before it decides
    assert held.values.tolist() == [[2, "530302001", "南宁街道", "2026-10", "城乡居民", 24930, 7653, 17500]]
    at.button(key="approve_go").click().run()
    assert not at.exception
    assert f"已审核通过填报 {number}：数据已计入" in texts(at)
    row = status_row(at, "530302001")
    assert (row["状态"], row["提交人"], row["审核人"]) == ("已通过", "nn:li", "ql:chen")
    assert "没有待您审核的填报" in texts(at)
    assert town_insured(db) == 24930


def test_another_countys_account_is_offered_nothing_to_review(db, monkeypatch):
    upload_as_town(db, monkeypatch)
    at = open_page(db, monkeypatch, OTHER_COUNTY)
    assert "没有待您审核的填报" in texts(at)
    assert "approve_go" not in [b.key for b in at.button]


def test_the_county_returns_an_upload_with_its_reason_and_nothing_lands(db, monkeypatch):
    before = town_insured(db)
    upload_as_town(db, monkeypatch)
    at = open_page(db, monkeypatch, COUNTY)
    at.button(key="approve_return").click().run()
    assert "退回须写明原因（--reason 原因）" in texts(at)  # nothing happens without a reason
    at.text_input(key="approve_reason_0").input("参保人数与台账不符").run()
    at.button(key="approve_return").click().run()
    assert not at.exception
    row = status_row(at, "530302001")
    assert (row["状态"], row["退回原因"]) == ("已退回", "参保人数与台账不符")
    assert town_insured(db) == before
    with connect(db) as con:
        assert con.execute("SELECT COUNT(*) FROM imports WHERE source = 'nn.csv'").fetchone() == (0,)


def test_the_office_locks_october_and_the_page_says_who_locked_it(db, monkeypatch):
    at = open_page(db, monkeypatch, OFFICE)
    assert "2026-10 未锁定：可导入、可撤销" in texts(at)
    at.text_input(key="approve_lock_reason_0").input("10月已关账").run()
    at.button(key="approve_lock").click().run()
    assert not at.exception
    assert "已锁定 2026-10" in texts(at)
    with connect(db) as con:
        lock = approval.current_locks(con)[OCT]
    assert (lock.account, lock.reason) == ("office:wang", "10月已关账")
    at_text = lock.at.strftime("%Y-%m-%d %H:%M")
    assert f"2026-10 已锁定：office:wang 于 {at_text} 锁定（10月已关账）" in texts(at)
    assert status_row(at, "530302001")["锁定"] == "已锁定（office:wang）"
    assert [b.key for b in at.button if b.key and b.key.startswith("approve_")][-1] == "approve_unlock"

    town = open_page(db, monkeypatch, TOWN)
    town.radio(key="data_kind__zh").set_value("snapshots").run()
    town.file_uploader(key="data_upload_0").set_value(("nn.csv", (SNAPSHOTS_ZH + TOWN_ROWS).encode(), "text/csv")).run()
    assert f"2026-10 已锁定（office:wang 于 {at_text} 锁定：10月已关账），锁定期间不能导入，须由领导小组办公室先解锁" in [
        str(reason) for df in town.dataframe if "原因" in df.value.columns for reason in df.value["原因"]
    ]
    assert "data_commit" not in [b.key for b in town.button]


def test_the_submitter_and_reviewer_columns_are_wide_enough_for_an_account_name(db, monkeypatch):
    """Streamlit's own sizing showed the browser story's submitter "xuanwei-town" as "xuanwei-t"."""
    import json

    upload_as_town(db, monkeypatch)
    at = open_page(db, monkeypatch, COUNTY)
    table = next(frame for frame in at.dataframe if "提交人" in frame.value.columns)
    columns = json.loads(table.proto.columns)
    assert (columns["提交人"]["width"], columns["审核人"]["width"]) == (130, 130)
