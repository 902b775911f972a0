"""The task ledger (任务清单, 包保, 销账; issue 14 point 3): import, edit, history, read.

A ledger file is a plan's task list: 序号, 工作内容, 工作目标, 具体措施, 完成时限, 责任单位, and optionally
包保领导, 涉及区划, 状态, 备注, 销账日期. It is read by the same reading path as every import
(:mod:`data.readers`: titles, merged cells, footers, XLSX/CSV/XLS/ODS), checked row by row (every problem
as ``FILE:ROW: field: reason`` in English and Chinese) and written in one transaction with an entry in
the import history; ``kuomian rollback`` undoes it like any import (the replaced tasks come back).

A task's key is its 序号 (``seq``): a later file with the same 序号 replaces the task. Every change to a
task, by an import or by an edit on the 任务清单 page, is a row of ``ledger_history``: who
(:class:`data.access.Actor`), when, which field, the old and the new value.

Edits change a task in place (it keeps the import that brought it): rolling that import back removes the
task as edited, its history staying in ``ledger_history``.

The status rules are :mod:`metrics.ledger`'s; a file or an edit may set 未开始, 推进中 or 已销账 (with its
date); 逾期 is derived from the deadline and refused as an input.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from pathlib import Path

import duckdb
import pandas as pd

from data import checks
from data.access import Actor
from data.importer import FIELD_ZH, Checked, ImportRefused, ImportResult, Kind
from data.problems import Problem
from data.readers import notes_of, read_table, read_upload
from metrics.ledger import cell_date, is_missing

LEDGER = Kind(
    "ledger",
    ("seq", "content", "goal", "measures", "deadline", "unit", "leader", "regions", "status", "note", "done_on"),
    ("seq",),
    {
        "序号": "seq",
        "工作内容": "content",
        "工作目标": "goal",
        "具体措施": "measures",
        "完成时限": "deadline",
        "责任单位": "unit",
        "包保领导": "leader",
        "涉及区划": "regions",
        "状态": "status",
        "备注": "note",
        "销账日期": "done_on",
    },
    optional=("goal", "measures", "leader", "regions", "status", "note", "done_on"),
)
"""The ledger as a file kind (its Chinese headers are the plans' task-list layout)."""

HEADERS_ZH: dict[str, str] = {canonical: zh for zh, canonical in LEDGER.chinese.items()}
"""Each column's Chinese header, for messages, the page and the export."""
FIELD_ZH.update(HEADERS_ZH)  # problems of a ledger file name their field in Chinese too

EDITABLE = ("status", "note", "done_on", "deadline", "leader", "goal", "measures", "unit", "content", "regions")
"""The fields an edit may change (the 序号 is the key and stays)."""

MAX_TEXT = 2000
"""The longest text cell read (a task's content or measures run to a few hundred characters)."""

_STATUS_WORDS = {
    "未开始": "not_started", "notstarted": "not_started", "not_started": "not_started",
    "推进中": "in_progress", "进行中": "in_progress", "正在推进": "in_progress", "inprogress": "in_progress", "in_progress": "in_progress",
    "已销账": "done", "已完成": "done", "完成": "done", "销账": "done", "done": "done", "crossedoff": "done",
}  # fmt: skip
_OVERDUE_WORDS = ("逾期", "已逾期", "overdue")

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:日)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?(?:前|之前|以前)?$"),
)
_MONTH_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(?:底|末|份|中旬前|底前|末前|前)?$"),
)
_YEAR_END = re.compile(r"^(\d{4})年(?:底|末|年底|底前|末前)$")


def parse_date(text: str, *, what: str = "a date", what_zh: str = "日期") -> dt.date | checks.Refusal:
    """A 完成时限 or 销账日期 as written in plans -> a date, or a :class:`data.checks.Refusal`.

    Read: ``2026-09-30``, ``2026/9/30``, ``2026.9.30``, ``2026年9月30日``(前); a month alone (``2026-09``,
    ``2026年9月``, ``2026年9月底``) is its last day; ``2026年底`` is 31 December. Full-width digits are
    read as digits. Anything else (长期坚持, 9月底 without a year) is refused: a deadline must be a day.
    """
    value = unicodedata.normalize("NFKC", str(text)).replace(" ", "").strip()
    if value == "":
        return checks.Refusal("is empty", "为空")
    try:
        for pattern in _DATE_PATTERNS:
            match = pattern.match(value)
            if match:
                year, month, day = (int(part) for part in match.groups())
                return dt.date(year, month, day)
        for pattern in _MONTH_PATTERNS:
            match = pattern.match(value)
            if match:
                year, month = (int(part) for part in match.groups())
                return dt.date(year, month, calendar.monthrange(year, month)[1])
        match = _YEAR_END.match(value)
        if match:
            return dt.date(int(match.group(1)), 12, 31)
    except ValueError:
        return checks.Refusal(f"'{text}' is not a day of the calendar", f"“{text}”不是日历上的日期")
    return checks.Refusal(
        f"'{text}' is not {what} (write e.g. 2026-09-30 or 2026年9月30日; a month alone means its last day)",
        f"“{text}”不是{what_zh}（请写成 2026-09-30 或 2026年9月30日；只写月份表示该月最后一天）",
    )


def parse_status(text: str) -> str | None | checks.Refusal:
    """A 状态 cell -> ``not_started`` / ``in_progress`` / ``done``; empty -> None (decided by 销账日期).
    逾期 is refused: it follows from the deadline and is never written."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lower()
    if key == "":
        return None
    if key in _OVERDUE_WORDS:
        return checks.Refusal(
            "'逾期' (overdue) follows from the deadline and is never written; write 未开始 or 推进中",
            "“逾期”由完成时限自动判断，不需填写；请填写 未开始 或 推进中",
        )
    found = _STATUS_WORDS.get(key)
    if found is None:
        return checks.Refusal(
            f"'{text}' is not a status (未开始, 推进中 or 已销账)", f"“{text}”不是状态（应为 未开始、推进中 或 已销账）"
        )
    return found


def _known(con: duckdb.DuckDBPyConnection | None) -> pd.DataFrame:
    if con is None:
        return pd.DataFrame({"code": pd.Series(dtype=str), "name": pd.Series(dtype=str)})
    return con.execute("SELECT code, name FROM regions").df()


def parse_regions(text: str, known: pd.DataFrame) -> str | checks.Refusal:
    """A 涉及区划 cell -> the codes it names, comma-joined ("" for none: the whole jurisdiction).

    Regions are separated by 、 , ， ; ； or spaces and given by code (as the other imports read codes) or
    by their exact name where only one region has it."""
    parts = [part for part in re.split(r"[、,，;；\s]+", unicodedata.normalize("NFKC", str(text)).strip()) if part]
    codes_known = set(known["code"])
    by_name: dict[str, list[str]] = {}
    for code, name in zip(known["code"], known["name"]):
        by_name.setdefault(checks.compact(str(name)), []).append(code)
    codes, unknown, ambiguous = [], [], []
    for part in parts:
        code = checks.parse_code(part) if part.isdigit() else None
        found = checks.resolve_code(code, codes_known) if isinstance(code, str) else None
        if found is None:
            named = by_name.get(checks.compact(part), [])
            if len(named) == 1:
                found = named[0]
            elif len(named) > 1:
                ambiguous.append(part)
                continue
        if found is None:
            unknown.append(part)
        elif found not in codes:
            codes.append(found)
    if unknown:
        listed = "、".join(unknown)
        return checks.Refusal(
            f"'{', '.join(unknown)}' is not a known region (give its code or exact name; import the regions first)",
            f"“{listed}”不是已知区划（请填写区划代码或准确名称；请先导入区划）",
        )
    if ambiguous:
        listed = "、".join(ambiguous)
        return checks.Refusal(
            f"'{', '.join(ambiguous)}' names more than one region; give its code",
            f"“{listed}”对应多个区划；请填写区划代码",
        )
    return ",".join(codes)


def check(con: duckdb.DuckDBPyConnection | None, table: pd.DataFrame, source: str, today: dt.date | None = None) -> Checked:
    """Every rule of a ledger file, on every row; nothing is written.

    ``table``: the reader's text cells (``_row`` then :data:`LEDGER`'s columns). Returns a
    :class:`data.importer.Checked` whose frame holds ``seq``, texts, ``deadline`` / ``done_on`` as dates,
    ``status`` as stored and ``regions`` as comma-joined codes. Rules (issue 14 point 3): 序号, 工作内容,
    完成时限 and 责任单位 are required; 序号 unique in the file; dates as :func:`parse_date`; 状态 as
    :func:`parse_status`; 已销账 needs its 销账日期, and a 销账日期 makes the task 已销账 (a 状态 of 未开始 or
    推进中 beside a 销账日期 is refused); a 销账日期 after today is refused; regions as :func:`parse_regions`;
    no cell longer than :data:`MAX_TEXT` characters.
    """
    today = today or checks.today()
    known = _known(con)
    problems: list[Problem] = []
    rows: list[dict] = []
    first_row: dict[str, int] = {}
    for record in table.to_dict("records"):
        row = int(record["_row"])
        cells = {column: str(record.get(column, "") or "").strip() for column in LEDGER.columns}

        def refuse(column: str, en: str, zh: str) -> None:
            problems.append(Problem(row, column, en, zh))

        for column in ("seq", "content", "deadline", "unit"):
            if cells[column] == "":
                refuse(column, "is empty", "为空")
        for column, value in cells.items():
            if len(value) > MAX_TEXT:
                refuse(column, f"is longer than {MAX_TEXT} characters", f"超过 {MAX_TEXT} 个字符")
        seq = unicodedata.normalize("NFKC", cells["seq"]).replace(" ", "")
        if seq:
            if seq in first_row:
                refuse("seq", f"'{cells['seq']}' already appears in row {first_row[seq]}", f"“{cells['seq']}”与第 {first_row[seq]} 行重复")
            else:
                first_row[seq] = row
        deadline = parse_date(cells["deadline"], what="a deadline", what_zh="完成时限") if cells["deadline"] else None
        if isinstance(deadline, checks.Refusal):
            refuse("deadline", deadline.en, deadline.zh)
            deadline = None
        done_on = parse_date(cells["done_on"], what="the date crossed off", what_zh="销账日期") if cells["done_on"] else None
        if isinstance(done_on, checks.Refusal):
            refuse("done_on", done_on.en, done_on.zh)
            done_on = None
        elif done_on is not None and done_on > today:
            refuse("done_on", f"{done_on.isoformat()} is after today ({today.isoformat()})", f"{done_on.isoformat()} 晚于今天（{today.isoformat()}）")
            done_on = None
        status = parse_status(cells["status"])
        if isinstance(status, checks.Refusal):
            refuse("status", status.en, status.zh)
            status = None
        elif status == "done" and not cells["done_on"]:
            refuse("done_on", "is empty; a task crossed off (已销账) gives the date it was crossed off", "为空；已销账的任务须填写销账日期")
        elif status in ("not_started", "in_progress") and cells["done_on"]:
            refuse(
                "status", f"'{cells['status']}' beside a date crossed off ({cells['done_on']}); write 已销账 or clear the date",
                f"“{cells['status']}”与销账日期（{cells['done_on']}）矛盾；请填写 已销账 或删去销账日期",
            )
        regions = parse_regions(cells["regions"], known) if cells["regions"] else ""
        if isinstance(regions, checks.Refusal):
            refuse("regions", regions.en, regions.zh)
            regions = ""
        rows.append(
            {
                "_row": row, "seq": seq, "content": cells["content"], "goal": cells["goal"] or None,
                "measures": cells["measures"] or None, "deadline": deadline, "unit": cells["unit"],
                "leader": cells["leader"] or None, "regions": regions or None,
                "status": "done" if done_on is not None else (status or "not_started"),
                "note": cells["note"] or None, "done_on": done_on,
            }
        )  # fmt: skip
    if table.empty:
        problems.append(Problem(1, "file", "holds no task (no row under the header)", "没有任务（表头下没有数据行）"))
    frame = pd.DataFrame(rows, columns=["_row", *LEDGER.columns])
    return Checked(LEDGER, source, frame, sorted(problems), [], notes_of(table))


# --------------------------------------------------------------------------- writing

_COLUMNS = LEDGER.columns
_TRACKED = tuple(column for column in _COLUMNS if column != "seq")


def _text(value: object) -> str | None:
    """A cell as history keeps it: text, dates as YYYY-MM-DD, missing as None."""
    if is_missing(value):
        return None
    day = cell_date(value)
    return day.isoformat() if day is not None else str(value)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _record(con: duckdb.DuckDBPyConnection, seq: str, actor: Actor, when: dt.datetime, changes: list[tuple[str, str | None, str | None]], import_id: int | None) -> None:
    first = con.execute("SELECT COALESCE(MAX(change_id), 0) + 1 FROM ledger_history").fetchone()[0]
    con.executemany(
        "INSERT INTO ledger_history (change_id, seq, changed_at, account, role, field, old, new, import_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [[first + i, seq, when, actor.account, actor.role, column, old, new, import_id] for i, (column, old, new) in enumerate(changes)],
    )
    from data import audit  # every write in the audit log too, in the same transaction (issue 12 point 4)

    audit.record(con, actor, "ledger", {"seq": seq, "import_id": import_id, "changes": [list(change) for change in changes]})


def write(con: duckdb.DuckDBPyConnection, checked: Checked, actor: Actor) -> ImportResult:
    """Land a checked ledger file in one transaction: tasks with a known 序号 are replaced (kept in
    ``replaced_ledger`` for rollback), new ones added; every field that changes is a ``ledger_history``
    row by ``actor`` (a new task: one row, field ``created``). Raises :class:`ImportRefused`."""
    if not checked.ok:
        raise ImportRefused(checked.source, checked.problems)
    if not actor.is_office:  # the office keeps the task list; refused whatever the page shows (issue 12)
        raise ImportRefused(
            checked.source,
            [Problem(1, "account", f"{actor.account} ({actor.role}) may not import the task ledger: only the office and the administrator keep it",
                     f"账号 {actor.account} 无权导入任务清单：任务清单由领导小组办公室和管理员维护")],
        )
    staged = checked.frame[list(_COLUMNS)].copy()
    listed = ", ".join(_COLUMNS)
    when = _now()
    con.execute("BEGIN TRANSACTION")
    try:
        from data import materialised

        was_fresh = materialised.fresh_before_write(con)
        import_id = con.execute("SELECT COALESCE(MAX(import_id), 0) + 1 FROM imports").fetchone()[0]
        con.execute(
            "INSERT INTO imports (import_id, kind, source, imported_at, row_count, added, replaced, is_demo)"
            " VALUES (?, 'ledger', ?, ?, ?, 0, 0, FALSE)",
            [import_id, checked.source, when, len(staged)],
        )
        old = con.execute(f"SELECT {listed} FROM ledger").df().set_index("seq")
        con.register("staged_ledger", staged)
        con.execute(
            f"INSERT INTO replaced_ledger (import_id, {listed}, prior_import_id)"
            f" SELECT ?, {', '.join('live.' + c for c in _COLUMNS)}, live.import_id FROM ledger live JOIN staged_ledger s ON live.seq = s.seq",
            [import_id],
        )
        replaced = con.execute("SELECT COUNT(*) FROM replaced_ledger WHERE import_id = ?", [import_id]).fetchone()[0]
        con.execute("DELETE FROM ledger live USING staged_ledger s WHERE live.seq = s.seq")
        con.execute(f"INSERT INTO ledger ({listed}, import_id) SELECT {listed}, ? FROM staged_ledger", [import_id])
        con.unregister("staged_ledger")
        for task in staged.to_dict("records"):
            seq = task["seq"]
            if seq in old.index:
                before = old.loc[seq]
                changes = [(c, _text(before[c]), _text(task[c])) for c in _TRACKED if _text(before[c]) != _text(task[c])]
            else:
                changes = [("created", None, checked.source)]
            if changes:
                _record(con, seq, actor, when, changes, import_id)
        con.execute("UPDATE imports SET added = ?, replaced = ? WHERE import_id = ?", [len(staged) - replaced, replaced, import_id])
        materialised.after_write(con, "ledger", None, was_fresh)  # the metrics stay; their stamp moves (issue 15)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return ImportResult(int(import_id), "ledger", checked.source, len(staged), len(staged) - replaced, replaced, (), (), tuple(checked.notes))


def import_file(db_path: Path | str, path: Path | str, actor: Actor, sheet: str | None = None, wait_seconds: float | None = None) -> ImportResult:
    """Read, check and land a ledger file (``kuomian import ledger FILE``); raises :class:`ImportRefused`
    with every problem, :class:`data.db.DatabaseBusy` when the file stays held."""
    from data.db import connect

    source = str(path)
    table = read_table(path, LEDGER, sheet=sheet, source=source)
    with connect(db_path, write=True, wait_seconds=wait_seconds) as con:
        return write(con, check(con, table, source), actor)


def import_upload(db_path: Path | str, data: bytes, name: str, actor: Actor, wait_seconds: float | None = None) -> ImportResult:
    """As :func:`import_file`, for bytes uploaded on the 任务清单 page."""
    from data.db import connect

    table = read_upload(data, name, LEDGER)
    with connect(db_path, write=True, wait_seconds=wait_seconds) as con:
        return write(con, check(con, table, name), actor)


class EditRefused(ValueError):
    """An edit of a task was refused; nothing was changed. ``problems`` say which field and why."""

    def __init__(self, seq: str, problems: list[tuple[str, str, str]]):
        self.seq = seq
        self.problems = problems  # (field, English, Chinese)
        super().__init__("; ".join(f"task {seq}: {field}: {en}" for field, en, _ in problems))


def update_task(con: duckdb.DuckDBPyConnection, seq: str, changes: dict[str, object], actor: Actor, today: dt.date | None = None) -> list[tuple[str, str | None, str | None]]:
    """Change fields of task ``seq`` in one transaction and keep every change in ``ledger_history``.

    ``changes``: field -> new value (texts; dates as ``date`` or text read by :func:`parse_date`; ``status``
    as a stored status or its Chinese label). Crossing off (``status`` done) without a date takes today;
    a date crossed off makes the task done; reopening a task (status not done) clears its date. Returns
    the (field, old, new) changes made (empty: nothing differed). Raises :class:`EditRefused` (unknown
    task or field, a bad date, 逾期, a date after today, an empty required field) and, for a read-only
    actor, :class:`PermissionError`.
    """
    today = today or checks.today()
    if not actor.is_office:  # the office keeps the task list (任务清单销账制度); issue 12's roles
        raise PermissionError(f"{actor.account} ({actor.role}) may not change the ledger: only the office and the administrator keep it")
    found = con.execute(f"SELECT {', '.join(_COLUMNS)} FROM ledger WHERE seq = ?", [seq]).df()
    if found.empty:
        raise EditRefused(seq, [("seq", f"there is no task {seq}", f"没有序号为 {seq} 的任务")])
    before = found.iloc[0].to_dict()
    after = dict(before)
    problems: list[tuple[str, str, str]] = []
    for column, value in changes.items():
        if column not in EDITABLE:
            problems.append((column, f"'{column}' cannot be changed", f"“{column}”不能修改"))
            continue
        text = "" if _text(value) is None else str(_text(value)).strip()
        if column in ("deadline", "done_on"):
            if text == "":
                if column == "deadline":
                    problems.append((column, "is empty", "为空"))
                else:
                    after[column] = None
                continue
            parsed = parse_date(text)
            if isinstance(parsed, checks.Refusal):
                problems.append((column, parsed.en, parsed.zh))
            elif column == "done_on" and parsed > today:
                problems.append((column, f"{parsed.isoformat()} is after today ({today.isoformat()})", f"{parsed.isoformat()} 晚于今天（{today.isoformat()}）"))
            else:
                after[column] = parsed
        elif column == "status":
            labels = {"未开始": "not_started", "推进中": "in_progress", "已销账": "done"}
            parsed = labels.get(text, text if text in ("not_started", "in_progress", "done") else parse_status(text))
            if isinstance(parsed, checks.Refusal) or parsed is None:
                problems.append((column, parsed.en if parsed else "is empty", parsed.zh if parsed else "为空"))
            else:
                after[column] = parsed
        elif column == "regions":
            parsed = parse_regions(text, _known(con)) if text else ""
            if isinstance(parsed, checks.Refusal):
                problems.append((column, parsed.en, parsed.zh))
            else:
                after[column] = parsed or None
        else:
            if text == "" and column in ("content", "unit"):
                problems.append((column, "is empty", "为空"))
            else:
                after[column] = text or None
    if problems:
        raise EditRefused(seq, problems)
    if "done_on" in changes and after["done_on"] is not None:
        after["status"] = "done"
    if after["status"] == "done" and _text(after["done_on"]) is None:
        after["done_on"] = today
    if after["status"] != "done":
        after["done_on"] = None
    made = [(c, _text(before[c]), _text(after[c])) for c in _TRACKED if _text(before[c]) != _text(after[c])]
    if not made:
        return []
    con.execute("BEGIN TRANSACTION")
    try:
        sets = ", ".join(f"{c} = ?" for c, _, _ in made)
        con.execute(f"UPDATE ledger SET {sets} WHERE seq = ?", [after[c] for c, _, _ in made] + [seq])
        _record(con, seq, actor, _now(), made, None)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return made


# --------------------------------------------------------------------------- reading


def tasks(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The ledger's tasks (columns of :data:`LEDGER`, dates as ``datetime.date``), in 序号 order (numbers
    as numbers: 2 before 10). Empty with the columns where the database has no ledger yet."""
    if not con.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'ledger'").fetchone()[0]:
        return pd.DataFrame(columns=list(_COLUMNS))
    frame = con.execute(f"SELECT {', '.join(_COLUMNS)} FROM ledger").df()
    for column in ("deadline", "done_on"):
        frame[column] = [None if _text(v) is None else dt.date.fromisoformat(_text(v)) for v in frame[column]]
    return frame.iloc[sorted(range(len(frame)), key=lambda i: seq_order(frame["seq"].iloc[i]))].reset_index(drop=True)


def seq_order(seq: str) -> tuple:
    """How 序号 sort: by their numbers part by part (``2`` < ``10`` < ``10.1``), text after numbers."""
    parts = re.split(r"[.\-、]", str(seq))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def task_history(con: duckdb.DuckDBPyConnection, seq: str | None = None) -> pd.DataFrame:
    """``ledger_history`` rows, newest first (one task's where ``seq`` is given): change_id, seq,
    changed_at, account, role, field, old, new, import_id (set where an import made the change)."""
    where, params = ("WHERE seq = ?", [seq]) if seq is not None else ("", [])
    return con.execute(
        "SELECT change_id, seq, changed_at, account, role, field, old, new, import_id FROM ledger_history "
        f"{where} ORDER BY change_id DESC",
        params,
    ).df()


def region_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Region code -> name, for showing a task's regions."""
    return dict(con.execute("SELECT code, name FROM regions").fetchall())


def load_demo_ledger(con: duckdb.DuckDBPyConnection, import_id: int) -> ImportResult:
    """Inside :func:`data.store.load_demo`'s transaction: the demo county's task list
    (:func:`data.demo.demo_ledger`) under the demo import ``import_id``, leaving alone any task a user's
    import holds under the same 序号."""
    from data.demo import demo_ledger

    staged = demo_ledger()
    listed = ", ".join(_COLUMNS)
    con.register("staged_ledger", staged)
    added = con.execute(
        f"INSERT INTO ledger ({listed}, import_id) SELECT {listed}, ? FROM staged_ledger s"
        " WHERE NOT EXISTS (SELECT 1 FROM ledger live WHERE live.seq = s.seq)",
        [import_id],
    ).fetchone()[0]
    con.unregister("staged_ledger")
    con.execute("DELETE FROM replaced_ledger WHERE prior_import_id NOT IN (SELECT import_id FROM imports)")
    con.execute("UPDATE imports SET row_count = ?, added = ? WHERE import_id = ?", [added, added, import_id])
    return ImportResult(import_id, "ledger", "demo", int(added), int(added), 0)
