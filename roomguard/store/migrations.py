"""Schema versions of the on-disk store and the steps between them.

``meta.json`` records ``schema_version``. On open, a store older than :data:`SCHEMA_VERSION` is
verified, backed up and then migrated step by step; a newer one is refused (never downgraded).
Each step is a function of the store directory, run in order, idempotent (a step interrupted by
a crash runs again on the next open).

Versions:

1. JSON files as TinyDB writes them; journals of checksummed lines.
2. Every file sealed with a checksum (seal.py); every listed client has a file; practice.json
   always exists and keeps the registry of sessions being written (``live``) and of clients
   being deleted (``purging``), so a crash in the middle of either is finished, not mistaken
   for damage.

A version must be a whole number this code knows: 0, -1, 1.9 or ``"2"`` is a refusal naming
the file (:class:`SchemaInvalid`), never a guess, a KeyError or a migration of unknown steps.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from roomguard.store.atomic import atomic_write, read_bytes
from roomguard.store.errors import FileDamaged, SchemaInvalid, StoreCorrupt
from roomguard.store.seal import SealBroken, is_sealed, unseal

SCHEMA_VERSION = 2
FIRST_SEALED = 2  # the first version whose files all carry a checksum


def pending(found: int) -> list[int]:
    """The steps from version *found* to this one; a version this code never wrote is refused."""
    if not isinstance(found, int) or isinstance(found, bool) or found < 1:
        raise ValueError(f"not a schema version: {found!r}")
    return list(range(found, SCHEMA_VERSION))


def read_version(path: Path, raw: bytes) -> int:
    """The schema version recorded in ``meta.json``'s bytes *raw*; a clear refusal otherwise.

    A version 1 ``meta.json`` is plain JSON and a later one is sealed. A plain file claiming a
    version newer than this code is read as such (this code cannot know how a newer one writes),
    so the refusal says "newer Roomguard" rather than "damaged".
    """
    body = raw
    sealed = is_sealed(raw)
    if sealed:
        try:
            body = unseal(raw)
        except SealBroken as exc:
            raise FileDamaged(path, f"no readable schema version: {exc}") from exc
    elif not raw.strip():
        raise StoreCorrupt(path, "no readable schema version: the file is empty")
    try:
        meta = orjson.loads(body)
        found = meta["schema_version"]
    except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
        raise StoreCorrupt(path, f"no readable schema version ({exc})") from exc
    if isinstance(found, bool) or not isinstance(found, int):
        raise SchemaInvalid(path, f"the schema version {found!r:.40} is not a whole number")
    if found < 1:
        raise SchemaInvalid(path, f"the schema version {found} is not one any Roomguard "
                                  "wrote (versions start at 1)")
    if not sealed and FIRST_SEALED <= found <= SCHEMA_VERSION:
        raise FileDamaged(path, f"it has no checksum, but a version {found} store seals every file")
    return found


def meta_bytes(version: int) -> bytes:
    """What ``meta.json`` holds for *version* (sealed from version 2 on)."""
    body = orjson.dumps({"schema_version": version})
    if version < FIRST_SEALED:
        return body
    from roomguard.store.seal import seal

    return seal(body)


# ----------------------------------------------------------------------------- 1 -> 2
def _plain_tables(path: Path) -> dict[str, dict[str, Any]] | None:
    """A version 1 TinyDB file's tables (None when absent); one already sealed is returned too,
    so a step interrupted half-way runs again cleanly."""
    from roomguard.store.storage import decode_document

    raw = read_bytes(path)
    if raw is None:
        return None
    return decode_document(path, raw, sealed=is_sealed(raw))


def seal_version_1(root: Path) -> None:
    """Seal every TinyDB file; give every listed client a file; register open sessions.

    Sessions left open by a crash under version 1 are registered as live, so the next open
    recomputes their alert counts from their journals (version 1 wrote them only at the start
    and end of a session).
    """
    from roomguard.store.storage import encode_document

    sessions = root / "sessions"
    live: set[str] = set()
    for index in sorted(sessions.glob("*.json")) if sessions.is_dir() else []:
        tables = _plain_tables(index) or {}
        for row in tables.get("sessions", {}).values():
            if isinstance(row, dict) and row.get("ended_at") is None and isinstance(row.get("id"), str):
                live.add(row["id"])
        atomic_write(index, encode_document(tables))
    clients = root / "clients"
    for path in sorted(clients.glob("*.json")) if clients.is_dir() else []:
        atomic_write(path, encode_document(_plain_tables(path) or {}))
    practice = root / "practice.json"
    tables = _plain_tables(practice) or {}
    for row in tables.get("clients", {}).values():
        client_id = row.get("id") if isinstance(row, dict) else None
        if isinstance(client_id, str):
            path = clients / f"{client_id}.json"
            if not path.exists():  # a version 1 client without an agreement had no file
                from roomguard.store.atomic import ensure_dir

                ensure_dir(clients)
                atomic_write(path, encode_document({}))
    registered = tables.setdefault("live", {})  # a TinyDB table: numeric keys, an "id" field
    known = {row.get("id") for row in registered.values() if isinstance(row, dict)}
    next_key = max((int(k) for k in registered if k.isdigit()), default=0) + 1
    for session_id in sorted(set(live) - known):
        registered[str(next_key)] = {"id": session_id}
        next_key += 1
    atomic_write(practice, encode_document(tables))


# MIGRATIONS[n] upgrades a store from version n to n + 1.
MIGRATIONS: dict[int, Callable[[Path], None]] = {1: seal_version_1}
