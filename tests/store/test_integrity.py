"""Nothing missing is ever read as empty, and damage is named (issue 17, item 1).

Each of these was reproduced against the previous store first: a deleted practice.json opened
as an empty practice, a deleted client file lost the agreement without a word, a deleted month
index hid that month, a truncated or deleted journal gave a session of 0 events, flipped bytes
in a journal silently dropped lines (30 events became 28) and flipped bytes in an agreement
were read as a different phrase (``salary`` became ``sal;ry``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import orjson
import pytest

from roomguard.core.events import (
    AckAction,
    AlertAcknowledged,
    AlertRaised,
    NoteAdded,
    SessionStarted,
)
from roomguard.core.models import Agreement, PrivateTopic
from roomguard.store import Store, StoreCorrupt
from roomguard.store.journal import encode_line
from tests.builders import build_client, build_terms

T0 = datetime(2026, 2, 9, 10, 0)
T1 = datetime(2026, 3, 2, 10, 0)


def alert(at: datetime, topic: str = "money") -> AlertRaised:
    return AlertRaised(at, topic, "Money", ["p3"], "p3 has no scope extension", "salary")


@pytest.fixture
def practice(store_path: Path) -> dict[str, object]:
    """Ann with an agreement whose private topic has the phrase "salary", a February session
    of 30 events that ended, and a March session."""
    with Store.open(store_path) as store:
        store.save_client(build_client(name="Ann", id="ann"))
        topic = PrivateTopic(name="Money", phrases=["salary"], id="money")
        store.save_agreement(Agreement(client_id="ann", id="ag", terms=build_terms(topics=[topic])))
        feb = store.start_session("ann", T0, 1, [])
        for n in range(28):
            store.append_event(feb.id, NoteAdded(at=T0 + timedelta(minutes=n), text=f"note {n}"))
        store.end_session(feb, T0 + timedelta(hours=1))
        march = store.start_session("ann", T1, 1, [])
        store.end_session(march, T1 + timedelta(hours=1))
    return {"root": store_path, "feb": feb, "march": march}


def journal_of(root: Path, record) -> Path:
    return root / "sessions" / record.month / f"{record.id}.jsonl"


def everything(root: Path) -> None:
    """Read the whole store, as home, history and an export do."""
    with Store.open(root) as store:
        store.clients()
        list(store.agreements())
        for record in list(store.sessions()):
            store.events(record.id)


def assert_named(caught: pytest.ExceptionInfo[StoreCorrupt], path: Path, title: str) -> None:
    assert caught.value.path == path
    assert str(path) in str(caught.value)
    assert caught.value.title == title


def test_a_deleted_practice_file_is_named_not_opened_as_an_empty_practice(practice):
    root = practice["root"]
    (root / "practice.json").unlink()
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(root)
    assert_named(caught, root / "practice.json", "Store file missing")
    assert "not treated as none" in str(caught.value)
    assert not (root / "practice.json").exists()  # not recreated empty
    with pytest.raises(StoreCorrupt):
        Store.open(root, readonly=True)


def test_a_deleted_client_file_is_named_not_read_as_no_agreement(practice):
    root = practice["root"]
    (root / "clients" / "ann.json").unlink()
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(root)
    assert_named(caught, root / "clients" / "ann.json", "Store file missing")
    assert "client ann is listed in practice.json" in str(caught.value)


def test_a_flipped_byte_in_an_agreement_is_named_not_read_as_another_phrase(practice):
    root = practice["root"]
    path = root / "clients" / "ann.json"
    raw = path.read_bytes()
    assert raw.count(b"salary") == 1
    path.write_bytes(raw.replace(b"salary", b"sal;ry"))
    damaged = path.read_bytes()
    with Store.open(root) as store, pytest.raises(StoreCorrupt) as caught:
        store.agreement("ann")
    assert_named(caught, path, "Store file damaged")
    assert "does not match its checksum" in str(caught.value)
    assert path.read_bytes() == damaged


def test_a_deleted_month_index_is_named_not_a_hidden_month(practice):
    root, feb = practice["root"], practice["feb"]
    index = root / "sessions" / f"{feb.month}.json"
    index.unlink()
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(root)
    assert_named(caught, index, "Store file missing")
    assert f"sessions/{feb.month}/ holds 1 session journal" in str(caught.value)


@pytest.mark.parametrize("content", [b"", b"\n"], ids=["emptied", "blank"])
def test_an_emptied_month_index_is_named(practice, content):
    root, feb = practice["root"], practice["feb"]
    index = root / "sessions" / f"{feb.month}.json"
    index.write_bytes(content)
    with pytest.raises(StoreCorrupt) as caught:
        everything(root)
    assert caught.value.path == index
    assert index.read_bytes() == content


def test_a_truncated_journal_is_named_not_read_as_fewer_events(practice):
    root, feb = practice["root"], practice["feb"]
    path = journal_of(root, feb)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:10]))  # cut at a line boundary: every line left is good
    with pytest.raises(StoreCorrupt) as caught:
        everything(root)
    assert_named(caught, path, "Session record damaged")
    assert caught.value.readable_events == 10
    assert "stops before the session's end" in str(caught.value)


@pytest.mark.parametrize("content", [None, b""], ids=["deleted", "emptied"])
def test_a_missing_or_empty_journal_is_named_not_a_session_of_no_events(practice, content):
    root, feb = practice["root"], practice["feb"]
    path = journal_of(root, feb)
    if content is None:
        path.unlink()
    else:
        path.write_bytes(content)
    with pytest.raises(StoreCorrupt) as caught:
        everything(root)
    assert caught.value.path == path
    assert caught.value.title in ("Store file missing", "Session record damaged")


def test_flipped_bytes_in_the_middle_of_a_journal_are_counted_not_dropped(practice):
    root, feb = practice["root"], practice["feb"]
    path = journal_of(root, feb)
    lines = path.read_bytes().splitlines(keepends=True)
    assert len(lines) == 30
    for n in (7, 19):
        lines[n] = lines[n][:20] + bytes([lines[n][20] ^ 0x01]) + lines[n][21:]
    path.write_bytes(b"".join(lines))
    damaged = path.read_bytes()
    with Store.open(root) as store, pytest.raises(StoreCorrupt) as caught:
        store.events(feb.id)
    assert_named(caught, path, "Session record damaged")
    assert (caught.value.unreadable_lines, caught.value.readable_events) == (2, 28)
    assert "2 lines in the middle fail their checksums" in str(caught.value)
    assert path.read_bytes() == damaged


def test_a_torn_tail_after_a_crash_is_recovered_and_reported(store_path):
    with Store.open(store_path) as store:
        store.save_client(build_client(name="Ann", id="ann"))
        record = store.start_session("ann", T1, 1, [])
        store.append_event(record.id, alert(T1))
        store.append_event(record.id, NoteAdded(at=T1, text="kept"))
    path = journal_of(store_path, record)
    torn = encode_line({"kind": "note", "at": T1.isoformat(), "text": "lost"})[:-9]
    path.write_bytes(path.read_bytes() + torn)  # the crash came mid-write
    with Store.open(store_path) as store:
        assert [type(e).__name__ for e in store.events(record.id)] == [
            "SessionStarted", "AlertRaised", "NoteAdded"]
        (said,) = store.recovered
        assert record.id in said and f"({len(torn)} bytes) was ignored" in said
        assert store.session(record.id).unhandled == 1


# ------------------------------------------------------------------ crash recovery of counts


def test_a_session_left_open_by_a_crash_gets_its_counts_from_its_journal(store_path):
    """Issue 17, item 3: after kill -9 with an unacknowledged alert, home said "open 0" and
    History's "unhandled only" listed nothing; the index row is written at start and end."""
    with Store.open(store_path) as store:
        store.save_client(build_client(name="Ann", id="ann"))
        record = store.start_session("ann", T1, 1, [])
        first, second = alert(T1), alert(T1 + timedelta(minutes=1), "health")
        store.append_event(record.id, first)
        store.append_event(record.id, second)
        store.append_event(record.id, AlertAcknowledged(T1, first.id, AckAction.STEPPED_OUT))
        # kill -9 here: every append is on disk, the index row still says 0 alerts
    with Store.open(store_path, readonly=True) as reader:  # what a second instance shows
        assert (reader.session(record.id).alerts, reader.session(record.id).unhandled) == (2, 1)
    index = store_path / "sessions" / f"{record.month}.json"
    assert b'"alerts":0' in index.read_bytes()  # a reader recounts; it does not write
    with Store.open(store_path) as store:
        row = store.session(record.id)
        assert (row.alerts, row.unhandled, row.ended_at) == (2, 1, None)
        assert [r.id for r in store.sessions() if r.unhandled > 0] == [record.id]
        assert [r.id for r in store.open_sessions()] == [record.id]
        assert any(record.id in line for line in store.recovered)
    assert b'"alerts":2' in index.read_bytes()  # persisted by the writable open
    with Store.open(store_path) as store:
        assert store.recovered == []  # done once: unchanged journals are not recounted


def test_a_live_session_shows_its_journal_counts_before_its_index_row_is_rewritten(store):
    store.save_client(build_client(name="Ann", id="ann"))
    record = store.start_session("ann", T1, 1, [])
    store.append_event(record.id, alert(T1))
    assert store.session(record.id).unhandled == 1
    assert [r.unhandled for r in store.sessions()] == [1]


def test_a_resumed_session_is_recounted_again_after_the_next_crash(store_path):
    with Store.open(store_path) as store:
        store.save_client(build_client(name="Ann", id="ann"))
        record = store.start_session("ann", T1, 1, [])
    Store.open(store_path).close()  # recovered: nothing to count
    with Store.open(store_path) as store:  # resumed, then the crash
        store.append_event(record.id, alert(T1))
    with Store.open(store_path) as store:
        assert store.session(record.id).unhandled == 1


def test_a_session_whose_index_row_a_crash_prevented_is_rebuilt_at_open(store_path):
    with Store.open(store_path) as store:
        store.save_client(build_client(name="Ann", id="ann"))
        session_id = "202603-crashedatstart"
        store.append_event(session_id, SessionStarted(at=T1, client_id="ann", terms_version=2,
                                                      present=[]))
        store.append_event(session_id, alert(T1))
        # the crash: the index row (written after the journal's first line) never came
    assert not (store_path / "sessions" / "202603.json").exists()
    with Store.open(store_path) as store:
        row = store.session(session_id)
        assert (row.client_id, row.started_at, row.terms_version) == ("ann", T1, 2)
        assert (row.alerts, row.unhandled) == (1, 1)
        assert any("index row was rebuilt" in line for line in store.recovered)


def test_an_ended_session_leaves_the_live_registry(store):
    store.save_client(build_client(name="Ann", id="ann"))
    record = store.start_session("ann", T1, 1, [])
    assert store._registry("live") == {record.id}
    store.end_session(record, T1 + timedelta(minutes=5))
    assert store._registry("live") == set()


# ------------------------------------------------------------------ deletion and creation


def test_a_deletion_a_crash_interrupted_is_finished_at_open(practice):
    root, feb = practice["root"], practice["feb"]
    with Store.open(root) as store:
        store.practice_table("purging").insert({"id": "ann"})
        store.practice_table("clients").remove(lambda doc: doc["id"] == "ann")
        # the crash: before the sessions and the client's file were removed
    with Store.open(root) as store:
        assert store.clients() == []
        assert list(store.sessions()) == []
        assert any("deletion of client ann was interrupted" in s for s in store.recovered)
    assert not (root / "clients" / "ann.json").exists()
    assert not journal_of(root, feb).exists()
    assert b"ann" not in (root / "practice.json").read_bytes()


def test_a_new_client_gets_a_file_before_their_row(store):
    store.save_client(build_client(name="Ann", id="ann"))
    assert (store.root / "clients" / "ann.json").exists()
    assert store.agreement("ann") is None


def test_a_store_with_files_but_no_meta_is_named(practice):
    root = practice["root"]
    (root / "meta.json").unlink()
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(root)
    assert_named(caught, root / "meta.json", "Store file missing")


def test_a_creation_a_crash_interrupted_after_practice_json_is_finished(store_path):
    Store.open(store_path).close()
    (store_path / "meta.json").unlink()  # the crash came between the two writes
    with Store.open(store_path) as store:
        assert store.clients() == []
    assert (store_path / "meta.json").exists()


def test_an_unsealed_practice_file_is_damage_not_a_fresh_start(practice):
    root = practice["root"]
    (root / "practice.json").write_bytes(orjson.dumps({"clients": {}}))  # valid JSON, no seal
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(root)
    assert_named(caught, root / "practice.json", "Store file damaged")
    assert "no checksum" in str(caught.value)
