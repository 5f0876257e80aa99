"""The live session screen: keys and widgets in, outcomes rendered.

Everything that happens goes to :class:`~roomguard.live.session.LiveSession` (one method per
thing), which decides through core, records through its writer and returns an
:class:`~roomguard.live.view.Outcome`; this screen renders it (:meth:`SessionScreen.show`):
the log lines, the toasts, the bell for a new alert, then the widgets redrawn from the
session's roster, topics, banner and status. The screen decides nothing about the session.

Flow: on opening, a session of this client's that was started today and never ended is offered
for resuming; otherwise the pre-session briefing lists what needs attention and the coach
begins or cancels. Saving never stops the session (see :mod:`roomguard.live.writer`); the
screen retries every few seconds and will not close while anything is unsaved.

Keys: 1–9 toggle the nth person on the roster in or out, but only while the notes input does
not have focus (digits type into it); ``escape`` leaves the input, ``n`` returns to it. Esc
then a digit typed quickly reaches the app as alt+digit, which leaves the input and toggles
that person in one step (see :mod:`roomguard.screens.session.keys`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import DescendantBlur, DescendantFocus
from textual.screen import Screen
from textual.widgets import Footer, Header

from roomguard.core.events import AlertRaised
from roomguard.core.models import SessionRecord
from roomguard.core.session import SessionState
from roomguard.core.text import printable
from roomguard.live.quiet_gc import QuietCollector
from roomguard.live.session import (
    AUTO_DISCREET,
    RETRY_SECONDS,
    LiveError,
    LiveSession,
    open_live,
    open_today,
)
from roomguard.live.view import Outcome
from roomguard.screens.host import UsesHost
from roomguard.screens.session.keys import read_esc_digit_as_alt
from roomguard.screens.session.meaning import ScreenMeaning
from roomguard.screens.session.questions import (
    LeaveChoice,
    LeaveSession,
    end_question,
    quit_question,
    resume_question,
)
from roomguard.store import StoreError
from roomguard.widgets.alert_banner import AlertBanner
from roomguard.widgets.line_input import LineInput
from roomguard.widgets.roster import Roster
from roomguard.widgets.session_log import SessionLog
from roomguard.widgets.session_status import SessionStatus
from roomguard.widgets.session_topics import SessionTopics
from roomguard.widgets.transcript_feed import TranscriptFeed

MAX_TOASTS = 3  # alerts toasted one by one from a single outcome; the rest get one toast
GC_QUIET = 1.0  # seconds without input before the collector may run (see live/quiet_gc.py)
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


def _esc_digit_bindings() -> list[Binding]:
    """alt+1..alt+9: Esc then a digit typed quickly (see screens/session/keys.py). Priority
    bindings, so they act before the notes input sees the key, in order with the keys around
    them; no description, so neither the footer nor the palette lists them."""
    return [Binding(f"alt+{n}", f"leave_notes_and_toggle({n})", show=False, priority=True)
            for n in range(1, 10)]


class SessionScreen(UsesHost, Screen[None]):
    CSS_PATH = "session.tcss"
    AUTO_FOCUS = "Roster"

    BINDINGS = [
        *_number_bindings(),
        *_esc_digit_bindings(),
        Binding("g", "guest", "Guest"),
        # n and esc move focus into and out of the notes input. Priority bindings, acting
        # when the app reads the key and moving focus at once (set_focus), so the keys typed
        # right after them already go to the input (or come out of it): a fast "n, text" or
        # "esc, 3" is not split across the focus change however busy the app is.
        Binding("n", "notes", "Note", priority=True),
        Binding("d", "discreet", "Discreet"),
        Binding("r", "reveal", "Reveal a line"),
        Binding("a", "acknowledge", "Acknowledge"),
        Binding("m", "mark_topic", "Mark topic"),
        Binding("f", "follow", "Follow"),
        Binding("e", "end_session", "End"),
        # Same key, two meanings: leave the notes input while typing, else go home.
        Binding("escape", "leave_notes", "Leave notes", priority=True),
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
        self.live: LiveSession | None = None
        self._gc = QuietCollector(GC_QUIET, GC_EVERY, GC_AT_MOST)  # see live/quiet_gc.py
        self.meaning = ScreenMeaning(self)  # the semantic layer: screens/session/meaning.py

    # ----------------------------------------------------------------- what tests and the bench read
    @property
    def state(self) -> SessionState:
        assert self.live is not None
        return self.live.state

    @property
    def record(self) -> SessionRecord | None:
        return self.live.record if self.live is not None else None

    @property
    def unsaved_count(self) -> int:
        return self.live.unsaved_count if self.live is not None else 0

    # ----------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        yield Header()
        yield SessionStatus(id="session-status")
        yield AlertBanner(id="alerts")
        with Horizontal(id="session-body"):
            with Vertical(id="session-left"):
                with Vertical(id="roster-pane", classes="pane"):
                    yield Roster(id="roster")
                with Vertical(id="topics-pane", classes="pane"):
                    yield SessionTopics(id="topics")
            with Vertical(id="session-right", classes="pane"):
                yield SessionLog(id="log")
                yield LineInput(self._note_taken, id="notes",
                                placeholder="Type a note; Enter checks it (Esc leaves)")
        yield TranscriptFeed(id="follow-status")
        yield Footer()

    def on_mount(self) -> None:
        read_esc_digit_as_alt()
        self.query_one("#roster-pane").border_title = "In the room (1-9 toggles)"
        self.query_one("#topics-pane").border_title = "Private topics (m marks)"
        self.query_one("#session-right").border_title = "Notes and transcript"
        try:
            self.live = open_live(self.host.store, self.client_id, self.host.clock)
        except (LiveError, StoreError) as exc:
            self.notify(str(exc), title=exc.title, severity="error", timeout=10, markup=False)
            self.call_after_refresh(self._close)
            return
        self.sub_title = printable(self.live.client.name, 80)
        self.set_interval(RETRY_SECONDS, self._tick)
        self.redraw()
        self.call_after_refresh(self._offer_resume_or_brief)
        self.meaning.attach()

    def _close(self) -> None:
        """Back to the screen below (not awaited: the callers are this screen's handlers)."""
        self.dismiss()

    def on_unmount(self) -> None:
        self.meaning.detach()
        self._stop_following()
        self._gc.give_back()
        if self.live is not None and self.live.writer.dirty:
            with contextlib.suppress(StoreError):  # the app may be closing
                self.live.save_all()

    # ----------------------------------------------------------------- starting
    def _offer_resume_or_brief(self) -> None:
        assert self.live is not None
        try:
            earlier = open_today(self.host.store, self.client_id, self.host.clock())
        except StoreError as exc:
            self.notify(str(exc), title=exc.title, severity="error", markup=False)
            earlier = None
        if earlier is None:
            self._brief()
            return

        def answer(resume: bool | None) -> None:
            if resume:
                self._resume(earlier)
            else:
                self._brief()

        self.app.push_screen(resume_question(earlier.started_at), answer)

    def _brief(self) -> None:
        from roomguard.screens.session.briefing import SessionBriefing, briefing_for

        assert self.live is not None
        live = self.live

        def answer(begin: bool | None) -> None:
            if begin:
                self._go_live(live.begin())
            else:
                self.dismiss()

        self.app.push_screen(
            SessionBriefing(live.client.name, briefing_for(live.agreement, self.host.today())),
            answer,
        )

    def _resume(self, record: SessionRecord) -> None:
        assert self.live is not None
        try:
            outcome = self.live.resume(record, self.host.store.events(record.id))
        except (LiveError, StoreError) as exc:
            self.notify(str(exc), title=exc.title, severity="warning", markup=False)
            self._brief()
            return
        self._go_live(outcome)

    def _go_live(self, outcome: Outcome) -> None:
        self._gc.take_over()
        self.show(outcome)
        if self.follow_path is not None:
            path, self.follow_path = self.follow_path, None
            self.query_one(TranscriptFeed).follow(path)
        self.query_one(Roster).focus()

    # ----------------------------------------------------------------- rendering outcomes
    def show(self, outcome: Outcome) -> None:
        """Render what one input did: the log, then the widgets, then bell and toasts.

        Widgets are redrawn before anything is announced, so the alert is on screen in the
        next frame and the toast (a widget to mount) follows after that frame.
        """
        if outcome.hide_notices:
            self.app.clear_notifications()  # earlier toasts may name private topics
        log = self.query_one(SessionLog)
        for entry in outcome.log:
            log.add(entry)
        self.redraw()
        self.meaning.submit_waiting()
        self._tell(outcome)
        if outcome.bell and not outcome.alerts:
            self.app.bell()
        for alert in outcome.alerts[:MAX_TOASTS]:
            self.app.bell()
            self.call_after_refresh(self._toast, alert)
        if len(outcome.alerts) > MAX_TOASTS:
            more = len(outcome.alerts) - MAX_TOASTS
            self.notify(f"… and {more} more alert{'s' if more != 1 else ''}: see the banner.",
                        title="Private topic alert", severity="error")

    def redraw(self) -> None:
        if self.live is None:
            return
        live = self.live
        discreet = live.state.discreet
        self.query_one(Roster).show(live.roster(), discreet)
        self.query_one(SessionTopics).show(live.topics(), discreet)
        self.query_one(AlertBanner).show(live.banner() + live.meaning.banner(), discreet)
        log = self.query_one(SessionLog)
        if log.discreet != discreet:
            log.discreet = discreet
            self.refresh_bindings()  # "r" reveals a line only in discreet mode
        self._show_status()

    def _show_status(self) -> None:
        if self.live is not None:
            for status in self.query(SessionStatus):  # none once unmounted
                status.show(self.live.status())

    def _tell(self, outcome: Outcome) -> None:
        for notice in outcome.notices:
            self.notify(notice.message, title=notice.title, severity=notice.severity,
                        timeout=notice.timeout, markup=False)

    def _toast(self, alert: AlertRaised) -> None:
        if self.live is None or alert.id in self.live.state.acknowledgements:
            return
        view = self.live.alert_view(alert)
        self.notify(view.masked if self.live.state.discreet else view.text,
                    title="Private topic alert", severity="error", timeout=8, markup=False)

    def _do(self, outcome: Outcome) -> None:
        """An input's outcome: the collector hears of the input, then it is shown."""
        self._gc.input_seen()
        self.show(outcome)

    def _tick(self) -> None:
        self._gc.tick()
        if self.live is None:
            return
        if self.live.started:
            self._tell(self.live.retry())
            self._show_status()
        self.query_one(SessionTopics).show(self.live.topics(), self.live.state.discreet)

    # ----------------------------------------------------------------- inputs
    def _taking_input(self) -> LiveSession | None:
        """The session, when it takes input; otherwise says why not."""
        if self.live is None:
            return None
        refused = self.live.refusal()
        if refused is not None:
            self.show(refused)
            return None
        return self.live

    def _input(self, act: Callable[[LiveSession], Outcome]) -> None:
        """One input: to the session when it takes input (else why not), then its outcome."""
        if (live := self._taking_input()) is not None:
            self._do(act(live))

    def action_toggle_person(self, number: int) -> None:
        self._input(lambda live: live.toggle_nth(number))

    @on(Roster.Toggled)
    def _roster_clicked(self, event: Roster.Toggled) -> None:
        self._input(lambda live: live.toggle(event.participant_id))

    def action_guest(self) -> None:
        if (live := self._taking_input()) is None:
            return
        from roomguard.screens.session.guest_form import GuestForm

        def added(name: str | None) -> None:
            if name:
                self._do(live.add_guest(name))

        self.app.push_screen(GuestForm(), added)

    def _note_taken(self, text: str) -> None:
        self._input(lambda live: live.note(text))

    @on(TranscriptFeed.Heard)
    def _heard(self, message: TranscriptFeed.Heard) -> None:
        if self.live is not None and self.live.running:
            self._do(self.live.hear_all(message.utterances))

    def action_mark_topic(self) -> None:
        if (live := self._taking_input()) is None:
            return
        topic_id = self.query_one(SessionTopics).highlighted_topic_id
        if topic_id is None:
            self.notify("This agreement has no private topics.", severity="warning")
            return
        self._do(live.mark_topic(topic_id))

    @on(SessionTopics.MarkRequested)
    def _topic_selected(self, event: SessionTopics.MarkRequested) -> None:
        self._input(lambda live: live.mark_topic(event.topic_id))

    def action_discreet(self) -> None:
        self._input(lambda live: live.toggle_discreet())

    def action_reveal(self) -> None:
        from roomguard.screens.session.reveal import RevealLine

        self.app.push_screen(RevealLine(self.query_one(SessionLog).hidden()))

    def action_toggle_auto_discreet(self) -> None:
        if self.live is not None:
            store = self.host.store
            self._do(self.live.set_auto_discreet(
                not self.live.auto_discreet, lambda on: store.set_setting(AUTO_DISCREET, on)))

    # ----------------------------------------------------------------- alerts
    @on(AlertBanner.AcknowledgeRequested)
    def _banner_clicked(self, event: AlertBanner.AcknowledgeRequested) -> None:
        self.action_acknowledge(event.alert_id)

    def action_acknowledge(self, alert_id: str = "", then: object = None) -> None:
        """Ask how an alert (by default the oldest waiting) was handled, then record it.
        Allowed after the session has ended (from the summary)."""
        if self.live is None or not self.live.started:
            return
        if self.meaning.answer(alert_id):  # a possible topic: "yes, it was" or "no"
            return
        live = self.live
        waiting = live.state.unacknowledged()
        if not waiting:
            self.notify("No alert is waiting to be acknowledged.")
            return
        alert = live.state.alerts.get(alert_id) if alert_id else None
        if alert is None or alert.id in live.state.acknowledgements:
            alert = waiting[0]
        from roomguard.screens.session.acknowledge_form import AcknowledgeForm, Acknowledgement

        discreet = live.state.discreet
        chosen = alert
        together = [a.id for a in live.raised_with(alert.id)] or [alert.id]

        def answered(result: Acknowledgement | None) -> None:
            if result is not None:
                ids = together if result.apply_to_all else [chosen.id]
                self._do(live.acknowledge_all(ids, result.action, result.note,
                                              result.mute_phrase))
            if callable(then):
                then()

        description = live.alert_view(alert).masked if discreet else alert.reason
        self.app.push_screen(
            AcknowledgeForm(description, alert.phrase, discreet=discreet, waiting=len(waiting),
                            together=len(together), client_name=live.client.name),
            answered,
        )

    # ----------------------------------------------------------------- following a transcript
    def action_follow(self) -> None:
        if self._taking_input() is None:
            return
        from roomguard.screens.session.follow_form import STOP, FollowForm

        feed = self.query_one(TranscriptFeed)

        def chosen(choice: Path | str | None) -> None:
            if choice is None:
                return
            if choice == STOP:
                self._stop_following()
                self.notify("Stopped following the transcript.")
                return
            assert isinstance(choice, Path)
            feed.follow(choice)

        self.app.push_screen(FollowForm(feed.path), chosen)

    def _stop_following(self) -> None:
        for feed in self.query(TranscriptFeed):  # none once unmounted
            feed.stop()

    # ----------------------------------------------------------------- notes input focus
    def _typing(self) -> bool:
        focused = self.focused
        return isinstance(focused, LineInput) and focused.id == "notes"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_notes":
            return self._typing()
        if action == "notes":  # while typing, n is a letter of the note
            return not self._typing()
        if action == "reveal":  # only discreet mode hides lines
            return self.live is not None and self.live.started and self.live.state.discreet
        return True

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        self.refresh_bindings()

    def action_notes(self) -> None:
        self.set_focus(self.query_one("#notes", LineInput))  # now, not after queued keys

    def action_leave_notes(self) -> None:
        self.set_focus(self.query_one(Roster))

    def action_leave_notes_and_toggle(self, number: int) -> None:
        """Esc then *number*, typed quickly: out of the notes input, then key *number*."""
        self.action_leave_notes()
        self.action_toggle_person(number)

    # ----------------------------------------------------------------- ending, leaving
    def action_end_session(self) -> None:
        if self.live is not None and self.live.started and self.live.state.ended:
            self._show_summary()
        elif (live := self._taking_input()) is not None:
            self.app.push_screen(end_question(len(live.state.unacknowledged())),
                                 lambda end: self.end_session() if end else None)

    def end_session(self) -> None:
        """End now (journal, then index entry, through the writer), then the summary."""
        if (live := self._taking_input()) is None:
            return
        self._stop_following()
        self._do(live.end())
        self._show_summary()

    def _show_summary(self) -> None:
        from roomguard.screens.session.summary import SessionSummaryScreen, SummaryChoice

        assert self.live is not None
        live = self.live
        masks = live.masks() if live.state.discreet else None

        def chosen(choice: SummaryChoice | None) -> None:
            if choice == "acknowledge" and live.state.unacknowledged():
                self.action_acknowledge(then=self._after_late_ack)
            elif choice == "acknowledge":
                self._show_summary()
            else:
                self._leave_ended()

        self.app.push_screen(SessionSummaryScreen(live.summary(), live.client.name, masks),
                             chosen)

    def _after_late_ack(self) -> None:
        assert self.live is not None
        self.show(self.live.save_all())
        self._show_summary()

    def _unsaved_stays(self) -> bool:
        """Write everything; if something is still unsaved, say so and stay (True)."""
        assert self.live is not None
        self.show(self.live.save_all())
        if not self.live.writer.dirty:
            return False
        self.notify(
            f"{self.live.unsaved_count or 'Some'} change(s) are not saved yet; staying here and "
            f"retrying every {RETRY_SECONDS:g} seconds. Press escape to try again.",
            title="Not saved yet", severity="error", timeout=10)
        return True

    def _leave_ended(self) -> None:
        if self._unsaved_stays():
            return
        self.host.refresh_home()
        self.dismiss()

    def action_back(self) -> None:
        live = self.live
        if live is None or not live.running:
            if live is not None and live.started:
                self._leave_ended()
            else:
                self._stop_following()
                self.dismiss()
            return

        def chosen(choice: LeaveChoice | None) -> None:
            if choice == "end":
                self.end_session()
            elif choice == "leave":
                self._leave_open()

        self.app.push_screen(LeaveSession(), chosen)

    def _leave_open(self) -> None:
        if self._unsaved_stays():
            return
        self._stop_following()
        self.host.refresh_home()
        self.dismiss()
        self.app.notify("The session is still open; start a session for this client again "
                        "today to resume it.", title="Session left open")

    def action_quit_app(self) -> None:
        live = self.live
        if live is None or (not live.running and not live.writer.pending):
            self.app.exit()
            return

        def answer(quit_: bool | None) -> None:
            if quit_:
                live.save_all()
                self.app.exit()

        self.app.push_screen(quit_question(live.writer.pending), answer)
