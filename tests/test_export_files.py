"""The files the vice-mayor receives: the briefing as PNG (1920×1080 and 2×), PDF and a PowerPoint deck.

Rendering needs the system Chromium (kaleido); each file is rendered once for
the whole module. The layout checks run on the Figure itself, for a city, a
county and a township in both languages: nothing may run off the canvas or
into its neighbour. Issue 11: the PDF's text layer is read back with
``pdftotext`` (the figures and the Chinese title as text), the native deck
with python-pptx (titles in placeholders, tables, charts, notes, the East
Asian font on every run, the same words as the picture), and the command is
run again and again to see that it leaves quietly.
"""

from __future__ import annotations

import ast
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from cli.main import load_targets, main
from data.db import connect
from data.report import metrics_report
from exports import render
from exports.briefing import HEIGHT, WIDTH, briefing_figure, text_width, tile_text
from exports.deck import FONT, briefing_deck
from exports.source import briefing_from_connection
from present.texts import Texts
from metrics.periods import month_index
from metrics.registry import METRIC_KEYS
from present.formatting import format_month, format_rate

ROOT = Path(__file__).resolve().parent.parent
PERIOD = month_index("2026-10")
CITY, COUNTY, TOWNSHIP = "5303", "530381", "530326212"  # 曲靖市, 宣威市, 会泽县上村乡 (off track)
needs_browser = pytest.mark.skipif(not render.available(), reason="no Chromium to render with")


@pytest.fixture(scope="module")
def demo_db(demo_copy) -> Path:
    path = demo_copy("exports")
    return path


@pytest.fixture(scope="module")
def targets():
    return load_targets(ROOT / "config" / "targets.yaml")


@pytest.fixture(scope="module")
def briefings(demo_db, targets):
    with connect(demo_db) as con:
        return {
            (code, metric): briefing_from_connection(con, targets, code, PERIOD, metric)
            for code in (CITY, COUNTY, TOWNSHIP)
            for metric in METRIC_KEYS
        }


@pytest.fixture(scope="module")
def city(briefings):
    return briefings[(CITY, "coverage_rate")]


@pytest.fixture(scope="module")
def files(city):
    """The four downloads, rendered once."""
    if not render.available():
        pytest.skip("no Chromium to render with")
    tx = Texts("zh")
    figure = briefing_figure(city, tx)
    return {
        "png": render.png(figure),
        "png2": render.png(figure, scale=2),
        "pdf": render.pdf(figure, title=tx.t("briefing.title", region=city.region_name)),
    }


def not_blank(image: Image.Image) -> bool:
    """Not one colour: some spread in every channel."""
    stat = ImageStat.Stat(image.convert("RGB"))
    return min(stat.stddev) > 5 and len(image.convert("RGB").getcolors(1_000_000) or [0, 0]) > 50


# --------------------------------------------------------------------------- the files


@needs_browser
def test_the_briefing_png_is_full_hd_and_not_blank(files):
    image = Image.open(io.BytesIO(files["png"]))
    assert image.format == "PNG" and image.size == (1920, 1080)
    assert not_blank(image)


@needs_browser
def test_the_2x_png_is_3840_by_2160(files):
    image = Image.open(io.BytesIO(files["png2"]))
    assert image.size == (3840, 2160)
    assert not_blank(image)


@needs_browser
def test_the_pdf_is_one_16_by_9_page_that_is_not_blank(files, tmp_path):
    pdf = tmp_path / "briefing.pdf"
    pdf.write_bytes(files["pdf"])
    assert files["pdf"].startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 1
    image = Image.open(pages[0])
    assert abs(image.size[0] / image.size[1] - 16 / 9) < 0.02
    assert not_blank(image)


# --------------------------------------------------------------------------- the PDF's text (issue 11)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "briefing.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@needs_browser
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_pdf_text_layer_holds_the_three_headline_figures_and_the_chinese_title(files, city, tmp_path):
    text = pdf_text(files["pdf"], tmp_path)
    own = city.own.set_index("metric")
    for metric in METRIC_KEYS:
        assert format_rate(own.at[metric, "value"], own.at[metric, "target"]) in text, metric
    assert "95.1%" in text
    assert "曲靖市 · 基本养老保险扩面进度简报" in text
    assert "职工养老保险占比" in text


@needs_browser
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_pdf_text_has_no_look_alike_radicals(files, tmp_path):
    """Chromium once mapped 老 to the Kangxi radical ⽼ (U+2F7C) in the text layer: nothing from that block is left."""
    text = pdf_text(files["pdf"], tmp_path)
    assert not [ch for ch in text if 0x2E80 <= ord(ch) <= 0x2FDF]


@needs_browser
@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed")
def test_the_pdfs_title_is_the_briefings_title(files, tmp_path):
    path = tmp_path / "briefing.pdf"
    path.write_bytes(files["pdf"])
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Title:           曲靖市 · 基本养老保险扩面进度简报\n" in info


def test_no_footer_cites_a_repository_path(city):
    for language in ("zh", "en"):
        shown = texts_of(briefing_figure(city, Texts(language)))
        assert not [s for s in shown if "docs/" in s or ".md" in s]
    assert "数据来源：各乡镇（街道）月报，kuomian 汇总计算" in texts_of(briefing_figure(city, Texts("zh")))


# --------------------------------------------------------------------------- the native deck (issue 11)


@pytest.fixture(scope="module")
def deck(city):
    from pptx import Presentation

    return Presentation(io.BytesIO(briefing_deck(city, Texts("zh"))))


def deck_texts(deck) -> list[str]:
    """Every text of every slide: text boxes, titles and table cells."""
    out = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out += [p.text for p in shape.text_frame.paragraphs]
            if shape.has_table:
                out += [cell.text for row in shape.table.rows for cell in row.cells]
    return out


def test_the_deck_holds_the_briefing_then_each_metrics_trend_then_each_league_in_title_placeholders(deck):
    from pptx.enum.shapes import PP_PLACEHOLDER

    assert (deck.slide_width, deck.slide_height) == (12_192_000, 6_858_000)  # 16:9
    titles = []
    for slide in deck.slides:
        title = slide.shapes.title
        assert title.is_placeholder and title.placeholder_format.type == PP_PLACEHOLDER.TITLE
        titles.append(title.text_frame.text)
    assert titles == [
        "曲靖市 扩面进度简报 · 2026-10",
        "曲靖市 · 参保率走势 · 2026-10",
        "曲靖市 · 职工养老保险占比走势 · 2026-10",
        "曲靖市 · 缴费率走势 · 2026-10",
        "曲靖市 县（市、区）参保率排名 · 2026-10",
        "曲靖市 县（市、区）职工养老保险占比排名 · 2026-10",
        "曲靖市 县（市、区）缴费率排名 · 2026-10",
    ]
    assert deck.core_properties.title == titles[0]


def test_the_deck_is_native_tables_and_charts_without_pictures(deck):
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    kinds = [[shape.shape_type for shape in slide.shapes] for slide in deck.slides]
    assert not [k for slide in kinds for k in slide if k == MSO_SHAPE_TYPE.PICTURE]
    assert sum(slide.count(MSO_SHAPE_TYPE.TABLE) for slide in kinds) == 2 + 3  # best and worst, then one per league
    charts = [shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart]
    assert [c.chart_type for c in charts] == [XL_CHART_TYPE.LINE] * 3 + [XL_CHART_TYPE.BAR_CLUSTERED] * 3  # markers on the value only
    assert [s.name for s in charts[0].plots[0].series] == ["参保率", "目标", "进度线"]


def test_the_trend_chart_ends_on_the_months_figure(deck, city):
    chart = next(shape.chart for shape in deck.slides[1].shapes if shape.has_chart)
    values = [v for v in chart.plots[0].series[0].values if v is not None]
    assert values[-1] == pytest.approx(float(city.row("coverage_rate")["value"]))
    categories = list(chart.plots[0].categories)
    assert categories[0] == "2022-12" and categories[-1] == "2035-12"  # on to the last milestone


def test_the_cards_say_what_the_briefing_tiles_say(deck, city):
    shown = deck_texts(deck)
    tx = Texts("zh")
    for metric in METRIC_KEYS:
        tile = tile_text(city, tx, metric)
        assert tile.value + tile.estimate in shown
        assert tile.target_line in shown
        assert tile.line in shown
    assert "参保率　✓ 已达标" in shown
    assert "较上月 持平" in shown  # an unchanged value reads 持平, never -0.00 (issue 8)


def test_a_league_bar_reads_what_the_table_reads(deck):
    """马龙区 is behind at 94.96%: its bar's label is never rounded up to 95.0% beside an orange bar (issue 8)."""
    chart = next(shape.chart for shape in deck.slides[4].shapes if shape.has_chart)
    names = list(chart.plots[0].categories)
    point = chart.plots[0].series[0].points[names.index("马龙区")]
    assert point.data_label.text_frame.text == "94.96%"
    assert str(point.format.fill.fore_color.rgb) == "E69F00"  # the orange of "behind"
    assert "94.96%" in deck_texts(deck)


def test_every_slide_has_notes_with_the_numbers_and_their_definitions(deck):
    notes = [slide.notes_slide.notes_text_frame.text for slide in deck.slides]
    assert all(notes)
    assert "参保率：95.1%；✓ 已达标；较上月 持平；目标 95.0%（2035-12 到期）；高于目标 0.11 个百分点" in notes[0]
    assert "参保率 = 参保人数 ÷ 应参保人数" in notes[0]
    assert "缴费率 = 实际缴费人数 ÷ 缴费阶段人数（仅统计城乡居民，当年累计、每年 1 月重新开始）" in notes[3]
    assert "6 马龙区 94.96% ! 略有滞后" in notes[4]


def test_every_run_names_the_house_font_for_latin_and_east_asian_text(deck):
    from pptx.oxml.ns import qn

    parts = [slide.shapes._spTree for slide in deck.slides] + [slide.notes_slide.shapes._spTree for slide in deck.slides]
    runs = [run for part in parts for run in part.iter(qn("a:r"))]
    assert len(runs) > 200
    for run in runs:
        rpr = run.find(qn("a:rPr"))
        assert rpr is not None, run.findtext(qn("a:t"))
        assert rpr.find(qn("a:ea")).get("typeface") == FONT, run.findtext(qn("a:t"))
        assert rpr.find(qn("a:latin")).get("typeface") == FONT
    for shape in (shape for slide in deck.slides for shape in slide.shapes if shape.has_chart):
        assert shape.chart.font._rPr.find(qn("a:ea")).get("typeface") == FONT


def test_the_deck_of_a_carried_month_says_estimated_and_rings_the_month(demo_db, targets):
    """师宗县 at 2026-08: the card reads （估算）, the trend's marker for 2026-08 is hollow, the footnote says why."""
    from pptx import Presentation

    with connect(demo_db) as con:
        b = briefing_from_connection(con, targets, "530323", month_index("2026-08"), "coverage_rate")
    deck = Presentation(io.BytesIO(briefing_deck(b, Texts("zh"))))
    card = [p for shape in deck.slides[0].shapes if shape.has_text_frame for p in shape.text_frame.paragraphs]
    assert [r.text for p in card for r in p.runs if r.text == "（估算）"]
    carried = int(b.row("coverage_rate")["carried"])
    assert f"○ 2026-08：{carried} 项报表未报，沿用此前数据（估算）" in deck_texts(deck)
    chart = next(shape.chart for shape in deck.slides[1].shapes if shape.has_chart)
    months = list(chart.plots[0].categories)
    marker = chart.plots[0].series[0].points[months.index("2026-08")].marker
    assert str(marker.format.fill.fore_color.rgb) == "FFFFFF"


def test_an_overdue_target_reads_overdue_on_the_card(briefings):
    """上村乡 missed the 2025-12 milestone: 逾期 N 个月 with the persons needed now, as on the picture (issue 8)."""
    from pptx import Presentation

    b = briefings[(TOWNSHIP, "coverage_rate")]
    tile = tile_text(b, Texts("zh"), "coverage_rate")
    assert tile.line_kind == "overdue" and tile.line.startswith("逾期 ")
    deck = Presentation(io.BytesIO(briefing_deck(b, Texts("zh"))))
    assert tile.line in deck_texts(deck)


def test_the_deck_needs_no_browser(monkeypatch, city):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    assert briefing_deck(city, Texts("en"))[:2] == b"PK"


@needs_browser
def test_one_warm_browser_serves_every_image_and_a_dead_one_is_replaced(city):
    figure = briefing_figure(city, Texts("zh"))
    render.png(figure, width=192, height=108)
    first = render._renderer  # noqa: SLF001
    render.png(figure, width=192, height=108)
    assert render._renderer is first  # noqa: SLF001 - the same browser, kept warm
    first.kaleido.subprocess.kill()
    first.kaleido.subprocess.wait(10)
    image = Image.open(io.BytesIO(render.png(figure, width=192, height=108)))
    assert image.size == (192, 108)
    assert render._renderer is not first and render._renderer.alive()  # noqa: SLF001


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig not installed")
def test_a_chinese_font_is_there_for_the_glyphs():
    found = subprocess.run(["fc-match", "sans-serif:lang=zh-cn"], capture_output=True, text=True, check=True).stdout
    assert any(name in found for name in ("CJK", "WenQuanYi", "Source Han", "Noto Sans SC")), found


def test_without_a_browser_rendering_fails_with_a_plain_message(monkeypatch, city):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    assert not render.available()
    with pytest.raises(render.RendererMissing, match="BROWSER_PATH=/nonexistent/chromium is not an executable browser"):
        render.png(briefing_figure(city, Texts("zh")))


# --------------------------------------------------------------------------- what the briefing says


def texts_of(figure) -> list[str]:
    return [str(a.text).replace("<b>", "").replace("</b>", "") for a in figure.layout.annotations]


def test_the_briefing_names_region_period_and_as_of_date(city):
    shown = texts_of(briefing_figure(city, Texts("zh")))
    assert "曲靖市 · 基本养老保险扩面进度简报" in shown
    assert "统计期 2026-10 · 数据截至 2026-10-31" in shown


def test_the_tiles_show_each_metrics_figures_as_the_report_computes_them(demo_db, targets, city):
    with connect(demo_db) as con:
        own = metrics_report(con, targets, PERIOD, codes=[CITY]).set_index("metric")
    shown = texts_of(briefing_figure(city, Texts("zh")))
    status_names = {"achieved": "已达标", "on_track": "进度正常", "behind": "略有滞后", "off_track": "明显滞后"}
    for metric in METRIC_KEYS:
        row = own.loc[metric]
        assert format_rate(row["value"], row["target"]) in shown
        assert f"目标 {format_rate(row['target'])}（{format_month(row['target_by'])} 到期）" in shown
        assert status_names[row["status"]] in shown
    assert "94.96%" in shown  # 马龙区 is behind at 94.96%: never rounded up to 95.0% beside its orange pill


def test_the_best_and_worst_five_are_the_children_in_rank_order(demo_db, targets, briefings):
    b = briefings[(COUNTY, "payment_rate")]
    with connect(demo_db) as con:
        kids = metrics_report(con, targets, PERIOD, level="township", root=COUNTY, metrics=["payment_rate"])
    kids = kids.dropna(subset=["rank"]).sort_values(["rank", "region_code"])
    shown = texts_of(briefing_figure(b, Texts("zh")))
    names = [n for n in kids["region_name"].tolist()]
    for name in names[:5] + names[-5:]:
        assert name in shown
    for name in names[5:-5]:
        assert name not in shown
    assert "乡镇（街道）缴费率：前 5 名与后 5 名（共 29 个）" in shown


def test_a_township_is_compared_with_its_siblings_and_stands_out(briefings):
    b = briefings[(TOWNSHIP, "coverage_rate")]
    assert b.league_siblings
    figure = briefing_figure(b, Texts("zh"))
    assert "<b>上村乡</b>" in [str(a.text) for a in figure.layout.annotations]  # the region itself, in bold among the worst


def test_switching_to_english_changes_every_label(city):
    shown = texts_of(briefing_figure(city, Texts("en")))
    assert "曲靖市 · pension coverage campaign briefing" in shown
    assert {"Coverage rate", "Employee-scheme share", "Payment rate"} <= set(shown)
    assert {"Achieved", "On track", "Best 5", "Worst 4", "Rank", "Region"} <= set(shown)
    chinese_labels = {"参保率", "职工养老保险占比", "缴费率", "已达标", "进度正常", "略有滞后", "明显滞后", "前 5 名", "排名", "地区"}
    assert not chinese_labels & set(shown)
    assert not [s for s in shown if "目标" in s or "口径" in s or "数据来源" in s]


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("code", [CITY, COUNTY, TOWNSHIP])
@pytest.mark.parametrize("metric", METRIC_KEYS)
def test_nothing_runs_off_the_canvas_or_past_its_column(briefings, code, metric, language):
    figure = briefing_figure(briefings[(code, metric)], Texts(language))
    assert (figure.layout.width, figure.layout.height) == (WIDTH, HEIGHT)
    for a in figure.layout.annotations:
        if a.xref != "paper":
            continue
        text = str(a.text).replace("<b>", "").replace("</b>", "")
        width = text_width(text, a.font.size) * (1.06 if str(a.text).startswith("<b>") else 1)
        x = a.x * WIDTH
        left = {"left": x, "right": x - width, "center": x - width / 2}[a.xanchor]
        assert 24 <= left and left + width <= WIDTH - 24, (text, left, left + width)
        assert 0 < a.y < 1, text
        # the trend's texts stay left of the league's column, the league's right of the trend
        y_px = (1 - a.y) * HEIGHT
        if 424 <= y_px <= 920:
            assert left + width <= 1190 or left >= 1200, (text, left, left + width)


def test_the_page_preview_is_the_same_picture_scaled(city):
    full, small = briefing_figure(city, Texts("zh")), briefing_figure(city, Texts("zh"), scale=0.5)
    assert (small.layout.width, small.layout.height) == (960, 540)
    assert [a.x for a in full.layout.annotations] == [a.x for a in small.layout.annotations]
    assert [a.font.size / 2 for a in full.layout.annotations] == [a.font.size for a in small.layout.annotations]


def test_the_exports_package_never_imports_streamlit():
    for path in sorted((ROOT / "exports").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        assert not {m for m in imported if m.split(".")[0] == "streamlit"}, path


# --------------------------------------------------------------------------- the command


@needs_browser
def test_kuomian_export_writes_the_png_and_prints_its_path(demo_db, tmp_path, capsys):
    out = tmp_path / "b.png"
    code = main(["--db", str(demo_db), "export", "briefing", "--region", COUNTY, "--period", "2026-10", "--format", "png", "--out", str(out), "--scale", "2"])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out.strip() == str(out)
    assert "宣威市 (530381), 2026-10" in captured.err and "wrote PNG (3840×2160)" in captured.err
    assert Image.open(out).size == (3840, 2160)


@needs_browser
def test_kuomian_export_takes_the_format_from_the_file_name_and_defaults_to_the_root_and_latest_month(demo_db, tmp_path, capsys):
    out = tmp_path / "latest.pdf"
    assert main(["--db", str(demo_db), "export", "briefing", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert "曲靖市 (5303), 2026-10" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("arguments", "status", "message"),
    [
        (["--region", "99"], 1, "--region 99: no such region"),
        (["--period", "2031-01"], 1, "--period 2031-01: no figures for that month"),
        (["--format", "gif"], 2, "invalid choice"),
    ],
)
def test_kuomian_export_refuses_what_it_cannot_draw(demo_db, tmp_path, capsys, monkeypatch, arguments, status, message):
    monkeypatch.setenv("BROWSER_PATH", shutil.which("true") or "/bin/true")  # never reached: refused before rendering
    out = tmp_path / "x.png"
    try:
        code = main(["--db", str(demo_db), "export", "briefing", "--out", str(out), *arguments])
    except SystemExit as exit:
        code = exit.code
    assert code == status
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_kuomian_export_needs_a_known_suffix_or_format(demo_db, tmp_path, capsys):
    assert main(["--db", str(demo_db), "export", "briefing", "--out", str(tmp_path / "x.gif")]) == 2
    assert "give --format" in capsys.readouterr().err


def test_kuomian_export_without_a_browser_says_so_and_writes_nothing(demo_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    out = tmp_path / "x.png"
    assert main(["--db", str(demo_db), "export", "briefing", "--out", str(out)]) == 1
    assert "cannot render" in capsys.readouterr().err
    assert not out.exists()


def test_the_briefing_of_a_carried_month_is_estimated_hollow_and_footnoted(demo_db, targets):
    """葵山镇 missed 2026-08: 师宗县's briefing marks the figure 估算, rings the month and says why."""
    with connect(demo_db) as con:
        b = briefing_from_connection(con, targets, "530323", month_index("2026-08"), "coverage_rate")
    tx = Texts("zh")
    figure = briefing_figure(b, tx)
    texts = [a.text for a in figure.layout.annotations]
    carried = int(b.row("coverage_rate")["carried"])
    assert carried > 0
    assert f"○ 2026-08：{carried} 项报表未报，沿用此前数据（估算）" in texts
    assert "<b>（估算）</b>" in texts
    values = next(trace for trace in figure.data if trace.name == "参保率")
    assert list(values.marker.symbol)[-1] == "circle-open"
    ring = figure.data[-1]  # the month itself: a ring in the status colour, not a filled dot
    assert ring.marker.color == "white"
    # the trend runs on to the last milestone
    assert int(b.trends["coverage_rate"].path["period"].iloc[-1]) == month_index("2035-12")


def test_kuomian_export_builds_the_deck_without_a_browser(demo_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    out = tmp_path / "deck.pptx"
    assert main(["--db", str(demo_db), "export", "briefing", "--out", str(out)]) == 0
    assert out.read_bytes()[:2] == b"PK"
    assert "wrote PPTX" in capsys.readouterr().err


PROGRESS = re.compile(r"^(reading .+ \(\d+\), \d{4}-\d{2} …|read in \d+\.\d s; (rendering (PNG|PDF) with Chromium|building the PPTX) …|wrote (PNG \(\d+×\d+\)|PDF \(\d+ KB\)|PPTX \(\d+ KB\)) in \d+\.\d s)$")


@needs_browser
def test_kuomian_export_leaves_quietly_run_after_run(demo_db, tmp_path):
    """Issue 11: one run in four printed a traceback at exit (``Directory not empty: 'Default'``).

    Every run of the real command exits 0 and writes nothing on stderr but its
    own three progress lines: no traceback, no warning, no browser chatter.
    """
    environment = {**os.environ, "KUOMIAN_DB": str(demo_db), "PYTHONWARNINGS": "default"}
    for i, suffix in enumerate(("pdf", "png", "pdf", "pptx", "png")):
        out = tmp_path / f"run{i}.{suffix}"
        done = subprocess.run(
            [sys.executable, "-m", "cli.main", "export", "briefing", "--out", str(out)],
            cwd=ROOT, env=environment, capture_output=True, text=True, timeout=180,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == str(out)
        lines = done.stderr.splitlines()
        assert len(lines) == 3 and all(PROGRESS.match(line) for line in lines), done.stderr
        assert out.stat().st_size > 10_000


def test_the_estimate_mark_on_a_briefing_card_starts_after_the_value_it_follows(demo_db, targets):
    """The （估算） mark was placed by a width guess that took the bold percent sign for 0.7 em (it sets
    at 0.96 em in Noto Sans CJK Bold): it overlapped the "%" of every estimated card."""
    from PIL import ImageFont

    font = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
    assert font.exists(), "fonts-noto-cjk is missing: run scripts/setup"
    with connect(demo_db) as con:
        b = briefing_from_connection(con, targets, "530323", month_index("2026-08"), "coverage_rate")
    figure = briefing_figure(b, Texts("zh"))
    annotations = list(figure.layout.annotations)
    mark = next(i for i, a in enumerate(annotations) if a.text == "<b>（估算）</b>")
    value = annotations[mark - 1]  # the card's value, drawn just before its mark
    assert value.text.startswith("<b>") and value.text.endswith("%</b>")
    shown = value.text.removeprefix("<b>").removesuffix("</b>")
    real = ImageFont.truetype(str(font), 68, index=2).getlength(shown)  # index 2: the SC face
    assert (mark_x := annotations[mark].x * 1920) >= value.x * 1920 + real, (shown, real, mark_x)


def test_the_status_legend_is_one_line_of_text_so_no_square_prints_over_a_word(city):
    # issue 11 point 4: squares placed by an estimated text width sat on the words in the page's preview
    from exports.briefing import legend_line

    shown = texts_of(briefing_figure(city, Texts("zh"), scale=0.625))
    assert legend_line(Texts("zh")) in shown
    assert legend_line(Texts("zh")) == (
        "<span style='color:#0072B2'>■</span>\u2009已达标\u2003\u2003<span style='color:#009E73'>■</span>\u2009进度正常\u2003\u2003"
        "<span style='color:#E69F00'>■</span>\u2009略有滞后\u2003\u2003<span style='color:#D55E00'>■</span>\u2009明显滞后"
    )
