"""Time every dashboard page as a person uses it, through Streamlit's AppTest.

    .venv/bin/python -m bench.pages [--db PATH ...]
    .venv/bin/python -m bench.pages --national PATH [--national PATH ...] [--no-demo] [--no-write]

For each database (the demo set by default, plus any ``--db`` given, e.g. the
province-sized one ``bench.run`` builds), it opens each page, then changes the
period and the region, and records how long each script run takes, first
(cold caches) and again (warm). The figures go into docs/performance.md
between the ``bench:pages`` markers. Script time is what the server spends;
the browser adds its drawing on top.

``--national`` times a national database (``bench.national --keep``: a 全国 root
above 31 provinces) the way a ministry uses it (issue 15 points 4-5): with 全国
selected it opens every page, changes the period, the metric and the language,
drills into a province and back, ranks every township and pages through them
(rankings, gaps, trends' heat map). *Cold* is the interaction's first run in a
server process that has served nothing yet; *warm* the median of the
interaction and its reverse repeated (both cached by then), the issue's
"after the first load". ``--no-write`` prints the table without touching
docs/performance.md (whose national section is quoted by hand).
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


NATIONAL_PAGES = (
    "overview", "rankings", "gaps", "warnings", "trends", "tasks", "ledger", "assessment", "pool", "briefing", "targets", "data",
)  # fmt: skip
# Pages with a level choice: ranking every township under 全国, then the second page of them.
LEAGUE_LEVELS = {"rankings": ("rankings_level", "rankings_page"), "gaps": ("gaps_level", None), "trends": (None, "trends_heat_page")}


def _toggle(forth, back, repeats: int) -> tuple[float, float]:
    """(cold, warm): ``forth`` the first time, then the median of ``back``/``forth`` pairs."""
    cold = _timed(forth)
    samples = []
    for _ in range(repeats):
        samples += [_timed(back), _timed(forth)]
    back()
    return cold, statistics.median(samples)


def _select(at, key: str, index: int):
    """An action: set the selectbox ``key`` to its ``index``-th option and rerun."""

    def act() -> None:
        widget = at.selectbox(key=key)
        widget.set_value(widget.options[index]).run()

    return act


def _switch_language(at, language: str) -> None:
    """Switch the sidebar's language and rerun, as the browser does.

    AppTest recomputes each selectbox's shown label with its format function, which reads the
    *new* language (``ui.i18n.t``) and finds no such option; the browser sends the label it shows.
    The widgets are keyed per language (``metric__zh``), so the old language's ones are not drawn
    again and their state does not matter: one whose label is not found is sent empty.
    """
    from streamlit.proto.WidgetStates_pb2 import WidgetState
    from streamlit.testing.v1 import element_tree

    kinds = (element_tree.Selectbox, element_tree.Radio, element_tree.Multiselect)
    originals = {kind: kind._widget_state for kind in kinds}

    def tolerant(original):
        def state(widget):
            try:
                return original.fget(widget)
            except ValueError:
                empty = WidgetState()
                empty.id = widget.id
                return empty

        return property(state)

    for kind in kinds:
        kind._widget_state = tolerant(originals[kind])
    try:
        at.radio(key="language").set_value(language).run()
    finally:
        for kind in kinds:
            kind._widget_state = originals[kind]


def _has(at, kind: str, key: str) -> bool:
    return key in {w.key for w in getattr(at, kind)}


def time_national(db: Path, repeats: int = 2, pages: tuple[str, ...] = NATIONAL_PAGES) -> list[tuple[str, str, float, float]]:
    """(page, interaction, cold seconds, warm median seconds) with 全国 selected, in one server process."""
    from streamlit.testing.v1 import AppTest

    from tests.auth import logged_in
    from ui.serve import navigation_only_in_apptest

    navigation_only_in_apptest()
    os.environ["KUOMIAN_DB"] = str(db)
    rows: list[tuple[str, str, float, float]] = []
    for number, page in enumerate(pages):
        at = logged_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=600), "office")
        first = _timed(at.run)
        assert not at.exception, f"first load: {at.exception}"
        if number == 0:  # the frame and the overview, every cache empty
            rows.append(("(app)", "first load", first, statistics.median(_timed(at.run) for _ in range(repeats))))

        def open_page() -> None:
            at.switch_page(f"pages/{page}.py")
            at.run()

        cold = _timed(open_page)
        assert not at.exception, f"{page}: {at.exception}"
        rows.append((page, "open", cold, statistics.median(_timed(at.run) for _ in range(repeats))))

        def run(what: str, forth, back) -> None:
            cold, warm = _toggle(forth, back, repeats)
            assert not at.exception, f"{page} / {what}: {at.exception}"
            rows.append((page, what, cold, warm))
            print(f"  {page:<11} {what:<28} {cold:7.2f} {warm:7.3f}", flush=True)

        print(f"  {page:<11} {'open':<28} {cold:7.2f} {rows[-1][3]:7.3f}", flush=True)
        run("change period", _select(at, "period", 1), _select(at, "period", 0))
        run("change metric", _select(at, "metric__zh", 1), _select(at, "metric__zh", 0))
        run("drill into a province", _select(at, "region_level_0__zh", 1), _select(at, "region_level_0__zh", 0))

        def english() -> None:
            _switch_language(at, "en")

        def chinese() -> None:
            _switch_language(at, "zh")

        run("switch language", english, chinese)
        level_key, page_key = LEAGUE_LEVELS.get(page, (None, None))
        if level_key and _has(at, "selectbox", f"{level_key}__zh"):
            run("every township", _select(at, f"{level_key}__zh", -1), _select(at, f"{level_key}__zh", 0))
            _select(at, f"{level_key}__zh", -1)()
        if page_key and _has(at, "number_input", page_key):
            def next_page() -> None:
                at.number_input(key=page_key).set_value(2).run()

            def first_page() -> None:
                at.number_input(key=page_key).set_value(1).run()

            run("next page", next_page, first_page)
    return rows


def table(name: str, rows: list[tuple[str, str, float, float]]) -> str:
    """One Markdown table of (page, interaction, cold, warm) rows under the heading ``name``."""
    lines = [f"**{name}**", "", "| page | interaction | cold (s) | warm (s) |", "|---|---|---:|---:|"]
    lines += [f"| {page} | {what} | {cold:.2f} | {'' if warm != warm else f'{warm:.3f}'} |" for page, what, cold, warm in rows]
    worst = max((warm for _, _, _, warm in rows if warm == warm), default=float("nan"))
    lines += ["", f"Slowest warm interaction: {worst:.3f} s.", ""]
    return "\n".join(lines)


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
    parser.add_argument("--national", type=Path, action="append", default=[], help="a national database (全国 root) to walk as a ministry does (repeatable)")
    parser.add_argument("--pages", nargs="+", default=list(NATIONAL_PAGES), help="the pages of the national walk (default: all)")
    parser.add_argument("--repeats", type=int, default=2, help="warm repeats of each national interaction (default 2)")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo database")
    parser.add_argument("--no-write", action="store_true", help="print the tables; leave docs/performance.md alone")
    args = parser.parse_args()

    if args.national:
        for db in args.national:
            print(f"{db}: national walk, 全国 selected (cold s, warm s)", flush=True)
            rows = time_national(db, args.repeats, tuple(args.pages))
            print(table(f"{db}", rows))
        if args.no_demo and not args.db:
            return

    from data.db import connect
    from data.store import load_demo

    results = {}
    if not args.no_demo:
        with tempfile.TemporaryDirectory() as folder:
            demo = Path(folder) / "demo.duckdb"
            with connect(demo, write=True) as con:
                load_demo(con)
            results["Demo data (曲靖市, 137 townships)"] = time_pages(demo)
    for number, db in enumerate(args.db):
        label = args.label[number] if number < len(args.label) else db.name
        results[label] = time_pages(db)
    if args.no_write:
        for name, rows in results.items():
            print(table(name, rows))
    else:
        print(write(results))


if __name__ == "__main__":
    main()
