"""``roomguard check``: a finished transcript run through a live session that records nothing.

The same :class:`~roomguard.live.session.LiveSession` as the screen, over a
:class:`~roomguard.live.session.MemorySink`, with each line at its cue's time: a check and a
live session of the same transcript raise the same alerts. Lines a muted phrase kept from
alerting are listed apart (:attr:`AuditResult.silenced`): a mute narrows what alerts, never
what a review sees.

What a review is given (issue 19):

* every **alert** (:class:`AuditAlert`) with its kind: raised by a **mention** (a line named a
  private topic while someone not cleared was present), by an **arrival** (someone not cleared
  came in while a topic was active: the alert says which mention made it active), or by the
  coach **marking** a topic (never in a check: a transcript cannot mark one);
* under each mention alert, **every mention** of its topic while those same people were there
  and it waited (in a check an alert is never acknowledged, so it waits to the end): time,
  line, speaker, phrase, who was present, who of them was not cleared;
* every **unknown speaker** (:class:`UnknownSpeaker`): someone the agreement does not know who
  spoke (or, from an attendance report, attended), with the first line and time;
* with an attendance report (:mod:`roomguard.core.attendance`), who came and went when: each
  arrival and departure is heard at its time, between the transcript's lines, as a join or
  leave line of the transcript would be. Without one, nothing of this runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from roomguard.core.events import (
    AlertRaised,
    GuestJoined,
    MentionRepeated,
    PossibleTopic,
    PresenceChanged,
    PresenceSource,
    TopicDetected,
)
from roomguard.core.models import Agreement, Client, SessionRecord
from roomguard.core.mutes import SilencedHits
from roomguard.core.observe import cue_millis
from roomguard.core.session import Guard
from roomguard.core.text import fold, storable
from roomguard.core.transcript import Utterance
from roomguard.live.semantic.lane import SemanticLane
from roomguard.live.session import LiveSession, MemorySink
from roomguard.store.word_families import word_families

if TYPE_CHECKING:  # the attendance reader is imported only for --attendance
    from roomguard.core.attendance import PresenceChange

# AlertRaised.trigger_kind -> the kind a review reads.
ALERT_KINDS = {"topic detected": "mention", "person joined": "arrival", "topic active": "marked"}


@dataclass(frozen=True)
class AuditFinding:
    """An alert found in a transcript, with what a reviewer needs to judge it."""

    alert: AlertRaised
    utterance: Utterance
    present: tuple[str, ...]  # names of everyone in the room at that moment
    uncleared: tuple[str, ...]  # names of those not cleared


@dataclass(frozen=True)
class SilencedLine:
    """A line that would have mentioned a private topic but for a muted phrase."""

    utterance: Utterance
    phrases: tuple[str, ...]  # the configured phrases that did not alert
    topics: tuple[str, ...]  # their topics' names


@dataclass(frozen=True)
class AuditMention:
    """One time a private topic came up under an alert."""

    utterance: Utterance
    topic: str
    phrase: str
    present: tuple[str, ...]  # names of everyone in the room at that moment
    uncleared: tuple[str, ...]  # names of those not cleared for the topic


@dataclass(frozen=True)
class TopicMention:
    """A line that mentioned a topic (what made it active, for an arrival's alert)."""

    utterance: Utterance
    phrase: str


@dataclass
class AuditAlert:
    """An alert, the line (or arrival) that raised it, and every mention it groups.

    *kind* is ``"mention"``, ``"arrival"`` or ``"marked"`` (see the module docstring). A
    mention alert's first mention is its own line; an arrival's alert has none of its own
    (a later mention of its topic is another alert: an arrival never hides one) and
    *active_since* is the mention that made the topic active (None if none did).
    """

    alert: AlertRaised
    kind: str
    utterance: Utterance  # the line it was raised at (for an arrival: the arrival)
    present: tuple[str, ...]
    uncleared: tuple[str, ...]
    mentions: list[AuditMention] = field(default_factory=list)
    active_since: TopicMention | None = None
    joined: str = ""  # an arrival: who came in
    from_attendance: bool = False  # an arrival read from the attendance report

    @property
    def phrase(self) -> str | None:
        """The phrase that was said: a mention's own; for an arrival, the phrase of the mention
        that made the topic active; None when nothing said is behind it (a marked topic)."""
        if self.kind == "mention":
            return self.alert.phrase
        return self.active_since.phrase if self.active_since is not None else None


@dataclass(frozen=True)
class UnknownSpeaker:
    """Someone the agreement does not know, who joined as a guest (not cleared for anything)."""

    name: str
    utterance: Utterance  # the first line naming them (for an attendance row: their arrival)
    offset: timedelta  # when, from the start of the transcript
    source: str  # "transcript" or "attendance"
    email: str = ""


@dataclass
class AuditResult:
    findings: list[AuditFinding] = field(default_factory=list)
    silenced: list[SilencedLine] = field(default_factory=list)
    lines: int = 0
    guests: list[str] = field(default_factory=list)
    journal: MemorySink = field(default_factory=MemorySink)  # what a live session would record
    alerts: list[AuditAlert] = field(default_factory=list)
    unknown: list[UnknownSpeaker] = field(default_factory=list)
    timed_lines: int = 0  # lines with a cue time of their own
    attendance: list[PresenceChange] = field(default_factory=list)

    @property
    def possibles(self) -> list[PossibleTopic]:
        """The possible topics the semantic layer found (``check --semantic on``)."""
        return [e for e in self.journal.events if isinstance(e, PossibleTopic)]

    @property
    def mentions(self) -> int:
        """How many mentions the alerts group."""
        return sum(len(a.mentions) for a in self.alerts)


def audit_transcript(
    agreement: Agreement,
    utterances: Iterable[Utterance],
    present_ids: Iterable[str],
    start: datetime,
    client: Client | None = None,
    *,
    attendance: Sequence[PresenceChange] = (),
    speaker_map: Mapping[str, str] | None = None,
    semantic: SemanticLane | None = None,
) -> AuditResult:
    """Replay *utterances* against *agreement*, starting at *start* with *present_ids* in the
    room; nothing is stored.

    *attendance*: arrivals and departures (offsets from the transcript's start, in order),
    heard between the lines at their times (at the same time as a line: arrivals before it,
    departures after). *speaker_map*: speaker labels (folded) -> the name to read instead
    (``SPEAKER_00`` -> ``Noah Kim``).
    """
    result = AuditResult(attendance=list(attendance))
    if client is None:
        client = Client(name=agreement.client_id, id=agreement.client_id, created_on=start.date())
    live = LiveSession(result.journal, client, agreement, lambda: start)
    live.meaning.lane = semantic  # possible topics (the semantic layer), scored inline
    live.begin_with(SessionRecord(client_id=client.id, started_at=start,
                                  terms_version=agreement.terms.version), list(present_ids))
    live.guard.fix_agreement()  # nothing edits the agreement during a check
    review = _Review(live.guard, result)
    mutes = SilencedHits(agreement, word_families())
    changes, pending = result.attendance, 0
    due = [c.offset // _MS for c in changes]  # each change's time, in ms
    quiet = _QuietLines(live)
    says_nothing_new, muted_in = quiet.says_nothing_new, mutes.scan
    latest = -(2**63)  # the latest time heard so far, in ms
    lines = timed_lines = 0
    for utterance in utterances:
        lines += 1
        if speaker_map and utterance.speaker:
            mapped = speaker_map.get(fold(utterance.speaker))
            if mapped is not None:
                utterance = replace(utterance, speaker=mapped)
        if utterance.cue_time:
            timed_lines += 1
        millis = cue_millis(utterance)
        while pending < len(changes) and (
            due[pending] < millis or (due[pending] == millis and changes[pending].joined)
        ):
            review.attend(live, changes[pending], start)
            quiet.forget()
            pending += 1
        if hits := muted_in(utterance.text):
            result.silenced.append(SilencedLine(
                utterance,
                tuple(dict.fromkeys(h.phrase for h in hits)),
                tuple(dict.fromkeys(h.topic_name for h in hits)),
            ))
        if millis > latest:
            latest = millis
        elif millis < latest:
            quiet.clock_went_back()
        if says_nothing_new(utterance):
            continue
        offset = timedelta(milliseconds=millis)
        outcome = live.hear(utterance, at=start + offset)
        if outcome.events:
            quiet.heard(outcome.events)
            review.read(outcome.events, outcome.alerts, utterance, offset, "transcript")
    result.lines, result.timed_lines = lines, timed_lines
    result.guests = [g.name for g in live.state.guests.values()]
    return result


class _QuietLines:
    """Which lines a check need not hand to the live session: those it would record nothing
    for. Most lines of a long transcript are such lines, and handing each to the session (its
    clock, its log line, its outcome) cost twice what reading the file did.

    A line records nothing when it is spoken, not a join or leave mark; its speaker is nobody,
    or someone known (a party or a guest) already in the room; no private phrase is in it; and
    its time moves on from the lines before (a time that goes back is recorded as the clock
    going back, and everything after it is dated from there, so from the first such line on
    every line goes to the session). The semantic layer looks at every line: with it on,
    nothing is skipped. ``tests/live/test_check_and_live_agree.py`` holds the check's journal
    to the live session's, line by line, for any transcript.
    """

    def __init__(self, live: LiveSession) -> None:
        self.guard = live.guard
        self.detector = live.detector
        meaning = getattr(live, "meaning", None)
        self.on = getattr(meaning, "lane", None) is None
        self.in_room: dict[str, bool] = {}  # speaker label -> someone known, in the room

    def clock_went_back(self) -> None:
        self.on = False

    def forget(self) -> None:
        """Who is in the room may have changed."""
        self.in_room.clear()

    def heard(self, events: Sequence[object]) -> None:
        """The session recorded *events* for a line: forget who is in the room if they say
        someone came, went or joined (a mention, the usual news, changes nothing of that)."""
        for event in events:
            if not isinstance(event, TopicDetected | MentionRepeated | AlertRaised):
                self.in_room.clear()
                return

    def says_nothing_new(self, utterance: Utterance) -> bool:
        if not self.on or utterance.presence is not None:
            return False
        text = utterance.text
        if not text.isascii():
            text = storable(text)  # as the session reads it
        if not text.strip():
            return True  # an empty line: the session ignores it too
        speaker = utterance.speaker
        if speaker:
            known = self.in_room.get(speaker)
            if known is None:
                person = self.guard.resolve_speaker(speaker)
                known = person is not None and person.id in self.guard.state.present
                self.in_room[speaker] = known
            if not known:
                return False  # someone arrives (or an unknown speaker joins)
        return not self.detector.scan(text)


_MS = timedelta(milliseconds=1)


def offset_stamp(offset: timedelta) -> str:
    millis = max(0, round(offset.total_seconds() * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


class _Review:
    """Turns what each line recorded into what a review reads: alerts with their mentions,
    what made each topic active, unknown speakers."""

    def __init__(self, guard: Guard, result: AuditResult) -> None:
        self.guard = guard
        self.result = result
        self.by_id: dict[str, AuditAlert] = {}
        self.last_mention: dict[str, TopicMention] = {}  # topic id -> the latest line about it
        self._present: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())  # ids, their names

    def present_names(self) -> tuple[str, ...]:
        """The names of everyone in the room now (the same room line after line, mostly)."""
        ids = tuple(self.guard.state.present)
        if ids != self._present[0]:
            self._present = (ids, tuple(p.name for p in self.guard.present_people()))
        return self._present[1]

    def attend(self, live: LiveSession, change: PresenceChange, start: datetime) -> None:
        """An arrival or departure from the attendance report, heard at its time."""
        offset = max(change.offset, timedelta(0))
        verb = "joined" if change.joined else "left"
        mark = Utterance(change.name, f"{change.name} {verb} (attendance report)",
                         offset_stamp(offset), 0, change.joined)
        outcome = live.hear(mark, at=start + offset)
        if outcome.events:
            self.read(outcome.events, outcome.alerts, mark, offset, "attendance", change.email)

    def read(self, events: Sequence[object], raised: Sequence[AlertRaised], utterance: Utterance,
             offset: timedelta, source: str, email: str = "") -> None:
        guard = self.guard
        present: tuple[str, ...] | None = None
        arrived = ""  # who came in with this line
        for event in events:
            if isinstance(event, TopicDetected):
                self.last_mention[event.topic_id] = TopicMention(utterance, event.phrase)
            elif isinstance(event, GuestJoined):
                arrived = event.guest.name
                if event.source is PresenceSource.SPEECH:
                    self.result.unknown.append(
                        UnknownSpeaker(event.guest.name, utterance, offset, source, email))
            elif isinstance(event, PresenceChanged) and event.present:
                arrived = guard.person(event.participant_id).name
            elif isinstance(event, AlertRaised | MentionRepeated):
                if present is None:
                    present = self.present_names()
                if isinstance(event, AlertRaised):
                    self._raised(event, utterance, present, source, arrived)
                elif (alert := self.by_id.get(event.alert_id)) is not None:
                    alert.mentions.append(AuditMention(
                        utterance, alert.alert.topic_name, event.phrase, present,
                        alert.uncleared))
        for new in raised:
            self.result.findings.append(AuditFinding(
                new, utterance, present or (),
                tuple(guard.person(pid).name for pid in new.uncleared)))

    def _raised(self, event: AlertRaised, utterance: Utterance, present: tuple[str, ...],
                source: str, arrived: str) -> None:
        uncleared = tuple(self.guard.person(pid).name for pid in event.uncleared)
        kind = ALERT_KINDS.get(event.trigger_kind, "mention")
        alert = AuditAlert(event, kind, utterance, present, uncleared,
                           from_attendance=source == "attendance")
        if kind == "mention":
            alert.mentions.append(
                AuditMention(utterance, event.topic_name, event.phrase, present, uncleared))
        elif kind == "arrival":
            alert.active_since = self.last_mention.get(event.topic_id)
            alert.joined = arrived or utterance.speaker
        self.by_id[event.id] = alert
        self.result.alerts.append(alert)
