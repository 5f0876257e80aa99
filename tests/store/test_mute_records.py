"""A mute's record (when and why) is stored with the agreement; an agreement stored before these
records were kept (plain ``muted_phrases`` strings, no ``mutes``) still opens, phrases kept."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from roomguard.core.models import Agreement, MutedPhrase, Participant, Role, Todo
from roomguard.core.mutes import mutes_of
from roomguard.store import Store
from roomguard.store.codec import dump, load
from tests.builders import build_agreement

AT = datetime(2026, 11, 18, 10, 25)


def agreement() -> Agreement:
    return build_agreement(Participant("Ann", Role.CLIENT, added_on=AT.date()),
                           Participant("Alex", Role.COACH, added_on=AT.date()),
                           client_id="ann", id="ag",
                           todos=[Todo("Record written consent from Sam", AT)])


def test_an_agreement_from_before_mute_records_loads_with_its_phrases() -> None:
    doc: dict[str, Any] = orjson.loads(orjson.dumps(dump(agreement())))
    del doc["mutes"]
    doc["muted_phrases"] = ["therapy"]
    for todo in doc["todos"]:
        del todo["terms_version"]
    loaded = load(Agreement, doc)
    assert loaded.muted_phrases == ["therapy"] and loaded.mutes == []
    assert [t.terms_version for t in loaded.todos] == [None]
    (mute,) = mutes_of(loaded)
    assert mute.record is None


def test_mute_records_and_todo_versions_are_stored(store: Store) -> None:
    ag = agreement()
    ag.muted_phrases.append("therapy")
    ag.mutes.append(MutedPhrase("therapy", AT, "false alarm on the Health alert", "202611-x"))
    ag.todos.append(Todo("Get written consent from Ann to version 2", AT,
                         participant_id=ag.participants[0].id, terms_version=2))
    store.save_agreement(ag)
    again = store.agreement("ann")
    assert again is not None
    assert again.mutes == ag.mutes and again.todos == ag.todos
