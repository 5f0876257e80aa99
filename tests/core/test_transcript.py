"""The transcript parser: every format, the awkward files real tools write, and streaming."""

from __future__ import annotations

import html
import io
from pathlib import Path

import pytest
import webvtt
from hypothesis import given
from hypothesis import strategies as st

from roomguard.core.transcript import (
    TranscriptFormat,
    TranscriptParser,
    Utterance,
    _one_voice_segment,
    _walk_voices,
    looks_like_name,
    parse_text,
    sniff_format,
    split_label,
)
from tests.transcripts.generate import long_webvtt

SAMPLES = Path(__file__).parents[1] / "transcripts"


def sample(name: str) -> str:
    """A sample file decoded the way the follower decodes: UTF-8, bad bytes replaced."""
    return (SAMPLES / name).read_bytes().decode("utf-8", errors="replace")


def rows(utterances: list[Utterance]) -> list[tuple[str, str, str, int]]:
    return [(u.speaker, u.text, u.cue_time, u.line_no) for u in utterances]


def feed_in_pieces(
    text: str, cuts: list[int], fmt: TranscriptFormat | None = None
) -> list[Utterance]:
    parser = TranscriptParser(fmt)
    out: list[Utterance] = []
    last = 0
    for cut in sorted(cuts):
        out += parser.feed(text[last:cut])
        last = cut
    out += parser.feed(text[last:])
    return out + parser.finish()


class TestPlain:
    def test_sample_file(self) -> None:
        assert rows(parse_text(sample("plain.txt"))) == [
            ("Dana", "Thanks for making time today.", "", 1),
            ("Sam", "Of course. Priya is joining us for the first part.", "", 2),
            ("Priya", "Hi both. I'll drop off at half past.", "", 4),
            ("", "We started at 10:30 and the link is https://example.org/notes", "", 5),
            ("Dana (coach)", "Let's look at the goals from last month.", "", 6),
            ("Sam", "I spoke to my manager about it.", "00:01:02.500", 7),
            ("Dr. Lee", "[bold]not markup[/bold] stays literal", "", 8),
        ]

    @pytest.mark.parametrize(
        ("line", "expected"),
        [
            ("Dana: hello", ("Dana", "hello")),
            ("Dana:", ("", "Dana:")),  # a label is followed by what was said (issue 19)
            ("  Sam Reyes :   spaced out  ", ("Sam Reyes", "spaced out")),
            ("SPEAKER_01: diarised", ("SPEAKER_01", "diarised")),
            ("at 10:30 we met", ("", "at 10:30 we met")),
            ("10:30: the time", ("", "10:30: the time")),
            ("see https://example.org: it", ("", "see https://example.org: it")),
            ("ratio 3:1 is fine", ("", "ratio 3:1 is fine")),
            (": nobody", ("", ": nobody")),
            ("42: a number is not a name", ("", "42: a number is not a name")),
            ("Why? Because: reasons", ("", "Why? Because: reasons")),
            ("x" * 41 + ": too long to be a name", ("", "x" * 41 + ": too long to be a name")),
            (
                "one two three four five six seven: too many words",
                ("", "one two three four five six seven: too many words"),
            ),
            ("[red]Dana[/red]: markup-looking", ("", "[red]Dana[/red]: markup-looking")),
        ],
    )
    def test_speaker_label(self, line: str, expected: tuple[str, str]) -> None:
        assert split_label(line) == expected

    def test_whisper_cpp_stamps_become_cue_times(self) -> None:
        text = "[00:00:00.000 --> 00:00:04.000]   Dana: hi\n[00:01:02] Sam: hello\n[10:30] clock time\n"
        assert rows(parse_text(text)) == [
            ("Dana", "hi", "00:00:00.000", 1),
            ("Sam", "hello", "00:01:02.000", 2),
            ("", "clock time", "10:30", 3),
        ]

    def test_blank_lines_yield_nothing_but_are_counted(self) -> None:
        assert rows(parse_text("\n \t\nDana: x\n\n")) == [("Dana", "x", "", 3)]

    def test_partial_last_line_waits_for_its_break(self) -> None:
        parser = TranscriptParser(TranscriptFormat.PLAIN)
        assert rows(parser.feed(sample("partial_last_line.txt"))) == [
            ("Dana", "complete line", "", 1)
        ]
        assert rows(parser.finish()) == [("Sam", "a last line with no line break", "", 2)]

    def test_lone_cr_line_ends(self) -> None:
        assert rows(parse_text(sample("lone_cr.txt"))) == [
            ("Dana", "old Mac line ends", "", 1),
            ("Sam", "still separate", "", 2),
            ("Priya", "last", "", 4),
        ]

    def test_invalid_utf8_is_replaced_not_fatal(self) -> None:
        assert rows(parse_text(sample("invalid_utf8.txt"))) == [
            ("Dana", "café ok", "", 1),
            ("Sam", "broken \ufffd\ufffd bytes", "", 2),
            ("Priya", "cut \ufffd", "", 3),
        ]


class TestWebVTT:
    def test_teams_style_file(self) -> None:
        """Voices with classes, cue ids and settings, styling tags, entities, skipped blocks."""
        assert rows(parse_text(sample("teams.vtt"))) == [
            ("Dana Okafor", "Welcome back, everyone.", "00:00:01.000", 17),
            (
                "Sam Reyes",
                "We need to talk about the performance review and my health & the time off.",
                "00:00:03.600",
                21,
            ),
            ("Priya Shah", "Tom & Jerry <3 cartoons", "00:00:07.500", 27),
            ("Dana Okafor", "Sure.", "00:00:09.100", 30),
            ("Sam Reyes", "Right.", "00:00:09.100", 31),
            ("", "Unvoiced caption with a --> arrow in it", "00:00:11.500", 34),
        ]

    def test_note_style_and_region_blocks_are_not_speech(self) -> None:
        texts = " ".join(u.text for u in parse_text(sample("teams.vtt")))
        for unspoken in ("comment", "font-weight", "width:40%", "Kind", "Meeting transcript"):
            assert unspoken not in texts

    def test_zoom_style_name_prefixes(self) -> None:
        assert rows(parse_text(sample("zoom.vtt"))) == [
            ("Dana Okafor", "Good morning, can you hear me?", "00:00:01.120", 5),
            ("Sam Reyes", "Yes, loud and clear. I had a rough week, honestly.", "00:00:05.000", 9),
            ("", "Thanks for asking.", "00:00:09.000", 14),
        ]

    def test_crlf(self) -> None:
        assert b"\r\n" in (SAMPLES / "crlf.vtt").read_bytes()
        assert rows(parse_text(sample("crlf.vtt"))) == [
            ("Dana", "First line second line", "00:00:01.000", 5),
            ("Sam", "Next", "00:00:02.500", 10),
        ]

    def test_bom_and_short_timestamps(self) -> None:
        assert (SAMPLES / "bom.vtt").read_bytes().startswith(b"\xef\xbb\xbf")
        assert rows(parse_text(sample("bom.vtt"))) == [
            ("Dana", "Short times, BOM first", "00:00:01.000", 4)
        ]

    def test_last_cue_waits_for_blank_line_or_finish(self) -> None:
        parser = TranscriptParser()
        assert rows(parser.feed(sample("partial_last_cue.vtt"))) == [
            ("Dana", "complete cue", "00:00:01.000", 4)
        ]
        assert rows(parser.finish()) == [
            ("Sam", "last cue, no blank line after", "00:00:02.000", 7)
        ]

    def test_speaker_is_kept_literal(self) -> None:
        text = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v [bold]Eve[/bold] &amp; co>hi</v>\n"
        assert rows(parse_text(text)) == [("[bold]Eve[/bold] & co", "hi", "00:00:01.000", 4)]

    def test_unknown_angle_brackets_are_words(self) -> None:
        text = "WEBVTT\n\n00:01.000 --> 00:02.000\nif a <then b> &lt;i&gt;\n"
        assert [u.text for u in parse_text(text)] == ["if a <then b> <i>"]

    def test_text_after_a_blank_line_inside_a_cue_is_kept(self) -> None:
        text = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Dana>first</v>\n\nDana: stray second\n"
        assert rows(parse_text(text)) == [
            ("Dana", "first", "00:00:01.000", 4),
            ("Dana", "stray second", "00:00:01.000", 6),
        ]

    def test_header_without_blank_line_before_first_cue(self) -> None:
        text = "WEBVTT\n00:00:01.000 --> 00:00:02.000\nSam: straight after\n"
        assert rows(parse_text(text)) == [("Sam", "straight after", "00:00:01.000", 3)]

    @pytest.mark.parametrize("name", ["zoom.vtt", "crlf.vtt", "bom.vtt", "partial_last_cue.vtt"])
    def test_agrees_with_webvtt_py(self, name: str) -> None:
        ours, theirs = parse_text(sample(name)), oracle(sample(name))
        assert [r[:3] for r in rows(ours)] == [r[:3] for r in rows(theirs)]


def oracle(text: str) -> list[Utterance]:
    """What webvtt-py reads from a complete, well-formed file with one voice per cue (no line_no)."""
    out = []
    for caption in webvtt.from_buffer(io.StringIO(text.lstrip("\ufeff"))):
        words = " ".join(line.strip() for line in caption.text.split("\n") if line.strip())
        words = html.unescape(words).replace("\xa0", " ")
        speaker = (caption.voice or "").strip()
        if not speaker:
            speaker, words = split_label(words)
        out.append(Utterance(speaker, words, caption.start, 0))
    return out


class TestLongRecording:
    def test_two_hours_of_cues_agree_with_webvtt_py(self) -> None:
        text = long_webvtt()
        ours = parse_text(text)
        assert len(ours) == 20_000
        assert [u.text.split()[0] for u in ours] == [f"#{i}" for i in range(20_000)]
        expected = oracle(text)
        assert [(u.speaker, u.text, u.cue_time) for u in ours] == [
            (u.speaker, u.text, u.cue_time) for u in expected
        ]
        assert ours[-1].cue_time.startswith("01:59:59")

    def test_streamed_in_file_sized_chunks_gives_the_same_result(self) -> None:
        text = long_webvtt(2_000, seconds=720)
        assert feed_in_pieces(text, list(range(4096, len(text), 4096))) == parse_text(text)



class TestSRT:
    def test_sample_file(self) -> None:
        assert rows(parse_text(sample("basic.srt"))) == [
            ("Dana", "Shall we start?", "00:00:01.000", 3),
            ("Sam", "There's something about my family I want to raise.", "00:00:03.500", 7),
            ("Priya", "Should I step out?", "00:00:06.500", 12),
        ]

    def test_bom_and_crlf(self) -> None:
        raw = (SAMPLES / "bom_crlf.srt").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
        assert rows(parse_text(sample("bom_crlf.srt"))) == [
            ("Dana", "BOM and CRLF", "00:00:01.000", 3),
            ("Sam", "Second", "00:00:02.000", 7),
        ]

    def test_missing_blank_line_between_cues(self) -> None:
        text = "1\n00:00:01,000 --> 00:00:02,000\nDana: one\n2\n00:00:03,000 --> 00:00:04,000\nSam: two\n"
        assert rows(parse_text(text)) == [
            ("Dana", "one", "00:00:01.000", 3),
            ("Sam", "two", "00:00:03.000", 6),
        ]


class TestSniffing:
    @pytest.mark.parametrize(
        ("start", "path", "expected"),
        [
            ("WEBVTT\n\n00:01.000 --> 00:02.000\n", "", TranscriptFormat.WEBVTT),
            ("\ufeffWEBVTT - title\r\n", "", TranscriptFormat.WEBVTT),
            ("1\r\n00:00:01,000 --> 00:00:02,000\r\n", "", TranscriptFormat.SRT),
            ("\n\n1\n00:00:01,000 --> 00:00:02,000\n", "x.txt", TranscriptFormat.SRT),
            ("00:00:01.000 --> 00:00:02.000\nheaderless\n", "", TranscriptFormat.WEBVTT),
            ("Dana: hello\n", "call.vtt", TranscriptFormat.PLAIN),
            ("1\n2\n", "", TranscriptFormat.PLAIN),
            ("", "call.vtt", TranscriptFormat.WEBVTT),
            ("", "call.SRT", TranscriptFormat.SRT),
            ("", "", TranscriptFormat.PLAIN),
        ],
    )
    def test_sniff(self, start: str, path: str, expected: TranscriptFormat) -> None:
        assert sniff_format(start, path) is expected

    def test_parser_sniffs_once_it_has_a_complete_line(self) -> None:
        parser = TranscriptParser()
        assert parser.feed("WEBV") == [] and parser.format is None
        parser.feed("TT\n")
        assert parser.format is TranscriptFormat.WEBVTT

    def test_srt_cue_number_alone_is_not_enough_to_decide(self) -> None:
        parser = TranscriptParser()
        parser.feed("1\n")
        assert parser.format is None
        parser.feed("00:00:01,000 --> 00:00:02,000\nDana: hi\n\n")
        assert parser.format is TranscriptFormat.SRT

    def test_reset_sniffs_again_and_counts_lines_from_one(self) -> None:
        parser = TranscriptParser()
        parser.feed("WEBVTT\n\n00:01.000 --> 00:02.000\n<v A>half a cue")
        parser.reset()
        assert rows(parser.feed("Dana: new file\n")) == [("Dana", "new file", "", 1)]
        assert parser.format is TranscriptFormat.PLAIN

    def test_reset_keeps_a_format_given_up_front(self) -> None:
        parser = TranscriptParser(TranscriptFormat.SRT)
        parser.reset()
        assert parser.format is TranscriptFormat.SRT


class TestStreaming:
    def test_crlf_split_between_chunks_is_one_line_break(self) -> None:
        parser = TranscriptParser(TranscriptFormat.PLAIN)
        assert rows(parser.feed("Dana: a\r")) == []
        assert rows(parser.feed("\nSam: b\r\n")) == [("Dana", "a", "", 1), ("Sam", "b", "", 2)]

    def test_bom_alone_in_first_chunk(self) -> None:
        parser = TranscriptParser()
        assert parser.feed("\ufeff") == []
        assert rows(parser.feed("Dana: hi\n")) == [("Dana", "hi", "", 1)]

    def test_line_written_in_two_halves(self) -> None:
        parser = TranscriptParser(TranscriptFormat.PLAIN)
        assert parser.feed("Dana: the first ha") == []
        assert rows(parser.feed("lf and the rest\n")) == [
            ("Dana", "the first half and the rest", "", 1)
        ]


# --- fuzzing -----------------------------------------------------------------------------------

FRAGMENTS = [
    "WEBVTT", "NOTE", "STYLE", "REGION", "\n", "\n\n", "\r", "\r\n", "\ufeff", " ", "\t",
    "1", "42", "00:00:01.000", "01:02,5", "00:00:02,000", " --> ", "-->", "align:start",
    "<v Dana>", "<v.loud Sam Reyes>", "</v>", "<i>", "</i>", "<c.yellow>", "<b>", "<00:00:01.500>",
    "<", ">", "&amp;", "&lt;", "&#0;", "&#x110000;", "&nbsp;", "&", "{\\an8}", "<font color=red>",
    "Dana:", "Sam Reyes: ", ":", "[00:00:01.000 --> 00:00:02.000]", "[", "]", "é", "\ufffd",
    "hello", "the divorce", "https://x.y", "10:30",
]  # fmt: skip
captionish = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join)
any_text = st.one_of(st.text(max_size=300), captionish)
formats = st.sampled_from([None, *TranscriptFormat])


@given(text=any_text, fmt=formats)
def test_arbitrary_text_never_crashes(text: str, fmt: TranscriptFormat | None) -> None:
    for utterance in parse_text(text, fmt):
        assert isinstance(utterance.speaker, str) and isinstance(utterance.text, str)
        assert utterance.line_no >= 1
        assert "\n" not in utterance.text and "\r" not in utterance.text


@given(text=any_text, fmt=formats, data=st.data())
def test_chunking_never_changes_the_result(
    text: str, fmt: TranscriptFormat | None, data: st.DataObject
) -> None:
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=12))
    assert feed_in_pieces(text, cuts, fmt) == parse_text(text, fmt)


@given(text=any_text, data=st.data())
def test_single_characters_at_a_time(text: str, data: st.DataObject) -> None:
    fmt = data.draw(formats)
    assert feed_in_pieces(text, list(range(len(text))), fmt) == parse_text(text, fmt)


@given(
    cue=st.lists(
        captionish.map(lambda t: t.replace("\r", "").replace("\n", "")), min_size=1, max_size=4
    )
)
def test_quick_path_for_one_voice_agrees_with_the_general_walk(cue: list[str]) -> None:
    lines = [(n, line) for n, line in enumerate(cue, 1) if line.strip()]
    if lines:
        quick = _one_voice_segment(lines)
        if quick is not None:
            assert quick == _walk_voices(lines)


name_word = st.tuples(
    st.characters(categories=("Lu",), max_codepoint=0x24F),
    st.text(alphabet=st.characters(categories=("Ll",), max_codepoint=0x24F), max_size=7),
).map("".join)
# Names as people write them: capitalised words, never "I" nor a word sentences open with
# ("The", "And"), which split_label reads as the start of a sentence (see looks_like_name).
names = (
    st.lists(name_word, min_size=1, max_size=4)
    .map(" ".join)
    .filter(lambda n: len(n) <= 40 and looks_like_name(n))
)
# Something said (a label is followed by words: issue 19), without the ">>" turn marks that
# are not words.
spoken = st.text(
    alphabet=st.characters(exclude_characters="\r\n", exclude_categories=("Cs",)), max_size=80
).filter(lambda said: said.strip() and ">>" not in said and "&gt;&gt;" not in said)


@given(lines=st.lists(st.tuples(names, spoken), min_size=1, max_size=20), data=st.data())
def test_every_complete_labelled_line_is_one_utterance(
    lines: list[tuple[str, str]], data: st.DataObject
) -> None:
    text = "".join(f"{name}: {words}\n" for name, words in lines)
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=6))
    parser = TranscriptParser(TranscriptFormat.PLAIN)
    got: list[Utterance] = []
    last = 0
    for cut in [*sorted(cuts), len(text)]:
        got += parser.feed(text[last:cut])
        last = cut
    # No finish(): every line ended with a break, so none may be held back.
    assert [(u.speaker, u.text, u.line_no) for u in got] == [
        (name, words.strip(), n) for n, (name, words) in enumerate(lines, 1)
    ]
