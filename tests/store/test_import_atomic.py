"""Import is all or nothing, whenever it is stopped: a crash before the switch leaves the store as
it was, a crash during the switch is finished at the next open, and both are reported. ``--merge``
says which version of each client the store now holds; a key the format does not have is refused.
(The kill -9 proof is tests/reliability/test_import_kill.py.)"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import orjson
import pytest

from roomguard.cli.main import main
from roomguard.store import Store, staging
from roomguard.store.portability import (
    ImportInvalid,
    ImportMode,
    apply_import,
    export_bytes,
    parse_export,
)
from tests.builders import build_agreement, build_client
from tests.screens.helpers import seeded_store

TODAY = date(2026, 11, 25)


class Killed(BaseException):
    """Stands for kill -9: nothing after it runs, no cleanup, no except Exception."""


def exported(path: Path) -> bytes:
    with Store.open(path, readonly=True) as store:
        return export_bytes(store)


@pytest.fixture
def source(tmp_path: Path) -> bytes:
    return exported(seeded_store(tmp_path / "source"))


@pytest.fixture
def target(tmp_path: Path) -> Path:
    """A store with one client of its own, which a NEW import refuses and a REPLACE removes."""
    path = tmp_path / "target"
    with Store.open(path) as store:
        client = build_client("Old Client")
        store.save_client(client)
        store.save_agreement(build_agreement(client_id=client.id))
    return path


def leftovers(root: Path) -> list[str]:
    return sorted(name for name in os.listdir(root) if name.startswith(".import"))


def test_a_crash_between_staging_and_switch_leaves_the_store_as_it_was(
    target: Path, source: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = exported(target)

    def killed(root: Path) -> None:
        raise Killed

    monkeypatch.setattr(staging, "switch", killed)
    monkeypatch.setattr(staging, "discard", lambda root: None)  # a killed process cleans nothing
    with Store.open(target) as store, pytest.raises(Killed):
        apply_import(store, parse_export(source, TODAY), ImportMode.REPLACE)
    assert leftovers(target) == [staging.STAGING]  # the staged store was whole and checked
    monkeypatch.undo()

    with Store.open(target) as store:
        assert store.recovered == [staging.DISCARDED]
        assert export_bytes(store) == before
    assert leftovers(target) == []


# The switch renames each old entry out (the target's meta.json, practice.json, clients/), each
# staged entry in (the same and sessions/), then removes its marker: a kill before any of those
# eight steps.
@pytest.mark.parametrize("steps_done", range(8))
def test_a_crash_during_the_switch_is_finished_at_the_next_open(
    target: Path, source: bytes, monkeypatch: pytest.MonkeyPatch, steps_done: int
) -> None:
    done: list[str] = []

    def killed_after(step):  # noqa: ANN001, ANN202
        def run(*args: Path) -> None:
            if len(done) == steps_done:
                raise Killed
            step(*args)
            done.append(step.__name__)

        return run

    monkeypatch.setattr(staging, "_move", killed_after(staging._move))
    monkeypatch.setattr(staging, "_remove_marker", killed_after(staging._remove_marker))
    with Store.open(target) as store, pytest.raises(Killed):
        apply_import(store, parse_export(source, TODAY), ImportMode.REPLACE)
    monkeypatch.undo()
    assert len(done) == steps_done
    assert staging.SWITCH in leftovers(target)

    with pytest.raises(staging.ImportInterrupted):  # a reader cannot finish it, and says so
        Store.open(target, readonly=True)
    with Store.open(target) as store:
        assert store.recovered == [staging.FINISHED]
        assert export_bytes(store) == source  # everything the file held, nothing of before
    assert leftovers(target) == []


def test_a_crash_while_cleaning_up_after_the_switch_is_tidied_silently(
    target: Path, source: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staging.shutil, "rmtree", lambda *a, **k: None)
    with Store.open(target) as store:
        apply_import(store, parse_export(source, TODAY), ImportMode.REPLACE)
    monkeypatch.undo()
    assert leftovers(target) == [staging.OLD, staging.STAGING]
    with Store.open(target) as store:
        assert store.recovered == []  # the import was complete: nothing to tell
        assert export_bytes(store) == source
    assert leftovers(target) == []


def test_a_failed_check_of_the_staged_store_changes_nothing(
    target: Path, source: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roomguard.store import portability

    before = exported(target)
    real = portability._compare_bundle
    monkeypatch.setattr(portability, "_compare_bundle",
                        lambda staged, bundle: [*real(staged, bundle), "planted difference"])
    with Store.open(target) as store:
        with pytest.raises(portability.ImportNotVerified, match="planted difference"):
            apply_import(store, parse_export(source, TODAY), ImportMode.REPLACE)
        assert export_bytes(store) == before
    assert leftovers(target) == []


def test_a_marker_that_cannot_be_written_changes_nothing(target: Path, source: bytes,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    before = exported(target)

    def disk_full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(staging, "atomic_write", disk_full)
    with Store.open(target) as store:
        with pytest.raises(staging.StagingFailed, match="No space left on device"):
            apply_import(store, parse_export(source, TODAY), ImportMode.REPLACE)
        assert export_bytes(store) == before
    assert leftovers(target) == []


def test_a_store_folder_that_is_a_symlink_is_refused_not_written_through(
    tmp_path: Path, source: bytes
) -> None:
    """Staged writes would follow the link into the live store before the switch."""
    target = seeded_store(tmp_path / "target")
    elsewhere = tmp_path / "elsewhere-sessions"
    (target / "sessions").rename(elsewhere)
    (target / "sessions").symlink_to(elsewhere)
    before = exported(target)
    with (
        Store.open(target) as store,
        pytest.raises(staging.StagingFailed, match="sessions: it is a symbolic link"),
    ):
        apply_import(store, parse_export(source, TODAY), ImportMode.MERGE)
    assert exported(target) == before and leftovers(target) == []


def test_the_store_object_reads_the_imported_store_after_the_switch(target: Path,
                                                                   source: bytes) -> None:
    with Store.open(target) as store:
        assert [c.name for c in store.clients()] == ["Old Client"]  # cached before the import
        apply_import(store, parse_export(source, TODAY), ImportMode.REPLACE)
        assert "Old Client" not in [c.name for c in store.clients()]
        assert export_bytes(store) == source


# ----------------------------------------------------------------------------- --merge
def test_merge_says_for_each_client_which_version_it_kept(tmp_path: Path, source: bytes,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    data = json.loads(source)
    # Ids are random, so the export's order is too: the client a killed import left without its
    # sessions must be one that has sessions, or the store's copy would not differ.
    data["clients"].sort(key=lambda c: -len(c["sessions"]))
    store_path = tmp_path / "merge"
    partial = dict(data, clients=data["clients"][:3])
    partial["clients"][0] = dict(partial["clients"][0], sessions=[])  # as a killed import left it
    with Store.open(store_path) as store:
        apply_import(store, parse_export(orjson.dumps(partial), TODAY), ImportMode.NEW)
    file = tmp_path / "export.json"
    file.write_bytes(source)

    assert main(["--db", str(store_path), "import", str(file), "--merge"]) == 0
    out = capsys.readouterr().out
    lines = {line.split(": ", 1)[0].strip(): line.split(": ", 1)[1]
             for line in out.splitlines()[1:]}
    names = [c["client"]["name"] for c in data["clients"]]
    first_sessions = len(data["clients"][0]["sessions"])
    assert lines[names[0]] == ("kept the store's version; the file's differs: "
                               f"{first_sessions} session(s) only in the file")
    assert lines[names[1]] == "kept the store's version (the same as the file's)"
    assert all(lines[name] == "took the file's version" for name in names[3:])
    assert len(lines) == len(names)


# ----------------------------------------------------------------------------- unknown keys
@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d.update(exported_by="another tool"), "exported_by: unknown key"),
        (lambda d: d["clients"][0].update(notes="x"), "clients[0].notes: unknown key"),
        (lambda d: d["clients"][0]["client"].update(nickname="P"),
         "clients[0].client.nickname: unknown key"),
        (lambda d: d["clients"][1]["agreement"]["participants"][0].update(pronoun="she"),
         "clients[1].agreement.participants[0].pronoun: unknown key"),
        (lambda d: d["clients"][2]["sessions"][0].update(summary="..."),
         "clients[2].sessions[0].summary: unknown key"),
        (lambda d: d["clients"][2]["sessions"][0]["events"][0].update(mood="calm"),
         "clients[2].sessions[0].events[0].mood: unknown key"),
    ],
)
def test_a_key_the_format_does_not_have_is_refused_where_it_is(source: bytes, mutate,
                                                                where: str) -> None:
    data = json.loads(source)
    data["clients"].sort(key=lambda c: len(c["sessions"]))  # sessions at index 2+
    mutate(data)
    with pytest.raises(ImportInvalid) as info:
        parse_export(orjson.dumps(data), TODAY)
    assert where in str(info.value) and "nothing was imported" in str(info.value)
