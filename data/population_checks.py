"""Population (应参保人数) rows that are accepted but would make a figure silently wrong: warned, never refused.

metrics.md is the contract and refuses neither (its "one scheme, one level" rule covers snapshots only), so
both are import warnings, in the style of the implausible-input warnings of :mod:`data.importer` (trust
brief 5, found by an adversary in session 4):

1. **Two levels.** Once the file has landed, a region and one of its strict descendants both hold a
   population row that counts at the same month, and the file holds rows of one of the two. For month *t* a region's ``required`` is its latest row at
   or before *t* while the region is in force (metrics.md §2; cli.md "Regions that change"), and the
   ancestor's ``required`` sums every region of its subtree (metrics.md §3): both rows are added into the
   upper region's 应参保人数 and every region above it, the same persons twice (a county 合计 row with the
   county's code beside its townships halves the county's coverage). A row counts from its period until its
   region's next row or its abolition, so a county row of 2025 in the database and township rows of 2026 in
   the file both count from 2026-12. A region's rows follow each other, so it has a figure from its first
   row until its abolition: the pairs are pairs of regions (at most the region tree's ancestor pairs,
   whatever the months), of which the file touches one (the database's own pairs were warned when they
   came in). One line per upper region, naming its row and at most :data:`NAMED` of its descendants' rows
   counting at the first common month (file row numbers, or "已入库 period" for a database row); at most
   :data:`LINES` lines per file, then one line "… and N more".
2. **After abolition.** A row whose period is at or after its region's abolition month
   (``regions.abolished``): the region has no population from that month on, so the row counts in no
   figure. One line per row, at most :data:`LINES`, then "… and N more".

Both are found by one SQL query each over the file's rows staged as ``staged_required`` (``period`` BIGINT
month index, ``region_code``, ``required``, ``_row`` BIGINT) beside the database, on the connection the
check runs on; the existing path (:func:`data.importer.check`) and the CSV fast path
(:mod:`data.fast_csv`) both call :func:`warnings`, so they give the same lines. The queries return at most
``LINES + 1`` rows whatever the file holds (a hostile file of 100,000 two-level rows gives 21 lines).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from data.problems import Problem
from metrics.periods import period_label

LINES = 20  # at most this many lines of each warning per file, then one "… and N more"
NAMED = 5  # descendants' rows named on a two-level line, then "and N more"
_NEVER = 2**31 - 1  # a month index after every month: a row that counts for good

_TWO_LEVELS_SQL = f"""
WITH f AS (SELECT period, region_code, _row FROM staged_required),
after AS (  -- the population rows once the file has landed; _row NULL: a database row
    SELECT p.period, p.region_code, NULL::BIGINT AS _row FROM population p
    WHERE NOT EXISTS (SELECT 1 FROM f WHERE f.period = p.period AND f.region_code = p.region_code)
    UNION ALL SELECT period, region_code, _row FROM f
),
live AS (  -- each row with the months it counts: [period, until), until its region's next row or abolition
    SELECT * FROM (
        SELECT a.period, a.region_code, a._row, r.name,
               least(COALESCE(lead(a.period) OVER (PARTITION BY a.region_code ORDER BY a.period), {_NEVER}),
                     COALESCE({{abolished}}, {_NEVER})) AS until
        FROM after a JOIN regions r ON r.code = a.region_code
    ) WHERE period < until
),
cover AS (  -- a region's rows follow each other: it has a figure from its first row until its abolition
    SELECT region_code, min(period) AS since, max(until) AS until, min(_row) AS first_row FROM live GROUP BY ALL
),
pairs AS (  -- a region and a strict descendant with figures at a same month, one of the two in the file
    SELECT c.ancestor AS upper, c.descendant AS lower, greatest(u.since, l.since) AS since,
           u.first_row AS upper_first, l.first_row AS lower_first
    FROM cover l JOIN region_closure c ON c.descendant = l.region_code AND c.depth > 0
    JOIN cover u ON u.region_code = c.ancestor
    WHERE (u.first_row IS NOT NULL OR l.first_row IS NOT NULL) AND greatest(u.since, l.since) < least(u.until, l.until)
),
lowers AS (  -- each descendant named by its row counting at the first common month
    SELECT p.*, r._row AS lower_row, r.period AS lower_period, r.name AS lower_name
    FROM pairs p ASOF JOIN live r ON r.region_code = p.lower AND r.period <= p.since
),
grouped AS (  -- one line per upper region
    SELECT upper, min(since) AS since, count(*) AS lowers, min(lower_row) AS lower_row, min(upper_first) AS upper_first,
           min(lower_first) AS lower_first,
           list(struct_pack(code := lower, name := lower_name, period := lower_period, row := lower_row)
                ORDER BY lower_row NULLS LAST, lower)[1:{NAMED}] AS named
    FROM lowers GROUP BY upper
),
lines AS (  -- the upper region named by its row counting then; the line stands on the first file row named
    SELECT g.upper, g.since, g.lowers, g.named, r._row AS upper_row, r.period AS upper_period, r.name AS upper_name,
           COALESCE(r._row, g.lower_row, g.upper_first, g.lower_first) AS file_row
    FROM grouped g ASOF JOIN live r ON r.region_code = g.upper AND r.period <= g.since
)
SELECT * FROM (
    SELECT *, row_number() OVER (ORDER BY file_row, upper) AS n, count(*) OVER () AS total FROM lines
) WHERE n <= {LINES + 1} ORDER BY n
"""

_AFTER_ABOLITION_SQL = f"""
SELECT * FROM (
    SELECT f._row AS file_row, f.region_code, r.name, f.period, r.abolished, r.successor, s.name AS successor_name,
           row_number() OVER (ORDER BY f._row) AS n, count(*) OVER () AS total
    FROM staged_required f JOIN regions r ON r.code = f.region_code LEFT JOIN regions s ON s.code = r.successor
    WHERE f.period >= r.abolished
) WHERE n <= {LINES + 1} ORDER BY n
"""


def warnings(con: duckdb.DuckDBPyConnection) -> list[Problem]:
    """The two-level and after-abolition warnings of a population file staged as ``staged_required`` on
    ``con`` (see the module docstring), each list bounded to :data:`LINES` lines plus one "… and N more".
    Returns :class:`~data.problems.Problem` lines (field ``region_code``) in file-row order."""
    has_abolished = "abolished" in {row[0] for row in con.execute("DESCRIBE regions").fetchall()}
    found = two_level_warnings(con.execute(_TWO_LEVELS_SQL.format(abolished="r.abolished" if has_abolished else "NULL")).df())
    if has_abolished:
        found += after_abolition_warnings(con.execute(_AFTER_ABOLITION_SQL).df())
    return found


def _where(row, period: int, language: str) -> str:
    """A row named by its place: ``row 12`` (the file's) or ``in the database (2025-12)``."""
    if row is not None and not pd.isna(row):
        return f"row {int(row)}" if language == "en" else f"第 {int(row)} 行"
    return f"in the database ({period_label(int(period))})" if language == "en" else f"已入库 {period_label(int(period))}"


def _bounded(found: pd.DataFrame, line, more_en: str, more_zh: str) -> list[Problem]:
    """One line per row of ``found`` (``line(record)``) up to :data:`LINES`, then, where the query found
    more, one line on the first row left out saying how many more (``more_en``/``more_zh`` formatted
    with ``more`` and ``lines``)."""
    lines: list[Problem] = []
    for record in found.itertuples():
        if record.n > LINES:
            more = int(record.total) - LINES
            lines.append(
                Problem(int(record.file_row), "region_code", more_en.format(more=more, lines=LINES), more_zh.format(more=more, lines=LINES))
            )
            break
        lines.append(line(record))
    return lines


def two_level_warnings(found: pd.DataFrame) -> list[Problem]:
    """The lines of :data:`_TWO_LEVELS_SQL`'s rows: one per upper row (at most :data:`LINES`), then one line
    saying how many more upper rows there are."""
    return _bounded(
        found,
        _two_level_line,
        "… and {more} more region(s) whose population row counts beside a descendant's (the first {lines}"
        " are listed); accepted, check the file for total rows carrying a region's own code",
        "……另有 {more} 个区划的应参保人数行与其下级的同时计入（只列出前 {lines} 个）；已接收，"
        "请检查文件中是否有带区划代码的合计行",
    )


def _two_level_line(record) -> Problem:
    upper, name, since, lowers = record.upper, record.upper_name, period_label(int(record.since)), int(record.lowers)
    named = list(record.named)
    listed_en = ", ".join(f"{n['code']} ({n['name']}) {_where(n['row'], n['period'], 'en')}" for n in named)
    listed_zh = "、".join(f"{n['code']} {n['name']}（{_where(n['row'], n['period'], 'zh')}）" for n in named)
    rest = lowers - len(named)
    return Problem(
        int(record.file_row),
        "region_code",
        f"{upper} ({name}) {_where(record.upper_row, record.upper_period, 'en')} and {lowers} population"
        f" row(s) of its descendants ({listed_en}{f' and {rest} more' if rest else ''}) both count from {since}:"
        f" the required persons of {upper} and of every region above it add both, counting the same persons"
        " twice; accepted, keep one level (remove the total row, or the rows below it)",
        f"{upper} {name}（{_where(record.upper_row, record.upper_period, 'zh')}）与其下级 {listed_zh}"
        f"{'等' if rest else ''}共 {lowers} 行的应参保人数自 {since} 起同时计入：两者都加总进 {upper} {name}"
        "及其上级的应参保人数，同一批人重复计算；已接收，请只保留一个层级（删去合计行，或删去下级的行）",
    )


def after_abolition_warnings(found: pd.DataFrame) -> list[Problem]:
    """The lines of :data:`_AFTER_ABOLITION_SQL`'s rows: one per row (at most :data:`LINES`), then one line
    saying how many more rows there are."""
    return _bounded(
        found,
        _after_abolition_line,
        "… and {more} more row(s) of regions already abolished by their period; accepted, not counted",
        "……另有 {more} 行属于在其统计期已撤销的区划；已接收，不计入",
    )


def _after_abolition_line(record) -> Problem:
    code, name, abolished = record.region_code, record.name, period_label(int(record.abolished))
    successor = record.successor if isinstance(record.successor, str) and record.successor else None
    heir_name = record.successor_name if isinstance(record.successor_name, str) else ""
    heir_en = f" (its successor is {successor}{f' ({heir_name})' if heir_name else ''})" if successor else ""
    heir_zh = f"（承继区划 {successor}{f' {heir_name}' if heir_name else ''}）" if successor else ""
    return Problem(
        int(record.file_row),
        "region_code",
        f"{code} ({name}) at {period_label(int(record.period))}: the region is abolished from {abolished}"
        f"{heir_en} and has no population from then on, so this row is accepted but counts in no figure;"
        f" report the persons under {'its successor' if successor else 'the region now in force'}",
        f"{code} {name} 已于 {abolished} 撤销{heir_zh}，自该月起不再有应参保人数：其 {period_label(int(record.period))}"
        f" 的行已接收，但不计入任何数据；请按{'承继区划' if successor else '现行区划'}报送",
    )


__all__ = ["LINES", "NAMED", "after_abolition_warnings", "two_level_warnings", "warnings"]
