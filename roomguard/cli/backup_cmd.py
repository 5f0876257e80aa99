"""``roomguard backup list|create|restore``."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
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
    restore.add_argument("--allow-plaintext", action="store_true",
                         help="restore a plaintext backup (made before `roomguard encrypt`) "
                              "over an encrypted store, which then is plaintext again")
    restore.set_defaults(handler=guarded(run_restore))


def run_list(args: argparse.Namespace) -> int:
    """Each backup with its state, verified now (read whole): good, damaged or unverified."""
    from roomguard.cli.verify_cmd import checked_backup
    from roomguard.store.backups import BackupInfo, list_backups

    listed = list_backups(args.store_path)
    if not listed:
        print(f"no backups in {args.store_path}")
        return exit_codes.OK
    _unlock_for_backups(args, listed)
    backups = []
    for info in listed:
        found = checked_backup(info.path)
        backups.append(BackupInfo(info.path, info.created, info.reason, info.size, found.state,
                                  tuple(found.problems)))
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
    _unlock_for_backups(args, backups)
    if args.name == "latest":
        chosen = newest_good(args.store_path)
        if chosen is None:
            raise CommandError("no backup verifies good; see `roomguard backup list`")
    else:
        chosen = next((b for b in backups if args.name in (b.name, b.path.stem)), None)
    if chosen is None:
        raise CommandError(f"no backup named {args.name!r}; see `roomguard backup list`")
    _refuse_plaintext_over_encrypted(args, chosen.path)
    restore_without_opening(args.store_path, chosen.path)
    print(f"restored {chosen.name}; the previous state was backed up first")
    return exit_codes.OK


def _unlock_for_backups(args: argparse.Namespace, backups: list[Any]) -> None:
    """The store's key (a restore backs the current state up first, a list checks every
    backup), then any other key a backup needs. A store whose keys.json is damaged is
    not unlocked: its backups carry their own, and a restore is how it is repaired."""
    from roomguard.cli.unlock import KeyFileUnusable, ensure_unlocked, unlock_backups

    with contextlib.suppress(KeyFileUnusable):
        ensure_unlocked(args.store_path, args)
    unlock_backups([b.path for b in backups], args)


def _refuse_plaintext_over_encrypted(args: argparse.Namespace, backup: Path) -> None:
    """A backup from before `roomguard encrypt` would make an encrypted store plaintext
    again: only when asked for by name."""
    from roomguard.cli.unlock import backup_key_file
    from roomguard.store.keys import KEYFILE

    if (args.store_path / KEYFILE).exists() and backup_key_file(backup) is None \
            and not args.allow_plaintext:
        raise CommandError(
            f"{backup.name} was made before the store was encrypted: restoring it would make "
            "the store plaintext again (and its records readable on disk). Nothing was "
            "changed. Add --allow-plaintext if that is what you want, then `roomguard "
            "encrypt` again.")
