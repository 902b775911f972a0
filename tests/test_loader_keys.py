"""The pages' cached loaders are keyed on what they read (issue 15): the database's version and the
region codes asked for, the codes by a digest instead of Streamlit hashing 40,000 strings each call."""

from __future__ import annotations

import contextlib

import pandas as pd
import pytest

from ui import loaders


def test_a_codes_key_is_short_and_tells_apart_other_codes_and_another_order():
    many = tuple(f"{n:09d}" for n in range(40_000))
    assert len(loaders.codes_key(many)) < 50
    assert loaders.codes_key(("a", "b")) == loaders.codes_key(["a", "b"])
    assert len({loaders.codes_key(("a", "b")), loaders.codes_key(("b", "a")), loaders.codes_key(("a",)), loaders.codes_key(("ab",))}) == 4


@pytest.fixture
def engine(monkeypatch):
    """The report loader over a stand-in engine that records the codes of every read it really makes."""
    import present.honest

    reads = []
    version = {"now": (1, 1)}
    monkeypatch.setattr(loaders, "db_version", lambda: version["now"])
    monkeypatch.setattr(loaders, "allowed_codes", lambda: None)
    monkeypatch.setattr(loaders, "connect", lambda *a, **k: contextlib.nullcontext())
    monkeypatch.setattr(
        loaders, "metrics_report", lambda con, targets, period, codes, **k: reads.append(list(codes)) or pd.DataFrame({"region_code": codes})
    )
    monkeypatch.setattr(present.honest, "report_with_notes", lambda con, targets, frame, period: frame)
    loaders._report.clear()
    yield reads, version
    loaders._report.clear()


def test_the_report_is_read_once_per_codes_and_again_for_other_codes_or_a_new_database_version(engine):
    from config.settings import PROJECT_ROOT
    from metrics.targets import parse_targets

    reads, version = engine
    targets = parse_targets((PROJECT_ROOT / "config" / "targets.yaml").read_text(encoding="utf-8"))
    first = loaders.report(targets, 24_320, ["530102", "530103"])
    loaders.report(targets, 24_320, ["530102", "530103"])
    assert reads == [["530102", "530103"]] and first["region_code"].tolist() == ["530102", "530103"]
    assert loaders.report(targets, 24_320, ["530103", "530102"])["region_code"].tolist() == ["530103", "530102"]
    version["now"] = (1, 2)  # an import changed the file
    loaders.report(targets, 24_320, ["530102", "530103"])
    assert reads == [["530102", "530103"], ["530103", "530102"], ["530102", "530103"]]
