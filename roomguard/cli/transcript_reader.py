"""Reading a finished transcript in bounded memory, and refusing what is not a transcript.

``roomguard check`` used to read the whole file into memory before parsing it: ``/dev/zero``
grew without end, a 500 MB file of NUL bytes took 2 GB, and a WebVTT of a million cues held
every utterance at once. Here the file is read in chunks and fed to the incremental
:class:`~roomguard.core.transcript.TranscriptParser`, and each utterance is handed on as soon as
it is complete, so memory stays the same whatever the file's size.

The same pass refuses input that cannot be a transcript, naming the file and what was wrong
(:class:`NotATranscript`), instead of spending minutes and gigabytes on it:

* a device (``/dev/zero``, a disk): a device may never end; read standard input with ``-``;
* a NUL byte: a binary file (or UTF-16 text, which is named as such);
* a line longer than :data:`MAX_LINE_BYTES`: no transcript writes megabytes without a break;
* more than :data:`MAX_TRANSCRIPT_BYTES` in all: a two-hour WebVTT is about 3 MB;
* with *strict* (``roomguard check`` unless ``--lenient``), text that reads as no transcript:
  an empty file, no cue, a broken cue timing, no line with a speaker or a time (see
  :class:`~roomguard.core.transcript.TranscriptError`), named with its line.

The reading (I/O) lives here, in the command line layer; ``roomguard.core`` stays pure.
"""

from __future__ import annotations

import codecs
import os
import stat
import sys
from collections.abc import Iterator

from roomguard.core.transcript import (
    TranscriptError,
    TranscriptFormat,
    TranscriptParser,
    Utterance,
    sniff_format,
)

__all__ = [
    "MAX_LINE_BYTES",
    "MAX_TRANSCRIPT_BYTES",
    "NotATranscript",
    "read_utterances",
]

MAX_LINE_BYTES = 1024 * 1024
MAX_TRANSCRIPT_BYTES = 512 * 1024 * 1024
CHUNK_BYTES = 256 * 1024
_SNIFF_BYTES = 4096  # what the format is judged on, as when the whole file was read at once
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class NotATranscript(Exception):
    """The input is not a text transcript; ``str(self)`` names the file and the reason."""


def _describe(path: str) -> str:
    return "standard input" if path == "-" else path


def _open(path: str) -> tuple[int, bool]:
    """A file descriptor to read, and whether we opened it (standard input is not ours)."""
    if path == "-":
        return sys.stdin.buffer.fileno(), False
    fd = os.open(path, os.O_RDONLY)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
            raise NotATranscript(
                f"{path} is a device, not a transcript file (a device may never end); "
                "to read standard input, give -"
            )
    except BaseException:
        os.close(fd)
        raise
    return fd, True


def _chunks(fd: int, name: str) -> Iterator[bytes]:
    """The raw bytes of *fd*, chunk by chunk, refusing whatever is not text as it arrives."""
    total = 0
    since_break = 0  # bytes since the last line break, across chunks
    while True:
        chunk = os.read(fd, CHUNK_BYTES)
        if not chunk:
            return
        nul = chunk.find(b"\0")
        if nul >= 0:
            if total == 0 and chunk.startswith(_UTF16_BOMS):
                raise NotATranscript(
                    f"{name} is UTF-16 text; save it as UTF-8 and check it again"
                )
            raise NotATranscript(
                f"{name} is not a text transcript: it holds a NUL byte at byte {total + nul:,} "
                "(a binary file?)"
            )
        first = _first_break(chunk)
        if first < 0:
            since_break += len(chunk)
            too_long = since_break > MAX_LINE_BYTES
            line_start = total + len(chunk) - since_break
        else:
            too_long = since_break + first > MAX_LINE_BYTES
            line_start = total - since_break
            since_break = len(chunk) - 1 - max(chunk.rfind(b"\n"), chunk.rfind(b"\r"))
        if too_long:
            raise NotATranscript(
                f"{name} is not a text transcript: a line of more than "
                f"{MAX_LINE_BYTES // (1024 * 1024)} MB without a break (from byte {line_start:,})"
            )
        total += len(chunk)
        if total > MAX_TRANSCRIPT_BYTES:
            raise NotATranscript(
                f"{name} is larger than {MAX_TRANSCRIPT_BYTES // (1024 * 1024)} MB, far more "
                "than any session's transcript (two hours of WebVTT is about 3 MB)"
            )
        yield chunk


def _first_break(chunk: bytes) -> int:
    newline = chunk.find(b"\n")
    ret = chunk.find(b"\r", 0, newline if newline >= 0 else len(chunk))
    return ret if ret >= 0 else newline


def read_utterances(
    path: str, fmt: TranscriptFormat | None = None, *, strict: bool = False
) -> Iterator[Utterance]:
    """Every utterance of a finished transcript, in order, as the file is read; ``-`` is stdin.

    Bytes that are not UTF-8 are replaced, as when a transcript is followed live. Raises
    :class:`NotATranscript` (possibly after some utterances were yielded) when the input turns
    out not to be a transcript (with *strict*, also when its text reads as none), and OSError
    when it cannot be read.
    """
    name = _describe(path)
    try:
        yield from _read(path, name, fmt, strict)
    except TranscriptError as exc:
        raise NotATranscript(
            f"{name}, line {exc.line_no}: {exc.reason} (--lenient reads it anyway)"
        ) from exc


def _read(path: str, name: str, fmt: TranscriptFormat | None, strict: bool) -> Iterator[Utterance]:
    fd, owned = _open(path)
    try:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        parser: TranscriptParser | None = None
        head = b""
        for chunk in _chunks(fd, name):
            if parser is None:
                head += chunk
                if len(head) < _SNIFF_BYTES:
                    continue
                chunk, head = head, b""
                parser = _parser_for(chunk, fmt, path, strict)
            yield from parser.feed(decoder.decode(chunk))
        if parser is None:
            parser = _parser_for(head, fmt, path, strict)
            yield from parser.feed(decoder.decode(head))
        yield from parser.feed(decoder.decode(b"", final=True))
        yield from parser.finish()
    finally:
        if owned:
            os.close(fd)


def _parser_for(
    head: bytes, fmt: TranscriptFormat | None, path: str, strict: bool
) -> TranscriptParser:
    """A parser for the format *fmt*, or the one the start of the file shows."""
    if fmt is None:
        text = head[:_SNIFF_BYTES].decode("utf-8", errors="replace").removeprefix("\ufeff")
        fmt = sniff_format(text, "" if path == "-" else path)
    return TranscriptParser(fmt, strict=strict)
