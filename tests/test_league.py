"""League tables as the leading-group office keeps them: who is ranked together, against which month,
the selected region pinned first as the reference line, and who the bulletin praises and names."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.league import (
    LEAGUE_COLUMNS,
    SORT_KEYS,
    bulletin,
    comparison_month,
    export_rows,
    filter_league,
    league_codes,
    league_levels,
    league_members,
    league_table,
    previous_quarter_end,
    sort_league,
)
from metrics.periods import month_index, period_label
from metrics.targets import BulletinRules

# A city, two counties; county A has three townships, one of them reporting through two villages.
REGIONS = pd.DataFrame(
    [
        ("53", "City", "city", None),
        ("5301", "County A", "county", "53"),
        ("5302", "County B", "county", "53"),
        ("530101", "Town A1", "township", "5301"),
        ("530102", "Town A2", "township", "5301"),
        ("530103", "Town A3", "township", "5301"),
        ("530103201", "Village A3a", "village", "530103"),
        ("530103202", "Village A3b", "village", "530103"),
        ("530201", "Town B1", "township", "5302"),
    ],
    columns=["code", "name", "level", "parent_code"],
)
PARENTS = dict(zip(REGIONS["code"], REGIONS["parent_code"]))


def lineage(code: str) -> tuple[str, ...]:
    chain = [code]
    while not pd.isna(PARENTS[chain[-1]]):
        chain.append(PARENTS[chain[-1]])
    return tuple(chain)


REGIONS["lineage"] = REGIONS["code"].map(lineage)


def report_rows(rows: list[tuple], metric: str = "coverage_rate") -> pd.DataFrame:
    """(code, name, rank, rank_change, value, status) -> a report as ``metrics_report`` gives it."""
    frame = pd.DataFrame(rows, columns=["region_code", "region_name", "rank", "rank_change", "value", "status"])
    frame["metric"] = metric
    frame["level"] = "township"
    frame["target"] = 0.95
    frame["target_by"] = pd.array([month_index("2035-12")] * len(frame), dtype="Int64")
    frame["gap_pp"] = 0.95 - frame["value"]
    frame["gap_persons"] = pd.array([None if pd.isna(v) else max(0, round((0.95 - v) * 10_000)) for v in frame["value"]], dtype="Int64")
    frame["rank"] = frame["rank"].astype("Int64")
    frame["rank_change"] = frame["rank_change"].astype("Int64")
    return frame


LEAGUE = report_rows(
    [
        ("530101", "Town A1", 2, 1, 0.951, "achieved"),
        ("530102", "Town A2", 1, 0, 0.962, "achieved"),
        ("530103", "Town A3", 3, -1, 0.90, "off_track"),
        ("530104", "Town A4", None, None, None, None),
    ]
)
OWN = report_rows([("5301", "County A", 1, 0, 0.949, "behind")])


# --------------------------------------------------------------------------- who is ranked


def test_a_county_ranks_its_townships():
    assert league_codes(REGIONS, "5301") == (["530101", "530102", "530103"], False)


def test_a_city_ranks_its_counties_by_default_and_all_its_townships_on_request():
    assert league_codes(REGIONS, "53") == (["5301", "5302"], False)
    assert league_codes(REGIONS, "53", "township") == (["530101", "530102", "530103", "530201"], False)


def test_a_township_without_sub_regions_is_ranked_among_its_siblings():
    assert league_codes(REGIONS, "530102") == (["530101", "530102", "530103"], True)


def test_villages_are_not_ranked_so_a_township_reporting_through_villages_shows_its_siblings():
    assert league_codes(REGIONS, "530103") == (["530101", "530102", "530103"], True)


def test_the_levels_a_league_can_be_drawn_at_leave_villages_out():
    assert league_levels(REGIONS, "53") == ["county", "township"]
    assert league_levels(REGIONS, "5301") == ["township"]
    assert league_levels(REGIONS, "530103") == []


# --------------------------------------------------------------------------- against which month


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2026-05", "2026-03"),
        ("2026-04", "2026-03"),
        ("2026-06", "2026-03"),
        ("2026-03", "2025-12"),
        ("2026-01", "2025-12"),
        ("2026-07", "2026-06"),
        ("2026-12", "2026-09"),
        ("2026-10", "2026-09"),
    ],
)
def test_last_quarter_is_the_end_month_of_the_previous_quarter(period, expected):
    assert period_label(previous_quarter_end(month_index(period))) == expected


@pytest.mark.parametrize(
    ("comparison", "expected"),
    [("month", "2026-04"), ("quarter", "2026-03"), ("year", "2025-12")],
)
def test_rank_changes_are_measured_from_the_chosen_month(comparison, expected):
    assert period_label(comparison_month(month_index("2026-05"), comparison)) == expected


def test_an_unknown_comparison_is_refused_by_name():
    with pytest.raises(ValueError, match="'week'"):
        comparison_month(month_index("2026-05"), "week")


# --------------------------------------------------------------------------- the table


def test_the_selected_region_is_pinned_first_and_not_ranked_with_its_children():
    table = league_table(LEAGUE, OWN, "coverage_rate", "5301")
    assert list(table.columns) == list(LEAGUE_COLUMNS)
    assert table["region_code"].tolist() == ["5301", "530102", "530101", "530103", "530104"]
    first = table.iloc[0]
    assert first["pinned"] and not first["in_league"]
    assert pd.isna(first["rank"]) and pd.isna(first["rank_change"])
    assert first["value"] == pytest.approx(0.949)
    assert table["pinned"].tolist() == [True, False, False, False, False]


def test_among_siblings_the_selected_region_keeps_its_rank_and_appears_once():
    table = league_table(LEAGUE, LEAGUE, "coverage_rate", "530101")
    assert table["region_code"].tolist() == ["530101", "530102", "530103", "530104"]
    assert table.iloc[0]["rank"] == 2 and table.iloc[0]["in_league"]


@pytest.mark.parametrize("by", SORT_KEYS)
@pytest.mark.parametrize("ascending", [True, False])
def test_the_reference_row_stays_first_whatever_the_sort(by, ascending):
    table = league_table(LEAGUE, OWN, "coverage_rate", "5301")
    ordered = sort_league(table, by, ascending)
    assert ordered.iloc[0]["region_code"] == "5301"
    assert sorted(ordered["region_code"]) == sorted(table["region_code"])


def test_sorting_puts_missing_values_last_in_either_direction():
    table = league_table(LEAGUE, OWN, "coverage_rate", "5301")
    assert sort_league(table, "rank", False)["region_code"].tolist() == ["5301", "530103", "530101", "530102", "530104"]
    assert sort_league(table, "rank_change", False)["region_code"].tolist() == ["5301", "530101", "530102", "530103", "530104"]
    assert sort_league(table, "gap_persons", False)["region_code"].tolist()[:2] == ["5301", "530103"]


def test_sorting_by_an_unknown_column_is_refused():
    with pytest.raises(ValueError, match="'value'"):
        sort_league(league_table(LEAGUE, OWN, "coverage_rate", "5301"), "value")


def test_filters_keep_the_reference_row_and_select_by_status_and_name():
    table = league_table(LEAGUE, OWN, "coverage_rate", "5301")
    assert filter_league(table, ["off_track"])["region_code"].tolist() == ["5301", "530103"]
    assert filter_league(table, ["none"])["region_code"].tolist() == ["5301", "530104"]
    assert filter_league(table, None, "town a2")["region_code"].tolist() == ["5301", "530102"]
    assert filter_league(table, None, "530103")["region_code"].tolist() == ["5301", "530103"]
    assert filter_league(table, [], "")["region_code"].tolist() == ["5301"]
    assert len(filter_league(table)) == len(table)


def test_the_chart_shows_the_league_in_rank_order_with_the_unranked_last():
    siblings = league_table(LEAGUE, LEAGUE, "coverage_rate", "530103")
    assert league_members(siblings)["region_code"].tolist() == ["530102", "530101", "530103", "530104"]
    children = league_table(LEAGUE, OWN, "coverage_rate", "5301")
    assert "5301" not in league_members(children)["region_code"].tolist()


def test_the_file_holds_the_gap_in_percentage_points():
    rows = export_rows(league_table(LEAGUE, OWN, "coverage_rate", "5301"))
    assert rows.columns[:4].tolist() == ["rank", "rank_change", "region_code", "region_name"]
    assert rows.loc[0, "gap_points"] == pytest.approx(0.1)  # 95% - 94.9%
    assert rows.loc[3, "gap_points"] == pytest.approx(5.0)


# --------------------------------------------------------------------------- praise and name


def test_the_bulletin_praises_the_top_three_achieved_and_names_the_bottom_three_off_track():
    rows = report_rows(
        [
            ("01", "a", 1, 0, 0.99, "achieved"),
            ("02", "b", 2, 0, 0.98, "achieved"),
            ("03", "c", 3, 0, 0.97, "achieved"),
            ("04", "d", 4, 0, 0.96, "achieved"),
            ("05", "e", 5, 0, 0.94, "on_track"),
            ("06", "f", 6, 0, 0.93, "behind"),
            ("07", "g", 7, 0, 0.91, "off_track"),
            ("08", "h", 8, 0, 0.90, "off_track"),
            ("09", "i", 9, 0, 0.88, "off_track"),
            ("10", "j", 10, 0, 0.87, "off_track"),
            ("11", "k", None, None, None, None),
        ]
    )
    own = report_rows([("00", "parent", 1, 0, 0.999, "achieved")])
    praised, named = bulletin(league_table(rows, own, "coverage_rate", "00"), BulletinRules())
    assert praised["region_code"].tolist() == ["01", "02", "03"]  # the reference is not praised
    assert named["region_code"].tolist() == ["10", "09", "08"]  # lowest first


def test_the_bulletin_breaks_equal_values_by_code_and_may_name_fewer_than_three():
    rows = report_rows(
        [
            ("02", "b", 1, 0, 0.97, "achieved"),
            ("01", "a", 1, 0, 0.97, "achieved"),
            ("03", "c", 3, 0, 0.94, "on_track"),
        ]
    )
    praised, named = bulletin(league_table(rows, rows, "coverage_rate", "03"), BulletinRules())
    assert praised["region_code"].tolist() == ["01", "02"]
    assert named.empty


def test_among_siblings_the_selected_region_can_be_named():
    praised, named = bulletin(league_table(LEAGUE, LEAGUE, "coverage_rate", "530103"), BulletinRules())
    assert named["region_code"].tolist() == ["530103"]
    assert praised["region_code"].tolist() == ["530102", "530101"]



def test_the_league_helpers_load_the_pinyin_dictionaries_only_when_names_are_sorted():
    import subprocess
    import sys
    from pathlib import Path

    code = "import sys, metrics.league as l; a = 'pypinyin' in sys.modules; l.pinyin_key('葵山镇'); print(a, 'pypinyin' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent, check=True)
    assert done.stdout.split() == ["False", "True"]
