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

from cli.main import EXIT_OK, EXIT_USAGE, Refused, _period, load_targets
from metrics.registry import LEVELS


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


def _root(con, given: str | None) -> tuple[str | None, str]:
    from data import queries

    regions = queries.regions(con)
    if given is not None:
        found = regions[regions["code"] == given]
        if found.empty:
            raise Refused(f"--root {given}: not a known region")
        return given, str(found["name"].iloc[0])
    roots = regions[regions["parent_code"].isna()]
    return (str(roots["code"].iloc[0]), str(roots["name"].iloc[0])) if len(roots) == 1 else (None, "")


def _table_text(frame) -> str:
    from cli.main import _aligned

    rows = [list(map(str, frame.columns))] + [["" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v)) for v in row] for row in frame.itertuples(index=False)]
    return _aligned(rows)


def assess_command(args: argparse.Namespace, db: Path, targets_path: Path) -> int:
    from data import ledger
    from data.assessment import assessment_period, run_assessment, run_rewards
    from data.db import connect
    from metrics.periods import period_label
    from present.assessment import apart_table, level_text, red_black_tables, score_table
    from present.downloads import csv_bytes
    from present.texts import Texts

    targets = load_targets(targets_path)
    if targets.assessment is None:
        raise Refused(f"{targets_path}: no assessment: section; write the scoring scheme first (see config/targets.yaml)")
    tx = Texts("zh")
    levels = [args.level] if args.level else ["county", "township"]
    if args.period is not None and not 12 * args.year + 1 <= args.period <= 12 * args.year + 12:
        raise Refused(f"--period {period_label(args.period)}: not a month of --year {args.year} (the assessment scores one year)")
    with connect(db) as con:
        period = assessment_period(con, args.year, args.period)
        if period is None:
            raise Refused(f"--year {args.year}: no figures in that year")
        root, root_name = _root(con, args.root)
        result = run_assessment(con, targets, args.year, period, levels, root)
        reward = run_rewards(con, targets, args.year, period, levels[-1], root) if targets.rewards is not None and args.output else None
        names = ledger.region_names(con)
    scheme = targets.assessment
    if args.format == "csv":
        import pandas as pd

        frames = []
        for level in levels:
            table = score_table(result, level, scheme, tx)
            table.insert(0, tx.t("assess.col.level"), level_text(level, tx))
            frames.append(table)
        sys.stdout.write(csv_bytes(pd.concat(frames, ignore_index=True)).decode("utf-8"))
    else:
        print(tx.t("assess.caption", year=args.year, period=period_label(period)))
        for level in levels:
            print(f"\n== {root_name}{args.year}年{level_text(level, tx)}考核 ==")
            print(_table_text(score_table(result, level, scheme, tx)))
            red, black = red_black_tables(result, level, scheme, tx)
            print(f"\n{tx.t('assess.red', n=len(red))}: " + "、".join(red.iloc[:, 1]))
            print(f"{tx.t('assess.black', n=len(black))}: " + "、".join(black.iloc[:, 1]))
        apart = apart_table(result, tx)
        if len(apart):
            print(f"\n{tx.t('assess.apart')}: {len(apart)}")
            print(_table_text(apart))
    if args.output:
        from exports.assessment import workbook_bytes

        if args.output.suffix.lower() != ".xlsx":
            _say("kuomian assess: --output must end in .xlsx")
            return EXIT_USAGE
        data = workbook_bytes(result, scheme, levels, root_name, args.year, period_label(period), tx, reward, targets.rewards, names)
        try:
            args.output.write_bytes(data)
        except OSError as error:
            raise Refused(f"{args.output}: cannot write ({error.strerror})") from None
        _say(f"wrote the assessment workbook: {args.output}")
    return EXIT_OK


def rewards_command(args: argparse.Namespace, db: Path, targets_path: Path) -> int:
    from data import ledger
    from data.assessment import assessment_period, run_rewards
    from data.db import connect
    from present.assessment import reward_tables, rewards_total_line, tier_lines
    from present.downloads import csv_bytes
    from present.texts import Texts

    targets = load_targets(targets_path)
    if targets.rewards is None:
        raise Refused(f"{targets_path}: no rewards: section; write the reward tiers first (see config/targets.yaml)")
    tx = Texts("zh")
    with connect(db) as con:
        upto = assessment_period(con, args.year)
        if upto is None:
            raise Refused(f"--year {args.year}: no figures in that year")
        root, _ = _root(con, args.root)
        result = run_rewards(con, targets, args.year, upto, args.level, root)
        names = ledger.region_names(con)
    paid, never = reward_tables(result, names, tx)
    if args.format == "csv":
        _emit(csv_bytes(paid), args.output)
        return EXIT_OK
    lines = []
    if result.stand_in:
        lines.append(tx.t("rewards.stand_in"))
    lines += tier_lines(targets.rewards, tx)
    lines += [_table_text(paid), rewards_total_line(result, tx), "", tx.t("rewards.never") + f": {len(never)}", _table_text(never)]
    _emit("\n".join(lines) + "\n", args.output)
    return EXIT_OK
