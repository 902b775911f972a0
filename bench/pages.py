"""Time every dashboard page as a person uses it, through Streamlit's AppTest.

    .venv/bin/python -m bench.pages [--db PATH ...]

For each database (the demo set by default, plus any ``--db`` given, e.g. the
province-sized one ``bench.run`` builds), it opens each page, then changes the
period and the region, and records how long each script run takes, first
(cold caches) and again (warm). The figures go into docs/performance.md
between the ``bench:pages`` markers. Script time is what the server spends;
the browser adds its drawing on top.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PERFORMANCE = ROOT / "docs" / "performance.md"
START, END = "<!-- bench:pages:start -->", "<!-- bench:pages:end -->"
PAGES = ("overview", "rankings", "gaps", "trends", "pool", "briefing", "targets", "data")


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def time_pages(db: Path, repeats: int = 3) -> list[tuple[str, str, float, float]]:
    """(page, interaction, cold seconds, warm median seconds)."""
    from streamlit.testing.v1 import AppTest

    from tests.auth import logged_in
    from ui.serve import navigation_only_in_apptest

    navigation_only_in_apptest()
    os.environ["KUOMIAN_DB"] = str(db)
    rows = []
    for number, page in enumerate(PAGES):
        at = logged_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120), "office")  # past the login gate (issue 12)
        first = _timed(at.run)
        if number == 0:  # the frame and the overview, every cache empty
            rows.append(("(app)", "first load", first, float("nan")))

        def open_page() -> None:
            at.switch_page(f"pages/{page}.py")
            at.run()

        cold = _timed(open_page)
        assert not at.exception, f"{page}: {at.exception}"
        warm = statistics.median(_timed(at.run) for _ in range(repeats))
        rows.append((page, "open", cold, warm))

        periods = at.selectbox(key="period").options
        if len(periods) > 1:
            def earlier() -> None:
                at.selectbox(key="period").set_value(at.selectbox(key="period").options[1]).run()

            def latest() -> None:
                at.selectbox(key="period").set_value(at.selectbox(key="period").options[0]).run()

            cold = _timed(earlier)
            latest()
            samples = []
            for _ in range(repeats):  # back and forth: both periods are cached now
                samples += [_timed(earlier), _timed(latest)]
            rows.append((page, "change period", cold, statistics.median(samples)))

        county = at.selectbox(key="region_level_0__zh")
        if len(county.options) > 1:
            def drill() -> None:
                at.selectbox(key="region_level_0__zh").set_value(at.selectbox(key="region_level_0__zh").options[1]).run()

            rows.append((page, "drill into a county", _timed(drill), statistics.median(_timed(at.run) for _ in range(repeats))))
        assert not at.exception, f"{page}: {at.exception}"
    return rows


def write(results: dict[str, list[tuple[str, str, float, float]]]) -> str:
    lines = [
        START,
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores, Python {platform.python_version()}, "
        "with `python -m bench.pages`. Seconds of server script time per interaction (AppTest); "
        "*cold* is the first time (caches empty), *warm* the median of three repeats.",
        "",
    ]
    for name, rows in results.items():
        lines += [f"**{name}**", "", "| page | interaction | cold (s) | warm (s) |", "|---|---|---:|---:|"]
        lines += [f"| {page} | {what} | {cold:.2f} | {'' if warm != warm else f'{warm:.3f}'} |" for page, what, cold, warm in rows]
        worst = max(cold for _, _, cold, _ in rows)
        lines += ["", f"Slowest cold interaction: {worst:.2f} s.", ""]
    lines.append(END)
    section = "\n".join(lines)
    text = PERFORMANCE.read_text(encoding="utf-8") if PERFORMANCE.exists() else "# Performance\n"
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n## Dashboard pages\n\n" + section + "\n"
    PERFORMANCE.write_text(text, encoding="utf-8")
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, action="append", default=[], help="another database to time (repeatable)")
    parser.add_argument("--label", action="append", default=[], help="a heading for each --db, in order")
    args = parser.parse_args()

    from data.db import connect
    from data.store import load_demo

    results = {}
    with tempfile.TemporaryDirectory() as folder:
        demo = Path(folder) / "demo.duckdb"
        with connect(demo, write=True) as con:
            load_demo(con)
        results["Demo data (曲靖市, 137 townships)"] = time_pages(demo)
    for number, db in enumerate(args.db):
        label = args.label[number] if number < len(args.label) else db.name
        results[label] = time_pages(db)
    print(write(results))


if __name__ == "__main__":
    main()
