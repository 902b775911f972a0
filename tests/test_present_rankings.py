"""The Rankings page's praise and names, as words, without AppTest (present/rankings.py)."""

from __future__ import annotations

import pandas as pd

from metrics.targets import BulletinRules, NameRule, PraiseRule
from present.charts import STATUS_COLORS
from present.rankings import bulletin_lines, rule_hints

RULES = BulletinRules(
    praise=PraiseRule(statuses=("achieved", "on_track"), top=2, most_improved=1),
    name=NameRule(statuses=("off_track",), bottom=1, fallen_furthest=0),
)


def test_the_hints_say_the_targets_files_rule_in_each_language():
    assert rule_hints(RULES, "zh") == (
        "已达标、进度正常且数值最高的 2 个，名次上升最多的 1 个",
        "明显滞后且数值最低的 1 个，名次下降最多的 0 个",
    )
    assert rule_hints(RULES, "en") == (
        "The 2 highest that are Achieved, On track, the 1 that climbed most",
        "The 1 lowest that are Off track, the 0 that fell furthest",
    )


def test_each_line_names_the_region_its_value_its_rank_and_why_it_is_listed():
    chosen = pd.DataFrame(
        {"region_name": ["越州镇", "东山镇"], "value": [0.9512, 0.8], "target": [0.95, 0.95], "rank": [1.0, 7.0], "reason": ["top", "most_improved"]}
    )
    assert bulletin_lines(chosen, RULES, "zh") == [
        "越州镇　95.1%（第 1 名，已达标、进度正常，数值居前）",
        "东山镇　80.0%（第 7 名，名次上升最多）",
    ]


def test_the_league_view_greys_a_region_that_is_not_comparable_and_says_its_own_status():
    from metrics.league import league_table
    from present.rankings import league_view
    from tests.test_honest_pictures import report_rows

    view = league_view(league_table(report_rows(), report_rows(), "coverage_rate", "5303"), "coverage_rate", "zh", siblings=False)
    shown = view.display
    assert list(shown.columns) == ["排名", "名次变化", "地区", "参保率", "目标", "差距（百分点）", "差距（人）", "状态", "区划代码", "说明"]
    assert shown[["地区", "状态", "说明"]].values.tolist() == [
        ["越州镇", "已达标", ""],
        ["东山镇", "明显滞后", ""],
        ["宛水街道", "≠ 不可比", "不可比（已达标）"],
        ["西宁街道", "≠ 不可比", "不可比（明显滞后）"],
    ]
    assert list(view.exported.columns) == ["排名", "名次变化", "区划代码", "地区", "参保率", "目标", "目标期限", "差距（百分点）", "差距（人）", "状态"]
    assert view.status_fills["≠ 不可比"] == STATUS_COLORS["not_comparable"]
    assert view.status_fills["已达标"] == STATUS_COLORS["achieved"]


def test_the_rows_drawn_are_the_pinned_reference_then_one_page_of_the_league():
    from present.rankings import visible_rows

    shown = pd.DataFrame({"region_code": ["ref", *[f"t{i}" for i in range(7)]], "pinned": [True] + [False] * 7})
    assert visible_rows(shown, 1, size=3)["region_code"].tolist() == ["ref", "t0", "t1", "t2"]
    assert visible_rows(shown, 3, size=3)["region_code"].tolist() == ["ref", "t6"]
    assert visible_rows(shown, 9, size=3)["region_code"].tolist() == ["ref", "t6"]  # past the end: the last page
