"""User-facing strings of the national-scale work (issue 15): projections and paged rankings.

Keys are prefixed ``scale.``; ``present.catalog`` merges them into its catalog.
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # metrics.md §5 / issue 15 point 7: no eta, or one after the plan's last milestone
    "scale.eta_unreachable": ("计划期内无法达标", "Cannot reach the target within the plan"),
    "scale.eta_now": ("按近期趋势本月应已达标，但本月数值仍未达标", "The recent trend is at the target, this month's figure is not yet"),
    "scale.eta_line": ("按近期趋势，预计 {eta} 达标", "At the recent pace, reaches the target in {eta}"),
    "scale.page": ("页码", "Page"),
    "scale.page_caption": (
        "共 {total} 个地区，每页 {size} 个，当前第 {page}/{pages} 页",
        "{total} regions, {size} a page, page {page} of {pages}",
    ),
    "scale.country": ("全国", "Whole country"),
}
