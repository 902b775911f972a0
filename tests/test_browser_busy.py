"""End to end: the office opens the dashboard while an import writes (issue 10, point 6).

A real `streamlit run` in Debian's headless chromium; another process holds
the database for writing as an import does (announced, write lock held). The
page says "数据正在更新，请稍候" in words, shows no traceback, and once the
write is over it draws the overview by itself, with nobody pressing reload.
Screenshots go to tests/artifacts/ (busy-during-write.png, busy-after-write.png).
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from tests.fixtures_data import PROJECT_ROOT, PYTHON, subprocess_env
from tests.test_browser import ARTIFACTS, browser, demo_db, log_in, server  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

WRITER = """
import pathlib, sys, time
from data.db import connect
path, marker, release = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
with connect(path, write=True):
    marker.write_text("held")
    while not release.exists():
        time.sleep(0.05)
"""


def test_a_page_opened_during_a_write_says_so_and_draws_itself_once_the_write_is_over(server, browser, demo_db, tmp_path):  # noqa: F811
    held, release = tmp_path / "held", tmp_path / "release"
    writer = subprocess.Popen([PYTHON, "-c", WRITER, str(demo_db), str(held), str(release)], cwd=PROJECT_ROOT, env=subprocess_env())
    try:
        deadline = time.monotonic() + 60
        while not held.exists():
            assert writer.poll() is None and time.monotonic() < deadline, "the writer did not get hold of the database"
            time.sleep(0.05)
        page = browser.new_page(viewport={"width": 1400, "height": 800})
        page.goto(server)
        alert = page.locator('[data-testid="stAlert"]', has_text="数据正在更新，请稍候")
        alert.wait_for(timeout=60_000)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "busy-during-write.png"))
        assert "Traceback" not in page.content()
        release.touch()
        assert writer.wait(timeout=30) == 0
        log_in(page, wait=False)  # the login page, drawn without a reload (issue 12: every session logs in)
        page.wait_for_selector('[data-testid="stMetricValue"]', timeout=60_000)
        assert alert.count() == 0
        page.screenshot(path=str(ARTIFACTS / "busy-after-write.png"))
        page.close()
    finally:
        if writer.poll() is None:
            writer.kill()
        writer.wait(timeout=30)


def test_a_table_on_the_page_offers_no_built_in_download(server, browser):  # noqa: F811
    """Streamlit's own "Download as CSV" writes formula text raw: it is switched off (client.disableDataExport)."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{server}/rankings")
    log_in(page)
    table = page.locator('[data-testid="stDataFrame"]').first
    table.wait_for(timeout=60_000)
    table.hover()
    page.wait_for_timeout(500)
    toolbar = page.locator('[data-testid="stElementToolbar"]').first
    toolbar.wait_for(timeout=10_000)  # the toolbar is there (search, full screen) ...
    assert page.get_by_role("button", name="Download as CSV").count() == 0  # ... without the download
    page.screenshot(path=str(ARTIFACTS / "table-toolbar-without-download.png"))
    page.close()
