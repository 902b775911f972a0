"""Every page, every kind of period the database holds (issue 10, point 1).

The newest month becomes everyone's default period. An office that imports
January of a year its targets file has no payment-rate milestones for (or one
typo row dated decades ahead) must still see every page: "no data" where a
status, a target or a value is missing, never ``KeyError: 'status.nan'``.

The database is the demo plus a copy of its newest month as 2027-01 (a year
without any payment-rate milestone), in which one township reports nothing
(a region without any value). Each period kind is walked over every page,
at the city, a county and a township; hypothesis then picks further periods.
"""

from __future__ import annotations

from tests.auth import logged_in
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from data import materialised
from data.db import connect
from present.texts import Texts
from metrics.periods import month_index
from present.formatting import is_missing

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("overview", "rankings", "gaps", "trends", "pool", "briefing", "targets", "data")
NO_TARGETS = month_index("2027-01")
SILENT_TOWNSHIP = "530323003"  # reports nothing in 2027-01

PERIOD_KINDS = {
    "the first month held": "2018-01",
    "a January, when the payment rate restarts": "2026-01",
    "a December, a milestone of every metric": "2025-12",
    "a month with a payment-rate milestone": "2026-08",
    "the demo's newest month": "2026-10",
    "a year without payment-rate milestones, one township silent": "2027-01",
}
SCOPES = {
    "the city": {},
    "a county": {"region_level_0": "530323"},
    "a township": {
        "region_level_0": "530323",
        "region_level_1": SILENT_TOWNSHIP,
    },
}


@pytest.fixture(scope="module")
def odd_db(demo_copy) -> Path:
    path = demo_copy("every-period")
    with connect(path, write=True) as con:
        newest = con.execute("SELECT MAX(period) FROM snapshots").fetchone()[0]
        con.execute(
            "INSERT INTO snapshots SELECT ?, region_code, scheme, insured, receiving, paid, import_id"
            " FROM snapshots WHERE period = ? AND region_code <> ?",
            [NO_TARGETS, newest, SILENT_TOWNSHIP],
        )
        assert con.execute("SELECT COUNT(*) FROM regions WHERE code = ?", [SILENT_TOWNSHIP]).fetchone() == (1,)
        materialised.rebuild(con)  # rows written past the import path: the materialised metrics follow (issue 15)
    return path


@pytest.fixture(autouse=True)
def use_odd_db(odd_db, monkeypatch):
    monkeypatch.setenv("KUOMIAN_DB", str(odd_db))


OVERDUE_ICON = ":material/alarm:"


def periods_held(db: Path) -> list[int]:
    with connect(db) as con:
        return [row[0] for row in con.execute("SELECT DISTINCT period FROM snapshots ORDER BY 1").fetchall()]


def walk(period: int, scope: dict[str, str]) -> dict[str, list[str]]:
    """Open every page at ``period`` and ``scope``; the exceptions each page raised."""
    at = logged_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120))
    at.session_state["period"] = period
    for key, value in scope.items():
        at.session_state[key] = value
    at.run()
    failures = {"app": [str(e.value) for e in at.exception]}
    for page in PAGES:
        at.switch_page(f"pages/{page}.py").run()
        failures[page] = [f"{e.value}\n{''.join(e.stack_trace[-4:])}" for e in at.exception]
        # An error box means a page could not draw, except the gaps page's overdue alarm (issue 8 point 4),
        # which is content: a passed deadline, shown red on purpose.
        broken = [e.value for e in at.error if e.icon != OVERDUE_ICON]
        assert not broken or page == "data", (page, broken)
    return {page: errors for page, errors in failures.items() if errors}


def test_the_default_period_is_the_year_without_targets(odd_db):
    assert periods_held(odd_db)[-1] == NO_TARGETS
    at = logged_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["selection"].period == NO_TARGETS
    assert "无数据" in " ".join(m.value for m in at.markdown)  # the cards' status reads "no data"


@pytest.mark.parametrize("kind", list(PERIOD_KINDS))
def test_every_page_opens_for_every_kind_of_period_at_the_city(kind):
    assert walk(month_index(PERIOD_KINDS[kind]), SCOPES["the city"]) == {}


@pytest.mark.parametrize("scope", ["a county", "a township"])
def test_every_page_opens_for_a_year_without_targets_below_the_city(scope):
    assert walk(NO_TARGETS, SCOPES[scope]) == {}


@settings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_page_opens_for_any_period_the_database_holds(odd_db, data):
    period = data.draw(st.sampled_from(periods_held(odd_db)), label="period")
    scope = data.draw(st.sampled_from(list(SCOPES)), label="scope")
    assert walk(period, SCOPES[scope]) == {}


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, ""])
@pytest.mark.parametrize(("language", "label"), [("zh", "无数据"), ("en", "No data")])
def test_a_missing_status_reads_no_data_in_the_exports_in_both_languages(missing, language, label):
    assert Texts(language).status(missing) == label


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, pd.NaT])
def test_is_missing_knows_every_empty_cell(missing):
    assert is_missing(missing)
