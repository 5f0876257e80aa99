"""``roomguard backup list|create|restore``."""

from __future__ import annotations

import argparse
from typing import Any

from roomguard.cli import exit_codes
from roomguard.cli.common import CommandError, guarded, opened_store


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("backup", help="list, create or restore backups",
                                   description="Rolling backups of the store (last 7 days).")
    actions = parser.add_subparsers(dest="backup_action", metavar="ACTION", required=True)
    actions.add_parser("list", help="list backups, newest first").set_defaults(
        handler=guarded(run_list))
    actions.add_parser("create", help="take a backup now").set_defaults(
        handler=guarded(run_create))
    restore = actions.add_parser(
        "restore", help="restore a backup (the current state is backed up first)")
    restore.add_argument("name", metavar="NAME",
                         help="a name from `backup list`, or 'latest' (the newest good one)")
    restore.set_defaults(handler=guarded(run_restore))


def run_list(args: argparse.Namespace) -> int:
    """Each backup with its state, verified now (read whole): good, damaged or unverified."""
    from roomguard.store.backups import list_backups

    backups = list_backups(args.store_path, check=True)
    if not backups:
        print(f"no backups in {args.store_path}")
        return exit_codes.OK
    # Every column as wide as its widest entry: names and reasons differ in length
    # ("daily", "post-deletion"), and fixed widths left the columns out of line.
    rows = [(b.name, f"{b.created:%Y-%m-%d %H:%M:%S}", b.reason, f"{b.size:,} bytes", b.state)
            for b in backups]
    header = ("NAME", "CREATED", "REASON", "SIZE", "STATE")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    right = {3}  # sizes line up on their last digit

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(cell.rjust(w) if i in right else cell.ljust(w)
                         for i, (cell, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    print(line(header))
    for b, row in zip(backups, rows, strict=True):
        print(line(row))
        if b.state != "good" and b.problems:
            print(f"    {b.problems[0]}")
    return exit_codes.OK


def run_create(args: argparse.Namespace) -> int:
    with opened_store(args, readonly=False) as store:
        path = store.backup("manual")
    print(path)
    return exit_codes.OK


def run_restore(args: argparse.Namespace) -> int:
    """The backup is verified before anything is replaced (restore_without_opening does it);
    a damaged one is refused naming what is wrong."""
    from roomguard.store import restore_without_opening
    from roomguard.store.backups import list_backups, newest_good

    backups = list_backups(args.store_path)
    if not backups:
        raise CommandError(f"no backups in {args.store_path}")
    if args.name == "latest":
        chosen = newest_good(args.store_path)
        if chosen is None:
            raise CommandError("no backup verifies good; see `roomguard backup list`")
    else:
        chosen = next((b for b in backups if args.name in (b.name, b.path.stem)), None)
    if chosen is None:
        raise CommandError(f"no backup named {args.name!r}; see `roomguard backup list`")
    restore_without_opening(args.store_path, chosen.path)
    print(f"restored {chosen.name}; the previous state was backed up first")
    return exit_codes.OK
