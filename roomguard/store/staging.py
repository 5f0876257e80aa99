"""Replacing the store's contents all at once: build the new store beside the old, then switch.

An import used to write client after client into the live store, so a ``kill -9`` (or a power
cut) part-way left some clients and not others (5 of 6 kills left 3-12 of 150), and a later
``import --merge`` kept the half-written client as if it were whole. Now the new contents are
built as a complete store in a hidden folder of the store directory, checked, and only then put
in place by renames, guided by a marker file so that a crash at any moment leaves either the old
store or the new one, never a mixture:

* ``.import-staging/``: the new store. It starts as a copy of the live store whose files are
  hard links (no data is copied: the store never changes a file in place, it replaces it by
  rename or, for a journal, appends to it, and an import only ever writes new journals), then
  the import is written into it through an ordinary :class:`~roomguard.store.store.Store`.
* ``.import-switch``: written atomically once the staged store has been checked; it lists the
  staged store's entries. From this point the import is finished, never undone: by this process,
  or by whoever opens the store next if this one dies.
* ``.import-old/``: where the live store's entries go as they are moved out of the way.

The switch moves every entry of the live store (``meta.json``, ``practice.json``, ``clients/``,
``sessions/``, anything else that is the store's) into ``.import-old/``, moves every staged entry
into the store directory, removes the marker, then deletes the two folders. Each step can be
repeated after a crash with the same result, so finishing is just doing it again. The lock, the
backups and the coach's own output folders stay where they are throughout.

Staging inside the store directory (not beside it) keeps the copy on the same file system,
which renames need, and inside the same private, possibly encrypted, folder: a client's records
never land anywhere the store itself would not be. Names starting with a dot are not the
store's: backups, checks and listings skip them.

:func:`settle` runs when the store is opened for writing (with the lock held): it finishes a
switch that was under way, or deletes a staging folder that never reached its switch (the store
is then exactly as before that import), and says which in a sentence for the coach.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
from pathlib import Path

import orjson

from roomguard.store.atomic import DIR_MODE, atomic_write, ensure_dir, fsync_dir
from roomguard.store.errors import StoreError

STAGING = ".import-staging"
SWITCH = ".import-switch"
OLD = ".import-old"

LOCK_FILE = "roomguard.lock"
# Entries of the store directory that are not the store's contents (see backups.py).
_NOT_CONTENTS = frozenset({LOCK_FILE, "backups", "exports", "reports", "documents"})

FINISHED = ("An import or encryption that was interrupted (the app or computer stopped while it "
            "was being put in place) has been finished: the store is complete as it brought it.")
DISCARDED = ("An import or encryption that was interrupted before it was put in place has been "
             "discarded: the store is exactly as it was before. Run it again.")


class ImportInterrupted(StoreError):
    """A read-only open found an import half put in place; only a writer may finish it."""

    title = "Import being applied"

    def __init__(self, root: Path) -> None:
        self.root = root
        super().__init__(
            f"An import into {root} is being put in place, or was interrupted while it was. "
            "Try again in a moment; if this stays, open Roomguard (not read-only) once to "
            "finish it."
        )


class SwitchIncomplete(StoreError):
    """The marker is written but the renames could not all be done: the next writer finishes."""

    title = "Import not finished"

    def __init__(self, path: Path, error: OSError) -> None:
        self.path = path
        self.error = error
        super().__init__(
            f"The import was checked and is being put in place, but {path} failed: "
            f"{error.strerror or error}. It is finished the next time Roomguard opens the store "
            "for writing; until then the store cannot be opened."
        )


class StagingFailed(StoreError):
    """The staging or switching folders could not be created, moved or removed."""

    title = "Import not applied"

    def __init__(self, path: Path, error: OSError) -> None:
        self.path = path
        self.error = error
        super().__init__(f"{path}: {error.strerror or error}. The store was not changed.")


def is_contents(name: str) -> bool:
    """Whether an entry of the store directory is part of the store's contents."""
    return not name.startswith(".") and name not in _NOT_CONTENTS


def stage(root: Path) -> Path:
    """A fresh staging folder holding a copy (by hard links) of the live store's contents."""
    settle(root, readonly=False)  # nothing left over from an earlier import
    staging = root / STAGING
    try:
        ensure_dir(staging)
        for name in sorted(os.listdir(root)):
            if is_contents(name):
                _link_tree(root / name, staging / name)
    except OSError as exc:
        discard(root)
        raise StagingFailed(Path(exc.filename or staging), exc) from exc
    return staging


def _link_tree(source: Path, target: Path) -> None:
    mode = source.lstat().st_mode
    if stat.S_ISDIR(mode):
        target.mkdir(mode=DIR_MODE)
        for name in sorted(os.listdir(source)):
            if not name.startswith("."):  # temp files of interrupted writes
                _link_tree(source / name, target / name)
    elif stat.S_ISREG(mode):
        try:
            os.link(source, target)
        except OSError:  # a file system without hard links: copy instead
            shutil.copy2(source, target)
    elif stat.S_ISLNK(mode):
        # Writes through a link would reach the live store before the switch: refuse instead.
        raise OSError(errno.EXDEV, "it is a symbolic link, and an import can only be all or "
                      "nothing inside the store's own folder", str(source))


def discard(root: Path) -> None:
    """Remove a staging folder that will not be switched in (the import failed or was refused)."""
    shutil.rmtree(root / STAGING, ignore_errors=True)
    with contextlib.suppress(OSError):
        fsync_dir(root)


def switch(root: Path) -> None:
    """Put the staged store in place of the live one. Call with the store's lock held, after
    every file of the staged store is written and checked."""
    staging = root / STAGING
    try:
        entries = sorted(name for name in os.listdir(staging) if is_contents(name))
        _fsync_tree(staging)  # durable before the marker says it is the store
        atomic_write(root / SWITCH, orjson.dumps({"entries": entries}))
    except OSError as exc:
        raise StagingFailed(root / SWITCH, exc) from exc
    _finish(root)


def _fsync_tree(folder: Path) -> None:
    for path, dirs, _ in os.walk(folder):
        for name in dirs:
            fsync_dir(Path(path) / name)
    fsync_dir(folder)


def _finish(root: Path) -> None:
    """Carry out (again, after a crash) the switch the marker describes. Every step is a rename
    that a repeat either finds done or does, so any number of interrupted runs end the same."""
    marker = root / SWITCH
    staging, old = root / STAGING, root / OLD
    try:
        entries = set(orjson.loads(marker.read_bytes())["entries"])
        ensure_dir(old)
        for name in sorted(os.listdir(root)):
            # A live entry is old unless it was staged and has already been moved in.
            if is_contents(name) and (name not in entries or os.path.lexists(staging / name)):
                _move(root / name, old / name)
        for name in sorted(entries):
            if os.path.lexists(staging / name):
                _move(staging / name, root / name)
        fsync_dir(root)
        fsync_dir(old)
        _remove_marker(marker)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        error = exc if isinstance(exc, OSError) else OSError(f"unreadable ({exc})")
        raise SwitchIncomplete(marker, error) from exc
    # Staging first: an old folder left alone then means the switch was done, and only its
    # tidying up was cut short (see settle()).
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)


def _remove_marker(marker: Path) -> None:
    os.unlink(marker)
    fsync_dir(marker.parent)


def _move(source: Path, target: Path) -> None:
    if os.path.lexists(target):  # a rename would silently replace it: never expected here
        raise FileExistsError(17, "already exists", str(target))
    os.rename(source, target)


def settle(root: Path, *, readonly: bool) -> str:
    """Finish or discard an import a crash interrupted; a sentence saying which, or ``""``.

    Read-only, a switch under way cannot be finished here and is refused
    (:class:`ImportInterrupted`); leftovers of an import that never switched do not matter to a
    reader (the live store is whole) and are left for the next writer.
    """
    if os.path.lexists(root / SWITCH):
        if readonly:
            raise ImportInterrupted(root)
        _finish(root)
        return FINISHED
    if readonly:
        return ""
    said = ""
    if os.path.lexists(root / OLD):  # the switch was done; only its tidying up was cut short
        shutil.rmtree(root / STAGING, ignore_errors=True)
        shutil.rmtree(root / OLD, ignore_errors=True)
    elif os.path.lexists(root / STAGING):  # never switched in: the store is as before
        shutil.rmtree(root / STAGING, ignore_errors=True)
        said = DISCARDED
    for leftover in (STAGING, OLD):
        if os.path.lexists(root / leftover):
            raise StagingFailed(root / leftover, OSError("it could not be removed"))
    return said
