"""Following a real file on disk: growing, half-written, truncated, replaced, garbled, absent."""

from __future__ import annotations

import io
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from roomguard.core.transcript import TranscriptFormat, Utterance
from roomguard.live.follow import STATUS_REPLACED, STATUS_TRUNCATED, TranscriptFollower, read_whole
from tests.transcripts.generate import long_webvtt

SAMPLES = Path(__file__).parent.parent / "transcripts"
TIMEOUT = 3.0


class Recorder:
    """Collects what a follower reports, for tests to wait on without sleeping."""

    def __init__(self) -> None:
        self.utterances: queue.Queue[Utterance] = queue.Queue()
        self.statuses: queue.Queue[str] = queue.Queue()
        self.all_statuses: list[str] = []

    def on_utterances(self, batch: list[Utterance]) -> None:
        assert batch, "empty batches are not reported"
        for utterance in batch:
            self.utterances.put(utterance)

    def on_status(self, text: str) -> None:
        self.all_statuses.append(text)
        self.statuses.put(text)

    def take(self, count: int) -> list[tuple[str, str, int]]:
        got = [self.utterances.get(timeout=TIMEOUT) for _ in range(count)]
        return [(u.speaker, u.text, u.line_no) for u in got]

    def status(self, starting: str) -> str:
        """Wait for the next status that starts with *starting*, skipping others."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            text = self.statuses.get(timeout=max(0.0, deadline - time.monotonic()))
            if text.startswith(starting):
                return text

    def nothing_more(self) -> bool:
        return self.utterances.empty()


def wait_until(condition: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def transcript(tmp_path: Path) -> Path:
    return tmp_path / "call.txt"


@pytest.fixture
def follow(recorder: Recorder) -> Iterator[Callable[..., TranscriptFollower]]:
    """Start a follower on a path in its own thread; always stopped at the end of the test."""
    started: list[TranscriptFollower] = []

    def start(path: Path, **options: object) -> TranscriptFollower:
        options.setdefault("poll_interval", 0.01)
        follower = TranscriptFollower(
            path,
            recorder.on_utterances,
            recorder.on_status,
            **options,  # type: ignore[arg-type]
        )
        follower.start()
        started.append(follower)
        return follower

    yield start
    for follower in started:
        follower.stop()


def append(path: Path, data: bytes | str) -> None:
    with path.open("ab") as file:
        file.write(data.encode() if isinstance(data, str) else data)


class TestFollowing:
    def test_waits_for_a_file_created_after_start(
        self, follow: Callable[..., TranscriptFollower], recorder: Recorder, transcript: Path
    ) -> None:
        follow(transcript)
        assert recorder.status("waiting for file") == f"waiting for file {transcript}"
        append(transcript, "Dana: are you there?\n")
        assert recorder.status("following") == f"following {transcript}"
        assert recorder.take(1) == [("Dana", "are you there?", 1)]

    def test_appended_lines_arrive_in_order(
        self, follow: Callable[..., TranscriptFollower], recorder: Recorder, transcript: Path
    ) -> None:
        append(transcript, "Dana: one\nSam: two\n")
        follow(transcript)
        assert recorder.take(2) == [("Dana", "one", 1), ("Sam", "two", 2)]
        append(transcript, "Priya: three\n")
        append(transcript, "\nDana: five\n")
        assert recorder.take(2) == [("Priya", "three", 3), ("Dana", "five", 5)]

    def test_line_written_in_two_halves(
        self, follow: Callable[..., TranscriptFollower], recorder: Recorder, transcript: Path
    ) -> None:
        append(transcript, "Dana: the first ha")
        follower = follow(transcript)
        wait_until(lambda: follower.offset == len("Dana: the first ha"))
        assert recorder.nothing_more()
        append(transcript, "lf, then the rest\n")
        assert recorder.take(1) == [("Dana", "the first half, then the rest", 1)]

    def test_multibyte_character_split_between_writes(
        self, follow: Callable[..., TranscriptFollower], recorder: Recorder, transcript: Path
    ) -> None:
        append(transcript, b"Dana: caf\xc3")
        follower = follow(transcript)
        wait_until(lambda: follower.offset == 10)
        append(transcript, b"\xa9 au lait\n")
        assert recorder.take(1) == [("Dana", "café au lait", 1)]

    def test_invalid_utf8_is_replaced(
        self, follow: Callable[..., TranscriptFollower], recorder: Recorder, transcript: Path
    ) -> None:
        append(transcript, (SAMPLES / "invalid_utf8.txt").read_bytes())
        follow(transcript)
        assert recorder.take(3) == [
            ("Dana", "café ok", 1),
            ("Sam", "broken \ufffd\ufffd bytes", 2),
            ("Priya", "cut \ufffd", 3),
        ]

    def test_webvtt_with_bom_and_crlf_written_cue_by_cue(
        self, follow: Callable[..., TranscriptFollower], recorder: Recorder, tmp_path: Path
    ) -> None:
        path = tmp_path / "captions.vtt"
        append(path, b"\xef\xbb\xbfWEBVTT\r\n\r\n")
        follow(path)
        recorder.status("following")
        append(path, "00:00:01.000 --> 00:00:02.000\r\n<v.loud Dana>Hello</v>\r\n\r\n")
        assert recorder.take(1) == [("Dana", "Hello", 4)]
        append(path, "00:00:02.000 --> 00:00:03.000\r\n<v Sam>Hi</v>\r\n\r\n")
        assert recorder.take(1) == [("Sam", "Hi", 7)]

    def test_format_can_be_given(
        self, follow: Callable[..., TranscriptFollower], recorder: Recorder, transcript: Path
    ) -> None:
        append(transcript, "1\n00:00:01,000 --> 00:00:02,000\nDana: srt\n\n")
        follow(transcript, fmt=TranscriptFormat.PLAIN)
        assert recorder.take(3)[2] == ("Dana", "srt", 3)

    def test_a_long_recording_already_on_disk_comes_through_whole(
        self, follow: Callable[..., TranscriptFollower], recorder: Recorder, tmp_path: Path
    ) -> None:
        path = tmp_path / "long.vtt"
        path.write_text(long_webvtt(), encoding="utf-8")
        follower = follow(path)
        got = recorder.take(19_999)
        assert [text.split()[0] for _, text, _ in got] == [f"#{i}" for i in range(19_999)]
        # The last cue has no blank line after it yet: it may still grow, so it is held.
        wait_until(lambda: follower.offset == path.stat().st_size)
        assert recorder.nothing_more()
        append(path, "\n")
        assert recorder.take(1)[0][1].startswith("#19999 ")


class TestTruncationAndRotation:
    def test_truncation_starts_again_from_the_top(
        self, follow: Callable[..., TranscriptFollower], recorder: Recorder, transcript: Path
    ) -> None:
        append(transcript, "Dana: a fairly long first line\nSam: and a second one\n")
        follow(transcript)
        recorder.take(2)
        transcript.write_text("Priya: new\n")  # shorter than what was read
        assert recorder.status("file truncated") == STATUS_TRUNCATED
        assert recorder.take(1) == [("Priya", "new", 1)]
        append(transcript, "Dana: more\n")
        assert recorder.take(1) == [("Dana", "more", 2)]

    def test_rotation_finishes_the_old_file_then_follows_the_new_one(
        self, follow: Callable[..., TranscriptFollower], recorder: Recorder, transcript: Path
    ) -> None:
        append(transcript, "Dana: old file\n")
        follow(transcript)
        assert recorder.take(1) == [("Dana", "old file", 1)]
        append(transcript, "Sam: last words, no line break")
        replacement = transcript.with_name("call.txt.new")
        replacement.write_text("Priya: new file\n")
        os.replace(replacement, transcript)
        assert recorder.status("file replaced") == STATUS_REPLACED
        assert recorder.take(2) == [
            ("Sam", "last words, no line break", 2),
            ("Priya", "new file", 1),
        ]
        append(transcript, "Dana: still here\n")
        assert recorder.take(1) == [("Dana", "still here", 2)]

    def test_removed_then_recreated(
        self, follow: Callable[..., TranscriptFollower], recorder: Recorder, transcript: Path
    ) -> None:
        append(transcript, "Dana: first\n")
        follow(transcript)
        recorder.take(1)
        transcript.unlink()
        recorder.status("file removed")
        append(transcript, "Sam: second session\n")
        recorder.status("file replaced")
        assert recorder.take(1) == [("Sam", "second session", 1)]


class TestStatusesAndStopping:
    def test_status_is_reported_once_per_change(self, recorder: Recorder, transcript: Path) -> None:
        follower = TranscriptFollower(transcript, recorder.on_utterances, recorder.on_status)
        for _ in range(5):
            follower.poll()
        transcript.write_text("Dana: hi\n")
        for _ in range(5):
            follower.poll()
        assert recorder.all_statuses == [
            f"waiting for file {transcript}",
            f"following {transcript}",
        ]
        assert recorder.take(1) == [("Dana", "hi", 1)]

    def test_a_directory_is_refused(self, recorder: Recorder, tmp_path: Path) -> None:
        follower = TranscriptFollower(tmp_path, recorder.on_utterances, recorder.on_status)
        follower.poll()
        assert recorder.all_statuses == [f"cannot follow {tmp_path}: not a regular file"]

    @pytest.mark.parametrize("exists", [True, False], ids=["following", "waiting"])
    def test_stop_returns_within_a_second(
        self, recorder: Recorder, transcript: Path, exists: bool
    ) -> None:
        if exists:
            transcript.write_text("Dana: hi\n")
        follower = TranscriptFollower(
            transcript, recorder.on_utterances, recorder.on_status, poll_interval=30
        )
        thread = follower.start()
        recorder.status("following" if exists else "waiting")
        began = time.monotonic()
        follower.stop()
        assert time.monotonic() - began < 1.0
        assert not thread.is_alive()

    def test_run_can_be_driven_by_someone_elses_thread(
        self, recorder: Recorder, transcript: Path
    ) -> None:
        """How the app uses it: run() inside a worker thread, stop() from the UI thread."""
        transcript.write_text("Dana: hi\n")
        follower = TranscriptFollower(transcript, recorder.on_utterances, recorder.on_status)
        worker = threading.Thread(target=follower.run)
        worker.start()
        assert recorder.take(1) == [("Dana", "hi", 1)]
        follower.stop()
        worker.join(1.0)
        assert not worker.is_alive()


class TestReadWhole:
    def test_reads_and_sniffs_a_file(self) -> None:
        got = read_whole(SAMPLES / "bom_crlf.srt")
        assert [(u.speaker, u.text, u.cue_time) for u in got] == [
            ("Dana", "BOM and CRLF", "00:00:01.000"),
            ("Sam", "Second", "00:00:02.000"),
        ]

    def test_invalid_utf8_is_replaced(self) -> None:
        assert [u.text for u in read_whole(SAMPLES / "invalid_utf8.txt")][
            1
        ] == "broken \ufffd\ufffd bytes"

    def test_dash_reads_standard_input(self, monkeypatch: pytest.MonkeyPatch) -> None:
        stdin = io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbfDana: from a pipe\r\nSam: \xff\n"))
        monkeypatch.setattr("sys.stdin", stdin)
        assert [(u.speaker, u.text) for u in read_whole("-")] == [
            ("Dana", "from a pipe"),
            ("Sam", "\ufffd"),
        ]

    def test_an_empty_vtt_file_by_name(self, tmp_path: Path) -> None:
        path = tmp_path / "empty.vtt"
        path.write_bytes(b"")
        assert read_whole(path) == []

    def test_missing_file_raises(self, tmp_path: Path) -> None:
        with pytest.raises(FileNotFoundError):
            read_whole(tmp_path / "nope.txt")
