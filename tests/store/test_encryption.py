"""Encryption at rest (issue 20): the store's files and backups hold no readable client text, a
changed byte is damage (never data), a wrong passphrase changes nothing, and journals stay
append-only and crash-safe with each line sealed to its session and place."""

from __future__ import annotations

import hashlib
import time
import zipfile
import zlib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roomguard.core.events import NoteAdded
from roomguard.store import Store, StoreCorrupt
from roomguard.store.demo import load_demo
from roomguard.store.errors import KeyFileProblem, StoreEncrypted, WrongPassphrase
from roomguard.store.journal import EventJournal, encode_line, inspect
from roomguard.store.keys import (
    KEYFILE,
    KeyFile,
    new_key_file,
    parse_recovery,
    rewrapped,
    write_key_file,
)
from roomguard.store.vault import Vault, forget_all, new_data_key, remember

PASS = "correct horse battery staple"
TODAY = date(2026, 12, 6)
AT = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def encrypted_store(root: Path, passphrase: str = PASS) -> tuple[Vault, str]:
    root.mkdir(parents=True, exist_ok=True)
    vault, recovery, data = new_key_file(passphrase)
    write_key_file(root, data)
    remember(vault)
    return vault, recovery


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def all_bytes(root: Path) -> list[tuple[str, bytes]]:
    """Every file under *root*, and every member of every zip (a backup) unpacked."""
    out = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        out.append((path.as_posix(), data))
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                out += [(f"{path}!{n}", zf.read(n)) for n in zf.namelist()]
    return out


@pytest.fixture
def demo_root(tmp_path: Path) -> Path:
    root = tmp_path / "store"
    encrypted_store(root)
    with Store.open(root) as store:
        load_demo(store, TODAY)
    return root


def test_a_demo_store_round_trips_encrypted_and_holds_no_plaintext(demo_root: Path) -> None:
    with Store.open(demo_root) as store:
        assert store.encrypted
        names = sorted(c.name for c in store.clients())
        sessions = store.sessions()
        events = sum(len(store.events(r.id)) for r in sessions)
        store.backup("manual")
        assert store.verify().ok
    assert len(names) == 5 and events > 0
    # The demo's names, topics and phrases appear nowhere on disk, backups included.
    canaries = [n.encode() for n in names] + [b"salary", b"restructuring", b"Noah"]
    hits = [(where, c) for where, data in all_bytes(demo_root) for c in canaries if c in data]
    assert hits == []
    forget_all()
    with pytest.raises(StoreEncrypted):
        Store.open(demo_root)
    remember(KeyFile.read(demo_root).unlock(PASS))  # type: ignore[union-attr]
    with Store.open(demo_root) as store:
        assert sorted(c.name for c in store.clients()) == names


def test_a_wrong_passphrase_is_named_and_changes_no_byte(demo_root: Path) -> None:
    forget_all()
    before = tree_digest(demo_root)
    keyfile = KeyFile.read(demo_root)
    assert keyfile is not None
    with pytest.raises(WrongPassphrase):
        keyfile.unlock(PASS + " ")
    with pytest.raises(WrongPassphrase):
        keyfile.unlock_recovery("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")
    with pytest.raises(StoreEncrypted):
        Store.open(demo_root)
    assert tree_digest(demo_root) == before


def test_the_recovery_key_unlocks_and_a_new_passphrase_rewraps_only_the_key(tmp_path: Path) -> None:
    root = tmp_path / "store"
    vault, recovery = encrypted_store(root)
    with Store.open(root) as store:
        load_demo(store, TODAY)
    forget_all()
    keyfile = KeyFile.read(root)
    assert keyfile is not None
    assert parse_recovery(recovery.lower().replace("-", " ")) is not None  # typed loosely
    unlocked = keyfile.unlock_recovery(recovery.lower())
    before = tree_digest(root)
    write_key_file(root, rewrapped(keyfile, unlocked, "a new passphrase"))
    after = tree_digest(root)
    assert {k for k in before if before[k] != after[k]} == {KEYFILE}
    fresh = KeyFile.read(root)
    assert fresh is not None
    with pytest.raises(WrongPassphrase):
        fresh.unlock(PASS)
    remember(fresh.unlock("a new passphrase"))
    with Store.open(root) as store:
        assert len(store.clients()) == 5
    assert fresh.unlock_recovery(recovery).key_id == vault.key_id  # the recovery key still works


def test_the_key_file_records_a_memory_hard_kdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from roomguard.store import keys

    monkeypatch.delenv(keys.FAST_KDF_ENV)
    keys.tuned_params.cache_clear()
    params = keys.tuned_params()
    assert params.memory_kib >= 64 * 1024 and params.time_cost >= 2
    keys.tuned_params.cache_clear()


def test_every_flipped_byte_in_an_encrypted_file_is_damage_never_data(demo_root: Path) -> None:
    files = [p for p in sorted(demo_root.rglob("*.json*"))
             if p.name not in (KEYFILE, "meta.json") and "backups" not in p.parts]
    assert len(files) >= 8
    for path in files:
        original = path.read_bytes()
        for offset in (20, len(original) // 2, len(original) - 5):
            flipped = bytearray(original)
            flipped[offset] ^= 0x04
            path.write_bytes(bytes(flipped))
            assert damage_named(demo_root), f"{path.name} byte {offset}"
            path.write_bytes(original)


def damage_named(root: Path) -> bool:
    """Opening refuses the store naming the damage, or the full check reports it."""
    try:
        with Store.open(root, readonly=True) as store:
            return not store.verify().ok
    except StoreCorrupt:
        return True


def _reseal_with_good_crc(line: bytes, offset: int) -> bytes:
    """What an attacker who knows the format does: change a byte and fix the checksum."""
    body = bytearray(line[9:-1])
    body[offset] = ord("A") if body[offset] != ord("A") else ord("B")
    return b"%08x " % zlib.crc32(bytes(body)) + bytes(body) + b"\n"


def test_a_tampered_file_with_a_recomputed_checksum_is_damage(demo_root: Path) -> None:
    path = next(demo_root.glob("clients/*.json"))
    path.write_bytes(_reseal_with_good_crc(path.read_bytes(), 40))
    with Store.open(demo_root, readonly=True) as store:
        report = store.verify()
        assert [p.file for p in report.damage] == [path.relative_to(demo_root).as_posix()]
        assert "does not decrypt" in report.damage[0].what


def test_a_plain_file_planted_in_an_encrypted_store_is_damage(demo_root: Path) -> None:
    from roomguard.store.storage import encode_document

    path = next(demo_root.glob("clients/*.json"))
    path.write_bytes(encode_document({"agreement": {}}))
    with Store.open(demo_root, readonly=True) as store:
        report = store.verify()
    assert any("not encrypted" in p.what for p in report.damage)


def test_files_cannot_be_swapped_between_clients(demo_root: Path) -> None:
    first, second = sorted(demo_root.glob("clients/*.json"))[:2]
    a, b = first.read_bytes(), second.read_bytes()
    first.write_bytes(b)
    second.write_bytes(a)
    with Store.open(demo_root, readonly=True) as store:
        report = store.verify()
    assert {p.file for p in report.damage} >= {f"clients/{first.name}", f"clients/{second.name}"}


def test_a_missing_or_damaged_key_file_is_named(demo_root: Path) -> None:
    keyfile = demo_root / KEYFILE
    keyfile.write_bytes(keyfile.read_bytes()[:-3])
    with pytest.raises(KeyFileProblem):
        Store.open(demo_root)
    keyfile.unlink()
    with pytest.raises(StoreCorrupt) as caught, Store.open(demo_root, readonly=True) as store:
        store.clients()
    assert "encrypted" in str(caught.value)


# ------------------------------------------------------------------------- journals
def _journal(tmp_path: Path, session_id: str = "202612-abc") -> EventJournal:
    vault = Vault(new_data_key())
    return EventJournal(tmp_path / f"{session_id}.jsonl", cipher=vault.journal(session_id))


def test_journal_lines_cannot_be_reordered_dropped_or_spliced(tmp_path: Path) -> None:
    vault = Vault(new_data_key())
    one = EventJournal(tmp_path / "a.jsonl", cipher=vault.journal("202612-a"))
    two = EventJournal(tmp_path / "b.jsonl", cipher=vault.journal("202612-b"))
    for n in range(4):
        one.append({"n": n})
        two.append({"n": 10 + n})
    assert [r["n"] for r in one.read()] == [0, 1, 2, 3]
    lines = one.path.read_bytes().splitlines(keepends=True)
    other = two.path.read_bytes().splitlines(keepends=True)
    cipher = vault.journal("202612-a")
    swapped = inspect(b"".join([lines[0], lines[2], lines[1], lines[3]]), cipher)
    assert swapped.unreadable_lines == 2
    dropped = inspect(b"".join([lines[0], lines[2], lines[3]]), cipher)
    assert dropped.unreadable_lines == 2 and len(dropped.records) == 1
    assert dropped.torn_bytes == 0  # not taken for a crash's tail, so never cut off
    spliced = inspect(b"".join([lines[0], other[1], lines[2], lines[3]]), cipher)
    assert spliced.unreadable_lines == 1 and [r["n"] for r in spliced.records] == [0, 2, 3]


def test_a_torn_tail_is_cut_and_numbering_goes_on(tmp_path: Path) -> None:
    vault = Vault(new_data_key())
    path = tmp_path / "s.jsonl"
    journal = EventJournal(path, cipher=vault.journal("202612-s"))
    journal.append_many([{"n": 0}, {"n": 1}])
    journal.close()
    with path.open("ab") as f:
        f.write(encode_line({"n": 2}, vault.journal("202612-s"), 2)[:-7])  # a crash mid-write
    again = EventJournal(path, cipher=vault.journal("202612-s"))
    again.append({"n": 3})
    assert [r["n"] for r in again.read()] == [0, 1, 3]
    assert again.torn_bytes > 0
    assert inspect(path.read_bytes(), vault.journal("202612-s")).unreadable_lines == 0


def test_a_damaged_middle_line_keeps_the_numbers_of_the_lines_after(tmp_path: Path) -> None:
    journal = _journal(tmp_path)
    for n in range(5):
        journal.append({"n": n})
    lines = journal.path.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2][:20] + b"#" + lines[2][21:]
    journal.close()
    journal.path.write_bytes(b"".join(lines))
    found = inspect(journal.path.read_bytes(), journal.cipher)
    assert found.unreadable_lines == 1 and [r["n"] for r in found.records] == [0, 1, 3, 4]
    journal.append({"n": 5})
    assert [r["n"] for r in journal.read()] == [0, 1, 3, 4, 5]


@given(st.lists(st.dictionaries(st.text(max_size=8), st.text(max_size=40), max_size=4),
                min_size=1, max_size=12),
       st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=6))
def test_encrypted_journal_reads_back_what_was_appended(tmp_path_factory: pytest.TempPathFactory,
                                                         records: list[dict[str, str]],
                                                         batches: list[int]) -> None:
    path = tmp_path_factory.mktemp("j") / "202612-x.jsonl"
    vault = Vault(new_data_key())
    journal = EventJournal(path, cipher=vault.journal("202612-x"))
    rest = list(records)
    size = iter(batches * 12)
    while rest:
        n = next(size)
        journal.append_many(rest[:n])
        rest = rest[n:]
        if len(rest) % 3 == 1:
            journal.close()  # reopened: the next number comes from the file
    assert journal.read() == records
    assert b'"' not in path.read_bytes().replace(b"~rg1 ", b"")  # no JSON on disk


def test_a_session_recorded_in_an_encrypted_store_survives_reopening(tmp_path: Path) -> None:
    root = tmp_path / "store"
    encrypted_store(root)
    with Store.open(root) as store:
        load_demo(store, TODAY)
        client = store.clients()[0]
        record = store.start_session(client.id, AT, 1, [])
        store.append_events(record.id, [NoteAdded(at=AT, text="canary-zebra-note")])
        events = len(store.events(record.id))
    assert not any(b"canary-zebra" in data for _, data in all_bytes(root))
    with Store.open(root) as store:
        assert len(store.events(record.id)) == events
        assert any(getattr(e, "text", "") == "canary-zebra-note" for e in store.events(record.id))


# ------------------------------------------------------------------------- converting a store
def plain_demo(root: Path) -> None:
    with Store.open(root) as store:
        load_demo(store, TODAY)
        store.backup("manual")


def test_encrypting_a_plaintext_store_keeps_everything_and_leaves_no_plaintext(tmp_path: Path) -> None:
    from roomguard.store.encrypt import AlreadyEncrypted, encrypt_store, remove_plaintext_backups

    root = tmp_path / "store"
    plain_demo(root)
    with Store.open(root) as store:
        before = {c.name: len(list(store.sessions(client_id=c.id))) for c in store.clients()}
        events = {r.id: len(store.events(r.id)) for r in store.sessions()}
    result = encrypt_store(root, PASS)
    assert result.files >= 8 and len(result.plaintext_backups) == 2
    forget_all()
    remember(KeyFile.read(root).unlock_recovery(result.recovery_key))  # type: ignore[union-attr]
    with Store.open(root) as store:
        assert store.encrypted
        assert {c.name: len(list(store.sessions(client_id=c.id))) for c in store.clients()} == before
        assert {r.id: len(store.events(r.id)) for r in store.sessions()} == events
        assert [b.state for b in store.list_backups(check=True)
                if b.reason == "encrypted"] == ["good"]
    assert remove_plaintext_backups(result.plaintext_backups) == 2
    names = [n.encode() for n in before]
    assert [w for w, data in all_bytes(root) for n in names if n in data] == []
    with pytest.raises(AlreadyEncrypted):
        encrypt_store(root, PASS)


KILLER = """
import os, sys
os.environ["ROOMGUARD_TEST_FAST_KDF"] = "1"
from pathlib import Path
from roomguard.store.encrypt import encrypt_store
encrypt_store(Path(sys.argv[1]), "pw")
print("done", flush=True)
"""


def test_kill_9_during_encryption_leaves_the_old_store_or_the_new_one(tmp_path: Path) -> None:
    """Killed at moments spread over the conversion: every time, the next open finds either
    the plaintext store intact or the encrypted one complete, never a mixture."""
    import random
    import signal
    import subprocess
    import sys

    template = tmp_path / "template"
    plain_demo(template)
    with Store.open(template) as store:
        expected = sorted(c.name for c in store.clients())
    import shutil

    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", KILLER, str(shutil.copytree(template, tmp_path / "t"))],
                   check=True, capture_output=True)
    whole = time.perf_counter() - start
    rng = random.Random(20)
    outcomes = set()
    for trial in range(6):
        root = Path(shutil.copytree(template, tmp_path / f"r{trial}"))
        proc = subprocess.Popen([sys.executable, "-c", KILLER, str(root)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.2, 1.0) * whole)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        keyfile = KeyFile.read(root) if (root / KEYFILE).exists() else None
        if keyfile is not None and not (root / ".import-staging").exists():
            remember(keyfile.unlock("pw"))
        try:
            store = Store.open(root)
        except StoreEncrypted:  # the open finished a switch under way, which brought the key
            remember(KeyFile.read(root).unlock("pw"))  # type: ignore[union-attr]
            store = Store.open(root)
        with store:
            outcomes.add(store.encrypted)
            assert sorted(c.name for c in store.clients()) == expected
            assert store.verify().ok
    assert outcomes  # which of the two each kill left depends on timing; both are whole


def test_locking_drops_the_key_but_a_live_session_keeps_recording(tmp_path: Path) -> None:
    root = tmp_path / "store"
    encrypted_store(root)
    with Store.open(root) as store:
        load_demo(store, TODAY)
        client = store.clients()[0]
        record = store.start_session(client.id, AT, 1, [])
        store.clients()  # read once: cached
        store.forget_key(keep_sessions=frozenset({record.id}))  # the screen is locked
        store.append_events(record.id, [NoteAdded(at=AT, text="while locked")])
        with pytest.raises(StoreEncrypted):
            store.clients()  # the cache went with the key
        with pytest.raises(StoreEncrypted):
            store.set_setting("theme", "dark")
        remember(KeyFile.read(root).unlock(PASS))  # type: ignore[union-attr]
        store.take_key()
        assert len(store.clients()) == 5
        store.append_events(record.id, [NoteAdded(at=AT, text="after unlock")])
    with Store.open(root) as store:
        assert [e.text for e in store.events(record.id) if isinstance(e, NoteAdded)] == \
            ["while locked", "after unlock"]
