"""Issue 19, item 10: the files real transcribers write, read as meant.

One small sample per producer in ``tests/transcripts/producers/``, written from each tool's
documented (or observed) layout: YouTube auto-captions (rolling lines, ``<c>`` word timings,
``&gt;&gt;`` turns), WhisperLive (segments re-sent as they grow), whisperX (diarised
``[SPEAKER_00]:`` labels, one cue per highlighted word), pyannote/whisperX plain lines
(``[0:00:06.835000 - 0:00:07.235000] SPEAKER_00 - text``), older Teams files (unpadded
fractions), broadcast-style ``>>`` turns, and plain join/leave lines.

And the property behind the de-duplication: whatever shape the repeats take, each spoken word
comes through once, in order.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roomguard.core.observe import cue_offset
from roomguard.core.transcript import Utterance, parse_text, split_label

PRODUCERS = Path(__file__).parents[1] / "transcripts" / "producers"


def read(name: str) -> list[Utterance]:
    return parse_text((PRODUCERS / name).read_bytes().decode("utf-8"))


def rows(utterances: list[Utterance]) -> list[tuple[str, str, str]]:
    return [(u.speaker, u.text, u.cue_time) for u in utterances]


class TestDiarisationLabels:
    @pytest.mark.parametrize(
        ("line", "expected"),
        [
            ("[SPEAKER_00]: we discussed my salary", ("SPEAKER_00", "we discussed my salary")),
            ("SPEAKER_00 - we discussed my salary", ("SPEAKER_00", "we discussed my salary")),
            ("Speaker 1: fine", ("Speaker 1", "fine")),
            ("Speaker 2 - fine", ("Speaker 2", "fine")),
            ("speaker_3 \u2013 fine", ("speaker_3", "fine")),
            ("[Dana Okafor]: hello", ("Dana Okafor", "hello")),
            ("SPEAKER_00 -", ("", "SPEAKER_00 -")),  # a label needs words after it
            ("lay-off - not a label", ("", "lay-off - not a label")),
        ],
    )
    def test_labels(self, line: str, expected: tuple[str, str]) -> None:
        assert split_label(line) == expected

    def test_a_diarised_plain_file(self) -> None:
        assert rows(read("diarised.txt")) == [
            ("SPEAKER_00", "we discussed my salary last week", ""),
            ("SPEAKER_01", "and the bonus question is still open", ""),
            ("Speaker 1", "I'd rather not say more today", ""),
            ("speaker 2", "okay", ""),
        ]

    def test_pyannote_and_whisperx_time_ranges(self) -> None:
        """``[0:00:06.835000 - 0:00:07.235000] SPEAKER_00 - text``: microseconds, a dash
        between the times and after the label."""
        assert rows(read("pyannote_whisperx.txt")) == [
            ("SPEAKER_00", "Thanks for coming in, how has the week been?", "00:00:00.497"),
            ("SPEAKER_01", "Busy. The diagnosis came through on Monday.", "00:00:04.210"),
            ("SPEAKER_00", "I see.", "00:00:06.835"),
            ("SPEAKER_02", "Sorry, I'll leave you two to it.", "00:00:07.402"),
        ]


class TestRepeatedCaptions:
    def test_youtube_rolling_captions_say_each_word_once(self) -> None:
        """Each cue repeats the last line of the one before, a 10 ms cue repeats it again,
        word timings sit in ``<c>`` tags, ``&gt;&gt;`` marks a new turn."""
        got = read("youtube_auto.vtt")
        assert rows(got) == [
            ("", "so we talked about my", "00:00:00.160"),
            ("", "salary and the restructuring", "00:00:02.399"),
            ("", "that's a lot to carry", "00:00:05.040"),
            ("TOM", "should I step out for this?", "00:00:07.680"),
        ]
        assert [u.line_no for u in got] == [7, 15, 23, 31]  # the line the new words are on

    def test_whisperlive_resent_segments_say_each_word_once(self) -> None:
        assert rows(read("whisperlive.srt")) == [
            ("", "So I wanted to talk about", "00:00:00.000"),
            ("", "my salary review.", "00:00:00.000"),
            ("", "They said the restructuring", "00:00:03.900"),
            ("", "will hit my team.", "00:00:03.900"),
            ("", "Honestly I'm not sure.", "00:00:07.020"),
        ]

    def test_whisperx_highlighted_words_say_the_line_once(self) -> None:
        assert rows(read("whisperx_highlight.srt")) == [
            ("SPEAKER_00", "So, how was the week?", "00:00:04.578"),
            ("SPEAKER_01", "Busy. The diagnosis came through.", "00:00:06.835"),
        ]

    def test_a_different_speaker_repeating_is_heard(self) -> None:
        text = ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Dana>Salary?</v>\n\n"
                "00:00:02.000 --> 00:00:03.000\n<v Sam>Salary?</v>\n")
        assert rows(parse_text(text)) == [("Dana", "Salary?", "00:00:01.000"),
                                          ("Sam", "Salary?", "00:00:02.000")]

    def test_the_same_words_much_later_are_heard_again(self) -> None:
        text = ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Dana>my salary</v>\n\n"
                "00:05:00.000 --> 00:05:02.000\n<v Dana>my salary</v>\n")
        assert len(parse_text(text)) == 2


class TestTurnsAndTimes:
    def test_turn_marks_are_removed_and_cut_the_cue(self) -> None:
        assert rows(read("turns.srt")) == [
            ("", "WELCOME BACK, EVERYONE.", "00:00:01.000"),
            ("", "THANKS. THE SALARY TALKS ARE STILL GOING ON.", "00:00:03.200"),
            ("", "I HEARD.", "00:00:03.200"),
        ]

    def test_a_turn_mark_before_a_label(self) -> None:
        assert rows(parse_text(">> Sam: hi there\n")) == [("Sam", "hi there", "")]

    def test_older_teams_unpadded_fractions_are_milliseconds_as_written(self) -> None:
        """``0:4:6.80 --> 0:4:6.530``: .80 is 80 ms (read as 800 ms the cues came out of order)."""
        got = read("teams_2020.vtt")
        assert [u.cue_time for u in got] == [
            "00:00:00.000", "00:00:04.050", "00:04:06.080", "00:04:06.530"]
        offsets = [cue_offset(u) for u in got]
        assert offsets == sorted(offsets)


class TestJoinAndLeaveLines:
    def test_join_and_leave_lines_are_marked(self) -> None:
        got = read("join_leave.txt")
        marks = [(u.speaker, u.presence, u.cue_time) for u in got if u.presence is not None]
        assert marks == [("Tom", False, "00:00:41.000"), ("Sam Reyes", True, "00:02:30.000"),
                         ("Sam Reyes", False, "00:03:00.000")]
        assert [u.presence for u in got if u.speaker in ("Alex", "Priya")] == [None] * 3

    @pytest.mark.parametrize(
        ("line", "who", "joined"),
        [
            ("[Sam left]", "Sam", False),
            ("(Sam has joined)", "Sam", True),
            ("Sam joined the meeting", "Sam", True),
            ("Grace Kim has left the call.", "Grace Kim", False),
            ("[00:12:00] [Tom joined]", "Tom", True),
        ],
    )
    def test_shapes(self, line: str, who: str, joined: bool) -> None:
        (u,) = parse_text(line + "\n")
        assert (u.speaker, u.presence) == (who, joined)

    @pytest.mark.parametrize(
        "line",
        ["I left the meeting early", "She joined the meeting", "Sam: I left the meeting",
         "the workers left", "[The team left]"],
    )
    def test_what_is_not_a_join_or_leave(self, line: str) -> None:
        assert all(u.presence is None for u in parse_text(line + "\n"))


# ----------------------------------------------------------------------------- each word once
WORDS = ["so", "we", "talked", "about", "my", "salary", "and", "the", "restructuring", "it",
         "is", "a", "lot", "yes", "no", "bonus", "team", "week"]
spoken = st.lists(st.sampled_from(WORDS), min_size=1, max_size=40)


def stamp(ms: int) -> str:
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def youtube(lines: list[list[str]]) -> str:
    """YouTube's auto-caption layout: cue n shows line n-1 and line n (with word timings), a
    10 ms cue shows line n alone, then the next cue rolls on."""
    out = ["WEBVTT\nKind: captions\nLanguage: en\n"]
    t = 0
    previous = ""
    for line in lines:
        timed = line[0] + "".join(f"<{stamp(t + 100 * i)}><c> {w}</c>"
                                  for i, w in enumerate(line[1:], 1))
        body = f"{previous}\n{timed}" if previous else f" \n{timed}"
        out.append(f"{stamp(t)} --> {stamp(t + 2000)} align:start position:0%\n{body}\n")
        plain = " ".join(line)
        out.append(f"{stamp(t + 2000)} --> {stamp(t + 2010)} align:start position:0%\n"
                   f"{plain}\n \n")
        previous, t = plain, t + 2010
    return "\n".join(out)


def whisperlive(lines: list[list[str]]) -> str:
    """Each segment sent as it grows (same start, more words), then once more complete."""
    out: list[str] = []
    n, t = 1, 0
    for line in lines:
        for cut in [*range(1, len(line)), len(line), len(line)]:
            out.append(f"{n}\n{stamp(t).replace('.', ',')} --> "
                       f"{stamp(t + 300 * cut).replace('.', ',')}\n {' '.join(line[:cut])}\n")
            n += 1
        t += 300 * len(line)
    return "\n".join(out)


def highlighted(lines: list[list[str]]) -> str:
    """whisperX with highlighted words: one cue per word, the whole line each time."""
    out: list[str] = []
    n, t = 1, 0
    for line in lines:
        for i in range(len(line)):
            words = [f"<u>{w}</u>" if j == i else w for j, w in enumerate(line)]
            out.append(f"{n}\n{stamp(t).replace('.', ',')} --> "
                       f"{stamp(t + 200).replace('.', ',')}\n[SPEAKER_00]: {' '.join(words)}\n")
            n, t = n + 1, t + 200
    return "\n".join(out)


@pytest.mark.parametrize("layout", [youtube, whisperlive, highlighted])
@given(said=st.lists(spoken, min_size=1, max_size=8))
def test_each_spoken_word_counts_once_in_order(layout, said: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    # The documented price: a line that starts with every word of the line before, said in the
    # very next cue, reads as that line repeated (that is what these layouts write when they
    # repeat), so the transcripts drawn here have none.
    kept: list[list[str]] = []
    for line in said:
        if not kept or line[: len(kept[-1])] != kept[-1]:
            kept.append(line)
    heard = " ".join(u.text for u in parse_text(layout(kept))).split()
    assert heard == [w for line in kept for w in line]
