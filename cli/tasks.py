"""``kuomian tasks``: the year's tasks in persons, what is achieved and the completion (issue 13 point 3).

    kuomian tasks --year 2026 [--period 2026-10] [--root 5303] [--format csv|table]

One row per (region, task kind) for the root and every region of its subtree that holds a task in the year.
A split whose children's tasks add up to less than the parent's task is flagged: a ``split_short_by`` column
(persons) and a warning on stderr per split (docs/metrics.md, "Tasks in persons").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.main import EXIT_OK, Refused, _aligned, _count_cell, _pct_cell, _period, _plain, load_targets, to_csv
from metrics.periods import period_label

TASK_OUTPUT_COLUMNS = (
    "year", "period", "region_code", "region_name", "level", "task_kind", "task", "achieved", "completion",
    "remaining", "split_short_by",
)  # fmt: skip


def register(verbs, add_common) -> None:
    parser = verbs.add_parser(
        "tasks",
        help="the year's tasks in persons (任务下达): task, achieved, completion, short splits",
        description="One row per (region, task kind) for --root and every region under it holding a task in --year: "
        "the task (persons), what is achieved up to --period (new insured and new employee-scheme contributors since "
        "December of the year before; residents who paid, year to date), completion = achieved / task, and the "
        "persons a split falls short of the parent's task (split_short_by). Import tasks with `kuomian import tasks FILE`.",
    )
    parser.add_argument("--year", type=int, required=True, metavar="YYYY")
    parser.add_argument("--period", type=_period, metavar="YYYY-MM", help="a month of --year (default: its latest month with data)")
    parser.add_argument("--root", metavar="CODE", help="the region whose subtree to list (default: every root)")
    parser.add_argument("--format", choices=("csv", "table"), default="csv")
    add_common(parser)
    parser.set_defaults(handler=_tasks, parser=parser)


def _tasks(args: argparse.Namespace, db: Path, targets_path: Path) -> int:
    import pandas as pd  # loaded only when the verb runs: `kuomian --help` stays light (issue 15 point 3)

    from data.db import connect
    from data.tasks import task_report

    if args.period is not None and (args.period - 1) // 12 != args.year:
        args.parser.error(f"--period {period_label(args.period)} is not a month of --year {args.year}")
    targets = load_targets(targets_path)
    with connect(db) as con:
        if args.root is not None:
            known = con.execute("SELECT COUNT(*) FROM regions WHERE code = ?", [args.root]).fetchone()[0]
            if not known:
                raise Refused(f"--root {args.root}: no such region")
        report = task_report(con, targets, args.year, args.period, args.root)
    table = report.table
    if not table["task"].notna().any():
        raise Refused(f"kuomian tasks: no tasks for {args.year}" + (f" under {args.root}" if args.root else "") + "; import them with `kuomian import tasks FILE`")
    short = {(r.parent_code, r.task_kind): int(r.short_by) for r in report.splits.itertuples()}
    table = table.assign(
        year=report.year,
        period="" if report.period is None else period_label(report.period),
        split_short_by=pd.array([short.get((code, kind)) for code, kind in zip(table["region_code"], table["task_kind"])], dtype="Int64"),
        completion=pd.Series([None if pd.isna(v) else float(v) for v in table["completion"]], dtype=object, index=table.index),
    )
    if args.format == "csv":
        sys.stdout.write(to_csv(table, TASK_OUTPUT_COLUMNS))
    else:
        sys.stdout.write(to_task_table(table))
    for split in report.splits.itertuples():
        print(f"warning: {split_warning(split)}", file=sys.stderr)
    for note in not_comparable_notes(table):
        print(f"note: {note}", file=sys.stderr)
    return EXIT_OK


def not_comparable_notes(table) -> list[str]:
    """One line per (kind, ancestor) whose rows are withheld because the ancestor reports schemes the kind's
    metric sums (docs/metrics.md, "Tasks in persons": only where comparable)."""
    groups: dict[tuple, int] = {}
    if "comparable" not in table:
        return []
    for _, row in table[~table["comparable"].astype(bool)].iterrows():
        for code, name, schemes in row["reported_above"]:
            key = (row["task_kind"], code, name, tuple(schemes))
            groups[key] = groups.get(key, 0) + 1
    return [
        f"{kind}: {count} region(s) under {code} ({name}) are not comparable ({code} reports {', '.join(schemes)} "
        "itself): achieved and completion withheld"
        for (kind, code, name, schemes), count in groups.items()
    ]


def split_warning(split) -> str:
    """One flagged split in a sentence (a row of :func:`metrics.tasks.short_splits` with ``parent_name``)."""
    return (
        f"{split.parent_code} ({split.parent_name}) {split.task_kind} {split.year}: the tasks of its {split.children} "
        f"sub-region(s) add up to {int(split.children_task):,}, {int(split.short_by):,} less than its own {int(split.parent_task):,}"
    )


def to_task_table(table) -> str:
    """The rows for a person: persons with separators, completion as a percentage."""

    count, pct = _count_cell, _pct_cell

    rows = [("region", "name", "kind", "task", "achieved", "completion", "remaining", "short")]
    for _, row in table.iterrows():
        rows.append(
            (
                row["region_code"], row["region_name"], row["task_kind"], count(row["task"]), count(row["achieved"]),
                pct(row["completion"]), count(row["remaining"]), count(row["split_short_by"]),
            )
        )  # fmt: skip
    return _aligned(rows)
