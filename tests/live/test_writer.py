"""The session's save queue on its own: order kept, nothing lost, one notice per failing run."""

from __future__ import annotations

import errno
from datetime import datetime
from pathlib import Path

import pytest

from roomguard.core.events import AlertRaised, Event, NoteAdded
from roomguard.core.models import Agreement, SessionRecord
from roomguard.live.writer import SessionWriter
from roomguard.store import WriteFailed
from tests.builders import build_agreement, build_party

AT = datetime(2026, 11, 25, 10, 0)


class FlakyStore:
    """Records what was written; the next *fail* writes of each kind raise WriteFailed."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.indexes: list[tuple[int, datetime | None]] = []
        self.agreements: list[Agreement] = []
        self.fail = {"event": 0, "index": 0, "agreement": 0}

    def _maybe_fail(self, kind: str) -> None:
        if self.fail[kind]:
            self.fail[kind] -= 1
            raise WriteFailed(Path(f"/store/{kind}"), OSError(errno.ENOSPC, "disk full"))

    def append_events(self, session_id: str, events: list[Event]) -> None:
        self._maybe_fail("event")
        self.events += events

    def update_session(self, record: SessionRecord) -> None:
        self._maybe_fail("index")
        self.indexes.append((record.alerts, record.ended_at))

    def save_agreement(self, agreement: Agreement) -> None:
        self._maybe_fail("agreement")
        self.agreements.append(agreement)


def note(n: int) -> NoteAdded:
    return NoteAdded(AT, f"note {n}")


def alert() -> AlertRaised:
    return AlertRaised(AT, "t1", "Health", ["p1"], "Health came up", "doctor")


def told(writer: SessionWriter) -> list[str]:
    return [n.message for n in writer.notices]


@pytest.fixture
def store() -> FlakyStore:
    return FlakyStore()


@pytest.fixture
def writer(store: FlakyStore) -> SessionWriter:
    def fill(record: SessionRecord) -> None:
        record.alerts = 7

    w = SessionWriter(store, 2.0, fill)
    w.resume(SessionRecord(client_id="c1", started_at=AT, terms_version=1))
    return w


def test_events_are_written_in_order(writer: SessionWriter, store: FlakyStore) -> None:
    writer.add([note(1), note(2)])
    writer.add([note(3)])
    assert [e.text for e in store.events] == ["note 1", "note 2", "note 3"]  # type: ignore[attr-defined]
    assert writer.unsaved_count == 0 and not writer.dirty


def test_a_start_writes_the_first_events_then_the_index_entry(store: FlakyStore) -> None:
    writer = SessionWriter(store, 2.0, lambda record: None)
    writer.start(SessionRecord(client_id="c1", started_at=AT, terms_version=1), [note(1)])
    assert len(store.events) == 1 and store.indexes == [(0, None)]
    assert writer.unsaved_count == 0


def test_a_start_that_cannot_write_keeps_everything_for_later(store: FlakyStore) -> None:
    store.fail["event"] = 1
    writer = SessionWriter(store, 2.0, lambda record: None)
    writer.start(SessionRecord(client_id="c1", started_at=AT, terms_version=1), [note(1)])
    assert store.events == [] and writer.unsaved_count == 2  # the event and the index entry
    writer.retry(ended=False)
    assert len(store.events) == 1 and len(store.indexes) == 1 and writer.unsaved_count == 0


def test_a_failed_write_keeps_it_and_everything_after_queued_in_order(
    writer: SessionWriter, store: FlakyStore
) -> None:
    store.fail["event"] = 2
    writer.add([note(1), note(2)])
    writer.add([note(3)])
    assert store.events == []
    assert writer.unsaved_count == 3
    assert len(told(writer)) == 1 and "disk full" in told(writer)[0]  # told once, not per failure
    writer.retry(ended=False)
    assert [e.text for e in store.events] == ["note 1", "note 2", "note 3"]  # type: ignore[attr-defined]
    assert writer.unsaved_count == 0
    assert told(writer)[-1] == "Everything is saved again."


def test_the_index_waits_for_an_index_flush(writer: SessionWriter, store: FlakyStore) -> None:
    writer.add([alert()])  # the counts changed, but the journal holds them
    assert store.indexes == []
    assert writer.due(ended=False) is False
    assert writer.due(ended=True) is True
    writer.flush(index=True)
    assert store.indexes == [(7, None)]  # fill_index ran first


def test_ending_writes_the_last_events_then_the_index(writer: SessionWriter,
                                                      store: FlakyStore) -> None:
    writer.end([note(9)])
    assert len(store.events) == 1 and store.indexes == [(7, None)]


def test_a_failed_index_write_counts_as_unsaved_and_is_retried(
    writer: SessionWriter, store: FlakyStore
) -> None:
    store.fail["index"] = 1
    writer.end([])
    assert writer.unsaved_count == 1
    assert writer.due(ended=False)  # retried while it keeps failing, ended or not
    writer.retry(ended=False)
    assert store.indexes == [(7, None)] and writer.unsaved_count == 0


def test_an_unsaved_agreement_is_kept_and_saved_with_the_next_index_flush(
    writer: SessionWriter, store: FlakyStore
) -> None:
    agreement = build_agreement(build_party("Ann"), client_id="c1")
    store.fail["agreement"] = 1
    writer.save_agreement(agreement)
    assert writer.agreement_dirty and writer.dirty and store.agreements == []
    writer.flush(index=False)
    assert writer.agreement_dirty  # only an index flush retries it
    writer.flush(index=True)
    assert store.agreements == [agreement] and not writer.agreement_dirty


def test_nothing_is_written_before_the_session_has_a_record(store: FlakyStore) -> None:
    writer = SessionWriter(store, 2.0, lambda record: None)
    writer.add([note(1)])
    writer.flush(index=True)
    assert store.events == [] and store.indexes == []
