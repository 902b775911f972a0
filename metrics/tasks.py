"""Tasks in persons (任务下达, issue 13 point 3): what each region must achieve in a year, what it has achieved,
completion, the split rule and the gap-based proposal ("按差距分解").

Pure: frames in, frames out; no IO. The contract is docs/metrics.md, "Tasks in persons". Shapes:

- a *tasks* frame: ``year, region_code, task_kind, task`` (persons), one row per key;
- a *sums* frame: what ``data.queries.subtree_sums`` returns (one row per region and month with its
  subtree's snapshot sums by scheme, carried rows counted as metrics.md §3 says);
- months are month indexes (``12*year + month``), persons are whole numbers, completion a fraction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from metrics.compute import sum_column


@dataclass(frozen=True)
class TaskKind:
    """One kind of task: its key, its Chinese and English names, the other names a file may use, and the
    metric whose gap proposes it (the "按差距分解" proposal)."""

    key: str
    zh: str
    en: str
    aliases: tuple[str, ...]
    metric: str


TASK_KINDS: tuple[TaskKind, ...] = (
    TaskKind(
        "new_insured",
        "新增参保人数",
        "New insured",
        ("新增参保", "新增参保人员", "参保扩面", "扩面人数", "新增参保任务"),
        "coverage_rate",
    ),
    TaskKind(
        "new_employee",
        "新增职工养老保险缴费人数",
        "New employee-scheme contributors",
        (
            "新增职工养老保险参保人数", "新增职工养老保险缴费/参保人数", "新增职工养老保险", "新增职工养老",
            "新增职工参保缴费人数", "新增职工缴费人数", "新增职工",
        ),
        "employee_share",
    ),  # fmt: skip
    TaskKind(
        "resident_paid",
        "城乡居民缴费人数",
        "Residents who pay",
        ("城乡居民养老保险缴费人数", "城乡居民基本养老保险缴费人数", "居民缴费人数", "居民养老保险缴费人数", "城乡居民缴费"),
        "payment_rate",
    ),
)
TASK_KIND_KEYS: tuple[str, ...] = tuple(kind.key for kind in TASK_KINDS)
TASK_KIND_BY_KEY: dict[str, TaskKind] = {kind.key: kind for kind in TASK_KINDS}

#: What a file may write for a kind (compared after NFKC without spaces; English in any case) -> its key.
TASK_KIND_NAMES: dict[str, str] = {
    name: kind.key
    for kind in TASK_KINDS
    for name in (kind.key, kind.zh, kind.en.lower(), *kind.aliases)
}

TASK_COLUMNS = ("year", "region_code", "task_kind", "task")
ACHIEVED_COLUMNS = ("region_code", "task_kind", "achieved", "at_start", "at_period")


def december_before(year: int) -> int:
    """The month index of December of ``year - 1``: where a year's new persons are counted from."""
    return 12 * (int(year) - 1) + 12


def months_needed(year: int, period: int) -> list[int]:
    """The months whose subtree sums the achieved figures need: December of the year before, and ``period``."""
    return sorted({december_before(year), int(period)})


def _scheme_sum(sums: pd.DataFrame, name: str, schemes: tuple[str, ...]) -> pd.Series:
    total = pd.Series(0.0, index=sums.index)
    for scheme in schemes:
        column = sum_column(name, scheme)
        if column in sums:
            total = total + sums[column].astype("float64").fillna(0.0)
    return total


def kind_figures(sums: pd.DataFrame) -> pd.DataFrame:
    """Per region and month, the three figures the task kinds count (persons; none where the subtree has no
    snapshot row, reported or carried, at the month):

    ``region_code, period, insured`` (Σ insured, all schemes), ``employee_phase`` (Σ contribution phase,
    employee + public), ``resident_paid`` (Σ paid, resident scheme).
    """
    if sums.empty:
        return pd.DataFrame(columns=["region_code", "period", "insured", "employee_phase", "resident_paid"])
    has_rows = sums["rows"].fillna(0).astype("float64") > 0 if "rows" in sums else pd.Series(True, index=sums.index)
    out = pd.DataFrame({"region_code": sums["region_code"].astype(str), "period": sums["period"].astype("int64")})
    out["insured"] = _scheme_sum(sums, "insured", ("employee", "public", "resident")).where(has_rows)
    out["employee_phase"] = _scheme_sum(sums, "phase", ("employee", "public")).where(has_rows)
    out["resident_paid"] = _scheme_sum(sums, "paid", ("resident",)).where(has_rows)
    return out


_COUNTED = {"new_insured": "insured", "new_employee": "employee_phase", "resident_paid": "resident_paid"}
_SINCE_DECEMBER = {"new_insured": True, "new_employee": True, "resident_paid": False}


def achieved(sums: pd.DataFrame, codes: list[str], year: int, period: int) -> pd.DataFrame:
    """What each region achieved of each kind in ``year`` up to ``period`` (docs/metrics.md, "Tasks in persons").

    - ``new_insured`` = Σ insured (all schemes) at ``period`` − the same at December of ``year - 1``;
    - ``new_employee`` = Σ contribution phase (employee + public) at ``period`` − the same at December of
      ``year - 1``;
    - ``resident_paid`` = Σ paid (resident) at ``period`` (paid counts the year to date: nothing to subtract).

    Sums over the subtree with carried rows (metrics.md §3). None where a side is missing (no snapshot row in the
    subtree at that month). A negative achievement is kept as it is, never clipped. ``period`` must lie in
    ``year`` (ValueError otherwise). Returns :data:`ACHIEVED_COLUMNS`, one row per code and kind, in that order.
    """
    if (int(period) - 1) // 12 != int(year):
        raise ValueError(f"period {period} does not lie in year {year}")
    figures = kind_figures(sums)
    start, now = december_before(year), int(period)
    months = figures["period"].astype("int64")
    # Whole columns (issue 15): each kind's figure at both months read by code, not a look-up per region
    # and kind (128,000 at 40,000 townships); a (code, month) given twice counts its last row, as before.
    def at(month: int, column: str) -> np.ndarray:
        rows = figures[months.to_numpy() == month].drop_duplicates("region_code", keep="last").set_index("region_code")[column]
        return pd.to_numeric(rows, errors="coerce").astype("float64").reindex(codes).to_numpy()

    kinds = len(TASK_KIND_KEYS)
    value, at_start, at_now = (np.full((len(codes), kinds), np.nan) for _ in range(3))
    for k, kind in enumerate(TASK_KIND_KEYS):
        column = _COUNTED[kind]
        at_now[:, k] = at(now, column)
        if _SINCE_DECEMBER[kind]:
            at_start[:, k] = at(start, column)
            value[:, k] = at_now[:, k] - at_start[:, k]  # NaN where a side is missing
        else:
            value[:, k] = at_now[:, k]
    frame = pd.DataFrame(
        {
            "region_code": np.repeat(np.array(codes, dtype=object), kinds).tolist(),
            "task_kind": list(TASK_KIND_KEYS) * len(codes),
            "achieved": value.ravel(), "at_start": at_start.ravel(), "at_period": at_now.ravel(),
        },
        columns=list(ACHIEVED_COLUMNS),
    ) if len(codes) else pd.DataFrame([], columns=list(ACHIEVED_COLUMNS))
    for column in ("achieved", "at_start", "at_period"):
        frame[column] = _whole(frame[column])
    return frame


def _whole(values: pd.Series) -> pd.Series:
    values = pd.to_numeric(values, errors="coerce").astype("float64")
    missing = values.isna().to_numpy()
    whole = np.where(missing, 0.0, np.round(values.to_numpy()))  # round half to even, as round() does
    return pd.Series(pd.arrays.IntegerArray(whole.astype("int64"), missing), index=values.index)


def completion(achieved_persons, task) -> float | None:
    """``achieved / task`` as a fraction (0.85 = 85%); none where the task is 0 or missing or nothing is
    achieved yet to count (no figures). May exceed 1 and may be negative (never clipped)."""
    if achieved_persons is None or task is None or pd.isna(achieved_persons) or pd.isna(task) or int(task) == 0:
        return None
    return float(achieved_persons) / float(task)


def task_table(tasks: pd.DataFrame, regions: pd.DataFrame, achieved_frame: pd.DataFrame) -> pd.DataFrame:
    """One row per listed region and kind: ``region_code, region_name, level, parent_code, task_kind, task,
    achieved, completion, remaining`` (``remaining`` = task − achieved, never below 0; none where either is
    missing). ``regions``: the listed regions (``code, name, level, parent_code``), in their order;
    ``tasks``: a year's tasks; ``achieved_frame``: :func:`achieved`.
    """
    base = achieved_frame[["region_code", "task_kind", "achieved"]].merge(
        tasks[["region_code", "task_kind", "task"]], on=["region_code", "task_kind"], how="left"
    )
    names = regions.set_index("code")
    base["region_name"] = base["region_code"].map(names["name"])
    base["level"] = base["region_code"].map(names["level"])
    base["parent_code"] = base["region_code"].map(names["parent_code"])
    # :func:`completion` and the remainder over whole columns (issue 15: a Python call per region and kind).
    task = pd.to_numeric(base["task"], errors="coerce").astype("float64").to_numpy()
    no_task = np.isnan(task)
    base["task"] = pd.arrays.IntegerArray(np.where(no_task, 0, np.trunc(np.where(no_task, 0.0, task))).astype("int64"), no_task)
    done = pd.to_numeric(base["achieved"], errors="coerce").astype("float64").to_numpy()
    whole_task = base["task"].to_numpy(dtype="float64", na_value=np.nan)
    none = np.isnan(done) | np.isnan(whole_task) | (whole_task == 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        base["completion"] = pd.arrays.FloatingArray(np.where(none, 0.0, done / np.where(none, 1.0, whole_task)), none)
    gone = np.isnan(done) | np.isnan(whole_task)
    left = np.where(gone, 0, np.maximum(np.where(gone, 0, whole_task).astype("int64") - np.where(gone, 0, done).astype("int64"), 0))
    base["remaining"] = pd.arrays.IntegerArray(left.astype("int64"), gone)
    order = {code: i for i, code in enumerate(regions["code"])}
    kinds = {key: i for i, key in enumerate(TASK_KIND_KEYS)}
    base = base.assign(_o=base["region_code"].map(order), _k=base["task_kind"].map(kinds)).sort_values(["_o", "_k"])
    columns = ["region_code", "region_name", "level", "parent_code", "task_kind", "task", "achieved", "completion", "remaining"]
    return base[columns].reset_index(drop=True)


SPLIT_COLUMNS = ("year", "task_kind", "parent_code", "parent_task", "children", "children_task", "short_by")


def short_splits(tasks: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """The split rule (issue 13 point 3): a parent's task against the sum of its direct children's tasks of the
    same kind and year. A split whose parts add up to less than the parent's task is flagged (a warning, not a
    refusal); more is fine. A parent with a task and no child holding one is not split yet and not flagged.

    ``tasks``: ``year, region_code, task_kind, task``; ``regions``: ``code, parent_code``. Returns the flagged
    splits, :data:`SPLIT_COLUMNS` (``children``: how many children hold a task; ``short_by`` = parent − Σ
    children, persons, > 0), by year, kind and parent code.
    """
    if tasks.empty:
        return pd.DataFrame(columns=list(SPLIT_COLUMNS))
    parents = regions.set_index("code")["parent_code"]
    child = tasks.assign(parent_code=tasks["region_code"].map(parents)).dropna(subset=["parent_code"])
    sums = (
        child.groupby(["year", "task_kind", "parent_code"], as_index=False)
        .agg(children=("task", "size"), children_task=("task", "sum"))
    )
    own = tasks.rename(columns={"region_code": "parent_code", "task": "parent_task"})[
        ["year", "task_kind", "parent_code", "parent_task"]
    ]
    joined = own.merge(sums, on=["year", "task_kind", "parent_code"], how="inner")
    joined["short_by"] = joined["parent_task"].astype("int64") - joined["children_task"].astype("int64")
    flagged = joined[joined["short_by"] > 0]
    kinds = {key: i for i, key in enumerate(TASK_KIND_KEYS)}
    flagged = flagged.assign(_k=flagged["task_kind"].map(kinds)).sort_values(["year", "_k", "parent_code"])
    out = flagged[list(SPLIT_COLUMNS)].reset_index(drop=True)
    for column in ("year", "parent_task", "children", "children_task", "short_by"):
        out[column] = out[column].astype("int64")
    return out


# --------------------------------------------------------------------------- 按差距分解


def start_gap(kind: str, numerator, denominator, target) -> int | None:
    """A child's gap at the start of the year for one kind, in persons (docs/metrics.md, "按差距分解"):

    - ``new_insured``, ``new_employee``: ⌈target·denominator − numerator⌉ at December of the year before, never
      below 0 (metrics.md §5 ``gap_persons`` of coverage_rate and employee_share) against the target in force at
      the end of the year;
    - ``resident_paid``: ⌈target·denominator⌉ — paid restarts every January, so at the start of the year the
      gap is every payer the year's last milestone asks for (denominator: the contribution phase at December
      of the year before).

    None where the target or the denominator is missing (or, for the first two, the numerator).
    """
    if target is None or denominator is None or pd.isna(target) or pd.isna(denominator):
        return None
    exact = Decimal(repr(float(target))) * Decimal(int(denominator))
    if kind == "resident_paid":
        return max(int(math.ceil(exact)), 0)
    if numerator is None or pd.isna(numerator):
        return None
    return max(int(math.ceil(exact - Decimal(int(numerator)))), 0)


PROPOSAL_COLUMNS = ("year", "region_code", "region_name", "task_kind", "gap", "task")


def scale_to(gaps: list[int | None], weights: list[int | None], parent_task: int | None) -> list[int | None]:
    """The proposed parts: the children's gaps, raised in proportion so that they sum to at least the
    parent's task when the parent has one and the gaps fall short of it (never lowered: a gap larger than
    the parent's task is the real need; the split rule only asks for at least the parent's task).

    ``gaps``: one per child (none: no figures; proposed as 0 unless scaling gives it a part); ``weights``:
    the children's denominators, used to share the parent's task where every gap is 0. Each part is
    rounded up, so the parts may exceed the task by at most one person per child.
    """
    known = [g or 0 for g in gaps]
    total = sum(known)
    if parent_task is None or parent_task <= total:
        return [None if g is None else int(g) for g in gaps]
    if total > 0:
        return [int(math.ceil(Decimal(g) * Decimal(parent_task) / Decimal(total))) for g in known]
    weight = [w or 0 for w in weights]
    if sum(weight) == 0:
        share = len(gaps) or 1
        return [int(math.ceil(Decimal(parent_task) / Decimal(share))) for _ in gaps]
    return [int(math.ceil(Decimal(w) * Decimal(parent_task) / Decimal(sum(weight)))) for w in weight]


# --------------------------------------------------------------------------- comparable


def withhold_not_comparable(
    table: pd.DataFrame, above: pd.DataFrame, schemes_by_kind: dict[str, tuple[str, ...] | None]
) -> pd.DataFrame:
    """``table`` (:func:`task_table`) with ``comparable`` (bool) and ``reported_above`` added, and ``achieved``,
    ``completion`` and ``remaining`` set to none where the region is not comparable for the kind's metric.

    The rule (docs/metrics.md, "Tasks in persons", after §3 "Comparable"): a region's achievement of a kind is
    shown only where no strict ancestor holds a row, at December of the year before or at the month counted, for
    a scheme the kind's metric sums (``new_insured`` ↔ coverage_rate, ``new_employee`` ↔ employee_share,
    ``resident_paid`` ↔ payment_rate). Otherwise its subtree sums leave out persons an ancestor counts, and a
    township under a county reporting the employee schemes would show a completion like −940%.

    ``above``: ``region_code, ancestor_code, ancestor_name, schemes`` at either end (``data.queries.
    reported_above``, both months concatenated); ``schemes_by_kind``: per kind the schemes its metric sums
    (None: all three). ``reported_above`` is ``((ancestor_code, ancestor_name, (scheme, ...)), ...)`` (the
    shape ``present.honest`` reads), ``()`` where comparable.
    """
    by_code: dict[str, dict[tuple[str, str], set[str]]] = {}
    for row in above.itertuples(index=False):
        ancestors = by_code.setdefault(str(row.region_code), {})
        ancestors.setdefault((str(row.ancestor_code), str(row.ancestor_name)), set()).update(row.schemes)

    def notes(code: str, kind: str) -> tuple:
        summed = schemes_by_kind.get(kind)
        found = []
        for (ancestor, name), schemes in sorted(by_code.get(str(code), {}).items()):
            kept = tuple(sorted(s for s in schemes if summed is None or s in summed))
            if kept:
                found.append((ancestor, name, kept))
        return tuple(found)

    out = table.copy()
    pairs = zip(out["region_code"].tolist(), out["task_kind"].tolist())  # lists: iterating Arrow strings is ~1 us a value
    reported = [notes(c, k) if str(c) in by_code else () for c, k in pairs]  # most have none
    out["reported_above"] = pd.Series(reported, index=out.index, dtype=object)
    out["comparable"] = [not r for r in reported]
    hidden = ~out["comparable"].astype(bool)
    for column in ("achieved", "completion", "remaining"):
        out.loc[hidden, column] = pd.NA
    return out
