"""Long tables a page at a time (issue 15 point 5): never 40,000 rows to the browser at once.

Pure helpers (no streamlit): how many pages, which rows are on one, and what the caption says.
"""

from __future__ import annotations

import math

import pandas as pd

from present.catalog import text

PAGE_SIZE = 500  # rows a league table (and its chart) shows at once: a province (137 townships in the demo) fits on one
# Above this many rows a download is built when clicked, not on every rerun of the page.
DEFERRED_DOWNLOAD_ROWS = 2_000


def page_count(rows: int, size: int = PAGE_SIZE) -> int:
    """How many pages ``rows`` rows fill (at least 1)."""
    return max(1, math.ceil(rows / size))


def page_of(frame: pd.DataFrame, page: int, size: int = PAGE_SIZE) -> pd.DataFrame:
    """Rows ``(page-1)*size`` up to ``page*size`` of ``frame`` (``page`` from 1; out of range: clipped
    to the first or last page), positions kept as they are."""
    page = min(max(1, int(page)), page_count(len(frame), size))
    return frame.iloc[(page - 1) * size : page * size]


def page_caption(rows: int, page: int, language: str, size: int = PAGE_SIZE, key: str = "scale.page_caption") -> str:
    """共 40000 个地区，每页 100 个，当前第 3/400 页 (``key``: the catalog's wording, with ``total``,
    ``size``, ``page`` and ``pages``; e.g. ``pages.warnings_caption`` for warnings)."""
    pages = page_count(rows, size)
    page = min(max(1, int(page)), pages)
    return text(key, language, total=rows, size=size, page=page, pages=pages)
