"""Schema versions of the on-disk store and the steps between them.

``meta.json`` records ``schema_version``. On open, a store older than :data:`SCHEMA_VERSION` is
backed up and then migrated step by step; a newer one is refused (never downgraded).
Each step is a function of the store directory, run in order, idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

SCHEMA_VERSION = 1

# MIGRATIONS[n] upgrades a store from version n to n + 1.
MIGRATIONS: dict[int, Callable[[Path], None]] = {}


def pending(found: int) -> list[int]:
    return list(range(found, SCHEMA_VERSION))
