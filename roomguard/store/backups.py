"""Rolling zip backups of the whole store that can be restored from: each is verified as written.

A backup is made on the first open of each day (not of an empty store) and before every
migration, import or restore. Each one:

* is taken only of a store that passes verification (integrity.py): a backup of damage, made
  daily, would otherwise replace every good backup within a week. The caller gets a
  :class:`BackupRefused` naming what is wrong; the existing backups are kept.
* carries a manifest (``roomguard-backup.json``) with the size and CRC-32 of every file, the
  schema version and the result of the store check, and is re-read before it gets its final
  name: every member against the manifest, and the store check run again on the zip's content.
  A crash never leaves a half backup that looks whole (temp name, then rename).

Rotation deletes backups older than :data:`KEEP_DAYS`, but never the newest one and never the
newest one that verifies good, however old. A restore verifies the backup first and refuses a
damaged one before anything changes; the state it replaces is backed up first (even a damaged
state: that copy is kept for investigation, listed as damaged, and never counts as good).

A backup's state is ``good`` (it verifies: checksums and content), ``damaged`` (it does not, or
it is such a pre-restore copy) or ``unverified`` (made by an earlier Roomguard, without a
manifest, though its files parse and agree; or by a newer one, whose files this one cannot
judge). Verifying reads the whole backup, so :func:`list_backups` only does it when asked.
"""

from __future__ import annotations

import contextlib
import os
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from roomguard.store import integrity
from roomguard.store.atomic import FILE_MODE, atomic_write, ensure_dir, fsync_dir
from roomguard.store.errors import BackupDamaged, BackupRefused, StoreTooNew

KEEP_DAYS = 7
BACKUP_DIR = "backups"
MANIFEST = "roomguard-backup.json"
MANIFEST_FORMAT = 1
# Files the coach asked for (exports, reports, consent documents) are theirs, not the store's:
# a backup does not carry them and a restore does not delete them.
OUTPUT_DIRS = ("exports", "reports", "documents")

GOOD = "good"
DAMAGED = "damaged"
UNVERIFIED = "unverified"
UNCHECKED = "unchecked"  # list_backups without check=True: the state was not looked at


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime
    reason: str
    size: int
    state: str = UNCHECKED
    problems: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class BackupCheck:
    """What verifying one backup found. ``zip_problems`` are faults of the backup file itself
    (a member missing or failing its checksum); ``problems`` also holds the store check's."""

    state: str
    problems: list[str] = field(default_factory=list)
    zip_problems: list[str] = field(default_factory=list)
    schema_version: int | None = None
    names: list[str] = field(default_factory=list)
    empty: bool = False
    report: integrity.Report | None = None


# ----------------------------------------------------------------------------- making
def _snapshot_order(rel: str) -> tuple[int, str]:
    """Files are read in the reverse of the order the app writes them (see integrity.py), so a
    backup taken while the app writes still holds every file its other files refer to."""
    if rel.startswith("sessions/") and rel.endswith(".json"):
        rank = 0
    elif rel.endswith(".jsonl"):
        rank = 1
    elif rel.startswith("clients/"):
        rank = 2
    elif rel == "practice.json":
        rank = 3
    elif rel == "meta.json":
        rank = 5
    else:
        rank = 4
    return rank, rel


def _private(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    info.external_attr = (0o100000 | FILE_MODE) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _write_zip(root: Path, tmp: Path, reason: str, now: datetime,
               store_check: dict[str, Any]) -> None:
    files: dict[str, dict[str, int]] = {}
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as fh:
        with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            rels = sorted((p.relative_to(root).as_posix() for p in integrity.store_files(root)),
                          key=_snapshot_order)
            for rel in rels:
                path = root / rel
                try:
                    info = zipfile.ZipInfo.from_file(path, rel)
                    data = path.read_bytes()
                except FileNotFoundError:
                    continue  # removed since the listing (the app is running)
                zf.writestr(_private(info), data, compresslevel=1)
                files[rel] = {"size": len(data), "crc32": zlib.crc32(data)}
            manifest = {
                "format": MANIFEST_FORMAT,
                "created": now.isoformat(timespec="seconds"),
                "reason": reason,
                "files": files,
                "store_check": store_check,
            }
            info = zipfile.ZipInfo(MANIFEST, date_time=now.timetuple()[:6])
            zf.writestr(_private(info), orjson.dumps(manifest), compresslevel=1)
        fh.flush()
        os.fsync(fh.fileno())


def _under(root: Path, problems: list[str]) -> list[str]:
    """Problems of a backup's content (``practice.json: …``) as paths of the store they came from."""
    return [f"{root}{os.sep}{p}" for p in problems]


def make_backup(root: Path, reason: str = "daily", now: datetime | None = None, *,
                forensic: bool = False, allow_empty: bool = True) -> Path:
    """Back up the store at *root*; returns the backup's path once it verified.

    Refuses (:class:`BackupRefused`) when the store fails verification, or holds nothing and
    *allow_empty* is False. With *forensic* (the copy a restore takes of what it replaces) a
    damaged store is backed up all the same, marked damaged in its manifest: that copy is for
    investigation and is never counted as a good backup.
    """
    now = now or datetime.now()
    folder = root / BACKUP_DIR
    ensure_dir(folder)
    stem = f"roomguard-{now:%Y%m%d-%H%M%S}-{reason}"
    final = folder / f"{stem}.zip"
    n = 2
    while final.exists():  # never replace a backup made in the same second (e.g. the one
        final = folder / f"{stem}-{n}.zip"  # being restored from, by its pre-restore backup)
        n += 1
    tmp = folder / f".{final.name}.tmp"
    try:
        found = _write_verified(root, tmp, reason, now, forensic=forensic)
        if not found.problems and found.empty and not allow_empty:
            raise BackupRefused(root, ["the store is empty: there is nothing to back up yet"])
        os.replace(tmp, final)
        fsync_dir(folder)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return final


def _write_verified(root: Path, tmp: Path, reason: str, now: datetime, *,
                    forensic: bool) -> BackupCheck:
    """Write the zip at *tmp* and verify it; a store changing under the first attempt (the app
    writes while the daily backup runs) gets one more before damage is believed."""
    found = BackupCheck(state=UNVERIFIED)
    # A restore's copy is taken under the lock with the store's files closed: nothing changes
    # under it, so damage found once is damage.
    for _attempt in range(1 if forensic else 2):
        _write_zip(root, tmp, reason, now, {"state": GOOD})
        found = check_backup(tmp)
        if found.zip_problems:
            raise BackupRefused(root, ["the backup did not read back intact (is the disk "
                                       "failing?): " + "; ".join(found.zip_problems[:3])])
        if found.state == GOOD:
            return found
    if forensic:
        _write_zip(root, tmp, reason, now, {"state": DAMAGED, "problems": found.problems})
        again = check_backup(tmp)
        if again.zip_problems:
            raise BackupRefused(root, ["the backup did not read back intact: "
                                       + "; ".join(again.zip_problems[:3])])
        return again
    raise BackupRefused(root, ["the store failed verification: "
                               + "; ".join(_under(root, found.problems))], found.report)


# ----------------------------------------------------------------------------- checking
class _ManifestSource(integrity.ZipSource):
    """A backup's members, each checked against the manifest's size and CRC as it is read."""

    def __init__(self, zf: zipfile.ZipFile, recorded: dict[str, Any] | None) -> None:
        super().__init__(zf, skip={MANIFEST})
        self.recorded = recorded
        self.seen: set[str] = set()
        self.failed: dict[str, str] = {}  # member -> why the backup file itself is at fault

    def read(self, name: str) -> bytes:
        try:
            data = super().read(name)
        except FileNotFoundError:
            raise
        except OSError as exc:
            self.failed[name] = str(exc)
            raise
        self.seen.add(name)
        if self.recorded is not None:
            want = self.recorded.get(name)
            why = ""
            if want is None:
                why = "it is not in the backup's manifest"
            elif want.get("size") != len(data) or want.get("crc32") != zlib.crc32(data):
                why = "it does not match the checksum recorded when the backup was made"
            if why:
                self.failed[name] = why
                raise OSError(why)
        return data


def _manifest(zf: zipfile.ZipFile) -> dict[str, Any] | None:
    """The backup's manifest; None when it has none (an earlier Roomguard made it)."""
    if MANIFEST not in zf.namelist():
        return None
    try:
        data = orjson.loads(zf.read(MANIFEST))
    except (orjson.JSONDecodeError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ValueError(f"its manifest cannot be read ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        raise ValueError("its manifest is not one Roomguard writes")
    return data


def check_backup(path: Path) -> BackupCheck:
    """Read the whole backup: every member against its manifest, then the store check on it."""
    try:
        with zipfile.ZipFile(path) as zf:
            return _check_zip(zf)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        why = str(exc) if isinstance(exc, ValueError) else f"it is not a readable zip ({exc})"
        return BackupCheck(DAMAGED, [why], [why])


def _check_zip(zf: zipfile.ZipFile) -> BackupCheck:
    names = [n for n in zf.namelist() if n != MANIFEST]
    unsafe = [n for n in names if n.startswith("/") or ".." in Path(n).parts]
    if unsafe:
        why = f"unsafe member name {unsafe[0]!r}"
        return BackupCheck(DAMAGED, [why], [why], names=names)
    found = BackupCheck(UNVERIFIED, names=names)
    newer = _newer_version(zf)
    if newer is not None:  # its files and manifest may be of a kind this Roomguard cannot judge
        found.schema_version = newer
        found.problems.append(f"made by a newer Roomguard (schema version {newer}); this one "
                              "cannot check it")
        return found
    manifest = _manifest(zf)
    recorded = manifest["files"] if manifest is not None else None
    source = _ManifestSource(zf, recorded)
    try:
        report = integrity.check(source)
    except StoreTooNew as exc:
        found.problems.append(f"made by a newer Roomguard ({exc}); this one cannot check it")
        return found
    found.report = report
    found.schema_version = report.schema_version
    found.empty = report.empty
    for name in sorted(set(names) - source.seen - set(source.failed)):  # not needed by the check
        with contextlib.suppress(OSError):
            source.read(name)
    found.zip_problems = [f"{name}: {why}" for name, why in sorted(source.failed.items())]
    if recorded is not None:
        for name in sorted(set(recorded) - set(names)):
            found.zip_problems.append(f"{name}: listed in the manifest, but not in the backup")
    found.problems = [f"{p.file}: {p.what}" for p in report.damage if p.file not in source.failed]
    found.problems[:0] = found.zip_problems
    if found.problems:
        found.state = DAMAGED
    elif manifest is None:
        found.state = UNVERIFIED
        found.problems.append("made by an earlier Roomguard: it has no checksums to compare, "
                              "though its files read and agree")
    elif manifest.get("store_check", {}).get("state") != GOOD:
        found.state = DAMAGED
        found.problems.append("a copy of a damaged store, kept for investigation")
    else:
        found.state = GOOD
    return found


def _newer_version(zf: zipfile.ZipFile) -> int | None:
    """The schema version of a backup made by a newer Roomguard, else None."""
    from roomguard.store.errors import StoreError
    from roomguard.store.migrations import SCHEMA_VERSION, read_version

    try:
        version = read_version(Path("meta.json"), zf.read("meta.json"))
    except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, StoreError):
        return None
    return version if version > SCHEMA_VERSION else None


def verify(path: Path) -> list[str]:
    """Raise :class:`BackupDamaged` unless the backup can be restored from; returns its store
    files. An unverified backup (no manifest, or a newer Roomguard's) is not refused here."""
    found = check_backup(path)
    if found.state == DAMAGED:
        first = found.problems[0] if found.problems else "it does not verify"
        raise BackupDamaged(path, first, more=len(found.problems) - 1)
    return found.names


# ----------------------------------------------------------------------------- listing
def _parse(path: Path) -> BackupInfo | None:
    parts = path.stem.split("-")
    try:
        created = datetime.strptime(f"{parts[1]}{parts[2]}", "%Y%m%d%H%M%S")
    except (IndexError, ValueError):
        return None
    if len(parts) > 4 and parts[-1].isdigit():
        parts = parts[:-1]  # "-2": the second backup of that second (no reason ends so)
    return BackupInfo(path, created, "-".join(parts[3:]) or "daily", path.stat().st_size)


def recorded_state(path: Path) -> str:
    """The state the backup's manifest records (cheap: its directory and manifest only)."""
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = _manifest(zf)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return DAMAGED
    if manifest is None:
        return UNVERIFIED
    return GOOD if manifest.get("store_check", {}).get("state") == GOOD else DAMAGED


def list_backups(root: Path, *, check: bool = False) -> list[BackupInfo]:
    """Newest first. With *check*, each is verified (reads every backup whole)."""
    folder = root / BACKUP_DIR
    if not folder.is_dir():
        return []
    infos = [info for p in folder.glob("roomguard-*.zip") if (info := _parse(p)) is not None]
    # Names have one-second resolution: the file's own time orders backups of the same second.
    infos.sort(key=lambda b: (b.created, b.path.stat().st_mtime_ns), reverse=True)
    if not check:
        return infos
    out = []
    for info in infos:
        found = check_backup(info.path)
        out.append(BackupInfo(info.path, info.created, info.reason, info.size, found.state,
                              tuple(found.problems)))
    return out


def good_backups(root: Path) -> Iterator[BackupInfo]:
    """The backups that verify good, newest first (each verified when reached)."""
    for info in list_backups(root):
        found = check_backup(info.path)
        if found.state == GOOD:
            yield BackupInfo(info.path, info.created, info.reason, info.size, GOOD)


def newest_good(root: Path) -> BackupInfo | None:
    """The backup to offer when the store is damaged."""
    return next(good_backups(root), None)


def backup_due(root: Path, now: datetime | None = None) -> bool:
    """No backup recorded good in the last day (a damaged pre-restore copy does not count)."""
    now = now or datetime.now()
    for info in list_backups(root):
        if now - info.created >= timedelta(days=1):
            return True
        if recorded_state(info.path) == GOOD:
            return False
    return True


def rotate(root: Path, now: datetime | None = None, keep_days: int = KEEP_DAYS,
           known_good: Path | None = None) -> list[Path]:
    """Delete backups older than *keep_days*, always keeping the newest and the newest that
    verifies good (*known_good* when the caller has just verified it). Returns what was deleted."""
    now = now or datetime.now()
    infos = list_backups(root)
    if not infos:
        return []
    keep = {infos[0].path}
    for info in infos:
        if info.path == known_good or check_backup(info.path).state == GOOD:
            keep.add(info.path)
            break
    removed = []
    for info in infos:
        if info.path not in keep and now - info.created > timedelta(days=keep_days):
            info.path.unlink(missing_ok=True)
            removed.append(info.path)
    return removed


def holds_current_state(root: Path, reason: str) -> bool:
    """Whether the newest backup made for *reason* holds exactly the store's files as they are
    now: then another one would only add a copy (a migration failing on every launch must not
    add a backup on every launch)."""
    newest = next((b for b in list_backups(root) if b.reason == reason), None)
    if newest is None:
        return False
    try:
        with zipfile.ZipFile(newest.path) as zf:
            manifest = _manifest(zf)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False
    if manifest is None or manifest.get("store_check", {}).get("state") != GOOD:
        return False
    current: dict[str, dict[str, int]] = {}
    for path in integrity.store_files(root):
        data = path.read_bytes()
        current[path.relative_to(root).as_posix()] = {"size": len(data), "crc32": zlib.crc32(data)}
    return bool(current == manifest["files"])


# ----------------------------------------------------------------------------- restoring
def restore(root: Path, backup: Path) -> None:
    """Replace the store's files with the backup's. The caller holds the store lock.

    The backup is verified first (a damaged one is refused before anything changes) and the
    current state is itself backed up, so a restore can be undone. Files the backup does not
    hold are removed (they did not exist at backup time).
    """
    from roomguard.store.keys import KEYFILE

    names = verify(backup)
    if integrity.store_files(root):
        make_backup(root, "pre-restore", forensic=True)
    keep = set(names)
    with zipfile.ZipFile(backup) as zf:
        same_key = _wraps_the_same_key(root, zf)
        for name in names:
            if name == KEYFILE and same_key:
                continue  # the current passphrase (and keyring choice) stays: see below
            target = root / name
            ensure_dir(target.parent)
            atomic_write(target, zf.read(name))
    for path in integrity.store_files(root):
        if path.relative_to(root).as_posix() not in keep:
            path.unlink()


def _wraps_the_same_key(root: Path, zf: zipfile.ZipFile) -> bool:
    """Whether the store's ``keys.json`` and the backup's wrap the same data key. Then the
    store's is kept: restoring records must not bring back a passphrase changed since (perhaps
    because it leaked)."""
    from roomguard.store.errors import KeyFileProblem
    from roomguard.store.keys import KEYFILE, KeyFile

    try:
        current = KeyFile.read(root)
        theirs = KeyFile.parse(Path(KEYFILE), zf.read(KEYFILE))
    except (KeyFileProblem, KeyError):
        return False
    return current is not None and current.key_id == theirs.key_id
