"""The parser's quick path for the usual cue reads every cue file as the line-by-line path does.

:meth:`TranscriptParser._usual_cue` takes the shape nearly every cue has (an optional id, a
timing, one to three text lines, a blank line) in one step; anything else goes line by line
into a block. Generated cue files, with the shapes it must refuse mixed in (NOTE blocks, cues
without a blank line between them, broken timings, several voices, entities, ``>>`` turns,
repeated captions, blocks cut at the end of a chunk or at the block limits), give the same
utterances, and the same strict-mode errors, either way.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from roomguard.core.transcript import TranscriptError, TranscriptFormat, TranscriptParser, Utterance


class LineByLine(TranscriptParser):
    """The parser without its quick path: every cue goes line by line into a block."""

    def _usual_cue(self, lines: list[str], i: int, first_no: int, out: list[Utterance]) -> int:
        return 0


def read(parser: TranscriptParser, text: str, cuts: list[int]) -> list[Utterance] | str:
    """The utterances, fed in pieces cut at *cuts*; the error's line and reason if it raised."""
    out: list[Utterance] = []
    last = 0
    try:
        for cut in [*sorted(cuts), len(text)]:
            out += parser.feed(text[last:cut])
            last = cut
        return out + parser.finish()
    except TranscriptError as exc:
        return f"{exc.line_no}: {exc.reason}"


TIMINGS = [
    "00:00:01.000 --> 00:00:02.000", "00:00:01.500 --> 00:00:03.000 align:start line:90%",
    "00:00:02,000 --> 00:00:04,000", "0:4:6.80 --> 0:4:6.530", "00:00:01.5000 --> 00:00:02.000", "000:00:1.0000 --> 1:00:00.000", "01:02.5 --> 01:03.000",
    "00:00:01.000 --> 00:00:01.010", "00:00:1d.890 --> 00:00:02.000", "  00:00:05.000-->00:00:06.000",
]  # fmt: skip
IDS = ["", "1", "42", "cue-7", "NOTE", "NOTE about this", "STYLE", "REGION", "Segment 3", " 7 "]
TEXTS = [
    "<v Dana>we talked about the salary</v>", "<v Dana>we talked about the salary</v>",
    "<v Dana>we talked about the salary and more</v>", "<v Sam Reyes>the divorce, yes</v>", "<v.loud Sam>hello</v>", "<v.a.b\tSam Reyes >hi</v>", "<v\tDana>\tyes </v>", "<v Dana> </v>", "<v >hi</v>",
    "<v Dana>a &amp; b</v>", "<v Dana>>> turn</v>", "<v Dana>one</v> <v Sam>two</v>",
    "<v Dana>open", "close</v>", "Dana: I'm back", "Sam Reyes: the salary", "&gt;&gt; SAM: hi",
    ">> next one", "plain words", "<i>styled</i> words", "{\\an8}moved", "the workers:",
    "a --> b", "we talked about the salary", "about the salary and more", "\t", "é ü",
]  # fmt: skip
# What rolling and re-sent captions repeat: the same words again, or again with more.
REPEATED = [
    "<v Dana>we talked about the salary</v>", "<v Dana>we talked about the salary and more</v>",
    "<v Dana>we talked</v>", "we talked about the salary",
]  # fmt: skip
cue_text = st.one_of(st.sampled_from(REPEATED), st.sampled_from(TEXTS))


@st.composite
def usual_cue(draw: st.DrawFn) -> list[str]:
    """A cue as nearly all are written: an id or none, a timing, a line or two of text."""
    cue_id = draw(st.sampled_from(["", "1", "cue-7"]))
    lines = [cue_id] if cue_id else []
    lines.append(draw(st.sampled_from(TIMINGS[:6])))
    return lines + draw(st.lists(cue_text, min_size=1, max_size=2))


@st.composite
def unusual_block(draw: st.DrawFn) -> list[str]:
    """Anything a block may be: NOTE/STYLE, no timing, long, two cues with no blank line."""
    cue_id = draw(st.sampled_from(IDS))
    lines = [cue_id] if cue_id else []
    if draw(st.integers(0, 9)):  # now and then a block without a timing
        lines.append(draw(st.sampled_from(TIMINGS)))
    lines += draw(st.lists(cue_text, max_size=5))
    if draw(st.booleans()):  # a second cue in the same block, no blank line
        lines += [draw(st.sampled_from(TIMINGS)), draw(cue_text)]
    return lines


@st.composite
def cue_files(draw: st.DrawFn) -> str:
    header = draw(st.sampled_from(["WEBVTT\n\n", "WEBVTT - x\nKind: captions\n\n", "", "\ufeff"]))
    blocks: list[str] = []
    for _ in range(draw(st.integers(0, 12))):
        lines = draw(st.one_of(usual_cue(), usual_cue(), unusual_block()))
        separator = draw(st.sampled_from(["\n\n", "\n\n", "\n \n", "\n\n\n", "\r\n\r\n", "\n"]))
        blocks.append("\n".join(lines) + separator)
    return header + "".join(blocks)


@settings(max_examples=400)
@given(
    text=cue_files(),
    fmt=st.sampled_from([None, TranscriptFormat.WEBVTT, TranscriptFormat.SRT]),
    strict=st.booleans(),
    max_lines=st.sampled_from([2, 3, 4, 2_000]),
    max_chars=st.sampled_from([30, 60, 4 * 1024 * 1024]),
    data=st.data(),
)
def test_the_quick_path_reads_cue_files_as_the_line_by_line_path(
    text: str, fmt: TranscriptFormat | None, strict: bool, max_lines: int, max_chars: int,
    data: st.DataObject,
) -> None:
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=4))
    limits = {"max_block_lines": max_lines, "max_block_chars": max_chars}
    quick = read(TranscriptParser(fmt, strict=strict, **limits), text, cuts)
    general = read(LineByLine(fmt, strict=strict, **limits), text, cuts)
    assert quick == general


def test_the_quick_path_takes_the_usual_cues() -> None:
    """It is used: the usual cues of a file never reach the line-by-line path."""
    taken: list[int] = []

    class Counting(TranscriptParser):
        def _usual_cue(self, lines: list[str], i: int, first_no: int,
                       out: list[Utterance]) -> int:
            after = super()._usual_cue(lines, i, first_no, out)
            if after:
                taken.append(first_no + i)
            return after

    text = ("WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n<v Dana>hello</v>\n\n"
            "2\n00:00:02.000 --> 00:00:03.000\nSam: the salary\nand more\n\n"
            "NOTE a note\n\n00:00:03.000 --> 00:00:04.000\n<v Dana>bye</v>\n\n")
    parser = Counting(TranscriptFormat.WEBVTT)
    got = parser.feed(text) + parser.finish()
    assert [(u.speaker, u.text, u.cue_time, u.line_no) for u in got] == [
        ("Dana", "hello", "00:00:01.000", 5),
        ("Sam", "the salary and more", "00:00:02.000", 9),
        ("Dana", "bye", "00:00:03.000", 15),
    ]
    assert taken == [3, 7, 14]
