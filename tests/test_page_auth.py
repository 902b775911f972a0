"""The dashboard's gate and scope (issue 12): an anonymous session sees the login page and no figure;
logins, expiry and the end of a disabled account's session; a county reporter sees its own subtree
only, on every page and in every download; its out-of-scope upload rows are refused by row.

The clock is injected (``data.accounts.clock``): no test sleeps.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from data import accounts, audit
from data.access import Actor
from data.db import connect
from tests.auth import logged_in
from tests.fixtures_data import rows_of

ROOT = Path(__file__).resolve().parent.parent
XUANWEI = "530381"
PAGES = ("overview", "rankings", "tasks", "gaps", "warnings", "trends", "pool", "briefing", "assessment", "ledger", "targets", "data")
T0 = dt.datetime(2026, 12, 1, 9, 0, 0)


@pytest.fixture(scope="module")
def demo_db(demo_copy):
    path = demo_copy("auth-pages")
    with connect(path, write=True) as con:
        accounts.create_demo_accounts(con, Actor("setup", "admin"))
    return path


@pytest.fixture
def clock(monkeypatch):
    now = {"t": T0}
    monkeypatch.setattr(accounts, "clock", lambda: now["t"])
    monkeypatch.setattr(audit, "_now", lambda: now["t"])
    return now


@pytest.fixture(autouse=True)
def use_demo(demo_db, monkeypatch):
    monkeypatch.setenv("KUOMIAN_DB", str(demo_db))
    monkeypatch.delenv("KUOMIAN_AUTH", raising=False)


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """The files the pages offer, by file name."""
    offered: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        if filename:
            offered[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return offered


def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)


def log_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="auth_name").set_value(name)
    at.text_input(key="auth_password").set_value(password)
    at.button[0].click().run()  # the form's submit button
    return at


def everything_shown(at: AppTest) -> str:
    """Every text, table cell and chart of the page, as one string."""
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success") for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [df.value.to_csv() for df in at.dataframe]
    parts += [el.proto.spec for el in at.get("plotly_chart")]
    parts += [" ".join(map(str, s.options)) for s in at.selectbox]
    return "\n".join(str(p) for p in parts)


def file_text(data: bytes | str) -> str:
    """A download as text: a CSV as is, a workbook's XML parts joined."""
    if isinstance(data, str):
        return data
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return "\n".join(book.read(name).decode("utf-8", "replace") for name in book.namelist() if name.endswith(".xml"))
    return data.decode("utf-8-sig", "replace")


def outside_townships(db: Path) -> dict[str, str]:
    """Township codes and names outside 宣威市 whose names no region of 宣威市 shares."""
    inside = {name for (name,) in rows_of(db, "SELECT r.name FROM regions r JOIN region_closure c ON c.descendant = r.code WHERE c.ancestor = ?", [XUANWEI])}
    rows = rows_of(db, "SELECT code, name FROM regions WHERE level = 'township' AND code NOT LIKE '530381%'")
    return {code: name for code, name in rows if name not in inside}


# --------------------------------------------------------------------------- the gate


def test_an_anonymous_session_sees_the_login_page_and_no_figure():
    at = app().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["扩面工作看板 · 登录"]
    assert [t.label for t in at.text_input] == ["账号", "密码"]
    assert not at.metric and not at.dataframe and not at.get("plotly_chart") and not at.selectbox
    assert not at.get("download_button")


def test_a_demo_account_logs_in_through_the_form_and_the_login_is_in_the_audit_log(demo_db, clock):
    at = log_in(app().run(), "office", "demo-office-2026")
    assert not at.exception
    assert at.metric  # the overview's cards
    assert "已登录：office（领导小组办公室）" in [c.value for c in at.sidebar.caption]
    assert "您正在使用演示账号的默认密码，请在“我的账号”中修改。" in [w.value for w in at.sidebar.warning]
    assert rows_of(demo_db, "SELECT account, action, detail FROM audit_log WHERE logged_at = ? AND action <> 'targets' ORDER BY entry_id DESC LIMIT 1", [T0]) == [
        ("office", "login", "ok")
    ]


def test_a_wrong_password_is_told_without_saying_whether_the_account_exists(clock):
    at = log_in(app().run(), "office", "not the password")
    assert [e.value for e in at.error] == ["账号或密码不正确。"]
    assert not at.metric


def test_a_session_idle_for_thirty_minutes_ends_on_the_login_page(clock):
    at = log_in(app().run(), "leader", "demo-viewer-2026")
    assert at.metric
    clock["t"] = T0 + dt.timedelta(minutes=30)
    at.run()
    assert not at.metric
    assert [w.value for w in at.warning] == ["登录已过期（30 分钟无操作或超过 12 小时），请重新登录。"]


def test_a_session_whose_account_is_disabled_ends_on_its_next_page(demo_db, clock):
    with connect(demo_db, write=True) as con:
        accounts.add(con, Actor("setup", "admin"), "short-lived", "long enough", "office")
    at = log_in(app().run(), "short-lived", "long enough")
    assert at.metric
    with connect(demo_db, write=True) as con:
        accounts.set_disabled(con, Actor("setup", "admin"), "short-lived")
    at.run()
    assert not at.metric
    assert [w.value for w in at.warning] == ["您的账号已被停用或角色已变更，请重新登录。"]


def test_the_oidc_setting_shows_the_single_sign_on_button_instead_of_the_password_form(monkeypatch):
    monkeypatch.setenv("KUOMIAN_AUTH", "oidc")
    at = app().run()
    assert [b.label for b in at.button] == ["通过单点登录（SSO）登录"]
    assert not at.text_input and not at.metric


# --------------------------------------------------------------------------- scope


def test_a_county_reporter_picks_only_its_own_county_and_townships(demo_db):
    at = logged_in(app(), "reporter", XUANWEI).run()
    assert not at.exception
    assert "宣威市" in [m.value for m in at.sidebar.markdown][0]
    (townships,) = [s for s in at.sidebar.selectbox if s.key == "region_level_0__zh"]
    codes = {code for (code,) in rows_of(demo_db, "SELECT code FROM regions WHERE parent_code = ? AND level = 'township'", [XUANWEI])}
    assert set(townships.options) - {"（全部）"} == {name for (name,) in rows_of(demo_db, "SELECT name FROM regions WHERE code IN (SELECT unnest(?))", [sorted(codes)])}


def test_a_region_forged_into_the_session_outside_the_scope_is_not_shown(demo_db):
    at = logged_in(app(), "reporter", XUANWEI)
    at.session_state["region_level_0"] = "530302001"  # 麒麟区's 南宁街道
    at.run()
    assert not at.exception
    assert "南宁街道" not in everything_shown(at)


@pytest.mark.parametrize("page", PAGES)
def test_a_county_reporter_sees_no_other_countys_township_on_any_page_or_download(demo_db, downloads, page):
    at = logged_in(app(), "reporter", XUANWEI).run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    # The data page's blank templates carry one fixed example row (a 麒麟区 township): not data, left out.
    files = [file_text(data) for name, data in downloads.items() if "模板" not in name and "template" not in name]
    shown = everything_shown(at) + "\n".join(files)
    leaked = sorted(f"{code} {name}" for code, name in outside_townships(demo_db).items() if code in shown or name in shown)
    assert leaked == []
    if page in ("overview", "rankings", "gaps", "trends"):
        assert "宛水街道" in shown  # one of its own townships: the page is not simply empty


def test_an_office_account_sees_other_counties_for_comparison(demo_db):
    at = logged_in(app(), "office").run()
    at.switch_page("pages/rankings.py").run()
    assert "麒麟区" in everything_shown(at)


def test_a_reporters_upload_with_a_row_outside_its_area_is_refused_by_row_on_the_data_page(demo_db):
    at = logged_in(app(), "reporter", XUANWEI).run()
    at.switch_page("pages/data.py").run()
    upload = "统计期,区划代码,险种,参保人数,领取待遇人数,实际缴费人数\n2026-11,530381001,城乡居民,100,10,50\n2026-11,530302001,城乡居民,100,10,50\n"
    at.file_uploader(key="data_upload_0").set_value(("mixed.csv", upload.encode(), "text/csv")).run()
    assert not at.exception
    problems = next(df.value for df in at.dataframe if "原因" in df.value.columns or "reason" in df.value.columns)
    assert "530302001 不在您的管辖范围 530381 内" in problems.to_csv()
    assert not [b for b in at.button if b.key == "data_commit"]


def test_the_administrator_page_lists_the_accounts_and_the_audit_log(demo_db):
    at = logged_in(app(), "admin").run()
    at.switch_page("pages/admin.py").run()
    assert not at.exception
    accounts_table, log_table = (df.value for df in at.dataframe)
    assert {"admin", "office", "xuanwei", "xuanwei-town", "leader"} <= set(accounts_table["账号"])
    assert "setup" in set(log_table["账号"])


def test_the_administrator_page_is_not_in_another_roles_navigation(demo_db):
    at = logged_in(app(), "office").run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # not in its navigation
        at.switch_page("pages/admin.py")


def test_the_administrator_page_itself_refuses_another_role(monkeypatch):
    """The page checks the role on the server too, not only the navigation leaving it out."""
    at = logged_in(AppTest.from_file(str(ROOT / "pages" / "admin.py"), default_timeout=60), "office").run()
    assert [e.value for e in at.error] == ["您的角色（领导小组办公室）无权使用此页。"]
    assert not at.dataframe


def test_a_change_of_the_targets_file_is_recorded_once_per_content(demo_db, tmp_path, monkeypatch):
    targets = tmp_path / "targets.yaml"
    original = (ROOT / "config" / "targets.yaml").read_text(encoding="utf-8")
    targets.write_text(original, encoding="utf-8")
    monkeypatch.setenv("KUOMIAN_TARGETS", str(targets))
    at = logged_in(app(), "office").run()
    at.run()  # the same content: no second entry
    targets.write_text(original + "\n# edited\n", encoding="utf-8")
    at.run()
    entries = rows_of(
        demo_db,
        "SELECT account, json_extract_string(detail, '$.sha256') FROM audit_log WHERE action = 'targets'"
        " AND json_extract_string(detail, '$.path') = ? ORDER BY entry_id",
        [str(targets)],
    )
    import hashlib

    assert entries == [
        ("server:targets-file", hashlib.sha256(original.encode()).hexdigest()),
        ("server:targets-file", hashlib.sha256((original + "\n# edited\n").encode()).hexdigest()),
    ]


def test_logging_out_returns_to_the_login_page_and_is_recorded(demo_db, clock):
    at = log_in(app().run(), "leader", "demo-viewer-2026")
    at.sidebar.button(key="auth_logout").click().run()
    assert [t.value for t in at.title] == ["扩面工作看板 · 登录"] and not at.metric
    assert rows_of(demo_db, "SELECT account, action FROM audit_log WHERE logged_at = ? AND action <> 'targets' ORDER BY entry_id DESC LIMIT 1", [T0]) == [
        ("leader", "logout")
    ]


def test_the_account_page_changes_ones_own_password_and_the_log_says_so(demo_db, clock):
    with connect(demo_db, write=True) as con:
        accounts.add(con, Actor("setup", "admin"), "changer", "first password", "viewer")
    at = log_in(app().run(), "changer", "first password")
    at.switch_page("pages/account.py").run()
    at.text_input(key="auth_old").set_value("first password")
    at.text_input(key="auth_new").set_value("second password")
    at.text_input(key="auth_again").set_value("second password")
    next(b for b in at.button if b.label == "保存新密码").click().run()
    assert [s.value for s in at.success] == ["密码已修改。"]
    with connect(demo_db, write=True) as con:
        assert accounts.login(con, "changer", "second password").reason is None
    assert ("changer", "account", '{"account": "changer", "change": "password"}') in rows_of(
        demo_db, "SELECT account, action, detail FROM audit_log"
    )


def test_a_first_start_fills_the_demo_with_one_demo_account_per_role(tmp_path, monkeypatch):
    fresh = tmp_path / "fresh.duckdb"
    monkeypatch.setenv("KUOMIAN_DB", str(fresh))
    at = app().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["扩面工作看板 · 登录"]
    assert rows_of(fresh, "SELECT account, role, region_code, is_demo, must_change FROM accounts ORDER BY account") == [
        ("admin", "admin", None, True, True),
        ("leader", "viewer", None, True, True),
        ("office", "office", None, True, True),
        ("xuanwei", "reporter", "530381", True, True),
        ("xuanwei-town", "reporter", "530381001", True, True),
    ]


def test_a_database_without_accounts_tells_how_to_create_the_administrator(tmp_path, monkeypatch, demo_copy):
    real = demo_copy("no-accounts")  # a database someone filled without the dashboard's first start
    monkeypatch.setenv("KUOMIAN_DB", str(real))
    at = app().run()
    assert [i.value for i in at.info] == ["还没有任何账号。请管理员在服务器上创建：`kuomian user add 账号 --role admin`"]
    assert not at.text_input


def test_the_login_page_slows_down_then_locks_an_account_after_repeated_failures(demo_db, clock):
    with connect(demo_db, write=True) as con:
        accounts.add(con, Actor("setup", "admin"), "guessed", "the real one", "viewer")
    at = app().run()
    for _ in range(3):
        log_in(at, "guessed", "a guess")
    assert [e.value for e in at.error] == ["账号或密码不正确。"]
    log_in(at, "guessed", "the real one")  # at once: not even heard
    assert [e.value for e in at.error] == ["登录失败次数较多，请 5 秒后再试。"]
    for _ in range(2):
        clock["t"] += dt.timedelta(minutes=1)
        log_in(at, "guessed", "a guess")
    assert [e.value for e in at.error] == [
        "连续登录失败次数过多，账号已锁定至 2026-12-01 09:17；管理员可用 `kuomian user passwd` 重设密码解锁。"
    ]
    log_in(at, "guessed", "the real one")
    assert not at.metric


def test_every_page_address_survives_the_login():
    """A link to any page of app.py (``/warnings``) opens that page once logged in: ui.login keeps
    every address the navigation defines, not only the ones known when the login was written."""
    import re

    from ui.login import URL_PATHS

    defined = set(re.findall(r'url_path="([a-z_]+)"', (ROOT / "app.py").read_text(encoding="utf-8")))
    assert defined and defined <= set(URL_PATHS), sorted(defined - set(URL_PATHS))
