"""Issue 19 on the command line: ``roomguard check`` as an audit a coach can stand behind.

Every mention under its alert (text and JSON, ``--summary`` for one line per alert), arrivals
as their own kind, unknown speakers reported and counted in the exit status (3), presence over
time (``--attendance`` with Zoom and Teams reports, join/leave lines), honest parsing (exit 2
naming the file and line; ``--lenient``), diarised files and ``--speaker-map``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roomguard.cli.main import main
from tests.screens.helpers import seeded_store

SAMPLES = Path(__file__).parents[1] / "transcripts"
ATTENDANCE = SAMPLES / "attendance"

REPEATS = """Mum: I'll sit in today
Noah: the divorce is hard
Noah: and the custody hearing
Bob: hello everyone
Noah: the divorce again
"""


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return seeded_store(tmp_path / "store")


def check(store: Path, path: Path, *args: str, client: str = "Noah Kim") -> int:
    return main(["--db", str(store), "check", str(path), "--client", client, *args])


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


class TestMentions:
    def test_every_mention_is_listed_under_its_alert(
        self, store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert check(store, write(tmp_path, "t.txt", REPEATS)) == 1
        out = capsys.readouterr().out
        assert ("Alert 1 (mention): Family conflict came up 2 time(s) while Grace Kim "
                "(not cleared) was present") in out
        assert "  line 2  Noah: the divorce is hard\n      topic: Family conflict  phrase: divorce" in out
        assert "  line 3  Noah: and the custody hearing\n      topic: Family conflict  phrase: custody" in out
        assert "Alert 2 (arrival): Bob came in while Family conflict was active" in out
        assert 'active since line 3: Noah said "custody"' in out
        assert "Alert 3 (mention): Family conflict came up 1 time(s)" in out
        assert "3 alert(s) in 5 line(s); 3 mention(s) under them; 1 unknown speaker(s)" in out

    def test_json_lists_every_mention_and_each_alert_kind(
        self, store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        check(store, write(tmp_path, "t.txt", REPEATS), "--format", "json")
        data = json.loads(capsys.readouterr().out)
        first, arrival, last = data["alerts"]
        assert first["kind"] == "mention" and first["phrase"] == "divorce"
        assert [(m["line_no"], m["phrase"], m["speaker"], m["uncleared"], m["present"])
                for m in first["mentions"]] == [
            (2, "divorce", "Noah", ["Grace Kim"], ["Grace Kim", "Noah Kim"]),
            (3, "custody", "Noah", ["Grace Kim"], ["Grace Kim", "Noah Kim"]),
        ]
        assert arrival["kind"] == "arrival" and arrival["joined"] == "Bob"
        assert arrival["phrase"] == "custody"  # not "": the mention that made it active
        assert arrival["active_since"]["line_no"] == 3 and arrival["mentions"] == []
        assert last["mentions"][0]["uncleared"] == ["Grace Kim", "Bob"]
        assert data["mentions"] == 3

    def test_summary_is_one_line_per_alert(
        self, store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert check(store, write(tmp_path, "t.txt", REPEATS), "--summary") == 1
        lines = capsys.readouterr().out.splitlines()
        assert lines[:3] == [
            'line 2  mention  Family conflict  2 mention(s), first "divorce", last at line 3  '
            "not cleared: Grace Kim",
            'line 4  arrival  Family conflict  Bob came in (active since line 3, "custody")  '
            "not cleared: Grace Kim, Bob",
            'line 5  mention  Family conflict  1 mention(s), first "divorce"  '
            "not cleared: Grace Kim, Bob",
        ]

    def test_json_summary_counts_instead_of_listing(
        self, store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        check(store, write(tmp_path, "t.txt", REPEATS), "--format", "json", "--summary")
        first = json.loads(capsys.readouterr().out)["alerts"][0]
        assert "mentions" not in first
        assert first["mention_count"] == 2 and first["last_mention"]["line_no"] == 3


class TestUnknownSpeakers:
    def test_reported_in_text_and_exit_3_when_nothing_else(
        self, store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = write(tmp_path, "t.txt", "Noah: hi\nVisitor: hello all\nVisitor: bye\n")
        assert check(store, path) == 3
        out = capsys.readouterr().out
        assert "Unknown speakers, joined as guests (not cleared for any private topic):\n" \
               "    Visitor  first at line 2: hello all" in out
        assert "No alerts in 3 line(s); 1 unknown speaker(s)" in out

    def test_reported_in_json(self, store: Path, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
        path = write(tmp_path, "t.vtt", "WEBVTT\n\n00:00:05.000 --> 00:00:06.000\n"
                                        "<v Visitor>hello all</v>\n")
        assert check(store, path, "--format", "json") == 3
        (unknown,) = json.loads(capsys.readouterr().out)["unknown_speakers"]
        assert unknown == {"name": "Visitor", "source": "transcript", "email": None,
                           "at": "00:00:05.000", "cue_time": "00:00:05.000", "line_no": 4,
                           "speaker": "Visitor", "line": "hello all"}

    def test_alerts_outrank_unknown_speakers(self, store: Path, tmp_path: Path) -> None:
        path = write(tmp_path, "t.txt", "Visitor: the divorce\n")
        assert check(store, path) == 1

    def test_a_sentence_ending_with_a_colon_is_no_unknown_speaker(
        self, store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """It used to join as a guest and be named "not cleared" in the alert."""
        path = write(tmp_path, "t.vtt", "WEBVTT\n\n00:00:05.000 --> 00:00:08.000\n"
                                        "and I told the workers:\nthe divorce is final\n")
        assert check(store, path, "--present", "Noah") == 0
        assert "workers" not in capsys.readouterr().out


class TestDiarisedFiles:
    def test_diarised_speakers_are_unknown_until_mapped(self, store: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
        path = SAMPLES / "producers" / "diarised.txt"
        assert check(store, path) == 3
        assert "SPEAKER_00  first at line 1" in capsys.readouterr().out
        mapped = ["--speaker-map", "SPEAKER_00=Noah", "--speaker-map", "speaker_01=Alex",
                  "--speaker-map", "Speaker 1=Noah", "--speaker-map", "speaker 2=Mum"]
        assert check(store, path, *mapped) == 0

    def test_a_map_to_someone_not_a_party_is_refused(self, store: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
        path = SAMPLES / "producers" / "diarised.txt"
        assert check(store, path, "--speaker-map", "SPEAKER_00=Grandpa") == 2
        assert "--speaker-map 'SPEAKER_00=Grandpa'" in capsys.readouterr().err


class TestPresenceOverTime:
    """The assistant Tom leaves at 10:19:55 (00:19:52 into the recording) and comes back
    silently 10:40:02-10:44:30; Priya talks about her salary at 00:20:30 and her bonus at
    00:41:00."""

    TRANSCRIPT = ATTENDANCE / "priya_session.vtt"

    def alert_times(self, capsys: pytest.CaptureFixture[str]) -> list[str]:
        data = json.loads(capsys.readouterr().out)
        return [m["cue_time"] for a in data["alerts"] for m in a["mentions"]]

    def test_without_attendance_tom_never_leaves(
        self, store: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert check(store, self.TRANSCRIPT, "--format", "json", client="Priya Raman") == 1
        assert self.alert_times(capsys) == ["00:20:30.000", "00:41:00.000", "00:41:00.000"]

    @pytest.mark.parametrize(
        "report", ["zoom_participants.csv", "teams_attendance.csv", "teams_attendance_2020.csv"])
    def test_with_attendance_the_salary_is_no_breach_and_the_silent_return_is(
        self, store: Path, capsys: pytest.CaptureFixture[str], report: str
    ) -> None:
        status = check(store, self.TRANSCRIPT, "--format", "json", "--attendance",
                       str(ATTENDANCE / report), client="Priya Raman")
        assert status == 1
        data = json.loads(capsys.readouterr().out)
        assert [m["cue_time"] for a in data["alerts"] for m in a["mentions"]] == [
            "00:41:00.000", "00:41:00.000"]
        tom = next(p for p in data["attendance"]["people"] if p["party"] == "Tom Becker")
        assert tom["in"] == [["00:00:28.000", "00:19:52.000"], ["00:39:59.000", "00:44:27.000"]]
        assert data["attendance"]["recording_start"] == "2026-11-25T10:00:03"

    def test_a_later_recording_start(self, store: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
        """Recorded from 10:21:00: Tom was back (10:40:02) when the salary came up (00:20:30
        into the recording, 10:41:30)."""
        check(store, self.TRANSCRIPT, "--format", "json", "--attendance",
              str(ATTENDANCE / "zoom_participants.csv"), "--recording-start", "10:21:00",
              client="Priya Raman")
        assert self.alert_times(capsys)[0] == "00:20:30.000"

    def test_text_says_who_was_in_when(self, store: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
        check(store, self.TRANSCRIPT, "--attendance", str(ATTENDANCE / "zoom_participants.csv"),
              client="Priya Raman")
        out = capsys.readouterr().out
        assert ("    Tom Becker (as TB (Tom Becker), Tom's iPhone)  in "
                "00:00:28.000-00:19:52.000, 00:39:59.000-00:44:27.000") in out

    def test_join_and_leave_lines_in_a_plain_transcript(
        self, store: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = SAMPLES / "producers" / "join_leave.txt"
        assert check(store, path, "--format", "json", client="Priya Raman") == 1
        data = json.loads(capsys.readouterr().out)
        assert [(a["kind"], a["cue_time"]) for a in data["alerts"]] == [
            ("arrival", "00:02:30.000"), ("mention", "00:02:35.000")]  # not Tom: he left

    @pytest.mark.parametrize(
        ("report", "message"),
        [
            ("Name,Join Time,Leave Time\nAlex,soon,later\n",
             "a.csv, line 2: join time 'soon' is not a date and time"),
            ("hello\n", "a.csv: not a Zoom participants report nor a Teams attendance report"),
        ],
    )
    def test_a_report_that_cannot_be_read_exits_2_naming_file_and_line(
        self, store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], report: str,
        message: str,
    ) -> None:
        path = write(tmp_path, "a.csv", report)
        assert check(store, self.TRANSCRIPT, "--attendance", str(path),
                     client="Priya Raman") == 2
        assert message in capsys.readouterr().err

    def test_an_untimed_transcript_cannot_be_lined_up(
        self, store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = write(tmp_path, "t.txt", "Priya: my salary\n")
        assert check(store, path, "--attendance", str(ATTENDANCE / "zoom_participants.csv"),
                     client="Priya Raman") == 2
        assert "gives no times" in capsys.readouterr().err


class TestHonestParsing:
    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("empty.vtt", "", "empty.vtt, line 1: the file is empty (0 bytes)"),
            ("one.txt", "1", "one.txt, line 1: '1' is not a transcript line"),
            ("bad.vtt", "WEBVTT\n\n00:00:1d.890 --> 00:00:03.000\nthe divorce\n",
             "bad.vtt, line 3: a cue timing that does not read as one"),
            ("nocue.vtt", "WEBVTT\n\nNOTE nothing said\n",
             "nocue.vtt, line 1: a WebVTT file without a single cue"),
        ],
    )
    def test_what_is_not_a_transcript_exits_2_naming_file_and_line(
        self, store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str,
        content: str, message: str,
    ) -> None:
        path = write(tmp_path, name, content)
        assert check(store, path) == 2
        captured = capsys.readouterr()
        assert message in captured.err and captured.out == ""
        assert check(store, path, "--lenient") == 0  # as before: read as far as it goes

    def test_help_says_what_each_exit_status_means(self, capsys: pytest.CaptureFixture[str]) -> None:
        with pytest.raises(SystemExit):
            main(["check", "--help"])
        text = " ".join(capsys.readouterr().out.split())
        for words in ("0 nothing to report; 1 alerts; 2 error", "3 no alert, but unknown",
                      "--attendance", "--summary", "--lenient", "--speaker-map",
                      "an alert groups the mentions"):
            assert words in text
