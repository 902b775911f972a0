"""The targets file: its format, its validation, and per-region targets."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from metrics.periods import month_index
from metrics.targets import (
    METRIC_KEYS,
    BulletinRules,
    NameRule,
    PraiseRule,
    SCHEMES,
    Milestone,
    MetricTarget,
    TargetProblem,
    Targets,
    TargetsError,
    parse_targets,
)

REPO_ROOT = Path(__file__).parent.parent

HEADER = """\
baseline: 2022-12
warning_band: 0.02
"""


def doc(body: str, header: str = HEADER) -> str:
    return header + dedent(body)


def problems_of(text: str) -> list[TargetProblem]:
    with pytest.raises(TargetsError) as caught:
        parse_targets(text)
    return caught.value.problems


def only_problem(text: str) -> TargetProblem:
    problems = problems_of(text)
    assert len(problems) == 1, problems
    return problems[0]


def coverage(value: str = "0.95", by: str = "2025-12") -> str:
    return doc(
        f"""\
        targets:
          coverage_rate:
            - {{by: {by}, value: {value}}}
        """
    )


# --------------------------------------------------------------------------
# Reading a valid file


def test_shipped_targets_file_is_valid():
    targets = parse_targets((REPO_ROOT / "config" / "targets.yaml").read_text(encoding="utf-8"))
    assert targets.baseline == month_index("2022-12")
    assert targets.warning_band == 0.02
    assert set(targets.metrics) == set(METRIC_KEYS)
    assert [(m.by_period, m.value) for m in targets.metrics["coverage_rate"].milestones] == [
        ("2020-12", 0.95), ("2025-12", 0.95), ("2035-12", 0.95),
    ]
    assert [(m.by_period, m.value) for m in targets.metrics["employee_share"].milestones] == [
        ("2025-12", 0.30), ("2035-12", 0.50),
    ]
    payment = targets.metrics["payment_rate"]
    assert payment.schemes == ("resident",)
    assert [(m.by_period, m.value) for m in payment.milestones] == [
        ("2025-07", 0.60), ("2025-08", 0.70), ("2025-11", 0.80),
        ("2026-07", 0.60), ("2026-08", 0.70), ("2026-11", 0.80),
    ]
    # The example override is commented out, so it does not change the demo.
    assert targets.overrides == {}


def test_shipped_example_override_is_valid_when_uncommented():
    text = (REPO_ROOT / "config" / "targets.yaml").read_text(encoding="utf-8")
    start = text.index("# overrides:")
    example = "\n".join(line.removeprefix("# ") for line in text[start:].splitlines())
    targets = parse_targets(text[:start] + example + "\n")
    assert [(m.by_period, m.value) for m in targets.overrides["530302"]["coverage_rate"].milestones] == [
        ("2025-12", 0.95), ("2035-12", 0.96),
    ]


def test_list_and_mapping_forms_of_a_metric_are_equivalent():
    as_list = parse_targets(
        doc(
            """\
            targets:
              coverage_rate:
                - {by: 2025-12, value: 0.95}
            """
        )
    )
    as_mapping = parse_targets(
        doc(
            """\
            targets:
              coverage_rate:
                milestones:
                  - {by: 2025-12, value: 0.95}
            """
        )
    )
    assert as_list == as_mapping
    assert as_list.metrics["coverage_rate"] == MetricTarget(
        milestones=(Milestone(by=month_index("2025-12"), value=0.95),), schemes=None
    )


def test_a_metric_may_be_absent():
    targets = parse_targets(coverage())
    assert set(targets.metrics) == {"coverage_rate"}
    assert targets.for_region("employee_share", ["530181", "530100", "530000"]) is None


def test_milestone_month_is_a_month_index_with_its_label():
    milestone = parse_targets(coverage(by="2035-12")).metrics["coverage_rate"].milestones[0]
    assert milestone.by == 12 * 2035 + 12
    assert milestone.by_period == "2035-12"


def test_models_are_frozen():
    targets = parse_targets(coverage())
    with pytest.raises(Exception):
        targets.warning_band = 0.5  # type: ignore[misc]
    with pytest.raises(Exception):
        targets.metrics["coverage_rate"].milestones[0].value = 0.5  # type: ignore[misc]


def test_models_forbid_extra_fields():
    with pytest.raises(Exception):
        Milestone(by=24312, value=0.9, note="x")  # type: ignore[call-arg]


# --------------------------------------------------------------------------
# Values


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ('"95%"', 0.95),
        ('"95.5%"', 0.955),
        ('"100%"', 1.0),
        ('"0.25%"', 0.0025),
        ("'30%'", 0.30),
    ],
)
def test_value_written_as_percent_string_is_read_as_fraction(written, read):
    targets = parse_targets(coverage(value=written))
    assert targets.metrics["coverage_rate"].milestones[0].value == pytest.approx(read, abs=1e-12)


@pytest.mark.parametrize("written", ["0.95", "1", "1.0", "0.0001", "0.1234"])
def test_value_fraction_with_at_most_four_decimals_is_accepted(written):
    targets = parse_targets(coverage(value=written))
    assert targets.metrics["coverage_rate"].milestones[0].value == float(written)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("1.2", "1.2 is not a fraction in (0, 1]"),
        ("0", "0 is not a fraction in (0, 1]"),
        ("0.0", "0.0 is not a fraction in (0, 1]"),
        ("-0.5", "-0.5 is not a fraction in (0, 1]"),
        ("95", "95 is not a fraction in (0, 1]"),
        (".nan", "nan is not a fraction in (0, 1]"),
        ("0.12345", "0.12345 has more than 4 decimals"),
        ("true", "true is not a number"),
        ("false", "false is not a number"),
        ('"95.125%"', "95.125% has more than 2 decimals"),
        ('"120%"', "120% is not a percentage in (0%, 100%]"),
        ('"0%"', "0% is not a percentage in (0%, 100%]"),
        ('"-5%"', "-5% is not a fraction in (0, 1] or a percentage like '95%'"),
        ('"high"', "high is not a fraction in (0, 1] or a percentage like '95%'"),
        ("", "an empty value is not a number"),
    ],
)
def test_value_must_be_a_fraction_with_at_most_four_decimals(written, message):
    problem = only_problem(coverage(value=written))
    assert (problem.place, problem.line, problem.message) == (
        "targets.coverage_rate[0].value", 5, message,
    )


# --------------------------------------------------------------------------
# Months


@pytest.mark.parametrize("written", ["2025-13", "2025-00", "2025-1", "25-12", "2025-12-01", "202512", '"2025/12"', "2025-12x"])
def test_by_must_be_a_month_written_yyyy_mm(written):
    problem = only_problem(coverage(by=written))
    assert problem.place == "targets.coverage_rate[0].by"
    assert problem.line == 5
    assert problem.message.endswith(" is not a month written YYYY-MM")


def test_bad_month_message_names_the_month_as_written():
    assert only_problem(coverage(by="2025-13")).message == "2025-13 is not a month written YYYY-MM"


@pytest.mark.parametrize("written", ["2022-13", "2022-12-31", "2022", "december"])
def test_baseline_must_be_a_month(written):
    problem = only_problem(doc(
        """\
        targets: {}
        """,
        header=f"baseline: {written}\nwarning_band: 0.02\n",
    ))
    assert (problem.place, problem.line) == ("baseline", 1)
    assert problem.message.endswith(" is not a month written YYYY-MM")


# --------------------------------------------------------------------------
# Milestone order and shape


def test_milestones_must_ascend():
    problem = only_problem(doc(
        """\
        targets:
          coverage_rate:
            - {by: 2025-12, value: 0.95}
            - {by: 2035-12, value: 0.95}
            - {by: 2030-12, value: 0.95}
        """
    ))
    assert problem.render("targets.yaml") == (
        "targets.yaml:7: targets.coverage_rate[2].by: "
        "2030-12 is not after the previous milestone (2035-12)"
    )


def test_milestones_must_have_distinct_months():
    problem = only_problem(doc(
        """\
        targets:
          payment_rate:
            schemes: [resident]
            milestones:
              - {by: 2025-12, value: 0.60}
              - {by: 2025-12, value: 0.70}
        """
    ))
    assert (problem.place, problem.line, problem.message) == (
        "targets.payment_rate.milestones[1].by", 8,
        "2025-12 is not after the previous milestone (2025-12)",
    )


@pytest.mark.parametrize(
    ("entry", "place", "message"),
    [
        ("[]", "targets.coverage_rate", "needs at least one milestone"),
        ("{milestones: []}", "targets.coverage_rate.milestones", "needs at least one milestone"),
        ("{schemes: [resident]}", "targets.coverage_rate.milestones", "'milestones' is required"),
        ("", "targets.coverage_rate",
         "expected a list of milestones or a mapping with 'milestones', got an empty value"),
        ("0.95", "targets.coverage_rate",
         "expected a list of milestones or a mapping with 'milestones', got 0.95"),
        ("{milestones: 0.95}", "targets.coverage_rate.milestones", "expected a list of milestones, got 0.95"),
        ("[2025-12]", "targets.coverage_rate[0]",
         "expected a milestone {by: YYYY-MM, value: ...}, got 2025-12"),
    ],
)
def test_metric_entry_must_be_a_non_empty_list_of_milestones(entry, place, message):
    problem = only_problem(doc(f"targets:\n  coverage_rate: {entry}\n"))
    assert (problem.place, problem.line, problem.message) == (place, 4, message)


@pytest.mark.parametrize(
    ("milestone", "place", "message"),
    [
        ("{by: 2025-12}", "targets.coverage_rate[0].value", "'value' is required"),
        ("{value: 0.95}", "targets.coverage_rate[0].by", "'by' is required"),
        ("{by: 2025-12, value: 0.95, note: x}", "targets.coverage_rate[0].note",
         "unknown key 'note'; allowed: by, value"),
    ],
)
def test_milestone_has_exactly_by_and_value(milestone, place, message):
    problem = only_problem(doc(f"targets:\n  coverage_rate:\n    - {milestone}\n"))
    assert (problem.place, problem.line, problem.message) == (place, 5, message)


# --------------------------------------------------------------------------
# Keys


def test_unknown_metric_key_is_a_problem_naming_the_allowed_ones():
    problem = only_problem(doc(
        """\
        targets:
          coverage_rate:
            - {by: 2025-12, value: 0.95}
          coverage:
            - {by: 2025-12, value: 0.95}
        """
    ))
    assert (problem.place, problem.line, problem.message) == (
        "targets.coverage", 6,
        "unknown metric 'coverage'; allowed: coverage_rate, employee_share, payment_rate",
    )


def test_unknown_top_level_key_is_a_problem_naming_the_allowed_ones():
    problem = only_problem(doc(
        """\
        targets: {}
        deadline: 2035-12
        """
    ))
    assert (problem.place, problem.line, problem.message) == (
        "deadline", 4, "unknown key 'deadline'; allowed: baseline, warning_band, targets, overrides, bulletin, reporting, warnings, assessment, rewards",
    )


def test_unknown_key_in_a_metric_mapping_is_a_problem():
    problem = only_problem(doc(
        """\
        targets:
          payment_rate:
            scheme: [resident]
            milestones:
              - {by: 2025-12, value: 0.6}
        """
    ))
    assert (problem.place, problem.line, problem.message) == (
        "targets.payment_rate.scheme", 5, "unknown key 'scheme'; allowed: milestones, schemes",
    )


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("warning_band: 0.02\ntargets: {}\n", ["baseline"]),
        ("baseline: 2022-12\ntargets: {}\n", ["warning_band"]),
        ("baseline: 2022-12\nwarning_band: 0.02\n", ["targets"]),
        ("overrides: {}\n", ["baseline", "warning_band", "targets"]),
    ],
)
def test_baseline_warning_band_and_targets_are_required(text, places):
    problems = problems_of(text)
    assert [p.place for p in problems] == places
    assert all(p.message == f"'{p.place}' is required" and p.line == 1 for p in problems)


def test_targets_must_be_a_mapping():
    problem = only_problem(doc("targets: [coverage_rate]\n"))
    assert (problem.place, problem.line) == ("targets", 3)


# --------------------------------------------------------------------------
# warning_band


@pytest.mark.parametrize("written", ["0", "0.02", "0.5", "0.999"])
def test_warning_band_in_zero_to_one_is_accepted(written):
    targets = parse_targets(f"baseline: 2022-12\nwarning_band: {written}\ntargets: {{}}\n")
    assert targets.warning_band == float(written)


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("1", "1 is not a number in [0, 1)"),
        ("-0.01", "-0.01 is not a number in [0, 1)"),
        ("true", "true is not a number"),
        ('"2%"', "2% is not a number"),
        ("", "an empty value is not a number"),
    ],
)
def test_warning_band_must_be_a_number_in_zero_to_one(written, message):
    problem = only_problem(f"baseline: 2022-12\nwarning_band: {written}\ntargets: {{}}\n")
    assert (problem.place, problem.line, problem.message) == ("warning_band", 2, message)


# --------------------------------------------------------------------------
# Schemes


def test_schemes_limit_a_metric_to_some_schemes():
    targets = parse_targets(doc(
        """\
        targets:
          payment_rate:
            schemes: [resident, public]
            milestones:
              - {by: 2025-07, value: "60%"}
        """
    ))
    assert targets.metrics["payment_rate"].schemes == ("resident", "public")


@pytest.mark.parametrize(
    ("schemes", "problems"),
    [
        ("[]", [("targets.payment_rate.schemes",
                 "must not be empty (leave 'schemes' out to mean all schemes)")]),
        ("[rural]", [("targets.payment_rate.schemes[0]",
                      "unknown scheme 'rural'; allowed: " + ", ".join(SCHEMES))]),
        ("[resident, resident]", [("targets.payment_rate.schemes[1]", "scheme 'resident' is listed twice")]),
        ("resident", [("targets.payment_rate.schemes",
                       "expected a list of schemes (employee, public, resident), got resident")]),
    ],
)
def test_schemes_are_a_non_empty_list_of_distinct_known_schemes(schemes, problems):
    found = problems_of(doc(
        f"""\
        targets:
          payment_rate:
            schemes: {schemes}
            milestones:
              - {{by: 2025-07, value: 0.6}}
        """
    ))
    assert [(p.place, p.line, p.message) for p in found] == [(place, 5, m) for place, m in problems]


# --------------------------------------------------------------------------
# Overrides


OVERRIDDEN = doc(
    """\
    targets:
      coverage_rate:
        - {by: 2025-12, value: 0.95}
      payment_rate:
        schemes: [resident]
        milestones:
          - {by: 2026-07, value: 0.60}
    overrides:
      "530000":
        coverage_rate:
          - {by: 2025-12, value: 0.90}
      "530100":
        coverage_rate:
          - {by: 2025-12, value: 0.97}
        payment_rate:
          - {by: 2026-07, value: 0.65}
      "530300":
        payment_rate:
          schemes: [resident, public]
          milestones:
            - {by: 2026-07, value: 0.70}
      "530400":
        employee_share:
          - {by: 2025-12, value: 0.40}
    """
)


def _values(target: MetricTarget | None) -> list[float]:
    assert target is not None
    return [m.value for m in target.milestones]


@pytest.mark.parametrize(
    ("lineage", "expected"),
    [
        (["530181", "530100", "530000", "000000"], [0.97]),  # parent beats grandparent
        (["530100", "530000"], [0.97]),  # the region's own override
        (["530302", "530300", "530000"], [0.90]),  # only the grandparent overrides
        (["520102", "520100", "520000"], [0.95]),  # no override: the global target
        ([], [0.95]),
    ],
)
def test_nearest_overriding_ancestor_wins(lineage, expected):
    targets = parse_targets(OVERRIDDEN)
    assert _values(targets.for_region("coverage_rate", lineage)) == expected


def test_override_without_schemes_keeps_global_schemes():
    target = parse_targets(OVERRIDDEN).for_region("payment_rate", ["530181", "530100", "530000"])
    assert target == MetricTarget(
        milestones=(Milestone(by=month_index("2026-07"), value=0.65),), schemes=("resident",)
    )


def test_override_with_schemes_replaces_global_schemes():
    target = parse_targets(OVERRIDDEN).for_region("payment_rate", ["530302", "530300", "530000"])
    assert target is not None
    assert target.schemes == ("resident", "public")
    assert _values(target) == [0.70]


def test_override_of_a_metric_without_global_target_applies_to_its_subtree_only():
    targets = parse_targets(OVERRIDDEN)
    assert _values(targets.for_region("employee_share", ["530402", "530400", "530000"])) == [0.40]
    assert targets.for_region("employee_share", ["530102", "530100", "530000"]) is None


def test_unquoted_region_code_is_read_as_its_digits():
    targets = parse_targets(doc(
        """\
        targets: {}
        overrides:
          530181:
            coverage_rate:
              - {by: 2025-12, value: 0.96}
        """
    ))
    assert set(targets.overrides) == {"530181"}
    assert _values(targets.for_region("coverage_rate", ["530181"])) == [0.96]


@pytest.mark.parametrize("code", ["5", "5301810000001", "'53a1'", "'-530181'", "true"])
def test_region_code_must_be_two_to_twelve_digits(code):
    problem = only_problem(doc(f"targets: {{}}\noverrides:\n  {code}: {{}}\n"))
    assert problem.line == 5
    assert problem.message.endswith(" is not a region code (2 to 12 digits)")


def test_region_given_both_quoted_and_unquoted_is_a_problem():
    problem = only_problem(doc(
        """\
        targets: {}
        overrides:
          "530181": {}
          530181: {}
        """
    ))
    assert (problem.place, problem.line, problem.message) == (
        "overrides.530181", 6, "region 530181 is given twice",
    )


def test_override_entries_follow_the_same_rules_as_targets():
    problems = problems_of(doc(
        """\
        targets: {}
        overrides:
          "530181":
            coverage_rate:
              - {by: 2025-13, value: 0.95}
            payment_rate:
              schemes: [rural]
              milestones: []
            employee: []
        """
    ))
    assert [(p.place, p.line) for p in problems] == [
        ("overrides.530181.coverage_rate[0].by", 7),
        ("overrides.530181.payment_rate.schemes[0]", 9),
        ("overrides.530181.payment_rate.milestones", 10),
        ("overrides.530181.employee", 11),
    ]


def test_empty_overrides_section_means_no_overrides():
    assert parse_targets(doc("targets: {}\noverrides:\n")).overrides == {}


# --------------------------------------------------------------------------
# Reporting


def test_every_problem_is_reported_with_its_place_and_line():
    text = dedent(
        """\
        baseline: 2022-13
        warning_band: 0.02
        targets:
          coverage_rate:
            - {by: 2025-12, value: 1.2}
            - {by: 2035-12, value: 0.95}
          payment_rate:
            schemes: [resident]
            milestones:
              - {by: 2026-07, value: 0.60}
              - {by: 2026-08, value: "seventy"}
        overrides:
          530181:
            coverage_rate:
              - {by: 2025-12, value: 0.95}
              - {by: 2025-12, value: 0.96}
        """
    )
    problems = problems_of(text)
    assert [(p.place, p.line) for p in problems] == [
        ("baseline", 1),
        ("targets.coverage_rate[0].value", 5),
        ("targets.payment_rate.milestones[1].value", 11),
        ("overrides.530181.coverage_rate[1].by", 16),
    ]
    assert problems[1].message == "1.2 is not a fraction in (0, 1]"
    assert problems[3].message == "2025-12 is not after the previous milestone (2025-12)"


def test_problems_are_listed_in_file_order():
    # "targets" comes before "baseline" in this file, and so do its problems.
    problems = problems_of(
        "targets:\n  coverage_rate: []\nbaseline: 2022-13\nwarning_band: 2\n"
    )
    assert [p.line for p in problems] == [2, 3, 4]
    assert [p.place for p in problems] == ["targets.coverage_rate", "baseline", "warning_band"]


def test_yaml_syntax_error_is_one_problem_with_its_line():
    problem = only_problem("baseline: 2022-12\nwarning_band: 0.02\ntargets:\n  coverage_rate: [\n")
    assert problem.place == "yaml"
    assert problem.line == 5
    assert problem.message.startswith("invalid YAML: ")


def test_duplicate_key_is_a_yaml_problem_on_the_second_key():
    problem = only_problem("baseline: 2022-12\nbaseline: 2023-12\nwarning_band: 0.02\ntargets: {}\n")
    assert (problem.place, problem.line) == ("yaml", 2)
    assert "duplicate key" in problem.message


@pytest.mark.parametrize("text", ["", "# nothing\n", "just text\n", "- 1\n- 2\n"])
def test_file_must_be_a_mapping(text):
    problem = only_problem(text)
    assert (problem.place, problem.line) == ("(file)", 1)
    assert problem.message.startswith("expected a mapping with keys baseline, warning_band, targets, overrides, bulletin")


@pytest.mark.parametrize(
    ("problem", "rendered"),
    [
        (TargetProblem("warning_band", 2, "1 is not a number in [0, 1)"),
         "config/targets.yaml:2: warning_band: 1 is not a number in [0, 1)"),
        (TargetProblem("yaml", None, "invalid YAML: boom"),
         "config/targets.yaml: yaml: invalid YAML: boom"),
    ],
)
def test_problem_renders_as_source_line_place_message(problem, rendered):
    assert problem.render("config/targets.yaml") == rendered


def test_targets_error_is_a_value_error_listing_all_problems():
    with pytest.raises(ValueError) as caught:
        parse_targets("baseline: 2022-13\nwarning_band: 2\ntargets: {}\n")
    assert isinstance(caught.value, TargetsError)
    assert caught.value.render("t.yaml").splitlines() == [
        "t.yaml:1: baseline: 2022-13 is not a month written YYYY-MM",
        "t.yaml:2: warning_band: 2 is not a number in [0, 1)",
    ]
    assert "2022-13" in str(caught.value)


def test_problems_read_in_chinese_for_the_dashboard_with_the_place_as_written():
    # issue 9: the dashboard shows every targets-file problem in the user's language.
    error = problems_of(
        "baseline: 2022-13\n"
        "warning_band: 0.02\n"
        "targets:\n"
        "  coverage_rate:\n"
        "    - {by: 2025-12, value: 1.2}\n"
        "    - {by: 2024-12, value: 0.95}\n"
        "  payment_rate:\n"
        "    schemes: [resident, farmer]\n"
        "    milestones: []\n"
        "overrides:\n"
        "  \"5303x\": {coverage_rate: [{by: 2030-12, value: 0.9}]}\n"
        "colour: red\n"
    )
    assert "\n".join(p.render("targets.yaml", "zh") for p in error).splitlines() == [
        "targets.yaml:1: baseline: 2022-13 不是 YYYY-MM 格式的月份（如 2025-12）",
        "targets.yaml:5: targets.coverage_rate[0].value: 1.2 不是 (0, 1] 之间的小数，也不是“95%”这样的百分数",
        "targets.yaml:6: targets.coverage_rate[1].by: 2024-12 不晚于上一个目标节点（2025-12），节点须按月份从早到晚排列",
        "targets.yaml:8: targets.payment_rate.schemes[1]: 未知的险种“farmer”；可用的有：employee、public、resident",
        "targets.yaml:9: targets.payment_rate.milestones: 至少需要一个目标节点",
        "targets.yaml:11: overrides.5303x: 5303x 不是区划代码（应为 2 到 12 位数字）",
        "targets.yaml:12: colour: 未知的配置项“colour”；可用的有：baseline、warning_band、targets、overrides、bulletin、reporting、warnings、assessment、rewards",
    ]


def test_targets_error_renders_in_chinese_and_stays_english_by_default():
    with pytest.raises(TargetsError) as caught:
        parse_targets("baseline: 2022-12\nwarning_band: 0.02\ntargets:\n  coverage_rate: [\n")
    assert caught.value.render("t.yaml", "zh") == (
        "t.yaml:5: yaml: YAML 格式有误（请检查缩进、冒号和引号）：expected the node content, but found '<stream end>'"
    )
    assert caught.value.render("t.yaml") == "t.yaml:5: yaml: invalid YAML: expected the node content, but found '<stream end>'"


def test_problem_without_a_chinese_message_reads_its_english_one_in_chinese():
    assert TargetProblem("(file)", None, "file not found").render("t.yaml", "zh") == "t.yaml: (file): file not found"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "baseline:\nwarning_band: x\ntargets: 3\noverrides: 4\nbulletin: 5\nreporting: 6\n",
        doc("""\
            targets:
              coverage_rate: 7
              employee_share:
                schemes: [employee]
                milestones: 8
              payment_rate:
                schemes: []
                extra: 1
            overrides:
              "12": {coverage_rate: {schemes: 9, milestones: [1, {by: 2025-12}, {by: 2025-12, value: 2%x, x: 1}]}}
              12: {coverage_rate: [{by: 2025-12, value: "101%"}, {by: 2026-12, value: 0.12345}]}
            bulletin:
              praise: {statuses: [], top: -1}
              name: {statuses: [achieved, achieved, nope]}
              extra: 1
            reporting: {carry_forward_months: 13, extra: 1}
            """),
        doc("""\
            targets:
              coverage_rate:
                schemes: [employee, employee]
                milestones: [{by: 2025-12, value: "95.123%"}, {by: 2026-12, value: true}]
              employee_share: [{by: 2025-12, value: .nan}]
              payment_rate: {schemes: 1}
            bulletin: {praise: 1}
            """),
        doc("""\
            warning_band: 2
            targets:
              coverage_rate: []
              payment_rate: {schemes: [farmer], milestones: [{by: 2025-12, value: 0.9}]}
            overrides:
              "12": {coverage_rate: [{by: 2025-12, value: 0.9}]}
              12: {coverage_rate: [{by: 2025-12, value: 0.9}]}
              x1: {coverage_rate: [{by: 2025-12, value: 0.9}]}
            """, header="colour: 1\n"),
    ],
)
def test_every_problem_has_a_chinese_message(text):
    problems = problems_of(text)
    assert problems
    assert [p for p in problems if not p.message_zh] == []


def test_targets_model_is_the_result_type():
    targets = parse_targets(coverage())
    assert isinstance(targets, Targets)
    assert isinstance(targets.metrics["coverage_rate"].milestones[0], Milestone)


# --------------------------------------------------------------------------
# The bulletin section: who the quarterly bulletin praises and names


def test_without_a_bulletin_section_the_default_rules_apply():
    rules = parse_targets(coverage()).bulletin
    assert rules == BulletinRules()
    assert (rules.praise.statuses, rules.praise.top, rules.praise.most_improved) == (("achieved",), 3, 3)
    assert (rules.name.statuses, rules.name.bottom, rules.name.fallen_furthest) == (("off_track",), 3, 3)


def test_the_shipped_file_writes_out_the_default_bulletin_rules():
    targets = parse_targets((REPO_ROOT / "config" / "targets.yaml").read_text(encoding="utf-8"))
    assert targets.bulletin == BulletinRules()


def test_bulletin_rules_are_read_and_what_is_left_out_keeps_its_default():
    targets = parse_targets(coverage() + dedent(
        """\
        bulletin:
          praise: {statuses: [achieved, on_track], top: 5}
          name:
            fallen_furthest: 0
        """
    ))
    assert targets.bulletin.praise == PraiseRule(statuses=("achieved", "on_track"), top=5, most_improved=3)
    assert targets.bulletin.name == NameRule(statuses=("off_track",), bottom=3, fallen_furthest=0)


def test_an_empty_bulletin_section_means_the_defaults():
    assert parse_targets(coverage() + "bulletin:\n").bulletin == BulletinRules()


def test_every_problem_in_the_bulletin_section_is_named_with_its_place_and_line():
    problems = problems_of(coverage() + dedent(
        """\
        bulletin:
          praise:
            statuses: [achieved, great]
            top: -1
            best: 2
          name: {statuses: [], bottom: 2.5, fallen_furthest: true}
          shame: 3
        """
    ))
    assert [(p.place, p.line, p.message) for p in problems] == [
        ("bulletin.praise.statuses[1]", 8, "unknown status 'great'; allowed: achieved, on_track, behind, off_track"),
        ("bulletin.praise.top", 9, "-1 is not a whole number from 0 to 50"),
        ("bulletin.praise.best", 10, "unknown key 'best'; allowed: statuses, top, most_improved"),
        ("bulletin.name.statuses", 11, "expected a non-empty list of statuses (achieved, on_track, behind, off_track), got a list"),
        ("bulletin.name.bottom", 11, "2.5 is not a whole number from 0 to 50"),
        ("bulletin.name.fallen_furthest", 11, "true is not a whole number from 0 to 50"),
        ("bulletin.shame", 12, "unknown key 'shame'; allowed: praise, name"),
    ]


def test_a_bulletin_section_that_is_not_a_mapping_is_a_problem():
    problem = only_problem(coverage() + "bulletin: [praise]\n")
    assert (problem.place, problem.line) == ("bulletin", 6)
    assert problem.message == "expected a mapping with keys praise, name, got a list"


def test_a_status_listed_twice_in_a_bulletin_rule_is_a_problem():
    problem = only_problem(coverage() + "bulletin:\n  name: {statuses: [off_track, off_track]}\n")
    assert (problem.place, problem.line, problem.message) == (
        "bulletin.name.statuses[1]", 7, "status 'off_track' is listed twice",
    )


# --------------------------------------------------------------------------- reporting (issue 8)


def test_carry_forward_months_defaults_to_zero():
    assert parse_targets(coverage()).carry_forward_months == 0


def test_carry_forward_months_is_read_from_the_reporting_section():
    text = coverage() + "reporting: {carry_forward_months: 2}\n"
    assert parse_targets(text).carry_forward_months == 2


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("13", "13 is not a whole number from 0 to 12"),
        ("-1", "-1 is not a whole number from 0 to 12"),
        ("1.5", "1.5 is not a whole number from 0 to 12"),
        ("two", "two is not a whole number from 0 to 12"),
        ("true", "true is not a whole number from 0 to 12"),
        # quoted, it read "2 is not a whole number from 0 to 12"
        ('"2"', "'2' is text (in quotes), not a whole number from 0 to 12; write it without quotes"),
    ],
)
def test_carry_forward_months_is_a_whole_number_from_0_to_12(value, message):
    text = coverage() + f"reporting:\n  carry_forward_months: {value}\n"
    line = text.count("\n")
    problem = only_problem(text)
    assert (problem.place, problem.line, problem.message) == ("reporting.carry_forward_months", line, message)


def test_unknown_key_in_reporting_is_a_problem():
    text = coverage() + "reporting:\n  carry_forward: 2\n"
    problem = only_problem(text)
    assert (problem.place, problem.line, problem.message) == (
        "reporting.carry_forward", text.count("\n"), "unknown key 'carry_forward'; allowed: carry_forward_months, due_day",
    )


def test_schemes_on_employee_share_are_refused_with_place_and_line():
    text = doc(
        """\
        targets:
          employee_share:
            schemes: [employee]
            milestones:
              - {by: 2025-12, value: 0.30}
        """
    )
    problem = only_problem(text)
    line = text.splitlines().index("    schemes: [employee]") + 1
    assert (problem.place, problem.line, problem.message) == (
        "targets.employee_share.schemes", line,
        "employee_share has a fixed definition (employee and public among all schemes); remove 'schemes'",
    )


def test_shipped_targets_file_carries_two_months_forward():
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "config" / "targets.yaml").read_text(encoding="utf-8")
    assert parse_targets(text).carry_forward_months == 2
