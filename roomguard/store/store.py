"""The practice's store: a directory of small TinyDB files plus one event journal per session.

Layout (all files 0600, directories 0700)::

    meta.json                     schema version
    roomguard.lock                single-writer lock (see lock.py)
    practice.json                 TinyDB: clients, settings; sessions being written (live) and
                                  clients being deleted (purging)
    clients/<client id>.json      TinyDB: that client's agreement (terms, history, consents, reviews)
    sessions/<YYYYMM>.json        TinyDB: index of that month's sessions
    sessions/<YYYYMM>/<id>.jsonl  append-only event journal of one session
    backups/*.zip                 rolling backups

Sharding keeps every write small: a write costs what its own file costs, never what ten years of
history cost. A presence toggle is one journal append + fsync. History is read lazily, a month
at a time.

Every file is verifiable (a checksum per file, seal.py; per line in a journal) and nothing the
files refer to is read as empty when it is missing: a listed client's file, an indexed
session's journal, ``practice.json`` itself. Writes come in an order that tells a crash from
damage: a session is registered as live in ``practice.json`` before its first journal line, and
its index row follows the journal; a client's file exists before their row. :meth:`Store.open`
runs the cheap check (open_check.py) and finishes what a crash interrupted: a deletion,
and the index rows of sessions left open, whose alert counts it recomputes from their journals
(the index row is otherwise written only when a session starts and ends).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import Query, TinyDB
from tinydb.table import Table

from roomguard.core.instants import instant
from roomguard.core.models import Agreement, Client, SessionRecord, is_valid_id
from roomguard.core.text import fold
from roomguard.store import staging
from roomguard.store.atomic import atomic_write, ensure_dir, read_bytes
from roomguard.store.codec import CodecError, dump, dump_event, load, load_event
from roomguard.store.errors import (
    BackupRefused,
    FileDamaged,
    FileMissing,
    InvalidRecord,
    JournalDamaged,
    StoreCorrupt,
    StoreError,
    StoreReadOnly,
    StoreTooNew,
    UnknownClient,
    WriteFailed,
)
from roomguard.store.journal import EventJournal, describe_unreadable, inspect
from roomguard.store.lock import LockHolder, StoreLock
from roomguard.store.migrations import (
    FIRST_SEALED,
    MIGRATIONS,
    SCHEMA_VERSION,
    meta_bytes,
    pending,
    read_version,
)
from roomguard.store.storage import AtomicJSONStorage, decode_document, encode_document
from roomguard.store.vault import Vault

if TYPE_CHECKING:
    from roomguard.core.events import Event
    from roomguard.store.backups import BackupInfo
    from roomguard.store.integrity import Report

Q = Query()
# Older versions this one reads as they are, without migrating (a read-only open cannot migrate).
READABLE_AS_IS = frozenset({1})


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


def _write(path: Path, data: bytes) -> None:
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise WriteFailed(path, exc) from exc


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
        self.schema_version = SCHEMA_VERSION
        # What opening repaired after a crash, one sentence each, for the coach to be told.
        self.recovered: list[str] = []
        self._registered: set[str] = set()  # sessions this process registered as live
        self._counted: dict[str, tuple[tuple[int, int], int, int]] = {}  # live counts by stamp
        self._new = False  # no store here yet (a read-only open of nothing)
        # The unlocked key of an encrypted store (keys.json); None for a plaintext store.
        self.vault: Vault | None = None

    @property
    def _sealed(self) -> bool:
        return self.schema_version >= FIRST_SEALED

    # ----------------------------------------------------------------- opening and closing
    @classmethod
    def open(cls, root: Path, *, readonly: bool = False, fallback_readonly: bool = False) -> Store:
        """Open (creating if needed) the store at *root*, check it and recover from a crash.

        A store another instance is writing raises :class:`StoreLocked`, or with
        *fallback_readonly* opens read-only and says why in ``readonly_reason``. A damaged or
        incomplete store raises a :class:`StoreCorrupt` naming the file (:class:`FileMissing`,
        :class:`FileDamaged`, :class:`JournalDamaged`, :class:`SchemaInvalid`), or
        :class:`StoreTooNew`; nothing is changed then.
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
            said = staging.settle(root, readonly=store.readonly)  # an import a crash cut short
            store.recovered += [said] if said else []
            store._unlock()  # after settling: an encryption a crash cut short may bring its key
            store._check_schema()
            store._check_and_recover()
        except BaseException:
            store.close()
            raise
        return store

    def _unlock(self) -> None:
        """An encrypted store (it has ``keys.json``) opens only with its key unlocked in this
        process (vault.py's keychain); else :class:`StoreEncrypted`, before any file is read."""
        from roomguard.store.errors import StoreEncrypted
        from roomguard.store.keys import KeyFile
        from roomguard.store.vault import unlocked

        keyfile = KeyFile.read(self.root)
        if keyfile is None:
            return
        vault = unlocked(keyfile.key_id)
        if vault is None:
            raise StoreEncrypted(self.root)
        self.vault = vault

    @property
    def encrypted(self) -> bool:
        return self.vault is not None

    def forget_key(self, *, keep_sessions: frozenset[str] = frozenset()) -> None:
        """Lock: drop the key and everything decrypted this store holds in memory (the TinyDB
        caches). The journals of *keep_sessions* (a live session) keep their own cipher and go
        on recording; any other read or write raises :class:`StoreEncrypted` until
        :meth:`take_key` after the coach unlocks again."""
        from roomguard.store.vault import forget_all

        for db in self._dbs.values():
            db.close()
        self._dbs.clear()
        self._counted.clear()
        for session_id in [s for s in self._journals if s not in keep_sessions]:
            self._journals.pop(session_id).close()
        forget_all(keep_journals=keep_sessions)

    def take_key(self) -> None:
        """After an unlock (vault.remember): use the key again."""
        from roomguard.store.errors import StoreEncrypted
        from roomguard.store.vault import unlocked

        if self.vault is None:
            return
        vault = unlocked(self.vault.key_id)
        if vault is None:
            raise StoreEncrypted(self.root)
        self.vault = vault
        for db in self._dbs.values():  # opened (and refused) while locked, with the old key
            db.close()
        self._dbs.clear()

    def _name(self, path: Path) -> str:
        """A file's path in the store, the associated data its encryption is bound to."""
        return path.relative_to(self.root).as_posix()

    def _encode(self, path: Path, tables: dict[str, dict[str, Any]]) -> bytes:
        return encode_document(tables, self.vault, self._name(path))

    def _check_schema(self) -> None:
        meta_path = self.root / "meta.json"
        try:
            raw = read_bytes(meta_path)
        except OSError as exc:  # e.g. permission denied: say which file, as for the others
            raise StoreCorrupt(meta_path, exc.strerror or str(exc)) from exc
        if raw is None:
            self._create()
            return
        found = read_version(meta_path, raw)
        if found > SCHEMA_VERSION:
            raise StoreTooNew(meta_path, found, SCHEMA_VERSION)
        self.schema_version = found
        steps = pending(found)
        if not steps:
            return
        if self.readonly:
            if found in READABLE_AS_IS:
                return  # read as it is; the next writable open migrates it
            raise StoreReadOnly(self.root, "it needs migrating and is open read-only")
        self._migrate(found, steps)

    def _create(self) -> None:
        """A new store: ``practice.json`` first, then ``meta.json``, which marks it complete.
        Without ``meta.json``, any store file is refused (it is not a new store), except the
        empty ``practice.json`` of a creation a crash interrupted."""
        from roomguard.store import integrity

        meta_path = self.root / "meta.json"
        from roomguard.store.keys import KEYFILE

        found = [p for p in (integrity.store_files(self.root) if self.root.is_dir() else [])
                 if p.name != KEYFILE or p.parent != self.root]  # a new encrypted store's key
        practice = self.root / "practice.json"
        if found and not (found == [practice] and self._is_blank(practice)):
            raise FileMissing(meta_path, integrity.HOLDS_DATA)
        if self.readonly:
            self._new = True
            return
        if not found:  # the registries from the start: the file's shape never depends on
            _write(practice, self._encode(practice, {"live": {}, "purging": {}}))  # what happened since
        self._write_meta(SCHEMA_VERSION)

    def _is_blank(self, path: Path) -> bool:
        try:
            tables = decode_document(path, path.read_bytes(), vault=self.vault,
                                     name=self._name(path))
        except (OSError, StoreCorrupt):
            return False
        return not any(tables.values())

    def _migrate(self, found: int, steps: list[int]) -> None:
        """Back up (verifying the store: a damaged one is refused, naming the file), then run
        each step, recording each in ``meta.json`` as it completes. The backup is taken once:
        a step failing on every launch must not add a backup on every launch."""
        from roomguard.store import backups

        if self.vault is not None:  # no migration yet knows how to rewrite sealed files
            raise StoreTooNew(self.root / "meta.json", found, SCHEMA_VERSION)
        reason = f"pre-migration-v{found}"
        if not backups.holds_current_state(self.root, reason):
            try:
                backups.make_backup(self.root, reason)
            except BackupRefused as exc:
                error = exc.report.first_error(self.root) if exc.report is not None else None
                if error is not None:
                    raise error from exc
                raise
        for step in steps:
            MIGRATIONS[step](self.root)
            self._write_meta(step + 1)
            self.schema_version = step + 1
        self.migrated_from = found

    def _write_meta(self, version: int) -> None:
        atomic_write(self.root / "meta.json", meta_bytes(version))

    def _check_and_recover(self) -> None:
        """The cheap check of every open, then what a crash left unfinished (when writable)."""
        if self._new:
            return
        clients = [d.get("id") for d in self.practice_table("clients").all()]
        live, purging = self._registry("live"), self._registry("purging")
        if purging and not self.readonly:
            for client_id in sorted(purging):
                removed = self._finish_purge(client_id)
                self.recovered.append(
                    f"The deletion of client {client_id} was interrupted; it was finished "
                    f"({removed} session{'s' if removed != 1 else ''} removed).")
            purging = set()
        if self._sealed:
            from roomguard.store.open_check import missing_files

            missing = missing_files(self.root, clients=[c for c in clients if isinstance(c, str)],
                                    live=live, purging=purging)
            if missing:
                file, what = missing[0]
                raise FileMissing(self.root / file, what, more=len(missing) - 1)
        if live and not self.readonly:
            for session_id, stamp in sorted(self._live_rows().items()):
                self._recover_session(session_id, stamp)

    def _recover_session(self, session_id: str, stamp: list[int] | None) -> None:
        """A session registered as live that no process is writing any more (we hold the lock):
        its index row gets the counts its journal adds up to. Unless it ended, it stays
        registered (it may be resumed), with the journal's size and time, so the next open
        skips it while the journal is unchanged."""
        from roomguard.core.session import replay

        path = self._journal_path(session_id)
        now = self._stamp(path)
        if now is not None and stamp == list(now):
            return  # recovered before, unchanged since
        record = self.session(session_id, recount=False)
        raw = self._journal(session_id).read_bytes()
        if raw is None:
            if record is not None:
                raise FileMissing(path, f"sessions/{record.month}.json lists session "
                                  f"{session_id}, but its journal is missing")
            self._unregister(session_id)  # a start a crash stopped before anything was written
            return
        scan = self._scanned(path, raw, self._journal(session_id))
        events = self._decoded(path, scan.records)
        if record is not None and not events:
            raise JournalDamaged(path, "it holds no readable events, although the session is "
                                 "indexed", readable_events=0)
        state = replay(events, session_id)
        if record is None:
            if state.started_at is None or not state.client_id:
                self._unregister(session_id)  # only an unfinished first write: nothing to show
                return
            record = SessionRecord(client_id=state.client_id, started_at=state.started_at,
                                   id=session_id, terms_version=state.terms_version)
            before = None
        else:
            before = (record.alerts, record.unhandled, record.ended_at)
        record.alerts = len(state.alerts)
        record.unhandled = len(state.unacknowledged())
        record.ended_at = record.ended_at or state.ended_at
        if before != (record.alerts, record.unhandled, record.ended_at):
            self._write_row(record)
        if record.ended_at is not None:
            self._unregister(session_id)
        else:
            self.practice_table("live").upsert({"id": session_id, "journal": list(now or ())},
                                               Q.id == session_id)
        if before == (record.alerts, record.unhandled, record.ended_at) and not scan.torn_bytes:
            return  # nothing was wrong
        torn = f"; the unfinished last write ({scan.torn_bytes} bytes) was ignored" \
            if scan.torn_bytes else ""
        counted = (f"{record.alerts} alert{'s' if record.alerts != 1 else ''}, "
                   f"{record.unhandled} unhandled")
        how = "its index row was rebuilt" if before is None else "its counts were recomputed"
        self.recovered.append(
            f"Session {session_id} was left open by a crash: {how} from its journal "
            f"({counted}){torn}.")

    @staticmethod
    def _stamp(path: Path) -> tuple[int, int] | None:
        try:
            st = path.stat()
        except OSError:
            return None
        return (st.st_size, st.st_mtime_ns)

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
    def _db(self, path: Path, expect: str = "") -> TinyDB:
        """The TinyDB of *path*; *expect* says why the file must exist, when it must."""
        db = self._dbs.get(path)
        if db is None:
            if not self.readonly:
                _ensure_dir(path.parent)
            db = TinyDB(path, readonly=self.readonly, storage=AtomicJSONStorage,
                        sealed=self._sealed, expect_file=expect, vault=self.vault,
                        name=self._name(path))
            self._dbs[path] = db
        return db

    def _table(self, path: Path, name: str, expect: str = "") -> Table:
        return self._db(path, expect).table(name, cache_size=0)

    def practice_table(self, name: str) -> Table:
        expect = "" if self._new or not self._sealed else (
            "the store's meta.json is there, so practice.json should hold its clients and "
            "settings; they are not treated as none")
        return self._table(self.root / "practice.json", name, expect)

    def _registry(self, name: str) -> set[str]:
        """Ids in a registry table of practice.json (``live`` sessions, ``purging`` clients)."""
        if not self._sealed:
            return set()
        return {d["id"] for d in self.practice_table(name).all() if isinstance(d.get("id"), str)}

    def _live_rows(self) -> dict[str, list[int] | None]:
        """Live sessions -> the journal's [size, mtime] when its counts were last recomputed."""
        if not self._sealed:
            return {}
        out: dict[str, list[int] | None] = {}
        for doc in self.practice_table("live").all():
            if isinstance(doc.get("id"), str):
                stamp = doc.get("journal")
                out[doc["id"]] = stamp if isinstance(stamp, list) else None
        return out

    def _client_path(self, client_id: str) -> Path:
        return self.root / "clients" / f"{_checked_id(client_id)}.json"

    def _month_path(self, month: str) -> Path:
        return self.root / "sessions" / f"{_checked_id(month)}.json"

    def _journal_path(self, session_id: str) -> Path:
        month = _checked_id(session_id).split("-", 1)[0]
        return self.root / "sessions" / month / f"{session_id}.jsonl"

    def _journal(self, record_id: str) -> EventJournal:
        journal = self._journals.get(record_id)
        if journal is None:
            path = self._journal_path(record_id)
            if not self.readonly:
                _ensure_dir(path.parent)
            cipher = self.vault.journal(record_id) if self.vault is not None else None
            journal = EventJournal(path, readonly=self.readonly, cipher=cipher)
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

    def holds_nothing(self) -> bool:
        """No client and no session: a new store, with nothing worth a backup (a theme chosen
        is not a practice). From the listings, not TinyDB: the daily backup asks from its
        worker thread, and every client has a file."""
        clients = self.root / "clients"
        return not (clients.is_dir() and any(clients.glob("*.json"))) and not self.months()

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
        """The client's file is made before their row, so a listed client always has one."""
        path = self._client_path(client.id)
        if self._sealed and not path.exists():
            if self.readonly:
                raise StoreReadOnly(self.root)
            _ensure_dir(path.parent)
            _write(path, self._encode(path, {}))
        self.practice_table("clients").upsert(dump(client), Q.id == client.id)

    def delete_client(self, client_id: str) -> int:
        """Purge a client and every record of them from the live store. Returns sessions removed.

        The client is registered as being deleted first, so a crash midway is finished by the
        next open rather than leaving sessions without journals, or a client without a file.
        """
        if self.readonly:
            raise StoreReadOnly(self.root)
        clients = self.practice_table("clients")
        if clients.contains(Q.id == client_id) or self._client_path(client_id).exists():
            self.practice_table("purging").upsert({"id": client_id}, Q.id == client_id)
            clients.remove(Q.id == client_id)
        return self._finish_purge(client_id)

    def _finish_purge(self, client_id: str) -> int:
        removed = 0
        live = self._registry("live")
        for record in list(self.sessions(client_id=client_id, recount=False)):
            self._drop_journal(record.id)
            self._table(self._month_path(record.month), "sessions").remove(Q.id == record.id)
            if record.id in live:
                self._unregister(record.id)
            removed += 1
        for session_id in sorted(self._registry("live")):  # one whose index row never came
            journal = self._journal(session_id)
            raw = journal.read_bytes()
            first = inspect(raw, journal.cipher).records[:1] if raw else []
            if first and first[0].get("client_id") == client_id:
                self._drop_journal(session_id)
                self._unregister(session_id)
        path = self._client_path(client_id)
        db = self._dbs.pop(path, None)
        if db:
            db.close()
        path.unlink(missing_ok=True)
        purging = self.practice_table("purging")
        if purging.contains(Q.id == client_id):
            purging.remove(Q.id == client_id)
        return removed

    def _drop_journal(self, session_id: str) -> None:
        journal = self._journals.pop(session_id, None)
        if journal:
            journal.close()
        self._journal_path(session_id).unlink(missing_ok=True)

    # ----------------------------------------------------------------- agreements
    def agreement(self, client_id: str) -> Agreement | None:
        return self._agreement(client_id, self.practice_table("clients").contains(Q.id == client_id))

    def _agreement(self, client_id: str, listed: bool) -> Agreement | None:
        """A listed client's file must exist (version 2 makes it with the client); it is never
        read as "no agreement" when it is gone."""
        path = self._client_path(client_id)
        expect = ""
        if self._sealed and listed:
            expect = (f"client {client_id} is listed in practice.json, but the file holding "
                      "their agreement is missing")
        if not expect and not path.exists():
            return None
        docs = self._table(path, "agreement", expect).all()
        return self._load(Agreement, docs[0], path) if docs else None

    def save_agreement(self, agreement: Agreement) -> None:
        path = self._client_path(agreement.client_id)
        self._table(path, "agreement").upsert(dump(agreement), Q.id == agreement.id)

    def agreements(self) -> Iterator[tuple[Client, Agreement]]:
        for client in self.clients():
            agreement = self._agreement(client.id, listed=True)
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
        :meth:`EventJournal.append_many`), so the caller can retry the whole batch.

        The first append of a session in this process registers it as live, so after a crash
        the next open recomputes its counts from the journal.
        """
        journal = self._journal(session_id)
        if self._sealed and session_id not in self._registered and not self.readonly:
            self._register(session_id)
        journal.append_many([dump_event(event) for event in events])

    def _register(self, session_id: str) -> None:
        live = self.practice_table("live")
        if not live.contains(Q.id == session_id):  # registered already: a resumed session
            live.insert({"id": session_id})
        self._registered.add(session_id)

    def _unregister(self, session_id: str) -> None:
        self._registered.discard(session_id)
        self._counted.pop(session_id, None)
        live = self.practice_table("live") if self._sealed else None
        if live is not None and live.contains(Q.id == session_id):
            live.remove(Q.id == session_id)

    def end_session(self, record: SessionRecord, at: datetime) -> None:
        from roomguard.core.events import SessionEnded

        self.append_event(record.id, SessionEnded(at=at))
        record.ended_at = at
        self.update_session(record)

    def update_session(self, record: SessionRecord) -> None:
        """Write the session's index row; an ended session leaves the live registry."""
        self._write_row(record)
        if record.ended_at is None:
            return
        if record.id in self._registered or record.id in self._registry("live"):
            self._unregister(record.id)

    def _write_row(self, record: SessionRecord) -> None:
        self._table(self._month_path(record.month), "sessions").upsert(
            dump(record), Q.id == record.id
        )

    def import_session(self, record: SessionRecord, events: list[Event]) -> None:
        """Write a whole past session (import): its journal in one fsync, then its index row."""
        self._journal(record.id).append_many([dump_event(e) for e in events])
        self.update_session(record)

    def events(self, session_id: str) -> list[Event]:
        """The session's events. A missing journal, lines that fail their checksums between
        good ones, or a journal that stops before the session ended is a named error; the
        unfinished last line a crash leaves is skipped (and cut off by the next append)."""
        journal = self._journal(session_id)
        raw = journal.read_bytes()
        record = self.session(session_id, recount=False)
        if raw is None:
            where = f"sessions/{record.month}.json lists it" if record else "it was asked for"
            raise FileMissing(journal.path, f"the journal of session {session_id} is missing "
                              f"({where}); its events are not treated as none")
        scan = self._scanned(journal.path, raw, journal)
        events = self._decoded(journal.path, scan.records)
        if record is not None and record.ended_at is not None and not any(
                e.KIND == "ended" for e in events):
            raise JournalDamaged(
                journal.path, f"it stops before the session's end ({len(events)} events "
                f"readable; the index says it ended at {record.ended_at:%Y-%m-%d %H:%M})",
                readable_events=len(events))
        if record is not None and not events:
            raise JournalDamaged(journal.path, "it holds no readable events, although the "
                                 "session is indexed", readable_events=0)
        return events

    @staticmethod
    def _scanned(path: Path, raw: bytes, journal: EventJournal) -> Any:
        scan = inspect(raw, journal.cipher)
        if scan.unreadable_lines:
            lines = scan.unreadable_lines
            raise JournalDamaged(path, describe_unreadable(lines, len(scan.records)),
                                 unreadable_lines=lines, readable_events=len(scan.records))
        return scan

    @staticmethod
    def _decoded(path: Path, records: list[dict[str, Any]]) -> list[Event]:
        out = []
        for doc in records:
            try:
                out.append(load_event(doc))
            except CodecError as exc:
                raise FileDamaged(path, str(exc)) from exc
        return out

    def session(self, session_id: str, *, recount: bool = True) -> SessionRecord | None:
        month = _checked_id(session_id).split("-", 1)[0]
        path = self._month_path(month)
        if not path.exists():
            return None
        doc = self._table(path, "sessions").get(Q.id == session_id)
        if doc is None:
            return None
        record: SessionRecord = self._load(SessionRecord, doc, path)
        return self._recounted(record) if recount else record

    def _recounted(self, record: SessionRecord) -> SessionRecord:
        """A live session's row with the counts its journal adds up to now: the row itself is
        written only at the start and end (a write costs milliseconds on the UI thread)."""
        if record.ended_at is not None or not self._sealed:
            return record
        live = self._live_rows()
        if record.id not in live:
            return record
        path = self._journal_path(record.id)
        stamp = self._stamp(path)
        if stamp is None or live[record.id] == list(stamp):
            return record  # missing (events() names it), or counted into the row already
        cached = self._counted.get(record.id)
        if cached is None or cached[0] != stamp:
            from roomguard.core.session import replay

            journal = self._journal(record.id)
            raw = journal.read_bytes() or b""
            state = replay(self._decoded(path, inspect(raw, journal.cipher).records), record.id)
            cached = (stamp, len(state.alerts), len(state.unacknowledged()))
            self._counted[record.id] = cached
        record.alerts, record.unhandled = cached[1], cached[2]
        return record

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
        *,
        recount: bool = True,
    ) -> Iterator[SessionRecord]:
        """Newest first, reading one month's index at a time (stop iterating to stop reading).
        Live sessions carry the counts of their journals (see :meth:`_recounted`)."""
        for month in self.months():
            if since and month < f"{since:%Y%m}":
                break
            if until and month > f"{until:%Y%m}":
                continue
            path = self._month_path(month)
            rows = [self._load(SessionRecord, d, path) for d in self._table(path, "sessions").all()]
            rows.sort(key=lambda r: instant(r.started_at), reverse=True)  # naive and aware mix
            for row in rows:
                if client_id and row.client_id != client_id:
                    continue
                day = row.started_at.date()
                if (since and day < since) or (until and day > until):
                    continue
                yield self._recounted(row) if recount else row

    def open_sessions(self) -> list[SessionRecord]:
        """Sessions that were never ended (the app was closed or crashed mid-session)."""
        return [r for r in self.sessions() if r.ended_at is None]

    # ----------------------------------------------------------------- checking
    def verify(self) -> Report:
        """Read every file and follow every reference (what ``roomguard verify`` does)."""
        from roomguard.store import integrity

        return integrity.check(integrity.DirSource(self.root))

    # ----------------------------------------------------------------- backups
    def backup(self, reason: str = "manual") -> Path:
        """A verified backup, then rotation. Refused (:class:`BackupRefused`) when the store
        fails verification, and for a daily or manual backup of a store that holds nothing."""
        if reason in ("daily", "manual") and self.holds_nothing():
            raise BackupRefused(self.root, ["the store is empty: there is nothing to back up yet"])
        from roomguard.store import backups  # zipfile and all: only when a backup is made

        path = backups.make_backup(self.root, reason)
        backups.rotate(self.root, known_good=path)
        return path

    def backup_if_due(self) -> Path | None:
        """Today's backup, unless one was taken, the store is read-only or holds nothing."""
        from roomguard.store import backups

        if self.readonly or self.holds_nothing() or not backups.backup_due(self.root):
            return None
        return self.backup("daily")

    def list_backups(self, *, check: bool = False) -> list[BackupInfo]:
        from roomguard.store import backups

        return backups.list_backups(self.root, check=check)

    def restore(self, backup: Path) -> None:
        if self.readonly:
            raise StoreReadOnly(self.root)
        for journal in self._journals.values():
            journal.close()
        self._journals.clear()
        for db in self._dbs.values():
            db.close()
        self._dbs.clear()
        self._registered.clear()
        self._counted.clear()
        from roomguard.store import backups

        backups.restore(self.root, backup)
        try:  # the files now written are the backup's, of its version (the next open migrates)
            self.schema_version = read_version(self.root / "meta.json",
                                               (self.root / "meta.json").read_bytes())
        except (OSError, StoreError):
            self.schema_version = SCHEMA_VERSION


def restore_without_opening(root: Path, backup: Path) -> None:
    """Restore a store that cannot be opened (corrupt, too new), holding its lock meanwhile."""
    from roomguard.store import backups

    lock = StoreLock(Path(root) / "roomguard.lock")
    lock.acquire()
    try:
        backups.restore(Path(root), backup)
    finally:
        lock.release()
