"""``roomguard passphrase``: change an encrypted store's passphrase, or keep its key in the keyring.

A new passphrase rewraps the data key in ``keys.json`` and nothing else: no record is rewritten
(store/keys.py ``rewrapped``). The old passphrase or the recovery key must be given (a key the
keyring holds is not enough to change what protects the store). ``--keyring on|off`` keeps the
key in the OS keyring, or takes it out. The store's lock is held while ``keys.json`` changes,
so the app cannot be writing it at the same moment.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from roomguard.cli import exit_codes
from roomguard.cli.common import CommandError, guarded
from roomguard.cli.unlock import add_secret_file_option


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "passphrase",
        help="change an encrypted store's passphrase, or use the OS keyring",
        description=(
            "Change the passphrase of an encrypted store: unlock it with the current passphrase "
            "(--passphrase-file, or typed) or the recovery key, then give the new one twice (or "
            "--new-passphrase-file). Only keys.json is rewritten; the recovery key stays the "
            "same. With --keyring on|off, keep the key in the OS keyring (or remove it) instead."
        ),
    )
    add_secret_file_option(parser, "--new-passphrase-file",
                           help="the new passphrase, read from FILE (mode 0600)")
    parser.add_argument("--keyring", choices=("on", "off"),
                        help="on: keep the key in the OS keyring so this account is not asked "
                             "for the passphrase; off: remove it from the keyring")
    parser.set_defaults(handler=guarded(run))


@contextmanager
def _store_lock(root: Path) -> Iterator[None]:
    from roomguard.store.errors import StoreError
    from roomguard.store.lock import StoreLock

    lock = StoreLock(root / "roomguard.lock")
    try:
        lock.acquire()
    except StoreError as exc:
        raise CommandError(f"{exc} Nothing was changed.") from exc
    try:
        yield
    finally:
        lock.release()


def run(args: argparse.Namespace) -> int:
    from roomguard.cli.unlock import new_passphrase, unlock_key_file
    from roomguard.store.errors import KeyFileProblem
    from roomguard.store.keys import KeyFile, rewrapped, write_key_file

    root: Path = args.store_path
    try:
        keyfile = KeyFile.read(root)
    except KeyFileProblem as exc:
        raise CommandError(str(exc)) from exc
    if keyfile is None:
        raise CommandError(f"the store at {root} is not encrypted: `roomguard encrypt` "
                           "encrypts it and sets a passphrase")
    where = f"the store at {root}"
    if args.keyring == "off":
        return _keyring_off(root, keyfile)
    # What protects the store changes: the current passphrase or the recovery key, always.
    unlocked = unlock_key_file(keyfile, where, args, use_keyring=False, use_unlocked=False,
                               prompt="Current passphrase (or recovery key): ")
    if args.keyring == "on":
        return _keyring_on(root, keyfile, unlocked.vault)
    chosen = new_passphrase(args, file_option="--new-passphrase-file", what=where,
                            use_given=False)
    data = rewrapped(keyfile, unlocked.vault, chosen.text)
    with _store_lock(root):
        current = KeyFile.read(root)
        if current is None or current.doc != keyfile.doc:
            raise CommandError(f"keys.json of {where} changed meanwhile; nothing was changed, "
                               "run the command again")
        write_key_file(root, data)
    print(f"Passphrase changed: only {root / 'keys.json'} was rewritten; your recovery key is "
          "unchanged. Backups made before now still open with the old passphrase (each keeps "
          "the key file of its day), and so does the pre-restore copy a restore takes.")
    return exit_codes.OK


def _keyring_on(root: Path, keyfile: Any, vault: Any) -> int:
    from roomguard.cli.encrypt_cmd import keyring_problem
    from roomguard.store.keys import keyring_set, with_keyring, write_key_file

    try:
        keyring_set(vault)
    except Exception as exc:  # noqa: BLE001 - every backend fails its own way (NoKeyringError…)
        raise CommandError(f"the key was not put in the OS keyring: {keyring_problem(exc)}. "
                           "Nothing was changed; the passphrase unlocks the store as "
                           "before") from None
    with _store_lock(root):
        write_key_file(root, with_keyring(keyfile, True))
    print("The key is kept in the OS keyring of this account: Roomguard will not ask for the "
          "passphrase here. Anyone who can use this account unlocked can now open the store; "
          "`roomguard passphrase --keyring off` takes it out.")
    return exit_codes.OK


def _keyring_off(root: Path, keyfile: Any) -> int:
    from roomguard.cli.encrypt_cmd import keyring_problem
    from roomguard.store.keys import keyring_delete, with_keyring, write_key_file

    try:
        keyring_delete(keyfile.key_id)
    except Exception as exc:  # noqa: BLE001 - no keyring: nothing of ours can be in it
        if type(exc).__name__ != "NoKeyringError":
            raise CommandError(f"the key could not be removed from the OS keyring: "
                               f"{keyring_problem(exc)}. Nothing was changed") from None
    with _store_lock(root):
        write_key_file(root, with_keyring(keyfile, False))
    print("The key is no longer kept in the OS keyring: Roomguard asks for the passphrase.")
    return exit_codes.OK
