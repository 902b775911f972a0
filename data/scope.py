"""Region scope: which regions an actor may see and write (issue 12, point 2). One place for the rule.

- administrator, office and viewer accounts without a region see everything (scope None);
- an account with a region (every reporter; a viewer may have one too) sees that region's subtree:
  the region and everything below it. Its league is not widened: a county reporter's rankings
  compare the townships of its county, never the other counties (docs/deployment.md, "Scope");
- writes: administrator and office import anything; a reporter imports rows of its subtree only,
  row by row ("530302001 is outside your area 530381"), never a regions file; a viewer imports
  nothing. Rollbacks follow the same rule over the rows the import touched.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pandas as pd

from data.access import Actor
from data.problems import Problem


def scope_root(actor: Actor | None) -> str | None:
    """The root of the actor's scope, or None for the whole database (no actor: the CLI, everything)."""
    if actor is None or actor.role in ("admin", "office"):
        return None
    return actor.region_code


def subtree(con: duckdb.DuckDBPyConnection, root: str) -> frozenset[str]:
    """Every region code at or below ``root`` (from ``region_closure``); empty for an unknown code."""
    rows = con.execute("SELECT descendant FROM region_closure WHERE ancestor = ?", [root]).fetchall()
    return frozenset(row[0] for row in rows) | ({root} if rows else frozenset())


def filter_regions(regions: pd.DataFrame, root: str | None) -> pd.DataFrame:
    """The rows of a regions frame (``code, parent_code, ...``) inside ``root``'s subtree, the root made
    a root of the frame (``parent_code`` None), so that a region picker and the league helpers see the
    scope as the whole tree. ``root`` None: the frame unchanged."""
    if root is None:
        return regions
    inside = {root}
    children = regions.groupby("parent_code")["code"].apply(list).to_dict()
    frontier = [root]
    while frontier:
        frontier = [kid for code in frontier for kid in children.get(code, [])]
        inside.update(frontier)
    out = regions[regions["code"].isin(inside)].copy()
    out.loc[out["code"] == root, "parent_code"] = None
    return out.reset_index(drop=True)


def within(codes: Iterable[str], allowed: frozenset[str] | None) -> list[str]:
    """``codes`` that lie in ``allowed`` (all of them where ``allowed`` is None), order kept."""
    return list(codes) if allowed is None else [code for code in codes if code in allowed]


def import_problems(con: duckdb.DuckDBPyConnection | None, actor: Actor | None, kind: str, frame: pd.DataFrame) -> list[Problem]:
    """What a file may not write for ``actor``: one problem per row outside its area, or one for the
    whole file where the role may not import it. ``frame`` has ``_row`` and ``region_code`` (``code``
    for regions). Empty for the CLI (actor None), administrators and the office."""
    if actor is None or actor.role in ("admin", "office"):
        return []
    if actor.role == "viewer" or actor.region_code is None:
        return [Problem(1, "file", f"your role ({actor.role}) may not import data", f"您的角色（{actor.role}）不能导入数据")]
    if kind == "regions":
        return [Problem(1, "file", "a reporter may not import the region list; the office does", "填报账号不能导入区划表，由领导小组办公室导入")]
    if con is None or frame.empty or "region_code" not in frame.columns:
        return []
    allowed = subtree(con, actor.region_code)
    area = actor.region_code
    rows = frame["_row"] if "_row" in frame.columns else pd.Series(range(2, len(frame) + 2), index=frame.index)
    problems = []
    for row, code in zip(rows, frame["region_code"]):
        if isinstance(code, str) and code and code not in allowed:
            problems.append(
                Problem(int(row), "region_code", f"{code} is outside your area {area}", f"{code} 不在您的管辖范围 {area} 内")
            )
        elif kind == "tasks" and code == area:  # issue 13 point 3: the city tasks the counties, a county its townships
            problems.append(
                Problem(
                    int(row), "region_code",
                    f"{code} is your own area: its task is given by the level above, not by you",
                    f"{code} 是您本级的区划：其任务由上级下达，不能自行导入",
                )
            )
    return problems


def rollback_problem(con: duckdb.DuckDBPyConnection, actor: Actor | None, import_id: int, kind: str) -> tuple[str, str] | None:
    """Why ``actor`` may not roll back ``import_id`` (of ``kind``), as (English, Chinese), or None where it may: a viewer never;
    a reporter never the region list or the task ledger (the office keeps both), and otherwise only an
    import whose rows (written and replaced) all lie in its area, that it made itself (or a submission it
    reviews, issue 12 point 3: a return rolls back) and that nobody has approved yet. Issue 12 point 2:
    a reporter does not undo the office's corrections nor its own figures once the level above approved them."""
    if actor is None or actor.role in ("admin", "office"):
        return None
    if actor.role == "viewer" or actor.region_code is None:
        return f"your role ({actor.role}) may not roll back imports", f"您的角色（{actor.role}）不能撤销导入"
    if kind == "regions":
        return "a reporter may not roll back a region list", "填报账号不能撤销区划表的导入，由领导小组办公室撤销"
    if kind == "ledger":
        return "a reporter may not roll back the task ledger; the office keeps it", "填报账号不能撤销任务清单的导入：任务清单由领导小组办公室维护"
    allowed = subtree(con, actor.region_code)
    codes = [
        row[0]
        for row in con.execute(
            f"SELECT DISTINCT region_code FROM (SELECT region_code FROM {kind} WHERE import_id = ?"
            f" UNION ALL SELECT region_code FROM replaced_{kind} WHERE import_id = ?) ORDER BY 1",
            [import_id, import_id],
        ).fetchall()
    ]
    outside = [code for code in codes if code not in allowed]
    if outside:
        shown = ", ".join(outside[:5]) + (f" and {len(outside) - 5} more" if len(outside) > 5 else "")
        shown_zh = "、".join(outside[:5]) + (f" 等 {len(outside)} 个" if len(outside) > 5 else "")
        return (
            f"import {import_id} has rows outside your area {actor.region_code} ({shown}); the office may roll it back",
            f"导入 {import_id} 含有您的管辖范围 {actor.region_code} 以外的行（{shown_zh}）；请由领导小组办公室撤销",
        )
    from data import approval  # data.approval imports the store, which imports this module

    reviews = approval.submissions(con)
    reviews = reviews[reviews["import_id"] == import_id]
    approved = reviews[reviews["status"] == "approved"]
    if not approved.empty:
        reviewer = approved["reviewer"].iloc[0]
        return (
            f"import {import_id} was approved by {reviewer}; the office may roll it back",
            f"导入 {import_id} 已由 {reviewer} 审核通过；请由领导小组办公室撤销",
        )
    author = entry_author(con, import_id)
    if author == actor.account:
        return None
    pending = reviews[reviews["status"] == "submitted"]
    if not pending.empty and all(approval.may_review(con, actor, str(code)) for code in pending["region_code"]):
        return None  # the level above returning (or withdrawing) its township's submission
    return (
        f"import {import_id} was made by {author or 'another account'}, not by you ({actor.account}); the office may roll it back",
        f"导入 {import_id} 由 {author or '其他账号'} 导入，不是您（{actor.account}）；请由领导小组办公室撤销",
    )


def entry_author(con: duckdb.DuckDBPyConnection, entry: int) -> str | None:
    """The account that made history entry ``entry`` (an import, a rollback or the undoing of one), from
    the audit log (issue 12 point 4); None where the log does not say (the demo, a database older than the log)."""
    import json

    has = con.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'audit_log'").fetchone()[0]
    if not has:
        return None
    rows = con.execute(
        "SELECT account, action, detail FROM audit_log WHERE action IN ('import', 'rollback') AND detail LIKE ? ORDER BY entry_id",
        [f"%{int(entry)}%"],
    ).fetchall()
    for account, action, detail in rows:
        try:
            fields = json.loads(detail)
        except ValueError:
            continue
        if not isinstance(fields, dict):
            continue
        if action == "import" and fields.get("import_id") == entry:
            return str(account)
        if action == "rollback" and (fields.get("entry") == entry or ("undoes_rollback_of" in fields and fields.get("import_id") == entry)):
            return str(account)
    return None


def rollbackable(con: duckdb.DuckDBPyConnection, actor: Actor | None, imports: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``imports`` (``data.store.history``: ``import_id, kind, ...``) that ``actor`` may roll back,
    order kept: those :func:`rollback_problem` (the rule the server applies) has nothing against. The data
    page's history list for a reporter (adversary finding: every area's imports were offered, the click refused).
    Administrator, office and no actor (the CLI): ``imports`` unchanged."""
    if actor is None or actor.role in ("admin", "office") or imports.empty:
        return imports
    keep = [rollback_problem(con, actor, int(i), str(k)) is None for i, k in zip(imports["import_id"], imports["kind"])]
    return imports[keep]
