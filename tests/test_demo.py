"""Tests for the deterministic demo data set (data/demo.py)."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

from data.demo import DEMO_ROOT_CODE, DemoData, build_demo

LEVEL_RANK = {"city": 0, "county": 1, "township": 2, "village": 3}
COUNTS = ["insured", "receiving", "paid"]


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return build_demo()


@pytest.fixture(scope="module")
def coverage(demo: DemoData) -> pd.DataFrame:
    """Township/village coverage per month against the latest required at or before the month (the spec's rule)."""
    snaps = demo.snapshots
    totals = snaps.groupby(["period", "region_code"], as_index=False)["insured"].sum()
    pop = demo.population.copy()
    for frame in (totals, pop):  # months as month indexes, so the latest row at or before can be found
        frame["month"] = frame["period"].str[:4].astype(int) * 12 + frame["period"].str[5:].astype(int)
    merged = pd.merge_asof(
        totals.sort_values("month"), pop.drop(columns="period").sort_values("month"), on="month", by="region_code"
    ).dropna(subset=["required"])
    merged["coverage"] = merged["insured"] / merged["required"]
    # Townships of the county that reports employee schemes itself are partial.
    county_reporting = demo.snapshots.loc[
        demo.snapshots["region_code"].str.len() == 6, "region_code"
    ].unique()
    partial = merged["region_code"].str[:6].isin(county_reporting)
    return merged[~partial]


def test_demo_is_deterministic_for_a_seed():
    a, b = build_demo(7), build_demo(7)
    for name in ("regions", "population", "snapshots"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    c = build_demo(8)
    assert not a.snapshots["insured"].equals(c.snapshots["insured"])
    pd.testing.assert_frame_equal(a.regions, c.regions)


def test_demo_is_rooted_at_qujing(demo: DemoData):
    roots = demo.regions[demo.regions["parent_code"].isna()]
    assert roots["code"].tolist() == [DEMO_ROOT_CODE] == ["5303"]
    assert roots["name"].tolist() == ["曲靖市"]
    assert roots["level"].tolist() == ["city"]
    assert roots["parent_code"].iloc[0] is None


def test_demo_has_the_nine_real_counties_of_qujing(demo: DemoData):
    counties = demo.regions[demo.regions["level"] == "county"]
    assert dict(zip(counties["code"], counties["name"])) == {
        "530302": "麒麟区",
        "530303": "沾益区",
        "530304": "马龙区",
        "530322": "陆良县",
        "530323": "师宗县",
        "530324": "罗平县",
        "530325": "富源县",
        "530326": "会泽县",
        "530381": "宣威市",
    }
    assert set(counties["parent_code"]) == {"5303"}


def test_demo_has_the_real_townships_of_qujing(demo: DemoData):
    townships = demo.regions[demo.regions["level"] == "township"].set_index("code")
    assert len(townships) == 137
    assert townships.loc["530302001", "name"] == "南宁街道"
    assert townships.loc["530381001", "name"] == "宛水街道"
    assert townships.loc["530326216", "name"] == "田坝乡"
    assert (townships.index.str.len() == 9).all()


def test_region_levels_are_the_four_known_ones(demo: DemoData):
    assert set(demo.regions["level"]) == set(LEVEL_RANK)
    assert demo.regions["code"].is_unique


def test_every_region_has_a_parent_of_a_higher_level(demo: DemoData):
    r = demo.regions
    level_of = dict(zip(r["code"], r["level"]))
    for code, level, parent in zip(r["code"], r["level"], r["parent_code"]):
        assert code.isdigit() and 2 <= len(code) <= 12
        if level == "city":
            assert parent is None
            continue
        assert parent in level_of, code
        assert LEVEL_RANK[level_of[parent]] == LEVEL_RANK[level] - 1
        assert code.startswith(parent) and len(code) > len(parent)


def test_villages_exist_only_where_they_report(demo: DemoData):
    villages = demo.regions[demo.regions["level"] == "village"]
    assert 3 <= len(villages) <= 12
    assert (villages["code"].str.len() == 12).all()
    assert villages["name"].str.endswith("村").all()
    reporting = set(demo.snapshots["region_code"]) & set(demo.population["region_code"])
    assert set(villages["code"]) <= reporting


def test_facts_are_monthly_from_2018_01_to_2026_10(demo: DemoData):
    periods = sorted(demo.snapshots["period"].unique())
    expected = [p.strftime("%Y-%m") for p in pd.period_range("2018-01", "2026-10", freq="M")]
    assert periods == expected
    assert set(demo.snapshots["scheme"]) == {"employee", "public", "resident"}


def test_counts_are_whole_non_negative_int64(demo: DemoData):
    for col in COUNTS:
        assert demo.snapshots[col].dtype == np.int64
        assert (demo.snapshots[col] >= 0).all()
    assert demo.population["required"].dtype == np.int64
    assert (demo.population["required"] > 0).all()


def test_receiving_never_exceeds_insured(demo: DemoData):
    assert (demo.snapshots["receiving"] <= demo.snapshots["insured"]).all()


def test_paid_never_exceeds_the_contribution_phase(demo: DemoData):
    s = demo.snapshots
    assert (s["paid"] <= s["insured"] - s["receiving"]).all()


def test_receiving_share_is_realistic_per_scheme(demo: DemoData):
    s = demo.snapshots
    share = s["receiving"] / s["insured"]
    resident = s["scheme"] == "resident"
    assert share[resident].between(0.24, 0.36).all()
    assert share[~resident].between(0.19, 0.31).all()


def test_resident_payment_rate_restarts_every_january(demo: DemoData):
    r = demo.snapshots[demo.snapshots["scheme"] == "resident"]
    rate = r["paid"] / (r["insured"] - r["receiving"])
    by_month = rate.groupby(r["period"].str[5:]).median()
    assert by_month["01"] < 0.1
    assert 0.25 < by_month["04"] < 0.45
    assert 0.52 < by_month["07"] < 0.68
    assert 0.63 < by_month["08"] < 0.77
    assert 0.74 < by_month["11"] < 0.86
    assert by_month["12"] > 0.85
    # Every January falls back below the previous December, region by region.
    dec = rate[r["period"].str.endswith("-12")].groupby(
        [r["region_code"], r["period"].str[:4].astype(int) + 1]
    ).first()
    jan = rate[r["period"].str.endswith("-01")].groupby(
        [r["region_code"], r["period"].str[:4].astype(int)]
    ).first()
    both = pd.concat([dec.rename("dec"), jan.rename("jan")], axis=1).dropna()
    assert len(both) > 1000
    assert (both["jan"] < both["dec"] - 0.5).all()


def test_resident_payment_never_falls_within_a_year(demo: DemoData):
    r = demo.snapshots[demo.snapshots["scheme"] == "resident"].sort_values("period")
    rate = r["paid"] / (r["insured"] - r["receiving"])
    step = rate.groupby([r["region_code"], r["period"].str[:4]]).diff().dropna()
    assert (step > -0.01).all()


def test_resident_payment_speed_varies_by_township(demo: DemoData):
    r = demo.snapshots[demo.snapshots["scheme"] == "resident"]
    july = r[r["period"].str.endswith("-07")]
    rate = (july["paid"] / (july["insured"] - july["receiving"])).groupby(july["region_code"]).mean()
    assert rate.max() - rate.min() > 0.08


def test_employee_schemes_pay_every_month(demo: DemoData):
    s = demo.snapshots[demo.snapshots["scheme"] != "resident"]
    rate = s["paid"] / (s["insured"] - s["receiving"])
    assert rate.between(0.92, 1.0).all()
    assert 0.94 < rate.median() < 0.99


def test_one_county_reports_its_employee_schemes_itself(demo: DemoData):
    s = demo.snapshots
    county_rows = s[s["region_code"].str.len() == 6]
    assert county_rows["region_code"].unique().tolist() == ["530381"]
    assert set(county_rows["scheme"]) == {"employee", "public"}
    assert county_rows["period"].nunique() == 106
    its_townships = s[s["region_code"].str.startswith("530381") & (s["region_code"].str.len() > 6)]
    assert set(its_townships["scheme"]) == {"resident"}
    # Its population stays at township level.
    pop_codes = demo.population["region_code"]
    assert "530381" not in set(pop_codes)
    assert pop_codes.str.startswith("530381").sum() > 0


def test_one_township_missed_a_month(demo: DemoData):
    s = demo.snapshots
    months = s.groupby("region_code")["period"].nunique()
    short = months[months < 106]
    assert short.index.tolist() == ["530323103"]
    assert short.iloc[0] == 105
    assert not ((s["region_code"] == "530323103") & (s["period"] == "2026-08")).any()
    assert "530323103" in set(demo.population["region_code"])


def test_some_townships_report_through_villages_only(demo: DemoData):
    regions = demo.regions
    villages = regions[regions["level"] == "village"]
    parents = set(villages["parent_code"])
    assert 1 <= len(parents) <= 2
    for township in parents:
        assert township not in set(demo.snapshots["region_code"])
        assert township not in set(demo.population["region_code"])
        children = villages.loc[villages["parent_code"] == township, "code"]
        assert 3 <= len(children) <= 4


def test_population_is_reported_once_a_year(demo: DemoData):
    p = demo.population
    assert sorted(p["period"].unique()) == [f"{y}-12" for y in range(2017, 2026)]
    assert (p.groupby("region_code")["period"].nunique() == 9).all()


def test_population_changes_slowly(demo: DemoData):
    p = demo.population.sort_values("period")
    change = p.groupby("region_code")["required"].pct_change().dropna()
    assert change.abs().max() <= 0.021


def test_township_sizes_are_realistic(demo: DemoData):
    p = demo.population
    townships = p[p["region_code"].str.len() == 9]["required"]
    assert townships.min() >= 8_000
    assert townships.max() <= 60_000


def test_coverage_rises_and_varies_between_townships(coverage: pd.DataFrame):
    start = coverage[coverage["period"] == "2018-01"]["coverage"]
    assert start.between(0.85, 0.935).all()
    end = coverage[coverage["period"] == "2025-12"]["coverage"]
    assert end.median() > start.median() + 0.03
    assert end.between(0.93, 0.976).mean() > 0.7
    assert (end < 0.905).sum() >= 2  # clearly off track
    assert (coverage[coverage["period"] == "2023-12"]["coverage"] >= 0.95).sum() >= 10


def test_coverage_moves_smoothly_month_to_month(coverage: pd.DataFrame):
    wide = coverage.pivot(index="region_code", columns="period", values="coverage")
    assert np.nanmax(wide.diff(axis=1).abs().to_numpy()) < 0.01


def test_employee_share_is_higher_in_urban_streets(demo: DemoData):
    s = demo.snapshots[demo.snapshots["period"] == "2025-12"]
    s = s[s["region_code"].str.len() == 9]
    contrib = (s["insured"] - s["receiving"]).groupby([s["region_code"], s["scheme"]]).sum().unstack()
    contrib = contrib.dropna()
    share = (contrib["employee"] + contrib["public"]) / contrib.sum(axis=1)
    names = demo.regions.set_index("code")["name"]
    street = names.reindex(share.index).str.endswith("街道")
    assert share[street].between(0.34, 0.61).all()
    assert share[~street].between(0.11, 0.33).all()


def test_no_duplicate_keys(demo: DemoData):
    assert not demo.snapshots.duplicated(["period", "region_code", "scheme"]).any()
    assert not demo.population.duplicated(["period", "region_code"]).any()
    assert not demo.regions.duplicated(["code"]).any()
    codes = set(demo.regions["code"])
    assert set(demo.snapshots["region_code"]) <= codes
    assert set(demo.population["region_code"]) <= codes


# --------------------------------------------------------------------------- the expansion pool


@pytest.fixture(scope="module")
def pool_at_end(demo: DemoData) -> pd.DataFrame:
    """Per township at 2026-10: remaining pool and coverage gap in persons (target 95 %), 宣威市's
    townships left out (their coverage counts the resident scheme only)."""
    pool = demo.pool[demo.pool["period"] == "2026-10"]
    left = (pool["identified"] - pool["enrolled_employee"] - pool["enrolled_resident"]).groupby(pool["region_code"].str[:9]).sum()
    snaps = demo.snapshots[demo.snapshots["period"] == "2026-10"]
    insured = snaps.groupby(snaps["region_code"].str[:9])["insured"].sum()
    pop = demo.population[demo.population["period"] == "2025-12"]
    required = pop.groupby(pop["region_code"].str[:9])["required"].sum()
    frame = pd.DataFrame({"remaining": left, "insured": insured, "required": required}).dropna()
    frame = frame[(frame.index.str.len() == 9) & ~frame.index.str.startswith("530381")]
    frame["gap"] = np.ceil(0.95 * frame["required"] - frame["insured"]).clip(lower=0)
    return frame


def test_pool_is_monthly_from_the_librarys_set_up_to_2026_10_for_every_reporting_unit(demo: DemoData):
    expected = [p.strftime("%Y-%m") for p in pd.period_range("2024-01", "2026-10", freq="M")]
    assert sorted(demo.pool["period"].unique()) == expected
    assert sorted(demo.actions["period"].unique()) == expected
    units = set(demo.population["region_code"])
    assert set(demo.pool["region_code"]) == units == set(demo.actions["region_code"])
    assert (demo.pool.groupby(["period", "region_code"])["group"].apply(sorted).map(tuple) == tuple(range(1, 9))).all()
    assert (demo.actions.groupby(["period", "region_code"])["action"].apply(sorted).map(tuple) == tuple(range(1, 7))).all()
    assert not demo.pool.duplicated(["period", "region_code", "group"]).any()
    assert not demo.actions.duplicated(["period", "region_code", "action"]).any()


def test_pool_and_actions_are_deterministic_for_a_seed():
    a, b, c = build_demo(7), build_demo(7), build_demo(8)
    pd.testing.assert_frame_equal(a.pool, b.pool)
    pd.testing.assert_frame_equal(a.actions, b.actions)
    assert not a.pool["identified"].equals(c.pool["identified"])


def test_pool_counts_are_whole_cumulative_and_never_more_enrolled_than_identified(demo: DemoData):
    p = demo.pool.sort_values("period")
    for column in ("identified", "enrolled_employee", "enrolled_resident"):
        assert p[column].dtype == np.int64 and (p[column] >= 0).all()
        assert (p.groupby(["region_code", "group"])[column].diff().dropna() >= 0).all(), column
    assert (p["enrolled_employee"] + p["enrolled_resident"] <= p["identified"]).all()
    a = demo.actions.sort_values("period")
    assert a["enrolled"].dtype == np.int64 and (a.groupby(["region_code", "action"])["enrolled"].diff().dropna() >= 0).all()


def test_identification_grows_then_levels_off(demo: DemoData):
    city = demo.pool.groupby("period")["identified"].sum()
    first_year = city["2024-12"] - city["2024-01"]
    last_year = city["2026-10"] - city["2025-10"]
    assert first_year > 10 * last_year > 0


def test_groups_convert_at_their_own_pace_into_their_own_scheme(demo: DemoData):
    end = demo.pool[demo.pool["period"] == "2026-10"].groupby("group")[["identified", "enrolled_employee", "enrolled_resident"]].sum()
    enrolled = end["enrolled_employee"] + end["enrolled_resident"]
    conversion = enrolled / end["identified"]
    employee = end["enrolled_employee"] / enrolled
    assert conversion.idxmax() == 2 and conversion[2] > 0.75  # land-requisitioned farmers: quickly
    assert conversion.idxmin() == 4 and conversion[4] < 0.35  # platform workers: slowly
    assert employee[7] < 0.1  # the hardship group: the resident scheme
    assert employee[6] > 0.75  # well-off residents: the employee scheme
    assert employee[2] < 0.25


def test_some_townships_pool_cannot_close_their_coverage_gap(pool_at_end: pd.DataFrame):
    with_gap = pool_at_end[pool_at_end["gap"] > 0]
    sufficiency = with_gap["remaining"] / with_gap["gap"]
    short = sufficiency[sufficiency < 1]
    # issue 13: one county's library was barely begun (data/demo.py SHORT_POOL_COUNTY); elsewhere a few, not most
    from data.demo import SHORT_POOL_COUNTY

    assert 3 <= len(short[~short.index.str.startswith(SHORT_POOL_COUNTY)]) <= 12
    assert {"530326212", "530325203"} <= set(short.index)  # the off-track two
    assert (sufficiency >= 1).sum() > len(short)


def test_enrolments_are_credited_to_the_six_actions_publicity_most(demo: DemoData):
    end = demo.actions[demo.actions["period"] == "2026-10"].groupby("action")["enrolled"].sum()
    assert end.idxmax() == 1 and end[1] > 2 * end.drop(1).max()
    pool = demo.pool[demo.pool["period"] == "2026-10"]
    enrolled = (pool["enrolled_employee"] + pool["enrolled_resident"]).sum()
    assert 0.97 * enrolled <= end.sum() <= enrolled  # every enrolment, to one action (rounded down)
