"""The data page's approval section as tables (issue 12, point 3), without streamlit.

:func:`township_status` answers "per township and month: submitted / approved / returned / locked, and
by whom"; :func:`pending_options` lists what an account may review. Inputs are the plain frames of
``data.approval`` (``submissions``, ``current_locks``) and the regions frame of ``ui.loaders.regions``.
"""

from __future__ import annotations

import pandas as pd

from data.approval import Lock
from present.catalog import CATALOG, text
from metrics.periods import period_label

STATUS_ORDER: tuple[str, ...] = ("submitted", "restored", "returned", "approved", "rolled_back", "imported", "none")
"""How the statuses sort in the table: what needs someone's attention first."""


def _moment(value) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def status_of(status: str | None, rolled_back_at, held: bool = False) -> str:
    """A submission's shown status key: ``none`` without one; ``rolled_back`` when its import was rolled back
    other than by a return (an office rollback); ``restored`` when an old-rule submission was returned but the
    office has since undone that rollback (its figures are back); else its stored status. A ``held`` upload
    (data/pending.py) returned never landed: it reads ``returned``."""
    if status is None or (isinstance(status, float) and pd.isna(status)):
        return "none"
    rolled = rolled_back_at is not None and not pd.isna(rolled_back_at)
    if status == "returned" and held is True:
        return "returned"
    if status == "returned":
        return "returned" if rolled else "restored"
    return "rolled_back" if rolled else str(status)


def township_status(
    regions: pd.DataFrame,
    subs: pd.DataFrame,
    locks: dict[int, Lock],
    root: str,
    period: int,
    language: str,
    with_figures: frozenset[str] | set[str] = frozenset(),
) -> pd.DataFrame:
    """One row per township under ``root`` (itself included if a township) for month ``period`` (month index).

    A township's submission is the newest import whose submission names the township, or names its
    county (a county reporter's upload covers its townships). Columns, in ``language``: code, township,
    county, status, import, submitted by/at, reviewed by/at, the reason of a return, and the lock of the
    month with its account. Sorted by status (awaiting review first, per :data:`STATUS_ORDER`), then code.
    ``regions``: ``code, name, level, parent_code, lineage``; ``subs``: ``data.approval.submissions``.
    ``with_figures``: the codes with snapshot rows at ``period``. A township without a submission whose
    subtree has figures reads ``imported`` (the office or the administrator imported them: no review is
    due), not ``none`` (nothing there).
    """

    def say(key: str, **values) -> str:
        return text(key, language, **values)

    inside = regions[regions["lineage"].map(lambda lineage: root in list(lineage))]
    towns = inside[inside["level"] == "township"].sort_values("code")
    names = dict(zip(regions["code"].tolist(), regions["name"].tolist()))  # lists: Arrow strings iterate slowly
    number = "submission_id" if "submission_id" in subs.columns else "import_id"  # the review's number (data.approval)
    month = subs[subs["period"] == period].sort_values(number, ascending=False)
    newest = month.drop_duplicates("region_code").set_index("region_code")
    lock = locks.get(period)
    # Headers and words once, not twelve catalog look-ups per township (40,000 a rerun, issue 15).
    col = {name: say(f"approve.col.{name}") for name in (
        "code", "township", "county", "status", "import_id", "by", "submitted_at", "reviewer", "reviewed_at", "reason", "lock"
    )}
    status_words = {key: say(f"approve.status.{key}") for key in STATUS_ORDER}
    lock_cell = say("approve.lock_cell", account=lock.account) if lock else ""
    lineages = dict(zip(regions["code"].tolist(), regions["lineage"].tolist())) if with_figures else {}
    covered = {code for held in with_figures for code in lineages.get(held, (held,))}  # a row counts for its ancestors
    # A submission's cells are worded once per submitting region, then each township takes its own
    # region's or its county's (issue 15: one Python pass per township, 0.5 s at 40,000, before).
    worded = {}
    for code, record in newest.iterrows():
        key = status_of(record["status"], record["rolled_back_at"], bool(record.get("held", False)))
        worded[code] = (
            key, int(record[number]), record["by_account"], _moment(record["submitted_at"]),
            "" if pd.isna(record["reviewer"]) else record["reviewer"], _moment(record["reviewed_at"]),
            "" if pd.isna(record["reason"]) else record["reason"],
        )
    if towns.empty:
        empty = pd.DataFrame([], columns=["key", *col.values()])
        return empty.astype({col["import_id"]: "Int64"})
    codes, parents = towns["code"].tolist(), towns["parent_code"].tolist()
    found = [worded.get(code) or worded.get(parent) for code, parent in zip(codes, parents)]
    keys = [cells[0] if cells else ("imported" if code in covered else "none") for cells, code in zip(found, codes)]
    blank = (None, None, "", "", "", "", "")  # no submission: no number, empty cells
    found = [cells or blank for cells in found]
    table = pd.DataFrame(
        {
            "key": keys,
            col["code"]: codes,
            col["township"]: towns["name"].tolist(),
            col["county"]: [names.get(parent, "") for parent in parents],
            col["status"]: [status_words[key] if key in status_words else say(f"approve.status.{key}") for key in keys],
            col["import_id"]: pd.array([cells[1] for cells in found], dtype="Int64"),  # blank, not NaN, where none
            col["by"]: [cells[2] for cells in found],
            col["submitted_at"]: [cells[3] for cells in found],
            col["reviewer"]: [cells[4] for cells in found],
            col["reviewed_at"]: [cells[5] for cells in found],
            col["reason"]: [cells[6] for cells in found],
            col["lock"]: lock_cell,
        },
        columns=["key", *col.values()],
    )
    table["order"] = table["key"].map(STATUS_ORDER.index)
    table = table.sort_values(["order", col["code"]], kind="stable").drop(columns="order")
    return table.reset_index(drop=True)


def status_counts(table: pd.DataFrame) -> dict[str, int]:
    """How many townships of :func:`township_status` are submitted, approved, returned, imported by the
    office without a submission, not submitted."""
    keys = table["key"].value_counts() if not table.empty else {}
    return {key: int(keys.get(key, 0)) for key in ("submitted", "approved", "returned", "imported", "none")}


def pending_options(subs: pd.DataFrame, reviewable: set[int], language: str) -> dict[int, str]:
    """The submitted, not rolled back submissions among ``reviewable`` (submission numbers), newest first, with their labels."""
    number = "submission_id" if "submission_id" in subs.columns else "import_id"
    waiting = subs[(subs["status"] == "submitted") & subs["rolled_back_at"].isna() & subs[number].isin(reviewable)]
    options = {}
    for import_id, rows in waiting.groupby(number, sort=False):
        first = rows.iloc[0]
        options[int(import_id)] = text(
            "approve.option",
            language,
            import_id=int(import_id),
            region=" ".join(dict.fromkeys(f"{code} {name}" for code, name in zip(rows["region_code"], rows["region_name"].fillna("")))),
            months="、".join(period_label(p) for p in sorted(set(rows["period"]))),
            by=first["by_account"],
            source=first["source"],
        )
    return dict(sorted(options.items(), reverse=True))


HELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "population": ("required",),
    "snapshots": ("scheme", "insured", "receiving", "paid"),
    "pool": ("group_id", "identified", "enrolled_employee", "enrolled_resident"),
    "actions": ("action_id", "enrolled"),
}
"""Per held kind, the columns its reviewer reads after region and period (the table's own names)."""


def held_table(kind: str, rows: pd.DataFrame, language: str) -> pd.DataFrame:
    """A held upload's rows for its reviewer (``data.pending.held_rows``: ``_row``, ``region_code``,
    ``region_name``, ``period`` as a month index, the kind's columns): the file's row, region code and name,
    period ``YYYY-MM``, scheme in words, then the figures in persons, under headers in ``language``."""
    figures = HELD_COLUMNS.get(kind, ())
    out = pd.DataFrame(
        {
            text("pending.col.row", language): rows["_row"].astype("int64"),
            text("pending.col.region_code", language): rows["region_code"].astype(str),
            text("pending.col.region_name", language): rows["region_name"].astype(str),
            text("pending.col.period", language): rows["period"].map(lambda p: period_label(int(p))),
        }
    )
    for column in figures:
        values = rows[column]
        if column == "scheme":
            values = values.map(lambda s: text(f"scheme.{s}", language) if f"scheme.{s}" in CATALOG else s)
        out[text(f"pending.col.{column}", language)] = values
    return out.reset_index(drop=True)
