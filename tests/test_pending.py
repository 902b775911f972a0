"""A reporter's upload counts only once the level above approves it (issue 12 point 3; brief pend5).

华山街道 (530102001) uploads November and December as a reporter: the upload is checked in full, then
held (submission 1), and no figure, materialised table or import history moves. 五华区 (530102), its
county, approves it: it is checked again against the data as it is then and lands through the one
import path, exactly as the office's import of the same file would (compared with a twin database).
A return lands nothing. An approval whose re-check fails names every problem and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from data import approval, pending
from data.access import Actor
from data.db import connect
from data.importer import ImportRefused
from data.report import metrics_report
from data.store import import_file, rollback
from metrics.periods import month_index
from metrics.targets import parse_targets
from tests.fixtures_data import SNAPSHOTS_HEADER, make_world, rows_of, write_csv

NOV, DEC = month_index("2025-11"), month_index("2025-12")
TOWN = Actor("hs:li", "reporter", "530102001", "10.0.0.9")  # 华山街道
COUNTY = Actor("wh:chen", "reporter", "530102")  # 五华区
OFFICE = Actor("office:wang", "office")
TARGETS = parse_targets((Path(__file__).resolve().parent.parent / "config" / "targets.yaml").read_text(encoding="utf-8"))
# Every table a held upload must leave alone and an approval must fill as an import does.
LANDED = (
    "imports", "snapshots", "replaced_snapshots", "population", "metric_months", "metric_starts",
)  # fmt: skip


@pytest.fixture(autouse=True)
def _pinned_clock(monkeypatch):
    """One time for submissions, reviews and imports (data.checks.now reads KUOMIAN_NOW)."""
    monkeypatch.setenv("KUOMIAN_NOW", "2026-01-05T09:00:00")


@pytest.fixture
def db(tmp_path) -> Path:
    """The small world (imports 1 regions, 2 population), the township's earlier November already landed (import 3)."""
    path = make_world(tmp_path)
    earlier = [SNAPSHOTS_HEADER, ["2025-11", "530102001", "resident", "850", "300", "440"], ["2025-11", "530102002", "resident", "1100", "300", "650"]]
    import_file(path, "snapshots", write_csv(tmp_path / "earlier.csv", earlier), actor=OFFICE)
    return path


def town_file(tmp_path: Path, name: str = "town.csv") -> Path:
    """华山街道's upload: a correction of November (row 2) and December (row 3)."""
    rows = [SNAPSHOTS_HEADER, ["2025-11", "530102001", "resident", "880", "300", "450"], ["2025-12", "530102001", "resident", "900", "300", "500"]]
    return write_csv(tmp_path / name, rows)


def tables(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {table: sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in LANDED}


def figures(db: Path):
    """What every page and export reads: the metrics of every level for both months."""
    with connect(db) as con:
        return [metrics_report(con, TARGETS, month).sort_values(["region_code", "metric"]).reset_index(drop=True) for month in (NOV, DEC)]


def same_figures(left, right) -> bool:
    return all(a.equals(b) for a, b in zip(left, right))


def status(db: Path) -> list[tuple]:
    return rows_of(db, "SELECT DISTINCT submission_id, import_id, status, reviewer, reason FROM submissions ORDER BY ALL")


def test_a_held_upload_changes_no_figure_no_materialised_table_and_no_history(db, tmp_path):
    before, figures_before = tables(db), figures(db)
    result = import_file(db, "snapshots", town_file(tmp_path), actor=TOWN)
    assert (result.submission_id, result.import_id, result.added, result.replaced) == (1, None, 0, 0)
    assert tables(db) == before
    assert same_figures(figures(db), figures_before)
    assert status(db) == [(1, None, "submitted", None, None)]


def test_approval_lands_the_figures_exactly_as_the_offices_import_of_the_same_file(db, tmp_path):
    twin = tmp_path / "twin.duckdb"
    shutil.copyfile(db, twin)
    import_file(db, "snapshots", town_file(tmp_path), actor=TOWN)
    held = tables(db)
    with connect(db, write=True) as con:
        said = approval.approve(con, 1, COUNTY)
    assert said == "approved submission 1 (530102001 2025-11, 2025-12): landed as import 4, 2 row(s), 1 added, 1 replaced"
    import_file(twin, "snapshots", town_file(tmp_path), actor=OFFICE)  # the same file, imported directly
    landed = tables(db)
    assert landed == tables(twin)  # the same rows, replaced rows, history entry and materialised tables
    assert landed["metric_months"] != held["metric_months"]  # the stored figures moved, as the import moved them
    assert same_figures(figures(db), figures(twin))
    assert status(db) == [(1, 4, "approved", "wh:chen", None)]


def test_approval_records_the_submitter_as_the_figures_author_and_the_approver(db, tmp_path):
    import_file(db, "snapshots", town_file(tmp_path), actor=TOWN)
    with connect(db, write=True) as con:
        approval.approve(con, 1, COUNTY)
    assert rows_of(db, "SELECT account, address, action FROM audit_log WHERE action <> 'import' OR account = 'hs:li' ORDER BY entry_id") == [
        ("hs:li", "10.0.0.9", "submission"),
        ("hs:li", "10.0.0.9", "import"),
        ("wh:chen", None, "submission.approve"),
    ]
    assert rows_of(db, "SELECT DISTINCT by_account, reviewer FROM submissions") == [("hs:li", "wh:chen")]


def test_a_returned_upload_leaves_nothing(db, tmp_path):
    before, figures_before = tables(db), figures(db)
    import_file(db, "snapshots", town_file(tmp_path), actor=TOWN)
    with connect(db, write=True) as con:
        assert approval.return_submission(con, 1, COUNTY, "12月缴费人数有误") == (
            "returned submission 1 (530102001 2025-11, 2025-12): nothing was landed"
        )
    assert tables(db) == before
    assert same_figures(figures(db), figures_before)
    assert status(db) == [(1, None, "returned", "wh:chen", "12月缴费人数有误")]


def test_an_approval_refused_because_the_month_was_locked_since_names_it_and_changes_nothing(db, tmp_path):
    source = town_file(tmp_path)
    import_file(db, "snapshots", source, actor=TOWN)
    with connect(db, write=True) as con:
        approval.lock_period(con, DEC, OFFICE, "12月已关账")
    before = tables(db)
    with connect(db, write=True) as con, pytest.raises(approval.ApprovalRefused) as refused:
        approval.approve(con, 1, COUNTY)
    assert str(refused.value) == (
        "submission 1 cannot land: 1 problem(s) against the data as it is now; it stays submitted (return it with a"
        " reason, or resolve the problems and approve again)\n"
        f"{source}:3: period: 2025-12 is locked (by office:wang at 2026-01-05 09:00: 12月已关账); nothing can be imported"
        " into a locked month until the office unlocks it"
    )
    assert refused.value.text("zh").splitlines()[1] == (
        f"{source}:3: 统计期: 2025-12 已锁定（office:wang 于 2026-01-05 09:00 锁定：12月已关账），锁定期间不能导入，须由领导小组办公室先解锁"
    )
    assert tables(db) == before
    assert status(db) == [(1, None, "submitted", None, None)]


def test_an_approval_refused_because_a_conflicting_row_landed_since_names_it_and_changes_nothing(db, tmp_path):
    source = town_file(tmp_path)
    import_file(db, "snapshots", source, actor=TOWN)
    county = [SNAPSHOTS_HEADER, ["2025-12", "530102", "resident", "5000", "900", "3000"]]  # 五华区 reports residents itself
    import_file(db, "snapshots", write_csv(tmp_path / "county.csv", county), actor=OFFICE)
    before = tables(db)
    with connect(db, write=True) as con, pytest.raises(approval.ApprovalRefused) as refused:
        approval.approve(con, 1, COUNTY)
    assert str(refused.value).splitlines()[1:] == [
        f"{source}:3: region_code: 530102001 (华山街道) holds resident for 2025-12 and so does its ancestor 530102 (五华区) in"
        " the database (import 4): a scheme is reported at one level of a subtree only, or its persons count twice; roll"
        " back that import or leave these rows out"
    ]
    assert tables(db) == before
    assert status(db) == [(1, None, "submitted", None, None)]


def test_a_refused_upload_holds_nothing(db, tmp_path):
    bad = write_csv(tmp_path / "bad.csv", [SNAPSHOTS_HEADER, ["2025-12", "530102001", "resident", "100", "300", "50"]])
    with pytest.raises(ImportRefused):
        import_file(db, "snapshots", bad, actor=TOWN)
    assert rows_of(db, "SELECT COUNT(*) FROM pending_uploads") == [(0,)]
    assert rows_of(db, "SELECT COUNT(*) FROM submissions") == [(0,)]


def test_a_reporters_row_outside_its_area_is_still_refused_and_nothing_is_held(db, tmp_path):
    outside = write_csv(tmp_path / "outside.csv", [SNAPSHOTS_HEADER, ["2025-12", "530102002", "resident", "1180", "300", "700"]])
    with pytest.raises(ImportRefused) as refused:
        import_file(db, "snapshots", outside, actor=TOWN)
    assert str(refused.value) == f"{outside}:2: region_code: 530102002 is outside your area 530102001"
    assert rows_of(db, "SELECT COUNT(*) FROM pending_uploads") == [(0,)]


def test_an_upload_into_a_locked_month_is_refused_and_nothing_is_held(db, tmp_path):
    with connect(db, write=True) as con:
        approval.lock_period(con, DEC, OFFICE, "12月已关账")
    with pytest.raises(ImportRefused, match=r":3: period: 2025-12 is locked"):
        import_file(db, "snapshots", town_file(tmp_path), actor=TOWN)
    assert rows_of(db, "SELECT COUNT(*) FROM pending_uploads") == [(0,)]


def test_an_approved_upload_is_rolled_back_as_any_import(db, tmp_path):
    before = rows_of(db, "SELECT * FROM snapshots ORDER BY ALL")
    import_file(db, "snapshots", town_file(tmp_path), actor=TOWN)
    with connect(db, write=True) as con:
        approval.approve(con, 1, COUNTY)
        assert rollback(con, 4, actor=OFFICE) == f"rolled back import 4 ({tmp_path / 'town.csv'}): 2 row(s) removed, 1 restored"
    assert rows_of(db, "SELECT * FROM snapshots ORDER BY ALL") == before


def test_timeliness_credits_the_submission_time_not_the_approval_time(db, tmp_path, monkeypatch):
    from data.timeliness import report_arrivals

    import_file(db, "snapshots", town_file(tmp_path), actor=TOWN)  # 2026-01-05: on time (due 2026-01-10)
    monkeypatch.setenv("KUOMIAN_NOW", "2026-01-20T16:00:00")  # approved ten days after the due day
    with connect(db, write=True) as con:
        approval.approve(con, 1, COUNTY)
    with connect(db) as con:
        arrivals = report_arrivals(con, DEC, "5301", due_day=10, today=dt.date(2026, 1, 25))
    row = arrivals[arrivals["region_code"] == "530102001"].iloc[0]
    assert (str(row["arrived_at"]), row["status"], int(row["arrival_import"])) == ("2026-01-05 09:00:00", "on_time", 4)
    assert rows_of(db, "SELECT reviewed_at FROM submissions LIMIT 1")[0][0].isoformat() == "2026-01-20T16:00:00"


def test_the_reporter_is_told_who_must_approve_before_the_figures_count(db, tmp_path):
    from present.data import held_sentence, import_summary

    town = import_file(db, "snapshots", town_file(tmp_path), actor=TOWN)
    assert town.sentence() == "submitted 2 row(s) of 2025-11, 2025-12 as submission 1; they count once approved by 五华区 (530102) or the office"
    assert held_sentence(import_summary(town), "zh") == (
        f"已提交 填报 #1（参保缴费快照，{tmp_path / 'town.csv'}）：2 行，2025-11、2025-12。"
        "数据须经 五华区（县级填报账号）或领导小组办公室 审核通过后才计入各项指标、排名、预警和报表；审核前不计入。"
    )
    county_rows = [SNAPSHOTS_HEADER, ["2025-12", "530102002", "resident", "1180", "300", "700"]]
    county = import_file(db, "snapshots", write_csv(tmp_path / "county.csv", county_rows), actor=COUNTY)
    assert county.sentence().endswith("as submission 2; they count once approved by the office")


def test_the_reviewer_reads_the_held_rows_before_approving(db, tmp_path):
    import_file(db, "snapshots", town_file(tmp_path), actor=TOWN)
    with connect(db) as con:
        rows = pending.held_rows(con, 1)
    assert rows.values.tolist() == [
        [2, NOV, "530102001", "华山街道", "resident", 880, 300, 450],
        [3, DEC, "530102001", "华山街道", "resident", 900, 300, 500],
    ]


def test_a_database_older_than_held_uploads_still_lists_its_submissions(db, tmp_path):
    """A file not written since this feature has neither the column nor the table until its next write."""
    import_file(db, "snapshots", town_file(tmp_path), actor=OFFICE)
    with duckdb.connect(str(db)) as con:
        con.execute("DROP TABLE pending_uploads")
        con.execute("DELETE FROM submissions")
        con.execute("ALTER TABLE submissions DROP COLUMN submission_id")
        con.execute("INSERT INTO submissions VALUES (4, ?, '530102001', 'submitted', 'hs:li', TIMESTAMP '2026-01-05 09:00:00', NULL, NULL, NULL)", [DEC])
    with connect(db) as con:  # read-only: the schema is not brought up to date
        listed = approval.submissions(con)
    assert listed[["submission_id", "import_id", "status", "held"]].values.tolist() == [[4, 4, "submitted", False]]
    with connect(db, write=True) as con:  # a write adds the column and the table; the old submission reviews as before
        assert approval.approve(con, 4, COUNTY) == "approved import 4 (530102001 2025-12)"


def test_an_older_submission_is_not_landed_over_a_newer_approved_one(db, tmp_path):
    import_file(db, "snapshots", town_file(tmp_path), actor=TOWN)  # submission 1
    newer = [SNAPSHOTS_HEADER, ["2025-12", "530102001", "resident", "910", "300", "510"]]
    import_file(db, "snapshots", write_csv(tmp_path / "newer.csv", newer), actor=TOWN)  # submission 2, a correction
    with connect(db, write=True) as con:
        approval.approve(con, 2, COUNTY)
        with pytest.raises(approval.ApprovalRefused) as refused:
            approval.approve(con, 1, COUNTY)
        approval.return_submission(con, 1, COUNTY, "已由填报 2 更正")
    assert str(refused.value) == (
        "submission 1 is older than submission 2 of 530102001 2025-12, approved already: landing it now would replace"
        " the newer figures with older ones; return it instead"
    )
    assert rows_of(db, "SELECT insured FROM snapshots WHERE period = ? AND region_code = '530102001'", [DEC]) == [(910,)]


def test_a_submission_is_not_landed_over_figures_the_office_imported_after_it_was_submitted(db, tmp_path, monkeypatch):
    import_file(db, "snapshots", town_file(tmp_path), actor=TOWN)  # submission 1, 2026-01-05 09:00
    monkeypatch.setenv("KUOMIAN_NOW", "2026-01-06T10:30:00")
    office = [SNAPSHOTS_HEADER, ["2025-12", "530102001", "resident", "990", "300", "520"]]
    import_file(db, "snapshots", write_csv(tmp_path / "office.csv", office), actor=OFFICE)  # import 4, newer
    before, figures_before = tables(db), figures(db)
    with connect(db, write=True) as con:
        with pytest.raises(approval.ApprovalRefused) as refused:
            approval.approve(con, 1, COUNTY)
    assert str(refused.value) == (
        f"submission 1 was submitted at 2026-01-05 09:00; import 4 ({tmp_path / 'office.csv'}) wrote figures of"
        " 530102001 2025-12 since, at 2026-01-06 10:30: landing it now would replace the newer figures with older ones;"
        " return it instead"
    )
    assert tables(db) == before
    assert same_figures(figures(db), figures_before)
    assert status(db) == [(1, None, "submitted", None, None)]


def test_a_submission_lands_over_an_office_import_of_the_same_rows_rolled_back_since(db, tmp_path, monkeypatch):
    import_file(db, "snapshots", town_file(tmp_path), actor=TOWN)  # submission 1
    monkeypatch.setenv("KUOMIAN_NOW", "2026-01-06T10:30:00")
    office = [SNAPSHOTS_HEADER, ["2025-12", "530102001", "resident", "990", "300", "520"]]
    import_file(db, "snapshots", write_csv(tmp_path / "office.csv", office), actor=OFFICE)  # import 4
    with connect(db, write=True) as con:
        rollback(con, 4, actor=OFFICE)
        approval.approve(con, 1, COUNTY)
    assert rows_of(db, "SELECT insured FROM snapshots WHERE period = ? AND region_code = '530102001'", [DEC]) == [(900,)]
