"""Whatever the store is given, it gives back equal, after a close and a reopen, hostile text included."""

from __future__ import annotations

import copy
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roomguard.core.events import SessionEnded, SessionStarted
from roomguard.core.session import replay
from roomguard.store import Store
from tests.builders import build_client
from tests.strategies import (
    HOSTILE_SAMPLES,
    any_event,
    clients,
    clients_with_agreements,
    hostile_text,
    session_records,
)


@pytest.fixture(autouse=True)
def _skip_fsync(monkeypatch):
    """These tests are about encoding, not durability (tests/store/test_write_failures.py and
    tests/reliability/ cover that): skipping fsync keeps hundreds of store round trips quick
    on a busy disk."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)


@contextmanager
def fresh_store_path() -> Iterator[Path]:
    # Hypothesis runs many examples per test: a new directory each, not the per-test tmp_path.
    with tempfile.TemporaryDirectory(prefix="roomguard-rt-") as tmp:
        yield Path(tmp) / "store"


@given(st.lists(clients(), max_size=4, unique_by=lambda c: c.id))
def test_clients_come_back_equal_after_reopen(saved):
    with fresh_store_path() as root:
        with Store.open(root) as store:
            for client in saved:
                store.save_client(client)
            assert {c.id: c for c in store.clients()} == {c.id: c for c in saved}
        with Store.open(root) as store:
            assert {c.id: c for c in store.clients()} == {c.id: c for c in saved}
            for client in saved:
                assert store.client(client.id) == client


# An agreement is the largest thing the store holds; drawing one costs more than the rest of
# an example. Take half the profile's examples (30 in "ci", 250 in "long").
HEAVY = settings(max_examples=max(10, settings.default.max_examples // 2))


@HEAVY
@given(clients_with_agreements(), st.lists(hostile_text(), max_size=3), hostile_text())
def test_agreement_comes_back_equal_after_reopen_and_after_an_edit(pair, muted, note):
    client, agreement = pair
    with fresh_store_path() as root:
        with Store.open(root) as store:
            store.save_client(client)
            store.save_agreement(agreement)
            assert store.agreement(client.id) == agreement
        with Store.open(root) as store:
            assert store.agreement(client.id) == agreement
            assert list(store.agreements()) == [(client, agreement)]
            edited = copy.deepcopy(agreement)
            edited.muted_phrases = muted
            edited.terms.version += 1
            edited.history.append(agreement.terms)
            for consent in edited.consents:
                consent.revocation_note = note
            store.save_agreement(edited)
        with Store.open(root) as store:
            assert store.agreement(client.id) == edited


@given(session_records(), st.lists(any_event(), max_size=15))
def test_session_record_and_events_come_back_equal_after_reopen(record, events):
    """A journal holds at least its start, and an ended session's journal its end; a session
    still open comes back with the counts its journal adds up to (what a crash recovery does)."""
    events = [SessionStarted(at=record.started_at, client_id=record.client_id,
                             terms_version=record.terms_version), *events]
    if record.ended_at is not None:
        events.append(SessionEnded(at=record.ended_at))
    with fresh_store_path() as root:
        with Store.open(root) as store:
            for event in events:  # the app's order: the journal, then the index row
                store.append_event(record.id, event)
            store.update_session(record)
            assert store.events(record.id) == events
        expected = copy.copy(record)
        if record.ended_at is None:
            state = replay(events, record.id)
            expected.alerts, expected.unhandled = len(state.alerts), len(state.unacknowledged())
            expected.ended_at = state.ended_at  # an end in the journal ends it
        with Store.open(root) as store:
            assert store.session(record.id) == expected
            assert list(store.sessions()) == [expected]
            assert store.events(record.id) == events


@given(st.text("abcdefgh", min_size=1, max_size=8), hostile_text() | st.lists(hostile_text()))
def test_settings_come_back_equal_after_reopen(key, value):
    with fresh_store_path() as root:
        with Store.open(root) as store:
            store.set_setting(key, value)
        with Store.open(root) as store:
            assert store.setting(key) == value


def test_every_hostile_sample_survives_as_a_client_name(store_path):

    saved = [build_client(name=text or "(empty)", notes=text) for text in HOSTILE_SAMPLES]
    with Store.open(store_path) as store:
        for client in saved:
            store.save_client(client)
    with Store.open(store_path) as store:
        assert sorted((c.id, c.name, c.notes) for c in store.clients()) == sorted(
            (c.id, c.name, c.notes) for c in saved
        )
