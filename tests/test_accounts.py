"""Accounts, login, lockout, session expiry, scope of writes and the audit log (issue 12, points 1, 2, 4).

The clock is injected (``data.accounts.clock``, ``data.audit._now``): no test sleeps.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest

from data import accounts, audit, scope
from data.access import Actor
from data.db import connect
from data.importer import ImportRefused
from data.store import RollbackRefused, import_file, rollback
from tests.fixtures_data import rows_of, run

T0 = dt.datetime(2026, 12, 1, 9, 0, 0)
ADMIN = Actor("root", "admin", None, "local")
XUANWEI = "530381"  # 宣威市 (county); 530381001 宛水街道 is one of its townships
QILIN_TOWN = "530302001"  # 南宁街道, in 麒麟区 (530302), another county
SNAPSHOTS = "period,region_code,scheme,insured,receiving,paid\n"


class Clock:
    def __init__(self, start: dt.datetime):
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    ticking = Clock(T0)
    monkeypatch.setattr(accounts, "clock", ticking)
    monkeypatch.setattr(audit, "_now", ticking)
    return ticking


@pytest.fixture
def db(demo_copy) -> Path:
    return demo_copy("accounts")


def add(db: Path, name: str, role: str = "office", region: str | None = None, password: str = "correct horse") -> None:
    with connect(db, write=True) as con:
        accounts.add(con, ADMIN, name, password, role, region)


def login(db: Path, name: str, password: str, demo_present: bool = True) -> accounts.LoginResult:
    with connect(db, write=True) as con:
        return accounts.login(con, name, password, "10.0.0.7", demo_present=demo_present)


def log(db: Path) -> list[tuple]:
    return rows_of(db, "SELECT account, role, address, action, region_code, detail FROM audit_log ORDER BY entry_id")


# --------------------------------------------------------------------------- passwords and login


def test_the_password_is_stored_as_an_argon2id_hash_never_in_clear(db, clock):
    add(db, "wang", password="correct horse")
    (stored,) = rows_of(db, "SELECT password_hash FROM accounts WHERE account = 'wang'")[0]
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert all("correct horse" not in str(row) for row in log(db))


def test_a_login_with_the_right_password_is_recorded_with_account_role_and_address(db, clock):
    add(db, "wang")
    result = login(db, "wang", "correct horse")
    assert result.reason is None and result.account.actor("10.0.0.7") == Actor("wang", "office", None, "10.0.0.7")
    assert log(db)[-1] == ("wang", "office", "10.0.0.7", "login", None, "ok")


def test_an_unknown_account_and_a_wrong_password_get_the_same_answer_and_are_both_recorded(db, clock):
    add(db, "wang")
    assert login(db, "wang", "wrong one").reason == "wrong"
    assert login(db, "nobody", "wrong one").reason == "wrong"
    assert [row[3:] for row in log(db)[-2:]] == [("login_failed", None, "wrong password (1 in a row)"), ("login_failed", None, "unknown account")]


def test_after_three_failures_the_next_attempt_waits_five_seconds_unheard(db, clock):
    add(db, "wang")
    for _ in range(3):
        assert login(db, "wang", "wrong one").reason == "wrong"
    clock.advance(seconds=2)
    early = login(db, "wang", "correct horse")
    assert (early.reason, early.wait_seconds) == ("slow", 3)
    clock.advance(seconds=3)
    assert login(db, "wang", "correct horse").reason is None


def test_the_fifth_failure_locks_the_account_for_fifteen_minutes_even_against_the_right_password(db, clock):
    add(db, "wang")
    for failure in range(5):
        clock.advance(seconds=60)  # past every slowdown
        result = login(db, "wang", "wrong one")
    assert (result.reason, result.until) == ("locked", clock.now + dt.timedelta(minutes=15))
    clock.advance(minutes=14)
    assert login(db, "wang", "correct horse").reason == "locked"
    clock.advance(minutes=1)
    assert login(db, "wang", "correct horse").reason is None


def test_a_new_password_from_the_administrator_lifts_the_lock(db, clock):
    add(db, "wang")
    for _ in range(5):
        clock.advance(seconds=60)
        login(db, "wang", "wrong one")
    with connect(db, write=True) as con:
        accounts.set_password(con, ADMIN, "wang", "battery staple")
    assert login(db, "wang", "battery staple").reason is None


def test_a_disabled_account_cannot_log_in(db, clock):
    add(db, "wang")
    with connect(db, write=True) as con:
        accounts.set_disabled(con, ADMIN, "wang")
    assert login(db, "wang", "correct horse").reason == "disabled"


def test_a_demo_account_logs_in_only_while_the_database_holds_the_demo(db, clock):
    with connect(db, write=True) as con:
        assert accounts.create_demo_accounts(con, ADMIN) == 5
    assert login(db, "xuanwei", "demo-county-2026").account.actor() == Actor("xuanwei", "reporter", XUANWEI)
    assert login(db, "xuanwei", "demo-county-2026", demo_present=False).reason == "demo_gone"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("li", "short", "office", None), "the password has 5 character(s); at least 8 are needed"),
        (("li", "long enough", "reporter", None), "a reporter needs a region (--region CODE): its subtree is what it sees and reports"),
        (("li", "long enough", "reporter", "999999"), "region 999999: no such region in the database (import the regions first)"),
        (("li", "long enough", "boss", None), "role 'boss': expected one of admin, office, reporter, viewer"),
        (("li li", "long enough", "office", None), "account name 'li li': expected 2-64 letters, digits or _ . @ -"),
    ],
)
def test_an_account_that_cannot_work_is_refused_with_the_reason(db, clock, args, message):
    with connect(db, write=True) as con, pytest.raises(accounts.AccountError) as refused:
        accounts.add(con, ADMIN, *args)
    assert str(refused.value) == message


def test_changing_ones_own_password_needs_the_current_one(db, clock):
    add(db, "wang")
    me = Actor("wang", "office")
    with connect(db, write=True) as con:
        with pytest.raises(accounts.AccountError, match="^the current password is not right$"):
            accounts.change_own_password(con, me, "not it", "battery staple")
        accounts.change_own_password(con, me, "correct horse", "battery staple")
    assert login(db, "wang", "battery staple").reason is None
    assert ("wang", "office", None, "account", None, '{"account": "wang", "change": "password"}') in log(db)


# --------------------------------------------------------------------------- sessions


def test_a_session_expires_after_thirty_idle_minutes():
    session = accounts.Session("wang", T0, T0)
    assert not accounts.session_expired(session, T0 + dt.timedelta(minutes=29, seconds=59))
    assert accounts.session_expired(session, T0 + dt.timedelta(minutes=30))


def test_a_busy_session_still_expires_twelve_hours_after_the_login():
    session = accounts.Session("wang", T0, T0 + dt.timedelta(hours=11, minutes=59))
    assert not accounts.session_expired(session, T0 + dt.timedelta(hours=11, minutes=59, seconds=59))
    assert accounts.session_expired(session, T0 + dt.timedelta(hours=12))


# --------------------------------------------------------------------------- scope of writes


def test_a_reporters_rows_outside_its_area_are_refused_by_row_and_nothing_is_written(db, tmp_path, clock):
    before = rows_of(db, "SELECT COUNT(*) FROM snapshots")
    upload = tmp_path / "mixed.csv"
    upload.write_text(SNAPSHOTS + "2026-11,530381001,城乡居民,100,10,50\n2026-11,530302001,城乡居民,100,10,50\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        import_file(db, "snapshots", upload, actor=Actor("xuanwei", "reporter", XUANWEI))
    (problem,) = refused.value.problems
    assert problem.render(str(upload)) == f"{upload}:3: region_code: 530302001 is outside your area 530381"
    assert problem.render("mixed.csv", "zh") == "mixed.csv:3: 区划代码: 530302001 不在您的管辖范围 530381 内"
    assert rows_of(db, "SELECT COUNT(*) FROM snapshots") == before


def test_a_reporters_upload_inside_its_area_is_held_and_once_approved_the_log_names_the_reporter(db, tmp_path, clock):
    """Held until approved (brief pend5): the log says the reporter submitted it, then that it imported it
    (the figures' author) and the office approved it, in that order."""
    from data import approval

    upload = tmp_path / "own.csv"
    upload.write_text(SNAPSHOTS + "2026-11,530381001,城乡居民,100,10,50\n", encoding="utf-8")
    result = import_file(db, "snapshots", upload, actor=Actor("xuanwei", "reporter", XUANWEI, "10.0.0.8"))
    assert log(db)[-1][:5] == ("xuanwei", "reporter", "10.0.0.8", "submission", XUANWEI)
    with connect(db, write=True) as con:
        approval.approve(con, result.submission_id, Actor("office", "office"))
        landed = int(approval.submissions(con)["import_id"].iloc[0])
    (account, role, address, action, region, detail), approved = log(db)[-2:]
    assert (account, role, address, action, region) == ("xuanwei", "reporter", "10.0.0.8", "import", XUANWEI)
    assert f'"import_id": {landed}' in detail
    assert approved[:4] == ("office", "office", None, "submission.approve")


def test_a_viewer_may_not_import_anything(db, tmp_path, clock):
    upload = tmp_path / "own.csv"
    upload.write_text(SNAPSHOTS + "2026-11,530381001,城乡居民,100,10,50\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        import_file(db, "snapshots", upload, actor=Actor("leader", "viewer"))
    assert str(refused.value) == f"{upload}:1: file: your role (viewer) may not import data"


def test_a_reporter_cannot_roll_back_an_import_with_rows_outside_its_area(db, tmp_path, clock):
    upload = tmp_path / "qilin.csv"
    upload.write_text(SNAPSHOTS + f"2026-11,{QILIN_TOWN},城乡居民,100,10,50\n", encoding="utf-8")
    result = import_file(db, "snapshots", upload)  # the CLI, as the machine's administrator
    with connect(db, write=True) as con, pytest.raises(RollbackRefused) as refused:
        rollback(con, result.import_id, actor=Actor("xuanwei", "reporter", XUANWEI))
    assert str(refused.value) == (
        f"import {result.import_id} has rows outside your area 530381 (530302001); the office may roll it back"
    )


def test_a_reporter_rolls_back_its_own_import_and_the_log_says_so(db, tmp_path, clock):
    """Its tasks for its townships land at once (only month figures are held), so they are its own import."""
    upload = tmp_path / "tasks.csv"
    upload.write_text("year,region_code,task_kind,task\n2026,530381001,new_insured,120\n", encoding="utf-8")
    reporter = Actor("xuanwei", "reporter", XUANWEI, "10.0.0.8")
    result = import_file(db, "tasks", upload, actor=reporter)
    with connect(db, write=True) as con:
        rollback(con, result.import_id, actor=reporter)
    assert log(db)[-1][:5] == ("xuanwei", "reporter", "10.0.0.8", "rollback", XUANWEI)


def test_a_reporter_cannot_roll_back_the_offices_import_of_its_own_township(db, tmp_path, clock):
    upload = tmp_path / "office.csv"
    upload.write_text(SNAPSHOTS + "2026-11,530381001,城乡居民,100,10,50\n", encoding="utf-8")
    result = import_file(db, "snapshots", upload, actor=Actor("office", "office"))
    with connect(db, write=True) as con, pytest.raises(RollbackRefused) as refused:
        rollback(con, result.import_id, actor=Actor("wanshui", "reporter", "530381001"))
    assert str(refused.value) == (
        f"import {result.import_id} was made by office, not by you (wanshui); the office may roll it back"
    )
    assert refused.value.text("zh") == f"导入 {result.import_id} 由 office 导入，不是您（wanshui）；请由领导小组办公室撤销"


def test_a_reporter_cannot_roll_back_its_submission_once_approved(db, tmp_path, clock):
    from data import approval

    upload = tmp_path / "own.csv"
    upload.write_text(SNAPSHOTS + "2026-11,530381001,城乡居民,100,10,50\n", encoding="utf-8")
    town = Actor("wanshui", "reporter", "530381001")
    result = import_file(db, "snapshots", upload, actor=town)
    with connect(db, write=True) as con:
        approval.approve(con, result.submission_id, Actor("xuanwei", "reporter", XUANWEI))
        landed = int(approval.submissions(con)["import_id"].iloc[0])
        with pytest.raises(RollbackRefused) as refused:
            rollback(con, landed, actor=town)
    assert str(refused.value) == f"import {landed} was approved by xuanwei; the office may roll it back"


def test_a_reporter_cannot_roll_back_the_task_ledger_and_gets_a_sentence_not_a_database_error(db, clock):
    (ledger_import,) = rows_of(db, "SELECT MAX(import_id) FROM imports WHERE kind = 'ledger'")[0]
    with connect(db, write=True) as con, pytest.raises(RollbackRefused) as refused:
        rollback(con, ledger_import, actor=Actor("xuanwei", "reporter", XUANWEI))
    assert str(refused.value) == "a reporter may not roll back the task ledger; the office keeps it"


def test_a_reporter_may_not_import_the_task_of_its_own_region(db, tmp_path, clock):
    upload = tmp_path / "tasks.csv"
    upload.write_text("year,region_code,task_kind,task\n2026,530381,new_insured,1\n2026,530381001,new_insured,5\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        import_file(db, "tasks", upload, actor=Actor("xuanwei", "reporter", XUANWEI))
    assert str(refused.value) == (
        f"{upload}:2: region_code: 530381 is your own area: its task is given by the level above, not by you"
    )


def test_the_scope_of_a_county_is_its_subtree_with_the_county_as_its_root(db):
    with connect(db) as con:
        from data import queries

        regions = queries.regions(con)
        inside = scope.subtree(con, XUANWEI)
    shown = scope.filter_regions(regions, XUANWEI)
    assert set(shown["code"]) == inside
    assert XUANWEI in inside and "530381001" in inside and QILIN_TOWN not in inside
    assert pd.isna(shown.set_index("code").at[XUANWEI, "parent_code"])


# --------------------------------------------------------------------------- the CLI


def test_user_add_reads_the_password_from_stdin_and_never_prints_it(db, capsys, monkeypatch, clock):
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass\n"))
    status, out, err = run(capsys, "--db", db, "user", "add", "zhao", "--role", "reporter", "--region", XUANWEI, "--password-stdin")
    assert (status, out, err) == (0, "added account zhao (reporter 530381)\n", "")
    assert login(db, "zhao", "s3cret-pass").reason is None
    status, out, _ = run(capsys, "--db", db, "user", "list")
    assert out.splitlines() == ["account  role      region  state   demo", "zhao     reporter  530381  active"]
    assert "s3cret" not in out


def test_user_commands_refuse_what_cannot_be_done_with_exit_1(db, capsys, monkeypatch, clock):
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass\n"))
    status, out, err = run(capsys, "--db", db, "user", "passwd", "ghost", "--password-stdin")
    assert (status, out, err) == (1, "", "kuomian user passwd: there is no account ghost (see `kuomian user list`); nothing changed\n")


def test_every_account_change_import_and_rollback_from_the_cli_is_in_the_audit_log_as_the_cli(db, tmp_path, capsys, monkeypatch, clock):
    monkeypatch.setattr("data.access.getpass.getuser", lambda: "ops")
    monkeypatch.setattr("data.access.socket.gethostname", lambda: "srv1")
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass\n"))
    assert run(capsys, "--db", db, "user", "add", "zhao", "--role", "viewer", "--password-stdin")[0] == 0
    assert run(capsys, "--db", db, "user", "role", "zhao", "--role", "reporter", "--region", XUANWEI)[0] == 0
    assert run(capsys, "--db", db, "user", "disable", "zhao")[0] == 0
    upload = tmp_path / "own.csv"
    upload.write_text(SNAPSHOTS + "2026-11,530381001,城乡居民,100,10,50\n", encoding="utf-8")
    assert run(capsys, "--db", db, "import", "snapshots", upload)[0] == 0
    (last,) = rows_of(db, "SELECT MAX(import_id) FROM imports")[0:1]
    assert run(capsys, "--db", db, "rollback", last[0])[0] == 0
    status, out, _ = run(capsys, "--db", db, "audit", "--account", "cli:ops@srv1", "--since", "2026-12-01", "--format", "csv")
    lines = out.splitlines()
    assert lines[0] == "logged_at,account,role,address,action,region_code,detail"
    actions = [line.split(",")[1:6] for line in lines[1:]]
    assert actions == [
        ["cli:ops@srv1", "admin", "local", "rollback", ""],
        ["cli:ops@srv1", "admin", "local", "import", ""],
        ["cli:ops@srv1", "admin", "local", "account", ""],  # disabled
        ["cli:ops@srv1", "admin", "local", "account", XUANWEI],  # viewer -> reporter of 530381
        ["cli:ops@srv1", "admin", "local", "account", ""],  # added
    ]
    assert all(line.startswith("2026-12-01 09:00:00,") for line in lines[1:])


def test_audit_keeps_one_accounts_entries(db, capsys, clock):
    add(db, "wang")
    login(db, "wang", "wrong one")
    login(db, "nobody", "x")
    status, out, _ = run(capsys, "--db", db, "audit", "--account", "wang")
    assert status == 0
    (only,) = out.splitlines()[1:]
    assert only.split() == ["2026-12-01", "09:00:00", "wang", "office", "10.0.0.7", "login_failed", "wrong", "password", "(1", "in", "a", "row)"]


def test_user_passwd_asks_twice_without_echo_and_refuses_two_different_passwords(db, capsys, monkeypatch, clock):
    add(db, "wang")
    answers = iter(["battery staple", "battery stapel"])
    monkeypatch.setattr("cli.accounts.getpass.getpass", lambda prompt: next(answers))
    status, out, err = run(capsys, "--db", db, "user", "passwd", "wang")
    assert (status, out, err) == (1, "", "the two passwords differ; nothing changed\n")
    assert login(db, "wang", "correct horse").reason is None


def test_user_add_without_a_terminal_or_a_password_on_stdin_is_refused_in_one_line(db, capsys, monkeypatch, clock):
    def no_terminal(prompt: str = "") -> str:
        raise EOFError  # getpass on an empty, non-terminal standard input

    monkeypatch.setattr("getpass.getpass", no_terminal)
    status, out, err = run(capsys, "--db", db, "user", "add", "zhao", "--role", "viewer")
    assert (status, out) == (1, "")
    assert err.splitlines()[-1].endswith(
        "no password given (standard input ended); type it at a terminal or use --password-stdin; nothing changed"
    )
    assert rows_of(db, "SELECT COUNT(*) FROM accounts WHERE account = 'zhao'") == [(0,)]
