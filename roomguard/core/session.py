"""The live session: a pure reducer over events, and the guard that turns input into events.

:class:`SessionState` is what the session's events add up to. ``apply`` never raises and never
looks anything up, so replaying a journal always rebuilds the same state (:func:`replay`).

:class:`Guard` is where input (a key press, a transcript line) meets the rules. The mechanism
is *decide, apply, return*:

1. a Guard method works out the new events (presence, topics, alerts) from the agreement and
   the current state;
2. it applies each one to ``guard.state`` as it goes, so later decisions in the same call see
   the earlier ones (e.g. a speaker who joins before the line is judged);
3. it returns them, in order. **The caller records them** (``store.append_event``) and must not
   apply them again. After a restart, ``Guard.resume(agreement, store.events(id))`` rebuilds
   the same state from the journal.

Everything here is pure: no clock (callers pass ``now``), no I/O, no detection. A transcript or
note line arrives with its topic hits already found; any object with the attributes of
:class:`TopicHit` will do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from roomguard.core.events import (
    AckAction,
    AlertAcknowledged,
    AlertRaised,
    ClockWentBack,
    DiscreetModeChanged,
    Event,
    GuestJoined,
    MentionRepeated,
    NoteAdded,
    PresenceChanged,
    PresenceSource,
    SessionEnded,
    SessionStarted,
    TopicDetected,
    TopicMarked,
    TopicSource,
)
from roomguard.core.instants import ZERO, elapsed, instant, latest, moved_on
from roomguard.core.models import Agreement, Participant, Role
from roomguard.core.policy import (
    PersonClearance,
    PolicyDecision,
    Trigger,
    evaluate,
    person_clearance,
)
from roomguard.core.text import fold, storable

RECENT_WINDOW = timedelta(minutes=5)
# A clock reading this far behind the session's latest time is the clock going back, and is
# recorded (ClockWentBack); less is the ordinary trimming of a computer's clock, and the
# input is simply dated at the latest time, so the record stays in order either way.
CLOCK_SLACK = timedelta(seconds=1)



SHAREABLE_PREFIX = "share:"


def parse_note(text: str) -> tuple[str, bool]:
    """A typed note and whether the coach tagged it as a shareable action item.

    ``share: book the room for Tuesday`` is an action item the agreement lets the assistant
    see (it may still be withheld if it mentions a private topic); anything else is a note.
    """
    stripped = text.strip()
    if stripped.casefold().startswith(SHAREABLE_PREFIX):
        body = stripped[len(SHAREABLE_PREFIX):].strip()
        return body, bool(body)
    return text, False


@dataclass(frozen=True, slots=True)
class NoteVerdict:
    """How a typed note is kept.

    A note is private when it mentions a private topic or while the coach has marked one as
    under discussion (what is said then is about it, whatever the words). A note tagged
    ``share:`` is an action item the assistant may see, unless it is private: then it is kept
    as a private note and *share_refused* says so, so the coach is told, never silently.
    """

    text: str
    private: bool
    shareable: bool
    share_refused: bool


def judge_note(text: str, tagged_shareable: bool, *, mentions_topic: bool,
               topic_marked: bool) -> NoteVerdict:
    private = mentions_topic or topic_marked
    return NoteVerdict(text, private, tagged_shareable and not private,
                       tagged_shareable and private)


class TopicHit(Protocol):
    """What the guard needs from a detection hit (detection's own type fits)."""

    @property
    def topic_id(self) -> str: ...
    @property
    def topic_name(self) -> str: ...
    @property
    def phrase(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


# -- state -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PresenceMark:
    """One entry of the presence timeline: *participant_id* arrived (True) or left (False)."""

    at: datetime
    participant_id: str
    present: bool


@dataclass(frozen=True, slots=True)
class PresenceInterval:
    start: datetime
    end: datetime | None  # None: still in the room


@dataclass(slots=True)
class SessionState:
    """Everything the session's events add up to. Built only through :meth:`apply`."""

    session_id: str = ""
    client_id: str = ""
    terms_version: int = 0
    present: dict[str, PresenceSource] = field(default_factory=dict)
    guests: dict[str, Participant] = field(default_factory=dict)
    active_topics: dict[str, datetime] = field(default_factory=dict)  # topic id -> last seen
    marked_topics: set[str] = field(default_factory=set)
    alerts: dict[str, AlertRaised] = field(default_factory=dict)
    mentions: dict[str, list[MentionRepeated]] = field(default_factory=dict)  # by alert id
    acknowledgements: dict[str, AlertAcknowledged] = field(default_factory=dict)
    discreet: bool = False
    started_at: datetime | None = None
    ended_at: datetime | None = None
    note_count: int = 0
    presence_log: list[PresenceMark] = field(default_factory=list)
    last_at: datetime | None = None  # the latest time recorded, in real time
    clock_shift: timedelta = ZERO  # added to the clock's readings since it went back
    clock_changes: list[ClockWentBack] = field(default_factory=list)
    # Kept up to date by apply(), so the queries every line makes cost the same at hour eight
    # as at minute one (they used to scan every alert and acknowledgement of the session).
    _waiting: dict[str, AlertRaised] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _muted: set[str] = field(default_factory=set, init=False, repr=False, compare=False)
    _verbal: dict[str, set[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    # ---------------------------------------------------------------- the reducer
    def apply(self, event: Event) -> None:
        """Fold one event into the state. Total: any event, in any state, is accepted."""
        if event.at is not self.last_at:  # the events of one input share their time
            self.last_at = latest(self.last_at, event.at)
        match event:
            case SessionStarted():
                self.started_at = event.at
                self.client_id = event.client_id
                self.terms_version = event.terms_version
                for participant_id in event.present:
                    self._arrive(event.at, participant_id, PresenceSource.START)
            case PresenceChanged():
                if event.present:
                    self._arrive(event.at, event.participant_id, event.source)
                else:
                    self._leave(event.at, event.participant_id)
            case GuestJoined():
                self.guests[event.guest.id] = event.guest
                self._arrive(event.at, event.guest.id, event.source)
            case TopicDetected():
                seen = self.active_topics.get(event.topic_id)
                if seen is None or instant(event.at) > instant(seen):
                    self.active_topics[event.topic_id] = event.at
            case TopicMarked():
                if event.active:
                    self.marked_topics.add(event.topic_id)
                else:
                    # Unmarking closes the topic: recent mentions stop counting as well.
                    self.marked_topics.discard(event.topic_id)
                    self.active_topics.pop(event.topic_id, None)
            case NoteAdded():
                self.note_count += 1
            case AlertRaised():
                self.alerts[event.id] = event
                answer = self.acknowledgements.get(event.id)
                if answer is None:
                    self._waiting[event.id] = event
                elif answer.action is AckAction.VERBAL_CONSENT:
                    self._verbal.setdefault(event.topic_id, set()).update(event.uncleared)
            case MentionRepeated():
                self.mentions.setdefault(event.alert_id, []).append(event)
            case AlertAcknowledged():
                if event.alert_id not in self.acknowledgements:  # the first answer stands
                    self.acknowledgements[event.alert_id] = event
                    self._waiting.pop(event.alert_id, None)
                    if event.mute_phrase:
                        self._muted.add(fold(event.mute_phrase))
                    alert = self.alerts.get(event.alert_id)
                    if alert is not None and event.action is AckAction.VERBAL_CONSENT:
                        self._verbal.setdefault(alert.topic_id, set()).update(alert.uncleared)
            case DiscreetModeChanged():
                self.discreet = event.on
            case ClockWentBack():
                self.clock_changes.append(event)
                self.clock_shift = elapsed(event.reading, event.at)
            case SessionEnded():
                if self.ended_at is None:
                    self.ended_at = event.at

    def _arrive(self, at: datetime, participant_id: str, source: PresenceSource) -> None:
        if participant_id not in self.present:
            self.presence_log.append(PresenceMark(at, participant_id, True))
        self.present[participant_id] = source

    def _leave(self, at: datetime, participant_id: str) -> None:
        if self.present.pop(participant_id, None) is not None:
            self.presence_log.append(PresenceMark(at, participant_id, False))

    # ---------------------------------------------------------------- queries
    @property
    def ended(self) -> bool:
        return self.ended_at is not None

    def unacknowledged(self) -> list[AlertRaised]:
        """Alerts nobody has answered yet, oldest first."""
        return sorted(self._waiting.values(), key=lambda a: instant(a.at))

    def unacknowledged_on(self, topic_id: str) -> list[AlertRaised]:
        """:meth:`unacknowledged`, only those on *topic_id* (what every mention looks up)."""
        on_topic = [a for a in self._waiting.values() if a.topic_id == topic_id]
        if len(on_topic) > 1:
            on_topic.sort(key=lambda a: instant(a.at))
        return on_topic

    def recently_active(self, now: datetime, window: timedelta = RECENT_WINDOW) -> set[str]:
        """Topic ids marked active, plus those detected within *window* before *now*."""
        recent = {tid for tid, seen in self.active_topics.items()
                  if instant(now) - instant(seen) <= window}
        return recent | self.marked_topics

    def session_time(self, reading: datetime) -> datetime:
        """The session's time for a clock *reading*: moved on by what the clock went back
        (:attr:`clock_shift`), and never before the latest time already recorded. For what the
        screen shows between inputs; an input's own time comes from :meth:`Guard.read_clock`."""
        return latest(self.last_at, moved_on(reading, self.clock_shift))

    def verbally_cleared(self, topic_id: str) -> set[str]:
        """People who gave verbal consent in this session to an alert on *topic_id*."""
        return set(self._verbal.get(topic_id, ()))

    def muted_phrases(self) -> set[str]:
        """Phrases silenced as false alarms during this session, folded."""
        return set(self._muted)

    def intervals(self, until: datetime | None = None) -> dict[str, list[PresenceInterval]]:
        """Per person, when they were in the room. Open intervals end at *until* (or None)."""
        out: dict[str, list[PresenceInterval]] = {}
        since: dict[str, datetime] = {}
        for mark in self.presence_log:
            if mark.present:
                since[mark.participant_id] = mark.at
                out.setdefault(mark.participant_id, [])
            elif mark.participant_id in since:
                start = since.pop(mark.participant_id)
                out[mark.participant_id].append(PresenceInterval(start, mark.at))
        for participant_id, start in since.items():
            out[participant_id].append(PresenceInterval(start, until))
        return out


def replay(events: Iterable[Event], session_id: str = "") -> SessionState:
    """The state a journal adds up to."""
    state = SessionState(session_id=session_id)
    for event in events:
        state.apply(event)
    return state


# -- the guard ---------------------------------------------------------------------------


class SessionError(ValueError):
    """The guard refused an action; the message says why, in words for the coach."""


class UnknownParticipant(SessionError):
    pass


class UnknownTopic(SessionError):
    pass


class UnknownAlert(SessionError):
    pass


class AlreadyAcknowledged(SessionError):
    pass


class SessionClosed(SessionError):
    pass


# The alerts a new mention may be recorded under: one about what was said, or a marked topic.
_COVER_A_MENTION = frozenset({Trigger.TOPIC_DETECTED, Trigger.TOPIC_ACTIVE})


class Guard:
    """Judges input against the agreement and returns the events to record.

    Every method applies its events to :attr:`state` before returning them; the caller's job
    is only to record them, in order. See the module docstring.

    Alerts are not repeated: while an alert for a topic and the same set of uncleared people is
    unacknowledged, the same situation raises no new alert. A mention is never lost, though: it
    is recorded as a ``MentionRepeated`` of the waiting alert, and an alert raised by an arrival
    never stands in for a later mention. People who gave verbal consent to an
    alert on a topic count as cleared for that topic for the rest of the session (the coach
    still owes their written consent), and phrases muted as false alarms stop counting.
    """

    def __init__(self, agreement: Agreement, state: SessionState | None = None) -> None:
        self.agreement = agreement
        self.state = state if state is not None else SessionState(client_id=agreement.client_id)
        self._index: dict[str, list[Participant]] = {}
        self._index_stamp: tuple[int, list[tuple[int, int, str, date | None]]] | None = None
        self._resolved: dict[str, Participant | None] = {}  # label -> whom, for this index
        # Decisions by (who is present, topics, day, trigger), once the agreement is fixed.
        self._decisions: dict[tuple[object, ...], list[PolicyDecision]] | None = None

    def fix_agreement(self) -> None:
        """Promise that :attr:`agreement` will not change for the rest of this guard's life (a
        check of a finished transcript; live, the coach may edit it mid-session). Who may hear
        which topic is then worked out once for each room and day, not on every mention: on a
        long transcript, the same few people hear the same topic thousands of times."""
        self._decisions = {}

    def _evaluate(self, topic_ids: Iterable[str], today: date,
                  trigger: str) -> list[PolicyDecision]:
        """:func:`~roomguard.core.policy.evaluate` for the people present now."""
        if self._decisions is None:
            return evaluate(self.agreement, self.present_people(), topic_ids, today, trigger)
        topics = tuple(topic_ids)
        key = (tuple(self.state.present), topics, today, trigger)
        decisions = self._decisions.get(key)
        if decisions is None:
            decisions = evaluate(self.agreement, self.present_people(), topics, today, trigger)
            self._decisions[key] = decisions
        return decisions

    @classmethod
    def resume(cls, agreement: Agreement, events: Iterable[Event], session_id: str = "") -> Guard:
        """A guard for a session already under way, rebuilt from its journal."""
        return cls(agreement, replay(events, session_id))

    # ---------------------------------------------------------------- time
    def read_clock(self, reading: datetime) -> tuple[datetime, list[Event]]:
        """The time to date an input by, given the clock's *reading*, and a ClockWentBack to
        record when the clock has gone back.

        Readings are taken in real time (UTC instants), so a DST change is not a jump. A
        reading behind the session's latest time by :data:`CLOCK_SLACK` or more is the clock
        going back: the input is dated at the latest time, and later ones move on from there
        by as much as the clock does (:attr:`SessionState.clock_shift`). Notes stay in the
        order they were typed, and no length comes out negative. Allowed after the end (an
        acknowledgement is dated too).
        """
        moved = moved_on(reading, self.state.clock_shift)
        last = self.state.last_at
        if last is None or instant(moved) >= instant(last):
            return moved, []
        out: list[Event] = []
        if instant(last) - instant(moved) >= CLOCK_SLACK:
            self._push(out, ClockWentBack(last, reading))
        return last, out

    # ---------------------------------------------------------------- helpers
    def _push(self, out: list[Event], event: Event) -> None:
        self.state.apply(event)
        out.append(event)

    def _require_open(self) -> None:
        if self.state.ended:
            raise SessionClosed("the session has ended")

    def _known(self, participant_id: str) -> Participant | None:
        return self.agreement.participant(participant_id) or self.state.guests.get(participant_id)

    def person(self, participant_id: str) -> Participant:
        """The party or guest with this id; an id nobody knows is judged as a guest (dated the
        session's start: a stand-in, never stored)."""
        known = self._known(participant_id)
        if known is not None:
            return known
        since = self.state.started_at.date() if self.state.started_at is not None else date.min
        return Participant(name=participant_id, role=Role.GUEST, id=participant_id,
                           added_on=since)

    def present_people(self) -> list[Participant]:
        return [self.person(pid) for pid in self.state.present]

    def clearance_of(self, participant_id: str, today: date) -> PersonClearance:
        """Which private topics this party or guest may not hear, and which they may only by
        verbal consent given in this session."""
        return person_clearance(self.agreement, self.person(participant_id), today,
                                self.state.verbally_cleared)

    def uncleared_present(self, today: date) -> list[Participant]:
        """Everyone in the room not cleared for at least one private topic."""
        return [
            person for person in self.present_people()
            if self.clearance_of(person.id, today).uncleared
        ]

    def go_discreet_if_uncleared(self, now: datetime) -> tuple[list[Event], list[Participant]]:
        """Automatic discreet mode: on as soon as someone present may not hear a private topic.

        Returns the events (none when discreet mode is already on, the session is over, or
        everyone present is cleared) and the people who made it necessary.
        """
        if self.state.discreet or self.state.ended or self.state.started_at is None:
            return [], []
        people = self.uncleared_present(now.date())
        if not people:
            return [], []
        return self.set_discreet(True, now), people

    def _topic_order(self, topic_ids: Iterable[str]) -> list[str]:
        rank = {t.id: i for i, t in enumerate(self.agreement.terms.topics)}
        return sorted(set(topic_ids), key=lambda tid: (rank.get(tid, len(rank)), tid))

    def _waiting_alert(self, topic_id: str, uncleared: frozenset[str],
                       trigger: str) -> AlertRaised | None:
        """The unacknowledged alert for this topic and these people that already covers a new
        *trigger*, if any.

        A mention is covered only by an alert about what was said (a mention, or the coach's
        mark): an alert raised by someone's arrival never absorbs a later mention, which is
        what the coach must see. An arrival or a mark is covered by any waiting alert.
        """
        covering = _COVER_A_MENTION if trigger == Trigger.TOPIC_DETECTED else None
        for alert in self.state.unacknowledged_on(topic_id):
            if (frozenset(alert.uncleared) == uncleared
                    and (covering is None or alert.trigger_kind in covering)):
                return alert
        return None

    def _raise_alerts(
        self,
        out: list[Event],
        decisions: Sequence[PolicyDecision],
        now: datetime,
        *,
        mentions: dict[str, TopicDetected] | None = None,
        joined: Participant | None = None,
    ) -> None:
        """An alert per decision, unless one of the same kind is waiting for the same topic and
        people: then a mention adds a MentionRepeated to it (every mention is recorded), and a
        repeated arrival or mark adds nothing (the situation is already on screen)."""
        for decision in decisions:
            cleared_now = self.state.verbally_cleared(decision.topic_id)
            people = [u for u in decision.uncleared if u.participant_id not in cleared_now]
            ids = [u.participant_id for u in people]
            if not people or (joined is not None and joined.id not in ids):
                continue
            mention = (mentions or {}).get(decision.topic_id)
            phrase = mention.phrase if mention is not None else ""
            waiting = self._waiting_alert(decision.topic_id, frozenset(ids), decision.trigger)
            if waiting is not None:
                if mention is not None:
                    self._push(out, MentionRepeated(now, waiting.id, phrase, mention.line,
                                                    mention.speaker, mention.cue_time))
                continue
            match decision.trigger:
                case Trigger.PERSON_JOINED:
                    who = joined.name if joined is not None else "someone"
                    lead = f"{who} joined while {decision.topic_name} is active"
                case Trigger.TOPIC_ACTIVE:
                    lead = f"{decision.topic_name} marked active"
                case _:
                    said = f' ("{phrase}")' if phrase else ""
                    lead = f"{decision.topic_name} came up{said}"
            listed = "; ".join(f"{u.name} ({u.reason})" for u in people)
            reason = f"{lead} with uncleared people present: {listed}"
            self._push(
                out,
                AlertRaised(
                    at=now,
                    topic_id=decision.topic_id,
                    topic_name=decision.topic_name,
                    uncleared=ids,
                    reason=reason,
                    phrase=phrase,
                    trigger=str(decision.trigger),
                ),
            )

    def _joined(self, out: list[Event], person: Participant, now: datetime) -> None:
        """Alerts for a person who just arrived, against the recently active topics."""
        topics = self._topic_order(self.state.recently_active(now))
        decisions = self._evaluate(topics, now.date(), Trigger.PERSON_JOINED)
        self._raise_alerts(out, decisions, now, joined=person)

    # ---------------------------------------------------------------- actions
    def start(self, now: datetime, present: Iterable[str] = ()) -> list[Event]:
        """A SessionStarted for these parties. (If the store already wrote it, use resume.)"""
        if self.state.started_at is not None:
            raise SessionError("the session has already started")
        ids = list(dict.fromkeys(present))
        for participant_id in ids:
            if self._known(participant_id) is None:
                raise UnknownParticipant(f"no party with id {participant_id!r} on the agreement")
        out: list[Event] = []
        event = SessionStarted(
            at=now,
            client_id=self.agreement.client_id,
            terms_version=self.agreement.terms.version,
            present=ids,
        )
        self._push(out, event)
        return out

    def set_presence(
        self,
        participant_id: str,
        present: bool,
        now: datetime,
        source: PresenceSource = PresenceSource.KEY,
    ) -> list[Event]:
        """Mark a known party or guest in or out; nothing if that is already so."""
        self._require_open()
        person = self._known(participant_id)
        if person is None:
            raise UnknownParticipant(f"no party or guest with id {participant_id!r}")
        if (participant_id in self.state.present) == present:
            return []
        out: list[Event] = []
        self._push(out, PresenceChanged(now, participant_id, present, source))
        if present:
            self._joined(out, person, now)
        return out

    def toggle_presence(
        self, participant_id: str, now: datetime, source: PresenceSource = PresenceSource.KEY
    ) -> list[Event]:
        """In if out, out if in. Joining may raise alerts (trigger "person joined")."""
        joining = participant_id not in self.state.present
        return self.set_presence(participant_id, joining, now, source)

    def add_guest(
        self, name: str, now: datetime, source: PresenceSource = PresenceSource.KEY
    ) -> list[Event]:
        """An unlisted person arrived: GuestJoined, and alerts for any recently active topic."""
        self._require_open()
        name = storable(" ".join(name.split()))
        if not name:
            raise SessionError("a guest needs a name (e.g. 'visitor')")
        guest = Participant(name=name, role=Role.GUEST, added_on=now.date())
        out: list[Event] = []
        self._push(out, GuestJoined(now, guest, source))
        self._joined(out, guest, now)
        return out

    def _speaker_index(self) -> dict[str, list[Participant]]:
        """Folded label -> people, rebuilt only when the parties or guests change.

        A transcript resolves its speaker on every line; folding every label of every person
        per line dominated the cost of auditing a long transcript.
        """
        # A guest never changes once in, so counting them is enough; a party's name, aliases or
        # end of involvement may change mid-session (an alias added for a speaker), unless the
        # agreement is fixed (fix_agreement).
        if (self._decisions is not None and self._index_stamp is not None
                and self._index_stamp[0] == len(self.state.guests)):
            return self._index
        stamp = (len(self.state.guests),
                 [(id(p), len(p.aliases), p.name, p.ended_on) for p in self.agreement.participants])
        if self._index_stamp != stamp:
            index: dict[str, list[Participant]] = {}
            for person in [*self.agreement.participants, *self.state.guests.values()]:
                for key in {fold(x) for x in person.labels}:
                    index.setdefault(key, []).append(person)
            self._index, self._index_stamp = index, stamp
            self._resolved.clear()
        return self._index

    def speakers_matching(self, label: str) -> list[Participant]:
        """Everyone (parties and guests) whose name or alias is *label*, compared folded."""
        key = fold(label)
        return list(self._speaker_index().get(key, [])) if key else []

    def resolve_speaker(self, label: str) -> Participant | None:
        """The party or guest a transcript label names (name or alias, compared folded).

        Returns None for an unknown or empty label, or when it names more than one person and
        ending past involvements does not settle it.
        """
        index = self._speaker_index()
        try:
            return self._resolved[label]  # a transcript names the same few people all along
        except KeyError:
            pass
        key = fold(label)
        matches = index.get(key, []) if key else []
        if len(matches) > 1:
            matches = [p for p in matches if p.ended_on is None]
        found = matches[0] if len(matches) == 1 else None
        self._resolved[label] = found
        return found

    def observe_line(
        self,
        text: str,
        now: datetime,
        source: TopicSource,
        hits: Iterable[TopicHit],
        speaker: str = "",
        cue_time: str = "",
    ) -> list[Event]:
        """A line was typed or transcribed, with its topic hits already found.

        A speaker who resolves to a party not marked present is marked present first (source
        SPEECH): whoever speaks is in the room. Then one TopicDetected per topic (its first hit
        on the line; muted phrases ignored), then an alert per topic someone present may not
        hear, unless it would repeat an unacknowledged one.
        """
        self._require_open()
        out: list[Event] = []
        speaking = self.resolve_speaker(speaker) if speaker else None
        if speaking is not None and speaking.id not in self.state.present:
            out += self.set_presence(speaking.id, True, now, PresenceSource.SPEECH)

        first_hit: dict[str, TopicHit] = {}
        muted: set[str] | None = None  # worked out only for a line with hits (most have none)
        for hit in hits:
            if muted is None:
                muted = {fold(p) for p in self.agreement.muted_phrases}
                muted |= self.state.muted_phrases()
            if fold(hit.phrase) not in muted:
                first_hit.setdefault(hit.topic_id, hit)
        if not first_hit:
            return out  # nothing to judge: no topic came up
        mentions: dict[str, TopicDetected] = {}
        for topic_id, hit in first_hit.items():
            detected = TopicDetected(
                at=now,
                topic_id=topic_id,
                phrase=hit.phrase,
                source=source,
                line=text,
                speaker=speaker,
                start=hit.start,
                end=hit.end,
                cue_time=cue_time,
            )
            self._push(out, detected)
            mentions[topic_id] = detected

        decisions = self._evaluate(first_hit, now.date(), Trigger.TOPIC_DETECTED)
        self._raise_alerts(out, decisions, now, mentions=mentions)
        return out

    def add_note(
        self, text: str, now: datetime, *, private: bool = False, shareable: bool = False
    ) -> list[Event]:
        """Record a note. (Scan it for topics with observe_line; this only keeps the note.)"""
        self._require_open()
        out: list[Event] = []
        self._push(out, NoteAdded(now, text, private, shareable))
        return out

    def mark_topic(self, topic_id: str, active: bool, now: datetime) -> list[Event]:
        """The coach marks a private topic as under discussion (or closes it)."""
        self._require_open()
        if self.agreement.terms.topic(topic_id) is None:
            raise UnknownTopic(f"no private topic with id {topic_id!r} in the current terms")
        if (topic_id in self.state.marked_topics) == active:
            return []
        out: list[Event] = []
        self._push(out, TopicMarked(now, topic_id, active))
        if active:
            decisions = self._evaluate([topic_id], now.date(), Trigger.TOPIC_ACTIVE)
            self._raise_alerts(out, decisions, now)
        return out

    def check_acknowledgeable(self, alert_id: str, action: AckAction,
                              mute_phrase: str = "") -> None:
        """Raise the reason *alert_id* cannot be handled this way (unknown, already handled,
        or a phrase muted by anything but a false alarm); return if it can."""
        alert = self.state.alerts.get(alert_id)
        if alert is None:
            raise UnknownAlert(f"no alert with id {alert_id!r} in this session")
        earlier = self.state.acknowledgements.get(alert_id)
        if earlier is not None:
            raise AlreadyAcknowledged(
                f"alert on {alert.topic_name} was already handled: {earlier.action.value}"
            )
        if mute_phrase and action is not AckAction.FALSE_ALARM:
            raise SessionError("only a false alarm can mute a phrase")

    def acknowledge(
        self,
        alert_id: str,
        action: AckAction,
        now: datetime,
        note: str = "",
        mute_phrase: str = "",
    ) -> list[Event]:
        """Record how the coach handled an alert. Allowed after the session has ended."""
        self.check_acknowledgeable(alert_id, action, mute_phrase)
        out: list[Event] = []
        self._push(out, AlertAcknowledged(now, alert_id, action, storable(note),
                                          storable(mute_phrase)))
        return out

    def set_discreet(self, on: bool, now: datetime) -> list[Event]:
        self._require_open()
        if self.state.discreet == on:
            return []
        out: list[Event] = []
        self._push(out, DiscreetModeChanged(now, on))
        return out

    def end(self, now: datetime) -> list[Event]:
        self._require_open()
        out: list[Event] = []
        self._push(out, SessionEnded(now))
        return out


# -- summary -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PersonPresence:
    participant_id: str
    name: str
    role: Role
    intervals: tuple[PresenceInterval, ...]

    @property
    def total(self) -> timedelta | None:
        """Time in the room; None while any interval is still open."""
        if any(i.end is None for i in self.intervals):
            return None
        return sum((elapsed(i.start, i.end) for i in self.intervals if i.end is not None),
                   timedelta())


@dataclass(frozen=True, slots=True)
class AlertOutcome:
    alert: AlertRaised
    handled: str  # how the coach handled it, or "unhandled"
    acknowledgement: AlertAcknowledged | None
    repeats: tuple[MentionRepeated, ...] = ()  # later mentions while it waited

    @property
    def mentions(self) -> int:
        """How many times the topic came up under this alert (an arrival's alert: 0 or more
        from repeats, plus none of its own)."""
        own = 1 if self.alert.trigger_kind == "topic detected" else 0
        return own + len(self.repeats)

    @property
    def is_handled(self) -> bool:
        return self.acknowledgement is not None


@dataclass(frozen=True, slots=True)
class SessionSummary:
    session_id: str
    client_id: str
    started_at: datetime | None
    ended_at: datetime | None
    duration: timedelta | None  # None until the session has both started and ended
    presence: tuple[PersonPresence, ...]
    alerts: tuple[AlertOutcome, ...]
    notes: int
    clock_changes: tuple[ClockWentBack, ...] = ()  # times the computer's clock went back

    @property
    def unhandled(self) -> int:
        return sum(1 for a in self.alerts if not a.is_handled)


def _handled(ack: AlertAcknowledged | None) -> str:
    if ack is None:
        return "unhandled"
    text = ack.action.value
    if ack.note:
        text += f": {ack.note}"
    if ack.mute_phrase:
        text += f' (muted "{ack.mute_phrase}")'
    return text


def summarise(state: SessionState, agreement: Agreement) -> SessionSummary:
    """Duration, who was in the room when, and every alert with how it was handled."""
    duration = None
    if state.started_at is not None and state.ended_at is not None:
        duration = elapsed(state.started_at, state.ended_at)

    intervals = state.intervals(until=state.ended_at)
    order = [p.id for p in agreement.participants] + list(state.guests)
    order += [pid for pid in intervals if pid not in order]
    presence = []
    for participant_id in order:
        if participant_id not in intervals:
            continue
        person = agreement.participant(participant_id) or state.guests.get(participant_id)
        name = person.name if person is not None else participant_id
        role = person.role if person is not None else Role.GUEST
        presence.append(
            PersonPresence(participant_id, name, role, tuple(intervals[participant_id]))
        )

    alerts = tuple(
        AlertOutcome(alert, _handled(ack), ack, tuple(state.mentions.get(alert.id, ())))
        for alert in sorted(state.alerts.values(), key=lambda a: instant(a.at))
        for ack in [state.acknowledgements.get(alert.id)]
    )
    return SessionSummary(
        session_id=state.session_id,
        client_id=state.client_id,
        started_at=state.started_at,
        ended_at=state.ended_at,
        duration=duration,
        presence=tuple(presence),
        alerts=alerts,
        notes=state.note_count,
        clock_changes=tuple(state.clock_changes),
    )


__all__ = [
    "CLOCK_SLACK",
    "RECENT_WINDOW",
    "AlertOutcome",
    "AlreadyAcknowledged",
    "Guard",
    "NoteVerdict",
    "PersonPresence",
    "PresenceInterval",
    "PresenceMark",
    "SessionClosed",
    "SessionError",
    "SessionState",
    "SessionSummary",
    "TopicHit",
    "UnknownAlert",
    "UnknownParticipant",
    "UnknownTopic",
    "fold",
    "judge_note",
    "replay",
    "summarise",
]
