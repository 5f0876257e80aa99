"""Export/import: identical round trips, all-or-nothing validation with located problems."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roomguard.cli.main import main
from roomguard.store import Store
from roomguard.store.portability import (
    ImportInvalid,
    ImportMode,
    apply_import,
    export_bytes,
    parse_export,
)
from tests.builders import build_agreement, build_client
from tests.screens.helpers import seeded_store
from tests.strategies import hostile_text

TODAY = date(2026, 11, 25)


def round_trip(source: Path, target: Path) -> tuple[bytes, bytes]:
    with Store.open(source, readonly=True) as store:
        first = export_bytes(store)
    with Store.open(target) as store:
        apply_import(store, parse_export(first, TODAY), ImportMode.NEW)
    with Store.open(target, readonly=True) as store:
        second = export_bytes(store)
    return first, second


def test_demo_round_trip_is_identical(tmp_path: Path) -> None:
    first, second = round_trip(seeded_store(tmp_path / "a"), tmp_path / "b")
    assert first == second
    data = json.loads(first)
    assert data["format"] == "roomguard-export" and data["version"] == 1
    assert len(data["clients"]) == 5
    assert sum(len(c["sessions"]) for c in data["clients"]) == 4


@settings(max_examples=15, deadline=None)
@given(names=st.lists(hostile_text(), min_size=1, max_size=4, unique_by=lambda s: s.casefold().strip()))
def test_hostile_names_round_trip(tmp_path_factory: pytest.TempPathFactory, names: list[str]) -> None:
    base = tmp_path_factory.mktemp("rt")
    with Store.open(base / "a") as store:
        for name in names:
            client = build_client(name)
            store.save_client(client)
            store.save_agreement(build_agreement(client_id=client.id))
            record = store.start_session(client.id, datetime(2026, 1, 2, 3, 4), 1, [])
            store.end_session(record, datetime(2026, 1, 2, 4, 4))
    first, second = round_trip(base / "a", base / "b")
    assert first == second


def test_client_export_holds_only_that_client(tmp_path: Path) -> None:
    path = seeded_store(tmp_path / "a")
    with Store.open(path, readonly=True) as store:
        priya = store.find_client("Priya Raman")
        data = json.loads(export_bytes(store, priya.id))
    assert [c["client"]["name"] for c in data["clients"]] == ["Priya Raman"]
    assert "settings" not in data


def _export(tmp_path: Path) -> dict:
    with Store.open(seeded_store(tmp_path / "a"), readonly=True) as store:
        return json.loads(export_bytes(store))


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["clients"][0]["client"].update(name=5), "clients[0].client: "),
        (lambda d: d["clients"][1]["agreement"].update(next_review="31/02/2026"),
         "clients[1].agreement"),
        (lambda d: d["clients"].append(d["clients"][0]), "duplicate id"),
        (lambda d: d["clients"][0]["client"].update(notes="x" * 1_000_001), "1,000,001 characters"),
        (lambda d: d.update(version=99), "version: this Roomguard reads"),
        (lambda d: d.update(format="other"), "format: expected"),
        (lambda d: d["clients"][2]["sessions"][0]["events"].append({"kind": "boom"}),
         "unknown event kind 'boom'"),
        (lambda d: d["clients"][2]["agreement"].update(client_id="someone-else"),
         "does not match the client's id"),
    ],
)
def test_invalid_files_report_location_and_change_nothing(
    tmp_path: Path, mutate, expected: str
) -> None:
    data = _export(tmp_path)
    data["clients"].sort(key=lambda c: len(c["sessions"]))  # a client with sessions at index 2+
    mutate(data)
    target = tmp_path / "b"
    with Store.open(target) as store:
        with pytest.raises(ImportInvalid) as info:
            apply_import(store, parse_export(orjson.dumps(data), TODAY), ImportMode.NEW)
        assert expected in str(info.value)
        assert store.is_empty()


def test_markup_in_import_problems_is_reported_not_interpreted(tmp_path: Path) -> None:
    data = _export(tmp_path)
    data["clients"][0]["client"]["status"] = "[bold]\x1b[2Jweird[/]"
    with pytest.raises(ImportInvalid) as info:
        parse_export(orjson.dumps(data), TODAY)
    assert "clients[0].client" in str(info.value)


def test_not_json(tmp_path: Path) -> None:
    with pytest.raises(ImportInvalid, match="not valid JSON"):
        parse_export(b"{nope", TODAY)


def test_merge_keeps_existing_and_replace_swaps(tmp_path: Path) -> None:
    data = export_bytes_of(seeded_store(tmp_path / "a"))
    target = seeded_store(tmp_path / "b")  # same names, different ids
    with Store.open(target) as store:
        report = apply_import(store, parse_export(data, TODAY), ImportMode.MERGE)
        assert report.clients_added == 5 and len(store.clients()) == 10
        assert report.backup.startswith("roomguard-")
        apply_import(store, parse_export(data, TODAY), ImportMode.REPLACE)
        assert len(store.clients()) == 5
        assert export_bytes(store) == data


def export_bytes_of(path: Path) -> bytes:
    with Store.open(path, readonly=True) as store:
        return export_bytes(store)


def test_new_mode_refuses_a_store_with_clients(tmp_path: Path) -> None:
    data = export_bytes_of(seeded_store(tmp_path / "a"))
    with (
        Store.open(seeded_store(tmp_path / "b")) as store,
        pytest.raises(ImportInvalid, match="--merge or --replace"),
    ):
        apply_import(store, parse_export(data, TODAY), ImportMode.NEW)


class TestCommands:
    def test_export_import_via_cli(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        source = seeded_store(tmp_path / "a")
        out = tmp_path / "out.json"
        assert main(["--db", str(source), "export", "--plaintext", "-o", str(out)]) == 0
        assert out.stat().st_mode & 0o777 == 0o600
        assert main(["--db", str(tmp_path / "b"), "import", str(out)]) == 0
        assert "imported 5 client(s)" in capsys.readouterr().out

    def test_import_of_bad_file_exits_2(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        bad = tmp_path / "bad.json"
        bad.write_text('{"format": "roomguard-export", "version": 1, "clients": [{"client": {}}]}')
        assert main(["--db", str(tmp_path / "b"), "import", str(bad)]) == 2
        err = capsys.readouterr().err
        assert "clients[0].client" in err and "nothing was imported" in err

    def test_backup_list_create_restore(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        path = seeded_store(tmp_path / "a")
        assert main(["--db", str(path), "backup", "create"]) == 0
        (path / "practice.json").write_bytes(b"garbage")
        assert main(["--db", str(path), "backup", "restore", "latest"]) == 0
        with Store.open(path, readonly=True) as store:
            assert len(store.clients()) == 5
        assert main(["--db", str(path), "backup", "list"]) == 0
        assert "pre-restore" in capsys.readouterr().out

    def test_restore_unknown_name_exits_2(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        path = seeded_store(tmp_path / "a")
        main(["--db", str(path), "backup", "create"])
        assert main(["--db", str(path), "backup", "restore", "nope"]) == 2
        assert "no backup named 'nope'" in capsys.readouterr().err


def test_backups_leave_the_coachs_output_files_alone(tmp_path: Path) -> None:
    """Exports, reports and documents are neither backed up nor deleted by a restore."""
    import zipfile

    path = seeded_store(tmp_path / "a")
    outputs = [path / d / "file.txt" for d in ("exports", "reports", "documents")]
    for out in outputs:
        out.parent.mkdir()
        out.write_text("mine")
    with Store.open(path) as store:
        backup = store.backup("manual")
        assert not any(n.split("/")[0] in {"exports", "reports", "documents"}
                       for n in zipfile.ZipFile(backup).namelist())
        store.restore(backup)
    assert all(out.read_text() == "mine" for out in outputs)
