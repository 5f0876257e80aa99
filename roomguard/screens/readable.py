"""Where a readable document goes, and what the coach is told about it.

Consent documents, the coach's and the assistant-safe summaries and the check-ins calendar are
files meant to be read (printed, sent, imported): they are never encrypted. A plaintext store
keeps the first two in its own folder, as it always did. An encrypted store keeps no readable
byte under its folder, so its documents go to ``~/Documents/Roomguard`` (created 0700, each file
0600) and the toast says where, and that the file is not encrypted.
"""

from __future__ import annotations

from pathlib import Path

from roomguard.store import Store
from roomguard.store.locations import documents_directory


def output_folder(store: Store, subfolder: str) -> Path:
    """The folder for readable *subfolder* documents (``documents``, ``reports``)."""
    base = documents_directory() if store.encrypted else store.root
    return base / subfolder


def inside_store(store: Store, path: Path) -> bool:
    """Whether *path* is under the store's folder (refused for a readable file of an encrypted
    store)."""
    try:
        path.expanduser().resolve().relative_to(store.root.expanduser().resolve())
    except ValueError:
        return False
    return True


INSIDE_ENCRYPTED = ("The store is encrypted and keeps no readable file in its folder; choose a "
                    "place outside {root}.")


def refusal(store: Store, path: Path) -> str:
    """Why a readable file may not be written at *path*, or ""."""
    if store.encrypted and inside_store(store, path):
        return INSIDE_ENCRYPTED.format(root=store.root)
    return ""


def written(store: Store, what: str, path: Path) -> str:
    """The toast for a readable document written to *path*."""
    if store.encrypted:
        return f"{what} written to {path} (this file is not encrypted, unlike your store)"
    return f"{what} written to {path}"
