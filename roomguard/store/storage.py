"""A TinyDB ``Storage`` that never leaves a half-written file, and does not re-read what it wrote.

Stock ``JSONStorage`` truncates and rewrites the file in place (a crash mid-write loses it) and
re-reads and re-parses the whole file on every operation. This storage:

* writes with temp file + fsync + rename + directory fsync (:func:`atomic_write`),
* seals what it writes with a checksum (seal.py) and checks it on every read, so a flipped byte
  or a file cut short is named instead of read as a slightly different practice,
* refuses to read a file it was told exists (``expect_file``) as empty when it is gone: TinyDB
  treats a missing file as a new empty database, which would hide a deleted practice or agreement,
* keeps the last state in memory, so reads cost nothing while this process is the only writer,
* notices another process's writes (size/mtime change) when opened read-only,
* serialises with orjson (several times faster than ``json``, same output for our documents),
* on a failed write drops its cache so memory never claims what the disk does not hold.

Keep each file small (the store shards by client and month): TinyDB rebuilds a whole table on
every write, so the cost of a write grows with the file it lands in.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from roomguard.store.atomic import atomic_write
from roomguard.store.errors import (
    FileDamaged,
    FileMissing,
    InvalidRecord,
    StoreCorrupt,
    StoreEncrypted,
    StoreReadOnly,
    WriteFailed,
)
from roomguard.store.seal import SealBroken, seal, unseal
from roomguard.store.vault import Vault, VaultError, is_encrypted


def decode_document(path: Path, raw: bytes, *, sealed: bool = True, vault: Vault | None = None,
                    name: str = "") -> dict[str, dict[str, Any]]:
    """The tables of one TinyDB file's bytes, or the :class:`StoreCorrupt` naming what is wrong.

    *sealed* is False only for a store of schema version 1, written before files had checksums.
    With a *vault* (an encrypted store) the body must be sealed for *name*, the file's path in
    the store; a plain body there is damage, never data. Without one, an encrypted body is
    named as such (it is never parsed as JSON).
    """
    if sealed:
        try:
            raw = unseal(raw)
        except SealBroken as exc:
            raise FileDamaged(path, str(exc)) from exc
        if vault is not None:
            if not vault.open:  # the screen was locked: the key is gone, not the file
                raise StoreEncrypted(path.parent)
            try:
                raw = vault.open_file(name, raw)
            except VaultError as exc:
                raise FileDamaged(path, str(exc)) from exc
        elif is_encrypted(raw):
            raise FileDamaged(path, "it is encrypted, but this store has no key file: it "
                                    "belongs to an encrypted store")
    elif not raw.strip():
        raise StoreCorrupt(path, "the file is empty (zero length)")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StoreCorrupt(path, f"invalid JSON ({exc})") from exc
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise StoreCorrupt(path, "not a TinyDB document (tables must be objects)")
    return data


def encode_document(data: dict[str, dict[str, Any]], vault: Vault | None = None,
                    name: str = "") -> bytes:
    """What :class:`AtomicJSONStorage` writes for *data*: its JSON (encrypted for *name* with
    *vault* in an encrypted store), sealed."""
    body = orjson.dumps(data)
    if vault is not None and not vault.open:
        raise StoreEncrypted(Path(name))
    return seal(body if vault is None else vault.seal_file(name, body))


class AtomicJSONStorage(Storage):
    def __init__(self, path: str | Path, readonly: bool = False, *, sealed: bool = True,
                 expect_file: str = "", vault: Vault | None = None, name: str = "") -> None:
        """*expect_file*, when given, says why the file must exist (the message of the
        :class:`FileMissing` raised when it does not). *vault* and *name* (the file's path in
        the store) encrypt it, in an encrypted store."""
        self.path = Path(path)
        self.vault = vault
        self.name = name
        self.readonly = readonly
        self.sealed = sealed
        self.expect_file = expect_file
        self._cache: dict[str, dict[str, Any]] | None = None
        self._stamp: tuple[int, int] | None = None

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_size, st.st_mtime_ns)

    def read(self) -> dict[str, dict[str, Any]] | None:
        if self._cache is not None and (not self.readonly or self._file_stamp() == self._stamp):
            return self._cache
        stamp = self._file_stamp()
        if stamp is None:
            self._cache, self._stamp = None, None
            if self.expect_file:
                raise FileMissing(self.path, self.expect_file)
            return None
        try:
            raw = self.path.read_bytes()
        except PermissionError as exc:
            raise StoreCorrupt(self.path, "permission denied") from exc
        except OSError as exc:
            raise StoreCorrupt(self.path, exc.strerror or str(exc)) from exc
        data = decode_document(self.path, raw, sealed=self.sealed, vault=self.vault,
                               name=self.name)
        self._cache, self._stamp = data, stamp
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self.readonly:
            self._cache = None
            raise StoreReadOnly(self.path)
        if not self.sealed:  # a version 1 store is read, never written, until it is migrated
            raise StoreReadOnly(self.path, "it must be migrated to this version of Roomguard first")
        try:
            atomic_write(self.path, encode_document(data, self.vault, self.name))
        except OSError as exc:
            self._cache = None  # TinyDB mutated our cached dict; the disk is the truth
            raise WriteFailed(self.path, exc) from exc
        except StoreEncrypted:  # locked: nothing written, and memory must not claim it was
            self._cache = None
            raise
        except TypeError as exc:  # e.g. a lone surrogate pasted into a name
            self._cache = None
            raise InvalidRecord(f"this text cannot be stored ({exc})") from exc
        self._cache = data
        self._stamp = self._file_stamp()

    def close(self) -> None:
        self._cache = None
