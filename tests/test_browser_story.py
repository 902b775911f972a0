"""Issue 12's done-when, end to end in chromium: a township reports, its county approves, the office locks.

On a real ``streamlit run`` over a copy of the demo database with the demo accounts the README lists:

1. 宛水街道's reporter (``xuanwei-town``, 530381001) logs in, opens 数据, uploads its own figures for the
   demo's latest month (a CSV built here, a little above the demo's own, so no warning), previews,
   commits, reads that they are submitted and count once 宣威市 or the office approves them (held: the
   database still holds the demo's figures), logs out;
2. 宣威市's reporter (``xuanwei``) logs in, opens 审核与锁定, sees the township's submission waiting with
   its rows, approves it (the figures land now); the table then reads 已通过 with both accounts; logs out;
3. the office logs in, locks the month with a reason; the lock shows with its account and reason; a
   new upload for that month is refused with the lock named.

Every page is opened behind ``tests.test_browser``'s guard (no request leaves this machine), each step
is photographed whole into tests/artifacts/story-*.png, and at the end the audit log, read through a
read-only connection, holds the logins, the import, the approval and the lock with their accounts.
"""

from __future__ import annotations

import json
import re

import pytest

from data.db import connect
from metrics.periods import period_label
from tests.test_browser import browser, demo_db, expect, log_in, pages, server, settle, shoot_whole  # noqa: F401 - the fixtures

pytestmark = pytest.mark.browser

TOWN, TOWN_PASSWORD, TOWN_CODE = "xuanwei-town", "demo-town-2026", "530381001"
COUNTY, COUNTY_PASSWORD = "xuanwei", "demo-county-2026"
OFFICE, OFFICE_PASSWORD = "office", "demo-office-2026"
LOCK_REASON = "月报已关账"
HEADER = "统计期,区划代码,险种,参保人数,领取待遇人数,实际缴费人数\n"
SCHEME_ZH = {"resident": "城乡居民", "employee": "企业职工", "public": "机关事业"}  # as a township writes them
WAIT = 60_000  # ms: a loaded 2-core machine runs four streamlit sessions at once


def town_file(db) -> tuple[int, str, list[tuple]]:
    """(the demo's latest month, a snapshots CSV of 宛水街道's rows that month with insured and paid 5 persons up,
    those rows as (scheme, insured, receiving, paid) tuples)."""
    with connect(db) as con:
        latest = con.execute("SELECT max(period) FROM snapshots").fetchone()[0]
        rows = con.execute(
            "SELECT scheme, insured, receiving, paid FROM snapshots WHERE region_code = ? AND period = ? ORDER BY scheme",
            [TOWN_CODE, latest],
        ).fetchall()
    assert rows, "the demo has no row for 宛水街道 in its latest month"
    lines = [f"{period_label(latest)},{TOWN_CODE},{SCHEME_ZH[scheme]},{insured + 5},{receiving},{paid + 5}" for scheme, insured, receiving, paid in rows]
    sent = [(scheme, insured + 5, receiving, paid + 5) for scheme, insured, receiving, paid in rows]
    return latest, HEADER + "\n".join(lines) + "\n", sent


def main(page):
    return page.locator('[data-testid="stMain"]')


def open_data_page(page) -> None:
    link = page.locator('[data-testid="stSidebarNav"] a[href$="/data"]')
    expect(link).to_be_visible(timeout=WAIT)  # listed, not folded under Streamlit's "View 3 more"
    link.click()
    settle(page)
    expect(page.locator("h1").first).to_contain_text("数据导入与质量", timeout=WAIT)


def open_tab(page, name: str) -> None:
    main(page).get_by_role("tab", name=name, exact=True).click()
    settle(page)


def log_out(page) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="退出登录").click()
    page.locator('input[aria-label="账号"]').wait_for(timeout=WAIT)


def upload(page, name: str, text: str) -> None:
    """Put ``text`` as the file ``name`` into the 上传 tab's uploader (snapshots, the default kind) and wait for the preview."""
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")}]
    )
    expect(main(page).get_by_text(name).first).to_be_visible(timeout=WAIT)
    settle(page)


def test_a_township_reports_its_county_approves_and_the_office_locks_the_month(server, pages, demo_db):  # noqa: F811
    latest, csv, sent = town_file(demo_db)
    month = period_label(latest)
    page = pages.new_page(viewport={"width": 1440, "height": 1000})
    page.goto(server)
    settle(page)

    # 1. the township reporter uploads its monthly file
    log_in(page, TOWN, TOWN_PASSWORD)
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text(f"已登录：{TOWN}", timeout=WAIT)
    open_data_page(page)
    shoot_whole(page, "story-1-town-data-page")
    upload(page, "wanshui.csv", csv)
    expect(main(page).get_by_text("检查通过：可以导入", exact=False).first).to_be_visible(timeout=WAIT)
    shoot_whole(page, "story-2-town-preview")
    main(page).get_by_role("button", name="确认导入").click()
    settle(page)
    done = main(page).locator('[data-testid="stAlertContentSuccess"]').filter(has_text="已提交 填报 #")
    expect(done).to_contain_text("wanshui.csv", timeout=WAIT)
    shoot_whole(page, "story-3-town-submitted")
    with connect(demo_db) as con:  # read-only
        number = con.execute("SELECT max(submission_id) FROM pending_uploads WHERE source = 'wanshui.csv'").fetchone()[0]
        held = con.execute(
            "SELECT scheme, insured, receiving, paid FROM snapshots WHERE region_code = ? AND period = ? ORDER BY scheme",
            [TOWN_CODE, latest],
        ).fetchall()
    assert held != sent  # held, not landed: the demo's figures still count
    expect(done).to_contain_text(f"已提交 填报 #{number}（参保缴费快照，wanshui.csv）")
    expect(done).to_contain_text("数据须经 宣威市（县级填报账号）或领导小组办公室 审核通过后才计入各项指标")
    open_tab(page, "审核与锁定")
    expect(main(page)).to_contain_text("已提交待审核 1 个", timeout=WAIT)
    shoot_whole(page, "story-4-town-status-submitted")
    log_out(page)

    # 2. the county reporter approves it
    log_in(page, COUNTY, COUNTY_PASSWORD)
    open_data_page(page)
    open_tab(page, "审核与锁定")
    waiting = 'input[role="combobox"][aria-label="待审核的填报"]'
    expect(main(page).locator(waiting)).to_be_visible(timeout=WAIT)
    expect(main(page).locator(waiting)).to_have_value(f"填报 {number}：{TOWN_CODE} 宛水街道 {month}（{TOWN}，wanshui.csv）")
    expect(main(page)).to_contain_text(f"填报 #{number} 的数据（{len(sent)} 行，审核通过前不计入）")
    shoot_whole(page, "story-5-county-waiting")
    main(page).get_by_role("button", name="审核通过").click()
    settle(page)
    expect(main(page).locator('[data-testid="stAlertContentSuccess"] p')).to_have_text(f"已审核通过填报 {number}：数据已计入", timeout=WAIT)
    expect(main(page)).to_contain_text("没有待您审核的填报")
    expect(main(page)).to_contain_text("已通过 1 个")
    shoot_whole(page, "story-6-county-approved")
    log_out(page)

    # 3. the office locks the month
    log_in(page, OFFICE, OFFICE_PASSWORD)
    open_data_page(page)
    open_tab(page, "审核与锁定")
    expect(main(page)).to_contain_text(f"{month} 未锁定", timeout=WAIT)
    main(page).locator('input[aria-label="原因（必填）"]').fill(LOCK_REASON)
    main(page).locator('input[aria-label="原因（必填）"]').press("Enter")
    settle(page)
    main(page).get_by_role("button", name=f"锁定 {month}").click()
    settle(page)
    lock = main(page).locator('[data-testid="stAlertContentWarning"]').filter(has_text="已锁定：")
    expect(lock).to_contain_text(f"{month} 已锁定：{OFFICE} 于", timeout=WAIT)
    expect(lock).to_contain_text(f"（{LOCK_REASON}）")
    shoot_whole(page, "story-7-office-locked")

    # ... and the locked month takes no upload
    open_tab(page, "上传导入")
    upload(page, "wanshui-again.csv", csv)
    expect(main(page).locator('[data-testid="stAlertContentError"]')).to_contain_text("文件未通过检查", timeout=WAIT)
    main(page).get_by_text("问题清单（文本，可复制）").click()
    lines = main(page).locator('[data-testid="stExpanderDetails"] [data-testid="stCode"]').first
    expect(lines).to_have_text(
        re.compile(rf"wanshui-again\.csv:2: 统计期: {month} 已锁定（{OFFICE} 于 \d{{4}}-\d\d-\d\d \d\d:\d\d 锁定：{LOCK_REASON}），锁定期间不能导入，须由领导小组办公室先解锁"),
        timeout=WAIT,
    )
    shoot_whole(page, "story-8-office-upload-refused")
    page.close()
    assert pages.outside == []

    with connect(demo_db) as con:  # read-only
        entries = con.execute("SELECT account, action, detail FROM audit_log ORDER BY entry_id").fetchall()
        stored = con.execute(
            "SELECT scheme, insured, receiving, paid FROM snapshots WHERE region_code = ? AND period = ? ORDER BY scheme",
            [TOWN_CODE, latest],
        ).fetchall()
    assert stored == sent  # the township's figures, approved and locked in
    actions = [(account, action) for account, action, _ in entries]
    for wanted in [(TOWN, "login"), (TOWN, "import"), (TOWN, "submission"), (COUNTY, "login"), (COUNTY, "submission.approve"), (OFFICE, "login"), (OFFICE, "period.lock")]:
        assert wanted in actions, f"{wanted} not in the audit log: {actions}"
    assert actions.index((TOWN, "import")) < actions.index((COUNTY, "submission.approve")) < actions.index((OFFICE, "period.lock"))
    details = {action: detail for account, action, detail in entries if account in (TOWN, COUNTY, OFFICE)}
    assert details["period.lock"] == f"{month}: {LOCK_REASON}"
    assert json.loads(details["import"])["source"] == "wanshui.csv"
