"""Times on disk: an aware time keeps its UTC offset through the journal and the index; a naive
one (written before times carried their offset) still loads; a month holding both lists and
exports without an error (issue 17, item 9)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from roomguard.core.events import NoteAdded
from roomguard.store import Store
from roomguard.store.portability import export_bytes
from tests.builders import build_agreement, build_client, build_party
from tests.clocks import SPRING_NIGHT, local_zone, london


def seeded(store: Store) -> str:
    client = build_client("Ann Lee", id="c-ann")
    store.save_client(client)
    store.save_agreement(build_agreement(build_party("Ann Lee", id="ann"), client_id=client.id))
    return client.id


def test_an_aware_time_keeps_its_offset_through_the_journal_and_the_index(
    store_path: Path,
) -> None:
    start, end = london(SPRING_NIGHT, 0, 50), london(SPRING_NIGHT, 2, 20)
    with Store.open(store_path) as store:
        record = store.start_session(seeded(store), start, 1, ["ann"])
        store.append_event(record.id, NoteAdded(end, "after the change"))
        store.end_session(record, end)
    with Store.open(store_path) as store:
        (loaded,) = store.sessions()
        events = store.events(record.id)
    assert (loaded.started_at, loaded.ended_at) == (start, end)  # the same instants
    assert loaded.started_at.utcoffset() == timedelta(0)  # GMT when it started
    assert loaded.ended_at is not None and loaded.ended_at.utcoffset() == timedelta(hours=1)
    assert [e.at.utcoffset() for e in events] == [timedelta(0), timedelta(hours=1),
                                                   timedelta(hours=1)]


def test_journals_and_indexes_with_naive_times_load_as_they_were(store_path: Path) -> None:
    start = datetime(2026, 3, 29, 0, 50)  # as Roomguard wrote times before they were aware
    with Store.open(store_path) as store:
        record = store.start_session(seeded(store), start, 1, ["ann"])
        store.end_session(record, start + timedelta(minutes=90))
    with Store.open(store_path) as store:
        (loaded,) = store.sessions()
        assert loaded.started_at == start and loaded.started_at.tzinfo is None
        assert [e.at for e in store.events(record.id)] == [start, start + timedelta(minutes=90)]


def test_a_month_of_old_naive_and_new_aware_sessions_lists_newest_first(store_path: Path) -> None:
    with local_zone("Europe/London"), Store.open(store_path) as store:
        client_id = seeded(store)
        old = store.start_session(client_id, datetime(2026, 11, 20, 10, 0), 1, ["ann"])
        new = store.start_session(client_id, datetime(2026, 11, 25, 10, 0).astimezone(), 1,
                                  ["ann"])
        assert [r.id for r in store.sessions()] == [new.id, old.id]
        assert export_bytes(store)  # exported oldest first, by the same real-time order
