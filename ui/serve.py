"""Start the dashboard: ``python -m ui.serve [streamlit options]``.

The same as ``streamlit run app.py``, with one difference. A folder named
``pages/`` beside the entry script makes Streamlit 1.67 run in its old
multipage mode until ``st.navigation`` has run once in the process: a deep
link opened first (``/rankings``) then runs the page without the frame, and
the first widget change of the first session is lost. kuomian's pages are
declared with ``st.navigation`` only, so we say so before the server starts.

It also chooses where to listen: 127.0.0.1 (``.streamlit/config.toml``) unless ``--lan`` or
``KUOMIAN_ADDRESS`` says otherwise (:func:`server_arguments`; issue 12, point 5).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"


def navigation_only() -> None:
    """Tell Streamlit the pages come from st.navigation, not from the pages/ folder."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


LAN_ADDRESS = "0.0.0.0"
"""What ``--lan`` listens on: every interface of the machine (the office network reaches it)."""


def server_arguments(argv: list[str], environ: Mapping[str, str]) -> list[str]:
    """Streamlit's options from ours: ``--lan`` becomes ``--server.address 0.0.0.0``; else ``KUOMIAN_ADDRESS``
    (an address to listen on) becomes ``--server.address`` that address; an explicit ``--server.address``
    wins over both. Without any, ``.streamlit/config.toml`` keeps the server on 127.0.0.1 (issue 12, point 5).
    """
    rest = [arg for arg in argv if arg != "--lan"]
    if any(arg == "--server.address" or arg.startswith("--server.address=") for arg in rest):
        return rest
    address = LAN_ADDRESS if "--lan" in argv else environ.get("KUOMIAN_ADDRESS", "").strip()
    return ["--server.address", address, *rest] if address else rest


def main() -> None:
    from streamlit.web import cli

    navigation_only()
    sys.argv = ["streamlit", "run", str(APP), *server_arguments(sys.argv[1:], os.environ)]
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
