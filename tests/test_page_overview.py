"""总览 Overview: the page the leading-group office opens every morning.

The office opens the dashboard on the demo city: three cards (coverage rate,
employee-scheme share, payment rate) with the figures ``metrics_report``
computes, the trend against target and trajectory, and how many counties are
in each status. It drills into a county, looks at the month a township missed
its report (a completeness warning explains the dip), and switches to English.
"""

from __future__ import annotations

from tests.auth import logged_in
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from config.settings import get_settings
from data.db import connect
from data.report import metrics_report
from metrics.periods import month_index
from metrics.summary import status_counts
from metrics.targets import parse_targets
from present.formatting import format_rate

ROOT = Path(__file__).resolve().parent.parent
LATEST = month_index("2026-10")
CITY, QILIN, SHIZONG = "5303", "530302", "530323"  # 师宗县 holds the township that missed 2026-08


@pytest.fixture(scope="module")
def demo_db(demo_copy) -> Path:
    path = demo_copy("overview")
    return path


@pytest.fixture(autouse=True)
def use_demo(demo_db, monkeypatch):
    monkeypatch.setenv("KUOMIAN_DB", str(demo_db))


def report(demo_db: Path, period: int, codes: list[str]):
    targets = parse_targets(get_settings().targets.read_text(encoding="utf-8"))
    with connect(demo_db) as con:
        return metrics_report(con, targets, period, codes=codes)


def open_overview(**sidebar) -> AppTest:
    at = logged_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60))
    for key, value in sidebar.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_cards_show_the_figures_the_metrics_compute_for_the_city(demo_db):
    at = open_overview()
    expected = report(demo_db, LATEST, [CITY]).set_index("metric")
    shown = [m.value for m in at.metric]
    assert shown == [format_rate(expected.at[m, "value"], expected.at[m, "target"]) for m in expected.index]
    assert "曲靖市" in at.title[0].value


def test_each_card_names_its_target_and_the_persons_still_needed(demo_db):
    at = open_overview()
    expected = report(demo_db, LATEST, [CITY]).set_index("metric")
    captions = " ".join(c.value for c in at.caption)
    share = expected.loc["employee_share"]
    assert f"{int(share['gap_persons']):,}" in captions  # employee share is short of its 2035 target
    assert "2035-12" in captions


def test_the_trend_is_drawn_against_target_and_trajectory_with_a_title_that_stands_alone():
    at = open_overview()
    charts = at.get("plotly_chart")
    figure = json.loads(charts[0].proto.spec)
    names = [trace.get("name") for trace in figure["data"]]
    assert {"参保率", "目标", "进度线"} <= set(names)
    assert "曲靖市" in figure["layout"]["title"]["text"] and "2026-10" in figure["layout"]["title"]["text"]
    # the four years shown lie within 5 points: one decimal, so no two ticks read the same (issue 8)
    assert figure["layout"]["yaxis"]["tickformat"] == ".1%"


def test_the_counties_are_counted_by_status_as_the_metrics_classify_them(demo_db):
    at = open_overview()
    counties = report(demo_db, LATEST, [c for c in ("530302", "530303", "530304", "530322", "530323", "530324", "530325", "530326", "530381")])
    counts = status_counts(counties, "coverage_rate")
    # each tab holds its trend, then its sub-regions by status: the coverage tab's status chart is the second chart
    bar = json.loads(at.get("plotly_chart")[1].proto.spec)["data"][0]
    assert sum(bar["x"]) == 9
    assert sorted(bar["x"]) == sorted(v for v in counts.values() if v)


def test_drilling_into_a_county_shows_that_county(demo_db):
    at = open_overview(region_level_0=QILIN)
    assert "麒麟区" in at.title[0].value
    expected = report(demo_db, LATEST, [QILIN]).set_index("metric")
    assert at.metric[0].value == format_rate(expected.at["coverage_rate", "value"], expected.at["coverage_rate", "target"])


def test_a_missed_report_is_explained_by_a_completeness_warning(demo_db):
    at = open_overview(region_level_0=SHIZONG, period=month_index("2026-08"))
    completeness = report(demo_db, month_index("2026-08"), [SHIZONG])["completeness"].iloc[0]
    assert completeness < 1
    assert any("报送不完整" in w.value for w in at.warning)


def test_switching_to_english_changes_every_label():
    at = open_overview(language="en")
    assert "overview" in at.title[0].value
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert {"Coverage rate", "Target", "Trajectory"} <= {t.get("name") for t in figure["data"]}
    assert not any("目标" in c.value for c in at.caption)


def test_kuomian_language_sets_the_language_the_dashboard_opens_in(monkeypatch):
    monkeypatch.setenv("KUOMIAN_LANGUAGE", "en")
    at = open_overview()
    assert "overview" in at.title[0].value
    assert at.session_state["language"] == "en"
    at.session_state["language"] = "zh"  # the sidebar's choice still wins
    at.run()
    assert "总览" in at.title[0].value


def test_the_tabs_keep_their_order_whatever_the_sidebar_metric():
    """Switching the sidebar's metric opens its tab; the tabs never reorder (issue 8)."""
    for metric in ("coverage_rate", "payment_rate"):
        at = open_overview(metric=metric)
        assert [tab.label for tab in at.tabs] == ["参保率", "职工养老保险占比", "缴费率"]


def test_each_tab_has_its_own_status_chart_for_its_metric():
    at = open_overview(metric="payment_rate")
    titles = [json.loads(chart.proto.spec)["layout"]["title"]["text"] for chart in at.get("plotly_chart")]
    status_titles = [title for title in titles if "状态分布" in title]
    assert [title.rsplit(" · ", 1)[-1] for title in status_titles] == ["参保率", "职工养老保险占比", "缴费率"]


def test_the_trend_draws_the_whole_trajectory_to_the_last_milestone():
    at = open_overview()
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    trajectory = next(trace for trace in figure["data"] if trace.get("name") == "进度线")
    assert trajectory["x"][-1] == "2035-12"


def test_a_carried_month_is_an_estimate_on_the_card_and_hollow_on_the_trend(demo_db):
    at = open_overview(region_level_0=SHIZONG, period=month_index("2026-08"))
    row = report(demo_db, month_index("2026-08"), [SHIZONG]).set_index("metric").loc["coverage_rate"]
    assert row["carried"] > 0
    assert at.metric[0].value == format_rate(row["value"], row["target"]) + "（估算）"
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    values = next(trace for trace in figure["data"] if trace.get("name") == "参保率")
    symbols = dict(zip(values["x"], values["marker"]["symbol"]))
    assert symbols["2026-08"] == "circle-open" and symbols["2026-07"] == "circle"
    assert any("沿用此前数据" in w.value for w in at.warning)


def test_an_unchanged_value_never_shows_a_red_minus_zero():
    at = open_overview()
    for metric in at.metric:
        assert "-0.00" not in str(metric.proto.delta)
        assert "个百分点" in metric.proto.delta or metric.proto.delta.startswith("持平")


def test_xuanwei_townships_are_counted_not_comparable_on_the_coverage_tab_only():
    """宣威市 reports its employee schemes: its townships are grey on coverage, compared as usual on the payment rate."""
    at = open_overview(region_level_0="530381")
    bars = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    status = [figure["data"][0] for figure in bars if "状态分布" in figure["layout"]["title"]["text"]]
    coverage, share, payment = status
    assert "≠ 不可比" in coverage["y"] and coverage["x"][coverage["y"].index("≠ 不可比")] == 29
    assert "≠ 不可比" not in payment["y"]
    notes = [i.value for i in at.info if i.value.startswith("宣威市直接报送")]
    assert len(notes) == 2  # coverage and employee share, not the payment rate


def test_the_sidebar_starts_collapsed_at_phone_width():
    """``initial_sidebar_state="auto"``: Streamlit collapses the sidebar on small screens, expands it on wide ones."""
    import ast

    calls = [
        node for node in ast.walk(ast.parse((ROOT / "app.py").read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "set_page_config"
    ]
    assert [k.value.value for c in calls for k in c.keywords if k.arg == "initial_sidebar_state"] == ["auto"]
