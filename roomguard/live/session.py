"""One live session, headless: one method per thing that can happen, each returning an outcome.

The trip for every input is the same::

    screen (a key, a typed line, a transcript line)
      -> LiveSession.<what happened>()          decides through core (Guard, observe)
           -> SessionWriter                     records the events, in order, durably
      <- Outcome                                what was recorded, what to tell the coach
    screen renders the outcome, then redraws from roster() / topics() / banner() / status()

Rules live in core (who is cleared, how a note is kept, verbal-consent to-dos, muting,
automatic discreet mode); this class only sequences them, keeps the session's agreement edits,
and words what happened (:mod:`roomguard.live.wording`). It never reads the clock itself:
``clock`` is passed in, and a transcript line may carry its own time (``roomguard check``).
Every reading goes through :meth:`~roomguard.core.session.Guard.read_clock`, so a clock set
back mid-session dates nothing before what is already recorded: the ``ClockWentBack`` it
records goes into the journal in the same write as the input it dated.

``roomguard check`` drives this same class over a :class:`MemorySink` (nothing stored), so a
headless check and a live session of the same input record the same alerts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from roomguard.core.consent import ConsentState, describe_consent, verbal_consent_todos
from roomguard.core.detection import Detector
from roomguard.core.events import (
    AckAction,
    AlertRaised,
    DiscreetModeChanged,
    Event,
    GuestJoined,
    NoteAdded,
    PresenceChanged,
    PresenceSource,
    TopicDetected,
    TopicSource,
)
from roomguard.core.models import Agreement, Client, MutedPhrase, Role, SessionRecord
from roomguard.core.mutes import mute_phrase
from roomguard.core.observe import Line, observe, observe_presence
from roomguard.core.policy import consent_gap
from roomguard.core.session import (
    Guard,
    SessionError,
    SessionState,
    SessionSummary,
    summarise,
)
from roomguard.core.transcript import Utterance
from roomguard.live.semantic.possible import Meaning
from roomguard.live.view import (
    AlertView,
    LogEntry,
    LogKind,
    Notice,
    Outcome,
    RosterEntry,
    StatusView,
    TopicEntry,
)
from roomguard.live.wording import SessionWording
from roomguard.live.writer import SessionSink, SessionWriter
from roomguard.store import Store, StoreError
from roomguard.store.word_families import word_families

RETRY_SECONDS = 2.0
# What the roster says of a third party whose written consent is not valid.
CONSENT_GAP_WORDS: dict[ConsentState, str] = {
    ConsentState.MISSING: "no written consent",
    ConsentState.OUTDATED: "consent outdated",
    ConsentState.EXPIRED: "consent expired",
    ConsentState.REVOKED: "consent revoked",
}
AUTO_DISCREET = "auto_discreet"  # store setting: discreet mode on when someone uncleared joins


class LiveError(Exception):
    """A session cannot be held (no agreement, a read-only store, an unreadable journal)."""

    def __init__(self, message: str, title: str) -> None:
        super().__init__(message)
        self.title = title


@dataclass
class MemorySink:
    """A session recorded nowhere but here: what ``roomguard check`` runs a transcript into."""

    events: list[Event] = field(default_factory=list)
    record: SessionRecord | None = None

    def append_events(self, session_id: str, events: Sequence[Event]) -> None:
        self.events += events

    def update_session(self, record: SessionRecord) -> None:
        self.record = record

    def save_agreement(self, agreement: Agreement) -> None:
        """A check never changes the stored agreement."""


def open_live(store: Store, client_id: str, clock: Callable[[], datetime]) -> LiveSession:
    """A session for *client_id* on *store*, not yet begun.

    Raises :class:`LiveError` (a client without an agreement, a read-only store) or a
    :class:`~roomguard.store.StoreError` (a file that cannot be read), each saying why.
    """
    client = store.client(client_id)
    agreement = store.agreement(client_id) if client is not None else None
    if client is None or agreement is None:
        raise LiveError("This client has no agreement yet; set one up before a session.",
                        "No agreement")
    if store.readonly:
        raise LiveError("The store is open read-only, so a session could not be recorded. "
                        + (store.readonly_reason or ""), "Read-only")
    return LiveSession(store, client, agreement, clock,
                       auto_discreet=bool(store.setting(AUTO_DISCREET, False)))


def open_today(store: Store, client_id: str, now: datetime) -> SessionRecord | None:
    """This client's session started today and never ended, if there is one (to resume)."""
    today = now.date()
    for record in store.sessions(client_id=client_id, since=today):
        if record.ended_at is None and record.started_at.date() == today:
            return record
    return None


class LiveSession:
    """The session of *client* under *agreement*: see the module docstring.

    Create it, then :meth:`begin` (a new session) or :meth:`resume` (one left open today);
    until then, and after :meth:`end`, inputs are refused with a reason, except acknowledging
    an alert, which is allowed after the end.
    """

    def __init__(
        self,
        sink: SessionSink,
        client: Client,
        agreement: Agreement,
        clock: Callable[[], datetime],
        *,
        auto_discreet: bool = False,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self.client = client
        self.agreement = agreement
        self.clock = clock
        self.auto_discreet = auto_discreet
        self.retry_seconds = retry_seconds
        self.guard = Guard(agreement)
        self.wording = SessionWording(agreement, self.guard)
        self.detector = self._detector()
        self.writer = SessionWriter(sink, retry_seconds, self._fill_index)
        self._clock_events: list[Event] = []  # a ClockWentBack not yet handed to the writer
        # The semantic layer ("possible topic"): its lane is set by whoever opens the session
        # (the screen, a check); without one, lines are judged by exact phrases alone.
        self.meaning = Meaning(self)

    # ----------------------------------------------------------------- state
    @property
    def state(self) -> SessionState:
        return self.guard.state

    @property
    def record(self) -> SessionRecord | None:
        """The session's index entry, once it has started (or been resumed)."""
        return self.writer.record

    @property
    def started(self) -> bool:
        return self.record is not None and self.state.started_at is not None

    @property
    def running(self) -> bool:
        """Started and not ended: inputs are taken."""
        return self.started and not self.state.ended

    @property
    def unsaved_count(self) -> int:
        return self.writer.unsaved_count

    def _detector(self) -> Detector:
        return Detector.from_topics(self.agreement.terms.topics, self.agreement.muted_phrases,
                                    word_families())

    def _fill_index(self, record: SessionRecord) -> None:
        record.alerts = len(self.state.alerts)
        record.unhandled = len(self.state.unacknowledged())
        record.ended_at = self.state.ended_at

    def refusal(self) -> Outcome | None:
        """None while the session takes input; otherwise an outcome saying why not."""
        if self.running:
            return None
        if self.started:
            return Outcome.refused("The session has ended.")
        return Outcome.refused("The session has not started yet.")

    # ----------------------------------------------------------------- starting
    def begin(self) -> Outcome:
        """A new session with the client and the coach in the room."""
        now = self.clock()
        present = [p.id for p in self.agreement.active_participants(now.date())
                   if p.role in (Role.CLIENT, Role.COACH)]
        return self.begin_with(SessionRecord(client_id=self.client.id, started_at=now,
                                             terms_version=self.agreement.terms.version),
                               present)

    def begin_with(self, record: SessionRecord, present: list[str]) -> Outcome:
        """A new session under *record*, with *present* (party ids) in the room.

        Raises :class:`~roomguard.core.session.SessionError` for an id not on the agreement.
        """
        guard = Guard(self.agreement, SessionState(session_id=record.id,
                                                   client_id=self.client.id))
        events = guard.start(record.started_at, present)
        self.guard = guard
        self.wording = SessionWording(self.agreement, guard)
        self.writer.start(record, events)
        out = Outcome(events=list(events), log=self.replay_log(events))
        return self._finish(out, arrived=True)

    def resume(self, record: SessionRecord, events: list[Event]) -> Outcome:
        """Carry on with a session left open: its state rebuilt from its journal *events*.

        Raises :class:`LiveError` when the journal does not hold a session still under way.
        """
        guard = Guard.resume(self.agreement, events, record.id)
        if guard.state.started_at is None or guard.state.ended:
            raise LiveError("That session's journal has no start, or it has ended; start a "
                            "new session instead.", "Cannot resume")
        self.guard = guard
        self.wording = SessionWording(self.agreement, guard)
        self.writer.resume(record)
        self.meaning.replay(events)
        log = self.replay_log(events)
        log.append(LogEntry(self.state.session_time(self.clock()), LogKind.EVENT,
                            "Session resumed"))
        return self._finish(Outcome(log=log), arrived=True)

    def replay_log(self, events: Iterable[Event]) -> list[LogEntry]:
        """The log lines of a journal: notes and transcript lines with their highlights (a line
        with several topics is one line, not one per topic), then everything else worded.

        Every note and transcript line is private on screen (hidden in discreet mode), whether
        or not it hit a phrase: a phrase list never catches everything ("she was diagnosed in
        May"), and a shared screen must not show what the detector missed."""
        out: list[LogEntry] = []
        seen_lines: set[tuple[datetime, str]] = set()
        for event in events:
            if isinstance(event, NoteAdded):
                spans = self._spans(event.text)
                out.append(LogEntry(event.at, LogKind.NOTE, event.text, spans=spans,
                                    private=True))
            elif isinstance(event, TopicDetected):
                if event.source is not TopicSource.TRANSCRIPT:
                    continue
                if (event.at, event.line) in seen_lines:
                    continue
                seen_lines.add((event.at, event.line))
                out.append(LogEntry(event.at, LogKind.TRANSCRIPT, event.line,
                                    speaker=event.speaker, cue_time=event.cue_time,
                                    spans=self._spans(event.line), private=True))
            elif (entry := self.wording.entry_for(event)) is not None:
                out.append(entry)
        return out

    def _spans(self, text: str) -> tuple[tuple[int, int], ...]:
        return tuple((h.start, h.end) for h in self.detector.scan(text))

    # ----------------------------------------------------------------- recording
    def _now(self, reading: datetime | None = None) -> datetime:
        """The time to date this input by: the clock's reading (or *reading*, a cue's time)
        as the guard keeps it in order; a ClockWentBack it decided waits for the next write."""
        now, moved = self.guard.read_clock(self.clock() if reading is None else reading)
        self._clock_events += moved
        return now

    def _with_clock(self, events: list[Event]) -> list[Event]:
        """*events*, after any ClockWentBack still waiting to be written."""
        if not self._clock_events:
            return events
        waiting, self._clock_events = self._clock_events, []
        return [*waiting, *events]

    def _record(self, out: Outcome, events: list[Event]) -> bool:
        """Hand *events* to the writer and word them into *out*; whether someone arrived."""
        events = self._with_clock(events)
        self.writer.add(events)
        out.events += events
        arrived = False
        for event in events:
            entry = self.wording.entry_for(event)
            if entry is not None:
                out.log.append(entry)
            if isinstance(event, AlertRaised):
                out.alerts.append(event)
            elif isinstance(event, DiscreetModeChanged) and event.on:
                out.hide_notices = True
            elif isinstance(event, GuestJoined) or (
                isinstance(event, PresenceChanged) and event.present
            ):
                arrived = True
                if isinstance(event, PresenceChanged):
                    self._warn_consent(out, event.participant_id, event.at)
        return arrived

    def _warn_consent(self, out: Outcome, participant_id: str, at: datetime) -> None:
        """A party on the agreement came in without valid written consent: say so, whatever
        topic is under way (core decides who that is; this words it)."""
        gap = consent_gap(self.agreement, participant_id, at.date())
        if gap is None:
            return
        name = self.guard.person(participant_id).name
        detail = describe_consent(gap, at.date(), self.agreement.terms.version)
        out.notices.append(Notice(
            f"{name} is in the room without valid written consent ({detail}): not cleared "
            "for any private topic.", title="No valid consent", severity="warning", timeout=10))

    def _finish(self, out: Outcome, *, arrived: bool = False) -> Outcome:
        """Automatic discreet mode after an arrival (before anything is announced, so toasts
        are already worded discreetly), then the writer's news."""
        if arrived and self.auto_discreet and self.running:
            events, people = self.guard.go_discreet_if_uncleared(self._now())
            if events:
                self._record(out, events)
                names = ", ".join(p.name for p in people)
                out.notices.append(Notice(
                    f"Discreet mode on: {names} not cleared for every private topic.",
                    title="Discreet mode"))
        out.notices += self.writer.notices
        self.writer.notices.clear()
        return out

    def _apply(self, decide: Callable[[], list[Event]]) -> Outcome:
        """Run one guard decision while the session runs; a refusal becomes a notice."""
        if (refused := self.refusal()) is not None:
            return refused
        try:
            events = decide()
        except SessionError as exc:
            return Outcome.refused(str(exc))
        out = Outcome()
        arrived = self._record(out, events)
        return self._finish(out, arrived=arrived)

    # ----------------------------------------------------------------- presence
    def toggle(self, participant_id: str) -> Outcome:
        """In if out, out if in. Someone arriving may raise alerts."""
        return self._apply(lambda: self.guard.toggle_presence(participant_id, self._now()))

    def toggle_nth(self, number: int) -> Outcome:
        """Key *number* (1-9): the nth person of :meth:`roster`."""
        if (refused := self.refusal()) is not None:
            return refused
        roster = self.roster()
        if not 1 <= number <= len(roster):
            return Outcome.refused(f"There is no person {number} on the list.")
        return self.toggle(roster[number - 1].participant_id)

    def add_guest(self, name: str) -> Outcome:
        """Someone not on the agreement came in: not cleared for any private topic."""
        return self._apply(lambda: self.guard.add_guest(name, self._now()))

    # ----------------------------------------------------------------- lines
    def note(self, text: str) -> Outcome:
        """A line the coach typed: kept as a note and judged."""
        return self._line(Line.typed(text), None)

    def hear(self, utterance: Utterance, at: datetime | None = None) -> Outcome:
        """A transcript line: its speaker is in the room (an unknown one joins as a guest),
        then it is judged like a typed line, but not kept as a note. *at* is when it was said
        (a check passes the cue's time); by default, now. A line saying someone came or went
        ("[Sam left]") moves them in or out instead (core.observe.observe_presence)."""
        if utterance.presence is not None:
            name, joined = utterance.speaker, utterance.presence
            return self._apply(lambda: observe_presence(self.guard, name, joined, self._now(at)))
        return self._line(Line.heard(utterance), at)

    def hear_all(self, utterances: Iterable[Utterance]) -> Outcome:
        """A batch of transcript lines (a follower's read), as one outcome."""
        out = Outcome()
        for utterance in utterances:
            out.merge(self.hear(utterance))
        return out

    def _line(self, line: Line, reading: datetime | None) -> Outcome:
        if (refused := self.refusal()) is not None:
            return refused
        if not line.text.strip():
            return Outcome()
        now = self._now(reading)
        try:
            seen = observe(self.guard, self.detector, line, now)
        except SessionError as exc:
            return Outcome.refused(str(exc))
        out = Outcome()
        spans = tuple((h.start, h.end) for h in seen.hits)
        if seen.note is not None:
            out.log.append(LogEntry(now, LogKind.NOTE, seen.text, spans=spans, private=True))
            if seen.note.share_refused:
                out.notices.append(Notice(
                    "Kept as a private note, not shared: it touches a private topic.",
                    severity="warning"))
        elif line.source is TopicSource.NOTE:
            out.notices.append(Notice("Nothing to note: type the action item after "
                                      "\"share:\".", severity="warning"))
        else:
            out.log.append(LogEntry(now, LogKind.TRANSCRIPT, seen.text, speaker=line.speaker,
                                    cue_time=line.cue_time, spans=spans, private=True))
        if seen.ambiguous_speaker:
            out.log.append(LogEntry(now, LogKind.EVENT,
                                    f"Speaker {line.speaker!r} matches more than one party; "
                                    "mark them present by hand"))
        arrived = self._record(out, seen.events)
        self.meaning.after_line(line, seen, now, out)
        if seen.new_guest is not None:
            out.bell = True
            out.notices.append(Notice(
                f"Unrecognised speaker {seen.new_guest.name!r} added as a guest: not cleared "
                "for any private topic. Add an alias on the agreement if they are a party.",
                title="Unknown speaker", severity="warning", timeout=10))
        return self._finish(out, arrived=arrived)

    # ----------------------------------------------------------------- topics, discreet mode
    def mark_topic(self, topic_id: str) -> Outcome:
        """Mark a private topic as under discussion, or close it if it is marked."""
        active = topic_id not in self.state.marked_topics
        return self._apply(lambda: self.guard.mark_topic(topic_id, active, self._now()))

    def set_discreet(self, on: bool) -> Outcome:
        return self._apply(lambda: self.guard.set_discreet(on, self._now()))

    def toggle_discreet(self) -> Outcome:
        return self.set_discreet(not self.state.discreet)

    def set_auto_discreet(self, on: bool, save: Callable[[bool], None]) -> Outcome:
        """Automatic discreet mode on or off; *save* keeps the choice (a store setting)."""
        self.auto_discreet = on
        out = Outcome()
        try:
            save(on)
        except StoreError as exc:  # the choice still holds for this session
            out.notices.append(Notice(f"{exc} The choice holds until Roomguard closes.",
                                      title=exc.title, severity="error"))
        state = "on" if on else "off"
        out.notices.append(Notice(
            f"Automatic discreet mode {state}: discreet mode "
            f"{'turns on' if on else 'no longer turns on'} by itself when someone not cleared "
            "is present."))
        return self._finish(out, arrived=True)

    # ----------------------------------------------------------------- alerts
    def raised_with(self, alert_id: str) -> list[AlertRaised]:
        """The unacknowledged alerts raised by the same input as *alert_id* (a guest joining
        while three topics are active raises three at once), oldest first, itself included."""
        alert = self.state.alerts.get(alert_id)
        if alert is None:
            return []
        return [a for a in self.state.unacknowledged() if a.at == alert.at]

    def acknowledge(self, alert_id: str, action: AckAction, note: str = "",
                    mute: str = "") -> Outcome:
        """Record how an alert was handled, then what it means for the agreement: a verbal
        consent leaves a to-do for the written one; a false alarm may mute its phrase.
        Allowed after the session has ended."""
        return self.acknowledge_all([alert_id], action, note, mute)

    def acknowledge_all(self, alert_ids: Sequence[str], action: AckAction, note: str = "",
                        mute: str = "") -> Outcome:
        """Handle several alerts the same way in one step (one outcome, the same note): what
        a coach does when one arrival raised an alert per active topic. A phrase can be muted
        only when handling a single alert (the phrase belongs to it).

        Nothing is recorded unless every alert can be: an unknown or already handled one
        refuses the whole step, with the reason.
        """
        if not self.started:
            return Outcome.refused("The session has not started yet.")
        if mute and len(alert_ids) != 1:
            return Outcome.refused("A phrase can be muted only for one alert at a time.")
        now = self._now()
        for alert_id in alert_ids:
            try:
                self.guard.check_acknowledgeable(alert_id, action, mute)
            except SessionError as exc:
                return Outcome.refused(str(exc))
        out = Outcome()
        alerts = [self.state.alerts[alert_id] for alert_id in alert_ids]
        events: list[Event] = []
        for alert in alerts:
            events += self.guard.acknowledge(alert.id, action, now, note, mute)
        self._record(out, events)
        if action is AckAction.VERBAL_CONSENT:
            self._owe_written_consent(out, alerts, now)
        if mute:
            reason = f"false alarm on the {alerts[0].topic_name} alert"
            if note.strip():
                reason += f': "{note.strip()}"'
            record = self.record
            muted = MutedPhrase(mute, now, reason, record.id if record is not None else None)
            if mute_phrase(self.agreement, muted):
                self.writer.save_agreement(self.agreement)
            self.detector = self._detector()
            shown = "That phrase" if self.state.discreet else f'"{mute}"'
            out.notices.append(Notice(f"{shown} will no longer be flagged for this client."))
        return self._finish(out)

    def _owe_written_consent(self, out: Outcome, alerts: list[AlertRaised],
                             now: datetime) -> None:
        """A to-do per person and topic for the written consent a verbal "yes" still owes."""
        record = self.record
        named: list[str] = []
        for alert in alerts:
            people = [self.guard.person(pid) for pid in alert.uncleared]
            self.agreement.todos += verbal_consent_todos(
                self.agreement, people, alert.topic_name, now,
                record.id if record is not None else None)
            named += [p.name for p in people if p.name not in named]
        self.writer.save_agreement(self.agreement)
        out.notices.append(Notice(f"To-do added: get written consent from {', '.join(named)}.",
                                  title="To-do"))

    # ----------------------------------------------------------------- ending, saving
    def end(self) -> Outcome:
        """End now: SessionEnded in the journal, then the index entry closed."""
        if (refused := self.refusal()) is not None:
            return refused
        events = self._with_clock(self.guard.end(self._now()))
        self.writer.end(events)
        out = Outcome(events=list(events))
        out.log += [e for ev in events if (e := self.wording.entry_for(ev)) is not None]
        return self._finish(out)

    def retry(self) -> Outcome:
        """The retry timer's turn: write what is due."""
        self.writer.retry(ended=self.state.ended)
        return self._finish(Outcome())

    def save_all(self) -> Outcome:
        """Write everything now, the index entry and any agreement change included (leaving,
        quitting). ``writer.dirty`` says afterwards whether anything is still unsaved."""
        if self._clock_events:
            self.writer.add(self._with_clock([]))
        self.writer.flush(index=True)
        return self._finish(Outcome())

    # ----------------------------------------------------------------- what the screen shows
    def masks(self) -> dict[str, str]:
        """Topic id -> its discreet name ("Private topic 2"), for the private topics."""
        return self.wording.masks

    def roster(self) -> list[RosterEntry]:
        """Everyone active on the agreement or in the room, then the guests; keys 1-9 count
        in this order."""
        state = self.state
        today = self.state.session_time(self.clock()).date()
        people = [p for p in self.agreement.participants
                  if p.is_active(today) or p.id in state.present]
        people += list(state.guests.values())
        entries = []
        for person in people:
            standing = self.guard.clearance_of(person.id, today)
            entries.append(RosterEntry(
                participant_id=person.id,
                name=person.name,
                role=person.role.label,
                present=person.id in state.present,
                inferred=state.present.get(person.id) is PresenceSource.SPEECH,
                uncleared_for=tuple(self.wording.topic_name(t) for t in standing.uncleared),
                verbally_cleared=tuple(self.wording.topic_name(t) for t in standing.verbal),
                consent=self._consent_words(person.id, today),
            ))
        return entries

    def _consent_words(self, participant_id: str, today: date) -> str:
        gap = consent_gap(self.agreement, participant_id, today)
        return "" if gap is None else CONSENT_GAP_WORDS[gap.state]

    def topics(self) -> list[TopicEntry]:
        state = self.state
        recent = state.recently_active(state.session_time(self.clock()))
        return [
            TopicEntry(
                topic_id=topic_id,
                name=self.wording.topic_name(topic_id),
                masked_name=mask,
                marked=topic_id in state.marked_topics,
                last_seen=state.active_topics.get(topic_id),
                recent=topic_id in recent,
            )
            for topic_id, mask in self.wording.masks.items()
        ]

    def banner(self) -> list[AlertView]:
        """The unacknowledged alerts, oldest first."""
        return [self.wording.alert_view(a) for a in self.state.unacknowledged()]

    def alert_view(self, alert: AlertRaised) -> AlertView:
        return self.wording.alert_view(alert)

    def status(self) -> StatusView:
        state = self.state
        return StatusView(
            client_name=self.client.name,
            started_at=state.started_at if self.started else None,
            ended_at=state.ended_at,
            present=len(state.present),
            discreet=state.discreet,
            auto_discreet=self.auto_discreet,
            unsaved=self.writer.unsaved_count,
            agreement_unsaved=self.writer.agreement_dirty,
            meaning=self.meaning.status,
        )

    def summary(self) -> SessionSummary:
        return summarise(self.state, self.agreement)
