"""``kuomian ledger``, ``kuomian assess`` and ``kuomian rewards`` (issue 14).

    kuomian import ledger 任务清单.xlsx                  # (in cli/main.py) the plan's task list
    kuomian ledger [--format table|csv|xlsx] [--output FILE]
    kuomian assess --year 2026 [--period 2026-11] [--level township] [--root CODE] [--output F.xlsx]
    kuomian rewards --year 2026 [--root CODE] [--level township] [--format table|csv] [--output F]

Exit status: 0 done; 1 refused (no data, a broken targets file); 2 wrong usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.main import EXIT_OK, EXIT_USAGE, Refused, load_targets
from metrics.periods import PeriodError, month_index
from metrics.registry import LEVELS


def _period(text: str) -> int:
    try:
        return month_index(text)
    except PeriodError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _say(text: str) -> None:
    print(text, file=sys.stderr)


def register(verbs, add_common) -> None:
    led = verbs.add_parser(
        "ledger",
        help="list the task ledger (任务清单) with each task's status today",
        description="The task ledger: every task with its deadline, responsible unit and leader, and its status "
        "today (未开始/推进中/已销账/逾期; overdue = deadline passed and not crossed off). --format xlsx writes the "
        "ledger workbook (the ledger, overdue counts per leader and region, the status rules).",
    )
    led.add_argument("--format", choices=("table", "csv", "xlsx"), default="table")
    led.add_argument("--output", "--out", type=Path, metavar="FILE", help="write here (required for xlsx; default stdout)")
    led.add_argument("--language", choices=("zh", "en"), default="zh")
    add_common(led)
    led.set_defaults(handler=ledger_command)

    assess = verbs.add_parser(
        "assess",
        help="score and grade the regions by the targets file's assessment scheme (考核评分)",
        description="The annual assessment: each region's score per indicator, total and grade by the "
        "`assessment:` section of the targets file, comparable regions only (the others listed apart with "
        "the reason). --output writes the assessment workbook (one sheet per level, the scoring rule, the rewards).",
    )
    assess.add_argument("--year", type=int, required=True)
    assess.add_argument("--period", type=_period, metavar="YYYY-MM", help="the month the figures stand at (default: the year's latest month with data)")
    assess.add_argument("--level", choices=[level for level in LEVELS if level not in ("country", "village")], help="one level (default: county and township)")
    assess.add_argument("--root", metavar="CODE", help="the jurisdiction (default: the only root region)")
    assess.add_argument("--format", choices=("table", "csv"), default="table")
    assess.add_argument("--output", "--out", type=Path, metavar="FILE.xlsx", help="also write the assessment workbook")
    add_common(assess)
    assess.set_defaults(handler=assess_command)

    rewards = verbs.add_parser(
        "rewards",
        help="the rewards by completion date (奖补测算) by the targets file's reward tiers",
        description="For each region, the first month-end at which its achieved persons reached its task, the "
        "tier that date earns and the amount (yuan per insured person); the total; the regions that never met it "
        "with how far they are. Without imported tasks the coverage-target gap stands in (labelled).",
    )
    rewards.add_argument("--year", type=int, required=True)
    rewards.add_argument("--level", choices=[level for level in LEVELS if level not in ("country", "village")], default="township")
    rewards.add_argument("--root", metavar="CODE", help="the jurisdiction (default: the only root region)")
    rewards.add_argument("--format", choices=("table", "csv"), default="table")
    rewards.add_argument("--output", "--out", type=Path, metavar="FILE")
    add_common(rewards)
    rewards.set_defaults(handler=rewards_command)


def _emit(text: str | bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if isinstance(text, str) else text.decode("utf-8"))
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    except OSError as error:
        raise Refused(f"{output}: cannot write ({error.strerror})") from None
    print(output)


def ledger_command(args: argparse.Namespace, db: Path, targets_path: Path) -> int:
    from data import ledger, queries
    from data.checks import today
    from data.db import connect
    from present.downloads import csv_bytes
    from present.ledger import ledger_table
    from present.texts import Texts

    tx = Texts(args.language)
    with connect(db) as con:
        tasks = ledger.tasks(con)
        names = ledger.region_names(con)
        roots = queries.regions(con)
    day = today()
    if tasks.empty:
        raise Refused("kuomian ledger: the ledger is empty; import a task list with `kuomian import ledger FILE`")
    if args.format == "xlsx":
        if args.output is None:
            _say("kuomian ledger: --format xlsx needs --output FILE.xlsx")
            return EXIT_USAGE
        from exports.ledger import workbook_bytes

        root = roots[roots["parent_code"].isna()]
        root_name = str(root["name"].iloc[0]) if len(root) == 1 else ""
        _emit(workbook_bytes(tasks, day, names, root_name, tx), args.output)
        return EXIT_OK
    table = ledger_table(tasks, day, names, tx)
    if args.format == "csv":
        _emit(csv_bytes(table), args.output)
        return EXIT_OK
    shown = table.drop(columns=[tx.t("ledger.col.goal"), tx.t("ledger.col.measures"), tx.t("ledger.col.note")])
    from cli.main import _aligned

    rows = [list(shown.columns)] + [[str(v) for v in row] for row in shown.itertuples(index=False)]
    _emit(_aligned(rows) + "\n", args.output)
    return EXIT_OK


def assess_command(args: argparse.Namespace, db: Path, targets_path: Path) -> int:
    raise Refused("kuomian assess: not built yet")


def rewards_command(args: argparse.Namespace, db: Path, targets_path: Path) -> int:
    raise Refused("kuomian rewards: not built yet")
