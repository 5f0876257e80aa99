"""Durable storage for Roomguard: small TinyDB shards plus append-only session journals."""

from roomguard.store.errors import (
    BackupDamaged,
    BackupRefused,
    FileDamaged,
    FileMissing,
    InvalidRecord,
    JournalDamaged,
    SchemaInvalid,
    StoreCorrupt,
    StoreError,
    StoreLocked,
    StoreReadOnly,
    StoreTooNew,
    UnknownClient,
    WriteFailed,
)
from roomguard.store.store import Store, restore_without_opening

__all__ = [
    "BackupDamaged",
    "BackupRefused",
    "FileDamaged",
    "FileMissing",
    "InvalidRecord",
    "JournalDamaged",
    "SchemaInvalid",
    "Store",
    "StoreCorrupt",
    "StoreError",
    "StoreLocked",
    "StoreReadOnly",
    "StoreTooNew",
    "UnknownClient",
    "WriteFailed",
    "restore_without_opening",
]
