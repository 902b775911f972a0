"""Importing the townships' monthly spreadsheets: read, check, write, undo.

A file is read as text (CSV in UTF-8, with or without BOM, or GB18030; or the
first or a named sheet of an XLSX workbook), its headers mapped from English
or Chinese, and every row checked. A file with any invalid row is refused as a
whole: every problem is reported as ``FILE:ROW: field: reason`` (ROW counted
as a spreadsheet user counts it, the header being row 1) and nothing is
written. A file that passes lands in one transaction; rows whose key exists
replace the earlier values, which are kept in the ``replaced_*`` tables so that
:func:`rollback` can restore them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from data import queries
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
    ),
    "actions": Kind(
        "actions",
        ("period", "region_code", "action", "enrolled"),
        ("period", "region_code", "action"),
        {"统计期": "period", "区划代码": "region_code", "行动": "action", "参保人数": "enrolled"},
        counts=("enrolled",),
        stored=(("action", "action_id"),),
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


@dataclass(frozen=True, order=True)
class Problem:
    row: int
    field: str
    reason: str

    def render(self, source: str) -> str:
        return f"{source}:{self.row}: {self.field}: {self.reason}"


class ImportRefused(ValueError):
    """The file was refused; nothing was written."""

    def __init__(self, source: str, problems: Sequence[Problem]):
        self.source = source
        self.problems = sorted(problems)
        super().__init__("\n".join(problem.render(source) for problem in self.problems))


@dataclass
class Checked:
    """A file read and checked, ready to be written (when it has no problems)."""

    kind: Kind
    source: str
    frame: pd.DataFrame  # canonical columns, typed; months as month indexes
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

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


# --------------------------------------------------------------------------- reading


def read_table(path: Path | str, kind: Kind, sheet: str | None = None, source: str | None = None) -> pd.DataFrame:
    """The file's rows as text, canonical column names, ``_row`` = spreadsheet row number."""
    path = Path(path)
    source = source or str(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = _read_csv(path.read_bytes(), source)
    elif suffix in (".xlsx", ".xlsm"):
        raw = _read_xlsx(path, sheet, source)
    else:
        raise ImportRefused(source, [Problem(1, "file", f"'{path.suffix}' files are not read; use .csv or .xlsx")])
    return _canonical(raw, kind, source)


def read_upload(data: bytes, name: str, kind: Kind, sheet: str | None = None) -> pd.DataFrame:
    """As :func:`read_table`, for bytes uploaded through the dashboard."""
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        raw = _read_csv(data, name)
    elif suffix in (".xlsx", ".xlsm"):
        raw = _read_xlsx(io.BytesIO(data), sheet, name)
    else:
        raise ImportRefused(name, [Problem(1, "file", f"'{suffix}' files are not read; use .csv or .xlsx")])
    return _canonical(raw, kind, name)


def _read_csv(data: bytes, source: str) -> pd.DataFrame:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    if not text.strip():
        return pd.DataFrame()  # no header at all: reported as missing columns
    # Read with the csv module rather than pandas, which cannot read a row with
    # more values than the header (it raises, or takes the first column for an
    # index): such rows are refused by number. Trailing empty values (a
    # spreadsheet's stray commas) are harmless. Blank lines stay rows here (and
    # are dropped later), so the numbers are the spreadsheet's.
    rows = list(csv.reader(io.StringIO(text, newline=""), skipinitialspace=True))
    header, body = rows[0], rows[1:]
    width = len(header)
    overlong = [
        Problem(number, "row", f"has {len(record)} values, the header has {width} columns")
        for number, record in enumerate(body, start=2)
        if len(record) > width and any(cell.strip() for cell in record[width:])
    ]
    if overlong:
        raise ImportRefused(source, overlong)
    records = [(record + [""] * width)[:width] for record in body]
    frame = pd.DataFrame(records, columns=_unique(header), dtype=str)
    frame.index = frame.index + 2
    return frame


def _unique(names: list[str]) -> list[str]:
    """Header names made unique as pandas does (a repeated ``x`` becomes ``x.1``): the first one counts."""
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        unique.append(name if count == 0 else f"{name}.{count}")
    return unique


def _read_xlsx(path, sheet: str | None, source: str) -> pd.DataFrame:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            names = ", ".join(workbook.sheetnames)
            raise ImportRefused(source, [Problem(1, "sheet", f"no sheet named '{sheet}' (sheets: {names})")])
        rows = worksheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return pd.DataFrame()
        columns = [_cell_text(cell) for cell in header]
        records = [[_cell_text(cell) for cell in row] for row in rows]
    finally:
        workbook.close()
    width = len(columns)
    records = [(record + [""] * width)[:width] for record in records]
    frame = pd.DataFrame(records, columns=_unique(columns), dtype=str)
    frame.index = frame.index + 2
    return frame


def _cell_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if isinstance(cell, (dt.datetime, dt.date)):
        return cell.strftime("%Y-%m-%d")
    return str(cell).strip()


def _header_name(name: object) -> str:
    return str(name).replace("\ufeff", "").strip()


def _canonical(raw: pd.DataFrame, kind: Kind, source: str) -> pd.DataFrame:
    mapping: dict[str, str] = {}
    for column in raw.columns:
        name = _header_name(column)
        canonical = kind.chinese.get(name) or (name.lower() if name.lower() in kind.columns else None)
        if canonical and canonical not in mapping.values():
            mapping[column] = canonical
    missing = [column for column in kind.columns if column not in mapping.values()]
    if missing:
        zh = {v: k for k, v in kind.chinese.items()}
        wanted = ", ".join(f"{column} ({zh[column]})" for column in missing)
        found = ", ".join(_header_name(c) for c in raw.columns) or "none"
        raise ImportRefused(
            source, [Problem(1, "header", f"missing column(s) {wanted}; found: {found}")]
        )
    frame = raw[list(mapping)].rename(columns=mapping)[list(kind.columns)]
    frame = frame.apply(lambda column: column.fillna("").astype(str).str.strip())
    frame = frame[(frame != "").any(axis=1)]  # blank lines are not rows
    frame.insert(0, "_row", frame.index.astype("int64"))
    return frame.reset_index(drop=True)


# --------------------------------------------------------------------------- checking


def check(con: duckdb.DuckDBPyConnection | None, kind: Kind, table: pd.DataFrame, source: str) -> Checked:
    """Every rule of the contract, on every row; nothing is written."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    rows = table["_row"]
    out = pd.DataFrame({"_row": rows})

    def flag(mask: pd.Series, column: str, reasons: pd.Series | str) -> None:
        if not mask.any():
            return
        texts = reasons[mask] if isinstance(reasons, pd.Series) else pd.Series(reasons, index=mask[mask].index)
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
        unknown = ~codes.isin(known.index)
        flag(unknown & (codes != ""), "region_code", "'" + codes + "' is not a known region (import the regions first)")
        flag(codes == "", "region_code", "is empty")
        out["region_code"] = codes
    if kind.name == "snapshots":
        schemes = table["scheme"].map(SCHEME_NAMES)
        allowed = ", ".join(SCHEMES) + " or " + ", ".join(k for k in SCHEME_NAMES if k not in SCHEMES)
        flag(schemes.isna(), "scheme", "'" + table["scheme"] + f"' is not a scheme ({allowed})")
        out["scheme"] = schemes
        both = out["insured"].notna() & out["receiving"].notna()
        over = both & (out["receiving"] > out["insured"])
        flag(
            over,
            "receiving",
            out["receiving"].astype("string") + " is more than insured (" + out["insured"].astype("string") + ")",
        )

    if kind.name == "pool":
        employee, resident, identified = out["enrolled_employee"], out["enrolled_resident"], out["identified"]
        enrolled = employee + resident
        over = (employee.notna() & resident.notna() & identified.notna() & (enrolled > identified)).fillna(False)
        flag(
            over.astype(bool),
            "enrolled_employee+enrolled_resident",
            employee.astype("string") + " + " + resident.astype("string") + " = " + enrolled.astype("string")
            + " is more than identified (" + identified.astype("string") + ")",
        )

    _check_duplicates(table, out, kind, flag)
    checked = Checked(kind, source, out, sorted(problems), warnings)
    if checked.ok and kind.name == "snapshots":
        checked.warnings.extend(_implausible_snapshots(con, out))
    whole = {c: "int64" for c in (*kind.counts, *categories)}
    checked.frame = out.astype(whole) if checked.ok else out
    return checked


def _parse_category(text: pd.Series, column: str, flag) -> pd.Series:
    """A group or action given as its number or its name -> its id."""
    names = CATEGORY_NAMES[column]
    key = text.str.replace(r"\s+", "", regex=True)
    digits = key.str.fullmatch(r"\d{1,3}")
    key = key.where(~digits, key.str.lstrip("0"))  # "04" is 4
    ids = key.map(names).fillna(key.str.lower().map(names))
    empty = text == ""
    flag(empty, column, "is empty")
    flag(ids.isna() & ~empty, column, "'" + text + "' " + _CATEGORY_HINTS[column])
    return ids.astype("Int64")


def _parse_periods(text: pd.Series, flag) -> pd.Series:
    parts = text.str.extract(_PERIOD)
    year = pd.to_numeric(parts[0], errors="coerce")
    month = pd.to_numeric(parts[1].fillna(parts[3]), errors="coerce")
    good = year.notna() & month.between(1, 12)
    flag(text == "", "period", "is empty")
    flag(~good & (text != ""), "period", "'" + text + "' is not a month (YYYY-MM, YYYY-MM-DD, YYYY/MM or YYYY年MM月)")
    return (12 * year + month).where(good).astype("Int64")


def _parse_counts(text: pd.Series, column: str, flag) -> pd.Series:
    cleaned = text.str.replace(",", "", regex=False)
    number = pd.to_numeric(cleaned, errors="coerce")
    empty = text == ""
    not_number = number.isna() & ~empty
    fraction = number.notna() & ~(np.isfinite(number) & (np.floor(number) == number))  # 12.5, inf
    negative = number.notna() & ~fraction & (number < 0)
    too_large = number.notna() & ~fraction & (number >= 2**63)
    flag(empty, column, "is empty")
    flag(not_number | fraction, column, "'" + text + "' is not a whole number")
    flag(negative, column, text + " is negative")
    flag(too_large, column, text + " is too large")
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
    flag(~code.str.match(_CODE) & (code != ""), "code", "'" + code + "' is not a region code (2 to 12 digits)")
    flag(name == "", "name", "is empty")
    level = level_text.map(LEVEL_NAMES)
    flag(
        level.isna(),
        "level",
        "'" + level_text + "' is not a level (province, city, county, township, village or 省, 市, 县, 乡, 村)",
    )
    # The hierarchy as it will be once the file lands: the file's rows over the database's.
    levels = known["level"].to_dict()
    levels.update(dict(zip(code, level)))
    parent_level = parent.map(levels)
    has_parent = parent != ""
    flag(has_parent & parent_level.isna(), "parent_code", "'" + parent + "' is not a known region (in this file or the database)")
    child_rank, parent_rank = level.map(LEVEL_RANK), parent_level.map(LEVEL_RANK)
    not_higher = has_parent & parent_level.notna() & level.notna() & (parent_rank >= child_rank)
    flag(
        not_higher,
        "parent_code",
        parent + " is a " + parent_level.fillna("") + ", not of a higher level than " + level.fillna(""),
    )
    # Regions already in the database whose parent this file changes.
    kids = known[known["parent_code"].isin(code) & ~known.index.isin(code)]
    row_of = dict(zip(code, table["_row"]))
    for kid, record in kids.iterrows():
        new = levels.get(record["parent_code"])
        if new is not None and LEVEL_RANK[new] >= LEVEL_RANK[record["level"]]:
            reason = f"{record['parent_code']} would become a {new}, not of a higher level than its child {kid} ({record['level']})"
            problems.append(Problem(int(row_of[record["parent_code"]]), "level", reason))
    out["code"], out["name"], out["level"] = code, name, level
    out["parent_code"] = parent.where(has_parent, None)


def _check_duplicates(table: pd.DataFrame, out: pd.DataFrame, kind: Kind, flag) -> None:
    key = [c for c in kind.key]
    keyed = table[key].copy()
    if "period" in key:
        keyed["period"] = out["period"].astype("string").fillna(table["period"])
    if "scheme" in key:
        keyed["scheme"] = out["scheme"].fillna(table["scheme"])
    for column in CATEGORY_NAMES:
        if column in key:  # "4" and 新就业形态劳动者 are the same group
            keyed[column] = out[column].astype("string").fillna(table[column])
    duplicate = keyed.duplicated(keep="first")
    if not duplicate.any():
        return
    first_row = table["_row"].groupby([keyed[c] for c in key]).transform("first")
    shown = keyed.copy()
    if "period" in key:
        shown["period"] = out["period"].map(lambda m: period_label(m) if pd.notna(m) else None).fillna(table["period"])
    label = shown[key].astype(str).agg(" / ".join, axis=1)
    field_name = key[-1] if len(key) == 1 else "+".join(key)
    flag(duplicate, field_name, label + " already appears in row " + first_row.astype(str))


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
