"""``kuomian export`` and ``kuomian bulletin``: the briefing and the quarterly bulletin as files.

    kuomian export briefing --region 5303 --period 2026-10 --format png --out briefing.png [--scale 2]
    kuomian export briefing --format pptx --out briefing.pptx        # the region: the only root; the period: the latest
    kuomian bulletin --quarter 2025Q4 [--root 5303] [--level township] --out 2025Q4.xlsx

Progress goes to stderr, the written file's path to stdout. Exit status: 0
written; 1 refused (an unknown region, a month or quarter without data, no
renderer on this machine), nothing written; 2 wrong usage.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from cli.main import EXIT_OK, EXIT_USAGE, Refused, _period, load_targets
from metrics.periods import PeriodError, period_label
from metrics.registry import LEVELS, METRIC_KEYS

FORMATS = ("png", "pdf", "pptx")


def _quarter(text: str) -> tuple[int, int]:
    from metrics.bulletin import parse_quarter

    try:
        return parse_quarter(text)
    except PeriodError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def register(verbs, add_common) -> None:
    export = verbs.add_parser(
        "export",
        help="render the one-page briefing as PNG, PDF or a PowerPoint deck",
        description="Render the vice-mayor's 16:9 briefing (1920×1080) for one region and month: as a PNG "
        "(--scale 2 for 3840×2160), a one-page PDF with its text as text, or an editable PowerPoint deck (the "
        "briefing, the trend of each metric, the league of each metric, as native text, tables and charts). "
        "PNG and PDF need Chromium (apt-get install chromium); the deck does not.",
    )
    export.add_argument("what", choices=("briefing",), help="what to export")
    export.add_argument("--region", metavar="CODE", help="the region (default: the only root region)")
    export.add_argument("--period", type=_period, metavar="YYYY-MM", help="the month (default: the latest with data)")
    export.add_argument("--metric", choices=METRIC_KEYS, default=METRIC_KEYS[0], help="the metric whose trend and league the page shows (default: %(default)s)")
    export.add_argument("--format", choices=FORMATS, help="png, pdf or pptx (default: from the --out suffix)")
    export.add_argument("--out", type=Path, required=True, metavar="FILE")
    export.add_argument("--scale", type=int, choices=(1, 2), default=1, help="pixels per layout pixel for PNG (default: 1)")
    export.add_argument("--language", choices=("zh", "en"), default=None, help="the text's language (default: KUOMIAN_LANGUAGE, else zh)")
    add_common(export)
    export.set_defaults(handler=export_briefing)

    bulletin = verbs.add_parser(
        "bulletin",
        help="write the quarterly bulletin workbook (XLSX)",
        description="The quarterly bulletin (季度通报) as an Excel workbook: one league sheet per metric at the "
        "quarter's last month with rank changes against the previous quarter's last month, the praised and "
        "named regions by the rules of the targets file's `bulletin:` section, and the definitions.",
    )
    bulletin.add_argument("--quarter", type=_quarter, required=True, metavar="YYYYQn", help="e.g. 2025Q4")
    bulletin.add_argument("--root", metavar="CODE", help="the jurisdiction (default: the only root region)")
    bulletin.add_argument(
        "--level", choices=[level for level in LEVELS if level != "village"],
        help="rank every region of this level under the root (default: the root's children)",
    )
    bulletin.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    bulletin.add_argument("--language", choices=("zh", "en"), default=None, help="the text's language (default: KUOMIAN_LANGUAGE, else zh)")
    add_common(bulletin)
    bulletin.set_defaults(handler=write_bulletin)


# --------------------------------------------------------------------------- helpers


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _language(args: argparse.Namespace) -> str:
    if args.language:
        return args.language
    from config.settings import get_settings

    return get_settings().language


def _write(path: Path, data: bytes) -> None:
    """Write through a temporary file beside the target, so a failure never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _root(regions, code: str | None, option: str) -> str:
    if code is not None:
        if code not in set(regions["code"]):
            raise Refused(f"{option} {code}: no such region")
        return code
    roots = regions[regions["parent_code"].isna()]["code"].tolist()
    if not roots:
        raise Refused("the database has no regions yet; import them or run `kuomian demo`")
    if len(roots) > 1:
        raise Refused(f"the database has {len(roots)} root regions ({', '.join(roots)}): choose one with {option}")
    return roots[0]


# --------------------------------------------------------------------------- export briefing


def export_briefing(args: argparse.Namespace, db: Path, targets_path: Path) -> int:
    fmt = args.format or args.out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        _say(f"kuomian export: give --format ({', '.join(FORMATS)}) or an --out ending in .png, .pdf or .pptx")
        return EXIT_USAGE
    if fmt != "png" and args.scale != 1:
        _say(f"kuomian export: --scale applies to png; a {fmt.upper()} is drawn in vectors")

    from data import queries
    from data.db import connect
    from exports import render
    from exports.source import briefing_from_connection
    from present.texts import Texts

    if fmt != "pptx" and not render.available():  # the deck is native: it needs no browser
        raise Refused("kuomian export: cannot render: " + render._missing_message())  # noqa: SLF001
    if fmt != "pptx":
        render.warm_up()  # the browser starts while the database is read
    targets = load_targets(targets_path)
    started = time.perf_counter()
    with connect(db) as con:
        regions = queries.regions(con)
        code = _root(regions, args.region, "--region")
        months = queries.periods(con)
        if not months:
            raise Refused("the database has no figures yet; import snapshots or run `kuomian demo`")
        period = args.period if args.period is not None else months[-1]
        if period not in set(months):
            raise Refused(f"--period {period_label(period)}: no figures for that month (the database holds {period_label(months[0])} to {period_label(months[-1])})")
        name = regions.set_index("code").at[code, "name"]
        _say(f"reading {name} ({code}), {period_label(period)} …")
        briefing = briefing_from_connection(con, targets, code, period, args.metric)
    tx = Texts(_language(args))

    try:
        if fmt == "pptx":  # native slides: nothing to render (issue 11)
            from exports.deck import briefing_deck

            _say(f"read in {time.perf_counter() - started:.1f} s; building the PPTX …")
            data = briefing_deck(briefing, tx)
        else:
            from exports.briefing import briefing_figure

            _say(f"read in {time.perf_counter() - started:.1f} s; rendering {fmt.upper()} with Chromium …")
            figure = briefing_figure(briefing, tx)
            if fmt == "pdf":
                data = render.pdf(figure, title=tx.t("briefing.title", region=briefing.region_name))
            else:
                data = render.png(figure, scale=args.scale)
    except render.RendererMissing as error:
        raise Refused(f"kuomian export: cannot render: {error}") from None
    except render.RenderFailed as error:
        raise Refused(f"kuomian export: rendering failed: {error}") from None
    _write(args.out, data)
    size = f"{render.WIDTH * args.scale}×{render.HEIGHT * args.scale}" if fmt == "png" else f"{len(data) // 1024} KB"
    _say(f"wrote {fmt.upper()} ({size}) in {time.perf_counter() - started:.1f} s")
    print(args.out)
    return EXIT_OK


# --------------------------------------------------------------------------- bulletin


def write_bulletin(args: argparse.Namespace, db: Path, targets_path: Path) -> int:
    from data import queries
    from data.db import connect
    from exports.bulletin import workbook_bytes
    from exports.source import bulletin_from_connection
    from present.texts import Texts
    from metrics.bulletin import quarter_end, quarter_label

    if args.out.suffix.lower() != ".xlsx":
        _say("kuomian bulletin: --out must end in .xlsx")
        return EXIT_USAGE
    year, quarter = args.quarter
    period = quarter_end(year, quarter)
    targets = load_targets(targets_path)
    started = time.perf_counter()
    with connect(db) as con:
        regions = queries.regions(con)
        root = _root(regions, args.root, "--root")
        months = set(queries.periods(con))
        if period not in months:
            raise Refused(f"--quarter {quarter_label(year, quarter)}: no figures for its last month, {period_label(period)}")
        if period - 3 not in months:
            _say(f"note: no figures for {period_label(period - 3)}: rank changes stay empty")
        name = regions.set_index("code").at[root, "name"]
        _say(f"reading {name} ({root}), {quarter_label(year, quarter)}: {period_label(period)} against {period_label(period - 3)} …")
        bulletin = bulletin_from_connection(con, targets, root, year, quarter, args.level)
    if bulletin.league.empty:
        raise Refused(f"{name} ({root}) has no regions below it to rank")
    data = workbook_bytes(bulletin, Texts(_language(args)))
    _write(args.out, data)
    count = bulletin.league["region_code"].nunique()
    _say(f"wrote the bulletin: {count} regions ranked, {len(METRIC_KEYS)} metrics, in {time.perf_counter() - started:.1f} s")
    print(args.out)
    return EXIT_OK
