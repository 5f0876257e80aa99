"""One writer at a time; a second one is told who holds the store; a crashed holder never wedges it."""

from __future__ import annotations

import json
import os
from datetime import datetime

import pytest

from roomguard.core.events import NoteAdded
from roomguard.store import Store, StoreLocked, StoreReadOnly
from tests.builders import build_agreement, build_client
from tests.reliability.children import Child, run_probe

T0 = datetime(2026, 3, 2, 10, 0)


def test_second_open_is_refused_naming_the_holder_pid(store):
    with pytest.raises(StoreLocked) as caught:
        Store.open(store.root)
    assert f"pid {os.getpid()}" in caught.value.holder
    assert f"pid {os.getpid()}" in str(caught.value)
    assert str(store.root) in str(caught.value)
    assert caught.value.title == "Store in use"


def test_refused_open_leaves_the_holder_in_charge(store):
    with pytest.raises(StoreLocked):
        Store.open(store.root)
    store.save_client(build_client(name="Ann", id="ann"))  # the first instance still writes
    assert store.lock.held
    with pytest.raises(StoreLocked):
        Store.open(store.root)


def test_fallback_readonly_opens_read_only_and_says_why(store):
    store.save_client(build_client(name="Ann", id="ann"))
    with Store.open(store.root, fallback_readonly=True) as second:
        assert second.readonly
        assert "Another Roomguard" in second.readonly_reason
        assert f"pid {os.getpid()}" in second.readonly_reason
        assert [c.name for c in second.clients()] == ["Ann"]
        assert second.lock_recovered_from is None
    store.save_client(build_client(name="Bea", id="bea"))  # closing the reader freed nothing of ours
    with pytest.raises(StoreLocked):
        Store.open(store.root)


def test_read_only_reader_sees_the_writers_later_saves(store):
    with Store.open(store.root, fallback_readonly=True) as reader:
        assert reader.clients() == []
        store.save_client(build_client(name="Ann", id="ann"))
        assert [c.name for c in reader.clients()] == ["Ann"]


READONLY_WRITES = {
    "save_client": lambda s: s.save_client(build_client(name="X", id="x")),
    "save_agreement": lambda s: s.save_agreement(build_agreement(client_id="ann")),
    "set_setting": lambda s: s.set_setting("k", 1),
    "start_session": lambda s: s.start_session("ann", T0, 1, []),
    "append_event": lambda s: s.append_event("202603-abc", NoteAdded(at=T0, text="x")),
    "delete_client": lambda s: s.delete_client("ann"),
    "restore": lambda s: s.restore(s.root / "backups" / "none.zip"),
}


@pytest.mark.parametrize("write", READONLY_WRITES.values(), ids=READONLY_WRITES.keys())
@pytest.mark.parametrize("how", ["readonly", "fallback"])
def test_read_only_store_refuses_every_write(store_path, write, how):
    with Store.open(store_path) as writer:
        writer.save_client(build_client(name="Ann", id="ann"))
        writer.save_agreement(build_agreement(client_id="ann", id="ag"))
        if how == "readonly":
            writer.close()
            reader = Store.open(store_path, readonly=True)
        else:
            reader = Store.open(store_path, fallback_readonly=True)
        before = {p: p.read_bytes() for p in store_path.rglob("*.json")}
        try:
            with pytest.raises(StoreReadOnly) as caught:
                write(reader)
            assert "read-only" in str(caught.value) or "read only" in str(caught.value)
            assert {p: p.read_bytes() for p in store_path.rglob("*.json")} == before
            assert [c.name for c in reader.clients()] == ["Ann"]  # still readable afterwards
        finally:
            reader.close()


def test_read_only_open_of_a_missing_store_creates_nothing(tmp_path):
    root = tmp_path / "nothing-here"
    with Store.open(root, readonly=True) as store:
        assert store.is_empty()
    assert not root.exists()


def test_clean_close_leaves_no_holder_behind(store_path):
    Store.open(store_path).close()
    with Store.open(store_path) as again:
        assert again.lock_recovered_from is None
    assert (store_path / "roomguard.lock").read_bytes() == b""


def test_stale_lock_of_a_killed_process_is_recovered(store_path, tmp_path):
    with Store.open(store_path) as store:
        store.save_client(build_client(name="Ann", id="ann"))
    holder = Child("hold", store_path, stderr_path=tmp_path / "hold.err")
    try:
        assert holder.read_line() == f"ready {holder.pid}"
        with pytest.raises(StoreLocked) as caught:
            Store.open(store_path)
        assert f"pid {holder.pid}" in str(caught.value)
    finally:
        holder.kill()
    lock_file = json.loads((store_path / "roomguard.lock").read_bytes())
    assert lock_file["pid"] == holder.pid  # the killed process could not clean up

    with Store.open(store_path) as store:
        assert store.lock_recovered_from is not None
        assert store.lock_recovered_from.pid == holder.pid
        assert [c.name for c in store.clients()] == ["Ann"]
        store.save_client(build_client(name="Bea", id="bea"))
    with Store.open(store_path) as store:  # and once recovered, the next open is a clean one
        assert store.lock_recovered_from is None


def test_another_process_is_refused_while_we_hold_the_store(store, tmp_path):
    outcome = run_probe(store.root, tmp_path / "probe.err")
    assert outcome["outcome"] == "locked"
    assert f"pid {os.getpid()}" in outcome["holder"]
