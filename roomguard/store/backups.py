"""Rolling zip backups of the whole store, and restoring one.

A backup is made on the first open of each day and before every migration or restore; backups
older than :data:`KEEP_DAYS` are deleted on rotation (the newest is always kept). A backup is
written to a temp name and renamed, so a crash never leaves a half backup that looks whole.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import orjson

from roomguard.store.atomic import FILE_MODE, atomic_write, ensure_dir, fsync_dir
from roomguard.store.errors import StoreCorrupt

KEEP_DAYS = 7
BACKUP_DIR = "backups"
_SKIP = {"roomguard.lock"}
# Files the coach asked for (exports, reports, consent documents) are theirs, not the store's:
# a backup does not carry them and a restore does not delete them.
OUTPUT_DIRS = ("exports", "reports", "documents")
_SKIP_DIRS = {BACKUP_DIR, *OUTPUT_DIRS}


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime
    reason: str
    size: int

    @property
    def name(self) -> str:
        return self.path.name


def _store_files(root: Path) -> list[Path]:
    out = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0] in _SKIP_DIRS or path.name in _SKIP or path.name.startswith("."):
            continue
        if path.is_file():
            out.append(path)
    return out


def make_backup(root: Path, reason: str = "daily", now: datetime | None = None) -> Path:
    now = now or datetime.now()
    folder = root / BACKUP_DIR
    ensure_dir(folder)
    stem = f"roomguard-{now:%Y%m%d-%H%M%S}-{reason}"
    final = folder / f"{stem}.zip"
    n = 2
    while final.exists():  # never replace a backup made in the same second (e.g. the one
        final = folder / f"{stem}-{n}.zip"  # being restored from, by its pre-restore backup)
        n += 1
    name = final.name
    tmp = folder / f".{name}.tmp"
    import zipfile  # only when a backup is made: keeps it out of start-up

    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as fh:
            with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
                for path in _store_files(root):
                    zf.write(path, path.relative_to(root).as_posix())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
        fsync_dir(folder)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return final


def list_backups(root: Path) -> list[BackupInfo]:
    """Newest first."""
    folder = root / BACKUP_DIR
    if not folder.is_dir():
        return []
    infos = []
    for path in folder.glob("roomguard-*.zip"):
        parts = path.stem.split("-")
        try:
            created = datetime.strptime(f"{parts[1]}{parts[2]}", "%Y%m%d%H%M%S")
        except (IndexError, ValueError):
            continue
        if len(parts) > 4 and parts[-1].isdigit():
            parts = parts[:-1]  # "-2": the second backup of that second (no reason ends so)
        infos.append(BackupInfo(path, created, "-".join(parts[3:]) or "daily", path.stat().st_size))
    # Names have one-second resolution: the file's own time orders backups of the same second.
    return sorted(infos, key=lambda b: (b.created, b.path.stat().st_mtime_ns), reverse=True)


def backup_due(root: Path, now: datetime | None = None) -> bool:
    now = now or datetime.now()
    newest = next(iter(list_backups(root)), None)
    return newest is None or now - newest.created >= timedelta(days=1)


def rotate(root: Path, now: datetime | None = None, keep_days: int = KEEP_DAYS) -> list[Path]:
    """Delete backups older than *keep_days*, always keeping the newest. Returns what was deleted."""
    now = now or datetime.now()
    removed = []
    for info in list_backups(root)[1:]:
        if now - info.created > timedelta(days=keep_days):
            info.path.unlink(missing_ok=True)
            removed.append(info.path)
    return removed


def verify(path: Path) -> list[str]:
    """Every JSON file in the backup must parse; returns its member names."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            for name in names:
                if name.endswith(".json"):
                    orjson.loads(zf.read(name))
                if name.startswith("/") or ".." in Path(name).parts:
                    raise StoreCorrupt(path, f"unsafe member name {name!r}")
    except (zipfile.BadZipFile, orjson.JSONDecodeError, OSError) as exc:
        raise StoreCorrupt(path, f"backup is damaged ({exc})") from exc
    return names


def restore(root: Path, backup: Path) -> None:
    """Replace the store's files with the backup's. The caller holds the store lock.

    The backup is verified first and the current state is itself backed up, so a restore can be
    undone. Files the backup does not hold are removed (they did not exist at backup time).
    """
    import zipfile

    names = verify(backup)
    make_backup(root, "pre-restore")
    keep = set(names)
    with zipfile.ZipFile(backup) as zf:
        for name in names:
            target = root / name
            ensure_dir(target.parent)
            atomic_write(target, zf.read(name))
    for path in _store_files(root):
        if path.relative_to(root).as_posix() not in keep:
            path.unlink()
