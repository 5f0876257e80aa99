"""Does a copy of the store hold everything its files say it holds, exactly as it was written?

Each file is checked against its own checksum (seal.py, and one per journal line), and every
cross-reference between files is followed: a client listed without its file, a session indexed
without its journal, a journal no index lists, a month's journals without their index,
``practice.json`` missing while the store holds data, a session that ended but whose journal
stops before the end. Nothing missing is ever read as empty: it is a :class:`Problem` naming the
file and what is missing.

The same check runs on any copy: the store's directory (``roomguard verify``, before a
migration) or a backup's zip (as each backup is written, before a restore). open_check.py is
the cheap form :meth:`Store.open` runs on every start: directory listings only.

What a crash leaves is told apart from damage, because the store writes in a known order (the
session registry in ``practice.json`` first, then the journal, then the month's index row; a
client's file before their row): the unfinished last line of a journal, or a session whose index
row was not written yet, is *recovered* (reported, and repaired by the next writable open), not
damage. A check may run while the app writes (the daily backup, ``verify`` beside the TUI), so
files are read in the reverse of that order: an index row is read before the journal it needs,
a journal before the registry that explains it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from roomguard.store.errors import (
    FileDamaged,
    FileMissing,
    JournalDamaged,
    StoreCorrupt,
    StoreTooNew,
)
from roomguard.store.journal import describe_unreadable

if TYPE_CHECKING:
    import zipfile  # imported where a backup is read: zipfile costs start-up ~5 ms

    from roomguard.store.vault import Vault

MISSING = "missing"
HOLDS_DATA = "the store holds data, so the file that records its schema version must be there"
DAMAGED = "damaged"
JOURNAL = "journal"
RECOVERED = "recovered"
NOTE = "note"
DAMAGE_KINDS = frozenset({MISSING, DAMAGED, JOURNAL})

# Files the coach asked for (exports, reports, consent documents) are theirs, not the store's;
# backups are checked on their own.
NOT_STORE_DIRS = frozenset({"backups", "exports", "reports", "documents"})
NOT_STORE_FILES = frozenset({"roomguard.lock"})

_CLIENT_FILE = re.compile(r"clients/([A-Za-z0-9_-]+)\.json")
_MONTH_INDEX = re.compile(r"sessions/([A-Za-z0-9_-]+)\.json")
_JOURNAL = re.compile(r"sessions/([A-Za-z0-9_-]+)/(([A-Za-z0-9_]+)-[A-Za-z0-9_-]+)\.jsonl")


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or recovered) in one file. ``file`` is relative to the store's root."""

    file: str
    what: str
    kind: str = DAMAGED
    unreadable_lines: int = 0
    readable_events: int = 0

    @property
    def is_damage(self) -> bool:
        return self.kind in DAMAGE_KINDS

    def error(self, root: Path, more: int = 0) -> StoreCorrupt:
        """The exception that names this problem for the coach (at open, or on a read)."""
        path = root / self.file
        if self.kind == MISSING:
            return FileMissing(path, self.what, more=more)
        if self.kind == JOURNAL:
            return JournalDamaged(path, self.what, unreadable_lines=self.unreadable_lines,
                                  readable_events=self.readable_events, more=more)
        return FileDamaged(path, self.what, more=more)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.file, "kind": self.kind, "problem": self.what}
        if self.kind == JOURNAL:
            out["unreadable_lines"] = self.unreadable_lines
            out["readable_events"] = self.readable_events
        return out


@dataclass
class Report:
    """What a check found, and how much it looked at."""

    problems: list[Problem] = field(default_factory=list)
    schema_version: int | None = None
    files: int = 0
    clients: int = 0
    settings: int = 0
    sessions: int = 0
    events: int = 0

    @property
    def damage(self) -> list[Problem]:
        return [p for p in self.problems if p.is_damage]

    @property
    def recovered(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_damage]

    @property
    def ok(self) -> bool:
        return not self.damage

    @property
    def empty(self) -> bool:
        """Nothing to keep: no client and no session (a new store; a theme is no practice)."""
        return not (self.clients or self.sessions)

    def add(self, file: str, what: str, kind: str = DAMAGED, **counts: int) -> None:
        self.problems.append(Problem(file, what, kind, **counts))

    def first_error(self, root: Path) -> StoreCorrupt | None:
        damage = self.damage
        return damage[0].error(root, more=len(damage) - 1) if damage else None


# ----------------------------------------------------------------------------- sources
class Source(Protocol):
    """A copy of a store's files: its directory or a backup."""

    def names(self) -> list[str]:
        """Store files, as paths relative to the root with ``/`` separators."""
        ...

    def read(self, name: str) -> bytes:
        """The file's bytes; FileNotFoundError when it is not there, OSError when unreadable."""
        ...


def is_store_file(rel: str) -> bool:
    parts = rel.split("/")
    return not (parts[0] in NOT_STORE_DIRS or parts[-1] in NOT_STORE_FILES
                or any(p.startswith(".") for p in parts))


def store_files(root: Path) -> list[Path]:
    """Every file that belongs to the store under *root* (not its lock, temp files, backups or
    the coach's own exports), sorted."""
    out: list[Path] = []
    for folder, dirs, files in os.walk(root):
        rel_dir = os.path.relpath(folder, root)
        if rel_dir == ".":
            dirs[:] = [d for d in dirs if d not in NOT_STORE_DIRS and not d.startswith(".")]
        else:
            dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            rel = name if rel_dir == "." else f"{rel_dir}/{name}".replace(os.sep, "/")
            if is_store_file(rel):
                out.append(Path(folder) / name)
    return sorted(out)


class DirSource:
    """The store's own directory. Reads go to the disk each time, so a file written after the
    listing (the app is running) is still found when another file refers to it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def names(self) -> list[str]:
        return [p.relative_to(self.root).as_posix() for p in store_files(self.root)]

    def read(self, name: str) -> bytes:
        return (self.root / name).read_bytes()


class ZipSource:
    """A backup's members (its manifest aside). A member failing the zip's own CRC is unreadable."""

    def __init__(self, zf: zipfile.ZipFile, skip: Iterable[str] = ()) -> None:
        self.zf = zf
        self.skip = set(skip)
        self._names = {n for n in zf.namelist() if not n.endswith("/") and n not in self.skip}

    def names(self) -> list[str]:
        return sorted(self._names)

    def read(self, name: str) -> bytes:
        import zipfile
        import zlib

        if name not in self._names:
            raise FileNotFoundError(name)
        try:
            return self.zf.read(name)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise OSError(f"it fails the backup's own checksum ({exc})") from exc


# ----------------------------------------------------------------------------- journals
@dataclass
class JournalSummary:
    """What one journal holds, for the cross-checks."""

    events: int = 0
    unreadable: int = 0
    torn: int = 0
    ended: bool = False
    client_id: str | None = None
    invalid: list[str] = field(default_factory=list)


def summarise_journal(raw: bytes, *, decode: bool = False,
                      vault: Vault | None = None, session_id: str = "") -> JournalSummary:
    """Scan *raw* (a checksum per line) and note what the cross-checks need. With *decode*,
    every event is also decoded as the app reads it; without, only its kind is checked: the
    checksums already say each line is what Roomguard wrote, and decoding is most of the cost
    (a ten-year store has 250,000 events)."""
    from roomguard.core.events import EVENT_TYPES
    from roomguard.store.codec import CodecError, load_event
    from roomguard.store.journal import inspect

    scan = inspect(raw, vault.journal(session_id) if vault is not None else None)
    summary = JournalSummary(len(scan.records), scan.unreadable_lines, scan.torn_bytes)
    for n, record in enumerate(scan.records, 1):
        kind = record.get("kind")
        if kind == "ended":
            summary.ended = True
        elif kind == "started" and summary.client_id is None:
            client = record.get("client_id")
            summary.client_id = client if isinstance(client, str) else None
        if decode:
            try:
                load_event(record)
            except CodecError as exc:
                summary.invalid.append(f"event {n}: {exc}")
        elif kind not in EVENT_TYPES:
            summary.invalid.append(f"event {n}: unknown event kind {kind!r:.40}")
    return summary


# ----------------------------------------------------------------------------- the check
def _problem_from(exc: StoreCorrupt, name: str) -> Problem:
    if isinstance(exc, FileMissing):
        return Problem(name, exc.reason, MISSING)
    return Problem(name, exc.reason, DAMAGED)


class _Reported(Exception):
    """A file could not be read at all; the problem is already in the report."""


def _read(source: Source, name: str, report: Report) -> bytes | None:
    """The bytes of *name*, or None when absent; an unreadable file is reported, then raises
    :class:`_Reported`."""
    try:
        return source.read(name)
    except FileNotFoundError:
        return None
    except OSError as exc:
        report.add(name, f"it cannot be read ({exc.strerror or exc})")
        raise _Reported from exc


def _tables(source: Source, name: str, sealed: bool, report: Report,
            vault: Vault | None = None) -> dict[str, dict[str, Any]] | None:
    """A TinyDB file's tables; None when absent, unreadable or damaged (those are reported)."""
    from roomguard.store.storage import decode_document

    try:
        raw = _read(source, name, report)
    except _Reported:
        return None
    if raw is None:
        return None
    try:
        return decode_document(Path(name), raw, sealed=sealed, vault=vault, name=name)
    except StoreCorrupt as exc:
        report.problems.append(_problem_from(exc, name))
        return None


def _rows(tables: dict[str, dict[str, Any]], table: str) -> list[dict[str, Any]]:
    return [row for row in tables.get(table, {}).values() if isinstance(row, dict)]


def _ids(tables: dict[str, dict[str, Any]] | None, table: str) -> set[str]:
    if tables is None:
        return set()
    return {row["id"] for row in _rows(tables, table) if isinstance(row.get("id"), str)}


def _check_meta(source: Source, present: set[str], report: Report) -> int | None:
    from roomguard.store.migrations import SCHEMA_VERSION, read_version

    try:
        raw = _read(source, "meta.json", report)
    except _Reported:
        return None
    if raw is None:
        if present - {"meta.json"}:
            report.add("meta.json", HOLDS_DATA, MISSING)
        return None
    try:
        version = read_version(Path("meta.json"), raw)
    except StoreCorrupt as exc:
        report.problems.append(_problem_from(exc, "meta.json"))
        return None
    if version > SCHEMA_VERSION:
        raise StoreTooNew(Path("meta.json"), version, SCHEMA_VERSION)
    report.schema_version = version
    return version


def _source_vault(source: Source, report: Report) -> Vault | None | bool:
    """The unlocked key *source* needs (its ``keys.json`` names it): None for a plaintext
    store, False when its key file is damaged (reported; nothing else can be read).
    :class:`StoreEncrypted` when the key is not unlocked in this process."""
    from roomguard.store.errors import KeyFileProblem, StoreEncrypted
    from roomguard.store.keys import KEYFILE, KeyFile
    from roomguard.store.vault import unlocked

    try:
        raw = _read(source, KEYFILE, report)
    except _Reported:
        return False
    if raw is None:
        return None
    try:
        keyfile = KeyFile.parse(Path(KEYFILE), raw)
    except KeyFileProblem as exc:
        report.add(KEYFILE, exc.reason)
        return False
    vault = unlocked(keyfile.key_id)
    if vault is None:
        raise StoreEncrypted(Path(getattr(source, "root", "the backup")))
    return vault


def check(source: Source, *, decode_events: bool = False) -> Report:
    """Read every file of *source* and follow every reference between them (with
    *decode_events*, decode every journal event too: ``roomguard verify`` does).

    Raises :class:`StoreTooNew` for a store written by a newer Roomguard (this one cannot judge
    its files); every other finding is in the returned :class:`Report`.
    """
    from roomguard.core.models import SessionRecord
    from roomguard.store.codec import CodecError, load
    from roomguard.store.keys import KEYFILE
    from roomguard.store.migrations import FIRST_SEALED

    report = Report()
    names = source.names()
    present = set(names) - {KEYFILE}
    report.files = len(names)
    found = _source_vault(source, report)
    if found is False:
        return report  # without its key file nothing in an encrypted store can be read
    vault = None if isinstance(found, bool) else found
    version = _check_meta(source, present, report)
    sealed = version is None or version >= FIRST_SEALED

    # 1. The month indexes (written after the journals they list).
    rows: dict[str, SessionRecord] = {}
    index_months: set[str] = set()
    broken_months: set[str] = set()
    for name in names:
        match = _MONTH_INDEX.fullmatch(name)
        if match is None:
            continue
        month = match.group(1)
        index_months.add(month)
        tables = _tables(source, name, sealed, report, vault)
        if tables is None:
            broken_months.add(month)
            continue
        for doc in _rows(tables, "sessions"):
            try:
                record = load(SessionRecord, doc)
            except CodecError as exc:
                report.add(name, f"a session's row is invalid ({exc})")
                continue
            if record.month != month:
                report.add(name, f"it lists session {record.id}, which belongs to another month")
                continue
            rows[record.id] = record

    # 2. The journals: those listed, and those the index rows need (written since the listing).
    journals: dict[str, tuple[str, str]] = {}  # session id -> (file, month folder)
    for name in names:
        match = _JOURNAL.fullmatch(name)
        if match is not None:
            journals[match.group(2)] = (name, match.group(1))
    for sid, record in rows.items():
        journals.setdefault(sid, (f"sessions/{record.month}/{sid}.jsonl", record.month))
    summaries: dict[str, JournalSummary | None] = {}
    for sid, (name, _) in sorted(journals.items()):
        try:
            raw = _read(source, name, report)
        except _Reported:
            continue
        summaries[sid] = None if raw is None else summarise_journal(
            raw, decode=decode_events, vault=vault, session_id=sid)

    # 3. The clients' files (written before their rows in practice.json).
    client_files: dict[str, str] = {}
    for name in names:
        match = _CLIENT_FILE.fullmatch(name)
        if match is not None:
            client_files[match.group(1)] = name
    with_agreement: set[str] = set()
    for client_id, name in sorted(client_files.items()):
        _check_client_file(source, name, client_id, sealed, report, with_agreement, vault)

    # 4. practice.json (the registries that explain what a crash left), then the references.
    practice = _tables(source, "practice.json", sealed, report, vault)
    if practice is None and not any(p.file == "practice.json" for p in report.problems):
        held = bool(present) if sealed else bool(client_files or journals or index_months)
        if held:
            report.add("practice.json", "the store holds "
                       f"{_holdings(client_files, index_months)} (its clients and settings are "
                       "not treated as none)", MISSING)
    clients = _ids(practice, "clients")
    live = _ids(practice, "live")
    purging = _ids(practice, "purging")
    if practice is not None:
        report.clients = len(clients)
        report.settings = len(_rows(practice, "settings"))
        for doc in _rows(practice, "clients"):
            _check_client_row(doc, report)

    if sealed and practice is not None:
        for client_id in sorted(clients - purging):
            name = f"clients/{client_id}.json"
            if client_id in client_files:
                continue
            try:
                raw = _read(source, name, report)  # a client added since the listing
            except _Reported:
                continue
            if raw is None:
                report.add(name, f"client {client_id} is listed in practice.json, but the file "
                           "holding their agreement is missing", MISSING)
            else:
                _check_client_file(source, name, client_id, sealed, report, with_agreement,
                                   vault)
    for client_id in sorted(set(client_files) - clients - purging):
        if client_id in with_agreement and practice is not None:
            report.add(client_files[client_id], f"it holds the agreement of client {client_id}, "
                       "whom practice.json does not list; it is kept, and not shown", NOTE)

    _check_sessions(report, rows, journals, summaries, live, purging, index_months, broken_months)
    report.sessions = len(rows)
    report.events = sum(s.events for s in summaries.values() if s is not None)
    return report


def _holdings(client_files: dict[str, str], months: set[str]) -> str:
    parts = []
    if client_files:
        parts.append(f"{len(client_files)} client file{'s' if len(client_files) != 1 else ''}")
    if months:
        parts.append(f"{len(months)} month{'s' if len(months) != 1 else ''} of sessions")
    return " and ".join(parts) or "meta.json"


def _check_client_row(doc: dict[str, Any], report: Report) -> None:
    from roomguard.core.models import Client
    from roomguard.store.codec import CodecError, load

    try:
        load(Client, doc)
    except CodecError as exc:
        report.add("practice.json", f"a client's row is invalid ({exc})")


def _check_client_file(source: Source, name: str, client_id: str, sealed: bool, report: Report,
                       with_agreement: set[str], vault: Vault | None = None) -> None:
    from roomguard.core.models import Agreement
    from roomguard.store.codec import CodecError, load

    tables = _tables(source, name, sealed, report, vault)
    if tables is None:  # damaged (reported), or gone since the listing (its row says so)
        return
    for doc in _rows(tables, "agreement"):
        with_agreement.add(client_id)
        try:
            agreement = load(Agreement, doc)
        except CodecError as exc:
            report.add(name, f"the agreement is invalid ({exc})")
            continue
        if agreement.client_id != client_id:
            report.add(name, f"it holds the agreement of client {agreement.client_id}, "
                       f"not of {client_id}")


def _check_sessions(report: Report, rows: dict[str, Any], journals: dict[str, tuple[str, str]],
                    summaries: dict[str, JournalSummary | None], live: set[str],
                    purging: set[str], index_months: set[str], broken_months: set[str]) -> None:
    orphans: dict[str, list[str]] = {}  # month without an index -> its journals' session ids
    for sid, (name, month) in sorted(journals.items()):
        summary = summaries.get(sid)
        record = rows.get(sid)
        if summary is None:
            if record is not None and record.client_id not in purging:
                report.add(name, f"sessions/{month}.json lists session {sid}, but its journal "
                           "(the session's record of events) is missing", MISSING)
            continue
        if summary.client_id in purging:
            continue  # a deletion a crash interrupted: the next open finishes it
        if record is None:
            if month in broken_months:
                continue  # its index is damaged: reported once, there
            if month not in index_months:
                orphans.setdefault(month, []).append(sid)
                continue
            if sid in live or summary.events == 0 and not summary.unreadable:
                report.add(name, "a crash came before its index row was written; the next "
                           "open adds the row from the journal", RECOVERED)
            else:
                report.add(name, f"no row in sessions/{month}.json lists this session, so it "
                           "would not be shown")
            continue
        _check_journal(report, name, record, summary)
    for month, sids in sorted(orphans.items()):
        if all(sid in live for sid in sids):
            report.add(f"sessions/{month}.json", "not written yet: a crash came at the start of "
                       "the month's first session; the next open writes it", RECOVERED)
        else:
            count = len(sids)
            report.add(f"sessions/{month}.json", f"sessions/{month}/ holds {count} "
                       f"session journal{'s' if count != 1 else ''} it should list", MISSING)


def _check_journal(report: Report, name: str, record: Any, summary: JournalSummary) -> None:
    readable = summary.events
    if summary.unreadable:
        lines = summary.unreadable
        report.add(name, describe_unreadable(lines, readable), JOURNAL,
                   unreadable_lines=lines, readable_events=readable)
    for problem in summary.invalid[:3]:
        report.add(name, f"an event is invalid ({problem})")
    if readable == 0 and not summary.unreadable:
        report.add(name, "it holds no readable events, although the session is indexed",
                   JOURNAL, readable_events=0)
    elif record.ended_at is not None and not summary.ended:
        report.add(name, f"it stops before the session's end ({readable} events readable; "
                   f"the index says it ended at {record.ended_at:%Y-%m-%d %H:%M})", JOURNAL,
                   unreadable_lines=summary.unreadable, readable_events=readable)
    if summary.torn:
        report.add(name, f"the unfinished last write of a crash ({summary.torn} bytes) is "
                   "ignored", RECOVERED)
