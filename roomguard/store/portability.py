"""Full, versioned JSON export and an all-or-nothing import.

Format (``docs/EXPORT.md`` describes every field)::

    {"format": "roomguard-export", "version": 1,
     "settings": {...},                          # only in a whole-store export
     "clients": [{"client": {...}, "agreement": {...} | null,
                  "sessions": [{"record": {...}, "events": [{...}, ...]}, ...]}, ...]}

The export has no timestamp and a stable order (clients by id, sessions by start), so
export → import → export gives the same bytes. Import validates the whole file first and
reports every problem with its location; it changes nothing unless every record is valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

import orjson

from roomguard.core.events import Event
from roomguard.core.models import Agreement, Client, SessionRecord, is_valid_id
from roomguard.core.validation import validate_agreement
from roomguard.store.codec import CodecError, dump, dump_event, load, load_event
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


@dataclass
class ImportReport:
    clients_added: int = 0
    clients_kept: int = 0
    sessions_added: int = 0
    events_added: int = 0
    backup: str = ""


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
        records = sorted(store.sessions(client_id=client.id), key=lambda r: (r.started_at, r.id))
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


def _load(cls: type[Any], doc: Any, where: str, problems: list[str]) -> Any:
    try:
        return load(cls, doc)
    except CodecError as exc:
        problems.extend(f"{where}: {p}" for p in exc.problems)
        return None


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
            record = _load(SessionRecord, sess.get("record"), f"{swhere}.record", problems)
            events: list[Event] = []
            raw_events = sess.get("events", [])
            if not isinstance(raw_events, list):
                problems.append(f"{swhere}.events: expected a list")
                raw_events = []
            for k, doc in enumerate(raw_events):
                try:
                    events.append(load_event(doc))
                except CodecError as exc:
                    problems.extend(f"{swhere}.events[{k}]: {p}" for p in exc.problems)
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
    """Write a validated plan. A backup is taken first; if a write fails it is restored."""
    report = ImportReport()
    existing = {c.id for c in store.clients()}
    if mode is ImportMode.NEW and existing:
        raise ImportInvalid(["the store already has clients: choose --merge or --replace"])
    backup = store.backup("pre-import")
    report.backup = backup.name
    try:
        if mode is ImportMode.REPLACE:
            for client_id in existing:
                store.delete_client(client_id)
            existing = set()
        for bundle in plan.bundles:
            if bundle.client.id in existing:
                report.clients_kept += 1
                continue
            store.save_client(bundle.client)
            if bundle.agreement is not None:
                store.save_agreement(bundle.agreement)
            for record, events in bundle.sessions:
                store.import_session(record, events)
                report.sessions_added += 1
                report.events_added += len(events)
            report.clients_added += 1
        if mode is not ImportMode.MERGE:
            for key, value in plan.settings.items():
                store.set_setting(key, value)
    except BaseException:
        store.restore(backup)
        raise
    return report
