"""The practice's store: a directory of small TinyDB files plus one event journal per session.

Layout (all files 0600, directories 0700)::

    meta.json                     schema version
    roomguard.lock                single-writer lock (see lock.py)
    practice.json                 TinyDB: clients, settings
    clients/<client id>.json      TinyDB: that client's agreement (terms, history, consents, reviews)
    sessions/<YYYYMM>.json        TinyDB: index of that month's sessions
    sessions/<YYYYMM>/<id>.jsonl  append-only event journal of one session
    backups/*.zip                 rolling backups

Sharding keeps every write small: a write costs what its own file costs, never what ten years of
history cost. A presence toggle is one journal append + fsync. History is read lazily, a month
at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from tinydb import Query, TinyDB
from tinydb.table import Table

from roomguard.core.models import Agreement, Client, SessionRecord, is_valid_id
from roomguard.core.text import fold
from roomguard.store import backups
from roomguard.store.atomic import atomic_write, ensure_dir, read_bytes
from roomguard.store.codec import CodecError, dump, dump_event, load, load_event
from roomguard.store.errors import (
    InvalidRecord,
    StoreCorrupt,
    StoreError,
    StoreReadOnly,
    StoreTooNew,
    UnknownClient,
    WriteFailed,
)
from roomguard.store.journal import EventJournal
from roomguard.store.lock import LockHolder, StoreLock
from roomguard.store.migrations import MIGRATIONS, SCHEMA_VERSION, pending
from roomguard.store.storage import AtomicJSONStorage

if TYPE_CHECKING:
    from roomguard.core.events import Event

Q = Query()


def _ensure_dir(folder: Path) -> None:
    """Create a folder a write needs; refused (disk full, read-only) it is a WriteFailed,
    like any other failed write, so callers that keep running on a failed save do so."""
    try:
        ensure_dir(folder)
    except OSError as exc:
        raise WriteFailed(folder, exc) from exc


def _checked_id(value: str) -> str:
    """Ids become file names: refuse anything that could point outside the store."""
    if not is_valid_id(value):
        raise InvalidRecord(f"unsafe record id {value!r} (letters, digits, - and _ only)")
    return value


class Store:
    """Open with :meth:`open`; close with :meth:`close` (or use as a context manager)."""

    def __init__(self, root: Path, readonly: bool) -> None:
        self.root = root
        self.readonly = readonly
        self.readonly_reason = ""
        self.lock = StoreLock(root / "roomguard.lock")
        self._dbs: dict[Path, TinyDB] = {}
        self._journals: dict[str, EventJournal] = {}
        self.migrated_from: int | None = None

    # ----------------------------------------------------------------- opening and closing
    @classmethod
    def open(cls, root: Path, *, readonly: bool = False, fallback_readonly: bool = False) -> Store:
        """Open (creating if needed) the store at *root*.

        A store another instance is writing raises :class:`StoreLocked`, or with
        *fallback_readonly* opens read-only and says why in ``readonly_reason``.
        """
        root = Path(root).expanduser()
        store = cls(root, readonly)
        if not readonly:
            ensure_dir(root)
            try:
                store.lock.acquire()
            except StoreError as exc:
                if not fallback_readonly:
                    raise
                store.readonly = True
                store.readonly_reason = str(exc)
        try:
            store._check_schema()
            store.practice_table("clients").all()  # fail now, not mid-session, if unreadable
        except BaseException:
            store.close()
            raise
        return store

    def _check_schema(self) -> None:
        meta_path = self.root / "meta.json"
        try:
            raw = read_bytes(meta_path)
        except OSError as exc:  # e.g. permission denied: say which file, as for the others
            raise StoreCorrupt(meta_path, exc.strerror or str(exc)) from exc
        if raw is None:
            if self.readonly:
                return
            if any(self.root.glob("*.json")):
                raise StoreCorrupt(meta_path, "missing, although the store holds data")
            self._write_meta(SCHEMA_VERSION)
            return
        try:
            meta = orjson.loads(raw)
            found = int(meta["schema_version"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise StoreCorrupt(meta_path, f"no readable schema version ({exc})") from exc
        if found > SCHEMA_VERSION:
            raise StoreTooNew(meta_path, found, SCHEMA_VERSION)
        steps = pending(found)
        if steps:
            if self.readonly:
                raise StoreReadOnly(self.root, "it needs migrating and is open read-only")
            backups.make_backup(self.root, f"pre-migration-v{found}")
            for step in steps:
                MIGRATIONS[step](self.root)
                self._write_meta(step + 1)
            self.migrated_from = found

    def _write_meta(self, version: int) -> None:
        atomic_write(self.root / "meta.json", orjson.dumps({"schema_version": version}))

    def close(self) -> None:
        for journal in self._journals.values():
            journal.close()
        self._journals.clear()
        for db in self._dbs.values():
            db.close()
        self._dbs.clear()
        self.lock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def lock_recovered_from(self) -> LockHolder | None:
        """The crashed instance whose stale lock this one took over, if any."""
        return self.lock.recovered_from

    # ----------------------------------------------------------------- TinyDB shards
    def _db(self, path: Path) -> TinyDB:
        db = self._dbs.get(path)
        if db is None:
            if not self.readonly:
                _ensure_dir(path.parent)
            db = TinyDB(path, readonly=self.readonly, storage=AtomicJSONStorage)
            self._dbs[path] = db
        return db

    def _table(self, path: Path, name: str) -> Table:
        return self._db(path).table(name, cache_size=0)

    def practice_table(self, name: str) -> Table:
        return self._table(self.root / "practice.json", name)

    def _client_path(self, client_id: str) -> Path:
        return self.root / "clients" / f"{_checked_id(client_id)}.json"

    def _month_path(self, month: str) -> Path:
        return self.root / "sessions" / f"{_checked_id(month)}.json"

    def _journal(self, record_id: str) -> EventJournal:
        journal = self._journals.get(record_id)
        if journal is None:
            month = _checked_id(record_id).split("-", 1)[0]
            folder = self.root / "sessions" / month
            if not self.readonly:
                _ensure_dir(folder)
            journal = EventJournal(folder / f"{record_id}.jsonl", readonly=self.readonly)
            self._journals[record_id] = journal
        return journal

    def _load(self, cls: type[Any], doc: dict[str, Any], where: Path) -> Any:
        try:
            return load(cls, dict(doc))
        except CodecError as exc:
            raise StoreCorrupt(where, str(exc)) from exc

    # ----------------------------------------------------------------- clients
    def is_empty(self) -> bool:
        return len(self.practice_table("clients")) == 0

    def clients(self) -> list[Client]:
        where = self.root / "practice.json"
        found = [self._load(Client, d, where) for d in self.practice_table("clients").all()]
        return sorted(found, key=lambda c: c.name.casefold())

    def client(self, client_id: str) -> Client | None:
        doc = self.practice_table("clients").get(Q.id == client_id)
        return None if doc is None else self._load(Client, doc, self.root / "practice.json")

    def find_client(self, name_or_id: str) -> Client:
        """By id, exact name, or unique case-insensitive name prefix; else :class:`UnknownClient`."""
        clients = self.clients()
        wanted = fold(name_or_id)
        for test in (
            lambda c: c.id == name_or_id,
            lambda c: fold(c.name) == wanted,
        ):
            hits = [c for c in clients if test(c)]
            if len(hits) == 1:
                return hits[0]
        prefix = [c for c in clients if fold(c.name).startswith(wanted)] if wanted else []
        if len(prefix) == 1:
            return prefix[0]
        raise UnknownClient(name_or_id, [c.name for c in clients])

    def save_client(self, client: Client) -> None:
        self.practice_table("clients").upsert(dump(client), Q.id == client.id)

    def delete_client(self, client_id: str) -> int:
        """Purge a client and every record of them from the live store. Returns sessions removed."""
        if self.readonly:
            raise StoreReadOnly(self.root)
        removed = 0
        for record in list(self.sessions(client_id=client_id)):
            journal = self._journals.pop(record.id, None)
            if journal:
                journal.close()
            (self.root / "sessions" / record.month / f"{record.id}.jsonl").unlink(missing_ok=True)
            self._table(self._month_path(record.month), "sessions").remove(Q.id == record.id)
            removed += 1
        path = self._client_path(client_id)
        db = self._dbs.pop(path, None)
        if db:
            db.close()
        path.unlink(missing_ok=True)
        self.practice_table("clients").remove(Q.id == client_id)
        return removed

    # ----------------------------------------------------------------- agreements
    def agreement(self, client_id: str) -> Agreement | None:
        path = self._client_path(client_id)
        if not path.exists():
            return None
        docs = self._table(path, "agreement").all()
        return self._load(Agreement, docs[0], path) if docs else None

    def save_agreement(self, agreement: Agreement) -> None:
        path = self._client_path(agreement.client_id)
        self._table(path, "agreement").upsert(dump(agreement), Q.id == agreement.id)

    def agreements(self) -> Iterator[tuple[Client, Agreement]]:
        for client in self.clients():
            agreement = self.agreement(client.id)
            if agreement is not None:
                yield client, agreement

    # ----------------------------------------------------------------- settings
    def setting(self, key: str, default: Any = None) -> Any:
        doc = self.practice_table("settings").get(Q.key == key)
        return default if doc is None else doc.get("value", default)

    def set_setting(self, key: str, value: Any) -> None:
        self.practice_table("settings").upsert({"key": key, "value": value}, Q.key == key)

    # ----------------------------------------------------------------- sessions
    def start_session(
        self, client_id: str, at: datetime, terms_version: int, present: list[str]
    ) -> SessionRecord:
        from roomguard.core.events import SessionStarted

        record = SessionRecord(client_id=client_id, started_at=at, terms_version=terms_version)
        self.append_event(
            record.id,
            SessionStarted(at=at, client_id=client_id, terms_version=terms_version, present=present),
        )
        self._table(self._month_path(record.month), "sessions").insert(dump(record))
        return record

    def append_event(self, session_id: str, event: Event) -> None:
        """Durably append one event; returns only once it is on disk."""
        self.append_events(session_id, [event])

    def append_events(self, session_id: str, events: Sequence[Event]) -> None:
        """Durably append what one input decided, in order, with one fsync; returns only once
        all of it is on disk. A failure leaves none of it in the journal (see
        :meth:`EventJournal.append_many`), so the caller can retry the whole batch."""
        self._journal(session_id).append_many([dump_event(event) for event in events])

    def end_session(self, record: SessionRecord, at: datetime) -> None:
        from roomguard.core.events import SessionEnded

        self.append_event(record.id, SessionEnded(at=at))
        record.ended_at = at
        self.update_session(record)

    def update_session(self, record: SessionRecord) -> None:
        self._table(self._month_path(record.month), "sessions").upsert(
            dump(record), Q.id == record.id
        )

    def import_session(self, record: SessionRecord, events: list[Event]) -> None:
        """Write a whole past session (import): its journal in one fsync, then its index row."""
        self._journal(record.id).append_many([dump_event(e) for e in events])
        self.update_session(record)

    def events(self, session_id: str) -> list[Event]:
        journal = self._journal(session_id)
        out = []
        for doc in journal.read():
            try:
                out.append(load_event(doc))
            except CodecError as exc:
                raise StoreCorrupt(journal.path, str(exc)) from exc
        return out

    def session(self, session_id: str) -> SessionRecord | None:
        month = session_id.split("-", 1)[0]
        path = self._month_path(month)
        if not path.exists():
            return None
        doc = self._table(path, "sessions").get(Q.id == session_id)
        return None if doc is None else self._load(SessionRecord, doc, path)

    def months(self) -> list[str]:
        """Months that hold sessions, newest first."""
        folder = self.root / "sessions"
        if not folder.is_dir():
            return []
        return sorted((p.stem for p in folder.glob("*.json")), reverse=True)

    def sessions(
        self,
        client_id: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> Iterator[SessionRecord]:
        """Newest first, reading one month's index at a time (stop iterating to stop reading)."""
        for month in self.months():
            if since and month < f"{since:%Y%m}":
                break
            if until and month > f"{until:%Y%m}":
                continue
            path = self._month_path(month)
            rows = [self._load(SessionRecord, d, path) for d in self._table(path, "sessions").all()]
            rows.sort(key=lambda r: r.started_at, reverse=True)
            for row in rows:
                if client_id and row.client_id != client_id:
                    continue
                day = row.started_at.date()
                if (since and day < since) or (until and day > until):
                    continue
                yield row

    def open_sessions(self) -> list[SessionRecord]:
        """Sessions that were never ended (the app was closed or crashed mid-session)."""
        return [r for r in self.sessions() if r.ended_at is None]

    # ----------------------------------------------------------------- backups
    def backup(self, reason: str = "manual") -> Path:
        path = backups.make_backup(self.root, reason)
        backups.rotate(self.root)
        return path

    def backup_if_due(self) -> Path | None:
        if self.readonly or not backups.backup_due(self.root):
            return None
        return self.backup("daily")

    def list_backups(self) -> list[backups.BackupInfo]:
        return backups.list_backups(self.root)

    def restore(self, backup: Path) -> None:
        if self.readonly:
            raise StoreReadOnly(self.root)
        for journal in self._journals.values():
            journal.close()
        self._journals.clear()
        for db in self._dbs.values():
            db.close()
        self._dbs.clear()
        backups.restore(self.root, backup)


def restore_without_opening(root: Path, backup: Path) -> None:
    """Restore a store that cannot be opened (corrupt, too new), holding its lock meanwhile."""
    lock = StoreLock(Path(root) / "roomguard.lock")
    lock.acquire()
    try:
        backups.restore(Path(root), backup)
    finally:
        lock.release()
