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


def assess(values: pd.DataFrame, scheme: Assessment) -> Result:
    """Score every comparable region of ``values`` (the module's input frame) by ``scheme``."""
    full = scheme.full_marks
    score_rows, part_rows, apart_rows = [], [], []
    for row in values.to_dict("records"):
        base = {"region_code": str(row["region_code"]), "region_name": row.get("region_name", ""), "level": row.get("level", "")}
        comparable = row.get("comparable")
        if not _missing(comparable) and not bool(comparable):
            apart_rows.append({**base, "why": NOT_COMPARABLE, "reason": row.get("reason") or ""})
            continue
        parts, total, weight_with_data = [], 0.0, 0.0
        for indicator in scheme.indicators:
            key = indicator.key
            value, status = row.get(key), row.get(f"{key}_status")
            target = attainment = None
            if indicator.rule == "share_of_target":
                target, attainment, points = score_share_of_target(indicator, value, row.get(f"{key}_target"))
            else:
                points = score_points_by_status(indicator, status)
            no_data = points is None
            if not no_data:
                total += points
                weight_with_data += indicator.weight
            parts.append(
                {
                    "region_code": base["region_code"], "indicator": key, "value": None if _missing(value) else float(value),
                    "target": target, "status": None if _missing(status) else str(status), "attainment": attainment,
                    "weight": indicator.weight, "points": 0.0 if no_data and scheme.no_data == "zero" else points, "no_data": no_data,
                }
            )  # fmt: skip
        if weight_with_data == 0:
            apart_rows.append({**base, "why": NO_DATA, "reason": ""})
            continue
        if scheme.no_data == "redistribute":
            scale = full / weight_with_data
            for part in parts:
                if part["points"] is not None:
                    part["points"] = part["points"] * scale
            total *= scale
        score = round(total + 0.0, 2)
        score_rows.append({**base, "score": score, "grade": grade_of(score, scheme.grades), **{f"points_{p['indicator']}": p["points"] for p in parts}})
        part_rows.extend(parts)
    columns = ["region_code", "region_name", "level", "score", "grade", "rank", *(f"points_{i.key}" for i in scheme.indicators)]
    scores = pd.DataFrame(score_rows, columns=[c for c in columns if c != "rank"])
    if not scores.empty:
        scores["rank"] = scores.groupby("level")["score"].rank(method="min", ascending=False).astype("int64")
        scores = scores.sort_values(["level", "rank", "region_code"], kind="stable").reset_index(drop=True)[columns]
    else:
        scores = pd.DataFrame(columns=columns)
    parts = pd.DataFrame(part_rows, columns=["region_code", "indicator", "value", "target", "status", "attainment", "weight", "points", "no_data"])
    apart = pd.DataFrame(apart_rows, columns=["region_code", "region_name", "level", "why", "reason"])
    return Result(scores, parts, apart)


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
