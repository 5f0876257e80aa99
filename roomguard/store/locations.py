"""Where Roomguard keeps the store. Nothing else computes its path (the CLI asks here)."""

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
