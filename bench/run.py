"""Measure the import path and the metrics report on a province-sized data set.

``.venv/bin/python -m bench.run [--quick] [--runs N] [--seed N] [--write | --no-write]``

In one run, on the same machine state: build the province's CSV files
(``bench.province``, not timed); time ``data.store.import_file`` (what
``kuomian import`` calls) for regions, population and snapshots into a fresh
DuckDB file; time ``data.report.metrics_report(con, targets, period,
level="township")`` for the last month over every township (a warm-up, then
the median of ``--runs``); time the plain pandas baseline (``bench.baseline``)
for the same report, its one-off read of the raw tables timed separately;
check that both reports agree. The full run writes its table into
``docs/performance.md`` between the ``bench:engine`` markers (and nothing
else); ``--quick`` (150 townships, 24 months) only prints, unless ``--write``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from config.allocator import keep_freed_memory
from bench import baseline, province
from data.db import connect
from data.importer import KINDS, check, read_table
from data.report import metrics_report
from data.store import import_file, write
from metrics.periods import month_index, period_label
from metrics.targets import parse_targets

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
TARGETS = ROOT / "config" / "targets.yaml"
START, END = "<!-- bench:engine:start -->", "<!-- bench:engine:end -->"
AIM_IMPORT_ROWS_PER_S = 500_000  # issue 15's done-when
AIM_REPORT_S = 0.2
AIM_RATIO = 5.0

DOC_SKELETON = f"""# Performance

Measured speed of kuomian, refreshed by `.venv/bin/python -m bench.run` (which
rewrites only the part between the `bench:engine` markers).

## Engine

{START}
{END}
"""


def _timed(function: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


@dataclass
class Timing:
    """Wall-clock seconds of each run, and the process's CPU seconds (every thread) of each run."""

    wall: list[float]
    cpu: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)


def _median_of(function: Callable[[], object], runs: int) -> tuple[Timing, object]:
    """A warm-up call, then ``runs`` timed calls: (their timing, the last result)."""
    function()
    timing, result = Timing([], []), None
    for _ in range(runs):
        cpu = time.process_time()
        elapsed, result = _timed(function)
        timing.cpu.append(time.process_time() - cpu)
        timing.wall.append(elapsed)
    return timing, result


def _load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _machine() -> dict[str, str]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "nproc": str(cores),
        "cpu": cpu or platform.processor() or "unknown",
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "date": dt.date.today().isoformat(),
    }


def _import_stages(db: Path, paths: dict[str, Path]) -> dict[str, float]:
    """The snapshots import again, stage by stage, each path into a fresh database of its own: the existing
    path (read the CSV / check / write) and the CSV fast path of ``data.fast_csv`` (scan and read by DuckDB /
    check in SQL / write), keys ``read``, ``check``, ``write`` and ``fast_read``, ``fast_check``, ``fast_write``."""
    from data import fast_csv

    fast_db = db.with_name(db.stem + "-fast.duckdb")
    for target in (db, fast_db):
        for kind in ("regions", "population"):
            import_file(target, kind, paths[kind])
    source, kind = str(paths["snapshots"]), KINDS["snapshots"]
    with connect(db, write=True) as con:
        read_s, table = _timed(lambda: read_table(paths["snapshots"], kind, source=source))
        check_s, checked = _timed(lambda: check(con, kind, table, source))
        write_s, _ = _timed(lambda: write(con, checked))
    del table, checked
    with connect(fast_db, write=True) as con:
        fast_read_s, staged = _timed(lambda: fast_csv.read(con, kind, paths["snapshots"], source, fast_csv.scan(paths["snapshots"], kind)))
        fast_check_s, checked = _timed(lambda: fast_csv.check(con, staged))
        fast_write_s, _ = _timed(lambda: write(con, checked))
    return {
        "read": read_s, "check": check_s, "write": write_s,
        "fast_read": fast_read_s, "fast_check": fast_check_s, "fast_write": fast_write_s,
    }  # fmt: skip


def measure(shape: province.Shape, seed: int, runs: int, work: Path) -> dict:
    """Every figure of one run (see the module docstring)."""
    figures: dict = {"machine": _machine(), "shape": shape, "runs": runs, "load_before": _load()}
    built = province.build(shape, seed)
    paths = built.write_csvs(work / "csv")
    figures["rows"] = {kind: len(getattr(built, kind)) for kind in paths}
    figures["levels"] = built.regions["level"].value_counts().to_dict()

    db = work / "bench.duckdb"
    figures["import"], figures["import_cpu"] = {}, {}
    for kind in ("regions", "population", "snapshots"):
        cpu = time.process_time()
        seconds, result = _timed(lambda: import_file(db, kind, paths[kind]))
        figures["import_cpu"][kind] = time.process_time() - cpu
        assert result.row_count == figures["rows"][kind], (kind, result)
        figures["import"][kind] = seconds
    figures["stages"] = _import_stages(work / "stages.duckdb", paths)
    existing = work / "existing.duckdb"  # the same import by the existing path only (fast=False), for the ratio
    for kind in ("regions", "population"):
        import_file(existing, kind, paths[kind])
    cpu = time.process_time()
    figures["import"]["existing"], _ = _timed(lambda: import_file(existing, "snapshots", paths["snapshots"], fast=False))
    figures["import_cpu"]["existing"] = time.process_time() - cpu

    targets = parse_targets(TARGETS.read_text(encoding="utf-8"))
    with connect(db) as con:
        period = figures["period"] = month_index(built.snapshots["period"].max())
        engine_timing, engine = _median_of(lambda: metrics_report(con, targets, period, level="township"), runs)
        load_timing, tables = _median_of(lambda: baseline.load(con), runs)
    base_timing, base = _median_of(lambda: baseline.report(tables, targets, period, "township"), runs)
    figures.update(
        engine=engine_timing, baseline=base_timing, load=load_timing, report_rows=len(engine),
        differences=baseline.differences(engine, base), load_after=_load(),
    )  # fmt: skip
    return figures


def _seconds(value: float) -> str:
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def _aim(ok: bool) -> str:
    return "met" if ok else "**missed**"


def render(f: dict) -> str:
    """The table and the sentences that go between the markers."""
    m, rows, imp, cpu, stages = f["machine"], f["rows"], f["import"], f["import_cpu"], f["stages"]
    engine, base, load = f["engine"], f["baseline"], f["load"]
    townships = f["levels"].get("township", 0)
    snap_rate = rows["snapshots"] / imp["snapshots"]
    ratio = base.median / engine.median
    ratio_cpu = base.cpu_median / engine.cpu_median
    ratio_with_load = (base.median + load.median) / engine.median
    shape = f["shape"]
    month = period_label(f["period"])
    disagree = len(f["differences"])
    runs = f["runs"]
    lines = [
        f"Measured {m['date']} on {m['nproc']} core(s) ({m['cpu']}), Python {m['python']}, "
        f"DuckDB {m['duckdb']}, pandas {m['pandas']}, numpy {m['numpy']}; load average (1/5/15 min) "
        f"{f['load_before']} before the run, {f['load_after']} after it.",
        "",
        f"Data set: `bench.province` ({shape.cities} cities, {shape.counties} counties, {townships:,} townships; "
        f"{shape.months} months from {shape.first_period}): {rows['regions']:,} regions, "
        f"{rows['population']:,} population rows, {rows['snapshots']:,} snapshot rows.",
        "",
        "| what | wall clock | CPU | aim |",
        "|---|---|---|---|",
        f"| import regions ({rows['regions']:,} rows) | {_seconds(imp['regions'])} | {_seconds(cpu['regions'])} | |",
        f"| import population ({rows['population']:,} rows) | {_seconds(imp['population'])} | "
        f"{_seconds(cpu['population'])} | |",
        f"| import snapshots ({rows['snapshots']:,} rows) | {_seconds(imp['snapshots'])}: "
        f"**{snap_rate:,.0f} rows/s** | {_seconds(cpu['snapshots'])} | "
        f"> {AIM_IMPORT_ROWS_PER_S:,} rows/s: {_aim(snap_rate > AIM_IMPORT_ROWS_PER_S)} |",
        f"| the same, stage by stage (CSV fast path, `data.fast_csv`): read / check / write | {_seconds(stages['fast_read'])} / "
        f"{_seconds(stages['fast_check'])} / {_seconds(stages['fast_write'])}: "
        f"{rows['snapshots'] / (stages['fast_read'] + stages['fast_check'] + stages['fast_write']):,.0f} rows/s | | |",
        f"| import snapshots by the existing path (`fast=False`: reader, pandas check) | {_seconds(imp['existing'])}: "
        f"{rows['snapshots'] / imp['existing']:,.0f} rows/s | {_seconds(cpu['existing'])} | |",
        f"| the same, stage by stage: read the CSV / check / write | {_seconds(stages['read'])} / "
        f"{_seconds(stages['check'])} / {_seconds(stages['write'])}: "
        f"{rows['snapshots'] / (stages['read'] + stages['check'] + stages['write']):,.0f} rows/s | | |",
        f"| engine: `metrics_report`, {month}, {townships:,} townships, 3 metrics | **{_seconds(engine.median)}** "
        f"(median of {runs}) | {_seconds(engine.cpu_median)} | < {AIM_REPORT_S} s: {_aim(engine.median < AIM_REPORT_S)} |",
        f"| baseline: `bench.baseline.report`, the same report | {_seconds(base.median)} (median of {runs}) | "
        f"{_seconds(base.cpu_median)} | |",
        f"| baseline: reading the raw tables into pandas (once) | {_seconds(load.median)} (median of {runs}) | "
        f"{_seconds(load.cpu_median)} | |",
        f"| ratio baseline / engine | **{ratio:.2f}×** ({ratio_with_load:.2f}× counting the baseline's read) | "
        f"{ratio_cpu:.2f}× | ≥ {AIM_RATIO:.0f}×: {_aim(ratio >= AIM_RATIO)} |",
        f"| engine and baseline agree ({f['report_rows']:,} rows; floats within 1e-9, the rest exactly) | "
        f"{'yes' if not disagree else f'**no: {disagree} field(s) differ**'} | | yes |",
        "",
        "What is timed: each import is one call of `data.store.import_file` (what `kuomian import` runs: read "
        "the CSV, check every row, write in one transaction) into a fresh DuckDB file; the read / check / write "
        "split times the stages of a second import of the same file into another fresh file. The engine is "
        f"`data.report.metrics_report(con, targets, period, level=\"township\")` for the last month on an open "
        f"read-only connection with `config/targets.yaml`: one warm-up call, then {runs} timed calls. The "
        "baseline is the same report by the plain pandas implementation `bench.baseline`, from DataFrames "
        "already in memory: its one read of the three raw tables is timed apart and left out of the main "
        "ratio (which favours the baseline). CPU is the process's CPU time (every thread), less sensitive than "
        "the wall clock to other programs on the machine. "
        f"Every engine run (s): {', '.join(f'{t:.3f}' for t in engine.wall)}; baseline: "
        f"{', '.join(f'{t:.3f}' for t in base.wall)}.",
    ]
    return "\n".join(lines)


def write_doc(text: str, path: Path = DOC) -> None:
    """Put ``text`` between the markers of ``path``, leaving the rest of the file as it is."""
    current = path.read_text(encoding="utf-8") if path.exists() else DOC_SKELETON
    if START not in current or END not in current:
        current = current.rstrip("\n") + f"\n\n## Engine\n\n{START}\n{END}\n"
    head, rest = current.split(START, 1)
    _, tail = rest.split(END, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    keep_freed_memory()  # as `kuomian` and the dashboard run (config/allocator.py)
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small province (150 townships, 24 months): a smoke test")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per report, after a warm-up (default 7)")
    parser.add_argument("--seed", type=int, default=53)
    parser.add_argument("--write", dest="write", action="store_true", default=None, help="write docs/performance.md (default: full run only)")
    parser.add_argument("--no-write", dest="write", action="store_false")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    shape = province.QUICK if args.quick else province.FULL
    with tempfile.TemporaryDirectory(prefix="kuomian-bench-") as tmp:
        figures = measure(shape, args.seed, args.runs, Path(tmp))
    text = render(figures)
    print(text)
    for difference in figures["differences"][:20]:
        print("difference:", difference, file=sys.stderr)
    if args.write if args.write is not None else not args.quick:
        write_doc(text)
        print(f"\nwritten to {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
