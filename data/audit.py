"""The audit log: who did what, when, from where (issue 12, point 4).

Every write records one row in ``audit_log``: a login (ok or failed), a logout, an import, a
rollback, an approval, a period lock, a target-file change, an account change. The row says the
time (local, to the second), the account and its role, the client address, the action and what
changed. Rows are only ever appended; nothing in kuomian updates or deletes them.

:func:`record` runs on the caller's connection and inside the caller's transaction when there is
one, so a write and its audit row land together or not at all.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import duckdb
import pandas as pd

from data.access import Actor

TABLE_SQL = """
CREATE TABLE IF NOT EXISTS audit_log (
    entry_id    BIGINT,
    logged_at   TIMESTAMP NOT NULL,
    account     VARCHAR NOT NULL,
    role        VARCHAR NOT NULL,
    address     VARCHAR,
    action      VARCHAR NOT NULL,
    region_code VARCHAR,
    detail      VARCHAR NOT NULL
)
"""
"""The table (also in data/schema.sql); repeated here so an in-memory connection can record too."""

ACTIONS: tuple[str, ...] = (
    "login",
    "login_failed",
    "logout",
    "import",
    "import_refused",
    "rollback",
    "approve",
    "return",
    "submit",
    "lock",
    "unlock",
    "targets",
    "account",
)
"""The actions kuomian records; other helpers may add theirs (an unknown action is still recorded)."""

_now: Callable[[], dt.datetime] = dt.datetime.now


def _detail_text(detail: str | dict) -> str:
    if isinstance(detail, dict):
        return json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    return str(detail)


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``audit_log`` where it is missing (a write connection already has it from schema.sql)."""
    con.execute(TABLE_SQL)


def record(con: duckdb.DuckDBPyConnection, actor: Actor, action: str, detail: str | dict, region_code: str | None = None) -> None:
    """Append one row to the audit log on ``con`` (a read-write connection).

    ``actor`` is who acted (``data.access.Actor``; the CLI passes ``cli_actor()``), ``action`` a short
    verb from :data:`ACTIONS` (e.g. ``"import"``), ``detail`` what changed: a sentence or a dict
    (stored as JSON with its keys sorted), ``region_code`` the region concerned, if any. Runs inside
    the caller's transaction when there is one. Raises duckdb errors only (e.g. a read-only connection).
    """
    ensure_table(con)
    entry = con.execute("SELECT COALESCE(MAX(entry_id), 0) + 1 FROM audit_log").fetchone()[0]
    con.execute(
        "INSERT INTO audit_log (entry_id, logged_at, account, role, address, action, region_code, detail)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [entry, _now().replace(microsecond=0), actor.account, actor.role, actor.address, action, region_code, _detail_text(detail)],
    )


def entries(
    con: duckdb.DuckDBPyConnection, *, since: dt.datetime | None = None, account: str | None = None, limit: int | None = None
) -> pd.DataFrame:
    """The log, newest first: ``entry_id, logged_at, account, role, address, action, region_code, detail``.

    ``since`` keeps entries at or after that time; ``account`` one account's entries. An empty frame
    (with those columns) where the database has no log yet.
    """
    has = con.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'audit_log'").fetchone()[0]
    columns = ["entry_id", "logged_at", "account", "role", "address", "action", "region_code", "detail"]
    if not has:
        return pd.DataFrame(columns=columns)
    where, params = [], []
    if since is not None:
        where.append("logged_at >= ?")
        params.append(since)
    if account is not None:
        where.append("account = ?")
        params.append(account)
    sql = f"SELECT {', '.join(columns)} FROM audit_log"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY entry_id DESC"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return con.execute(sql, params).df()


TARGETS_ACTOR = Actor("server:targets-file", "admin", None, "local")
"""Who a change of the targets file is recorded as: it is edited on the server, outside kuomian."""


def targets_recorded(con: duckdb.DuckDBPyConnection, path: str, sha256: str) -> bool:
    """Whether the last ``targets`` entry for ``path`` already records the content with this hash."""
    has = con.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'audit_log'").fetchone()[0]
    if not has:
        return False
    row = con.execute(
        "SELECT detail FROM audit_log WHERE action = 'targets' AND json_extract_string(detail, '$.path') = ?"
        " ORDER BY entry_id DESC LIMIT 1",
        [path],
    ).fetchone()
    return row is not None and json.loads(row[0]).get("sha256") == sha256


def note_targets(con: duckdb.DuckDBPyConnection, path: str, sha256: str, problems: int) -> bool:
    """Record a change of the targets file (issue 12, point 4) unless its content is the one last
    recorded; returns whether it recorded. ``problems``: how many problems the file has (0: in force)."""
    if targets_recorded(con, path, sha256):
        return False
    record(con, TARGETS_ACTOR, "targets", {"path": path, "sha256": sha256, "problems": problems})
    return True
