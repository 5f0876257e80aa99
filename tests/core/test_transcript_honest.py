"""Issue 19, items 5 and 6: honest parsing.

Strict parsing (what ``roomguard check`` does unless ``--lenient``) refuses, with the line, what
cannot be a transcript; lenient parsing reads it as before. A speaker label must look like one:
never a sentence that ends with a colon, in a caption's first line or anywhere.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roomguard.core.transcript import (
    TranscriptError,
    TranscriptFormat,
    TranscriptParser,
    parse_text,
    split_label,
)


class TestStrict:
    @pytest.mark.parametrize(
        ("text", "line_no", "reason"),
        [
            ("", 1, "the file is empty (0 bytes)"),
            ("\n \n\t\n", 1, "the file is blank"),
            ("1", 1, "'1' is not a transcript line"),
            ("1\n", 1, "'1' is not a transcript line"),
            ("Just some notes.\nNothing else here.\n", 1, "no line is: none has a speaker label"),
            ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Dana>hi</v>\n\n"
             "00:00:1d.890 --> 00:00:03.000\nhello\n", 6,
             "a cue timing that does not read as one: '00:00:1d.890 --> 00:00:03.000'"),
            ("WEBVTT\n\nNOTE only a comment\n", 1, "a WebVTT file without a single cue"),
            ("WEBVTT - title\n", 1, "a WebVTT file without a single cue"),
            ("1\n00:00:01,000 --> 00:00:02,000\nDana: hi\n\n2\nSam: no timing\n", 5,
             "cue number 2 is not followed by a cue timing"),
            ("[00:00:1d.890] Dana: hello\n", 1, "a time stamp that does not read as a time"),
        ],
    )
    def test_what_is_not_a_transcript_is_refused_with_its_line(
        self, text: str, line_no: int, reason: str
    ) -> None:
        with pytest.raises(TranscriptError) as caught:
            parse_text(text, strict=True)
        assert caught.value.line_no == line_no
        assert reason in caught.value.reason

    @pytest.mark.parametrize(
        "text",
        ["", "1", "WEBVTT\n\n00:00:1d.890 --> 00:00:03.000\nhello\n", "WEBVTT\n",
         "Just some notes.\n"],
    )
    def test_lenient_reads_what_it_can_as_before(self, text: str) -> None:
        parse_text(text)  # no error

    @pytest.mark.parametrize(
        "text",
        [
            "Dana: hi\n",
            "[00:00:01.000 --> 00:00:02.000] plain whisper text\n",
            "We met.\nDana: hi\n",  # one transcript line is enough
            "[Sam joined]\n",
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhello\n",
            "WEBVTT\n\n00:00:11.500 --> 00:00:12.000\ncaption with a --> arrow in it\n",
            "1\n00:00:01,000 --> 00:00:02,000\nhello\n",
        ],
    )
    def test_real_transcripts_pass(self, text: str) -> None:
        assert parse_text(text, strict=True)

    def test_a_broken_timing_is_refused_as_soon_as_it_is_read(self) -> None:
        parser = TranscriptParser(TranscriptFormat.WEBVTT, strict=True)
        parser.feed("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhi\n\n")
        with pytest.raises(TranscriptError):
            parser.feed("00:00:0x.000 --> 00:00:03.000\nhello\n\n")


class TestSpeakerLabels:
    """A caption line that ends with a colon used to become a speaker, who then joined as a
    guest and was named "not cleared" in later alerts."""

    def test_a_caption_line_ending_with_a_colon_is_not_a_speaker(self) -> None:
        text = ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n"
                "and I told the workers:\nwe start at nine tomorrow\n")
        (u,) = parse_text(text)
        assert u.speaker == ""  # was "and I told the workers"
        assert u.text == "and I told the workers: we start at nine tomorrow"

    def test_srt_too(self) -> None:
        text = "1\n00:00:01,000 --> 00:00:04,000\nHere is the plan:\nbe careful\n"
        assert [u.speaker for u in parse_text(text)] == [""]

    @pytest.mark.parametrize(
        "line",
        ["I told the workers: be careful", "The workers: they left", "We said: no",
         "Here is the thing: I quit", "So: what now", "Note: bring the forms",
         "…the workers:", "She: hello"],
    )
    def test_sentences_are_not_labels(self, line: str) -> None:
        assert split_label(line)[0] == ""

    @pytest.mark.parametrize(
        ("line", "speaker"),
        [("Will Smith: hi", "Will Smith"), ("May Chen: hi", "May Chen"), ("A: yes", "A"),
         ("grace kim: hi", "grace kim"), ("Dr. Lee: hi", "Dr. Lee"),
         ("Dana (coach): hi", "Dana (coach)"), ("Mary-Jane van der Berg: hi",
                                                "Mary-Jane van der Berg")],
    )
    def test_names_are_labels(self, line: str, speaker: str) -> None:
        assert split_label(line)[0] == speaker


SENTENCE_WORDS = ["I", "told", "the", "workers", "we", "said", "it", "is", "my", "team",
                  "Dana", "Sam", "and", "then", "to", "all", "of", "them", "here", "what"]
sentences = st.lists(st.sampled_from(SENTENCE_WORDS), min_size=1, max_size=8).map(" ".join)
endings = st.sampled_from(["", " ", "\t", "  "])


@given(sentence=sentences, ending=endings)
def test_a_line_ending_with_a_colon_is_never_a_label(sentence: str, ending: str) -> None:
    assert split_label(f"{sentence}:{ending}") == ("", f"{sentence}:")


@given(sentence=sentences, after=st.sampled_from(["x", "be careful", "we start at nine"]))
def test_a_cue_whose_first_line_ends_with_a_colon_has_no_speaker(sentence: str, after: str) -> None:
    text = f"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n{sentence}:\n{after}\n"
    assert [u.speaker for u in parse_text(text)] == [""]


@given(sentence=sentences.filter(lambda s: len(s.split()) > 1), after=st.just("be careful"))
def test_a_sentence_with_words_names_never_hold_is_never_a_label(sentence: str, after: str) -> None:
    never_in_names = {"told", "the", "we", "said", "it", "is", "my", "and", "then", "to", "of",
                      "them", "here", "what", "I"}
    if any(word in never_in_names for word in sentence.split()):
        assert split_label(f"{sentence}: {after}")[0] == ""
