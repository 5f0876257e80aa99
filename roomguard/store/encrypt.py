"""Turning a plaintext store into an encrypted one, all or nothing, and creating a new encrypted store.

``roomguard encrypt`` (and the onboarding's "encrypt my existing store") must never leave a
store half plain and half sealed: a ``kill -9`` at any moment leaves either the old store intact
or the new one complete. So the conversion uses the import's switch (staging.py): a verified
backup of the plaintext store first, then every file is written again, sealed, into a staging
copy (hard links replaced one by one by new files: the live store is never touched), the key
file beside them, the staged store verified with the new key, and only then switched in by
renames guided by a marker. An open after a crash finishes or discards the switch.

The old plaintext backups are not deleted here: the caller asks the coach first (they are the
only copies a coach may have of an older state), then calls :func:`remove_plaintext_backups`.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path

from roomguard.store import integrity, staging
from roomguard.store.atomic import atomic_write, ensure_dir
from roomguard.store.errors import StoreCorrupt, StoreError
from roomguard.store.journal import encode_line, inspect
from roomguard.store.keys import KEYFILE, KdfParams, new_key_file, write_key_file
from roomguard.store.storage import decode_document, encode_document
from roomguard.store.vault import Vault, remember


class AlreadyEncrypted(StoreError):
    title = "Already encrypted"

    def __init__(self, root: Path) -> None:
        super().__init__(f"The store at {root} is already encrypted; to change its passphrase "
                         "use `roomguard passphrase`.")


class NotEmpty(StoreError):
    title = "Store not new"

    def __init__(self, root: Path) -> None:
        super().__init__(f"{root} already holds a store: a new encrypted store is made only in "
                         "an empty folder (`roomguard encrypt` converts an existing one).")


@dataclass
class Encrypted:
    """What a conversion did, for the coach and the benchmark."""

    recovery_key: str
    files: int = 0
    bytes_in: int = 0
    seconds: float = 0.0
    peak_rss_kib: int = 0
    backup: Path | None = None
    plaintext_backups: list[Path] = field(default_factory=list)


def create_encrypted(root: Path, passphrase: str, params: KdfParams | None = None) -> str:
    """Make *root* (empty, or not yet there) a new encrypted store's folder: write its key
    file and unlock it in this process; the first :meth:`Store.open` then creates the store,
    sealed. Returns the recovery key, to show the coach once."""
    root = Path(root).expanduser()
    if root.is_dir() and (integrity.store_files(root) or (root / KEYFILE).exists()):
        raise NotEmpty(root)
    ensure_dir(root)
    vault, recovery, data = new_key_file(passphrase, params)
    write_key_file(root, data)
    remember(vault)
    return recovery


def encrypt_store(root: Path, passphrase: str, params: KdfParams | None = None) -> Encrypted:
    """Convert the plaintext store at *root* (see the module's docstring)."""
    from roomguard.store.store import Store

    root = Path(root).expanduser()
    start = time.perf_counter()
    with Store.open(root) as store:  # holds the lock; finishes what a crash left
        if store.encrypted:  # (a locked one was refused by the open, asking for its key)
            raise AlreadyEncrypted(root)
        report = store.verify()
        error = report.first_error(root)
        if error is not None:
            raise error
        before = [b.path for b in store.list_backups()]
        backup = None if store.holds_nothing() else store.backup("pre-encryption")
        vault, recovery, key_bytes = new_key_file(passphrase, params)
        result = Encrypted(recovery, backup=backup)
        staged = staging.stage(root)
        try:
            for path in integrity.store_files(staged):
                rel = path.relative_to(staged).as_posix()
                if rel == "meta.json":
                    continue  # the schema version only: nothing of a client
                raw = path.read_bytes()
                result.files += 1
                result.bytes_in += len(raw)
                atomic_write(path, _sealed_again(path, rel, raw, vault))
            write_key_file(staged, key_bytes)
            remember(vault)
            check = integrity.check(integrity.DirSource(staged), decode_events=True)
            error = check.first_error(staged)
            if error is not None:
                raise error
        except BaseException:
            staging.discard(root)
            raise
        staging.switch(root)
        result.plaintext_backups = before + ([backup] if backup else [])
    with Store.open(root) as store:  # the encrypted store, checked as the app opens it
        report = store.verify()
        error = report.first_error(root)
        if error is not None:
            raise error
        if not store.holds_nothing():
            store.backup("encrypted")
    result.seconds = time.perf_counter() - start
    result.peak_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return result


def _sealed_again(path: Path, rel: str, raw: bytes, vault: Vault) -> bytes:
    if rel.endswith(".jsonl"):
        session_id = Path(rel).stem
        scan = inspect(raw)
        if scan.unreadable_lines:
            raise StoreCorrupt(path, "lines fail their checksums; it is not encrypted as it is")
        cipher = vault.journal(session_id)
        return b"".join(encode_line(r, cipher, n) for n, r in enumerate(scan.records))
    return encode_document(decode_document(path, raw), vault, rel)


def remove_plaintext_backups(paths: list[Path]) -> int:
    """Delete the plaintext backups the coach agreed to remove; how many were removed. (A
    deleted file's blocks may survive on the disk until reused: the README says so.)"""
    removed = 0
    for path in paths:
        try:
            os.unlink(path)
            removed += 1
        except FileNotFoundError:
            continue
    return removed
