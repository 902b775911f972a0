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


@pytest.fixture
def region_reads(monkeypatch):
    """``loaders.regions`` over a stand-in database of three regions; yields the list of reads made."""
    reads = []
    version = {"now": (1, 1)}
    monkeypatch.setattr(loaders, "db_version", lambda: version["now"])
    monkeypatch.setattr(loaders, "scope_root", lambda: None)
    monkeypatch.setattr(loaders, "connect", lambda *a, **k: contextlib.nullcontext())
    frame = pd.DataFrame(
        {"code": ["53", "5301", "530102"], "name": ["云南省", "昆明市", "五华区"], "level": ["province", "city", "county"],
         "parent_code": [None, "53", "5301"], "lineage": [("53",), ("53", "5301"), ("53", "5301", "530102")]}
    )
    monkeypatch.setattr(loaders.queries, "regions", lambda con: reads.append(1) or frame.copy())
    caches = (loaders._regions, loaders._scoped_regions, loaders._descendants, loaders._subtree_sizes)
    for cache in caches:
        cache.clear()
    yield reads, version
    for cache in caches:
        cache.clear()


def test_the_regions_are_read_once_per_database_version_and_a_pages_change_never_reaches_the_next_page(region_reads):
    reads, version = region_reads
    first = loaders.regions()
    first["name"] = "changed"  # a page adding or overwriting a column on its copy
    first.loc[0, "code"] = "99"
    again = loaders.regions()
    assert reads == [1] and again["name"].tolist() == ["云南省", "昆明市", "五华区"] and again["code"].iloc[0] == "53"
    version["now"] = (1, 2)  # an import changed the file
    loaders.regions()
    assert reads == [1, 1]


def test_a_subtree_is_listed_once_per_database_version_with_its_own_code_and_by_level(region_reads):
    reads, version = region_reads
    assert loaders.descendants("5301") == ("5301", "530102")
    assert loaders.descendants("53", "county") == ("530102",)
    assert loaders.descendants("53") == ("53", "5301", "530102") and reads == [1]
    assert loaders.subtree_size("53") == 3 and loaders.subtree_size("530102") == 1 and loaders.subtree_size("99") == 0
