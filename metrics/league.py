"""League tables: which regions are ranked together, against which month, and who is named.

The leading-group office ranks the regions under a jurisdiction every month
and, each quarter, praises the best and names the laggards. This module holds
those rules as pure functions over the report of ``metrics.compute.evaluate``
(one row per region and metric): no IO, no UI.

A league table has the selected region pinned first as the reference line,
then the ranked regions. Column ``pinned`` marks the reference row; column
``in_league`` marks the rows that were ranked together (the reference row is
one of them when the league is the region's siblings).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from metrics.periods import december_before
from metrics.registry import LEVELS
from metrics.targets import BulletinRules

# Levels a league can be drawn at: villages report, they are not ranked.
RANKED_LEVELS: tuple[str, ...] = tuple(level for level in LEVELS if level != "village")

COMPARISONS: tuple[str, ...] = ("month", "quarter", "year")

LEAGUE_COLUMNS: tuple[str, ...] = (
    "region_code",
    "region_name",
    "level",
    "rank",
    "rank_change",
    "value",
    "target",
    "target_by",
    "gap_pp",
    "gap_persons",
    "status",
    "pinned",
    "in_league",
    "comparable",
    "reported_above",
    "carried",
    "overdue_months",
)

SORT_KEYS: tuple[str, ...] = ("rank", "rank_change", "gap_pp", "gap_persons", "region_name")


# --------------------------------------------------------------------------- display rules


def pinyin_key(name: object) -> str:
    """The key Chinese names sort by: their pinyin with tone numbers (``"葵山镇"`` -> ``"kui2 shan1 zhen4"``).

    Code points put 越州镇 before 三宝镇 by accident of Unicode; readers look a
    name up by its pinyin, as in a dictionary (issue 8). Letters and digits
    pass through unchanged.
    """
    from pypinyin import Style, lazy_pinyin  # here: its dictionaries take 0.5 s to load, and the overview sorts no names (issue 15)

    return " ".join(lazy_pinyin(str(name), style=Style.TONE3, errors="default")).casefold()


def comparable_mask(rows: pd.DataFrame) -> pd.Series:
    """True where a row's region is comparable for its metric (spec §3, "Comparable").

    A report without the ``comparable`` column (an older engine) counts every
    region comparable. A region that is not comparable is never ranked,
    praised or named.
    """
    if "comparable" not in rows:
        return pd.Series(True, index=rows.index, dtype=bool)
    return rows["comparable"].map(lambda c: True if c is None or c is pd.NA or (isinstance(c, float) and c != c) else bool(c)).astype(bool)


def with_display_columns(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with ``comparable`` (default True), ``reported_above`` (default ``()``), ``carried`` and
    ``overdue_months`` (default NaN) present."""
    rows = rows.copy()
    rows["comparable"] = comparable_mask(rows)
    for column in ("carried", "overdue_months"):  # an older engine: nothing carried, nothing overdue
        if column not in rows:
            rows[column] = float("nan")
    if "reported_above" not in rows:
        rows["reported_above"] = pd.Series([()] * len(rows), index=rows.index, dtype=object)
    else:
        rows["reported_above"] = rows["reported_above"].map(lambda r: tuple(r) if isinstance(r, (tuple, list)) else ())
    return rows

# --------------------------------------------------------------------------- who is ranked


def _contains(lineage: object, code: str) -> bool:
    return code in tuple(lineage)  # type: ignore[arg-type]


def league_levels(regions: pd.DataFrame, code: str) -> list[str]:
    """The levels below ``code`` that hold regions a league can rank, nearest first.

    ``regions``: ``code, level, parent_code, lineage`` (lineage: the region
    itself first, then its ancestors). A township with only villages under it
    has none.
    """
    below = regions[(regions["code"] != code) & regions["lineage"].map(lambda lineage: _contains(lineage, code))]
    present = set(below["level"])
    return [level for level in RANKED_LEVELS if level in present]


def league_codes(regions: pd.DataFrame, code: str, level: str | None = None) -> tuple[list[str], bool]:
    """The codes ranked together for ``code``, and whether they are its siblings.

    With ``level``: every region of that level under ``code`` (e.g. all the
    townships of a city). Without: the children of ``code`` (villages aside);
    where it has none, its siblings, itself included. Codes ascending.
    """
    if level is not None and level in RANKED_LEVELS:
        under = regions[(regions["level"] == level) & regions["lineage"].map(lambda lineage: _contains(lineage, code))]
        under = under[under["code"] != code]
        if not under.empty:
            return sorted(under["code"].astype(str)), False
    ranked = regions[regions["level"].isin(RANKED_LEVELS)]
    kids = ranked[ranked["parent_code"] == code]
    if not kids.empty:
        return sorted(kids["code"].astype(str)), False
    parent = regions.loc[regions["code"] == code, "parent_code"]
    if parent.empty or pd.isna(parent.iloc[0]):
        return [code], True
    siblings = ranked[ranked["parent_code"] == parent.iloc[0]]
    return sorted(siblings["code"].astype(str)), True


# --------------------------------------------------------------------------- against which month


def previous_quarter_end(period: int) -> int:
    """The last month of the quarter before ``period``'s: 2026-05 -> 2026-03, 2026-03 -> 2025-12."""
    month = (int(period) - 1) % 12 + 1
    first_of_quarter = int(period) - (month - 1) % 3
    return first_of_quarter - 1


def comparison_month(period: int, comparison: str) -> int:
    """The month rank changes are measured from.

    ``month``: the month before; ``quarter``: the end of the previous quarter;
    ``year``: December of the previous year.
    """
    if comparison == "month":
        return int(period) - 1
    if comparison == "quarter":
        return previous_quarter_end(period)
    if comparison == "year":
        return december_before(period)
    raise ValueError(f"unknown comparison {comparison!r}; expected one of {', '.join(COMPARISONS)}")


# --------------------------------------------------------------------------- the table


def league_table(league: pd.DataFrame, reference: pd.DataFrame, metric: str, reference_code: str) -> pd.DataFrame:
    """The reference region first, then the league in rank order (unranked last, ties by code).

    ``league``: the report of the regions ranked together; ``reference``: a
    report holding ``reference_code`` (used when the reference is not itself
    in the league). Returns ``LEAGUE_COLUMNS``.
    """
    rows = with_display_columns(league[league["metric"] == metric])
    rows["in_league"] = True
    own = rows[rows["region_code"] == reference_code]
    if own.empty:
        own = with_display_columns(reference[(reference["metric"] == metric) & (reference["region_code"] == reference_code)])
        own["in_league"] = False
        # The reference is not ranked with the regions under it.
        own["rank"] = pd.array([pd.NA] * len(own), dtype="Int64")
        own["rank_change"] = pd.array([pd.NA] * len(own), dtype="Int64")
    own = own.assign(pinned=True)
    others = rows[rows["region_code"] != reference_code].assign(pinned=False)
    others = others.assign(_unranked=others["rank"].isna(), _rank=others["rank"].fillna(0))
    others = others.sort_values(["_unranked", "_rank", "region_code"], kind="stable")
    table = pd.concat([own, others], ignore_index=True)
    for column in ("rank", "rank_change", "gap_persons", "target_by"):
        table[column] = table[column].astype("Int64")
    table["pinned"] = table["pinned"].astype(bool)
    table["in_league"] = table["in_league"].astype(bool)
    return table[list(LEAGUE_COLUMNS)].reset_index(drop=True)


def sort_league(table: pd.DataFrame, by: str = "rank", ascending: bool = True) -> pd.DataFrame:
    """Sort the rows under the pinned reference row, which stays first; missing values last, ties by rank and code."""
    if by not in SORT_KEYS:
        raise ValueError(f"cannot sort a league by {by!r}; expected one of {', '.join(SORT_KEYS)}")
    pinned = table[table["pinned"]]
    rest = table[~table["pinned"]]
    key = rest[by].map(pinyin_key) if by == "region_name" else rest[by]
    rest = rest.assign(
        _missing=key.isna(),
        _key=key,
        _unranked=rest["rank"].isna(),
        _rank=rest["rank"].fillna(0),
    )
    ordered = rest.sort_values(
        ["_missing", "_key", "_unranked", "_rank", "region_code"],
        ascending=[True, ascending, True, True, True],
        kind="stable",
        na_position="last",
    )
    return pd.concat([pinned, ordered[list(table.columns)]], ignore_index=True)


def filter_league(table: pd.DataFrame, statuses: Iterable[str] | None = None, query: str = "") -> pd.DataFrame:
    """Keep the reference row and the rows whose status is in ``statuses`` and whose name or code holds ``query``.

    ``statuses`` uses the status keys, with ``"none"`` for regions without a
    status; ``None`` keeps every status. ``query`` is matched case-blind.
    """
    keep = pd.Series(True, index=table.index)
    if statuses is not None:
        wanted = set(statuses)
        keep &= table["status"].fillna("none").isin(wanted)
    needle = query.strip().casefold()
    if needle:
        names = table["region_name"].astype(str).str.casefold()
        codes = table["region_code"].astype(str)
        keep &= names.str.contains(needle, regex=False) | codes.str.contains(needle, regex=False)
    return table[table["pinned"] | keep].reset_index(drop=True)


# --------------------------------------------------------------------------- praise and name


def bulletin(table: pd.DataFrame, rules: BulletinRules) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Who the bulletin praises and who it names among the regions ranked together in ``table``
    (:func:`league_table`; the pinned reference row takes no part).

    The one praise/name rule (issue 11): :func:`metrics.bulletin.praise_and_name` with the
    targets file's ``bulletin:`` section, the same the quarterly bulletin workbook applies.
    Returns (praised, named), each with the columns of ``metrics.bulletin.SELECTION_COLUMNS``,
    one row per region (the first reason it is listed under), in the rule's order. A region
    that is not comparable (spec §3) is neither praised nor named.
    """
    from metrics.bulletin import praise_and_name  # metrics.bulletin reads this module's league_codes

    league = table[table["in_league"] & comparable_mask(table)]
    chosen = praise_and_name(league, rules)
    praised = chosen[chosen["kind"] == "praise"].drop_duplicates("region_code")
    named = chosen[chosen["kind"] == "name"].drop_duplicates("region_code")
    return praised.reset_index(drop=True), named.reset_index(drop=True)


EXPORT_COLUMNS: tuple[str, ...] = (
    "rank",
    "rank_change",
    "region_code",
    "region_name",
    "value",
    "target",
    "target_by",
    "gap_points",
    "gap_persons",
    "status",
)


def export_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The league as a file holds it (``EXPORT_COLUMNS``): rates as fractions, the gap in percentage points.

    ``target_by`` stays a month index; ``status`` a key (``None`` without one).
    """
    rows = table.copy()
    rows["gap_points"] = (rows["gap_pp"].astype("float64") * 100).astype("float64")
    return rows[list(EXPORT_COLUMNS)].reset_index(drop=True)


def league_members(table: pd.DataFrame) -> pd.DataFrame:
    """The rows that were ranked together (the chart's bars), in rank order: unranked last, ties by code."""
    rows = table[table["in_league"]]
    rows = rows.assign(_unranked=rows["rank"].isna(), _rank=rows["rank"].fillna(0))
    rows = rows.sort_values(["_unranked", "_rank", "region_code"], kind="stable")
    return rows[list(table.columns)].reset_index(drop=True)


__all__: Sequence[str] = (
    "COMPARISONS",
    "EXPORT_COLUMNS",
    "LEAGUE_COLUMNS",
    "RANKED_LEVELS",
    "SORT_KEYS",
    "bulletin",
    "comparable_mask",
    "comparison_month",
    "export_rows",
    "filter_league",
    "league_codes",
    "league_levels",
    "league_members",
    "league_table",
    "pinyin_key",
    "previous_quarter_end",
    "sort_league",
)
