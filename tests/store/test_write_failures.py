"""A write that does not reach the disk raises WriteFailed, changes nothing, and can be retried."""

from __future__ import annotations

from datetime import datetime

import pytest

from roomguard.core.events import NoteAdded, PresenceChanged
from roomguard.core.models import SessionRecord
from roomguard.store import Store, WriteFailed
from tests.builders import build_agreement, build_client
from tests.store.faults import fault, half_then_refuse, refuse, temp_files

T0 = datetime(2026, 3, 2, 10, 0)

FAULTS = [
    pytest.param({"write": refuse}, id="disk-full"),
    pytest.param({"write": half_then_refuse()}, id="short-write-then-full"),
    pytest.param({"fsync": True}, id="fsync-fails"),
    pytest.param({"replace": True}, id="rename-fails"),
]
JOURNAL_FAULTS = FAULTS[:3]  # the journal never renames


@pytest.fixture
def seeded(store_path):
    with Store.open(store_path) as store:
        store.save_client(build_client(name="Ann", id="ann"))
        store.save_agreement(build_agreement(client_id="ann", id="ag", muted_phrases=["v1"]))
        record = store.start_session("ann", T0, 1, ["p1"])
        store.append_event(record.id, NoteAdded(at=T0, text="first"))
        store.set_setting("theme", "dark")
    return store_path, record


def snapshot(root):
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def state(store: Store, record: SessionRecord):
    return (
        store.clients(),
        store.agreement("ann"),
        store.agreement("bea"),
        list(store.sessions()),
        store.events(record.id),
        store.setting("theme"),
    )


WRITES = {
    "save_client": lambda s, r: s.save_client(build_client(name="Bea", id="bea")),
    "rename_client": lambda s, r: s.save_client(build_client(name="Ann Renamed", id="ann")),
    "save_agreement": lambda s, r: s.save_agreement(
        build_agreement(client_id="ann", id="ag", muted_phrases=["v2"])
    ),
    "new_agreement": lambda s, r: s.save_agreement(build_agreement(client_id="bea", id="ag2")),
    "update_session": lambda s, r: s.update_session(
        SessionRecord(client_id="ann", started_at=r.started_at, id=r.id, alerts=3)
    ),
    "start_session": lambda s, r: s.start_session("ann", datetime(2026, 4, 1, 9), 1, []),
    "set_setting": lambda s, r: s.set_setting("theme", "light"),
}


@pytest.mark.parametrize("how", FAULTS)
@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_failed_tinydb_write_changes_nothing_and_a_retry_succeeds(seeded, write, how):
    root, record = seeded
    store = Store.open(root)
    try:
        before = state(store, record)
        files_before = snapshot(root)
        with fault(root, **how) as failed, pytest.raises(WriteFailed) as caught:
            write(store, record)
        assert failed, "the fault was never hit"
        assert str(caught.value.path) in str(caught.value)
        assert caught.value.path.is_relative_to(root)

        assert state(store, record) == before  # memory does not claim what the disk lacks
        assert temp_files(root) == []
        after = snapshot(root)
        new = {k for k in after if k not in files_before}
        # start_session journals its first event before indexing the session, so a failed
        # start can leave a journal no index row points at; nothing else may change.
        assert all(k.suffix == ".jsonl" for k in new), new
        assert {k: after[k] for k in files_before if k.name != "roomguard.lock"} == {
            k: v for k, v in files_before.items() if k.name != "roomguard.lock"
        }

        write(store, record)  # the fault has cleared: retry
        retried = state(store, record)
    finally:
        store.close()
    with Store.open(root) as again:
        assert state(again, record) == retried
        assert retried != before


@pytest.mark.parametrize("how", JOURNAL_FAULTS)
def test_failed_event_append_changes_nothing_and_a_retry_succeeds(seeded, how):
    root, record = seeded
    store = Store.open(root)
    try:
        events_before = store.events(record.id)
        journal = root / "sessions" / record.month / f"{record.id}.jsonl"
        bytes_before = journal.read_bytes()
        toggle = PresenceChanged(at=T0, participant_id="p1", present=False)
        with fault(root, **how), pytest.raises(WriteFailed) as caught:
            store.append_event(record.id, toggle)
        assert caught.value.path == journal
        assert journal.read_bytes() == bytes_before
        assert store.events(record.id) == events_before
        store.append_event(record.id, toggle)
    finally:
        store.close()
    with Store.open(root) as again:
        assert again.events(record.id) == [*events_before, toggle]


def test_failed_first_event_of_a_new_session_leaves_no_session(store_path):
    with Store.open(store_path) as store:
        with fault(store_path, write=refuse), pytest.raises(WriteFailed):
            store.start_session("ann", T0, 1, [])
        assert list(store.sessions()) == []
        record = store.start_session("ann", T0, 1, [])
    with Store.open(store_path) as again:
        assert list(again.sessions()) == [record]
        assert len(again.events(record.id)) == 1


def test_many_failures_in_a_row_then_recovery(seeded):
    root, record = seeded
    with Store.open(root) as store:
        for _ in range(20):
            with fault(root, write=refuse), pytest.raises(WriteFailed):
                store.append_event(record.id, NoteAdded(at=T0, text="lost"))
            with fault(root, write=refuse), pytest.raises(WriteFailed):
                store.save_agreement(build_agreement(client_id="ann", id="ag", muted_phrases=["lost"]))
        store.append_event(record.id, NoteAdded(at=T0, text="kept"))
        store.save_agreement(build_agreement(client_id="ann", id="ag", muted_phrases=["kept"]))
    with Store.open(root) as again:
        assert [e.text for e in again.events(record.id)[1:]] == ["first", "kept"]
        assert again.agreement("ann").muted_phrases == ["kept"]
