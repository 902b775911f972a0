import sys
import pathlib

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _pages_come_from_navigation(monkeypatch):
    """AppTest as the dashboard runs (see ui/serve.py): pages come from st.navigation only.

    AppTest resets Streamlit's "pages/ folder" flag before every run, so every
    run after the first would execute the page without app.py's frame.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture(autouse=True)
def _no_project_database(monkeypatch, tmp_path):
    """No test touches the project's own database or targets: one that forgot --db gets a fresh file."""
    monkeypatch.setenv("KUOMIAN_DB", str(tmp_path / "not-this-one.duckdb"))
    monkeypatch.delenv("KUOMIAN_TARGETS", raising=False)


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory):
    """The demo database, built once per test session (``kuomian demo``'s data); never opened for writing again."""
    from data.db import connect
    from data.store import load_demo

    path = tmp_path_factory.mktemp("demo-template") / "demo.duckdb"
    with connect(path, write=True) as con:
        load_demo(con)
    return path


@pytest.fixture(scope="session")
def demo_copy(_demo_template, tmp_path_factory):
    """``demo_copy(name)``: a fresh copy of the demo database in its own folder, for a test or module to change freely."""
    import shutil

    def copy(name: str = "demo") -> pathlib.Path:
        path = tmp_path_factory.mktemp(name) / "demo.duckdb"
        shutil.copyfile(_demo_template, path)
        return path

    return copy
