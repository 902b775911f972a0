"""Self-reporting, approval and period locks (issue 12, point 3): the SQL and the rules.

**Submissions.** An upload by a ``reporter`` (see :mod:`data.access`) lands exactly like any other
import (one transaction; its figures count in the metrics at once) and is recorded, in the same
transaction, as ``submitted`` for each (period, region) it covers: the region is the reporter's own
region (its township, or its county), one row per month the file holds. The level above reviews it:

- a township's submission: the reporter account of its county, or the office (admin/office);
- a county's (or any other level's) submission: the office only.

Approving changes no figure, it only records who vouched for it. Returning it needs a reason and
rolls the import back through :func:`data.store.rollback` (the same path as ``kuomian rollback``,
so the rollback is itself in the history and nothing is lost); the reason stays on the submission.
Only a ``submitted`` submission can be reviewed, once. Approval and return act on a whole import:
all the (period, region) rows it covers move together.

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

from data import audit_hook, quality
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
    return dt.datetime.now().replace(microsecond=0)


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


def record_submissions(con: duckdb.DuckDBPyConnection, import_id: int, kind: str, frame: pd.DataFrame, actor: Actor | None) -> int:
    """Inside an import's transaction: record a reporter's upload as ``submitted``; returns the rows written.

    One row per (month, region): the region is the reporter's own (``actor.region_code``; a reporter
    without one: each region the file names). Uploads by other roles, and regions files, are not
    submissions (0).
    """
    if actor is None or actor.role != "reporter" or kind not in FACT_KINDS or frame.empty:
        return 0
    periods = sorted({int(p) for p in frame["period"]})
    regions = [actor.region_code] if actor.region_code else sorted(set(frame["region_code"].astype(str)))
    at = _now()
    con.executemany(
        "INSERT INTO submissions (import_id, period, region_code, status, by_account, submitted_at) VALUES (?, ?, ?, 'submitted', ?, ?)",
        [[import_id, period, region, actor.account, at] for period in periods for region in regions],
    )
    labels = ", ".join(period_label(p) for p in periods)
    audit_hook.record(con, actor, "submission", f"import {import_id} submitted for {labels}", region_code=actor.region_code)
    return len(periods) * len(regions)


SUBMISSION_COLUMNS = [
    "import_id", "period", "region_code", "region_name", "level", "status", "by_account", "submitted_at",
    "reviewer", "reviewed_at", "reason", "source", "rolled_back_at",
]  # fmt: skip


def codes_with_figures(con: duckdb.DuckDBPyConnection, period: int) -> frozenset[str]:
    """The region codes holding snapshot rows at ``period`` (a month index), whoever imported them: the
    approval table tells a township the office imported directly from one with nothing in."""
    return frozenset(row[0] for row in con.execute("SELECT DISTINCT region_code FROM snapshots WHERE period = ?", [int(period)]).fetchall())


def submissions(con: duckdb.DuckDBPyConnection, period: int | None = None) -> pd.DataFrame:
    """Every submission (of ``period`` only, a month index, if given), newest import first.

    Columns :data:`SUBMISSION_COLUMNS`: the region's name and level, the import's file name and
    ``rolled_back_at`` (set when the import was rolled back, by a return or otherwise).
    """
    if not _has_tables(con):
        return pd.DataFrame(columns=SUBMISSION_COLUMNS)
    where, params = ("WHERE s.period = ?", [period]) if period is not None else ("", [])
    return con.execute(
        "SELECT s.import_id, s.period, s.region_code, r.name AS region_name, r.level, s.status, s.by_account, s.submitted_at,"
        " s.reviewer, s.reviewed_at, s.reason, i.source, i.rolled_back_at"
        " FROM submissions s LEFT JOIN regions r ON r.code = s.region_code LEFT JOIN imports i ON i.import_id = s.import_id"
        f" {where} ORDER BY s.import_id DESC, s.period, s.region_code",
        params,
    ).df()


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


def _pending(con: duckdb.DuckDBPyConnection, import_id: int, actor: Actor) -> pd.DataFrame:
    """The import's submissions, once every rule of a review holds; ApprovalRefused naming the first that fails."""
    rows = submissions(con)
    rows = rows[rows["import_id"] == import_id]
    if rows.empty:
        raise ApprovalRefused(
            f"import {import_id} is not a submission (only reporters' uploads are reviewed; see `kuomian submissions`)",
            f"导入 {import_id} 不是填报提交（只审核填报账号上传的数据；见 kuomian submissions）",
        )
    done = rows[rows["status"] != "submitted"]
    if not done.empty:
        first = done.iloc[0]
        at = pd.Timestamp(first["reviewed_at"]).strftime("%Y-%m-%d %H:%M")
        status_zh = {"approved": "审核通过", "returned": "退回"}[first["status"]]
        raise ApprovalRefused(
            f"import {import_id} was already {first['status']} by {first['reviewer']} at {at}",
            f"导入 {import_id} 已由 {first['reviewer']} 于 {at} {status_zh}",
        )
    rolled = rows["rolled_back_at"].dropna()
    if not rolled.empty:
        at = pd.Timestamp(rolled.iloc[0]).strftime("%Y-%m-%d %H:%M")
        raise ApprovalRefused(
            f"import {import_id} was rolled back at {at}; there is nothing to review",
            f"导入 {import_id} 已于 {at} 撤销，无需审核",
        )
    for region in sorted(set(rows["region_code"])):
        if not may_review(con, actor, region):
            raise ApprovalRefused(
                f"{actor.account} may not review the submission of {region}: a township's is reviewed by its county"
                " or the office, a county's by the office",
                f"{actor.account} 无权审核 {region} 的填报：乡镇的由所属县（区）或领导小组办公室审核，县（区）的由领导小组办公室审核",
            )
    return rows


def approve(con: duckdb.DuckDBPyConnection, import_id: int, actor: Actor) -> str:
    """Approve every (month, region) of submitted import ``import_id``; returns the sentence to show.

    Raises :class:`ApprovalRefused` (not a submission, already reviewed, rolled back, wrong level).
    """
    rows = _pending(con, import_id, actor)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "UPDATE submissions SET status = 'approved', reviewer = ?, reviewed_at = ? WHERE import_id = ?",
            [actor.account, _now(), import_id],
        )
        audit_hook.record(con, actor, "submission.approve", f"import {import_id} approved", region_code=rows["region_code"].iloc[0])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return f"approved import {import_id} ({_covers(rows)})"


def return_submission(con: duckdb.DuckDBPyConnection, import_id: int, actor: Actor, reason: str) -> str:
    """Return submitted import ``import_id`` with ``reason``: roll it back, then record the return.

    The rollback is :func:`data.store.rollback` itself (refused, and nothing recorded, when a locked
    month or a later import stands in the way: :class:`data.store.RollbackRefused`). Raises
    :class:`ApprovalRefused` as :func:`approve` does, and for an empty reason.
    """
    from data.store import rollback  # data.store imports this module

    reason = _need_reason(reason, "a return", "退回")
    rows = _pending(con, import_id, actor)
    undone = rollback(con, import_id, actor=actor)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "UPDATE submissions SET status = 'returned', reviewer = ?, reviewed_at = ?, reason = ? WHERE import_id = ?",
            [actor.account, _now(), reason, import_id],
        )
        audit_hook.record(con, actor, "submission.return", f"import {import_id} returned: {reason}", region_code=rows["region_code"].iloc[0])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return f"returned import {import_id} ({_covers(rows)}): {undone}"


def _covers(rows: pd.DataFrame) -> str:
    months = ", ".join(period_label(p) for p in sorted(set(rows["period"])))
    return f"{', '.join(sorted(set(rows['region_code'])))} {months}"
