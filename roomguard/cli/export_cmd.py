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
from roomguard.cli.unlock import Given, NotUnlocked, add_secret_file_option
from roomguard.core.text import printable


def register(subparsers: Any) -> None:
    export = subparsers.add_parser(
        "export",
        help="write a full export, encrypted (or an assistant-safe summary)",
        description=(
            "Write a full, versioned JSON export of the store or of one client. It holds every "
            "record, so it is encrypted by default (Argon2id + AES-256-GCM) under the store's "
            "passphrase, or the one in --export-passphrase-file; `roomguard import` reads it "
            "with that passphrase. --plaintext writes readable JSON instead."
        ),
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
    export.add_argument("--plaintext", action="store_true",
                        help="write the full export as readable JSON, not encrypted (anyone "
                             "who gets the file reads every record)")
    add_secret_file_option(
        export, "--export-passphrase-file",
        help="encrypt the export under the passphrase in FILE (mode 0600) rather than the "
             "store's")
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
    add_secret_file_option(
        imp, "--export-passphrase-file",
        help="an encrypted export's passphrase, read from FILE (mode 0600); else the store's "
             "passphrase is tried, then you are asked")
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
    sealing = None if args.assistant_safe or args.plaintext else export_passphrase(args)
    with opened_store(args, readonly=True) as store:
        client_id = store.find_client(args.client).id if args.client else None
        if args.assistant_safe:
            data = _assistant_safe(store, client_id or "", args.days).encode()
        else:
            data = export_bytes(store, client_id)
    if sealing is not None:
        from roomguard.store.sealed_export import seal_export

        data = seal_export(data, sealing.text)
    where = write_output(args.output, data)  # a new file is created 0600
    if args.output in (None, "-"):
        return exit_codes.OK  # standard output carries the export and nothing else
    if sealing is not None:
        print(f"wrote {where} ({len(data):,} bytes), encrypted under {sealing.where} "
              "(Argon2id, AES-256-GCM); `roomguard import FILE` reads it with that passphrase",
              file=sys.stderr)
    elif not args.assistant_safe:
        print(f"wrote {where} ({len(data):,} bytes) as PLAINTEXT: anyone who gets this file "
              "reads every record in it", file=sys.stderr)
    else:
        print(f"wrote {where} ({len(data):,} bytes)", file=sys.stderr)
    return exit_codes.OK


def export_passphrase(args: argparse.Namespace) -> Given:
    """The passphrase a full export is sealed under: ``--export-passphrase-file``; else the
    passphrase that unlocks the store (its file, or typed: the coach knows it already); else
    the run's passphrase file (a plaintext store, or one the keyring unlocked); else a new one
    typed twice. No terminal and none of these: an error naming the options."""
    from roomguard.cli.unlock import (
        ensure_unlocked,
        given_passphrase,
        interactive,
        new_passphrase,
        read_secret_file,
        too_short,
    )

    path = args.export_passphrase_file
    if path is not None:
        given = Given(read_secret_file(path, "--export-passphrase-file"),
                      f"the passphrase in {path}")
        problem = too_short(given.text)
        if problem:
            raise CommandError(f"{given.where}: {problem}")
        return given
    unlocked = ensure_unlocked(args.store_path, args)
    if unlocked is not None and unlocked.passphrase is not None:
        return Given(unlocked.passphrase, "the store's passphrase")
    from_run = given_passphrase(args)
    if from_run is not None:
        return from_run
    if not interactive():
        raise NotUnlocked(
            "a full export is encrypted, and no passphrase was given for it: use "
            "--export-passphrase-file FILE (or --passphrase-file FILE, or "
            "ROOMGUARD_PASSPHRASE_FILE), run in a terminal to type one, or pass --plaintext "
            "for a readable file")
    return new_passphrase(args, file_option="--export-passphrase-file", what="this export",
                          use_given=False)


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
    from roomguard.store.sealed_export import is_sealed_export

    if is_sealed_export(raw):  # opened before the store is: a wrong passphrase imports nothing
        raw = open_sealed_export(args, raw)
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


def open_sealed_export(args: argparse.Namespace, raw: bytes) -> bytes:
    """The JSON inside an encrypted export: its passphrase from ``--export-passphrase-file``;
    else the passphrase that unlocks the store, then the run's passphrase file, tried quietly;
    else asked (three tries). A wrong one is named and nothing is imported."""
    from roomguard.cli.unlock import (
        TRIES,
        WrongSecret,
        ask_secret,
        ensure_unlocked,
        given_passphrase,
        interactive,
        read_secret_file,
        say,
    )
    from roomguard.store.errors import WrongPassphrase
    from roomguard.store.sealed_export import SealedExportInvalid, check_envelope, open_export

    try:
        check_envelope(raw)
    except SealedExportInvalid as exc:
        raise CommandError(f"{args.file} is not a valid export: {exc}; nothing was imported") \
            from exc
    nothing = f"Nothing was imported from {args.file}."
    path = args.export_passphrase_file
    if path is not None:
        try:
            return open_export(raw, read_secret_file(path, "--export-passphrase-file"))
        except WrongPassphrase:
            raise WrongSecret(f"the passphrase in {path} does not open the encrypted export "
                              f"{args.file} (or the file was changed). {nothing}") from None
    tried: list[str] = []
    candidates: list[tuple[str, str]] = []
    unlocked = ensure_unlocked(args.store_path, args) if args.store_path.exists() else None
    if unlocked is not None and unlocked.passphrase is not None:
        candidates.append((unlocked.passphrase, "the store's passphrase"))
    given = given_passphrase(args)
    if given is not None and all(given.text != text for text, _ in candidates):
        candidates.append((given.text, given.where))
    for text, where in candidates:
        try:
            return open_export(raw, text)
        except WrongPassphrase:
            tried.append(where)
    if not interactive():
        if tried:
            raise WrongSecret(f"{' and '.join(tried)} do{'es' if len(tried) == 1 else ''} not "
                              f"open the encrypted export {args.file}: give its passphrase "
                              f"with --export-passphrase-file FILE. {nothing}")
        raise NotUnlocked(f"{args.file} is an encrypted export: give its passphrase with "
                          "--export-passphrase-file FILE (a file only you can read), or run "
                          f"in a terminal to be asked. {nothing}")
    say(f"roomguard: {args.file} is an encrypted export.")
    for attempt in range(1, TRIES + 1):
        secret = ask_secret("Passphrase of the export: ")
        if not secret:
            break
        try:
            return open_export(raw, secret)
        except WrongPassphrase:
            if attempt < TRIES:
                say(f"roomguard: that does not open it; {TRIES - attempt} more.")
    raise WrongSecret(f"no passphrase typed opens the encrypted export {args.file}. {nothing}")
