"""What the live session tells the screen: plain data, no Textual, no Rich.

An :class:`Outcome` is what one thing that happened (a key, a note, a transcript line) did:
what was recorded, what to tell the coach, which alerts are new. The rows the screen draws
(:class:`RosterEntry`, :class:`TopicEntry`, :class:`AlertView`, :class:`LogEntry`,
:class:`StatusView`) are read from the session after each outcome. Widgets import these types
and only draw them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal

from roomguard.core.events import AlertRaised, Event, PossibleTopic

Severity = Literal["information", "warning", "error"]


class LogKind(StrEnum):
    NOTE = "note"
    TRANSCRIPT = "heard"
    EVENT = "event"  # presence, marks, discreet mode, session start/end
    ALERT = "alert"
    POSSIBLE = "possible"  # the semantic layer's calmer level (roomguard/live/semantic)
    ACK = "ack"


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One line of the session log."""

    at: datetime
    kind: LogKind
    text: str
    speaker: str = ""
    cue_time: str = ""
    spans: tuple[tuple[int, int], ...] = ()  # detected phrases, offsets into text
    private: bool = False  # hide in discreet mode
    masked: str = ""  # what discreet mode shows instead (default: a placeholder)


@dataclass(frozen=True, slots=True)
class AlertView:
    """An unacknowledged alert as the banner shows it."""

    alert_id: str
    at: datetime
    text: str  # full wording: topic, phrase, who is not cleared and why
    masked: str  # discreet wording: no topic name, phrase or reason
    mentions: int = 1  # times the topic came up under this alert
    latest: datetime | None = None  # when it last came up, if more than once
    possible: bool = False  # a possible topic (semantic layer), not an exact-phrase alert


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """One person as the roster shows them."""

    participant_id: str
    name: str
    role: str  # e.g. "client", "supporter/guardian", "guest"
    present: bool
    inferred: bool = False  # present because they were heard speaking in the transcript
    uncleared_for: tuple[str, ...] = ()  # names of the private topics they may not hear
    verbally_cleared: tuple[str, ...] = ()  # topic names cleared by verbal consent this session
    consent: str = ""  # why their written consent is not valid ("consent outdated"), or ""

    @property
    def cleared(self) -> bool:
        return not self.uncleared_for


@dataclass(frozen=True, slots=True)
class TopicEntry:
    """One private topic as the topics pane shows it."""

    topic_id: str
    name: str
    masked_name: str  # what discreet mode shows instead, e.g. "Private topic 2"
    marked: bool  # the coach marked it as under discussion
    last_seen: datetime | None  # last time a line mentioned it (None: not this session)
    recent: bool  # still counts as under discussion (mentioned within the recent window)


@dataclass(frozen=True, slots=True)
class StatusView:
    """The status line's facts."""

    client_name: str
    started_at: datetime | None
    ended_at: datetime | None
    present: int
    discreet: bool
    auto_discreet: bool
    unsaved: int  # events (and the index entry) not yet on disk
    agreement_unsaved: bool
    meaning: str = ""  # the semantic layer's state ("meaning: on"), "" when not in use


@dataclass(frozen=True, slots=True)
class Notice:
    """Something to tell the coach (a toast). *message* is literal text, never markup."""

    message: str
    title: str = ""
    severity: Severity = "information"
    timeout: float | None = None


@dataclass(slots=True)
class Outcome:
    """What one thing that happened did.

    *events*: what was decided and handed to the writer, in order. *log*: new lines for the
    session log. *notices*: what to tell the coach. *alerts*: new alerts, to announce (bell
    and toast). *bell*: ring even without a new alert (an unknown speaker). *hide_notices*:
    discreet mode just went on, so toasts already shown (which may name private topics) should
    go.
    """

    events: list[Event] = field(default_factory=list)
    log: list[LogEntry] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    alerts: list[AlertRaised] = field(default_factory=list)
    possibles: list[PossibleTopic] = field(default_factory=list)  # new, to announce calmly
    bell: bool = False
    hide_notices: bool = False

    def merge(self, other: Outcome) -> Outcome:
        """*other* after this one, as one outcome (a batch of transcript lines)."""
        self.events += other.events
        self.log += other.log
        self.notices += other.notices
        self.alerts += other.alerts
        self.possibles += other.possibles
        self.bell = self.bell or other.bell
        self.hide_notices = self.hide_notices or other.hide_notices
        return self

    @classmethod
    def refused(cls, message: str) -> Outcome:
        """Nothing happened, and why (a key the session cannot act on now)."""
        return cls(notices=[Notice(message, severity="warning")])
