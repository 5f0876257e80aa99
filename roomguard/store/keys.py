"""The envelope around a store's data key: ``keys.json``, which the passphrase and the recovery key open.

``keys.json`` holds no secret a thief could use: the Argon2id parameters and salt, and the data
key *wrapped* (AES-256-GCM) under

* a key derived from the coach's passphrase with Argon2id (memory-hard: 64 MiB or more, the
  time cost tuned to about half a second on the machine that set it; the parameters are
  recorded, so a faster or slower machine still opens it), and
* a key derived from the *recovery key* (160 random bits shown once at set-up, to print or keep
  in a password manager; high entropy, so HKDF suffices).

Changing the passphrase rewraps the data key only: no data file is rewritten. Optionally the data
key is also kept in the OS keyring (``keyring``) so the coach need not type the passphrase at
every start; ``keys.json`` then says so. Without the passphrase or the recovery key (and no
keyring entry), the data cannot be recovered by anyone: that is the point.
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
import time
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from roomguard.store.atomic import atomic_write, read_bytes
from roomguard.store.errors import KeyFileProblem, WrongPassphrase
from roomguard.store.seal import SealBroken, seal, unseal
from roomguard.store.vault import CIPHER_NAME, NONCE_BYTES, Vault, derive, key_id_of, new_data_key

KEYFILE = "keys.json"
FORMAT = 1
KEYRING_SERVICE = "Roomguard"
MIN_MEMORY_KIB = 64 * 1024
TARGET_SECONDS = 0.5
RECOVERY_BYTES = 20  # 160 bits: 32 base32 characters
# Tests (and only tests) may ask for a cheap KDF: a suite that unlocks hundreds of stores cannot
# spend half a second on each. The variable is documented in docs/ENCRYPTION.md; anyone who can
# set a coach's environment can already read their screen.
FAST_KDF_ENV = "ROOMGUARD_TEST_FAST_KDF"


@dataclass(frozen=True)
class KdfParams:
    """Argon2id's cost, as recorded in ``keys.json``."""

    memory_kib: int
    time_cost: int
    parallelism: int = 1

    def derive(self, passphrase: str, salt: bytes) -> bytes:
        from argon2.low_level import Type, hash_secret_raw

        return hash_secret_raw(normalized(passphrase), salt, time_cost=self.time_cost,
                               memory_cost=self.memory_kib, parallelism=self.parallelism,
                               hash_len=32, type=Type.ID)

    def as_json(self) -> dict[str, Any]:
        return {"kdf": "argon2id", "memory_kib": self.memory_kib, "time_cost": self.time_cost,
                "parallelism": self.parallelism}

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> KdfParams:
        if doc.get("kdf") != "argon2id":
            raise ValueError(f"unknown key derivation {doc.get('kdf')!r}")
        params = cls(int(doc["memory_kib"]), int(doc["time_cost"]), int(doc["parallelism"]))
        if not (8 <= params.memory_kib <= 4 * 1024 * 1024 and 1 <= params.time_cost <= 100
                and 1 <= params.parallelism <= 16):
            raise ValueError("key derivation parameters out of range")
        return params


def normalized(passphrase: str) -> bytes:
    """The passphrase's bytes: NFC, so the same characters typed on another keyboard or system
    (composed or not) give the same key."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


@cache
def tuned_params() -> KdfParams:
    """Argon2id at 64 MiB, its time cost raised until one derivation takes about half a second
    here (measured once per process)."""
    if os.environ.get(FAST_KDF_ENV) == "1":
        return KdfParams(memory_kib=8, time_cost=1)
    probe = KdfParams(MIN_MEMORY_KIB, 1)
    start = time.perf_counter()
    probe.derive("probe", b"roomguard-probe!")
    once = max(time.perf_counter() - start, 1e-3)
    return KdfParams(MIN_MEMORY_KIB, max(2, min(20, round(TARGET_SECONDS / once))))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    return base64.b64decode(text, validate=True)


def _wrap(kek: bytes, data_key: bytes, kind: str) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(NONCE_BYTES)
    return _b64(nonce + AESGCM(kek).encrypt(nonce, data_key, b"roomguard data key/" + kind.encode()))


def _unwrap(kek: bytes, wrapped: str, kind: str) -> bytes | None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    raw = _unb64(wrapped)
    try:
        return AESGCM(kek).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:],
                                   b"roomguard data key/" + kind.encode())
    except InvalidTag:
        return None


# ------------------------------------------------------------------------- recovery key
def format_recovery(raw: bytes) -> str:
    """``ABCD-EFGH-…``: 8 groups of 4 base32 characters (no 0/1/8 confusion: base32 has none)."""
    text = base64.b32encode(raw).decode("ascii").rstrip("=")
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def parse_recovery(text: str) -> bytes | None:
    """The recovery key's bytes from what was typed (any case, with or without dashes and
    spaces), or None when it cannot be one."""
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    if len(compact) != 32:
        return None
    try:
        raw = base64.b32decode(compact)
    except ValueError:  # binascii.Error is one
        return None
    return raw if len(raw) == RECOVERY_BYTES else None


def _recovery_kek(raw: bytes, salt: bytes) -> bytes:
    return derive(raw + salt, b"recovery")


# ------------------------------------------------------------------------- the key file
class KeyFile:
    """``keys.json`` as read: what unlocks the store. ``path`` is the file."""

    def __init__(self, path: Path, doc: dict[str, Any]) -> None:
        self.path = path
        self.doc = doc
        try:
            if doc.get("format") != FORMAT:
                raise ValueError(f"format {doc.get('format')!r}, this version knows {FORMAT}")
            if doc.get("cipher") != CIPHER_NAME:
                raise ValueError(f"unknown cipher {doc.get('cipher')!r}")
            self.key_id = str(doc["key_id"])
            self.params = KdfParams.from_json(doc["passphrase"])
            self.salt = _unb64(doc["passphrase"]["salt"])
            self.wrapped = str(doc["passphrase"]["wrapped"])
            self.recovery_salt = _unb64(doc["recovery"]["salt"])
            self.recovery_wrapped = str(doc["recovery"]["wrapped"])
            self.in_keyring = bool(doc.get("keyring", False))
        except (KeyError, TypeError, ValueError) as exc:
            raise KeyFileProblem(path, f"it is not a key file this version understands ({exc})") \
                from exc

    @classmethod
    def read(cls, root: Path) -> KeyFile | None:
        """The store's key file; None when the store is not encrypted (no such file)."""
        path = root / KEYFILE
        try:
            raw = read_bytes(path)
        except OSError as exc:
            raise KeyFileProblem(path, exc.strerror or str(exc)) from exc
        if raw is None:
            return None
        return cls.parse(path, raw)

    @classmethod
    def parse(cls, path: Path, raw: bytes) -> KeyFile:
        try:
            doc = orjson.loads(unseal(raw))
        except SealBroken as exc:
            raise KeyFileProblem(path, str(exc)) from exc
        except orjson.JSONDecodeError as exc:
            raise KeyFileProblem(path, f"invalid JSON ({exc})") from exc
        if not isinstance(doc, dict):
            raise KeyFileProblem(path, "not a key file")
        return cls(path, doc)

    def _vault(self, data_key: bytes | None, what: str) -> Vault:
        if data_key is None or key_id_of(data_key) != self.key_id:
            raise WrongPassphrase(what)
        return Vault(data_key)

    def unlock(self, passphrase: str) -> Vault:
        """The vault, or :class:`WrongPassphrase`; nothing is written either way."""
        kek = self.params.derive(passphrase, self.salt)
        return self._vault(_unwrap(kek, self.wrapped, "passphrase"), "passphrase")

    def unlock_recovery(self, text: str) -> Vault:
        raw = parse_recovery(text)
        if raw is None:
            raise WrongPassphrase("recovery key")
        kek = _recovery_kek(raw, self.recovery_salt)
        return self._vault(_unwrap(kek, self.recovery_wrapped, "recovery"), "recovery key")

    def unlock_keyring(self) -> Vault | None:
        """The vault from the OS keyring, when the coach allowed it and the entry is there and
        right; None otherwise (the caller then asks for the passphrase)."""
        if not self.in_keyring:
            return None
        secret = keyring_get(self.key_id)
        if secret is None:
            return None
        try:
            data_key = _unb64(secret)
        except ValueError:
            return None
        if key_id_of(data_key) != self.key_id:
            return None
        return Vault(data_key)


def _document(vault: Vault, passphrase: str, params: KdfParams, recovery: tuple[bytes, str],
              keyring: bool, created_at: str) -> dict[str, Any]:
    salt = secrets.token_bytes(16)
    kek = params.derive(passphrase, salt)
    data_key = vault.data_key()
    recovery_salt, recovery_wrapped = recovery
    return {
        "format": FORMAT,
        "cipher": CIPHER_NAME,
        "key_id": vault.key_id,
        "created_at": created_at,
        "passphrase": {**params.as_json(), "salt": _b64(salt),
                       "wrapped": _wrap(kek, data_key, "passphrase")},
        "recovery": {"kdf": "hkdf-sha256", "salt": _b64(recovery_salt),
                     "wrapped": recovery_wrapped},
        "keyring": keyring,
    }


def key_file_bytes(doc: dict[str, Any]) -> bytes:
    return seal(orjson.dumps(doc))


def new_key_file(passphrase: str, params: KdfParams | None = None) -> tuple[Vault, str, bytes]:
    """A new data key wrapped under *passphrase* and a new recovery key: the vault, the
    recovery key to show the coach once, and the bytes of ``keys.json`` (written by the caller,
    atomically, where it belongs)."""
    if not passphrase:
        raise ValueError("a passphrase cannot be empty")
    vault = Vault(new_data_key())
    raw = secrets.token_bytes(RECOVERY_BYTES)
    salt = secrets.token_bytes(16)
    wrapped = _wrap(_recovery_kek(raw, salt), vault.data_key(), "recovery")
    doc = _document(vault, passphrase, params or tuned_params(), (salt, wrapped), False,
                    datetime.now(UTC).isoformat(timespec="seconds"))
    return vault, format_recovery(raw), key_file_bytes(doc)


def rewrapped(keyfile: KeyFile, vault: Vault, new_passphrase: str,
              params: KdfParams | None = None) -> bytes:
    """``keys.json`` with the data key wrapped under *new_passphrase* (the recovery key and
    the keyring choice unchanged): the bytes to write in place of the old file."""
    if not new_passphrase:
        raise ValueError("a passphrase cannot be empty")
    doc = _document(vault, new_passphrase, params or tuned_params(),
                    (keyfile.recovery_salt, keyfile.recovery_wrapped), keyfile.in_keyring,
                    str(keyfile.doc.get("created_at", "")))
    return key_file_bytes(doc)


def with_keyring(keyfile: KeyFile, enabled: bool) -> bytes:
    """``keys.json`` saying whether the keyring holds the key (the caller stores or deletes
    the keyring entry first, then writes this)."""
    return key_file_bytes({**keyfile.doc, "keyring": enabled})


def write_key_file(root: Path, data: bytes) -> None:
    atomic_write(root / KEYFILE, data)


# ------------------------------------------------------------------------- the OS keyring
def keyring_get(key_id: str) -> str | None:
    """The keyring's entry for this store's key, None when absent or when no keyring works
    here (a headless machine): the caller then asks for the passphrase."""
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            return keyring.get_password(KEYRING_SERVICE, key_id)
        except KeyringError:
            return None
    except Exception:  # noqa: BLE001 - a broken keyring backend must not stop an unlock
        return None


def keyring_set(vault: Vault) -> None:
    """Keep the data key in the OS keyring; raises ``keyring.errors.KeyringError`` (the caller
    names it) when there is no usable keyring."""
    import keyring

    keyring.set_password(KEYRING_SERVICE, vault.key_id, _b64(vault.data_key()))


def keyring_delete(key_id: str) -> None:
    import keyring
    from keyring.errors import PasswordDeleteError

    with contextlib.suppress(PasswordDeleteError):
        keyring.delete_password(KEYRING_SERVICE, key_id)
