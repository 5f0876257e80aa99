"""Full, versioned JSON export and an all-or-nothing import.

Format (``docs/EXPORT.md`` describes every field)::

    {"format": "roomguard-export", "version": 1,
     "settings": {...},                          # only in a whole-store export
     "clients": [{"client": {...}, "agreement": {...} | null,
                  "sessions": [{"record": {...}, "events": [{...}, ...]}, ...]}, ...]}

The export has no timestamp and a stable order (clients by id, sessions by start), so
export → import → export gives the same bytes. Import validates the whole file first and
reports every problem with its location (a key this version does not know is one); it changes
nothing unless every record is valid. It is then all or nothing even if the process is killed:
the new contents are written as a whole store in a staging folder, read back and compared with
the file, and only then switched in (see :mod:`roomguard.store.staging`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import orjson

from roomguard.core.events import Event
from roomguard.core.instants import instant
from roomguard.core.models import Agreement, Client, SessionRecord, is_valid_id
from roomguard.core.validation import validate_agreement
from roomguard.store import integrity, staging
from roomguard.store.codec import CodecError, dump, dump_event, load, load_event
from roomguard.store.errors import StoreError, StoreReadOnly
from roomguard.store.store import Store

FORMAT = "roomguard-export"
VERSION = 1
MAX_STRING = 1_000_000  # characters: a longer string is almost certainly not a real record
MAX_PROBLEMS = 200


class ImportMode(StrEnum):
    NEW = "new"  # only into an empty store
    MERGE = "merge"  # add what the store lacks; keep the store's version of what it has
    REPLACE = "replace"  # the store's clients and sessions are replaced by the file's


@dataclass
class ClientBundle:
    client: Client
    agreement: Agreement | None
    sessions: list[tuple[SessionRecord, list[Event]]] = field(default_factory=list)


@dataclass
class ImportPlan:
    bundles: list[ClientBundle]
    settings: dict[str, Any]


@dataclass(frozen=True)
class ClientOutcome:
    """What an import did with one client of the file: took the file's version, or kept the
    store's (``--merge``), and then how the file's version differs from what was kept."""

    client_id: str
    name: str
    took_file: bool
    differences: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.took_file:
            return "took the file's version"
        if not self.differences:
            return "kept the store's version (the same as the file's)"
        return f"kept the store's version; the file's differs: {'; '.join(self.differences)}"


@dataclass
class ImportReport:
    clients_added: int = 0
    clients_kept: int = 0
    sessions_added: int = 0
    events_added: int = 0
    backup: str = ""
    clients: list[ClientOutcome] = field(default_factory=list)  # one per client of the file


class ImportNotVerified(StoreError):
    """The staged import did not read back as the file has it: nothing was switched in."""

    title = "Import not applied"

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "; ".join(problems[:10]) + (f"; and {len(problems) - 10} more"
                                             if len(problems) > 10 else "")
        super().__init__(f"The imported records did not read back as written ({shown}). "
                         "Nothing was changed.")


class ImportInvalid(ValueError):
    """The file is not a valid export; ``problems`` name each location."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_PROBLEMS]
        more = len(problems) - len(shown)
        text = "\n".join(f"  - {p}" for p in shown)
        if more:
            text += f"\n  … and {more} more"
        super().__init__(f"{len(problems)} problem(s); nothing was imported:\n{text}")


# ----------------------------------------------------------------------------- export
def export_data(store: Store, client_id: str | None = None) -> dict[str, Any]:
    clients = [c for c in store.clients() if client_id in (None, c.id)]
    out: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    if client_id is None:
        settings = {doc["key"]: doc.get("value") for doc in store.practice_table("settings").all()}
        out["settings"] = dict(sorted(settings.items()))
    bundles = []
    for client in sorted(clients, key=lambda c: c.id):
        agreement = store.agreement(client.id)
        records = sorted(store.sessions(client_id=client.id), key=lambda r: (instant(r.started_at), r.id))
        bundles.append(
            {
                "client": dump(client),
                "agreement": dump(agreement) if agreement is not None else None,
                "sessions": [
                    {"record": dump(r), "events": [dump_event(e) for e in store.events(r.id)]}
                    for r in records
                ],
            }
        )
    out["clients"] = bundles
    return out


def export_bytes(store: Store, client_id: str | None = None) -> bytes:
    return orjson.dumps(export_data(store, client_id), option=orjson.OPT_INDENT_2) + b"\n"


# ----------------------------------------------------------------------------- validation
def _long_strings(value: Any, where: str, problems: list[str]) -> None:
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            problems.append(f"{where}: text of {len(value):,} characters (limit {MAX_STRING:,})")
    elif isinstance(value, dict):
        for key, item in value.items():
            _long_strings(item, f"{where}.{key}", problems)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _long_strings(item, f"{where}[{i}]", problems)


def _unknown_keys(given: Any, known: Any, where: str, problems: list[str]) -> None:
    """Keys of *given* (a document from the file) that *known* (the same record as this version
    writes it) does not have: from another program or a newer Roomguard, or mistyped. Importing
    would drop them silently, so each is named instead."""
    if isinstance(given, dict) and isinstance(known, dict):
        for key, value in given.items():
            if key not in known:
                problems.append(f"{where}.{key}: unknown key")
            else:
                _unknown_keys(value, known[key], f"{where}.{key}", problems)
    elif isinstance(given, list) and isinstance(known, list) and len(given) == len(known):
        for i, (item, known_item) in enumerate(zip(given, known, strict=True)):
            _unknown_keys(item, known_item, f"{where}[{i}]", problems)


def _only_keys(doc: dict[str, Any], allowed: tuple[str, ...], where: str,
               problems: list[str]) -> None:
    problems.extend(f"{where}{'.' if where else ''}{key}: unknown key"
                    for key in doc if key not in allowed)


def _load(cls: type[Any], doc: Any, where: str, problems: list[str]) -> Any:
    try:
        record = load(cls, doc)
    except CodecError as exc:
        problems.extend(f"{where}: {p}" for p in exc.problems)
        return None
    _unknown_keys(doc, dump(record), where, problems)
    return record


def parse_export(raw: bytes, today: date) -> ImportPlan:
    """Validate a whole export file. Raises :class:`ImportInvalid` listing every problem."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ImportInvalid([f"not valid JSON: {exc}"]) from exc
    if not isinstance(data, dict):
        raise ImportInvalid(["the file must hold a JSON object"])
    if data.get("format") != FORMAT:
        raise ImportInvalid([f"format: expected {FORMAT!r}, got {data.get('format')!r}"])
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= VERSION:
        raise ImportInvalid([f"version: this Roomguard reads export version 1 to {VERSION}, "
                             f"got {version!r}"])
    problems: list[str] = []
    _long_strings(data, "$", problems)
    if problems:
        raise ImportInvalid(problems)
    _only_keys(data, ("format", "version", "settings", "clients"), "", problems)
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        problems.append("settings: expected an object")
        settings = {}
    raw_clients = data.get("clients")
    if not isinstance(raw_clients, list):
        raise ImportInvalid(["clients: expected a list"])
    bundles: list[ClientBundle] = []
    client_ids: set[str] = set()
    session_ids: set[str] = set()
    for i, entry in enumerate(raw_clients):
        where = f"clients[{i}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: expected an object")
            continue
        _only_keys(entry, ("client", "agreement", "sessions"), where, problems)
        client = _load(Client, entry.get("client"), f"{where}.client", problems)
        agreement_doc = entry.get("agreement")
        agreement = (
            None
            if agreement_doc is None
            else _load(Agreement, agreement_doc, f"{where}.agreement", problems)
        )
        if client is None:
            continue
        if not is_valid_id(client.id):
            problems.append(f"{where}.client.id: {client.id!r} is not a valid id "
                            "(letters, digits, - and _ only)")
        if client.id in client_ids:
            problems.append(f"{where}.client.id: duplicate id {client.id!r}")
        client_ids.add(client.id)
        if agreement is not None:
            if agreement.client_id != client.id:
                problems.append(f"{where}.agreement.client_id: does not match the client's id")
            problems.extend(
                f"{where}.agreement.{e.field}: {e.message}"
                for e in validate_agreement(agreement, today)
            )
        bundle = ClientBundle(client, agreement)
        sessions = entry.get("sessions", [])
        if not isinstance(sessions, list):
            problems.append(f"{where}.sessions: expected a list")
            sessions = []
        for j, sess in enumerate(sessions):
            swhere = f"{where}.sessions[{j}]"
            if not isinstance(sess, dict):
                problems.append(f"{swhere}: expected an object")
                continue
            _only_keys(sess, ("record", "events"), swhere, problems)
            record = _load(SessionRecord, sess.get("record"), f"{swhere}.record", problems)
            events: list[Event] = []
            raw_events = sess.get("events", [])
            if not isinstance(raw_events, list):
                problems.append(f"{swhere}.events: expected a list")
                raw_events = []
            for k, doc in enumerate(raw_events):
                try:
                    event = load_event(doc)
                except CodecError as exc:
                    problems.extend(f"{swhere}.events[{k}]: {p}" for p in exc.problems)
                    continue
                _unknown_keys(doc, dump_event(event), f"{swhere}.events[{k}]", problems)
                events.append(event)
            if record is None:
                continue
            if not is_valid_id(record.id):
                problems.append(f"{swhere}.record.id: {record.id!r} is not a valid id")
            if record.id in session_ids:
                problems.append(f"{swhere}.record.id: duplicate id {record.id!r}")
            session_ids.add(record.id)
            if record.client_id != client.id:
                problems.append(f"{swhere}.record.client_id: does not match the client's id")
            if record.month != f"{record.started_at:%Y%m}":
                problems.append(f"{swhere}.record.id: must start with the session's month "
                                f"({record.started_at:%Y%m}-…)")
            bundle.sessions.append((record, events))
        bundles.append(bundle)
    if problems:
        raise ImportInvalid(problems)
    return ImportPlan(bundles, settings)


# ----------------------------------------------------------------------------- import
def apply_import(store: Store, plan: ImportPlan, mode: ImportMode) -> ImportReport:
    """Write a validated plan into *store*, all or nothing, even if the process is killed.

    A backup is taken first. The store's new contents are written into a staging copy of it,
    read back and compared with the plan, and switched in only if they match
    (:mod:`roomguard.store.staging`); any failure before the switch leaves the store untouched.
    """
    if store.readonly:
        raise StoreReadOnly(store.root)
    existing = {c.id: c for c in store.clients()}
    if mode is ImportMode.NEW and existing:
        raise ImportInvalid(["the store already has clients: choose --merge or --replace"])
    report = ImportReport(backup=store.backup("pre-import").name)
    staged_root = staging.stage(store.root)
    try:
        with Store.open(staged_root) as staged:
            _write_plan(staged, plan, mode, existing, report)
        _verify(staged_root, plan, mode, existing)
    except BaseException:
        staging.discard(store.root)
        raise
    _forget_open_files(store)
    try:
        staging.switch(store.root)
    except staging.StagingFailed:  # the marker could not be written: the switch never began
        staging.discard(store.root)
        raise
    return report


def _write_plan(staged: Store, plan: ImportPlan, mode: ImportMode,
                existing: dict[str, Client], report: ImportReport) -> None:
    kept = set(existing)
    if mode is ImportMode.REPLACE:
        for client_id in existing:
            staged.delete_client(client_id)
        kept = set()
    for bundle in plan.bundles:
        client = bundle.client
        if client.id in kept:
            report.clients_kept += 1
            report.clients.append(ClientOutcome(client.id, client.name, took_file=False,
                                                differences=_differences(staged, bundle)))
            continue
        staged.save_client(client)
        if bundle.agreement is not None:
            staged.save_agreement(bundle.agreement)
        for record, events in bundle.sessions:
            if staged.session(record.id) is not None:
                raise ImportInvalid([f"session {record.id} of {client.name!r} is already in the "
                                     "store, under another client"])
            staged.import_session(record, events)
            report.sessions_added += 1
            report.events_added += len(events)
        report.clients_added += 1
        report.clients.append(ClientOutcome(client.id, client.name, took_file=True))
    if mode is not ImportMode.MERGE:
        for key, value in plan.settings.items():
            staged.set_setting(key, value)


def _differences(store: Store, bundle: ClientBundle) -> tuple[str, ...]:
    """How the file's version of a client the store keeps differs from the store's."""
    out: list[str] = []
    ours = store.client(bundle.client.id)
    if ours is None or dump(ours) != dump(bundle.client):
        out.append("the client's details")
    agreement = store.agreement(bundle.client.id)
    if (None if agreement is None else dump(agreement)) != (
        None if bundle.agreement is None else dump(bundle.agreement)
    ):
        out.append("the agreement")
    in_store = {r.id for r in store.sessions(client_id=bundle.client.id)}
    in_file = {record.id for record, _ in bundle.sessions}
    if in_file - in_store:
        out.append(f"{len(in_file - in_store)} session(s) only in the file")
    if in_store - in_file:
        out.append(f"{len(in_store - in_file)} session(s) only in the store")
    return tuple(out)


def _verify(root: Path, plan: ImportPlan, mode: ImportMode, existing: dict[str, Client]) -> None:
    """Check every file of the staged store and every reference between them, then compare
    its contents with the plan."""
    problems = [f"{p.file}: {p.what}" for p in integrity.check(integrity.DirSource(root)).damage]
    with Store.open(root, readonly=True) as staged:
        kept = {} if mode is ImportMode.REPLACE else existing
        taken = [b for b in plan.bundles if b.client.id not in kept]
        expected = set(kept) | {b.client.id for b in taken}
        found = {c.id for c in staged.clients()}
        if found != expected:
            problems.append(f"{len(expected - found)} client(s) missing, "
                            f"{len(found - expected)} unexpected")
        for client_id, client in kept.items():
            still = staged.client(client_id)
            if still is None or dump(still) != dump(client):
                problems.append(f"client {client_id} changed although kept")
        for bundle in taken:
            problems += _compare_bundle(staged, bundle)
        if mode is not ImportMode.MERGE:
            problems += [f"setting {key!r}" for key, value in plan.settings.items()
                         if staged.setting(key) != value]
    if problems:
        raise ImportNotVerified(problems)


def _compare_bundle(staged: Store, bundle: ClientBundle) -> list[str]:
    where = f"client {bundle.client.id}"
    client = staged.client(bundle.client.id)
    if client is None or dump(client) != dump(bundle.client):
        return [f"{where}: details"]
    problems: list[str] = []
    agreement = staged.agreement(bundle.client.id)
    if (None if agreement is None else dump(agreement)) != (
        None if bundle.agreement is None else dump(bundle.agreement)
    ):
        problems.append(f"{where}: agreement")
    for record, events in bundle.sessions:
        stored = staged.session(record.id)
        if stored is None or dump(stored) != dump(record):
            problems.append(f"{where}: session {record.id}")
        elif [dump_event(e) for e in staged.events(record.id)] != [dump_event(e) for e in events]:
            problems.append(f"{where}: events of session {record.id}")
    return problems


def _forget_open_files(store: Store) -> None:
    """After the switch every file of the store is a new one: drop what *store* holds open of
    the old ones (TinyDB files with their cached documents, journals), as ``Store.restore``
    does, so its next read is of the imported store. Private attributes of the same package."""
    for journal in store._journals.values():
        journal.close()
    store._journals.clear()
    for db in store._dbs.values():
        db.close()
    store._dbs.clear()
