"""The assessment workbook (考核表; issue 14): one sheet per level, the regions not assessed, the scoring
rule on its own sheet, and the rewards by completion date. House style of :mod:`exports.bulletin`; text
through :func:`present.downloads.defuse` into a workbook that never turns strings into formulas.

Its tables come from :mod:`present.assessment`, the builders ``kuomian assess`` prints with.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import xlsxwriter

from exports.bulletin import HEADER_ROW, NOTE_ROW, TITLE_ROW, _Formats, _Sheet, sheet_name
from exports.ledger import _table
from metrics.assessment import Result
from metrics.rewards import RewardResult
from metrics.targets_assessment import Assessment, Rewards
from present.assessment import apart_table, level_text, reward_tables, rewards_total_line, rule_notes, rule_table, score_table, tier_lines
from present.downloads import defuse
from present.texts import Texts


def workbook_bytes(
    result: Result,
    scheme: Assessment,
    levels: Sequence[str],
    root_name: str,
    year: int,
    period_text: str,
    tx: Texts,
    rewards: RewardResult | None = None,
    tiers: Rewards | None = None,
    names: Mapping[str, str] | None = None,
) -> bytes:
    """The workbook as XLSX bytes."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    workbook.set_properties({"title": f"{root_name} {year} {tx.t('assess.file_kind')}", "author": "kuomian"})
    formats = _Formats(workbook)
    taken: list[str] = []
    caption = tx.t("assess.caption", year=year, period=period_text)
    for level in levels:
        title = tx.t("assess.level_title", root=root_name, year=year, level=level_text(level, tx))
        name = sheet_name(title.replace(root_name, "", 1) if root_name else title, taken)
        taken.append(name)
        sheet = _Sheet(workbook, name)
        sheet.text(TITLE_ROW, 0, defuse(title), formats.title, measure=False)
        sheet.text(NOTE_ROW, 0, defuse(caption), formats.note, measure=False)
        table = score_table(result, level, scheme, tx)
        for col, header in enumerate(table.columns):
            sheet.text(HEADER_ROW, col, header, formats.header)
        for offset, record in enumerate(table.itertuples(index=False)):
            row = HEADER_ROW + 1 + offset
            for col, value in enumerate(record):
                if isinstance(value, str):
                    sheet.text(row, col, defuse(value), formats.text)
                else:
                    sheet.number(row, col, value, formats.integer if col == 0 else formats.get(num_format="0.00"), shown=f"{value:.2f}")
        sheet.sheet.freeze_panes(HEADER_ROW + 1, 3)
        if len(table):
            sheet.sheet.autofilter(HEADER_ROW, 0, HEADER_ROW + len(table), len(table.columns) - 1)
        sheet.fit()

    apart = apart_table(result, tx)
    if len(apart):
        name = sheet_name(tx.t("assess.apart"), taken)
        taken.append(name)
        sheet = _Sheet(workbook, name)
        sheet.text(TITLE_ROW, 0, tx.t("assess.apart"), formats.title, measure=False)
        _table(sheet, formats, apart, HEADER_ROW)
        sheet.fit()

    name = sheet_name(tx.t("assess.sheet_rules"), taken)
    taken.append(name)
    sheet = _Sheet(workbook, name)
    sheet.text(TITLE_ROW, 0, tx.t("assess.sheet_rules"), formats.title, measure=False)
    row = _table(sheet, formats, rule_table(scheme, tx), HEADER_ROW)
    for offset, line in enumerate(rule_notes(scheme, tx)):
        sheet.text(row + 1 + offset, 0, line, formats.text, measure=False)
    sheet.fit(minimum={2: 50})

    if rewards is not None and tiers is not None:
        name = sheet_name(tx.t("assess.sheet_rewards"), taken)
        sheet = _Sheet(workbook, name)
        sheet.text(TITLE_ROW, 0, tx.t("rewards.title"), formats.title, measure=False)
        notes = [rewards_total_line(rewards, tx), *tier_lines(tiers, tx)]
        if rewards.stand_in:
            notes.insert(0, tx.t("rewards.stand_in").rstrip("。."))
        sheet.text(NOTE_ROW, 0, "；".join(notes) if tx.language == "zh" else "; ".join(notes), formats.note, measure=False)
        paid, never = reward_tables(rewards, names or {}, tx)
        row = _table(sheet, formats, paid, HEADER_ROW)
        sheet.text(row + 1, 0, tx.t("rewards.never"), formats.bold)
        for col, header in enumerate(never.columns):
            sheet.text(row + 2, col, header, formats.header)
        for offset, record in enumerate(never.itertuples(index=False)):
            for col, value in enumerate(record):
                if isinstance(value, str) or value is None:
                    sheet.text(row + 3 + offset, col, defuse("" if value is None else value), formats.text)
                else:
                    sheet.number(row + 3 + offset, col, value, formats.integer, shown=str(value))
        sheet.fit()
    workbook.close()
    return buffer.getvalue()


def file_name(root_name: str, year: int, tx: Texts) -> str:
    """``曲靖市_考核_2026.xlsx``."""
    from present.charts import file_stem

    return file_stem(root_name, tx.t("assess.file_kind"), year) + ".xlsx"
