"""Every way a table leaves kuomian is formula-inert (issue 10, point 7; issue 9, "Also").

A region named ``=cmd|' /C calc'!A0`` (a hostile or careless file) must reach
a spreadsheet as text. The dashboard's own downloads defuse such cells
(``present.downloads.defuse``); Streamlit's built-in table download, which cannot,
is switched off; the CLI's CSV defuses them the same way, numbers staying numbers.
"""

from __future__ import annotations

from tests.auth import logged_in
import csv
import io
import tomllib

import pytest

from data.db import connect
from tests.fixtures_data import PROJECT_ROOT, SNAPSHOTS, make_world, run, write_csv
from present.downloads import defuse

HOSTILE = "=cmd|' /C calc'!A0"


@pytest.fixture
def hostile_db(capsys, tmp_path):
    db = make_world(tmp_path)
    assert run(capsys, "--db", db, "import", "snapshots", write_csv(tmp_path / "snapshots.csv", SNAPSHOTS))[0] == 0
    with connect(db, write=True) as con:
        con.execute("UPDATE regions SET name = ? WHERE code = '530102001'", [HOSTILE])
        con.execute("UPDATE regions SET name = ? WHERE code = '530102002'", ["@SUM(1+1)"])
    return db


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_streamlit_config_turns_off_the_built_in_table_download_and_error_details():
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True
    assert config["client"]["showErrorDetails"] == "none"  # false is Streamlit's "stacktrace" (tracebacks shown)


@pytest.mark.parametrize(
    ("text", "written"),
    [("=1+1", "'=1+1"), ("+86", "'+86"), ("-x", "'-x"), ("@A1", "'@A1"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("华山街道", "华山街道")],
)
def test_defuse_puts_a_quote_before_what_a_spreadsheet_would_run(text, written):
    assert defuse(text) == written


def test_metrics_csv_defuses_names_a_spreadsheet_would_run(capsys, hostile_db):
    status, out, err = run(capsys, "--db", hostile_db, "metrics", "--period", "2025-12", "--level", "township")
    assert (status, err) == (0, "")
    names = {row["region_code"]: row["region_name"] for row in csv_rows(out)}
    assert names == {"530102001": "'" + HOSTILE, "530102002": "'@SUM(1+1)"}


def test_metrics_csv_keeps_a_negative_gap_a_number(capsys, hostile_db):
    status, out, err = run(capsys, "--db", hostile_db, "metrics", "--period", "2025-12", "--level", "township")
    gaps = [row["gap_pp"] for row in csv_rows(out) if row["gap_pp"].startswith(("-", "'"))]
    assert gaps and all(gap.startswith("-") and float(gap) < 0 for gap in gaps)


def test_pool_csv_defuses_names_a_spreadsheet_would_run(capsys, hostile_db):
    status, out, err = run(capsys, "--db", hostile_db, "metrics", "--pool", "--period", "2025-12", "--level", "township")
    assert (status, err) == (0, "")
    names = {row["region_code"]: row["region_name"] for row in csv_rows(out)}
    assert names == {"530102001": "'" + HOSTILE, "530102002": "'@SUM(1+1)"}


@pytest.fixture(scope="module")
def demo_db(demo_copy):
    path = demo_copy("formula-inert")
    return path


@pytest.mark.parametrize(("page", "key"), [("pool", "pool_groups_csv"), ("trends", "trends_summary_csv")])
def test_tables_without_a_built_in_download_offer_the_projects_own(demo_db, monkeypatch, page, key):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KUOMIAN_DB", str(demo_db))
    at = logged_in(AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)).run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception
    buttons = {button.key: button.proto.label for button in at.get("download_button")}
    assert buttons.get(key) == "下载表格（CSV）"
