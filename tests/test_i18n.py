"""One catalog speaks both languages: every key a page uses exists, in Chinese and in English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from present.catalog import CATALOG, text

ROOT = Path(__file__).resolve().parent.parent
KEY_USE = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""")


def used_keys() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in [ROOT / "app.py", *(p for folder in ("pages", "ui", "present", "exports") for p in sorted((ROOT / folder).glob("*.py")))]:
        for key in KEY_USE.findall(path.read_text(encoding="utf-8")):
            found.setdefault(key, set()).add(path.name)
    return found


def test_every_key_a_page_uses_is_in_the_catalog():
    missing = {key: sorted(files) for key, files in used_keys().items() if key not in CATALOG}
    assert missing == {}


def test_every_entry_has_both_languages_and_the_same_placeholders():
    placeholder = re.compile(r"{(\w+)}")
    problems = []
    for key, (zh, en) in CATALOG.items():
        if not zh.strip() or not en.strip():
            problems.append(f"{key}: empty")
        elif set(placeholder.findall(zh)) != set(placeholder.findall(en)):
            problems.append(f"{key}: placeholders differ")
    assert problems == []


def test_text_fills_the_placeholders_in_the_language_asked():
    assert text("sidebar.data_as_of", "zh", period="2026-10") == "数据截至 2026-10"
    assert text("sidebar.data_as_of", "en", period="2026-10") == "Data as of 2026-10"


def test_an_unknown_language_is_refused_naming_the_choices():
    with pytest.raises(ValueError, match=r"unknown language 'fr'; expected one of zh, en"):
        text("sidebar.period", "fr")


def test_the_upload_label_names_every_format_the_uploader_takes():
    # it said "CSV or XLSX" while .xls and .ods are read too (issue 9)
    for label in CATALOG["data.file"]:
        assert all(fmt in label for fmt in ("CSV", "XLSX", "XLS", "ODS")), label


def test_no_text_a_reader_sees_cites_a_repository_path():
    # issue 11: the briefing's and the bulletin's footers cited docs/metrics.md, which no vice-mayor can open
    cited = {key: pair for key, pair in CATALOG.items() if any(re.search(r"docs/|\.md\b|\.py\b", text) for text in pair)}
    assert not cited


def test_the_deck_strings_are_catalog_entries_each_used_by_an_export():
    # issue 11: the PPTX/briefing words lived in exports/words.py, outside the catalog
    from present import catalog_deck

    assert not (ROOT / "exports" / "words.py").exists()
    assert all(key.startswith("deck.") and CATALOG[key] == pair for key, pair in catalog_deck.STRINGS.items())
    used = {key for key, files in used_keys().items() if key.startswith("deck.") and files & {"deck.py", "briefing.py"}}
    assert used == set(catalog_deck.STRINGS)


def test_the_deck_footer_reads_in_the_language_asked():
    assert text("deck.change", "zh", change="+0.3 个百分点") == "较上月 +0.3 个百分点"
    assert text("deck.change", "en", change="+0.3 points") == "vs last month: +0.3 points"
