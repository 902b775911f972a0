"""The engine and an independent implementation of the contract give the same report.

``bench.baseline`` computes every metric of ``/work/shared/spec/metrics.md``
again, in plain pandas, from the raw tables (it shares nothing with
``metrics/compute.py``, ``data/queries.py`` or ``data/report.py`` but the
targets parser). An analyst can trust a figure on the dashboard because two
programs written apart agree on it, to 1e-9 on every float and exactly on
every count, month, status and rank:

* on the demo data set (曲靖市: county-level reporting, a missed month,
  villages, yearly population), with the project's targets;
* on a small province with every irregular shape (``bench.province``,
  ``irregular=True``) and targets with overrides, scheme restrictions, a
  percent value and a year without payment milestones;

for several months (before any data, the first month, year ends, the payment
milestones) and every level, under a root, and against a chosen comparison month.
(``bench/run.py`` checks the same on the full 1,500-township province.)
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from bench import baseline, province
from data.db import connect
from data.report import metrics_report
from data.store import import_file
from metrics.periods import month_index
from metrics.targets import Targets, parse_targets

ROOT = Path(__file__).resolve().parent.parent

PROVINCE_TARGETS = """
baseline: 2025-06
warning_band: 0.02
targets:
  coverage_rate:
    - {by: 2020-12, value: 0.95}
    - {by: 2025-12, value: 0.95}
    - {by: 2035-12, value: 0.95}
  employee_share:
    - {by: 2025-12, value: 0.30}
    - {by: 2035-12, value: 0.50}
  payment_rate:
    schemes: [resident]
    milestones:
      - {by: 2025-07, value: 0.60}
      - {by: 2025-08, value: 0.70}
      - {by: 2025-11, value: 0.80}
      - {by: 2026-07, value: 0.60}
      - {by: 2026-08, value: 0.70}
      - {by: 2026-11, value: 0.80}
overrides:
  "530102":                 # the county that reports its employee schemes itself
    coverage_rate:
      schemes: [employee, resident]
      milestones:
        - {by: 2025-12, value: 0.95}
        - {by: 2035-12, value: 0.96}
  "5303":
    payment_rate:
      schemes: [resident, public]
      milestones:
        - {by: 2026-06, value: 0.5}
        - {by: 2026-12, value: "90%"}
    employee_share:
      - {by: 2024-12, value: 0.25}    # due before the baseline: the trajectory is the target
  "530301":
    payment_rate:
      - {by: 2025-09, value: 0.75}    # nothing for 2026: no target, no status
"""


@dataclass
class World:
    db: Path
    targets: Targets
    tables: baseline.Tables


def _world(db: Path, targets: Targets) -> World:
    with connect(db) as con:
        return World(db, targets, baseline.load(con))


@pytest.fixture(scope="module")
def worlds(tmp_path_factory, demo_copy) -> dict[str, World]:
    root = tmp_path_factory.mktemp("agree")
    demo_db = demo_copy("agree-demo")
    province_db = root / "province.duckdb"
    paths = province.build(province.QUICK, irregular=True).write_csvs(root / "csv")
    for kind in ("regions", "population", "snapshots"):
        import_file(province_db, kind, paths[kind])
    return {
        "demo": _world(demo_db, parse_targets((ROOT / "config" / "targets.yaml").read_text(encoding="utf-8"))),
        "province": _world(province_db, parse_targets(textwrap.dedent(PROVINCE_TARGETS))),
    }


def _reports(world: World, period: str, level: str, root: str | None = None, compare_to: str | None = None):
    month = month_index(period)
    compare = None if compare_to is None else month_index(compare_to)
    with connect(world.db) as con:
        engine = metrics_report(con, world.targets, month, level=level, root=root, compare_to=compare)
    base = baseline.report(world.tables, world.targets, month, level, root=root, compare_to=compare)
    return engine, base


def _explain(found: list[dict]) -> str:
    return "\n".join(f"{d['metric']} {d['region_code']} {d['field']}: engine {d['engine']!r}, baseline {d['baseline']!r}" for d in found[:30])


CASES = (
    [("demo", period, level) for period in ("2022-12", "2025-12", "2026-08", "2026-10") for level in ("county", "township", "village")]
    + [
        ("province", period, level)
        for period in ("2025-01", "2025-12", "2026-08", "2026-10")  # the first month: nothing to compare with
        for level in ("city", "county", "township", "village")
    ]
    + [("province", "2026-12", "province"), ("province", "2022-12", "township")]  # the root; before any data
)


@pytest.mark.parametrize(("dataset", "period", "level"), CASES, ids=["-".join(case) for case in CASES])
def test_engine_and_baseline_give_the_same_report(worlds, dataset, period, level):
    engine, base = _reports(worlds[dataset], period, level)
    assert len(engine) > 0 and len(engine) == len(base)
    found = baseline.differences(engine, base)
    assert found == [], _explain(found)


@pytest.mark.parametrize(
    ("dataset", "period", "level", "root", "compare_to"),
    [
        ("demo", "2026-10", "township", "530381", None),  # the county that reports its employee schemes
        ("demo", "2025-12", "county", None, "2024-12"),
        ("province", "2026-08", "township", "5303", "2026-06"),
        ("province", "2026-12", "county", "5301", "2025-12"),
    ],
)
def test_they_agree_under_a_root_and_against_a_chosen_month(worlds, dataset, period, level, root, compare_to):
    engine, base = _reports(worlds[dataset], period, level, root, compare_to)
    assert len(engine) > 0
    found = baseline.differences(engine, base)
    assert found == [], _explain(found)


def test_the_province_exercises_every_rule_the_cross_check_relies_on(worlds):
    """Agreement means little on easy data: the irregular province has nulls, ties, every status, zero denominators."""
    engine, _ = _reports(worlds["province"], "2026-08", "township")
    assert set(engine["status"].dropna()) == {"achieved", "on_track", "behind", "off_track"}
    assert engine["value"].isna().any() and engine["value"].notna().any()
    ranked = engine.dropna(subset=["rank"])
    assert ranked.duplicated(["metric", "rank"]).any()  # a tie
    assert (engine["denominator"] == 0).any()  # zero denominator: no value
    assert engine["completeness"].lt(1).any() and engine["completeness"].isna().any()
    assert engine["eta"].notna().any() and engine["projected"].notna().any()
    assert engine["rank_change"].ne(0).any()
    assert engine["target"].isna().any()  # a region whose payment target has no milestone this year


def test_a_difference_of_one_field_is_reported():
    """The comparison itself is not vacuous: one status, one value beyond 1e-9, one missing eta are found."""
    frame = pd.DataFrame(
        {column: [None, None] for column in baseline.COLUMNS}
    ).assign(metric=["coverage_rate", "coverage_rate"], region_code=["1", "2"], value=[0.5, 0.6], status=["behind", "achieved"], eta=[24300, 24301])
    changed = frame.copy()
    changed.loc[0, "value"] = 0.5 + 2e-9
    changed.loc[1, "status"] = "on_track"
    changed.loc[1, "eta"] = None
    fields = {(d["region_code"], d["field"]) for d in baseline.differences(frame, changed)}
    assert fields == {("1", "value"), ("2", "status"), ("2", "eta")}
    assert baseline.differences(frame, frame.assign(value=[0.5 + 5e-10, 0.6])) == []


def test_eta_is_the_month_the_line_reaches_the_target_exactly(tmp_path):
    """Coverage 94.999997 %, 94.999998 %, 94.999999 % in 2026-01..03: the line reaches 95 % in 2026-04 exactly."""
    rows = [("53", "云南省", "province", ""), ("5301", "昆明市", "city", "53")]
    files = {
        "regions": ("code,name,level,parent_code", rows),
        "population": ("period,region_code,required", [("2025-12", "5301", 100_000_000)]),
        "snapshots": (
            "period,region_code,scheme,insured,receiving,paid",
            [(f"2026-0{m}", "5301", "resident", 94_999_996 + m, 0, 0) for m in (1, 2, 3)],
        ),
    }
    db = tmp_path / "eta.duckdb"
    for kind, (header, records) in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(header + "\n" + "\n".join(",".join(map(str, r)) for r in records) + "\n", encoding="utf-8")
        import_file(db, kind, path)
    world = _world(db, parse_targets(textwrap.dedent(PROVINCE_TARGETS)))
    engine, base = _reports(world, "2026-03", "city")
    coverage = lambda frame: frame[frame["metric"] == "coverage_rate"].iloc[0]  # noqa: E731
    assert coverage(base)["eta"] == month_index("2026-04")
    assert coverage(engine)["eta"] == month_index("2026-04")


@pytest.mark.parametrize("period", ["2026-10", "2026-11"])
@pytest.mark.parametrize("level", ["county", "township"])
def test_engine_and_baseline_agree_on_a_township_that_became_a_jiedao(demo_copy, period, level):
    """The demo with 越州镇 abolished in 2026-11 (tests/fixtures/township_became_jiedao), carrying rows two months."""
    import shutil

    db = demo_copy("jiedao")
    root = db.parent
    fixtures = Path(__file__).parent / "fixtures" / "township_became_jiedao"
    for kind, name in (("regions", "regions.csv"), ("population", "population.csv"), ("snapshots", "snapshots_2026-11.csv")):
        shutil.copyfile(fixtures / name, root / name)
        import_file(db, kind, root / name)
    world = _world(db, parse_targets((ROOT / "config" / "targets.yaml").read_text(encoding="utf-8")))
    engine, base = _reports(world, period, level)
    assert len(engine) > 0 and len(engine) == len(base)
    found = baseline.differences(engine, base)
    assert found == [], _explain(found)


def _one_city(tmp_path, required: int, insured: list[int]) -> World:
    """A city with ``required`` persons and ``insured`` in 2026-01, 02, 03 (resident scheme)."""
    rows = [("53", "云南省", "province", ""), ("5301", "昆明市", "city", "53")]
    files = {
        "regions": ("code,name,level,parent_code", rows),
        "population": ("period,region_code,required", [("2025-12", "5301", required)]),
        "snapshots": (
            "period,region_code,scheme,insured,receiving,paid",
            [(f"2026-0{m}", "5301", "resident", persons, 0, 0) for m, persons in zip((1, 2, 3), insured)],
        ),
    }
    db = tmp_path / "far.duckdb"
    for kind, (header, records) in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(header + "\n" + "\n".join(",".join(map(str, r)) for r in records) + "\n", encoding="utf-8")
        import_file(db, kind, path)
    return _world(db, parse_targets(textwrap.dedent(PROVINCE_TARGETS)))


@pytest.mark.parametrize(
    ("at_march", "eta"),
    [
        (948_800, month_index("2026-03") + 1200),  # 0.95 after exactly 1200 months: still an eta
        (948_799, None),  # 1201 months: more than 100 years, none (metrics.md §5)
    ],
    ids=["1200-months-kept", "1201-months-none"],
)
def test_engine_and_baseline_agree_on_an_eta_a_hundred_years_away(tmp_path, at_march, eta):
    """Coverage rising by one person a month in 1,000,000: the 100-year horizon, on both sides of it."""
    world = _one_city(tmp_path, 1_000_000, [at_march - 2, at_march - 1, at_march])
    engine, base = _reports(world, "2026-03", "city")
    coverage = lambda frame: frame[frame["metric"] == "coverage_rate"].iloc[0]  # noqa: E731
    assert [None if pd.isna(f["eta"]) else f["eta"] for f in (coverage(engine), coverage(base))] == [eta, eta]
    assert baseline.differences(engine, base) == []


def test_engine_and_baseline_agree_that_a_nearly_flat_line_has_no_eta(tmp_path):
    """One person more over three months in 10^9: the crossing lies ~10^8 months away, not a month index to print."""
    world = _one_city(tmp_path, 1_000_000_000, [900_000_000, 900_000_000, 900_000_001])
    engine, base = _reports(world, "2026-03", "city")
    coverage = lambda frame: frame[frame["metric"] == "coverage_rate"].iloc[0]  # noqa: E731
    assert pd.isna(coverage(engine)["eta"]) and pd.isna(coverage(base)["eta"])
    # the line at 2026-03 is 0.9 + (5/6)e-9 and rises 0.5e-9 a month until the target month, 2035-12
    assert coverage(engine)["projected"] == pytest.approx(0.9 + (5 / 6 + 0.5 * 117) * 1e-9, abs=1e-13)
    assert baseline.differences(engine, base) == []


def _city_world(tmp_path, population: list[tuple], snapshots: list[tuple], targets_text: str) -> World:
    """昆明市 under 云南省 with the given ``(period, required)`` and ``(period, scheme, insured, receiving, paid)`` rows."""
    files = {
        "regions": ("code,name,level,parent_code", [("53", "云南省", "province", ""), ("5301", "昆明市", "city", "53")]),
        "population": ("period,region_code,required", [(p, "5301", r) for p, r in population]),
        "snapshots": ("period,region_code,scheme,insured,receiving,paid", [(p, "5301", *rest) for p, *rest in snapshots]),
    }
    db = tmp_path / "late.duckdb"
    for kind, (header, records) in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(header + "\n" + "\n".join(",".join(map(str, r)) for r in records) + "\n", encoding="utf-8")
        import_file(db, kind, path)
    return _world(db, parse_targets(textwrap.dedent(targets_text)))


def _months(first: str, last: str) -> list[str]:
    return [p.strftime("%Y-%m") for p in pd.period_range(first, last, freq="M")]


def test_a_late_history_starts_its_trajectory_where_the_first_value_is_not_the_first_row(tmp_path):
    """Rows from 2024-03, population only from 2024-06 (baseline 2022-12): coverage's first value is
    2024-06, outside the months the evaluation at 2025-10 reads; employee share's is 2024-03."""
    from tests.world import TARGETS

    rows = [(p, "resident", 800 + 5 * i, 0, 0) for i, p in enumerate(_months("2024-03", "2025-12"))]
    rows += [(p, "employee", 100, 0, 0) for p in _months("2024-03", "2025-12")]
    world = _city_world(tmp_path, [("2024-06", 1000)], rows, TARGETS)
    engine, base = _reports(world, "2025-10", "city")
    assert baseline.differences(engine, base) == []
    coverage = engine[engine["metric"] == "coverage_rate"].iloc[0]
    # the trajectory heads from 2024-06's 0.915 (800 + 15 + 100 of 1000) to 0.95 at 2025-12: 16 of 18 months on
    assert coverage["trajectory"] == pytest.approx(0.915 + (0.95 - 0.915) * 16 / 18)
    share = engine[engine["metric"] == "employee_share"].iloc[0]
    assert share["trajectory"] is not None and not pd.isna(share["trajectory"])


def test_a_history_starting_with_a_row_carried_past_the_baseline_starts_at_the_first_counted_month(tmp_path):
    """Baseline 2022-06, carry two months: a 2022-05 row counts (carried) in 2022-06 and 07; the
    population arrives for 2022-07, so coverage's first value is 2022-07 (0.900), a carried month,
    not 2022-09 (0.910), the first month reported after the baseline."""
    targets = textwrap.dedent(
        """
        baseline: 2022-06
        warning_band: 0.02
        targets:
          coverage_rate:
            - {by: 2025-12, value: 0.95}
        reporting:
          carry_forward_months: 2
        """
    )
    rows = [("2022-05", "resident", 900, 0, 0)] + [(p, "resident", 910 + i, 0, 0) for i, p in enumerate(_months("2022-09", "2024-06"))]
    world = _city_world(tmp_path, [("2022-07", 1000)], rows, targets)
    engine, base = _reports(world, "2024-06", "city")
    assert baseline.differences(engine, base) == []
    coverage = engine[engine["metric"] == "coverage_rate"].iloc[0]
    # from (2022-07, 0.900) to (2025-12, 0.95): 23 of 41 months on at 2024-06
    assert coverage["trajectory"] == pytest.approx(0.90 + 0.05 * 23 / 41)
