"""The Data page's tables and captions as data (present/data.py), without AppTest (issue 11: pages are layout)."""

from __future__ import annotations

import pandas as pd

from data.importer import Problem
from metrics.periods import month_index
from present.data import completeness_view, field_label, format_time, history_table, problem_lines, problem_table, rollback_options

PERIOD = month_index("2026-10")


def test_a_problem_field_reads_as_the_files_chinese_headers_and_stays_as_written_in_english():
    assert field_label("region_code+period", "zh") == "区划代码+统计期"
    assert field_label("row", "zh") == "整行"
    assert field_label("region_code+period", "en") == "region_code+period"


def test_problems_are_listed_one_per_row_and_as_file_row_field_reason_lines():
    problems = [Problem(3, "region_code", "'999999' is not a known region", "“999999”不是已知地区")]
    assert problem_table(problems, "en").to_dict("list") == {"Row": [3], "Field": ["region_code"], "Reason": ["'999999' is not a known region"]}
    assert problem_lines(problems, "bad.csv", "en") == "bad.csv:3: region_code: '999999' is not a known region"


def test_a_rollback_in_the_history_names_the_import_it_undid_instead_of_a_file():
    imports = pd.DataFrame(
        {
            "import_id": [2, 1], "kind": ["snapshots", "snapshots"], "source": ["rollback", "乡镇快照.csv"], "undoes": [1, None],
            "imported_at": [pd.Timestamp("2026-11-03 09:15:42"), pd.Timestamp("2026-11-02 17:00")], "row_count": [2, 2],
            "added": [0, 1], "replaced": [0, 1], "is_demo": [False, False], "rolled_back_at": [None, pd.Timestamp("2026-11-03 09:15")],
        }
    )
    shown = history_table(imports, "zh")
    assert shown["来源文件"].tolist() == ["撤销导入 #1（可再撤销本条以恢复）", "乡镇快照.csv"]
    assert shown["导入时间"].tolist() == ["2026-11-03 09:15", "2026-11-02 17:00"]
    assert list(rollback_options(imports.head(1), "en")) == [2]


def test_a_missing_time_reads_as_a_dash():
    assert format_time(None) == "—"
    assert format_time(pd.NaT) == "—"


def test_the_completeness_caption_names_only_the_latest_twelve_short_months():
    completeness = pd.DataFrame({"period": range(PERIOD - 13, PERIOD + 1), "completeness": [0.9] * 14})
    shown = completeness_view(completeness, list(range(PERIOD - 13, PERIOD + 1)), "曲靖市", PERIOD, "zh")
    assert shown.caption.startswith("14 个月份报送不完整（红点），最近的：2025-11、2025-12、")
    assert shown.caption.endswith("2026-10")
    assert shown.figure is not None


def test_a_region_without_population_shows_no_chart_and_says_why():
    shown = completeness_view(pd.DataFrame({"period": [], "completeness": []}), [], "曲靖市", PERIOD, "en")
    assert shown.figure is None
    assert shown.caption == "No required-population rows in this region yet: completeness cannot be computed."


def test_the_upload_note_says_in_chinese_what_streamlits_english_uploader_takes():
    # issue 11 point 4: the uploader's "Upload / 64MB per file / Drag and drop a file here" cannot be translated in
    # streamlit 1.67; the caption above the uploader says formats and limit in the page's language
    from present.data import upload_note

    assert upload_note("zh") == "可上传 CSV、XLSX、XLSM、XLS、ODS 文件，单个文件不超过 64 MB。点击下方框内的“Upload”（上传）按钮选择文件，或把文件拖入框内。"
    assert upload_note("en") == "Accepted: CSV, XLSX, XLSM, XLS, ODS files, at most 64 MB each. Click “Upload” in the box below, or drag the file into it."
