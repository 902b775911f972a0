"""``kuomian submissions|approve|return|lock|unlock|locks``: the approval flow and period locks (issue 12, point 3).

    kuomian submissions [--period 2026-10]          # reporters' uploads and their status, newest first
    kuomian approve 12                              # approve submission 12: its held figures land (checked again)
    kuomian return 12 --reason "参保人数与台账不符"     # return it: nothing lands, the reason kept
    kuomian lock 2026-10 --reason "10月已关账"          # imports and rollbacks touching 2026-10 refused
    kuomian unlock 2026-10 --reason "更正五华区数据"
    kuomian locks [--period 2026-10]                # every lock and unlock, newest first

The command line acts as the machine's administrator (``data.access.cli_actor``), so it may review and
lock anything. Exit status: 0 done; 1 refused (the reason on stderr, nothing written); 2 wrong usage.
"""

from __future__ import annotations

import argparse

from cli.main import EXIT_OK, Refused, _period
from metrics.periods import period_label


def register(verbs, add_common) -> None:
    listing = verbs.add_parser(
        "submissions",
        help="list reporters' uploads awaiting or past approval",
        description="Every (submission, month, region) a reporter's upload covers, newest first: submitted (held, "
        "counted nowhere), approved (landed as the import shown) or returned, by whom, and the reason of a return.",
    )
    listing.add_argument("--period", type=_period, metavar="YYYY-MM", help="one month only")
    add_common(listing)
    listing.set_defaults(handler=_submissions)

    for verb, what in (("approve", "approve (and land)"), ("return", "return")):
        sub = verbs.add_parser(
            verb,
            help=f"{what} a reporter's upload",
            description=f"{what.capitalize()} every month and region submission NUMBER covers (see `kuomian submissions`). "
            "An approved upload is checked again against the data as it is now and lands as an import; a returned "
            "one lands nothing, its reason is kept. (A submission recorded before uploads were held is numbered by "
            "its import: approving it records the approval, returning it rolls the import back.)",
        )
        sub.add_argument("import_id", type=int, metavar="NUMBER")
        sub.add_argument("--reason", required=verb == "return", metavar="TEXT", help="why (required to return)")
        add_common(sub)
        sub.set_defaults(handler=_review)

    for verb in ("lock", "unlock"):
        sub = verbs.add_parser(
            verb,
            help=f"{verb} a month: imports and rollbacks touching a locked month are refused",
            description=f"{verb.capitalize()} month PERIOD, with a reason; every lock and unlock stays in `kuomian locks`.",
        )
        sub.add_argument("period", type=_period, metavar="YYYY-MM")
        sub.add_argument("--reason", required=True, metavar="TEXT")
        add_common(sub)
        sub.set_defaults(handler=_lock)

    locks = verbs.add_parser("locks", help="list every lock and unlock of a month, newest first")
    locks.add_argument("--period", type=_period, metavar="YYYY-MM", help="one month only")
    add_common(locks)
    locks.set_defaults(handler=_locks)


def _submissions(args: argparse.Namespace, db, targets_path) -> int:
    from data.approval import submissions
    from data.db import connect

    with connect(db) as con:
        frame = submissions(con, args.period)
    if frame.empty:
        print("no submissions" + (f" for {period_label(args.period)}" if args.period is not None else ""))
        return EXIT_OK
    print(f"{'number':>6}  {'import':>6}  {'period':<7}  {'region':<10}  {'status':<9}  {'by':<20}  {'reviewer':<20}  reason")
    for row in frame.itertuples():
        status = row.status if _missing(row.rolled_back_at) or row.status == "returned" else f"{row.status}, rolled back"
        reviewer = "" if _missing(row.reviewer) else row.reviewer
        reason = "" if _missing(row.reason) else row.reason
        landed = "-" if _missing(row.import_id) else str(row.import_id)  # held, or returned before landing
        print(
            f"{row.submission_id:>6}  {landed:>6}  {period_label(row.period):<7}  {row.region_code:<10}  {status:<9}  "
            f"{row.by_account:<20}  {reviewer:<20}  {reason}".rstrip()
        )
    return EXIT_OK


def _missing(value) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def _review(args: argparse.Namespace, db, targets_path) -> int:
    from data.access import cli_actor
    from data.approval import ApprovalRefused, approve, return_submission
    from data.db import connect, ensure_schema
    from data.store import RollbackRefused

    with connect(db, write=True, existing=True) as con:  # a mistyped --db is no database, not a new one
        ensure_schema(con)
        try:
            if args.verb == "approve":
                print(approve(con, args.import_id, cli_actor()))
            else:
                print(return_submission(con, args.import_id, cli_actor(), args.reason))
        except (ApprovalRefused, RollbackRefused) as error:
            raise Refused(f"kuomian {args.verb}: {error}") from None
    return EXIT_OK


def _lock(args: argparse.Namespace, db, targets_path) -> int:
    from data.access import cli_actor
    from data.approval import ApprovalRefused, lock_period, unlock_period
    from data.db import connect, ensure_schema

    act = lock_period if args.verb == "lock" else unlock_period
    with connect(db, write=True, existing=True) as con:  # a mistyped --db is no database, not a new one
        ensure_schema(con)
        try:
            print(act(con, args.period, cli_actor(), args.reason))
        except ApprovalRefused as error:
            raise Refused(f"kuomian {args.verb}: {error}") from None
    return EXIT_OK


def _locks(args: argparse.Namespace, db, targets_path) -> int:
    import pandas as pd

    from data.approval import lock_history
    from data.db import connect

    with connect(db) as con:
        frame = lock_history(con, args.period)
    if frame.empty:
        print("no locks")
        return EXIT_OK
    print(f"{'period':<7}  {'action':<6}  {'at':<16}  {'by':<24}  reason")
    for row in frame.itertuples():
        print(f"{period_label(row.period):<7}  {row.action:<6}  {pd.Timestamp(row.acted_at):%Y-%m-%d %H:%M}  {row.account:<24}  {row.reason}")
    return EXIT_OK
