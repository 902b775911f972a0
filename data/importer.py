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

from data import checks, population_checks
from data.problems import ImportRefused, Problem
from data.readers import notes_of, read_table, read_upload
from metrics.periods import period_label
from metrics.registry import LEVELS, POOL_ACTIONS, POOL_GROUPS, category_names


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
    # Columns a file may leave out (then read as empty), e.g. a regions file without abolished/successor
    # (cli.md, "Regions that change"). ``region_name`` (a fact file's name column) is read and compared
    # with the code's name, never stored (it is not in ``columns``).
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
        ("code", "name", "level", "parent_code", "abolished", "successor"),
        ("code",),
        {
            "区划代码": "code",
            "区划名称": "name",
            "层级": "level",
            "上级代码": "parent_code",
            "撤销期": "abolished",
            "承继代码": "successor",
        },
        optional=("abolished", "successor"),
    ),
    "population": Kind(
        "population",
        ("period", "region_code", "required"),
        ("period", "region_code"),
        {"统计期": "period", "区划代码": "region_code", "应参保人数": "required", "区划名称": "region_name"},
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
            "区划名称": "region_name",
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
            "区划名称": "region_name",
        },
        counts=("identified", "enrolled_employee", "enrolled_resident"),
        stored=(("group", "group_id"),),
        optional=("region_name",),
    ),
    "actions": Kind(
        "actions",
        ("period", "region_code", "action", "enrolled"),
        ("period", "region_code", "action"),
        {"统计期": "period", "区划代码": "region_code", "行动": "action", "参保人数": "enrolled", "区划名称": "region_name"},
        counts=("enrolled",),
        stored=(("action", "action_id"),),
        optional=("region_name",),
    ),
    # Tasks in persons (任务下达, issue 13 point 3): a year's task of one kind for one region.
    "tasks": Kind(
        "tasks",
        ("year", "region_code", "task_kind", "task"),
        ("year", "region_code", "task_kind"),
        {"年度": "year", "区划代码": "region_code", "任务类型": "task_kind", "任务人数": "task", "区划名称": "region_name"},
        counts=("task",),
        optional=("region_name",),
    ),
}

def kind_named(name: str) -> Kind:
    """The kind an import history entry names: one of :data:`KINDS`, or ``ledger`` (the task ledger,
    imported through :mod:`data.ledger`, not the data page; issue 14). KeyError for any other name."""
    if name in KINDS:
        return KINDS[name]
    if name == "ledger":
        from data.ledger import LEDGER

        return LEDGER
    raise KeyError(name)


_CHINESE_FIELDS = {canonical: zh for kind in KINDS.values() for zh, canonical in kind.chinese.items()}

# Coded columns: every accepted spelling -> id, and what the reason says when none fits.
CATEGORY_NAMES: dict[str, dict[str, int]] = {
    "group": category_names(POOL_GROUPS),
    "action": category_names(POOL_ACTIONS),
}
_CATEGORY_SPECS = {  # column -> (names, how many, what it is, in Chinese, an example)
    "group": ({checks.compact(k): v for k, v in CATEGORY_NAMES["group"].items()}, len(POOL_GROUPS), "a group", "群体", "4 or 新就业形态劳动者"),
    "action": ({checks.compact(k): v for k, v in CATEGORY_NAMES["action"].items()}, len(POOL_ACTIONS), "an action", "行动", "1 or 精准宣传动员一批"),
}

SCHEME_NAMES = checks.SCHEME_NAMES

# The kinds whose rows sum over a subtree by a category (metrics.md §3 "One scheme, one level"; pool.md
# "Sums run over the subtree, as for snapshots"): a region and its descendant may not both hold a row of
# one (period, category).
LEVELLED = {"snapshots": "scheme", "pool": "group", "actions": "action"}

LEVEL_NAMES = {
    **{level: level for level in LEVELS},
    "全国": "country", "国家": "country",
    "省": "province", "省级": "province", "自治区": "province", "直辖市": "province",
    "市": "city", "市级": "city", "地级": "city", "地级市": "city", "州": "city", "地区": "city", "盟": "city",
    "县": "county", "县级": "county", "区": "county", "县级市": "county", "旗": "county",
    # County-level zones a city runs beside its counties (metrics.md §1; issue 9): 经开区, 高新区...
    "开发区": "county", "功能区": "county", "经开区": "county", "高新区": "county", "新区": "county",
    "经济技术开发区": "county", "高新技术产业开发区": "county", "县级开发区": "county",
    "乡": "township", "乡级": "township", "镇": "township", "街道": "township", "乡镇": "township", "苏木": "township",
    "街道办": "township", "街道办事处": "township", "乡镇（街道）": "township", "乡镇(街道)": "township",
    "村": "village", "村级": "village", "社区": "village", "村委会": "village", "居委会": "village",
    "社区居委会": "village", "村（社区）": "village", "村(社区)": "village",
}


def level_of(text: str) -> str | None:
    """A level as written -> ``country`` ... ``village`` (NFKC, spaces removed, English in any case)."""
    key = checks.compact(text)
    return LEVEL_NAMES.get(key) or LEVEL_NAMES.get(key.lower())
LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}  # country 0, province 1 ... village 5



# --------------------------------------------------------------------------- problems


# Each field as the Chinese headers name it, for messages in Chinese (the fields of every kind, and the
# names a problem gives to the file as a whole).
FIELD_ZH: dict[str, str] = {
    "row": "行",
    "header": "表头",
    "file": "文件",
    "sheet": "工作表",
    "region_name": "区划名称",
}


def field_zh(field_name: str) -> str:
    """A problem's field in Chinese: ``region_code`` -> 区划代码; ``a+b`` part by part."""
    return "+".join(FIELD_ZH.get(part) or _CHINESE_FIELDS.get(part, part) for part in field_name.split("+"))


@dataclass
class Checked:
    """A file read and checked, ready to be written (when it has no problems)."""

    kind: Kind
    source: str
    frame: pd.DataFrame  # canonical columns, typed; months as month indexes (fast path: _row, period, region_code)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what reading did (a 合计 row skipped...): data/readers.py
    # The same rows as an Arrow table, where the CSV fast path (data/fast_csv.py) read them: what write() lands.
    arrow: pa.Table | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ImportResult:
    """What an import did: ``row_count`` rows, of which ``added`` new and ``replaced`` over earlier values;
    ``months``: per month the file holds, ``(month index, added, replaced)`` (empty for regions); the
    warnings; ``notes`` the reader left (rows it skipped, the sheet it read)."""

    import_id: int
    kind: str
    source: str
    row_count: int
    added: int
    replaced: int
    warnings: tuple[Problem, ...] = ()
    months: tuple[tuple[int, int, int], ...] = ()
    notes: tuple[str, ...] = ()

    def summary(self, language: str = "en") -> str:
        """Which months the import added and replaced (issue 9 point 2): ``added 48 rows of 2026-11;
        replaced 48 rows of 2026-01``; more than six months of one kind are given as a span."""
        return months_summary(self.months, language) if self.months else ""


def months_summary(months: Sequence[tuple[int, int, int]], language: str = "en") -> str:
    """``(month index, added, replaced)`` triples as a sentence (see :meth:`ImportResult.summary`)."""
    parts = []
    for position, (verb, verb_zh) in ((1, ("added", "新增")), (2, ("replaced", "替换"))):
        chosen = [(m[0], m[position]) for m in sorted(months) if m[position]]
        if not chosen:
            continue
        if len(chosen) <= 6:
            for month, count in chosen:
                if language == "zh":
                    parts.append(f"{verb_zh} {period_label(month)} 的 {count} 行")
                else:
                    parts.append(f"{verb} {count} row{'s' if count != 1 else ''} of {period_label(month)}")
        else:
            total = sum(count for _, count in chosen)
            first, last = period_label(chosen[0][0]), period_label(chosen[-1][0])
            if language == "zh":
                parts.append(f"{verb_zh} {first} 至 {last} 共 {len(chosen)} 个月的 {total} 行")
            else:
                parts.append(f"{verb} {total} rows of {len(chosen)} months from {first} to {last}")
    return ("；" if language == "zh" else "; ").join(parts)


# --------------------------------------------------------------------------- checking


def check(con: duckdb.DuckDBPyConnection | None, kind: Kind, table: pd.DataFrame, source: str) -> Checked:
    """Every rule of the contract, on every row; nothing is written.

    ``table`` is what the reader gives: text cells under canonical column names, ``_row`` first, and
    for fact files optionally ``region_name``. Returns a :class:`Checked` whose ``frame`` holds the
    typed values (months as month indexes, codes as the database's codes) and whose ``problems`` list
    every refusal, ``warnings`` what is accepted but worth a look. The rules: cli.md "Import",
    metrics.md §1-3 (counts, codes, schemes, one scheme at one level), pool.md, issues 9 and 10 (see
    :mod:`data.checks` for what each cell may hold). ``con`` may be ``None`` (no database yet): every
    region is then unknown.
    """
    problems: list[Problem] = []
    warnings: list[Problem] = []
    if table.empty:  # a bare template, or only 合计/footer lines: nothing to read, said rather than a 0-row import
        problems.append(
            Problem(
                1, "file",
                "has no data rows under its header (an unfilled template, or only total and footer lines); fill in the rows and import it again",
                "表头下没有数据行（空白模板，或只有合计行、表尾）；请填写数据后重新导入",
            )
        )
    absent = [c for c in kind.optional if c in kind.columns and c not in table.columns]
    if absent:  # an optional column the file leaves out reads as empty
        table = table.assign(**{column: "" for column in absent})
    rows = table["_row"]
    out = pd.DataFrame({"_row": rows})

    def flag(
        mask: pd.Series,
        column: str,
        reasons: str | pd.Series | Callable[[pd.Series], Iterable],
        reasons_zh: str | pd.Series | Callable[[pd.Series], Iterable] = "",
        into: list[Problem] | None = None,
    ) -> None:
        """Report the rows of ``mask``. ``reasons`` (and ``reasons_zh``, their Chinese) is one text for every
        row, a function of the mask giving the texts of those rows only (so that no text is built for the rows
        that are fine), or a Series. ``into``: the list to add to (the problems by default)."""
        if not mask.any():
            return

        def texts(given):
            if callable(given):
                return given(mask)
            if isinstance(given, pd.Series):
                return given[mask]
            return itertools.repeat(given)

        (problems if into is None else into).extend(
            Problem(int(r), column, str(en), str(zh)) for r, en, zh in zip(rows[mask], texts(reasons), texts(reasons_zh))
        )

    if "period" in kind.columns:
        out["period"] = _parse_periods(table["period"], flag, warnings, year_alone=kind.name == "population")
    if "year" in kind.columns:  # tasks (issue 13 point 3)
        out["year"] = _parse_values(table["year"], "year", checks.parse_year, flag, "Int64")
    for column in kind.counts:
        out[column] = _parse_counts(table[column], column, flag)
    if "task_kind" in kind.columns:
        out["task_kind"] = _parse_values(table["task_kind"], "task_kind", checks.parse_task_kind, flag)
    categories = [column for column in CATEGORY_NAMES if column in kind.columns]
    for column in categories:
        out[column] = _parse_category(table[column], column, flag)

    known = _known_regions(con)
    if kind.name == "regions":
        _check_regions(table, known, out, flag, problems)
    else:
        out["region_code"] = _parse_region_codes(table["region_code"], known, flag)
        if "region_name" in table.columns:
            _check_names(table, out, known, flag)
        if kind.name == "snapshots" and "abolished" in known.columns:
            _check_abolished(out["region_code"].fillna(""), out["period"], known, flag)
    if kind.name == "snapshots":
        out["scheme"] = _parse_values(table["scheme"], "scheme", checks.parse_scheme, flag)
        insured, receiving = out["insured"], out["receiving"]
        over = insured.notna() & receiving.notna() & (receiving > insured)
        flag(
            over,
            "receiving",
            lambda m: receiving[m].astype("string") + " is more than insured (" + insured[m].astype("string") + ")",
            lambda m: receiving[m].astype("string") + " 多于参保人数（" + insured[m].astype("string") + "）",
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
            lambda m: employee[m].astype("string") + " + " + resident[m].astype("string") + " = "
            + enrolled[m].astype("string") + "，多于已识别人数（" + identified[m].astype("string") + "）",
        )

    _check_duplicates(table, out, kind, flag)
    if kind.name in LEVELLED and con is not None:  # on the rows whose period, region and category are readable
        problems.extend(_double_counted(con, kind, out.dropna(subset=["period", "region_code", LEVELLED[kind.name]])))
    checked = Checked(kind, source, out, sorted(problems), sorted(warnings))
    if checked.ok and kind.name == "snapshots":
        checked.warnings.extend(_implausible_snapshots(con, out))
        checked.warnings.sort()
    if checked.ok and kind.name == "population" and con is not None:
        checked.warnings.extend(_population_below_insured(con, out))
        checked.warnings.sort()
    if checked.ok and kind.name == "regions" and con is not None:
        checked.warnings.extend(_figures_after_abolition(con, out))
        checked.warnings.sort()
    whole = {c: "int64" for c in (*kind.counts, *categories, *(["year"] if "year" in kind.columns else []))}
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


def _parse_values(text: pd.Series, column: str, parse: Callable[[str], object], flag, dtype: str = "object") -> pd.Series:
    """``parse`` (a :mod:`data.checks` function: a value or a :class:`~data.checks.Refusal`) applied to each
    distinct text of a column; the rows whose text is refused are flagged with its reasons. Returns the
    values, missing where refused."""
    codes, distinct = _distinct(text)
    results = [parse(value) for value in distinct]
    refused = np.array([isinstance(r, checks.Refusal) for r in results], dtype=bool)
    values = pd.Series([None if bad else r for bad, r in zip(refused, results)], dtype=dtype)
    out = pd.Series(values.array.take(codes), index=text.index)
    if refused.any():
        en = np.array([r.en if bad else "" for bad, r in zip(refused, results)], dtype=object)
        zh = np.array([r.zh if bad else "" for bad, r in zip(refused, results)], dtype=object)
        mask = pd.Series(refused[codes], index=text.index)
        flag(mask, column, lambda m: en[codes[m.to_numpy()]], lambda m: zh[codes[m.to_numpy()]])
    return out


def _parse_category(text: pd.Series, column: str, flag) -> pd.Series:
    """A group or action given as its number, its name or its label in a work plan -> its id."""
    names, count, what, what_zh, example = _CATEGORY_SPECS[column]
    return _parse_values(
        text, column, lambda value: checks.parse_category(value, names, count, what, what_zh, example), flag, "Int64"
    )


def _parse_periods(text: pd.Series, flag, warnings: list[Problem], *, year_alone: bool) -> pd.Series:
    """Periods -> month indexes (:func:`data.checks.parse_period`); months after the current one refused,
    months before the campaign warned once per distinct text (issue 10 point 5)."""
    months = _parse_values(text, "period", lambda value: checks.parse_period(value, year_alone=year_alone), flag, "Int64")
    latest = checks.current_month()
    future = months.notna() & (months > latest)
    flag(
        future.astype(bool),
        "period",
        lambda m: [checks.future_refusal(t, int(v), latest).en for t, v in zip(text[m], months[m])],
        lambda m: [checks.future_refusal(t, int(v), latest).zh for t, v in zip(text[m], months[m])],
    )
    early = (months.notna() & (months < checks.CAMPAIGN_START)).astype(bool)
    first = early & ~text.where(early).duplicated()
    flag(
        first,
        "period",
        lambda m: [checks.early_warning(t, int(v)).en for t, v in zip(text[m], months[m])],
        lambda m: [checks.early_warning(t, int(v)).zh for t, v in zip(text[m], months[m])],
        into=warnings,
    )
    return months.where(~future)


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
    """Counts of persons (:func:`data.checks.parse_count`): the usual file takes the fast path."""
    plain = _plain_counts(text)
    if plain is not None:  # the usual file: nothing to flag
        return plain
    return _parse_values(text, column, checks.parse_count, flag, "Int64")


def _parse_region_codes(text: pd.Series, known: pd.DataFrame, flag) -> pd.Series:
    """A fact file's region codes -> the codes the database knows (issue 9, "codes"): normalised
    (:func:`data.checks.parse_code`), then as written or zero-stripped (``530302001000`` -> ``530302001``),
    the first known one. Unknown or malformed: refused."""
    known_codes = set(known.index)

    def parse(value: str):
        if value == "":
            return checks.Refusal("is empty", "为空")
        code = checks.parse_code(value)
        if isinstance(code, checks.Refusal):
            return code
        found = checks.resolve_code(code, known_codes)
        if found is None:
            return checks.Refusal(
                f"'{value}' is not a known region (import the regions first)", f"“{value}”不是已知区划（请先导入区划）"
            )
        return found

    return _parse_values(text, "region_code", parse, flag)


def _check_names(table: pd.DataFrame, out: pd.DataFrame, known: pd.DataFrame, flag) -> None:
    """A fact file's ``region_name`` column, where it has one, names the region its code does (issue 9,
    "names that disagree with codes"): compared after NFKC with every space removed."""
    names = table["region_name"]
    if not (names != "").any():  # a name column left empty (or none: the reader fills it with "")
        return
    bad = _per_value(names, lambda distinct: distinct.map(checks.control_character).notna()) & (names != "")
    flag(
        bad,
        "region_name",
        lambda m: [f"'{checks.visible(t)}' holds a control character; type the name again" for t in names[m]],
        lambda m: [f"“{checks.visible(t)}”含有控制字符，请重新输入名称" for t in names[m]],
    )
    held = out["region_code"].map(known["name"]) if "name" in known.columns else pd.Series(None, index=out.index)
    compare = (names != "") & ~bad & held.notna()
    if not compare.any():
        return
    pairs = pd.DataFrame({"file": names[compare], "held": held[compare]})
    differ = pd.Series(False, index=table.index)
    distinct = pairs.drop_duplicates()
    wrong = {
        (a, b) for a, b in zip(distinct["file"], distinct["held"]) if checks.compact(a) != checks.compact(str(b))
    }
    if not wrong:
        return
    differ[compare] = [(a, b) in wrong for a, b in zip(pairs["file"], pairs["held"])]
    code = out["region_code"]
    flag(
        differ,
        "region_name",
        lambda m: [
            f"'{n}' is not the name of {c} (the database has {h}); check the code or the name"
            for n, c, h in zip(names[m], code[m], held[m])
        ],
        lambda m: [f"“{n}”不是 {c} 的名称（数据库中为{h}），请核对代码或名称" for n, c, h in zip(names[m], code[m], held[m])],
    )


def _known_regions(con: duckdb.DuckDBPyConnection | None) -> pd.DataFrame:
    if con is None:
        return pd.DataFrame(
            {"name": pd.Series(dtype=str), "level": pd.Series(dtype=str), "parent_code": pd.Series(dtype=str)},
            index=pd.Index([], name="code", dtype=str),
        )
    columns = {row[0] for row in con.execute("DESCRIBE regions").fetchall()}
    extra = ", abolished, successor" if "abolished" in columns else ""
    return con.execute(f"SELECT code, name, level, parent_code{extra} FROM regions").df().set_index("code")


def _normal_codes(text: pd.Series, column: str, flag) -> pd.Series:
    """A regions file's codes normalised (:func:`data.checks.parse_code`); refused ones flagged and kept as
    written (so the checks below name them as written), empty ones left empty."""
    def parse(value: str):
        return "" if value == "" else checks.parse_code(value)

    parsed = _parse_values(text, column, parse, flag)
    return parsed.fillna(text).astype(str)


def _check_regions(table: pd.DataFrame, known: pd.DataFrame, out: pd.DataFrame, flag, problems: list[Problem]) -> None:
    name, level_text = table["name"], table["level"]
    code = _normal_codes(table["code"], "code", flag)
    parent = _normal_codes(table["parent_code"], "parent_code", flag)
    flag(table["code"] == "", "code", "is empty", "为空")
    flag(name == "", "name", "is empty", "为空")
    name_control = name.map(checks.control_character).notna()
    flag(
        name_control,
        "name",
        lambda m: [f"'{checks.visible(t)}' holds a control character; type the name again" for t in name[m]],
        lambda m: [f"“{checks.visible(t)}”含有控制字符，请重新输入名称" for t in name[m]],
    )
    name = name.map(checks.ascii_digits)
    level = _per_value(level_text, lambda distinct: distinct.map(level_of))
    flag(
        level.isna(),
        "level",
        lambda m: "'" + level_text[m] + "' is not a level (country, province, city, county, township, village or 全国, 省, 市, 县, 乡, 村)",
        lambda m: "“" + level_text[m] + "”不是层级（应为 全国、省、市、县、乡、村 或 country、province、city、county、township、village）",
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
        lambda m: "“" + parent[m] + "”不是已知区划（本文件和数据库中都没有）",
    )
    child_rank, parent_rank = level.map(LEVEL_RANK), parent_level.map(LEVEL_RANK)
    not_higher = has_parent & parent_level.notna() & level.notna() & (parent_rank >= child_rank)
    flag(
        not_higher,
        "parent_code",
        lambda m: parent[m] + " is a " + parent_level[m].fillna("") + ", not of a higher level than " + level[m].fillna(""),
        lambda m: parent[m] + " 的层级（" + parent_level[m].fillna("") + "）不高于本区划（" + level[m].fillna("") + "）",
    )
    # Regions already in the database whose parent this file changes.
    kids = known[known["parent_code"].isin(code) & ~known.index.isin(code)]
    row_of = dict(zip(code, table["_row"]))
    for kid, record in kids.iterrows():
        new = levels.get(record["parent_code"])
        if isinstance(new, str) and LEVEL_RANK[new] >= LEVEL_RANK[record["level"]]:
            reason = f"{record['parent_code']} would become a {new}, not of a higher level than its child {kid} ({record['level']})"
            reason_zh = f"{record['parent_code']} 将成为 {new}，层级不高于其下级 {kid}（{record['level']}）"
            problems.append(Problem(int(row_of[record["parent_code"]]), "level", reason, reason_zh))
    out["code"], out["name"], out["level"] = code, name, level
    out["parent_code"] = parent.where(has_parent, None)
    # Regions that change (cli.md): abolished is the first month without the region, successor the code
    # that took it over (in this file or the database).
    abolished_text = table["abolished"]
    abolished = _parse_values(
        abolished_text, "abolished", lambda value: None if value == "" else checks.parse_period(value), flag, "Int64"
    )
    successor = _normal_codes(table["successor"], "successor", flag)
    codes_after = set(known.index) | set(code)
    has_successor = successor != ""
    flag(
        has_successor & ~successor.isin(codes_after),
        "successor",
        lambda m: "'" + successor[m] + "' is not a known region (in this file or the database)",
        lambda m: "“" + successor[m] + "”不是已知区划（本文件或数据库中均无）",
    )
    flag(
        has_successor & (successor == code),
        "successor",
        lambda m: "'" + successor[m] + "' is the region itself",
        lambda m: "“" + successor[m] + "”就是该区划本身",
    )
    out["abolished"] = abolished
    out["successor"] = successor.where(has_successor, None)


def _check_abolished(codes: pd.Series, periods: pd.Series, known: pd.DataFrame, flag) -> None:
    """A snapshot row for a region at or after the month it was abolished is refused (cli.md, "Regions that
    change"): its figures belong to its successor."""
    ended = known["abolished"].dropna()
    if ended.empty:  # no region has been abolished: nothing to look up row by row
        return
    abolished = _per_value(codes, lambda distinct: distinct.map(ended))
    if abolished.isna().all():
        return
    late = (abolished.notna() & periods.notna() & (periods >= abolished)).fillna(False).astype(bool)

    def reasons(mask: pd.Series) -> list[str]:
        successors = codes[mask].map(known["successor"])
        return [
            f"'{c}' was abolished in {period_label(int(a))}" + (f" (its successor is {s})" if isinstance(s, str) and s else "")
            + "; report its figures under the region now in force"
            for c, a, s in zip(codes[mask], abolished[mask], successors)
        ]

    def reasons_zh(mask: pd.Series) -> list[str]:
        successors = codes[mask].map(known["successor"])
        return [
            f"“{c}”已于 {period_label(int(a))} 撤销" + (f"（承继代码 {s}）" if isinstance(s, str) and s else "")
            + "；请按现行区划报送"
            for c, a, s in zip(codes[mask], abolished[mask], successors)
        ]

    flag(late, "region_code", reasons, reasons_zh)


def _check_duplicates(table: pd.DataFrame, out: pd.DataFrame, kind: Kind, flag) -> None:
    key = list(kind.key)
    # Each key column as what is compared: a period as its month (its text where it is not one), a scheme,
    # group or action as what it names (its text where it names none), a region code as the code it stands
    # for (``530302001000`` and ``530302001`` are one region; its text where it is none). Worked out
    # once per distinct text (``compared``), as integer codes for every row (``keyed``).
    codes, compared, keyed = {}, {}, {}
    for column in key:
        codes[column], distinct = _distinct(table[column])
        compared[column] = _compared(column, distinct, out[column], codes[column])
        keyed[column] = pd.factorize(compared[column])[0][codes[column]]
    keyed = pd.DataFrame(keyed, index=table.index)
    # A row with an empty key cell is refused for that cell; two such rows are not "the same key twice"
    # (a code left blank under its township's first row said "2026-11 /  / public already appears in row 3").
    blank = np.zeros(len(table), dtype=bool)
    for column in key:
        blank |= (table[column].fillna("").astype(str).str.strip() == "").to_numpy()
    duplicate = keyed.duplicated(keep="first") & ~blank
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
        return label, first_row[mask].astype(str)

    field_name = key[-1] if len(key) == 1 else "+".join(key)
    flag(
        duplicate,
        field_name,
        lambda m: (lambda label, first: label + " already appears in row " + first)(*reasons(m)),
        lambda m: (lambda label, first: label + " 与第 " + first + " 行重复")(*reasons(m)),
    )


def _first_rows(codes: np.ndarray) -> np.ndarray:
    """Where each value of :func:`_distinct` first appears (the positions of the rows, in the values' order)."""
    return pd.Series(codes).drop_duplicates().index.to_numpy()


def _compared(column: str, distinct: pd.Series, checked: pd.Series, codes: np.ndarray) -> pd.Series:
    """What the duplicate check compares, for each distinct text of a key column (``distinct``, ``codes`` as
    :func:`_distinct` gives them) given what the check made of every row (``checked``, a column of ``out``)."""
    parsed = pd.Series(checked.array.take(_first_rows(codes)))  # the same text, the same result: one row each
    # "4" and 新就业形态劳动者 are the same group; a text that names nothing stands for itself.
    return parsed.astype("string").fillna(distinct.astype("string"))


_SCHEME_ZH = {"employee": "企业职工", "public": "机关事业", "resident": "城乡居民"}


def _category_label(kind: str, value: object, language: str) -> str:
    """A scheme, group or action as a message names it: ``resident`` / 城乡居民, ``group 4`` / 第4类群体."""
    if kind == "snapshots":
        return _SCHEME_ZH[str(value)] if language == "zh" else str(value)
    if kind == "pool":
        return f"第{value}类群体" if language == "zh" else f"group {value}"
    return f"第{value}项行动" if language == "zh" else f"action {value}"


# Which codes of the file and of the database's rows at the file's months lie one below another at all: most
# files hold none, and the row-by-row join below is then skipped (it costs ~0.2 s on 540,000 rows).
_NESTED_CODES_SQL = """
WITH f AS (SELECT DISTINCT period, region_code FROM staged_levels),
codes AS (
    SELECT DISTINCT region_code FROM f
    UNION SELECT DISTINCT region_code FROM {table} WHERE period IN (SELECT DISTINCT period FROM f)
      AND period BETWEEN (SELECT MIN(period) FROM f) AND (SELECT MAX(period) FROM f)  -- zonemaps skip the rest
)
SELECT DISTINCT c.ancestor, c.descendant FROM region_closure c
JOIN codes a ON a.region_code = c.ancestor JOIN codes d ON d.region_code = c.descendant
WHERE c.depth > 0
"""

_DOUBLE_SQL = """
WITH f AS (SELECT period, region_code, category, _row FROM staged_levels),
held AS (
    SELECT s.period, s.region_code, s.{column}::VARCHAR AS category, s.import_id FROM {table} s
    WHERE s.period IN (SELECT DISTINCT period FROM f)
      AND s.period BETWEEN (SELECT MIN(period) FROM f) AND (SELECT MAX(period) FROM f)  -- zonemaps skip the rest
      AND NOT EXISTS (
          SELECT 1 FROM f WHERE f.period = s.period AND f.region_code = s.region_code AND f.category = s.{column}::VARCHAR)
),
rows_after AS (
    SELECT period, region_code, category, _row, NULL::INTEGER AS import_id FROM f
    UNION ALL SELECT period, region_code, category, NULL::BIGINT, import_id FROM held
)
SELECT up.period, up.category, up.region_code AS upper, up._row AS upper_row, up.import_id AS upper_import,
       lo.region_code AS lower, lo._row AS lower_row, lo.import_id AS lower_import,
       ru.name AS upper_name, rl.name AS lower_name
FROM rows_after up
JOIN region_closure c ON c.ancestor = up.region_code AND c.depth > 0
JOIN rows_after lo ON lo.region_code = c.descendant AND lo.period = up.period AND lo.category = up.category
JOIN regions ru ON ru.code = up.region_code
JOIN regions rl ON rl.code = lo.region_code
WHERE (up._row IS NOT NULL OR lo._row IS NOT NULL)
  AND up.region_code IN (SELECT ancestor FROM nested) AND lo.region_code IN (SELECT descendant FROM nested)
ORDER BY COALESCE(up._row, lo._row), lower_row NULLS LAST, lo.region_code
"""
_LISTED = 5  # lower rows named in one problem; the rest are counted


def _double_counted(con: duckdb.DuckDBPyConnection, kind: Kind, out: pd.DataFrame) -> list[Problem]:
    """One scheme, one level (metrics.md §3; for the pool and actions by group and action, pool.md "Sums run
    over the subtree"): the rows that, once this file lands, would leave a region and one of its descendants
    both holding a row of one (period, scheme). Each problem names both rows: the file's rows by number,
    a database row by its region and the import that wrote it. A total row (合计) carrying the county's code
    above its townships' rows is the usual case. Returns one problem per upper file row (listing the rows
    below it) and one per lower file row whose upper row is in the database."""
    column = LEVELLED[kind.name]
    staged = pd.DataFrame(
        {
            "period": out["period"].astype("int64"),
            "region_code": out["region_code"].astype(str),
            "category": out[column].astype(str),
            "_row": out["_row"].astype("int64"),
        }
    )
    if staged.empty:
        return []
    con.register("staged_levels", staged)
    try:
        nested = con.execute(_NESTED_CODES_SQL.format(table=kind.name)).df()
        if nested.empty:
            return []
        con.register("nested", nested)
        pairs = con.execute(_DOUBLE_SQL.format(column=kind.db(column), table=kind.name)).df()
        con.unregister("nested")
    finally:
        con.unregister("staged_levels")
    problems: list[Problem] = []
    if pairs.empty:
        return problems

    def where(code: str, name: str, row, import_id, language: str) -> str:
        if pd.notna(row):
            return f"{code} {name}（第 {int(row)} 行）" if language == "zh" else f"{code} ({name}) in row {int(row)}"
        if language == "zh":
            return f"{code} {name}（数据库中，第 {int(import_id)} 次导入）"
        return f"{code} ({name}) in the database (import {int(import_id)})"

    uppers = pairs[pairs["upper_row"].notna()]
    for (row, upper), group in uppers.groupby(["upper_row", "upper"], sort=True):
        first = group.iloc[0]
        period, name = period_label(int(first["period"])), first["upper_name"]
        texts = {}
        for language in ("en", "zh"):
            listed = [where(r.lower, r.lower_name, r.lower_row, r.lower_import, language) for r in group.head(_LISTED).itertuples()]
            more = len(group) - _LISTED
            category = _category_label(kind.name, first["category"], language)
            if language == "zh":
                tail = f"等共 {len(group)} 行" if more > 0 else ""
                texts[language] = (
                    f"{upper} {name} 在 {period} 已有{category}的数据，其下级 {'、'.join(listed)}{tail}也有：同一险种在同一辖区"
                    f"只能在一个层级填报，否则人数会重复计算；请删除合计行或其下级的行"
                )
            else:
                tail = f" and {more} more" if more > 0 else ""
                texts[language] = (
                    f"{upper} ({name}) holds {category} for {period} and so {'do its descendants' if len(group) > 1 else 'does its descendant'}"
                    f" {', '.join(listed)}{tail}: "
                    "a scheme is reported at one level of a subtree only, or its persons count twice; "
                    "remove the total row or the rows below it"
                )
        problems.append(Problem(int(row), "region_code", texts["en"], texts["zh"]))
    held_above = pairs[pairs["upper_row"].isna()]
    for record in held_above.itertuples():
        period = period_label(int(record.period))
        en_upper = where(record.upper, record.upper_name, None, record.upper_import, "en")
        zh_upper = where(record.upper, record.upper_name, None, record.upper_import, "zh")
        problems.append(
            Problem(
                int(record.lower_row),
                "region_code",
                f"{record.lower} ({record.lower_name}) holds {_category_label(kind.name, record.category, 'en')} for {period}"
                f" and so does its ancestor {en_upper}: a scheme is reported at one level of a subtree only, or its"
                " persons count twice; roll back that import or leave these rows out",
                f"{record.lower} {record.lower_name} 在 {period} 有{_category_label(kind.name, record.category, 'zh')}的数据，"
                f"其上级 {zh_upper}也有：同一险种在同一辖区只能在一个层级填报，否则人数会重复计算；请撤销该次导入或删去这些行",
            )
        )
    return problems


_OVER_REQUIRED_SQL = """
WITH f AS (SELECT period, region_code, scheme, insured, _row FROM staged_insured),
-- only regions with required persons can be over them, and only above the least they ever required
counted AS (SELECT region_code, MIN(required) AS least FROM population GROUP BY region_code),
-- The file's rows summed per (month, region) before they meet the closure: a third of the rows to join
-- (issue 15: the same sums and first rows, at less cost).
file_regions AS (SELECT period, region_code, MIN(_row) AS first_row, SUM(insured) AS insured FROM f GROUP BY ALL),
rows_after AS (  -- the rows once the file has landed; first_row: the file's first row (NULL: a database row)
    SELECT s.period, s.region_code, s.insured, NULL::BIGINT AS first_row FROM snapshots s
    WHERE s.period IN (SELECT DISTINCT period FROM f)
      AND s.period BETWEEN (SELECT MIN(period) FROM f) AND (SELECT MAX(period) FROM f)  -- zonemaps skip the rest
      AND NOT EXISTS (
          SELECT 1 FROM f WHERE f.period = s.period AND f.region_code = s.region_code AND f.scheme = s.scheme)
    UNION ALL SELECT period, region_code, insured, first_row FROM file_regions
),
sums AS (  -- per month, the subtree sums of the regions at or above the file's rows (one join, one aggregate)
    SELECT r.period, c.ancestor AS code, SUM(r.insured) AS insured, MIN(r.first_row) AS first_row
    FROM rows_after r JOIN region_closure c ON c.descendant = r.region_code
    WHERE c.ancestor IN (SELECT region_code FROM counted)
    GROUP BY ALL
    HAVING MIN(r.first_row) IS NOT NULL
),
over_least AS (  -- above the least it ever required, or it cannot be above the required below: fewer rows to
    -- join by month (issue 15: 0.09 s -> 0.05 s at 540,000 rows; the same warnings)
    SELECT s.* FROM sums s JOIN counted n ON n.region_code = s.code WHERE s.insured > n.least
)
SELECT s.period, s.code, s.first_row, s.insured, p.required, p.period AS population_period, g.name
FROM over_least s
ASOF JOIN population p ON p.region_code = s.code AND s.period >= p.period
JOIN regions g ON g.code = s.code
WHERE s.insured > p.required
ORDER BY s.first_row, s.code
"""


def _implausible_snapshots(con: duckdb.DuckDBPyConnection | None, out: pd.DataFrame) -> list[Problem]:
    """Accepted, but worth a second look (metrics.md §2): more paid than can pay, per row; more insured (all
    schemes) than required, per subtree once the file has landed (issue 9 point 1: a county whose
    townships together exceed its required persons shows a coverage above 100%). The required persons
    are the latest population row at or before the period. A subtree's warning stands on the first row
    of the file inside it."""
    contribution_phase = out["insured"] - out["receiving"]
    over_paid = out["paid"] > contribution_phase
    warnings = over_paid_warnings(out["_row"][over_paid], out["paid"][over_paid], contribution_phase[over_paid])
    if con is None or out.empty:
        return warnings
    staged = pd.DataFrame(
        {
            "period": out["period"].astype("int64"),
            "region_code": out["region_code"].astype(str),
            "scheme": out["scheme"].astype(str),
            "insured": out["insured"].astype("int64"),
            "_row": out["_row"].astype("int64"),
        }
    )
    over = _query_staged(con, "staged_insured", staged, _OVER_REQUIRED_SQL)
    return sorted(warnings + over_required_warnings(over))


def over_paid_warnings(rows: Iterable, paid: Iterable, phase: Iterable) -> list[Problem]:
    """The warning on each row paying more than its contribution phase (insured - receiving; metrics.md §2),
    given the rows' numbers, paid and contribution phase (persons). Shared by the CSV fast path."""
    return [
        Problem(int(r), "paid", f"{p} is more than the contribution phase ({cp}); accepted", f"{p} 多于缴费阶段人数（{cp}）；已接收")
        for r, p, cp in zip(rows, paid, phase)
    ]


def over_required_warnings(over: pd.DataFrame) -> list[Problem]:
    """The warnings of :data:`_OVER_REQUIRED_SQL`'s rows (a subtree insured above its required persons), in
    its order. Shared by the CSV fast path."""
    warnings: list[Problem] = []
    for record in over.itertuples():
        insured, required = int(record.insured), int(record.required)
        period, since = period_label(int(record.period)), period_label(int(record.population_period))
        warnings.append(
            Problem(
                int(record.first_row),
                "insured",
                f"{record.code} ({record.name}) at {period}: {insured} insured in all schemes in its subtree is more than"
                f" the {required} required ({since}); accepted, check for rows counted twice",
                f"{record.code} {record.name} {period}：辖区内各险种参保人数合计 {insured}，多于应参保人数 {required}"
                f"（{since}）；已接收，请检查是否有重复计算的行",
            )
        )
    return warnings


def _query_staged(con: duckdb.DuckDBPyConnection, name: str, staged: pd.DataFrame, sql: str) -> pd.DataFrame:
    """``sql`` run with ``staged`` visible as the table ``name`` (the file's rows beside the database's)."""
    con.register(name, staged)
    try:
        return con.execute(sql).df()
    finally:
        con.unregister(name)


_BELOW_INSURED_SQL = """
WITH f AS (SELECT period, region_code, required, _row FROM staged_required),
population_after AS (
    SELECT p.period, p.region_code FROM population p
    WHERE NOT EXISTS (SELECT 1 FROM f WHERE f.period = p.period AND f.region_code = p.region_code)
    UNION ALL SELECT period, region_code FROM f
),
spans AS (  -- the months each row of the file serves: from its period to the region's next population row
    SELECT f.*, (SELECT MIN(q.period) FROM population_after q WHERE q.region_code = f.region_code AND q.period > f.period) AS until
    FROM f
),
sums AS (
    SELECT n._row, n.region_code, n.required, n.period AS since, s.period, SUM(s.insured) AS insured
    FROM spans n JOIN region_closure c ON c.ancestor = n.region_code
    JOIN snapshots s ON s.region_code = c.descendant AND s.period >= n.period AND (n.until IS NULL OR s.period < n.until)
    GROUP BY ALL
)
SELECT s._row AS file_row, s.region_code, g.name, s.required, s.since, arg_min(s.period, s.period) AS first_month,
       arg_min(s.insured, s.period) AS first_insured, COUNT(*) AS months
FROM sums s JOIN regions g ON g.code = s.region_code
WHERE s.insured > s.required
GROUP BY ALL ORDER BY file_row
"""


def _population_below_insured(con: duckdb.DuckDBPyConnection, out: pd.DataFrame) -> list[Problem]:
    """A population file's rows under which, once it lands, the subtree's insured (all schemes) exceed the
    required persons in some month the row serves (metrics.md §2 "implausible input"; issue 9 point 1, per
    subtree): accepted with a warning naming the first such month and how many there are. With them the
    warnings of :func:`data.population_checks.warnings` (a region and a descendant both counting a
    population row at a month; a row after its region's abolition; trust brief 5)."""
    if out.empty:
        return []
    staged = pd.DataFrame(
        {
            "period": out["period"].astype("int64"),
            "region_code": out["region_code"].astype(str),
            "required": out["required"].astype("int64"),
            "_row": out["_row"].astype("int64"),
        }
    )
    con.register("staged_required", staged)
    try:  # the file's rows staged once for both: below insured; two levels, after abolition (data/population_checks.py)
        return below_insured_warnings(con.execute(_BELOW_INSURED_SQL).df()) + population_checks.warnings(con)
    finally:
        con.unregister("staged_required")


def below_insured_warnings(found: pd.DataFrame) -> list[Problem]:
    """The warnings of :data:`_BELOW_INSURED_SQL`'s rows (a population row below its subtree's insured).
    Shared by the CSV fast path."""
    warnings = []
    for record in found.itertuples():
        first, months = period_label(int(record.first_month)), int(record.months)
        more_en = f" (and {months - 1} more month(s))" if months > 1 else ""
        more_zh = f"（另有 {months - 1} 个月）" if months > 1 else ""
        warnings.append(
            Problem(
                int(record.file_row),
                "required",
                f"{record.region_code} ({record.name}): {int(record.required)} required is less than the"
                f" {int(record.first_insured)} insured in all schemes in its subtree at {first}{more_en};"
                " accepted, check the figure",
                f"{record.region_code} {record.name}：应参保人数 {int(record.required)} 少于 {first} 辖区内各险种参保人数合计"
                f" {int(record.first_insured)}{more_zh}；已接收，请核对",
            )
        )
    return warnings

def _figures_after_abolition(con: duckdb.DuckDBPyConnection, out: pd.DataFrame) -> list[Problem]:
    """A regions file's rows that abolish a region which already holds snapshot rows at or after the month
    it is abolished from: accepted with a warning per region (cli.md, "Regions that change": from that month
    on its rows no longer count, so its figures silently left its ancestors' sums; issue 9, "never accepted
    with other numbers ... and no warning")."""
    abolishing = out[out["abolished"].notna()]
    warnings: list[Problem] = []
    for row, code, name, month in zip(abolishing["_row"], abolishing["code"], abolishing["name"], abolishing["abolished"]):
        found = con.execute(
            "SELECT count(*), min(period), sum(insured) FROM snapshots WHERE region_code = ? AND period >= ?",
            [str(code), int(month)],
        ).fetchone()
        count, first, insured = int(found[0]), found[1], found[2]
        if count == 0:
            continue
        since = period_label(int(month))
        warnings.append(
            Problem(
                int(row),
                "abolished",
                f"{code} ({name}) already holds {count} snapshot row(s) from {period_label(int(first))} on"
                f" ({int(insured)} insured); abolished from {since}, they are no longer counted: report them"
                " under its successor, or roll back the import that brought them",
                f"{code} {name} 已有 {period_label(int(first))} 起的 {count} 行参保缴费数据（参保 {int(insured)} 人）；"
                f"自 {since} 撤销后这些数据不再计入：请以承继区划重新报送，或撤销带来这些数据的导入",
            )
        )
    return warnings


# ImportRefused, Problem, notes_of, read_table and read_upload are re-exported: callers import them from here.
_REEXPORTED = (ImportRefused, Problem, notes_of, read_table, read_upload)
