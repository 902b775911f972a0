"""Start the dashboard: ``python -m ui.serve [streamlit options]``.

The same as ``streamlit run app.py``, with one difference. A folder named
``pages/`` beside the entry script makes Streamlit 1.67 run in its old
multipage mode until ``st.navigation`` has run once in the process: a deep
link opened first (``/rankings``) then runs the page without the frame, and
the first widget change of the first session is lost. kuomian's pages are
declared with ``st.navigation`` only, so we say so before the server starts.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"


def navigation_only() -> None:
    """Tell Streamlit the pages come from st.navigation, not from the pages/ folder."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def main() -> None:
    from streamlit.web import cli

    navigation_only()
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()


def navigation_only_in_apptest() -> None:
    """The same for Streamlit's AppTest, which resets the flag before every run (used by bench/pages.py)."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__
    if getattr(original, "_kuomian_navigation_only", False):
        return

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    init._kuomian_navigation_only = True
    PagesManager.__init__ = init
