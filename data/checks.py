"""What one cell of an import file may hold: periods, region codes, counts, schemes, groups and actions.

Each ``parse_*`` function reads one text as a township's spreadsheet writes it and gives either the
value the database stores or a :class:`Refusal` with the reason in English and Chinese. They are
called once per *distinct* text of a column (a file of 540,000 rows holds a few hundred distinct
periods and codes), so they are plain Python. The rules come from cli.md "Import", metrics.md §1-2
and issues 9 and 10 (what offices really write; what hostile files try).

No SQL here and no file reading: :mod:`data.importer` applies these to a table.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass

from metrics.periods import period_label

# --------------------------------------------------------------------------- today


def today() -> dt.date:
    """Today's date as the import checks read it: ``KUOMIAN_TODAY`` (``YYYY-MM-DD``) pins it (tests, a
    rerun of last month's checks), else the day of a pinned ``KUOMIAN_NOW``, otherwise the system date.
    A malformed pin is ignored."""
    pinned = os.environ.get("KUOMIAN_TODAY", "").strip()
    if pinned:
        try:
            return dt.date.fromisoformat(pinned)
        except ValueError:
            pass
    return now().date()


def now() -> dt.datetime:
    """The time an import or a rollback is recorded at (``imports.imported_at``), to the second.

    ``KUOMIAN_NOW`` (``YYYY-MM-DDTHH:MM[:SS]`` or ``YYYY-MM-DD HH:MM[:SS]``) pins it: the tests of
    reporting timeliness (issue 13 point 2) land files "on the 3rd" or "on the 14th" through the real
    import path; otherwise the system clock. A malformed pin is ignored.
    """
    pinned = os.environ.get("KUOMIAN_NOW", "").strip()
    if pinned:
        try:
            return dt.datetime.fromisoformat(pinned).replace(microsecond=0, tzinfo=None)
        except ValueError:
            pass
    return dt.datetime.now().replace(microsecond=0)


def current_month() -> int:
    """The month index of today's month: the latest month a file may hold (figures stand at a month's
    end, so a month is reported at the earliest in its own last days; issue 10 point 5)."""
    day = today()
    return 12 * day.year + day.month


CAMPAIGN_START = 12 * 2014 + 1  # 全民参保计划 starts in 2014: months before it are accepted with a warning
EARLIEST = 12 * 1950 + 1  # before 1950 a "month" is a typo (0201-11, 0000-01): refused


@dataclass(frozen=True)
class Refusal:
    """Why a text is not a valid value: English and Chinese."""

    en: str
    zh: str


# --------------------------------------------------------------------------- text


def visible(text: str) -> str:
    """``text`` with its control and format characters written as escapes (``\\x00``, ``\\u200b``), so a
    message shows what is there without printing it."""
    return "".join(
        (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}") if unicodedata.category(c) in ("Cc", "Cf") else c
        for c in text
    )


def control_character(text: str) -> str | None:
    """The first control or format character of ``text`` (NUL, a zero-width space...) as ``U+0000``;
    ``None`` where there is none."""
    for c in text:
        if unicodedata.category(c) in ("Cc", "Cf"):
            return f"U+{ord(c):04X}"
    return None


def ascii_digits(text: str) -> str:
    """Every Unicode decimal digit (full-width ０-９, Arabic-Indic ٠-٩, ...) as its ASCII digit."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(c)) if unicodedata.decimal(c, None) is not None else c for c in text)


_SPACE = re.compile(r"\s+")


def compact(text: str) -> str:
    """A label as compared: NFKC (full-width letters, digits and brackets as ASCII), no spaces at all."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def _control_refusal(text: str, what: str, what_zh: str) -> Refusal | None:
    found = control_character(text)
    if found is None:
        return None
    return Refusal(
        f"'{visible(text)}' holds a control character ({found}); type the {what} again",
        f"“{visible(text)}”含有控制字符（{found}），请重新输入{what_zh}",
    )


# --------------------------------------------------------------------------- region codes

_CODE = re.compile(r"[0-9]{2,12}")


def parse_code(text: str) -> str | Refusal:
    """A region code as written -> the code of ASCII digits it stands for.

    Normalised first (issue 9, "codes"; issue 10 point 8): Unicode decimal digits as ASCII, spaces
    anywhere removed, a trailing ``.0`` (a code stored as a number) dropped. What is then not 2 to 12
    ASCII digits is refused, so nothing else ever enters the database; a control character too.
    """
    refusal = _control_refusal(text, "code", "代码")
    if refusal:
        return refusal
    code = _SPACE.sub("", ascii_digits(text))
    code = re.sub(r"(?<=[0-9])\.0+$", "", code)
    if not _CODE.fullmatch(code):
        return Refusal(f"'{text}' is not a region code (2 to 12 digits)", f"“{text}”不是区划代码（应为2至12位数字）")
    return code


def code_candidates(code: str) -> list[str]:
    """``code`` and its zero-stripped forms, in the order they are tried (issue 9, "codes"): a
    12-digit 统计用区划代码 ``530302001000`` -> 9 digits ``530302001`` -> 6 -> 4 -> 2, each step dropping
    only zeros (``530300000000`` -> ``530300000`` -> ``530300`` -> ``5303``)."""
    candidates = [code]
    for length in (9, 6, 4, 2):
        current = candidates[-1]
        if len(current) > length and set(current[length:]) == {"0"}:
            candidates.append(current[:length])
    return candidates


def resolve_code(code: str, known) -> str | None:
    """The first of :func:`code_candidates` that ``known`` (a container of codes) holds, else ``None``."""
    for candidate in code_candidates(code):
        if candidate in known:
            return candidate
    return None


# --------------------------------------------------------------------------- periods

_NUMBER_LIKE = re.compile(r"(\d{4})\.(\d{1,2})")  # 2026.1, 2026.10: what Excel makes of a month typed 2026.10
_YEAR = re.compile(r"(\d{4})年?")
_PERIOD_FORMS = (
    re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"),
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
)
PERIOD_FORMAT = "(YYYY-MM, YYYY-MM-DD, YYYY/MM or YYYY年MM月)"
PERIOD_FORMAT_ZH = "（应为 YYYY-MM、YYYY-MM-DD、YYYY/MM 或 YYYY年MM月）"


def parse_period(text: str, *, year_alone: bool = False) -> int | Refusal:
    """A period as written -> its month index (``12*year + month``).

    Accepted (cli.md "Import"; issue 9): ``2026-11``, ``2026/11``, ``2026-11-30``, ``2026/11/30``,
    ``2026-11-30 00:00:00``, ``2026年11月``, ``2026年11月30日``, ``202611``, ``20261130``, with full-width
    digits and stray spaces; with ``year_alone`` (population, reported once a year) also ``2025`` or
    ``2025年``, meaning that year's December. Refused, each with its reason: a month written as a number
    (``2026.1``: Excel turned 2026.10 into it), a day or month that does not exist (``2025-02-30``,
    ``2025-13``, ``0000-01``), a year before 1950. Months after the current one are refused by
    :func:`period_refusal`, not here (the check applies it once per file).
    """
    if text.strip() == "":
        return Refusal("is empty", "为空")
    refusal = _control_refusal(text, "period", "统计期")
    if refusal:
        return refusal
    key = re.sub(r"\s*([-/.年月日:])\s*", r"\1", unicodedata.normalize("NFKC", text).strip())
    key = _SPACE.sub(" ", key)
    if _NUMBER_LIKE.fullmatch(key):
        return Refusal(
            f"'{text}' is a number, not a month (Excel turns 2026.10 into 2026.1); type the month as text, e.g. 2026-10",
            f"“{text}”是数字而不是月份（Excel 会把 2026.10 变成 2026.1），请以文本输入月份，如 2026-10",
        )
    if re.fullmatch(r"[1-9][0-9]{4}(?:\.[0-9]+)?", key):  # 46357: a date cell shown as its serial number
        return Refusal(
            f"'{text}' is a number, not a month (it looks like an Excel date serial number); type the month as text, e.g. 2026-11",
            f"“{text}”是数字而不是月份（像是 Excel 日期的序号），请以文本输入月份，如 2026-11",
        )
    year_match = _YEAR.fullmatch(key)
    if year_match:
        if year_alone:
            return _month(text, int(year_match.group(1)), 12, None)
        return Refusal(
            f"'{text}' is a year, not a month {PERIOD_FORMAT}",
            f"“{text}”是年份而不是月份{PERIOD_FORMAT_ZH}",
        )
    for form in _PERIOD_FORMS:
        match = form.fullmatch(key)
        if match:
            day = match.groupdict().get("d")
            return _month(text, int(match.group("y")), int(match.group("m")), int(day) if day else None)
    return Refusal(f"'{text}' is not a month {PERIOD_FORMAT}", f"“{text}”不是月份{PERIOD_FORMAT_ZH}")


def _month(text: str, year: int, month: int, day: int | None) -> int | Refusal:
    if not 1 <= month <= 12:
        return Refusal(f"'{text}' has no month {month} (months are 1 to 12)", f"“{text}”中没有第{month}月（月份为1至12）")
    if year < 1950:
        return Refusal(
            f"'{text}' is not a month of this campaign (year {year}); check the year",
            f"“{text}”不是本次扩面工作的月份（{year}年），请检查年份",
        )
    if day is not None:
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            return Refusal(
                f"'{text}' is not a date: {year}-{month:02d} has {days} days",
                f"“{text}”不是有效日期：{year}年{month}月只有{days}天",
            )
    return 12 * year + month


def future_refusal(text: str, month: int, latest: int) -> Refusal:
    """The reason a month after the current one is refused (issue 10 point 5)."""
    return Refusal(
        f"'{text}' is after the current month ({period_label(latest)}); figures stand at a month's end",
        f"“{text}”晚于当前月份（{period_label(latest)}），统计数应为已结束月份的月末数",
    )


def early_warning(text: str, month: int) -> Refusal:
    """The warning on a month long before the campaign (accepted)."""
    start = period_label(CAMPAIGN_START)
    return Refusal(
        f"'{text}' ({period_label(month)}) is before the campaign ({start}); accepted, check the year",
        f"“{text}”（{period_label(month)}）早于扩面工作开始（{start}），已接收，请核对年份",
    )


# --------------------------------------------------------------------------- counts

_COUNT = re.compile(r"[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+")
_NEGATIVE = re.compile(r"-(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)")
_FRACTION = re.compile(r"-?[0-9]*\.[0-9]+|-?[0-9]+\.")
LARGEST_COUNT = 10**15 - 1  # no count of persons comes near it; above 2**53 a float would not hold it


def parse_count(text: str) -> int | Refusal:
    """A count of persons as written -> the number.

    A count is written in the digits 0-9 (full-width ０-９ read as such), optionally grouped by
    thousands (``1,234``), nothing else (issue 10 point 2: ``1e3``, ``0x10``, ``+5``, ``5.0``, ``١٢``
    are refused, each saying what was found); metrics.md §2: negative or not whole is refused.
    """
    if text == "":
        return Refusal("is empty", "为空")
    refusal = _control_refusal(text, "count", "人数")
    if refusal:
        return refusal
    key = text.translate(_FULL_WIDTH).strip()
    if _COUNT.fullmatch(key):
        value = int(key.replace(",", ""))
        if value > LARGEST_COUNT:
            return Refusal(f"{text} is too large", f"{text} 过大")
        return value
    if _NEGATIVE.fullmatch(key):
        return Refusal(f"{text} is negative", f"{text} 为负数")
    if _FRACTION.fullmatch(key):
        whole = re.fullmatch(r"-?[0-9]+\.0*", key)
        if whole:
            return Refusal(
                f"'{text}' is not a whole number written in digits (a count has no decimal point: write {key.split('.')[0]})",
                f"“{text}”不是用数字写的整数（人数不带小数点：应写作 {key.split('.')[0]}）",
            )
        return Refusal(f"'{text}' is not a whole number", f"“{text}”不是整数")
    return Refusal(
        f"'{visible(text)}' is not a whole number (write a count in the digits 0-9, e.g. 1234 or 1,234)",
        f"“{visible(text)}”不是整数（人数应以数字0-9书写，如 1234 或 1,234）",
    )


_FULL_WIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "，": ",", "－": "-", "．": "."})


# --------------------------------------------------------------------------- schemes

SCHEME_NAMES: dict[str, str] = {
    "employee": "employee",
    "public": "public",
    "resident": "resident",
    "企业职工": "employee",
    "城镇职工": "employee",
    "企业职工养老保险": "employee",
    "城镇职工养老保险": "employee",
    "企业职工基本养老保险": "employee",
    "城镇企业职工基本养老保险": "employee",
    "城镇职工基本养老保险": "employee",
    "企业养老保险": "employee",
    "企保": "employee",
    "机关事业": "public",
    "机关事业单位": "public",
    "机关事业单位养老保险": "public",
    "机关事业单位基本养老保险": "public",
    "机关事业单位工作人员基本养老保险": "public",
    "机保": "public",
    "城乡居民": "resident",
    "城乡居民养老保险": "resident",
    "城乡居民基本养老保险": "resident",
    "居保": "resident",
}
SCHEMES_ACCEPTED = (
    "employee, public, resident or 企业职工, 城镇职工, 机关事业, 城乡居民, their full names"
    " (e.g. 城乡居民基本养老保险) or 企保, 机保, 居保"
)
SCHEMES_ACCEPTED_ZH = "employee、public、resident 或 企业职工、城镇职工、机关事业、城乡居民及其全称（如 城乡居民基本养老保险）或 企保、机保、居保"


def parse_scheme(text: str) -> str | Refusal:
    """A scheme as written -> ``employee``, ``public`` or ``resident`` (metrics.md §2; issue 9: the
    full names and the short ones offices use, with stray spaces, in any case for the English ones)."""
    if text == "":
        return Refusal("is empty", "为空")
    key = compact(text)
    scheme = SCHEME_NAMES.get(key) or SCHEME_NAMES.get(key.lower())
    if scheme:
        return scheme
    if key in ("合计", "小计", "总计", "共计"):  # a region's total over its schemes, under its scheme rows
        return Refusal(
            f"'{visible(text)}' is a total of the schemes, not a scheme; delete the total rows (their persons are in the scheme rows)",
            f"“{visible(text)}”是各险种的合计而不是险种；请删除合计行（其人数已在各险种行中）",
        )
    return Refusal(
        f"'{visible(text)}' is not a scheme ({SCHEMES_ACCEPTED})", f"“{visible(text)}”不是险种（应为 {SCHEMES_ACCEPTED_ZH}）"
    )


# --------------------------------------------------------------------------- groups and actions

_NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
_NUMBER = r"(?:[0-9]{1,2}|[一二三四五六七八九十])"
_ORDINAL = re.compile(rf"第?(?P<n>{_NUMBER})类?")
_ENUMERATOR = re.compile(
    rf"(?:\((?P<a>{_NUMBER})\)|第(?P<b>{_NUMBER})类[:、.]?|(?P<c>{_NUMBER})(?:[、.:]|是|类[:、.]?))"
)
_ELLIPSIS = re.compile(r"(?:…|\.{3,}|⋯)+$")


def _number(text: str) -> int:
    return _NUMERALS[text] if text in _NUMERALS else int(text)


def parse_category(text: str, names: dict[str, int], count: int, what: str, what_zh: str, example: str) -> int | Refusal:
    """A key group or action as written -> its id (pool.md "Groups", "Actions"; issue 9).

    ``names`` maps every accepted name to its id (:func:`metrics.registry.category_names`). Read: the
    number (``4``, ``04``, ``第四类``, ``4类``, ``四``), a name, or a name behind an enumerator as work
    plans write them (``（一）个体工商户…``, ``一、精准宣传动员一批``, ``六是政府帮扶兜底一批``); a name cut
    short with an ellipsis matches the one name it begins. An enumerator and a name that disagree
    are refused, as is anything else.
    """
    if text == "":
        return Refusal("is empty", "为空")
    hint = Refusal(
        f"'{visible(text)}' is not {what} (1 to {count}, or its name, e.g. {example})",
        f"“{visible(text)}”不是{what_zh}（应为1至{count}，或其名称，如 {example}）",
    )
    key = compact(text)
    ordinal = _ORDINAL.fullmatch(key)
    if ordinal:
        number = _number(ordinal.group("n"))
        return number if 1 <= number <= count else hint
    found = _by_name(key, names)
    if found is not None:
        return found
    enumerator = _ENUMERATOR.match(key)
    if not enumerator:
        return hint
    number = _number(next(g for g in enumerator.groups() if g))
    rest = key[enumerator.end() :]
    by_name = _by_name(rest, names)
    if by_name is None or not 1 <= number <= count:
        return hint
    if by_name != number:
        return Refusal(
            f"'{text}' is numbered {number} but names {what} {by_name}; correct one of them",
            f"“{text}”的序号为{number}，名称却是第{by_name}项{what_zh}，请更正其一",
        )
    return number


def _by_name(key: str, names: dict[str, int]) -> int | None:
    if key in names or key.lower() in names:
        return names.get(key, names.get(key.lower()))
    cut = _ELLIPSIS.sub("", key)
    if len(cut) < 2:
        return None
    ids = {id_ for name, id_ in names.items() if len(name) >= 2 and not name.isdigit() and name.startswith(cut)}
    return ids.pop() if len(ids) == 1 else None


# --------------------------------------------------------------------------- tasks in persons (issue 13 point 3)

_YEAR_TEXT = re.compile(r"(?P<y>[0-9]{4})(?:年(?:度)?)?")


def parse_year(text: str) -> int | Refusal:
    """A task year as written -> the year (``2026``, ``2026年``, ``2026年度``, full-width digits).

    Refused: anything else, a year before 1950, a year after next year (a year's tasks are handed down at
    its start, at the earliest in the December before: ``KUOMIAN_TODAY`` pins today).
    """
    if text.strip() == "":
        return Refusal("is empty", "为空")
    refusal = _control_refusal(text, "year", "年度")
    if refusal:
        return refusal
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    match = _YEAR_TEXT.fullmatch(key)
    if not match:
        return Refusal(
            f"'{visible(text)}' is not a year (write it as 2026 or 2026年)",
            f"“{visible(text)}”不是年度（应写作 2026 或 2026年）",
        )
    year = int(match.group("y"))
    if year < 1950:
        return Refusal(
            f"'{text}' is not a year of this campaign ({year}); check the year",
            f"“{text}”不是本次扩面工作的年度（{year}年），请检查年份",
        )
    latest = today().year + 1
    if year > latest:
        return Refusal(
            f"'{text}' is after next year ({latest}); tasks are handed down for the current or the next year",
            f"“{text}”晚于下一年度（{latest}年）；任务只能下达本年度或下一年度",
        )
    return year


def parse_task_kind(text: str) -> str | Refusal:
    """A task kind as written -> its key (``new_insured``, ``new_employee``, ``resident_paid``): the key, the
    Chinese name (新增参保人数, 新增职工养老保险缴费人数, 城乡居民缴费人数), a short form a plan uses, or the
    English name in any case (metrics.tasks.TASK_KINDS; docs/metrics.md, "Tasks in persons")."""
    from metrics.tasks import TASK_KIND_NAMES

    if text == "":
        return Refusal("is empty", "为空")
    names = {compact(name).lower(): kind for name, kind in TASK_KIND_NAMES.items()}
    found = names.get(compact(text).lower())
    if found:
        return found
    return Refusal(
        f"'{visible(text)}' is not a task kind (new_insured, new_employee, resident_paid or"
        " 新增参保人数, 新增职工养老保险缴费人数, 城乡居民缴费人数)",
        f"“{visible(text)}”不是任务类型（应为 新增参保人数、新增职工养老保险缴费人数、城乡居民缴费人数"
        " 或 new_insured、new_employee、resident_paid）",
    )
