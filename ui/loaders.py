"""Cached reads for the pages, keyed by the database's and the targets file's version.

Nothing here keeps the database open: each load opens a short-lived
read-only connection (``data.db.connect``), so ``kuomian import`` in another
process can always get in between. Results are cached with
``st.cache_data`` under the file's fingerprint, so a page that is redrawn
reads nothing, and a page drawn after an import reads afresh.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from config.settings import get_settings
from data import queries, scope
from data.db import DatabaseBusy, DatabaseMissing, DatabaseUnreadable, connect, database_version
from data.report import metric_series, metrics_report
from metrics.registry import METRIC_KEYS
from present.region_tree import RegionTree, region_tree as build_region_tree
from metrics.targets import TargetProblem, Targets, TargetsError, parse_targets
from ui.session import scope_root

UI_WAIT_SECONDS = 5.0


@dataclass(frozen=True)
class TargetsState:
    targets: Targets | None  # the targets in use: the file's, or the last valid ones
    problems: tuple[TargetProblem, ...]  # the file's problems, if it has any
    path: str
    text: str


def db_path() -> Path:
    return get_settings().db


def db_version() -> tuple[int, int]:
    return database_version(db_path())


def targets_key(targets: Targets) -> str:
    """A cache key for a set of targets: their content."""
    return targets.model_dump_json()


def codes_key(codes: tuple[str, ...] | list[str]) -> str:
    """A cache key for a list of region codes: a digest of the codes in order (``"n:sha1"``).

    Streamlit hashes a tuple argument item by item (40,000 codes: ~0.1 s per call, several calls per
    rerun, issue 15); the loaders take this key instead and the codes themselves unhashed (``_codes``).
    """
    import hashlib

    digest = hashlib.sha1("\n".join(codes).encode("utf-8")).hexdigest()
    return f"{len(codes)}:{digest}"


# --------------------------------------------------------------------------- targets


@st.cache_data(show_spinner=False)
def _stored_for_other_targets(path: str, version: tuple[int, int], key: str, _targets: Targets) -> bool:
    from data import materialised

    with connect(path, wait_seconds=UI_WAIT_SECONDS) as con:
        return materialised.built_for_other_targets(con, _targets)


def stored_for_other_targets(targets: Targets) -> bool:
    """Whether the stored metrics were built with another carry, baseline or schemes than ``targets``."""
    return _stored_for_other_targets(str(db_path()), db_version(), targets_key(targets), targets)


@st.cache_resource
def _last_valid_targets() -> dict[str, Targets]:
    """The last targets that parsed, per file: kept while the file is broken."""
    return {}


@st.cache_data(show_spinner=False)
def _parse(path: str, mtime_ns: int) -> tuple[Targets | None, tuple[TargetProblem, ...], str]:
    text = Path(path).read_text(encoding="utf-8")
    try:
        return parse_targets(text), (), text
    except TargetsError as error:
        return None, tuple(error.problems), text


def targets_state() -> TargetsState:
    """The targets in force; edits to the file take effect on the next rerun."""
    path = str(get_settings().targets)
    try:
        mtime = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return TargetsState(_last_valid_targets().get(path), (TargetProblem("(file)", None, "file not found", "找不到文件"),), path, "")
    targets, problems, text = _parse(path, mtime)
    _note_targets(path, text, len(problems))
    if targets is not None:
        _last_valid_targets()[path] = targets
    else:
        targets = _last_valid_targets().get(path)
    return TargetsState(targets, problems, path, text)


@st.cache_resource
def _targets_noted() -> set[tuple[str, str, str]]:
    """(database, targets file, content hash) already in the audit log, in this process."""
    return set()


def _note_targets(path: str, text: str, problems: int) -> None:
    """Record a changed targets file in the audit log, once per content (issue 12, point 4), while
    someone is logged in. Best effort: a database busy now is tried again on a later page."""
    import hashlib

    from data import audit
    from ui.session import current_actor

    if current_actor() is None:
        return
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    key = (str(db_path()), path, sha)
    if key in _targets_noted():
        return
    try:
        with connect(db_path(), wait_seconds=0) as con:
            done = audit.targets_recorded(con, path, sha)
        if not done:
            with connect(db_path(), write=True, wait_seconds=0) as con:
                audit.note_targets(con, path, sha, problems)
    except (DatabaseBusy, DatabaseMissing, DatabaseUnreadable):
        return
    _targets_noted().add(key)


# --------------------------------------------------------------------------- database


def ensure_database() -> bool:
    """Create the database with the demo data on first start; True if it holds the demo."""
    path = db_path()
    if not path.exists() or path.stat().st_size == 0:
        from data.store import load_demo

        from data.access import Actor
        from data.accounts import create_demo_accounts

        first_start = Actor("system:first-start", "admin", None, "local")
        with connect(path, write=True, wait_seconds=UI_WAIT_SECONDS) as con:
            load_demo(con, actor=first_start)
            create_demo_accounts(con, first_start)  # demo-only passwords, listed in the README (issue 12, point 6)
    return _has_demo(str(path), db_version())


def database_readable() -> bool:
    """Whether a reader gets in right now: no writer announced, no write lock (no waiting)."""
    try:
        with connect(db_path(), wait_seconds=0):
            return True
    except DatabaseBusy:
        return False
    except DatabaseMissing:
        return True  # nothing to wait for: the page says there is no data


@st.cache_data(show_spinner=False)
def _has_demo(path: str, version: tuple[int, int]) -> bool:
    from data.store import has_demo

    with connect(path, wait_seconds=UI_WAIT_SECONDS) as con:
        return has_demo(con)


@st.cache_resource(show_spinner=False, max_entries=4)
def _regions(path: str, version: tuple[int, int]) -> pd.DataFrame:
    # A resource, not data: st.cache_data unpickled a copy on every call (43,000 regions with their
    # lineages: 0.15 s a call, several calls a rerun, issue 15); callers get a shallow copy (pandas
    # copy-on-write: a change to it never reaches the cached frame).
    with connect(path, wait_seconds=UI_WAIT_SECONDS) as con:
        return queries.regions(con)


@st.cache_resource(show_spinner=False, max_entries=16)
def _scoped_regions(path: str, version: tuple[int, int], root: str | None) -> pd.DataFrame:
    return scope.filter_regions(_regions(path, version), root)


@st.cache_resource(show_spinner=False, max_entries=16)
def _scoped_codes(path: str, version: tuple[int, int], root: str) -> frozenset[str]:
    return frozenset(_scoped_regions(path, version, root)["code"])


@st.cache_data(show_spinner=False)
def _periods(path: str, version: tuple[int, int]) -> list[int]:
    with connect(path, wait_seconds=UI_WAIT_SECONDS) as con:
        return queries.periods(con)


def regions() -> pd.DataFrame:
    """``code, name, level, parent_code, lineage``: the regions in the logged-in account's scope (its
    subtree, its root shown as a root; everything for the office), issue 12 point 2 (``data.scope``)."""
    return _scoped_regions(str(db_path()), db_version(), scope_root()).copy(deep=False)


def allowed_codes() -> frozenset[str] | None:
    """The region codes the logged-in account may see; None: every one. Every loader that takes
    codes keeps only these, so no page or download can ask for a region outside the scope."""
    root = scope_root()
    if root is None:
        return None
    return _scoped_codes(str(db_path()), db_version(), root)


@st.cache_resource(show_spinner=False, max_entries=16)
def _region_tree(path: str, version: tuple[int, int], root: str | None) -> RegionTree:
    # A resource, not data: read-only, shared, never copied on a rerun (issue 15); one per scope root,
    # so a reporter's picker holds its own subtree only (issue 12 point 2).
    return build_region_tree(_scoped_regions(path, version, root))


@st.cache_resource(show_spinner=False, max_entries=16)
def _subtree_sizes(path: str, version: tuple[int, int], root: str | None) -> dict[str, int]:
    frame = _scoped_regions(path, version, root)
    return frame["lineage"].explode().value_counts().astype(int).to_dict()


def subtree_size(code: str) -> int:
    """How many regions lie in ``code``'s subtree, itself included (0: not in the scope), counted once per
    database version: a page decides from it whether a file is built now or on click (issue 15)."""
    return int(_subtree_sizes(str(db_path()), db_version(), scope_root()).get(code, 0))


@st.cache_resource(show_spinner=False, max_entries=64)
def _descendants(path: str, version: tuple[int, int], root: str | None, code: str, level: str | None) -> tuple[str, ...]:
    frame = _scoped_regions(path, version, root)
    inside = frame["lineage"].map(lambda lineage: code in tuple(lineage))
    if level is not None:
        inside &= frame["level"] == level
    return tuple(sorted(frame.loc[inside, "code"].astype(str)))


def descendants(code: str, level: str | None = None) -> tuple[str, ...]:
    """Codes of ``code``'s subtree (itself included), of ``level`` only where given, by code; found once per
    database version and scope, not by a walk over 43,000 lineages on every rerun (issue 15)."""
    return _descendants(str(db_path()), db_version(), scope_root(), str(code), level)


def region_tree() -> RegionTree:
    """The sidebar's region picker lookups (:class:`present.region_tree.RegionTree`) over the logged-in
    account's scope, built once per database version and scope."""
    return _region_tree(str(db_path()), db_version(), scope_root())


def periods() -> list[int]:
    """Every month with snapshot rows, ascending."""
    return _periods(str(db_path()), db_version())


@st.cache_data(show_spinner=False, max_entries=256)
def _report(
    path: str,
    version: tuple[int, int],
    targets_key: str,
    _targets: Targets,
    period: int,
    codes: str,
    _codes: tuple[str, ...],
    compare_to: int | None,
) -> pd.DataFrame:
    from present.honest import report_with_notes

    with connect(path, wait_seconds=UI_WAIT_SECONDS) as con:
        frame = metrics_report(con, _targets, period, codes=list(_codes), compare_to=compare_to, metrics=METRIC_KEYS)
        return report_with_notes(con, _targets, frame, period)


def report(targets: Targets, period: int, codes: list[str] | tuple[str, ...], compare_to: int | None = None) -> pd.DataFrame:
    """The contract's report (every metric) for ``codes`` at ``period``, ranked together (codes outside the scope dropped)."""
    codes = tuple(scope.within(codes, allowed_codes()))
    return _report(str(db_path()), db_version(), targets_key(targets), targets, int(period), codes_key(codes), codes, compare_to)


@st.cache_data(show_spinner=False, max_entries=64)
def _series(
    path: str, version: tuple[int, int], targets_key: str, _targets: Targets, codes: str, _codes: tuple[str, ...], months: tuple[int, ...]
) -> pd.DataFrame:
    with connect(path, wait_seconds=UI_WAIT_SECONDS) as con:
        return metric_series(con, _targets, list(_codes), list(months))


def series(targets: Targets, codes: list[str] | tuple[str, ...], months: list[int] | tuple[int, ...]) -> pd.DataFrame:
    """Metric values of ``codes`` over ``months``: ``region_code, period, metric, numerator, denominator, value, completeness``
    (codes outside the scope dropped)."""
    codes = tuple(scope.within(codes, allowed_codes()))
    return _series(str(db_path()), db_version(), targets_key(targets), targets, codes_key(codes), codes, tuple(int(m) for m in months))


def children(code: str) -> pd.DataFrame:
    """The direct children of a region."""
    frame = regions()
    return frame[frame["parent_code"] == code]


def region_name(code: str) -> str:
    frame = regions().set_index("code")
    return str(frame.at[code, "name"]) if code in frame.index else code


__all__ = [
    "DatabaseBusy",
    "DatabaseMissing",
    "DatabaseUnreadable",
    "TargetsState",
    "children",
    "db_path",
    "ensure_database",
    "periods",
    "region_name",
    "regions",
    "report",
    "series",
    "targets_state",
]


@st.cache_data(show_spinner=False, max_entries=64)
def _reported_above(path: str, version: tuple[int, int], codes: str, _codes: tuple[str, ...], period: int) -> pd.DataFrame:
    from data.quality import schemes_reported_above

    with connect(path, wait_seconds=UI_WAIT_SECONDS) as con:
        return schemes_reported_above(con, list(_codes), period)


def reported_above(codes: list[str] | tuple[str, ...], period: int) -> pd.DataFrame:
    """Listed regions whose ancestor reports some schemes itself (see ``data.quality.schemes_reported_above``)."""
    codes = tuple(scope.within(codes, allowed_codes()))
    return _reported_above(str(db_path()), db_version(), codes_key(codes), codes, int(period))


@st.cache_data(show_spinner=False)
def _region_changes(path: str, version: tuple[int, int]) -> pd.DataFrame | None:
    if not hasattr(queries, "region_changes"):  # an engine without abolished regions
        return None
    with connect(path, wait_seconds=UI_WAIT_SECONDS) as con:
        return queries.region_changes(con)


def region_changes() -> pd.DataFrame | None:
    """``code, name, abolished, successor, successor_name`` of the abolished regions (``data.queries.region_changes``)."""
    return _region_changes(str(db_path()), db_version())
