"""The year-end assessment (考核评分, 综合评估定级; issue 14 point 1): scores, parts, grades, 红黑榜.

Pure: the engine takes a frame of indicator values per region and the targets file's ``assessment:``
section (:class:`metrics.targets_assessment.Assessment`) and returns scores; reading the values from the
database is :mod:`data.assessment`'s job.

Input frame (one row per region), columns:

- ``region_code``, ``region_name``, ``level``;
- ``comparable`` (bool; missing = comparable) and ``reason`` (text: why a region is not comparable);
- per indicator ``X`` of :data:`metrics.targets_assessment.INDICATORS`: ``X`` its value as a fraction
  (coverage 0.953 = 95.3%; completion, timeliness and completeness 0..1; missing or NaN = no data),
  optionally ``X_target`` (the region's own target, a fraction, used by ``share_of_target`` when the
  scheme gives no ``target``) and ``X_status`` (achieved / on_track / behind / off_track, used by
  ``points_by_status``). An indicator whose column is absent has no data for every region: that is
  how task completion and timeliness stand until issue 13's figures are connected.

Rules (each has a test named after it in tests/test_assessment.py):

- **share_of_target**: attainment = value ÷ target, at most ``cap``; points = weight × attainment. The
  target is the scheme's ``target``, else the region's ``X_target``, else 1 (a rate whose goal is 100%).
- **points_by_status**: points = weight × points[status] ÷ 100; a status the scheme does not list scores 0.
- **no data** (the value, or for points_by_status the status, is missing): ``redistribute`` (default)
  leaves the indicator out and scales the points of the others up to the full marks
  (score = Σ points × Σ all weights ÷ Σ weights with data); ``zero`` scores it 0. A region with no data
  on any indicator is not scored: listed apart, reason "no data".
- **score** = the sum, rounded to 2 decimals; the **grade** is the band with the highest lowest-score
  at or below the rounded score (a score of exactly 90 is 优秀 when 优秀 starts at 90).
- **comparable regions only**: a region whose ``comparable`` is false is not scored, ranked or listed on
  the 红黑榜; it is listed apart with its ``reason``.
- **rank**: within a level, by score, highest first; equal scores share the better rank.
- **红榜/黑榜**: per level, the ``lists`` best and the ``lists`` worst ranked regions; with fewer than
  2 × lists regions they split the regions without overlap, the red list taking the odd one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.targets_assessment import Assessment, Indicator

NO_DATA = "no_data"
NOT_COMPARABLE = "not_comparable"


@dataclass(frozen=True)
class Result:
    """What :func:`assess` gives.

    ``scores``: the scored regions, one row each: region_code, region_name, level, score, grade, rank,
    then per indicator ``points_X`` (NaN: no data). ``parts``: one row per (scored region, indicator):
    region_code, indicator, value, target, status, attainment, weight, points, no_data (bool).
    ``apart``: the regions not scored: region_code, region_name, level, why (``not_comparable`` or
    ``no_data``), reason (the input's reason text, "" for no data)."""

    scores: pd.DataFrame
    parts: pd.DataFrame
    apart: pd.DataFrame


def _missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def score_share_of_target(indicator: Indicator, value: object, region_target: object) -> tuple[float | None, float | None, float | None]:
    """``share_of_target`` for one region: (target used, attainment, points); all None for no data."""
    if _missing(value):
        return None, None, None
    target = indicator.target
    if target is None:
        target = float(region_target) if not _missing(region_target) and float(region_target) > 0 else 1.0
    attainment = min(float(value) / target, indicator.cap)
    return target, attainment, indicator.weight * attainment


def score_points_by_status(indicator: Indicator, status: object) -> float | None:
    """``points_by_status`` for one region: the points, None for no data (no status)."""
    if _missing(status) or str(status) in ("", "none"):
        return None
    return indicator.weight * dict(indicator.points).get(str(status), 0.0) / 100.0


def grade_of(score: float, grades: tuple[tuple[str, float], ...]) -> str:
    """The grade of a (rounded) score: the first band, highest first, whose lowest score it reaches."""
    for grade, bound in grades:
        if score >= bound - 1e-9:
            return grade
    return grades[-1][0]


def _column(values: pd.DataFrame, name: str, n: int) -> pd.Series:
    """``values[name]``, or none for every region where the column is absent (``row.get``)."""
    return values[name].reset_index(drop=True) if name in values else pd.Series([None] * n, dtype=object)


def _missing_column(column: pd.Series) -> np.ndarray:
    """:func:`_missing` over a column."""
    return np.array([_missing(v) for v in column.tolist()], dtype=bool) if column.dtype == object else column.isna().to_numpy()


def _floats(column: pd.Series, missing: np.ndarray) -> np.ndarray:
    """``float(v)`` of each present value, NaN where missing."""
    out = np.full(len(column), np.nan)
    present = ~missing
    out[present] = [float(v) for v in column[present].tolist()] if column.dtype == object else column[present].to_numpy(dtype="float64")
    return out


def _optional_list(values: np.ndarray, none: np.ndarray) -> list:
    out = values.astype(object)
    out[none] = None
    return out.tolist()


def assess(values: pd.DataFrame, scheme: Assessment) -> Result:
    """Score every comparable region of ``values`` (the module's input frame) by ``scheme``.

    The rules of the module docstring over whole columns, one indicator at a time in the scheme's order
    (issue 15: a dict per region and indicator took 2 s at 40,000 townships); each region's sum is added
    up in the same order as region by region, so the scores are the same to the last bit.
    """
    full = scheme.full_marks
    n = len(values)
    codes = [str(code) for code in _column(values, "region_code", n).tolist()]
    names = _column(values, "region_name", n).tolist() if "region_name" in values else [""] * n
    levels = _column(values, "level", n).tolist() if "level" in values else [""] * n
    comparable = _column(values, "comparable", n)
    apart_flag = np.array([not _missing(v) and not bool(v) for v in comparable.tolist()], dtype=bool)
    total = np.zeros(n)
    weight_with_data = np.zeros(n) if any(isinstance(i.weight, float) for i in scheme.indicators) else np.zeros(n, dtype="int64")
    parts = []  # per indicator: value, value missing, target, attainment, points (NaN: no data), status
    for indicator in scheme.indicators:
        key = indicator.key
        raw = _column(values, key, n)
        value_missing = _missing_column(raw)
        value = _floats(raw, value_missing)
        status_raw = _column(values, f"{key}_status", n)
        status_missing = _missing_column(status_raw)
        status = [None if gone else str(v) for v, gone in zip(status_raw.tolist(), status_missing)]
        target = np.full(n, np.nan)
        attainment = np.full(n, np.nan)
        if indicator.rule == "share_of_target":
            if indicator.target is not None:
                target[:] = indicator.target
            else:
                own_raw = _column(values, f"{key}_target", n)
                own_missing = _missing_column(own_raw)
                own = _floats(own_raw, own_missing)
                with np.errstate(invalid="ignore"):
                    target = np.where(~own_missing & (own > 0), own, 1.0)
            target[value_missing] = np.nan
            with np.errstate(invalid="ignore", divide="ignore"):
                attainment = np.minimum(value / target, indicator.cap)
            attainment[value_missing] = np.nan
            points = indicator.weight * attainment
            no_data = value_missing
        else:
            table = dict(indicator.points)
            no_data = np.array([s is None or s in ("", "none") for s in status], dtype=bool)
            points = np.array([np.nan if gone else indicator.weight * table.get(s, 0.0) / 100.0 for s, gone in zip(status, no_data)], dtype="float64")
        total = total + np.where(no_data, 0.0, points)
        weight_with_data = weight_with_data + np.where(no_data, 0, indicator.weight)
        parts.append((indicator, value, value_missing, target, attainment, points, no_data, status))
    scored = ~apart_flag & (weight_with_data != 0)
    if scheme.no_data == "redistribute":
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = full / np.where(weight_with_data != 0, weight_with_data, 1)
        total = total * scale
        scaled = [part[5] * scale for part in parts]
    else:
        scaled = [np.where(part[6], 0.0, part[5]) for part in parts]

    at = np.flatnonzero(scored)
    rounded = [round(t + 0.0, 2) for t in total[at].tolist()]
    score_columns = {
        "region_code": [codes[i] for i in at], "region_name": [names[i] for i in at], "level": [levels[i] for i in at],
        "score": rounded, "grade": [grade_of(score, scheme.grades) for score in rounded],
    }  # fmt: skip
    for (indicator, *_rest), points in zip(parts, scaled):
        none = np.isnan(points[at]) if scheme.no_data == "redistribute" else np.zeros(len(at), dtype=bool)
        score_columns[f"points_{indicator.key}"] = _optional_list(points[at], none)
    columns = ["region_code", "region_name", "level", "score", "grade", "rank", *(f"points_{i.key}" for i in scheme.indicators)]
    scores = pd.DataFrame(score_columns, columns=[c for c in columns if c != "rank"]) if len(at) else pd.DataFrame([], columns=[c for c in columns if c != "rank"])
    if not scores.empty:
        scores["rank"] = scores.groupby("level")["score"].rank(method="min", ascending=False).astype("int64")
        scores = scores.sort_values(["level", "rank", "region_code"], kind="stable").reset_index(drop=True)[columns]
    else:
        scores = pd.DataFrame(columns=columns)

    part_columns = ["region_code", "indicator", "value", "target", "status", "attainment", "weight", "points", "no_data"]
    k = len(parts)
    if len(at):
        order = np.repeat(at, k)  # region by region, the scheme's indicators in order
        which = np.tile(np.arange(k), len(at))
        stack = lambda index: np.stack([part[index][at] for part in parts], axis=1).ravel()  # noqa: E731
        value, value_missing = stack(1), stack(2)
        target, attainment, no_data = stack(3), stack(4), stack(6)
        points = np.stack([points[at] for points in scaled], axis=1).ravel()
        statuses = [parts[w][7][i] for i, w in zip(order.tolist(), which.tolist())]
        part_frame = pd.DataFrame(
            {
                "region_code": [codes[i] for i in order.tolist()], "indicator": [parts[w][0].key for w in which.tolist()],
                "value": _optional_list(value, value_missing), "target": _optional_list(target, np.isnan(target)), "status": statuses,
                "attainment": _optional_list(attainment, np.isnan(attainment)), "weight": [parts[w][0].weight for w in which.tolist()],
                "points": _optional_list(points, np.isnan(points)) if scheme.no_data == "redistribute" else points.tolist(),
                "no_data": no_data.tolist(),
            },
            columns=part_columns,
        )  # fmt: skip
    else:
        part_frame = pd.DataFrame([], columns=part_columns)
    apart_at = np.flatnonzero(~scored)
    apart = pd.DataFrame(
        {
            "region_code": [codes[i] for i in apart_at], "region_name": [names[i] for i in apart_at], "level": [levels[i] for i in apart_at],
            "why": [NOT_COMPARABLE if apart_flag[i] else NO_DATA for i in apart_at],
            "reason": [(_reason(values, i) or "") if apart_flag[i] else "" for i in apart_at],
        },
        columns=["region_code", "region_name", "level", "why", "reason"],
    ) if len(apart_at) else pd.DataFrame([], columns=["region_code", "region_name", "level", "why", "reason"])  # fmt: skip
    return Result(scores, part_frame, apart)


def _reason(values: pd.DataFrame, i: int):
    return values["reason"].iloc[i] if "reason" in values else None


def red_and_black(scores: pd.DataFrame, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The 红榜 (the ``n`` best) and 黑榜 (the ``n`` worst, worst last) of one level's ``scores`` (in rank
    order). With fewer than ``2n`` regions the lists split them without overlap, the red list taking the odd one."""
    ranked = scores.sort_values(["rank", "region_code"], kind="stable").reset_index(drop=True)
    count = len(ranked)
    if n <= 0 or count == 0:
        return ranked.iloc[0:0], ranked.iloc[0:0]
    red_count = min(n, math.ceil(count / 2)) if count < 2 * n else n
    black_count = min(n, count - red_count)
    return ranked.head(red_count), ranked.tail(black_count) if black_count else ranked.iloc[0:0]
