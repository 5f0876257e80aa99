"""Where Roomguard keeps the store and its crash reports. Nothing else computes these paths."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "roomguard"


def data_directory() -> Path:
    """The platform's per-user data directory (e.g. ``~/.local/share/roomguard`` on Linux)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def store_path(cli_value: str | None = None) -> Path:
    """``--db`` if given, else ``ROOMGUARD_DB``, else ``<data dir>/store``."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get("ROOMGUARD_DB")
    if env:
        return Path(env).expanduser()
    return data_directory() / "store"


def crash_directory() -> Path:
    """Crash reports (``~/.local/state/roomguard/crash-reports`` on Linux): the per-user state
    folder, not the store, so a report never travels in a backup or an export."""
    from platformdirs import user_state_path

    return user_state_path(APP_NAME, appauthor=False) / "crash-reports"


def documents_directory() -> Path:
    """Where an encrypted store's readable documents go (consent documents, summaries):
    ``~/Documents/Roomguard``, outside the store, which keeps no readable byte under its folder."""
    from platformdirs import user_documents_path

    return user_documents_path() / "Roomguard"
