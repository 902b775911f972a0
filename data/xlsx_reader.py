"""The streaming reader of Office Open XML workbooks (.xlsx, .xlsm), for :mod:`data.readers`.

Parsed part by part with expat, chunk by chunk, within :data:`data.readers.MAX_UNZIPPED_BYTES`: a sheet's
rows are the ``<row>`` elements that are there, whatever its ``<dimension>`` record says (WPS writes
``A1``; a stale ``A1:F10`` hid rows from openpyxl's read-only mode), and no declared size is ever
materialised (a 4.8 KB file declaring ``A1:XFD1048576`` grew openpyxl to 5.3 GB, issue 10). A DTD is
refused (no workbook has one). Formulas: a cell without a cached result, or any formula in a workbook
that asks to be calculated on opening (``fullCalcOnLoad``: its cached results are placeholders), is
refused with "open and save it in Excel/WPS first" (issue 9). Strict Open XML is refused.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING

from data.problems import ImportRefused
from data.readers import (
    HEADER_SEARCH_ROWS,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_UNZIPPED_BYTES,
    MAX_WORKBOOK_ROWS,
    Grid,
    _Budget,
    _column_letter,
    _damaged,
    _encrypted,
    _has_header,
    _refuse,
    _several_sheets,
)

if TYPE_CHECKING:
    from data.importer import Kind

_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_DATE_FORMAT_IDS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}
_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)


class _Stop(Exception):
    pass


class XlsxReader:
    """A streaming reader of an Office Open XML workbook (expat, chunk by chunk): the sheet's rows as they
    are, whatever its ``<dimension>`` record says; formulas' cached results only where they can be trusted."""

    def __init__(self, archive: zipfile.ZipFile, source: str, notes: list[str]):
        self.archive = archive
        self.source = source
        self.notes = notes
        self.budget = _Budget(source)
        infos = archive.infolist()
        if any(info.flag_bits & 0x1 for info in infos):
            raise _encrypted(source)
        if sum(info.file_size for info in infos) > MAX_UNZIPPED_BYTES:
            self.budget.take(MAX_UNZIPPED_BYTES + 1)
        self._workbook()
        self.strings: list[str] | None = None
        self.date_styles: set[int] | None = None

    # -- parts

    def _stream(self, name: str) -> Iterator[bytes]:
        try:
            with self.archive.open(name) as part:
                while True:
                    chunk = part.read(1 << 16)
                    if not chunk:
                        return
                    self.budget.take(len(chunk))
                    yield chunk
        except KeyError:
            raise _damaged(self.source, f"{name} is missing") from None
        except (ImportRefused, _Stop):
            raise
        except Exception as error:  # noqa: BLE001 - a bad CRC, an unknown compression, a cut stream...
            raise _damaged(self.source, f"{name}: {type(error).__name__}") from None

    def _parse(self, name: str, start, end=None, text=None) -> None:
        import xml.parsers.expat

        parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = start
        if end is not None:
            parser.EndElementHandler = end
        if text is not None:
            parser.CharacterDataHandler = text
        parser.buffer_text = True

        def no_dtd(*_):
            raise _damaged(self.source, f"{name} declares a DTD, which no workbook does")

        parser.StartDoctypeDeclHandler = no_dtd
        parser.EntityDeclHandler = no_dtd
        try:
            for chunk in self._stream(name):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except _Stop:
            return
        except xml.parsers.expat.ExpatError as error:
            raise _damaged(self.source, f"{name}: {error}") from None

    def _workbook(self) -> None:
        self.sheets: list[tuple[str, str, str]] = []  # (name, relationship id, state)
        self.date1904 = False
        self.full_calc = False
        self.active = 0
        self.strict = False

        def start(tag, attrs):
            namespace, _, local = tag.rpartition(" ")
            if namespace == _STRICT:
                self.strict = True
            if local == "sheet":
                rid = next((v for k, v in attrs.items() if k.endswith(" id")), "")
                self.sheets.append((attrs.get("name", ""), rid, attrs.get("state", "visible")))
            elif local == "workbookPr":
                self.date1904 = attrs.get("date1904", "0") in ("1", "true")
            elif local == "calcPr":
                self.full_calc = attrs.get("fullCalcOnLoad", "0") in ("1", "true")
            elif local == "workbookView":
                try:
                    self.active = int(attrs.get("activeTab", "0"))
                except ValueError:
                    self.active = 0

        self._parse("xl/workbook.xml", start)
        if self.strict:
            raise _refuse(
                self.source, "file",
                "is a 'Strict Open XML' workbook, which is not read; open it in Excel/WPS and save as 'Excel Workbook (.xlsx)'",
                "这是“Strict Open XML”格式的工作簿，无法读取；请用 Excel/WPS 打开后另存为“Excel 工作簿（.xlsx）”",
            )  # fmt: skip
        self.targets: dict[str, str] = {}
        self.shared_strings_part = "xl/sharedStrings.xml"
        self.styles_part = "xl/styles.xml"

        def rel(tag, attrs):
            if tag.rpartition(" ")[2] != "Relationship":
                return
            target = attrs.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            kind = attrs.get("Type", "")
            self.targets[attrs.get("Id", "")] = target
            if kind.endswith("/sharedStrings"):
                self.shared_strings_part = target
            elif kind.endswith("/styles"):
                self.styles_part = target

        if "xl/_rels/workbook.xml.rels" in self.archive.namelist():
            self._parse("xl/_rels/workbook.xml.rels", rel)

    def _shared_strings(self) -> list[str]:
        if self.strings is not None:
            return self.strings
        strings: list[str] = []
        if self.shared_strings_part not in self.archive.namelist():
            self.strings = strings
            return strings
        state = {"in_t": False, "skip": 0, "parts": []}

        def start(tag, attrs):
            local = tag.rpartition(" ")[2]
            if local == "si":
                state["parts"] = []
            elif local in ("rPh", "phoneticPr"):
                state["skip"] += 1
            elif local == "t" and not state["skip"]:
                state["in_t"] = True

        def end(tag):
            local = tag.rpartition(" ")[2]
            if local == "si":
                strings.append("".join(state["parts"]))
            elif local in ("rPh", "phoneticPr"):
                state["skip"] -= 1
            elif local == "t":
                state["in_t"] = False

        def text(data):
            if state["in_t"]:
                state["parts"].append(data)

        self._parse(self.shared_strings_part, start, end, text)
        self.strings = strings
        return strings

    def _date_styles(self) -> set[int]:
        if self.date_styles is not None:
            return self.date_styles
        from openpyxl.styles.numbers import is_date_format

        formats: dict[int, str] = {}
        xfs: list[int] = []
        depth = {"cellXfs": False}

        def start(tag, attrs):
            local = tag.rpartition(" ")[2]
            if local == "numFmt":
                try:
                    formats[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")
                except ValueError:
                    pass
            elif local == "cellXfs":
                depth["cellXfs"] = True
            elif local == "xf" and depth["cellXfs"]:
                try:
                    xfs.append(int(attrs.get("numFmtId", "0")))
                except ValueError:
                    xfs.append(0)

        def end(tag):
            if tag.rpartition(" ")[2] == "cellXfs":
                depth["cellXfs"] = False

        if self.styles_part in self.archive.namelist():
            self._parse(self.styles_part, start, end)
        dates = set()
        for index, format_id in enumerate(xfs):
            if format_id in formats:
                if is_date_format(formats[format_id]):
                    dates.add(index)
            elif format_id in _DATE_FORMAT_IDS:
                dates.add(index)
        self.date_styles = dates
        return dates

    # -- sheets

    def grid(self, sheet: str | None, kind: Kind) -> Grid:
        names = [name for name, _, _ in self.sheets]
        if not self.sheets:
            raise _damaged(self.source, "it has no sheets")
        if sheet is not None:
            if sheet not in names:
                raise _refuse(self.source, "sheet", f"no sheet named '{sheet}' (sheets: {', '.join(names)})", f"没有名为“{sheet}”的工作表（工作表：{'、'.join(names)}）")
            return self._sheet(names.index(sheet))
        visible = [i for i, (_, _, state) in enumerate(self.sheets) if state not in ("hidden", "veryHidden")]
        if not visible:
            raise _refuse(self.source, "sheet", "every sheet is hidden; unhide the report's sheet in Excel/WPS", "所有工作表都已隐藏；请在 Excel/WPS 中取消隐藏报表所在的工作表")
        if len(visible) == 1:
            chosen = visible[0]
        else:
            with_header = [i for i in visible if _has_header(self._sheet(i, HEADER_SEARCH_ROWS + 1), kind)]
            if len(with_header) > 1:
                raise _several_sheets(self.source, kind, [names[i] for i in with_header])
            if with_header:
                chosen = with_header[0]
            elif self.active in visible:
                chosen = self.active
            else:
                chosen = visible[0]
        if chosen != 0:
            first = self.sheets[0]
            why = "the first sheet is hidden" if first[2] in ("hidden", "veryHidden") else "the sheet holding the table"
            self.notes.append(f"read sheet '{names[chosen]}' ({why})")
        return self._sheet(chosen)

    def _sheet(self, index: int, stop_after: int | None = None) -> Grid:
        name, rid, _ = self.sheets[index]
        part = self.targets.get(rid) or f"xl/worksheets/sheet{index + 1}.xml"
        strings = self._shared_strings()
        dates = self._date_styles()
        epoch = _EPOCH_1904 if self.date1904 else _EPOCH_1900
        rows: list[tuple[int, list[str]]] = []
        merged: list[tuple[int, int, int, int]] = []
        formulas = {"missing": [], "any": None}
        cell: dict = {}
        state = {"row": 0, "cells": None, "col": -1, "text": None, "in_is_t": False}
        source = self.source

        def finish_row():
            cells = state["cells"]
            if cells is not None and any(cells):
                while cells and cells[-1] == "":
                    cells.pop()
                rows.append((state["row"], cells))
            state["cells"] = None

        def start(tag, attrs):
            local = tag.rpartition(" ")[2]
            if local == "c":
                ref = attrs.get("r")
                if ref:
                    column, row = _split_ref(ref, source)
                    if row != state["row"]:
                        raise _damaged(source, f"cell {ref} outside its row {state['row']}")
                    state["col"] = column
                else:
                    state["col"] += 1
                cell.clear()
                cell["t"] = attrs.get("t", "n")
                cell["s"] = attrs.get("s")
                cell["v"] = None
                cell["f"] = False
                cell["is"] = []
            elif local == "row":
                finish_row()
                try:
                    number = int(attrs["r"]) if "r" in attrs else state["row"] + 1
                except ValueError:
                    raise _damaged(source, f"row number '{attrs.get('r')}'") from None
                if stop_after is not None and number > stop_after:
                    raise _Stop
                state["row"] = number
                state["cells"] = []
                state["col"] = -1
            elif local == "v":
                state["text"] = []
            elif local == "f":
                cell["f"] = True
                state["text"] = None
            elif local == "t" and "is" in cell:
                state["in_is_t"] = True
            elif local == "mergeCell":
                ref = attrs.get("ref", "")
                if ":" in ref:
                    first, last = ref.split(":", 1)
                    c0, r0 = _split_ref(first, source)
                    c1, r1 = _split_ref(last, source)
                    if c0 < MAX_COLUMNS and r0 <= MAX_WORKBOOK_ROWS:
                        merged.append((r0, c0, r1, c1))

        def end(tag):
            local = tag.rpartition(" ")[2]
            if local == "v" and state["text"] is not None:
                cell["v"] = "".join(state["text"])
                state["text"] = None
            elif local == "t" and state["in_is_t"]:
                state["in_is_t"] = False
            elif local == "c":
                value = _xlsx_value(cell, strings, dates, epoch, source, state)
                if cell["f"]:
                    formulas["any"] = formulas["any"] or (state["row"], state["col"])
                    if cell["v"] is None:
                        formulas["missing"].append((state["row"], state["col"]))
                if value != "":
                    column, row = state["col"], state["row"]
                    if column >= MAX_COLUMNS:
                        raise _refuse(
                            source, "file",
                            f"cell {_column_letter(column)}{row} is beyond column {_column_letter(MAX_COLUMNS - 1)}; "
                            f"at most {MAX_COLUMNS} columns are read (delete what is on the right)",
                            f"单元格 {_column_letter(column)}{row} 超出第 {_column_letter(MAX_COLUMNS - 1)} 列；最多读取 {MAX_COLUMNS} 列（请删除右侧内容）",
                            row=row,
                        )  # fmt: skip
                    if row > MAX_WORKBOOK_ROWS:
                        raise _refuse(
                            source, "file",
                            f"row {row:,} holds a value; at most {MAX_WORKBOOK_ROWS:,} rows of a sheet are read "
                            "(split the file, or delete what is below the table)",
                            f"第 {row:,} 行有内容；每个工作表最多读取 {MAX_WORKBOOK_ROWS:,} 行（请拆分文件，或删除表格下方的内容）",
                        )  # fmt: skip
                    if len(value) > MAX_CELL_CHARS:
                        raise _refuse(
                            source, "file",
                            f"cell {_column_letter(column)}{row} is longer than {MAX_CELL_CHARS:,} characters, more than a report holds",
                            f"单元格 {_column_letter(column)}{row} 超过 {MAX_CELL_CHARS:,} 个字符，超出报表应有的长度",
                            row=row,
                        )  # fmt: skip
                    cells = state["cells"]
                    if cells is None:
                        raise _damaged(source, "a cell outside any row")
                    if len(cells) <= column:
                        cells.extend([""] * (column + 1 - len(cells)))
                    cells[column] = value
                cell.clear()

        def text(data):
            if state["text"] is not None:
                state["text"].append(data)
            elif state["in_is_t"]:
                cell["is"].append(data)

        self._parse(part, start, end, text)
        finish_row()
        if stop_after is None:
            self._check_formulas(formulas, name)
        return Grid(rows, merged, name)

    def _check_formulas(self, formulas: dict, sheet: str) -> None:
        missing = formulas["missing"]
        if missing:
            row, column = missing[0]
            more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            raise _refuse(
                self.source, "file",
                f"cell {_column_letter(column)}{row}{more} holds a formula without a computed result; "
                "open and save it in Excel/WPS first",
                f"单元格 {_column_letter(column)}{row}{'等 ' + str(len(missing)) + ' 个单元格' if len(missing) > 1 else ''}是没有计算结果的公式；"
                "请先用 Excel/WPS 打开并保存",
                row=row,
            )  # fmt: skip
        if formulas["any"] is not None and self.full_calc:
            row, column = formulas["any"]
            raise _refuse(
                self.source, "file",
                f"cell {_column_letter(column)}{row} holds a formula whose result was never computed (the program that "
                "wrote the file leaves that to Excel); open and save it in Excel/WPS first",
                f"单元格 {_column_letter(column)}{row} 是尚未计算结果的公式（生成该文件的程序留给 Excel 计算）；请先用 Excel/WPS 打开并保存",
                row=row,
            )  # fmt: skip


_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")


def _split_ref(ref: str, source: str) -> tuple[int, int]:
    """'B3' -> (1, 3): 0-based column, 1-based row."""
    match = _REF.match(ref.upper())
    if not match:
        raise _damaged(source, f"cell reference '{ref[:20]}'")
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    return column - 1, int(match.group(2))


def _xlsx_value(cell: dict, strings: list[str], dates: set[int], epoch: dt.datetime, source: str, state) -> str:
    kind, raw = cell.get("t", "n"), cell.get("v")
    if kind == "inlineStr":
        return "".join(cell.get("is", [])).strip()
    if raw is None:
        return ""
    if kind == "s":
        try:
            return strings[int(raw)].strip()
        except (ValueError, IndexError):
            raise _damaged(source, f"shared string {raw[:20]} does not exist") from None
    if kind == "b":
        return "TRUE" if raw.strip() in ("1", "true") else "FALSE"
    if kind in ("e", "str"):
        return raw.strip()
    if kind == "d":
        return raw.strip()[:10]
    return _number_text(raw.strip(), cell.get("s"), dates, epoch)


def _number_text(raw: str, style: str | None, dates: set[int], epoch: dt.datetime) -> str:
    """An Excel number as text: whole numbers as integers (530302001.0 -> 530302001), others as Python writes
    them (2026.1 stays 2026.1, so a period typed as a number is refused, not read as January), dates (a
    date-formatted cell) as YYYY-MM-DD."""
    if raw == "":
        return ""
    try:
        number = float(raw)
    except ValueError:
        return raw
    if style is not None and dates:
        try:
            is_date = int(style) in dates
        except ValueError:
            is_date = False
        if is_date and 0 < number < 2958466:
            moment = epoch + dt.timedelta(days=number)
            return moment.strftime("%Y-%m-%d")
    if number != number or number in (float("inf"), float("-inf")):
        return raw
    if number.is_integer():
        if re.fullmatch(r"-?\d+", raw):
            return str(int(raw))
        return str(int(number))
    return repr(number)
