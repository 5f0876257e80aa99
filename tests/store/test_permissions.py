"""Everything the store writes is private: files 0600, directories 0700, backups included."""

from __future__ import annotations

import os
import stat
import zipfile
from datetime import datetime

import pytest

from roomguard.core.events import NoteAdded, PresenceChanged
from roomguard.store import Store
from tests.builders import build_agreement, build_client


def modes(root):
    return {
        path.relative_to(root).as_posix(): stat.S_IMODE(path.stat().st_mode)
        for path in [root, *root.rglob("*")]
    }


def workload(root):
    """Touch every kind of file the store makes: shards, journals, lock, meta, backups, restore."""
    with Store.open(root) as store:
        store.save_client(build_client(name="Ann", id="ann"))
        store.save_agreement(build_agreement(client_id="ann"))
        store.set_setting("theme", "dark")
        for month in (1, 2):
            at = datetime(2026, month, 3, 10)
            record = store.start_session("ann", at, 1, ["p"])
            store.append_event(record.id, PresenceChanged(at=at, participant_id="p", present=False))
            store.append_event(record.id, NoteAdded(at=at, text="private"))
            store.end_session(record, at)
        store.backup_if_due()
        backup = store.backup("manual")
        store.save_client(build_client(name="Bea", id="bea"))
        store.restore(backup)
        store.save_client(build_client(name="Cy", id="cy"))


@pytest.mark.parametrize("umask", [0o022, 0o000, 0o002])
def test_every_file_is_0600_and_every_dir_0700(tmp_path, umask):
    root = tmp_path / "store"
    old = os.umask(umask)
    try:
        workload(root)
    finally:
        os.umask(old)
    found = modes(root)
    kinds = {".json", ".jsonl", ".zip", ".lock"}
    assert {os.path.splitext(name)[1] for name in found} >= kinds | {""}
    assert any(name.startswith("backups/") for name in found)
    wrong = {
        name: oct(mode)
        for name, mode in found.items()
        if mode != (0o700 if (root / name).is_dir() else 0o600)
    }
    assert wrong == {}


def test_a_loose_existing_store_directory_is_tightened(tmp_path):
    root = tmp_path / "store"
    root.mkdir(mode=0o755)
    root.chmod(0o755)
    Store.open(root).close()
    assert stat.S_IMODE(root.stat().st_mode) == 0o700


def test_backup_members_do_not_widen_permissions_on_restore(tmp_path):
    root = tmp_path / "store"
    workload(root)
    backup = sorted((root / "backups").glob("*.zip"))[0]
    with zipfile.ZipFile(backup) as zf:
        for info in zf.infolist():
            # zip records the source mode; none may be readable by others
            assert (info.external_attr >> 16) & 0o077 == 0, info.filename
