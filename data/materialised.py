"""Materialised metrics (issue 15): one row per region and month, built by every write, read by the report.

``metric_months`` holds, for every region and every month of the covered range [lo, hi] (lo: the
first month with a snapshot or population row; hi: the last snapshot month, extended by
``carry_forward_months`` within its calendar year), per metric its numerator, denominator, value
and whether it is comparable, and the projection's fitted line at that month (metrics.md §5), plus
the month's completeness and carried rows; rows with nothing in them are left out. ``metric_starts``
holds each region's first value of a stock metric at or after the baseline (metrics.md §4,
"Trajectory at t"). Both are computed by the same code as the slow path (``compute.grid_of_sums``,
``compute.fit_line``) from the same subtree sums, so the floats are the same bit for bit: the sums of
every region at once come from ``data.all_sums`` (whole numbers summed in int64, equal to the slow
path's ``queries.SUBTREE_SUMS``; tests/test_all_sums.py).

They depend on the data and, of the targets file, only on ``carry_forward_months``, ``baseline``
and the scheme masks (not on milestones): ``meta`` keeps a signature of those and the data stamp
(``store.content_version``) the tables were built at. :func:`report_inputs` answers only where both
still match; otherwise the caller computes from the facts (the slow, exact path).

Which targets a write builds with: the targets file of the writing process (:func:`use_targets_file`,
set by the command line's ``--targets``; else ``KUOMIAN_TARGETS`` / ``config/targets.yaml``). A file
that cannot be read or parsed builds nothing and clears the stamp.
"""

from __future__ import annotations

import functools
import json
import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data import all_sums, queries
from metrics import compute
from metrics.registry import METRIC_KEYS
from metrics.targets import Targets

STAMP, SIGNATURE, RANGE = "metric_months.stamp", "metric_months.signature", "metric_months.range"
FIT_MONTHS = compute.PROJECTION_WINDOW - 1  # the months before t a fit at t reads
METRIC_KINDS = ("snapshots", "population", "regions")  # the imports that change metric_months
# Cells (regions × months) of one build chunk: bounds memory at 43k regions × 120 months.
CHUNK_CELLS = 400_000
MAX_CHUNK_MONTHS = 24
# Tests and the bench force a path: "slow" never reads the tables, "fast" is the default.
FORCE_ENV = "KUOMIAN_MATERIALISED"

_targets_path: Path | None = None


def use_targets_file(path: Path | str | None) -> None:
    """The targets file this process's writes build with (the command line's ``--targets``); None: settings."""
    global _targets_path
    _targets_path = None if path is None else Path(path)


def write_targets() -> Targets | None:
    """The targets the writes of this process build with; None where the file cannot be read or parsed."""
    from metrics.targets import TargetsError

    path = _targets_path
    if path is None:
        from config.settings import get_settings

        path = get_settings().targets
    try:
        return _parsed_targets(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, TargetsError):
        return None


@functools.lru_cache(maxsize=4)
def _parsed_targets(text: str) -> Targets:
    """A targets file's text parsed once per content: every import asks (issue 15: parsing the YAML
    was 0.05 s of a 540,000-row import). Raises as :func:`metrics.targets.parse_targets`."""
    from metrics.targets import parse_targets

    return parse_targets(text)


def signature(targets: Targets) -> str:
    """What of ``targets`` the tables depend on: carry, baseline and each target's schemes (JSON text)."""
    schemes = {}
    for metric in ("coverage_rate", "payment_rate"):
        for code in [None, *sorted(targets.overrides)]:
            if code is not None and metric not in targets.overrides[code]:
                continue
            entry = targets.target_of(metric, code)
            schemes[f"{code or ''}|{metric}"] = list(entry.schemes) if entry is not None and entry.schemes else None
    # "fit": the summation order of compute.fit_line (2: months added left to right); tables built by an
    # earlier order are not read until rebuilt (`kuomian targets apply` or the next import).
    return json.dumps(
        {"carry": targets.carry_forward_months, "baseline": targets.baseline, "fit": 2, "schemes": schemes}, sort_keys=True
    )


# The tables' stamp, signature and range, and the data's version, in one query (a report reads this
# first: separate round trips took 4 ms, a tenth of a 20k-township report, issue 15).
_STATE = f"""
SELECT key, value, NULL, NULL, NULL FROM meta WHERE key IN (?, ?, ?)
UNION ALL
SELECT NULL, NULL, * FROM ({queries.CONTENT_VERSION})
"""


def _state(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str], str | None]:
    """``(meta, version)``: the tables' stamp, signature and range from ``meta``, and the data's
    version as a stamp is written (:func:`_version`); ``({}, None)`` in a database without the tables."""
    try:
        rows = con.execute(_STATE, [STAMP, SIGNATURE, RANGE]).fetchall()
    except duckdb.CatalogException:
        return {}, None
    meta = {row[0]: row[1] for row in rows if row[0] is not None}
    version = next(_version_text(row[2:]) for row in rows if row[0] is None)
    return meta, version


def _meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The tables' stamp, signature and range from ``meta`` ({} in a database without the table)."""
    return _state(con)[0]


def _has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_name IN ('metric_months', 'metric_starts', 'meta')"
    ).fetchone()[0] == 3


def _set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str | None) -> None:
    con.execute("DELETE FROM meta WHERE key = ?", [key])
    if value is not None:
        con.execute("INSERT INTO meta (key, value) VALUES (?, ?)", [key, value])


def _version(con: duckdb.DuckDBPyConnection) -> str | None:
    from data.store import content_version

    version = content_version(con)
    return None if version is None else _version_text(version)


def _version_text(version: Sequence[int]) -> str:
    """A data version (:func:`data.store.content_version`) as the stamp stores it."""
    return json.dumps([int(x) for x in version])


def _fresh(meta: dict[str, str], version: str | None, targets: Targets | None) -> bool:
    """Built at ``version`` (and, given ``targets``, with its signature): a stamp is written only by
    :func:`build`, so where it matches, the tables are there."""
    if version is None or meta.get(STAMP) != version:
        return False
    return targets is None or meta.get(SIGNATURE) == signature(targets)


def _range(meta: dict[str, str]) -> tuple[int, int] | None:
    text = meta.get(RANGE)
    if not text:
        return None
    lo, hi = (int(x) for x in text.split(","))
    return lo, hi


def is_fresh(con: duckdb.DuckDBPyConnection, targets: Targets | None = None) -> bool:
    """Whether the tables were built at the current data stamp (and, given ``targets``, with its signature)."""
    return _fresh(*_state(con), targets)


def built_for_other_targets(con: duckdb.DuckDBPyConnection, targets: Targets) -> bool:
    """Whether the tables hold metrics built at the current data but with another targets file's
    carry, baseline or schemes (a file edited by hand since): the pages then compute from the facts,
    the same figures but slower at national scale, until `kuomian targets apply` or the next import."""
    meta, version = _state(con)
    return _fresh(meta, version, None) and meta.get(SIGNATURE) != signature(targets)


def covered(con: duckdb.DuckDBPyConnection) -> tuple[int, int] | None:
    """The stored range [lo, hi] (month indexes); None where the tables cover no month."""
    return _range(_meta(con))


def readable(con: duckdb.DuckDBPyConnection, targets: Targets) -> tuple[int, int] | None:
    """The covered range [lo, hi] where the readers may answer for ``targets``: None where the path is
    forced off (``KUOMIAN_MATERIALISED=slow``), the tables are stale or built for other targets, or
    they cover no month. One meta read serves the stamp, the signature and the range."""
    if os.environ.get(FORCE_ENV) == "slow":
        return None
    meta, version = _state(con)
    return _range(meta) if _fresh(meta, version, targets) else None


# --------------------------------------------------------------------------- writing


def fresh_before_write(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the tables are fresh now: a write asks before it adds its history entry, then
    :func:`after_write` updates them incrementally (or just moves the stamp) instead of rebuilding."""
    return _has_tables(con) and is_fresh(con)


def after_write(con: duckdb.DuckDBPyConnection, kind: str, since: int | None, was_fresh: bool, *, full: bool = False) -> None:
    """Bring the tables up to date inside a write's transaction (after its rows and history entry).

    ``kind`` is what the write changed; ``since`` the first month it touched (snapshots, population);
    ``was_fresh`` what :func:`fresh_before_write` said before it. Kinds that do not change the metrics
    only move the stamp; a snapshots or population import recomputes from ``since``; regions,
    rollbacks of those kinds (``full``) and the demo rebuild everything. A targets file that
    cannot be read or parsed builds nothing and clears the stamp.
    """
    if not _has_tables(con):
        return
    targets = write_targets()
    if targets is None:
        _set_meta(con, STAMP, None)
        return
    same = was_fresh and _meta(con).get(SIGNATURE) == signature(targets)
    if kind not in METRIC_KINDS and not full and same:
        _set_meta(con, STAMP, _version(con))
        return
    incremental = same and not full and kind in ("snapshots", "population") and since is not None
    build(con, targets, since if incremental else None)


def build(con: duckdb.DuckDBPyConnection, targets: Targets, since: int | None = None) -> None:
    """(Re)build ``metric_months`` (from ``since`` on, or everything) and ``metric_starts`` for ``targets``.

    Runs in the caller's transaction. Months are computed in chunks of at most :data:`CHUNK_CELLS`
    region-months, each passing the last 11 months' values on to the next chunk's fits (the first
    chunk reads them), so memory stays bounded and no month is summed twice.
    """
    bounds = con.execute(
        "SELECT (SELECT MIN(period) FROM snapshots), (SELECT MIN(period) FROM population), (SELECT MAX(period) FROM snapshots)"
    ).fetchone()
    firsts = [b for b in bounds[:2] if b is not None]
    carry = targets.carry_forward_months
    if bounds[2] is None or not firsts:
        lo, hi = None, None
    else:
        last = int(bounds[2])
        lo, hi = int(min(firsts)), min(last + carry, 12 * ((last - 1) // 12) + 12)
    old = covered(con)
    if since is not None and old is not None:
        # The months the old range left out (after its hi) were never written: write them too.
        since = min(int(since), old[1] + 1)
    else:
        since = None
    start = lo if since is None or lo is None else max(lo, since)
    if since is None or lo is None:
        con.execute("DELETE FROM metric_months")
    else:
        con.execute("DELETE FROM metric_months WHERE period >= ?", [start])
    if lo is not None and start <= hi:
        regions = queries.regions(con)
        step = max(1, min(MAX_CHUNK_MONTHS, CHUNK_CELLS // max(1, len(regions))))
        # The 11 months before the first chunk: kept rows where the build is incremental (else read);
        # each chunk passes its last 11 months on to the next.
        before = _stored_before(con, regions["code"].tolist(), start) if start > lo else None
        tree = all_sums.forest(con, regions)
        for first in range(start, hi + 1, step):
            months = list(range(first, min(first + step, hi + 1)))
            before = _write_chunk(con, regions, tree, targets, months, before)
    _build_starts(con, targets)
    _set_meta(con, RANGE, None if lo is None else f"{lo},{hi}")
    _set_meta(con, SIGNATURE, signature(targets))
    _set_meta(con, STAMP, _version(con))


def _stored_before(con: duckdb.DuckDBPyConnection, codes: list[str], start: int) -> dict:
    """The values and comparable flags of the 11 months before ``start`` from the kept rows (an
    incremental build): what :func:`_write_chunk` passes on, without summing those months again.
    A (region, month) without a row has no value and is comparable, as in ``compute.metric_grid``."""
    periods = np.arange(start - FIT_MONTHS, start, dtype="int64")
    wanted = ", ".join(f"{m}_value, CAST({m}_comparable AS DOUBLE) AS {m}_comparable" for m in METRIC_KEYS)
    got = con.execute(
        f"SELECT region_code, period, {wanted} FROM metric_months WHERE period >= ? AND period < ?",
        [int(periods[0]), int(start)],
    ).fetchnumpy()
    rows = pd.Index(codes).get_indexer(np.ma.filled(got["region_code"], None).astype(object))
    cols = np.ma.filled(got["period"], 0).astype("int64") - int(periods[0])
    ok = rows >= 0

    def matrix(column: str, default: float) -> np.ndarray:
        out = np.full((len(codes), len(periods)), default)
        out[rows[ok], cols[ok]] = _floats(got[column])[ok]
        return out

    return {
        "periods": periods,
        "value": {m: matrix(f"{m}_value", np.nan) for m in METRIC_KEYS},
        "comparable": {m: matrix(f"{m}_comparable", 1.0) for m in METRIC_KEYS},
    }


def _write_chunk(
    con: duckdb.DuckDBPyConnection,
    regions: pd.DataFrame,
    tree: all_sums.Forest,
    targets: Targets,
    months: list[int],
    before: dict | None,
) -> dict:
    """The rows of ``months`` for every region; returns what the next chunk's fits need.

    ``tree`` is ``all_sums.forest`` of ``regions``. ``before`` holds the values and comparable flags
    of the 11 months before ``months`` (from the previous chunk: ``periods``, ``value`` and
    ``comparable`` per metric); None: they are read too. The subtree sums are ``all_sums``' (every
    region at once; equal to ``queries.subtree_sums``, tests/test_all_sums.py).
    """
    read = months if before is not None else list(range(months[0] - FIT_MONTHS, months[-1] + 1))
    codes = regions["code"].tolist()
    sums = all_sums.subtree_sums(con, tree, read, targets.carry_forward_months)
    grid = compute.grid_of_sums(regions, sums, targets, np.asarray(read, dtype="int64"))
    if before is None:
        periods, value, comparable = grid.periods, grid.value, grid.comparable
    else:
        periods = np.concatenate([before["periods"], grid.periods])
        value = {m: np.hstack([before["value"][m], grid.value[m]]) for m in METRIC_KEYS}
        comparable = {m: np.hstack([before["comparable"][m], grid.comparable[m]]) for m in METRIC_KEYS}
    position = {int(p): i for i, p in enumerate(periods)}
    at_month = np.array([position[m] for m in months])
    columns = [grid.index[m] for m in months]
    # Which (region, month) cells have anything: a subtree sums row, a fitted line or a value the month before.
    has = all_sums.has_anything(sums)[:, columns]
    fits = {}
    for metric in METRIC_KEYS:
        n = np.empty((len(codes), len(months)))
        slope = np.empty_like(n)
        at = np.empty_like(n)
        for j, month in enumerate(months):
            # The same months, in the same order, as the slow path's window: the same floats.
            window = (periods >= compute.projection_window(metric, month)) & (periods <= month)
            n[:, j], slope[:, j], at[:, j] = compute.fit_line(periods[window], value[metric][:, window], month)
        fits[metric] = (n, slope, at)
        has |= ~np.isnan(at)
        has |= ~np.isnan(value[metric][:, at_month - 1])  # value_prev (below)
    # Month by month, so that a month's rows lie together (DuckDB's zone maps skip the other months).
    cols, rows = np.nonzero(has.T)
    take = np.asarray(columns)[cols]
    whole = at_month[cols]
    frame = {
        # The codes once, each row their number (an Arrow dictionary): no string per row.
        "region_code": pa.DictionaryArray.from_arrays(pa.array(rows.astype("int32")), pa.array(codes, pa.string())),
        "period": np.asarray(months, dtype="int64")[cols],
        "completeness": grid.completeness[rows, take],
        "carried": grid.carried[rows, take].astype("int64"),
    }
    for metric in METRIC_KEYS:
        n, slope, at = fits[metric]
        frame[f"{metric}_numerator"] = grid.numerator[metric][rows, take]
        frame[f"{metric}_denominator"] = grid.denominator[metric][rows, take]
        frame[f"{metric}_value"] = grid.value[metric][rows, take]
        frame[f"{metric}_comparable"] = grid.comparable[metric][rows, take] > 0
        # The month before, the default comparison month of rank changes: read from the same row.
        frame[f"{metric}_value_prev"] = value[metric][rows, whole - 1]
        frame[f"{metric}_comparable_prev"] = comparable[metric][rows, whole - 1] > 0
        frame[f"{metric}_fit_n"] = n[rows, cols].astype("int64")
        frame[f"{metric}_slope"] = slope[rows, cols]
        frame[f"{metric}_at_period"] = at[rows, cols]
    # NaN -> NULL (Arrow's from_pandas): DuckDB would keep NaN as a value; the table says none with NULL.
    staged = pa.table(
        {c: x if isinstance(x, pa.Array) else pa.array(x, from_pandas=x.dtype == np.float64) for c, x in frame.items()}
    )
    con.register("metric_months_staged", staged)
    try:
        names = ", ".join(staged.column_names)
        con.execute(f"INSERT INTO metric_months ({names}) SELECT {names} FROM metric_months_staged")
    finally:
        con.unregister("metric_months_staged")
    keep = slice(len(periods) - FIT_MONTHS, None)
    return {
        "periods": periods[keep],
        "value": {m: value[m][:, keep].copy() for m in METRIC_KEYS},
        "comparable": {m: comparable[m][:, keep].copy() for m in METRIC_KEYS},
    }


def _build_starts(con: duckdb.DuckDBPyConnection, targets: Targets) -> None:
    """Each region's first value at or after the baseline, per stock metric (metrics.md §4): one row
    per region with ``<metric>_month`` and ``<metric>_value`` (NULL: none), read by one join."""
    con.execute("DELETE FROM metric_starts")
    firsts = ", ".join(
        f"MIN(period) FILTER (WHERE {m}_value IS NOT NULL) AS {m}_month, arg_min({m}_value, period) FILTER (WHERE {m}_value IS NOT NULL) AS {m}_value"
        for m in compute.STOCK_METRICS
    )
    known = " OR ".join(f"{m}_value IS NOT NULL" for m in compute.STOCK_METRICS)
    con.execute(
        f"INSERT INTO metric_starts SELECT region_code, {firsts} FROM metric_months WHERE period >= ? AND ({known}) GROUP BY region_code",
        [int(targets.baseline)],
    )


def rebuild(con: duckdb.DuckDBPyConnection, targets: Targets | None = None) -> bool:
    """Rebuild everything in one transaction (a test's raw SQL, a changed targets file); False where
    the targets file cannot be read (the stamp is then cleared)."""
    targets = targets or write_targets()
    con.execute("BEGIN TRANSACTION")
    try:
        if targets is None:
            _set_meta(con, STAMP, None)
        else:
            build(con, targets)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return targets is not None


# --------------------------------------------------------------------------- reading


def _floats(values) -> np.ndarray:
    """Floats with NaN for none, from a masked array (``fetchnumpy``) or a plain one (no copy if float64)."""
    if isinstance(values, np.ma.MaskedArray):
        return np.ma.filled(values.astype("float64"), np.nan)
    return np.asarray(values, dtype="float64")


def _listed_sql(level: str | None, root: str | None, codes: Sequence[str] | None) -> tuple[str, dict]:
    if codes is not None:
        return "SELECT code, name, level, abolished FROM regions WHERE code IN (SELECT unnest($codes::VARCHAR[]))", {
            "codes": [str(c) for c in codes]
        }
    where, params = ["TRUE"], {}
    if level is not None:
        where.append("level = $level")
        params["level"] = level
    if root is not None:
        where.append("code IN (SELECT descendant FROM region_closure WHERE ancestor = $root)")
        params["root"] = root
    return f"SELECT code, name, level, abolished FROM regions WHERE {' AND '.join(where)}", params


def report_inputs(
    con: duckdb.DuckDBPyConnection,
    targets: Targets,
    period: int,
    compare_to: int,
    metrics: Sequence[str],
    *,
    level: str | None = None,
    root: str | None = None,
    codes: Sequence[str] | None = None,
) -> compute.ReportInputs | None:
    """The evaluation's inputs for the listed regions read from the tables, in one query; None
    (use the slow path) where they are stale, built for other targets, forced off, or where
    ``period`` or ``compare_to`` lies outside the covered range. Regions abolished at or before
    ``period`` are not listed (as ``report.in_force``); listed by code."""
    span = readable(con, targets)
    if span is None or not (span[0] <= period <= span[1] and span[0] <= compare_to <= span[1]):
        return None
    listed, params = _listed_sql(level, root, codes)
    now = [f"n.{m}_{part}" for m in metrics for part in ("numerator", "denominator", "value", "slope", "at_period")]
    now += [f"CAST(n.{m}_comparable AS DOUBLE) AS {m}_comparable" for m in metrics]
    previous = compare_to == period - 1  # the default: the row at the period holds it
    then = [
        f"{'n' if previous else 't'}.{m}_value{'_prev' if previous else ''} AS {m}_value_then, "
        f"CAST({'n' if previous else 't'}.{m}_comparable{'_prev' if previous else ''} AS DOUBLE) AS {m}_comparable_then"
        for m in metrics
    ]
    starts = [m for m in metrics if m in compute.STOCK_METRICS]
    start_columns = [
        f"CAST(CASE WHEN s.{m}_month <= $period THEN s.{m}_month END AS DOUBLE) AS {m}_start, "
        f"CASE WHEN s.{m}_month <= $period THEN s.{m}_value END AS {m}_start_value"
        for m in starts
    ]
    joins = [] if previous else ["LEFT JOIN metric_months t ON t.region_code = l.code AND t.period = $compare"]
    joins += ["LEFT JOIN metric_starts s ON s.region_code = l.code"] if starts else []
    sql = f"""
    WITH l AS ({listed})
    SELECT l.code, l.name, l.level, n.completeness, n.carried, {', '.join(now + then + start_columns)}
    FROM l
    LEFT JOIN metric_months n ON n.region_code = l.code AND n.period = $period
    {' '.join(joins)}
    WHERE l.abolished IS NULL OR l.abolished > $period
    """
    bound = {**params, "period": int(period)} | ({} if previous else {"compare": int(compare_to)})
    # Listed by code: sorted here rather than by ORDER BY, which took half the query's time at 40k
    # townships (issue 15); Arrow's byte order is DuckDB's for VARCHAR.
    with warnings.catch_warnings():  # DuckDB 2 warns that a DB-API result copies once more for Arrow:
        warnings.simplefilter("ignore", UserWarning)  # con.sql would not, but refuses after a fetchone()
        table = con.execute(sql, bound).to_arrow_table()
    table = table.take(pc.sort_indices(table["code"]))
    texts = {name: pd.arrays.ArrowStringArray(table[name].combine_chunks(), dtype=compute.TEXT) for name in ("code", "name", "level")}
    got = {name: table[name].to_numpy(zero_copy_only=False) for name in table.column_names if name not in texts}
    codes_out = texts["code"]
    size = len(codes_out)
    none = np.full(size, np.nan)
    per_metric = {}
    for m in metrics:
        per_metric[m] = compute.MetricInputs(
            value=_floats(got[f"{m}_value"]),
            numerator=_floats(got[f"{m}_numerator"]),
            denominator=_floats(got[f"{m}_denominator"]),
            value_then=_floats(got[f"{m}_value_then"]),
            comparable=_floats(got[f"{m}_comparable"]),
            comparable_then=_floats(got[f"{m}_comparable_then"]),
            start=_floats(got[f"{m}_start"]) if m in starts else none,
            start_value=_floats(got[f"{m}_start_value"]) if m in starts else none,
            slope=_floats(got[f"{m}_slope"]),
            at_period=_floats(got[f"{m}_at_period"]),
        )
    lineages = None
    if targets.overrides:
        lineage = queries.regions(con, list(codes_out)).set_index("code")["lineage"]
        lineages = list(lineage.loc[list(codes_out)]) if size else []
    return compute.ReportInputs(
        codes=codes_out,
        names=texts["name"],
        levels=texts["level"],
        lineages=lineages,
        completeness=_floats(got["completeness"]),
        carried=np.nan_to_num(_floats(got["carried"])),
        metrics=per_metric,
        by_code=True,
    )


def schema_sql() -> str:
    """The tables' DDL (appended to ``data/schema.sql``; kept here to name the columns once)."""
    metric_columns = ",\n    ".join(
        f"{m}_numerator DOUBLE, {m}_denominator DOUBLE, {m}_value DOUBLE, {m}_comparable BOOLEAN, "
        f"{m}_value_prev DOUBLE, {m}_comparable_prev BOOLEAN, {m}_fit_n INTEGER, {m}_slope DOUBLE, {m}_at_period DOUBLE"
        for m in METRIC_KEYS
    )
    return (
        "CREATE TABLE IF NOT EXISTS metric_months (\n    region_code VARCHAR NOT NULL, period INTEGER NOT NULL,\n"
        f"    completeness DOUBLE, carried INTEGER,\n    {metric_columns}\n);\n"
        "CREATE TABLE IF NOT EXISTS metric_starts (region_code VARCHAR NOT NULL, "
        + ", ".join(f"{m}_month INTEGER, {m}_value DOUBLE" for m in compute.STOCK_METRICS)
        + ");\n"
    )



def metric_grid(
    con: duckdb.DuckDBPyConnection, targets: Targets, codes: Sequence[str], periods: Sequence[int]
) -> compute.MetricGrid | None:
    """``compute.metric_grid`` of ``codes`` at ``periods`` read from ``metric_months`` (trend pages read
    many months); None (compute it from the facts) where the tables are stale, built for other targets,
    forced off, or a month lies after the covered range (population-only months have no rows there).
    A (region, month) without a row is what the grid holds for one with nothing in its subtree."""
    span = readable(con, targets)
    months = np.array(sorted({int(p) for p in periods}), dtype="int64")
    if span is None or (len(months) and months[-1] > span[1]):
        return None
    codes = tuple(str(c) for c in codes)
    wanted = ", ".join(
        f"{m}_{part}" for m in METRIC_KEYS for part in ("numerator", "denominator", "value")
    ) + ", " + ", ".join(f"CAST({m}_comparable AS DOUBLE) AS {m}_comparable" for m in METRIC_KEYS)
    got = con.execute(
        f"SELECT region_code, period, completeness, carried, {wanted} FROM metric_months"
        " WHERE period IN (SELECT unnest($months::INTEGER[])) AND region_code IN (SELECT unnest($codes::VARCHAR[]))",
        {"months": months.tolist(), "codes": list(codes)},
    ).fetchnumpy()
    # Object to object: a str Index would first convert every fetched code (0.27 -> 0.09 CPU-s for 13 months at 40k).
    rows = pd.Index(codes, dtype=object).get_indexer(np.ma.filled(got["region_code"], None).astype(object))
    cols = pd.Index(months).get_indexer(np.ma.filled(got["period"], 0).astype("int64"))
    shape = (len(codes), len(months))

    def matrix(column: str, default: float) -> np.ndarray:
        out = np.full(shape, default)
        out[rows, cols] = _floats(got[column])
        return out

    return compute.MetricGrid(
        codes,
        months,
        {m: matrix(f"{m}_numerator", np.nan) for m in METRIC_KEYS},
        {m: matrix(f"{m}_denominator", np.nan) for m in METRIC_KEYS},
        {m: matrix(f"{m}_value", np.nan) for m in METRIC_KEYS},
        matrix("completeness", np.nan),
        matrix("carried", 0.0),
        {m: matrix(f"{m}_comparable", 1.0) for m in METRIC_KEYS},
    )
