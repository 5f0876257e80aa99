"""Everything that can go wrong with the store, each with a title and a message a coach can act on."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """Base class: ``title`` is a short heading, ``str(self)`` the full explanation."""

    title = "Store problem"


class StoreLocked(StoreError):
    title = "Store in use"

    def __init__(self, path: Path, holder: str) -> None:
        self.path = path
        self.holder = holder
        super().__init__(
            f"Another Roomguard ({holder}) has the store at {path} open for writing. "
            "Only one instance may write at a time; close the other one, or continue read-only."
        )


class StoreCorrupt(StoreError):
    title = "Store file unreadable"

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"{path} cannot be read: {reason}. The file has been left untouched. "
            "You can restore the newest good backup (roomguard backup list / restore)."
        )


class StoreTooNew(StoreError):
    title = "Store from a newer Roomguard"

    def __init__(self, path: Path, found: int, supported: int) -> None:
        self.path = path
        super().__init__(
            f"{path} has schema version {found}, but this Roomguard understands up to "
            f"version {supported}. Upgrade Roomguard; the store has been left untouched."
        )


class StoreReadOnly(StoreError):
    title = "Read-only store"

    def __init__(self, path: Path, why: str = "it is open read-only") -> None:
        self.path = path
        super().__init__(f"Cannot save to {path}: {why}.")


class WriteFailed(StoreError):
    """A write did not reach the disk. The previous state is intact; the caller may retry."""

    title = "Could not save"

    def __init__(self, path: Path, error: OSError) -> None:
        self.path = path
        self.error = error
        why = error.strerror or str(error)
        super().__init__(f"Could not save {path}: {why}. Nothing on disk was changed.")


class UnknownClient(StoreError):
    title = "Unknown client"

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        hint = f" Known clients: {', '.join(known)}." if known else " The store has no clients yet."
        super().__init__(f"No client named {name!r}.{hint}")


class InvalidRecord(StoreError):
    """A record the store refuses to write (an unsafe id, text that cannot be encoded)."""

    title = "Cannot save this record"
