"""Migrations: an older store is verified, backed up once, then upgraded step by step.

Version 1 is the store as the previous Roomguard wrote it (plain JSON); version 2 seals every
file with a checksum. A schema version no Roomguard wrote is refused by name, never guessed.
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import orjson
import pytest

from roomguard.core.events import AlertRaised, NoteAdded, SessionEnded, SessionStarted
from roomguard.core.models import SessionRecord
from roomguard.store import Store, StoreCorrupt, StoreReadOnly, backups, migrations
from roomguard.store import store as store_module
from roomguard.store.codec import dump, dump_event
from roomguard.store.errors import FileDamaged, SchemaInvalid
from roomguard.store.journal import encode_line
from roomguard.store.seal import is_sealed, seal, unseal
from tests.builders import build_agreement, build_client

T0 = datetime(2026, 3, 2, 10, 0)


def _write_json(path: Path, doc: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(doc))


def write_version_1(root: Path) -> dict[str, object]:
    """A store exactly as Roomguard wrote it at schema version 1: plain JSON TinyDB files, a
    client (Bea) with no agreement and so no file, one ended session, one left open by a crash
    with an unacknowledged alert its index row does not count."""
    ann, bea = build_client(name="Ann", id="ann", notes="old"), build_client(name="Bea", id="bea")
    agreement = build_agreement(client_id="ann", id="ag", muted_phrases=["x"])
    ended = SessionRecord(client_id="ann", started_at=T0, id="202603-ended", ended_at=T0)
    crashed = SessionRecord(client_id="ann", started_at=T0, id="202603-crashed")
    _write_json(root / "meta.json", {"schema_version": 1})
    _write_json(root / "practice.json", {"clients": {"1": dump(ann), "2": dump(bea)},
                                         "settings": {"1": {"key": "theme", "value": "dark"}}})
    _write_json(root / "clients" / "ann.json", {"agreement": {"1": dump(agreement)}})
    _write_json(root / "sessions" / "202603.json",
                {"sessions": {"1": dump(ended), "2": dump(crashed)}})
    start = SessionStarted(at=T0, client_id="ann", terms_version=1, present=[])
    alert = AlertRaised(T0, "t1", "Money", ["p3"], "p3 has no scope", "salary")
    journals = {
        ended.id: [start, NoteAdded(at=T0, text="done"), SessionEnded(at=T0)],
        crashed.id: [start, alert],
    }
    (root / "sessions" / "202603").mkdir()
    for sid, events in journals.items():
        (root / "sessions" / "202603" / f"{sid}.jsonl").write_bytes(
            b"".join(encode_line(dump_event(e)) for e in events))
    return {"ann": ann, "bea": bea, "agreement": agreement, "ended": ended, "crashed": crashed}


def files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "roomguard.lock"}


def meta_version(root: Path) -> int:
    raw = (root / "meta.json").read_bytes()
    return orjson.loads(unseal(raw) if is_sealed(raw) else raw)["schema_version"]


@pytest.fixture
def v1(store_path):
    return store_path, write_version_1(store_path)


def test_a_version_1_store_is_backed_up_then_sealed_and_reads_the_same(v1):
    root, made = v1
    before = files(root)
    with Store.open(root) as store:
        assert store.migrated_from == 1
        assert [c.name for c in store.clients()] == ["Ann", "Bea"]
        assert store.agreement("ann") == made["agreement"]
        assert store.agreement("bea") is None  # a client without an agreement has none
        assert store.setting("theme") == "dark"
        assert len(store.events("202603-ended")) == 3
    assert meta_version(root) == 2
    for path in [root / "meta.json", root / "practice.json", root / "clients" / "ann.json",
                 root / "clients" / "bea.json", root / "sessions" / "202603.json"]:
        assert is_sealed(path.read_bytes()), path
        unseal(path.read_bytes())
    (backup,) = backups.list_backups(root)
    assert backup.reason == "pre-migration-v1"
    assert backups.check_backup(backup.path).state == backups.GOOD
    with zipfile.ZipFile(backup.path) as zf:  # the version 1 files, as they were
        assert {root / n: zf.read(n) for n in zf.namelist() if n != backups.MANIFEST} == before


def test_a_session_a_version_1_crash_left_open_gets_its_counts_from_its_journal(v1):
    """Version 1 wrote the counts only at a session's start and end (issue 17, item 3)."""
    root, made = v1
    with Store.open(root) as store:
        crashed = store.session("202603-crashed")
        assert (crashed.alerts, crashed.unhandled, crashed.ended_at) == (1, 1, None)
        assert [r.id for r in store.sessions() if r.unhandled] == ["202603-crashed"]
        assert any("202603-crashed" in line for line in store.recovered)
    with Store.open(root) as store:  # persisted, and not recomputed again
        assert store.session("202603-crashed").unhandled == 1
        assert store.recovered == []


def test_a_current_store_is_neither_backed_up_nor_migrated(v1):
    root, _ = v1
    Store.open(root).close()
    before = files(root)
    with Store.open(root) as store:
        assert store.migrated_from is None
    assert len(backups.list_backups(root)) == 1  # the migration's only
    assert files(root) == before


def test_a_new_store_starts_at_the_current_version_without_a_backup(store_path):
    Store.open(store_path).close()
    assert meta_version(store_path) == migrations.SCHEMA_VERSION
    assert is_sealed((store_path / "practice.json").read_bytes())
    assert backups.list_backups(store_path) == []


def test_read_only_open_reads_a_version_1_store_as_it_is_and_changes_nothing(v1):
    root, made = v1
    before = files(root)
    with Store.open(root, readonly=True) as store:
        assert store.migrated_from is None
        assert [c.name for c in store.clients()] == ["Ann", "Bea"]
        assert store.agreement("ann") == made["agreement"]
        with pytest.raises(StoreReadOnly):
            store.save_client(build_client(name="Cy", id="cy"))
    assert files(root) == before
    assert not (root / "backups").exists()


def test_a_damaged_version_1_store_is_refused_by_name_and_neither_backed_up_nor_migrated(v1):
    root, _ = v1
    (root / "sessions" / "202603.json").unlink()  # its journals are still there
    before = files(root)
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(root)
    assert caught.value.path == root / "sessions" / "202603.json"
    assert "missing" in str(caught.value)
    assert files(root) == before
    assert backups.list_backups(root) == []


# ------------------------------------------------------------------ later steps


def _sealed_practice(root: Path, change) -> None:
    path = root / "practice.json"
    doc = orjson.loads(unseal(path.read_bytes()))
    for row in doc.get("clients", {}).values():
        change(row)
    path.write_bytes(seal(orjson.dumps(doc)))


@pytest.fixture
def schema(monkeypatch):
    """Pretend this Roomguard understands *version*, with the given steps."""

    def use(version: int, steps: dict) -> list[int]:
        ran: list[int] = []
        monkeypatch.setattr(migrations, "SCHEMA_VERSION", version)
        monkeypatch.setattr(store_module, "SCHEMA_VERSION", version)
        for n, step in steps.items():

            def run(root, n=n, step=step):
                ran.append(n)
                step(root)

            monkeypatch.setitem(migrations.MIGRATIONS, n, run)
        return ran

    return use


@pytest.fixture
def v2_store(store_path):
    with Store.open(store_path) as store:
        store.save_client(build_client(name="Ann", id="ann", notes="old"))
    assert meta_version(store_path) == 2
    return store_path


def test_later_steps_run_in_order_after_one_backup(v2_store, schema):
    ran = schema(4, {
        2: lambda root: _sealed_practice(root, lambda c: c.update(notes=c["notes"] + "+v3")),
        3: lambda root: _sealed_practice(root, lambda c: c.update(notes=c["notes"] + "+v4")),
    })
    with Store.open(v2_store) as store:
        assert ran == [2, 3]
        assert store.migrated_from == 2
        assert store.client("ann").notes == "old+v3+v4"
    assert meta_version(v2_store) == 4
    assert [b.reason for b in backups.list_backups(v2_store)] == ["pre-migration-v2"]


def test_read_only_open_of_an_older_store_it_cannot_read_refuses_and_changes_nothing(
        v2_store, schema):
    ran = schema(3, {2: lambda root: _sealed_practice(root, lambda c: c.update(notes="new"))})
    before = files(v2_store)
    with pytest.raises(StoreReadOnly, match="needs migrating"):
        Store.open(v2_store, readonly=True)
    assert ran == []
    assert files(v2_store) == before


def test_a_failing_step_stops_at_the_last_good_version_and_resumes_later(v2_store, schema):
    def broken(root):
        raise RuntimeError("step 3 crashed")

    ran = schema(4, {2: lambda root: _sealed_practice(root, lambda c: c.update(notes="v3")),
                     3: broken})
    with pytest.raises(RuntimeError, match="step 3 crashed"):
        Store.open(v2_store)
    assert ran == [2, 3]
    assert meta_version(v2_store) == 3  # step 2 is recorded as done

    ran = schema(4, {3: lambda root: _sealed_practice(root, lambda c: c.update(notes="v4"))})
    with Store.open(v2_store) as store:  # the lock was released by the failed open
        assert ran == [3]
        assert store.migrated_from == 3
        assert store.client("ann").notes == "v4"
    assert sorted(b.reason for b in backups.list_backups(v2_store)) == [
        "pre-migration-v2", "pre-migration-v3"]


def test_a_step_failing_on_every_launch_adds_no_backup_after_the_first(v2_store, schema):
    def broken(root):
        raise RuntimeError("always")

    schema(3, {2: broken})
    for _ in range(4):
        with pytest.raises(RuntimeError):
            Store.open(v2_store)
    assert [b.reason for b in backups.list_backups(v2_store)] == ["pre-migration-v2"]


# ------------------------------------------------------------------ versions nobody wrote


BAD_VERSIONS = {
    "zero": 0,
    "negative": -1,
    "fraction": 1.9,
    "text": "2",
    "true": True,
    "list": [2],
}


@pytest.mark.parametrize("sealed", [False, True], ids=["plain", "sealed"])
@pytest.mark.parametrize("version", BAD_VERSIONS.values(), ids=BAD_VERSIONS.keys())
def test_a_version_no_roomguard_wrote_is_refused_by_name_with_no_backup(v2_store, version, sealed):
    meta = orjson.dumps({"schema_version": version})
    (v2_store / "meta.json").write_bytes(seal(meta) if sealed else meta)
    before = files(v2_store)
    for _ in range(3):  # every launch: the same refusal, and still no backup
        with pytest.raises(SchemaInvalid) as caught:
            Store.open(v2_store)
        assert caught.value.path == v2_store / "meta.json"
        assert "schema version" in str(caught.value)
        assert caught.value.title == "Unknown store version"
        with pytest.raises(SchemaInvalid):
            Store.open(v2_store, readonly=True)
    assert files(v2_store) == before
    assert backups.list_backups(v2_store) == []


def test_a_version_2_meta_without_its_checksum_is_damaged(v2_store):
    (v2_store / "meta.json").write_bytes(b'{"schema_version": 2}')
    with pytest.raises(FileDamaged, match="no checksum"):
        Store.open(v2_store)


@pytest.mark.parametrize("version", BAD_VERSIONS.values(), ids=BAD_VERSIONS.keys())
def test_pending_refuses_a_version_no_roomguard_wrote(version):
    with pytest.raises(ValueError, match="not a schema version"):
        migrations.pending(version)


def test_pending_lists_the_steps_from_a_version():
    assert migrations.pending(migrations.SCHEMA_VERSION) == []
    assert migrations.pending(1) == list(range(1, migrations.SCHEMA_VERSION))
