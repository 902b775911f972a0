"""The layers keep their one import rule: only the UI imports streamlit; metrics/ does no IO.

Issue 11 point 1: ``metrics``, ``data``, ``present``, ``exports`` and ``cli``
never load streamlit, not even through what they import: every module under
them is imported in a fresh interpreter and ``sys.modules`` is read back.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
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


NO_STREAMLIT_PACKAGES = ("metrics", "data", "present", "exports", "cli", "config")

# Imports every module given on the command line, then prints the streamlit modules loaded.
PROBE = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted(m for m in sys.modules if m == "streamlit" or m.startswith("streamlit."))))
"""


def module_names(package: str) -> list[str]:
    names = []
    for path in python_files(package):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def streamlit_loaded_by(*modules: str) -> list[str]:
    """The streamlit modules in ``sys.modules`` of a fresh interpreter after importing ``modules``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *modules], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("package", NO_STREAMLIT_PACKAGES)
def test_no_module_outside_the_dashboard_loads_streamlit_even_indirectly(package):
    modules = module_names(package)
    assert modules, f"{package} has no modules"
    assert streamlit_loaded_by(*modules) == []


def test_the_probe_sees_streamlit_when_a_module_loads_it():
    assert "streamlit" in streamlit_loaded_by("ui.i18n")


# bench/pages.py times the dashboard itself through AppTest.
UI_BENCHMARKS = {"pages.py"}


@pytest.mark.parametrize("folder", ["metrics", "data", "cli", "config", "bench", "exports", "present"])
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


RUN_COMMANDS = """
import json, sys
from cli.main import main
db, out = sys.argv[1], sys.argv[2]
codes = [
    main(["--db", db, "bulletin", "--quarter", "2026Q3", "--out", out + "/bulletin.xlsx"]),
    main(["--db", db, "export", "briefing", "--period", "2026-10", "--format", "pptx", "--out", out + "/briefing.pptx"]),
]
print(json.dumps([codes, sorted(m for m in sys.modules if m == "streamlit" or m.startswith("streamlit."))]))
"""


def test_the_bulletin_and_the_briefing_export_run_without_loading_streamlit(demo_copy, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", RUN_COMMANDS, str(demo_copy("layering")), str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [[0, 0], []]
    assert (tmp_path / "bulletin.xlsx").stat().st_size > 0 and (tmp_path / "briefing.pptx").stat().st_size > 0


def test_ui_holds_only_streamlit_glue():
    """What needs no streamlit belongs in present/ (or metrics/), so the exports can use it (issue 11)."""
    glue_without_streamlit = {"__init__.py", "serve.py"}  # serve starts the streamlit server by its CLI
    pure = [p.name for p in python_files("ui") if p.name not in glue_without_streamlit and "streamlit" not in imported_modules(p)]
    assert pure == []
