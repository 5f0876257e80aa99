"""The live session: who is in the room, what is being discussed, and alerts when the two clash.

Flow: on opening, a session of this client's that was started today and never ended is offered
for resuming (:meth:`Guard.resume` from its journal); otherwise the pre-session briefing lists
what needs attention and the coach begins (``Store.start_session``) or cancels.

Every input (a number key, a typed line, a transcript line, an acknowledgement) goes to the
:class:`~roomguard.core.session.Guard`, which decides, applies the events to its state and
returns them; this screen records them (``store.append_event``, in order, never applying them
again) and redraws the widgets from ``guard.state``.

Saving never stops the session. A failed append (disk full, say) is reported once, the unsaved
events stay queued in memory in order, and they are retried on the next write and every two
seconds until they are written; the status line counts them meanwhile, and the screen will not
close while any are unsaved.

Keys: 1–9 toggle the nth person on the roster in or out, but only while the notes input does
not have focus (digits type into it); ``escape`` leaves the input, ``n`` returns to it.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import DescendantBlur, DescendantFocus
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Input, Static

from roomguard.core.audit import observe_utterance
from roomguard.core.detection import Detector
from roomguard.core.events import (
    AckAction,
    AlertAcknowledged,
    AlertRaised,
    DiscreetModeChanged,
    Event,
    GuestJoined,
    NoteAdded,
    PresenceChanged,
    PresenceSource,
    SessionStarted,
    TopicDetected,
    TopicSource,
)
from roomguard.core.models import Agreement, Client, Role, SessionRecord, Todo
from roomguard.core.policy import clearance
from roomguard.core.session import (
    Guard,
    SessionError,
    SessionState,
    fold,
    parse_note,
    summarise,
)
from roomguard.core.text import printable
from roomguard.core.transcript import Utterance
from roomguard.quiet_gc import QuietCollector
from roomguard.screens.session_wording import SessionWording
from roomguard.screens.session_writer import SessionWriter
from roomguard.store import StoreError
from roomguard.widgets.alert_banner import AlertBanner, AlertView
from roomguard.widgets.literal import literal
from roomguard.widgets.roster import Roster, RosterEntry
from roomguard.widgets.session_log import LogEntry, LogKind, SessionLog
from roomguard.widgets.session_topics import SessionTopics, TopicEntry
from roomguard.widgets.transcript_feed import TranscriptFeed

if TYPE_CHECKING:
    from roomguard.app import RoomguardApp
    from roomguard.screens.acknowledge_form import Acknowledgement
    from roomguard.screens.session_summary import SummaryChoice

RETRY_SECONDS = 2.0
AUTO_DISCREET = "auto_discreet"  # store setting: discreet mode on when someone uncleared joins
MAX_TOASTS = 3  # alerts toasted one by one from a single batch; the rest get one toast
GC_QUIET = 1.0  # seconds without input before the collector may run (see quiet_gc.py)
GC_EVERY = 10.0
GC_AT_MOST = 60.0

_IN_OUT = Binding.Group("In/out", compact=True)


def _number_bindings() -> list[Binding]:
    """Keys 1-9, one binding each; the footer shows them as one "1-9 In/out" entry."""
    return [
        Binding(
            str(n),
            f"toggle_person({n})",
            f"Toggle person {n} in/out",
            show=n in (1, 9),
            key_display={1: "1", 9: "-9"}.get(n),
            group=_IN_OUT,
        )
        for n in range(1, 10)
    ]


class LeaveSession(ModalScreen[Literal["end", "leave", "stay"]]):
    """Going back home while the session is running: end it, leave it open, or stay."""

    CSS_PATH = ["modal.tcss", "session.tcss"]
    BINDINGS = [
        Binding("escape,s", "dismiss('stay')", "Stay"),
        Binding("e", "dismiss('end')", "End session"),
        Binding("l", "dismiss('leave')", "Leave it open"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("The session is still running", classes="title")
            yield Static(
                "End it now (e), or leave it open and go home (l): nothing is lost, and starting "
                "a session for this client again today offers to resume it. Esc stays."
            )
            with Horizontal(classes="buttons"):
                yield Button("Stay", id="stay")
                yield Button("Leave it open", id="leave")
                yield Button("End session", id="end", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#stay", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)  # type: ignore[arg-type]


class SessionScreen(Screen[None]):
    CSS_PATH = "session.tcss"
    AUTO_FOCUS = "Roster"

    BINDINGS = [
        *_number_bindings(),
        Binding("g", "guest", "Guest"),
        Binding("n", "notes", "Note"),
        Binding("d", "discreet", "Discreet"),
        Binding("a", "acknowledge", "Acknowledge"),
        Binding("m", "mark_topic", "Mark topic"),
        Binding("f", "follow", "Follow"),
        Binding("e", "end_session", "End"),
        # Same key, two meanings: leave the notes input while typing, else go home.
        Binding("escape", "leave_notes", "Leave notes"),
        Binding("escape", "back", "Home"),
        Binding("q", "quit_app", "Quit"),
    ]
    PALETTE_COMMANDS = [
        (
            "Automatic discreet mode on/off",
            "Turn discreet mode on by itself when someone not cleared for a topic is present",
            "toggle_auto_discreet",
        ),
    ]

    def __init__(self, client_id: str, follow: Path | None = None) -> None:
        super().__init__()
        self.client_id = client_id
        self.follow_path = follow
        self.client: Client | None = None
        self.agreement: Agreement | None = None
        self._guard: Guard | None = None
        self.wording: SessionWording | None = None  # set with the guard
        self.detector: Detector | None = None
        self.writer = SessionWriter(lambda: self.rg.store, self.notify, RETRY_SECONDS,
                                    self._fill_index)  # see session_writer.py
        self._gc = QuietCollector(GC_QUIET, GC_EVERY, GC_AT_MOST)  # see quiet_gc.py
        self._live = False
        self._auto_discreet = False
        self._status_shown: Text | None = None
        self._unannounced: list[AlertRaised] = []
        self._arrived = False

    @property
    def rg(self) -> RoomguardApp:
        return self.app  # type: ignore[return-value]

    @property
    def guard(self) -> Guard | None:
        return self._guard

    @guard.setter
    def guard(self, guard: Guard | None) -> None:
        """A new guard (started or resumed) comes with the wording that reads its state."""
        self._guard = guard
        if guard is not None and self.agreement is not None:
            self.wording = SessionWording(self.agreement, guard)

    @property
    def _masks(self) -> dict[str, str]:
        return self.wording.masks if self.wording is not None else {}

    @property
    def record(self) -> SessionRecord | None:
        """The session's index entry, once it has started (or been resumed)."""
        return self.writer.record

    @record.setter
    def record(self, record: SessionRecord | None) -> None:
        self.writer.record = record

    # ----------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="session-status")
        yield AlertBanner(id="alerts")
        with Horizontal(id="session-body"):
            with Vertical(id="session-left"):
                with Vertical(id="roster-pane", classes="pane"):
                    yield Roster(id="roster")
                with Vertical(id="topics-pane", classes="pane"):
                    yield SessionTopics(id="topics")
            with Vertical(id="session-right", classes="pane"):
                yield SessionLog(id="log")
                yield Input(
                    id="notes",
                    placeholder="Type a note; Enter checks it (Esc leaves)",
                )
        yield TranscriptFeed(id="follow-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#roster-pane").border_title = "In the room (1-9 toggles)"
        self.query_one("#topics-pane").border_title = "Private topics (m marks)"
        self.query_one("#session-right").border_title = "Notes and transcript"
        store = self.rg.store
        try:
            self.client = store.client(self.client_id)
            self.agreement = store.agreement(self.client_id) if self.client else None
        except StoreError as exc:
            self._give_up(str(exc), exc.title)
            return
        if self.client is None or self.agreement is None:
            self._give_up("This client has no agreement yet; set one up before a session.",
                          "No agreement")
            return
        if store.readonly:
            self._give_up(
                "The store is open read-only, so a session could not be recorded. "
                + (store.readonly_reason or ""),
                "Read-only",
            )
            return
        self.sub_title = printable(self.client.name, 80)
        self._auto_discreet = bool(store.setting(AUTO_DISCREET, False))
        self.guard = Guard(self.agreement)
        self._build_detector()
        self.set_interval(RETRY_SECONDS, self._tick)
        self._refresh()
        self.call_after_refresh(self._offer_resume_or_brief)

    def _give_up(self, message: str, title: str) -> None:
        self.notify(message, title=title, severity="error", timeout=10, markup=False)
        self.call_after_refresh(self._close)

    def _close(self) -> None:
        """Back to the screen below (not awaited: callers are this screen's own handlers)."""
        self.dismiss()

    def on_unmount(self) -> None:
        self._stop_following()
        self._gc.give_back()
        if self.record is not None and (self.writer.pending or self.writer.index_dirty):
            with contextlib.suppress(StoreError, AssertionError):  # the app may be closing
                self.writer.flush(index=True)

    # ----------------------------------------------------------------- starting
    def _open_today(self) -> SessionRecord | None:
        today = self.rg.today()
        for record in self.rg.store.sessions(client_id=self.client_id, since=today):
            if record.ended_at is None and record.started_at.date() == today:
                return record
        return None

    def _offer_resume_or_brief(self) -> None:
        try:
            earlier = self._open_today()
        except StoreError as exc:
            self.notify(str(exc), title=exc.title, severity="error", markup=False)
            earlier = None
        if earlier is None:
            self._brief()
            return
        from roomguard.screens.confirm import Confirm

        def answer(resume: bool | None) -> None:
            if resume:
                self._resume(earlier)
            else:
                self._brief()

        self.app.push_screen(
            Confirm(
                f"Resume the session started at {earlier.started_at:%H:%M}?",
                yes="Resume",
                no="Start a new one",
                detail="It was never ended (Roomguard was closed or stopped during it). "
                "Resuming keeps one record of today's session.",
            ),
            answer,
        )

    def _brief(self) -> None:
        from roomguard.screens.session_briefing import SessionBriefing, briefing_for

        assert self.client is not None and self.agreement is not None
        briefing = briefing_for(self.agreement, self.rg.today())

        def answer(begin: bool | None) -> None:
            if begin:
                self._begin()
            else:
                self.dismiss()

        self.app.push_screen(SessionBriefing(self.client.name, briefing), answer)

    def _begin(self) -> None:
        assert self.agreement is not None
        store = self.rg.store
        now = self.rg.clock()
        today = now.date()
        present = [
            p.id
            for p in self.agreement.active_participants(today)
            if p.role in (Role.CLIENT, Role.COACH)
        ]
        version = self.agreement.terms.version
        try:
            self.record = store.start_session(self.client_id, now, version, present)
        except StoreError as exc:
            # Run in memory; the queue writes the start and the index entry once it can.
            self.record = SessionRecord(client_id=self.client_id, started_at=now,
                                        terms_version=version)
            self.guard = Guard(self.agreement, SessionState(session_id=self.record.id,
                                                            client_id=self.client_id))
            events = self.guard.start(now, present)
            self.writer.pending.extend(events)
            self.writer.index_missing = True
            self.writer.failed(exc)
        else:
            try:
                events = store.events(self.record.id)
            except StoreError:
                events = [SessionStarted(now, self.client_id, version, present)]
            self.guard = Guard.resume(self.agreement, events, self.record.id)
        self._log_replay(events)
        self._go_live()

    def _resume(self, record: SessionRecord) -> None:
        assert self.agreement is not None
        try:
            events = self.rg.store.events(record.id)
        except StoreError as exc:
            self.notify(str(exc), title=exc.title, severity="error", markup=False)
            self._brief()
            return
        guard = Guard.resume(self.agreement, events, record.id)
        if guard.state.started_at is None or guard.state.ended:
            self.notify("That session's journal has no start; starting a new session.",
                        severity="warning")
            self._brief()
            return
        self.guard, self.record = guard, record
        self._log_replay(events)
        self._log(LogEntry(self.rg.clock(), LogKind.EVENT, "Session resumed"))
        self._go_live()

    def _go_live(self) -> None:
        self._gc.take_over()
        self._live = True
        self._refresh()
        self._maybe_auto_discreet()
        if self.follow_path is not None:
            path, self.follow_path = self.follow_path, None
            self._start_following(path)
        self.query_one(Roster).focus()

    # ----------------------------------------------------------------- the guard, the store
    @property
    def state(self) -> SessionState:
        assert self.guard is not None
        return self.guard.state

    def _build_detector(self) -> None:
        assert self.agreement is not None
        self.detector = Detector.from_topics(self.agreement.terms.topics,
                                             self.agreement.muted_phrases)

    def _ready(self) -> bool:
        """The session is under way (started, not ended); says why not otherwise."""
        if self._live and self.guard is not None and not self.state.ended:
            return True
        if self.guard is not None and self.state.ended:
            self.notify("The session has ended.", severity="warning")
        else:
            self.notify("The session has not started yet.", severity="warning")
        return False

    def _handle(self, events: list[Event], *, batch: bool = False) -> None:
        """Record what the guard decided, show it, and announce new alerts.

        With *batch* the screen is redrawn (and alerts announced) only by the caller's
        :meth:`_show_new`, once for a whole batch of transcript lines.
        """
        self._gc.input_seen()
        self.writer.add(events)
        self._show_status()
        for event in events:
            entry = self._entry_for(event)
            if entry is not None:
                self._log(entry)
            if isinstance(event, AlertRaised):
                self._unannounced.append(event)
                self.writer.index_dirty = True
            elif isinstance(event, AlertAcknowledged):
                self.writer.index_dirty = True
            elif isinstance(event, DiscreetModeChanged) and event.on:
                self.app.clear_notifications()  # earlier toasts may name private topics
            elif isinstance(event, GuestJoined) or (
                isinstance(event, PresenceChanged) and event.present
            ):
                self._arrived = True
        if not batch:
            self._show_new()

    def _show_new(self) -> None:
        """Redraw, then the bell and a toast for each new alert (a flood gets one toast).

        Automatic discreet mode goes first, so the toasts are already worded discreetly.
        """
        if self._arrived:
            self._arrived = False
            self._maybe_auto_discreet()
        self._refresh()
        alerts, self._unannounced = self._unannounced, []
        for alert in alerts[:MAX_TOASTS]:
            self._announce(alert)
        if len(alerts) > MAX_TOASTS:
            more = len(alerts) - MAX_TOASTS
            self.notify(f"… and {more} more alert{'s' if more != 1 else ''}: see the banner.",
                        title="Private topic alert", severity="error")

    def _flush(self, *, index: bool) -> None:
        self.writer.flush(index=index)
        self._show_status()

    @property
    def unsaved_count(self) -> int:
        """Events (and the session's index entry) not yet on disk."""
        return self.writer.unsaved_count

    def _fill_index(self, record: SessionRecord) -> None:
        if self.guard is None:
            return
        record.alerts = len(self.state.alerts)
        record.unhandled = len(self.state.unacknowledged())
        record.ended_at = self.state.ended_at

    def _tick(self) -> None:
        self._gc.tick()
        # The index entry's counts are written when the session ends or is left (an index
        # write costs several milliseconds on the UI thread; the journal is the record).
        ended = self.guard is not None and self.state.ended
        if self.writer.due(ended=ended):
            self._flush(index=ended or self.writer.index_failed)
        if self.guard is not None:
            self._refresh_topics()

    # ----------------------------------------------------------------- showing
    def _refresh(self) -> None:
        if self.guard is None:
            return
        discreet = self.state.discreet
        self.query_one(Roster).show(self._roster_entries(), discreet)
        self._refresh_topics()
        banner = self.query_one(AlertBanner)
        banner.show([self._alert_view(a) for a in self.state.unacknowledged()], discreet)
        log = self.query_one(SessionLog)
        if log.discreet != discreet:
            log.discreet = discreet
        self._show_status()

    def _refresh_topics(self) -> None:
        assert self.agreement is not None
        state = self.state
        now = self.rg.clock()
        recent = state.recently_active(now)
        entries = [
            TopicEntry(
                topic_id=topic_id,
                name=self._topic_name(topic_id),
                masked_name=mask,
                marked=topic_id in state.marked_topics,
                last_seen=state.active_topics.get(topic_id),
                recent=topic_id in recent,
            )
            for topic_id, mask in self._masks.items()
        ]
        self.query_one(SessionTopics).show(entries, state.discreet)

    def _topic_name(self, topic_id: str) -> str:
        assert self.wording is not None
        return self.wording.topic_name(topic_id)

    def _uncleared_topics(self, participant_id: str) -> tuple[list[str], list[str]]:
        """(topics this person may not hear, topics cleared by verbal consent this session)."""
        assert self.agreement is not None and self.guard is not None
        person = self.guard.person(participant_id)
        today = self.rg.today()
        uncleared: list[str] = []
        verbal: list[str] = []
        for topic_id in self._masks:
            if clearance(self.agreement, person, topic_id, today) is None:
                continue
            name = self._topic_name(topic_id)
            if participant_id in self.state.verbally_cleared(topic_id):
                verbal.append(name)
            else:
                uncleared.append(name)
        return uncleared, verbal

    def _roster_entries(self) -> list[RosterEntry]:
        assert self.agreement is not None
        state = self.state
        today = self.rg.today()
        people = [p for p in self.agreement.participants
                  if p.is_active(today) or p.id in state.present]
        people += list(state.guests.values())
        entries = []
        for person in people:
            uncleared, verbal = self._uncleared_topics(person.id)
            entries.append(
                RosterEntry(
                    participant_id=person.id,
                    name=person.name,
                    role=person.role.label,
                    present=person.id in state.present,
                    inferred=state.present.get(person.id) is PresenceSource.SPEECH,
                    uncleared_for=tuple(uncleared),
                    verbally_cleared=tuple(verbal),
                )
            )
        return entries

    def _alert_view(self, alert: AlertRaised) -> AlertView:
        assert self.wording is not None
        return self.wording.alert_view(alert)

    def _show_status(self) -> None:
        if self.client is None:
            return
        line = Text(end="")
        line.append_text(literal(self.client.name, style="bold", limit=80))
        if self.guard is not None and self.state.started_at is not None:
            line.append(f"  · started {self.state.started_at:%H:%M}")
            line.append(f"  · {len(self.state.present)} in the room")
            if self.state.ended_at is not None:
                line.append(f"  · ended {self.state.ended_at:%H:%M}", style="bold")
        else:
            line.append("  · not started", style="dim")
        if self.guard is not None and self.state.discreet:
            line.append("  · DISCREET MODE", style="bold reverse")
        if self._auto_discreet:
            line.append("  · auto-discreet", style="dim")
        unsaved = self.unsaved_count
        if unsaved:
            plural = "s" if unsaved != 1 else ""
            line.append(f"  · ⚠ {unsaved} event{plural} not yet saved", style="bold red")
        elif self.writer.agreement_dirty:
            line.append("  · ⚠ agreement changes not yet saved", style="bold red")
        if line != self._status_shown:
            for status in self.query("#session-status").results(Static):  # none once unmounted
                self._status_shown = line
                status.update(line, layout=False)  # one fixed line: no re-layout

    def _announce(self, alert: AlertRaised) -> None:
        """The bell and a toast for a new alert. The banner shows it in the next frame; the
        toast (a widget to mount and lay out) follows after that frame, not before it."""
        self.app.bell()
        self.call_after_refresh(self._toast, alert)

    def _toast(self, alert: AlertRaised) -> None:
        if self.guard is None or alert.id in self.state.acknowledgements:
            return
        view = self._alert_view(alert)
        self.notify(
            view.masked if self.state.discreet else view.text,
            title="Private topic alert",
            severity="error",
            timeout=8,
            markup=False,
        )

    # ----------------------------------------------------------------- the log
    def _log(self, entry: LogEntry) -> None:
        self.query_one(SessionLog).add(entry)

    def _entry_for(self, event: Event) -> LogEntry | None:
        assert self.wording is not None
        return self.wording.entry_for(event)

    def _spans(self, text: str) -> tuple[tuple[int, int], ...]:
        if self.detector is None:
            return ()
        return tuple((h.start, h.end) for h in self.detector.scan(text))

    def _log_replay(self, events: list[Event]) -> None:
        """Rebuild the log of a resumed session from its journal."""
        log = self.query_one(SessionLog)
        log.discreet = self.state.discreet
        seen_lines: set[tuple[datetime, str]] = set()
        for event in events:
            if isinstance(event, NoteAdded):
                spans = self._spans(event.text)
                self._log(LogEntry(event.at, LogKind.NOTE, event.text, spans=spans,
                                   private=event.private or bool(spans)))
            elif isinstance(event, TopicDetected) and event.source is TopicSource.TRANSCRIPT:
                if (event.at, event.line) in seen_lines:
                    continue
                seen_lines.add((event.at, event.line))
                self._log(LogEntry(event.at, LogKind.TRANSCRIPT, event.line,
                                   speaker=event.speaker, cue_time=event.cue_time,
                                   spans=self._spans(event.line), private=True))
            else:
                entry = self._entry_for(event)
                if entry is not None:
                    self._log(entry)

    # ----------------------------------------------------------------- lines
    @on(Input.Submitted, "#notes")
    def _note_submitted(self, event: Input.Submitted) -> None:
        text = event.value
        if not text.strip():
            return
        if not self._ready():
            return
        event.input.value = ""
        self.take_line(text)

    def take_line(self, text: str) -> None:
        """A line the coach typed: kept as a note, checked for private topics."""
        assert self.detector is not None and self.guard is not None
        now = self.rg.clock()
        text, tagged_shareable = parse_note(text)
        if not text.strip():
            return
        hits = self.detector.scan(text)
        private = bool(hits) or bool(self.state.marked_topics)
        shareable = tagged_shareable and not private
        if tagged_shareable and private:
            self.notify("Kept as a private note, not shared: it touches a private topic.",
                        severity="warning")
        spans = tuple((h.start, h.end) for h in hits)
        self._log(LogEntry(now, LogKind.NOTE, text, spans=spans, private=private))
        try:
            events = self.guard.add_note(text, now, private=private, shareable=shareable)
            events += self.guard.observe_line(text, now, TopicSource.NOTE, hits)
        except SessionError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self._handle(events)

    def take_utterance(self, utterance: Utterance, *, batch: bool = False) -> None:
        """A line heard in the transcript: who said it is in the room; unknown voices are
        guests; then the line is judged like a typed one (but not kept as a note).

        The same :func:`~roomguard.core.audit.observe_utterance` as the headless check, so a
        transcript raises the same alerts live and afterwards.
        """
        assert self.detector is not None and self.guard is not None
        now = self.rg.clock()
        try:
            seen = observe_utterance(self.guard, self.detector, utterance, now)
        except SessionError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        speaker = " ".join(utterance.speaker.split())
        spans = tuple((h.start, h.end) for h in seen.hits)
        self._log(LogEntry(now, LogKind.TRANSCRIPT, utterance.text, speaker=speaker,
                           cue_time=utterance.cue_time, spans=spans, private=bool(seen.hits)))
        if seen.ambiguous_speaker:
            self._log(LogEntry(now, LogKind.EVENT,
                               f"Speaker {speaker!r} matches more than one party; "
                               "mark them present by hand"))
        self._handle(seen.events, batch=batch)
        if seen.new_guest is not None:
            self.app.bell()
            self.notify(
                f"Unrecognised speaker {seen.new_guest.name!r} added as a guest: not cleared "
                "for any private topic. Add an alias on the agreement if they are a party.",
                title="Unknown speaker",
                severity="warning",
                timeout=10,
                markup=False,
            )

    # ----------------------------------------------------------------- presence
    def action_toggle_person(self, number: int) -> None:
        if not self._ready():
            return
        entry = self.query_one(Roster).entry(number)
        if entry is None:
            self.notify(f"There is no person {number} on the list.", severity="warning")
            return
        self._toggle(entry.participant_id)

    @on(Roster.Toggled)
    def _roster_clicked(self, event: Roster.Toggled) -> None:
        if self._ready():
            self._toggle(event.participant_id)

    def _toggle(self, participant_id: str) -> None:
        assert self.guard is not None
        try:
            events = self.guard.toggle_presence(participant_id, self.rg.clock())
        except SessionError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self._handle(events)

    def action_guest(self) -> None:
        if not self._ready():
            return
        from roomguard.screens.guest_form import GuestForm

        def added(name: str | None) -> None:
            if not name or self.guard is None:
                return
            try:
                events = self.guard.add_guest(name, self.rg.clock())
            except SessionError as exc:
                self.notify(str(exc), severity="warning", markup=False)
                return
            self._handle(events)

        self.app.push_screen(GuestForm(), added)

    def _present_uncleared(self) -> list[str]:
        return [
            self.guard.person(pid).name
            for pid in self.state.present
            if self.guard is not None and self._uncleared_topics(pid)[0]
        ]

    def _maybe_auto_discreet(self) -> None:
        if not self._auto_discreet or self.guard is None or self.state.discreet:
            return
        if not self._live or self.state.ended:
            return
        names = self._present_uncleared()
        if not names:
            return
        self._handle(self.guard.set_discreet(True, self.rg.clock()))
        self.notify(
            f"Discreet mode on: {', '.join(names)} not cleared for every private topic.",
            title="Discreet mode",
            markup=False,
        )

    # ----------------------------------------------------------------- topics, discreet mode
    def action_mark_topic(self) -> None:
        if not self._ready():
            return
        topic_id = self.query_one(SessionTopics).highlighted_topic_id
        if topic_id is None:
            self.notify("This agreement has no private topics.", severity="warning")
            return
        self._mark(topic_id)

    @on(SessionTopics.MarkRequested)
    def _topic_selected(self, event: SessionTopics.MarkRequested) -> None:
        if self._ready():
            self._mark(event.topic_id)

    def _mark(self, topic_id: str) -> None:
        assert self.guard is not None
        active = topic_id not in self.state.marked_topics
        try:
            events = self.guard.mark_topic(topic_id, active, self.rg.clock())
        except SessionError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self._handle(events)

    def action_discreet(self) -> None:
        if not self._ready():
            return
        assert self.guard is not None
        self._handle(self.guard.set_discreet(not self.state.discreet, self.rg.clock()))

    def action_toggle_auto_discreet(self) -> None:
        self._auto_discreet = not self._auto_discreet
        try:
            self.rg.store.set_setting(AUTO_DISCREET, self._auto_discreet)
        except StoreError as exc:
            self.notify(str(exc), title=exc.title, severity="error", markup=False)
        state = "on" if self._auto_discreet else "off"
        self.notify(f"Automatic discreet mode {state}: discreet mode "
                    f"{'turns on' if self._auto_discreet else 'no longer turns on'} by itself "
                    "when someone not cleared is present.")
        self._show_status()
        self._maybe_auto_discreet()

    # ----------------------------------------------------------------- alerts
    @on(AlertBanner.AcknowledgeRequested)
    def _banner_clicked(self, event: AlertBanner.AcknowledgeRequested) -> None:
        self.action_acknowledge(event.alert_id)

    def action_acknowledge(self, alert_id: str = "", then: object = None) -> None:
        if self.guard is None or not self._live:
            return
        waiting = self.state.unacknowledged()
        if not waiting:
            self.notify("No alert is waiting to be acknowledged.")
            return
        alert = self.state.alerts.get(alert_id) if alert_id else None
        if alert is None or alert.id in self.state.acknowledgements:
            alert = waiting[0]
        from roomguard.screens.acknowledge_form import AcknowledgeForm

        view = self._alert_view(alert)
        discreet = self.state.discreet

        def answered(result: Acknowledgement | None) -> None:
            if result is not None:
                self.acknowledge(alert, result)
            if callable(then):
                then()

        self.app.push_screen(
            AcknowledgeForm(view.masked if discreet else alert.reason, alert.phrase,
                            discreet=discreet, waiting=len(waiting)),
            answered,
        )

    def acknowledge(self, alert: AlertRaised, result: Acknowledgement) -> None:
        """Record how *alert* was handled, then its side effects on the agreement."""
        assert self.guard is not None
        now = self.rg.clock()
        try:
            events = self.guard.acknowledge(alert.id, result.action, now, result.note,
                                            result.mute_phrase)
        except SessionError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self._handle(events)
        if result.action is AckAction.VERBAL_CONSENT:
            self._consent_todos(alert, now)
        if result.mute_phrase:
            self._mute(result.mute_phrase)

    def _consent_todos(self, alert: AlertRaised, now: datetime) -> None:
        assert self.agreement is not None and self.guard is not None
        added: list[str] = []
        for participant_id in alert.uncleared:
            person = self.guard.person(participant_id)
            on_agreement = self.agreement.participant(participant_id) is not None
            if on_agreement:
                text = (f"Record written consent from {person.name} for {alert.topic_name} "
                        f"(given verbally in the session of {now:%Y-%m-%d %H:%M})")
            else:
                text = (f"Add {person.name} (a guest) to the agreement and record their written "
                        f"consent for {alert.topic_name} (given verbally in the session of "
                        f"{now:%Y-%m-%d %H:%M})")
            self.agreement.todos.append(
                Todo(text, now, participant_id=participant_id if on_agreement else None,
                     session_id=self.record.id if self.record else None)
            )
            added.append(person.name)
        self._save_agreement()
        self.notify(f"To-do added: get written consent from {', '.join(added)}.",
                    title="To-do", markup=False)

    def _mute(self, phrase: str) -> None:
        assert self.agreement is not None
        if fold(phrase) not in {fold(p) for p in self.agreement.muted_phrases}:
            self.agreement.muted_phrases.append(phrase)
            self._save_agreement()
        self._build_detector()
        shown = "That phrase" if self.state.discreet else f'"{phrase}"'
        self.notify(f"{shown} will no longer be flagged for this client.", markup=False)

    def _save_agreement(self) -> None:
        assert self.agreement is not None
        self.writer.save_agreement(self.agreement)
        self._show_status()

    # ----------------------------------------------------------------- following a transcript
    def action_follow(self) -> None:
        if not self._ready():
            return
        from roomguard.screens.follow_form import STOP, FollowForm

        def chosen(choice: Path | str | None) -> None:
            if choice is None:
                return
            if choice == STOP:
                self._stop_following()
                self.notify("Stopped following the transcript.")
                return
            assert isinstance(choice, Path)
            self._start_following(choice)

        self.app.push_screen(FollowForm(self.query_one(TranscriptFeed).path), chosen)

    def _start_following(self, path: Path) -> None:
        self.query_one(TranscriptFeed).follow(path)

    def _stop_following(self) -> None:
        for feed in self.query(TranscriptFeed):  # none once unmounted
            feed.stop()

    @on(TranscriptFeed.Heard)
    def _heard(self, message: TranscriptFeed.Heard) -> None:
        if not self._live or self.state.ended:
            return
        for utterance in message.utterances:
            self.take_utterance(utterance, batch=True)
        self._show_new()

    # ----------------------------------------------------------------- notes input focus
    def _typing(self) -> bool:
        focused = self.focused
        return isinstance(focused, Input) and focused.id == "notes"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_notes":
            return self._typing()
        return True

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        self.refresh_bindings()

    def action_notes(self) -> None:
        self.query_one("#notes", Input).focus()

    def action_leave_notes(self) -> None:
        self.query_one(Roster).focus()

    # ----------------------------------------------------------------- ending, leaving
    def action_end_session(self) -> None:
        if self.guard is not None and self.state.ended:
            self._show_summary()
            return
        if not self._ready():
            return
        from roomguard.screens.confirm import Confirm

        waiting = len(self.state.unacknowledged())
        detail = ""
        if waiting:
            detail = (f"{waiting} alert{'s are' if waiting != 1 else ' is'} not acknowledged "
                      "yet; you can still acknowledge them from the summary.")

        def answer(end: bool | None) -> None:
            if end:
                self.end_session()

        self.app.push_screen(
            Confirm("End the session?", yes="End session", no="Keep going", detail=detail),
            answer,
        )

    def end_session(self) -> None:
        """End now: SessionEnded in the journal, the index entry closed, then the summary."""
        assert self.guard is not None and self.record is not None
        self._stop_following()
        now = self.rg.clock()
        try:
            events = self.guard.end(now)
        except SessionError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        self.record.ended_at = now
        self.writer.index_dirty = True
        # The same writes as Store.end_session (event, then index), through the retry queue.
        self.writer.pending.extend(events)
        self._flush(index=True)
        for event in events:
            entry = self._entry_for(event)
            if entry is not None:
                self._log(entry)
        self._live = False
        self._refresh()
        self._show_summary()

    def _show_summary(self) -> None:
        from roomguard.screens.session_summary import SessionSummaryScreen

        assert self.client is not None and self.agreement is not None
        summary = summarise(self.state, self.agreement)
        masks = self._masks if self.state.discreet else None

        def chosen(choice: SummaryChoice | None) -> None:
            if choice == "acknowledge":
                self._acknowledge_after_end()
            else:
                self._leave_ended()

        self.app.push_screen(SessionSummaryScreen(summary, self.client.name, masks), chosen)

    def _acknowledge_after_end(self) -> None:
        waiting = self.state.unacknowledged()
        if not waiting:
            self._show_summary()
            return
        self._live = True  # acknowledging is allowed after the end
        try:
            self.action_acknowledge(waiting[0].id, then=self._after_late_ack)
        finally:
            self._live = False

    def _after_late_ack(self) -> None:
        self._flush(index=True)
        self._show_summary()

    def _leave_ended(self) -> None:
        if self.writer.dirty:
            self._flush(index=True)
        if self.writer.dirty:
            self.notify(
                f"{self.unsaved_count or 'Some'} change(s) are not saved yet; staying here and "
                f"retrying every {RETRY_SECONDS:g} seconds. Press escape to try again.",
                title="Not saved yet",
                severity="error",
                timeout=10,
            )
            return
        self.rg.refresh_home()
        self.dismiss()

    def action_back(self) -> None:
        if self.guard is None or not self._live or self.state.ended:
            if self.guard is not None and self.state.ended:
                self._leave_ended()
            else:
                self._stop_following()
                self.dismiss()
            return

        def chosen(choice: str | None) -> None:
            if choice == "end":
                self.end_session()
            elif choice == "leave":
                self._leave_open()

        self.app.push_screen(LeaveSession(), chosen)

    def _leave_open(self) -> None:
        self._flush(index=True)
        if self.writer.pending:
            self.notify(
                f"{len(self.writer.pending)} event(s) are not saved yet; staying until they are.",
                title="Not saved yet",
                severity="error",
            )
            return
        self._stop_following()
        self._live = False
        self.rg.refresh_home()
        self.dismiss()
        self.app.notify("The session is still open; start a session for this client again "
                        "today to resume it.", title="Session left open")

    def action_quit_app(self) -> None:
        if not self._live and not self.writer.pending:
            self.app.exit()
            return
        from roomguard.screens.confirm import Confirm

        detail = "The session stays open; start it again today to resume it."
        if self.writer.pending:
            detail = (f"{len(self.writer.pending)} event(s) could not be saved yet and would be lost. "
                      + detail)

        def answer(quit_: bool | None) -> None:
            if quit_:
                self._flush(index=True)
                self.app.exit()

        self.app.push_screen(Confirm("Quit Roomguard during the session?", yes="Quit",
                                     no="Stay", detail=detail), answer)
