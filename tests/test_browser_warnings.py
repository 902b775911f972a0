"""The 预警 page in a real browser (streamlit run + chromium), with a screenshot to look at.

The officer opens 预警 for 曲靖市 at 2026-08: the list is drawn, most severe first, with the missing
report of 师宗县葵山镇 and 富源县's short pool among the rows; the sheet's download button is there.
"""

from __future__ import annotations

import pytest

from tests.test_browser import browser, choose, demo_db, log_in, pages, server, settle, shoot  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def test_the_warnings_page_lists_the_month_s_warnings_in_chinese(server, pages):  # noqa: F811
    page = pages.new_page(viewport={"width": 1600, "height": 1100})  # outside hosts refused
    page.goto(f"{server}/warnings")
    log_in(page)  # the link opens the page once logged in (issue 12)
    choose(page, "统计期", "2026-08")
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
    settle(page)
    assert page.locator("h1").first.inner_text() == "预警：曲靖市"
    assert page.get_by_text("下载月度预警表（Excel）").count() == 1
    shoot(page, "warnings-page-zh")
    page.close()
