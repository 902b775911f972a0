"""What the Rankings page says, in one language (no streamlit): praise and names, and the
league table as shown and as downloaded (the view builder of ``pages/rankings.py``).

The rule is the targets file's ``bulletin:`` section (``metrics.targets.BulletinRules``),
the same the quarterly bulletin workbook applies (issue 11: one praise/name rule);
who is chosen comes from ``metrics.league.bulletin``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import pandas as pd

from metrics.league import export_rows
from metrics.registry import STATUSES
from metrics.targets import BulletinRules
from present.catalog import metric_label, status_label, text
from present.charts import STATUS_COLORS
from present.formatting import format_month, format_rate
from present.honest import estimated_suffix, is_comparable, implausible_text, overdue_text


def statuses_text(statuses: tuple[str, ...], language: str) -> str:
    """``已达标、进度正常``: the statuses' labels joined the catalog's way."""
    return text("honest.list_sep", language).join(status_label(s, language) for s in statuses)


def rule_hints(rules: BulletinRules, language: str) -> tuple[str, str]:
    """(praise hint, name hint): the rule in words, with its counts and statuses."""
    praise, name = rules.praise, rules.name
    return (
        text("rankings.praise_hint", language, statuses=statuses_text(praise.statuses, language), top=praise.top, most_improved=praise.most_improved),
        text("rankings.name_hint", language, statuses=statuses_text(name.statuses, language), bottom=name.bottom, fallen_furthest=name.fallen_furthest),
    )


def reason_text(reason: str, rules: BulletinRules, language: str) -> str:
    """Why a region is listed: ``top``/``bottom`` name the rule's statuses, the others the rank change."""
    statuses = rules.praise.statuses if reason == "top" else rules.name.statuses
    return text(f"bulletin.reason.{reason}", language, statuses=statuses_text(statuses, language))


def bulletin_lines(chosen: pd.DataFrame, rules: BulletinRules, language: str) -> list[str]:
    """One line per row of ``chosen`` (``metrics.league.bulletin``'s praised or named):
    ``{region}　{value}（第 {rank} 名，{reason}）``."""
    return [
        text(
            "rankings.bulletin_line",
            language,
            region=row.region_name,
            value=format_rate(row.value, row.target),
            rank=int(row.rank),
            reason=reason_text(row.reason, rules, language),
        )
        for row in chosen.itertuples()
    ]


# --------------------------------------------------------------------------- the league table


@dataclass(frozen=True)
class LeagueView:
    """The league as the page shows it and as it downloads, headers in one language."""

    display: pd.DataFrame  # rank, rank change, region, value, target, gap, persons, status, code, note
    exported: pd.DataFrame  # metrics.league.export_rows, statuses and months as words
    headers: dict[str, str]  # column key -> header shown
    status_names: dict[str, str]  # status key (and none, not_comparable) -> label shown
    status_fills: dict[str, str]  # status label shown -> its colour (present.charts.STATUS_COLORS)


def league_view(shown: pd.DataFrame, metric: str, language: str, siblings: bool) -> LeagueView:
    """``shown``: ``metrics.league`` rows (sorted and filtered, the pinned reference row first,
    fractions and persons); ``siblings``: the selected region is ranked among its siblings
    (its row reads "selected", else "reference"). A region that is not comparable (spec §3)
    reads ≠ with its own status in the note; estimated and overdue rows say so in the note.
    """
    t = partial(text, language=language)
    status_keys = (*STATUSES, "none")
    suffix = t("rankings.selected_suffix" if siblings else "rankings.reference_suffix")
    headers = {
        "rank": t("word.rank"),
        "rank_change": t("word.rank_change"),
        "region_name": t("word.region"),
        "value": metric_label(metric, language),
        "target": t("word.target"),
        "target_by": t("word.target_by"),
        "gap_pp": t("word.gap_pp"),
        "gap_points": t("word.gap_pp"),
        "gap_persons": t("word.gap_persons"),
        "status": t("word.status"),
        "region_code": t("word.region_code"),
        "note": t("honest.note_col"),
    }
    status_names = {key: status_label(None if key == "none" else key, language) for key in status_keys}
    status_names["not_comparable"] = f"≠ {t('status.not_comparable')}"
    status_fills = {status_names[key]: STATUS_COLORS[key] for key in (*status_keys, "not_comparable")}

    def row_note(row: dict) -> str:
        own = status_label(row["status"] if isinstance(row["status"], str) else None, language)
        parts = [] if is_comparable(row) else [f"{t('status.not_comparable')}（{own}）"]
        parts.append(estimated_suffix(row, t).strip("（）() "))
        parts.append(overdue_text(row, t) or "")
        parts.append(implausible_text(row, t) or "")
        return " · ".join(p for p in parts if p)

    pinned = shown["pinned"].to_numpy()
    display = shown[["rank", "rank_change", "region_name", "value", "target", "gap_pp", "gap_persons", "status", "region_code"]].copy()
    display.loc[pinned, "region_name"] = display.loc[pinned, "region_name"] + suffix
    display["status"] = display["status"].fillna("none").map(status_names)
    records = shown.to_dict("records")  # plain dicts: a pandas row per region cost 0.2 ms each (issue 15)
    comparable = [is_comparable(row) for row in records]
    display.loc[[not c for c in comparable], "status"] = status_names["not_comparable"]
    display["note"] = [row_note(row) for row in records]

    exported = export_rows(shown)
    exported.loc[pinned, "region_name"] = exported.loc[pinned, "region_name"] + suffix
    exported["target_by"] = exported["target_by"].map(format_month)
    exported["status"] = exported["status"].fillna("none").map(status_names)
    return LeagueView(display.rename(columns=headers), exported.rename(columns=headers), headers, status_names, status_fills)


def visible_rows(shown: pd.DataFrame, page: int, size: int | None = None) -> pd.DataFrame:
    """The rows of ``shown`` the page draws: its pinned reference rows (first, as ``metrics.league``
    puts them), then page ``page`` (from 1, clipped) of the others, ``size`` a page
    (``present.paging.PAGE_SIZE``). The league view is built for these only (issue 15 point 5: a
    national league of 40,000 townships formats 500 rows per rerun, not 40,000); the download
    builds its own from every row."""
    from present.paging import PAGE_SIZE, page_of

    pinned = int(shown["pinned"].sum())
    return pd.concat([shown.iloc[:pinned], page_of(shown.iloc[pinned:], page, size or PAGE_SIZE)])


def with_completion(view: LeagueView, shown: pd.DataFrame, completion: pd.DataFrame, metric: str, language: str) -> LeagueView:
    """The league with a task-completion column (issue 13 point 3) before the note: the completion of the task
    kind that matches ``metric`` (coverage_rate: new insured; employee_share: new employee-scheme contributors;
    payment_rate: residents who pay) per row of ``shown``. ``completion``: ``data.tasks.completion_of``'s frame.
    Shown as a percentage; exported as a number of percent (``85.3``) under a header that says so. Unchanged
    where no listed region holds a task of that kind."""
    from present.tasks import METRIC_TASK_KIND, completion_column, format_completion, kind_label

    kind = METRIC_TASK_KIND.get(metric)
    rows = completion[completion["task_kind"] == kind] if kind else completion.iloc[0:0]
    if rows.empty or not rows["task"].notna().any():
        return view
    values = completion_column(completion, kind)
    header = text("tasks.rank_col", language, kind=kind_label(kind, language))
    at = list(view.display.columns).index(view.headers["note"]) if view.headers["note"] in view.display.columns else len(view.display.columns)
    display = view.display.copy()
    display.insert(at, header, [format_completion(values.get(code)) for code in shown["region_code"]])
    exported = view.exported.copy()
    exported[f"{header} (%)"] = [None if values.get(code) is None else round(values[code] * 100, 1) for code in shown["region_code"]]
    headers = {**view.headers, "task_completion": header}
    return LeagueView(display, exported, headers, view.status_names, view.status_fills)
