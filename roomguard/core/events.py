"""What happens during a session, as an append-only list of facts.

A session is its events: who came and went, which topics came up, which alerts were raised and
how the coach handled each. The store appends them to a journal as they happen (an audit trail
never rewrites history); :mod:`roomguard.core.session` folds them into the live state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from roomguard.core.models import Participant, new_id


class PresenceSource(StrEnum):
    KEY = "key"  # the coach toggled it
    SPEECH = "speech"  # inferred: the person spoke in the transcript
    START = "start"  # present when the session began


class TopicSource(StrEnum):
    NOTE = "note"  # a line the coach typed
    TRANSCRIPT = "transcript"  # a line from a followed transcript
    MANUAL = "manual"  # marked active by hand


class AckAction(StrEnum):
    STEPPED_OUT = "asked the person to step out"
    PAUSED = "paused the topic"
    VERBAL_CONSENT = "consent given verbally"
    FALSE_ALARM = "false alarm"


@dataclass(slots=True)
class SessionStarted:
    KIND: ClassVar[str] = "started"
    at: datetime
    client_id: str
    terms_version: int
    present: list[str] = field(default_factory=list)


@dataclass(slots=True)
class PresenceChanged:
    KIND: ClassVar[str] = "presence"
    at: datetime
    participant_id: str
    present: bool
    source: PresenceSource = PresenceSource.KEY


@dataclass(slots=True)
class GuestJoined:
    """An unlisted person arrived. They are uncleared for every private topic."""

    KIND: ClassVar[str] = "guest"
    at: datetime
    guest: Participant
    source: PresenceSource = PresenceSource.KEY


@dataclass(slots=True)
class TopicDetected:
    KIND: ClassVar[str] = "topic"
    at: datetime
    topic_id: str
    phrase: str
    source: TopicSource
    line: str = ""
    speaker: str = ""
    start: int = 0
    end: int = 0
    cue_time: str = ""


@dataclass(slots=True)
class TopicMarked:
    KIND: ClassVar[str] = "mark"
    at: datetime
    topic_id: str
    active: bool


@dataclass(slots=True)
class NoteAdded:
    KIND: ClassVar[str] = "note"
    at: datetime
    text: str
    private: bool = False
    shareable: bool = False  # an action item the agreement allows to be shared


@dataclass(slots=True)
class AlertRaised:
    KIND: ClassVar[str] = "alert"
    at: datetime
    topic_id: str
    topic_name: str
    uncleared: list[str]  # participant ids
    reason: str
    phrase: str = ""
    id: str = field(default_factory=new_id)
    # What raised it: a Trigger value ("topic detected": a line mentioned the topic; "person
    # joined": someone arrived while it was active; "topic active": the coach marked it). Empty
    # in journals written before mentions were told apart: read by AlertRaised.trigger_kind.
    trigger: str = ""

    @property
    def trigger_kind(self) -> str:
        if self.trigger:
            return self.trigger
        return "topic detected" if self.phrase else "person joined"


@dataclass(slots=True)
class MentionRepeated:
    """A private topic came up again while its alert (same topic, same people not cleared) is
    still waiting: one more mention of that alert, not a new alert, so the banner counts it and
    a check lists it, and the bell rings only for the first."""

    KIND: ClassVar[str] = "mention"
    at: datetime
    alert_id: str
    phrase: str
    line: str = ""
    speaker: str = ""
    cue_time: str = ""


@dataclass(slots=True)
class AlertAcknowledged:
    KIND: ClassVar[str] = "ack"
    at: datetime
    alert_id: str
    action: AckAction
    note: str = ""
    mute_phrase: str = ""  # a false alarm that should stop flagging this phrase


@dataclass(slots=True)
class PossibleTopic:
    """The semantic layer heard a line that may be about a private topic, in other words than
    its phrases, while someone not cleared for it was present: a calmer, second alert level
    (no bell), answered "yes, it was" or "no" (:class:`PossibleTopicAnswered`). *score* is how
    clearly the line beat everyday talk (roomguard/live/semantic/scorer.py)."""

    KIND: ClassVar[str] = "possible"
    at: datetime
    topic_id: str
    topic_name: str
    line: str
    score: float
    uncleared: list[str] = field(default_factory=list)  # participant ids
    speaker: str = ""
    cue_time: str = ""
    id: str = field(default_factory=new_id)


@dataclass(slots=True)
class PossibleTopicAnswered:
    """The coach's answer to a possible topic: *confirmed* ("yes, it was") or not ("no": the
    line is kept for this client as an example of what is not the topic)."""

    KIND: ClassVar[str] = "possible_answer"
    at: datetime
    possible_id: str
    confirmed: bool


@dataclass(slots=True)
class DiscreetModeChanged:
    KIND: ClassVar[str] = "discreet"
    at: datetime
    on: bool


@dataclass(slots=True)
class ClockWentBack:
    """The computer's clock read *reading*, earlier than *at*, the session's latest time.

    A clock set back (by hand, or a correction) mid-session would otherwise date later input
    before earlier input: notes out of order, presence of negative length. The session keeps
    its own time instead: this input, and every later one, is dated on from *at* by what the
    clock has moved since (see :meth:`roomguard.core.session.Guard.read_clock`), and the record
    says so here, so the summary can tell the coach why its times differ from the wall clock.
    """

    KIND: ClassVar[str] = "clockback"
    at: datetime
    reading: datetime


@dataclass(slots=True)
class SessionEnded:
    KIND: ClassVar[str] = "ended"
    at: datetime


Event = (
    SessionStarted
    | PresenceChanged
    | GuestJoined
    | TopicDetected
    | TopicMarked
    | NoteAdded
    | AlertRaised
    | MentionRepeated
    | AlertAcknowledged
    | PossibleTopic
    | PossibleTopicAnswered
    | DiscreetModeChanged
    | ClockWentBack
    | SessionEnded
)

EVENT_TYPES: dict[str, type[Event]] = {
    cls.KIND: cls
    for cls in (
        SessionStarted,
        PresenceChanged,
        GuestJoined,
        TopicDetected,
        TopicMarked,
        NoteAdded,
        AlertRaised,
        MentionRepeated,
        AlertAcknowledged,
        PossibleTopic,
        PossibleTopicAnswered,
        DiscreetModeChanged,
        ClockWentBack,
        SessionEnded,
    )
}
