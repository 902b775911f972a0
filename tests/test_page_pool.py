"""扩面对象 Expansion pool page: an officer sees who is left in the library and whether it can close the gap.

Driven through ``app.py`` with AppTest on a demo database; while app.py does
not list the page yet, through a copy of it that does (in a temporary folder
whose ``pages`` is the project's). Every number checked is recomputed through
``data.report.pool_report`` (or ``data.queries_pool``) on a read-only
connection.
"""

from __future__ import annotations

from tests.auth import logged_in
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data.db import connect
from data.queries import periods as db_periods
from data.queries_pool import action_sums
from data.report import pool_report
from data.store import import_file
from metrics.periods import month_index, period_label
from metrics.pool import action_totals
from metrics.registry import POOL_ACTIONS, POOL_GROUPS
from metrics.targets import parse_targets
from tests.fixtures_data import SNAPSHOTS, make_world, write_csv
from present.charts_pool import EMPLOYEE_COLOR, REMAINING_COLOR, RESIDENT_COLOR, SHORT_COLOR, format_sufficiency
from present.formatting import format_persons, format_rate

ROOT = Path(__file__).resolve().parent.parent
CITY, HUIZE, SHANGCUN = "5303", "530326", "530326212"  # 曲靖市, 会泽县, 上村乡 (its library is incomplete)
POOL_PAGE = '    st.Page("pages/pool.py", title=t("nav.pool"), icon=":material/groups:", url_path="pool"),'


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> str:
    """app.py once it lists the page; until then a copy of it that does."""
    text = (ROOT / "app.py").read_text(encoding="utf-8")
    if "pages/pool.py" in text:
        return str(ROOT / "app.py")
    folder = tmp_path_factory.mktemp("pool-app")
    (folder / "pages").symlink_to(ROOT / "pages")
    data_page = next(line for line in text.splitlines() if 'st.Page("pages/data.py"' in line)
    (folder / "app.py").write_text(text.replace(data_page, data_page + "\n" + POOL_PAGE), encoding="utf-8")
    return str(folder / "app.py")


@pytest.fixture(scope="module")
def demo_db(demo_copy):
    path = demo_copy("pool-page")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KUOMIAN_DB", str(path))
        patch.delenv("KUOMIAN_TARGETS", raising=False)
        yield path


@pytest.fixture(scope="module")
def world(demo_db):
    targets = parse_targets((ROOT / "config" / "targets.yaml").read_text(encoding="utf-8"))
    with connect(demo_db) as con:
        return {"period": db_periods(con)[-1], "targets": targets, "path": demo_db}


def expected(world, codes, period=None):
    with connect(world["path"]) as con:
        return pool_report(con, world["targets"], period or world["period"], codes=codes)


def open_pool(app: str, county: str | None = None, period: int | None = None) -> AppTest:
    at = logged_in(AppTest.from_file(app, default_timeout=60))
    if county:
        at.session_state["region_level_0"] = county
    if period:
        at.session_state["period"] = period
    at.run()
    at.switch_page("pages/pool.py").run()
    assert not at.exception
    return at


def charts(at: AppTest) -> list[tuple[dict, dict]]:
    """(figure, config) of every plotly chart on the page."""
    return [(json.loads(c.proto.spec), json.loads(c.proto.config)) for c in at.get("plotly_chart")]


def chart_titled(at: AppTest, *words: str) -> dict:
    found = [figure for figure, _ in charts(at) if all(word in figure["layout"]["title"]["text"] for word in words)]
    assert len(found) == 1, [figure["layout"]["title"]["text"] for figure, _ in charts(at)]
    return found[0]


@pytest.fixture(scope="module")
def city_page(app, demo_db) -> AppTest:
    return open_pool(app)


@pytest.fixture(scope="module")
def huize_page(app, demo_db) -> AppTest:
    return open_pool(app, county=HUIZE)


def test_the_citys_library_totals_are_what_the_report_computes(city_page, world):
    total = expected(world, [CITY]).iloc[-1]
    assert pd.isna(total["group"])  # the region's total row
    shown = {m.label: m.value for m in city_page.metric}
    assert shown == {
        "已识别": format_persons(total["identified"]),
        "已参保": format_persons(total["enrolled_employee"] + total["enrolled_resident"]),
        "转化率": format_rate(total["conversion_rate"]),
        "剩余未参保": format_persons(total["remaining"]),
        "对象充足度": format_sufficiency(total["pool_sufficiency"]),
    }
    assert city_page.title[0].value == "曲靖市 · 扩面对象实名库"


def test_each_group_is_a_bar_from_identified_to_enrolled_split_by_scheme(city_page, world):
    report = expected(world, [CITY])
    groups = report[report["group"].notna()]
    figure = chart_titled(city_page, "曲靖市", "八类重点群体", period_label(world["period"]))
    bars = [trace for trace in figure["data"] if trace["type"] == "bar"]
    assert [bar["marker"]["color"] for bar in bars] == [EMPLOYEE_COLOR, RESIDENT_COLOR, REMAINING_COLOR]
    assert [bar["name"] for bar in bars] == ["参加职工养老", "参加居民养老", "剩余未参保"]
    assert bars[0]["y"] == [g.zh for g in POOL_GROUPS]
    for bar, column in zip(bars, ("enrolled_employee", "enrolled_resident", "remaining")):
        assert bar["x"] == [int(v) for v in groups[column]]
    # the table under it shows the same figures, formatted
    table = city_page.dataframe[0].value
    assert table["群体"].tolist() == [g.zh for g in POOL_GROUPS]
    assert table["已识别"].tolist() == [format_persons(v) for v in groups["identified"]]
    assert table["转化率"].tolist() == [format_rate(v) for v in groups["conversion_rate"]]
    assert table["职工养老占比"].tolist() == [format_rate(v) for v in groups["employee_conversion_share"]]


def test_a_township_whose_pool_cannot_close_its_gap_is_flagged_and_listed(huize_page, world):
    with connect(world["path"]) as con:
        kids = [row[0] for row in con.execute("SELECT code FROM regions WHERE parent_code = ?", [HUIZE]).fetchall()]
    report = expected(world, kids)
    totals = report[report["group"].isna()].set_index("region_code")
    short = totals[totals["pool_sufficiency"] < 1].sort_values("pool_sufficiency")
    assert SHANGCUN in short.index
    figure = chart_titled(huize_page, "会泽县", "剩余对象与参保率缺口", period_label(world["period"]))
    flagged = next(trace for trace in figure["data"] if trace.get("marker", {}).get("color") == SHORT_COLOR)
    assert flagged["text"] == ["上村乡"] == [totals.loc[c, "region_name"] for c in short.index]
    assert flagged["x"] == [int(totals.loc[c, "gap_persons"]) for c in short.index]
    assert flagged["y"] == [int(totals.loc[c, "remaining"]) for c in short.index]
    table = huize_page.dataframe[1].value
    assert table["区划代码"].tolist() == short.index.tolist()
    assert table["剩余"].tolist() == [format_persons(v) for v in short["remaining"]]
    assert table["参保率缺口（人）"].tolist() == [format_persons(v) for v in short["gap_persons"]]
    assert table["对象充足度"].tolist() == [format_sufficiency(v) for v in short["pool_sufficiency"]]
    assert table["全部转化后仍差（人）"].tolist() == [format_persons(g - r) for g, r in zip(short["gap_persons"], short["remaining"])]


def test_conversion_over_time_ends_at_the_reports_conversion_rate(city_page, world):
    figure = chart_titled(city_page, "曲靖市", "转化率走势", "2024-01", period_label(world["period"]))
    total = next(trace for trace in figure["data"] if trace["name"] == "全部群体")
    assert total["x"][0] == "2024-01" and total["x"][-1] == period_label(world["period"])
    assert total["y"][-1] == pytest.approx(expected(world, [CITY]).iloc[-1]["conversion_rate"], abs=0, rel=1e-12)
    assert figure["layout"]["yaxis"]["tickformat"] == ".0%"
    assert len(figure["data"]) == 9  # eight groups and the total


def test_enrolments_by_action_are_the_six_actions_sums(city_page, world):
    with connect(world["path"]) as con:
        sums = action_sums(con, [CITY], [world["period"]])
    wanted = action_totals(sums, CITY, world["period"])
    figure = chart_titled(city_page, "曲靖市", "六个一批", period_label(world["period"]))
    bar = figure["data"][0]
    assert bar["y"] == [a.zh for a in POOL_ACTIONS]
    assert bar["x"] == wanted["enrolled"].tolist()
    assert max(bar["x"]) == bar["x"][0]  # 精准宣传动员一批 carries the most


def test_every_chart_downloads_as_a_named_high_resolution_png(huize_page, world):
    for figure, config in charts(huize_page):
        options = config["toImageButtonOptions"]
        assert options["filename"].startswith("会泽县_") and options["filename"].endswith(period_label(world["period"]))
        assert (options["format"], options["scale"]) == ("png", 2)
        assert "会泽县" in figure["layout"]["title"]["text"]
    assert len(charts(huize_page)) == 4


def test_switching_to_english_changes_the_labels_not_the_numbers(app, world):
    at = open_pool(app)
    # One switch and one run: AppTest formats the sidebar's choices outside the script, in the default language.
    at.session_state["language"] = "en"
    at.run()
    assert not at.exception
    assert at.title[0].value == "曲靖市 · expansion pool"
    shown = {m.label: m.value for m in at.metric}
    assert shown["Identified"] == format_persons(expected(world, [CITY]).iloc[-1]["identified"])
    figure = chart_titled(at, "key groups", period_label(world["period"]))
    assert figure["data"][0]["y"] == [g.en for g in POOL_GROUPS]
    assert at.dataframe[0].value.columns[0] == "Group"


def test_a_month_before_the_library_existed_says_so(app, demo_db):
    at = open_pool(app, period=month_index("2023-06"))
    assert [info.value for info in at.main.info] == ["曲靖市 在 2023-06 没有实名库数据（实名库数据覆盖 2024-01 至 2026-10）。"]
    assert not at.get("plotly_chart")


def test_a_database_without_a_library_shows_how_to_import_one(app, tmp_path, monkeypatch):
    db = make_world(tmp_path)
    import_file(db, "snapshots", write_csv(tmp_path / "snapshots.csv", SNAPSHOTS))
    monkeypatch.setenv("KUOMIAN_DB", str(db))
    at = open_pool(app)
    assert [info.value for info in at.main.info] == [
        "数据库中还没有扩面对象实名库数据。请在“数据”页面或用 `kuomian import pool` 导入。"
    ]
    assert not at.get("plotly_chart")


# --------------------------------------------------------------------------- the chart builders, pure


def test_sufficiency_just_below_one_never_reads_one():
    assert [format_sufficiency(v) for v in (0.9, 0.996, 0.99996, 1.0, 2.345, None)] == ["0.90", "0.996", "0.9999", "1.00", "2.35", "—"]


def test_pool_against_gap_names_every_point_when_few_and_only_the_short_ones_when_many():
    from present.charts_pool import pool_against_gap

    def figure(n: int):
        totals = pd.DataFrame(
            {
                "region_code": [f"r{i}" for i in range(n)],
                "remaining": pd.array([50] + [500] * (n - 1), dtype="Int64"),
                "gap_persons": pd.array([100] + [0] + [200] * (n - 2), dtype="Int64"),
                "pool_sufficiency": [0.5, float("nan")] + [2.5] * (n - 2),
            }
        )
        names = {f"r{i}": f"地区{i}" for i in range(n)}
        return pool_against_gap(
            totals, names, title="t", x_title="x", y_title="y", short_name="short", enough_name="enough", no_gap_name="none", parity_name="1"
        )

    few, many = figure(5), figure(20)
    assert [trace.name for trace in few.data] == ["1", "short", "enough", "none"]
    assert list(few.data[0].x) == [0, 200 * 1.08]  # the line of sufficiency 1 spans the gaps
    assert [trace.mode for trace in few.data[1:]] == ["markers+text"] * 3
    assert [trace.mode for trace in many.data[1:]] == ["markers+text", "markers", "markers"]
    assert list(many.data[1].text) == ["地区0"] and many.data[1].marker.color == SHORT_COLOR


def test_many_short_regions_name_only_the_worst_on_the_chart():
    from present.charts_pool import LABEL_ALL_UP_TO, pool_against_gap

    n = LABEL_ALL_UP_TO + 5
    totals = pd.DataFrame(
        {
            "region_code": [f"r{i:02d}" for i in range(n)],
            "remaining": pd.array([10] * n, dtype="Int64"),
            "gap_persons": pd.array([100 + i for i in range(n)], dtype="Int64"),
        }
    )
    totals["pool_sufficiency"] = 10 / totals["gap_persons"].astype(float)
    names = {code: code.upper() for code in totals["region_code"]}
    fig = pool_against_gap(totals, names, title="t", x_title="x", y_title="y", short_name="s", enough_name="e", no_gap_name="n", parity_name="1")
    short = fig.data[1]
    assert len(short.x) == n
    assert [label for label in short.text if label] == [f"R{i:02d}" for i in range(5, n)]  # the largest gaps: the lowest sufficiency
