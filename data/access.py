"""Who is acting: the account, its role and its region scope (issue 12).

A shared, dependency-free description of the person behind a write or a read, so that the import
path, approvals, period locks, the audit log and the pages all speak of the same thing. Accounts
themselves (passwords, sessions, lockout) live elsewhere; this module only says what an actor is
and what its role allows.

Roles (issue 12, point 2):

- ``admin`` 管理员: accounts, the targets file, everything;
- ``office`` 领导小组办公室: sees everything, imports, rolls back, approves, locks periods;
- ``reporter`` 县级/乡镇填报: sees and uploads for its own subtree only;
- ``viewer`` 领导: read-only.
"""

from __future__ import annotations

import getpass
import socket
from dataclasses import dataclass

ROLES: tuple[str, ...] = ("admin", "office", "reporter", "viewer")
"""Every role, most powerful first."""

ROLE_LABELS: dict[str, tuple[str, str]] = {
    "admin": ("管理员", "Administrator"),
    "office": ("领导小组办公室", "Leading-group office"),
    "reporter": ("县级/乡镇填报", "County/township reporter"),
    "viewer": ("领导（只读）", "Leader (read-only)"),
}
"""Each role's name in Chinese and English."""


@dataclass(frozen=True)
class Actor:
    """The person behind an action.

    ``account`` is the login name (for the CLI: ``cli:<os user>@<host>``); ``role`` one of
    :data:`ROLES`; ``region_code`` the root of the account's scope (its subtree), or None for the
    whole database (administrator, office and viewer accounts normally have None); ``address`` the
    client address where known (the audit log records it).
    """

    account: str
    role: str
    region_code: str | None = None
    address: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; expected one of {', '.join(ROLES)}")

    @property
    def can_write(self) -> bool:
        """Whether the role may import data at all (admin, office, reporter; scope checked apart)."""
        return self.role in ("admin", "office", "reporter")

    @property
    def is_office(self) -> bool:
        """Whether the role acts for the whole campaign (admin or office): rollback, approve, lock."""
        return self.role in ("admin", "office")


def cli_actor() -> Actor:
    """The CLI acts as the administrator of the machine it runs on, recorded as such (issue 12, point 4)."""
    try:
        user = getpass.getuser()
    except Exception:  # no login name in a bare container
        user = "unknown"
    return Actor(account=f"cli:{user}@{socket.gethostname()}", role="admin", region_code=None, address="local")
