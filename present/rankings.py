"""What the Rankings page says about praise and names, in one language (no streamlit).

The rule is the targets file's ``bulletin:`` section (``metrics.targets.BulletinRules``),
the same the quarterly bulletin workbook applies (issue 11: one praise/name rule);
who is chosen comes from ``metrics.league.bulletin``.
"""

from __future__ import annotations

import pandas as pd

from metrics.targets import BulletinRules
from present.catalog import status_label, text
from present.formatting import format_rate


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
