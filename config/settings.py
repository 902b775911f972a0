"""Runtime settings, read from ``KUOMIAN_*`` environment variables.

``KUOMIAN_DB`` is the DuckDB file, ``KUOMIAN_TARGETS`` the targets YAML and
``KUOMIAN_LANGUAGE`` the dashboard's default language (``zh`` or ``en``), ``KUOMIAN_AUTH`` how
the dashboard logs people in (``local`` accounts, the default, or ``oidc`` single sign-on).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KUOMIAN_", extra="ignore")

    db: Path = PROJECT_ROOT / "data" / "kuomian.duckdb"
    targets: Path = PROJECT_ROOT / "config" / "targets.yaml"
    language: Literal["zh", "en"] = "zh"
    # How the dashboard logs people in (issue 12): "local" accounts (kuomian user add), or "oidc":
    # Streamlit's st.login with the provider in .streamlit/secrets.toml (docs/deployment.md).
    auth: Literal["local", "oidc"] = "local"


def get_settings() -> Settings:
    """Settings as the environment says now (read afresh on every call)."""
    return Settings()
