"""Words for the rough edges issue 11 found in the Chinese UI (catalog section module, keys ``edges.``).

See ``SECTION_MODULES`` in :mod:`present.catalog`.
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # Streamlit 1.67's file uploader says "Upload", "64MB per file" (and "Drag and drop a file here" while a
    # file is dragged over it) in English whatever the page's language, and offers no parameter to change them (docs/ui.md): this
    # caption above it says the same in the page's language.
    "edges.upload_note": (
        "可上传 {formats} 文件，单个文件不超过 {limit}。点击下方框内的“Upload”（上传）按钮选择文件，或把文件拖入框内。",
        "Accepted: {formats} files, at most {limit} each. Click “Upload” in the box below, or drag the file into it.",
    ),
}
