"""Where ``-o`` writes: files atomically, devices and FIFOs through, never a special file replaced;
and JSON output with every control and bidi character a terminal would act on escaped."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roomguard.cli.main import main
from roomguard.cli.output import json_text, write_output
from roomguard.store import Store
from tests.builders import build_agreement, build_client
from tests.screens.helpers import seeded_store

SCRIPT = Path(sys.executable).with_name("roomguard")
TODAY = date(2026, 11, 25)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return seeded_store(tmp_path / "store")


# Each command with -o, and a check that what it wrote is whole.
COMMANDS = {
    "checkins": (["checkins", "--today", TODAY.isoformat(), "--format", "json"],
                 lambda data: isinstance(json.loads(data), list)),
    "export": (["export", "--plaintext"], lambda data: json.loads(data)["format"] == "roomguard-export"),
}


@pytest.mark.parametrize("command", COMMANDS)
class TestEveryCommandWithOutput:
    def test_a_fifo_is_written_through_and_stays_a_fifo(self, db: Path, tmp_path: Path,
                                                        command: str) -> None:
        fifo = tmp_path / "pipe"
        os.mkfifo(fifo)
        got: list[bytes] = []
        reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
        reader.start()
        args, whole = COMMANDS[command]
        assert main(["--db", str(db), *args, "-o", str(fifo)]) == 0
        reader.join(30)
        assert stat.S_ISFIFO(fifo.lstat().st_mode)
        assert whole(got[0])

    def test_dev_null_stays_a_character_device(self, db: Path, command: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
        # Were the rename ever used here again, as root it would replace the machine's
        # /dev/null: make that attempt fail the test instead of happening.
        from roomguard.store import atomic

        real_atomic_write = atomic.atomic_write

        def guarded_atomic_write(path: Path, data: bytes) -> None:
            assert not str(path).startswith("/dev/"), f"atomic_write over {path}"
            real_atomic_write(path, data)

        monkeypatch.setattr(atomic, "atomic_write", guarded_atomic_write)
        before = os.stat("/dev/null")
        args, _ = COMMANDS[command]
        assert main(["--db", str(db), *args, "-o", "/dev/null"]) == 0
        after = os.stat("/dev/null")
        assert stat.S_ISCHR(after.st_mode)
        assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)

    def test_a_directory_is_refused(self, db: Path, tmp_path: Path, command: str,
                                    capsys: pytest.CaptureFixture[str]) -> None:
        args, _ = COMMANDS[command]
        assert main(["--db", str(db), *args, "-o", str(tmp_path)]) == 2
        assert capsys.readouterr().err == (
            f"roomguard: error: {tmp_path} is a directory; give a file name\n"
        )

    def test_a_file_is_replaced_whole_and_private(self, db: Path, tmp_path: Path,
                                                  command: str) -> None:
        (tmp_path / "out").mkdir()
        target = tmp_path / "out" / "out.json"
        target.write_text("old contents that are longer than nothing" * 1000)
        args, whole = COMMANDS[command]
        assert main(["--db", str(db), *args, "-o", str(target)]) == 0
        assert whole(target.read_bytes())
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert [p.name for p in target.parent.iterdir()] == ["out.json"]  # no temp file left

    def test_dash_is_standard_output(self, db: Path, command: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
        args, whole = COMMANDS[command]
        assert main(["--db", str(db), *args, "-o", "-"]) == 0
        out, err = capsys.readouterr()
        assert whole(out) and err == ""


def test_a_character_device_made_with_mknod_is_never_replaced(tmp_path: Path) -> None:
    node = tmp_path / "n"
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # another /dev/null
    except PermissionError:
        pytest.skip("mknod needs root")
    write_output(node, b"data")
    assert stat.S_ISCHR(node.lstat().st_mode)


def test_a_symlink_to_a_file_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.ics"
    real.write_text("old")
    link = tmp_path / "link.ics"
    link.symlink_to(real)
    write_output(link, b"new")
    assert link.is_symlink() and real.read_text() == "new"


def test_dev_stdout_appends_where_the_shell_points_it(db: Path, tmp_path: Path) -> None:
    """``-o /dev/stdout >> log``: the log keeps what it had; nothing renames over it."""
    log = tmp_path / "log.txt"
    log.write_text("earlier line\n")
    with log.open("ab") as out:
        done = subprocess.run([str(SCRIPT), "--db", str(db), "checkins", "--format", "json",
                               "-o", "/dev/stdout"], stdout=out, stderr=subprocess.PIPE, timeout=60)
    assert done.returncode == 0, done.stderr
    text = log.read_text()
    assert text.startswith("earlier line\n[")
    assert isinstance(json.loads(text.removeprefix("earlier line\n")), list)


def test_a_folder_that_does_not_exist_is_named(tmp_path: Path) -> None:
    from roomguard.cli.common import CommandError

    with pytest.raises(CommandError, match=r"the folder .*nowhere does not exist"):
        write_output(tmp_path / "nowhere" / "out.json", b"x")


def test_a_disk_device_is_refused() -> None:
    from roomguard.cli.common import CommandError

    disk = next((p for p in ("/dev/loop0", "/dev/sda", "/dev/vda", "/dev/nvme0n1")
                 if Path(p).exists() and stat.S_ISBLK(os.stat(p).st_mode)), None)
    if disk is None:
        pytest.skip("no block device to point at")
    with pytest.raises(CommandError, match="is a disk device; refusing to write to it"):
        write_output(disk, b"x")


# --- JSON safe for a terminal ---------------------------------------------------------------

UNSAFE = (
    [chr(c) for c in range(0x7F, 0xA0)]
    + ["\u061c", "\u200e", "\u200f", "\u2028", "\u2029"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)


@given(st.recursive(
    st.text(st.one_of(st.sampled_from(UNSAFE), st.characters()), max_size=20),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=5), inner, max_size=4)),
    max_leaves=12,
))
def test_json_text_escapes_every_c1_and_bidi_control_and_round_trips(value: object) -> None:
    text = json_text(value)
    assert not any(ch in text for ch in UNSAFE)
    assert json.loads(text) == value


def test_check_json_escapes_controls_in_what_was_said(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    store_path = tmp_path / "store"
    from tests.screens.helpers import seeded_store as seed

    seed(store_path)
    said = "divorce \u202eevil\u202c \x9b31m \u2067x\u2069 \u200f"
    transcript = tmp_path / "t.txt"
    transcript.write_text(f"Visitor\u200e: {said}\n")
    status = main(["--db", str(store_path), "check", str(transcript), "--client", "Noah Kim",
                   "--format", "json"])
    out = capsys.readouterr().out
    assert status == 1
    assert not any(ch in out for ch in UNSAFE)
    assert "\\u202e" in out and "\\u009b" in out
    (alert,) = json.loads(out)["alerts"]
    assert alert["line"] == said


def test_checkins_json_escapes_controls_in_names(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    store_path = tmp_path / "store"
    with Store.open(store_path) as store:
        client = build_client("Ann \u202eeman\u202c \x85")
        store.save_client(client)
        store.save_agreement(build_agreement(client_id=client.id))
    assert main(["--db", str(store_path), "checkins", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert not any(ch in out for ch in UNSAFE)
    assert json.loads(out)[0]["client"] == client.name
