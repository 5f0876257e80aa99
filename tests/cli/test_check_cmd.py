"""`roomguard check`: exit statuses, formats, stdin, and the errors a user can make."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from roomguard.cli.main import main
from tests.screens.helpers import seeded_store

SCRIPT = Path(sys.executable).with_name("roomguard")

VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Noah>Hi, my mum is here today.

00:00:05.000 --> 00:00:09.000
<v Grace>I wanted to talk about his grades.

00:00:10.000 --> 00:00:14.000
<v Noah>And about the divorce, it's been hard.
"""

CLEAN = "Noah: we planned the next session\nAlex: see you Tuesday\n"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return seeded_store(tmp_path / "store")


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_alerts_exit_1_and_name_topic_and_uncleared(store: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--db", str(store), "check", str(write(tmp_path, "t.vtt", VTT)),
                   "--client", "Noah Kim"])
    out = capsys.readouterr().out
    assert status == 1
    assert "00:00:10.000  Noah: And about the divorce" in out
    assert "topic: Family conflict  phrase: divorce" in out
    assert "not cleared: Grace Kim" in out


def test_clean_transcript_exits_0(store: Path, tmp_path: Path) -> None:
    assert main(["--db", str(store), "check", str(write(tmp_path, "t.txt", CLEAN)),
                 "--client", "Noah"]) == 0


def test_present_sets_the_room_at_the_start(store: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    text = "Noah: the divorce is on my mind\n"
    path = write(tmp_path, "t.txt", text)
    assert main(["--db", str(store), "check", str(path), "--client", "Noah Kim"]) == 0
    assert main(["--db", str(store), "check", str(path), "--client", "Noah Kim",
                 "--present", "Mum"]) == 1
    assert "Grace Kim" in capsys.readouterr().out


def test_json_format(store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--db", str(store), "check", str(write(tmp_path, "t.vtt", VTT)),
                   "--client", "Noah Kim", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert status == 1
    (alert,) = data["alerts"]
    assert alert["topic"] == "Family conflict" and alert["phrase"] == "divorce"
    assert alert["uncleared"] == ["Grace Kim"] and alert["cue_time"] == "00:00:10.000"
    assert data["lines"] == 3


def test_unknown_speaker_joins_as_uncleared_guest(store: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    text = "Noah: my crush asked me out\nVisitor: hello everyone\n"
    assert main(["--db", str(store), "check", str(write(tmp_path, "t.txt", text)),
                 "--client", "Noah Kim", "--format", "json"]) == 1
    alerts = json.loads(capsys.readouterr().out)["alerts"]
    assert alerts[-1]["speaker"] == "Visitor" and "Visitor" in alerts[-1]["uncleared"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--client", "Nobody"], "No client named 'Nobody'"),
        (["--client", "Noah", "--present", "Grandpa"], "--present 'Grandpa' is not a party"),
    ],
)
def test_user_errors_exit_2(store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                            args: list[str], message: str) -> None:
    path = write(tmp_path, "t.txt", CLEAN)
    assert main(["--db", str(store), "check", str(path), *args]) == 2
    assert message in capsys.readouterr().err


def test_unreadable_file_exits_2(store: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(store), "check", str(tmp_path / "missing.vtt"), "--client", "Noah"]) == 2
    assert "missing.vtt" in capsys.readouterr().err


def test_missing_store_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "t.txt", CLEAN)
    assert main(["--db", str(tmp_path / "nowhere"), "check", str(path), "--client", "x"]) == 2
    assert "no Roomguard store" in capsys.readouterr().err


def test_stdin_and_invalid_utf8_via_installed_script(store: Path) -> None:
    data = b"Noah: about the divorce \xff\xfe broken bytes\n"
    out = subprocess.run([str(SCRIPT), "--db", str(store), "check", "-", "--client", "Noah Kim",
                          "--present", "Grace Kim"], input=data, capture_output=True, timeout=60)
    assert out.returncode == 1, out.stderr
    assert "\ufffd" in out.stdout.decode()


def test_hostile_line_printed_without_escapes(store: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    line = "Noah: [bold]divorce[/] \x1b]52;c;aGk=\x07 \x1b[2J\n"
    main(["--db", str(store), "check", str(write(tmp_path, "t.txt", line)), "--client", "Noah",
          "--present", "Grace"])
    out = capsys.readouterr().out
    assert "[bold]divorce[/]" in out and "\x1b" not in out and "\x07" not in out


class TestNotATranscript:
    """Input that is not a transcript is refused at once, naming the file: exit 2, no traceback."""

    def test_a_file_with_nul_bytes(self, store: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
        path = write(tmp_path, "t.txt", b"Noah: the divorce\n" + b"\0" * 4096)
        assert main(["--db", str(store), "check", str(path), "--client", "Noah"]) == 2
        err = capsys.readouterr().err
        assert f"roomguard: error: {path} is not a text transcript: it holds a NUL byte" in err

    def test_a_file_without_line_breaks(self, store: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
        from roomguard.cli.transcript_reader import MAX_LINE_BYTES

        path = write(tmp_path, "t.txt", b"Noah: " + b"divorce " * (MAX_LINE_BYTES // 8 + 1))
        assert main(["--db", str(store), "check", str(path), "--client", "Noah"]) == 2
        assert f"{path} is not a text transcript: a line of more than 1 MB" in capsys.readouterr().err

    def test_a_device(self, store: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["--db", str(store), "check", "/dev/zero", "--client", "Noah"]) == 2
        assert "/dev/zero is a device, not a transcript file" in capsys.readouterr().err

    def test_nul_bytes_on_standard_input(self, store: Path) -> None:
        out = subprocess.run([str(SCRIPT), "--db", str(store), "check", "-", "--client", "Noah"],
                             input=b"\0" * 100_000, capture_output=True, timeout=60)
        assert out.returncode == 2
        assert out.stderr.decode() == ("roomguard: error: standard input is not a text transcript:"
                                       " it holds a NUL byte at byte 0 (a binary file?)\n")

    def test_the_limits_are_in_the_help(self, capsys: pytest.CaptureFixture[str]) -> None:
        with pytest.raises(SystemExit):
            main(["check", "--help"])
        help_text = " ".join(capsys.readouterr().out.split())
        assert "NUL byte" in help_text and "1 MB" in help_text and "512 MB" in help_text
