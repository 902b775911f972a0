"""The layers keep their one import rule: only the UI imports streamlit; metrics/ does no IO."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


# bench/pages.py times the dashboard itself through AppTest.
UI_BENCHMARKS = {"pages.py"}


@pytest.mark.parametrize("folder", ["metrics", "data", "cli", "config", "bench", "exports"])
def test_only_the_ui_imports_streamlit(folder):
    files = [p for p in python_files(folder) if not (folder == "bench" and p.name in UI_BENCHMARKS)]
    offenders = [p.relative_to(ROOT) for p in files if "streamlit" in imported_modules(p)]
    assert offenders == []


def test_metrics_does_no_io_and_knows_no_database():
    forbidden = {"duckdb", "streamlit", "data", "ui", "openpyxl", "os", "pathlib", "requests"}
    offenders = {
        str(p.relative_to(ROOT)): sorted(imported_modules(p) & forbidden) for p in python_files("metrics")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_pages_hold_no_sql():
    keywords = ("SELECT ", "INSERT ", "DELETE FROM", "duckdb")
    offenders = [
        str(p.relative_to(ROOT))
        for p in python_files("pages") + [ROOT / "app.py"]
        if any(k in p.read_text(encoding="utf-8") for k in keywords)
    ]
    assert offenders == []
