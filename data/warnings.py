"""The early-warning list's reads (预警, issue 13 point 1): the facts ``metrics.warnings`` needs
beyond the metrics report, bound parameters only, and :func:`warnings_report`, the one entry the
command line, the page and the sheet share.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from data import checks, queries
from data.report import in_force, metric_series, metrics_report
from metrics.targets import Targets
from metrics.timeliness import DEFAULT_DUE_DAY

# The longest carried streak per listed region's subtree at one month: for every (region, scheme) of
# the subtree counted at the month through an earlier row of the same calendar year within the carry
# window (metrics.md §3), how many months old that row is (= how many months in a row it has been
# carried). Regions abolished at or before the month count nothing.
# Parameters: listed codes, the month, carry_forward_months.
CARRIED_STREAKS = """
WITH listed AS (SELECT unnest(?::VARCHAR[]) AS code),
     months AS (SELECT ?::INTEGER AS period),
     offsets AS (SELECT range::INTEGER AS back FROM range(0, ?::INTEGER + 1)),
     sub AS (SELECT c.ancestor, c.descendant FROM region_closure c JOIN listed l ON c.ancestor = l.code),
     members AS (SELECT DISTINCT descendant AS code FROM sub),
     wanted AS (
         SELECT months.period, months.period - o.back AS source, o.back
         FROM months CROSS JOIN offsets o
         WHERE (months.period - o.back - 1) // 12 = (months.period - 1) // 12
     ),
     nearest AS (
         SELECT s.region_code, s.scheme, MIN(w.back) AS back
         FROM wanted w
         JOIN snapshots s ON s.period = w.source
         JOIN members m ON m.code = s.region_code
         JOIN regions r ON r.code = s.region_code
         WHERE r.abolished IS NULL OR r.abolished > w.period
         GROUP BY ALL
     ),
     streaks AS (
         SELECT sub.ancestor AS region_code, n.back
         FROM nearest n JOIN sub ON sub.descendant = n.region_code
         WHERE n.back > 0
     )
SELECT region_code, MAX(back)::INTEGER AS months, COUNT(*) FILTER (WHERE back = (SELECT MAX(back) FROM streaks s2 WHERE s2.region_code = streaks.region_code))::INTEGER AS pairs
FROM streaks
GROUP BY region_code
ORDER BY region_code
"""

# Snapshot rows at one month in each listed region's subtree whose paid exceeds the contribution
# phase (metrics.md §2, implausible input: accepted with a warning at import).
# Parameters: listed codes, the month.
OVERPAID = """
WITH listed AS (SELECT unnest(?::VARCHAR[]) AS code),
     sub AS (SELECT c.ancestor, c.descendant FROM region_closure c JOIN listed l ON c.ancestor = l.code)
SELECT sub.ancestor AS region_code, COUNT(*)::INTEGER AS rows,
       SUM(s.paid - (s.insured - s.receiving))::BIGINT AS persons
FROM snapshots s JOIN sub ON sub.descendant = s.region_code
WHERE s.period = ? AND s.paid > s.insured - s.receiving
GROUP BY 1
ORDER BY 1
"""


def carried_streaks(con: duckdb.DuckDBPyConnection, codes: Sequence[str], period: int, carry_forward_months: int) -> pd.DataFrame:
    """``region_code, months, pairs``: per listed region with a carried row in its subtree at
    ``period``, the longest carried streak (months in a row) and how many (region, scheme) pairs have it."""
    if carry_forward_months <= 0 or not codes:
        return pd.DataFrame({"region_code": pd.Series(dtype=object), "months": pd.Series(dtype="int64"), "pairs": pd.Series(dtype="int64")})
    return con.execute(CARRIED_STREAKS, [list(codes), int(period), int(carry_forward_months)]).df()


def overpaid(con: duckdb.DuckDBPyConnection, codes: Sequence[str], period: int) -> pd.DataFrame:
    """``region_code, rows, persons``: snapshot rows at ``period`` in each listed region's subtree with
    ``paid`` above ``insured − receiving``, and the persons paid beyond it, summed."""
    if not codes:
        return pd.DataFrame(columns=["region_code", "rows", "persons"])
    return con.execute(OVERPAID, [list(codes), int(period)]).df()


def days_late(
    con: duckdb.DuckDBPyConnection, codes: Sequence[str], period: int, due_day: int = DEFAULT_DUE_DAY
) -> pd.DataFrame:
    """``region_code, days_late`` (calendar days, > 0) of the listed reporting units whose report of
    ``period`` arrived after its due day (``reporting.due_day``): the ``late_report`` trigger's input.

    Read from ``data.timeliness.arrivals`` under every root of the region forest (issue 13 points 1-2;
    the rule: docs/metrics.md "Reporting timeliness"). Only reporting units have a lateness: a listed
    county whose townships report is not itself late. A missing report is ``missing_report``'s business.
    """
    from data.timeliness import report_arrivals

    wanted = {str(code) for code in codes}
    parts = [report_arrivals(con, period, root, due_day=due_day) for root in queries.roots(con)]
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["region_code", "days_late"])
    late = frame[frame["days_late"].notna()]  # the few late units first: matching every unit's code took 0.13 s at 40k
    late = late[late["region_code"].astype(str).isin(wanted)]
    return late[["region_code", "days_late"]].drop_duplicates("region_code").reset_index(drop=True)


def warnings_report(
    con: duckdb.DuckDBPyConnection,
    targets: Targets,
    period: int,
    *,
    level: str | None = None,
    root: str | None = None,
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The warnings of the regions of ``level`` under ``root`` (or of ``codes``) at ``period``:
    ``metrics.warnings.FACT_COLUMNS`` plus ``reported_above`` (the note of a region not comparable)."""
    from metrics.pool import coverage_gaps, region_totals
    from metrics.warnings import warning_facts
    from present.honest import report_with_notes
    from data import queries_pool

    listed = queries.listed_regions(con, level, root) if codes is None else queries.regions(con, codes)
    listed = in_force(listed, period)
    listed_codes = listed["code"].astype(str).tolist()
    if not listed_codes:
        return warning_facts(pd.DataFrame(), targets, listed)
    report = metrics_report(con, targets, period, codes=listed_codes)
    report = report_with_notes(con, targets, report, period)
    previous = metric_series(con, targets, listed_codes, [period - 1], listed)
    sums = queries_pool.pool_sums(con, listed_codes, [period])
    totals = region_totals(sums, coverage_gaps(report), codes=listed_codes, periods=[period])
    ancestors = sorted({c for lineage in listed["lineage"] for c in lineage})
    regions = queries.regions(con, ancestors)
    facts = warning_facts(
        report,
        targets,
        regions,
        previous=previous,
        carried=carried_streaks(con, listed_codes, period, targets.carry_forward_months),
        overpaid=overpaid(con, listed_codes, period),
        pool=totals,
        timeliness=days_late(con, listed_codes, period, targets.due_day),
        today=checks.today(),  # a report not yet due is not missing
    )
    if "reported_above" in report and not facts.empty:
        notes = report.set_index(["region_code", "metric"])["reported_above"].to_dict()
        facts["reported_above"] = [notes.get((c, m), ()) for c, m in zip(facts["region_code"], facts["metric"])]
    else:
        facts["reported_above"] = [() for _ in range(len(facts))]
    return facts
