"""Regions that change (cli.md, 区划调整): the regions file's optional 撤销期 (abolished) and 承继代码 (successor).

From the abolished month on a region has no population, is not counted in completeness, is not
listed nor ranked, and a snapshot row for it is refused; its earlier figures stay. Each test goes
through the real import path.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from data.db import connect
from data.importer import ImportRefused
from data.queries import region_changes
from data.report import metrics_report
from data.store import import_file, load_demo, rollback
from metrics.periods import month_index
from metrics.targets import parse_targets
from tests.world import World

FIXTURES = Path(__file__).parent / "fixtures" / "township_became_jiedao"
TARGETS = Path(__file__).resolve().parent.parent / "config" / "targets.yaml"
TOWN_A, TOWN_B = "530102001", "530102002"
NEW_TOWN = "530102003"

REGION_HEADER = ["code", "name", "level", "parent_code", "abolished", "successor"]


@pytest.fixture
def world(tmp_path):
    return World(tmp_path)


def abolish_town_b(world: World, month: str = "2025-11") -> None:
    """护国街道 (TOWN_B) merges into a new 护国新街道 (NEW_TOWN) from ``month``."""
    world.load(
        "regions",
        REGION_HEADER,
        [(TOWN_B, "护国街道", "township", "530102", month, NEW_TOWN), (NEW_TOWN, "护国新街道", "township", "530102", "", "")],
    )


def listed(world: World, period: str) -> list[str]:
    return sorted(set(world.report(period, level="township", root="530102")["region_code"]))


def test_regions_file_without_the_optional_columns_is_read_as_in_force(world):
    world.load("regions", ["code", "name", "level", "parent_code"], [(NEW_TOWN, "新街道", "township", "530102")])
    with connect(world.db) as con:
        assert con.execute("SELECT abolished, successor FROM regions WHERE code = ?", [NEW_TOWN]).fetchone() == (None, None)


def test_abolished_and_successor_are_read_from_the_chinese_headers(tmp_path):
    world = World(tmp_path)
    world.load("regions", ["区划代码", "区划名称", "层级", "上级代码", "撤销期", "承继代码"], [
        (NEW_TOWN, "护国新街道", "街道", "530102", "", ""),
        (TOWN_B, "护国街道", "街道", "530102", "2025年11月", NEW_TOWN),
    ])
    with connect(world.db) as con:
        row = con.execute("SELECT abolished, successor FROM regions WHERE code = ?", [TOWN_B]).fetchone()
    assert row == (month_index("2025-11"), NEW_TOWN)


def test_abolished_that_is_not_a_month_is_refused(world):
    with pytest.raises(ImportRefused) as caught:
        world.load("regions", REGION_HEADER, [(TOWN_B, "护国街道", "township", "530102", "soon", "")])
    assert [(p.row, p.field, p.reason) for p in caught.value.problems] == [
        (2, "abolished", "'soon' is not a month (YYYY-MM, YYYY-MM-DD, YYYY/MM or YYYY年MM月)")
    ]


def test_successor_that_is_not_a_known_region_is_refused(world):
    with pytest.raises(ImportRefused) as caught:
        world.load("regions", REGION_HEADER, [(TOWN_B, "护国街道", "township", "530102", "2025-11", "530102099")])
    assert [(p.row, p.field, p.reason) for p in caught.value.problems] == [
        (2, "successor", "'530102099' is not a known region (in this file or the database)")
    ]


def test_snapshot_of_an_abolished_region_at_or_after_the_month_is_refused(world):
    abolish_town_b(world)
    with pytest.raises(ImportRefused) as caught:
        world.snapshots([("2025-10", TOWN_B, "resident", 10, 0, 0), ("2025-11", TOWN_B, "resident", 10, 0, 0)])
    assert [(p.row, p.field, p.reason) for p in caught.value.problems] == [
        (3, "region_code", f"'{TOWN_B}' was abolished in 2025-11 (its successor is {NEW_TOWN}); "
                           "report its figures under the region now in force"),
    ]


def test_abolished_region_is_not_listed_from_its_month_and_is_listed_before(world):
    world.population([("2024-12", TOWN_A, 100), ("2024-12", TOWN_B, 100)])
    world.snapshots([("2025-10", TOWN_A, "resident", 90, 0, 0), ("2025-10", TOWN_B, "resident", 80, 0, 0)])
    abolish_town_b(world)
    world.snapshots([("2025-11", TOWN_A, "resident", 91, 0, 0), ("2025-11", NEW_TOWN, "resident", 81, 0, 0)])
    assert listed(world, "2025-10") == [TOWN_A, TOWN_B, NEW_TOWN]
    assert listed(world, "2025-11") == [TOWN_A, NEW_TOWN]
    assert world.row("2025-10", TOWN_B, "coverage_rate", level="township")["value"] == pytest.approx(0.8)


def test_abolished_region_has_no_population_and_no_place_in_completeness(world):
    # The county: 100 + 100 required; from 2025-11 TOWN_B's figure no longer counts, and the
    # successor has none yet, so 100 required, and completeness 1 of 1 (TOWN_A).
    world.population([("2024-12", TOWN_A, 100), ("2024-12", TOWN_B, 100)])
    abolish_town_b(world)
    world.snapshots([("2025-11", TOWN_A, "resident", 90, 0, 0), ("2025-11", NEW_TOWN, "resident", 85, 0, 0)])
    row = world.row("2025-11", "530102", "coverage_rate", level="county")
    assert (row["numerator"], row["denominator"], row["completeness"]) == (175, 100, 1.0)
    before = world.row("2025-10", "530102", "coverage_rate", level="county")
    assert before["completeness"] == 0.0  # 0 of 2 reported in 2025-10


def test_abolished_region_rows_are_never_carried_past_its_month(tmp_path):
    world = World(tmp_path, targets=_with_carry(2))
    world.population([("2024-12", TOWN_B, 100)])
    world.snapshots([("2025-10", TOWN_B, "resident", 80, 0, 0)])
    abolish_town_b(world)
    world.population([("2024-12", NEW_TOWN, 100)])
    world.snapshots([("2025-11", NEW_TOWN, "resident", 81, 0, 0)])
    row = world.row("2025-11", "530102", "coverage_rate", level="county")
    assert (row["numerator"], row["carried"]) == (81, 0)


def test_a_later_regions_file_without_abolished_puts_the_region_back_and_rollback_undoes_that(world):
    abolish_town_b(world)
    assert listed(world, "2025-11") == [TOWN_A, NEW_TOWN]
    world.load("regions", ["code", "name", "level", "parent_code"], [(TOWN_B, "护国街道", "township", "530102")])
    assert listed(world, "2025-11") == [TOWN_A, TOWN_B, NEW_TOWN]
    with connect(world.db, write=True) as con:
        last = con.execute("SELECT max(import_id) FROM imports").fetchone()[0]
        rollback(con, last)
    assert listed(world, "2025-11") == [TOWN_A, NEW_TOWN]
    with connect(world.db) as con:
        assert con.execute("SELECT abolished, successor FROM regions WHERE code = ?", [TOWN_B]).fetchone() == (
            month_index("2025-11"), NEW_TOWN,
        )


def test_region_changes_name_the_successor(world):
    abolish_town_b(world)
    with connect(world.db) as con:
        frame = region_changes(con)
    assert frame.to_dict("records") == [
        {"code": TOWN_B, "name": "护国街道", "abolished": month_index("2025-11"), "successor": NEW_TOWN, "successor_name": "护国新街道"}
    ]


def test_a_database_made_before_regions_could_change_gains_the_columns(tmp_path):
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE regions (code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, level VARCHAR NOT NULL, "
                "parent_code VARCHAR, import_id INTEGER NOT NULL)")
    con.execute("INSERT INTO regions VALUES ('5301', '昆明市', 'city', NULL, 1)")
    con.close()
    with connect(db, write=True) as con:
        columns = [row[0] for row in con.execute("DESCRIBE regions").fetchall()]
        assert columns[-2:] == ["abolished", "successor"]
    path = tmp_path / "more.csv"
    path.write_text("code,name,level,parent_code,abolished,successor\n530102,五华区,county,5301,,\n", encoding="utf-8")
    import_file(db, "regions", path)
    with connect(db) as con:
        assert con.execute("SELECT code, parent_code, abolished FROM regions ORDER BY code").fetchall() == [
            ("5301", None, None), ("530102", "5301", None),
        ]


def test_township_became_jiedao_on_the_demo_data(tmp_path):
    """The real-world case: 越州镇 (530302101) became 越州街道 (530302014) in 2026-11 (the three files of
    tests/fixtures/township_became_jiedao, as offices send them)."""
    db = tmp_path / "demo.duckdb"
    with connect(db, write=True) as con:
        load_demo(con)
    for kind, name in (("regions", "regions.csv"), ("population", "population.csv"), ("snapshots", "snapshots_2026-11.csv")):
        shutil.copyfile(FIXTURES / name, tmp_path / name)
        import_file(db, kind, tmp_path / name)
    targets = parse_targets(TARGETS.read_text(encoding="utf-8"))
    with connect(db) as con:
        county = metrics_report(con, targets, month_index("2026-11"), level="county", root="530302")
        november = metrics_report(con, targets, month_index("2026-11"), level="township", root="530302")
        october = metrics_report(con, targets, month_index("2026-10"), level="township", root="530302")
        changes = region_changes(con)
    assert county["completeness"].unique().tolist() == [1.0]
    assert "530302101" not in set(november["region_code"]) and "530302014" in set(november["region_code"])
    assert "530302101" in set(october["region_code"])
    assert changes[["code", "name", "abolished", "successor", "successor_name"]].values.tolist() == [
        ["530302101", "越州镇", month_index("2026-11"), "530302014", "越州街道"]
    ]


def _with_carry(months: int) -> str:
    from tests.world import TARGETS as BASE

    return BASE + f"reporting:\n  carry_forward_months: {months}\n"


def test_an_abolished_region_is_not_listed_as_a_missing_report(world):
    from data.quality import missing_reports

    world.population([("2024-12", TOWN_A, 100), ("2024-12", TOWN_B, 100)])
    abolish_town_b(world)
    with connect(world.db) as con:
        assert missing_reports(con, "530102", month_index("2025-10"))["code"].tolist() == [TOWN_A, TOWN_B]
        assert missing_reports(con, "530102", month_index("2025-11"))["code"].tolist() == [TOWN_A]


def test_abolishing_a_region_that_already_holds_later_figures_is_accepted_with_a_warning(world):
    # Its rows from the abolished month on stop counting in its county's sums: without a word, the
    # county lost those persons (cli.md "Regions that change"; issue 9: never other numbers unsaid).
    world.snapshots([("2025-11", TOWN_B, "resident", 900, 100, 500), ("2025-12", TOWN_B, "resident", 910, 100, 510),
                     ("2025-10", TOWN_B, "resident", 880, 100, 490)])
    path = world.root / "abolish.csv"
    path.write_text(
        ",".join(REGION_HEADER) + f"\n{TOWN_B},护国街道,township,530102,2025-11,{NEW_TOWN}\n"
        f"{NEW_TOWN},护国新街道,township,530102,,\n",
        encoding="utf-8",
    )
    result = import_file(world.db, "regions", path)
    assert [problem.render(str(path)) for problem in result.warnings] == [
        f"{path}:2: abolished: {TOWN_B} (护国街道) already holds 2 snapshot row(s) from 2025-11 on (1810 insured);"
        " abolished from 2025-11, they are no longer counted: report them under its successor, or roll back"
        " the import that brought them"
    ]


def test_abolishing_a_region_without_later_figures_warns_nothing(world):
    world.snapshots([("2025-10", TOWN_B, "resident", 880, 100, 490)])
    path = world.root / "abolish.csv"
    path.write_text(
        ",".join(REGION_HEADER) + f"\n{TOWN_B},护国街道,township,530102,2025-11,{NEW_TOWN}\n"
        f"{NEW_TOWN},护国新街道,township,530102,,\n",
        encoding="utf-8",
    )
    assert import_file(world.db, "regions", path).warnings == ()
