"""Writing checked files into the database, the import history, and rollback.

Every write is one transaction. The live tables carry the ``import_id`` that
wrote each row; the ``replaced_*`` tables keep the rows an import overwrote
(with the ``import_id`` that had written them), so rollback puts them back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from data import approval, audit, checks, fast_csv, materialised, pending, quality, queries, scope
from data.access import Actor, cli_actor
from data.db import DatabaseBusy, DatabaseMissing, DatabaseUnreadable, connect, ensure_schema
from data.importer import KINDS, Checked, kind_named, ImportRefused, ImportResult, check, notes_of, read_table

class RollbackRefused(ValueError):
    """A rollback refused, with the reason in English (``str``) and, where known, in Chinese (``text("zh")``)."""

    def __init__(self, message: str, zh: str | None = None):
        super().__init__(message)
        self.zh = zh

    def text(self, language: str = "en") -> str:
        """The reason in ``language`` ("zh" or "en"); English where no Chinese was given."""
        return self.zh if language == "zh" and self.zh else str(self)


class RollbackLocked(RollbackRefused):
    """A rollback refused because the entry touches a locked month (issue 12, point 3); ``text(language)`` zh/en."""

    def __init__(self, import_id: int, source: str, locks: list[approval.Lock]):
        self.import_id, self.source, self.locks = import_id, source, locks
        super().__init__(self.text("en"))

    def text(self, language: str = "en") -> str:
        said = "; ".join(lock.sentence(language) for lock in self.locks)
        if language == "zh":
            return f"导入 {self.import_id}（{self.source}）涉及已锁定的统计期：{said}；须由领导小组办公室先解锁才能撤销"
        return f"import {self.import_id} ({self.source}) touches a locked month: {said}; the office must unlock it before a rollback"


def _key_match(kind: str, left: str, right: str) -> str:
    return " AND ".join(f"{left}.{column} = {right}.{column}" for column in kind_named(kind).db_key)


def _staged(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A checked frame's columns under their table names (``group`` -> ``group_id``)."""
    columns = KINDS[kind].columns
    frame = frame.assign(**{c: None for c in KINDS[kind].optional if c not in frame.columns})
    return frame[list(columns)].rename(columns=dict(zip(columns, KINDS[kind].db_columns)))


def write(
    con: duckdb.DuckDBPyConnection,
    checked: Checked,
    *,
    is_demo: bool = False,
    actor: Actor | None = None,
    landing: Callable[[duckdb.DuckDBPyConnection, int], None] | None = None,
    arrived_at: dt.datetime | None = None,
) -> ImportResult:
    """Land a checked file in one transaction; existing keys are replaced and remembered.

    ``actor`` (None: the CLI, :func:`data.access.cli_actor`) is who imports and must be allowed every row
    (``data.scope``, issue 12): a reporter's rows outside its area are refused by row. A reporter's
    month figures are **held**, not landed (:func:`data.pending.hold`: a :class:`data.pending.HeldResult`,
    no fact table touched) until the level above approves them; the approval lands them here with
    ``landing`` (called with the new import id inside this transaction: the submission marked approved)
    and ``arrived_at`` (the submission's time, the import's ``imported_at``: reporting timeliness credits
    the submission, not the approval). Every import is in the audit log in the same transaction. A file
    holding rows of a locked month is refused (:class:`ImportRefused`, one problem per locked month;
    issue 12, point 3).
    """
    if not checked.ok:
        raise ImportRefused(checked.source, checked.problems)
    outside = scope.import_problems(con, actor, checked.kind.name, checked.frame)
    if outside:
        raise ImportRefused(checked.source, outside)
    if landing is None and pending.holds(actor, checked.kind.name):  # counted nowhere until approved (pend5)
        return pending.hold(con, checked, actor)
    actor = actor or cli_actor()
    kind = checked.kind.name
    columns = KINDS[kind].db_columns
    # The CSV fast path's rows are landed from their Arrow table (data/fast_csv.py): no pandas copy.
    staged = checked.arrow if checked.arrow is not None else _staged(kind, checked.frame)
    con.execute("BEGIN TRANSACTION")
    try:
        was_fresh = materialised.fresh_before_write(con)
        locked = approval.locked_problems(con, checked.frame)
        if locked:
            raise ImportRefused(checked.source, locked)
        import_id = _new_import(con, kind, checked.source, len(staged), is_demo, at=arrived_at)
        con.register("staged", staged)
        match = _key_match(kind, "live", "staged")
        held = True
        if "period" in KINDS[kind].key and len(staged):
            # The same rows, found faster: the live rows of the file's span of months only, which DuckDB reads
            # from the row groups whose months lie in it (issue 15: 0.07 s -> 0.002 s against 3.2M rows); where
            # the table holds no row in that span, nothing is replaced (issue 15: 0.02 s at 540,000 rows).
            lo, hi = con.execute("SELECT MIN(period), MAX(period) FROM staged").fetchone()
            match += f" AND live.period BETWEEN {int(lo)} AND {int(hi)}"
            held = con.execute(f"SELECT EXISTS (SELECT 1 FROM {kind} WHERE period BETWEEN ? AND ?)", [lo, hi]).fetchone()[0]
        replaced = 0
        if held:
            listed = ", ".join(f"live.{c}" for c in columns)
            con.execute(
                f"INSERT INTO replaced_{kind} (import_id, {', '.join(columns)}, prior_import_id)"
                f" SELECT ?, {listed}, live.import_id FROM {kind} live JOIN staged ON {match}",
                [import_id],
            )
            replaced = con.execute(f"SELECT COUNT(*) FROM replaced_{kind} WHERE import_id = ?", [import_id]).fetchone()[0]
            con.execute(f"DELETE FROM {kind} live USING staged WHERE {match}")
        # Columns by name: a migrated table has its later columns (regions.abolished) after import_id.
        con.execute(f"INSERT INTO {kind} ({', '.join(columns)}, import_id) SELECT {', '.join(columns)}, ? FROM staged", [import_id])
        con.unregister("staged")
        if kind == "regions":
            queries.rebuild_closure(con)
        con.execute(
            "UPDATE imports SET added = ?, replaced = ? WHERE import_id = ?",
            [len(staged) - replaced, replaced, import_id],
        )
        months = _months_written(con, kind, import_id, checked.frame if checked.arrow is not None else staged)
        audit.record(
            con,
            actor,
            "import",
            {"import_id": import_id, "kind": kind, "source": checked.source, "rows": len(staged), "replaced": int(replaced)},
            actor.region_code,
        )
        if landing is not None:  # an approved submission: marked approved in this transaction (data/pending.py)
            landing(con, import_id)
        # The first month the file touched (staged may be the fast path's Arrow table: ask the rows landed).
        since = con.execute(f"SELECT MIN(period) FROM {kind} WHERE import_id = ?", [import_id]).fetchone()[0] if "period" in columns else None
        materialised.after_write(con, kind, since, was_fresh)  # issue 15: in the import's transaction
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return ImportResult(
        import_id, kind, checked.source, len(staged), len(staged) - replaced, replaced, tuple(checked.warnings), months, tuple(checked.notes)
    )


def _months_written(con: duckdb.DuckDBPyConnection, kind: str, import_id: int, staged: pd.DataFrame) -> tuple[tuple[int, int, int], ...]:
    """Per month of a fact file: (month index, rows added, rows replaced), for the import summary."""
    if "period" not in staged.columns or staged.empty:
        return ()
    rows = staged["period"].value_counts()
    replaced = dict(
        con.execute(f"SELECT period, COUNT(*) FROM replaced_{kind} WHERE import_id = ? GROUP BY period", [import_id]).fetchall()
    )
    return tuple(
        (int(month), int(count) - int(replaced.get(month, 0)), int(replaced.get(month, 0))) for month, count in sorted(rows.items())
    )


def _new_import(
    con: duckdb.DuckDBPyConnection, kind: str, source: str, rows: int, is_demo: bool, at: dt.datetime | None = None
) -> int:
    """A new history entry; ``at`` = when it arrived (default: ``checks.now()``, pinned by ``KUOMIAN_NOW``)."""
    import_id = con.execute("SELECT COALESCE(MAX(import_id), 0) + 1 FROM imports").fetchone()[0]
    con.execute(
        "INSERT INTO imports (import_id, kind, source, imported_at, row_count, added, replaced, is_demo)"
        " VALUES (?, ?, ?, ?, ?, 0, 0, ?)",
        [import_id, kind, source, at or checks.now(), rows, is_demo],
    )
    return import_id


def check_file(con: duckdb.DuckDBPyConnection | None, kind: str, path: Path | str, sheet: str | None = None, source: str | None = None) -> Checked:
    source = source or str(path)
    table = read_table(path, KINDS[kind], sheet=sheet, source=source)
    checked = check(con, KINDS[kind], table, source)
    checked.notes = notes_of(table)
    return checked


def content_version(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int] | None:
    """What the import history says about the data: ``(last import id, imports, rollbacks)``; None without tables.

    Every write goes through the history (an import, a rollback, a restore, the
    demo), so two equal versions mean a check made on one still holds on the other.
    """
    if not quality.has_schema(con, "imports"):
        return None
    last, count, rolled = con.execute(queries.CONTENT_VERSION).fetchone()
    return int(last), int(count), int(rolled)


@dataclass(frozen=True)
class Prepared:
    """A file read and checked against the database as it was at ``seen`` (see :func:`content_version`)."""

    kind: str
    source: str
    table: pd.DataFrame  # the rows as read, ``_row`` first
    checked: Checked
    seen: tuple[int, int, int] | None


def prepare_table(
    db_path: Path | str, kind: str, table: pd.DataFrame, source: str, wait_seconds: float | None = None, actor: Actor | None = None
) -> Prepared:
    """Check rows already read on a short read-only connection (none where there is no database yet).

    No write lock is held: other readers and writers go on meanwhile (issue 10, point 6).
    Raises :class:`data.db.DatabaseBusy` when a writer holds the file past ``wait_seconds``.
    """
    try:
        with connect(db_path, wait_seconds=wait_seconds) as con:
            has_tables = quality.has_schema(con)
            checked = check(con if has_tables else None, KINDS[kind], table, source)
            checked.problems.extend(scope.import_problems(con if has_tables else None, actor, kind, checked.frame))
            if checked.ok and has_tables:  # said before the write too, which checks again under the lock
                checked.problems.extend(approval.locked_problems(con, checked.frame))
            seen = content_version(con) if has_tables else None
    except DatabaseMissing:
        checked, seen = check(None, KINDS[kind], table, source), None
        checked.problems.extend(scope.import_problems(None, actor, kind, checked.frame))
    checked.notes = notes_of(table)
    return Prepared(kind, source, table, checked, seen)


def land(db_path: Path | str, prepared: Prepared, wait_seconds: float | None = None, actor: Actor | None = None) -> ImportResult:
    """Write a prepared file under the write lock, checking it again if the database changed since.

    Raises :class:`ImportRefused` (refused when prepared, or on the re-check: nothing written)
    and :class:`data.db.DatabaseBusy`.
    """
    if not prepared.checked.ok:
        raise ImportRefused(prepared.source, prepared.checked.problems)
    with connect(db_path, write=True, wait_seconds=wait_seconds) as con:
        checked = prepared.checked
        if prepared.seen is None or content_version(con) != prepared.seen:
            checked = check(con, KINDS[prepared.kind], prepared.table, prepared.source)  # another write landed
            checked.notes = notes_of(prepared.table)
        return write(con, checked, actor=actor)


def import_file(
    db_path: Path | str,
    kind: str,
    path: Path | str,
    sheet: str | None = None,
    wait_seconds: float | None = None,
    actor: Actor | None = None,
    *,
    fast: bool | None = None,
) -> ImportResult:
    """Read, check and land one file; raises :class:`ImportRefused` with every problem.

    The file is read with no connection and checked on a read-only one; the
    write lock is held only to write (and to check again if another import
    landed in between), so the dashboard's readers never wait on the reading
    of a large file (issue 10, point 6; the lock protocol is in data/db.py).

    A clean snapshots or population CSV file is read and checked by DuckDB (:mod:`data.fast_csv`, issue 15
    point 2): streamed and parsed with no connection, then checked and written on one read-write connection
    (:func:`_import_fast`); every other file, and any file with a problem, by the reader and the check. ``fast`` is for
    tests and the benchmark only: ``False`` never tries the fast path, ``True`` requires it (raises
    :class:`data.fast_csv.NotFast` where the file is not clean).
    """
    source = str(path)
    if fast is not False and fast_csv.eligible(kind, path, sheet):
        result = _import_fast(db_path, kind, path, source, wait_seconds, actor, required=fast is True)
        if result is not None:
            return result
    table = read_table(path, KINDS[kind], sheet=sheet, source=source)
    return land(db_path, prepare_table(db_path, kind, table, source, wait_seconds, actor), wait_seconds, actor)


def _import_fast(
    db_path: Path | str, kind: str, path: Path | str, source: str, wait_seconds: float | None, actor: Actor | None, required: bool
) -> ImportResult | None:
    """The fast path's import: the file streamed and parsed with no connection to the database, then checked
    and written on ONE read-write connection (issue 15: opening the database twice, to check and then to
    write, was 0.09 s of a 540,000-row import; no other write can land in between, so nothing is checked
    twice). None where the file is not clean (then the existing path reads it and says why; with
    ``required``, NotFast is raised). Raises :class:`ImportRefused` (the write's own refusals) and
    :class:`data.db.DatabaseBusy` (the write lock not had in ``wait_seconds``, as the existing path's write).

    Nothing changed on refusal: the connection is opened as the database is (``existing``: no file made, no
    schema applied) and nothing is written before the check has passed."""
    try:
        try:
            columns = fast_csv.scan(path, KINDS[kind])  # no connection while the bytes are streamed
            raw = fast_csv.parse(KINDS[kind], path, columns)  # nor while DuckDB parses them
        except fast_csv.NotFast:
            raise
        except Exception as error:  # noqa: BLE001 - a fault of the fast path is never the user's
            raise _FastFault(error) from error
        with connect(db_path, write=True, wait_seconds=wait_seconds, existing=True) as con:
            # One thread for the check and the write: on two cores the whole import took 0.13 s less CPU so and
            # no more wall time (issue 15, 540,000 rows: DuckDB's parallel INSERTs write their row groups twice).
            # Each row group written as soon as it is full (not five buffered): the same CPU, and the import's
            # peak memory 355 MB instead of 400 MB (380 MB before issue 15's last step).
            con.execute("SET threads = 1")
            con.execute("SET write_buffer_row_group_count = 1")
            try:
                if not quality.has_schema(con):
                    raise fast_csv.NotFast("a database without tables")
                staged = fast_csv.typed(con, KINDS[kind], raw, source)
                del raw  # the text cells replaced by their typed values go
                checked = fast_csv.check(con, staged, actor)
            except fast_csv.NotFast:
                raise
            except Exception as error:  # noqa: BLE001
                raise _FastFault(error) from error
            ensure_schema(con)  # a database older than a table gets it now, as the existing path's write does
            return write(con, checked, actor=actor)
    except DatabaseMissing:
        if required:
            raise fast_csv.NotFast("no database yet") from None
        return None
    except DatabaseUnreadable:
        if required:
            raise
        return None  # not writable here (a read-only copy...): the existing path still lists a file's problems
    except fast_csv.NotFast:
        if required:
            raise
        return None
    except _FastFault as fault:  # the existing path reads the file
        if required:
            raise fault.error from None
        return None


class _FastFault(Exception):
    """An unexpected error of the fast path's read or check (not of the write): the existing path takes over."""

    def __init__(self, error: Exception):
        super().__init__(str(error))
        self.error = error


# --------------------------------------------------------------------------- history


def history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Imports and rollbacks, newest first: one row per entry, ``undoes`` set on a rollback's own entry."""
    has_undoes = con.execute(
        "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'imports' AND column_name = 'undoes'"
    ).fetchone()[0]
    undoes = "undoes" if has_undoes else "CAST(NULL AS INTEGER) AS undoes"  # a database older than the column
    return con.execute(
        "SELECT import_id, kind, source, imported_at, row_count, added, replaced, is_demo, rolled_back_at, "
        f"{undoes} FROM imports ORDER BY import_id DESC"
    ).df()


def rollback(con: duckdb.DuckDBPyConnection, import_id: int, actor: Actor | None = None) -> str:
    """Undo one history entry; returns the sentence to show.

    An import's rollback removes what it added and restores what it replaced,
    and is itself an entry of the history (``undoes`` = the import): the rows
    it removed are kept as the rows *it* replaced, so nothing is lost. Rolling
    back that entry undoes the rollback: the import's rows come back exactly
    (issue 10, point 8; cli.md "Others"). Raises :class:`RollbackRefused`
    (unknown, already undone, rows a later import has since replaced, or ``actor`` not allowed:
    ``data.scope.rollback_problem``) and :class:`RollbackLocked` when the entry touches a locked month
    (issue 12, point 3). ``actor`` None is the CLI (``cli_actor()``); the rollback is recorded in the
    audit log in its transaction (issue 12).
    """
    record = con.execute(
        "SELECT kind, source, rolled_back_at, undoes FROM imports WHERE import_id = ?", [import_id]
    ).fetchone()
    if record is None:
        raise RollbackRefused(f"there is no import {import_id} (see `kuomian history`)")
    kind, source, rolled_back_at, undoes = record
    refused = scope.rollback_problem(con, actor, import_id, kind)
    if refused:
        raise RollbackRefused(*refused)
    actor = actor or cli_actor()
    if rolled_back_at is not None:
        by = con.execute(
            "SELECT MAX(import_id) FROM imports WHERE undoes = ? AND rolled_back_at IS NULL", [import_id]
        ).fetchone()[0]
        hint = f"; `kuomian rollback {by}` undoes that rollback" if by is not None else ""
        raise RollbackRefused(f"import {import_id} ({source}) was already rolled back at {rolled_back_at}{hint}")
    touched = approval.import_periods(con, kind, import_id) + (approval.import_periods(con, kind, undoes) if undoes is not None else [])
    locked = approval.locks_touching(con, touched)
    if locked:
        raise RollbackLocked(import_id, source, locked)
    if undoes is not None:
        return _undo_rollback(con, import_id, kind, source, undoes, actor)
    later = con.execute(
        f"SELECT DISTINCT r.import_id FROM replaced_{kind} r JOIN imports i USING (import_id)"
        " WHERE r.prior_import_id = ? AND i.rolled_back_at IS NULL ORDER BY 1",
        [import_id],
    ).fetchall()
    if later:
        ids = ", ".join(str(row[0]) for row in later)
        raise RollbackRefused(
            f"import {import_id} ({source}) has rows that later import(s) {ids} replaced; roll those back first"
        )
    columns = ", ".join(kind_named(kind).db_columns)
    con.execute("BEGIN TRANSACTION")
    try:
        was_fresh = materialised.fresh_before_write(con)
        entry = _new_import(con, kind, f"rollback of import {import_id} ({source})", 0, False)
        con.execute("UPDATE imports SET undoes = ? WHERE import_id = ?", [import_id, entry])
        con.execute(
            f"INSERT INTO replaced_{kind} (import_id, {columns}, prior_import_id)"
            f" SELECT ?, {columns}, import_id FROM {kind} WHERE import_id = ?",
            [entry, import_id],
        )
        removed = con.execute(f"DELETE FROM {kind} WHERE import_id = ?", [import_id]).fetchone()[0]
        con.execute(
            f"INSERT INTO {kind} ({columns}, import_id)"
            f" SELECT {columns}, prior_import_id FROM replaced_{kind} WHERE import_id = ?",
            [import_id],
        )
        restored = con.execute(f"SELECT COUNT(*) FROM replaced_{kind} WHERE import_id = ?", [import_id]).fetchone()[0]
        if kind == "regions":
            _refuse_orphans(con, import_id)
            queries.rebuild_closure(con)
        now = checks.now()
        con.execute("UPDATE imports SET rolled_back_at = ? WHERE import_id = ?", [now, import_id])
        con.execute(
            "UPDATE imports SET row_count = ?, added = ?, replaced = ? WHERE import_id = ?", [restored, restored, removed, entry]
        )
        audit.record(
            con, actor, "rollback", {"import_id": import_id, "entry": entry, "source": source, "removed": int(removed), "restored": int(restored)},
            actor.region_code,
        )
        materialised.after_write(con, kind, None, was_fresh, full=kind in materialised.METRIC_KINDS)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return f"rolled back import {import_id} ({source}): {removed} row(s) removed, {restored} restored"


def _undo_rollback(con: duckdb.DuckDBPyConnection, entry: int, kind: str, source: str, undone: int, actor: Actor) -> str:
    """Undo rollback ``entry`` of import ``undone``: the rows it restored go, the import's rows come back."""
    columns = ", ".join(kind_named(kind).db_columns)
    restored_by_it = _key_match(kind, "live", "r")
    moved = con.execute(
        f"SELECT DISTINCT live.import_id FROM {kind} live JOIN replaced_{kind} r ON {restored_by_it}"
        " WHERE r.import_id = ? AND live.import_id IS DISTINCT FROM r.prior_import_id ORDER BY 1",
        [undone],
    ).fetchall()
    con.execute("BEGIN TRANSACTION")
    try:
        was_fresh = materialised.fresh_before_write(con)
        if moved:
            raise RollbackRefused(_later(entry, source, moved))
        removed = con.execute(
            f"DELETE FROM {kind} live USING replaced_{kind} r WHERE r.import_id = ? AND {restored_by_it}"
            " AND live.import_id = r.prior_import_id",
            [undone],
        ).fetchone()[0]
        taken = con.execute(
            f"SELECT DISTINCT live.import_id FROM {kind} live JOIN replaced_{kind} r ON {restored_by_it}"
            " WHERE r.import_id = ? ORDER BY 1",
            [entry],
        ).fetchall()
        if taken:
            raise RollbackRefused(_later(entry, source, taken))
        back = con.execute(
            f"INSERT INTO {kind} ({columns}, import_id) SELECT {columns}, prior_import_id FROM replaced_{kind}"
            " WHERE import_id = ?",
            [entry],
        ).fetchone()[0]
        if kind == "regions":
            _refuse_orphans(con, entry)
            queries.rebuild_closure(con)
        now = checks.now()
        con.execute("UPDATE imports SET rolled_back_at = ? WHERE import_id = ?", [now, entry])
        con.execute("UPDATE imports SET rolled_back_at = NULL WHERE import_id = ?", [undone])
        audit.record(
            con, actor, "rollback", {"import_id": entry, "undoes_rollback_of": undone, "source": source, "restored": int(back), "removed": int(removed)},
            actor.region_code,
        )
        materialised.after_write(con, kind, None, was_fresh, full=kind in materialised.METRIC_KINDS)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return f"undid import {entry} ({source}): import {undone} is back, {back} row(s) restored, {removed} removed"


def _later(entry: int, source: str, holders: list[tuple]) -> str:
    ids = ", ".join(str(row[0]) for row in holders)
    return f"import {entry} ({source}) has rows that later import(s) {ids} replaced; roll those back first"


def _refuse_orphans(con: duckdb.DuckDBPyConnection, import_id: int) -> None:
    orphans = con.execute(
        """
        SELECT DISTINCT code FROM (
            SELECT region_code AS code FROM population UNION ALL
            SELECT region_code FROM snapshots UNION ALL
            SELECT region_code FROM pool UNION ALL
            SELECT region_code FROM actions UNION ALL
            SELECT region_code FROM tasks UNION ALL
            SELECT parent_code FROM regions WHERE parent_code IS NOT NULL
        ) WHERE code NOT IN (SELECT code FROM regions) ORDER BY code LIMIT 10
        """
    ).fetchall()
    if orphans:
        codes = ", ".join(row[0] for row in orphans)
        raise RollbackRefused(
            f"import {import_id} added regions still in use ({codes}); roll back the imports that use them first"
        )


# --------------------------------------------------------------------------- demo


def load_demo(con: duckdb.DuckDBPyConnection, seed: int = 2025, actor: Actor | None = None) -> list[ImportResult]:
    """Replace the demo data (and only it) with a fresh demo set; recorded in the audit log as an
    import by ``actor`` (None: the CLI, ``cli_actor()``).

    Rows written by earlier demo loads go; rows of the user's own imports stay,
    and where a demo row would collide with one of them the user's row wins.
    The snapshots land as one history entry per arrival time of the demo's reports
    (``DemoData.arrivals``; reporting timeliness, issue 13 point 2); the result has
    one entry per kind (the last import id of the kind, the rows of all of them).
    """
    from data.demo import build_demo

    demo = build_demo(seed)
    con.execute("BEGIN TRANSACTION")
    try:
        demo_ids = "SELECT import_id FROM imports WHERE is_demo"
        old_demo_ids = [row[0] for row in con.execute(demo_ids).fetchall()]
        for kind in ("tasks", "actions", "pool", "snapshots", "population", "regions", "ledger"):
            con.execute(f"DELETE FROM {kind} WHERE import_id IN ({demo_ids})")
            con.execute(f"DELETE FROM replaced_{kind} WHERE import_id IN ({demo_ids})")
        con.execute("DELETE FROM imports WHERE is_demo")
        results = []
        loads = (
            ("regions", demo.regions),
            ("population", demo.population),
            ("snapshots", demo.snapshots),
            ("pool", demo.pool),
            ("actions", demo.actions),
            ("tasks", demo.tasks),
        )
        for kind, frame in loads:
            staged = _demo_frame(kind, frame)
            # Snapshots land as one import per arrival time (the demo's reporting timeliness, issue 13
            # point 2: data/timeliness.py reads arrivals from the imports' times); the rest as one import.
            batches = _demo_batches(staged, demo.arrivals) if kind == "snapshots" else [(None, staged)]
            ids = [_new_import(con, kind, "demo", len(batch), True, at=at) for at, batch in batches]
            staged = pd.concat(
                [batch.assign(import_id=import_id) for import_id, (_, batch) in zip(ids, batches)], ignore_index=True
            )
            con.register("staged", staged)
            columns = ", ".join(kind_named(kind).db_columns)
            con.execute(
                f"INSERT INTO {kind} ({columns}, import_id) SELECT {columns}, import_id FROM staged"
                f" WHERE NOT EXISTS (SELECT 1 FROM {kind} live WHERE {_key_match(kind, 'live', 'staged')})"
            )
            _repoint_replaced_demo_rows(con, kind, old_demo_ids)
            con.unregister("staged")
            landed = dict(
                con.execute(
                    f"SELECT import_id, COUNT(*) FROM {kind} WHERE import_id IN (SELECT unnest(?::INTEGER[])) GROUP BY 1", [ids]
                ).fetchall()
            )
            for import_id in ids:
                added = int(landed.get(import_id, 0))
                con.execute("UPDATE imports SET row_count = ?, added = ? WHERE import_id = ?", [added, added, import_id])
            if kind == "regions":
                queries.rebuild_closure(con)
            total = int(sum(landed.values()))
            results.append(ImportResult(ids[-1], kind, "demo", total, total, 0))  # one per kind
        from data.ledger import load_demo_ledger  # the demo county's task list (issue 14)

        results.append(load_demo_ledger(con, _new_import(con, "ledger", "demo", 0, True)))
        audit.record(con, actor or cli_actor(), "import", {"source": "demo", "seed": seed, "imports": [r.import_id for r in results]})
        materialised.after_write(con, "regions", None, False, full=True)  # issue 15: the demo rebuilds all
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return results


def _repoint_replaced_demo_rows(con: duckdb.DuckDBPyConnection, kind: str, old_demo_ids: list[int]) -> None:
    """User imports that replaced rows of the old demo set would, rolled back, bring those stale rows back
    (under an import that no longer exists, out of the next demo load's reach): make them restore the row
    of the demo set just staged instead (under its ``import_id`` column), or nothing where it has none."""
    if not old_demo_ids:
        return
    old = "(SELECT unnest(?::INTEGER[]))"
    con.execute(
        f"DELETE FROM replaced_{kind} r WHERE r.prior_import_id IN {old}"
        f" AND NOT EXISTS (SELECT 1 FROM staged WHERE {_key_match(kind, 'r', 'staged')})",
        [old_demo_ids],
    )
    values = ", ".join(f"{column} = staged.{column}" for column in KINDS[kind].db_value_columns)
    con.execute(
        f"UPDATE replaced_{kind} AS r SET {values}, prior_import_id = staged.import_id FROM staged"
        f" WHERE {_key_match(kind, 'r', 'staged')} AND r.prior_import_id IN {old}",
        [old_demo_ids],
    )


def _demo_batches(staged: pd.DataFrame, arrivals: pd.DataFrame | None) -> list[tuple[dt.datetime | None, pd.DataFrame]]:
    """The demo's snapshot rows grouped by when their report arrived, oldest first; a time after
    ``checks.now()`` becomes now (a demo loaded before its last month's planned arrival)."""
    if arrivals is None or arrivals.empty:
        return [(None, staged)]
    from metrics.periods import month_index

    months = {p: month_index(p) for p in arrivals["period"].unique()}
    times = arrivals.assign(period=arrivals["period"].map(months).astype("int64"))
    now = pd.Timestamp(checks.now())
    times["arrived_at"] = pd.to_datetime(times["arrived_at"]).where(lambda t: t <= now, now)
    joined = staged.merge(times, on=["period", "region_code"], how="left")
    joined["arrived_at"] = joined["arrived_at"].fillna(now)
    columns = list(staged.columns)
    return [
        (at.to_pydatetime(), group[columns].reset_index(drop=True))
        for at, group in joined.groupby("arrived_at", sort=True)
    ]


def _demo_frame(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    from metrics.periods import month_index

    staged = _staged(kind, frame).copy()
    if "period" in staged:
        staged["period"] = staged["period"].map(month_index).astype("int64")
    return staged


def has_data(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT COUNT(*) FROM regions").fetchone()[0] > 0


def has_demo(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT COUNT(*) FROM imports WHERE is_demo AND rolled_back_at IS NULL").fetchone()[0] > 0
