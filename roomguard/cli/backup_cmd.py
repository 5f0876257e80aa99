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
    restore.add_argument("name", metavar="NAME", help="a name from `backup list`, or 'latest'")
    restore.set_defaults(handler=guarded(run_restore))


def run_list(args: argparse.Namespace) -> int:
    from roomguard.store.backups import list_backups

    backups = list_backups(args.store_path)
    if not backups:
        print(f"no backups in {args.store_path}")
    for b in backups:
        print(f"{b.name}  {b.created:%Y-%m-%d %H:%M:%S}  {b.reason:<20} {b.size:>12,} bytes")
    return exit_codes.OK


def run_create(args: argparse.Namespace) -> int:
    with opened_store(args, readonly=False) as store:
        path = store.backup("manual")
    print(path)
    return exit_codes.OK


def run_restore(args: argparse.Namespace) -> int:
    from roomguard.store import restore_without_opening
    from roomguard.store.backups import list_backups, verify

    backups = list_backups(args.store_path)
    if not backups:
        raise CommandError(f"no backups in {args.store_path}")
    chosen = backups[0] if args.name == "latest" else next(
        (b for b in backups if b.name == args.name or b.path.stem == args.name), None)
    if chosen is None:
        raise CommandError(f"no backup named {args.name!r}; see `roomguard backup list`")
    verify(chosen.path)
    restore_without_opening(args.store_path, chosen.path)
    print(f"restored {chosen.name}; the previous state was backed up first")
    return exit_codes.OK
