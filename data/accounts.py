"""Accounts: who may log in, with which role and region, and how failed logins slow down and lock.

Issue 12, points 1, 2 and 6. Passwords are hashed with argon2id (``argon2-cffi``, its
``PasswordHasher`` defaults, RFC 9106 low-memory profile); nothing here stores or logs a password.
Every change of an account and every login attempt is recorded in the audit log (``data.audit``).

Failed logins (per account, counted in the database so every server process sees them):

- after :data:`SLOW_AFTER` consecutive failures, the next attempt is refused unheard until
  ``5 s * 2**(failures - SLOW_AFTER)`` have passed since the last failure (the slowdown);
- after :data:`LOCK_AFTER` consecutive failures the account is locked for :data:`LOCK_MINUTES`
  minutes; ``kuomian user passwd`` (a new password) unlocks it at once;
- a successful login resets the count.

Time comes from :func:`clock` (module attribute, replaced by tests): no test sleeps.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from data import audit
from data.access import ROLES, Actor

SLOW_AFTER = 3
LOCK_AFTER = 5
LOCK_MINUTES = 15
SESSION_IDLE_MINUTES = 30
SESSION_MAX_HOURS = 12
MIN_PASSWORD_LENGTH = 8
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")

TABLE_SQL = """
CREATE TABLE IF NOT EXISTS accounts (
    account          VARCHAR NOT NULL,
    password_hash    VARCHAR NOT NULL,
    role             VARCHAR NOT NULL,
    region_code      VARCHAR,
    disabled         BOOLEAN NOT NULL DEFAULT FALSE,
    is_demo          BOOLEAN NOT NULL DEFAULT FALSE,
    must_change      BOOLEAN NOT NULL DEFAULT FALSE,
    failures         INTEGER NOT NULL DEFAULT 0,
    last_failure_at  TIMESTAMP,
    locked_until     TIMESTAMP,
    created_at       TIMESTAMP NOT NULL,
    changed_at       TIMESTAMP NOT NULL
)
"""
"""The table (also in data/schema.sql)."""

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password of anyone")

DEMO_ACCOUNTS: tuple[tuple[str, str, str | None, str], ...] = (
    ("admin", "admin", None, "demo-admin-2026"),
    ("office", "office", None, "demo-office-2026"),
    ("xuanwei", "reporter", "530381", "demo-county-2026"),
    ("xuanwei-town", "reporter", "530381001", "demo-town-2026"),
    ("leader", "viewer", None, "demo-viewer-2026"),
)
"""The demo's accounts (account, role, region, password): demo-only, listed in the README; they log
in only while the database holds the demo data, and the dashboard asks to change their passwords."""


class AccountError(ValueError):
    """A refused account change: the message says what was wrong and what was expected."""


def clock() -> dt.datetime:
    """Now, local time to the second (replaced by tests: an injectable clock)."""
    return dt.datetime.now().replace(microsecond=0)


@dataclass(frozen=True)
class Account:
    """One row of ``accounts`` without its hash."""

    account: str
    role: str
    region_code: str | None
    disabled: bool
    is_demo: bool
    must_change: bool
    failures: int
    locked_until: dt.datetime | None

    def actor(self, address: str | None = None) -> Actor:
        """The :class:`~data.access.Actor` this account acts as."""
        return Actor(self.account, self.role, self.region_code, address)


@dataclass(frozen=True)
class LoginResult:
    """What a login attempt came to.

    ``reason`` is None when ``account`` is set (logged in), else one of ``"wrong"`` (unknown account
    or wrong password: the two are not told apart), ``"disabled"``, ``"locked"`` (``until`` set),
    ``"slow"`` (``wait_seconds`` to wait), ``"demo_gone"`` (a demo account, the demo data gone).
    """

    account: Account | None
    reason: str | None = None
    until: dt.datetime | None = None
    wait_seconds: int = 0


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(TABLE_SQL)


def _has_table(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'accounts'").fetchone()[0])


_COLUMNS = "account, role, region_code, disabled, is_demo, must_change, failures, locked_until"


def _account(row) -> Account:
    account, role, region, disabled, is_demo, must_change, failures, locked = row
    return Account(account, role, region, bool(disabled), bool(is_demo), bool(must_change), int(failures), locked)


def get(con: duckdb.DuckDBPyConnection, account: str) -> Account | None:
    """One account, or None (also where the database has no accounts table yet)."""
    if not _has_table(con):
        return None
    row = con.execute(f"SELECT {_COLUMNS} FROM accounts WHERE account = ?", [account]).fetchone()
    return _account(row) if row else None


def listing(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every account, by name: ``account, role, region_code, disabled, is_demo, must_change, failures,
    locked_until, created_at, changed_at`` (never the hash)."""
    columns = [*_COLUMNS.split(", "), "created_at", "changed_at"]
    if not _has_table(con):
        return pd.DataFrame(columns=columns)
    return con.execute(f"SELECT {', '.join(columns)} FROM accounts ORDER BY account").df()


def count(con: duckdb.DuckDBPyConnection, *, enabled_only: bool = True) -> int:
    """How many accounts there are (enabled ones only by default)."""
    if not _has_table(con):
        return 0
    where = " WHERE NOT disabled" if enabled_only else ""
    return int(con.execute(f"SELECT COUNT(*) FROM accounts{where}").fetchone()[0])


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password has {len(password)} character(s); at least {MIN_PASSWORD_LENGTH} are needed")


def _check_role_region(con: duckdb.DuckDBPyConnection, role: str, region_code: str | None) -> None:
    if role not in ROLES:
        raise AccountError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    if role == "reporter" and not region_code:
        raise AccountError("a reporter needs a region (--region CODE): its subtree is what it sees and reports")
    if region_code:
        known = con.execute("SELECT COUNT(*) FROM regions WHERE code = ?", [region_code]).fetchone()[0]
        if not known:
            raise AccountError(f"region {region_code}: no such region in the database (import the regions first)")


def add(
    con: duckdb.DuckDBPyConnection,
    by: Actor,
    account: str,
    password: str,
    role: str,
    region_code: str | None = None,
    *,
    is_demo: bool = False,
    must_change: bool = False,
) -> Account:
    """Create an account (audited as ``account`` by ``by``). Raises :class:`AccountError` for a
    name already taken or not ``[A-Za-z0-9_.@-]{2,64}``, a password under 8 characters, an unknown
    role, a reporter without a region, or a region not in the database."""
    ensure_table(con)
    if not NAME_PATTERN.match(account):
        raise AccountError(f"account name {account!r}: expected 2-64 letters, digits or _ . @ -")
    if get(con, account) is not None:
        raise AccountError(f"account {account} already exists (see `kuomian user list`)")
    _check_password(password)
    _check_role_region(con, role, region_code)
    now = clock()
    con.execute(
        "INSERT INTO accounts (account, password_hash, role, region_code, disabled, is_demo, must_change, failures,"
        " created_at, changed_at) VALUES (?, ?, ?, ?, FALSE, ?, ?, 0, ?, ?)",
        [account, _hasher.hash(password), role, region_code, is_demo, must_change, now, now],
    )
    audit.record(con, by, "account", {"account": account, "change": "added", "role": role, "region": region_code}, region_code)
    return get(con, account)


def _require(con: duckdb.DuckDBPyConnection, account: str) -> Account:
    found = get(con, account)
    if found is None:
        raise AccountError(f"there is no account {account} (see `kuomian user list`)")
    return found


def set_disabled(con: duckdb.DuckDBPyConnection, by: Actor, account: str, disabled: bool = True) -> None:
    """Disable (or enable again) an account; its open sessions end on their next page. Audited."""
    _require(con, account)
    con.execute("UPDATE accounts SET disabled = ?, changed_at = ? WHERE account = ?", [disabled, clock(), account])
    audit.record(con, by, "account", {"account": account, "change": "disabled" if disabled else "enabled"})


def set_password(con: duckdb.DuckDBPyConnection, by: Actor, account: str, password: str) -> None:
    """Give an account a new password; this also clears its failures and its lock. Audited (never the password)."""
    found = _require(con, account)
    _check_password(password)
    must_change = by.account != account and found.is_demo  # a demo password set by someone else stays marked
    con.execute(
        "UPDATE accounts SET password_hash = ?, must_change = ?, failures = 0, last_failure_at = NULL, locked_until = NULL,"
        " changed_at = ? WHERE account = ?",
        [_hasher.hash(password), must_change, clock(), account],
    )
    audit.record(con, by, "account", {"account": account, "change": "password"})


def change_own_password(con: duckdb.DuckDBPyConnection, actor: Actor, old: str, new: str) -> None:
    """The account page: change one's own password, the old one given. Raises :class:`AccountError`
    (old password wrong, new one too short or the same as the old one)."""
    row = con.execute("SELECT password_hash FROM accounts WHERE account = ?", [actor.account]).fetchone()
    if row is None or not _verify(row[0], old):
        raise AccountError("the current password is not right")
    if old == new:
        raise AccountError("the new password is the same as the current one")
    set_password(con, actor, actor.account, new)
    con.execute("UPDATE accounts SET must_change = FALSE WHERE account = ?", [actor.account])


def set_role(con: duckdb.DuckDBPyConnection, by: Actor, account: str, role: str, region_code: str | None = None) -> None:
    """Change an account's role and region (its scope). Audited with the old and new values."""
    found = _require(con, account)
    _check_role_region(con, role, region_code)
    con.execute("UPDATE accounts SET role = ?, region_code = ?, changed_at = ? WHERE account = ?", [role, region_code, clock(), account])
    audit.record(
        con,
        by,
        "account",
        {"account": account, "change": "role", "from": f"{found.role} {found.region_code or ''}".strip(), "to": f"{role} {region_code or ''}".strip()},
        region_code,
    )


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def slowdown_seconds(failures: int) -> int:
    """How long after the last failure the next attempt is heard: 0 below :data:`SLOW_AFTER` failures,
    then 5 s, 10 s, ... (doubling)."""
    return 0 if failures < SLOW_AFTER else 5 * 2 ** (failures - SLOW_AFTER)


def login(con: duckdb.DuckDBPyConnection, account: str, password: str, address: str | None = None, *, demo_present: bool = True) -> LoginResult:
    """Check a login attempt on a read-write connection and record it in the audit log.

    ``demo_present`` says whether the database still holds the demo data: demo accounts log in
    only then. A failure counts towards the slowdown and the lock (see the module docstring);
    an attempt refused for the slowdown or the lock is recorded but not counted.
    """
    ensure_table(con)
    now = clock()
    row = con.execute(
        f"SELECT {_COLUMNS}, password_hash, last_failure_at FROM accounts WHERE account = ?", [account]
    ).fetchone()
    who = Actor(account or "(empty)", row[1] if row else "viewer", row[2] if row else None, address)
    if row is None:
        _verify(_DUMMY_HASH, password)  # the same time as for a known account
        audit.record(con, who, "login_failed", "unknown account")
        return LoginResult(None, "wrong")
    found, hashed, last_failure = _account(row[:8]), row[8], row[9]
    if found.disabled:
        audit.record(con, who, "login_failed", "account disabled")
        return LoginResult(None, "disabled")
    if found.locked_until is not None and now < found.locked_until:
        audit.record(con, who, "login_failed", f"locked until {found.locked_until}")
        return LoginResult(None, "locked", until=found.locked_until)
    wait = slowdown_seconds(found.failures)
    if wait and last_failure is not None and (now - last_failure).total_seconds() < wait:
        left = wait - int((now - last_failure).total_seconds())
        audit.record(con, who, "login_failed", f"too soon after {found.failures} failures: {left} s to wait")
        return LoginResult(None, "slow", wait_seconds=left)
    if not _verify(hashed, password):
        failures = found.failures + 1
        locked = now + dt.timedelta(minutes=LOCK_MINUTES) if failures >= LOCK_AFTER else None
        if locked is not None:
            failures = 0  # after the lock, a fresh count
        con.execute(
            "UPDATE accounts SET failures = ?, last_failure_at = ?, locked_until = ? WHERE account = ?",
            [failures, now, locked, account],
        )
        detail = "wrong password" + (f"; locked until {locked}" if locked else f" ({failures} in a row)")
        audit.record(con, who, "login_failed", detail)
        if locked is not None:
            return LoginResult(None, "locked", until=locked)
        return LoginResult(None, "wrong")
    if found.is_demo and not demo_present:
        audit.record(con, who, "login_failed", "demo account, the demo data is gone")
        return LoginResult(None, "demo_gone")
    con.execute("UPDATE accounts SET failures = 0, last_failure_at = NULL, locked_until = NULL WHERE account = ?", [account])
    audit.record(con, who, "login", "ok")
    return LoginResult(get(con, account))


def create_demo_accounts(con: duckdb.DuckDBPyConnection, by: Actor) -> int:
    """Add the :data:`DEMO_ACCOUNTS` that are missing (whose region exists); returns how many were added."""
    ensure_table(con)
    added = 0
    for account, role, region, password in DEMO_ACCOUNTS:
        if get(con, account) is not None:
            continue
        if region and not con.execute("SELECT COUNT(*) FROM regions WHERE code = ?", [region]).fetchone()[0]:
            continue
        add(con, by, account, password, role, region, is_demo=True, must_change=True)
        added += 1
    return added


@dataclass(frozen=True)
class Session:
    """A logged-in dashboard session: the account, when it logged in and when it was last seen."""

    account: str
    started: dt.datetime
    last_seen: dt.datetime
    recheck: bool = True  # re-read the account on every page (disabled, role changed); False only in tests/auth.py


def session_expired(session: Session, now: dt.datetime | None = None) -> bool:
    """Whether a session has ended: idle for :data:`SESSION_IDLE_MINUTES` minutes, or older than
    :data:`SESSION_MAX_HOURS` hours (issue 12, point 1: sessions that expire)."""
    now = now or clock()
    return now - session.last_seen >= dt.timedelta(minutes=SESSION_IDLE_MINUTES) or now - session.started >= dt.timedelta(
        hours=SESSION_MAX_HOURS
    )
