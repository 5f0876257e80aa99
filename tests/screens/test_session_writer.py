"""The session's save queue on its own: order kept, nothing lost, one notice per failing run."""

from __future__ import annotations

import errno
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from roomguard.core.events import Event, NoteAdded
from roomguard.core.models import Agreement, Participant, Role, SessionRecord
from roomguard.screens.session_writer import SessionWriter
from roomguard.store import WriteFailed

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

    def append_event(self, session_id: str, event: Event) -> None:
        self._maybe_fail("event")
        self.events.append(event)

    def update_session(self, record: SessionRecord) -> None:
        self._maybe_fail("index")
        self.indexes.append((record.alerts, record.ended_at))

    def save_agreement(self, agreement: Agreement) -> None:
        self._maybe_fail("agreement")
        self.agreements.append(agreement)


def note(n: int) -> NoteAdded:
    return NoteAdded(AT, f"note {n}")


@pytest.fixture
def store() -> FlakyStore:
    return FlakyStore()


@pytest.fixture
def notices() -> list[tuple[str, dict[str, Any]]]:
    return []


@pytest.fixture
def writer(store: FlakyStore, notices: list[tuple[str, dict[str, Any]]]) -> SessionWriter:
    def notify(message: str, **kwargs: Any) -> None:
        notices.append((message, kwargs))

    def fill(record: SessionRecord) -> None:
        record.alerts = 7

    w = SessionWriter(lambda: store, notify, 2.0, fill)  # type: ignore[arg-type, return-value]
    w.record = SessionRecord(client_id="c1", started_at=AT, terms_version=1)
    return w


def test_events_are_written_in_order(writer: SessionWriter, store: FlakyStore) -> None:
    writer.add([note(1), note(2)])
    writer.add([note(3)])
    assert [e.text for e in store.events] == ["note 1", "note 2", "note 3"]  # type: ignore[attr-defined]
    assert writer.unsaved_count == 0 and not writer.dirty


def test_a_failed_write_keeps_it_and_everything_after_queued_in_order(
    writer: SessionWriter, store: FlakyStore, notices: list[tuple[str, dict[str, Any]]]
) -> None:
    store.fail["event"] = 2
    writer.add([note(1), note(2)])
    writer.add([note(3)])
    assert store.events == []
    assert writer.unsaved_count == 3 and writer.failing
    assert len(notices) == 1 and "disk full" in notices[0][0]  # told once, not per failure
    writer.flush(index=False)  # the retry timer
    assert [e.text for e in store.events] == ["note 1", "note 2", "note 3"]  # type: ignore[attr-defined]
    assert writer.unsaved_count == 0 and not writer.failing
    assert notices[-1][0] == "Everything is saved again."


def test_the_index_waits_for_an_index_flush_unless_it_is_missing(
    writer: SessionWriter, store: FlakyStore
) -> None:
    writer.index_dirty = True
    writer.add([note(1)])
    assert store.indexes == []  # counts changed, but the journal holds them
    assert writer.due(ended=False) is False
    assert writer.due(ended=True) is True
    writer.flush(index=True)
    assert store.indexes == [(7, None)]  # fill_index ran first
    writer.index_missing = True
    writer.add([note(2)])
    assert len(store.indexes) == 2  # a missing entry is written at the first chance


def test_a_failed_index_write_counts_as_unsaved_and_is_retried(
    writer: SessionWriter, store: FlakyStore
) -> None:
    store.fail["index"] = 1
    writer.index_dirty = True
    writer.flush(index=True)
    assert writer.index_failed and writer.unsaved_count == 1
    assert writer.due(ended=False)  # retried while it keeps failing, ended or not
    writer.flush(index=True)
    assert store.indexes == [(7, None)] and writer.unsaved_count == 0


def test_an_unsaved_agreement_is_kept_and_saved_with_the_next_index_flush(
    writer: SessionWriter, store: FlakyStore
) -> None:
    agreement = Agreement(client_id="c1", participants=[Participant(name="Ann", role=Role.CLIENT)])
    store.fail["agreement"] = 1
    writer.save_agreement(agreement)
    assert writer.agreement_dirty and writer.dirty and store.agreements == []
    writer.flush(index=False)
    assert writer.agreement_dirty  # only an index flush retries it
    writer.flush(index=True)
    assert store.agreements == [agreement] and not writer.agreement_dirty


def test_nothing_is_written_before_the_session_has_a_record(
    writer: SessionWriter, store: FlakyStore
) -> None:
    writer.record = None
    writer.add([note(1)])
    writer.flush(index=True)
    assert store.events == [] and store.indexes == []
