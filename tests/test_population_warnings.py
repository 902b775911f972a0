"""Population rows accepted with a warning because they make a figure silently wrong (trust brief 5).

metrics.md refuses neither, and the figures are computed as it says; the import only says so:

- a region and one of its descendants both hold a population row counting at the same month (a county
  合计 row beside its townships): both are summed into the upper region's 应参保人数;
- a population row at or after its region's abolition month counts in no figure.

Every test goes through the real import path (``kuomian import``, or ``data.store.import_file`` for the
Chinese lines) on a small world in tmp_path, and asserts the exact lines.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from data import population_checks, upload
from data.db import connect
from data.store import import_file
from metrics.periods import month_index
from metrics.targets import parse_targets
from tests.fixtures_data import run
from tests.world import TARGETS, World, both_paths

TODAY = "2026-12-01"
HEADER = ["period", "region_code", "required"]
SNAPSHOTS_HEADER = ["period", "region_code", "scheme", "insured", "receiving", "paid"]

TWO_LEVELS_EN = (
    "530102 (五华区) row 4 and 2 population row(s) of its descendants (530102001 (华山街道) row 2, 530102002"
    " (护国街道) row 3) both count from 2026-12: the required persons of 530102 and of every region above it add"
    " both, counting the same persons twice; accepted, keep one level (remove the total row, or the rows below it)"
)
TWO_LEVELS_ZH = (
    "530102 五华区（第 4 行）与其下级 530102001 华山街道（第 2 行）、530102002 护国街道（第 3 行）共 2 行的应参保人数"
    "自 2026-12 起同时计入：两者都加总进 530102 五华区及其上级的应参保人数，同一批人重复计算；已接收，"
    "请只保留一个层级（删去合计行，或删去下级的行）"
)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("KUOMIAN_TODAY", TODAY)


@pytest.fixture
def world(tmp_path) -> World:
    """昆明市 5301 > 五华区 530102 > 华山街道 530102001, 护国街道 530102002; 安宁市 530181 > ... (tests/world.py)."""
    return World(tmp_path)


def population_file(path: Path, *rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def imported(capsys, db: Path, kind: str, file: Path) -> list[str]:
    """``kuomian import KIND FILE`` must land; its warning lines (stderr), in order."""
    status, _, err = run(capsys, "--db", db, "import", kind, file)
    assert status == 0, err
    return [line for line in err.splitlines() if line.startswith("warning: ")]


def test_a_county_total_row_beside_its_townships_warns_naming_both_rows_and_the_figures_follow_the_spec(capsys, world, tmp_path):
    file = population_file(
        tmp_path / "population.csv",
        ["2026-12", "530102001", "2000"],
        ["2026-12", "530102002", "3000"],
        ["2026-12", "530102", "5000"],  # 合计 with the county's own code
    )
    assert imported(capsys, world.db, "population", file) == [f"warning: {file}:4: region_code: {TWO_LEVELS_EN}"]
    world.snapshots([("2026-12", "530102001", "resident", 1900, 300, 500), ("2026-12", "530102002", "resident", 2850, 300, 500)])
    # metrics.md §3: the county's required sums every row of its subtree, its own 5000 included.
    assert world.row("2026-12", "530102", "coverage_rate")["value"] == 4750 / 10000
    assert world.row("2026-12", "530102001", "coverage_rate")["value"] == 1900 / 2000


def test_the_two_level_warning_reads_in_chinese_on_the_dashboard(world, tmp_path):
    file = population_file(tmp_path / "p.csv", ["2026-12", "530102001", "2000"], ["2026-12", "530102002", "3000"], ["2026-12", "530102", "5000"])
    result = import_file(world.db, "population", file)
    assert [w.render("p.csv", "zh") for w in result.warnings] == [f"p.csv:4: 区划代码: {TWO_LEVELS_ZH}"]


def test_a_county_row_in_the_database_from_last_year_and_township_rows_now_warn(capsys, world, tmp_path):
    assert imported(capsys, world.db, "population", population_file(tmp_path / "county.csv", ["2025-12", "530102", "5000"])) == []
    file = population_file(tmp_path / "townships.csv", ["2026-12", "530102001", "2000"], ["2026-12", "530102002", "3000"])
    result = import_file(world.db, "population", file, fast=False)
    assert [w.render("t.csv", "zh") for w in result.warnings] == [
        "t.csv:2: 区划代码: 530102 五华区（已入库 2025-12）与其下级 530102001 华山街道（第 2 行）、530102002 护国街道（第 3 行）"
        "共 2 行的应参保人数自 2026-12 起同时计入：两者都加总进 530102 五华区及其上级的应参保人数，同一批人重复计算；已接收，"
        "请只保留一个层级（删去合计行，或删去下级的行）"
    ]
    assert [w.render("t.csv") for w in result.warnings] == [
        "t.csv:2: region_code: 530102 (五华区) in the database (2025-12) and 2 population row(s) of its descendants"
        " (530102001 (华山街道) row 2, 530102002 (护国街道) row 3) both count from 2026-12: the required persons of"
        " 530102 and of every region above it add both, counting the same persons twice; accepted, keep one level"
        " (remove the total row, or the rows below it)"
    ]


def test_a_county_row_older_than_the_township_rows_it_overlaps_warns_from_the_later_month(capsys, world, tmp_path):
    """A county row of 2024 counts until the county's next row: beside township rows of 2025 it counts at 2025-12."""
    world.population([("2025-12", "530102001", 2000), ("2025-12", "530102002", 3000)])
    file = population_file(tmp_path / "county.csv", ["2024", "530102", "5000"])
    lines = imported(capsys, world.db, "population", file)
    assert lines == [
        f"warning: {file}:2: region_code: 530102 (五华区) row 2 and 2 population row(s) of its descendants"
        " (530102001 (华山街道) in the database (2025-12), 530102002 (护国街道) in the database (2025-12)) both count"
        " from 2025-12: the required persons of 530102 and of every region above it add both, counting the same"
        " persons twice; accepted, keep one level (remove the total row, or the rows below it)"
    ]


def test_a_township_row_stops_counting_at_its_abolition_so_a_later_county_row_does_not_warn(capsys, world, tmp_path):
    """The township's row of 2025-12 counts until the township is abolished (2026-07); the county's row of
    2026-12 counts from then: never at the same month, one level at every month."""
    world.load(
        "regions",
        ["code", "name", "level", "parent_code", "abolished", "successor"],
        [("530102009", "旧城镇", "township", "530102", "2026-07", "")],
    )
    world.population([("2025-12", "530102009", 700)])
    assert imported(capsys, world.db, "population", population_file(tmp_path / "county.csv", ["2026-12", "530102", "5000"])) == []


def test_a_population_file_at_one_level_does_not_warn(capsys, world, tmp_path):
    world.population([("2024-12", "530181", 9000)])  # another county, reporting at its own level
    file = population_file(
        tmp_path / "population.csv",
        ["2025-12", "530102001", "2000"],
        ["2025-12", "530102002", "3000"],
        ["2026-12", "530102001", "2100"],
        ["2026-12", "530102002", "3100"],
    )
    assert imported(capsys, world.db, "population", file) == []


def test_a_row_after_its_regions_abolition_warns_naming_the_row_and_the_month(capsys, world, tmp_path):
    world.load(
        "regions",
        ["code", "name", "level", "parent_code", "abolished", "successor"],
        [("530102009", "旧城镇", "township", "530102", "2026-07", "530102001")],
    )
    file = population_file(tmp_path / "population.csv", ["2026-06", "530102009", "700"], ["2026-12", "530102009", "800"])
    assert imported(capsys, world.db, "population", file) == [
        f"warning: {file}:3: region_code: 530102009 (旧城镇) at 2026-12: the region is abolished from 2026-07 (its"
        " successor is 530102001 (华山街道)) and has no population from then on, so this row is accepted but counts in"
        " no figure; report the persons under its successor"
    ]
    result = import_file(world.db, "population", file)
    assert [w.render("p.csv", "zh") for w in result.warnings] == [
        "p.csv:3: 区划代码: 530102009 旧城镇 已于 2026-07 撤销（承继区划 530102001 华山街道），自该月起不再有应参保人数："
        "其 2026-12 的行已接收，但不计入任何数据；请按承继区划报送"
    ]


def test_a_row_after_abolition_is_not_also_a_second_level(capsys, world, tmp_path):
    """An abolished township's late row counts nowhere, so beside a county row it is no double count."""
    world.load(
        "regions",
        ["code", "name", "level", "parent_code", "abolished", "successor"],
        [("530102009", "旧城镇", "township", "530102", "2026-07", "")],
    )
    world.population([("2026-12", "530102", 5000)])
    file = population_file(tmp_path / "population.csv", ["2026-12", "530102009", "800"])
    assert imported(capsys, world.db, "population", file) == [
        f"warning: {file}:2: region_code: 530102009 (旧城镇) at 2026-12: the region is abolished from 2026-07 and has no"
        " population from then on, so this row is accepted but counts in no figure; report the persons under the"
        " region now in force"
    ]


def test_a_hostile_file_of_100k_two_level_rows_gives_a_bounded_message(capsys, tmp_path):
    """A city above 40 counties of 16 townships, every region every month from 2014-01 to 2026-12: 106,236
    rows, 41 regions each counting beside its descendants. The import says so in 21 lines."""
    regions = [("5301", "昆明市", "city", "")]
    for county in range(40):
        regions.append((f"5301{county + 10:02d}", f"县{county}", "county", "5301"))
        regions += [(f"5301{county + 10:02d}{t + 1:03d}", f"镇{county}-{t}", "township", f"5301{county + 10:02d}") for t in range(16)]
    world = World.__new__(World)  # the regions above only
    world.root, world.db, world._files = tmp_path, tmp_path / "hostile.duckdb", 0
    world.load("regions", ["code", "name", "level", "parent_code"], regions)
    months = [f"{year}-{month:02d}" for year in range(2014, 2027) for month in range(1, 13)]
    file = population_file(tmp_path / "hostile.csv", *([m, code, "100"] for m in months for code, *_ in regions))
    lines = imported(capsys, world.db, "population", file)
    assert len(lines) == population_checks.LINES + 1
    assert lines[0] == (
        f"warning: {file}:2: region_code: 5301 (昆明市) row 2 and 680 population row(s) of its descendants (530110"
        " (县0) row 3, 530110001 (镇0-0) row 4, 530110002 (镇0-1) row 5, 530110003 (镇0-2) row 6, 530110004 (镇0-3)"
        " row 7 and 675 more) both count from 2014-01: the required persons of 5301 and of every region above it"
        " add both, counting the same persons twice; accepted, keep one level (remove the total row, or the rows"
        " below it)"
    )
    assert lines[-1] == (
        f"warning: {file}:326: region_code: … and 21 more region(s) whose population row counts beside a descendant's"
        " (the first 20 are listed); accepted, check the file for total rows carrying a region's own code"
    )


def test_the_adversarys_county_total_on_the_demo_warns_in_the_upload_preview_and_halves_the_coverage_as_the_spec_says(demo_copy):
    """麒麟区's townships are in the database for 2025-12; a population file holding only a 合计 row with 530302
    (their sum) is previewed on the data page with the warning in Chinese, lands, and 麒麟区's coverage at
    2025-12 halves (metrics.md §3 sums both levels): the import said so."""
    db, period, targets = demo_copy("two-levels"), month_index("2025-12"), parse_targets(TARGETS)
    with connect(db) as con:
        townships = con.execute(
            "SELECT p.region_code, r.name, p.required FROM population p JOIN regions r ON r.code = p.region_code"
            " WHERE r.parent_code = '530302' AND p.period = ? ORDER BY p.region_code",
            [period],
        ).fetchall()
        before = both_paths(con, targets, period, root="5303", level="county").set_index(["region_code", "metric"])
    data = f"统计期,区划代码,应参保人数\n2025-12,530302,{sum(r for _, _, r in townships)}\n".encode("utf-8")
    preview = upload.preview(data, "麒麟区.csv", "population", db)
    named = "、".join(f"{code} {name}（已入库 2025-12）" for code, name, _ in townships[:5])
    assert [w.render("麒麟区.csv", "zh") for w in preview.warnings] == [
        f"麒麟区.csv:2: 区划代码: 530302 麒麟区（第 2 行）与其下级 {named}等共 {len(townships)} 行的应参保人数自 2025-12 起"
        "同时计入：两者都加总进 530302 麒麟区及其上级的应参保人数，同一批人重复计算；已接收，请只保留一个层级（删去合计行，或删去下级的行）"
    ]
    assert upload.commit(data, "麒麟区.csv", "population", db).ok
    with connect(db) as con:
        after = both_paths(con, targets, period, root="5303", level="county").set_index(["region_code", "metric"])
    coverage = ("530302", "coverage_rate")
    assert 0.9 < before.loc[coverage, "value"] < 1  # 95.3% -> 47.6%, as the adversary found
    assert after.loc[coverage, "value"] == before.loc[coverage, "value"] / 2
    assert after.loc[("530381", "coverage_rate"), "value"] == before.loc[("530381", "coverage_rate"), "value"]
