"""Writing checked files into the database, the import history, and rollback.

Every write is one transaction. The live tables carry the ``import_id`` that
wrote each row; the ``replaced_*`` tables keep the rows an import overwrote
(with the ``import_id`` that had written them), so rollback puts them back.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from data import queries
from data.db import connect
from data.importer import KINDS, Checked, ImportRefused, ImportResult, check, notes_of, read_table

class RollbackRefused(ValueError):
    pass


def _key_match(kind: str, left: str, right: str) -> str:
    return " AND ".join(f"{left}.{column} = {right}.{column}" for column in KINDS[kind].db_key)


def _staged(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A checked frame's columns under their table names (``group`` -> ``group_id``)."""
    columns = KINDS[kind].columns
    return frame[list(columns)].rename(columns=dict(zip(columns, KINDS[kind].db_columns)))


def write(con: duckdb.DuckDBPyConnection, checked: Checked, *, is_demo: bool = False) -> ImportResult:
    """Land a checked file in one transaction; existing keys are replaced and remembered."""
    if not checked.ok:
        raise ImportRefused(checked.source, checked.problems)
    kind = checked.kind.name
    columns = KINDS[kind].db_columns
    staged = _staged(kind, checked.frame)
    con.execute("BEGIN TRANSACTION")
    try:
        import_id = _new_import(con, kind, checked.source, len(staged), is_demo)
        con.register("staged", staged)
        match = _key_match(kind, "live", "staged")
        listed = ", ".join(f"live.{c}" for c in columns)
        con.execute(
            f"INSERT INTO replaced_{kind} SELECT ?, {listed}, live.import_id FROM {kind} live JOIN staged ON {match}",
            [import_id],
        )
        replaced = con.execute(f"SELECT COUNT(*) FROM replaced_{kind} WHERE import_id = ?", [import_id]).fetchone()[0]
        con.execute(f"DELETE FROM {kind} live USING staged WHERE {match}")
        con.execute(f"INSERT INTO {kind} SELECT {', '.join(columns)}, ? FROM staged", [import_id])
        con.unregister("staged")
        if kind == "regions":
            queries.rebuild_closure(con)
        con.execute(
            "UPDATE imports SET added = ?, replaced = ? WHERE import_id = ?",
            [len(staged) - replaced, replaced, import_id],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return ImportResult(
        import_id, kind, checked.source, len(staged), len(staged) - replaced, replaced, tuple(checked.warnings),
        tuple(checked.notes),
    )


def _new_import(con: duckdb.DuckDBPyConnection, kind: str, source: str, rows: int, is_demo: bool) -> int:
    import_id = con.execute("SELECT COALESCE(MAX(import_id), 0) + 1 FROM imports").fetchone()[0]
    con.execute(
        "INSERT INTO imports (import_id, kind, source, imported_at, row_count, added, replaced, is_demo)"
        " VALUES (?, ?, ?, ?, ?, 0, 0, ?)",
        [import_id, kind, source, dt.datetime.now().replace(microsecond=0), rows, is_demo],
    )
    return import_id


def check_file(con: duckdb.DuckDBPyConnection | None, kind: str, path: Path | str, sheet: str | None = None, source: str | None = None) -> Checked:
    source = source or str(path)
    table = read_table(path, KINDS[kind], sheet=sheet, source=source)
    checked = check(con, KINDS[kind], table, source)
    checked.notes = notes_of(table)
    return checked


def import_file(db_path: Path | str, kind: str, path: Path | str, sheet: str | None = None) -> ImportResult:
    """Check and land one file; raises :class:`ImportRefused` with every problem.

    The file is read before the database is opened for writing (issue 10 point 6: reading a large or
    hostile file never holds the write lock); checking and writing happen under it."""
    source = str(path)
    table = read_table(path, KINDS[kind], sheet=sheet, source=source)
    with connect(db_path, write=True) as con:
        checked = check(con, KINDS[kind], table, source)
        checked.notes = notes_of(table)
        return write(con, checked)


# --------------------------------------------------------------------------- history


def history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Imports, newest first."""
    return con.execute(
        "SELECT import_id, kind, source, imported_at, row_count, added, replaced, is_demo, rolled_back_at"
        " FROM imports ORDER BY import_id DESC"
    ).df()


def rollback(con: duckdb.DuckDBPyConnection, import_id: int) -> str:
    """Undo one import: remove what it added, restore what it replaced."""
    record = con.execute("SELECT kind, source, rolled_back_at FROM imports WHERE import_id = ?", [import_id]).fetchone()
    if record is None:
        raise RollbackRefused(f"there is no import {import_id} (see `kuomian history`)")
    kind, source, rolled_back_at = record
    if rolled_back_at is not None:
        raise RollbackRefused(f"import {import_id} ({source}) was already rolled back at {rolled_back_at}")
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
    columns = KINDS[kind].db_columns
    con.execute("BEGIN TRANSACTION")
    try:
        removed = con.execute(f"DELETE FROM {kind} WHERE import_id = ?", [import_id]).fetchone()[0]
        con.execute(
            f"INSERT INTO {kind} SELECT {', '.join(columns)}, prior_import_id FROM replaced_{kind} WHERE import_id = ?",
            [import_id],
        )
        restored = con.execute(f"SELECT COUNT(*) FROM replaced_{kind} WHERE import_id = ?", [import_id]).fetchone()[0]
        if kind == "regions":
            _refuse_orphans(con, import_id)
            queries.rebuild_closure(con)
        con.execute("UPDATE imports SET rolled_back_at = ? WHERE import_id = ?", [dt.datetime.now().replace(microsecond=0), import_id])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return f"rolled back import {import_id} ({source}): {removed} row(s) removed, {restored} restored"


def _refuse_orphans(con: duckdb.DuckDBPyConnection, import_id: int) -> None:
    orphans = con.execute(
        """
        SELECT DISTINCT code FROM (
            SELECT region_code AS code FROM population UNION ALL
            SELECT region_code FROM snapshots UNION ALL
            SELECT region_code FROM pool UNION ALL
            SELECT region_code FROM actions UNION ALL
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


def load_demo(con: duckdb.DuckDBPyConnection, seed: int = 2025) -> list[ImportResult]:
    """Replace the demo data (and only it) with a fresh demo set.

    Rows written by earlier demo loads go; rows of the user's own imports stay,
    and where a demo row would collide with one of them the user's row wins.
    """
    from data.demo import build_demo

    demo = build_demo(seed)
    con.execute("BEGIN TRANSACTION")
    try:
        demo_ids = "SELECT import_id FROM imports WHERE is_demo"
        old_demo_ids = [row[0] for row in con.execute(demo_ids).fetchall()]
        for kind in ("actions", "pool", "snapshots", "population", "regions"):
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
        )
        for kind, frame in loads:
            staged = _demo_frame(kind, frame)
            import_id = _new_import(con, kind, "demo", len(staged), True)
            con.register("staged", staged)
            columns = ", ".join(KINDS[kind].db_columns)
            added = con.execute(
                f"INSERT INTO {kind} SELECT {columns}, ? FROM staged"
                f" WHERE NOT EXISTS (SELECT 1 FROM {kind} live WHERE {_key_match(kind, 'live', 'staged')})",
                [import_id],
            ).fetchone()[0]
            _repoint_replaced_demo_rows(con, kind, old_demo_ids, import_id)
            con.unregister("staged")
            con.execute("UPDATE imports SET row_count = ?, added = ? WHERE import_id = ?", [added, added, import_id])
            if kind == "regions":
                queries.rebuild_closure(con)
            results.append(ImportResult(import_id, kind, "demo", added, added, 0))
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return results


def _repoint_replaced_demo_rows(con: duckdb.DuckDBPyConnection, kind: str, old_demo_ids: list[int], import_id: int) -> None:
    """User imports that replaced rows of the old demo set would, rolled back, bring those stale rows back
    (under an import that no longer exists, out of the next demo load's reach): make them restore the row
    of the demo set just staged instead, or nothing where it has none."""
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
        f"UPDATE replaced_{kind} AS r SET {values}, prior_import_id = ? FROM staged"
        f" WHERE {_key_match(kind, 'r', 'staged')} AND r.prior_import_id IN {old}",
        [import_id, old_demo_ids],
    )


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
