"""One download button for a table file, so every page offers CSV and XLSX the same way.

The bytes come from ``present.downloads`` (``csv_bytes``, ``xlsx_bytes``: formulas
defused, Chinese intact); this only puts them behind a button with the file's
name, type and icon (issue 11 point 3: the rankings page had two copies of it).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from present.templates import CSV_MIME, XLSX_MIME

FILE_TYPES: dict[str, tuple[str, str]] = {  # extension -> (mime type, icon)
    "csv": (CSV_MIME, ":material/download:"),
    "xlsx": (XLSX_MIME, ":material/table_view:"),
}


def table_download(label: str, data: bytes | Callable[[], bytes], stem: str, extension: str, *, key: str) -> None:
    """A download button for ``data`` saved as ``{stem}.{extension}`` (``csv`` or ``xlsx``); KeyError for another.
    ``data`` may be a function giving the bytes: Streamlit then builds the file only on click (a large league)."""
    mime, icon = FILE_TYPES[extension]
    st.download_button(label, data, file_name=f"{stem}.{extension}", mime=mime, icon=icon, key=key)
