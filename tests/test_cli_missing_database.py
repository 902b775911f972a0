"""A verb that changes an existing database names a mistyped ``--db`` instead of making an empty database there.

Found by the session-5 adversary: ``kuomian --db typo.duckdb approve 1`` (or rollback, return, lock, unlock)
made ``typo.duckdb``, a new empty database, then said there was nothing to act on. Nothing of a refusal may
change anything (common rules), and a new file is a change; the reading verbs already say "no database here yet".
"""

from __future__ import annotations

import pytest

from tests.fixtures_data import run

VERBS = [
    ["rollback", "3"],
    ["approve", "1"],
    ["return", "1", "--reason", "有误"],
    ["lock", "2026-10", "--reason", "10月已关账"],
    ["unlock", "2026-10", "--reason", "更正"],
]


@pytest.mark.parametrize("verb", VERBS, ids=[verb[0] for verb in VERBS])
def test_a_changing_verb_on_a_mistyped_database_path_makes_no_database(capsys, tmp_path, verb):
    missing = tmp_path / "typo.duckdb"
    status, out, err = run(capsys, "--db", missing, *verb)
    assert (status, out) == (1, "")
    assert err == f"kuomian: {missing}: no database here yet; import data or run `kuomian demo` first.\n"
    assert list(tmp_path.iterdir()) == []
