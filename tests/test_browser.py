"""End to end, as the office uses it: a real `streamlit run`, driven in Debian's headless chromium.

The story: open the overview of the demo city and read the coverage card; drill
into a county; go to the rankings; change the period; look at the expansion pool
and the briefing; switch to English. Screenshots of each step are
kept in tests/artifacts/ for a person to look at, and so is every page in
Chinese and English at 1440 px and the overview at 390 px (issue 11's done-when).

Every page is opened behind a guard that lets the browser reach this machine
only: a request to any other host is refused and recorded, and the test fails
on it (issue 12 point 5: the favicon of a ``:material/…:`` page icon came from
fonts.gstatic.com).
"""

from __future__ import annotations

import os
import socket
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from data.db import connect
from data.report import metrics_report
from metrics.periods import period_label
from metrics.targets import parse_targets
from present.formatting import format_rate

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def demo_db(demo_copy):
    """The demo database with the demo accounts, as a first start makes it (ui.loaders.ensure_database)."""
    from data.access import Actor
    from data.accounts import create_demo_accounts

    path = demo_copy("browser")
    with connect(path, write=True) as con:
        create_demo_accounts(con, Actor("system:first-start", "admin", None, "local"))
    return path


@pytest.fixture(scope="module")
def server(demo_db):
    port = _free_port()
    env = {**os.environ, "KUOMIAN_DB": str(demo_db)}
    process = subprocess.Popen(
        [
            sys.executable, "-m", "ui.serve",
            "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("streamlit did not answer on /_stcore/health within 60 s")
    yield url
    process.terminate()
    output = process.stdout.read().decode("utf-8", "replace") if process.stdout else ""
    assert "Traceback" not in output, output
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: run scripts/test (it installs it)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})


class LocalOnly:
    """Pages whose every request to a host other than this machine is refused and recorded in :attr:`outside`."""

    def __init__(self, browser):
        self.browser = browser
        self.outside: list[str] = []
        self.contexts: list = []

    def _route(self, route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.outside.append(url)
            route.abort("blockedbyclient")

    def new_page(self, viewport: dict):
        context = self.browser.new_context(viewport=viewport)
        context.route("**/*", self._route)
        self.contexts.append(context)
        return context.new_page()

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser):
    """``pages.new_page(viewport)``: a page that reaches this machine only; the test fails on any outside request."""
    guard = LocalOnly(browser)
    yield guard
    guard.close()
    assert guard.outside == [], f"the dashboard asked an outside host for: {guard.outside}"


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def settle(page) -> None:
    """Wait until the script run has finished and the page has drawn."""
    page.wait_for_selector('[data-testid="stSidebar"]', timeout=60_000)
    running = page.locator('[data-testid="stStatusWidget"]')
    quiet_since = time.monotonic()
    deadline = quiet_since + 60
    while time.monotonic() < deadline:
        if running.count():
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 1.5:
            return
        page.wait_for_timeout(100)
    pytest.fail("the page was still running after 60 s")


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page, account: str = "office", password: str = "demo-office-2026", *, wait: bool = True) -> None:
    """Log in on the login page every new session starts on (issue 12): the demo office account by default."""
    name = page.locator('input[aria-label="账号"]')
    name.wait_for(timeout=60_000)
    name.fill(account)
    page.locator('input[aria-label="密码"]').fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.locator('input[aria-label="密码"]').wait_for(state="detached", timeout=60_000)
    if wait:
        settle(page)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar selectbox labelled ``label``."""
    box = page.locator(f'[data-testid="stSidebar"] input[role="combobox"][aria-label="{label}"]')
    box.scroll_into_view_if_needed()  # the sidebar lists every page: its filters may start below the fold, and a
    box.click()  # list opened by the click's own scrolling closed again as the sidebar moved
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)


def test_the_office_reads_the_overview_ranks_townships_and_changes_the_period(server, pages, demo_db):
    targets = parse_targets((ROOT / "config" / "targets.yaml").read_text(encoding="utf-8"))
    with connect(demo_db) as con:
        latest = con.execute("SELECT max(period) FROM snapshots").fetchone()[0]
        report = metrics_report(con, targets, latest, codes=["5303"]).set_index("metric")
    coverage = report.loc["coverage_rate"]

    page = pages.new_page(viewport={"width": 1600, "height": 1000})
    page.goto(server)
    settle(page)
    shoot(page, "00-login-zh")
    log_in(page)
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=30_000)
    shoot(page, "01-overview-zh")
    expect(page.locator("h1").first).to_contain_text("曲靖市")
    first_card = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    assert first_card == format_rate(coverage["value"], coverage["target"])

    # drill into a county
    choose(page, "县（市、区）", "麒麟区")
    expect(page.locator("h1").first).to_contain_text("麒麟区", timeout=30_000)
    shoot(page, "02-overview-county")

    # the league table of its townships
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="排名").click()
    settle(page)
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=30_000)
    shoot(page, "03-rankings")

    # an earlier period
    earlier = period_label(latest - 3)
    choose(page, "统计期", earlier)
    expect(page.locator('[data-testid="stMain"]')).to_contain_text(earlier, timeout=30_000)
    shoot(page, "04-rankings-earlier")

    # the expansion pool and the vice-mayor's briefing of the county
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="扩面对象").click()
    settle(page)
    page.wait_for_selector('[data-testid="stPlotlyChart"]', timeout=30_000)
    shoot(page, "05-pool")
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="简报").click()
    settle(page)
    page.wait_for_selector('[data-testid="stPlotlyChart"]', timeout=30_000)
    expect(page.locator('[data-testid="stMain"]')).to_contain_text("麒麟区")
    shoot(page, "06-briefing")

    # English
    page.locator('[data-testid="stSidebar"] label').filter(has_text="English").click()
    expect(page.locator('[data-testid="stSidebarNav"]')).to_contain_text("Rankings", timeout=30_000)
    settle(page)
    shoot(page, "07-briefing-en")
    page.close()
    assert pages.outside == []


def test_the_overview_deep_link_opens_the_overview_not_page_not_found(server, pages):
    """``/overview`` (issue 11 point 4): Streamlit serves the default page at ``/`` only and answered a
    link to its url_path with an English "Page not found" dialog; app.py's hidden page sends it home."""
    page = pages.new_page(viewport={"width": 1440, "height": 1000})
    page.goto(f"{server}/overview")
    settle(page)
    log_in(page)
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=30_000)
    expect(page.locator("h1").first).to_contain_text("曲靖市")
    assert "Page not found" not in page.locator("body").inner_text()
    page.close()


def test_at_phone_width_the_sidebar_starts_collapsed(server, pages):
    """``initial_sidebar_state="auto"``: at 390 px the overview opens with its sidebar closed (issue 11 point 4)."""
    page = pages.new_page(viewport={"width": 390, "height": 844})
    page.goto(server)
    log_in(page, wait=False)  # (settle() waits for a visible sidebar)
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=60_000)  # (settle() waits for a visible sidebar)
    assert page.locator('[data-testid="stSidebar"]').get_attribute("data-collapsed") == "true"
    page.wait_for_timeout(1500)  # the cards and charts draw
    shoot_whole(page, "overview-390-zh")
    page.close()


def test_the_guard_refuses_and_records_a_request_to_an_outside_host(server, browser):
    """The guard the other tests run behind can fail: a fetch to another host is refused and recorded."""
    guard = LocalOnly(browser)
    page = guard.new_page(viewport={"width": 800, "height": 600})
    page.goto(f"{server}/_stcore/health")
    answer = page.evaluate("fetch('https://fonts.gstatic.com/favicon.svg').then(() => 'reached', () => 'refused')")
    guard.close()
    assert (answer, guard.outside) == ("refused", ["https://fonts.gstatic.com/favicon.svg"])


def test_the_favicon_is_served_by_the_dashboard_itself(server, pages):
    page = pages.new_page(viewport={"width": 1440, "height": 900})
    page.goto(server)
    log_in(page)
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=30_000)
    icon = page.locator("link[rel='shortcut icon']").get_attribute("href")
    assert icon.startswith(("/", server)), icon
    page.close()


# The pages of app.py's navigation, in its order, by url_path ("" is the overview).
PAGE_PATHS = ("", "rankings", "tasks", "gaps", "warnings", "trends", "pool", "briefing", "assessment", "ledger", "targets", "data")


def shoot_whole(page, name: str) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its main area, so the window is made as tall
    as that area's content for the picture (at most 6000 px), then put back."""
    viewport = page.viewport_size
    height = page.evaluate(
        "Math.max(...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stAppViewContainer], section')]"
        ".map(e => e.scrollHeight), window.innerHeight)"
    )
    page.set_viewport_size({"width": viewport["width"], "height": min(int(height) + 40, 6000)})
    page.wait_for_timeout(800)  # plotly redraws at the new size
    shoot(page, name)
    page.set_viewport_size(viewport)


def open_page(page, path: str) -> None:
    """Go to the page at ``path`` through the sidebar's navigation (the session, and its language, stay)."""
    link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]') if path else page.locator('[data-testid="stSidebarNav"] a').first
    more = page.locator('[data-testid="stSidebarNavViewButton"]')  # past ten pages Streamlit folds the rest away
    if not link.count() and more.count():
        more.first.click()
        link.wait_for(timeout=10_000)
    link.click()
    settle(page)
    page.wait_for_timeout(1000)  # charts draw after the run ends


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_page_in_chinese_and_english_is_photographed_at_desktop_width(server, pages, language):
    """Issue 11's done-when: every page at 1440 px in both languages, in tests/artifacts/ for a person to look at.
    One language a test, so that the two test workers photograph them side by side."""
    page = pages.new_page(viewport={"width": 1440, "height": 1000})
    page.goto(server)
    log_in(page, "admin", "demo-admin-2026")  # the administrator sees every page, the targets file's too
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=30_000)
    if language == "en":
        page.locator('[data-testid="stSidebar"] label').filter(has_text="English").click()
        expect(page.locator('[data-testid="stSidebarNav"]')).to_contain_text("Rankings", timeout=30_000)
        settle(page)
    for number, path in enumerate(PAGE_PATHS, start=1):
        open_page(page, path)
        shoot_whole(page, f"page-{language}-{number}-{path or 'overview'}")
    tabs = page.locator('[data-testid="stMain"] [role="tab"]')  # the data page's other tasks
    for tab in range(1, tabs.count()):
        tabs.nth(tab).click()
        settle(page)
        page.wait_for_timeout(800)
        shoot_whole(page, f"page-{language}-{len(PAGE_PATHS)}-data-tab{tab + 1}")
    page.close()


def test_a_chosen_warning_shows_its_whole_reason_under_the_table(server, pages):
    page = pages.new_page({"width": 1440, "height": 1200})
    page.goto(server)
    log_in(page)
    open_page(page, "warnings")
    expect(page.get_by_text("点选表格左侧的行首")).to_be_visible()
    grid = page.locator("[data-testid='stDataFrame']").first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 8, box["y"] + 35 + 17)  # the first data row's selection cell
    settle(page)
    detail = page.get_by_text(re.compile("^(高|中|低)｜"))
    expect(detail).to_be_visible()
    assert "应达到" in detail.inner_text() and detail.inner_text().endswith("人")  # the whole reason, to its last word
    shoot(page, "warnings-detail")
