"""The download button for the quarterly bulletin (季度通报) workbook, for any page that wants it.

``bulletin_button(selection)`` offers the bulletin of the selected region for
the latest quarter that has ended at or before the selected month (the
quarter's last month, with rank changes against the previous quarter's last
month). The workbook is built by ``exports.bulletin`` from the cached loaders
and cached itself, so a redrawn page pays nothing.
"""

from __future__ import annotations

import streamlit as st

from data.db import connect
from data.timeliness import bulletin_timeliness
from exports.bulletin import file_name, workbook_bytes
from present.texts import Texts
from data import scope
from metrics.bulletin import gather, latest_quarter_end, quarter_label, quarter_of
from metrics.league import league_codes
from present.charts import file_stem
from present.paging import DEFERRED_DOWNLOAD_ROWS
from metrics.periods import period_label
from metrics.targets import Targets
from ui import loaders, loaders_tasks
from ui.session import scope_root
from ui.i18n import language, t

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@st.cache_data(show_spinner=False, max_entries=32)
def _workbook(
    path: str, version: tuple[int, int], targets_key: str, _targets: Targets, root: str, year: int, quarter: int, level: str | None, lang: str,
    scope: str | None = None,
) -> tuple[bytes, str, int]:
    """(the workbook, its file name, how many regions it ranks); ``scope``: the logged-in account's
    scope root, part of the cache key since the loaders filter by it (issue 12)."""
    bulletin = gather(
        targets=_targets,
        regions=loaders.regions(),
        root=root,
        year=year,
        quarter=quarter,
        level=level,
        report=lambda period, codes, compare_to: loaders.report(_targets, period, codes, compare_to=compare_to),
        tasks=lambda period, codes: loaders_tasks.completion(_targets, (period - 1) // 12, codes, period),  # issue 13
    )
    with connect(path, wait_seconds=loaders.UI_WAIT_SECONDS) as con:  # 报送及时率 (issue 13 point 2)
        bulletin = bulletin_timeliness(con, bulletin, _targets.due_day)
    tx = Texts(lang)
    return workbook_bytes(bulletin, tx), file_name(bulletin, tx), int(bulletin.league["region_code"].nunique())


def bulletin_button(selection, *, level: str | None = None, key: str = "bulletin_download") -> None:
    """Render the bulletin's download button (and a line saying which quarter and months it covers)."""
    end = latest_quarter_end(selection.period)
    year, quarter = quarter_of(end)
    label = t("bulletin.quarter", year=year, q=quarter)
    if end not in set(selection.periods):
        st.caption(t("briefing.no_quarter", quarter=label, period=period_label(end)))
        return
    arguments = (
        str(loaders.db_path()), loaders.db_version(), loaders.targets_key(selection.targets), selection.targets,
        selection.region, year, quarter, level, language(), scope_root(),
    )
    if loaders.subtree_size(selection.region) > DEFERRED_DOWNLOAD_ROWS:
        # A national subtree: the workbook (every listed region's report, the timeliness of every unit)
        # is built when clicked, not on the page's first draw (issue 15); its name and league from the tree.
        codes = [c for c in scope.within(league_codes(loaders.regions(), selection.region, level)[0], loaders.allowed_codes()) if c != selection.region]
        data, count = (lambda: _workbook(*arguments)[0]), len(codes)
        name = file_stem(selection.region_name, Texts(language()).t("bulletin.file_kind"), quarter_label(year, quarter)) + ".xlsx"
    else:
        data, name, count = _workbook(*arguments)
    if count == 0:
        st.caption(t("briefing.no_league"))
        return
    regions = loaders.regions().set_index("code")
    kids = regions[regions["parent_code"] == selection.region]
    unit_level = level or (str(kids["level"].iloc[0]) if not kids.empty else selection.region_level)
    st.download_button(
        t("bulletin.download", quarter=label),
        data=data,
        file_name=name,
        mime=XLSX_MIME,
        icon=":material/table_view:",
        on_click="ignore",
        key=key,
        help=t(
            "bulletin.download_help",
            unit=t(f"briefing.unit.{unit_level}"),
            period=period_label(end),
            compare=period_label(end - 3),
        ),
    )
    if end != selection.period:
        st.caption(t("bulletin.not_quarter_end", period=period_label(selection.period), quarter=label, end=period_label(end)))
