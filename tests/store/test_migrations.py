"""Migrations: an older store is backed up, then upgraded step by step, and meta.json follows."""

from __future__ import annotations

import zipfile
from pathlib import Path

import orjson
import pytest

from roomguard.core.models import Client
from roomguard.store import Store, StoreReadOnly, backups, migrations
from roomguard.store import store as store_module


def _rewrite_practice(root: Path, change) -> None:
    path = root / "practice.json"
    doc = orjson.loads(path.read_bytes())
    for row in doc.get("clients", {}).values():
        change(row)
    path.write_bytes(orjson.dumps(doc))


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


def meta_version(root: Path) -> int:
    return orjson.loads((root / "meta.json").read_bytes())["schema_version"]


@pytest.fixture
def v1_store(store_path):
    assert migrations.SCHEMA_VERSION == 1
    with Store.open(store_path) as store:
        store.save_client(Client(name="Ann", id="ann", notes="old"))
    assert meta_version(store_path) == 1
    return store_path


def test_an_older_store_is_backed_up_then_migrated_in_order(v1_store, schema):
    ran = schema(
        3,
        {
            1: lambda root: _rewrite_practice(root, lambda c: c.update(notes=c["notes"] + "+v2")),
            2: lambda root: _rewrite_practice(root, lambda c: c.update(notes=c["notes"] + "+v3")),
        },
    )
    with Store.open(v1_store) as store:
        assert ran == [1, 2]
        assert store.migrated_from == 1
        assert store.client("ann").notes == "old+v2+v3"
    assert meta_version(v1_store) == 3

    made = backups.list_backups(v1_store)
    assert [b.reason for b in made] == ["pre-migration-v1"]
    with zipfile.ZipFile(made[0].path) as zf:  # taken before the first step ran
        assert orjson.loads(zf.read("meta.json"))["schema_version"] == 1
        assert b'"old"' in zf.read("practice.json")

    with Store.open(v1_store) as store:  # already current: nothing more to do
        assert ran == [1, 2]
        assert store.migrated_from is None
    assert len(backups.list_backups(v1_store)) == 1


def test_a_current_store_is_neither_backed_up_nor_migrated(v1_store):
    with Store.open(v1_store) as store:
        assert store.migrated_from is None
    assert backups.list_backups(v1_store) == []


def test_a_new_store_starts_at_the_current_version(store_path, schema):
    schema(4, {})
    Store.open(store_path).close()
    assert meta_version(store_path) == 4
    assert backups.list_backups(store_path) == []


def test_read_only_open_of_an_older_store_refuses_and_changes_nothing(v1_store, schema):
    ran = schema(2, {1: lambda root: _rewrite_practice(root, lambda c: c.update(notes="new"))})
    before = {p: p.read_bytes() for p in v1_store.rglob("*") if p.is_file()}
    with pytest.raises(StoreReadOnly, match="needs migrating"):
        Store.open(v1_store, readonly=True)
    assert ran == []
    assert {p: p.read_bytes() for p in v1_store.rglob("*") if p.is_file()} == before


def test_a_failing_step_stops_at_the_last_good_version_and_resumes_later(v1_store, schema):
    def broken(root):
        raise RuntimeError("step 2 crashed")

    ran = schema(
        3,
        {
            1: lambda root: _rewrite_practice(root, lambda c: c.update(notes="v2")),
            2: broken,
        },
    )
    with pytest.raises(RuntimeError, match="step 2 crashed"):
        Store.open(v1_store)
    assert ran == [1, 2]
    assert meta_version(v1_store) == 2  # step 1 is recorded as done
    assert [b.reason for b in backups.list_backups(v1_store)] == ["pre-migration-v1"]

    ran = schema(3, {2: lambda root: _rewrite_practice(root, lambda c: c.update(notes="v3"))})
    with Store.open(v1_store) as store:  # the lock was released by the failed open
        assert ran == [2]
        assert store.migrated_from == 2
        assert store.client("ann").notes == "v3"
    assert meta_version(v1_store) == 3
    assert sorted(b.reason for b in backups.list_backups(v1_store)) == [
        "pre-migration-v1",
        "pre-migration-v2",
    ]


def test_pending_lists_the_steps_from_a_version():
    assert migrations.pending(migrations.SCHEMA_VERSION) == []
    assert migrations.pending(migrations.SCHEMA_VERSION - 1) == [migrations.SCHEMA_VERSION - 1]
