"""The task ledger's rules (任务清单销账制度, issue 14 point 3): a task's status and the overdue counts.

Pure: no IO. A task is a row of the ``ledger`` table (see :mod:`data.ledger`): ``seq`` (序号),
``deadline`` (完成时限, a date), ``status`` as stored (``not_started`` / ``in_progress`` / ``done``),
``done_on`` (销账日期, a date or missing), ``leader`` (包保领导) and ``regions`` (the codes it concerns,
comma-separated, empty for the whole jurisdiction).

Status rules (each has a test named after it in tests/test_ledger.py):

- **crossed off** (已销账): the task has a date crossed off (``done_on``); it stays crossed off even when
  that date is after the deadline (it was done late, but it is done);
- **overdue** (逾期): not crossed off and its deadline is before today (the deadline day itself is still
  in time). Overdue is derived, never stored: a task becomes overdue by the passing of time alone;
- **in progress** (推进中): not crossed off, not overdue, and stored as in progress;
- **not started** (未开始): everything else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

STORED_STATUSES: tuple[str, ...] = ("not_started", "in_progress", "done")
"""What the ``status`` column holds; ``overdue`` is never stored."""

STATUSES: tuple[str, ...] = ("not_started", "in_progress", "done", "overdue")
"""Every status a task shows, in the order the page lists them."""

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "not_started": ("未开始", "Not started"),
    "in_progress": ("推进中", "In progress"),
    "done": ("已销账", "Crossed off"),
    "overdue": ("逾期", "Overdue"),
}
"""Each status in Chinese and English."""

NO_LEADER = "（未指定）"
"""The leader a task without 包保领导 is counted under."""
NO_REGION = ""
"""The region code a task without regions is counted under (the whole jurisdiction)."""


def is_missing(value: object) -> bool:
    """True for an empty ledger cell: None, NaN, NaT or pandas' NA."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def cell_date(value: object) -> dt.date | None:
    """The day of a date-like cell (a Timestamp, datetime or date, as spreadsheets and DuckDB give them);
    None for anything else (text is parsed by the caller, which knows what the text may be)."""
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _date(value: object) -> dt.date | None:
    if is_missing(value):
        return None
    day = cell_date(value)
    return day if day is not None else dt.date.fromisoformat(str(value)[:10])


def task_status(stored: str, deadline: object, done_on: object, today: dt.date) -> str:
    """The status a task shows today: ``done``, ``overdue``, ``in_progress`` or ``not_started``.

    ``stored`` is the ``status`` column (one of :data:`STORED_STATUSES`), ``deadline`` and ``done_on`` dates
    (``done_on`` missing while the task is open). The rules are the module's (issue 14 point 3).
    """
    if _date(done_on) is not None or stored == "done":
        return "done"
    deadline_day = _date(deadline)
    if deadline_day is not None and deadline_day < today:
        return "overdue"
    if stored == "in_progress":
        return "in_progress"
    return "not_started"


def with_status(tasks: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """``tasks`` (the ledger's columns) with a ``shown`` column: each task's status today (:func:`task_status`)
    and ``days_over``: for an overdue task, the days since its deadline (0 otherwise)."""
    out = tasks.copy()
    out["shown"] = [task_status(s, d, o, today) for s, d, o in zip(out["status"], out["deadline"], out["done_on"])]
    out["days_over"] = [
        (today - _date(d)).days if shown == "overdue" else 0 for d, shown in zip(out["deadline"], out["shown"])
    ]
    return out


def region_codes(text: object) -> list[str]:
    """A task's ``regions`` cell -> its region codes (empty: the whole jurisdiction)."""
    if text is None or (isinstance(text, float) and text != text) or str(text).strip() == "":
        return []
    return [code for code in str(text).split(",") if code]


def overdue_by_leader(tasks: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Overdue tasks per 包保领导: columns ``leader``, ``overdue`` (tasks), most first, then by name.
    A task without a leader counts under :data:`NO_LEADER`. Leaders without overdue tasks are left out."""
    shown = with_status(tasks, today)
    late = shown[shown["shown"] == "overdue"]
    leaders = late["leader"].fillna("").astype(str).str.strip().replace("", NO_LEADER)
    counts = leaders.value_counts().rename_axis("leader").reset_index(name="overdue")
    return counts.sort_values(["overdue", "leader"], ascending=[False, True], kind="stable").reset_index(drop=True)


def overdue_by_region(tasks: pd.DataFrame, today: dt.date, within: Iterable[str] | None = None) -> pd.DataFrame:
    """Overdue tasks per region they concern: columns ``region_code``, ``overdue`` (tasks), most first.

    A task concerning three regions counts once for each; a task without regions counts under
    :data:`NO_REGION` (the whole jurisdiction). ``within``: only these region codes (a selection's
    subtree), the whole-jurisdiction tasks still counted.
    """
    shown = with_status(tasks, today)
    late = shown[shown["shown"] == "overdue"]
    codes = [code for text in late["regions"] for code in (region_codes(text) or [NO_REGION])]
    if within is not None:
        keep = set(within)
        codes = [code for code in codes if code == NO_REGION or code in keep]
    counts = pd.Series(codes, dtype=str).value_counts().rename_axis("region_code").reset_index(name="overdue")
    return counts.sort_values(["overdue", "region_code"], ascending=[False, True], kind="stable").reset_index(drop=True)


def status_counts(tasks: pd.DataFrame, today: dt.date) -> dict[str, int]:
    """How many tasks show each status today (every status of :data:`STATUSES`, zero included)."""
    shown = with_status(tasks, today)["shown"].value_counts()
    return {status: int(shown.get(status, 0)) for status in STATUSES}
