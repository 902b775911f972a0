"""The sidebar navigation's section headers (app.py groups its pages by the task they serve)."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "navsection.progress": ("进度与排名", "Progress"),
    "navsection.work": ("任务与考核", "Tasks and assessment"),
    "navsection.report": ("汇报", "Reporting"),
    "navsection.admin": ("数据与设置", "Data and settings"),
}
