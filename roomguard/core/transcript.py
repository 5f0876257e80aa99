"""Reading a transcript as it grows: plain ``Name: text`` lines, WebVTT captions or SRT subtitles.

The parser is pure and incremental. :class:`TranscriptParser` is fed text chunks as the file
grows (by :mod:`roomguard.live.follow`, or all at once by :func:`parse_text`) and hands back each
:class:`Utterance` once it is complete: a plain line once its line break arrives, a cue once the
blank line after it arrives (or at :meth:`TranscriptParser.finish`). Where a chunk ends never
changes the result: feeding a text in any number of pieces gives the same utterances as feeding
it whole.

What each format yields:

* plain: one utterance per non-blank line. ``Dana: I'm back`` has speaker ``Dana``; a line
  without a plausible label (see :func:`split_label`) has speaker ``""``. A leading
  ``[00:01:02.500]`` or whisper.cpp-style ``[00:01:02.500 --> 00:01:05.000]`` stamp becomes the
  cue time.
* WebVTT: one utterance per cue (one per voice when a cue holds several ``<v>`` spans). The
  speaker comes from ``<v Name>``/``<v.class Name>``, else from a ``Name:`` prefix. Styling tags
  are stripped, ``&amp; &lt; &gt; &nbsp;`` (and a few others) decoded, NOTE/STYLE/REGION blocks
  skipped, the lines of a cue joined with a space.
* SRT: one utterance per cue; speaker from a ``Name:`` prefix; ``<i> <b> <u> <font>`` tags and
  ``{\\an8}`` position codes stripped.

Nothing is interpreted as markup after that: speaker and text are kept literal, and whoever
renders them must escape them. Text in a caption file that sits outside any cue (a stray block
after a blank line inside a cue) is still reported, with the time of the cue before it: for a
confidentiality guard a spoken word that is dropped is worse than one that is shown oddly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "TranscriptFormat",
    "TranscriptParser",
    "Utterance",
    "parse_text",
    "sniff_format",
    "split_label",
]


class TranscriptFormat(StrEnum):
    PLAIN = "plain"
    WEBVTT = "webvtt"
    SRT = "srt"


@dataclass(frozen=True, slots=True)
class Utterance:
    """One thing said. ``line_no`` (1-based) is the source line where its text starts."""

    speaker: str
    text: str
    cue_time: str  # "00:01:02.500", or "" when the source gives no time
    line_no: int


# --- times ----------------------------------------------------------------------------------

_TIME = r"(?:[0-9]+:)?[0-9]{1,2}:[0-9]{1,2}[.,][0-9]{1,3}"
_TIMING_RE = re.compile(rf"[ \t]*({_TIME})[ \t]*-->[ \t]*({_TIME})(?:[ \t]|$)")
_TIME_PARTS_RE = re.compile(r"(?:([0-9]+):)?([0-9]{1,2}):([0-9]{1,2})(?:[.,]([0-9]{1,3}))?")


def _normalise_time(raw: str, *, need_hours_or_fraction: bool = False) -> str:
    """``1:02,5`` -> ``00:01:02.500``. Anything that is not a time comes back as written."""
    if (
        len(raw) == 12
        and raw[2] == raw[5] == ":"
        and raw[8] == "."
        and raw.isascii()
        and raw.replace(":", "").replace(".", "").isdecimal()
    ):
        return raw  # already "00:01:02.500", the usual case
    match = _TIME_PARTS_RE.fullmatch(raw)
    if match is None:
        return raw
    hours, minutes, seconds, fraction = match.groups()
    if need_hours_or_fraction and hours is None and fraction is None:
        return raw  # "10:30" could be a clock time or minutes:seconds; don't guess
    millis = (fraction or "0").ljust(3, "0")
    return f"{int(hours or 0):02d}:{int(minutes):02d}:{int(seconds):02d}.{millis}"


def _timing_start(line: str) -> str | None:
    """The normalised start time when *line* is a cue timing line, else None."""
    if "-->" not in line:
        return None
    match = _TIMING_RE.match(line)
    return _normalise_time(match.group(1)) if match else None


# --- speaker labels --------------------------------------------------------------------------

_MAX_LABEL = 40
_MAX_LABEL_WORDS = 6
_LABEL_FORBIDDEN = frozenset('?!;<>{}[]"')


def split_label(line: str) -> tuple[str, str]:
    """Split ``Name: text`` into ``("Name", "text")``; ``("", line.strip())`` when there is none.

    A label is the text before the first colon when that colon is followed by a space or ends
    the line (so ``10:30`` and ``https://`` are never labels), and the label is 1-40 characters,
    at most six words, holds a letter, and none of ``? ! ; < > { } [ ] "``.
    """
    colon = line.find(":")
    if colon <= 0:
        return "", line.strip()
    after = line[colon + 1 : colon + 2]
    if after not in ("", " ", "\t", "\u00a0"):
        return "", line.strip()
    label = line[:colon].strip()
    if (
        not 1 <= len(label) <= _MAX_LABEL
        or len(label.split()) > _MAX_LABEL_WORDS
        or not any(ch.isalpha() for ch in label)
        or any(ch in _LABEL_FORBIDDEN for ch in label)
    ):
        return "", line.strip()
    return label, line[colon + 1 :].strip()


# Whisper.cpp prints "[00:00:01.000 --> 00:00:04.000]  text"; other tools "[00:01:02] Name: text".
_PLAIN_STAMP_RE = re.compile(r"\[[ \t]*([0-9:.,]+)(?:[ \t]*-->[ \t]*[0-9:.,]+)?[ \t]*\][ \t]*")


def _plain_utterance(line: str, line_no: int) -> Utterance | None:
    if not line or line.isspace():
        return None
    cue_time = ""
    if line.startswith("["):
        stamp = _PLAIN_STAMP_RE.match(line)
        if stamp is not None and _TIME_PARTS_RE.fullmatch(stamp.group(1)):
            cue_time = _normalise_time(stamp.group(1), need_hours_or_fraction=True)
            line = line[stamp.end() :]
    speaker, text = split_label(line)
    return Utterance(speaker, text, cue_time, line_no)


# --- cue text --------------------------------------------------------------------------------

# Only tags WebVTT/SRT define are stripped; any other "<...>" is somebody's words and stays.
_VTT_TAG_RE = re.compile(
    r"<(/?)(v|c|i|b|u|lang|ruby|rt)((?:\.[^\s<>.]*)*)(?:[ \t]+([^<>]*))?>|<\d[\d:.]*>",
)
_SRT_TAG_RE = re.compile(r"</?(?:i|b|u|s|font)(?:[ \t][^<>]*)?>|\{\\[^{}]*\}", re.IGNORECASE)
_ENTITY_RE = re.compile(r"&(amp|lt|gt|nbsp|lrm|rlm|quot|apos|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_ENTITIES = {
    "amp": "&",
    "lt": "<",
    "gt": ">",
    "nbsp": " ",
    "lrm": "\u200e",
    "rlm": "\u200f",
    "quot": '"',
    "apos": "'",
}


def _entity(match: re.Match[str]) -> str:
    name = match.group(1)
    if name[0] != "#":
        return _ENTITIES[name]
    code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


def _decode_entities(text: str) -> str:
    return _ENTITY_RE.sub(_entity, text) if "&" in text else text


def _one_voice_segment(lines: list[tuple[int, str]]) -> list[tuple[str, str, int]] | None:
    """The common cue shapes, quickly: no voice, or one voice around the whole text.

    None when the cue is anything else (several voices, text after ``</v>``); the general
    walk in :func:`_vtt_segments` handles those and gives the same answer for these.
    """
    speaker = ""
    head = lines[0][1]
    if len(lines) == 1:
        voices = head.count("<v")
        ends = head.count("</v")
    else:
        joined = "\n".join(line for _, line in lines)
        voices, ends = joined.count("<v"), joined.count("</v")
    if voices > 1 or ends > 1:
        return None
    if voices:
        tag = _VTT_TAG_RE.match(head.lstrip())
        if tag is None or tag.group(2) != "v" or tag.group(1):
            return None
        if ends and not lines[-1][1].rstrip().endswith("</v>"):
            return None
        speaker = _decode_entities((tag.group(4) or "").strip())
    elif ends:
        return None
    parts: list[str] = []
    first_line = 0
    for line_no, line in lines:
        if "<" in line:
            line = _VTT_TAG_RE.sub("", line)
        text = _decode_entities(line).strip()
        if text:
            parts.append(text)
            first_line = first_line or line_no
    return [(speaker, " ".join(parts), first_line)] if parts else []


def _vtt_segments(lines: list[tuple[int, str]]) -> list[tuple[str, str, int]]:
    """``(speaker, text, line_no)`` for each voice span in a WebVTT cue's text lines."""
    simple = _one_voice_segment(lines)
    return simple if simple is not None else _walk_voices(lines)


def _walk_voices(lines: list[tuple[int, str]]) -> list[tuple[str, str, int]]:
    """The general case: a new utterance at every ``<v>``, and after ``</v>``."""
    done: list[tuple[str, str, int]] = []
    speaker = ""
    parts: list[str] = []  # the current voice's text, one entry per source line
    line_buf: list[str] = []  # pieces of the current source line between tags
    first_line = 0

    def end_line(line_no: int) -> None:
        nonlocal first_line
        text = _decode_entities("".join(line_buf)).strip()
        line_buf.clear()
        if text:
            parts.append(text)
            first_line = first_line or line_no

    def close(next_speaker: str, line_no: int) -> None:
        nonlocal speaker, first_line
        end_line(line_no)
        if parts:
            done.append((speaker, " ".join(parts), first_line))
            parts.clear()
        speaker, first_line = next_speaker, 0

    line_no = 0
    for line_no, line in lines:
        pos = 0
        if "<" in line:
            for tag in _VTT_TAG_RE.finditer(line):
                line_buf.append(line[pos : tag.start()])
                pos = tag.end()
                if tag.group(2) == "v":  # a new voice starts (or, for </v>, none)
                    voice = "" if tag.group(1) else _decode_entities((tag.group(4) or "").strip())
                    close(voice, line_no)
        line_buf.append(line[pos:])
        end_line(line_no)
    close("", line_no)
    return done


def _srt_segments(lines: list[tuple[int, str]]) -> list[tuple[str, str, int]]:
    parts: list[str] = []
    first_line = 0
    for line_no, line in lines:
        if "<" in line or "{" in line:
            line = _SRT_TAG_RE.sub("", line)
        text = line.strip()
        if text:
            parts.append(text)
            first_line = first_line or line_no
    return [("", " ".join(parts), first_line)] if parts else []


def _cue_utterances(
    fmt: TranscriptFormat, cue_time: str, lines: list[tuple[int, str]]
) -> list[Utterance]:
    if not lines:
        return []
    segments = _vtt_segments(lines) if fmt is TranscriptFormat.WEBVTT else _srt_segments(lines)
    out: list[Utterance] = []
    for speaker, text, line_no in segments:
        if not speaker:
            speaker, text = split_label(text)
        out.append(Utterance(speaker, text, cue_time, line_no))
    return out


# --- format sniffing -------------------------------------------------------------------------


def _decide_format(non_blank: list[str]) -> TranscriptFormat | None:
    """The format given the first non-blank lines; None while it cannot tell yet."""
    if not non_blank:
        return None
    first = non_blank[0].strip()
    if first.startswith("WEBVTT"):
        return TranscriptFormat.WEBVTT
    timing = first
    if first.isdecimal():
        if len(non_blank) < 2:
            return None
        timing = non_blank[1]
    match = _TIMING_RE.match(timing) if "-->" in timing else None
    if match is None:
        return TranscriptFormat.PLAIN
    return TranscriptFormat.SRT if "," in match.group(1) else TranscriptFormat.WEBVTT


def sniff_format(first_chunk: str, path_name: str = "") -> TranscriptFormat:
    """Guess the format from the start of a file; the file name only breaks a tie.

    ``WEBVTT`` on the first line means WebVTT; a cue number followed by a timing line with a
    comma means SRT; anything else is plain. An empty or undecidable start falls back to the
    ``.vtt``/``.srt`` suffix of *path_name*, then to plain.
    """
    text = first_chunk.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    non_blank = [line for line in text.split("\n", 64)[:64] if line.strip()][:2]
    decided = _decide_format(non_blank)
    if decided is not None:
        return decided
    lowered = path_name.lower()
    if lowered.endswith(".vtt"):
        return TranscriptFormat.WEBVTT
    if lowered.endswith(".srt"):
        return TranscriptFormat.SRT
    return TranscriptFormat.PLAIN


# --- the parser ------------------------------------------------------------------------------

_SKIPPED_VTT_BLOCKS = ("NOTE", "STYLE", "REGION")


def _is_skipped_vtt_block(first_line: str) -> bool:
    for word in _SKIPPED_VTT_BLOCKS:
        if first_line.startswith(word) and first_line[len(word) : len(word) + 1] in ("", " ", "\t"):
            return True
    return False


# A caption block is held until the blank line that ends it. A file that never has one (a
# caption file written without blank lines, or a hostile one) must not be held whole: past
# these sizes the block is cut before its last cue, which gives the same utterances as holding
# it, or, with no cue to cut before, ended there (its rest is then reported as text of its own).
MAX_BLOCK_LINES = 2_000
MAX_BLOCK_CHARS = 4 * 1024 * 1024


class TranscriptParser:
    """Turns a growing transcript into utterances, one chunk of text at a time.

    ``fmt=None`` sniffs the format from the first complete non-blank line(s). Complete lines
    are counted from 1; a CRLF or a lone CR ends a line like LF does, and a BOM at the very
    start is dropped. What it holds between chunks is bounded: the unfinished last line (the
    caller bounds that: see :mod:`roomguard.cli.transcript_reader`) and one caption block of at
    most *max_block_lines* lines or *max_block_chars* characters.
    """

    def __init__(
        self,
        fmt: TranscriptFormat | None = None,
        *,
        max_block_lines: int = MAX_BLOCK_LINES,
        max_block_chars: int = MAX_BLOCK_CHARS,
    ) -> None:
        self._fixed_fmt = fmt
        self._max_block_lines = max(max_block_lines, 2)
        self._max_block_chars = max_block_chars
        self.reset()

    @property
    def format(self) -> TranscriptFormat | None:
        """The format in use; None until enough text has arrived to sniff it."""
        return self._fmt

    def reset(self) -> None:
        """Forget everything: the next chunk is the start of a new file (truncation, rotation)."""
        self._fmt: TranscriptFormat | None = self._fixed_fmt
        self._pending = ""
        self._started = False
        self._line_no = 0
        self._undecided: list[tuple[int, str]] = []  # lines held back until the format is known
        self._block: list[tuple[int, str]] = []
        self._block_chars = 0
        self._first_block = True
        self._last_cue_time = ""

    def feed(self, text: str) -> list[Utterance]:
        """Take the next chunk; return the utterances it completed."""
        if not text:
            return []
        if not self._started:
            self._started = True
            if text[0] == "\ufeff":
                text = text[1:]
        data = self._pending + text
        # A CR at the end may be the first half of a CRLF: hold it until the next chunk.
        held = ""
        if data.endswith("\r"):
            data, held = data[:-1], "\r"
        if "\r" in data:
            data = data.replace("\r\n", "\n").replace("\r", "\n")
        lines = data.split("\n")
        self._pending = lines.pop() + held
        return self._take_lines(lines)

    def finish(self) -> list[Utterance]:
        """End of input: the last line and the last cue count even without a break after them."""
        pending = self._pending.rstrip("\r")
        self._pending = ""
        out = self._take_lines([pending]) if pending else []
        if self._fmt is None and self._undecided:
            self._fmt = _decide_format([line for _, line in self._undecided[:2]])
            self._fmt = self._fmt or TranscriptFormat.PLAIN
            out.extend(self._replay_undecided())
        out.extend(self._close_block())
        return out

    # -- internals ----------------------------------------------------------------------------

    def _take_lines(self, lines: list[str]) -> list[Utterance]:
        first_no = self._line_no + 1
        self._line_no += len(lines)
        if self._fmt is None:
            # Blank lines before the format is known separate nothing yet: drop them.
            for i, line in enumerate(lines):
                if not line or line.isspace():
                    continue
                self._undecided.append((first_no + i, line))
                self._fmt = _decide_format([held for _, held in self._undecided])
                if self._fmt is not None:
                    out = self._replay_undecided()
                    return out + self._dispatch(enumerate(lines[i + 1 :], first_no + i + 1))
            return []
        return self._dispatch(enumerate(lines, first_no))

    def _replay_undecided(self) -> list[Utterance]:
        held, self._undecided = self._undecided, []
        if not held:
            return []
        return self._dispatch(held)

    def _dispatch(self, numbered: Iterable[tuple[int, str]]) -> list[Utterance]:
        out: list[Utterance] = []
        if self._fmt is TranscriptFormat.PLAIN:
            for line_no, line in numbered:
                utterance = _plain_utterance(line, line_no)
                if utterance is not None:
                    out.append(utterance)
            return out
        block = self._block
        max_lines, max_chars = self._max_block_lines, self._max_block_chars
        for line_no, line in numbered:
            if line and not line.isspace():
                block.append((line_no, line))
                self._block_chars += len(line)
                if len(block) >= max_lines or self._block_chars >= max_chars:
                    out.extend(self._close_long_block())
                    block = self._block
            elif block:
                out.extend(self._close_block())
                block = self._block
        return out

    def _close_long_block(self) -> list[Utterance]:
        """A block too long to keep holding: close what comes before its last cue.

        The cut falls just before the last timing line, or before its cue number, exactly where
        :meth:`_cues_in` would end the cue before it, so the utterances are the ones a blank
        line there would have given. With no cue to cut before, the whole block ends here.
        """
        block = self._block
        cut = 0
        for i in range(len(block) - 1, 0, -1):
            line = block[i][1]
            if "-->" in line and _timing_start(line) is not None:
                cut = i - 1 if block[i - 1][1].strip().isdecimal() else i
                break
        if cut <= 0:
            return self._close_block()
        self._block, rest = block[:cut], block[cut:]
        out = self._close_block()
        self._block = rest
        self._block_chars = sum(len(line) for _, line in rest)
        return out

    def _close_block(self) -> list[Utterance]:
        block, self._block = self._block, []
        self._block_chars = 0
        if not block:
            return []
        fmt = self._fmt or TranscriptFormat.PLAIN
        first_block, self._first_block = self._first_block, False
        timings: list[tuple[int, str]] = []  # (index in block, normalised start) per timing line
        for i, (_, line) in enumerate(block):
            if "-->" in line and (start_time := _timing_start(line)) is not None:
                timings.append((i, start_time))
        if fmt is TranscriptFormat.WEBVTT:
            head = block[0][1]
            if first_block and head.startswith("WEBVTT"):
                # The header and its metadata lines; a cue written straight after it still counts.
                if not timings:
                    return []
                start = max(timings[0][0] - 1, 1)
                block = block[start:]
                timings = [(i - start, t) for i, t in timings]
            elif head[0] in "NSR" and _is_skipped_vtt_block(head):
                return []
        return self._cues_in(fmt, block, timings)

    def _cues_in(
        self, fmt: TranscriptFormat, block: list[tuple[int, str]], timings: list[tuple[int, str]]
    ) -> list[Utterance]:
        """Cues in one blank-line-separated block: usually one, more when blank lines are missing."""
        if not timings:
            return _cue_utterances(fmt, self._last_cue_time, block)  # stray text
        out: list[Utterance] = []
        first = timings[0][0]
        if first > 0:
            has_id = fmt is TranscriptFormat.WEBVTT or block[first - 1][1].strip().isdecimal()
            stray = block[: first - 1] if has_id else block[:first]
            if stray:
                out.extend(_cue_utterances(fmt, self._last_cue_time, stray))
        for n, (t, start_time) in enumerate(timings):
            end = timings[n + 1][0] if n + 1 < len(timings) else len(block)
            if end < len(block) and end - 1 > t and block[end - 1][1].strip().isdecimal():
                end -= 1  # that line is the next cue's number
            self._last_cue_time = start_time
            out.extend(_cue_utterances(fmt, self._last_cue_time, block[t + 1 : end]))
        return out


def parse_text(text: str, fmt: TranscriptFormat | None = None) -> list[Utterance]:
    """Every utterance in a complete transcript."""
    parser = TranscriptParser(fmt)
    return parser.feed(text) + parser.finish()
