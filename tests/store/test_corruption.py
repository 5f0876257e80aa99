"""A damaged file is reported with a clear error naming it, and is never written over."""

from __future__ import annotations

import errno
import os
import pathlib
from datetime import datetime

import orjson
import pytest

from roomguard.core.events import NoteAdded
from roomguard.store import Store, StoreCorrupt, StoreTooNew
from roomguard.store.migrations import SCHEMA_VERSION
from tests.builders import build_agreement, build_client

T0 = datetime(2026, 3, 2, 10, 0)
RUNNING_AS_ROOT = os.geteuid() == 0
_real_read_bytes = pathlib.Path.read_bytes


@pytest.fixture
def populated(store_path):
    with Store.open(store_path) as store:
        store.save_client(build_client(name="Ann", id="ann"))
        store.save_agreement(build_agreement(client_id="ann", id="ag", muted_phrases=["x"]))
        record = store.start_session("ann", T0, 1, [])
        store.append_event(record.id, NoteAdded(at=T0, text="hello"))
    return store_path, record


# How each file is reached: opening the store reads meta.json and practice.json; the others
# are read when asked for.
def _open(root, record):
    Store.open(root).close()


def _agreement(root, record):
    with Store.open(root) as store:
        store.agreement("ann")


def _sessions(root, record):
    with Store.open(root) as store:
        list(store.sessions())


FILES = {
    "meta": (lambda root, rec: root / "meta.json", _open),
    "practice": (lambda root, rec: root / "practice.json", _open),
    "client": (lambda root, rec: root / "clients" / "ann.json", _agreement),
    "month-index": (lambda root, rec: root / "sessions" / f"{rec.month}.json", _sessions),
}

DAMAGE = {
    "truncated": lambda raw: raw[: len(raw) // 2],
    "zero-length": lambda raw: b"",
    "whitespace-only": lambda raw: b"  \n",
    "invalid-json": lambda raw: b"{not json at all",
    "binary-garbage": lambda raw: bytes(range(256)),
    "nul-filled": lambda raw: b"\x00" * len(raw),
    "top-level-list": lambda raw: b"[1, 2, 3]",
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
@pytest.mark.parametrize("file", FILES.values(), ids=FILES.keys())
def test_damaged_file_raises_store_corrupt_naming_it_and_is_left_untouched(populated, file, damage):
    root, record = populated
    locate, reach = file
    path = locate(root, record)
    path.write_bytes(damage(path.read_bytes()))
    before = path.read_bytes()

    with pytest.raises(StoreCorrupt) as caught:
        reach(root, record)

    assert caught.value.path == path
    assert str(path) in str(caught.value)
    assert "left untouched" in str(caught.value)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "doc",
    [{"clients": []}, {"clients": {"1": {"name": 5}}}, {"clients": {"1": {"id": "x"}}}],
    ids=["table-not-object", "wrong-type", "missing-name"],
)
def test_practice_file_of_the_wrong_shape_is_corrupt(populated, doc):
    root, _ = populated
    path = root / "practice.json"
    path.write_bytes(orjson.dumps(doc))
    with pytest.raises(StoreCorrupt) as caught, Store.open(root) as store:
        store.clients()
    assert caught.value.path == path
    assert path.read_bytes() == orjson.dumps(doc)


def test_a_corrupt_client_file_is_not_overwritten_by_a_save(populated):
    root, _ = populated
    path = root / "clients" / "ann.json"
    path.write_bytes(b'{"agreement": {"1": {"client_id": "ann", "id": "ag", "terms": ')
    with Store.open(root) as store:
        with pytest.raises(StoreCorrupt):
            store.save_agreement(build_agreement(client_id="ann", id="ag"))
        # the rest of the store is still usable
        store.save_client(build_client(name="Bea", id="bea"))
        assert [c.name for c in store.clients()] == ["Ann", "Bea"]
    assert path.read_bytes().endswith(b'"terms": ')


@pytest.mark.parametrize(
    "meta",
    [b"{}", b'{"schema_version": "one"}', b'{"schema_version": null}', b"[1]"],
    ids=["no-version", "text-version", "null-version", "list"],
)
def test_meta_without_a_readable_version_is_corrupt(populated, meta):
    root, _ = populated
    (root / "meta.json").write_bytes(meta)
    with pytest.raises(StoreCorrupt, match="schema version") as caught:
        Store.open(root)
    assert caught.value.path == root / "meta.json"
    assert (root / "meta.json").read_bytes() == meta


def test_missing_meta_in_a_store_with_data_is_corrupt(populated):
    root, _ = populated
    (root / "meta.json").unlink()
    with pytest.raises(StoreCorrupt, match="missing") as caught:
        Store.open(root)
    assert caught.value.path == root / "meta.json"
    assert not (root / "meta.json").exists()


@pytest.mark.parametrize("readonly", [False, True])
def test_store_from_the_future_is_refused_and_untouched(populated, readonly):
    root, _ = populated
    meta = orjson.dumps({"schema_version": SCHEMA_VERSION + 1, "written_by": "Roomguard 9"})
    (root / "meta.json").write_bytes(meta)
    files = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and p.suffix != ".lock"}
    with pytest.raises(StoreTooNew) as caught:
        Store.open(root, readonly=readonly)
    assert caught.value.path == root / "meta.json"
    assert f"schema version {SCHEMA_VERSION + 1}" in str(caught.value)
    assert f"up to version {SCHEMA_VERSION}" in str(caught.value)
    assert {p: p.read_bytes() for p in files} == files
    assert not (root / "backups").exists()  # nothing was migrated, nothing to back up


def test_a_refused_open_releases_the_lock(populated):
    root, _ = populated
    meta = (root / "meta.json").read_bytes()
    (root / "meta.json").write_bytes(b"")
    with pytest.raises(StoreCorrupt):
        Store.open(root)
    (root / "meta.json").write_bytes(meta)  # the coach restores the file
    with Store.open(root) as store:
        assert store.lock_recovered_from is None
        assert [c.name for c in store.clients()] == ["Ann"]


# ------------------------------------------------------------------ unreadable files


@pytest.fixture
def unreadable(monkeypatch):
    """Make a file unreadable: chmod 000, and, as root (who ignores modes), refuse reads."""
    made: list[pathlib.Path] = []
    real_open = os.open

    def read_bytes(self):
        if RUNNING_AS_ROOT and self in made:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return _real_read_bytes(self)

    def os_open(path, flags, *args, **kwargs):
        if RUNNING_AS_ROOT and pathlib.Path(path) in made:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "read_bytes", read_bytes)
    monkeypatch.setattr(os, "open", os_open)

    def make(path: pathlib.Path) -> pathlib.Path:
        path.chmod(0o000)
        made.append(path)
        return path

    yield make
    for path in made:
        path.chmod(0o600)


UNREADABLE = {
    **FILES,
    "journal": (
        lambda root, rec: root / "sessions" / rec.month / f"{rec.id}.jsonl",
        lambda root, rec: Store.open(root).events(rec.id),
    ),
}


@pytest.mark.parametrize("file", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_unreadable_file_raises_store_corrupt_naming_it(populated, unreadable, file):
    root, record = populated
    locate, reach = file
    path = locate(root, record)
    before = path.read_bytes()
    unreadable(path)
    with pytest.raises(StoreCorrupt) as caught:
        reach(root, record)
    assert caught.value.path == path
    assert str(path) in str(caught.value)
    assert "ermission denied" in str(caught.value)
    path.chmod(0o600)
    assert _real_read_bytes(path) == before
