"""Time the briefing's exports: the first image, the next ones, PNG, PDF, the deck, and the command.

``.venv/bin/python -m bench.exports [--runs N] [--cli-runs N] [--write | --no-write]``

On the demo data (曲靖市), in one process: read the briefing once, then time
the first PNG (it starts the warm browser), the next PNGs, the 2× PNG, the
PDF and the native deck (medians of ``--runs``), and what the briefing page's
button does (all four files, warm). Then ``kuomian export briefing`` as a
person runs it, a fresh process per run for each format (median and slowest
wall time of ``--cli-runs``), counting every stderr line that is not the
command's own progress (issue 11: a traceback at exit one run in four).
With ``--write`` (the default) the table goes into ``docs/performance.md``
between the ``bench:exports`` markers, and nothing else changes there.
No browser on the machine: the renders are skipped and said so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- bench:exports:start -->", "<!-- bench:exports:end -->"
AIM_NEXT_IMAGE_S = 1.0
AIM_DECK_S = 3.0
PROGRESS = re.compile(r"^(reading |read in |wrote )")


def _time(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _median(work: Callable[[], object], runs: int) -> float:
    return statistics.median(_time(work) for _ in range(runs))


def measure_in_process(db: Path, runs: int) -> list[tuple[str, float]]:
    """(what, seconds) for each step, in one process with one warm browser."""
    from cli.main import load_targets
    from data.db import connect
    from exports import render
    from exports.briefing import briefing_figure
    from exports.deck import briefing_deck
    from exports.source import briefing_from_connection
    from present.texts import Texts
    from metrics.periods import month_index

    targets = load_targets(ROOT / "config" / "targets.yaml")
    rows: list[tuple[str, float]] = []
    holder: dict[str, object] = {}

    def read() -> None:
        with connect(db) as con:
            holder["b"] = briefing_from_connection(con, targets, "5303", month_index("2026-10"), "coverage_rate")

    rows.append(("read the briefing from the database", _time(read)))
    b = holder["b"]
    tx = Texts("zh")
    rows.append(("build the briefing figure (no rendering)", _median(lambda: briefing_figure(b, tx), runs)))
    figure = briefing_figure(b, tx)
    title = tx.t("briefing.title", region=b.region_name)
    rows.append(("PPTX, native deck (no browser)", _median(lambda: briefing_deck(b, tx), runs)))
    if not render.available():
        print("no Chromium on this machine: PNG and PDF not measured", file=sys.stderr)
        return rows
    render.stop()
    rows.append(("first image: PNG 1920×1080, starting the browser", _time(lambda: render.png(figure))))
    rows.append(("next image: PNG 1920×1080", _median(lambda: render.png(figure), runs)))
    rows.append(("PNG 2× 3840×2160", _median(lambda: render.png(figure, scale=2), runs)))
    rows.append(("PDF, one page with its text layer", _median(lambda: render.pdf(figure, title=title), runs)))

    def page_button() -> None:
        render.png(figure)
        render.png(figure, scale=2)
        render.pdf(figure, title=title)
        briefing_deck(b, tx)

    rows.append(("the page's button: PNG, 2× PNG, PDF and PPTX (warm)", _median(page_button, runs)))
    rows.append(("closing the browser", _time(render.stop)))
    return rows


def measure_cli(db: Path, runs: int) -> list[tuple[str, float, float, int]]:
    """(format, median s, slowest s, stray stderr lines) of ``kuomian export briefing``, a fresh process per run."""
    from exports import render

    environment = {**os.environ, "KUOMIAN_DB": str(db)}
    out = []
    formats = ("pptx", "png", "pdf") if render.available() else ("pptx",)
    with tempfile.TemporaryDirectory() as folder:
        for fmt in formats:
            times, stray = [], 0
            for i in range(runs):
                target = Path(folder) / f"b{i}.{fmt}"
                start = time.perf_counter()
                done = subprocess.run(
                    [sys.executable, "-m", "cli.main", "export", "briefing", "--out", str(target)],
                    cwd=ROOT, env=environment, capture_output=True, text=True,
                )
                times.append(time.perf_counter() - start)
                if done.returncode != 0:
                    raise SystemExit(f"kuomian export --format {fmt} failed:\n{done.stderr}")
                stray += sum(1 for line in done.stderr.splitlines() if not PROGRESS.match(line))
            out.append((fmt, statistics.median(times), max(times), stray))
    return out


def section(rows: list[tuple[str, float]], cli: list[tuple[str, float, float, int]], runs: int, cli_runs: int) -> str:
    seconds = dict(rows)
    lines = [
        START,
        "",
        f"Measured {dt.date.today().isoformat()} on {os.cpu_count()} cores, Python {platform.python_version()}, with "
        f"`python -m bench.exports` on the demo data (曲靖市, 2026-10). In one process: medians of {runs} runs after the first.",
        "",
        "| step | seconds |",
        "|---|---:|",
    ]
    lines += [f"| {what} | {value:.2f} |" for what, value in rows]
    first = seconds.get("first image: PNG 1920×1080, starting the browser")
    following = seconds.get("next image: PNG 1920×1080")
    if first and following:
        lines += ["", f"The next image takes {following / first:.0%} of the first (aim: under {AIM_NEXT_IMAGE_S:g} s)."]
    lines += [
        "",
        f"`kuomian export briefing` as a person runs it: a fresh process each time (Python's start, the read, the "
        f"render, the browser's close), {cli_runs} runs per format; *stray* counts stderr lines that are not the "
        "command's own progress.",
        "",
        "| format | median (s) | slowest (s) | stray stderr lines |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {fmt} | {median:.2f} | {slowest:.2f} | {stray} |" for fmt, median, slowest, stray in cli]
    lines += ["", END]
    return "\n".join(lines)


def write(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    if START in doc and END in doc:
        doc = doc[: doc.index(START)] + text + doc[doc.index(END) + len(END):]
    else:
        doc = doc.rstrip("\n") + "\n\n## Exports\n\n" + text + "\n"
    DOC.write_text(doc, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.exports", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="repeats of each warm step (default: %(default)s)")
    parser.add_argument("--cli-runs", type=int, default=4, help="runs of the command per format (default: %(default)s)")
    parser.add_argument("--write", action=argparse.BooleanOptionalAction, default=True, help="write docs/performance.md")
    args = parser.parse_args(argv)

    from data.db import connect
    from data.store import load_demo

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "demo.duckdb"
        with connect(db, write=True) as con:
            load_demo(con)
        rows = measure_in_process(db, args.runs)
        cli = measure_cli(db, args.cli_runs)
    text = section(rows, cli, args.runs, args.cli_runs)
    print(text)
    if args.write:
        write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
