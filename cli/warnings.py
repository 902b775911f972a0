"""``kuomian warnings``: the monthly warning list (预警, issue 13 point 1) as CSV, a table or the XLSX sheet."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from metrics.registry import LEVELS

FORMATS = ("csv", "table", "xlsx")


def register(verbs, add_common) -> None:
    from cli.main import _period

    sub = verbs.add_parser(
        "warnings",
        help="list the warnings of one month (预警): who needs a call, why, and how many persons",
        description="One row per region, metric and trigger that fires at --period, most severe first, with the "
        "reason in Chinese and English and the persons needed. Triggers, severities and thresholds come from the "
        "targets file's `warnings:` section (docs/metrics.md, Warnings). --format xlsx writes the monthly warning "
        "sheet and needs --output.",
    )
    sub.add_argument("--period", type=_period, required=True, metavar="YYYY-MM")
    sub.add_argument("--root", metavar="CODE", help="only this region's subtree (default: every root)")
    sub.add_argument("--level", choices=LEVELS, help="the level to list (default: every level)")
    sub.add_argument("--format", choices=FORMATS, default="csv")
    sub.add_argument("--output", type=Path, metavar="FILE", help="write here instead of standard output (required for xlsx)")
    sub.add_argument("--language", choices=("zh", "en"), default=None, help="the table's and sheet's language (default: KUOMIAN_LANGUAGE, else zh)")
    add_common(sub)
    sub.set_defaults(handler=write_warnings)


def write_warnings(args: argparse.Namespace, db: Path, targets_path: Path) -> int:
    from cli.exports import _language, _write
    from cli.main import EXIT_USAGE, Refused, load_targets, to_csv
    from data import queries
    from data.db import connect
    from data.warnings import warnings_report
    from present.warnings import EXPORT_COLUMNS, export_frame

    if args.format == "xlsx" and args.output is None:
        print("kuomian warnings: --format xlsx writes a workbook: give --output FILE.xlsx", file=sys.stderr)
        return EXIT_USAGE
    targets = load_targets(targets_path)
    with connect(db) as con:
        regions = queries.regions(con)
        if args.root is not None and args.root not in set(regions["code"]):
            raise Refused(f"--root {args.root}: no such region")
        facts = warnings_report(con, targets, args.period, level=args.level, root=args.root)
    if args.format == "xlsx":
        from exports.warnings_sheet import workbook_bytes

        if args.root is not None:
            name = str(regions.set_index("code").loc[args.root, "name"])
        else:
            roots = regions[regions["parent_code"].isna()]["name"].astype(str).tolist()
            name = "、".join(roots)
        _write(args.output, workbook_bytes(facts, region_name=name, period=args.period, language=_language(args), rules=targets.warnings))
        print(f"kuomian warnings: {len(facts)} warnings written to {args.output}", file=sys.stderr)
        return 0
    frame = export_frame(facts, targets.warnings)
    if args.format == "csv":
        out = to_csv(frame, EXPORT_COLUMNS)
    else:
        out = _table(frame, _language(args))
    if args.output is not None:
        _write(args.output, out.encode("utf-8"))
    else:
        sys.stdout.write(out)
    return 0


def _table(frame, language: str) -> str:
    """Aligned columns for a terminal: severity, trigger, region, metric, persons, reason."""
    from cli.main import _aligned
    from present.catalog import metric_label
    from present.warnings import severity_label, trigger_label

    reason = "reason_zh" if language == "zh" else "reason_en"
    rows = [("severity", "trigger", "region", "name", "metric", "persons", "reason")]
    for _, row in frame.iterrows():
        persons = "" if row["persons"] is None or row["persons"] != row["persons"] or str(row["persons"]) == "<NA>" else f"{int(row['persons']):,}"
        rows.append(
            (
                severity_label(row["severity"], language),
                trigger_label(row["trigger"], language),
                str(row["region_code"]),
                str(row["region_name"]),
                metric_label(row["metric"], language) if row["metric"] else "",
                persons,
                str(row[reason]),
            )
        )
    return _aligned(rows)
