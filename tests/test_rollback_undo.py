"""A rollback is itself in the history and can be undone (issue 10, point 8).

An analyst rolls back the wrong import. The rows that import wrote are not
lost: the rollback is an entry of ``kuomian history`` ("rollback of import
N") that keeps them, and ``kuomian rollback`` of that entry brings the import
back exactly as it was, import ids included.
"""

from __future__ import annotations

from tests.auth import logged_in
from tests.fixtures_data import (
    POPULATION_HEADER,
    REGIONS_HEADER,
    SNAPSHOTS,
    SNAPSHOTS_HEADER,
    dump,
    make_world,
    rows_of,
    run,
    write_csv,
)

import pytest

LIVE = ("regions", "region_closure", "population", "snapshots")


@pytest.fixture
def db(tmp_path):
    return make_world(tmp_path)


def live(db) -> dict[str, list[tuple]]:
    tables = dump(db)
    return {table: tables[table] for table in LIVE}


def second_snapshots(tmp_path):
    """Import 4 on top of import 3: two rows replaced, one added."""
    return write_csv(
        tmp_path / "second.csv",
        [
            SNAPSHOTS_HEADER,
            ["2025-12", "530102001", "resident", "950", "310", "520"],
            ["2025-12", "530102002", "resident", "1190", "300", "710"],
            ["2025-11", "530102001", "resident", "890", "300", "450"],
        ],
    )


@pytest.fixture
def two_imports(capsys, db, tmp_path):
    assert run(capsys, "--db", db, "import", "snapshots", write_csv(tmp_path / "first.csv", SNAPSHOTS))[0] == 0
    assert run(capsys, "--db", db, "import", "snapshots", second_snapshots(tmp_path))[0] == 0
    return db


def test_the_rollback_is_listed_in_the_history_as_its_own_entry(capsys, two_imports, tmp_path):
    assert run(capsys, "--db", two_imports, "rollback", "4")[0] == 0
    status, out, err = run(capsys, "--db", two_imports, "history")
    assert (status, err) == (0, "")
    lines = out.splitlines()[1:]
    assert lines[0].split()[:2] == ["5", "snapshots"]
    assert lines[0].split()[4:7] == ["2", "2", "3"]  # rows, added: the 2 values it restored; replaced: the 3 it removed
    assert lines[0].endswith(f"rollback of import 4 ({tmp_path / 'second.csv'})")
    assert lines[1].split()[0] == "4" and "(rolled back " in lines[1]


def test_the_rows_a_rollback_removed_stay_in_the_database(capsys, two_imports):
    written = rows_of(two_imports, "SELECT period, region_code, scheme, insured, receiving, paid FROM snapshots WHERE import_id = 4 ORDER BY ALL")
    assert run(capsys, "--db", two_imports, "rollback", "4")[0] == 0
    kept = rows_of(
        two_imports,
        "SELECT period, region_code, scheme, insured, receiving, paid FROM replaced_snapshots"
        " WHERE import_id = 5 AND prior_import_id = 4 ORDER BY ALL",
    )
    assert len(written) == 3 and kept == written


def test_rolling_back_the_rollback_restores_the_import_exactly(capsys, two_imports):
    before = live(two_imports)
    assert run(capsys, "--db", two_imports, "rollback", "4")[0] == 0
    assert live(two_imports) != before
    status, out, err = run(capsys, "--db", two_imports, "rollback", "5")
    assert (status, err) == (0, "")
    assert out.startswith("undid import 5 (rollback of import 4 (") and out.endswith("): import 4 is back, 3 row(s) restored, 2 removed\n")
    assert live(two_imports) == before  # every row, import ids included
    history = rows_of(two_imports, "SELECT import_id, rolled_back_at IS NULL, undoes FROM imports WHERE import_id >= 4 ORDER BY 1")
    assert history == [(4, True, None), (5, False, 4)]


def test_an_import_brought_back_can_be_rolled_back_again_to_the_same_rows(capsys, two_imports):
    assert run(capsys, "--db", two_imports, "rollback", "4")[0] == 0
    rolled_back = live(two_imports)
    assert run(capsys, "--db", two_imports, "rollback", "5")[0] == 0
    assert run(capsys, "--db", two_imports, "rollback", "4")[0] == 0
    assert live(two_imports) == rolled_back
    assert run(capsys, "--db", two_imports, "rollback", "6")[0] == 0  # and undone once more


def test_rolling_back_a_rolled_back_import_names_the_entry_that_undoes_it(capsys, two_imports, tmp_path):
    assert run(capsys, "--db", two_imports, "rollback", "4")[0] == 0
    status, out, err = run(capsys, "--db", two_imports, "rollback", "4")
    assert (status, out) == (1, "")
    assert err.startswith(f"kuomian rollback: import 4 ({tmp_path / 'second.csv'}) was already rolled back at ")
    assert err.endswith("; `kuomian rollback 5` undoes that rollback\n")


def test_undoing_a_rollback_whose_restored_rows_a_later_import_replaced_is_refused(capsys, two_imports, tmp_path):
    assert run(capsys, "--db", two_imports, "rollback", "4")[0] == 0
    later = write_csv(tmp_path / "later.csv", [SNAPSHOTS_HEADER, ["2025-12", "530102001", "resident", "960", "310", "530"]])
    assert run(capsys, "--db", two_imports, "import", "snapshots", later)[0] == 0  # import 6
    before = dump(two_imports)
    status, out, err = run(capsys, "--db", two_imports, "rollback", "5")
    assert (status, out) == (1, "")
    assert err == (
        f"kuomian rollback: import 5 (rollback of import 4 ({tmp_path / 'second.csv'})) has rows that later "
        "import(s) 6 replaced; roll those back first\n"
    )
    assert dump(two_imports) == before


def test_undoing_a_rollback_whose_rows_a_later_import_wrote_anew_is_refused(capsys, two_imports, tmp_path):
    assert run(capsys, "--db", two_imports, "rollback", "4")[0] == 0
    again = write_csv(tmp_path / "again.csv", [SNAPSHOTS_HEADER, ["2025-11", "530102001", "resident", "880", "300", "440"]])
    assert run(capsys, "--db", two_imports, "import", "snapshots", again)[0] == 0  # import 6: a key only import 4 had
    before = dump(two_imports)
    status, out, err = run(capsys, "--db", two_imports, "rollback", "5")
    assert (status, out) == (1, "")
    assert err.endswith("has rows that later import(s) 6 replaced; roll those back first\n")
    assert dump(two_imports) == before


def test_a_regions_rollback_undone_restores_the_tree(capsys, db, tmp_path):
    file = write_csv(
        tmp_path / "regions-2.csv",
        [REGIONS_HEADER, ["530102", "五华区(新)", "county", "5301"], ["530103", "盘龙区", "county", "5301"]],
    )
    assert run(capsys, "--db", db, "import", "regions", file)[0] == 0
    before = live(db)
    assert run(capsys, "--db", db, "rollback", "3")[0] == 0
    assert run(capsys, "--db", db, "rollback", "4")[0] == 0
    assert live(db) == before


def test_a_population_rollback_undone_restores_the_figure(capsys, db, tmp_path):
    file = write_csv(tmp_path / "population-2.csv", [POPULATION_HEADER, ["2025-12", "530102001", "2222"]])
    assert run(capsys, "--db", db, "import", "population", file)[0] == 0
    before = live(db)
    assert run(capsys, "--db", db, "rollback", "3")[0] == 0
    assert rows_of(db, "SELECT required FROM population WHERE region_code = '530102001'") == [(2000,)]
    assert run(capsys, "--db", db, "rollback", "4")[0] == 0
    assert live(db) == before


def test_the_data_page_lists_the_rollback_in_words_and_offers_to_undo_it(capsys, two_imports, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.fixtures_data import PROJECT_ROOT

    assert run(capsys, "--db", two_imports, "rollback", "4")[0] == 0
    monkeypatch.setenv("KUOMIAN_DB", str(two_imports))
    at = logged_in(AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)).run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    shown = next(df.value for df in at.dataframe if "导入编号" in df.value.columns)
    assert shown["来源文件"].tolist()[0] == "撤销导入 #4（可再撤销本条以恢复）"
    assert at.selectbox(key="data_rollback_id__zh").options[0] == "#5 · 参保缴费快照 · 撤销导入 #4（可再撤销本条以恢复） · 2 行"
