"""``roomguard verify``: 0 clean, 1 damage found (each damaged file named), 2 could not run;
and ``backup list`` shows each backup's state."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from roomguard.cli.main import main
from roomguard.core.events import AlertRaised, NoteAdded
from roomguard.store import Store, backups
from roomguard.store.migrations import SCHEMA_VERSION, meta_bytes
from tests.builders import build_agreement, build_client

T0 = datetime(2026, 3, 2, 10, 0)


@pytest.fixture
def practice(store_path: Path) -> Path:
    with Store.open(store_path) as store:
        store.save_client(build_client(name="Ann", id="ann"))
        store.save_agreement(build_agreement(client_id="ann", id="ag", muted_phrases=["salary"]))
        record = store.start_session("ann", T0, 1, [])
        store.append_event(record.id, NoteAdded(at=T0, text="hello"))
        store.end_session(record, T0 + timedelta(minutes=50))
        store.backup("manual")
    return store_path


def verify(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(["--db", str(path), "verify", *extra])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_clean_store_and_its_backups_verify_with_status_0(practice, capsys):
    code, out, _ = verify(practice, capsys)
    assert code == 0
    assert out.splitlines()[0].startswith(f"Store {practice}: good (")
    assert "1 clients, 1 sessions, 3 events" in out
    assert "Backups: 1" in out and "  good" in out


def test_damage_gives_status_1_and_names_each_file_and_what_is_wrong(practice, capsys):
    (practice / "clients" / "ann.json").write_bytes(
        (practice / "clients" / "ann.json").read_bytes().replace(b"salary", b"sal;ry"))
    journal = next((practice / "sessions").glob("*/*.jsonl"))
    journal.unlink()
    code, out, _ = verify(practice, capsys)
    assert code == 1
    assert "DAMAGED (2 problems" in out
    assert "clients/ann.json: damaged: its content does not match its checksum" in out
    rel = journal.relative_to(practice).as_posix()
    assert f"{rel}: missing: sessions/" in out
    (good,) = backups.list_backups(practice)
    assert f"Newest good backup: {good.name}" in out


def test_the_json_report_lists_the_problems(practice, capsys):
    (practice / "practice.json").unlink()
    code, out, _ = verify(practice, capsys, "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["damage_found"] is True
    assert report["store"]["state"] == "damaged"
    (problem,) = report["store"]["problems"]
    assert (problem["file"], problem["kind"]) == ("practice.json", "missing")
    assert [b["state"] for b in report["backups"]] == ["good"]
    assert report["newest_good_backup"] == report["backups"][0]["name"]


def test_a_damaged_backup_gives_status_1_and_is_named(practice, capsys):
    (backup,) = backups.list_backups(practice)
    raw = bytearray(backup.path.read_bytes())
    at = raw.index(b"PK\x01\x02") // 2  # inside a member's compressed data
    raw[at] ^= 0x01
    backup.path.write_bytes(bytes(raw))
    code, out, _ = verify(practice, capsys, "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["store"]["state"] == "good"
    assert report["backups"][0]["state"] == "damaged"
    assert report["backups"][0]["problems"]
    assert report["newest_good_backup"] is None


def test_what_a_crash_left_is_reported_but_is_not_damage(practice, capsys):
    with Store.open(practice) as store:
        record = store.start_session("ann", T0 + timedelta(days=1), 1, [])
        store.append_event(record.id, AlertRaised(T0, "t", "Money", ["p"], "why", "salary"))
    journal = practice / "sessions" / record.month / f"{record.id}.jsonl"
    torn = b'0badc0de {"kind": "no'  # a crash came mid-write
    journal.write_bytes(journal.read_bytes() + torn)
    code, out, _ = verify(practice, capsys)
    assert code == 0
    assert f"recovered: the unfinished last write of a crash ({len(torn)} bytes) is ignored" in out


@pytest.mark.parametrize("where", ["nothing-there", "empty-folder"])
def test_no_store_means_the_check_could_not_run(tmp_path, capsys, where):
    path = tmp_path / "store"
    if where == "empty-folder":
        path.mkdir()
    code, _, err = verify(path, capsys)
    assert code == 2
    assert "no Roomguard store" in err


def test_a_store_from_a_newer_roomguard_could_not_be_checked(practice, capsys):
    (practice / "meta.json").write_bytes(meta_bytes(SCHEMA_VERSION + 1))
    code, _, err = verify(practice, capsys)
    assert code == 2
    assert f"{practice / 'meta.json'} has schema version {SCHEMA_VERSION + 1}" in err
    assert "Upgrade Roomguard" in err


# ------------------------------------------------------------------ backup list / restore


def test_backup_list_shows_each_backups_state(practice, capsys):
    (good,) = backups.list_backups(practice)
    damaged = good.path.with_name("roomguard-20260101-000000-manual.zip")
    damaged.write_bytes(good.path.read_bytes()[:-40])
    earlier = good.path.with_name("roomguard-20250101-000000-daily.zip")
    with zipfile.ZipFile(good.path) as src, zipfile.ZipFile(earlier, "w") as dst:
        for name in src.namelist():
            if name != backups.MANIFEST:  # as an earlier Roomguard made them
                dst.writestr(name, src.read(name))
    assert main(["--db", str(practice), "backup", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    states = {line.split()[0]: line.split()[-1] for line in lines if line.startswith("roomguard-")}
    assert states == {good.name: "good", damaged.name: "damaged", earlier.name: "unverified"}
    assert "made by an earlier Roomguard" in "\n".join(lines)


def test_restore_latest_takes_the_newest_good_backup_not_a_damaged_newer_one(practice, capsys):
    (good,) = backups.list_backups(practice)
    newer = good.path.with_name("roomguard-20990101-000000-manual.zip")
    newer.write_bytes(good.path.read_bytes()[:-40])
    assert main(["--db", str(practice), "backup", "restore", "latest"]) == 0
    assert f"restored {good.name}" in capsys.readouterr().out
    assert main(["--db", str(practice), "backup", "restore", newer.name]) == 2
    assert "damaged" in capsys.readouterr().err
