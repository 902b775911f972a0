"""Importing the townships' monthly spreadsheets: read, check, write, undo.

A file is read as text by :mod:`data.readers` (CSV, XLSX, XLS, ODS; the
layouts townships send), its headers mapped from English or Chinese, and every
row checked. A file with any invalid row is refused as a
whole: every problem is reported as ``FILE:ROW: field: reason`` (ROW counted
as a spreadsheet user counts it, the header being row 1) and nothing is
written. A file that passes lands in one transaction; rows whose key exists
replace the earlier values, which are kept in the ``replaced_*`` tables so that
:func:`rollback` can restore them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data.problems import ImportRefused, Problem
from data.readers import notes_of, read_table, read_upload
from metrics.periods import period_label
from metrics.registry import LEVELS, POOL_ACTIONS, POOL_GROUPS, SCHEMES, category_names


# --------------------------------------------------------------------------- what a file holds


@dataclass(frozen=True)
class Kind:
    name: str
    columns: tuple[str, ...]  # canonical, in order
    key: tuple[str, ...]
    chinese: dict[str, str]  # Chinese header -> canonical column
    counts: tuple[str, ...] = ()
    # (canonical column, database column) where the two differ: the file and every
    # message say ``group``, the table says ``group_id`` (GROUP is an SQL keyword).
    stored: tuple[tuple[str, str], ...] = ()
    # Columns a file may lack (filled with ""): read, not required (data/readers.py).
    optional: tuple[str, ...] = ()

    @property
    def value_columns(self) -> tuple[str, ...]:
        """The columns a re-import of the same key replaces."""
        return tuple(column for column in self.columns if column not in self.key)

    def db(self, column: str) -> str:
        """The table column that holds a canonical column."""
        return dict(self.stored).get(column, column)

    @property
    def db_columns(self) -> tuple[str, ...]:
        return tuple(self.db(column) for column in self.columns)

    @property
    def db_key(self) -> tuple[str, ...]:
        return tuple(self.db(column) for column in self.key)

    @property
    def db_value_columns(self) -> tuple[str, ...]:
        return tuple(self.db(column) for column in self.value_columns)


KINDS: dict[str, Kind] = {
    "regions": Kind(
        "regions",
        ("code", "name", "level", "parent_code"),
        ("code",),
        {"区划代码": "code", "区划名称": "name", "层级": "level", "上级代码": "parent_code"},
    ),
    "population": Kind(
        "population",
        ("period", "region_code", "required"),
        ("period", "region_code"),
        {"统计期": "period", "区划代码": "region_code", "应参保人数": "required"},
        counts=("required",),
        optional=("region_name",),
    ),
    "snapshots": Kind(
        "snapshots",
        ("period", "region_code", "scheme", "insured", "receiving", "paid"),
        ("period", "region_code", "scheme"),
        {
            "统计期": "period",
            "区划代码": "region_code",
            "险种": "scheme",
            "参保人数": "insured",
            "领取待遇人数": "receiving",
            "实际缴费人数": "paid",
        },
        counts=("insured", "receiving", "paid"),
        optional=("region_name",),
    ),
    # The expansion pool (扩面对象实名库), cumulative since the library was set up.
    "pool": Kind(
        "pool",
        ("period", "region_code", "group", "identified", "enrolled_employee", "enrolled_resident"),
        ("period", "region_code", "group"),
        {
            "统计期": "period",
            "区划代码": "region_code",
            "群体": "group",
            "已识别人数": "identified",
            "参加职工养老人数": "enrolled_employee",
            "参加居民养老人数": "enrolled_resident",
        },
        counts=("identified", "enrolled_employee", "enrolled_resident"),
        stored=(("group", "group_id"),),
        optional=("region_name",),
    ),
    "actions": Kind(
        "actions",
        ("period", "region_code", "action", "enrolled"),
        ("period", "region_code", "action"),
        {"统计期": "period", "区划代码": "region_code", "行动": "action", "参保人数": "enrolled"},
        counts=("enrolled",),
        stored=(("action", "action_id"),),
        optional=("region_name",),
    ),
}

# Coded columns: every accepted spelling -> id, and what the reason says when none fits.
CATEGORY_NAMES: dict[str, dict[str, int]] = {
    "group": category_names(POOL_GROUPS),
    "action": category_names(POOL_ACTIONS),
}
_CATEGORY_HINTS = {
    "group": f"is not a group (1 to {len(POOL_GROUPS)}, or its name, e.g. 4 or 新就业形态劳动者)",
    "action": f"is not an action (1 to {len(POOL_ACTIONS)}, or its name, e.g. 1 or 精准宣传动员一批)",
}

SCHEME_NAMES = {
    "employee": "employee",
    "public": "public",
    "resident": "resident",
    "企业职工": "employee",
    "城镇职工": "employee",
    "企业职工养老保险": "employee",
    "城镇职工养老保险": "employee",
    "机关事业": "public",
    "机关事业单位": "public",
    "机关事业单位养老保险": "public",
    "城乡居民": "resident",
    "城乡居民养老保险": "resident",
}

LEVEL_NAMES = {
    **{level: level for level in LEVELS},
    "省": "province", "省级": "province", "自治区": "province", "直辖市": "province",
    "市": "city", "市级": "city", "地级": "city", "地级市": "city", "州": "city", "地区": "city", "盟": "city",
    "县": "county", "县级": "county", "区": "county", "县级市": "county", "旗": "county",
    "乡": "township", "乡级": "township", "镇": "township", "街道": "township", "乡镇": "township", "苏木": "township",
    "村": "village", "村级": "village", "社区": "village", "村委会": "village", "居委会": "village",
}
LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}  # province 0 ... village 4

_PERIOD = re.compile(r"^\s*(\d{4})\s*(?:[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*(\d{1,2}))?|年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?)\s*$")
_CODE = re.compile(r"^\d{2,12}$")


# --------------------------------------------------------------------------- problems


@dataclass
class Checked:
    """A file read and checked, ready to be written (when it has no problems)."""

    kind: Kind
    source: str
    frame: pd.DataFrame  # canonical columns, typed; months as month indexes
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what reading did (a 合计 row skipped...): data/readers.py

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ImportResult:
    import_id: int
    kind: str
    source: str
    row_count: int
    added: int
    replaced: int
    warnings: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()  # what reading did, for the import summary (data/readers.py)


# --------------------------------------------------------------------------- checking


def check(con: duckdb.DuckDBPyConnection | None, kind: Kind, table: pd.DataFrame, source: str) -> Checked:
    """Every rule of the contract, on every row; nothing is written."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    rows = table["_row"]
    out = pd.DataFrame({"_row": rows})

    def flag(mask: pd.Series, column: str, reasons: str | pd.Series | Callable[[pd.Series], Iterable]) -> None:
        """Report the rows of ``mask``. ``reasons`` is one text for every row, a function of the mask giving
        the texts of those rows only (so that no text is built for the rows that are fine), or a Series."""
        if not mask.any():
            return
        if callable(reasons):
            texts = reasons(mask)
        elif isinstance(reasons, pd.Series):
            texts = reasons[mask]
        else:
            texts = itertools.repeat(reasons)
        problems.extend(Problem(int(r), column, str(t)) for r, t in zip(rows[mask], texts))

    if "period" in kind.columns:
        out["period"] = _parse_periods(table["period"], flag)
    for column in kind.counts:
        out[column] = _parse_counts(table[column], column, flag)
    categories = [column for column in CATEGORY_NAMES if column in kind.columns]
    for column in categories:
        out[column] = _parse_category(table[column], column, flag)

    known = _known_regions(con)
    if kind.name == "regions":
        _check_regions(table, known, out, flag, problems)
    else:
        codes = table["region_code"]
        unknown = _per_value(codes, lambda distinct: ~distinct.isin(known.index))
        flag(
            unknown & (codes != ""),
            "region_code",
            lambda m: "'" + codes[m] + "' is not a known region (import the regions first)",
        )
        flag(codes == "", "region_code", "is empty")
        out["region_code"] = codes
    if kind.name == "snapshots":
        text = table["scheme"]
        schemes = _per_value(text, lambda distinct: distinct.map(SCHEME_NAMES))
        allowed = ", ".join(SCHEMES) + " or " + ", ".join(k for k in SCHEME_NAMES if k not in SCHEMES)
        flag(schemes.isna(), "scheme", lambda m: "'" + text[m] + f"' is not a scheme ({allowed})")
        out["scheme"] = schemes
        insured, receiving = out["insured"], out["receiving"]
        over = insured.notna() & receiving.notna() & (receiving > insured)
        flag(
            over,
            "receiving",
            lambda m: receiving[m].astype("string") + " is more than insured (" + insured[m].astype("string") + ")",
        )

    if kind.name == "pool":
        employee, resident, identified = out["enrolled_employee"], out["enrolled_resident"], out["identified"]
        enrolled = employee + resident
        over = (employee.notna() & resident.notna() & identified.notna() & (enrolled > identified)).fillna(False)
        flag(
            over.astype(bool),
            "enrolled_employee+enrolled_resident",
            lambda m: employee[m].astype("string") + " + " + resident[m].astype("string") + " = "
            + enrolled[m].astype("string") + " is more than identified (" + identified[m].astype("string") + ")",
        )

    _check_duplicates(table, out, kind, flag)
    checked = Checked(kind, source, out, sorted(problems), warnings)
    if checked.ok and kind.name == "snapshots":
        checked.warnings.extend(_implausible_snapshots(con, out))
    whole = {c: "int64" for c in (*kind.counts, *categories)}
    checked.frame = out.astype(whole) if checked.ok else out
    return checked


def _distinct(text: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """A column's distinct values, in order of first appearance, and for every row the position of its value
    among them. A file of 540,000 rows holds a few hundred months, schemes and region codes: what depends on
    the value alone is worked out once per value."""
    codes, uniques = pd.factorize(text, use_na_sentinel=False)
    return codes, pd.Series(uniques, dtype=text.dtype)


def _per_value(text: pd.Series, function: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``function(text)`` (elementwise, a Series of the same length), computed on the distinct values only."""
    codes, distinct = _distinct(text)
    return pd.Series(function(distinct).array.take(codes), index=text.index)


def _parse_category(text: pd.Series, column: str, flag) -> pd.Series:
    """A group or action given as its number or its name -> its id."""
    ids = _per_value(text, lambda distinct: _category_ids(distinct, column))
    empty = text == ""
    flag(empty, column, "is empty")
    flag(ids.isna() & ~empty, column, lambda m: "'" + text[m] + "' " + _CATEGORY_HINTS[column])
    return ids


def _category_ids(text: pd.Series, column: str) -> pd.Series:
    names = CATEGORY_NAMES[column]
    key = text.str.replace(r"\s+", "", regex=True)
    digits = key.str.fullmatch(r"\d{1,3}")
    key = key.where(~digits, key.str.lstrip("0"))  # "04" is 4
    return key.map(names).fillna(key.str.lower().map(names)).astype("Int64")


def _parse_periods(text: pd.Series, flag) -> pd.Series:
    months = _per_value(text, _months)
    flag(text == "", "period", "is empty")
    flag(
        months.isna() & (text != ""),
        "period",
        lambda m: "'" + text[m] + "' is not a month (YYYY-MM, YYYY-MM-DD, YYYY/MM or YYYY年MM月)",
    )
    return months


def _months(text: pd.Series) -> pd.Series:
    """Month indexes of period texts; <NA> where a text is not a month."""
    parts = text.str.extract(_PERIOD)
    year = pd.to_numeric(parts[0], errors="coerce")
    month = pd.to_numeric(parts[1].fillna(parts[3]), errors="coerce")
    good = year.notna() & month.between(1, 12)
    return (12 * year + month).where(good).astype("Int64")


def _plain_counts(text: pd.Series) -> pd.Series | None:
    """The counts of a column where every one is written as most files write them, ASCII digits only, 1 to 15
    of them (so below 2**53: the same number however it is read); otherwise ``None``."""
    if len(text) == 0:
        return None
    try:
        values = pa.array(text)
    except (pa.ArrowException, TypeError, ValueError):
        return None
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)) or values.null_count:
        return None
    if not pc.all(pc.ascii_is_decimal(values)).as_py() or pc.max(pc.binary_length(values)).as_py() > 15:
        return None
    numbers = pc.cast(values, pa.int64()).to_numpy(zero_copy_only=False)
    return pd.Series(pd.array(numbers, dtype="Int64"), index=text.index)


def _parse_counts(text: pd.Series, column: str, flag) -> pd.Series:
    plain = _plain_counts(text)
    if plain is not None:  # the usual file: nothing to flag
        return plain
    cleaned = text.str.replace(",", "", regex=False)
    number = pd.to_numeric(cleaned, errors="coerce")
    empty = text == ""
    not_number = number.isna() & ~empty
    fraction = number.notna() & ~(np.isfinite(number) & (np.floor(number) == number))  # 12.5, inf
    negative = number.notna() & ~fraction & (number < 0)
    # No count of persons comes near 10^15; above 2^53 a float would not even hold it exactly.
    too_large = number.notna() & ~fraction & (number >= 10**15)
    flag(empty, column, "is empty")
    flag(not_number | fraction, column, lambda m: "'" + text[m] + "' is not a whole number")
    flag(negative, column, lambda m: text[m] + " is negative")
    flag(too_large, column, lambda m: text[m] + " is too large")
    return number.where(~(empty | not_number | fraction | negative | too_large)).astype("Int64")


def _known_regions(con: duckdb.DuckDBPyConnection | None) -> pd.DataFrame:
    if con is None:
        return pd.DataFrame(
            {"level": pd.Series(dtype=str), "parent_code": pd.Series(dtype=str)}, index=pd.Index([], name="code", dtype=str)
        )
    return con.execute("SELECT code, level, parent_code FROM regions").df().set_index("code")


def _check_regions(table: pd.DataFrame, known: pd.DataFrame, out: pd.DataFrame, flag, problems: list[Problem]) -> None:
    code, name, level_text, parent = table["code"], table["name"], table["level"], table["parent_code"]
    flag(code == "", "code", "is empty")
    flag(
        ~code.str.match(_CODE) & (code != ""), "code", lambda m: "'" + code[m] + "' is not a region code (2 to 12 digits)"
    )
    flag(name == "", "name", "is empty")
    level = level_text.map(LEVEL_NAMES)
    flag(
        level.isna(),
        "level",
        lambda m: "'" + level_text[m] + "' is not a level (province, city, county, township, village or 省, 市, 县, 乡, 村)",
    )
    # The hierarchy as it will be once the file lands: the file's rows over the database's.
    levels = known["level"].to_dict()
    levels.update(dict(zip(code, level)))
    parent_level = parent.map(levels)
    has_parent = parent != ""
    flag(
        has_parent & parent_level.isna(),
        "parent_code",
        lambda m: "'" + parent[m] + "' is not a known region (in this file or the database)",
    )
    child_rank, parent_rank = level.map(LEVEL_RANK), parent_level.map(LEVEL_RANK)
    not_higher = has_parent & parent_level.notna() & level.notna() & (parent_rank >= child_rank)
    flag(
        not_higher,
        "parent_code",
        lambda m: parent[m] + " is a " + parent_level[m].fillna("") + ", not of a higher level than " + level[m].fillna(""),
    )
    # Regions already in the database whose parent this file changes.
    kids = known[known["parent_code"].isin(code) & ~known.index.isin(code)]
    row_of = dict(zip(code, table["_row"]))
    for kid, record in kids.iterrows():
        new = levels.get(record["parent_code"])
        if isinstance(new, str) and LEVEL_RANK[new] >= LEVEL_RANK[record["level"]]:
            reason = f"{record['parent_code']} would become a {new}, not of a higher level than its child {kid} ({record['level']})"
            problems.append(Problem(int(row_of[record["parent_code"]]), "level", reason))
    out["code"], out["name"], out["level"] = code, name, level
    out["parent_code"] = parent.where(has_parent, None)


def _check_duplicates(table: pd.DataFrame, out: pd.DataFrame, kind: Kind, flag) -> None:
    key = list(kind.key)
    # Each key column as what is compared: a period as its month (its text where it is not one), a scheme,
    # group or action as what it names (its text where it names none), a region code as written. Worked out
    # once per distinct text (``compared``), as integer codes for every row (``keyed``).
    codes, compared, keyed = {}, {}, {}
    for column in key:
        codes[column], distinct = _distinct(table[column])
        compared[column] = _compared(column, distinct, out[column], codes[column])
        keyed[column] = pd.factorize(compared[column])[0][codes[column]]
    keyed = pd.DataFrame(keyed, index=table.index)
    duplicate = keyed.duplicated(keep="first")
    if not duplicate.any():
        return
    first_row = table["_row"].groupby([keyed[c] for c in key]).transform("first")

    def reasons(mask: pd.Series) -> pd.Series:
        shown = pd.DataFrame(
            {column: compared[column].array.take(codes[column][mask.to_numpy()]) for column in key},
            index=table.index[mask.to_numpy()],
        )
        if "period" in key:  # a month as a month, a text that is not one as written
            shown["period"] = [
                period_label(month) if pd.notna(month) else text
                for month, text in zip(out["period"][mask], table["period"][mask])
            ]
        label = shown[key].astype(str).agg(" / ".join, axis=1)
        return label + " already appears in row " + first_row[mask].astype(str)

    field_name = key[-1] if len(key) == 1 else "+".join(key)
    flag(duplicate, field_name, reasons)


def _first_rows(codes: np.ndarray) -> np.ndarray:
    """Where each value of :func:`_distinct` first appears (the positions of the rows, in the values' order)."""
    return pd.Series(codes).drop_duplicates().index.to_numpy()


def _compared(column: str, distinct: pd.Series, checked: pd.Series, codes: np.ndarray) -> pd.Series:
    """What the duplicate check compares, for each distinct text of a key column (``distinct``, ``codes`` as
    :func:`_distinct` gives them) given what the check made of every row (``checked``, a column of ``out``)."""
    if column != "period" and column != "scheme" and column not in CATEGORY_NAMES:
        return distinct
    parsed = pd.Series(checked.array.take(_first_rows(codes)))  # the same text, the same result: one row each
    if column == "scheme":
        return parsed.fillna(distinct)
    return parsed.astype("string").fillna(distinct)  # "4" and 新就业形态劳动者 are the same group


def _implausible_snapshots(con: duckdb.DuckDBPyConnection | None, out: pd.DataFrame) -> list[Problem]:
    """Accepted, but worth a second look: more paid than can pay; more insured than required."""
    warnings: list[Problem] = []
    contribution_phase = out["insured"] - out["receiving"]
    over_paid = out["paid"] > contribution_phase
    for r, paid, cp in zip(out["_row"][over_paid], out["paid"][over_paid], contribution_phase[over_paid]):
        warnings.append(Problem(int(r), "paid", f"{paid} is more than the contribution phase ({cp}); accepted"))
    if con is None:
        return warnings
    totals = out.groupby(["period", "region_code"], as_index=False).agg(insured=("insured", "sum"), first_row=("_row", "min"))
    population = con.execute("SELECT region_code, period, required FROM population").df()
    if population.empty:
        return warnings
    totals = totals.astype({"period": "int64"}).sort_values("period")
    population = population.astype({"period": "int64"}).sort_values("period")
    merged = pd.merge_asof(totals, population, on="period", by="region_code", direction="backward")
    over = merged[merged["required"].notna() & (merged["insured"] > merged["required"])]
    for record in over.itertuples():
        warnings.append(
            Problem(
                int(record.first_row),  # itertuples renames a field named _row
                "insured",
                f"{record.insured} insured in all schemes is more than the {int(record.required)} required; accepted",
            )
        )
    return sorted(warnings)


# ImportRefused, Problem, notes_of, read_table and read_upload are re-exported: callers import them from here.
_REEXPORTED = (ImportRefused, Problem, notes_of, read_table, read_upload)
