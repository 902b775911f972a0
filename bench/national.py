"""A national data set and what it costs: import, the engine, one DuckDB query, the pandas baseline.

``.venv/bin/python -m bench.national --townships 5000 10000 [--months 120] [--runs 3] [--baseline-up-to 10000]``

The data set (deterministic: the same arguments give the same files) is a country root
(``000000`` 全国) above 31 provinces (real province codes 11 ... 65), each a
:func:`bench.province.build` province with its share of the townships, its own seed and its codes
moved under its province code. A ministry-level view (issue 15) has ~40,000 townships under
~2,800 counties and ~330 cities: the shape keeps those proportions (one county for 14
townships, one city for 8.5 counties, at most 16 cities a province).

In one run, per size, on the same machine state: build and write the CSV files (not timed); time
``data.store.import_file`` for regions, population and snapshots into a fresh DuckDB file; then,
for the last month and every township, time ``data.report.metrics_report`` (a warm-up, then the
median of ``--runs``), :data:`ONE_QUERY` (one DuckDB query computing the three metrics' values of
that month for every township: the floor the engine is compared with), the engine once more
computing from the facts (``KUOMIAN_MATERIALISED=slow``), the time ``data.materialised.build`` adds
to an import (all months, and from January of the last year: a one-year import), and, up to
``--baseline-up-to`` townships, the pandas baseline (``bench.baseline``) with the agreement check.
Prints one table; ``docs/performance.md`` quotes it by hand with the date and the machine load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from config.allocator import keep_freed_memory
from bench import province

COUNTRY_CODE, COUNTRY_NAME = "000000", "全国"
PROVINCES = (
    ("11", "北京市"), ("12", "天津市"), ("13", "河北省"), ("14", "山西省"), ("15", "内蒙古自治区"),
    ("21", "辽宁省"), ("22", "吉林省"), ("23", "黑龙江省"), ("31", "上海市"), ("32", "江苏省"),
    ("33", "浙江省"), ("34", "安徽省"), ("35", "福建省"), ("36", "江西省"), ("37", "山东省"),
    ("41", "河南省"), ("42", "湖北省"), ("43", "湖南省"), ("44", "广东省"), ("45", "广西壮族自治区"),
    ("46", "海南省"), ("50", "重庆市"), ("51", "四川省"), ("52", "贵州省"), ("53", "云南省"),
    ("54", "西藏自治区"), ("61", "陕西省"), ("62", "甘肃省"), ("63", "青海省"), ("64", "宁夏回族自治区"),
    ("65", "新疆维吾尔自治区"),
)  # fmt: skip
TOWNSHIPS_PER_COUNTY = 14
COUNTIES_PER_CITY = 8.5
SIZES = (5_000, 10_000, 20_000, 40_000)

# The floor: coverage, employee share and payment rate of one month for every township, in one
# query (latest population at or before the month, subtree sums through the closure). No carried
# rows, no comparable rule, no targets: what any implementation has to read at least.
ONE_QUERY = """
WITH latest AS (
    SELECT region_code, arg_max(required, period) AS required FROM population WHERE period <= $period GROUP BY 1
),
towns AS (SELECT code FROM regions WHERE level = 'township'),
sums AS (
    SELECT c.ancestor AS code,
           SUM(s.insured) AS insured,
           SUM(s.insured - s.receiving) FILTER (WHERE s.scheme IN ('employee', 'public')) AS employee_phase,
           SUM(s.insured - s.receiving) AS phase,
           SUM(s.paid) AS paid
    FROM snapshots s JOIN region_closure c ON c.descendant = s.region_code JOIN towns t ON t.code = c.ancestor
    WHERE s.period = $period
    GROUP BY 1
),
required AS (
    SELECT c.ancestor AS code, SUM(l.required) AS required
    FROM latest l JOIN region_closure c ON c.descendant = l.region_code JOIN towns t ON t.code = c.ancestor
    GROUP BY 1
)
SELECT s.code, s.insured / r.required AS coverage_rate, s.employee_phase / s.phase AS employee_share,
       s.paid / s.phase AS payment_rate
FROM sums s LEFT JOIN required r USING (code)
"""


def _split(total: int, parts: int, seed: int) -> np.ndarray:
    """``total`` over ``parts``, unevenly but at least 6 each (deterministic)."""
    rng = np.random.default_rng(seed)
    weights = rng.uniform(0.4, 1.6, parts)
    minimum = min(6, total // parts)
    return minimum + rng.multinomial(total - minimum * parts, weights / weights.sum())


def build(townships: int, months: int = 120, seed: int = 15) -> province.Province:
    """The national data set: ``townships`` townships over 31 provinces, ``months`` months ending 2026-12."""
    first = pd.Period("2026-12", freq="M") - (months - 1)
    frames: dict[str, list[pd.DataFrame]] = {"regions": [], "population": [], "snapshots": []}
    frames["regions"].append(pd.DataFrame([{"code": COUNTRY_CODE, "name": COUNTRY_NAME, "level": "country", "parent_code": ""}]))
    for i, ((code, name), count) in enumerate(zip(PROVINCES, _split(townships, len(PROVINCES), seed))):
        counties = max(1, round(count / TOWNSHIPS_PER_COUNTY))
        cities = int(min(len(province.CITIES), max(1, round(counties / COUNTIES_PER_CITY))))
        shape = province.Shape(cities=cities, counties=max(counties, cities), townships=int(count), first_period=str(first), months=months)
        part = province.build(shape, seed=seed * 100 + i)
        moved = lambda codes: code + codes.str.slice(len(province.PROVINCE_CODE))  # noqa: E731
        regions = part.regions.copy()
        regions["code"] = moved(regions["code"])
        regions["parent_code"] = np.where(regions["level"] == "province", COUNTRY_CODE, moved(regions["parent_code"].fillna("")))
        regions.loc[regions["level"] == "province", "name"] = name
        frames["regions"].append(regions)
        frames["population"].append(part.population.assign(region_code=moved(part.population["region_code"])))
        frames["snapshots"].append(part.snapshots.assign(region_code=moved(part.snapshots["region_code"])))
    return province.Province(**{kind: pd.concat(parts, ignore_index=True) for kind, parts in frames.items()})


def write_csvs(data: province.Province, directory: Path) -> dict[str, list[Path]]:
    """The files ``kuomian import`` reads: regions.csv, population.csv and one snapshots file a
    year (an import refuses a file above 64 MB: a year of 40,000 townships is ~55 MB)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths: dict[str, list[Path]] = {}
    for kind in ("regions", "population"):
        paths[kind] = [directory / f"{kind}.csv"]
        getattr(data, kind).to_csv(paths[kind][0], index=False, encoding="utf-8")
    years = data.snapshots["period"].str.slice(0, 4)
    paths["snapshots"] = []
    for year in sorted(years.unique()):
        path = directory / f"snapshots_{year}.csv"
        data.snapshots[years == year].to_csv(path, index=False, encoding="utf-8")
        paths["snapshots"].append(path)
    return paths


def _median(function, runs: int) -> tuple[float, float, object]:
    """A warm-up, then ``runs`` calls: (median wall seconds, median CPU seconds, last result)."""
    function()
    walls, cpus, result = [], [], None
    for _ in range(runs):
        cpu, started = time.process_time(), time.perf_counter()
        result = function()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def _timed_build(con, targets, since: int | None) -> float:
    """Wall seconds of ``data.materialised.build`` (everything, or from ``since``), rolled back after."""
    from data import materialised

    con.execute("BEGIN TRANSACTION")
    try:
        started = time.perf_counter()
        materialised.build(con, targets, since)
        return time.perf_counter() - started
    finally:
        con.execute("ROLLBACK")


class _slow_path:
    """Inside the block ``metrics_report`` computes from the facts, not the materialised tables."""

    def __enter__(self):
        from data import materialised

        self.name, self.before = materialised.FORCE_ENV, os.environ.get(materialised.FORCE_ENV)
        os.environ[self.name] = "slow"

    def __exit__(self, *exc):
        if self.before is None:
            os.environ.pop(self.name, None)
        else:
            os.environ[self.name] = self.before


def measure(townships: int, months: int, runs: int, baseline_up_to: int, work: Path) -> dict:
    """Every figure of one size (see the module docstring)."""
    from bench import baseline
    from data.db import connect
    from data.report import metrics_report
    from data.store import import_file
    from metrics.periods import month_index
    from metrics.targets import parse_targets

    started = time.perf_counter()
    built = build(townships, months)
    paths = write_csvs(built, work / "csv")
    figures: dict = {"townships": townships, "months": months, "build_s": time.perf_counter() - started}
    figures["rows"] = {kind: len(getattr(built, kind)) for kind in ("regions", "population", "snapshots")}
    del built
    db = work / "national.duckdb"
    figures["import"] = {}
    for kind in ("regions", "population", "snapshots"):
        started = time.perf_counter()
        for path in paths[kind]:
            import_file(db, kind, path)
        figures["import"][kind] = time.perf_counter() - started
    figures["db_mb"] = db.stat().st_size / 1e6
    targets = parse_targets((Path(__file__).resolve().parent.parent / "config" / "targets.yaml").read_text(encoding="utf-8"))
    period = month_index("2026-12")
    with connect(db, write=True) as con:  # issue 15: what the materialised metrics add to an import
        figures["build_full"] = _timed_build(con, targets, None)
        figures["build_year"] = _timed_build(con, targets, month_index("2026-01"))
    with connect(db) as con:
        figures["engine"], figures["engine_cpu"], engine = _median(lambda: metrics_report(con, targets, period, level="township"), runs)
        with _slow_path():
            figures["engine_facts"], figures["engine_facts_cpu"], _ = _median(
                lambda: metrics_report(con, targets, period, level="township"), max(1, runs // 2)
            )
        figures["one_query"], figures["one_query_cpu"], _ = _median(lambda: con.execute(ONE_QUERY, {"period": period}).df(), runs)
        if townships <= baseline_up_to:
            tables = baseline.load(con)
    if townships <= baseline_up_to:
        figures["baseline"], figures["baseline_cpu"], base = _median(lambda: baseline.report(tables, targets, period, "township"), max(1, runs // 2))
        figures["differences"] = len(baseline.differences(engine, base))
    return figures


def render(results: list[dict]) -> str:
    """The figures as a Markdown table: wall clock, and the process's CPU time (every thread), which
    a loaded machine disturbs less; ratios of both."""
    lines = [
        "| townships | months | snapshot rows | import snapshots (rows/s) | engine: wall / CPU | one query: wall / CPU "
        "| engine ÷ query: wall / CPU | pandas baseline: wall / CPU | baseline ÷ engine: wall / CPU | differences "
        "| engine from the facts: wall / CPU | materialised build: all months / one year |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for f in results:
        rows = f["rows"]["snapshots"]
        base = f.get("baseline")
        base_text = "—" if base is None else f"{base:.2f} / {f['baseline_cpu']:.2f} s"
        ratio_text = "—" if base is None else f"{base / f['engine']:.1f}× / {f['baseline_cpu'] / f['engine_cpu']:.1f}×"
        lines.append(
            f"| {f['townships']:,} | {f['months']} | {rows:,} | {f['import']['snapshots']:.1f} s ({rows / f['import']['snapshots']:,.0f}) "
            f"| {f['engine']:.3f} / {f['engine_cpu']:.3f} s | {f['one_query']:.3f} / {f['one_query_cpu']:.3f} s "
            f"| {f['engine'] / f['one_query']:.1f}× / {f['engine_cpu'] / f['one_query_cpu']:.1f}× "
            f"| {base_text} | {ratio_text} | {f.get('differences', '—')} "
            f"| {f['engine_facts']:.3f} / {f['engine_facts_cpu']:.3f} s | {f['build_full']:.1f} s / {f['build_year']:.1f} s |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    keep_freed_memory()  # as `kuomian` and the dashboard run (config/allocator.py)
    parser = argparse.ArgumentParser(prog="python -m bench.national", description=__doc__.split("\n\n")[0])
    parser.add_argument("--townships", type=int, nargs="+", default=list(SIZES[:2]), help="sizes to measure (default 5000 10000)")
    parser.add_argument("--months", type=int, default=120, help="months of history, ending 2026-12 (default 120)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs after a warm-up (default 3)")
    parser.add_argument("--baseline-up-to", type=int, default=10_000, help="run the pandas baseline up to this many townships")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep each size's files and database in DIR/<townships> (for timing other code on them)")
    args = parser.parse_args(argv)
    results = []
    for townships in args.townships:
        with tempfile.TemporaryDirectory(prefix="kuomian-national-") as scratch:
            work = Path(scratch) if args.keep is None else args.keep / str(townships)
            work.mkdir(parents=True, exist_ok=True)
            (work / "national.duckdb").unlink(missing_ok=True)
            figures = measure(townships, args.months, args.runs, args.baseline_up_to, work)
        results.append(figures)
        print(f"{townships}: {figures}", flush=True)
    print(render(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
