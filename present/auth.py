"""View builders for the account and administrator pages (issue 12): tables as a person reads them."""

from __future__ import annotations

import pandas as pd

from data.access import ROLE_LABELS
from present.catalog import text


def role_name(role: str, language: str) -> str:
    """管理员 / Administrator ...: a role as the dashboard names it."""
    zh, en = ROLE_LABELS.get(role, (role, role))
    return zh if language == "zh" else en


def account_state(row, now) -> str:
    """``active``, ``disabled`` or ``locked`` (locked until a time still to come)."""
    if bool(row["disabled"]):
        return "disabled"
    locked = row["locked_until"]
    if locked is not None and not pd.isna(locked) and pd.Timestamp(locked) > pd.Timestamp(now):
        return "locked"
    return "active"


def accounts_view(frame: pd.DataFrame, language: str, now) -> pd.DataFrame:
    """``data.accounts.listing`` as the administrator page shows it: account, role, area, state, demo."""
    t = lambda key: text(key, language)  # noqa: E731
    return pd.DataFrame(
        {
            t("auth.admin.col.account"): frame["account"],
            t("auth.admin.col.role"): [role_name(r, language) for r in frame["role"]],
            t("auth.admin.col.region"): frame["region_code"].fillna(text("auth.account.everywhere", language)),
            t("auth.admin.col.state"): [t(f"auth.admin.state.{account_state(row, now)}") for _, row in frame.iterrows()],
            t("auth.admin.col.demo"): frame["is_demo"].map({True: "✓", False: ""}),
        }
    )


def audit_view(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """``data.audit.entries`` as the administrator page shows it (time to the second, newest first)."""
    t = lambda key: text(key, language)  # noqa: E731
    return pd.DataFrame(
        {
            t("auth.admin.col.time"): frame["logged_at"].astype(str),
            t("auth.admin.col.account"): frame["account"],
            t("auth.admin.col.role"): [role_name(r, language) for r in frame["role"]],
            t("auth.admin.col.address"): frame["address"].fillna(""),
            t("auth.admin.col.action"): frame["action"],
            t("auth.admin.col.region"): frame["region_code"].fillna(""),
            t("auth.admin.col.detail"): frame["detail"],
        }
    )
