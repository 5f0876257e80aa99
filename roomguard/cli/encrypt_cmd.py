"""``roomguard encrypt``: turn a plaintext store into an encrypted one (store/encrypt.py).

The new passphrase is typed twice (or read from ``--passphrase-file``); the recovery key is
printed once, with plain words about what losing both means; what was converted is reported;
then the coach decides whether the old plaintext backups go (``--remove-plaintext-backups``
for scripts). ``--keyring`` also keeps the key in the OS keyring.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from roomguard.cli import exit_codes
from roomguard.cli.common import CommandError, guarded


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "encrypt",
        help="encrypt a plaintext store (passphrase, recovery key)",
        description=(
            "Encrypt the store at rest: a verified backup first, then every file sealed again "
            "(AES-256-GCM under a random data key, wrapped by your passphrase through Argon2id) "
            "and switched in at once; a kill at any moment leaves the old store or the new one. "
            "The passphrase is typed twice, or read from --passphrase-file FILE. A recovery key "
            "is printed once: keep it away from this computer."
        ),
    )
    parser.add_argument("--keyring", action="store_true",
                        help="also keep the key in the OS keyring, so neither the app nor the "
                             "commands ask for the passphrase on this account")
    parser.add_argument("--remove-plaintext-backups", action="store_true",
                        help="delete the old plaintext backups afterwards without asking")
    parser.set_defaults(handler=guarded(run))


def run(args: argparse.Namespace) -> int:
    from roomguard.cli.unlock import new_passphrase, say
    from roomguard.store.encrypt import encrypt_store
    from roomguard.store.integrity import store_files
    from roomguard.store.keys import KeyFile

    root: Path = args.store_path
    if not root.is_dir() or not store_files(root):
        raise CommandError(f"no Roomguard store at {root} (pass --db)")
    if KeyFile.read(root) is not None:
        raise CommandError(f"the store at {root} is already encrypted; to change its "
                           "passphrase use `roomguard passphrase`")
    chosen = new_passphrase(args, file_option="--passphrase-file", what=f"the store at {root}")
    say("roomguard: encrypting: a verified backup first, then every file sealed again and "
        "verified before it replaces the old one…")
    result = encrypt_store(root, chosen.text)
    print(recovery_text(root, result.recovery_key))
    mib = result.peak_rss_kib / 1024
    print(f"Encrypted {result.files} files ({result.bytes_in:,} bytes) in "
          f"{result.seconds:.1f} s (peak memory {mib:.0f} MiB). The store was verified with its "
          "new key.")
    if args.keyring:
        remember_in_keyring(root)
    offer_to_remove(result.plaintext_backups, remove=args.remove_plaintext_backups)
    return exit_codes.OK


def recovery_text(root: Path, recovery_key: str) -> str:
    return "\n".join([
        f"The store at {root} is now encrypted.",
        "",
        "RECOVERY KEY (shown this once, never again):",
        "",
        f"    {recovery_key}",
        "",
        "Print it, or keep it in a password manager, away from this computer. It unlocks the",
        "store if you forget your passphrase (`roomguard passphrase` then sets a new one).",
        "Without your passphrase or this recovery key nobody can read these records again, not",
        "you and not Roomguard's authors: the data is gone.",
        "",
    ])


def remember_in_keyring(root: Path) -> bool:
    """Keep the unlocked key in the OS keyring and say so in ``keys.json``; a missing or
    broken keyring is said in words (the store stays encrypted, the passphrase still works)."""
    from roomguard.cli.unlock import say
    from roomguard.store.keys import KeyFile, keyring_set, with_keyring, write_key_file
    from roomguard.store.vault import unlocked

    keyfile = KeyFile.read(root)
    vault = unlocked(keyfile.key_id) if keyfile is not None else None
    if keyfile is None or vault is None:
        raise CommandError(f"the store at {root} is not unlocked here; nothing was stored")
    try:
        keyring_set(vault)
    except Exception as exc:  # noqa: BLE001 - every backend fails its own way (NoKeyringError…)
        say(f"roomguard: the key was NOT put in the OS keyring: {keyring_problem(exc)}. "
            "The passphrase still unlocks the store.")
        return False
    write_key_file(root, with_keyring(keyfile, True))
    print("The key is also kept in the OS keyring of this account: Roomguard will not ask for "
          "the passphrase here (`roomguard passphrase --keyring off` stops that).")
    return True


def keyring_problem(exc: BaseException) -> str:
    """Why the keyring failed, in words (the backend's own message names no secret)."""
    name = type(exc).__name__
    if name == "NoKeyringError":
        return ("no OS keyring is available here (no Secret Service, Keychain or Credential "
                "Locker: a headless machine or a minimal desktop)")
    return f"the OS keyring refused it ({name}: {exc})"


def offer_to_remove(paths: list[Path], *, remove: bool) -> None:
    from roomguard.cli.unlock import interactive
    from roomguard.store.encrypt import remove_plaintext_backups

    present = [p for p in paths if p.exists()]
    if not present:
        return
    print(f"{len(present)} older backup(s) are still PLAINTEXT: anyone who can read them reads "
          "your clients' records:")
    for path in present:
        print(f"    {path}")
    if not remove and interactive():
        sys.stdout.flush()
        try:
            answer = input("Delete them now? The encrypted store and its new backup are "
                           "verified. [y/N] ")
        except (EOFError, OSError):
            answer = ""
        remove = answer.strip().lower() in ("y", "yes")
    if remove:
        removed = remove_plaintext_backups(present)
        print(f"Deleted {removed} plaintext backup(s). (A deleted file's blocks can survive on "
              "the disk until reused; an encrypted disk (FileVault, BitLocker, LUKS) covers "
              "that.)")
    else:
        print("Kept. Delete these files yourself once you are sure you no longer need them; "
              "until then they are readable by anyone who gets the disk.")
