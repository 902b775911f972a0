"""``kuomian timeliness``: whether each unit's report of a month came in by its due day (报送及时率).

    kuomian timeliness --period 2026-10 [--root 5303] [--format csv|table]

One row per reporting unit of the root's subtree (the units of completeness: a population row at or
before the month, in force at it): ``period, region_code, region_name, parent_name, due, arrived_at,
status, days_late`` (status: on_time | late | missing | not_due; issue 13 point 2). The table ends with
the root's timeliness rate. The due day is the targets file's ``reporting.due_day`` (default 10);
today is the system date (``KUOMIAN_TODAY`` pins it). Exit status: 0 listed, 1 refused, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.exports import _period, _root
from cli.main import EXIT_OK, load_targets, to_csv
from metrics.periods import period_label

COLUMNS = ["period", "region_code", "region_name", "parent_name", "due", "arrived_at", "status", "days_late"]


def register(verbs, add_common) -> None:
    parser = verbs.add_parser(
        "timeliness",
        help="list each unit's report of a month: on time, late (days), missing or not yet due",
        description="Reporting timeliness (报送及时率): for each reporting unit under --root, when its report of "
        "--period first arrived (the earliest import not rolled back that wrote its rows; a corrected "
        "re-upload keeps the first arrival), against the due day of the following month (targets file, "
        "reporting.due_day, default 10). Rate = on time / (on time + late + missing); not-yet-due units are "
        "left out.",
    )
    parser.add_argument("--period", type=_period, required=True, metavar="YYYY-MM", help="the month of the reports")
    parser.add_argument("--root", metavar="CODE", help="the region whose units to list (default: the only root region)")
    parser.add_argument("--format", choices=("csv", "table"), default="csv")
    add_common(parser)
    parser.set_defaults(handler=timeliness)


def timeliness(args: argparse.Namespace, db: Path, targets_path: Path) -> int:
    from data import queries
    from data.db import connect
    from data.timeliness import timeliness_rates

    targets = load_targets(targets_path)
    with connect(db) as con:
        regions = queries.regions(con)
        root = _root(regions, args.root, "--root")
        units, rates = timeliness_rates(con, [args.period], root, due_day=targets.due_day)
    frame = units.assign(
        period=units["period"].map(period_label),
        region_name=units["name"],
        due=units["due"].map(lambda d: d.isoformat()),
        arrived_at=units["arrived_at"].map(lambda a: "" if a is None or a != a else a.strftime("%Y-%m-%d %H:%M:%S")),
    )
    if args.format == "csv":
        sys.stdout.write(to_csv(frame, COLUMNS))
        return EXIT_OK
    sys.stdout.write(_table(frame, rates, root, regions.set_index("code").at[root, "name"], args.period))
    return EXIT_OK


def _table(frame, rates, root: str, name: str, period: int) -> str:
    from cli.main import _aligned

    rows = [["region_code", "region", "parent", "due", "arrived", "status"]]
    for item in frame.itertuples(index=False):
        status = f"late {int(item.days_late)} d" if item.status == "late" else item.status
        rows.append([item.region_code, item.region_name, item.parent_name or "", item.due, item.arrived_at or "—", status])
    own = rates[(rates["region_code"] == root) & (rates["period"] == period)]
    if own.empty:
        footer = f"{name} ({root}) {period_label(period)}: no reporting units"
    else:
        r = own.iloc[0]
        shown = "—" if r["rate"] != r["rate"] else f"{r['rate'] * 100:.1f}%"
        footer = (
            f"{name} ({root}) {period_label(period)}: timeliness {shown} "
            f"(on time {r['on_time']}, late {r['late']}, missing {r['missing']}, not yet due {r['not_due']})"
        )
    return (_aligned(rows) if len(rows) > 1 else "") + footer + "\n"
