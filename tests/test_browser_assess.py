"""End to end in chromium (issue 14): the 任务清单 and 考核 pages and the overview's ledger line, screenshots kept
in tests/artifacts/ (ledger.png, assessment.png, overview_ledger.png) for a person to look at."""

from __future__ import annotations

import pytest

from tests.test_browser import browser, demo_db, log_in, open_page, pages, server, settle, shoot  # noqa: F401 - the fixtures

pytestmark = pytest.mark.browser


def test_the_office_reads_the_ledger_and_the_assessment(server, pages):  # noqa: F811
    page = pages.new_page(viewport={"width": 1440, "height": 1000})  # outside hosts refused
    page.goto(server)
    log_in(page)  # every new session starts on the login page (issue 12); pages are then reached by the sidebar
    open_page(page, "ledger")
    assert page.locator("h1").first.inner_text() == "任务清单（挂钩包保、销账管理）"
    assert page.locator('[data-testid="stDataFrame"]').count() >= 3
    shoot(page, "ledger")
    open_page(page, "assessment")
    assert page.locator("h1").first.inner_text() == "年度考核（综合评估定级）"
    assert page.get_by_text("红榜（前 3 名）").count() == 1
    shoot(page, "assessment")
    open_page(page, "")
    assert page.get_by_text("任务清单：", exact=False).count() >= 1
    shoot(page, "overview_ledger")
    page.close()
