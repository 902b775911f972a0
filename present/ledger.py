"""The 任务清单 page's and the ledger export's tables (issue 14 point 3), without streamlit.

Built from :func:`data.ledger.tasks` (the ledger's columns) and the rules of :mod:`metrics.ledger`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from metrics.ledger import NO_LEADER, NO_REGION, STATUS_LABELS, overdue_by_leader, overdue_by_region, region_codes, status_counts, with_status
from present.texts import Texts

COLUMNS = ("seq", "content", "goal", "measures", "deadline", "unit", "leader", "regions", "status", "days_over", "done_on", "note")
"""The columns of the ledger table, in order."""


def status_text(status: str, language: str) -> str:
    """A status in ``language``: 未开始 / 推进中 / 已销账 / 逾期."""
    zh, en = STATUS_LABELS[status]
    return zh if language == "zh" else en


def regions_text(text: object, names: Mapping[str, str], tx: Texts) -> str:
    """A task's regions as names (``会泽县、上村乡``), or 全域 where it names none."""
    codes = region_codes(text)
    if not codes:
        return tx.t("ledger.whole")
    return tx.t("briefing.list_sep").join(names.get(code, code) for code in codes)


def ledger_table(tasks: pd.DataFrame, today: dt.date, names: Mapping[str, str], tx: Texts) -> pd.DataFrame:
    """The ledger as shown and exported: one row per task, headed in ``tx``'s language (序号, 工作内容 ...
    状态, 逾期天数, 销账日期, 备注), statuses as words, regions as names, dates as YYYY-MM-DD."""
    shown = with_status(tasks, today)
    out = pd.DataFrame(
        {
            "seq": shown["seq"],
            "content": shown["content"],
            "goal": shown["goal"],
            "measures": shown["measures"],
            "deadline": [d.isoformat() if d is not None else "" for d in shown["deadline"]],
            "unit": shown["unit"],
            "leader": shown["leader"].fillna("").replace("", tx.t("ledger.no_leader")),
            "regions": [regions_text(r, names, tx) for r in shown["regions"]],
            "status": [status_text(s, tx.language) for s in shown["shown"]],
            "days_over": shown["days_over"].astype("int64"),
            "done_on": [d.isoformat() if d is not None and not pd.isna(d) else "" for d in shown["done_on"]],
            "note": shown["note"],
        }
    )
    out = out.fillna("")
    out.columns = [tx.t(f"ledger.col.{c}") for c in COLUMNS]
    return out


def leader_table(tasks: pd.DataFrame, today: dt.date, tx: Texts) -> pd.DataFrame:
    """Overdue tasks per 包保领导, headed in ``tx``'s language (包保领导, 逾期任务数)."""
    counts = overdue_by_leader(tasks, today)
    counts["leader"] = counts["leader"].replace(NO_LEADER, tx.t("ledger.no_leader"))
    return counts.rename(columns={"leader": tx.t("ledger.col.leader"), "overdue": tx.t("ledger.col.overdue")})


def region_table(tasks: pd.DataFrame, today: dt.date, names: Mapping[str, str], tx: Texts) -> pd.DataFrame:
    """Overdue tasks per region they concern (区划, 逾期任务数); tasks without regions under 全域."""
    counts = overdue_by_region(tasks, today)
    counts["region_code"] = [tx.t("ledger.whole") if c == NO_REGION else f"{names.get(c, c)}（{c}）" for c in counts["region_code"]]
    return counts.rename(columns={"region_code": tx.t("ledger.col.region"), "overdue": tx.t("ledger.col.overdue")})


def caption(tasks: pd.DataFrame, today: dt.date, tx: Texts) -> str:
    """The line above the ledger: how many tasks show each status today."""
    counts = status_counts(tasks, today)
    return tx.t("ledger.caption", today=today.isoformat(), total=len(tasks), **counts)


def overdue_line(tasks: pd.DataFrame, today: dt.date, tx: Texts, *, key: str = "ledger.overview", top: int = 4) -> str | None:
    """One line for the overview (``key`` ``ledger.overview``) or the briefing (``ledger.briefing_line``):
    how many tasks are overdue and under which leaders (the ``top`` with most first). None without a ledger."""
    if tasks.empty:
        return None
    leaders = overdue_by_leader(tasks, today)
    overdue = int(leaders["overdue"].sum()) if not leaders.empty else 0
    if overdue == 0:
        return tx.t("ledger.overview_none", total=len(tasks))
    named = [
        tx.t("ledger.leader_count", leader=tx.t("ledger.no_leader") if leader == NO_LEADER else leader, count=int(count))
        for leader, count in zip(leaders["leader"].head(top), leaders["overdue"].head(top))
    ]
    more = "…" if len(leaders) > top else ""
    return tx.t(key, overdue=overdue, leaders=tx.t("briefing.list_sep").join(named) + more)


def history_table(history: pd.DataFrame, tx: Texts) -> pd.DataFrame:
    """A task's ``ledger_history`` rows as shown: 时间, 操作人, 字段 (its Chinese header), 原值, 新值."""
    field_names = {c: tx.t(f"ledger.col.{c}") for c in ("content", "goal", "measures", "deadline", "unit", "leader", "regions", "status", "note", "done_on")}
    field_names["created"] = tx.t("ledger.field.created")
    statuses = {key: status_text(key, tx.language) for key in STATUS_LABELS}
    out = pd.DataFrame(
        {
            "changed_at": history["changed_at"].astype(str),
            "account": history["account"],
            "field": history["field"].map(lambda f: field_names.get(f, f)),
            "old": [statuses.get(o, o) if f == "status" else o for f, o in zip(history["field"], history["old"])],
            "new": [statuses.get(n, n) if f == "status" else n for f, n in zip(history["field"], history["new"])],
        }
    ).fillna("")
    out.columns = [tx.t(f"ledger.col.{c}") for c in ("changed_at", "account", "field", "old", "new")]
    return out


def overdue_pairs(tasks: pd.DataFrame, today: dt.date) -> tuple[tuple[str, int], ...]:
    """Overdue tasks per 包保领导 as ``((leader, tasks), ...)``, most first (the briefing's field)."""
    if tasks.empty:
        return ()
    counts = overdue_by_leader(tasks, today)
    return tuple((str(leader), int(count)) for leader, count in zip(counts["leader"], counts["overdue"]))


def overdue_pairs_text(pairs: tuple[tuple[str, int], ...], tx: Texts, top: int = 4) -> str:
    """The briefing's line: ``逾期任务 4 项：赵永福 2 项、李国强 1 项、王丽 1 项``."""
    named = [
        tx.t("ledger.leader_count", leader=tx.t("ledger.no_leader") if leader == NO_LEADER else leader, count=count)
        for leader, count in pairs[:top]
    ]
    more = "…" if len(pairs) > top else ""
    return tx.t("ledger.briefing_line", overdue=sum(count for _, count in pairs), leaders=tx.t("briefing.list_sep").join(named) + more)


def overview_caption(tasks: pd.DataFrame, today: dt.date, names: Mapping[str, str], within: set[str], tx: Texts, top: int = 4) -> str | None:
    """The overview's small line (issue 14): overdue tasks per 包保领导 and per region under the selection
    (``within``: the codes of its subtree; tasks for the whole jurisdiction counted as 全域). None without a ledger."""
    line = overdue_line(tasks, today, tx, top=top)
    if line is None:
        return None
    counts = overdue_by_region(tasks, today, within=within)
    if counts.empty:
        return line
    named = [
        tx.t("ledger.leader_count", leader=tx.t("ledger.whole") if code == NO_REGION else names.get(code, code), count=int(count))
        for code, count in zip(counts["region_code"].head(top), counts["overdue"].head(top))
    ]
    more = "…" if len(counts) > top else ""
    semi, colon = ("；", "：") if tx.language == "zh" else ("; ", ": ")
    return f"{line}{semi}{tx.t('ledger.by_region')}{colon}{tx.t('briefing.list_sep').join(named)}{more}"


PAGE_ORDER = ("seq", "content", "status", "deadline", "days_over", "leader", "unit", "regions", "done_on", "note", "goal", "measures")
"""The page's column order: what the office reads first (status and deadline before the long texts)."""


def page_order(table: pd.DataFrame, tx: Texts) -> pd.DataFrame:
    """:func:`ledger_table`'s columns in :data:`PAGE_ORDER` (the export keeps the plan's order)."""
    return table[[tx.t(f"ledger.col.{column}") for column in PAGE_ORDER]]
