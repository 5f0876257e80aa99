"""Reading a finished transcript in bounded memory: same utterances as a whole-file parse, and
whatever is not a transcript refused early with its file and reason named."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roomguard.cli import transcript_reader
from roomguard.cli.transcript_reader import (
    MAX_LINE_BYTES,
    NotATranscript,
    read_utterances,
)
from roomguard.core.transcript import TranscriptFormat, TranscriptParser, Utterance, parse_text
from tests.transcripts.generate import long_webvtt


def rows(utterances: list[Utterance]) -> list[tuple[str, str, str, int]]:
    return [(u.speaker, u.text, u.cue_time, u.line_no) for u in utterances]


def written(tmp_path: Path, data: bytes, name: str = "t.vtt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- same result as parsing the whole file ---------------------------------------------------


def test_a_long_recording_streams_to_the_same_utterances(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    text = long_webvtt(2_000)
    path = written(tmp_path, text.encode())
    monkeypatch.setattr(transcript_reader, "CHUNK_BYTES", 997)  # cuts fall anywhere
    assert rows(list(read_utterances(str(path)))) == rows(parse_text(text))


@given(
    text=st.text(st.sampled_from("ab: \n\r\t-->0123456789.,WEBVTT<v>é\ufeff"), max_size=300),
    chunk=st.integers(1, 64),
)
def test_any_text_in_any_chunk_size_gives_what_a_whole_parse_gives(
    tmp_path_factory: pytest.TempPathFactory, text: str, chunk: int
) -> None:
    path = written(tmp_path_factory.mktemp("r"), text.encode(), "t.txt")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(transcript_reader, "CHUNK_BYTES", chunk)
        streamed = rows(list(read_utterances(str(path))))
    from roomguard.core.transcript import sniff_format

    # The parser drops one byte-order mark at the start, as the reader does (a second one is
    # text: "\ufeff\ufeff" reads as one line either way).
    whole = text.removeprefix("\ufeff")
    assert streamed == rows(parse_text(text, sniff_format(whole[:4096], str(path))))


def test_utterances_come_while_the_file_is_still_being_read(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The first cue is handed on before the rest is read: nothing holds the whole file."""
    path = written(tmp_path, long_webvtt(5_000).encode())
    reads: list[int] = []
    real_read = os.read

    def counting_read(fd: int, n: int) -> bytes:
        data = real_read(fd, n)
        reads.append(len(data))
        return data

    monkeypatch.setattr(transcript_reader.os, "read", counting_read)
    stream = read_utterances(str(path))
    next(stream)
    assert sum(reads) < path.stat().st_size / 2
    stream.close()


# --- refusals ---------------------------------------------------------------------------------


def test_a_nul_byte_is_refused_with_the_file_and_where(tmp_path: Path) -> None:
    path = written(tmp_path, b"Dana: hello\n" * 100 + b"\0" * 10)
    with pytest.raises(NotATranscript, match=rf"{path}.*NUL byte at byte 1,200"):
        list(read_utterances(str(path)))


def test_utf16_is_named_as_such(tmp_path: Path) -> None:
    path = written(tmp_path, "Dana: hello\n".encode("utf-16"))
    with pytest.raises(NotATranscript, match="UTF-16"):
        list(read_utterances(str(path)))


def test_megabytes_without_a_line_break_are_refused(tmp_path: Path) -> None:
    path = written(tmp_path, b"Dana: hi\n" + b"a" * (MAX_LINE_BYTES + 10))
    with pytest.raises(NotATranscript, match=r"without a break \(from byte 9\)"):
        list(read_utterances(str(path)))


def test_a_long_line_split_across_chunks_is_measured_whole(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transcript_reader, "MAX_LINE_BYTES", 100)
    monkeypatch.setattr(transcript_reader, "CHUNK_BYTES", 30)
    ok = written(tmp_path, (b"x" * 99 + b"\n") * 5, "ok.txt")
    assert len(list(read_utterances(str(ok)))) == 5
    crlf = written(tmp_path, (b"x" * 98 + b"\r\n") * 5, "crlf.txt")
    assert len(list(read_utterances(str(crlf)))) == 5
    bad = written(tmp_path, b"x" * 99 + b"\n" + b"y" * 101 + b"\n", "bad.txt")
    with pytest.raises(NotATranscript, match="from byte 100"):
        list(read_utterances(str(bad)))


def test_more_than_the_size_limit_is_refused(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transcript_reader, "MAX_TRANSCRIPT_BYTES", 1000)
    path = written(tmp_path, b"Dana: hello\n" * 200)
    with pytest.raises(NotATranscript, match="larger than"):
        list(read_utterances(str(path)))


def test_a_device_is_refused_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(NotATranscript, match="/dev/zero is a device"):
        list(read_utterances("/dev/zero"))
    assert time.monotonic() - started < 1


# --- the parser holds at most one bounded block -----------------------------------------------


def test_a_caption_file_without_blank_lines_is_not_held_whole() -> None:
    body = "".join(f"{i}\n00:00:{i % 60:02d}.000 --> 00:00:{i % 60:02d}.500\nline {i}\n"
                   for i in range(1, 3_000))
    parser = TranscriptParser(TranscriptFormat.SRT, max_block_lines=50)
    early = parser.feed(body)
    assert len(early) > 2_900  # handed on while feeding, not at finish
    everything = early + parser.finish()
    assert rows(everything) == rows(parse_text(body, TranscriptFormat.SRT))


_CUE_LINES = st.lists(st.sampled_from(["hello there", "Dana: yes", "<v Sam>no</v>", "42", "x"]),
                      min_size=0, max_size=3)


@st.composite
def caption_files(draw: st.DrawFn) -> tuple[str, TranscriptFormat]:
    """Cues with numbers or ids, one to three text lines, blank lines between them often missing."""
    fmt = draw(st.sampled_from([TranscriptFormat.WEBVTT, TranscriptFormat.SRT]))
    sep = "," if fmt is TranscriptFormat.SRT else "."
    out = ["WEBVTT\nKind: captions\n\n"] if fmt is TranscriptFormat.WEBVTT else []
    for i in range(draw(st.integers(0, 40))):
        ident = draw(st.sampled_from([f"{i + 1}\n", f"cue-{i}\n", ""]))
        stamp = f"00:00:{i % 60:02d}{sep}000 --> 00:00:{i % 60:02d}{sep}900\n"
        text = "".join(f"{line}\n" for line in draw(_CUE_LINES))
        blank = "\n" if draw(st.booleans()) else ""
        out.append(ident + stamp + text + blank)
    return "".join(out), fmt


@given(caption_files(), st.integers(7, 12))
def test_cutting_a_long_block_before_its_last_cue_changes_nothing(
    file: tuple[str, TranscriptFormat], limit: int
) -> None:
    text, fmt = file
    bounded = TranscriptParser(fmt, max_block_lines=limit)
    assert rows(bounded.feed(text) + bounded.finish()) == rows(parse_text(text, fmt))


def test_a_block_of_huge_lines_is_bounded_by_characters_too() -> None:
    parser = TranscriptParser(TranscriptFormat.WEBVTT, max_block_chars=10_000)
    # Twenty different cues (the same cue twenty times over would be one repeated caption,
    # said once: see core.transcript._Repeats).
    cues = "".join(f"00:00:{n:02d}.000 --> 00:00:{n + 1:02d}.000\n" + f"word{n} " * 1_000 + "\n"
                   for n in range(20))
    early = parser.feed("WEBVTT\n\n" + cues)
    assert len(early) >= 15
