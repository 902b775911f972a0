"""``kuomian user`` and ``kuomian audit``: accounts and the audit log, for the administrator on the server.

    kuomian user add NAME --role admin|office|reporter|viewer [--region CODE] [--password-stdin]
    kuomian user list
    kuomian user disable NAME [--enable]
    kuomian user passwd NAME [--password-stdin]
    kuomian user role NAME --role ROLE [--region CODE]
    kuomian audit [--since YYYY-MM-DD[ HH:MM]] [--account NAME] [--format table|csv]

The CLI acts as the administrator of the machine it runs on (``data.access.cli_actor``), recorded
as such in the audit log (issue 12, point 4). Passwords are read with ``getpass`` (never echoed)
or, for scripts, as the first line of standard input with ``--password-stdin``.
Exit status: 0 done, 1 refused (the reason on stderr, nothing changed), 2 wrong usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from pathlib import Path

from cli.main import EXIT_OK, Refused, to_csv
from data.access import ROLES


def _since(text: str) -> dt.datetime:
    for form in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, form)
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"{text!r}: expected a date as YYYY-MM-DD, optionally with HH:MM")


def register(verbs, add_common) -> None:
    user = verbs.add_parser(
        "user",
        help="manage dashboard accounts (administrator, on the server)",
        description="Add, list, disable accounts, set a password, change a role. A real deployment starts with "
        "no account: create the administrator first (kuomian user add NAME --role admin).",
    )
    user_verbs = user.add_subparsers(dest="user_verb", metavar="ACTION", required=True)
    add = user_verbs.add_parser("add", help="create an account")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--region", metavar="CODE", help="the account's region: its subtree is its scope (required for a reporter)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    listing = user_verbs.add_parser("list", help="list the accounts")
    disable = user_verbs.add_parser("disable", help="disable an account (it can no longer log in)")
    disable.add_argument("name", metavar="NAME")
    disable.add_argument("--enable", action="store_true", help="enable it again instead")
    passwd = user_verbs.add_parser("passwd", help="set an account's password (also lifts a lock)")
    passwd.add_argument("name", metavar="NAME")
    passwd.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    role = user_verbs.add_parser("role", help="change an account's role and region")
    role.add_argument("name", metavar="NAME")
    role.add_argument("--role", choices=ROLES, required=True)
    role.add_argument("--region", metavar="CODE")
    for sub in (add, listing, disable, passwd, role):
        add_common(sub)
        sub.set_defaults(handler=_user)

    log = verbs.add_parser("audit", help="show the audit log, newest first", description="Every login, logout, import, "
                           "rollback, approval, lock, targets change and account change: time, account, role, address, "
                           "action, region, what changed.")
    log.add_argument("--since", type=_since, metavar="YYYY-MM-DD[ HH:MM]")
    log.add_argument("--account", metavar="NAME")
    log.add_argument("--format", choices=("table", "csv"), default="table")
    add_common(log)
    log.set_defaults(handler=_audit)


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise Refused("--password-stdin: standard input held no password")
        return password
    try:
        first = getpass.getpass("password: ")
        again = getpass.getpass("again: ")
    except EOFError:  # no terminal and nothing on stdin (a script, cron): said, not a traceback
        raise Refused("no password given (standard input ended); type it at a terminal or use --password-stdin; nothing changed") from None
    if again != first:
        raise Refused("the two passwords differ; nothing changed")
    return first


def _user(args: argparse.Namespace, db: Path, targets_path: Path) -> int:
    from data import accounts
    from data.access import cli_actor
    from data.db import connect

    by = cli_actor()
    try:
        if args.user_verb == "list":
            with connect(db) as con:
                frame = accounts.listing(con)
            _print_accounts(frame)
            return EXIT_OK
        password = _password(args) if args.user_verb in ("add", "passwd") else None
        with connect(db, write=True) as con:
            con.execute("BEGIN TRANSACTION")
            try:
                if args.user_verb == "add":
                    accounts.add(con, by, args.name, password, args.role, args.region)
                    done = f"added account {args.name} ({args.role}{' ' + args.region if args.region else ''})"
                elif args.user_verb == "disable":
                    accounts.set_disabled(con, by, args.name, not args.enable)
                    done = f"{'enabled' if args.enable else 'disabled'} account {args.name}"
                elif args.user_verb == "passwd":
                    accounts.set_password(con, by, args.name, password)
                    done = f"set the password of {args.name}"
                else:
                    accounts.set_role(con, by, args.name, args.role, args.region)
                    done = f"account {args.name} is now {args.role}{' ' + args.region if args.region else ''}"
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
    except accounts.AccountError as error:
        raise Refused(f"kuomian user {args.user_verb}: {error}; nothing changed") from None
    print(done)
    return EXIT_OK


def _print_accounts(frame) -> None:
    rows = [("account", "role", "region", "state", "demo")]
    for row in frame.itertuples(index=False):
        state = "disabled" if row.disabled else ("locked" if row.locked_until is not None and str(row.locked_until) != "NaT" else "active")
        rows.append((row.account, row.role, row.region_code or "", state, "demo" if row.is_demo else ""))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(r, widths)).rstrip())


def _audit(args: argparse.Namespace, db: Path, targets_path: Path) -> int:
    from data import audit
    from data.db import connect

    with connect(db) as con:
        frame = audit.entries(con, since=args.since, account=args.account)
    frame = frame.assign(logged_at=frame["logged_at"].astype(str), region_code=frame["region_code"].fillna(""), address=frame["address"].fillna(""))
    columns = ["logged_at", "account", "role", "address", "action", "region_code", "detail"]
    if args.format == "csv":
        sys.stdout.write(to_csv(frame, columns))
        return EXIT_OK
    rows = [tuple(columns)] + [tuple(str(v) for v in r) for r in frame[columns].itertuples(index=False)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(columns) - 1)]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r[:-1], widths)) + "  " + r[-1])
    return EXIT_OK
