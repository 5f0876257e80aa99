"""One path for every line: a typed note and a transcript utterance are judged alike.

The live session (typing, following a file) and ``roomguard check`` (a finished transcript)
both call :func:`observe`, so a line raises the same alerts whoever or whatever produced it,
live or afterwards. The only differences are the ones that belong to the source:

* a **typed** line is the coach's note: a ``share:`` tag is read, and the note is kept
  (``NoteAdded``), private when it mentions a private topic or a topic is marked active;
* a **heard** line has a speaker: whoever speaks is in the room, and an unknown speaker joins
  as a guest before the line is judged (a label naming several parties is not guessed at).

A heard line that says someone came or went (``[Sam left]``, ``Sam joined the meeting``:
:attr:`~roomguard.core.transcript.Utterance.presence`) is no speech: :func:`observe_presence`
moves that person in or out (an unknown arrival joins as a guest), and nothing is scanned.

Then both are scanned with the same detector and judged with the same
:meth:`~roomguard.core.session.Guard.observe_line`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from roomguard.core.detection import Detector, Hit
from roomguard.core.events import Event, GuestJoined, PresenceSource, TopicSource
from roomguard.core.models import Participant
from roomguard.core.session import Guard, NoteVerdict, judge_note, parse_note
from roomguard.core.text import storable
from roomguard.core.transcript import Utterance

# A plain transcript has no times; assume this pace so "recently active" (a few minutes) means
# roughly the same number of lines as it would in a timed transcript.
PLAIN_SECONDS_PER_LINE = 5


def cue_offset(utterance: Utterance) -> timedelta:
    """The utterance's time from the start of the transcript."""
    return timedelta(milliseconds=cue_millis(utterance))


def cue_millis(utterance: Utterance) -> int:
    """:func:`cue_offset` in whole milliseconds (what a check compares, line after line)."""
    cue = utterance.cue_time
    if not cue:
        return PLAIN_SECONDS_PER_LINE * 1000 * max(0, utterance.line_no - 1)
    if len(cue) == 12 and cue[2] == cue[5] == ":" and cue[8] == ".":  # "00:01:02.500": usual
        try:
            return ((int(cue[:2]) * 60 + int(cue[3:5])) * 60 + int(cue[6:8])) * 1000 + int(cue[9:])
        except ValueError:
            pass
    hours, minutes, rest = ("0:" * (2 - cue.count(":")) + cue).split(":")
    seconds = float(rest.replace(",", "."))
    return (int(hours) * 60 + int(minutes)) * 60_000 + round(seconds * 1000)


@dataclass(frozen=True, slots=True)
class Line:
    """A line to judge: typed by the coach (``source`` NOTE) or heard in a transcript.

    Built with :meth:`typed` or :meth:`heard`, which make the text storable (see
    :func:`~roomguard.core.text.storable`)."""

    text: str
    source: TopicSource
    speaker: str = ""
    cue_time: str = ""

    @classmethod
    def typed(cls, text: str) -> Line:
        return cls(storable(text), TopicSource.NOTE)

    @classmethod
    def heard(cls, utterance: Utterance) -> Line:
        return cls(storable(utterance.text), TopicSource.TRANSCRIPT,
                   storable(" ".join(utterance.speaker.split())), utterance.cue_time)


@dataclass(frozen=True)
class Observation:
    """What one line did.

    *events* to record, in order; *text* as kept (a typed note without its ``share:`` tag) and
    its topic *hits* (for highlighting); for a typed line, the *note* verdict; for a heard
    line, the guest an unknown speaker became and whether the label named several parties.
    """

    line: Line
    text: str
    events: list[Event]
    hits: list[Hit]
    note: NoteVerdict | None = None
    new_guest: Participant | None = None
    ambiguous_speaker: bool = False


def observe(guard: Guard, detector: Detector, line: Line, now: datetime) -> Observation:
    """Judge *line* at *now*: the events to record and what the coach should be told.

    Raises :class:`~roomguard.core.session.SessionError` when the session is over.
    """
    events: list[Event] = []
    new_guest: Participant | None = None
    ambiguous = False
    text = line.text
    verdict: NoteVerdict | None = None
    if line.source is TopicSource.NOTE:
        text, tagged_shareable = parse_note(line.text)
        if not text.strip():  # nothing to keep ("share:" alone): the caller says so
            return Observation(line, text, [], [])
        hits = detector.scan(text)
        verdict = judge_note(text, tagged_shareable, mentions_topic=bool(hits),
                             topic_marked=bool(guard.state.marked_topics))
        events += guard.add_note(text, now, private=verdict.private, shareable=verdict.shareable)
    else:
        if line.speaker and guard.resolve_speaker(line.speaker) is None:
            if len(guard.speakers_matching(line.speaker)) > 1:
                ambiguous = True
            else:
                joined = guard.add_guest(line.speaker, now, PresenceSource.SPEECH)
                events += joined
                new_guest = next(e.guest for e in joined if isinstance(e, GuestJoined))
        hits = detector.scan(text)
    events += guard.observe_line(text, now, line.source, hits, speaker=line.speaker,
                                 cue_time=line.cue_time)
    return Observation(line, text, events, hits, verdict, new_guest, ambiguous)


def observe_presence(guard: Guard, name: str, joined: bool, now: datetime) -> list[Event]:
    """A transcript (or an attendance report) says *name* came in (*joined*) or left.

    A party or guest it names moves in or out (source SPEECH: the transcript says so); someone
    unknown who arrives joins as a guest, not cleared for anything; someone unknown who leaves,
    or a label naming several parties, changes nothing. Arriving may raise alerts, as with a key.
    Raises :class:`~roomguard.core.session.SessionError` when the session is over.
    """
    label = storable(" ".join(name.split()))
    if not label:
        return []
    person = guard.resolve_speaker(label)
    if person is not None:
        return guard.set_presence(person.id, joined, now, PresenceSource.SPEECH)
    if not joined or guard.speakers_matching(label):
        return []
    return guard.add_guest(label, now, PresenceSource.SPEECH)
