"""The ``kuomian`` command: import, metrics, demo, targets check, history, rollback.

Exit status: 0 done, 1 refused input (the reasons on stderr, nothing
written), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path

from metrics.periods import PeriodError, month_index, period_label
from metrics.registry import LEVELS, METRIC_KEYS
from present.formula import FORMULA_STARTS, defuse

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """\
kuomian (扩面): track a pension-insurance coverage campaign.

Import the townships' monthly figures, then ask for coverage rate,
employee-scheme share and payment rate against the targets in
config/targets.yaml, for any level of the region tree.

typical month:
  kuomian import snapshots 2025-12.xlsx
  kuomian metrics --period 2025-12 --level township --root 5303 --format table
"""


class Refused(Exception):
    """Input refused: the message goes to stderr and the exit status is 1."""


def _period(text: str) -> int:
    try:
        return month_index(text)
    except PeriodError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--db", type=Path, default=default, metavar="PATH", help="the DuckDB file (env KUOMIAN_DB; default data/kuomian.duckdb)")
    parser.add_argument("--targets", type=Path, default=default, metavar="PATH", help="the targets file (env KUOMIAN_TARGETS; default config/targets.yaml)")


class _Kinds:
    """The import kinds' names, read from ``data.importer.KINDS`` when first needed."""

    def _names(self) -> tuple[str, ...]:
        from data.importer import KINDS

        return (*KINDS, "ledger")  # ledger: the task list (issue 14), read by data.ledger

    def __contains__(self, name: object) -> bool:
        return name in self._names()

    def __iter__(self):
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())


class _ImportHelp(argparse.HelpFormatter):
    """The import verb's help: each kind with its columns, read when the help is printed."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.dest == "kind":
            from data.importer import KINDS

            described = "; ".join(f"{kind.name}: {','.join(kind.columns)}" for kind in KINDS.values())
            ledger = "ledger: 序号,工作内容,完成时限,责任单位[,工作目标,具体措施,包保领导,涉及区划,状态,备注,销账日期]"
            return f"{described}; {ledger}".replace("%", "%%")
        return super()._get_help_string(action)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kuomian", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    _common(parser, top=True)
    verbs = parser.add_subparsers(dest="verb", metavar="COMMAND", required=True)

    imp = verbs.add_parser(
        "import",
        help="import a CSV, XLSX, XLS or ODS file (all of it lands, or none)",
        description="Import one file as one transaction. Headers in English or Chinese; a refused file "
        "prints every problem as FILE:ROW: field: reason and changes nothing. Rows whose key exists replace "
        "the earlier values, which `kuomian rollback` can restore.",
        formatter_class=_ImportHelp,
    )
    # The kinds come from the importer, which loads pandas, DuckDB and Arrow: only once a kind is
    # checked or its help shown, never for `kuomian --help` or `kuomian metrics` (issue 15 point 3).
    imp.add_argument("kind", choices=_Kinds(), metavar="KIND", help="KINDS")
    imp.add_argument(
        "file", type=Path, metavar="FILE",
        help=".csv (UTF-8 or GB18030), .xlsx, .xls or .ods; the layouts read are in docs/import.md",
    )  # fmt: skip
    imp.add_argument(
        "--sheet", metavar="NAME",
        help="the workbook sheet to read (default: the visible sheet that holds the table; several such sheets are refused)",
    )  # fmt: skip
    _common(imp, top=False)

    met = verbs.add_parser(
        "metrics",
        help="print the metrics of one period",
        description="One row per (region, metric) for the regions of --level inside the subtree of --root.",
    )
    met.add_argument("--period", type=_period, required=True, metavar="YYYY-MM")
    met.add_argument("--level", choices=LEVELS, help="the level to list (default: every level, ranked level by level)")
    met.add_argument("--root", metavar="CODE", help="list only this region's subtree (default: every root)")
    met.add_argument("--metric", choices=METRIC_KEYS, help="one metric (default: all three)")
    met.add_argument("--compare-to", type=_period, metavar="YYYY-MM", help="period for rank_change (default: the month before)")
    met.add_argument("--format", choices=("csv", "json", "table"), default="csv")
    met.add_argument(
        "--pool",
        action="store_true",
        help="the expansion pool (扩面对象实名库) instead: per region and key group, then a region total "
        "with the coverage gap in persons and the pool's sufficiency (see docs/metrics.md)",
    )
    _common(met, top=False)

    demo = verbs.add_parser("demo", help="fill the database with the demo data set (replaces demo data only)")
    demo.add_argument("--seed", type=int, default=2025)
    _common(demo, top=False)

    targets = verbs.add_parser("targets", help="work with the targets file")
    targets_verbs = targets.add_subparsers(dest="targets_verb", metavar="ACTION", required=True)
    tcheck = targets_verbs.add_parser("check", help="validate a targets file; exit 1 with every problem and its line")
    tcheck.add_argument("file", nargs="?", type=Path, metavar="FILE", help="default: the configured targets file")
    _common(tcheck, top=False)
    tapply = targets_verbs.add_parser(
        "apply",
        help="check a targets file, then rebuild the stored metrics with it",
        description="After changing carry_forward_months, the baseline or the schemes a target sums, the "
        "stored metrics (issue 15) no longer fit and the dashboard computes from the facts (slower, never "
        "different) until the next import. `apply` checks the file and rebuilds them now, in one transaction.",
    )
    tapply.add_argument("file", nargs="?", type=Path, metavar="FILE", help="default: the configured targets file")
    _common(tapply, top=False)

    hist = verbs.add_parser(
        "history",
        help="list imports, newest first",
        description="Every import, newest first; a rollback is listed too, as its own entry "
        "('rollback of import N'), which `kuomian rollback` can undo.",
    )
    _common(hist, top=False)

    back = verbs.add_parser(
        "rollback",
        help="undo one import, restoring what it replaced",
        description="Undo one import: remove the rows it added and restore the values it replaced. The "
        "rollback is itself an entry of `kuomian history` and keeps the rows it removed: roll back that "
        "entry's IMPORT_ID to undo the rollback and bring the import's rows back exactly.",
    )
    back.add_argument("import_id", type=int, metavar="IMPORT_ID", help="an import, or a rollback's own entry to undo it")
    _common(back, top=False)

    # Verbs that live in their own modules register themselves: each adds a
    # sub-parser with ``set_defaults(handler=fn)``, fn(args, db, targets_path) -> exit status.
    for register in _extensions():
        register(verbs, lambda sub: _common(sub, top=False))
    return parser


def _extensions():
    """The ``register(verbs, add_common)`` functions of the verb modules beside this one."""
    import importlib

    # They import this module's names, so they load after them. One line per verb module.
    modules = (
        "cli.exports",
        "cli.approval",
        "cli.warnings",
        "cli.tasks",
        "cli.timeliness",
        "cli.accounts",
        "cli.assess",  # kuomian ledger / assess / rewards (issue 14)
    )
    return [importlib.import_module(name).register for name in modules]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from config.allocator import keep_freed_memory

    keep_freed_memory()  # large reports reuse freed memory rather than fault it in anew (issue 15)
    from config.settings import get_settings  # after parsing: ``--help`` never loads pydantic

    settings = get_settings()
    db = args.db or settings.db
    targets_path = args.targets or settings.targets
    if args.targets is not None or "data.materialised" in sys.modules:
        from data import materialised  # writes build the materialised metrics with this file (issue 15)

        materialised.use_targets_file(args.targets)
    try:
        handler = getattr(args, "handler", None)
        if handler is not None:
            return handler(args, db, targets_path)
        if args.verb == "import":
            return _import(db, args)
        if args.verb == "metrics" and args.pool:
            if args.metric or args.compare_to is not None:
                parser.error("--pool lists the expansion pool's measures; --metric and --compare-to do not apply")
            return _pool_metrics(db, targets_path, args)
        if args.verb == "metrics":
            return _metrics(db, targets_path, args)
        if args.verb == "demo":
            return _demo(db, args.seed)
        if args.verb == "targets" and args.targets_verb == "apply":
            return _targets_apply(db, args.file or targets_path)
        if args.verb == "targets":
            return _targets_check(args.file or targets_path)
        if args.verb == "history":
            return _history(db)
        if args.verb == "rollback":
            return _rollback(db, args.import_id)
    except Refused as error:
        print(str(error), file=sys.stderr)
        return EXIT_REFUSED
    except Exception as error:  # noqa: BLE001 - a person reads this, never a traceback
        from data.db import DatabaseBusy, DatabaseMissing, DatabaseUnreadable

        if isinstance(error, (DatabaseBusy, DatabaseMissing, DatabaseUnreadable)):
            print(f"kuomian: {error}", file=sys.stderr)
            return EXIT_REFUSED
        raise
    finally:
        if args.targets is not None:  # one command's --targets does not outlive it (a caller running
            from data import materialised  # several commands in one process builds with its own file)

            materialised.use_targets_file(None)
    parser.error("unknown command")
    return EXIT_USAGE


# --------------------------------------------------------------------------- verbs


def _import(db: Path, args: argparse.Namespace) -> int:
    from data.importer import ImportRefused
    from data.store import import_file

    if not args.file.exists():
        raise Refused(f"{args.file}: no such file")
    if args.kind == "ledger":  # the task ledger has its own checks and history (data/ledger.py)
        from data.access import cli_actor
        from data.ledger import import_file as import_ledger

        def import_file(db, kind, path, sheet=None):
            return import_ledger(db, path, cli_actor(), sheet=sheet)
    try:
        result = import_file(db, args.kind, args.file, sheet=args.sheet)
    except ImportRefused as refused:
        print(str(refused), file=sys.stderr)
        print(f"{args.file}: refused, {len(refused.problems)} problem(s); nothing was imported", file=sys.stderr)
        return EXIT_REFUSED
    for warning in result.warnings:
        print(f"warning: {warning.render(str(args.file))}", file=sys.stderr)
    for note in result.notes:  # what the reader skipped or chose (合计 rows, the sheet read)
        print(f"{args.file}: {note}")
    print(
        f"imported {args.file} as import {result.import_id}: {result.row_count} {args.kind} row(s), "
        f"{result.added} added, {result.replaced} replaced"
    )
    if result.months:
        print(result.summary())
    return EXIT_OK


def load_targets(path: Path):
    from metrics.targets import TargetsError, parse_targets

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise Refused(f"{path}: cannot read the targets file ({error.strerror})") from None
    try:
        return parse_targets(text)
    except TargetsError as error:
        raise Refused("\n".join(problem.render(str(path)) for problem in error.problems)) from None


def _metrics(db: Path, targets_path: Path, args: argparse.Namespace) -> int:
    from data.db import connect
    from data.report import metrics_report
    from metrics.compute import OUTPUT_COLUMNS, as_report

    targets = load_targets(targets_path)
    with connect(db) as con:
        if args.root is not None:
            known = con.execute("SELECT COUNT(*) FROM regions WHERE code = ?", [args.root]).fetchone()[0]
            if not known:
                raise Refused(f"--root {args.root}: no such region")
        metrics = [args.metric] if args.metric else list(METRIC_KEYS)
        frame = metrics_report(
            con, targets, args.period, level=args.level, root=args.root, metrics=metrics, compare_to=args.compare_to
        )
    report = as_report(frame)
    if args.format == "csv":
        sys.stdout.write(to_csv(report, OUTPUT_COLUMNS))
    elif args.format == "json":
        records = [{column: _plain(row[column]) for column in OUTPUT_COLUMNS} for _, row in report.iterrows()]
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(to_table(report))
    return EXIT_OK


def _pool_metrics(db: Path, targets_path: Path, args: argparse.Namespace) -> int:
    from data.db import connect
    from data.report import pool_report
    from metrics.pool import POOL_OUTPUT_COLUMNS

    targets = load_targets(targets_path)
    with connect(db) as con:
        if args.root is not None:
            known = con.execute("SELECT COUNT(*) FROM regions WHERE code = ?", [args.root]).fetchone()[0]
            if not known:
                raise Refused(f"--root {args.root}: no such region")
        frame = pool_report(con, targets, args.period, level=args.level, root=args.root)
    report = frame.assign(period=frame["period"].map(period_label))
    if args.format == "csv":
        sys.stdout.write(to_csv(report, POOL_OUTPUT_COLUMNS))
    elif args.format == "json":
        records = [{column: _plain(row[column]) for column in POOL_OUTPUT_COLUMNS} for _, row in report.iterrows()]
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(to_pool_table(report))
    return EXIT_OK


def _plain(value):
    """A cell as JSON/CSV wants it: None for missing, ints as ints."""
    if value is None or value is getattr(__import__("pandas"), "NA"):
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if hasattr(value, "item"):
        return _plain(value.item())
    return value


def to_csv(report, columns: Sequence[str]) -> str:
    """The report's ``columns`` as CSV text (cli.md): a header line, then one line per row.

    Written column by column and then as whole rows by :mod:`csv` (issue 15 point 3: cell by cell,
    40,000 townships took 7.9 s); every cell reads as :func:`_csv_cell` writes it: empty for none,
    floats at full precision (``repr``), ``true``/``false``, text defused.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(zip(*(_csv_column(report[column]) for column in columns)))
    return buffer.getvalue()


def _csv_column(series) -> list[str]:
    """One column's cells as :func:`to_csv` writes them, by the column's type where it is plain."""
    import numpy as np
    import pandas as pd

    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) and not isinstance(dtype, pd.BooleanDtype):
        return np.where(series.to_numpy(dtype=bool), "true", "false").tolist()
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        values = series.to_numpy()
        missing = np.isnan(values)
        return ["" if gone else repr(value) for value, gone in zip(values.tolist(), missing.tolist())]
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return series.to_numpy().astype(str).tolist()
    if isinstance(dtype, pd.Int64Dtype):
        missing = series.isna().to_numpy()
        digits = series.to_numpy(dtype="int64", na_value=0).astype(str)
        return np.where(missing, "", digits).tolist()
    cells = []
    for value in series.tolist():
        if type(value) is str and not value.startswith(FORMULA_STARTS):
            cells.append(value)
            continue
        plain = _plain(value)
        cells.append("" if plain is None else _csv_cell(plain))
    return cells


def _csv_cell(value) -> str:
    """Numbers as numbers (a negative ``gap_pp`` stays ``-0.012``); ``comparable`` as ``true``/``false``
    (cli.md); text that a spreadsheet would run as a formula (``= + - @``, tab, CR first) behind a quote,
    as the dashboard's downloads write it (issue 9, "Also")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return defuse(str(value))


def _count_cell(value) -> str:
    """A count for a person: thousands separators; empty for none."""
    value = _plain(value)
    return "" if value is None else f"{int(value):,}"


def _pct_cell(value, decimals: int = 1) -> str:
    """A fraction as a percentage for a person (0.853 -> ``85.3%``); empty for none."""
    value = _plain(value)
    return "" if value is None else f"{value * 100:.{decimals}f}%"


def to_table(report) -> str:
    """The report for a person. A value shows as many decimals as it takes to stay on its side of its
    target (``present.formatting.rate_decimals``: 0.94995 against 0.95 reads 94.995%, not 95.00%
    beside "behind"), and its gap as many."""
    from present.formatting import rate_decimals

    def pct(value, places=2):
        return _pct_cell(value, places)

    header = (
        "metric", "region", "name", "value", "target", "by", "gap_pp", "gap_persons", "status", "rank", "Δrank",
        "carried", "comparable",
    )
    rows = [header]
    for _, row in report.iterrows():
        gap, value, target = _plain(row["gap_pp"]), _plain(row["value"]), _plain(row["target"])
        places = 2 if value is None or target is None else rate_decimals(value, target, 2)
        rows.append(
            (
                row["metric"],
                row["region_code"],
                row["region_name"],
                pct(value, places),
                pct(row["target"]),
                row["target_by"] or "",
                "" if gap is None else f"{gap * 100:+.{places}f}",
                "" if _plain(row["gap_persons"]) is None else f"{int(row['gap_persons']):,}",
                row["status"] or "",
                "" if _plain(row["rank"]) is None else str(int(row["rank"])),
                "" if _plain(row["rank_change"]) is None else f"{int(row['rank_change']):+d}",
                "" if _plain(row["carried"]) is None else str(int(row["carried"])),
                "true" if row["comparable"] else "false",
            )
        )
    return _aligned(rows)


def to_pool_table(report) -> str:
    """The ``--pool`` rows for a person: counts with separators, rates as percentages, the total row marked."""

    count, pct = _count_cell, _pct_cell

    def ratio(value):
        value = _plain(value)
        return "" if value is None else f"{value:.2f}"

    header = ("region", "name", "group", "identified", "employee", "resident", "remaining", "converted", "employee%", "gap_persons", "sufficiency")
    rows = [header]
    for _, row in report.iterrows():
        group = _plain(row["group"])
        rows.append(
            (
                row["region_code"],
                row["region_name"],
                "total" if group is None else f"{int(group)} {row['group_name']}",
                count(row["identified"]),
                count(row["enrolled_employee"]),
                count(row["enrolled_resident"]),
                count(row["remaining"]),
                pct(row["conversion_rate"]),
                pct(row["employee_conversion_share"]),
                count(row["gap_persons"]),
                ratio(row["pool_sufficiency"]),
            )
        )
    return _aligned(rows)


def _aligned(rows) -> str:
    """Columns padded for a terminal, a Chinese character counting as two."""

    def width(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text))

    widths = [max(width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(cell) + " " * (widths[i] - width(cell)) for i, cell in enumerate(r)).rstrip() for r in rows]
    return "\n".join(lines) + "\n"


def _demo(db: Path, seed: int) -> int:
    from data.db import connect
    from data.store import load_demo

    with connect(db, write=True) as con:
        results = load_demo(con, seed)
    counts = ", ".join(f"{r.row_count} {r.kind}" for r in results)
    print(f"demo data (曲靖市, seed {seed}) loaded into {db}: {counts}")
    return EXIT_OK


def _targets_check(path: Path) -> int:
    targets = load_targets(path)
    overrides = len(targets.overrides)
    print(f"{path}: valid ({', '.join(targets.metrics)}; {overrides} override(s))")
    return EXIT_OK


def _targets_apply(db: Path, path: Path) -> int:
    """``kuomian targets apply``: a valid targets file (else refused like ``check``), then the stored
    metrics rebuilt with it under the write lock (``data.materialised.rebuild``)."""
    from data import materialised
    from data.db import connect

    targets = load_targets(path)
    with connect(db, write=True) as con:
        materialised.rebuild(con, targets)
        rows = con.execute("SELECT COUNT(*) FROM metric_months").fetchone()[0]
    print(f"{path}: valid; stored metrics rebuilt with it ({rows:,} region-months)")
    return EXIT_OK


def _history(db: Path) -> int:
    from data.db import connect
    from data.store import history

    with connect(db) as con:
        frame = history(con)
    if frame.empty:
        print("no imports yet")
        return EXIT_OK
    print(f"{'id':>4}  {'kind':<10}  {'imported at':<19}  {'rows':>8}  {'added':>8}  {'replaced':>8}  source")
    for row in frame.itertuples():
        state = f"  (rolled back {row.rolled_back_at})" if _plain(row.rolled_back_at) is not None and str(row.rolled_back_at) != "NaT" else ""
        demo = " [demo]" if row.is_demo else ""
        print(
            f"{row.import_id:>4}  {row.kind:<10}  {str(row.imported_at):<19}  {row.row_count:>8}  {row.added:>8}  {row.replaced:>8}  {row.source}{demo}{state}"
        )
    return EXIT_OK


def _rollback(db: Path, import_id: int) -> int:
    from data.db import connect, ensure_schema
    from data.store import RollbackRefused, rollback

    with connect(db, write=True, existing=True) as con:  # a mistyped --db is no database, not a new one
        ensure_schema(con)
        try:
            print(rollback(con, import_id))
        except RollbackRefused as error:
            raise Refused(f"kuomian rollback: {error}") from None
    return EXIT_OK


def run() -> None:
    """Console entry point: a closed pipe (``kuomian metrics | head``) ends quietly."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_OK
    sys.exit(code)


if __name__ == "__main__":
    run()
