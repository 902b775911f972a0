"""Reading an .xls or .ods workbook with python-calamine in a child process with a memory ceiling.

calamine builds a sheet as a dense rectangle from the cells it finds, and a damaged .xls can make it
allocate without bound (a mutated 10 KB file took 23 GB in a fuzz run, issue 10 point 3). So
:func:`read` runs it in a child process limited to :data:`MEMORY_BYTES` of address space and
:data:`SECONDS` of time: a workbook it cannot read within those is refused as damaged, and the process
reading the file (the dashboard, the CLI) never grows.

The child reads the workbook's bytes from stdin and writes JSON to stdout: ``{"sheets": [[name, visible],
...], "grids": {name: {"rows": [[row number, [cells...]], ...], "merged": [[r0, c0, r1, c1], ...],
"height": h, "width": w}}}`` for the requested sheet (or every visible one), or ``{"error": kind,
"detail": text}``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys

#: Address space of the child (the interpreter and calamine need about 100 MB).
MEMORY_BYTES = 1024 * 1024 * 1024
#: Time the child may take.
SECONDS = 60


def read(data: bytes, sheet: str | None, max_rows: int, max_columns: int) -> dict:
    """The workbook read by a child process (see the module docstring); ``{"error": ...}`` where it failed.
    ``sheet`` None reads every visible sheet, "?" none (the names only)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
    command = [sys.executable, "-m", "data.calamine_child", sheet or "", str(max_rows), str(max_columns)]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=SECONDS, env=env, cwd=root)
    except subprocess.TimeoutExpired:
        return {"error": "limit", "detail": f"took longer than {SECONDS} s"}
    if done.returncode != 0:
        return {"error": "limit", "detail": f"the reader stopped ({done.returncode})"}
    try:
        return json.loads(done.stdout)
    except ValueError:
        return {"error": "damaged", "detail": "no answer"}


def _text(value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def _sheet(workbook, name: str, max_rows: int, max_columns: int) -> dict:
    sheet = workbook.get_sheet_by_name(name)
    start = sheet.start or (0, 0)
    height, width = start[0] + sheet.height, start[1] + sheet.width
    if height > max_rows or width > max_columns:
        return {"rows": [], "merged": [], "height": height, "width": width}
    rows = []
    for offset, values in enumerate(sheet.iter_rows()):
        cells = [""] * start[1] + [_text(value) for value in values]
        while cells and cells[-1] == "":
            cells.pop()
        if cells:
            rows.append([start[0] + offset + 1, cells])
    merged = [[r0 + 1, c0, r1 + 1, c1] for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
    return {"rows": rows, "merged": merged, "height": height, "width": width}


def main() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    sheet, max_rows, max_columns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    data = sys.stdin.buffer.read()
    import python_calamine as calamine

    try:
        workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError:
        print(json.dumps({"error": "password"}))
        return
    except BaseException as error:  # noqa: BLE001 - calamine's errors and panics: a damaged file
        print(json.dumps({"error": "damaged", "detail": (str(error).splitlines() or [""])[0][:120]}))
        return
    try:
        metadata = [[m.name, "hidden" not in str(m.visible).lower()] for m in workbook.sheets_metadata]
        if sheet == "?":  # the sheets' names only (Excel forbids "?" in a sheet's name)
            names = []
        else:
            names = [name for name, visible in metadata if (name == sheet if sheet else visible)]
        grids = {name: _sheet(workbook, name, max_rows, max_columns) for name in names}
    except BaseException as error:  # noqa: BLE001
        print(json.dumps({"error": "damaged", "detail": (str(error).splitlines() or [""])[0][:120]}))
        return
    print(json.dumps({"sheets": metadata, "grids": grids}, ensure_ascii=False))


if __name__ == "__main__":
    main()
