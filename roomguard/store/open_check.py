"""The check every :meth:`Store.open` runs: does every file the store's files name exist?

Three directory listings, no file read, not even a stat (a stat per file cost 3 ms on a
ten-year store, a start-up budget of its own): every client listed in ``practice.json`` has a
file, every month's journals have their index, every index its journals' folder. A file's
checksum is checked whenever it is read, and ``roomguard verify`` (integrity.py) reads them
all. Kept apart from integrity.py, and free of dataclasses and regular expressions, because it
is imported on every start.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def missing_files(root: Path, *, clients: Iterable[str], live: set[str],
                  purging: set[str]) -> list[tuple[str, str]]:
    """(file relative to *root*, what is missing) for each file the store needs and lacks.
    Journals of sessions registered as *live* may lack their index (a crash came before it was
    written: the open recovers it); clients being deleted (*purging*) may lack anything."""
    missing: list[tuple[str, str]] = []
    client_files = _names(root / "clients", ".json")
    for client_id in clients:
        if client_id not in purging and client_id not in client_files:
            missing.append((f"clients/{client_id}.json", f"client {client_id} is listed in "
                            "practice.json, but the file holding their agreement is missing"))
    sessions = root / "sessions"
    indexes = _names(sessions, ".json")
    try:
        with os.scandir(sessions) as entries:
            folders = {e.name for e in entries if e.is_dir(follow_symlinks=False)}
    except FileNotFoundError:
        folders = set()
    for month in sorted(indexes - folders):
        missing.append((f"sessions/{month}", f"sessions/{month}.json lists sessions whose "
                        "journals would be in it"))
    for month in sorted(folders - indexes):
        sids = _names(sessions / month, ".jsonl")
        if sids - live:
            count = len(sids)
            missing.append((f"sessions/{month}.json", f"sessions/{month}/ holds {count} session "
                            f"journal{'s' if count != 1 else ''} it should list"))
    return missing


def _names(folder: Path, suffix: str) -> set[str]:
    """Stems of the files of *folder* ending in *suffix* (hidden temp files aside)."""
    try:
        with os.scandir(folder) as entries:
            return {e.name[: -len(suffix)] for e in entries
                    if e.name.endswith(suffix) and not e.name.startswith(".")}
    except FileNotFoundError:
        return set()
