"""Everything that can go wrong with the store, each with a title and a message a coach can act on."""

from __future__ import annotations

from pathlib import Path
from typing import Any


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


_RESTORE_HINT = (
    "You can restore the newest good backup (roomguard backup list / restore); "
    "`roomguard verify` lists every problem."
)


def _more(count: int) -> str:
    return f" {count} more problem{'s were' if count != 1 else ' was'} found. " if count else " "


class StoreCorrupt(StoreError):
    """A store file is damaged or missing. ``path`` is the file, ``reason`` what is wrong with it;
    ``more`` counts the further problems found in the same check (the message says so, so the
    coach knows restoring is not about one file only). Subclasses name the kind of damage."""

    title = "Store file unreadable"

    def __init__(self, path: Path, reason: str, *, more: int = 0) -> None:
        self.path = path
        self.reason = reason
        self.more = more
        super().__init__(self._describe() + _more(more) + _RESTORE_HINT)

    def _describe(self) -> str:
        return f"{self.path} cannot be read: {self.reason}. The file has been left untouched."


class FileMissing(StoreCorrupt):
    """A file the store's other files say must exist is gone. Never read as empty: a missing
    practice file would otherwise open as a new practice, a missing agreement as none."""

    title = "Store file missing"

    def _describe(self) -> str:
        return (f"{self.path} is missing: {self.reason}. Nothing was treated as empty, and the "
                "store has been left untouched.")


class FileDamaged(StoreCorrupt):
    """A file fails its checksum or is cut short: its content is not what Roomguard wrote."""

    title = "Store file damaged"

    def _describe(self) -> str:
        return f"{self.path} is damaged: {self.reason}. The file has been left untouched."


class JournalDamaged(StoreCorrupt):
    """A session's journal has lines that fail their checksums between good ones, or it ends
    before the session did. A torn last line after a crash is not this: it is recovered."""

    title = "Session record damaged"

    def __init__(self, path: Path, reason: str, *, unreadable_lines: int = 0,
                 readable_events: int = 0, more: int = 0) -> None:
        self.unreadable_lines = unreadable_lines
        self.readable_events = readable_events
        super().__init__(path, reason, more=more)

    def _describe(self) -> str:
        return f"The session record {self.path} is damaged: {self.reason}. It has been left untouched."


class SchemaInvalid(StoreCorrupt):
    """``meta.json`` holds a schema version no Roomguard ever wrote (0, -1, 1.9, "2")."""

    title = "Unknown store version"


class StoreTooNew(StoreError):
    title = "Store from a newer Roomguard"

    def __init__(self, path: Path, found: int, supported: int) -> None:
        self.path = path
        self.found = found
        self.supported = supported
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


class BackupRefused(StoreError):
    """No backup was taken, because the store failed verification (or holds nothing yet): a
    backup of damage would rotate the good backups out. The existing backups are untouched."""

    title = "Backup not taken"

    def __init__(self, root: Path, problems: list[str], report: Any = None) -> None:
        self.root = root
        self.problems = problems
        self.report = report  # the store check's integrity.Report, when it found the damage
        shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
        super().__init__(f"No backup of {root} was taken: {shown}. The existing backups were kept.")


class BackupDamaged(StoreCorrupt):
    """A backup fails its checks: it is never restored from."""

    title = "Backup damaged"

    def _describe(self) -> str:
        return (f"The backup {self.path} is damaged: {self.reason}. Nothing was restored from it, "
                "and it has been left untouched.")


class StoreEncrypted(StoreError):
    """The store is encrypted and was opened without its key: unlock it first (passphrase,
    recovery key or keyring). Nothing was read or written."""

    title = "Store locked"

    def __init__(self, root: Path) -> None:
        self.root = root
        super().__init__(f"The store at {root} is encrypted: unlock it with your passphrase "
                         "(or your recovery key).")


class WrongPassphrase(StoreError):
    """The passphrase (or recovery key) does not unwrap the store's key. Nothing was changed:
    there is no lock-out, the coach may try again."""

    title = "Wrong passphrase"

    def __init__(self, what: str = "passphrase") -> None:
        self.what = what
        super().__init__(f"That {what} does not unlock this store. Nothing was changed; "
                         "try again (the recovery key also unlocks it).")


class KeyFileProblem(StoreError):
    """``keys.json`` is missing where the store's files are encrypted, damaged, or of a format
    this version does not know: without it nothing can be decrypted, so it is named."""

    title = "Key file unreadable"

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path} cannot be used: {reason}. Nothing was changed. A backup holds "
                         "its own copy of the key file (roomguard backup list).")
