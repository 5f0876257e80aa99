"""``roomguard export`` and ``roomguard import``: move a practice's records, or share safely."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from roomguard.cli import exit_codes
from roomguard.cli.common import CommandError, guarded, opened_store
from roomguard.cli.output import write_output
from roomguard.core.text import printable


def register(subparsers: Any) -> None:
    export = subparsers.add_parser(
        "export",
        help="write a full JSON export (or an assistant-safe summary)",
        description="Write a full, versioned JSON export of the store or of one client.",
    )
    export.add_argument("--client", metavar="NAME", help="only this client")
    export.add_argument("-o", "--output", metavar="FILE",
                        help="write here instead of standard output (a new file is created 0600 "
                             "and replaced atomically; a device or FIFO is written to, never "
                             "replaced)")
    export.add_argument("--assistant-safe", action="store_true",
                        help="write the assistant-safe summary of recent sessions instead "
                             "(shareable information only; needs --client)")
    export.add_argument("--days", type=int, default=90, metavar="N",
                        help="with --assistant-safe: sessions of the last N days (default 90)")
    export.set_defaults(handler=guarded(run_export))

    imp = subparsers.add_parser(
        "import",
        help="import a JSON export (validated first; all or nothing)",
        description=(
            "Import a Roomguard export. The whole file is validated first and nothing changes "
            "if any record is invalid (a key this version does not know included). It is then "
            "all or nothing, even if the process is killed: the new store is built and checked "
            "beside the old one and switched in at once. Into an empty store no flag is needed."
        ),
    )
    imp.add_argument("file", metavar="FILE", type=Path)
    mode = imp.add_mutually_exclusive_group()
    mode.add_argument("--merge", action="store_true",
                      help="add clients the store lacks; keep the store's version of the others "
                           "(each client is listed with the version kept)")
    mode.add_argument("--replace", action="store_true",
                      help="replace the store's clients and sessions (a backup is taken first)")
    imp.set_defaults(handler=guarded(run_import))


def run_export(args: argparse.Namespace) -> int:
    from roomguard.store.portability import export_bytes

    if args.assistant_safe and not args.client:
        raise CommandError("--assistant-safe needs --client NAME")
    with opened_store(args, readonly=True) as store:
        client_id = store.find_client(args.client).id if args.client else None
        if args.assistant_safe:
            data = _assistant_safe(store, client_id or "", args.days).encode()
        else:
            data = export_bytes(store, client_id)
    where = write_output(args.output, data)  # a new file is created 0600
    if args.output not in (None, "-"):
        print(f"wrote {where} ({len(data):,} bytes)", file=sys.stderr)
    return exit_codes.OK


def _assistant_safe(store: Any, client_id: str, days: int) -> str:
    from datetime import timedelta

    from roomguard.core.reports import OtherClients, assistant_safe_report
    from roomguard.store.word_families import word_families

    client = store.client(client_id)
    agreement = store.agreement(client_id)
    if agreement is None:
        raise CommandError(f"{client.name} has no agreement yet")
    since = date.today() - timedelta(days=days)
    records = [(r, store.events(r.id)) for r in store.sessions(client_id=client_id, since=since)]
    others = OtherClients.of(client_id, store.clients(), (a for _, a in store.agreements()))
    report = assistant_safe_report(client, agreement, records, others, families=word_families())
    # Held back, and why, for the coach (stderr: never in the file). An item that names a
    # person is held back here: there is no one to confirm it (the history screen asks).
    for item in report.held_back:
        print(f"held back ({item.session}): {item.text!r}: {'; '.join(item.reasons)}",
              file=sys.stderr)
    return report.text


def run_import(args: argparse.Namespace) -> int:
    from roomguard.store.portability import ImportInvalid, ImportMode, apply_import, parse_export

    mode = ImportMode.MERGE if args.merge else ImportMode.REPLACE if args.replace else ImportMode.NEW
    raw = args.file.read_bytes()
    try:
        plan = parse_export(raw, date.today())
    except ImportInvalid as exc:
        raise CommandError(f"{args.file} is not a valid export: {exc}") from exc
    with opened_store(args, readonly=False) as store:
        try:
            report = apply_import(store, plan, mode)
        except ImportInvalid as exc:
            raise CommandError(str(exc)) from exc
    print(
        f"imported {report.clients_added} client(s), {report.sessions_added} session(s), "
        f"{report.events_added} event(s); kept {report.clients_kept} existing client(s). "
        f"Backup taken first: {report.backup}"
    )
    if mode is ImportMode.MERGE:  # which version of each client the store now holds
        for outcome in report.clients:
            print(f"  {printable(outcome.name, 60)}: {outcome.describe()}")
    return exit_codes.OK
