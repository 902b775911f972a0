"""The subtree sums of EVERY region at a run of months, for the materialised build (issue 15).

``queries.SUBTREE_SUMS`` (the reference, kept for the report's slow path) sums a listed subset of
regions through ``region_closure``: once per (ancestor, descendant) pair. The build wants every
region, so this module reads each region's own rows once and rolls them up in numpy:

1. one SQL read of the snapshots of the months [first - carry, last] and (once per build) of the
   population rows, regions numbered once (:class:`Forest`);
2. dense region × month × scheme arrays: the counted rows (metrics.md §3, "Carried rows": a (region,
   scheme) without a row at t takes its nearest row of the ``carry_forward_months`` before t in the
   same calendar year; regions abolished at or before t count nothing and have no population, cli.md
   "Regions that change"), then each region's own sums;
3. the roll-up to every ancestor: regions in preorder (each subtree a contiguous run), one running
   sum over them, a subtree's sum the difference of two running sums (float64 where every partial
   sum stays below 2**53, so exact; else int64);
4. ``above_<scheme>`` top-down, depth by depth: how many strict ancestors hold a counted row of
   the scheme (a count, as ``SUBTREE_SUMS``; ``compute.grid_of_sums`` only tests > 0).

Every sum is of whole numbers (persons, rows, regions) and is exact whatever the order (float64
while every partial sum stays below 2**53, else int64 rounded once at the end), so the float64
matrices equal the reference's values (tests/test_all_sums.py checks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from metrics.compute import SUM_COLUMNS, sum_column
from metrics.periods import year_of
from metrics.registry import SCHEMES

_CODES_VIEW = "all_sums_codes"


@dataclass
class Forest:
    """Every region numbered once (the order of ``regions``, by code) and what the roll-ups need.

    ``parent``: the parent's number, -1 for a root; ``start``, ``size``: where the region's subtree
    begins in the preorder and how many regions it holds; ``levels``: the region numbers of each
    depth (0: roots); ``abolished``: the month index from which a region no longer exists (int64,
    a huge number where in force); ``population``: the population rows sorted by region then month
    (``key`` = region number × ``span`` + month − ``first``; ``required``, persons).
    """

    codes: tuple[str, ...]
    parent: np.ndarray
    start: np.ndarray
    size: np.ndarray
    order: np.ndarray
    levels: list[np.ndarray]
    abolished: np.ndarray
    key: np.ndarray
    required: np.ndarray
    first: int
    last: int
    span: int


def forest(con: duckdb.DuckDBPyConnection, regions: pd.DataFrame) -> Forest:
    """The :class:`Forest` of ``regions`` (``queries.regions``: ``code, abolished, lineage``, by
    code) and the population rows of those regions (rows of unknown regions are left out, as the
    reference's joins leave them out)."""
    codes = tuple(str(c) for c in regions["code"])
    count = len(codes)
    index = pd.Index(codes)
    lineages = list(regions["lineage"])
    parent = index.get_indexer([lineage[1] if len(lineage) > 1 else None for lineage in lineages]).astype("int64")
    depth = np.array([len(lineage) - 1 for lineage in lineages], dtype="int64")
    # Preorder: a lineage read root first sorts every subtree right after its root.
    order = np.array(sorted(range(count), key=lambda i: tuple(reversed(lineages[i]))), dtype="int64")
    start = np.empty(count, dtype="int64")
    start[order] = np.arange(count)
    size = np.ones(count, dtype="int64")
    levels = [np.flatnonzero(depth == d) for d in range(int(depth.max()) + 1 if count else 0)]
    for level in reversed(levels[1:]):
        np.add.at(size, parent[level], size[level])
    abolished = regions["abolished"].to_numpy(dtype="float64", na_value=np.nan)
    abolished = np.where(np.isnan(abolished), 2.0**62, abolished).astype("int64")
    got = _read(
        con,
        codes,
        "SELECT i.idx, p.period, p.required FROM population p JOIN {codes} i ON i.code = p.region_code",
    )
    period = got["period"].astype("int64")
    first = int(period.min()) if len(period) else 0
    last = int(period.max()) if len(period) else 0
    span = last - first + 1
    key = got["idx"].astype("int64") * span + (period - first)
    sort = np.argsort(key, kind="stable")
    return Forest(
        codes, parent, start, size, order, levels, abolished, key[sort], got["required"].astype("int64")[sort], first, last, span
    )


def _read(con: duckdb.DuckDBPyConnection, codes: Sequence[str], sql: str, params: list | None = None) -> dict:
    """``sql`` (``{codes}``: a view of ``code, idx``, the region numbers) as numpy columns."""
    con.register(_CODES_VIEW, pd.DataFrame({"code": list(codes), "idx": np.arange(len(codes), dtype="int64")}))
    try:
        got = con.execute(sql.format(codes=_CODES_VIEW), params or []).fetchnumpy()
    finally:
        con.unregister(_CODES_VIEW)
    return {name: np.ma.filled(values, 0) for name, values in got.items()}


def subtree_sums(
    con: duckdb.DuckDBPyConnection, tree: Forest, months: Sequence[int], carry_forward_months: int = 0
) -> dict[str, np.ndarray]:
    """The subtree sums of every region of ``tree`` at ``months`` (consecutive month indexes, ascending):
    the columns of ``queries.subtree_sums`` as region × month float64 matrices (``tree.codes`` × ``months``):
    ``rows, carried, insured_<scheme>, phase_<scheme>, paid_<scheme>, with_population, reported,
    above_<scheme>`` (0 where nothing counts) and ``required`` (NaN where no region of the subtree has
    a population figure). The input of ``compute.grid_of_sums``.

    Assumes what the imports guarantee (data/checks.py, data/store.py): one row per (month, region,
    scheme) and schemes of ``SCHEMES`` only (rows of another scheme would be left out here, counted
    in ``rows`` by the reference). Raises ValueError where ``months`` are not consecutive.
    """
    months = np.asarray(months, dtype="int64")
    if len(months) and not np.array_equal(months, np.arange(months[0], months[0] + len(months))):
        raise ValueError(f"subtree_sums: the months must be consecutive, got {months.tolist()}")
    carry = int(carry_forward_months)
    count, width, schemes = len(tree.codes), len(months), len(SCHEMES)
    if not width:
        return {}
    lo = int(months[0]) - carry  # the window read: carried rows come from up to ``carry`` months before
    scheme_case = " ".join(f"WHEN '{scheme}' THEN {k}" for k, scheme in enumerate(SCHEMES))
    got = _read(
        con,
        tree.codes,
        f"SELECT i.idx, s.period, CASE s.scheme {scheme_case} END AS k, s.insured, s.receiving, s.paid"
        " FROM snapshots s JOIN {codes} i ON i.code = s.region_code"
        f" WHERE s.period BETWEEN ? AND ? AND s.scheme IN ({', '.join(repr(s) for s in SCHEMES)})",
        [lo, int(months[-1])],
    )
    row, col, k = got["idx"].astype("int64"), got["period"].astype("int64") - lo, got["k"].astype("int64")
    # Scheme first, then region, then month (each matrix handed out is contiguous): the number of the
    # row read at each (scheme, region, month) of the window, -1: none.
    slot = np.full((schemes, count, carry + width), -1, dtype="int64")
    slot[k, row, col] = np.arange(len(row))
    del row, col, k
    # Counted rows (metrics.md §3): the row at t, else the nearest of the ``carry`` months before t in t's year.
    chosen = np.full((schemes, count, width), -1, dtype="int64")
    carried = np.zeros((schemes, count, width), dtype=bool)
    years = np.array([year_of(int(m)) for m in months])
    for back in range(carry + 1):
        same_year = np.array([year_of(int(m) - back) for m in months]) == years
        source = slot[:, :, carry - back : carry - back + width]
        take = (chosen < 0) & (source >= 0) & same_year
        np.copyto(chosen, source, where=take)
        if back:
            carried |= take
    del slot
    # Regions abolished at or before t count nothing (cli.md, "Regions that change").
    alive = tree.abolished[:, None] > months[None, :]
    counted = (chosen >= 0) & alive
    carried &= alive
    required, with_population = _population(tree, months)
    with_population &= alive
    names = ["rows", "carried", "with_population", "reported", "required"]
    names += [sum_column(name, scheme) for name in SUM_COLUMNS for scheme in SCHEMES]
    insured = got["insured"].astype("int64")
    columns = (insured, insured - got["receiving"].astype("int64"), got["paid"].astype("int64"))
    # Whole numbers add up exactly in float64 while every partial sum stays below 2**53: the figures
    # of a chunk, added up in absolute value, bound every partial sum (else int64, then rounded once).
    bound = int(required.sum()) + sum(int(np.abs(column).sum()) for column in columns)
    dtype = "float64" if bound < 2**53 else "int64"
    # Each region's own figures in preorder (row 1 + its position; row 0 stays 0), then running sums
    # in place: a subtree is the run [start, start + size), its sum running[start + size] - running[start].
    running = np.zeros((len(names), count + 1, width), dtype=dtype)
    at = 1 + tree.start
    running[0, at] = counted.sum(axis=0)
    running[1, at] = carried.sum(axis=0)
    running[2, at] = with_population
    running[3, at] = (counted & ~carried).any(axis=0) & with_population  # reported, among those with population
    running[4, at] = required * with_population
    for j, column in enumerate(columns):  # SUM_COLUMNS: insured, phase, paid
        for s in range(schemes):
            running[5 + j * schemes + s, at] = np.where(counted[s], column[chosen[s]], 0) if len(column) else 0
    del carried, chosen, got, columns, insured
    np.cumsum(running, axis=1, out=running)
    summed = running[:, tree.start + tree.size]
    summed -= running[:, tree.start]
    del running
    out = dict(zip(names, summed.astype("float64", copy=False)))
    out["required"] = np.where(out["with_population"] > 0, out["required"], np.nan)
    # Above: how many strict ancestors hold a counted row of the scheme, top-down.
    above = np.zeros((schemes, count, width), dtype="int64")
    for level in tree.levels[1:]:
        up = tree.parent[level]
        above[:, level] = above[:, up] + counted[:, up]
    out |= dict(zip((f"above_{scheme}" for scheme in SCHEMES), above.astype("float64")))
    return out


def _population(tree: Forest, months: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each region's latest population figure at or before each month (persons, int64, 0 where
    none) and whether it has one (bool): region × month."""
    count = len(tree.codes)
    if not len(tree.key):
        return np.zeros((count, len(months)), dtype="int64"), np.zeros((count, len(months)), dtype=bool)
    at = np.minimum(months, tree.last) - tree.first  # months after the last figure look it up
    wanted = np.arange(count, dtype="int64")[:, None] * tree.span + at[None, :]
    found = np.searchsorted(tree.key, wanted, side="right") - 1
    has = (found >= 0) & (at[None, :] >= 0)
    found = np.maximum(found, 0)
    has &= tree.key[found] // tree.span == np.arange(count)[:, None]
    return np.where(has, tree.required[found], 0), has


def has_anything(sums: dict[str, np.ndarray]) -> np.ndarray:
    """Region × month: where ``queries.subtree_sums`` has a row (snapshot rows in the subtree, a
    population figure in it, or a strict ancestor holding rows)."""
    has = (sums["rows"] > 0) | (sums["with_population"] > 0)
    for scheme in SCHEMES:
        has |= sums[f"above_{scheme}"] > 0
    return has


def sums_frame(codes: Sequence[str], months: Sequence[int], sums: dict[str, np.ndarray]) -> pd.DataFrame:
    """The matrices of :func:`subtree_sums` as ``queries.subtree_sums``' frame: one row per region and
    month where :func:`has_anything`, by code then month (tests compare the two)."""
    rows, cols = np.nonzero(has_anything(sums))
    frame = {"region_code": np.asarray(codes, dtype=object)[rows], "period": np.asarray(months, dtype="int64")[cols]}
    frame |= {name: matrix[rows, cols] for name, matrix in sums.items()}
    return pd.DataFrame(frame)
