"""简报 Briefing page: the one-pager the vice-mayor receives, previewed and downloaded.

An officer opens 简报 for 曲靖市: she sees the briefing as it will be sent, with the three metrics'
figures exactly as ``metrics_report`` computes them and the best and worst counties; she asks for
the downloads and gets a 1920×1080 PNG, a 2× PNG, a PDF and a PowerPoint deck, plus the quarterly
bulletin. Her English-speaking colleague switches language. On a server without Chromium the page
says what to install instead of failing.
"""

from __future__ import annotations

from tests.auth import logged_in
import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from cli.main import load_targets
from data.db import connect
from data.report import metrics_report
from exports import render
from metrics.periods import month_index
from metrics.registry import METRIC_KEYS
from present.formatting import format_rate

ROOT = Path(__file__).resolve().parent.parent
PERIOD = month_index("2026-10")
CITY = "5303"
PAGE_LINE = 'st.Page("pages/briefing.py", title=t("nav.briefing"), icon=":material/co_present:", url_path="briefing"),'


@pytest.fixture(scope="module")
def demo_db(demo_copy) -> Path:
    path = demo_copy("briefing_page")
    return path


@pytest.fixture(autouse=True)
def use_demo(demo_db, monkeypatch):
    monkeypatch.setenv("KUOMIAN_DB", str(demo_db))


@pytest.fixture(scope="module")
def app_file(tmp_path_factory) -> str:
    """app.py once the page is wired into it; until then a copy of app.py that lists the page."""
    text = (ROOT / "app.py").read_text(encoding="utf-8")
    if "pages/briefing.py" in text:
        return str(ROOT / "app.py")
    anchor = '    st.Page("pages/data.py"'
    assert anchor in text
    text = text.replace(anchor, f"    {PAGE_LINE}\n{anchor}", 1)
    text = re.sub(r'st\.Page\("pages/', f'st.Page("{ROOT.as_posix()}/pages/', text)
    path = tmp_path_factory.mktemp("app") / "app.py"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """The files the page offers, by file name."""
    offered: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        if filename:
            offered[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return offered


def open_page(app_file: str, language: str = "zh") -> AppTest:
    at = logged_in(AppTest.from_file(app_file, default_timeout=90))
    at.run()
    # once app.py lists the page: at.switch_page("pages/briefing.py")
    at.switch_page("pages/briefing.py" if Path(app_file).parent == ROOT else f"{ROOT.as_posix()}/pages/briefing.py")
    at.run()
    if language != "zh":
        at.session_state["language"] = language
        at.run()
    assert not at.exception, at.exception
    return at


def preview_texts(at: AppTest) -> list[str]:
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    spec = json.loads(charts[0].proto.spec)
    return [str(a.get("text", "")).replace("<b>", "").replace("</b>", "") for a in spec["layout"]["annotations"]]


def test_the_officer_sees_the_briefing_with_the_reports_figures(app_file, demo_db):
    at = open_page(app_file)
    assert at.title[0].value == "曲靖市 · 领导简报"
    shown = preview_texts(at)
    assert "曲靖市 · 基本养老保险扩面进度简报" in shown
    targets = load_targets(ROOT / "config" / "targets.yaml")
    with connect(demo_db) as con:
        own = metrics_report(con, targets, PERIOD, codes=[CITY]).set_index("metric")
        counties = metrics_report(con, targets, PERIOD, level="county", root=CITY, metrics=["coverage_rate"])
    for metric in METRIC_KEYS:
        assert format_rate(own.at[metric, "value"], own.at[metric, "target"]) in shown
    ranked = counties.sort_values(["rank", "region_code"])["region_name"].tolist()
    assert ranked[0] in shown and ranked[-1] in shown
    assert "县（市、区）参保率：前 5 名与后 4 名（共 9 个）" in shown


def test_the_preview_is_the_briefing_scaled_down_to_fit_the_page(app_file):
    at = open_page(app_file)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    width, height = spec["layout"]["width"], spec["layout"]["height"]
    assert (width, height) == (1200, 675)  # 16:9, fits the wide layout beside the sidebar


def test_switching_to_english_changes_the_page_and_the_briefing(app_file):
    at = open_page(app_file, "en")
    assert at.title[0].value == "曲靖市 · briefing"
    shown = preview_texts(at)
    assert "曲靖市 · pension coverage campaign briefing" in shown
    assert "Coverage rate" in shown and "参保率" not in shown


def test_without_chromium_the_page_says_what_to_install(app_file, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    at = open_page(app_file)
    assert any("scripts/setup`" in w.value for w in at.warning)
    assert not [b for b in at.button if b.label == "生成下载文件"]
    assert at.get("plotly_chart")  # the preview still shows


def test_the_quarterly_bulletin_is_offered_for_the_last_quarter_ended(app_file, downloads):
    at = open_page(app_file)
    assert "曲靖市_季度通报_2026Q3.xlsx" in downloads
    assert downloads["曲靖市_季度通报_2026Q3.xlsx"][:2] == b"PK"
    assert any("2026-10 不是季末" in c.value for c in at.caption)


@pytest.mark.skipif(not render.available(), reason="no Chromium to render with")
def test_asking_for_the_downloads_renders_png_2x_pdf_and_the_deck(app_file, downloads):
    at = open_page(app_file)
    button = [b for b in at.button if b.label == "生成下载文件"]
    assert len(button) == 1
    button[0].click().run()
    assert not at.exception, at.exception
    assert not at.error
    stem = "曲靖市_简报_参保率_2026-10"
    assert Image.open(io.BytesIO(downloads[f"{stem}.png"])).size == (1920, 1080)
    assert Image.open(io.BytesIO(downloads[f"{stem}_2x.png"])).size == (3840, 2160)
    assert downloads[f"{stem}.pdf"].startswith(b"%PDF")
    from pptx import Presentation

    assert len(Presentation(io.BytesIO(downloads[f"{stem}.pptx"])).slides) == 7
    # the files are kept for the selection: a rerun offers them again without rendering
    at.run()
    assert not [b for b in at.button if b.label == "生成下载文件"]
