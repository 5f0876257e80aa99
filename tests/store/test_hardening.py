"""Store hardening: unsafe ids never become paths, unencodable text is refused cleanly,
and a damaged line in the middle of a journal hides nothing after it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import orjson
import pytest

from roomguard.core.events import NoteAdded
from roomguard.core.models import SessionRecord
from roomguard.store import InvalidRecord, Store, StoreError
from roomguard.store.journal import EventJournal, encode_line
from roomguard.store.portability import ImportInvalid, export_bytes, parse_export
from tests.builders import build_agreement, build_client
from tests.screens.helpers import TODAY, seeded_store


@pytest.mark.parametrize("bad", ["../escape", "a/b", "", ".hidden", "x" * 65, "a b"])
def test_unsafe_client_ids_are_refused(store: Store, tmp_path: Path, bad: str) -> None:
    with pytest.raises(InvalidRecord, match="unsafe record id"):
        store.save_agreement(build_agreement(client_id=bad))
    assert not (tmp_path / "escape.json").exists()


def test_unsafe_session_id_is_refused(store: Store) -> None:
    record = SessionRecord(client_id="c1", started_at=datetime(2026, 1, 1), id="../../x")
    with pytest.raises(InvalidRecord):
        store.update_session(record)


def test_import_reports_unsafe_ids(tmp_path: Path) -> None:
    with Store.open(seeded_store(tmp_path / "a"), readonly=True) as store:
        data = orjson.loads(export_bytes(store))
    data["clients"][0]["client"]["id"] = "../../etc"
    if data["clients"][0]["agreement"]:
        data["clients"][0]["agreement"]["client_id"] = "../../etc"
    with pytest.raises(ImportInvalid, match=r"clients\[0\]\.client\.id: '\.\./\.\./etc' is not a valid id"):
        parse_export(orjson.dumps(data), TODAY)


def test_lone_surrogate_is_a_store_error_not_a_crash(store: Store) -> None:
    with pytest.raises(StoreError, match="cannot be stored"):
        store.save_client(build_client("bad \ud800 text"))
    assert store.clients() == []
    record = store.start_session("c1", datetime(2026, 1, 1, 9), 1, [])
    with pytest.raises(InvalidRecord):
        store.append_event(record.id, NoteAdded(datetime(2026, 1, 1, 9, 1), "x \udfff"))
    assert len(store.events(record.id)) == 1  # only the start


def test_damaged_middle_line_hides_nothing_after_it(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    lines = [encode_line({"n": i}) for i in range(5)]
    lines[2] = lines[2][:5] + b"X" + lines[2][6:]  # flip a byte: bad checksum
    path.write_bytes(b"".join(lines) + b'0000 torn')
    journal = EventJournal(path)
    assert [r["n"] for r in journal.read()] == [0, 1, 3, 4]
    journal.append({"n": 5})
    assert [r["n"] for r in journal.read()] == [0, 1, 3, 4, 5]
    assert b"torn" not in path.read_bytes()
    journal.close()
