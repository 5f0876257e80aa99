"""``roomguard verify``: check the store and every backup, and name each damaged file.

Every file is read and checked against its checksum, and every reference between files is
followed (see roomguard/store/integrity.py); each backup is read whole and checked the same
way. Nothing is changed, and no lock is taken, so it runs beside the TUI.

Exit status: 0 when nothing is damaged (what a crash left and the next open recovers is listed,
but is not damage), 1 when the store or a backup is damaged, 2 when the check could not run (no
store at the path, a store from a newer Roomguard, a folder that cannot be read).
"""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import Any

from roomguard.cli import exit_codes
from roomguard.cli.common import CommandError, guarded

DAMAGE_FOUND = 1  # exit status: the store or a backup is damaged


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="check the store and every backup for missing or damaged files",
        description="Read every file of the store and of each backup, check its checksum and "
                    "everything it refers to, and name each damaged file. Exit status: 0 "
                    "nothing damaged, 1 damage found, 2 the check could not run.",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format (default: text)")
    parser.add_argument("--no-backups", action="store_true", help="check the store only")
    parser.set_defaults(handler=guarded(run))


def run(args: argparse.Namespace) -> int:
    from roomguard.cli.unlock import KeyFileUnusable, ensure_unlocked, unlock_backups
    from roomguard.store import StoreTooNew
    from roomguard.store.backups import GOOD, list_backups
    from roomguard.store.integrity import DirSource, check, store_files

    root: Path = args.store_path
    if not root.is_dir() or not store_files(root):
        raise CommandError(f"no Roomguard store at {root} (pass --db)")
    # An encrypted store: every file is opened with its key. A damaged keys.json cannot
    # unlock anything: the check below names it as damage.
    with contextlib.suppress(KeyFileUnusable):
        ensure_unlocked(root, args)
    try:
        report = check(DirSource(root), decode_events=True)
    except StoreTooNew as exc:  # its files are of a kind this Roomguard cannot judge
        raise CommandError(str(StoreTooNew(root / "meta.json", exc.found, exc.supported))) from exc
    found = []
    if not args.no_backups:
        backups = list_backups(root)
        unlock_backups([info.path for info in backups], args)
        for info in backups:
            found.append((info, checked_backup(info.path)))
    newest_good = next((info for info, checked in found if checked.state == GOOD), None)
    damaged = bool(report.damage) or any(c.state == "damaged" for _, c in found)
    result = {
        "store": {
            "path": str(root),
            "state": "damaged" if report.damage else "good",
            "schema_version": report.schema_version,
            "files": report.files,
            "clients": report.clients,
            "sessions": report.sessions,
            "events": report.events,
            "problems": [p.as_dict() for p in report.problems],
        },
        "backups": [
            {
                "name": info.name,
                "created": info.created.isoformat(),
                "reason": info.reason,
                "size": info.size,
                "state": checked.state,
                "problems": checked.problems,
            }
            for info, checked in found
        ],
        "newest_good_backup": newest_good.name if newest_good else None,
        "damage_found": damaged,
    }
    if args.format == "json":
        from roomguard.cli.output import json_text

        print(json_text(result))
    else:
        print(_text(result, checked_backups=not args.no_backups))
    return DAMAGE_FOUND if damaged else exit_codes.OK


def checked_backup(path: Path) -> Any:
    """The backup's check; one whose key is not unlocked here (made under another key) is
    "locked", not damaged: nothing is known against it."""
    from roomguard.store.backups import UNVERIFIED, BackupCheck, check_backup
    from roomguard.store.errors import StoreEncrypted

    try:
        return check_backup(path)
    except StoreEncrypted:
        return BackupCheck(UNVERIFIED, ["locked: it is encrypted under a key not unlocked here "
                                        "(give its passphrase to check it)"])


def _text(result: dict[str, Any], *, checked_backups: bool) -> str:
    store = result["store"]
    damage = [p for p in store["problems"] if p["kind"] in ("missing", "damaged", "journal")]
    held = (f"{store['files']} files: {store['clients']} clients, {store['sessions']} sessions, "
            f"{store['events']} events")
    lines = [f"Store {store['path']}: "
             + (f"DAMAGED ({len(damage)} problem{'s' if len(damage) != 1 else ''}; {held})"
                if damage else f"good ({held})")]
    for problem in store["problems"]:
        label = "recovered" if problem["kind"] == "recovered" else \
            "note" if problem["kind"] == "note" else problem["kind"]
        lines.append(f"  {problem['file']}: {label}: {problem['problem']}")
    if checked_backups:
        backups = result["backups"]
        lines.append(f"Backups: {len(backups)}" if backups else "Backups: none")
        for backup in backups:
            lines.append(f"  {backup['name']}  {backup['state']}")
            for problem in backup["problems"][:5]:
                lines.append(f"      {problem}")
            if len(backup["problems"]) > 5:
                lines.append(f"      … and {len(backup['problems']) - 5} more")
        newest = result["newest_good_backup"]
        if damage:
            lines.append(
                f"Newest good backup: {newest} (restore it: roomguard backup restore {newest})"
                if newest else "No backup verifies good: keep the store's files as they are, "
                "and copy them before trying anything.")
    return "\n".join(lines)
