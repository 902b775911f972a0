"""The fast path for clean CSV files: Arrow reads them, DuckDB checks them (issue 15, point 2).

A snapshots or population file that is plain CSV (UTF-8, with or without BOM, ``\\n`` or ``\\r\\n`` line
ends) and *clean* -- every value written as :mod:`data.checks` accepts it, every region known, no problem
of any kind -- is read by Arrow's CSV reader and checked in Arrow and SQL, without the file ever being held as
Python bytes, text or pandas cells. Everything else takes the existing path (:func:`data.readers.read_table`
then :func:`data.importer.check`), which says what is wrong with today's exact messages. So this module
never refuses a file: it accepts a strict subset of what the existing path accepts, stores exactly what
that path would store (the same typed rows, warnings, import history), and hands every other file back
(:class:`NotFast`, with the reason, for the tests and the benchmark).

What is clean (each rule is tested in ``tests/test_import_fast.py``):

- a regular file of at most :data:`data.readers.MAX_FILE_BYTES` and :data:`data.readers.MAX_CSV_LINES`
  lines, without tabs, blank lines or lone ``\\r`` line ends, whose first line is the header, without
  quotes, every cell of it naming a column of the kind once (English, Chinese or an alias; no other
  column, no empty header cell);
- every row as wide as the header, every required cell filled, no value holding a line end;
- periods, region codes and schemes: each *distinct* text is given to the very functions the existing
  check uses (:func:`data.checks.parse_period`, :func:`~data.checks.parse_code` with
  :func:`~data.checks.resolve_code`, :func:`~data.checks.parse_scheme`), so the month, code and scheme
  stored are theirs; a text with a space at either end, refused, a month after the current one or before
  the campaign (a warning), a region unknown, or abolished by the row's month (snapshots), falls back;
- counts written ``[0-9]{1,15}``; receiving not above insured; no key twice;
- a ``region_name`` cell, where filled, naming the region as the database does (NFKC, spaces removed);
- the database checks: one scheme one level (the same SQL as the existing check), the importer's area
  (:mod:`data.scope`), locked months (:mod:`data.approval`).

The implausible-input warnings (paid above the contribution phase; a subtree insured above its required
persons; population below insured) are computed by the existing SQL over the staged rows and worded by
the existing functions of :mod:`data.importer`; a population file's rows at two levels or after their
region's abolition by :func:`data.population_checks.warnings`, which the existing path calls too (so a
population row of an abolished region stays on this path: it is warned, not refused).

Memory: the file is scanned in 1 MB chunks (line ends, blank lines), Arrow's reader parses it once (no
database connection is open meanwhile) and the typed rows are the one copy held: an Arrow table (``_row``
and period as 32-bit integers, codes and schemes as text, counts as 64-bit integers).
"""

from __future__ import annotations

import csv
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from data import approval, checks, population_checks, scope
from data.access import Actor
from data.importer import (
    KINDS,
    LEVELLED,
    _BELOW_INSURED_SQL,
    _DOUBLE_SQL,
    _OVER_REQUIRED_SQL,
    Checked,
    Kind,
    below_insured_warnings,
    over_paid_warnings,
    over_required_warnings,
)
from data import readers  # its limits are read at call time (tests lower them)

#: The kinds that may take the fast path: the large monthly files.
FAST_KINDS = ("snapshots", "population")
_CHUNK = 1 << 20
# The file's cells are parsed into the C library's heap, which hands large blocks back when freed: Arrow's
# default pool (mimalloc) keeps them, and the texts of the counts, once cast, stayed in the import's peak
# (issue 15: +70 MB at 540,000 rows).
_POOL = pa.system_memory_pool()
_PLAIN_CODE = re.compile(r"[0-9]{2,12}")


class NotFast(Exception):
    """The file is not one the fast path takes; ``str()`` says why (the existing path will read it)."""


@dataclass
class Staged:
    """A clean file read by DuckDB: ``rows`` (Arrow: ``_row``, the kind's columns typed), and what is needed
    to check it again on another connection (the file's distinct region codes)."""

    kind: Kind
    source: str
    rows: pa.Table
    codes: list[str]
    periods: list[int]


def eligible(kind: str, path: Path | str, sheet: str | None = None) -> bool:
    """Whether to try the fast path at all: a snapshots or population ``.csv`` file, no sheet named."""
    return kind in FAST_KINDS and sheet is None and Path(path).suffix.lower() == ".csv"


# --------------------------------------------------------------------------- the bytes, streamed


def scan(path: Path | str, kind: Kind) -> dict[str, int]:
    """The file's header read and its lines counted in 1 MB chunks: canonical column -> column index.

    Raises :class:`NotFast` for anything outside the clean subset (see the module docstring)."""
    try:
        info = os.stat(path)
    except OSError:
        raise NotFast("the file cannot be opened") from None
    if not stat.S_ISREG(info.st_mode) or info.st_size == 0 or info.st_size > readers.MAX_FILE_BYTES:
        raise NotFast("not a regular file of 1 byte to the size limit")
    lines = 0
    tail = b""
    header: bytes | None = None
    with open(path, "rb") as handle:
        carry = b""
        while True:
            chunk = handle.read(_CHUNK)
            data = carry + chunk
            carry = b""
            if not data:
                break
            if header is None:
                if data.startswith(b"\xef\xbb\xbf"):
                    data = data[3:]
                end = data.find(b"\n")
                if end < 0:
                    raise NotFast("no line end in the first megabyte (a header without rows?)")
                header = data[:end]
            if chunk and data.endswith(b"\r"):  # keep \r\n together across chunks
                carry, data = b"\r", data[:-1]
            if b"\t" in data:
                raise NotFast("a tab")
            if _blank_line(tail, data):
                raise NotFast("a blank line")
            if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
                raise NotFast("a line ending in \\r alone")
            lines += data.count(b"\n")
            tail = data[-2:]
            if not chunk:
                break
    if lines + (0 if tail.endswith(b"\n") else 1) > readers.MAX_CSV_LINES:
        raise NotFast("more lines than the limit")
    header = (header or b"").rstrip(b"\r")
    if b'"' in header:
        raise NotFast("a quote in the header")
    try:
        text = header.decode("utf-8")
    except UnicodeDecodeError:
        raise NotFast("the header is not UTF-8") from None
    cells = next(csv.reader([text], skipinitialspace=True), [])
    if not cells or len(cells) > readers.MAX_COLUMNS:
        raise NotFast("no header, or too wide")
    match = readers._match_header(cells, kind)
    if not match.complete or match.duplicates or len(match.columns) != len(cells):
        raise NotFast("the header is not exactly the kind's columns")
    return match.columns


def _blank_line(tail: bytes, data: bytes) -> bool:
    """Whether ``tail`` (the previous chunk's last two bytes) followed by ``data`` holds ``\n\n`` or
    ``\n\r\n``: a blank line. Looked for in numpy (issue 15: 3 ms over 22 MB, against 29 ms for the bytes'
    own searches, where every line end starts a candidate); across the chunks' border in the bytes."""
    border = tail + data[:2]
    if b"\n\n" in border or b"\n\r\n" in border:
        return True
    cells = np.frombuffer(data, dtype=np.uint8)
    ends = cells == 10
    return bool((ends[1:] & ends[:-1]).any() or (ends[2:] & ends[:-2] & (cells[1:-1] == 13)).any())


# --------------------------------------------------------------------------- reading


def _mapped(distinct: list, parse, what: str) -> dict[str, object]:
    """Each distinct text -> what ``parse`` makes of it; NotFast where a text is empty, padded or refused."""
    mapped = {}
    for text in distinct:
        if text is None:
            raise NotFast(f"an empty {what}")
        if text != text.strip():
            raise NotFast(f"a {what} with a space at either end")
        if "\n" in text or "\r" in text:
            raise NotFast(f"a {what} holding a line end")
        value = parse(text)
        if value is None or isinstance(value, checks.Refusal):
            raise NotFast(f"a {what} the check refuses or does not take as it is")
        mapped[text] = value
    return mapped


def parse(kind: Kind, path: Path | str, columns: dict[str, int]) -> pa.Table:
    """The cells of a file :func:`scan` passed, parsed in one pass by Arrow's CSV reader, with no database
    connection (issue 10, point 6: no lock is held while the file is parsed): an Arrow table of ``_row`` (the
    file's line number), the coded columns as text, the counts as 64-bit integers where written
    ``[0-9]{1,15}`` (-1 where empty, null where written otherwise) and ``region_name`` where the file has it.
    Raises :class:`NotFast` where the reader refuses the file.

    The reader (issue 15: 0.06 s of CPU at 540,000 rows, against 0.14 s for DuckDB's reader numbering the rows
    and matching the counts' pattern): a row narrower or wider than the header, or a text that is not UTF-8, is
    refused; an empty cell is null, a quoted empty one the empty text; quotes are read as Python's csv module
    (the existing reader) reads them (``tests/test_import_fast.py``, the quote cases). A value holding a line
    end is refused by :func:`typed` (so a row's place, line 2 onwards, is its line). Every text then meets the
    very checks of the existing path: what is not exactly a period, a code, a scheme, a count or the region's
    name sends the file back."""
    width = max(columns.values()) + 1
    names = [f"c{i}" for i in range(width)]
    text = {column: f"c{index}" for column, index in columns.items()}
    wanted = [*_coded(kind), *kind.counts, *(["region_name"] if "region_name" in text else [])]
    try:
        cells = pa_csv.read_csv(
            str(path),
            read_options=pa_csv.ReadOptions(skip_rows=1, column_names=names),
            parse_options=pa_csv.ParseOptions(
                delimiter=",", quote_char='"', double_quote=True, escape_char=False,
                newlines_in_values=True, ignore_empty_lines=False,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
                include_columns=[text[c] for c in wanted],
            ),
            memory_pool=_POOL,
        )
    except (pa.ArrowException, OSError) as error:
        raise NotFast(f"Arrow's reader: {str(error).splitlines()[0] if str(error) else type(error).__name__}") from None
    out = {"_row": pa.array(np.arange(2, cells.num_rows + 2, dtype="int32"))}  # the header is line 1
    for column in wanted:
        values = cells.column(text[column])
        out[column] = _count(values) if column in kind.counts else values
    return pa.table(out)


def _count(cells: pa.ChunkedArray) -> pa.ChunkedArray:
    """A count column's cells as 64-bit integers where written ``[0-9]{1,15}`` (ASCII digits only: what
    :func:`data.checks.parse_count` reads as itself), -1 where empty (null), null where written otherwise."""
    short = pc.less_equal(pc.binary_length(cells, memory_pool=_POOL), 15, memory_pool=_POOL)  # LARGEST_COUNT's 15 digits
    digits = pc.and_(pc.ascii_is_decimal(cells, memory_pool=_POOL), short, memory_pool=_POOL)
    if pc.all(digits).as_py() is not False:  # every filled cell plain digits (a clean file): no copy of the texts
        return pc.fill_null(pc.cast(cells, pa.int64(), memory_pool=_POOL), pa.scalar(-1, pa.int64()))
    written = pc.if_else(digits, cells, pa.scalar(None, pa.string()), memory_pool=_POOL)
    counts = pc.cast(written, pa.int64(), memory_pool=_POOL)
    return pc.if_else(pc.is_null(cells), pa.scalar(-1, pa.int64()), counts, memory_pool=_POOL)


def _coded(kind: Kind) -> list[str]:
    """The columns whose distinct texts are parsed by :mod:`data.checks`."""
    return ["period", "region_code", *(["scheme"] if "scheme" in kind.columns else [])]


def read(con: duckdb.DuckDBPyConnection, kind: Kind, path: Path | str, source: str, columns: dict[str, int]) -> Staged:
    """:func:`parse`, then :func:`typed` on ``con``: the typed rows of a file :func:`scan` passed (``columns``:
    what :func:`scan` returned). Raises :class:`NotFast`."""
    return typed(con, kind, parse(kind, path, columns), source)


def typed(con: duckdb.DuckDBPyConnection, kind: Kind, raw: pa.Table, source: str) -> Staged:
    """The typed rows of :func:`parse`'s cells, the region codes resolved against ``con``'s ``regions``.
    Raises :class:`NotFast`.

    The distinct texts of the coded columns are parsed by :mod:`data.checks` and every row's value taken
    from them (Arrow ``index_in`` and ``take``; a column whose texts already are what is stored is kept as
    it is)."""
    coded = _coded(kind)
    if raw.num_rows == 0:
        raise NotFast("no data rows")
    if any(raw.column(c).null_count for c in coded) or any((pc.min(raw.column(c)).as_py() or 0) < 0 for c in kind.counts):
        raise NotFast("an empty cell")
    if any(raw.column(c).null_count for c in kind.counts):
        raise NotFast("a count not written as plain digits")

    latest = checks.current_month()
    year_alone = kind.name == "population"

    def month(value: str):
        parsed = checks.parse_period(value, year_alone=year_alone)
        if isinstance(parsed, int) and not checks.CAMPAIGN_START <= parsed <= latest:
            return None  # refused (future) or warned (before the campaign): the existing path says so
        return parsed

    known = _known(con)

    def code(value: str):
        if _PLAIN_CODE.fullmatch(value) and value in known:
            return value  # what parse_code and resolve_code give for a known code of 2 to 12 ASCII digits
        parsed = checks.parse_code(value)
        if isinstance(parsed, checks.Refusal):
            return parsed
        return checks.resolve_code(parsed, known)

    parsers = {"period": (month, "period"), "region_code": (code, "region code"), "scheme": (checks.parse_scheme, "scheme")}
    out = {"_row": raw.column("_row")}
    mapped = {}
    for column in coded:
        values = raw.column(column)
        distinct = pc.unique(values).to_pylist()
        parser, what = parsers[column]
        mapped[column] = _mapped(distinct, parser, what)
        if column != "period" and all(t == v for t, v in mapped[column].items()):
            out[column] = values  # already as stored: kept, not copied
            continue
        value_type = pa.int32() if column == "period" else pa.string()
        lookup = pa.array(list(mapped[column].values()), value_type)
        out[column] = lookup.take(pc.index_in(values, value_set=pa.array(list(mapped[column]), pa.string())))
    for column in kind.counts:
        out[column] = raw.column(column)
    resolved = mapped["region_code"]
    if "region_name" in raw.column_names:
        pairs = raw.select(["region_code", "region_name"]).filter(pc.is_valid(raw.column("region_name")))
        for pair in pairs.group_by(["region_code", "region_name"]).aggregate([]).to_pylist():
            code_text, region_name = pair["region_code"], pair["region_name"]
            held = known[resolved[code_text]][0]
            if (
                region_name != region_name.strip()
                or checks.control_character(region_name) is not None
                or checks.compact(region_name) != checks.compact(str(held))
            ):
                raise NotFast("a region name that is not the code's")
    rows = pa.table(out)
    staged = Staged(kind, source, rows, sorted(set(resolved.values())), sorted(set(mapped["period"].values())))
    ended = {c: known[c][1] for c in staged.codes if known[c][1] is not None}
    # A snapshot row after its region's abolition is refused (the existing path words it); a population row
    # is accepted with a warning, found in SQL by data.population_checks like the existing path's.
    if kind.name == "snapshots" and ended and _abolished_rows(con, staged, ended):
        raise NotFast("a row of a region abolished by its month")
    return staged


def _known(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, int | None]]:
    """code -> (name, abolished month or None), every region of the database."""
    columns = {row[0] for row in con.execute("DESCRIBE regions").fetchall()}
    abolished = "abolished" if "abolished" in columns else "NULL"
    return {code: (name, ended) for code, name, ended in con.execute(f"SELECT code, name, {abolished} FROM regions").fetchall()}


def _abolished_rows(con: duckdb.DuckDBPyConnection, staged: Staged, ended: dict[str, int]) -> bool:
    con.register("fast_staged", staged.rows)
    con.register("fast_ended", pa.table({"code": list(ended), "month": pa.array(list(ended.values()), pa.int32())}))
    try:
        return bool(
            con.execute("SELECT count(*) FROM fast_staged s JOIN fast_ended e ON e.code = s.region_code WHERE s.period >= e.month").fetchall()[0][0]
        )
    finally:
        con.unregister("fast_ended")
        con.unregister("fast_staged")


# --------------------------------------------------------------------------- checking


def check(con: duckdb.DuckDBPyConnection, staged: Staged, actor: Actor | None = None) -> Checked:
    """The checks of :func:`data.importer.check` that need every row or the database, in SQL over the staged
    rows on ``con``: a clean file gives a :class:`Checked` whose ``arrow`` holds the typed rows (what
    :func:`data.store.write` lands) and ``frame`` only ``_row``, ``period`` and ``region_code`` (what the
    write's scope, lock and submission steps read), with the warnings the existing check gives; any problem
    raises :class:`NotFast`. ``actor``: who imports (None: the CLI). The area and lock rules: ``data.scope``,
    ``data.approval`` (issue 12); one scheme one level: metrics.md §3; the warnings: metrics.md §2."""
    kind = staged.kind
    if actor is not None and actor.role not in ("admin", "office"):
        if actor.role == "viewer" or actor.region_code is None or kind.name == "regions":
            raise NotFast("the importer may not import this file")
        allowed = scope.subtree(con, actor.region_code)
        if any(code not in allowed for code in staged.codes):
            raise NotFast("a row outside the importer's area")
    locks = approval.current_locks(con)
    if any(month in locks for month in staged.periods):
        raise NotFast("a locked month")
    rows = staged.rows
    if kind.name == "snapshots" and pc.any(pc.greater(rows.column("receiving"), rows.column("insured"))).as_py():
        raise NotFast("receiving above insured")
    if _key_twice(rows, kind):
        raise NotFast("a key twice")
    # One thread for the checks: on the two-core office PC they run faster so (measured: 0.17 s of CPU against
    # 0.23 s at two threads on 540,000 rows) and their hash tables take half the memory. (The import sets it
    # for its whole connection, data/store.py: then nothing is set here, each SET costing 5 ms.)
    threads = int(con.execute("SELECT current_setting('threads')").fetchall()[0][0])
    if threads != 1:
        con.execute("SET threads = 1")
    con.register("fast_staged", rows)
    try:
        if kind.name in LEVELLED and _double_counted(con, kind, staged):
            raise NotFast("a scheme at two levels of a subtree")
        warnings = _warnings(con, kind)
    finally:
        con.unregister("fast_staged")
        if threads != 1:
            con.execute(f"SET threads = {threads}")
    # What write() reads besides the Arrow rows (the months, the regions, the row numbers for scope and locks):
    # the codes stay Arrow-backed, so no copy of the text is made.
    frame = rows.select(["_row", "period", "region_code"]).to_pandas(types_mapper={pa.string(): pd.ArrowDtype(pa.string())}.get)
    return Checked(kind, staged.source, frame, [], sorted(warnings), [], arrow=staged.rows)


_KEY_SPACE = 1 << 26  # the largest bitmap of keys (bytes) :func:`_key_twice` marks; above it, a sort


def _key_twice(rows: pa.Table, kind: Kind) -> bool:
    """Whether two rows hold one key (``kind.key``: month, region and, for snapshots, scheme). Each key column's
    values are numbered (their distinct values), the numbers combined into one integer per row and marked in a
    bitmap: a key twice leaves fewer marks than rows (issue 15: 0.01 s of CPU at 540,000 rows, against 0.04 s
    for SQL's GROUP BY on the texts)."""
    number = np.zeros(rows.num_rows, dtype=np.int64)
    space = 1
    for column in kind.key:
        values = rows.column(column)
        distinct = pc.unique(values)
        number *= len(distinct)  # below 2**63: at most 2,000,000 distinct values of each of three columns
        number += pc.index_in(values, value_set=distinct).to_numpy()
        space *= len(distinct)
    if space > _KEY_SPACE:
        return len(np.unique(number)) != len(number)
    marks = np.zeros(space, dtype=np.bool_)
    marks[number] = True
    return int(np.count_nonzero(marks)) != len(number)


_FILE_CODES = "fast_file_codes"


def _double_counted(con: duckdb.DuckDBPyConnection, kind: Kind, staged: Staged) -> bool:
    """Whether :data:`data.importer._DOUBLE_SQL` finds a pair (the existing check then words it).

    The nested codes (:data:`data.importer._NESTED_CODES_SQL`: the pairs of regions, one above the other, among
    the codes of the file and of the table's rows in the file's months) are found from the file's distinct
    codes and months, known since :func:`typed`, not from its rows (issue 15: 0.02 s at 540,000 rows); where
    there are none, as in most files, nothing else is asked."""
    con.register(_FILE_CODES, pa.table({"region_code": pa.array(staged.codes, pa.string())}))
    try:
        nested = con.sql(
            f"""WITH codes AS (
                SELECT region_code FROM {_FILE_CODES}
                UNION SELECT DISTINCT region_code FROM {kind.name} WHERE period IN (SELECT unnest($months::INTEGER[]))
                  AND period BETWEEN $first AND $last  -- zonemaps skip the rest
            )
            SELECT DISTINCT c.ancestor, c.descendant FROM region_closure c
            JOIN codes a ON a.region_code = c.ancestor JOIN codes d ON d.region_code = c.descendant
            WHERE c.depth > 0""",
            params={"months": staged.periods, "first": min(staged.periods), "last": max(staged.periods)},
        ).to_arrow_table()
    finally:
        con.unregister(_FILE_CODES)
    if nested.num_rows == 0:
        return False
    column = LEVELLED[kind.name]
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW staged_levels AS SELECT period::BIGINT AS period, region_code,"
        f" {column}::VARCHAR AS category, _row::BIGINT AS _row FROM fast_staged"
    )
    con.register("nested", nested)
    try:
        return con.execute(f"SELECT count(*) FROM ({_DOUBLE_SQL.format(column=kind.db(column), table=kind.name)})").fetchall()[0][0] > 0
    finally:
        con.unregister("nested")
        con.execute("DROP VIEW IF EXISTS staged_levels")


def _warnings(con: duckdb.DuckDBPyConnection, kind: Kind) -> list:
    if kind.name == "snapshots":
        paid = con.execute(
            "SELECT _row, paid, insured - receiving FROM fast_staged WHERE paid > insured - receiving ORDER BY _row"
        ).fetchall()
        warnings = over_paid_warnings(*zip(*paid)) if paid else []
        con.execute(
            "CREATE OR REPLACE TEMP VIEW staged_insured AS SELECT period::BIGINT AS period, region_code, scheme,"
            " insured, _row::BIGINT AS _row FROM fast_staged"
        )
        try:
            return warnings + over_required_warnings(con.execute(_OVER_REQUIRED_SQL).df())
        finally:
            con.execute("DROP VIEW IF EXISTS staged_insured")
    if kind.name == "population":
        con.execute(
            "CREATE OR REPLACE TEMP VIEW staged_required AS SELECT period::BIGINT AS period, region_code, required,"
            " _row::BIGINT AS _row FROM fast_staged"
        )
        try:
            return below_insured_warnings(con.execute(_BELOW_INSURED_SQL).df()) + population_checks.warnings(con)
        finally:
            con.execute("DROP VIEW IF EXISTS staged_required")
    return []


def prepare(con: duckdb.DuckDBPyConnection, kind_name: str, path: Path | str, source: str, actor: Actor | None = None) -> tuple[Staged, Checked]:
    """:func:`scan`, :func:`read` and :func:`check` on ``con``: the staged rows and the checked file.
    Raises :class:`NotFast`."""
    kind = KINDS[kind_name]
    columns = scan(path, kind)
    staged = read(con, kind, path, source, columns)
    return staged, check(con, staged, actor)


__all__ = ["FAST_KINDS", "NotFast", "Staged", "check", "eligible", "parse", "prepare", "read", "scan", "typed"]
