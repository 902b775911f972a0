"""The reads an export makes on its own connection (the command line; the dashboard uses its cached loaders).

No SQL here: the reads go through ``data.queries`` and ``data.report``, the
same functions the dashboard's loaders call.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from data import queries
from data.report import metric_series, metrics_report
from metrics.briefing import Briefing, gather
from metrics.bulletin import Bulletin
from metrics.bulletin import gather as gather_bulletin
from metrics.registry import METRIC_KEYS
from metrics.targets import Targets
from present.honest import report_with_notes


def briefing_from_connection(con: duckdb.DuckDBPyConnection, targets: Targets, code: str, period: int, metric: str) -> Briefing:
    regions = queries.regions(con)
    months = queries.periods(con)

    def report(month: int, codes: Sequence[str]) -> pd.DataFrame:
        return report_with_notes(con, targets, metrics_report(con, targets, month, codes=list(codes), metrics=METRIC_KEYS), month)

    def series(codes: Sequence[str], wanted: Sequence[int]) -> pd.DataFrame:
        return metric_series(con, targets, list(codes), list(wanted), regions=regions)

    briefing = gather(targets=targets, regions=regions, periods=months, code=code, period=period, metric=metric, report=report, series=series)
    from dataclasses import replace

    from data.checks import today
    from data.ledger import tasks
    from present.ledger import overdue_pairs

    return replace(briefing, overdue_tasks=overdue_pairs(tasks(con), today()))  # issue 14: the ledger's overdue tasks


def bulletin_from_connection(
    con: duckdb.DuckDBPyConnection, targets: Targets, root: str, year: int, quarter: int, level: str | None = None
) -> Bulletin:
    regions = queries.regions(con)

    def report(month: int, codes: Sequence[str], compare_to: int | None) -> pd.DataFrame:
        frame = metrics_report(con, targets, month, codes=list(codes), metrics=METRIC_KEYS, compare_to=compare_to)
        return report_with_notes(con, targets, frame, month)

    def tasks(month: int, codes: Sequence[str]) -> pd.DataFrame:  # task completion (issue 13 point 3)
        from data.tasks import completion_of

        return completion_of(con, (month - 1) // 12, list(codes), month, targets.carry_forward_months, targets)

    bulletin = gather_bulletin(
        targets=targets, regions=regions, root=root, year=year, quarter=quarter, level=level, report=report, tasks=tasks
    )
    from data.timeliness import bulletin_timeliness

    return bulletin_timeliness(con, bulletin, targets.due_day)  # 报送及时率 (issue 13 point 2)
