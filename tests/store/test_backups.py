"""Rolling backups: made, listed newest first, rotated after 7 days, and restored safely."""

from __future__ import annotations

import stat
import zipfile
from datetime import datetime, timedelta

import orjson
import pytest

from roomguard.core.events import NoteAdded
from roomguard.core.models import Agreement, Client
from roomguard.store import Store, StoreCorrupt, StoreLocked, backups, restore_without_opening
from roomguard.store.seal import unseal
from tests.store.faults import temp_files

NOW = datetime(2026, 3, 15, 12, 0, 0)
T0 = datetime(2026, 3, 2, 10, 0)


@pytest.fixture
def populated(store_path):
    with Store.open(store_path) as store:
        store.save_client(Client(name="Ann", id="ann"))
        store.save_agreement(Agreement(client_id="ann", id="ag", muted_phrases=["before"]))
        record = store.start_session("ann", T0, 1, [])
        store.append_event(record.id, NoteAdded(at=T0, text="before"))
    return store_path, record


def snapshot(store: Store, record):
    return (
        store.clients(),
        store.agreement("ann"),
        list(store.sessions()),
        store.events(record.id),
    )


def test_backup_holds_every_store_file_but_not_the_lock_or_other_backups(populated):
    root, record = populated
    first = backups.make_backup(root, "manual", now=NOW - timedelta(hours=1))
    path = backups.make_backup(root, "manual", now=NOW)
    assert path.parent == root / "backups"
    assert path.name == "roomguard-20260315-120000-manual.zip"
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist()) - {backups.MANIFEST}
        assert names == {
            "meta.json",
            "practice.json",
            "clients/ann.json",
            f"sessions/{record.month}.json",
            f"sessions/{record.month}/{record.id}.jsonl",
        }
        assert zf.read("practice.json") == (root / "practice.json").read_bytes()
    assert first.name not in names
    assert temp_files(root) == []
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert set(backups.verify(path)) == names


def test_list_is_newest_first_with_reasons_and_ignores_foreign_files(populated):
    root, _ = populated
    backups.make_backup(root, "daily", now=NOW - timedelta(days=2))
    backups.make_backup(root, "pre-migration-v1", now=NOW)
    backups.make_backup(root, "manual", now=NOW - timedelta(days=1))
    (root / "backups" / "notes.txt").write_text("mine")
    (root / "backups" / "roomguard-garbage.zip").write_bytes(b"x")
    listed = backups.list_backups(root)
    assert [(b.created, b.reason) for b in listed] == [
        (NOW, "pre-migration-v1"),
        (NOW - timedelta(days=1), "manual"),
        (NOW - timedelta(days=2), "daily"),
    ]
    assert all(b.size == b.path.stat().st_size > 0 for b in listed)


def test_rotation_deletes_backups_older_than_seven_days(populated):
    root, _ = populated
    ages = [0, 1, 6, 7, 8, 30]
    made = {age: backups.make_backup(root, "daily", now=NOW - timedelta(days=age)) for age in ages}
    removed = backups.rotate(root, now=NOW)
    assert sorted(removed) == sorted([made[8], made[30]])
    assert [b.path for b in backups.list_backups(root)] == [made[a] for a in [0, 1, 6, 7]]


def test_rotation_always_keeps_the_newest_even_when_it_is_old(populated):
    root, _ = populated
    made = [backups.make_backup(root, "daily", now=NOW - timedelta(days=d)) for d in (40, 50, 60)]
    backups.rotate(root, now=NOW)
    assert [b.path for b in backups.list_backups(root)] == [made[0]]


def test_backup_is_due_once_a_day(populated):
    root, _ = populated
    assert backups.backup_due(root, now=NOW)
    backups.make_backup(root, "daily", now=NOW - timedelta(hours=23))
    assert not backups.backup_due(root, now=NOW)
    assert backups.backup_due(root, now=NOW + timedelta(hours=1))


def test_store_makes_its_daily_backup_once(populated):
    root, _ = populated
    with Store.open(root) as store:
        first = store.backup_if_due()
        assert first is not None and first.exists()
        assert store.backup_if_due() is None
        assert [b.reason for b in store.list_backups()] == ["daily"]
    with Store.open(root, readonly=True) as reader:
        assert reader.backup_if_due() is None


def test_two_backups_in_the_same_second_are_both_kept(populated):
    root, _ = populated
    first = backups.make_backup(root, "pre-restore", now=NOW)
    with Store.open(root) as store:
        store.save_client(Client(name="Bea", id="bea"))
    second = backups.make_backup(root, "pre-restore", now=NOW)
    assert first != second
    assert first.exists() and second.exists()
    with zipfile.ZipFile(first) as zf:
        assert b"Bea" not in zf.read("practice.json")
    listed = backups.list_backups(root)
    assert len(listed) == 2
    assert [b.reason for b in listed] == ["pre-restore", "pre-restore"]  # not "pre-restore-2"
    third = backups.make_backup(root, "pre-migration-v1", now=NOW)
    assert {b.reason for b in backups.list_backups(root) if b.path == third} == {"pre-migration-v1"}


# ------------------------------------------------------------------ restore


def test_restore_brings_back_the_backup_and_keeps_the_present_as_a_backup(populated):
    root, record = populated
    with Store.open(root) as store:
        expected = snapshot(store, record)
        backup = store.backup("manual")
        # life goes on after the backup
        store.save_client(Client(name="Bea", id="bea"))
        store.save_agreement(Agreement(client_id="ann", id="ag", muted_phrases=["after"]))
        store.append_event(record.id, NoteAdded(at=T0, text="after"))
        later = store.start_session("bea", datetime(2026, 4, 1, 9), 1, [])
        present = snapshot(store, record)

        store.restore(backup)

        assert snapshot(store, record) == expected  # the open store reads the restored files
        assert store.session(later.id) is None
        assert not (root / "clients" / "bea.json").exists()
        assert not (root / "sessions" / later.month / f"{later.id}.jsonl").exists()
        pre_restore = [b for b in store.list_backups() if b.reason == "pre-restore"]
        assert len(pre_restore) == 1
        # and keeps working after the restore
        store.append_event(record.id, NoteAdded(at=T0, text="after restore"))
    with Store.open(root) as store:
        assert [e.text for e in store.events(record.id)[1:]] == ["before", "after restore"]
        store.restore(pre_restore[0].path)  # a restore can be undone
        assert [c.name for c in store.clients()] == [c.name for c in present[0]]
        assert store.events(record.id) == present[3]


@pytest.mark.parametrize(
    "damage",
    ["truncated-zip", "not-a-zip", "invalid-json-member", "unsafe-member", "absolute-member"],
)
def test_a_damaged_backup_is_refused_before_anything_changes(populated, damage):
    root, record = populated
    with Store.open(root) as store:
        good = store.backup("manual")
    bad = root / "backups" / "roomguard-20200101-000000-manual.zip"
    if damage == "truncated-zip":
        bad.write_bytes(good.read_bytes()[:-40])
    elif damage == "not-a-zip":
        bad.write_bytes(b"PK\x03\x04 not really")
    else:
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
            for name in src.namelist():
                dst.writestr(name, src.read(name))
            if damage == "invalid-json-member":
                dst.writestr("clients/bea.json", b"{half a docu")
            elif damage == "unsafe-member":
                dst.writestr("../outside.json", b"{}")
            else:
                dst.writestr("/tmp/outside.json", b"{}")
    files = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and "backups" not in p.parts}
    listed = backups.list_backups(root)

    with Store.open(root) as store, pytest.raises(StoreCorrupt) as caught:
        store.restore(bad)

    assert caught.value.path == bad
    assert str(bad) in str(caught.value)
    current = {
        p: p.read_bytes() for p in root.rglob("*") if p.is_file() and "backups" not in p.parts
    }
    current.pop(root / "roomguard.lock"), files.pop(root / "roomguard.lock")
    assert current == files
    assert backups.list_backups(root) == listed  # no pre-restore backup of a refused restore
    assert not (root.parent / "outside.json").exists()


def test_restore_without_opening_repairs_a_store_that_cannot_open(populated):
    root, record = populated
    with Store.open(root) as store:
        expected = snapshot(store, record)
        backup = store.backup("manual")
    (root / "practice.json").write_bytes(b'{"clients": {"1": ')  # torn by a bad disk
    with pytest.raises(StoreCorrupt):
        Store.open(root)

    restore_without_opening(root, backup)

    with Store.open(root) as store:
        assert snapshot(store, record) == expected
        assert store.lock_recovered_from is None
        damaged = [b for b in store.list_backups() if b.reason == "pre-restore"]
        assert len(damaged) == 1  # the damaged state is kept too, for forensics
    with zipfile.ZipFile(damaged[0].path) as zf:
        assert zf.read("practice.json") == b'{"clients": {"1": '


def test_restore_without_opening_refuses_while_another_instance_writes(populated):
    root, _ = populated
    with Store.open(root) as store:
        backup = store.backup("manual")
        with pytest.raises(StoreLocked):
            restore_without_opening(root, backup)


def test_restored_files_are_private(populated):
    root, _ = populated
    with Store.open(root) as store:
        backup = store.backup("manual")
        store.restore(backup)
    for path in root.rglob("*"):
        want = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == want, path


def test_backup_json_members_are_sealed_json(populated):
    root, _ = populated
    with Store.open(root) as store:
        backup = store.backup("manual")
    with zipfile.ZipFile(backup) as zf:
        for name in zf.namelist():
            if name == backups.MANIFEST:
                assert set(orjson.loads(zf.read(name))["files"]) == set(zf.namelist()) - {name}
            elif name.endswith(".json"):
                assert isinstance(orjson.loads(unseal(zf.read(name))), dict)
