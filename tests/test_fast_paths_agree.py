"""The national-scale fast paths (issue 15 point 5) give exactly what the slow paths they replaced gave.

Each test runs both on a small world: the fast path in the project, the slow one kept verbatim in
``tests/slow_paths.py``; frames are compared in every column, dtype and row order.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.db import connect
from metrics.periods import month_index
from metrics.rewards import rewards
from metrics.targets import parse_targets
from tests import slow_paths

TARGETS_FILE = Path(__file__).resolve().parent.parent / "config" / "targets.yaml"


def _same_rewards(fast, slow) -> None:
    for part in ("paid", "never", "without_task"):
        pd.testing.assert_frame_equal(getattr(fast, part), getattr(slow, part), check_exact=True)
    assert (fast.total, fast.stand_in) == (slow.total, slow.stand_in)


@pytest.fixture(scope="module")
def demo(demo_copy):
    return demo_copy("fast-paths"), parse_targets(TARGETS_FILE.read_text(encoding="utf-8"))


CODES = st.sampled_from(["A", "B", "C", "D", "E"])
TASK = st.one_of(st.none(), st.integers(-5, 120), st.floats(0, 120), st.just(float("nan")))
ACHIEVED = st.one_of(st.just(float("nan")), st.integers(-10, 150), st.floats(-10, 150))
MONTHS = st.sampled_from([month_index(m) for m in ("2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12")])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tasks=st.lists(st.tuples(CODES, TASK), max_size=6),
    months=st.lists(st.tuples(CODES, MONTHS, ACHIEVED, st.integers(0, 50_000)), max_size=14, unique_by=lambda r: (r[0], r[1])),
)
def test_rewards_in_one_pass_equal_the_loop_over_regions(tasks, months):
    scheme = parse_targets(TARGETS_FILE.read_text(encoding="utf-8")).rewards
    task_frame = pd.DataFrame(
        [{"region_code": code, "year": 2026, "kind": "new_insured", "task": task} for code, task in tasks],
        columns=["region_code", "year", "kind", "task"],
    )
    achieved = pd.DataFrame(
        [{"region_code": c, "kind": "new_insured", "period": p, "achieved": a, "insured": i} for c, p, a, i in months],
        columns=["region_code", "kind", "period", "achieved", "insured"],
    )
    _same_rewards(rewards(task_frame, achieved, scheme), slow_paths.rewards_by_region(task_frame, achieved, scheme))


@pytest.mark.parametrize("upto", ["2026-11", "2026-06", "2026-01"])
@pytest.mark.parametrize("level", ["county", "township"])
def test_stand_in_tasks_over_all_regions_at_once_equal_the_loop_over_regions(demo, level, upto):
    from data.assessment import monthly_achieved, stand_in_tasks

    db, targets = demo
    with connect(db) as con:
        fast_tasks, fast_achieved = stand_in_tasks(con, targets, 2026, month_index(upto), level, "5303")
        slow_tasks, slow_achieved = slow_paths.stand_in_tasks(con, targets, 2026, month_index(upto), level, "5303")
        codes = fast_tasks["region_code"].tolist()
        fast_monthly = monthly_achieved(con, targets, codes, 2026, month_index(upto))
        slow_monthly = slow_paths.monthly_achieved(con, targets, codes, 2026, month_index(upto))
    assert fast_tasks["task"].notna().sum() > 0  # the world has tasks to compare
    pd.testing.assert_frame_equal(fast_tasks, slow_tasks, check_exact=True)
    pd.testing.assert_frame_equal(fast_achieved, slow_achieved, check_exact=True)
    pd.testing.assert_frame_equal(fast_monthly, slow_monthly, check_exact=True)
    scheme = targets.rewards
    _same_rewards(
        rewards(fast_tasks, fast_achieved, scheme, stand_in=True),
        slow_paths.rewards_by_region(slow_tasks, slow_achieved, scheme, stand_in=True),
    )


def test_timeliness_classified_and_counted_by_column_equal_the_row_by_row_count(demo):
    import datetime as dt

    from data import queries
    from data.timeliness import ARRIVALS
    from metrics.timeliness import classify, rates

    db, _ = demo
    months = list(range(month_index("2025-11"), month_index("2026-12") + 1))
    with connect(db) as con:
        frame = con.execute(ARRIVALS, [months, "5303", "5303"]).df()
        frame["arrived_at"] = pd.to_datetime(frame["arrived_at"])
        frame["period"] = frame["period"].astype("int64")
        lineages = queries.regions(con, sorted(set(frame["region_code"]))).set_index("code")["lineage"]
    assert set(frame["arrived_at"].isna()) == {True, False}
    seen = set()
    for due_day, today in ((10, dt.date(2026, 11, 20)), (3, dt.date(2026, 12, 1)), (28, dt.date(2026, 10, 28))):
        fast = classify(frame, due_day, today)
        slow = slow_paths.classify(frame, due_day, today)
        seen |= set(slow["status"])
        pd.testing.assert_frame_equal(fast, slow, check_exact=True)
        pd.testing.assert_frame_equal(rates(fast, lineages), slow_paths.rates(slow, lineages), check_exact=True)
    assert seen == {"on_time", "late", "missing", "not_due"}  # every status compared
    empty = frame.iloc[:0]
    pd.testing.assert_frame_equal(classify(empty, 10, dt.date(2026, 11, 20)), slow_paths.classify(empty, 10, dt.date(2026, 11, 20)), check_exact=True)


@pytest.mark.parametrize("upto", ["2026-11", "2026-03"])
def test_assessment_timeliness_and_task_completion_read_lean_equal_the_full_read(demo, upto):
    from data.assessment import reporting_and_task_indicators

    db, targets = demo
    with connect(db) as con:
        fast = reporting_and_task_indicators(con, targets, 2026, month_index(upto), ["county", "township"], "5303")
        slow = slow_paths.reporting_and_task_indicators(con, targets, 2026, month_index(upto), ["county", "township"], "5303")
        whole = reporting_and_task_indicators(con, targets, 2026, month_index(upto), ["county"], None)
        whole_slow = slow_paths.reporting_and_task_indicators(con, targets, 2026, month_index(upto), ["county"], None)
    assert fast["timeliness"].between(0.5, 1).sum() > 100 and fast["task_completion"].notna().sum() > 100  # figures to compare
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    pd.testing.assert_frame_equal(whole, whole_slow, check_exact=True)


@pytest.mark.parametrize("period", ["2026-10", "2026-08", "2026-01"])
def test_warnings_built_by_whole_columns_equal_the_row_by_row_list(demo, monkeypatch, period):
    import metrics.warnings
    from data.warnings import warnings_report

    db, targets = demo
    with connect(db) as con:
        fast = {level: warnings_report(con, targets, month_index(period), level=level, root="5303") for level in (None, "township")}
        monkeypatch.setattr(metrics.warnings, "warning_facts", slow_paths.warning_facts)
        slow = {level: warnings_report(con, targets, month_index(period), level=level, root="5303") for level in (None, "township")}
    assert len(set(fast[None]["trigger"])) >= 5  # most triggers fire in the demo
    for level in fast:
        pd.testing.assert_frame_equal(fast[level], slow[level], check_exact=True)


def _same_assessment(fast, slow) -> None:
    for part in ("scores", "parts", "apart"):
        pd.testing.assert_frame_equal(getattr(fast, part), getattr(slow, part), check_exact=True)


@pytest.mark.parametrize("upto", ["2026-11", "2026-02"])
def test_assessment_scored_by_whole_columns_equals_the_region_by_region_score(demo, upto):
    from data.assessment import indicator_values, reporting_and_task_indicators
    from metrics.assessment import assess

    db, targets = demo
    with connect(db) as con:
        extra = reporting_and_task_indicators(con, targets, 2026, month_index(upto), ["county", "township"], "5303")
        values = indicator_values(con, targets, month_index(upto), ["county", "township"], "5303", extra)
    fast, slow = assess(values, targets.assessment), slow_paths.assess_by_region(values, targets.assessment)
    assert len(fast.scores) > 100
    _same_assessment(fast, slow)
    zero = targets.assessment.model_copy(update={"no_data": "zero"})
    _same_assessment(assess(values, zero), slow_paths.assess_by_region(values, zero))


MAYBE = st.one_of(st.none(), st.just(float("nan")), st.floats(-0.5, 2.0))
STATUS = st.one_of(st.none(), st.sampled_from(["achieved", "on_track", "behind", "off_track", "", "none", "odd"]))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(MAYBE, MAYBE, STATUS, MAYBE, STATUS, st.sampled_from([True, False, None]), st.sampled_from(["county", "township"])),
        max_size=8,
    ),
    zero=st.booleans(),
)
def test_assessment_by_columns_equals_by_region_on_any_input(rows, zero):
    from metrics.assessment import assess

    scheme = parse_targets(TARGETS_FILE.read_text(encoding="utf-8")).assessment
    if zero:
        scheme = scheme.model_copy(update={"no_data": "zero"})
    keys = [i.key for i in scheme.indicators]
    frame = pd.DataFrame(
        [
            {
                "region_code": f"53{n:04d}", "region_name": f"R{n}", "level": level, "comparable": comparable,
                "reason": None if comparable is not False else "上级代报",
                keys[0]: a, f"{keys[0]}_target": t, f"{keys[0]}_status": s1,
                **{k: b for k in keys[1:]}, **{f"{k}_status": s2 for k in keys[1:]},
            }
            for n, (a, t, s1, b, s2, comparable, level) in enumerate(rows)
        ]
    )  # fmt: skip
    _same_assessment(assess(frame, scheme), slow_paths.assess_by_region(frame, scheme))


@pytest.mark.parametrize("language", ["zh", "en"])
def test_timeliness_grid_worded_by_whole_columns_equals_the_cell_by_cell_grid(demo, language):
    import datetime as dt

    from data.timeliness import timeliness_rates
    from present.timeliness import _grid

    db, _ = demo
    months = list(range(month_index("2026-06"), month_index("2026-12") + 1))
    with connect(db) as con:
        units, _ = timeliness_rates(con, months, "5303", due_day=3, today=dt.date(2026, 12, 1))
    assert {"late", "missing", "on_time", "not_due"} <= set(units["status"])
    for period in (month_index("2026-11"), month_index("2026-12")):
        pd.testing.assert_frame_equal(_grid(units, period, language), slow_paths._grid(units, period, language), check_exact=True)


@pytest.mark.parametrize("upto", ["2026-11", "2026-01"])
def test_task_completion_by_whole_columns_equals_the_region_by_region_table(demo, monkeypatch, upto):
    import metrics.tasks
    from data.queries import listed_regions
    from data.tasks import completion_of

    db, targets = demo
    with connect(db) as con:
        codes = ["5303", *listed_regions(con, "county", "5303")["code"], *listed_regions(con, "township", "5303")["code"], "5399"]
        fast = completion_of(con, 2026, codes, month_index(upto), targets.carry_forward_months, targets)
        for name in ("achieved", "_whole", "task_table", "withhold_not_comparable"):
            monkeypatch.setattr(metrics.tasks, name, getattr(slow_paths, name))
        slow = completion_of(con, 2026, codes, month_index(upto), targets.carry_forward_months, targets)
    assert fast["completion"].notna().sum() > 100 and (~fast["comparable"]).any()  # figures and withheld rows to compare
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)


APPROVAL_REGIONS = pd.DataFrame(
    {
        "code": ["5301", "530102", "530102001", "530102002", "530102003", "530103", "530103001", "530103002", "530102003201"],
        "name": ["昆明市", "五华区", "华山街道", "护国街道", "大观街道", "盘龙区", "拓东街道", "鼓楼街道", "某社区"],
        "level": ["city", "county", "township", "township", "township", "county", "township", "township", "village"],
        "parent_code": [None, "5301", "530102", "530102", "530102", "5301", "530103", "530103", "530102003"],
        "lineage": [
            ("5301",), ("530102", "5301"), ("530102001", "530102", "5301"), ("530102002", "530102", "5301"),
            ("530102003", "530102", "5301"), ("530103", "5301"), ("530103001", "530103", "5301"),
            ("530103002", "530103", "5301"), ("530102003201", "530102003", "530102", "5301"),
        ],
    }
)  # fmt: skip
SUBMITTERS = st.sampled_from(["530102", "530102001", "530102002", "530102003", "530103", "530103001", "530103002"])
STAMP = st.one_of(st.none(), st.just(pd.Timestamp("2026-01-05 09:00")), st.just(pd.Timestamp("2026-01-06 17:30")))
SUBMISSION = st.tuples(
    SUBMITTERS, st.sampled_from([month_index("2025-11"), month_index("2025-12")]),
    st.sampled_from(["submitted", "approved", "returned"]), STAMP, st.one_of(st.none(), st.just("wh:chen")),
    st.one_of(st.none(), st.just("有误")), st.booleans(),
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(SUBMISSION, max_size=8),
    root=st.sampled_from(["5301", "530102", "530103001", "530102003201"]),
    period=st.sampled_from([month_index("2025-11"), month_index("2025-12")]),
    language=st.sampled_from(["zh", "en"]),
    locked=st.booleans(),
    figures=st.sampled_from([frozenset(), frozenset({"530102003201"}), frozenset({"530103", "530102001"})]),
)
def test_township_status_worded_once_per_submission_equals_the_township_by_township_table(rows, root, period, language, locked, figures):
    import datetime as dt

    from data.approval import SUBMISSION_COLUMNS, Lock
    from present.approvals import township_status

    names = dict(zip(APPROVAL_REGIONS["code"], APPROVAL_REGIONS["name"]))
    subs = pd.DataFrame(
        [
            dict(zip(SUBMISSION_COLUMNS, [
                number, number, month, region, names[region], "township", status, "hs:li", pd.Timestamp("2026-01-04 08:00"),
                reviewer, None if reviewer is None else stamp, reason, f"{region}.xlsx", stamp if status != "approved" else None, held,
            ]))  # fmt: skip
            for number, (region, month, status, stamp, reviewer, reason, held) in enumerate(rows, start=1)
        ],
        columns=SUBMISSION_COLUMNS,
    )
    locks = {period: Lock(period, "office:wang", dt.datetime(2026, 1, 6, 17, 0), "关账")} if locked else {}
    fast = township_status(APPROVAL_REGIONS, subs, locks, root, period, language, figures)
    slow = slow_paths.township_status(APPROVAL_REGIONS, subs, locks, root, period, language, figures)
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)


def test_the_assessment_and_its_rewards_read_each_levels_regions_once_and_score_the_same(demo, monkeypatch):
    from data import queries
    from data.assessment import RegionLists, run_assessment, run_rewards

    db, targets = demo
    period = month_index("2026-10")
    with connect(db) as con:
        alone = run_assessment(con, targets, 2026, period, ["county", "township"], "5303")
        alone_rewards = run_rewards(con, targets, 2026, period, "township", "5303")
        reads = []
        original = queries.listed_regions
        monkeypatch.setattr(queries, "listed_regions", lambda con, level, root: reads.append((level, root)) or original(con, level, root))
        lists = RegionLists(con)
        shared = run_assessment(con, targets, 2026, period, ["county", "township"], "5303", lists=lists)
        shared_rewards = run_rewards(con, targets, 2026, period, "township", "5303", lists=lists)
    assert sorted(reads) == [("county", "5303"), ("township", "5303")]
    for part in ("scores", "parts", "apart"):
        pd.testing.assert_frame_equal(getattr(shared, part), getattr(alone, part), check_exact=True)
    _same_rewards(shared_rewards, alone_rewards)


def test_county_of_from_plain_lists_equals_the_series_lookups(demo):
    from data.queries import regions
    from metrics.warnings import county_of

    db, _ = demo
    with connect(db) as con:
        every = regions(con)
    odd = pd.DataFrame(
        {
            "code": ["99", "9901", "990101", "990102", "9902"],
            "name": ["某省", "某县", "某镇", "无县镇", "孤县"],
            "level": ["province", "county", "township", "township", "county"],
            "lineage": [("99",), ("9901", "99"), ("990101", "9901", "99"), ("990102", "77", "99"), ["9902", "99"]],
        }
    )  # a lineage through a region not listed, and one given as a list
    for frame in (every, odd, every.iloc[:0]):
        fast, slow = county_of(frame), slow_paths.county_of_by_lookup(frame)
        pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert county_of(odd)["county_code"].fillna("none").tolist()[2:] == ["9901", "none", "9902"]
