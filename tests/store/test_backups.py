"""Rolling backups: made, listed newest first, rotated after 7 days, and restored safely."""

from __future__ import annotations

import stat
import zipfile
import zlib
from datetime import datetime, timedelta

import orjson
import pytest

from roomguard.core.events import NoteAdded
from roomguard.store import (
    BackupRefused,
    Store,
    StoreCorrupt,
    StoreLocked,
    backups,
    restore_without_opening,
)
from roomguard.store.seal import unseal
from tests.builders import build_agreement, build_client
from tests.store.faults import temp_files

NOW = datetime(2026, 3, 15, 12, 0, 0)
T0 = datetime(2026, 3, 2, 10, 0)


@pytest.fixture
def populated(store_path):
    with Store.open(store_path) as store:
        store.save_client(build_client(name="Ann", id="ann"))
        store.save_agreement(build_agreement(client_id="ann", id="ag", muted_phrases=["before"]))
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
        store.save_client(build_client(name="Bea", id="bea"))
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
        store.save_client(build_client(name="Bea", id="bea"))
        store.save_agreement(build_agreement(client_id="ann", id="ag", muted_phrases=["after"]))
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


# ------------------------------------------------------------------ backups you can restore from


def _rezip(src, dst, change) -> None:
    """Copy a backup member by member (fresh zip CRCs), *change* deciding each member's bytes."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for name in zin.namelist():
            data = change(name, zin.read(name))
            if data is not None:
                zout.writestr(name, data)


def test_each_backup_carries_a_manifest_of_checksums_and_verifies_good(populated):
    root, _ = populated
    with Store.open(root) as store:
        path = store.backup("manual")
    with zipfile.ZipFile(path) as zf:
        manifest = orjson.loads(zf.read(backups.MANIFEST))
        for name, want in manifest["files"].items():
            data = zf.read(name)
            assert (want["size"], want["crc32"]) == (len(data), zlib.crc32(data))
    assert manifest["store_check"] == {"state": "good"}
    found = backups.check_backup(path)
    assert (found.state, found.problems) == (backups.GOOD, [])
    assert backups.recorded_state(path) == backups.GOOD


@pytest.mark.parametrize("how", ["deleted-journal", "flipped-agreement", "deleted-practice"])
def test_no_backup_is_taken_of_a_damaged_store(populated, how):
    root, record = populated
    with Store.open(root) as store:
        store.backup("manual")
    listed = backups.list_backups(root)
    if how == "deleted-journal":
        damaged = root / "sessions" / record.month / f"{record.id}.jsonl"
        damaged.unlink()
    elif how == "flipped-agreement":
        damaged = root / "clients" / "ann.json"
        damaged.write_bytes(damaged.read_bytes().replace(b"before", b"bef;re"))
    else:
        damaged = root / "practice.json"
        damaged.unlink()
    for reason in ("daily", "manual", "pre-import"):
        with pytest.raises(BackupRefused) as caught:
            backups.make_backup(root, reason, now=NOW)
        assert str(damaged) in str(caught.value)
        assert caught.value.title == "Backup not taken"
        assert "existing backups were kept" in str(caught.value)
    assert backups.list_backups(root) == listed
    assert temp_files(root) == []


def test_a_backup_that_does_not_read_back_intact_is_not_kept(populated, monkeypatch):
    root, _ = populated
    real = backups._write_zip

    def then_the_disk_flips_a_byte(root_, tmp, *args):
        real(root_, tmp, *args)
        raw = bytearray(tmp.read_bytes())
        raw[len(raw) // 3] ^= 0x01
        tmp.write_bytes(bytes(raw))

    monkeypatch.setattr(backups, "_write_zip", then_the_disk_flips_a_byte)
    with pytest.raises(BackupRefused, match="did not read back intact"):
        backups.make_backup(root, "manual", now=NOW)
    assert backups.list_backups(root) == []
    assert temp_files(root) == []


def test_rotation_never_deletes_the_newest_good_backup_however_old(populated):
    root, _ = populated
    good = backups.make_backup(root, "daily", now=NOW - timedelta(days=30))
    damaged = []
    for age in (20, 10, 0):  # every later backup is damaged (a disk going bad, say)
        path = backups.make_backup(root, "daily", now=NOW - timedelta(days=age))
        path.write_bytes(path.read_bytes()[:-40])
        damaged.append(path)
    removed = backups.rotate(root, now=NOW)
    assert sorted(removed) == sorted(damaged[:2])
    assert [b.path for b in backups.list_backups(root)] == [damaged[2], good]
    assert backups.newest_good(root).path == good


def test_an_empty_new_store_gets_no_daily_backup(store_path):
    with Store.open(store_path) as store:
        assert store.backup_if_due() is None
        with pytest.raises(BackupRefused, match="the store is empty"):
            store.backup("manual")
        store.set_setting("theme", "dark")  # not a practice yet
        assert store.backup_if_due() is None
        store.save_client(build_client(name="Ann", id="ann"))  # something worth keeping
        assert store.backup_if_due() is not None


def test_a_backup_whose_member_no_longer_matches_its_manifest_is_damaged_and_not_restored(
        populated):
    root, record = populated
    with Store.open(root) as store:
        good = store.backup("manual")
    changed = good.with_name("roomguard-20200101-000000-manual.zip")
    journal = f"sessions/{record.month}/{record.id}.jsonl"
    _rezip(good, changed, lambda name, data: data[: data.rindex(b"\n", 0, -1) + 1]
           if name == journal else data)  # its last line gone: every line left is good
    found = backups.check_backup(changed)
    assert found.state == backups.DAMAGED
    assert found.problems[0] == f"{journal}: it does not match the checksum recorded when the " \
                                "backup was made"
    before = {p: p.read_bytes() for p in root.rglob("*.json*") if "backups" not in p.parts}
    with Store.open(root) as store, pytest.raises(StoreCorrupt) as caught:
        store.restore(changed)
    assert caught.value.title == "Backup damaged"
    assert {p: p.read_bytes() for p in before} == before


def test_a_backup_made_by_an_earlier_roomguard_is_unverified_and_can_be_restored(populated):
    root, record = populated
    with Store.open(root) as store:
        good = store.backup("manual")
        expected = snapshot(store, record)
    earlier = good.with_name("roomguard-20200101-000000-daily.zip")
    _rezip(good, earlier, lambda name, data: None if name == backups.MANIFEST else data)
    found = backups.check_backup(earlier)
    assert found.state == backups.UNVERIFIED
    assert "made by an earlier Roomguard" in found.problems[0]
    with Store.open(root) as store:
        store.save_client(build_client(name="Bea", id="bea"))
        store.restore(earlier)
        assert snapshot(store, record) == expected


def test_restoring_over_a_damaged_store_keeps_a_copy_listed_damaged_that_never_counts_as_good(
        populated):
    root, _ = populated
    good = backups.make_backup(root, "manual", now=datetime.now() - timedelta(days=2))
    (root / "practice.json").write_bytes(b'{"clients": {"1": ')
    restore_without_opening(root, good)
    (copy,) = [b for b in backups.list_backups(root, check=True) if b.reason == "pre-restore"]
    assert copy.state == backups.DAMAGED
    with zipfile.ZipFile(copy.path) as zf:  # kept for investigation, exactly as it was
        assert zf.read("practice.json") == b'{"clients": {"1": '
    assert backups.newest_good(root).path == good
    assert backups.backup_due(root, now=datetime.now())  # the copy is not today's good backup
