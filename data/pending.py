"""A reporter's upload is held until the level above approves it (issue 12 point 3; brief pend5).

The office names townships in public from the figures, so a township's own upload must not count
before anyone reviewed it (it could lower its own 应参保人数 and climb the ranking). So:

- **Held.** A reporter's month figures (:data:`data.approval.FACT_KINDS`) are read and checked in full
  exactly as any import (every problem named, refused as a whole, the area rule, locked months), then
  :func:`hold` stores the checked rows in ``pending_uploads`` and records the upload as ``submitted``
  for each (month, region) in ``submissions`` under the submission's own number (``submission_id``),
  in one transaction. No fact table, no materialised table, no import history entry changes: every
  metric, ranking, warning, export and the CLI read landed rows only.
- **Approve = land.** :func:`land` checks the held rows again against the database as it is then (the
  same :func:`data.importer.check` on the rows as text, the area of the submitter, the locks) and lands
  them through :func:`data.store.write`, the one import path (its transaction, history, replaced rows,
  audit entry by the submitter, materialised tables), marking the submission approved by the reviewer
  with the import's id in the same transaction. The import's ``imported_at`` is the submission's time,
  so reporting timeliness (data/timeliness.py, which reads import times) credits the submission, not
  the approval. A refused re-check raises :class:`data.approval.ApprovalRefused` naming every problem
  (``FILE:ROW: field: reason``); nothing changes and the submission stays ``submitted``.
- **Return = discard.** :func:`discard` marks it returned with the reason; nothing lands, nothing to roll back.

Submissions recorded under the old rule (landed at once; ``submission_id`` NULL, numbered by their
import) stay as they are: :mod:`data.approval` reviews them as before.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import duckdb
import pandas as pd

from data import approval, audit_hook, quality, scope
from data.access import Actor
from data.importer import KINDS, Checked, ImportRefused, ImportResult, check
from data.problems import Problem
from metrics.periods import period_label

HELD_KINDS: tuple[str, ...] = approval.FACT_KINDS
"""The kinds a reporter's upload is held for: the month figures, the kinds a submission concerns."""


@dataclass(frozen=True)
class HeldResult(ImportResult):
    """A reporter's upload held for approval: nothing imported (``import_id`` None, ``added``/``replaced`` 0).

    ``submission_id`` its number (``kuomian approve N``); ``periods`` the months it holds (month indexes);
    ``regions`` the regions it is recorded for; ``reviewer_code``/``reviewer_name`` the county that may
    approve it besides the office (None: the office only, for a county's own upload).
    """

    submission_id: int = 0
    periods: tuple[int, ...] = ()
    regions: tuple[str, ...] = ()
    reviewer_code: str | None = None
    reviewer_name: str | None = None

    @property
    def held(self) -> bool:
        return True

    def sentence(self) -> str:
        """``submitted 2 row(s) of 2025-11, 2025-12 as submission 5; they count once approved by 五华区 (530102) or the office``."""
        who = f"{self.reviewer_name} ({self.reviewer_code}) or the office" if self.reviewer_code else "the office"
        months = ", ".join(period_label(p) for p in self.periods)
        return f"submitted {self.row_count} row(s) of {months} as submission {self.submission_id}; they count once approved by {who}"


def holds(actor: Actor | None, kind: str) -> bool:
    """Whether ``actor``'s upload of ``kind`` is held for approval: a reporter's month figures (not its tasks)."""
    return actor is not None and actor.role == "reporter" and kind in HELD_KINDS


def reviewer_of(con: duckdb.DuckDBPyConnection, actor: Actor) -> tuple[str | None, str | None]:
    """The county (code, name) that reviews ``actor``'s uploads besides the office: its parent where the
    reporter's region is a township under a county (``data.approval.may_review``); (None, None) otherwise."""
    if not actor.region_code:
        return None, None
    row = con.execute(
        "SELECT p.code, p.name FROM regions r JOIN regions p ON p.code = r.parent_code"
        " WHERE r.code = ? AND r.level = 'township' AND p.level = 'county'",
        [actor.region_code],
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)


def _rows(checked: Checked) -> list[dict]:
    """The checked rows as the table stores them (``_row`` and the kind's table columns), plain Python values."""
    kind = checked.kind
    if checked.arrow is not None:  # the CSV fast path (data/fast_csv.py): ``_row`` and the typed columns
        table = checked.arrow.select(["_row", *kind.db_columns]).to_pandas()
    else:
        frame = checked.frame
        table = pd.DataFrame({"_row": frame["_row"], **{kind.db(c): frame[c] for c in kind.columns}})
    table = table.astype(object).where(table.notna(), None)
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()} for row in table.to_dict("records")]


def hold(con: duckdb.DuckDBPyConnection, checked: Checked, actor: Actor) -> HeldResult:
    """Store a checked reporter's upload as a pending submission, in one transaction; returns what was held.

    ``checked`` passed every check (the caller, :func:`data.store.write`, checked the area); a locked month
    is refused here (:class:`ImportRefused`, as an import). Records one ``submitted`` row per (month, region)
    (the reporter's region; a reporter without one: each region the file names) and the audit entry
    ``submission``. No fact or materialised table is touched.
    """
    kind = checked.kind.name
    rows = _rows(checked)
    periods = sorted({int(row["period"]) for row in rows})
    regions = [actor.region_code] if actor.region_code else sorted({str(row["region_code"]) for row in rows})
    at = approval._now()
    con.execute("BEGIN TRANSACTION")
    try:
        locked = approval.locked_problems(con, checked.frame)
        if locked:
            raise ImportRefused(checked.source, locked)
        number = next_number(con)
        con.execute(
            "INSERT INTO pending_uploads (submission_id, kind, source, row_count, rows_json, account, role, region_code, address, submitted_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [number, kind, checked.source, len(rows), json.dumps(rows, ensure_ascii=False), actor.account, actor.role,
             actor.region_code, actor.address, at],
        )  # fmt: skip
        con.executemany(
            "INSERT INTO submissions (submission_id, import_id, period, region_code, status, by_account, submitted_at)"
            " VALUES (?, NULL, ?, ?, 'submitted', ?, ?)",
            [[number, period, region, actor.account, at] for period in periods for region in regions],
        )
        labels = ", ".join(period_label(p) for p in periods)
        audit_hook.record(
            con, actor, "submission", f"submission {number} submitted for {labels} ({checked.source}, {len(rows)} rows); held until approved",
            region_code=actor.region_code,
        )
        reviewer = reviewer_of(con, actor)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return HeldResult(
        None, kind, checked.source, len(rows), 0, 0, tuple(checked.warnings), (), tuple(checked.notes),
        submission_id=number, periods=tuple(periods), regions=tuple(regions), reviewer_code=reviewer[0], reviewer_name=reviewer[1],
    )  # fmt: skip


def next_number(con: duckdb.DuckDBPyConnection) -> int:
    """The next submission number: above every submission's, old-rule ones numbered by their import."""
    return int(con.execute("SELECT COALESCE(MAX(COALESCE(submission_id, import_id)), 0) + 1 FROM submissions").fetchone()[0])


@dataclass(frozen=True)
class Pending:
    """One held upload as stored: ``rows`` its checked rows (``_row`` and the kind's table columns, months as
    month indexes); ``submitter`` who sent it; ``import_id`` the import that landed it (None: not landed)."""

    submission_id: int
    kind: str
    source: str
    rows: pd.DataFrame
    submitter: Actor
    submitted_at: dt.datetime
    import_id: int | None


def has_table(con: duckdb.DuckDBPyConnection) -> bool:
    """A database not written since this feature has no ``pending_uploads`` (data/schema.sql adds it on the next write)."""
    return quality.has_schema(con, "pending_uploads")


def load(con: duckdb.DuckDBPyConnection, submission_id: int) -> Pending | None:
    """The held upload numbered ``submission_id``; None where there is none (an old-rule submission, or no such number)."""
    if not has_table(con):
        return None
    row = con.execute(
        "SELECT kind, source, rows_json, account, role, region_code, address, submitted_at, import_id FROM pending_uploads"
        " WHERE submission_id = ?",
        [int(submission_id)],
    ).fetchone()
    if row is None:
        return None
    kind, source, rows_json, account, role, region, address, at, import_id = row
    columns = ["_row", *KINDS[kind].db_columns]
    rows = pd.DataFrame(json.loads(rows_json), columns=columns)
    return Pending(int(submission_id), kind, source, rows, Actor(account, role, region, address), at, import_id)


def held_rows(con: duckdb.DuckDBPyConnection, submission_id: int) -> pd.DataFrame:
    """The rows of held upload ``submission_id`` for its reviewer: ``_row``, the kind's table columns (months
    as month indexes) and ``region_name``; empty where there is none."""
    held = load(con, submission_id)
    if held is None:
        return pd.DataFrame(columns=["_row", "period", "region_code", "region_name"])
    rows = held.rows.copy()
    codes = sorted({str(code) for code in rows["region_code"]})
    names = dict(con.execute("SELECT code, name FROM regions WHERE code IN (SELECT unnest(?::VARCHAR[]))", [codes]).fetchall())
    rows.insert(rows.columns.get_loc("region_code") + 1, "region_name", rows["region_code"].map(names).fillna(""))
    return rows


def as_text(kind: str, rows: pd.DataFrame) -> pd.DataFrame:
    """Held rows as a reader gives a file (text under the kind's column names, ``_row`` first), so that the
    approval checks them with :func:`data.importer.check` itself: months written ``YYYY-MM``, codes and
    numbers as written back from their typed values."""
    spec = KINDS[kind]
    table = pd.DataFrame({"_row": rows["_row"].astype("int64")})
    for column in spec.columns:
        values = rows[spec.db(column)]
        table[column] = values.map(period_label) if column == "period" else values.map(lambda v: "" if v is None else str(v))
    return table


def recheck(con: duckdb.DuckDBPyConnection, held: Pending) -> Checked:
    """Check held rows again against the database as it is now: every rule of the import, the submitter's
    area and the locked months. The returned :class:`Checked` lists every problem (none: it may land)."""

    checked = check(con, KINDS[held.kind], as_text(held.kind, held.rows), held.source)
    checked.problems.extend(scope.import_problems(con, held.submitter, held.kind, checked.frame))
    if checked.ok:
        checked.problems.extend(approval.locked_problems(con, checked.frame))
    return checked


def refusal(held: Pending, problems: list[Problem] | tuple[Problem, ...]):
    """The :class:`data.approval.ApprovalRefused` of an approval whose re-check failed: every problem, one a line."""
    from data.approval import ApprovalRefused

    en = "\n".join(problem.render(held.source, "en") for problem in problems)
    zh = "\n".join(problem.render(held.source, "zh") for problem in problems)
    return ApprovalRefused(
        f"submission {held.submission_id} cannot land: {len(problems)} problem(s) against the data as it is now;"
        f" it stays submitted (return it with a reason, or resolve the problems and approve again)\n{en}",
        f"填报 {held.submission_id} 无法计入：对照当前数据有 {len(problems)} 个问题；仍为“已提交，待审核”（可写明原因退回，或解决问题后再审核通过）\n{zh}",
    )


def land(con: duckdb.DuckDBPyConnection, held: Pending, reviewer: Actor) -> ImportResult:
    """Approve held upload ``held``: check it again and land it through :func:`data.store.write` (one
    transaction: the import, its history and replaced rows, the audit entry ``import`` by the submitter,
    the materialised tables, the submission approved by ``reviewer`` with the import's id, the audit entry
    ``submission.approve``). The import's time is the submission's (timeliness credits the submission).
    Raises :class:`data.approval.ApprovalRefused` (every problem of the re-check; or the rows it would
    replace were written by an import after it was submitted, :func:`_refuse_overwriting_newer`; nothing written).
    """
    from data.approval import _now
    from data.store import write  # data.store imports this module

    checked = recheck(con, held)
    if not checked.ok:
        raise refusal(held, checked.problems)
    _refuse_overwriting_newer(con, held)

    def approved(con: duckdb.DuckDBPyConnection, import_id: int) -> None:
        con.execute(
            "UPDATE submissions SET status = 'approved', reviewer = ?, reviewed_at = ?, import_id = ? WHERE submission_id = ?",
            [reviewer.account, _now(), import_id, held.submission_id],
        )
        con.execute("UPDATE pending_uploads SET import_id = ? WHERE submission_id = ?", [import_id, held.submission_id])
        audit_hook.record(
            con, reviewer, "submission.approve",
            f"submission {held.submission_id} approved (by {held.submitter.account}): landed as import {import_id}",
            region_code=held.submitter.region_code,
        )  # fmt: skip

    try:
        return write(con, checked, actor=held.submitter, landing=approved, arrived_at=held.submitted_at)
    except ImportRefused as refused:  # the write's own checks (area, locks) under its transaction
        raise refusal(held, refused.problems) from None


def _refuse_overwriting_newer(con: duckdb.DuckDBPyConnection, held: Pending) -> None:
    """Refuse (:class:`data.approval.ApprovalRefused`) to land ``held`` over figures an import wrote *after* it
    was submitted (an office import, or a newer submission approved: an import's time is its arrival): landing
    it would replace the newer figures with older ones, the rule ``data.approval`` applies between submissions
    (docs/deployment.md, self-reporting and approval). Only the live rows it would replace are looked at, so
    an import since rolled back, or one of other rows, does not stand in the way. Return it instead."""
    from data.approval import ApprovalRefused
    from data.store import _key_match  # data.store imports this module

    spec = KINDS[held.kind]
    con.register("held_rows", held.rows[list(spec.db_key)])
    try:
        newer = con.execute(
            f"SELECT live.import_id, i.source, i.imported_at, live.region_code, live.period FROM {held.kind} live"
            f" JOIN held_rows ON {_key_match(held.kind, 'live', 'held_rows')} JOIN imports i ON i.import_id = live.import_id"
            " WHERE i.imported_at > ? ORDER BY live.import_id, live.period, live.region_code",
            [held.submitted_at],
        ).fetchall()
    finally:
        con.unregister("held_rows")
    if not newer:
        return
    import_id, source, at, region, period = newer[0]
    sent, landed, label = held.submitted_at.strftime("%Y-%m-%d %H:%M"), at.strftime("%Y-%m-%d %H:%M"), period_label(int(period))
    raise ApprovalRefused(
        f"submission {held.submission_id} was submitted at {sent}; import {import_id} ({source}) wrote figures of"
        f" {region} {label} since, at {landed}: landing it now would replace the newer figures with older ones; return it instead",
        f"填报 {held.submission_id} 提交于 {sent}；此后导入 {import_id}（{source}）于 {landed} 写入了 {region} {label} 的数据："
        "现在计入会用旧数据覆盖新数据，请退回",
    )


def discard(con: duckdb.DuckDBPyConnection, held: Pending, reviewer: Actor, reason: str) -> None:
    """Return held upload ``held`` with ``reason``: marked returned, nothing lands (nothing to roll back);
    the audit entry ``submission.return``, in one transaction."""
    from data.approval import _now

    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "UPDATE submissions SET status = 'returned', reviewer = ?, reviewed_at = ?, reason = ? WHERE submission_id = ?",
            [reviewer.account, _now(), reason, held.submission_id],
        )
        audit_hook.record(
            con, reviewer, "submission.return", f"submission {held.submission_id} returned: {reason}", region_code=held.submitter.region_code
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
