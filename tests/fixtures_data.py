"""Small real files and databases for the import, command-line and concurrency tests.

Everything here writes real files (CSV bytes in a chosen encoding, XLSX
workbooks built with openpyxl, DuckDB files) into a test's ``tmp_path``; no
mocks. ``dump`` reads a whole database back so that a test can say "exactly
as it was".
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import duckdb
import pytest

from cli.main import main
from data.store import import_file

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

# Every table of data/schema.sql, in a fixed order.
TABLES = (
    "meta",
    "imports",
    "regions",
    "region_closure",
    "population",
    "snapshots",
    "replaced_regions",
    "replaced_population",
    "replaced_snapshots",
)

REGIONS_HEADER = ["code", "name", "level", "parent_code"]
POPULATION_HEADER = ["period", "region_code", "required"]
SNAPSHOTS_HEADER = ["period", "region_code", "scheme", "insured", "receiving", "paid"]

# A city, one county, two townships.
REGIONS = [
    REGIONS_HEADER,
    ["5301", "昆明市", "city", ""],
    ["530102", "五华区", "county", "5301"],
    ["530102001", "华山街道", "township", "530102"],
    ["530102002", "护国街道", "township", "530102"],
]

POPULATION = [
    POPULATION_HEADER,
    ["2025-12", "530102001", "2000"],
    ["2025-12", "530102002", "3000"],
]

# Plausible figures: receiving <= insured, paid <= insured - receiving,
# insured summed over schemes below required.
SNAPSHOTS = [
    SNAPSHOTS_HEADER,
    ["2025-12", "530102001", "employee", "800", "200", "550"],
    ["2025-12", "530102001", "public", "100", "20", "80"],
    ["2025-12", "530102001", "resident", "900", "300", "500"],
    ["2025-12", "530102002", "resident", "1180", "300", "700"],
]

Row = Sequence[object] | None  # None: a blank line


def write_csv(path: Path, rows: Iterable[Row], encoding: str = "utf-8") -> Path:
    """Write rows as CSV text; ``encoding`` may be ``utf-8``, ``utf-8-sig`` (with BOM) or ``gb18030``."""
    lines = ["" if row is None else ",".join(str(cell) for cell in row) for row in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, Iterable[Row]]) -> Path:
    """One worksheet per entry, in order; a ``None`` row is left empty."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row or (), start=1):
                sheet.cell(row=number, column=column, value=value)
    workbook.save(path)
    return path


def dump(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: equal dumps are equal databases."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            table: sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in TABLES
        }
    finally:
        con.close()


def rows_of(db: Path, sql: str, params: Sequence[object] = ()) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def snapshot_rows(db: Path) -> list[tuple]:
    """``(period label, region_code, scheme, insured, receiving, paid)``, sorted."""
    return rows_of(
        db,
        "SELECT printf('%04d-%02d', (period - 1) // 12, (period - 1) % 12 + 1), region_code, scheme,"
        " insured, receiving, paid FROM snapshots ORDER BY ALL",
    )


_TEMPLATES: dict[bool, Path] = {}


def make_world(tmp_path: Path, *, population: bool = True) -> Path:
    """A DuckDB in tmp_path holding REGIONS (import 1) and POPULATION (import 2).

    Built once per test session through the real import path, then copied:
    each test gets its own file.
    """
    template = _TEMPLATES.get(population)
    if template is None:
        folder = Path(tempfile.mkdtemp(prefix="kuomian-world-"))
        atexit.register(shutil.rmtree, folder, True)
        template = folder / "world.duckdb"
        import_file(template, "regions", write_csv(folder / "regions.csv", REGIONS))
        if population:
            import_file(template, "population", write_csv(folder / "population.csv", POPULATION))
        assert not Path(f"{template}.wal").exists()  # the file alone is the whole database
        _TEMPLATES[population] = template
    db = tmp_path / "world.duckdb"
    shutil.copyfile(template, db)
    return db


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    """``kuomian ARGV`` in-process: (exit status, stdout, stderr)."""
    capsys.readouterr()  # drop anything printed before
    try:
        status = main([str(arg) for arg in argv])
    except SystemExit as stop:  # argparse: wrong usage
        status = stop.code
    out, err = capsys.readouterr()
    return status, out, err


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for a child process: this interpreter's, no KUOMIAN_* leaking in."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("KUOMIAN_")}
    env.update(extra)
    return env
