"""An export sealed under a passphrase: a self-describing JSON envelope that ``import`` opens.

A full export holds every record of the practice (portability.py), so by default it is written
sealed, whatever the store is: Argon2id (the store's own tuned cost, recorded in the envelope so
any machine opens it) derives a 256-bit key from the passphrase and a fresh salt, and
AES-256-GCM seals the export's JSON with a fresh nonce. Everything in the envelope but the
nonce and the ciphertext is the cipher's associated data, so the recorded parameters cannot be
changed (to a cheaper cost, another format) without the file failing to open::

    {"format": "roomguard-encrypted-export", "version": 1,
     "about": "...how to read it...", "created_at": "2026-12-06T10:00:00+00:00",
     "cipher": "AES-256-GCM",
     "kdf": {"kdf": "argon2id", "memory_kib": 65536, "time_cost": 4, "parallelism": 1,
             "salt": "<base64>"},
     "nonce": "<base64>", "ciphertext": "<base64 of ciphertext and tag>"}

A wrong passphrase and a changed byte look the same to the cipher: :class:`WrongPassphrase`
says both. See docs/ENCRYPTION.md.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from datetime import UTC, datetime
from typing import Any

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from roomguard.store.errors import WrongPassphrase
from roomguard.store.keys import KdfParams, tuned_params
from roomguard.store.vault import CIPHER_NAME, NONCE_BYTES

FORMAT = "roomguard-encrypted-export"
VERSION = 1
ABOUT = ("A Roomguard export, encrypted with a passphrase (Argon2id, AES-256-GCM). "
         "Read it with: roomguard import FILE")


class SealedExportInvalid(ValueError):
    """The file says it is a sealed export but is not one this version can open."""


def is_sealed_export(raw: bytes) -> bool:
    """Whether *raw* is a sealed export's envelope (cheap: the format is near the start)."""
    head = raw[:200].lstrip()
    if not head.startswith(b"{") or FORMAT.encode() not in head:
        return False
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return False
    return isinstance(doc, dict) and doc.get("format") == FORMAT


def _aad(header: dict[str, Any]) -> bytes:
    return orjson.dumps(header, option=orjson.OPT_SORT_KEYS)


def seal_export(plain: bytes, passphrase: str, params: KdfParams | None = None) -> bytes:
    """The envelope around *plain* (an export's JSON), sealed under *passphrase*."""
    if not passphrase:
        raise ValueError("a passphrase cannot be empty")
    params = params or tuned_params()
    salt = secrets.token_bytes(16)
    header: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "about": ABOUT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cipher": CIPHER_NAME,
        "kdf": {**params.as_json(), "salt": base64.b64encode(salt).decode("ascii")},
    }
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(params.derive(passphrase, salt)).encrypt(nonce, plain, _aad(header))
    doc = {**header, "nonce": base64.b64encode(nonce).decode("ascii"),
           "ciphertext": base64.b64encode(sealed).decode("ascii")}
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n"


def _parse(raw: bytes) -> tuple[dict[str, Any], KdfParams, bytes, bytes, bytes]:
    try:
        doc = orjson.loads(raw)
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise SealedExportInvalid("it is not an encrypted Roomguard export")
        if doc.get("version") != VERSION:
            raise SealedExportInvalid(f"version {doc.get('version')!r}; this Roomguard reads "
                                      f"version {VERSION}")
        if doc.get("cipher") != CIPHER_NAME:
            raise SealedExportInvalid(f"unknown cipher {doc.get('cipher')!r}")
        kdf = dict(doc["kdf"])
        params = KdfParams.from_json(kdf)
        salt = base64.b64decode(kdf["salt"], validate=True)
        nonce = base64.b64decode(doc["nonce"], validate=True)
        sealed = base64.b64decode(doc["ciphertext"], validate=True)
    except SealedExportInvalid:
        raise
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise SealedExportInvalid(f"its envelope is damaged ({type(exc).__name__})") from exc
    if len(nonce) != NONCE_BYTES or len(salt) < 8:
        raise SealedExportInvalid("its envelope is damaged (nonce or salt)")
    header = {k: v for k, v in doc.items() if k not in ("nonce", "ciphertext")}
    return header, params, salt, nonce, sealed


def check_envelope(raw: bytes) -> None:
    """Raise :class:`SealedExportInvalid` unless *raw* is an envelope this version can open
    (before asking anyone for a passphrase)."""
    _parse(raw)


def open_export(raw: bytes, passphrase: str) -> bytes:
    """The export's JSON; :class:`WrongPassphrase` when *passphrase* does not open it (or the
    file was changed), :class:`SealedExportInvalid` when it is not an envelope at all."""
    header, params, salt, nonce, sealed = _parse(raw)
    try:
        return AESGCM(params.derive(passphrase, salt)).decrypt(nonce, sealed, _aad(header))
    except InvalidTag:
        raise WrongPassphrase("export passphrase") from None
