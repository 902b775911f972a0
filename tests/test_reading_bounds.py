"""Hostile input is read in bounded memory, and never crashes the reader (issue 10, points 2 and 3).

The peak memory is measured in a child process (``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` read by
an intermediate process, so that no other child of the test session counts), on files generated here: a
workbook declaring A1:XFD1048576 with one cell at the bottom, a million blank rows, a zip bomb, a CSV of
100,000 columns, millions of blank or comma-only lines. No timing is asserted.
"""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from data.importer import KINDS, ImportRefused, read_table
from tests.fixtures_data import PROJECT_ROOT
from tests.test_readers import HEADER, long_rows, numbered, raw_xlsx, sheet_rows_xml

#: Peak resident memory of a process reading one hostile file, in MB (an interpreter with pandas and
#: pyarrow loaded is about 120 MB; the comma-only CSV, the largest, peaks near 420 MB).
PEAK_MB = 600


def hostile_files(folder: Path) -> list[Path]:
    header = sheet_rows_xml(numbered([HEADER]))
    files = [
        raw_xlsx(folder / "declared.xlsx", header + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', dimension="A1:XFD1048576"),
        raw_xlsx(folder / "blank_rows.xlsx", header + "".join(f'<row r="{i}"/>' for i in range(2, 1_048_577)), dimension="A1:F1048576"),
        raw_xlsx(folder / "zip_bomb.xlsx", header + "<!-- " + " " * (200 * 1024 * 1024) + " -->"),
    ]
    wide = folder / "columns.csv"
    wide.write_text(",".join(HEADER + [f"x{i}" for i in range(100_000)]) + "\n", encoding="utf-8")
    blank = folder / "blank_lines.csv"
    blank.write_text(",".join(HEADER) + "\n" * 3_000_000, encoding="utf-8")
    commas = folder / "commas.csv"
    commas.write_text(",".join(HEADER) + "\n" + ",,,,,\n" * 1_900_000, encoding="utf-8")
    return [*files, wide, blank, commas]


PROBE = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, sys.argv[1])
    from data.importer import KINDS, ImportRefused, read_table
    try:
        read_table(sys.argv[2], KINDS["snapshots"])
        print("read")
    except ImportRefused as refused:
        print("refused")
    """
)
MEASURE = textwrap.dedent(
    """
    import resource, subprocess, sys
    done = subprocess.run([sys.executable, "-c", sys.argv[1], *sys.argv[2:]], capture_output=True, text=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(done.returncode, done.stdout.strip(), "Traceback" in done.stderr, peak)
    """
)


def test_hostile_files_are_read_or_refused_in_bounded_memory(tmp_path):
    for path in hostile_files(tmp_path):
        done = subprocess.run(
            [sys.executable, "-c", MEASURE, PROBE, str(PROJECT_ROOT), str(path)], capture_output=True, text=True, check=True
        )
        status, outcome, traceback, peak = done.stdout.split()
        assert (path.name, status, outcome in ("read", "refused"), traceback) == (path.name, "0", True, "False")
        assert int(peak) < PEAK_MB, f"{path.name}: {peak} MB"
        path.unlink()


def _mutations(data: bytes, rng: random.Random, count: int):
    for _ in range(count):
        mutated = bytearray(data)
        how = rng.randrange(4)
        if how == 0:  # flip a few bytes
            for _ in range(rng.randint(1, 8)):
                mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        elif how == 1:  # truncate
            del mutated[rng.randrange(1, len(mutated)) :]
        elif how == 2:  # insert random bytes
            at = rng.randrange(len(mutated))
            mutated[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        else:  # duplicate a slice
            a = rng.randrange(len(mutated))
            b = min(len(mutated), a + rng.randint(1, 200))
            mutated[a:a] = mutated[a:b]
        yield bytes(mutated)


def _xlsx_stored(path: Path) -> bytes:
    """The same workbook with its parts stored uncompressed, so that mutations reach the XML."""
    source = zipfile.ZipFile(path)
    out = path.with_suffix(".stored.xlsx")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
    return out.read_bytes()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_mutated_files_are_read_or_refused_never_crash(tmp_path, suffix):
    """A seeded fuzz over both formats: each mutated file is read (a table) or refused (ImportRefused,
    every line ``FILE:ROW: field: reason``); nothing else escapes."""
    rows = [HEADER, *long_rows()[:12]]
    if suffix == ".csv":
        data = ("\n".join(",".join(map(str, row)) for row in rows) + "\n").encode("utf-8")
    else:
        data = _xlsx_stored(raw_xlsx(tmp_path / "seed.xlsx", sheet_rows_xml(numbered(rows))))
    rng = random.Random(20261201)
    path = tmp_path / f"fuzz{suffix}"
    for mutated in _mutations(data, rng, 300):
        path.write_bytes(mutated)
        try:
            table = read_table(path, KINDS["snapshots"])
        except ImportRefused as refused:
            assert all(line.startswith(f"{path}:") and line.count(": ") >= 2 for line in str(refused).splitlines())
        else:
            assert list(table.columns)[:7] == ["_row", *KINDS["snapshots"].columns]


def test_damaged_xls_that_would_make_the_reader_allocate_without_bound_is_refused(tmp_path):
    """The second seeded mutation of tests/fixtures/township_report.xls makes calamine allocate until the
    machine runs out (23 GB seen); read in a child process with a memory ceiling, it is refused in one line
    and this process does not grow."""
    data = (Path(__file__).parent / "fixtures" / "township_report.xls").read_bytes()
    mutated = list(_mutations(data, random.Random(7), 2))[1]
    path = tmp_path / "damaged.xls"
    path.write_bytes(mutated)
    with pytest.raises(ImportRefused) as refused:
        read_table(path, KINDS["snapshots"])
    assert str(refused.value) == (
        f"{path}:1: file: could not be read within 1,024 MB of memory and 60 s (a damaged .xls?); "
        "open it in Excel/WPS and save it as .xlsx"
    )


def test_mutated_xls_files_are_read_or_refused_never_crash(tmp_path):
    data = (Path(__file__).parent / "fixtures" / "township_report.xls").read_bytes()
    path = tmp_path / "fuzz.xls"
    for mutated in _mutations(data, random.Random(11), 25):
        path.write_bytes(mutated)
        try:
            read_table(path, KINDS["snapshots"])
        except ImportRefused as refused:
            assert all(line.startswith(f"{path}:") for line in str(refused).splitlines())


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    from data.db import connect
    from data.store import load_demo

    path = tmp_path_factory.mktemp("fuzz") / "demo.duckdb"
    with connect(path, write=True) as con:
        load_demo(con)
    return path


@pytest.mark.parametrize("kind", ["regions", "population", "snapshots", "pool", "actions"])
def test_mutated_files_of_every_kind_are_imported_or_refused_whole_through_the_cli(capsys, tmp_path, demo_template, kind):
    """Issue 10's fuzz, seeded and bounded: each kind's template (CSV and XLSX) with its example row, mutated;
    `kuomian import` exits 0, or exits 1 with every line ``FILE:ROW: field: reason`` and the database
    byte-identical; never a traceback."""
    import shutil

    from cli.main import main
    from tests.fixtures_data import dump
    from present.templates import csv_template, xlsx_template

    db = tmp_path / "demo.duckdb"
    rng = random.Random(sum(map(ord, kind)))
    for suffix, data in ((".csv", csv_template(kind)), (".xlsx", xlsx_template(kind))):
        path = tmp_path / f"{kind}{suffix}"
        if suffix == ".xlsx":
            path.write_bytes(data)
            data = _xlsx_stored(path)
        for mutated in _mutations(data, rng, 12):
            shutil.copyfile(demo_template, db)
            before = dump(db)
            path.write_bytes(mutated)
            status = main(["--db", str(db), "import", kind, str(path)])
            out, err = capsys.readouterr()
            assert status in (0, 1), (status, err)
            if status == 1:
                assert dump(db) == before
                lines = err.splitlines()
                assert lines[-1].startswith(f"{path}: refused, ")
                assert all(line.startswith(f"{path}:") and line.count(": ") >= 2 for line in lines[:-1]), lines


def test_the_dashboard_upload_limit_is_the_readers_file_limit():
    import tomllib

    from data.readers import MAX_FILE_BYTES

    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == MAX_FILE_BYTES
