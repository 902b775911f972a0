"""A seam to the audit log (issue 12, point 4) until ``data.audit`` is merged beside this branch.

:func:`record` has the signature of ``data.audit.record`` and forwards to it when that module exists;
without it, it does nothing. Approvals, returns and period locks call it; the integrator connects it.
"""

from __future__ import annotations

import importlib

from data.access import Actor


def record(con, actor: Actor, action: str, detail: str, region_code: str | None = None) -> None:
    """Write one audit entry on ``con`` (inside the caller's transaction) when ``data.audit`` exists; no-op otherwise."""
    try:
        audit = importlib.import_module("data.audit")
    except ModuleNotFoundError as missing:
        if missing.name != "data.audit":
            raise  # data.audit exists but lacks something: say so, never hide it
        return
    audit.record(con, actor, action, detail, region_code=region_code)
