"""Self-reporting and approval (issue 12, point 3).

华山街道 (530102001) uploads its December figures as a reporter. They are held, counted nowhere, and
recorded as submitted (submission 1). 五华区 (530102), its county, approves them (they land as an
import), or returns them with a reason (nothing lands). A county's own upload is reviewed by the office.
Nobody else may review, and a reviewed submission is not reviewed again. Submissions recorded before
uploads were held (they landed at once; numbered by their import) are reviewed as they were: approval
records, a return rolls the import back. What the held rows do to the figures: tests/test_pending.py.
"""

from __future__ import annotations

import datetime as dt

import pytest

from data import approval
from data.access import Actor, cli_actor
from data.db import connect
from data.store import RollbackRefused, import_file
from metrics.periods import month_index
from tests.fixtures_data import REGIONS_HEADER, SNAPSHOTS, SNAPSHOTS_HEADER, make_world, rows_of, run, write_csv

DEC, NOV = month_index("2025-12"), month_index("2025-11")
AT = dt.datetime(2026, 1, 5, 9, 0)
TOWN = Actor("hs:li", "reporter", "530102001")  # 华山街道
TOWN2 = Actor("hg:zhao", "reporter", "530102002")  # 护国街道, same county
COUNTY = Actor("wh:chen", "reporter", "530102")  # 五华区
OTHER_COUNTY = Actor("pl:sun", "reporter", "530103")  # 盘龙区
OFFICE = Actor("office:wang", "office")
VIEWER = Actor("mayor", "viewer")


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    monkeypatch.setattr(approval, "_now", lambda: AT)


@pytest.fixture
def db(tmp_path):
    """The small world plus a second county with one township."""
    path = make_world(tmp_path)
    more = [REGIONS_HEADER, ["530103", "盘龙区", "county", "5301"], ["530103001", "拓东街道", "township", "530103"]]
    import_file(path, "regions", write_csv(tmp_path / "more.csv", more))  # import 3
    return path


def town_file(tmp_path, name="town.csv"):
    return write_csv(
        tmp_path / name,
        [
            SNAPSHOTS_HEADER,
            ["2025-11", "530102001", "resident", "880", "300", "450"],
            ["2025-12", "530102001", "resident", "900", "300", "500"],
        ],
    )


@pytest.fixture
def submitted(db, tmp_path):
    """Submission 1: 华山街道's upload of November and December, held (imports 1-3 are the world's)."""
    assert import_file(db, "snapshots", town_file(tmp_path), actor=TOWN).submission_id == 1
    return db


def statuses(db):
    return rows_of(
        db, "SELECT COALESCE(submission_id, import_id), import_id, period, region_code, status, by_account, reviewer, reason"
        " FROM submissions ORDER BY ALL"
    )  # fmt: skip


def old_rule_submission(db, tmp_path) -> int:
    """An upload recorded under the old rule (landed at once, then recorded as submitted by its import): the
    office imports 华山街道's file and the row is written as that rule wrote it. Returns the import (4)."""
    import_id = import_file(db, "snapshots", town_file(tmp_path, "old.csv"), actor=OFFICE).import_id
    with connect(db, write=True) as con:
        con.executemany(
            "INSERT INTO submissions (import_id, period, region_code, status, by_account, submitted_at) VALUES (?, ?, ?, 'submitted', ?, ?)",
            [[import_id, period, "530102001", "hs:li", AT] for period in (NOV, DEC)],
        )
    return import_id


def test_a_reporters_upload_is_submitted_for_each_month_of_its_own_region(submitted):
    assert statuses(submitted) == [
        (1, None, NOV, "530102001", "submitted", "hs:li", None, None),
        (1, None, DEC, "530102001", "submitted", "hs:li", None, None),
    ]


def test_submitted_figures_are_held_not_landed(submitted):
    assert rows_of(submitted, "SELECT COUNT(*) FROM snapshots") == [(0,)]
    assert rows_of(submitted, "SELECT MAX(import_id) FROM imports") == [(3,)]
    assert rows_of(submitted, "SELECT submission_id, kind, row_count, account, import_id FROM pending_uploads") == [(1, "snapshots", 2, "hs:li", None)]


def test_a_county_reporters_upload_is_one_submission_of_the_county(db, tmp_path):
    rows = [SNAPSHOTS_HEADER, ["2025-12", "530102001", "resident", "900", "300", "500"], ["2025-12", "530102002", "resident", "1180", "300", "700"]]
    import_file(db, "snapshots", write_csv(tmp_path / "county.csv", rows), actor=COUNTY)
    assert statuses(db) == [(1, None, DEC, "530102", "submitted", "wh:chen", None, None)]


@pytest.mark.parametrize("actor", [None, OFFICE, cli_actor()], ids=["cli-default", "office", "cli"])
def test_an_upload_by_the_office_or_the_command_line_is_not_a_submission(db, tmp_path, actor):
    import_file(db, "snapshots", town_file(tmp_path), actor=actor)
    assert statuses(db) == []


# Who may review whose submission: (reviewer, submitted region, allowed).
REVIEWS = [
    (COUNTY, "530102001", True),  # a county, its township
    (OFFICE, "530102001", True),
    (Actor("root", "admin"), "530102001", True),
    (OFFICE, "530102", True),  # the office, a county
    (COUNTY, "530102", False),  # a county, itself
    (OTHER_COUNTY, "530102001", False),  # another county's township
    (TOWN, "530102001", False),  # a township, itself
    (TOWN2, "530102001", False),  # a neighbouring township
    (VIEWER, "530102001", False),
]


@pytest.mark.parametrize(("actor", "region", "allowed"), REVIEWS, ids=[f"{a.account}-{r}" for a, r, _ in REVIEWS])
def test_only_the_level_above_reviews_a_submission(db, actor, region, allowed):
    with connect(db) as con:
        assert approval.may_review(con, actor, region) is allowed


def test_the_county_approves_its_townships_submission_and_it_lands_as_an_import(submitted):
    with connect(submitted, write=True) as con:
        assert approval.approve(con, 1, COUNTY) == (
            "approved submission 1 (530102001 2025-11, 2025-12): landed as import 4, 2 row(s), 2 added, 0 replaced"
        )
    assert statuses(submitted) == [
        (1, 4, NOV, "530102001", "approved", "hs:li", "wh:chen", None),
        (1, 4, DEC, "530102001", "approved", "hs:li", "wh:chen", None),
    ]
    assert rows_of(submitted, "SELECT period, insured, import_id FROM snapshots ORDER BY period") == [(NOV, 880, 4), (DEC, 900, 4)]


def test_an_old_rule_submission_is_approved_as_before_without_landing_again(db, tmp_path):
    import_id = old_rule_submission(db, tmp_path)
    with connect(db, write=True) as con:
        assert approval.approve(con, import_id, COUNTY) == "approved import 4 (530102001 2025-11, 2025-12)"
    assert statuses(db) == [
        (4, 4, NOV, "530102001", "approved", "hs:li", "wh:chen", None),
        (4, 4, DEC, "530102001", "approved", "hs:li", "wh:chen", None),
    ]
    assert rows_of(db, "SELECT COUNT(*), MAX(import_id) FROM snapshots") == [(2, 4)]


@pytest.mark.parametrize("actor", [OTHER_COUNTY, TOWN, TOWN2, VIEWER], ids=lambda a: a.account)
def test_a_review_by_the_wrong_level_is_refused_and_changes_nothing(submitted, actor):
    with connect(submitted, write=True) as con, pytest.raises(approval.ApprovalRefused) as refused:
        approval.approve(con, 1, actor)
    assert str(refused.value) == (
        f"{actor.account} may not review the submission of 530102001: a township's is reviewed by its county or the office,"
        " a county's by the office"
    )
    assert refused.value.text("zh") == (
        f"{actor.account} 无权审核 530102001 的填报：乡镇的由所属县（区）或领导小组办公室审核，县（区）的由领导小组办公室审核"
    )
    assert {row[4] for row in statuses(submitted)} == {"submitted"}


def test_a_returned_submission_lands_nothing_and_keeps_its_reason(submitted):
    with connect(submitted, write=True) as con:
        said = approval.return_submission(con, 1, COUNTY, "参保人数与台账不符")
    assert said == "returned submission 1 (530102001 2025-11, 2025-12): nothing was landed"
    assert rows_of(submitted, "SELECT COUNT(*) FROM snapshots") == [(0,)]
    assert statuses(submitted) == [
        (1, None, NOV, "530102001", "returned", "hs:li", "wh:chen", "参保人数与台账不符"),
        (1, None, DEC, "530102001", "returned", "hs:li", "wh:chen", "参保人数与台账不符"),
    ]
    assert rows_of(submitted, "SELECT MAX(import_id) FROM imports") == [(3,)]  # no import, no rollback


def test_an_old_rule_submission_returned_is_rolled_back_and_its_reason_kept(db, tmp_path):
    import_id = old_rule_submission(db, tmp_path)
    with connect(db, write=True) as con:
        said = approval.return_submission(con, import_id, COUNTY, "参保人数与台账不符")
    assert said.startswith("returned import 4 (530102001 2025-11, 2025-12): rolled back import 4")
    assert rows_of(db, "SELECT COUNT(*) FROM snapshots") == [(0,)]
    assert {row[4:] for row in statuses(db)} == {("returned", "hs:li", "wh:chen", "参保人数与台账不符")}
    assert rows_of(db, "SELECT import_id, undoes FROM imports WHERE undoes IS NOT NULL") == [(5, 4)]


def test_a_return_without_a_reason_is_refused(submitted):
    with connect(submitted, write=True) as con, pytest.raises(approval.ApprovalRefused, match=r"^a return needs a reason \(--reason TEXT\)$"):
        approval.return_submission(con, 1, COUNTY, " ")
    assert {row[4] for row in statuses(submitted)} == {"submitted"}


def test_a_reviewed_submission_is_not_reviewed_again(submitted):
    with connect(submitted, write=True) as con:
        approval.approve(con, 1, COUNTY)
        with pytest.raises(approval.ApprovalRefused) as refused:
            approval.return_submission(con, 1, OFFICE, "late")
        with pytest.raises(approval.ApprovalRefused) as again:
            approval.approve(con, 1, OFFICE)
    assert str(refused.value) == "submission 1 was already approved by wh:chen at 2026-01-05 09:00"
    assert refused.value.text("zh") == "填报 1 已由 wh:chen 于 2026-01-05 09:00 审核通过"
    assert str(again.value) == "submission 1 was already approved by wh:chen at 2026-01-05 09:00"
    assert rows_of(submitted, "SELECT COUNT(*), MAX(import_id) FROM snapshots") == [(2, 4)]  # landed once


def test_a_number_that_is_no_submission_cannot_be_reviewed(db):
    with connect(db, write=True) as con, pytest.raises(approval.ApprovalRefused) as refused:
        approval.approve(con, 3, OFFICE)
    assert str(refused.value) == "there is no submission 3 (only reporters' uploads are reviewed; see `kuomian submissions`)"


def test_an_old_rule_return_into_a_locked_month_is_refused_and_nothing_changes(db, tmp_path):
    import_id = old_rule_submission(db, tmp_path)
    with connect(db, write=True) as con:
        approval.lock_period(con, DEC, OFFICE, "12月已关账")
        with pytest.raises(RollbackRefused, match=r"touches a locked month: 2025-12 is locked"):
            approval.return_submission(con, import_id, COUNTY, "参保人数与台账不符")
    assert {row[4] for row in statuses(db)} == {"submitted"}
    assert rows_of(db, "SELECT COUNT(*) FROM snapshots") == [(2,)]


def test_a_held_submission_is_returned_even_into_a_locked_month_as_nothing_is_undone(submitted):
    with connect(submitted, write=True) as con:
        approval.lock_period(con, DEC, OFFICE, "12月已关账")
        approval.return_submission(con, 1, COUNTY, "12月已关账，下月再报")
    assert {row[4] for row in statuses(submitted)} == {"returned"}


def test_an_old_rule_submission_rolled_back_by_the_office_cannot_be_approved(capsys, db, tmp_path):
    import_id = old_rule_submission(db, tmp_path)
    assert run(capsys, "--db", db, "rollback", str(import_id))[0] == 0
    with connect(db, write=True) as con, pytest.raises(approval.ApprovalRefused) as refused:
        approval.approve(con, import_id, COUNTY)
    assert str(refused.value).startswith("import 4 was rolled back at ")


def test_kuomian_submissions_approve_and_return(capsys, submitted, tmp_path):
    import_file(submitted, "snapshots", write_csv(tmp_path / "hg.csv", [SNAPSHOTS_HEADER, SNAPSHOTS[4]]), actor=TOWN2)  # submission 2
    me = cli_actor().account
    assert run(capsys, "--db", submitted, "approve", "1") == (
        0, "approved submission 1 (530102001 2025-11, 2025-12): landed as import 4, 2 row(s), 2 added, 0 replaced\n", ""
    )  # fmt: skip
    assert run(capsys, "--db", submitted, "return", "2")[0] == 2  # --reason is required
    status, out, err = run(capsys, "--db", submitted, "return", "2", "--reason", "缴费人数有误")
    assert (status, out, err) == (0, "returned submission 2 (530102002 2025-12): nothing was landed\n", "")
    status, out, err = run(capsys, "--db", submitted, "submissions", "--period", "2025-12")
    assert status == 0
    assert [line.split() for line in out.splitlines()] == [
        ["number", "import", "period", "region", "status", "by", "reviewer", "reason"],
        ["2", "-", "2025-12", "530102002", "returned", "hg:zhao", me, "缴费人数有误"],
        ["1", "4", "2025-12", "530102001", "approved", "hs:li", me],
    ]
    assert run(capsys, "--db", submitted, "approve", "1") == (
        1, "", f"kuomian approve: submission 1 was already approved by {me} at 2026-01-05 09:00\n"
    )  # fmt: skip


def test_submissions_reviews_and_locks_reach_the_audit_log_through_its_seam(monkeypatch, db, tmp_path):
    """data/audit_hook.py forwards to data.audit.record when it exists (issue 12, point 4); here a stand-in."""
    import types

    calls = []
    audit = types.ModuleType("data.audit")
    audit.record = lambda con, actor, action, detail, region_code=None: calls.append((actor.account, action, detail, region_code))
    monkeypatch.setitem(__import__("sys").modules, "data.audit", audit)
    import_file(db, "snapshots", town_file(tmp_path), actor=TOWN)
    import_file(db, "snapshots", write_csv(tmp_path / "hg.csv", [SNAPSHOTS_HEADER, SNAPSHOTS[4]]), actor=TOWN2)
    with connect(db, write=True) as con:
        approval.lock_period(con, NOV - 1, OFFICE, "10月已关账")
        approval.approve(con, 1, COUNTY)
        approval.return_submission(con, 2, COUNTY, "缴费人数有误")
    assert calls == [
        ("hs:li", "submission", f"submission 1 submitted for 2025-11, 2025-12 ({tmp_path / 'town.csv'}, 2 rows); held until approved", "530102001"),
        ("hg:zhao", "submission", f"submission 2 submitted for 2025-12 ({tmp_path / 'hg.csv'}, 1 rows); held until approved", "530102002"),
        ("office:wang", "period.lock", "2025-10: 10月已关账", None),
        ("wh:chen", "submission.approve", "submission 1 approved (by hs:li): landed as import 4", "530102001"),
        ("wh:chen", "submission.return", "submission 2 returned: 缴费人数有误", "530102002"),
    ]

