"""The Data page's quality checks: who did not report, implausible values, double counting.

Each test builds a small DuckDB in tmp_path through the real import path
(``data.store.import_file`` on CSV files written here) and asks ``data.quality``.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest

from data import materialised, quality
from data.db import connect
from data.store import import_file
from metrics.periods import month_index
from metrics.quality import completeness_by_period, incomplete_months
from present.charts_data import completeness_figure

# A city, two counties, four townships; 530181002 reports through its two villages.
REGIONS = [
    ("5301", "昆明市", "city", ""),
    ("530102", "五华区", "county", "5301"),
    ("530181", "安宁市", "county", "5301"),
    ("530102001", "华山街道", "township", "530102"),
    ("530102002", "护国街道", "township", "530102"),
    ("530181001", "连然街道", "township", "530181"),
    ("530181002", "八街街道", "township", "530181"),
    ("530181002201", "八街一村", "village", "530181002"),
    ("530181002202", "八街二村", "village", "530181002"),
]
POPULATION = [
    ("2025-12", "530102001", 2000),
    ("2025-12", "530102002", 3000),
    ("2025-12", "530181001", 1000),
    ("2025-12", "530181002201", 500),
    ("2025-12", "530181002202", 400),
    ("2026-03", "530102001", 9000),  # after the month looked at: does not count for 2026-01
]
SNAPSHOT_HEADER = ["period", "region_code", "scheme", "insured", "receiving", "paid"]
JAN, DEC = month_index("2026-01"), month_index("2025-12")


class Db:
    def __init__(self, root: Path, base: Path | None = None):
        self.root, self.path, self.files = root, root / "q.duckdb", 0
        if base is not None:  # a copy of the regions and population already imported
            shutil.copyfile(base, self.path)
            self.files = 2
            return
        self.load("regions", ["code", "name", "level", "parent_code"], REGIONS)
        self.load("population", ["period", "region_code", "required"], POPULATION)

    def load(self, kind: str, header: list[str], rows) -> None:
        self.files += 1
        path = self.root / f"{self.files:02d}-{kind}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        import_file(self.path, kind, path)

    def snapshots(self, rows) -> "Db":
        self.load("snapshots", SNAPSHOT_HEADER, rows)
        return self

    def held_from_before_the_rule(self, rows) -> "Db":
        """Rows written straight into the table, as a database filled before imports refused double counting
        (metrics.md §3 "One scheme, one level") may hold them: the import path no longer lets them in."""
        with connect(self.path, write=True) as con:
            for period, code, scheme, insured, receiving, paid in rows:
                con.execute(
                    "INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?, 0)",
                    [month_index(period), code, scheme, insured, receiving, paid],
                )
            materialised.rebuild(con)  # rows written past the import path: the materialised metrics follow (issue 15)
        return self

    def ask(self, function, root: str, period: int) -> pd.DataFrame:
        with connect(self.path) as con:
            return function(con, root, period)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    return Db(tmp_path_factory.mktemp("quality-base")).path


@pytest.fixture
def db(tmp_path: Path, base: Path) -> Db:
    return Db(tmp_path, base)


def every_unit_reports(period: str, skip=()) -> list[tuple]:
    units = ["530102001", "530102002", "530181001", "530181002201", "530181002202"]
    return [(period, code, "resident", 1000, 200, 500) for code in units if code not in skip]


# --------------------------------------------------------------------------- who did not report


def test_a_township_with_population_but_no_report_is_listed_with_its_last_report(db):
    db.snapshots(every_unit_reports("2025-12") + every_unit_reports("2026-01", skip={"530102002"}))
    missing = db.ask(quality.missing_reports, "5301", JAN)
    assert missing["code"].tolist() == ["530102002"]
    row = missing.iloc[0]
    assert (row["name"], row["level"], row["parent_name"]) == ("护国街道", "township", "五华区")
    assert row["last_period"] == DEC


def test_a_region_that_never_reported_has_no_last_report(db):
    db.snapshots(every_unit_reports("2026-01", skip={"530181002202"}))
    missing = db.ask(quality.missing_reports, "5301", JAN)
    assert missing["code"].tolist() == ["530181002202"]
    assert pd.isna(missing.iloc[0]["last_period"])


def test_regions_without_population_are_not_expected_to_report(db):
    # 530181002 reports through its villages and has no population row of its own: never listed.
    db.snapshots(every_unit_reports("2026-01"))
    assert db.ask(quality.missing_reports, "5301", JAN).empty


def test_population_reported_after_the_month_does_not_make_a_region_expected(db):
    db.load("regions", ["code", "name", "level", "parent_code"], [("530102003", "新街道", "township", "530102")])
    db.load("population", ["period", "region_code", "required"], [("2026-06", "530102003", 100)])
    db.snapshots(every_unit_reports("2026-01"))
    assert db.ask(quality.missing_reports, "5301", JAN).empty
    assert db.ask(quality.missing_reports, "5301", month_index("2026-06"))["code"].tolist() == [
        "530102001", "530102002", "530102003", "530181001", "530181002201", "530181002202",
    ]


def test_missing_reports_stay_inside_the_selected_subtree(db):
    db.snapshots(every_unit_reports("2026-01", skip={"530102002", "530181001"}))
    assert db.ask(quality.missing_reports, "530181", JAN)["code"].tolist() == ["530181001"]
    assert db.ask(quality.missing_reports, "530102001", JAN).empty


def test_the_missing_list_agrees_with_the_completeness_of_the_metrics(db):
    from data.report import metric_series
    from tests.world import TARGETS
    from metrics.targets import parse_targets
    import textwrap

    db.snapshots(every_unit_reports("2026-01", skip={"530102002", "530181002201"}))
    with connect(db.path) as con:
        series = metric_series(con, parse_targets(textwrap.dedent(TARGETS)), ["5301"], [JAN])
    completeness = completeness_by_period(series)["completeness"].iloc[0]
    missing = db.ask(quality.missing_reports, "5301", JAN)
    assert completeness == pytest.approx(1 - len(missing) / 5)  # five units have population


# --------------------------------------------------------------------------- implausible values


def test_paid_above_the_contribution_phase_is_listed_with_the_excess(db):
    db.snapshots(
        [
            ("2026-01", "530102001", "resident", 1000, 200, 850),  # 800 can pay, 850 paid
            ("2026-01", "530102001", "employee", 1000, 200, 800),  # exactly all: fine
            ("2026-01", "530181001", "resident", 1000, 200, 900),  # outside 530102
            ("2025-12", "530102002", "resident", 1000, 200, 900),  # another month
        ]
    )
    found = db.ask(quality.overpaid, "530102", JAN)
    assert found[["code", "scheme", "contribution_phase", "paid", "excess"]].values.tolist() == [
        ["530102001", "resident", 800, 850, 50]
    ]
    assert db.ask(quality.overpaid, "5301", JAN)["code"].tolist() == ["530102001", "530181001"]


def test_insured_over_all_schemes_above_the_latest_required_population_is_listed(db):
    db.snapshots(
        [
            ("2026-01", "530102001", "resident", 1500, 300, 500),
            ("2026-01", "530102001", "employee", 600, 100, 400),  # 2100 > 2000 (2025-12; the 2026-03 row is later)
            ("2026-01", "530102002", "resident", 3000, 300, 500),  # equal: fine
            ("2026-01", "530181002", "resident", 9999, 300, 500),  # no population of its own: not judged
        ]
    )
    found = db.ask(quality.over_required, "5301", JAN)
    assert found[["code", "insured", "required", "excess"]].values.tolist() == [["530102001", 2100, 2000, 100]]
    assert found.iloc[0]["population_period"] == DEC
    assert found.iloc[0]["ratio"] == pytest.approx(1.05)
    # In 2026-03 the new population (9000) applies: nothing over.
    db.snapshots([("2026-03", "530102001", "resident", 2100, 300, 500)])
    assert db.ask(quality.over_required, "5301", month_index("2026-03")).empty


# --------------------------------------------------------------------------- double counting


def test_a_county_reporting_the_scheme_its_townships_report_is_double_counting(db):
    db.held_from_before_the_rule(
        [
            ("2026-01", "530102", "resident", 500, 100, 300),
            ("2026-01", "530102001", "resident", 1000, 200, 500),
            ("2026-01", "530102002", "resident", 2000, 200, 500),
            ("2026-01", "530102", "employee", 800, 100, 500),  # county-level employee scheme: the normal shape
        ]
    )
    found = db.ask(quality.double_counted, "5301", JAN)
    assert len(found) == 1
    row = found.iloc[0]
    assert (row["upper_code"], row["scheme"], row["upper_insured"]) == ("530102", "resident", 500)
    assert (row["lower_count"], row["lower_insured"]) == (2, 3000)
    assert row["lower_codes"] == ["530102001", "530102002"]
    assert row["lower_names"] == "华山街道、护国街道"


def test_a_township_reporting_alongside_its_villages_is_found_at_any_depth(db):
    db.held_from_before_the_rule(
        [
            ("2026-01", "530181002", "resident", 900, 100, 300),
            ("2026-01", "530181002201", "resident", 500, 100, 300),
            ("2026-01", "5301", "resident", 10, 1, 1),  # the city too: counts the village twice
        ]
    )
    found = db.ask(quality.double_counted, "5301", JAN)
    assert found[["upper_code", "lower_count"]].values.tolist() == [["5301", 2], ["530181002", 1]]
    # Looking at the township only: its own double count, not the city's.
    assert db.ask(quality.double_counted, "530181002", JAN)["upper_code"].tolist() == ["530181002"]
    assert db.ask(quality.double_counted, "530181002201", JAN).empty


def test_the_same_scheme_in_another_month_is_not_double_counting(db):
    db.snapshots([("2025-12", "530102", "resident", 500, 100, 300), ("2026-01", "530102001", "resident", 1000, 200, 500)])
    assert db.ask(quality.double_counted, "5301", JAN).empty


# --------------------------------------------------------------------------- keys a file would replace


def test_existing_keys_counts_the_rows_a_file_would_replace(db):
    db.snapshots([("2026-01", "530102001", "resident", 1000, 200, 500)])
    frame = pd.DataFrame(
        {
            "period": [JAN, JAN, DEC],
            "region_code": ["530102001", "530102001", "530102001"],
            "scheme": ["resident", "employee", "resident"],
        }
    )
    regions = pd.DataFrame({"code": ["5301", "530102", "999"]})
    with connect(db.path) as con:
        assert quality.existing_keys(con, "snapshots", frame) == 1
        assert quality.existing_keys(con, "regions", regions) == 2
        assert quality.existing_keys(con, "snapshots", frame.iloc[0:0]) == 0
    assert quality.existing_keys(None, "regions", regions) == 0


def test_existing_keys_match_stored_category_columns_of_the_pool(db):
    # The file says ``group`` (a name or a number); the table stores ``group_id``.
    db.load(
        "pool",
        ["period", "region_code", "group", "identified", "enrolled_employee", "enrolled_resident"],
        [("2026-01", "530102001", "新就业形态劳动者", 100, 10, 5)],
    )
    frame = pd.DataFrame({"period": [JAN, JAN], "region_code": ["530102001", "530102001"], "group": [4, 5]})
    with connect(db.path) as con:
        assert quality.existing_keys(con, "pool", frame) == 1


# --------------------------------------------------------------------------- pure summaries and the chart


def test_completeness_by_period_keeps_one_value_per_month_up_to_the_selected_one():
    series = pd.DataFrame(
        {
            "region_code": ["5301"] * 6,
            "period": [3, 3, 1, 1, 2, 2],
            "metric": ["coverage_rate", "payment_rate"] * 3,
            "completeness": [1.0, 1.0, None, None, 0.8, 0.8],
        }
    )
    frame = completeness_by_period(series, up_to=2)
    assert frame.to_dict("list") == {"period": [2], "completeness": [0.8]}
    assert completeness_by_period(series)["period"].tolist() == [2, 3]
    assert incomplete_months(completeness_by_period(series)) == [2]
    assert completeness_by_period(series.iloc[0:0]).empty


def test_the_completeness_chart_draws_the_100_percent_line_and_marks_short_months():
    frame = pd.DataFrame({"period": [month_index("2026-07"), month_index("2026-08")], "completeness": [1.0, 0.99]})
    figure = completeness_figure(frame, title="曲靖市 · 报送完整率（截至 2026-08）", value_name="报送完整率", full_name="全部报送 100%", selected=month_index("2026-08"))
    full, values = figure.data
    assert full.name == "全部报送 100%" and list(full.y) == [1.0, 1.0]
    assert values.name == "报送完整率" and list(values.x) == ["2026-07", "2026-08"]
    assert values.marker.color[0] != values.marker.color[1]  # the short month stands out
    assert figure.layout.title.text == "曲靖市 · 报送完整率（截至 2026-08）"
    assert figure.layout.yaxis.tickformat == ".0%"
    assert figure.layout.yaxis.range[0] <= 0.98 and figure.layout.yaxis.range[1] > 1.0


def test_townships_whose_county_reports_schemes_itself_are_named_with_those_schemes(tmp_path):
    """宣威市 reports its employee schemes at county level: its townships' own figures leave them out."""
    from data.db import connect
    from data.quality import schemes_reported_above
    from data.store import load_demo
    from data.demo import COUNTY_REPORTING_CODE
    from metrics.periods import month_index

    db = tmp_path / "demo.duckdb"
    with connect(db, write=True) as con:
        load_demo(con)
        townships = [r[0] for r in con.execute("SELECT code FROM regions WHERE parent_code IN (?, '530302')", [COUNTY_REPORTING_CODE]).fetchall()]
        frame = schemes_reported_above(con, townships, month_index("2026-10"))
    affected = set(frame["region_code"])
    assert affected and all(code.startswith(COUNTY_REPORTING_CODE) for code in affected)
    assert set(frame["schemes"].iloc[0]) == {"employee", "public"}
    assert not any(code.startswith("530302") for code in affected)
