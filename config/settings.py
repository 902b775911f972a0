"""Runtime settings, read from ``KUOMIAN_*`` environment variables.

``KUOMIAN_DB`` is the DuckDB file, ``KUOMIAN_TARGETS`` the targets YAML and
``KUOMIAN_LANGUAGE`` the dashboard's default language (``zh`` or ``en``).
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


def get_settings() -> Settings:
    """Settings as the environment says now (read afresh on every call)."""
    return Settings()
