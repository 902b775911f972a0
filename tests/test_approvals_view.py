"""The data page's status table (issue 12, point 3): per township and month, who submitted, who reviewed, the lock.

Built by ``present.approvals`` from plain frames, without streamlit, so every cell is asserted here.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data.approval import SUBMISSION_COLUMNS, Lock
from metrics.periods import month_index
from present.approvals import held_table, pending_options, status_counts, township_status

DEC, NOV = month_index("2025-12"), month_index("2025-11")
T = pd.Timestamp("2026-01-05 09:00")

REGIONS = pd.DataFrame(
    {
        "code": ["5301", "530102", "530102001", "530102002", "530102003", "530103", "530103001"],
        "name": ["昆明市", "五华区", "华山街道", "护国街道", "大观街道", "盘龙区", "拓东街道"],
        "level": ["city", "county", "township", "township", "township", "county", "township"],
        "parent_code": [None, "5301", "530102", "530102", "530102", "5301", "530103"],
        "lineage": [
            ["5301"], ["530102", "5301"], ["530102001", "530102", "5301"], ["530102002", "530102", "5301"],
            ["530102003", "530102", "5301"], ["530103", "5301"], ["530103001", "530103", "5301"],
        ],
    }
)  # fmt: skip


def submission(import_id, period, region, status, by, reviewer=None, reason=None, rolled_back=None, held=False):
    """One row of ``data.approval.submissions``: an old-rule submission (numbered by its import) unless ``held``
    (then ``import_id`` is the submission's number and no import holds it unless approved)."""
    landed = None if held and status != "approved" else import_id
    return dict(
        zip(
            SUBMISSION_COLUMNS,
            [import_id, landed, period, region, REGIONS.set_index("code").at[region, "name"], "township", status, by, T,
             reviewer, T if reviewer else None, reason, f"{region}.xlsx", rolled_back, held],
        )
    )  # fmt: skip


SUBS = pd.DataFrame(
    [
        submission(9, DEC, "530102001", "approved", "hs:li", "wh:chen"),
        submission(8, DEC, "530102001", "returned", "hs:li", "wh:chen", "参保人数与台账不符", T),  # superseded by 9
        submission(7, DEC, "530102002", "returned", "hg:zhao", "wh:chen", "缴费人数有误", T),
        submission(6, DEC, "530103", "submitted", "pl:sun"),  # a county's upload covers its townships
        submission(5, NOV, "530102003", "submitted", "dg:wu"),  # another month
    ]
)
LOCKS = {DEC: Lock(DEC, "office:wang", dt.datetime(2026, 1, 6, 17, 0), "12月已关账")}


def cells(table: pd.DataFrame) -> list[list]:
    """The shown cells, a missing one as None."""
    return [[None if pd.isna(cell) else cell for cell in row] for row in table.drop(columns="key").astype(object).values.tolist()]


def test_each_township_has_its_newest_submission_status_and_who_by_sorted_by_what_needs_attention():
    table = township_status(REGIONS, SUBS, LOCKS, "5301", DEC, "zh")
    assert cells(table) == [
        ["530103001", "拓东街道", "盘龙区", "已提交，待审核", 6, "pl:sun", "2026-01-05 09:00", "", "", "", "已锁定（office:wang）"],
        ["530102002", "护国街道", "五华区", "已退回", 7, "hg:zhao", "2026-01-05 09:00", "wh:chen", "2026-01-05 09:00", "缴费人数有误", "已锁定（office:wang）"],
        ["530102001", "华山街道", "五华区", "已通过", 9, "hs:li", "2026-01-05 09:00", "wh:chen", "2026-01-05 09:00", "", "已锁定（office:wang）"],
        ["530102003", "大观街道", "五华区", "未提交", None, "", "", "", "", "", "已锁定（office:wang）"],
    ]
    assert list(table.columns)[1:] == ["区划代码", "乡镇（街道）", "所属县区", "状态", "填报编号", "提交人", "提交时间", "审核人", "审核时间", "退回原因", "锁定"]


def test_the_table_keeps_to_the_selected_region_and_month_in_english():
    table = township_status(REGIONS, SUBS, {}, "530102", NOV, "en")
    assert table[["Code", "Status", "Submitted by", "Lock"]].values.tolist() == [
        ["530102003", "Submitted, awaiting review", "dg:wu", ""],
        ["530102001", "Not submitted", "", ""],
        ["530102002", "Not submitted", "", ""],
    ]


def test_a_submission_the_office_rolled_back_reads_rolled_back():
    rolled = pd.DataFrame([submission(4, DEC, "530102001", "submitted", "hs:li", rolled_back=T)])
    table = township_status(REGIONS, rolled, {}, "530102001", DEC, "zh")
    assert table["状态"].tolist() == ["已撤销"]


def test_a_returned_submission_whose_rollback_was_undone_says_its_figures_are_back():
    restored = pd.DataFrame([submission(4, DEC, "530102001", "returned", "hs:li", "wh:chen", "有误", rolled_back=None)])
    table = township_status(REGIONS, restored, {}, "530102001", DEC, "zh")
    assert table["状态"].tolist() == ["已退回，但撤销已被恢复（数据仍在）"]


def test_the_counts_say_how_many_townships_are_in_each_state():
    table = township_status(REGIONS, SUBS, LOCKS, "5301", DEC, "zh")
    assert status_counts(table) == {"submitted": 1, "approved": 1, "returned": 1, "imported": 0, "none": 1}


def test_the_review_choices_are_the_pending_submissions_the_account_may_review():
    assert pending_options(SUBS, {5, 6, 9}, "zh") == {
        6: "填报 6：530103 盘龙区 2025-12（pl:sun，530103.xlsx）",
        5: "填报 5：530102003 大观街道 2025-11（dg:wu，530102003.xlsx）",
    }


def test_a_held_submission_returned_reads_returned_not_restored():
    """A held upload never landed, so no rollback exists to be undone: returned is returned (brief pend5)."""
    held = pd.DataFrame([submission(4, DEC, "530102001", "returned", "hs:li", "wh:chen", "有误", held=True)])
    table = township_status(REGIONS, held, {}, "530102001", DEC, "zh")
    assert table[["状态", "填报编号", "退回原因"]].values.tolist() == [["已退回", 4, "有误"]]


def test_a_held_uploads_rows_are_shown_to_its_reviewer_with_periods_and_schemes_in_words():
    rows = pd.DataFrame(
        {"_row": [2, 3], "period": [NOV, DEC], "region_code": ["530102001"] * 2, "region_name": ["华山街道"] * 2,
         "scheme": ["resident", "employee"], "insured": [880, 120], "receiving": [300, 10], "paid": [450, 100]}
    )  # fmt: skip
    assert held_table("snapshots", rows, "zh").values.tolist() == [
        [2, "530102001", "华山街道", "2025-11", "城乡居民", 880, 300, 450],
        [3, "530102001", "华山街道", "2025-12", "企业职工", 120, 10, 100],
    ]
    assert list(held_table("snapshots", rows, "en").columns) == ["Row", "Code", "Region", "Period", "Scheme", "Insured", "Receiving", "Paid"]


def test_a_township_without_a_submission_whose_figures_the_office_imported_reads_imported_not_missing():
    # 大观街道 has no submission at DEC; the office imported rows for one of its villages (any descendant counts).
    regions = pd.concat(
        [REGIONS, pd.DataFrame([{"code": "530102003201", "name": "某社区", "level": "village", "parent_code": "530102003",
                                 "lineage": ("530102003201", "530102003", "530102", "5301")}])],
        ignore_index=True,
    )
    table = township_status(regions, SUBS, {}, "5301", DEC, "zh", with_figures=frozenset({"530102003201"}))
    assert table.loc[table["区划代码"] == "530102003", "状态"].tolist() == ["已有数据（上级直接导入，无需审核）"]
    assert status_counts(table) == {"submitted": 1, "approved": 1, "returned": 1, "imported": 1, "none": 0}
