"""An upload from the dashboard, in two steps: preview (read and check, nothing written), then commit.

The page only calls :func:`preview` and :func:`commit`; no Streamlit here.
The preview reads through a short-lived read-only connection (or none, where
the database does not exist yet). The commit opens a read-write connection,
reads and checks the file again there (the database may have changed since the
preview, e.g. an import from the command line) and writes only if the file is
still accepted: a refused file changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from data import quality
from data.db import DEFAULT_WAIT_SECONDS, DatabaseMissing, connect
from data.importer import KINDS, Checked, ImportRefused, ImportResult, Problem, check, notes_of, read_upload
from data.store import write

SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls", ".ods")


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

    @property
    def rows(self) -> int:
        return len(self.table)

    @property
    def will_add(self) -> int:
        return self.rows - self.will_replace if self.ok else 0

    def problem_lines(self) -> list[str]:
        """Every problem as ``FILE:ROW: field: reason``."""
        return [problem.render(self.source) for problem in self.problems]


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
) -> Preview:
    """Read and check an upload against the database as it is now; nothing is written.

    Raises :class:`data.db.DatabaseBusy` when an import holds the database longer than ``wait_seconds``.
    """
    table, problems = _read(data, name, kind, sheet)
    if problems:
        return Preview(kind, name, table, tuple(problems))
    try:
        with connect(db_path, wait_seconds=wait_seconds) as con:
            checked = _check(con, kind, table, name)
            replace = quality.existing_keys(con, kind, checked.frame) if checked.ok and quality.has_schema(con) else 0
    except DatabaseMissing:
        checked, replace = _check(None, kind, table, name), 0
    return Preview(kind, name, table, tuple(checked.problems), tuple(checked.warnings), replace, tuple(notes_of(table)))


def commit(
    data: bytes,
    name: str,
    kind: str,
    db_path: Path | str,
    sheet: str | None = None,
    wait_seconds: float | None = DEFAULT_WAIT_SECONDS,
) -> Committed:
    """Read, check again inside a read-write connection, and write if still accepted.

    Raises :class:`data.db.DatabaseBusy` when another process holds the database.
    """
    table, problems = _read(data, name, kind, sheet)
    if problems:
        return Committed(None, tuple(problems))
    with connect(db_path, write=True, wait_seconds=wait_seconds) as con:
        checked = _check(con, kind, table, name)
        if not checked.ok:
            return Committed(None, tuple(checked.problems), tuple(checked.warnings))
        result = write(con, checked)
    return Committed(result, (), tuple(result.warnings))
