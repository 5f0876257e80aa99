"""The store's ciphers: what turns a file's JSON, or one journal line, into bytes only the data key opens.

Envelope encryption (keys.py holds the envelope): one random 256-bit *data key* per store, from
which HKDF-SHA256 derives a key for the TinyDB files and one key per session journal. Every seal
is AES-256-GCM (authenticated: a changed byte fails, it never decrypts to different data) with a
fresh random 96-bit nonce. The *associated data* binds each ciphertext to its place:

* a file to its path inside the store (``clients/<id>.json``), so one client's agreement cannot
  be swapped for another's, nor a month's index for another month's;
* a journal line to its session and line number, so lines cannot be moved, reordered, dropped
  from the middle or spliced between sessions without the line failing to open.

A sealed payload is ``~rg1 `` and the base64 of nonce + ciphertext + tag: one line with no
newline, so it goes inside the store's checksummed line format (seal.py, journal.py) unchanged;
the checksum still tells a disk accident from the cipher's verdict on tampering.

A session's journal key is derived separately so that a locked screen can drop the data key
while a live session keeps recording with only its own journal's key (see ``Vault.wipe``).
Python cannot promise that no copy of a key survives in memory (the cipher library and the
allocator keep their own); wiping drops every reference and zeroes the bytes this module holds.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a key is used: a plaintext store never loads the library
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MARK = b"~rg1 "
NONCE_BYTES = 12
KEY_BYTES = 32
CIPHER_NAME = "AES-256-GCM"


class VaultError(ValueError):
    """A payload that does not open with this key: ``str(self)`` says why, in words."""


def is_encrypted(body: bytes) -> bool:
    """Whether a file's (or a line's) body is a sealed payload rather than plain JSON."""
    return body[:5] == MARK


def derive(data_key: bytes, purpose: bytes) -> bytes:
    """A 256-bit key for one *purpose*, from the data key (HKDF-SHA256, no salt: the data key
    is already uniformly random)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                info=b"roomguard/" + purpose).derive(data_key)


def key_id_of(data_key: bytes) -> str:
    """A public fingerprint of the data key (which key a file or a backup needs); reveals
    nothing of the key (HMAC, one-way)."""
    return hmac.new(data_key, b"roomguard key id", hashlib.sha256).hexdigest()[:16]


def _seal(aead: AESGCM, body: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return MARK + binascii.b2a_base64(nonce + aead.encrypt(nonce, body, aad), newline=False)


def _open(aead: AESGCM, payload: bytes, aad: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag

    if not is_encrypted(payload):
        raise VaultError("it is not encrypted, though this store is: it was not written by "
                         "Roomguard (put here by hand, or from another store)")
    try:
        raw = binascii.a2b_base64(payload[5:], strict_mode=True)
    except (binascii.Error, ValueError) as exc:
        raise VaultError("its encrypted content is malformed") from exc
    if len(raw) < NONCE_BYTES + 16:
        raise VaultError("its encrypted content is cut short")
    try:
        return aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad)
    except InvalidTag as exc:
        raise VaultError("it does not decrypt with this store's key: it was changed after "
                         "Roomguard wrote it, moved from another place, or belongs to another "
                         "store") from exc


class LineCipher:
    """Seals and opens one session journal's lines; the line number is part of what is sealed."""

    __slots__ = ("_aead", "_prefix")

    def __init__(self, key: bytes, session_id: str) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._aead: AESGCM | None = AESGCM(key)
        self._prefix = b"journal\x00" + session_id.encode() + b"\x00"

    def _cipher(self) -> AESGCM:
        if self._aead is None:
            raise VaultError("the store is locked")
        return self._aead

    def seal_line(self, number: int, body: bytes) -> bytes:
        return _seal(self._cipher(), body, self._prefix + b"%d" % number)

    def open_line(self, number: int, payload: bytes) -> bytes:
        return _open(self._cipher(), payload, self._prefix + b"%d" % number)

    def wipe(self) -> None:
        self._aead = None


class Vault:
    """The unlocked data key of one store. Created by keys.py (unlocking or creating the key
    file); handed to the store, which seals every file and journal line with it."""

    def __init__(self, data_key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if len(data_key) != KEY_BYTES:
            raise ValueError("a data key is 32 bytes")
        self._key: bytearray | None = bytearray(data_key)
        self.key_id = key_id_of(data_key)
        self._files: AESGCM | None = AESGCM(derive(data_key, b"files"))
        self._lines: dict[str, LineCipher] = {}

    @property
    def open(self) -> bool:
        """False once wiped (the screen was locked): sealing and opening then fail."""
        return self._key is not None

    def data_key(self) -> bytes:
        """The raw data key, for wrapping it again (a new passphrase, the keyring)."""
        if self._key is None:
            raise VaultError("the store is locked")
        return bytes(self._key)

    def _file_cipher(self) -> AESGCM:
        if self._files is None:
            raise VaultError("the store is locked")
        return self._files

    def seal_file(self, name: str, body: bytes) -> bytes:
        """*body* sealed for the store file at relative path *name* (``clients/x.json``)."""
        return _seal(self._file_cipher(), body, b"file\x00" + name.encode())

    def open_file(self, name: str, payload: bytes) -> bytes:
        return _open(self._file_cipher(), payload, b"file\x00" + name.encode())

    def journal(self, session_id: str) -> LineCipher:
        """The cipher of one session's journal (derived once, then kept: a journal being
        written keeps its cipher when the vault is wiped)."""
        cipher = self._lines.get(session_id)
        if cipher is None:
            if self._key is None:
                raise VaultError("the store is locked")
            cipher = LineCipher(derive(bytes(self._key), b"journal/" + session_id.encode()),
                                session_id)
            self._lines[session_id] = cipher
        return cipher

    def wipe(self, *, keep_journals: frozenset[str] = frozenset()) -> None:
        """Forget the key: zero our copy, drop the ciphers. Journals in *keep_journals* (a
        live session's) keep their own cipher, so the session goes on recording."""
        if self._key is not None:
            for i in range(len(self._key)):
                self._key[i] = 0
        self._key = None
        self._files = None
        for session_id, cipher in list(self._lines.items()):
            if session_id not in keep_journals:
                cipher.wipe()
                del self._lines[session_id]


def new_data_key() -> bytes:
    return os.urandom(KEY_BYTES)


# ------------------------------------------------------------------------- the keychain
# The vaults unlocked in this process, by key id (as an ssh agent holds keys): the store, the
# integrity check and the backups find the key a store or a backup needs by the key id its
# keys.json names, so no function between the unlock and the file needs a key parameter.
_KEYCHAIN: dict[str, Vault] = {}


def remember(vault: Vault) -> None:
    """Make *vault* the unlocked key for every store and backup that names its key id."""
    _KEYCHAIN[vault.key_id] = vault


def unlocked(key_id: str) -> Vault | None:
    vault = _KEYCHAIN.get(key_id)
    return vault if vault is not None and vault.open else None


def forget_all(*, keep_journals: frozenset[str] = frozenset()) -> None:
    """Lock: wipe every unlocked vault (a live session's journal keeps its own cipher)."""
    for vault in list(_KEYCHAIN.values()):
        vault.wipe(keep_journals=keep_journals)
    _KEYCHAIN.clear()
