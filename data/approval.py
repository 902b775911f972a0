"""Self-reporting, approval and period locks (issue 12, point 3): the SQL and the rules.

**Submissions.** A ``reporter``'s upload of month figures (see :mod:`data.access`) is read and checked in
full like any import, then **held** (:mod:`data.pending`): its checked rows wait in ``pending_uploads``
and it is recorded as ``submitted`` for each (period, region) it covers (the reporter's own region: its
township, or its county; one row per month the file holds) under its own number, ``submission_id``. A
held upload counts nowhere: no fact table, materialised table or import history changes, so every
metric, ranking, warning, bulletin, export and the CLI show landed figures only. The level above reviews it:

- a township's submission: the reporter account of its county, or the office (admin/office);
- a county's (or any other level's) submission: the office only.

**Approving lands it**: the rows are checked again against the database as it is then and written
through the one import path (:func:`data.store.write`: one transaction, the history, the materialised
tables), recorded with the submitter (the import's author in the audit log) and the approver (the
submission's reviewer); a refused re-check refuses the approval, naming every problem, and the
submission stays ``submitted``. **Returning it** needs a reason and only marks it returned: nothing had
landed. Only a ``submitted`` submission can be reviewed, once. Approval and return act on a whole upload:
all the (period, region) rows it covers move together. A landed import is rolled back like any import.

Submissions recorded before this rule (their upload landed at once; ``submission_id`` NULL, numbered by
their import) stay as they are: approving one only records who vouched for it, returning it rolls the
import back through :func:`data.store.rollback` (the same path as ``kuomian rollback``), the reason kept.

**Period locks.** The office locks a month once it is closed. Every lock and unlock is an entry of
``period_locks`` (account, time, reason), never rewritten; a month is locked while its newest entry
is a lock. Imports holding rows of a locked month (:func:`locked_problems`) and rollbacks of imports
that touch one (:func:`data.store.rollback`) are refused, naming the month, who locked it, when and
why, until it is unlocked with a reason.

All functions take an open connection; the writing ones must have a read-write one. Refusals raise
:class:`ApprovalRefused`, whose ``str`` is English and ``text("zh")`` Chinese.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from data import audit_hook, checks, quality
from data.access import Actor
from data.problems import Problem
from metrics.periods import period_label

STATUSES: tuple[str, ...] = ("submitted", "approved", "returned")
"""A submission's status, in the order it can move (submitted -> approved, or submitted -> returned)."""

FACT_KINDS: tuple[str, ...] = ("population", "snapshots", "pool", "actions")
"""The kinds whose rows belong to a month: the ones a submission and a period lock concern."""


class ApprovalRefused(ValueError):
    """A review, lock or unlock that the rules refuse; nothing was written. ``text(language)`` for zh/en."""

    def __init__(self, en: str, zh: str):
        self.en, self.zh = en, zh
        super().__init__(en)

    def text(self, language: str = "en") -> str:
        return self.zh if language == "zh" else self.en


@dataclass(frozen=True)
class Lock:
    """A month's lock in force: ``period`` a month index; who locked it, when, and why."""

    period: int
    account: str
    at: dt.datetime
    reason: str

    def sentence(self, language: str = "en") -> str:
        """``2026-10 is locked (by office:wang at 2026-11-30 17:00: 10月已关账)`` in zh or en."""
        label, at = period_label(self.period), pd.Timestamp(self.at).strftime("%Y-%m-%d %H:%M")
        if language == "zh":
            return f"{label} 已锁定（{self.account} 于 {at} 锁定：{self.reason}）"
        return f"{label} is locked (by {self.account} at {at}: {self.reason})"


def _now() -> dt.datetime:
    """When a submission, review or lock is recorded: :func:`data.checks.now` (``KUOMIAN_NOW`` pins it)."""
    return checks.now()


def _has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """A database made before this feature has neither table until its next write (data/schema.sql)."""
    return quality.has_schema(con, "period_locks") and quality.has_schema(con, "submissions")


# --------------------------------------------------------------------------- period locks


def current_locks(con: duckdb.DuckDBPyConnection) -> dict[int, Lock]:
    """The months locked now, by month index (a month whose newest entry is a lock)."""
    if not _has_tables(con):
        return {}
    rows = con.execute(
        "SELECT period, action, account, acted_at, reason FROM period_locks"
        " QUALIFY row_number() OVER (PARTITION BY period ORDER BY entry_id DESC) = 1"
    ).fetchall()
    return {int(p): Lock(int(p), account, at, reason) for p, action, account, at, reason in rows if action == "lock"}


def lock_history(con: duckdb.DuckDBPyConnection, period: int | None = None) -> pd.DataFrame:
    """Every lock and unlock, newest first: ``entry_id, period (month index), action, account, acted_at, reason``."""
    columns = ["entry_id", "period", "action", "account", "acted_at", "reason"]
    if not _has_tables(con):
        return pd.DataFrame(columns=columns)
    where, params = ("WHERE period = ?", [period]) if period is not None else ("", [])
    return con.execute(f"SELECT {', '.join(columns)} FROM period_locks {where} ORDER BY entry_id DESC", params).df()


def _refuse_unless_office(actor: Actor, what_en: str, what_zh: str) -> None:
    if not actor.is_office:
        raise ApprovalRefused(
            f"{actor.account} ({actor.role}) may not {what_en}: only the office (or an administrator) does",
            f"{actor.account}（{actor.role}）无权{what_zh}：只有领导小组办公室（或管理员）可以",
        )


def _need_reason(reason: str | None, flag_en: str, flag_zh: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApprovalRefused(f"{flag_en} needs a reason (--reason TEXT)", f"{flag_zh}须写明原因（--reason 原因）")
    return reason


def lock_period(con: duckdb.DuckDBPyConnection, period: int, actor: Actor, reason: str) -> str:
    """Lock month ``period`` (a month index) for ``actor`` (office or admin) with a non-empty ``reason``.

    Returns the sentence to show. Raises :class:`ApprovalRefused`: not the office, no reason, already locked.
    """
    _refuse_unless_office(actor, "lock a period", "锁定统计期")
    reason = _need_reason(reason, "a lock", "锁定")
    held = current_locks(con).get(period)
    if held is not None:
        raise ApprovalRefused(f"cannot lock it again: {held.sentence('en')}", f"无法重复锁定：{held.sentence('zh')}")
    _write_lock_entry(con, period, "lock", actor, reason)
    return f"locked {period_label(period)}: imports and rollbacks touching it are refused until it is unlocked"


def unlock_period(con: duckdb.DuckDBPyConnection, period: int, actor: Actor, reason: str) -> str:
    """Unlock month ``period`` (office or admin, with a non-empty ``reason``); the lock stays in the history.

    Raises :class:`ApprovalRefused`: not the office, no reason, not locked.
    """
    _refuse_unless_office(actor, "unlock a period", "解锁统计期")
    reason = _need_reason(reason, "an unlock", "解锁")
    label = period_label(period)
    if period not in current_locks(con):
        raise ApprovalRefused(f"{label} is not locked; nothing to unlock", f"{label} 未锁定，无需解锁")
    _write_lock_entry(con, period, "unlock", actor, reason)
    return f"unlocked {label}: imports and rollbacks touching it are accepted again"


def _write_lock_entry(con: duckdb.DuckDBPyConnection, period: int, action: str, actor: Actor, reason: str) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        entry = con.execute("SELECT COALESCE(MAX(entry_id), 0) + 1 FROM period_locks").fetchone()[0]
        con.execute(
            "INSERT INTO period_locks VALUES (?, ?, ?, ?, ?, ?)", [entry, period, action, actor.account, _now(), reason]
        )
        audit_hook.record(con, actor, f"period.{action}", f"{period_label(period)}: {reason}")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def locked_problems(con: duckdb.DuckDBPyConnection | None, frame: pd.DataFrame) -> list[Problem]:
    """One :class:`Problem` per locked month a checked file holds, at the month's first row (field ``period``).

    ``frame`` is a checked frame (``_row`` and ``period`` as month indexes); kinds without a period and a
    database without locks give none. The rule: issue 12, point 3 (imports into a closed month are refused).
    """
    if con is None or "period" not in frame.columns or frame.empty:
        return []
    locks = current_locks(con)
    if not locks:
        return []
    problems = []
    rows = frame["_row"] if "_row" in frame.columns else pd.Series(1, index=frame.index)
    first = rows.groupby(frame["period"].astype("int64")).min()
    for period, row in first.items():
        lock = locks.get(int(period))
        if lock is not None:
            problems.append(
                Problem(
                    int(row),
                    "period",
                    f"{lock.sentence('en')}; nothing can be imported into a locked month until the office unlocks it",
                    f"{lock.sentence('zh')}，锁定期间不能导入，须由领导小组办公室先解锁",
                )
            )
    return problems


def import_periods(con: duckdb.DuckDBPyConnection, kind: str, import_id: int) -> list[int]:
    """The months a history entry touches: those of the rows it wrote and of the rows it replaced.

    For a rollback's own entry these are the undone import's rows (kept as replaced) and the rows it
    restored; empty for regions, which belong to no month.
    """
    if kind not in FACT_KINDS:
        return []
    rows = con.execute(
        f"SELECT period FROM {kind} WHERE import_id = ? UNION SELECT period FROM replaced_{kind} WHERE import_id = ?"
        " ORDER BY 1",
        [import_id, import_id],
    ).fetchall()
    return [int(row[0]) for row in rows]


def locks_touching(con: duckdb.DuckDBPyConnection, periods: list[int]) -> list[Lock]:
    """The locks in force on any of ``periods`` (month indexes), oldest month first."""
    locks = current_locks(con)
    return [locks[p] for p in sorted(set(periods)) if p in locks]


# --------------------------------------------------------------------------- submissions


SUBMISSION_COLUMNS = [
    "submission_id", "import_id", "period", "region_code", "region_name", "level", "status", "by_account", "submitted_at",
    "reviewer", "reviewed_at", "reason", "source", "rolled_back_at", "held",
]  # fmt: skip


def codes_with_figures(con: duckdb.DuckDBPyConnection, period: int) -> frozenset[str]:
    """The region codes holding snapshot rows at ``period`` (a month index), whoever imported them: the
    approval table tells a township the office imported directly from one with nothing in."""
    return frozenset(row[0] for row in con.execute("SELECT DISTINCT region_code FROM snapshots WHERE period = ?", [int(period)]).fetchall())


def _has_numbers(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``submissions`` has its ``submission_id`` column (a database not written since has not)."""
    return bool(
        con.execute(
            "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'submissions' AND column_name = 'submission_id'"
        ).fetchone()[0]
    )


def submissions(con: duckdb.DuckDBPyConnection, period: int | None = None) -> pd.DataFrame:
    """Every submission (of ``period`` only, a month index, if given), newest first.

    Columns :data:`SUBMISSION_COLUMNS`: ``submission_id`` the number a review names (an old-rule
    submission's is its import's); ``import_id`` the import holding its figures (NA while held or once
    returned unlanded); the region's name and level; the file name (``source``); ``rolled_back_at`` (set
    when its import was rolled back, by an old-rule return or otherwise); ``held`` (True: held until
    approved, :mod:`data.pending`; False: recorded under the old rule, landed at once).
    """
    if not _has_tables(con):
        return pd.DataFrame(columns=SUBMISSION_COLUMNS)
    where, params = ("WHERE s.period = ?", [period]) if period is not None else ("", [])
    if _has_numbers(con) and quality.has_schema(con, "pending_uploads"):
        number, held = "COALESCE(s.submission_id, s.import_id)", "s.submission_id IS NOT NULL"
        source = "COALESCE(i.source, p.source)"
        joined = " LEFT JOIN pending_uploads p ON p.submission_id = s.submission_id"
    else:
        number, held, source, joined = "s.import_id", "FALSE", "i.source", ""
    return con.execute(
        f"SELECT {number} AS submission_id, s.import_id, s.period, s.region_code, r.name AS region_name, r.level, s.status,"
        f" s.by_account, s.submitted_at, s.reviewer, s.reviewed_at, s.reason, {source} AS source, i.rolled_back_at, {held} AS held"
        " FROM submissions s LEFT JOIN regions r ON r.code = s.region_code LEFT JOIN imports i ON i.import_id = s.import_id"
        f"{joined} {where} ORDER BY {number} DESC, s.period, s.region_code",
        params,
    ).df().astype({"import_id": "Int64"})


def _name(number: int, held: bool) -> tuple[str, str]:
    """How a message names a submission: ``submission 5`` / ``填报 5``; an old-rule one by its import."""
    return (f"submission {number}", f"填报 {number}") if held else (f"import {number}", f"导入 {number}")


def may_review(con: duckdb.DuckDBPyConnection, actor: Actor, region_code: str) -> bool:
    """Whether ``actor`` may approve or return a submission of ``region_code`` (the level above, issue 12 point 3).

    The office and administrators review any; a county's reporter account reviews its own townships;
    nobody else (a viewer, a township, a county for itself or for another county's townships).
    """
    if actor.is_office:
        return True
    if actor.role != "reporter" or not actor.region_code:
        return False
    row = con.execute(
        "SELECT r.level, r.parent_code, p.level FROM regions r LEFT JOIN regions p ON p.code = r.parent_code WHERE r.code = ?",
        [region_code],
    ).fetchone()
    return row is not None and row[0] == "township" and row[1] == actor.region_code and row[2] == "county"


def _pending(con: duckdb.DuckDBPyConnection, number: int, actor: Actor) -> pd.DataFrame:
    """Submission ``number``'s rows, once every rule of a review holds; ApprovalRefused naming the first that fails."""
    rows = submissions(con)
    rows = rows[rows["submission_id"] == number]
    if rows.empty:
        raise ApprovalRefused(
            f"there is no submission {number} (only reporters' uploads are reviewed; see `kuomian submissions`)",
            f"没有填报 {number}（只审核填报账号上传的数据；见 kuomian submissions）",
        )
    en, zh = _name(number, bool(rows["held"].iloc[0]))
    done = rows[rows["status"] != "submitted"]
    if not done.empty:
        first = done.iloc[0]
        at = pd.Timestamp(first["reviewed_at"]).strftime("%Y-%m-%d %H:%M")
        status_zh = {"approved": "审核通过", "returned": "退回"}[first["status"]]
        raise ApprovalRefused(
            f"{en} was already {first['status']} by {first['reviewer']} at {at}",
            f"{zh} 已由 {first['reviewer']} 于 {at} {status_zh}",
        )
    rolled = rows["rolled_back_at"].dropna()
    if not rolled.empty:
        at = pd.Timestamp(rolled.iloc[0]).strftime("%Y-%m-%d %H:%M")
        raise ApprovalRefused(f"{en} was rolled back at {at}; there is nothing to review", f"{zh} 已于 {at} 撤销，无需审核")
    for region in sorted(set(rows["region_code"])):
        if not may_review(con, actor, region):
            raise ApprovalRefused(
                f"{actor.account} may not review the submission of {region}: a township's is reviewed by its county"
                " or the office, a county's by the office",
                f"{actor.account} 无权审核 {region} 的填报：乡镇的由所属县（区）或领导小组办公室审核，县（区）的由领导小组办公室审核",
            )
    return rows


def approve(con: duckdb.DuckDBPyConnection, number: int, actor: Actor) -> str:
    """Approve submission ``number`` (every month and region it covers); returns the sentence to show.

    A held upload (:mod:`data.pending`) is checked again against the data as it is now and **lands** as an
    import (:func:`data.pending.land`): ``approved submission 5 (530102001 2025-12): landed as import 7,
    2 row(s), 2 added, 0 replaced``. An old-rule submission (landed at once, numbered by its import) is only
    marked approved, as before. Raises :class:`ApprovalRefused`: no such submission, already reviewed, rolled
    back, wrong level, (held) an approved newer submission of the same month and region (landing the older one
    would overwrite newer figures), and every problem of the re-check, the submission then staying submitted.
    """
    from data import pending  # data.pending lands through data.store, which imports this module

    rows = _pending(con, number, actor)
    if bool(rows["held"].iloc[0]):
        _refuse_stale(con, number, rows)
        result = pending.land(con, pending.load(con, number), actor)
        return (
            f"approved submission {number} ({_covers(rows)}): landed as import {result.import_id},"
            f" {result.row_count} row(s), {result.added} added, {result.replaced} replaced"
        )
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "UPDATE submissions SET status = 'approved', reviewer = ?, reviewed_at = ? WHERE import_id = ? AND submission_id IS NULL",
            [actor.account, _now(), number],
        )
        audit_hook.record(con, actor, "submission.approve", f"import {number} approved", region_code=rows["region_code"].iloc[0])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return f"approved import {number} ({_covers(rows)})"


def _refuse_stale(con: duckdb.DuckDBPyConnection, number: int, rows: pd.DataFrame) -> None:
    """A held submission older than an approved one of the same month and region would, landing now,
    overwrite the newer figures with older ones: refused (return it instead)."""
    newer = submissions(con)
    newer = newer[(newer["submission_id"] > number) & (newer["status"] == "approved") & newer["import_id"].notna()]
    newer = newer.merge(rows[["period", "region_code"]], on=["period", "region_code"])
    newer = newer[newer["rolled_back_at"].isna()]
    if not newer.empty:
        first = newer.sort_values("submission_id").iloc[0]
        label = period_label(int(first["period"]))
        raise ApprovalRefused(
            f"submission {number} is older than submission {int(first['submission_id'])} of {first['region_code']} {label},"
            " approved already: landing it now would replace the newer figures with older ones; return it instead",
            f"填报 {number} 早于已审核通过的填报 {int(first['submission_id'])}（{first['region_code']} {label}）：现在计入会用旧数据覆盖新数据，请退回",
        )


def return_submission(con: duckdb.DuckDBPyConnection, number: int, actor: Actor, reason: str) -> str:
    """Return submission ``number`` with ``reason``; returns the sentence to show.

    A held upload is only marked returned: nothing had landed, so nothing is rolled back
    (:func:`data.pending.discard`). An old-rule submission (landed at once) is rolled back through
    :func:`data.store.rollback` as before (refused, and nothing recorded, when a locked month or a later
    import stands in the way: :class:`data.store.RollbackRefused`). Raises :class:`ApprovalRefused` as
    :func:`approve` does, and for an empty reason.
    """
    from data import pending
    from data.store import rollback  # data.store imports this module

    reason = _need_reason(reason, "a return", "退回")
    rows = _pending(con, number, actor)
    if bool(rows["held"].iloc[0]):
        pending.discard(con, pending.load(con, number), actor, reason)
        return f"returned submission {number} ({_covers(rows)}): nothing was landed"
    undone = rollback(con, number, actor=actor)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "UPDATE submissions SET status = 'returned', reviewer = ?, reviewed_at = ?, reason = ? WHERE import_id = ? AND submission_id IS NULL",
            [actor.account, _now(), reason, number],
        )
        audit_hook.record(con, actor, "submission.return", f"import {number} returned: {reason}", region_code=rows["region_code"].iloc[0])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return f"returned import {number} ({_covers(rows)}): {undone}"


def _covers(rows: pd.DataFrame) -> str:
    months = ", ".join(period_label(p) for p in sorted(set(rows["period"])))
    return f"{', '.join(sorted(set(rows['region_code'])))} {months}"
