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
