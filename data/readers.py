"""The reading layer: bytes on disk -> a table of text cells with canonical column names and ``_row``.

What comes out of :func:`read_table` / :func:`read_upload` is a DataFrame of text (``str``) cells: ``_row``
(the spreadsheet row number as a user counts it), then the kind's canonical columns, then its optional
ones (filled with "" where the file has none). ``frame.attrs["notes"]`` lists what the reading did that
the import summary should say (a 合计 row skipped, which sheet was read). Checking the values is
:func:`data.importer.check`'s job; reading refuses only what cannot be read as a table, with
:class:`data.problems.ImportRefused` (issues 9 and 10).

What a file is comes from its bytes, not its name: CSV text (UTF-8 with or without BOM, else GB18030,
each strictly: a byte that fits neither is refused with its line), an Office Open XML workbook
(``.xlsx``/``.xlsm``, read by the streaming parser of :mod:`data.xlsx_reader`, which never trusts the sheet's ``<dimension>``
record), an old ``.xls`` or an ``.ods`` (read with python-calamine). Everything else (HTML saved as
``.xlsx``, encrypted or Strict Open XML workbooks, UTF-16 text, other zips, random bytes) is refused in one
line saying what the file is and what to do.

Layouts read (docs/import.md): a header anywhere in the first :data:`HEADER_SEARCH_ROWS` non-empty rows
(title and 填报单位 lines above it, a 填表人 footer below), headers with units, line breaks, full-width
brackets or stray spaces; 合计/小计/总计 rows without a region code (skipped, and said so); cells merged
down over several rows (filled down); the wide layout of snapshots (one row per township, a column group per
scheme under a two-row header), unpivoted to one row per (township, scheme).

Every input is read in bounded memory and time: the limits are the constants below, and each refusal
states the limit it hit.
"""

from __future__ import annotations

import bisect
import csv
import io
import os
import re
import stat
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data.problems import ImportRefused, Problem

if TYPE_CHECKING:
    from data.importer import Kind

# --------------------------------------------------------------------------- limits (issue 10, point 3)

#: Largest file read, CLI and dashboard alike. The benchmark's province (540,000 snapshot rows, 120 months
#: of 1,500 townships) is a 21 MB CSV; a monthly report is a few hundred kilobytes.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: Columns read: a report has 6 to 20; the wide layout about 16.
MAX_COLUMNS = 200
#: Characters in one cell (the csv module's own default limit).
MAX_CELL_CHARS = 131_072
#: Rows of a workbook sheet (the row number of its last row); a year of a province's townships is ~55,000.
MAX_WORKBOOK_ROWS = 100_000
#: Lines of a CSV file (blank ones too): the benchmark's province is 540,001.
MAX_CSV_LINES = 2_000_000
#: Bytes decompressed from a workbook (all its parts together), whatever its parts declare.
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024
#: The header is looked for in the first this many non-empty rows.
HEADER_SEARCH_ROWS = 30

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
TEXT_SUFFIXES = (".csv",)
SUFFIXES = TEXT_SUFFIXES + WORKBOOK_SUFFIXES


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB"


# --------------------------------------------------------------------------- header names

#: Other spellings of canonical columns seen in offices' files (after :func:`header_key`).
ALIASES: dict[str, tuple[str, ...]] = {
    "period": ("统计期间", "统计月份", "报告期", "统计时间", "月份", "期别"),
    "region_code": ("统计用区划代码", "行政区划代码", "区划编码", "代码"),
    "region_name": ("区划名称", "乡镇(街道)", "乡镇名称", "乡镇(街道)名称", "街道(乡镇)", "单位名称", "地区", "乡镇", "单位"),
    "scheme": ("险种名称", "险种类型", "保险类型"),
    "insured": ("参保人数",),
    "receiving": ("领取待遇人数", "待遇领取人数", "领取养老金人数", "离退休人数"),
    "paid": ("实际缴费人数", "缴费人数"),
}
#: The column kinds a name column maps to where the kind has ``region_name`` (facts, not regions).
NAME_COLUMN = "region_name"

#: Group headers of the wide layout (what :data:`data.importer.SCHEME_NAMES` reads, short forms too).
SCHEME_LABELS = (
    "employee", "public", "resident",
    "企业职工", "城镇职工", "企业职工养老保险", "城镇职工养老保险", "企业职工基本养老保险", "城镇职工基本养老保险", "企保",
    "机关事业", "机关事业单位", "机关事业单位养老保险", "机关事业单位基本养老保险", "机保",
    "城乡居民", "城乡居民养老保险", "城乡居民基本养老保险", "居保", "城居保",
)  # fmt: skip

_UNIT = re.compile(r"\((?:单位[:：]?)?(?:人|人数)\)$")  # persons only: a header in 万人 is not read as persons
_SPACE = re.compile(r"\s+")


def header_key(text: str) -> str:
    """A header as compared: NFKC (full-width -> ASCII), no spaces or line breaks, no trailing unit
    (``参保人数（人）`` -> ``参保人数``), English in lower case."""
    key = _SPACE.sub("", unicodedata.normalize("NFKC", str(text).replace("\ufeff", "")))
    return _UNIT.sub("", key).lower()


def _header_map(kind: Kind) -> dict[str, str]:
    """Header key -> canonical column, for every column the kind reads."""
    columns = [*kind.columns, *_optional(kind)]
    mapping: dict[str, str] = {}
    for column in columns:
        for alias in ALIASES.get(column, ()):
            mapping.setdefault(header_key(alias), column)
    for chinese, column in kind.chinese.items():  # the kind's own headers come first
        mapping[header_key(chinese)] = column
    for column in columns:
        mapping[header_key(column)] = column
    return mapping


def _optional(kind: Kind) -> tuple[str, ...]:
    return tuple(getattr(kind, "optional", ()))


def _required(kind: Kind) -> list[str]:
    optional = set(_optional(kind))
    return [column for column in kind.columns if column not in optional]


def _output_columns(kind: Kind) -> list[str]:
    return [*kind.columns, *(c for c in _optional(kind) if c not in kind.columns)]


def _column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --------------------------------------------------------------------------- entry points


def read_table(path: Path | str, kind: Kind, sheet: str | None = None, source: str | None = None) -> pd.DataFrame:
    """The rows of the file at ``path`` as text: ``_row`` then the canonical columns (see the module).

    Only a regular file is read (a directory, a FIFO, a device or a symlink to one is refused before it is
    opened), and at most :data:`MAX_FILE_BYTES` of it. Raises :class:`ImportRefused`.
    """
    path = Path(path)
    source = source or str(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise _refuse(source, "file", _UNKNOWN_SUFFIX.format(suffix=path.suffix), _UNKNOWN_SUFFIX_ZH.format(suffix=path.suffix))
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise _refuse(source, "file", "no such file", "文件不存在") from None
    except OSError as error:
        raise _refuse(source, "file", f"cannot be opened ({error.strerror})", f"无法打开（{error.strerror}）") from None
    if stat.S_ISDIR(info.st_mode):
        raise _refuse(source, "file", "is a directory, not a file", "这是一个文件夹，不是文件")
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(source, "file", "is not a regular file (a device, a pipe or a socket)", "不是普通文件（设备、管道或套接字）")
    _check_size(info.st_size, source)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise _refuse(source, "file", f"cannot be read ({error.strerror})", f"无法读取（{error.strerror}）") from None
    _check_size(len(data), source)
    return read_bytes(data, path.name, kind, sheet, source)


def read_upload(data: bytes, name: str, kind: Kind, sheet: str | None = None) -> pd.DataFrame:
    """As :func:`read_table`, for bytes uploaded through the dashboard (``name`` is the file's name)."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise _refuse(name, "file", _UNKNOWN_SUFFIX.format(suffix=suffix), _UNKNOWN_SUFFIX_ZH.format(suffix=suffix))
    _check_size(len(data), name)
    return read_bytes(data, name, kind, sheet, name)


def sheet_names(data: bytes) -> list[str]:
    """The sheets of a workbook's bytes, in order (empty for text or an unreadable file)."""
    try:
        if data.startswith(b"PK\x03\x04"):
            archive = zipfile.ZipFile(io.BytesIO(data))
            if "xl/workbook.xml" in archive.namelist():
                from data.xlsx_reader import XlsxReader

                return [name for name, _, _ in XlsxReader(archive, "upload", []).sheets]
        if data.startswith(b"PK\x03\x04") or data.startswith(_OLE):
            from data import calamine_child

            return [name for name, _ in calamine_child.read(data, "?", MAX_WORKBOOK_ROWS, MAX_COLUMNS).get("sheets", [])]
    except Exception:  # noqa: BLE001 - not a workbook: the preview says what it is
        return []
    return []


_NOTES_ZH = (
    (re.compile(r"^row (\d+): (.+) row skipped \(a total without a region code\)$"), "第 {0} 行：{1}行已跳过（没有区划代码的合计行）"),
    (re.compile(r"^row (\d+): footer line skipped$"), "第 {0} 行：表尾行已跳过"),
    (re.compile(r"^rows (\d+-\d+): a column group per scheme \((.+)\); read as one row per scheme$"), "第 {0} 行：每个险种一组列（{1}），已按每个险种一行读取"),
    (re.compile(r"^row (\d+): (.+) left empty; no .+ row read$"), "第 {0} 行：{1}未填写，未读取该险种"),
    (re.compile(r"^read sheet '(.+)' \(the first sheet is hidden\)$"), "读取了工作表“{0}”（第一个工作表已隐藏）"),
    (re.compile(r"^read sheet '(.+)' \(the sheet holding the table\)$"), "读取了工作表“{0}”（包含报表的工作表）"),
    (re.compile(r"^the file is an old Excel 97-2003 workbook \(\.xls\) named (.+); read as \.xls$"), "该文件是改名为 {0} 的旧版 Excel 97-2003 工作簿（.xls），已按 .xls 读取"),
    (re.compile(r"^the values are separated by tabs; read as tab-separated text$"), "数值以制表符分隔，已按制表符分隔文本读取"),
    (re.compile(r"^the file is an (\.xlsx|\.ods) (?:workbook|spreadsheet) named (.+); read as .+$"), "该文件是改名为 {1} 的 {0} 工作簿，已按 {0} 读取"),
)


def note_zh(note: str) -> str:
    """A reading note (:func:`notes_of`) in Chinese, for the dashboard; the English where none fits."""
    for pattern, chinese in _NOTES_ZH:
        match = pattern.match(note)
        if match:
            return chinese.format(*match.groups())
    return note


def notes_of(frame: pd.DataFrame) -> list[str]:
    """What reading the file did that its import summary says (``frame.attrs["notes"]``)."""
    return list(frame.attrs.get("notes", []))


_UNKNOWN_SUFFIX = "'{suffix}' files are not read; use .csv, .xlsx, .xls or .ods"
_UNKNOWN_SUFFIX_ZH = "不能读取“{suffix}”文件；请使用 .csv、.xlsx、.xls 或 .ods"


def _refuse(source: str, field_name: str, reason: str, reason_zh: str = "", row: int = 1) -> ImportRefused:
    return ImportRefused(source, [Problem(row, field_name, reason, reason_zh)])


def _check_size(size: int, source: str) -> None:
    if size > MAX_FILE_BYTES:
        raise _refuse(
            source,
            "file",
            f"is larger than {_mib(MAX_FILE_BYTES)}, more than a report can be; split it (e.g. one file per month)",
            f"文件超过 {_mib(MAX_FILE_BYTES)}，超出报表应有的大小；请拆分（例如每月一个文件）",
        )


# --------------------------------------------------------------------------- what the bytes are

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_bytes(data: bytes, name: str, kind: Kind, sheet: str | None, source: str) -> pd.DataFrame:
    """Read ``data`` as what its bytes are (see the module docstring); ``name`` gives only the suffix."""
    suffix = Path(name).suffix.lower()
    if not data:
        raise _refuse(source, "file", "is empty (0 bytes); export the report again", "文件是空的（0 字节）；请重新导出报表")
    notes: list[str] = []
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06", _OLE)):
        reader = _read_zip if data.startswith(b"PK") else _read_ole
        try:
            grid = reader(data, suffix, sheet, source, notes, kind)
        except ImportRefused:
            raise
        except Exception as error:  # noqa: BLE001 - whatever a damaged workbook does, a person reads one line
            raise _damaged(source, type(error).__name__) from None
        return _finish(_tabulate(grid, kind, source, notes), notes)
    what = _text_kind(data)
    if what is not None:
        reason, reason_zh = what
        raise _refuse(source, "file", reason, reason_zh)
    if suffix in WORKBOOK_SUFFIXES:
        sample = data[:4096]
        if b"\x00" in sample or _decode(sample[:4000], source, probe=True) is None:
            raise _refuse(
                source, "file",
                f"is not a workbook: its bytes are neither .xlsx, .xls, .ods nor text (named {suffix}); export the report again",
                f"不是工作簿：文件内容既不是 .xlsx、.xls、.ods，也不是文本（文件名为 {suffix}）；请重新导出报表",
            )  # fmt: skip
        raise _refuse(
            source, "file",
            f"is a text (CSV) file named {suffix}, not a workbook; rename it .csv, or open it in Excel/WPS and save as .xlsx",
            f"这是改名为 {suffix} 的文本（CSV）文件，不是工作簿；请改名为 .csv，或用 Excel/WPS 打开后另存为 .xlsx",
        )  # fmt: skip
    return _finish(_read_csv(data, kind, source, notes), notes)


def _text_kind(data: bytes) -> tuple[str, str] | None:
    """What a file that is neither zip nor OLE2 is, where it is no CSV: (reason, Chinese reason) or None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data[:4096]):
        return (
            "is UTF-16 text (Excel's 'Unicode text'); save it as 'CSV UTF-8' or as .xlsx",
            "这是 UTF-16 文本（Excel 的“Unicode 文本”）；请另存为“CSV UTF-8”或 .xlsx",
        )
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%pdf"):
        return "is a PDF document, not a table; ask for the spreadsheet itself", "这是 PDF 文档，不是表格；请索取电子表格原件"
    if head.startswith(b"<"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in data[:8192]:
            return (
                "is an 'XML Spreadsheet 2003' file, not a workbook; open it in Excel/WPS and save as .xlsx",
                "这是“XML 电子表格 2003”文件，不是工作簿；请用 Excel/WPS 打开后另存为 .xlsx",
            )
        if b"<html" in head or b"<table" in head or b"<!doctype html" in head or b"<meta" in head:
            return (
                "is an HTML page (a web table saved under a spreadsheet's name), not a workbook; "
                "open it in Excel/WPS and save as .xlsx",
                "这是网页（HTML 表格改了表格文件的名字），不是工作簿；请用 Excel/WPS 打开后另存为 .xlsx",
            )
        return "is an XML or HTML document, not a table; export the report as .xlsx or .csv", "这是 XML/HTML 文档，不是表格；请导出为 .xlsx 或 .csv"
    return None


def _looks_utf16(sample: bytes) -> bool:
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    return even.count(0) > len(even) * 0.3 or odd.count(0) > len(odd) * 0.3


# --------------------------------------------------------------------------- CSV


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _decode(data: bytes, source: str, probe: bool = False) -> str | None:
    """The text of a CSV file: UTF-8 (with or without BOM), else GB18030, each strictly, decided for the
    whole file. A file that is UTF-8 but for a few bytes is not re-read as GB18030 (that would rename every
    Chinese name to mojibake, issue 10 point 4): the first such byte is refused with its line."""
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        utf8_error = error
    if probe:
        try:
            return body.decode("gb18030")
        except UnicodeDecodeError:
            return None
    non_ascii = sum(1 for byte in body if byte >= 0x80) if len(body) < 1 << 16 else _count_non_ascii(body)
    utf8_bytes = sum(len(match) for match in _UTF8_MULTIBYTE.findall(body))
    if data.startswith(b"\xef\xbb\xbf") or utf8_bytes * 2 > non_ascii:
        _refuse_mixed(body, source)
        raise _bad_byte(body, utf8_error.start, "UTF-8", source)
    try:
        text = body.decode("gb18030")
    except UnicodeDecodeError as error:
        raise _bad_byte(body, error.start, "GB18030", source) from None
    _refuse_mixed(body, source)
    return text


def _refuse_mixed(body: bytes, source: str) -> None:
    """A GB18030 file some of whose lines are UTF-8 (two files pasted together): GB18030 would read those lines
    as other characters without an error. A line of Chinese text in GB18030 is almost never valid UTF-8 as
    well (about one line in 10,000 for four characters), so a line that is, after one that is not, is refused."""
    first: tuple[int, str] | None = None
    for number, line in enumerate(body.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            encoding = "UTF-8"
        except UnicodeDecodeError:
            try:
                line.decode("gb18030")
                encoding = "GB18030"
            except UnicodeDecodeError:
                continue  # a byte that fits neither: said by its line, after this
        if first is None:
            first = (number, encoding)
        elif encoding != first[1]:
            raise _refuse(
                source, "file",
                f"line {number} is {encoding} text but line {first[0]} is {first[1]} (two encodings in one file); "
                "save the whole file again as 'CSV UTF-8'",
                f"第 {number} 行是 {encoding} 编码，而第 {first[0]} 行是 {first[1]} 编码（一个文件里有两种编码）；请把整个文件另存为“CSV UTF-8”",
                row=number,
            )  # fmt: skip


def _count_non_ascii(body: bytes) -> int:
    return len(body) - len(body.translate(None, bytes(range(0x80, 0x100))))


def _bad_byte(body: bytes, position: int, encoding: str, source: str) -> ImportRefused:
    line = body.count(b"\n", 0, position) + 1
    byte = body[position]
    return _refuse(
        source, "file",
        f"the byte 0x{byte:02X} at line {line} is not {encoding} text (the rest of the file is); "
        "open the file, fix or retype that line and save it as 'CSV UTF-8'",
        f"第 {line} 行的字节 0x{byte:02X} 不是 {encoding} 文本（文件其余部分是）；请打开文件修改或重新输入该行，另存为“CSV UTF-8”",
        row=line,
    )  # fmt: skip


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same bytes: in UTF-8 and GB18030 alike they are never part of another character.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _read_csv(data: bytes, kind: Kind, source: str, notes: list[str]) -> pd.DataFrame:
    text = _decode(data, source)
    lines = text.count("\n") if len(text) > MAX_CSV_LINES else 0
    if len(text) > MAX_CSV_LINES and "\r" in text:
        lines += text.count("\r") - text.count("\r\n")  # old Mac line ends
    if lines > MAX_CSV_LINES:
        raise _refuse(
            source, "file",
            f"has {lines:,} lines; at most {MAX_CSV_LINES:,} are read (split the file, e.g. one file per year)",
            f"文件有 {lines:,} 行；最多读取 {MAX_CSV_LINES:,} 行（请拆分文件，例如每年一个文件）",
        )  # fmt: skip
    if not text.strip():
        return _tabulate(Grid([]), kind, source, notes)
    sample = text[:8192]
    if sample.count("\t") > sample.count(","):  # Excel's "Text (tab delimited)" saved as .csv
        notes.append("the values are separated by tabs; read as tab-separated text")
        return _tabulate(_csv_grid(text, source, "\t"), kind, source, notes)
    try:
        header = next(csv.reader(_lines(text), skipinitialspace=True))
    except csv.Error as error:
        raise _refuse(source, "file", f"line 1 cannot be read as CSV ({error})", f"第 1 行无法按 CSV 读取（{error}）") from None
    if len(header) > MAX_COLUMNS and any(cell.strip() for cell in header[MAX_COLUMNS:]):
        raise _too_wide(source, 1, len(header))
    mapped = _match_header(header, kind)
    if mapped.complete and not mapped.duplicates and not _CONTROL_BYTES.search(data):
        frame = _read_csv_fast(text, header)
        if frame is not None:
            return _from_fast_frame(frame, mapped, kind, source, notes, text)
    return _tabulate(_csv_grid(text, source), kind, source, notes)


def _csv_grid(text: str, source: str, delimiter: str = ",") -> Grid:
    """Every non-empty record of the CSV with its line number (the spreadsheet row of a user)."""
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), skipinitialspace=True, delimiter=delimiter)
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            line = reader.line_num
            if "field larger than field limit" in str(error):
                raise _refuse(
                    source, "file",
                    f"a cell is longer than {MAX_CELL_CHARS:,} characters, more than a report holds (an unclosed quote?)",
                    f"有单元格超过 {MAX_CELL_CHARS:,} 个字符，超出报表应有的长度（引号未闭合？）",
                    row=line,
                ) from None  # fmt: skip
            raise _refuse(source, "file", f"line {line} cannot be read as CSV ({error})", f"第 {line} 行无法按 CSV 读取（{error}）", row=line) from None
        number += 1
        if len(record) > MAX_COLUMNS and any(cell.strip() for cell in record[MAX_COLUMNS:]):
            raise _too_wide(source, number, len(record))
        if any(cell.strip() for cell in record):
            rows.append((number, [cell.strip() for cell in record]))
    return Grid(rows, strict_width=True)


def _too_wide(source: str, row: int, width: int) -> ImportRefused:
    return _refuse(
        source, "file",
        f"row {row} has {width:,} columns; at most {MAX_COLUMNS} are read (delete the empty columns on the right)",
        f"第 {row} 行有 {width:,} 列；最多读取 {MAX_COLUMNS} 列（请删除右侧的空列）",
        row=row,
    )  # fmt: skip


def _from_fast_frame(frame: pd.DataFrame, mapped: HeaderMatch, kind: Kind, source: str, notes: list[str], text: str) -> pd.DataFrame:
    """The fast path's frame (header on row 1, no duplicate headers) under canonical names."""
    width = len(frame.columns)
    out = pd.DataFrame(index=frame.index)
    for column in _output_columns(kind):
        index = mapped.columns.get(column)
        out[column] = frame.iloc[:, index].str.strip() if index is not None and index < width else ""
    out = out[(out != "").any(axis=1)]  # blank lines are not rows
    out.insert(0, "_row", out.index.astype("int64"))
    out = out.reset_index(drop=True)
    if any(word in text for word in _TOTAL_WORDS + _FOOTER_WORDS):
        out = _drop_totals(out, kind, notes)
    return _normalise(out, kind, source, text.isascii(), scanned=True)


def _read_csv_fast(text: str, header: list[str]) -> pd.DataFrame | None:
    """The file read by pyarrow's CSV reader (about 0.1 s for 540,000 rows), or failing that pandas' C parser
    (0.3 s), as the csv module would read it (2 s); ``None`` where neither can, and the csv module reads it.

    Both read the header row as data (pandas with ``header=None``: with ``header=0`` it would silently shift or
    drop the columns of a file whose every row has one value more than the header), so a row longer than the
    header is an error here, and a row shorter than it gets empty values, as in the csv module's reading.
    """
    if not header:
        return None
    cells = None
    if ' "' not in text:  # pyarrow does not skip the spaces before a quoted value, as the csv module does
        cells = _read_csv_arrow(text, len(header))
    if cells is None:
        cells = _read_csv_pandas(text)
    if cells is None or cells.shape[1] != len(header) or len(cells) < 1:
        return None
    if any(cells[column].str.len().max() > MAX_CELL_CHARS for column in cells.columns):
        return None  # the csv module refuses a field that long: the reference path says so
    frame = cells.iloc[1:]
    if frame.isna().any(axis=None):  # pandas gives <NA> for the values missing at the end of a short row
        frame = frame.fillna("")
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    return frame


_NEWLINE = re.compile(r"\r\n|\r|\n")


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their ends, one at a time (reading the header does not copy the file)."""
    start = 0
    for end in _NEWLINE.finditer(text):
        yield text[start : end.end()]
        start = end.end()
    if start < len(text):
        yield text[start:]


def _read_csv_arrow(text: str, width: int) -> pd.DataFrame | None:
    from pyarrow import csv as pa_csv

    try:
        table = pa_csv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True, use_threads=False),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except Exception:  # a row wider or narrower than the first, an open quote...: the next reader tries
        return None
    if table.num_columns != width or any(not pa.types.is_string(t) for t in table.schema.types):
        return None
    return table.to_pandas()


def _read_csv_pandas(text: str) -> pd.DataFrame | None:
    try:
        return pd.read_csv(
            io.StringIO(text), header=None, dtype=str, keep_default_na=False, skip_blank_lines=False,
            skipinitialspace=True,
        )
    except Exception:  # e.g. a row wider than the header: the csv module reads it, and says what is wrong
        return None


# --------------------------------------------------------------------------- the grid: rows as read


@dataclass
class Grid:
    """A sheet as read: its non-empty rows as (row number, cells as text), and its merged ranges
    (first row, first column, last row, last column; rows 1-based, columns 0-based, inclusive)."""

    rows: list[tuple[int, list[str]]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    label: str = ""  # the sheet's name where a workbook has several
    strict_width: bool = False  # a CSV: a row with values beyond the header's columns is refused

    def fill_merged(self) -> None:
        """Give every cell of a merged range the value of its first cell (a period or code merged down over
        its scheme rows; a group header merged across its columns). Only rows that exist are touched."""
        if not self.merged:
            return
        numbers = [number for number, _ in self.rows]
        for first_row, first_col, last_row, last_col in self.merged:
            last_col = min(last_col, MAX_COLUMNS - 1)
            start = bisect.bisect_left(numbers, first_row)
            if start >= len(numbers) or numbers[start] != first_row:
                continue
            top = self.rows[start][1]
            value = top[first_col] if first_col < len(top) else ""
            if value == "":
                continue
            stop = bisect.bisect_right(numbers, last_row)
            for position in range(start, stop):
                cells = self.rows[position][1]
                if len(cells) <= last_col:
                    cells.extend([""] * (last_col + 1 - len(cells)))
                for column in range(first_col, last_col + 1):
                    if cells[column] == "":
                        cells[column] = value


@dataclass
class HeaderMatch:
    columns: dict[str, int]  # canonical -> column index (the first one)
    duplicates: list[tuple[str, int, int]]  # (header text, first column, second column)
    complete: bool
    found: list[str]


def _match_header(cells: list[str], kind: Kind) -> HeaderMatch:
    mapping = _header_map(kind)
    columns: dict[str, int] = {}
    duplicates = []
    for index, cell in enumerate(cells):
        canonical = mapping.get(header_key(cell)) if cell.strip() else None
        if canonical is None:
            continue
        if canonical in columns:
            duplicates.append((cell.strip(), columns[canonical], index))
        else:
            columns[canonical] = index
    complete = all(column in columns for column in _required(kind))
    return HeaderMatch(columns, duplicates, complete, [c.strip() for c in cells if c.strip()])


_COUNTS = ("insured", "receiving", "paid")


def _wide_header(top: list[str], sub: list[str], kind: Kind) -> tuple[dict[str, int], list[tuple[str, dict[str, int]]], list] | None:
    """The wide layout's two header rows: (id columns, [(scheme label, count -> column)], duplicates), or
    None where these two rows are not one."""
    if "scheme" not in kind.columns:
        return None
    mapping = _header_map(kind)
    schemes = {header_key(label) for label in SCHEME_LABELS}
    width = max(len(top), len(sub))
    top = top + [""] * (width - len(top))
    sub = sub + [""] * (width - len(sub))
    ids: dict[str, int] = {}
    groups: dict[str, dict[str, int]] = {}
    labels: dict[str, str] = {}
    duplicates = []
    group = ""
    for index in range(width):
        upper, lower = top[index].strip(), sub[index].strip()
        if upper:
            group = upper if header_key(upper) in schemes else ""
        lower_column = mapping.get(header_key(lower)) if lower else None
        if group and lower_column in _COUNTS:
            key = header_key(group)
            labels.setdefault(key, group)
            counts = groups.setdefault(key, {})
            if lower_column in counts:
                duplicates.append((f"{group} {lower}", counts[lower_column], index))
            else:
                counts[lower_column] = index
            continue
        name = upper or lower
        canonical = mapping.get(header_key(name)) if name else None
        if canonical in ("period", "region_code", NAME_COLUMN) or canonical in _optional(kind):
            if canonical in ids:
                duplicates.append((name, ids[canonical], index))
            else:
                ids[canonical] = index
    if not groups or "region_code" not in ids:
        return None
    if not all(all(count in counts for count in kind.counts) for counts in groups.values()):
        return None
    return ids, [(labels[key], counts) for key, counts in groups.items()], duplicates


_TOTAL_WORDS = ("合计", "小计", "总计", "总计数", "全区", "全县", "全市")
_TOTAL = re.compile(r"^(?:.{0,12}(?:合计|小计|总计)|合\s*计|小\s*计|总\s*计)$")
_FOOTER_WORDS = ("填表人", "填报人", "审核人", "填报日期", "制表人", "制表", "负责人", "联系电话", "注：", "注:", "说明：", "备注")
_FOOTER = re.compile(r"^(?:填表人|填报人|审核人|填报日期|制表人|制表|单位负责人|负责人|统计负责人|联系电话|注[:：]|说明[:：]|备注)")
_ASCII_CODE = re.compile(r"^\d{2,12}$", re.ASCII)


def _skip_reason(cells: list[str], code_index: int | None) -> str | None:
    """Why a data row is not a row: a 合计/小计/总计 row or a footer line without a region code."""
    code = cells[code_index] if code_index is not None and code_index < len(cells) else ""
    if _ASCII_CODE.match(unicodedata.normalize("NFKC", code)):
        return None
    texts = [cell for cell in cells if cell]
    if any(_TOTAL.match(_SPACE.sub("", cell)) for cell in texts):
        label = next(_SPACE.sub("", cell) for cell in texts if _TOTAL.match(_SPACE.sub("", cell)))
        return f"{label} row skipped (a total without a region code)"
    if texts and _FOOTER.match(texts[0]):
        return "footer line skipped"
    return None


_SKIP_ZH = {"footer line skipped": "表尾行已跳过"}


def _tabulate(grid: Grid, kind: Kind, source: str, notes: list[str]) -> pd.DataFrame:
    """The grid as the kind's table: header located, merged cells filled, totals and footers skipped,
    the wide layout unpivoted."""
    grid.fill_merged()
    rows = grid.rows
    best: HeaderMatch | None = None
    best_row = 1
    for position, (number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        match = _match_header(cells, kind)
        if match.complete:
            _refuse_duplicates(match.duplicates, number, source)
            if grid.strict_width:
                _refuse_overlong(rows[position + 1 :], len(cells), source)
            return _long_table(rows[position + 1 :], match.columns, kind, source, notes)
        if position + 1 < len(rows) and rows[position + 1][0] == number + 1:
            wide = _wide_header(cells, rows[position + 1][1], kind)
            if wide is not None:
                ids, groups, duplicates = wide
                _refuse_duplicates(duplicates, number, source)
                missing = [c for c in _required(kind) if c not in ids and c not in ("scheme", *kind.counts)]
                if not missing:
                    notes.append(
                        f"rows {number}-{number + 1}: a column group per scheme ({', '.join(label for label, _ in groups)}); "
                        "read as one row per scheme"
                    )
                    return _wide_table(rows[position + 2 :], ids, groups, kind, source, notes)
        if best is None or len(match.columns) > len(best.columns):
            best, best_row = match, number
    required = _required(kind)
    zh = {column: chinese for chinese, column in kind.chinese.items()}
    have = best.columns if best is not None else {}
    missing = [column for column in required if column not in have]
    wanted = ", ".join(f"{column} ({zh.get(column, column)})" for column in missing)
    found_cells = best.found if best is not None else []
    found = ", ".join(found_cells) or "none"
    raise ImportRefused(
        source,
        [
            Problem(
                best_row,
                "header",
                f"missing column(s) {wanted}; found: {found}",
                f"缺少列 {wanted}；找到的列：{found if found_cells else '无'}",
            )
        ],
    )


def _refuse_overlong(rows, width: int, source: str) -> None:
    """A CSV row with values beyond the header's columns: which value belongs where is not known."""
    overlong = [
        Problem(
            number, "row", f"has {len(cells)} values, the header has {width} columns",
            f"有 {len(cells)} 个值，表头只有 {width} 列",
        )  # fmt: skip
        for number, cells in rows
        if len(cells) > width and any(cells[width:])
    ]
    if overlong:
        raise ImportRefused(source, overlong)


def _refuse_duplicates(duplicates: list[tuple[str, int, int]], row: int, source: str) -> None:
    if not duplicates:
        return
    problems = [
        Problem(
            row,
            "header",
            f"'{text}' appears twice, in columns {_column_letter(first)} and {_column_letter(second)} "
            "(a hidden copy of an earlier month?); delete one of them",
            f"“{text}”出现两次，在第 {_column_letter(first)} 列和第 {_column_letter(second)} 列（是隐藏的上月数据列吗？）；请删除其中一列",
        )
        for text, first, second in duplicates
    ]
    raise ImportRefused(source, problems)


def _long_table(rows, columns: dict[str, int], kind: Kind, source: str, notes: list[str]) -> pd.DataFrame:
    output = _output_columns(kind)
    indexes = [columns.get(column) for column in output]
    code_index = columns.get("region_code", columns.get("code"))
    records = []
    for number, cells in rows:
        reason = _skip_reason(cells, code_index)
        if reason is not None:
            notes.append(f"row {number}: {reason}")
            continue
        width = len(cells)
        records.append([number, *(cells[i] if i is not None and i < width else "" for i in indexes)])
    frame = pd.DataFrame(records, columns=["_row", *output], dtype=object)
    return _normalise(_typed(frame, output), kind, source, False)


def _wide_table(rows, ids: dict[str, int], groups, kind: Kind, source: str, notes: list[str]) -> pd.DataFrame:
    output = _output_columns(kind)
    records = []
    for number, cells in rows:
        reason = _skip_reason(cells, ids.get("region_code"))
        if reason is not None:
            notes.append(f"row {number}: {reason}")
            continue
        width = len(cells)

        def cell(index):
            return cells[index] if index is not None and index < width else ""

        for label, counts in groups:
            values = {column: cell(index) for column, index in ids.items()}
            values["scheme"] = label
            values.update({column: cell(index) for column, index in counts.items()})
            if all(values.get(column, "") == "" for column in kind.counts):
                # A scheme group left empty: no row for that scheme, as in the plain template; said.
                notes.append(f"row {number}: {label} left empty; no {label} row read")
                continue
            records.append([number, *(values.get(column, "") for column in output)])
    frame = pd.DataFrame(records, columns=["_row", *output], dtype=object)
    return _normalise(_typed(frame, output), kind, source, False)


def _typed(frame: pd.DataFrame, output: list[str]) -> pd.DataFrame:
    frame = frame.astype({column: str for column in output}).astype({"_row": "int64"})
    return frame.reset_index(drop=True)


def _drop_totals(frame: pd.DataFrame, kind: Kind, notes: list[str]) -> pd.DataFrame:
    """The fast CSV path's 合计/footer rows, as :func:`_skip_reason` finds them."""
    code_column = "region_code" if "region_code" in frame.columns else "code"
    columns = [c for c in frame.columns if c != "_row"]
    suspects = frame[columns].apply(lambda column: column.str.contains("|".join(_TOTAL_WORDS + _FOOTER_WORDS), regex=True)).any(axis=1)
    if not suspects.any():
        return frame
    keep = pd.Series(True, index=frame.index)
    code_position = columns.index(code_column) if code_column in columns else None  # a kind without codes (the ledger)
    for index in frame.index[suspects]:
        cells = [frame.at[index, c] for c in columns]
        reason = _skip_reason(cells, code_position)
        if reason is not None:
            notes.append(f"row {frame.at[index, '_row']}: {reason}")
            keep[index] = False
    return frame[keep].reset_index(drop=True)


def _arrow(values: pd.Series) -> pa.Array:
    try:
        return pa.array(values.array)  # pandas 3 keeps str columns in Arrow: no copy
    except (pa.ArrowException, TypeError, ValueError):
        return pa.array(values.to_numpy(dtype=object), type=pa.large_string())


def _normalise(frame: pd.DataFrame, kind: Kind, source: str, ascii_only: bool, scanned: bool = False) -> pd.DataFrame:
    """Refuse control characters and over-long cells (unless the whole text was ``scanned`` for them
    already). The values stay as typed: :mod:`data.checks` normalises digits (full-width and other
    scripts) in codes, periods and counts, and its messages quote what the clerk typed."""
    columns = [c for c in frame.columns if c != "_row"]
    problems = []
    for column in columns:
        values = frame[column]
        if len(values) == 0 or (ascii_only and scanned):
            continue
        array = _arrow(values)
        if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
            array = pa.array(values.to_numpy(dtype=object), type=pa.large_string())
        if scanned:
            continue
        bad = pc.match_substring_regex(array, r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]").to_numpy(zero_copy_only=False)
        if bad.any():
            for row, text in zip(frame["_row"][bad], values[bad]):
                character = _CONTROL.search(text).group()
                problems.append(
                    Problem(
                        int(row),
                        column,
                        f"holds the control character U+{ord(character):04X}, which no report contains; retype the cell",
                        f"含有控制字符 U+{ord(character):04X}，报表中不应出现；请重新输入该单元格",
                    )
                )
        long = pc.greater(pc.utf8_length(array), MAX_CELL_CHARS).to_numpy(zero_copy_only=False)
        if long.any():
            problems.extend(
                Problem(
                    int(row), column,
                    f"is longer than {MAX_CELL_CHARS:,} characters, more than a report holds",
                    f"超过 {MAX_CELL_CHARS:,} 个字符，超出报表应有的长度",
                )  # fmt: skip
                for row in frame["_row"][long]
            )
    if problems:
        raise ImportRefused(source, problems)
    return frame


def _finish(frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    frame.attrs["notes"] = list(notes)
    return frame


# --------------------------------------------------------------------------- workbooks: zip (xlsx, ods)


class _Budget:
    """Bytes decompressed so far from one workbook, against :data:`MAX_UNZIPPED_BYTES`."""

    def __init__(self, source: str):
        self.source = source
        self.used = 0

    def take(self, size: int) -> None:
        self.used += size
        if self.used > MAX_UNZIPPED_BYTES:
            raise _refuse(
                self.source, "file",
                f"unpacks to more than {_mib(MAX_UNZIPPED_BYTES)}, more than a report can be (a zip bomb?); export the report again",
                f"解压后超过 {_mib(MAX_UNZIPPED_BYTES)}，超出报表应有的大小（压缩炸弹？）；请重新导出报表",
            )  # fmt: skip


def _damaged(source: str, what: str = "") -> ImportRefused:
    detail = f" ({what})" if what else ""
    return _refuse(
        source, "file",
        f"is a damaged or truncated workbook{detail}; open it in Excel/WPS and save it again, or export it again",
        f"工作簿已损坏或不完整{detail}；请用 Excel/WPS 打开后重新保存，或重新导出",
    )  # fmt: skip


def _read_zip(data: bytes, suffix: str, sheet: str | None, source: str, notes: list[str], kind: Kind) -> Grid:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _damaged(source) from None
    if "xl/workbook.xml" in names or "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        if suffix not in (".xlsx", ".xlsm"):
            notes.append(f"the file is an .xlsx workbook named {suffix}; read as .xlsx")
        from data.xlsx_reader import XlsxReader

        return XlsxReader(archive, source, notes).grid(sheet, kind)
    if "mimetype" in names:
        try:
            mimetype = archive.read("mimetype")[:100]
        except Exception:
            raise _damaged(source) from None
        if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
            _check_declared(archive, source)
            if suffix != ".ods":
                notes.append(f"the file is an .ods spreadsheet named {suffix}; read as .ods")
            return _calamine_grid(data, source, sheet, notes, kind, "ods")
        return _refuse_as(source, "an OpenDocument file that is not a spreadsheet", "不是电子表格的 OpenDocument 文件")
    if "word/document.xml" in names:
        return _refuse_as(source, "a Word document", "Word 文档")
    if "ppt/presentation.xml" in names:
        return _refuse_as(source, "a PowerPoint presentation", "PowerPoint 演示文稿")
    raise _refuse(
        source, "file",
        "is a zip archive, not a workbook; unpack it and import the .xlsx or .csv inside",
        "这是 zip 压缩包，不是工作簿；请解压后导入其中的 .xlsx 或 .csv",
    )  # fmt: skip


def _refuse_as(source: str, what: str, what_zh: str):
    raise _refuse(source, "file", f"is {what}, not a workbook; export the report as .xlsx or .csv", f"这是{what_zh}，不是工作簿；请导出为 .xlsx 或 .csv")


def _check_declared(archive: zipfile.ZipFile, source: str) -> None:
    total = sum(info.file_size for info in archive.infolist())
    _Budget(source).take(total)
    if any(info.flag_bits & 0x1 for info in archive.infolist()):
        raise _encrypted(source)


def _encrypted(source: str) -> ImportRefused:
    return _refuse(
        source, "file",
        "is password-protected (encrypted); open it in Excel/WPS, remove the password (File > Info > Protect Workbook) and save it",
        "工作簿有密码保护（已加密）；请用 Excel/WPS 打开，取消密码（文件 > 信息 > 保护工作簿）后保存",
    )  # fmt: skip



def _has_header(grid: Grid, kind: Kind) -> bool:
    grid.fill_merged()
    rows = grid.rows[:HEADER_SEARCH_ROWS]
    for position, (number, cells) in enumerate(rows):
        if _match_header(cells, kind).complete:
            return True
        if position + 1 < len(rows) and rows[position + 1][0] == number + 1 and _wide_header(cells, rows[position + 1][1], kind):
            return True
    return False


# --------------------------------------------------------------------------- workbooks: OLE2 (xls), ods


def _read_ole(data: bytes, suffix: str, sheet: str | None, source: str, notes: list[str], kind: Kind) -> Grid:
    directory = data[: 1 << 20]
    if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in directory:
        raise _encrypted(source)
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        if suffix != ".xls":
            notes.append(f"the file is an old Excel 97-2003 workbook (.xls) named {suffix}; read as .xls")
        return _calamine_grid(data, source, sheet, notes, kind, "xls")
    if "WordDocument".encode("utf-16-le") in data:
        _refuse_as(source, "a Word 97-2003 document", "Word 97-2003 文档")
    raise _refuse(
        source, "file",
        "is an Office (OLE2) file that is not a workbook; export the report as .xlsx or .csv",
        "这是 Office（OLE2）文件，但不是工作簿；请导出为 .xlsx 或 .csv",
    )  # fmt: skip


def _calamine_grid(data: bytes, source: str, sheet: str | None, notes: list[str], kind: Kind, what: str) -> Grid:
    """An .xls or .ods sheet read by python-calamine (the well-kept Rust reader) in a child process with a
    memory ceiling (:mod:`data.calamine_child`), as a grid; the sheet chosen as for an .xlsx."""
    from data import calamine_child

    answer = calamine_child.read(data, sheet, MAX_WORKBOOK_ROWS, MAX_COLUMNS)
    error = answer.get("error")
    if error == "password":
        raise _encrypted(source)
    if error == "limit":
        raise _refuse(
            source, "file",
            f"could not be read within {_mib(calamine_child.MEMORY_BYTES)} of memory and {calamine_child.SECONDS} s "
            f"(a damaged .{what}?); open it in Excel/WPS and save it as .xlsx",
            f"无法在 {_mib(calamine_child.MEMORY_BYTES)} 内存和 {calamine_child.SECONDS} 秒内读取（.{what} 文件已损坏？）；"
            "请用 Excel/WPS 打开后另存为 .xlsx",
        )  # fmt: skip
    if error is not None:
        raise _damaged(source, answer.get("detail") or what)
    names = [name for name, _ in answer["sheets"]]
    visible = [i for i, (_, shown) in enumerate(answer["sheets"]) if shown]
    grids = {name: _json_grid(name, grid, source) for name, grid in answer["grids"].items()}
    if sheet is not None:
        if sheet not in grids:
            raise _refuse(source, "sheet", f"no sheet named '{sheet}' (sheets: {', '.join(names)})", f"没有名为“{sheet}”的工作表（工作表：{'、'.join(names)}）")
        return grids[sheet]
    if not visible:
        raise _refuse(source, "sheet", "every sheet is hidden; unhide the report's sheet in Excel/WPS", "所有工作表都已隐藏；请在 Excel/WPS 中取消隐藏报表所在的工作表")
    with_header = [i for i in visible if len(visible) > 1 and _has_header(grids[names[i]], kind)]
    if len(with_header) > 1:
        raise _several_sheets(source, kind, [names[i] for i in with_header])
    chosen = with_header[0] if with_header else visible[0]
    if chosen != 0:
        why = "the first sheet is hidden" if 0 not in visible else "the sheet holding the table"
        notes.append(f"read sheet '{names[chosen]}' ({why})")
    return grids[names[chosen]]


def _json_grid(name: str, grid: dict, source: str) -> Grid:
    height, width = grid["height"], grid["width"]
    if height > MAX_WORKBOOK_ROWS:
        raise _refuse(
            source, "file",
            f"sheet '{name}' has {height:,} rows; at most {MAX_WORKBOOK_ROWS:,} rows of a sheet are read",
            f"工作表“{name}”有 {height:,} 行；每个工作表最多读取 {MAX_WORKBOOK_ROWS:,} 行",
        )  # fmt: skip
    if width > MAX_COLUMNS:
        raise _refuse(
            source, "file",
            f"sheet '{name}' has {width:,} columns; at most {MAX_COLUMNS} are read (delete the empty columns on the right)",
            f"工作表“{name}”有 {width:,} 列；最多读取 {MAX_COLUMNS} 列（请删除右侧的空列）",
        )  # fmt: skip
    for number, cells in grid["rows"]:
        for index, cell in enumerate(cells):
            if len(cell) > MAX_CELL_CHARS:
                raise _refuse(
                    source, "file",
                    f"cell {_column_letter(index)}{number} is longer than {MAX_CELL_CHARS:,} characters, more than a report holds",
                    f"单元格 {_column_letter(index)}{number} 超过 {MAX_CELL_CHARS:,} 个字符，超出报表应有的长度",
                    row=number,
                )  # fmt: skip
    return Grid([(number, cells) for number, cells in grid["rows"]], [tuple(m) for m in grid["merged"]], name)


def _several_sheets(source: str, kind: Kind, names: list[str]) -> ImportRefused:
    listed = ", ".join(f"'{name}'" for name in names)
    return _refuse(
        source, "sheet",
        f"{len(names)} sheets hold a {kind.name} table ({listed}); import one sheet at a time "
        "(--sheet NAME, or choose the sheet on the data page), or put the rows on one sheet",
        f"有 {len(names)} 个工作表包含{kind.name}表（{'、'.join(names)}）；"
        "请一次导入一个工作表（--sheet 工作表名，或在数据页选择工作表），或把数据放在同一个工作表上",
    )  # fmt: skip


__all__ = [
    "MAX_CELL_CHARS", "MAX_COLUMNS", "MAX_CSV_LINES", "MAX_FILE_BYTES", "MAX_UNZIPPED_BYTES", "MAX_WORKBOOK_ROWS",
    "HEADER_SEARCH_ROWS", "SUFFIXES", "notes_of", "read_bytes", "read_table", "read_upload", "header_key",
]  # fmt: skip
