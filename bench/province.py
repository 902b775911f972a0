"""A province-sized data set for the benchmark, written as the CSV files ``kuomian import`` reads.

``build(FULL)`` is one province (云南省, code ``"53"``) with 16 cities (its
real prefecture codes, 5301 ... 5334) directly under it, 130 counties under
the cities (code = city + 2 digits) and 1,500 townships under the counties
(code = county + 3 digits); 120 months, 2017-01 to 2026-12; three schemes
per township per month: 540,000 snapshot rows. Population (应参保人数) is
reported once a year per township, every December from 2016-12 to 2025-12
(15,000 rows). Names are made up. Everything comes from
``numpy.random.default_rng(seed)``: the same seed gives the same files.

Values are plausible: coverage starts at 0.88-0.93 and rises along a
saturating curve to 0.895-0.975 by 2025-12 (most townships 0.94-0.96);
receiving is 20-31 % of insured; employee and public members pay monthly
(93-99 % of the contribution phase), residents pay year to date along a
curve that restarts every January (~5 % in January, ~60 % in July, ~90 % in
December), never above the contribution phase.

``build(QUICK)`` is a small province for smoke tests (3 cities, 13
counties, 150 townships, 24 months from 2025-01). ``irregular=True`` adds the
shapes a real province has (for the cross-check tests, never for the timed
benchmark): a county that reports the employee schemes itself, a missed
month, a township without population, two townships with identical figures
(rank ties), a township whose residents are all retired (zero denominator),
a township with zero required population, a mid-year population revision, a
township that reports through villages, townships that start reporting late.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

PROVINCE_CODE = "53"
PROVINCE_NAME = "云南省"
CITIES = (
    ("5301", "昆明市"), ("5303", "曲靖市"), ("5304", "玉溪市"), ("5305", "保山市"),
    ("5306", "昭通市"), ("5307", "丽江市"), ("5308", "普洱市"), ("5309", "临沧市"),
    ("5323", "楚雄彝族自治州"), ("5325", "红河哈尼族彝族自治州"), ("5326", "文山壮族苗族自治州"),
    ("5328", "西双版纳傣族自治州"), ("5329", "大理白族自治州"), ("5331", "德宏傣族景颇族自治州"),
    ("5333", "怒江傈僳族自治州"), ("5334", "迪庆藏族自治州"),
)  # fmt: skip
SCHEMES = ("employee", "public", "resident")
_SYLLABLES = "安宁宜良石林嵩明禄劝寻甸富民晋城呈贡官渡西山盘龙华东川麒麟沾益马龙陆凉师宗罗平源会泽宣威江川澄江通海峨山新平元江隆阳施甸腾冲龙陵昌宁鲁甸巧家盐津大关永善绥彝良镇雄威信水"

# Resident payment rate by calendar month (year to date), and the spread of a township's speed.
_RESIDENT_PAY = np.array([0.05, 0.13, 0.24, 0.35, 0.45, 0.53, 0.60, 0.70, 0.75, 0.78, 0.80, 0.90])
_RESIDENT_SPREAD = np.array([0.01, 0.03, 0.05, 0.06, 0.07, 0.075, 0.08, 0.07, 0.065, 0.06, 0.06, 0.035])


@dataclass(frozen=True)
class Shape:
    cities: int
    counties: int
    townships: int
    first_period: str  # YYYY-MM
    months: int


FULL = Shape(cities=16, counties=130, townships=1500, first_period="2017-01", months=120)
QUICK = Shape(cities=3, counties=13, townships=150, first_period="2025-01", months=24)


@dataclass(frozen=True)
class Province:
    regions: pd.DataFrame  # code, name, level, parent_code ("" for the province)
    population: pd.DataFrame  # period (YYYY-MM), region_code, required
    snapshots: pd.DataFrame  # period (YYYY-MM), region_code, scheme, insured, receiving, paid

    def write_csvs(self, directory: Path | str) -> dict[str, Path]:
        """regions.csv, population.csv, snapshots.csv in ``directory``; returns kind -> path."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        paths = {}
        for kind in ("regions", "population", "snapshots"):
            path = directory / f"{kind}.csv"
            getattr(self, kind).to_csv(path, index=False, encoding="utf-8")
            paths[kind] = path
        return paths


def _split(rng: np.random.Generator, total: int, parts: int, minimum: int) -> np.ndarray:
    """``total`` items over ``parts`` groups, each at least ``minimum``, unevenly."""
    weights = rng.uniform(0.5, 1.5, parts)
    return minimum + rng.multinomial(total - minimum * parts, weights / weights.sum())


def _name(rng: np.random.Generator, suffix: str) -> str:
    first, second = rng.choice(len(_SYLLABLES), 2, replace=False)
    return _SYLLABLES[first] + _SYLLABLES[second] + suffix


def _regions(rng: np.random.Generator, shape: Shape) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The tree; returns (regions, township codes, township kinds: 0 街道, 1 镇, 2 乡)."""
    if not 1 <= shape.cities <= len(CITIES):
        raise ValueError(f"between 1 and {len(CITIES)} cities")
    rows = [(PROVINCE_CODE, PROVINCE_NAME, "province", "")]
    cities = CITIES[: shape.cities]
    rows += [(code, name, "city", PROVINCE_CODE) for code, name in cities]
    county_counts = _split(rng, shape.counties, shape.cities, minimum=min(3, shape.counties // shape.cities))
    counties = []
    for (city, _), count in zip(cities, county_counts):
        for i in range(count):
            code = f"{city}{i + 1:02d}"
            counties.append(code)
            rows.append((code, _name(rng, "区" if i < 2 else "县"), "county", city))
    township_counts = _split(rng, shape.townships, shape.counties, minimum=min(6, shape.townships // shape.counties))
    codes, kinds = [], []
    for county, count in zip(counties, township_counts):
        for i in range(count):
            kind = int(rng.choice(3, p=[0.2, 0.55, 0.25]))
            code = f"{county}{(i + 1) if kind == 0 else 100 + i + 1 if kind == 1 else 200 + i + 1:03d}"
            codes.append(code)
            kinds.append(kind)
            rows.append((code, _name(rng, ("街道", "镇", "乡")[kind]), "township", county))
    regions = pd.DataFrame(rows, columns=["code", "name", "level", "parent_code"])
    return regions, np.array(codes), np.array(kinds)


def _labels(first: str, months: int) -> list[str]:
    return [p.strftime("%Y-%m") for p in pd.period_range(first, periods=months, freq="M")]


def build(shape: Shape = FULL, seed: int = 53, irregular: bool = False) -> Province:
    """The province's three tables; the same ``shape`` and ``seed`` always give the same frames."""
    rng = np.random.default_rng(seed)
    regions, codes, kinds = _regions(rng, shape)
    n = len(codes)
    periods = _labels(shape.first_period, shape.months)
    year = np.array([int(p[:4]) for p in periods])
    month = np.array([int(p[5:]) for p in periods])
    t = np.arange(len(periods)) / 12.0  # years since the first month
    t_2025 = (12 * 2025 + 12 - (12 * year[0] + month[0])) / 12.0  # years to 2025-12

    # ---- population: every December before the last year -------------------------
    pop_years = np.arange(year[0] - 1, year[-1])
    base = np.select(
        [kinds == 0, kinds == 1], [rng.uniform(20_000, 52_000, n), rng.uniform(14_000, 42_000, n)],
        rng.uniform(9_500, 22_000, n),
    )  # fmt: skip
    drift = np.where(kinds == 0, rng.uniform(0.0, 0.012, n), rng.uniform(-0.01, 0.004, n))
    growth = np.clip(drift[:, None] + rng.normal(0.0, 0.005, (n, len(pop_years) - 1)), -0.02, 0.02)
    factors = np.concatenate([np.ones((n, 1)), np.cumprod(1.0 + growth, axis=1)], axis=1)
    required = np.rint(base[:, None] * factors).astype(np.int64)  # (township, year)
    required_now = required[:, year - 1 - pop_years[0]].astype(float)  # in force each month

    # ---- coverage: a saturating rise, by class -------------------------------------
    klass = rng.choice(4, size=n, p=[0.2, 0.6, 0.15, 0.05])  # ahead, on track, behind, off track
    u = rng.uniform(size=(3, n))
    start = 0.88 + 0.05 * u[0]
    reach = np.select(
        [klass == 0, klass == 1, klass == 2],
        [0.955 + 0.02 * u[1], 0.94 + 0.02 * u[1], 0.92 + 0.02 * u[1]],
        0.895 + 0.015 * u[1],
    )
    reach = np.maximum(reach, start + 0.005)
    tau = 1.5 + 4.0 * u[2]
    scale = (reach - start) / (1.0 - np.exp(-max(t_2025, 0.5) / tau))
    coverage = start[:, None] + scale[:, None] * (1.0 - np.exp(-t[None, :] / tau[:, None]))
    coverage = np.clip(coverage + np.clip(rng.normal(0.0, 0.0008, coverage.shape), -0.0015, 0.0015), 0.85, 0.985)
    insured_total = coverage * required_now

    # ---- split into schemes ------------------------------------------------------------
    share0 = np.where(kinds == 0, rng.uniform(0.35, 0.55, n), rng.uniform(0.12, 0.28, n))
    share = share0[:, None] + rng.uniform(0.004, 0.007, n)[:, None] * t[None, :]
    public = np.where(kinds == 0, rng.uniform(0.12, 0.28, n), rng.uniform(0.25, 0.45, n))[:, None]
    retired = {
        "employee": rng.uniform(0.20, 0.26, n)[:, None] + 0.004 * t[None, :],
        "public": rng.uniform(0.20, 0.26, n)[:, None] + 0.004 * t[None, :],
        "resident": rng.uniform(0.25, 0.30, n)[:, None] + 0.004 * t[None, :],
    }
    in_phase = {"employee": share * (1 - public), "public": share * public, "resident": 1 - share}
    weight = sum(in_phase[s] / (1 - retired[s]) for s in SCHEMES)
    phase_total = insured_total / weight
    insured = {s: np.rint(phase_total * in_phase[s] / (1 - retired[s])).astype(np.int64) for s in SCHEMES}
    receiving = {s: np.minimum(np.rint(insured[s] * retired[s]).astype(np.int64), insured[s]) for s in SCHEMES}

    # ---- payment: monthly for employees, year to date for residents -----------------------
    speed = np.clip(rng.uniform(-0.8, 0.8, n)[:, None] + rng.normal(0.0, 0.2, (n, len(periods))), -1.2, 1.2)
    resident_rate = np.clip(
        _RESIDENT_PAY[month - 1][None, :] + 0.004 * (year - 2022)[None, :] + speed * _RESIDENT_SPREAD[month - 1][None, :]
        + rng.normal(0.0, 0.004, speed.shape) * np.sqrt(month / 12.0)[None, :],
        0.01, 0.97,
    )  # fmt: skip
    for y in np.unique(year):  # year to date never falls within a year
        columns = np.flatnonzero(year == y)
        resident_rate[:, columns] = np.maximum.accumulate(resident_rate[:, columns], axis=1)
    rate = {
        "employee": np.clip(rng.uniform(0.945, 0.98, n)[:, None] + rng.normal(0.0, 0.007, speed.shape), 0.93, 0.99),
        "public": np.clip(rng.uniform(0.95, 0.985, n)[:, None] + rng.normal(0.0, 0.006, speed.shape), 0.93, 0.99),
        "resident": resident_rate,
    }

    frames = []
    for scheme in SCHEMES:
        phase = insured[scheme] - receiving[scheme]
        paid = np.minimum(np.rint(phase * rate[scheme]).astype(np.int64), phase)
        frames.append(
            pd.DataFrame(
                {
                    "period": np.tile(periods, n),
                    "region_code": np.repeat(codes, len(periods)),
                    "scheme": scheme,
                    "insured": insured[scheme].ravel(),
                    "receiving": receiving[scheme].ravel(),
                    "paid": paid.ravel(),
                }
            )
        )
    snapshots = pd.concat(frames, ignore_index=True)
    population = pd.DataFrame(
        {
            "period": np.tile([f"{y}-12" for y in pop_years], n),
            "region_code": np.repeat(codes, len(pop_years)),
            "required": required.ravel(),
        }
    )
    if irregular:
        regions, population, snapshots = _irregular(rng, regions, population, snapshots, codes, periods)
    snapshots = snapshots.sort_values(["period", "region_code", "scheme"], ignore_index=True)
    population = population.sort_values(["period", "region_code"], ignore_index=True)
    return Province(regions, population, snapshots)


def _irregular(
    rng: np.random.Generator,
    regions: pd.DataFrame,
    population: pd.DataFrame,
    snapshots: pd.DataFrame,
    codes: np.ndarray,
    periods: list[str],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The shapes of a real province (see the module docstring), on fixed townships."""
    if len(codes) < 30:
        raise ValueError("irregular shapes need at least 30 townships")
    snap_code = snapshots["region_code"]

    # A county reports its employee and public schemes itself (the sums of its townships).
    county = regions.loc[regions["level"] == "county", "code"].iloc[1]
    own = snap_code.str.startswith(county) & snapshots["scheme"].isin(["employee", "public"])
    county_rows = snapshots[own].groupby(["period", "scheme"], as_index=False)[["insured", "receiving", "paid"]].sum()
    county_rows.insert(1, "region_code", county)
    snapshots = pd.concat([snapshots[~own], county_rows], ignore_index=True)
    snap_code = snapshots["region_code"]

    # A missed month (every scheme), where the last months are.
    missed = periods[-5] if len(periods) >= 5 else periods[-1]
    snapshots = snapshots[~((snap_code == codes[5]) & (snapshots["period"] == missed))]
    # A township without any population row.
    population = population[population["region_code"] != codes[7]]
    # Two townships with identical figures (a tie in every ranking).
    twin_snaps = snapshots[snapshots["region_code"] == codes[8]].assign(region_code=codes[9])
    twin_pop = population[population["region_code"] == codes[8]].assign(region_code=codes[9])
    snapshots = pd.concat([snapshots[snapshots["region_code"] != codes[9]], twin_snaps], ignore_index=True)
    population = pd.concat([population[population["region_code"] != codes[9]], twin_pop], ignore_index=True)
    # Residents all retired: no resident contribution phase, so no resident payment rate.
    everyone = (snapshots["region_code"] == codes[11]) & (snapshots["scheme"] == "resident")
    snapshots.loc[everyone, "receiving"] = snapshots.loc[everyone, "insured"]
    snapshots.loc[everyone, "paid"] = 0
    # Zero required population.
    population.loc[population["region_code"] == codes[15], "required"] = 0
    # A mid-year population revision.
    mid = periods[-7]
    revised = population[population["region_code"] == codes[17]].tail(1).assign(period=mid)
    revised["required"] = (revised["required"] * 1.03).round().astype(np.int64)
    population = pd.concat([population, revised], ignore_index=True)
    # Late starters: one from a third into the months, one two months before the missed month.
    late = (snapshots["region_code"] == codes[19]) & (snapshots["period"] < periods[len(periods) // 3])
    later = (snapshots["region_code"] == codes[21]) & (snapshots["period"] < periods[-7])
    snapshots = snapshots[~(late | later)]
    # A township that reports through two villages only (its own rows move to them).
    township = codes[13]
    name = regions.loc[regions["code"] == township, "name"].iloc[0]
    villages = [f"{township}{201 + i}" for i in range(2)]
    regions = pd.concat(
        [regions, pd.DataFrame({"code": villages, "name": [f"{name}第{c}村" for c in "一二"], "level": "village", "parent_code": township})],
        ignore_index=True,
    )
    fraction = rng.uniform(0.35, 0.65)
    moved = []
    for table, counts in ((snapshots, ["insured", "receiving", "paid"]), (population, ["required"])):
        own_rows = table[table["region_code"] == township]
        first = own_rows.assign(region_code=villages[0])
        first[counts] = (own_rows[counts] * fraction).round().astype(np.int64)
        if "paid" in counts:  # keep paid within the contribution phase and receiving within insured
            first["receiving"] = np.minimum(first["receiving"], first["insured"])
            first["paid"] = np.minimum(first["paid"], first["insured"] - first["receiving"])
        second = own_rows.assign(region_code=villages[1])
        second[counts] = own_rows[counts].to_numpy() - first[counts].to_numpy()
        if "paid" in counts:
            second["receiving"] = np.minimum(second["receiving"], second["insured"])
            second["paid"] = np.clip(second["paid"], 0, second["insured"] - second["receiving"])
        moved.append(pd.concat([table[table["region_code"] != township], first, second], ignore_index=True))
    snapshots, population = moved
    return regions, population, snapshots
