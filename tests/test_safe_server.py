"""A safe server by default (issue 12, point 5): what .streamlit/config.toml and ui/serve.py promise.

The dashboard listens on this machine only unless it is told to serve the office network; XSRF
protection stays on; users never see error details; the upload limit is the readers' (64 MB, checked in
tests/test_reading_bounds.py).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from ui.serve import server_arguments

CONFIG = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def test_the_server_listens_on_this_machine_only_by_default():
    assert CONFIG["server"]["address"] == "127.0.0.1"


def test_xsrf_protection_is_on():
    assert CONFIG["server"]["enableXsrfProtection"] is True
    assert CONFIG["server"]["enableCORS"] is True  # Streamlit turns XSRF protection off with CORS off


def test_error_details_are_hidden_from_users():
    assert CONFIG["client"]["showErrorDetails"] == "none"  # false would be Streamlit's "stacktrace": paths and code shown


def test_streamlit_reads_the_error_details_setting_as_no_traceback_and_no_exception_type():
    from streamlit import config as streamlit_config

    streamlit_config.set_option("client.showErrorDetails", CONFIG["client"]["showErrorDetails"])
    try:
        assert streamlit_config.get_option("client.showErrorDetails") == streamlit_config.ShowErrorDetailsConfigOptions.NONE.value
    finally:
        streamlit_config.set_option("client.showErrorDetails", "full")


def test_usage_statistics_go_nowhere():
    assert CONFIG["browser"]["gatherUsageStats"] is False


@pytest.mark.parametrize(
    ("argv", "environ", "expected"),
    [
        ([], {}, []),  # config.toml's 127.0.0.1
        (["--server.port", "8600"], {}, ["--server.port", "8600"]),
        (["--lan"], {}, ["--server.address", "0.0.0.0"]),
        (["--server.port", "8600", "--lan"], {}, ["--server.address", "0.0.0.0", "--server.port", "8600"]),
        ([], {"KUOMIAN_ADDRESS": "10.1.2.3"}, ["--server.address", "10.1.2.3"]),
        ([], {"KUOMIAN_ADDRESS": " "}, []),
        (["--lan"], {"KUOMIAN_ADDRESS": "10.1.2.3"}, ["--server.address", "0.0.0.0"]),
        (["--server.address", "10.9.9.9"], {"KUOMIAN_ADDRESS": "10.1.2.3"}, ["--server.address", "10.9.9.9"]),
        (["--lan", "--server.address=10.9.9.9"], {}, ["--server.address=10.9.9.9"]),
    ],
    ids=["default", "port", "lan", "lan-after-port", "env", "blank-env", "lan-over-env", "explicit-wins", "explicit-over-lan"],
)
def test_the_address_comes_from_lan_or_the_environment_only_when_asked(argv, environ, expected):
    assert server_arguments(argv, environ) == expected


def test_the_dashboard_script_passes_its_arguments_to_the_server_start():
    script = (Path(__file__).resolve().parent.parent / "scripts" / "dashboard").read_text(encoding="utf-8")
    assert 'exec .venv/bin/python -m ui.serve --server.port "${PORT:-8501}" "$@"' in script
