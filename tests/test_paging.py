"""Long league tables a page at a time (present/paging.py, issue 15 point 5)."""

from __future__ import annotations

import pandas as pd

from present.paging import PAGE_SIZE, page_caption, page_count, page_of


def test_page_count_rounds_up_and_an_empty_table_has_one_page():
    assert [page_count(n, 100) for n in (0, 1, 100, 101, 40_000)] == [1, 1, 1, 2, 400]


def test_a_page_holds_its_slice_of_rows_and_an_out_of_range_page_is_clipped():
    frame = pd.DataFrame({"code": range(250)})
    assert frame.iloc[:0].equals(page_of(frame.iloc[:0], 1))
    assert page_of(frame, 1, 100)["code"].tolist() == list(range(100))
    assert page_of(frame, 3, 100)["code"].tolist() == list(range(200, 250))
    assert page_of(frame, 9, 100)["code"].tolist() == list(range(200, 250))
    assert page_of(frame, 0, 100)["code"].tolist() == list(range(100))


def test_forty_thousand_rows_are_shown_five_hundred_at_a_time():
    frame = pd.DataFrame({"code": range(40_000)})
    assert PAGE_SIZE == 500 and len(page_of(frame, 80)) == 500 and page_count(40_000) == 80


def test_the_page_caption_says_how_many_regions_and_which_page_in_both_languages():
    assert page_caption(40_000, 3, "zh") == "共 40000 个地区，每页 500 个，当前第 3/80 页"
    assert page_caption(250, 5, "en", size=100) == "250 regions, 100 a page, page 3 of 3"


def test_a_warnings_list_says_warnings_not_regions_in_its_caption():
    assert page_caption(30_000, 2, "zh", size=1_000, key="pages.warnings_caption") == "共 30000 条预警，每页 1000 条，当前第 2/30 页"
    assert page_caption(30_000, 2, "en", size=1_000, key="pages.warnings_caption") == "30000 warnings, 1000 a page, page 2 of 30"
