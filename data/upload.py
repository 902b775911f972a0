"""An upload from the dashboard, in two steps: preview (read and check, nothing written), then commit.

The page only calls :func:`preview` and :func:`commit`; no Streamlit here.
The preview reads through a short-lived read-only connection (or none, where
the database does not exist yet). The commit reads and checks the file again
on a read-only connection (the database may have changed since the preview,
e.g. an import from the command line), then takes the write lock only to write,
checking once more inside it if another write landed in between
(``data.store.land``; the lock protocol is in data/db.py). A refused file
changes nothing. The commit waits for the lock as long as the CLI does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data import approval, quality, scope
from data.access import Actor
from data.db import DEFAULT_WAIT_SECONDS, DatabaseMissing, connect
from data.importer import KINDS, Checked, ImportRefused, ImportResult, Problem, check, notes_of, read_upload
from data.store import land, prepare_table

@dataclass(frozen=True)
class Preview:
    """What an upload would do, without doing it."""

    kind: str
    source: str
    table: pd.DataFrame  # the file's rows as read (text), ``_row`` first; empty if it could not be read
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    will_replace: int = 0
    notes: tuple[str, ...] = ()  # what reading did: a 合计 row skipped, which sheet was read (data/readers.py)

    @property
    def ok(self) -> bool:
        return not self.problems

    readable: bool = True  # False: the file could not be read as a table (its problems say why)

    @property
    def rows(self) -> int | None:
        """The file's data rows as read (blank lines not counted); ``None`` where it could not be read (a
        count of 0 would say an empty file; the page shows "—")."""
        return len(self.table) if self.readable else None

    @property
    def will_add(self) -> int:
        return len(self.table) - self.will_replace if self.ok else 0

    def problem_lines(self, language: str = "en") -> list[str]:
        """Every problem as ``FILE:ROW: field: reason`` (in Chinese: the field as the Chinese headers name it)."""
        return [problem.render(self.source, language) for problem in self.problems]


@dataclass(frozen=True)
class Committed:
    """The outcome of a commit: written (``result``), or refused on the re-check (``problems``)."""

    result: ImportResult | None
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.result is not None


def sheet_names(data: bytes, name: str) -> list[str]:
    """The sheets of an uploaded workbook (empty for a CSV or an unreadable file)."""
    if Path(name).suffix.lower() not in (".xlsx", ".xlsm", ".xls", ".ods"):
        return []
    from data.readers import sheet_names as names

    return names(data)


def _read(data: bytes, name: str, kind: str, sheet: str | None) -> tuple[pd.DataFrame, list[Problem]]:
    try:
        return read_upload(data, name, KINDS[kind], sheet), []
    except ImportRefused as refused:
        return pd.DataFrame(columns=["_row", *KINDS[kind].columns]), list(refused.problems)
    except Exception as error:  # a damaged workbook, a zip that is not one: say so, per the contract
        return pd.DataFrame(columns=["_row", *KINDS[kind].columns]), [Problem(1, "file", f"cannot be read: {error}")]


def _check(con, kind: str, table: pd.DataFrame, name: str) -> Checked:
    if con is not None and not quality.has_schema(con):
        con = None
    return check(con, KINDS[kind], table, name)


def preview(
    data: bytes,
    name: str,
    kind: str,
    db_path: Path | str,
    sheet: str | None = None,
    wait_seconds: float | None = None,
    actor: Actor | None = None,
) -> Preview:
    """Read and check an upload against the database as it is now; nothing is written.

    Raises :class:`data.db.DatabaseBusy` when an import holds the database longer than ``wait_seconds``.
    ``actor``: who uploads; rows outside its area are refused by row (``data.scope``, issue 12).
    """
    table, problems = _read(data, name, kind, sheet)
    if problems:
        return Preview(kind, name, table, tuple(problems), readable=False)
    try:
        with connect(db_path, wait_seconds=wait_seconds) as con:
            checked = _check(con, kind, table, name)
            checked.problems.extend(scope.import_problems(con if quality.has_schema(con) else None, actor, kind, checked.frame))
            if checked.ok and quality.has_schema(con):  # a locked month (issue 12, point 3), said before the commit
                checked.problems.extend(approval.locked_problems(con, checked.frame))
            replace = quality.existing_keys(con, kind, checked.frame) if checked.ok and quality.has_schema(con) else 0
    except DatabaseMissing:
        checked, replace = _check(None, kind, table, name), 0
        checked.problems.extend(scope.import_problems(None, actor, kind, checked.frame))
    return Preview(kind, name, table, tuple(checked.problems), tuple(checked.warnings), replace, tuple(notes_of(table)))


def commit(
    data: bytes,
    name: str,
    kind: str,
    db_path: Path | str,
    sheet: str | None = None,
    wait_seconds: float | None = None,
    actor: Actor | None = None,
) -> Committed:
    """Read, check again, and write if still accepted; ``wait_seconds`` defaults to the CLI's
    (``data.db.DEFAULT_WAIT_SECONDS``, read at call time). ``actor``: who uploads (None: the CLI's
    actor); a reporter's month figures are held for approval (``data.pending``: the result is a ``HeldResult``, nothing imported).

    Raises :class:`data.db.DatabaseBusy` when another process holds the database past the wait.
    """
    table, problems = _read(data, name, kind, sheet)
    if problems:
        return Committed(None, tuple(problems))
    prepared = prepare_table(db_path, kind, table, name, wait_seconds, actor)
    if not prepared.checked.ok:
        return Committed(None, tuple(prepared.checked.problems), tuple(prepared.checked.warnings))
    try:
        result = land(db_path, prepared, wait_seconds, actor=actor)
    except ImportRefused as refused:  # refused on the re-check: another import changed what it is checked against
        return Committed(None, tuple(refused.problems))
    return Committed(result, (), tuple(result.warnings))
