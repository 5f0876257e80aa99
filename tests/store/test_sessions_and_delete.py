"""Session history newest first with filters; deleting a client purges every trace from the live store."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from roomguard.core.events import NoteAdded, PresenceChanged
from roomguard.core.models import Role
from roomguard.store import Store, StoreReadOnly
from roomguard.store.errors import FileMissing
from tests.builders import build_agreement, build_client, build_party

STARTS = {
    "ann": [datetime(2025, 12, 30, 9), datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 14)],
    "bea": [datetime(2025, 12, 31, 23, 59), datetime(2026, 1, 31, 18), datetime(2026, 3, 1, 0)],
}


@pytest.fixture
def practice(store_path):
    with Store.open(store_path) as store:
        for cid, name in (("ann0000000000001", "Ann Secret"), ("bea0000000000002", "Bea")):
            store.save_client(build_client(name=name, id=cid))
            store.save_agreement(
                build_agreement(
                    client_id=cid,
                    participants=[build_party(name=f"{name} herself", role=Role.CLIENT)],
                )
            )
        ids = {}
        for short, starts in STARTS.items():
            cid = "ann0000000000001" if short == "ann" else "bea0000000000002"
            for at in starts:
                record = store.start_session(cid, at, 1, [])
                store.append_event(record.id, NoteAdded(at=at, text=f"about {short}'s divorce"))
                ids[(short, at)] = record.id
    return store_path, ids


def started(records):
    return [r.started_at for r in records]


def test_sessions_come_newest_first_across_months(practice):
    root, _ = practice
    with Store.open(root) as store:
        everything = sorted([at for starts in STARTS.values() for at in starts], reverse=True)
        assert started(store.sessions()) == everything
        assert store.months() == ["202603", "202601", "202512"]


def test_sessions_filter_by_client(practice):
    root, _ = practice
    with Store.open(root) as store:
        assert started(store.sessions(client_id="ann0000000000001")) == sorted(
            STARTS["ann"], reverse=True
        )
        assert list(store.sessions(client_id="nobody")) == []


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        (
            date(2026, 1, 5),
            None,
            [
                datetime(2026, 3, 1, 0),
                datetime(2026, 1, 31, 18),
                datetime(2026, 1, 5, 14),
                datetime(2026, 1, 5, 9),
            ],
        ),
        (None, date(2025, 12, 31), [datetime(2025, 12, 31, 23, 59), datetime(2025, 12, 30, 9)]),
        (
            date(2025, 12, 31),
            date(2026, 1, 5),
            [datetime(2026, 1, 5, 14), datetime(2026, 1, 5, 9), datetime(2025, 12, 31, 23, 59)],
        ),
        (date(2026, 1, 6), date(2026, 1, 30), []),
        (date(2026, 3, 1), date(2026, 3, 1), [datetime(2026, 3, 1, 0)]),
        (date(2027, 1, 1), None, []),
    ],
)
def test_sessions_filter_by_date_inclusive(practice, since, until, expected):
    root, _ = practice
    with Store.open(root) as store:
        assert started(store.sessions(since=since, until=until)) == expected


def test_sessions_filter_by_client_and_date(practice):
    root, _ = practice
    with Store.open(root) as store:
        found = store.sessions(client_id="bea0000000000002", since=date(2026, 1, 1))
        assert started(found) == [datetime(2026, 3, 1, 0), datetime(2026, 1, 31, 18)]


def test_reading_stops_with_the_iteration(practice, monkeypatch):
    """History is read a month at a time: taking the newest session reads one month's index."""
    root, _ = practice
    with Store.open(root) as store:
        opened = []
        real = store._table
        monkeypatch.setattr(
            store, "_table", lambda path, *args: opened.append(path) or real(path, *args)
        )
        newest = next(iter(store.sessions()))
        assert newest.started_at == datetime(2026, 3, 1, 0)
        indexes = [p for p in opened if p.parent == root / "sessions"]
        assert indexes == [root / "sessions" / "202603.json"]


def test_open_sessions_until_ended(practice):
    root, ids = practice
    with Store.open(root) as store:
        assert len(store.open_sessions()) == 6
        record = store.session(ids[("ann", datetime(2026, 1, 5, 9))])
        store.end_session(record, datetime(2026, 1, 5, 10))
    with Store.open(root) as store:
        assert len(store.open_sessions()) == 5
        ended = store.session(record.id)
        assert ended.ended_at == datetime(2026, 1, 5, 10)
        assert type(store.events(record.id)[-1]).__name__ == "SessionEnded"


def test_unknown_session_is_none(practice):
    root, _ = practice
    with Store.open(root) as store:
        assert store.session("209901-0000000000000000") is None
        assert store.session("202601-0000000000000000") is None
        with pytest.raises(FileMissing, match="journal of session 202601-0000000000000000"):
            store.events("202601-0000000000000000")  # never an empty session


# ------------------------------------------------------------------ delete


def every_live_byte(root):
    return {
        p: p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and "backups" not in p.relative_to(root).parts
    }


def test_delete_client_purges_client_file_index_rows_and_journals(practice):
    root, ids = practice
    ann = "ann0000000000001"
    with Store.open(root) as store:
        live = ids[("ann", datetime(2026, 1, 5, 14))]
        store.append_event(
            live, PresenceChanged(at=datetime(2026, 1, 5, 14, 5), participant_id="x", present=True)
        )
        assert store.delete_client(ann) == 3
        assert store.client(ann) is None
        assert store.agreement(ann) is None
        assert list(store.sessions(client_id=ann)) == []
        assert len(list(store.sessions())) == 3
    assert not (root / "clients" / f"{ann}.json").exists()
    for (who, _), sid in ids.items():
        journal = root / "sessions" / sid[:6] / f"{sid}.jsonl"
        assert journal.exists() == (who == "bea"), journal
    for path, raw in every_live_byte(root).items():
        assert ann.encode() not in raw, path
        assert b"Ann Secret" not in raw, path
        assert b"ann's divorce" not in raw, path

    with Store.open(root) as store:  # the other client is untouched
        assert [c.name for c in store.clients()] == ["Bea"]
        assert store.agreement("bea0000000000002") is not None
        for at in STARTS["bea"]:
            assert len(store.events(ids[("bea", at)])) == 2


def test_delete_unknown_client_is_harmless(practice):
    root, _ = practice
    with Store.open(root) as store:
        before = every_live_byte(root)
        assert store.delete_client("nobody") == 0
        assert [c.name for c in store.clients()] == ["Ann Secret", "Bea"]
    after = every_live_byte(root)
    after.pop(root / "roomguard.lock"), before.pop(root / "roomguard.lock")
    assert after == before


def test_a_deleted_client_can_be_recreated_from_scratch(practice):
    root, _ = practice
    ann = "ann0000000000001"
    with Store.open(root) as store:
        store.delete_client(ann)
        store.save_client(build_client(name="Ann Again", id=ann))
        assert store.agreement(ann) is None
        store.save_agreement(build_agreement(client_id=ann, id="fresh"))
    with Store.open(root) as store:
        assert store.agreement(ann).id == "fresh"
        assert list(store.sessions(client_id=ann)) == []


def test_delete_client_needs_a_writable_store(practice):
    root, _ = practice
    with Store.open(root, readonly=True) as store, pytest.raises(StoreReadOnly):
        store.delete_client("ann0000000000001")
