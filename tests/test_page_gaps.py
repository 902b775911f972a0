"""差距 Gaps page: where the persons still needed are.

Before a meeting, an officer opens 差距 for 曲靖市: the counties with a gap to their next target,
largest first, with each one's share and the cumulative share (the few that hold most of the gap),
a sentence for the briefing, and the monthly pace each needs until the deadline against the pace
it has kept. She looks at every township of the city for the payment rate, downloads the table as
CSV, and finds a clear message when nobody has a gap. Her colleague reads it in English.
"""

from __future__ import annotations

from tests.auth import logged_in
import re

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from config.settings import get_settings
from data import queries
from data.db import connect
from data.report import metric_series, metrics_report
from metrics.gaps import concentration, gap_table, pace_months
from metrics.league import league_codes
from metrics.periods import month_index
from metrics.targets import parse_targets

ROOT = Path(__file__).resolve().parent.parent
PERIOD = month_index("2026-10")
CITY = "5303"


@pytest.fixture(scope="module")
def demo_db(demo_copy) -> Path:
    path = demo_copy("gaps")
    return path


@pytest.fixture(autouse=True)
def use_demo(demo_db, monkeypatch):
    monkeypatch.setenv("KUOMIAN_DB", str(demo_db))


def expected(demo_db: Path, metric: str, level: str | None = None, targets_text: str | None = None) -> pd.DataFrame:
    """The gap table as the metrics layer computes it for the city's regions."""
    targets = parse_targets(targets_text or get_settings().targets.read_text(encoding="utf-8"))
    with connect(demo_db) as con:
        codes, _ = league_codes(queries.regions(con), CITY, level)
        report = metrics_report(con, targets, PERIOD, codes=codes)
        history = metric_series(con, targets, codes, pace_months(metric, PERIOD))
    return gap_table(report, history, metric, PERIOD)


def open_page(**state) -> AppTest:
    at = logged_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60))
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page("pages/gaps.py")
    at.run()
    assert not at.exception
    return at


def test_the_counties_with_a_gap_are_listed_largest_first_as_the_metrics_compute_them(demo_db):
    at = open_page()
    table = at.dataframe[0].value
    want = expected(demo_db, "coverage_rate")
    assert not want.empty
    assert table["区划代码"].tolist() == want["region_code"].tolist()
    assert table["差距（人）"].tolist() == want["gap_persons"].tolist()
    assert table["累计占比"].tolist() == pytest.approx(want["cumulative_share"].tolist())
    assert table["每月需增（人）"].tolist() == pytest.approx(want["needed_pace"].tolist())
    assert table["近 12 个月月均增（人）"].tolist() == pytest.approx(want["kept_pace"].tolist(), nan_ok=True)
    flags = {True: "需提速", False: "进度够用"}
    # an overdue county reads 已逾期 (issue 8: the 2025-12 coverage target is past), the rest by their pace
    assert table["进度判断"].tolist() == [
        "已逾期" if not pd.isna(late) else flags.get(f, "无法判断") if not pd.isna(f) else "无法判断"
        for f, late in zip(want["short_of_pace"], want["overdue_months"])
    ]
    assert at.metric[0].value == f"{int(want['gap_persons'].sum()):,}"


def test_the_briefing_sentence_says_how_concentrated_the_gap_is(demo_db):
    at = open_page(metric="payment_rate")
    at.selectbox(key="gaps_level__zh").set_value("township").run()
    want = expected(demo_db, "payment_rate", "township")
    summary = concentration(want)
    sentence = next(m.value for m in at.markdown if m.value.startswith("前 5 个乡镇占全部缺口的"))
    assert f"{summary.top_share * 100:.0f}%" in sentence
    assert f"集中在 {summary.regions_for_share} 个乡镇" in sentence
    table = at.dataframe[0].value
    assert len(table) == len(want)
    assert "今年以来月均增（人）" in table.columns


def test_the_pareto_chart_draws_the_gaps_and_their_cumulative_share(demo_db):
    at = open_page()
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["title"]["text"] == "曲靖市 县区参保率缺口分布 · 2026-10"
    want = expected(demo_db, "coverage_rate")
    bars = [t for t in spec["data"] if t["type"] == "bar"]
    assert sorted(y for t in bars for y in t["y"]) == sorted(want["gap_persons"].tolist())
    line = next(t for t in spec["data"] if t["type"] == "scatter")
    assert line["yaxis"] == "y2" and line["y"] == pytest.approx(want["cumulative_share"].tolist())
    assert spec["layout"]["yaxis2"]["tickformat"] == ".0%"


def test_the_table_downloads_as_csv_that_excel_opens_in_chinese(monkeypatch):
    offered: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        if filename:
            offered[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    at = open_page()
    assert [b.proto.label for b in at.get("download_button")] == ["下载 CSV"]
    data = offered["曲靖市_县区缺口_参保率_2026-10.csv"]
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[0] == (
        "地区,差距（人）,占比,累计占比,每月需增（人）,近 12 个月月均增（人）,进度判断,说明,剩余月数,参保率,目标,期限,区划代码"
    )


def test_when_every_region_has_reached_its_target_the_page_says_so(tmp_path, monkeypatch):
    easy = tmp_path / "targets.yaml"
    easy.write_text(
        "baseline: 2022-12\nwarning_band: 0.02\ntargets:\n"
        "  coverage_rate:\n    - {by: 2035-12, value: 0.5}\n"
        "  employee_share:\n    - {by: 2035-12, value: 0.05}\n"
        "  payment_rate:\n    - {by: 2026-12, value: 0.05}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("KUOMIAN_TARGETS", str(easy))
    at = open_page()
    assert not at.dataframe
    assert any("均已达到目标，没有缺口" in s.value for s in at.success)


def test_switching_to_english_changes_the_headers(demo_db):
    at = open_page()
    at.session_state["language"] = "en"
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == [
        "Region", "Gap (persons)", "Share", "Cumulative share", "Needed per month", "Kept per month, last 12 months",
        "Pace", "Note", "Months left", "Coverage rate", "Target", "Due", "Code",
    ]
    assert at.title[0].value == "曲靖市 · where the gap is"
    assert [b.proto.label for b in at.get("download_button")] == ["Download CSV"]


def test_without_a_target_in_force_the_page_says_there_is_no_gap_to_compute():
    at = open_page(metric="payment_rate", period=month_index("2024-05"))  # no payment milestones for 2024
    assert not at.dataframe
    assert any("没有正在执行的缴费率目标" in i.value for i in at.info)


def test_an_overdue_county_reads_overdue_with_the_persons_needed_now(demo_db):
    """Coverage was due at 95% by 2025-12: a county below it in 2026-10 is overdue, not '110 months to go'."""
    at = open_page()
    table = at.dataframe[0].value
    want = expected(demo_db, "coverage_rate").set_index("region_code")
    late = want[want["overdue_months"].notna()]
    assert not late.empty
    for code, row in late.iterrows():
        shown_row = table[table["区划代码"] == code].iloc[0]
        assert shown_row["进度判断"] == "已逾期"
        assert shown_row["说明"] == f"逾期 {int(row['overdue_months'])} 个月，现需 {int(row['gap_persons']):,} 人"
        assert shown_row["每月需增（人）"] == row["gap_persons"]
    assert any("已于" in e.value and "到期而未达到" in e.value for e in at.error)
    assert not any(re.search(r"距期限 \d+ 个月", c.value) for c in at.caption)


def test_the_gaps_table_narrows_its_numeric_columns_to_fit_its_column():
    """Thirteen columns at their natural width overflowed the page at 1440 px (issue 11 point 4)."""
    import json

    table = open_page().dataframe[0].proto
    widths = {name: config.get("width") for name, config in json.loads(table.columns).items()}
    assert (widths["地区"], widths["说明"]) == (100, 120)
    narrow = ("差距（人）", "占比", "累计占比", "剩余月数", "参保率", "目标", "期限", "每月需增（人）", "近 12 个月月均增（人）")
    assert [widths[name] for name in narrow] == ["small"] * 9
    assert "区划代码" not in table.column_order and "地区" in table.column_order  # the code stays in the CSV
