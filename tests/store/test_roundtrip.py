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

from roomguard.store import Store
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
    with fresh_store_path() as root:
        with Store.open(root) as store:
            store.update_session(record)
            for event in events:
                store.append_event(record.id, event)
            assert store.events(record.id) == events
        with Store.open(root) as store:
            assert store.session(record.id) == record
            assert list(store.sessions()) == [record]
            assert store.events(record.id) == events


@given(st.text("abcdefgh", min_size=1, max_size=8), hostile_text() | st.lists(hostile_text()))
def test_settings_come_back_equal_after_reopen(key, value):
    with fresh_store_path() as root:
        with Store.open(root) as store:
            store.set_setting(key, value)
        with Store.open(root) as store:
            assert store.setting(key) == value


def test_every_hostile_sample_survives_as_a_client_name(store_path):
    from roomguard.core.models import Client

    saved = [Client(name=text or "(empty)", notes=text) for text in HOSTILE_SAMPLES]
    with Store.open(store_path) as store:
        for client in saved:
            store.save_client(client)
    with Store.open(store_path) as store:
        assert sorted((c.id, c.name, c.notes) for c in store.clients()) == sorted(
            (c.id, c.name, c.notes) for c in saved
        )
