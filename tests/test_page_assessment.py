"""考核 page (issue 14 point 1): the demo city's counties scored and graded as `kuomian assess` scores them."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.auth import logged_in

from data.assessment import run_assessment
from data.db import connect
from metrics.periods import month_index
from metrics.targets import parse_targets
from present.assessment import score_table
from present.texts import Texts

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo_db(demo_copy):
    return demo_copy("assess-page")


def test_assessment_page_shows_the_scores_the_engine_gives(demo_db, monkeypatch):
    monkeypatch.setenv("KUOMIAN_DB", str(demo_db))
    at = logged_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=90), "office")
    at.run()
    at.switch_page("pages/assessment.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "年度考核（综合评估定级）"
    shown = at.dataframe[0].value
    targets = parse_targets((ROOT / "config" / "targets.yaml").read_text(encoding="utf-8"))
    with connect(demo_db) as con:
        result = run_assessment(con, targets, 2026, month_index("2026-10"), ["county", "township"], "5303")
    expected = score_table(result, "county", targets.assessment, Texts("zh"))
    assert shown[["区划代码", "总分", "等级"]].values.tolist() == [[c, f"{s:.2f}", g] for c, s, g in expected[["区划代码", "总分", "等级"]].values.tolist()]
    # issue 13's task completion and timeliness are scored (the demo ships 2026 tasks and report arrivals)
    assert shown["任务完成率"].tolist() == [f"{v:.2f}" for v in expected["任务完成率"]]  # points, as the page prints them
    assert "无数据" not in shown["任务完成率"].tolist()
    assert at.subheader[0].value == "红榜（前 3 名）"
    assert at.dataframe[1].value["区划"].tolist() == expected["区划"].head(3).tolist()


def test_a_county_whose_townships_are_all_apart_is_told_so_in_chinese_with_no_empty_tables(demo_db, monkeypatch):
    # 宣威市 (530381) reports some schemes itself in the demo: none of its townships is comparable
    monkeypatch.setenv("KUOMIAN_DB", str(demo_db))
    at = logged_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=90), "reporter", "530381", "xuanwei")
    at.run()
    at.switch_page("pages/assessment.py").run()
    assert not at.exception, at.exception
    assert "本级没有参评地区：各地区均不可比，原因见下方“未参评”。" in [info.value for info in at.info]
    assert "尚无地区完成任务，暂无奖补；未完成的地区见下方。" in [caption.value for caption in at.caption]
    assert [frame.value.empty for frame in at.dataframe].count(True) == 0
