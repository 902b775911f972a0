"""The command starts fast and writes fast (issue 15 point 3).

``kuomian --help`` and ``kuomian metrics`` load only what they use: no dashboard libraries
(streamlit, plotly, kaleido) and no spreadsheet writers for a CSV; the CSV writer works on whole
columns and rows, and writes exactly what the cell-by-cell writer it replaced wrote.
"""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cli.main import _plain, to_csv
from data.db import connect
from data.report import metrics_report, pool_report
from metrics.compute import OUTPUT_COLUMNS, as_report
from metrics.periods import month_index, period_label
from metrics.pool import POOL_OUTPUT_COLUMNS
from metrics.targets import parse_targets
from present.downloads import defuse

ROOT = Path(__file__).resolve().parent.parent
UNUSED_BY_THE_COMMAND = ("streamlit", "plotly", "kaleido", "openpyxl", "xlsxwriter")


def _loaded_after(argv: list[str]) -> dict:
    """Run ``cli.main.main(argv)`` in a fresh interpreter; the top-level packages it loaded and its exit status."""
    code = (
        "import contextlib, io, json, sys\n"
        "from cli.main import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    try:\n"
        f"        status = main({argv!r})\n"
        "    except SystemExit as exit:\n"
        "        status = exit.code\n"
        "print(json.dumps({'status': status, 'modules': sorted({m.split('.')[0] for m in sys.modules}), 'out': out.getvalue()[:200]}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_help_loads_neither_the_dashboard_nor_the_data_libraries():
    run = _loaded_after(["--help"])
    assert run["status"] == 0 and "kuomian" in run["out"]
    assert [m for m in run["modules"] if m in UNUSED_BY_THE_COMMAND + ("pandas", "duckdb", "pydantic")] == []


def test_metrics_as_csv_loads_no_dashboard_and_no_spreadsheet_library(demo_copy):
    db = demo_copy("fast-cli")
    run = _loaded_after(["--db", str(db), "metrics", "--period", "2026-10", "--level", "township"])
    assert run["status"] == 0 and run["out"].startswith("period,region_code,")
    assert [m for m in run["modules"] if m in UNUSED_BY_THE_COMMAND] == []


# --------------------------------------------------------------------------- the writer


def _cell_by_cell(report: pd.DataFrame, columns) -> str:
    """The writer the command used before issue 15, kept as the reference the new one must match."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)

    def cell(value) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float):
            return repr(value)
        if isinstance(value, int):
            return str(value)
        return defuse(str(value))

    for row in report[list(columns)].itertuples(index=False):
        writer.writerow("" if _plain(c) is None else cell(_plain(c)) for c in row)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def demo_reports(demo_copy):
    db = demo_copy("fast-csv")
    targets = parse_targets((ROOT / "config" / "targets.yaml").read_text(encoding="utf-8"))
    with connect(db) as con:
        reports = [
            as_report(metrics_report(con, targets, month_index(period), level=level))
            for period, level in (("2026-10", "township"), ("2025-12", "village"), ("2022-12", "county"), ("2026-11", "city"))
        ]
        pool = pool_report(con, targets, month_index("2026-10"), level="township")
    return reports, pool.assign(period=pool["period"].map(period_label))


def test_csv_writer_writes_the_demo_reports_exactly_as_the_cell_by_cell_writer(demo_reports):
    reports, pool = demo_reports
    for report in reports:
        assert to_csv(report, OUTPUT_COLUMNS) == _cell_by_cell(report, OUTPUT_COLUMNS)
    assert to_csv(pool, POOL_OUTPUT_COLUMNS) == _cell_by_cell(pool, POOL_OUTPUT_COLUMNS)


def test_csv_writer_keeps_full_float_precision_none_as_empty_and_defused_text(demo_reports):
    report = demo_reports[0][0].head(4).copy()
    report["value"] = [0.1 + 0.2, math.nan, -0.0, 1e-05]
    report["region_name"] = ["=SUM(A1)", "a,b", "引号\"里", None]
    report["numerator"] = pd.array([12, None, 0, -3], dtype="Int64")
    written = to_csv(report, OUTPUT_COLUMNS)
    assert written == _cell_by_cell(report, OUTPUT_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(written)))
    assert [r["value"] for r in rows] == ["0.30000000000000004", "", "-0.0", "1e-05"]
    assert [r["region_name"] for r in rows] == ["'=SUM(A1)", "a,b", "引号\"里", ""]
    assert [r["numerator"] for r in rows] == ["12", "", "0", "-3"]
