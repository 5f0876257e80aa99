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
  ``[00:01:02.500]``, whisper.cpp-style ``[00:01:02.500 --> 00:01:05.000]`` or
  pyannote/whisperX-style ``[0:00:06.835000 - 0:00:07.235000]`` stamp becomes the cue time.
  A line that says someone came or went (``[Sam left]``, ``Sam joined the meeting``) is an
  utterance with :attr:`Utterance.presence` set.
* WebVTT: one utterance per cue (one per voice when a cue holds several ``<v>`` spans). The
  speaker comes from ``<v Name>``/``<v.class Name>``, else from a ``Name:`` label at the start
  of the cue's first line. Styling tags are stripped, ``&amp; &lt; &gt; &nbsp;`` (and a few
  others) decoded, NOTE/STYLE/REGION blocks skipped, the lines of a cue joined with a space.
* SRT: one utterance per cue; speaker from a ``Name:`` label at the start of its first line;
  ``<i> <b> <u> <font>`` tags and ``{\\an8}`` position codes stripped.

What real transcribers write, read as meant:

* diarisation labels: ``[SPEAKER_00]: text``, ``SPEAKER_00 - text``, ``Speaker 1: text``;
* ``>>`` (or ``&gt;&gt;``) marks a new turn: it is removed, and a cue without a voice is cut
  there, each turn judged for its own label;
* captions that repeat what was already said are said once (:class:`_Repeats`): YouTube's
  rolling captions (each cue repeats the last line of the one before, and a 10 ms cue repeats
  it again), whisperX's highlighted words (the same line once per word) and WhisperLive's
  re-sent segments (the same start, the text growing). Each spoken word counts once, in order.
  The price: the same words said twice in a row by the same speaker, in back-to-back cues,
  count once;
* a fraction of a second is read as written when it has fewer than three digits: ``6.80`` is
  6 s 80 ms, as the unpadded times older Teams files write mean (``0:4:6.80 --> 0:4:6.530``);
  longer fractions (whisperX's microseconds) are cut to milliseconds.

Nothing is interpreted as markup after that: speaker and text are kept literal, and whoever
renders them must escape them. Text in a caption file that sits outside any cue (a stray block
after a blank line inside a cue) is still reported, with the time of the cue before it: for a
confidentiality guard a spoken word that is dropped is worse than one that is shown oddly.

**Strict parsing** (``strict=True``, what ``roomguard check`` uses unless ``--lenient``): what
cannot be a transcript raises :class:`TranscriptError` with the line it concerns, instead of
reading as "nothing said": an empty file, a caption file without a cue, a cue timing that does
not read as one (``00:00:1d.890``), an SRT cue number with no timing after it, a plain file in
which no line has a speaker label, a time or a join/leave mark (a file holding only ``1``), a
plain line whose leading time stamp does not read as one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "TranscriptError",
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
    """One thing said. ``line_no`` (1-based) is the source line where its text starts.

    *presence* is set on a line that says someone came (True) or went (False) rather than
    something they said: ``[Sam left]``; *speaker* is then who, and *text* the line as written.
    """

    speaker: str
    text: str
    cue_time: str  # "00:01:02.500", or "" when the source gives no time
    line_no: int
    presence: bool | None = None


class TranscriptError(ValueError):
    """Strict parsing: the input is not a transcript, at *line_no* (1-based) for this reason."""

    def __init__(self, line_no: int, reason: str) -> None:
        super().__init__(f"line {line_no}: {reason}")
        self.line_no = line_no
        self.reason = reason


# --- times ----------------------------------------------------------------------------------

_TIME = r"(?:[0-9]+:)?[0-9]{1,2}:[0-9]{1,2}[.,][0-9]{1,9}"
_TIMING_RE = re.compile(rf"[ \t]*({_TIME})[ \t]*-->[ \t]*({_TIME})(?:[ \t]|$)")
_TIME_PARTS_RE = re.compile(r"(?:([0-9]+):)?([0-9]{1,2}):([0-9]{1,2})(?:[.,]([0-9]{1,9}))?")
# What a cue timing line looks like even when a time in it is broken ("00:00:1d.890 --> ..."):
# it starts with a token holding a digit, then the arrow. Caption text with an arrow in it
# ("a --> b") does not.
_LOOSE_TIMING_RE = re.compile(r"[ \t]*[0-9][^ \t]*[ \t]*-->")
_NORMAL_TIME_RE = re.compile(r"[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}", re.ASCII)


def _millis(fraction: str | None) -> str:
    """A fraction of a second as three digits of milliseconds, read as written: ``5``, ``05``
    and ``005`` are 5 ms, ``80`` is 80 ms (older Teams files write milliseconds unpadded),
    ``835000`` (whisperX's microseconds) is 835 ms."""
    if not fraction:
        return "000"
    if len(fraction) < 3:
        return f"{int(fraction):03d}"
    return fraction[:3]


def _normalise_time(raw: str, *, need_hours_or_fraction: bool = False) -> str:
    """``1:02,500`` -> ``00:01:02.500``. Anything that is not a time comes back as written."""
    if len(raw) == 12 and _NORMAL_TIME_RE.fullmatch(raw):
        return raw  # already "00:01:02.500", the usual case
    match = _TIME_PARTS_RE.fullmatch(raw)
    if match is None:
        return raw
    hours, minutes, seconds, fraction = match.groups()
    if need_hours_or_fraction and hours is None and fraction is None:
        return raw  # "10:30" could be a clock time or minutes:seconds; don't guess
    return f"{int(hours or 0):02d}:{int(minutes):02d}:{int(seconds):02d}.{_millis(fraction)}"


def _timing(line: str) -> tuple[str, str] | None:
    """The normalised start and the end as written when *line* is a cue timing line, else None.
    (The end is only compared, rarely: :func:`_ms` reads it either way.)"""
    if "-->" not in line:
        return None
    match = _TIMING_RE.match(line)
    if match is None:
        return None
    return _normalise_time(match.group(1)), match.group(2)


def _timing_start(line: str) -> str | None:
    """The normalised start time when *line* is a cue timing line, else None."""
    timing = _timing(line)
    return timing[0] if timing is not None else None


def _ms(time: str) -> int:
    """``00:01:02.500`` (or any time :func:`_normalise_time` reads) -> 62500; else 0."""
    if len(time) != 12 or time[8] != ".":
        time = _normalise_time(time)
    hours, _, rest = time.partition(":")
    minutes, _, rest = rest.partition(":")
    seconds, _, millis = rest.partition(".")
    try:
        return ((int(hours) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis or 0)
    except ValueError:
        return 0


# --- speaker labels --------------------------------------------------------------------------

_MAX_LABEL = 40
_MAX_LABEL_WORDS = 6
_LABEL_FORBIDDEN = frozenset('?!;<>{}[]"')
# Words no name holds but sentences do: a label with one of them, written in lower case, is the
# start of a sentence that happens to have a colon ("I told the workers: ..."), not a speaker.
_SENTENCE_WORDS = frozenset((
    "a", "an", "the", "and", "or", "but", "so", "because", "if", "then", "than", "that",
    "this", "these", "those", "there", "here", "what", "when", "where", "why", "how", "which",
    "who", "whom", "whose", "me", "my", "mine", "we", "us", "our", "you", "your", "he", "him",
    "his", "she", "her", "it", "its", "they", "them", "their", "is", "am", "are", "was",
    "were", "be", "been", "being", "do", "does", "did", "have", "has", "had", "will", "would",
    "shall", "should", "can", "could", "may", "might", "must", "to", "of", "in", "on", "at",
    "by", "for", "with", "from", "into", "onto", "about", "as", "not", "no", "yes", "said",
    "says", "say", "told", "tells", "tell", "asked", "asks", "ask", "replied", "replies",
    "answered", "wrote", "writes", "explained", "added", "think", "thought", "mean", "meant",
    "know", "knew", "want", "wanted", "need", "needed", "feel", "felt", "guess", "like",
    "just", "also", "only", "really", "very",
))
# First words of a sentence, however written ("The workers: ..."), never of a name.
_SENTENCE_STARTERS = frozenset((
    "the", "an", "this", "that", "these", "those", "there", "here", "my", "our", "your", "his",
    "her", "their", "its", "we", "you", "they", "he", "she", "it", "i", "and", "but", "so",
    "because", "if", "then", "when", "where", "why", "how", "what", "which", "who", "also",
    "now", "well", "yes", "no", "ok", "okay", "please", "let's", "lets",
))
# One word before a colon that opens a sentence, not a turn ("Note: ...", "Well: ...").
_NOT_SINGLE_NAMES = frozenset((
    "and", "but", "so", "because", "then", "well", "also", "however", "therefore", "yes", "no",
    "ok", "okay", "note", "ps", "nb", "eg", "ie", "e.g", "i.e", "update", "reminder",
    "warning", "tip", "hint", "example", "remember", "listen", "look", "see", "anyway",
    "basically", "honestly", "seriously", "first", "second", "third", "finally", "btw", "fyi",
    "i", "he", "she", "we", "they", "you", "it", "someone", "somebody", "everyone",
    "everybody", "nobody", "people",
))
# Diarisation labels written with a dash: whisperX/pyannote "SPEAKER_00 - text".
_DASHED_LABEL_RE = re.compile(r"[ \t]*((?:SPEAKER|Speaker|speaker)[ _]?[0-9]{1,3})[ \t]+[-\u2013][ \t]+")


def looks_like_name(label: str) -> bool:
    """Whether *label* can be a speaker's name or a diarisation label, not a sentence.

    1-40 characters, at most six words, at least one letter, none of ``? ! ; < > { } [ ] "``;
    a single word is not one of a few sentence openers ("Note", "Well", "So"); several words
    do not start with a word sentences start with ("The", "I", "And", "My") nor hold a lower
    case word names never hold ("the", "is", "said", "to"), nor the word "I".
    """
    if not 1 <= len(label) <= _MAX_LABEL:
        return False
    if any(ch in _LABEL_FORBIDDEN for ch in label) or not any(ch.isalpha() for ch in label):
        return False
    words = label.split()
    if len(words) == 1:
        return words[0].casefold() not in _NOT_SINGLE_NAMES
    if len(words) > _MAX_LABEL_WORDS or words[0].casefold() in _SENTENCE_STARTERS:
        return False
    return not any(word == "I" or word in _SENTENCE_WORDS for word in words)


def split_label(line: str) -> tuple[str, str]:
    """Split ``Name: text`` into ``("Name", "text")``; ``("", line.strip())`` when there is none.

    A label is the text before the first colon when that colon is followed by a space and then
    by something said on the same line (so ``10:30``, ``https://`` and a sentence that ends with
    a colon are never labels), and the label looks like a name (:func:`looks_like_name`).
    Diarisation labels count too: ``[SPEAKER_00]: text`` (brackets dropped) and
    ``SPEAKER_00 - text`` / ``Speaker 1 - text``.
    """
    if "-" in line or "\u2013" in line:
        dashed = _DASHED_LABEL_RE.match(line)
        if dashed is not None and line[dashed.end() :].strip():
            return dashed.group(1), line[dashed.end() :].strip()
    colon = line.find(":")
    if colon > 0 and line[colon + 1 : colon + 2] in (" ", "\t", "\u00a0"):
        text = line[colon + 1 :].strip()
        if text:
            label = line[:colon].strip()
            if label[:1] == "[" and label[-1:] == "]":
                label = label[1:-1].strip()
            if looks_like_name(label):
                return label, text
    return "", line.strip()


# ">>" (or "&gt;&gt;" where entities are not decoded) marks a new turn in broadcast-style and
# YouTube captions.
_TURN_RE = re.compile(r"(?:^|(?<=[ \t]))(?:>>|&gt;&gt;)(?=[ \t]|$)")


def _has_turn_mark(text: str) -> bool:
    return (">>" in text or "&gt;&gt;" in text) and _TURN_RE.search(text) is not None


def _turns(text: str) -> list[str]:
    """*text* cut at its turn marks, each piece stripped, empty pieces dropped."""
    return [piece for part in _TURN_RE.split(text) if (piece := " ".join(part.split()))]


# Someone coming or going, in a plain transcript: "[Sam left]", "(Sam has joined)", "Sam left
# the meeting", "[00:12:00] Sam Reyes has joined the call".
_PLACE = r"(?:meeting|call|room|session|conversation|chat)"
_PRESENCE_RE = re.compile(
    rf"[\[(][ \t]*(?P<a>[^\[\]()]+?)[ \t]+(?:has[ \t]+)?(?P<aw>joined|left)"
    rf"(?:[ \t]+the[ \t]+{_PLACE})?[ \t]*\.?[ \t]*[\])]"
    rf"|(?P<b>[^\[\]():]+?)[ \t]+(?:has[ \t]+)?(?P<bw>joined|left)[ \t]+the[ \t]+{_PLACE}[ \t]*\.?"
)


def presence_mark(text: str) -> tuple[str, bool] | None:
    """``("Sam", False)`` for ``[Sam left]``; None when *text* is not a join or leave line."""
    if "joined" not in text and "left" not in text:
        return None
    match = _PRESENCE_RE.fullmatch(text.strip())
    if match is None:
        return None
    name = (match.group("a") or match.group("b")).strip()
    what = match.group("aw") or match.group("bw")
    if not looks_like_name(name):
        return None
    return name, what == "joined"


# Whisper.cpp prints "[00:00:01.000 --> 00:00:04.000]  text"; other tools "[00:01:02] Name: text",
# pyannote/whisperX "[0:00:06.835000 - 0:00:07.235000] SPEAKER_00 - text".
_PLAIN_STAMP_RE = re.compile(
    r"\[[ \t]*([0-9:.,]+)(?:[ \t]*(?:-->|-|\u2013)[ \t]*[0-9:.,]+)?[ \t]*\][ \t]*"
)
# A leading stamp written wrong ("[00:00:1d.890]"): digits, letters and separators, with a colon.
_LOOSE_STAMP_RE = re.compile(
    r"\[[ \t]*[0-9][0-9A-Za-z:.,]*(?:[ \t]*(?:-->|-|\u2013)[ \t]*[0-9A-Za-z:.,]+)?[ \t]*\]"
)


def _plain_utterance(line: str, line_no: int, strict: bool = False) -> Utterance | None:
    if not line or line.isspace():
        return None
    cue_time = ""
    if line.startswith("["):
        stamp = _PLAIN_STAMP_RE.match(line)
        if stamp is not None and _TIME_PARTS_RE.fullmatch(stamp.group(1)):
            cue_time = _normalise_time(stamp.group(1), need_hours_or_fraction=True)
            line = line[stamp.end() :]
        elif strict and (loose := _LOOSE_STAMP_RE.match(line)) and ":" in loose.group():
            raise TranscriptError(line_no, f"a time stamp that does not read as a time: "
                                           f"{loose.group()!r}")
    if ">>" in line or "&gt;&gt;" in line:
        line = " ".join(_turns(line))
    speaker, text = split_label(line)
    if not speaker and (mark := presence_mark(text)) is not None:
        return Utterance(mark[0], text, cue_time, line_no, mark[1])
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


Segment = tuple[str, list[str], int]  # (voice, the text of each source line, first line_no)


def _one_voice_segment(lines: list[tuple[int, str]]) -> list[Segment] | None:
    """The common cue shapes, quickly: no voice, or one voice around the whole text.

    None when the cue is anything else (several voices, text after ``</v>``); the general
    walk in :func:`_vtt_segments` handles those and gives the same answer for these.
    """
    speaker = ""
    head = lines[0][1]
    if len(lines) == 1:
        if head.startswith("<v ") and head.endswith("</v>") and head.count("<") == 2:
            # "<v Dana>text</v>", the shape most cues have: cut, no regular expression
            close = head.find(">")
            speaker, text = head[3:close].strip(), head[close + 1 : -4]
            if "&" in head:
                speaker, text = _decode_entities(speaker), _decode_entities(text)
            text = text.strip()
            return [(speaker, [text], lines[0][0])] if text else []
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
    return [(speaker, parts, first_line)] if parts else []


def _vtt_segments(lines: list[tuple[int, str]]) -> list[Segment]:
    """``(speaker, lines, line_no)`` for each voice span in a WebVTT cue's text lines."""
    simple = _one_voice_segment(lines)
    return simple if simple is not None else _walk_voices(lines)


def _walk_voices(lines: list[tuple[int, str]]) -> list[Segment]:
    """The general case: a new utterance at every ``<v>``, and after ``</v>``."""
    done: list[Segment] = []
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
        nonlocal speaker, first_line, parts
        end_line(line_no)
        if parts:
            done.append((speaker, parts, first_line))
            parts = []
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


def _srt_segments(lines: list[tuple[int, str]]) -> list[Segment]:
    parts: list[str] = []
    first_line = 0
    for line_no, line in lines:
        if "<" in line or "{" in line:
            line = _SRT_TAG_RE.sub("", line)
        text = line.strip()
        if text:
            parts.append(text)
            first_line = first_line or line_no
    return [("", parts, first_line)] if parts else []


# Captions that follow on from the one before within this long count as its continuation.
_ROLL_GAP_MS = 1000


class _Repeats:
    """What the caption before said, so that captions repeating it are said once.

    Three shapes, each only between captions of the same speaker:

    * **repeated lines**: the caption starts with the last line(s) of the one before and starts
      at most a second after it ended (YouTube's rolling captions, its 10 ms "transition"
      cues, whisperX's one-cue-per-highlighted-word, an exact re-send): those lines are dropped;
    * **a growing segment**: the caption overlaps the one before in time and its words start
      with all of that one's words (WhisperLive re-sending a segment as it grows): only the
      new words are kept;
    * **a shorter re-send**: it overlaps and its words are the start of the one before's: it
      says nothing new.
    """

    __slots__ = ("end", "lines", "speaker", "start")

    def __init__(self) -> None:
        self.speaker = ""
        self.lines: list[str] = []
        self.start = ""
        self.end = ""

    def fresh(self, speaker: str, lines: list[str], start: str, end: str) -> list[str]:
        """The lines of this caption not already said (often all of them)."""
        before, before_start, before_end = self.lines, self.start, self.end
        same = bool(before) and speaker == self.speaker
        self.speaker, self.lines, self.start, self.end = speaker, lines, start, end
        if not same:
            return lines
        first = lines[0]
        if first in before and _ms(before_start) <= _ms(start) <= _ms(before_end) + _ROLL_GAP_MS:
            for k in range(min(len(lines), len(before)), 0, -1):
                if lines[:k] == before[-k:]:
                    return lines[k:]
        if (first.startswith(before[0]) or before[0].startswith(first)) and (
            _ms(start) < _ms(before_end)
        ):
            said, now = " ".join(before).split(), " ".join(lines).split()
            if now[: len(said)] == said:
                return [" ".join(now[len(said) :])] if len(now) > len(said) else []
            if said[: len(now)] == now:  # a shorter re-send: keep the longer one in mind
                self.lines, self.start, self.end = before, before_start, before_end
                return []
        return lines


def _cue_utterances(
    fmt: TranscriptFormat,
    cue_time: str,
    lines: list[tuple[int, str]],
    repeats: _Repeats | None = None,
    cue_end: str = "",
) -> list[Utterance]:
    if not lines:
        return []
    segments = _vtt_segments(lines) if fmt is TranscriptFormat.WEBVTT else _srt_segments(lines)
    out: list[Utterance] = []
    for speaker, parts, line_no in segments:
        if repeats is not None:
            kept = repeats.fresh(speaker, parts, cue_time, cue_end)
            if kept is not parts:
                if not kept:
                    continue
                if len(kept) < len(parts) and kept == parts[len(parts) - len(kept) :]:
                    line_no += len(parts) - len(kept)  # the first line not dropped
                parts = kept
        text = " ".join(parts) if len(parts) > 1 else parts[0]
        turns = _has_turn_mark(text)
        if speaker:
            if turns:
                text = " ".join(_turns(text))
            if text:
                out.append(Utterance(speaker, text, cue_time, line_no))
            continue
        if turns:  # each turn may open with its own label: ">> SAM: ..."
            for turn in _turns(text):
                label, said = split_label(turn)
                if said:
                    out.append(Utterance(label, said, cue_time, line_no))
            continue
        label, said = split_label(parts[0])  # a label opens the first line, or there is none
        if not label:
            said = text
        elif len(parts) > 1:
            said = " ".join([said, *parts[1:]])
        out.append(Utterance(label, said, cue_time, line_no))
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


# One voice around a whole line, with nothing else that is markup: no other tag, no entity and
# so no turn mark ("<v Dana>text</v>", "<v.loud Sam Reyes>text</v>"). The quick path reads it as
# _one_voice_segment would.
_USUAL_VOICE_RE = re.compile(r"<v(?:\.[^\s<>.&]*)*[ \t]+([^<>&]*)>([^<>&]*)</v>")

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

    With *strict*, what cannot be a transcript raises :class:`TranscriptError` (see the module
    docstring), from :meth:`feed` as soon as it is seen or from :meth:`finish`.
    """

    def __init__(
        self,
        fmt: TranscriptFormat | None = None,
        *,
        strict: bool = False,
        max_block_lines: int = MAX_BLOCK_LINES,
        max_block_chars: int = MAX_BLOCK_CHARS,
    ) -> None:
        self._fixed_fmt = fmt
        self.strict = strict
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
        self._last_cue_end = ""
        self._repeats = _Repeats()
        self._cues = 0  # cue timings read (caption formats)
        self._evidence = 0  # plain lines with a label, a time or a join/leave mark
        self._first_line: tuple[int, str] | None = None  # the first non-blank line

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
        if self.strict:
            self._judge_whole()
        return out

    def _judge_whole(self) -> None:
        """Strict: refuse a whole file that held no transcript."""
        first = self._first_line
        if first is None:
            what = "empty (0 bytes)" if self._line_no == 0 else "blank: it holds no text"
            raise TranscriptError(1, f"the file is {what}, not a transcript")
        line_no, line = first
        shown = line.strip()[:60]
        if self._fmt is TranscriptFormat.PLAIN:
            if not self._evidence:
                raise TranscriptError(line_no, (
                    f"{shown!r} is not a transcript line, and no line is: none has a speaker "
                    "label ('Name: text'), a time stamp or a join/leave mark"))
        elif not self._cues:
            kind = "WebVTT" if self._fmt is TranscriptFormat.WEBVTT else "SubRip (SRT)"
            raise TranscriptError(line_no, f"a {kind} file without a single cue "
                                           "('00:00:01.000 --> 00:00:04.000' and its text)")

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
                    return out + self._dispatch_lines(lines[i + 1 :], first_no + i + 1)
            return []
        return self._dispatch_lines(lines, first_no)

    def _dispatch_lines(self, lines: list[str], first_no: int) -> list[Utterance]:
        """:meth:`_dispatch` for *lines* numbered from *first_no*: a caption file's usual cues
        go by :meth:`_usual_cue`, anything else line by line into the block it closes."""
        if self._fmt is TranscriptFormat.PLAIN:
            return self._dispatch(enumerate(lines, first_no))
        out: list[Utterance] = []
        block = self._block
        max_lines, max_chars = self._max_block_lines, self._max_block_chars
        usual = not self._first_block and self._first_line is not None
        i, count = 0, len(lines)
        while i < count:
            line = lines[i]
            if line and not line.isspace():
                if not block and usual and (after := self._usual_cue(lines, i, first_no, out)):
                    i = after
                    continue
                block.append((first_no + i, line))
                self._block_chars += len(line)
                if len(block) >= max_lines or self._block_chars >= max_chars:
                    out.extend(self._close_long_block())
                    block = self._block
            elif block:
                out.extend(self._close_block())
                block = self._block
                usual = self._first_line is not None
            i += 1
        return out

    def _usual_cue(self, lines: list[str], i: int, first_no: int, out: list[Utterance]) -> int:
        """The cue at *lines[i]* when it has the shape nearly every cue has: an optional cue
        id, a timing that reads, one to three lines of text, then a blank line, all within
        *lines* and the block limits. Its utterances go to *out*; returns the index after the
        blank line, or 0 (nothing done) for any other shape, which the line-by-line path then
        reads. Both give the same utterances (a property test holds them to it)."""
        count = len(lines)
        timing = i
        if "-->" not in lines[i]:
            head = lines[i]
            timing = i + 1
            if timing >= count or "-->" not in lines[timing]:
                return 0
            if self._fmt is TranscriptFormat.SRT:
                if not head.strip().isdecimal():
                    return 0  # text before the timing: stray text, or an error when strict
            elif head[0] in "NSR" and _is_skipped_vtt_block(head):
                return 0
        match = _TIMING_RE.match(lines[timing])
        if match is None:
            return 0
        end = timing + 1
        while True:
            if end >= count or end - timing > 3:
                return 0  # the block goes on past this chunk, or is long: line by line
            line = lines[end]
            if not line or line.isspace():
                break
            if "-->" in line:
                return 0
            end += 1
        if end == timing + 1 or end - i >= self._max_block_lines:
            return 0
        if sum(map(len, lines[i:end])) >= self._max_block_chars:
            return 0
        start_time, end_time = match.group(1, 2)
        if not (len(start_time) == 12 and start_time[2] == start_time[5] == ":"
                and start_time[8] == "."):  # "00:01:02.500" is already as it should be
            start_time = _normalise_time(start_time)
        self._cues += 1
        self._last_cue_time, self._last_cue_end = start_time, end_time
        if end == timing + 2 and self._fmt is TranscriptFormat.WEBVTT:
            # "<v Dana>text</v>", the line most cues are: no other tag, entity or turn mark
            voice = _USUAL_VOICE_RE.fullmatch(lines[timing + 1])
            if voice is not None:
                speaker, said = voice.group(1).strip(), voice.group(2).strip()
                if speaker and said:
                    if kept := self._repeats.fresh(speaker, [said], start_time, end_time):
                        out.append(Utterance(speaker, kept[0], start_time, first_no + timing + 1))
                    return end + 1
        text = [(first_no + k, lines[k]) for k in range(timing + 1, end)]
        out.extend(_cue_utterances(self._fmt or TranscriptFormat.PLAIN, start_time, text,
                                   self._repeats, end_time))
        return end + 1

    def _replay_undecided(self) -> list[Utterance]:
        held, self._undecided = self._undecided, []
        if not held:
            return []
        return self._dispatch(held)

    def _dispatch(self, numbered: Iterable[tuple[int, str]]) -> list[Utterance]:
        out: list[Utterance] = []
        if self._fmt is TranscriptFormat.PLAIN:
            strict = self.strict
            for line_no, line in numbered:
                utterance = _plain_utterance(line, line_no, strict)
                if utterance is not None:
                    out.append(utterance)
                    if not self._evidence:
                        self._note_plain(utterance, line)
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

    def _note_plain(self, utterance: Utterance, line: str) -> None:
        """Until one is found: whether this plain line shows the file is a transcript."""
        if self._first_line is None:
            self._first_line = (utterance.line_no, line)
        if utterance.speaker or utterance.cue_time:
            self._evidence += 1

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
        if self._first_line is None:
            self._first_line = block[0]
        timings: list[tuple[int, str, str]] = []  # (index in block, start, end) per timing line
        for i, (line_no, line) in enumerate(block):
            if "-->" in line:
                if (timing := _timing(line)) is not None:
                    timings.append((i, *timing))
                elif self.strict and _LOOSE_TIMING_RE.match(line):
                    raise TranscriptError(line_no, "a cue timing that does not read as one: "
                                                   f"{line.strip()[:80]!r}")
        self._cues += len(timings)
        if fmt is TranscriptFormat.WEBVTT:
            head = block[0][1]
            if first_block and head.startswith("WEBVTT"):
                # The header and its metadata lines; a cue written straight after it still counts.
                if not timings:
                    return []
                start = max(timings[0][0] - 1, 1)
                block = block[start:]
                timings = [(i - start, t, e) for i, t, e in timings]
            elif head[0] in "NSR" and _is_skipped_vtt_block(head):
                return []
        return self._cues_in(fmt, block, timings)

    def _cues_in(
        self,
        fmt: TranscriptFormat,
        block: list[tuple[int, str]],
        timings: list[tuple[int, str, str]],
    ) -> list[Utterance]:
        """Cues in one blank-line-separated block: usually one, more when blank lines are missing."""
        repeats = self._repeats
        if not timings:
            if self.strict and fmt is TranscriptFormat.SRT and block[0][1].strip().isdecimal():
                raise TranscriptError(block[0][0], f"cue number {block[0][1].strip()} is not "
                                                   "followed by a cue timing")
            return _cue_utterances(fmt, self._last_cue_time, block, repeats,
                                   self._last_cue_end)  # stray text
        out: list[Utterance] = []
        first = timings[0][0]
        if first > 0:
            has_id = fmt is TranscriptFormat.WEBVTT or block[first - 1][1].strip().isdecimal()
            stray = block[: first - 1] if has_id else block[:first]
            if stray:
                if self.strict and fmt is TranscriptFormat.SRT and stray[0][1].strip().isdecimal():
                    raise TranscriptError(stray[0][0], f"cue number {stray[0][1].strip()} is "
                                                       "not followed by a cue timing")
                out.extend(_cue_utterances(fmt, self._last_cue_time, stray, repeats,
                                           self._last_cue_end))
        for n, (t, start_time, end_time) in enumerate(timings):
            end = timings[n + 1][0] if n + 1 < len(timings) else len(block)
            if end < len(block) and end - 1 > t and block[end - 1][1].strip().isdecimal():
                end -= 1  # that line is the next cue's number
            self._last_cue_time, self._last_cue_end = start_time, end_time
            out.extend(_cue_utterances(fmt, start_time, block[t + 1 : end], repeats, end_time))
        return out


def parse_text(
    text: str, fmt: TranscriptFormat | None = None, *, strict: bool = False
) -> list[Utterance]:
    """Every utterance in a complete transcript (*strict*: see :class:`TranscriptParser`)."""
    parser = TranscriptParser(fmt, strict=strict)
    return parser.feed(text) + parser.finish()
