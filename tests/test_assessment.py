"""The assessment (考核评分, 综合评估定级; issue 14 point 1): the targets section, each scoring rule, each grade
band, what no data does, comparable regions only, ranks and the 红黑榜, and the workbook against the CLI."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from metrics.assessment import assess, grade_of, red_and_black, score_points_by_status, score_share_of_target
from metrics.targets import TargetsError, parse_targets
from metrics.targets_assessment import Assessment, Indicator
from tests.fixtures_data import run

BASE = """\
baseline: 2022-12
warning_band: 0.02
targets:
  coverage_rate:
    - {by: 2025-12, value: 0.95}
"""

SCHEME = BASE + """\
assessment:
  no_data: redistribute
  lists: 2
  indicators:
    coverage_attainment: {weight: 60, rule: share_of_target, cap: 1}
    payment_rate:
      weight: 30
      rule: points_by_status
      points: {achieved: 100, on_track: 80, off_track: 20}
    task_completion: {weight: 10, rule: share_of_target, target: 1, cap: 1.2}
  grades: {优秀: 90, 良好: 80, 合格: 60, 不合格: 0}
"""


def scheme(text: str = SCHEME) -> Assessment:
    return parse_targets(text).assessment


def problems(text: str) -> list[str]:
    with pytest.raises(TargetsError) as error:
        parse_targets(text)
    return [p.render("t.yaml", "zh") for p in error.value.problems]


# --------------------------------------------------------------------------- the section


def test_assessment_section_is_read_with_grades_highest_first():
    found = scheme()
    assert [i.key for i in found.indicators] == ["coverage_attainment", "payment_rate", "task_completion"]
    assert found.grades == (("优秀", 90.0), ("良好", 80.0), ("合格", 60.0), ("不合格", 0.0))
    assert (found.no_data, found.lists, found.full_marks) == ("redistribute", 2, 100.0)
    assert found.indicators[1].points == (("achieved", 100.0), ("on_track", 80.0), ("off_track", 20.0))


def test_assessment_problems_name_place_line_and_reason_in_chinese():
    text = BASE + """\
assessment:
  no_data: skip
  indicators:
    coverage_attainment: {weight: 0, rule: share_of_target, cap: 3}
    payment_rate: {weight: 20, rule: by_rank}
    happiness: {weight: 5, rule: share_of_target}
    pool_conversion: {weight: 5, rule: points_by_status, points: {great: 10}}
  grades: {优秀: 90, 良好: 90}
"""
    assert problems(text) == [
        "t.yaml:7: assessment.no_data: skip 不是 redistribute、zero 之一（redistribute：权重分给有数据的指标；zero：记零分）",
        "t.yaml:9: assessment.indicators.coverage_attainment.weight: 0 不是大于 0 的权重",
        "t.yaml:9: assessment.indicators.coverage_attainment.cap: 3 不是 (0, 2] 之间的封顶值（1 表示完成目标即满分）",
        "t.yaml:10: assessment.indicators.payment_rate.rule: by_rank 不是计分规则（share_of_target：按目标完成比例计分；points_by_status：按状态计分）",
        "t.yaml:11: assessment.indicators.happiness: 未知的指标“happiness”；可用的有：coverage_attainment、employee_share_attainment、payment_rate、task_completion、timeliness、completeness、pool_conversion",
        "t.yaml:12: assessment.indicators.pool_conversion.points.great: 未知的配置项“great”；可用的有：achieved、on_track、behind、off_track",
        "t.yaml:13: assessment.grades: 有两个等级的最低分相同",
    ]


def test_grade_bands_without_one_starting_at_zero_are_refused():
    text = BASE + "assessment:\n  indicators:\n    completeness: {weight: 10, rule: share_of_target}\n  grades: {优秀: 90, 合格: 60}\n"
    assert problems(text) == ["t.yaml:9: assessment.grades: 没有最低分为 0 的等级：低分区划将没有等级"]


# --------------------------------------------------------------------------- scoring rules

SHARE = Indicator(key="coverage_attainment", weight=60, rule="share_of_target", cap=1.0)


def test_share_of_target_scores_weight_times_value_over_the_regions_own_target():
    target, attainment, points = score_share_of_target(SHARE, 0.9, 0.95)
    assert (target, round(attainment, 6), round(points, 6)) == (0.95, round(0.9 / 0.95, 6), round(60 * 0.9 / 0.95, 6))


def test_share_of_target_is_capped():
    assert score_share_of_target(SHARE, 0.97, 0.95) == (0.95, 1.0, 60.0)
    capped = Indicator(key="task_completion", weight=10, rule="share_of_target", target=1.0, cap=1.2)
    assert score_share_of_target(capped, 1.5, None) == (1.0, 1.2, 12.0)


def test_share_of_target_uses_the_schemes_target_before_the_regions():
    fixed = Indicator(key="pool_conversion", weight=5, rule="share_of_target", target=0.6, cap=1.0)
    assert score_share_of_target(fixed, 0.3, 0.95) == (0.6, 0.5, 2.5)


def test_share_of_target_without_any_target_aims_at_one():
    assert score_share_of_target(Indicator(key="completeness", weight=5, rule="share_of_target"), 0.8, None) == (1.0, 0.8, 4.0)


def test_points_by_status_scores_the_listed_points_out_of_100():
    rule = scheme().indicators[1]
    assert score_points_by_status(rule, "on_track") == 24.0
    assert score_points_by_status(rule, "behind") == 0.0  # not listed: 0
    assert score_points_by_status(rule, None) is None  # no data


@pytest.mark.parametrize("score, grade", [(100, "优秀"), (90, "优秀"), (89.99, "良好"), (80, "良好"), (79.99, "合格"), (60, "合格"), (59.99, "不合格"), (0, "不合格")])
def test_grade_band_is_the_highest_whose_lowest_score_is_reached(score, grade):
    assert grade_of(score, scheme().grades) == grade


# --------------------------------------------------------------------------- the engine


def values() -> pd.DataFrame:
    return pd.DataFrame(
        [
            # code, name, level, comparable, reason, coverage, its target, payment status, task completion
            ("1", "甲镇", "township", True, None, 0.95, 0.95, "achieved", 1.0),
            ("2", "乙镇", "township", True, None, 0.90, 0.95, "on_track", None),
            ("3", "丙镇", "township", True, None, 0.76, 0.95, "off_track", 0.5),
            ("4", "丁镇", "township", False, "上级代报其部分险种", 0.99, 0.95, "achieved", 1.0),
            ("5", "戊镇", "township", True, None, None, 0.95, None, None),
        ],
        columns=["region_code", "region_name", "level", "comparable", "reason", "coverage_attainment", "coverage_attainment_target", "payment_rate_status", "task_completion"],
    )


def test_no_data_redistributes_the_weight_among_the_indicators_with_data():
    result = assess(values(), scheme())
    second = result.scores.set_index("region_code").loc["2"]
    # coverage 60 × 0.90/0.95 = 56.842..., payment 30 × 0.8 = 24; 90 of 100 weight has data: × 100/90
    assert second["score"] == round((60 * 0.90 / 0.95 + 24) * 100 / 90, 2) == 89.82
    assert pd.isna(second["points_task_completion"])  # no data: no points, not zero
    assert second["grade"] == "良好"


def test_no_data_scores_zero_when_the_scheme_says_zero():
    zero = scheme(SCHEME.replace("no_data: redistribute", "no_data: zero"))
    second = assess(values(), zero).scores.set_index("region_code").loc["2"]
    assert second["score"] == round(60 * 0.90 / 0.95 + 24, 2) == 80.84
    assert second["points_task_completion"] == 0.0


def test_scores_sum_the_points_and_grade_the_rounded_score():
    scores = assess(values(), scheme()).scores
    assert scores[["region_code", "score", "grade", "rank"]].values.tolist() == [
        ["1", 100.0, "优秀", 1],
        ["2", 89.82, "良好", 2],
        ["3", round(60 * 0.76 / 0.95 + 6 + 5, 2), "不合格", 3],  # 48 + 6 + 5 = 59
    ]


def test_not_comparable_and_no_data_regions_are_listed_apart_with_the_reason():
    apart = assess(values(), scheme()).apart
    assert apart[["region_code", "why", "reason"]].values.tolist() == [["4", "not_comparable", "上级代报其部分险种"], ["5", "no_data", ""]]


def test_equal_scores_share_the_better_rank():
    frame = values().iloc[:3].copy()
    frame.loc[1, ["coverage_attainment", "payment_rate_status", "task_completion"]] = [0.95, "achieved", 1.0]
    assert assess(frame, scheme()).scores["rank"].tolist() == [1, 1, 3]


def test_red_and_black_lists_split_few_regions_without_overlap():
    scores = assess(values(), scheme()).scores
    red, black = red_and_black(scores, 2)
    assert (red["region_code"].tolist(), black["region_code"].tolist()) == (["1", "2"], ["3"])
    red, black = red_and_black(scores, 1)
    assert (red["region_code"].tolist(), black["region_code"].tolist()) == (["1"], ["3"])


# --------------------------------------------------------------------------- on the demo: the CLI and the workbook agree


def test_assessment_workbook_figures_equal_what_kuomian_assess_prints(demo_copy, tmp_path, capsys):
    from pathlib import Path

    db = demo_copy("assess-cli")
    targets = Path(__file__).resolve().parent.parent / "config" / "targets.yaml"
    status, out, err = run(capsys, "--db", db, "--targets", targets, "assess", "--year", "2026", "--format", "csv", "--output", tmp_path / "a.xlsx")
    assert status == 0, err
    printed = pd.read_csv(__import__("io").StringIO(out.lstrip("\ufeff")), dtype=str)
    book = load_workbook(tmp_path / "a.xlsx")
    assert book.sheetnames == ["2026年县级考核", "2026年乡镇级考核", "未参评（不可比）", "评分规则", "奖补测算"]
    sheet = book["2026年县级考核"]
    headers = [c.value for c in sheet[3]]
    assert headers[:5] == ["名次", "区划代码", "区划", "总分", "等级"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4, max_row=12)]
    county = printed[printed["层级"] == "县级"]
    assert [r[1] for r in rows] == county["区划代码"].tolist()
    assert [f"{r[3]:.2f}" for r in rows] == [f"{float(v):.2f}" for v in county["总分"]]
    assert [r[4] for r in rows] == county["等级"].tolist()
    rule = book["评分规则"]
    assert [c.value for c in rule[3]] == ["指标", "权重", "计分规则"]
    assert rule["A4"].value == "参保率目标完成"


def test_an_assessment_month_outside_its_year_is_refused_in_one_line_not_a_traceback(demo_copy, capsys):
    from pathlib import Path

    db = demo_copy("assess-cli-period")
    targets = Path(__file__).resolve().parent.parent / "config" / "targets.yaml"
    status, out, err = run(capsys, "--db", db, "--targets", targets, "assess", "--year", "2026", "--period", "2027-01")
    assert (status, out) == (1, "")
    assert err == "--period 2027-01: not a month of --year 2026 (the assessment scores one year)\n"
