"""User-facing strings of the pages at national scale (issue 15 point 5): long lists a page at a time.

Keys are prefixed ``pages.``; ``present.catalog`` merges them into its catalog.
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "pages.warnings_caption": (
        "共 {total} 条预警，每页 {size} 条，当前第 {page}/{pages} 页",
        "{total} warnings, {size} a page, page {page} of {pages}",
    ),
}
