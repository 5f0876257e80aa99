"""The session screen: presence, alerts and how they are handled, discreet mode, guests, topics,
following a transcript, ending, resuming, and surviving a store that cannot write."""

from __future__ import annotations

import gc
import io
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console
from textual.app import App
from textual.notifications import SeverityLevel
from textual.pilot import Pilot
from textual.widgets import Input

from roomguard.app import RoomguardApp
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
    SessionEnded,
    SessionStarted,
    TopicDetected,
    TopicMarked,
)
from roomguard.core.models import Agreement, Client
from roomguard.screens.dialogs.confirm import Confirm
from roomguard.screens.home import HomeScreen
from roomguard.screens.session.acknowledge_form import AcknowledgeForm
from roomguard.screens.session.briefing import SessionBriefing, briefing_for
from roomguard.screens.session.follow_form import FollowForm, check_transcript_path
from roomguard.screens.session.guest_form import GuestForm
from roomguard.screens.session.questions import LeaveSession
from roomguard.screens.session.reveal import RevealLine
from roomguard.screens.session.screen import SessionScreen
from roomguard.screens.session.summary import SessionSummaryScreen, summary_text
from roomguard.store import Store
from roomguard.store.errors import WriteFailed
from roomguard.widgets.alert_banner import AlertBanner
from roomguard.widgets.roster import Roster
from roomguard.widgets.session_log import SessionLog
from roomguard.widgets.session_topics import SessionTopics
from roomguard.widgets.transcript_feed import TranscriptFeed
from tests.screens.helpers import (
    NOW,
    TODAY,
    make_app,
    past_briefing,
    running_session,
    seeded_store,
    session_app,
)
from tests.screens.helpers import settle_session as settle

SIZE = (120, 40)
DIVORCE = "we talked about the divorce"


# ----------------------------------------------------------------------------- helpers
def client_and_agreement(path: Path, name: str) -> tuple[Client, Agreement]:
    with Store.open(path, readonly=True) as store:
        client = store.find_client(name)
        agreement = store.agreement(client.id)
        assert agreement is not None
        return client, agreement


def person_id(agreement: Agreement, name: str) -> str:
    return next(p.id for p in agreement.participants if p.name == name)


def journal(path: Path, session_id: str) -> list[Event]:
    with Store.open(path, readonly=True) as store:
        return store.events(session_id)


def kinds(events: list[Event], kind: type) -> list:
    return [e for e in events if isinstance(e, kind)]


def screen_of(app: RoomguardApp) -> SessionScreen:
    for screen in app.screen_stack:
        if isinstance(screen, SessionScreen):
            return screen
    raise AssertionError(f"no session screen in {app.screen_stack}")


async def type_line(pilot: Pilot[None], text: str) -> None:
    screen = screen_of(pilot.app)  # type: ignore[arg-type]
    notes = screen.query_one("#notes", Input)
    notes.focus()
    notes.value = text
    await pilot.press("enter")
    await settle(pilot)


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.02)


def banner_text(screen: SessionScreen) -> str:
    return screen.query_one(AlertBanner).render().plain


def summary_plain(dialog: SessionSummaryScreen) -> str:
    out = io.StringIO()
    console = Console(file=out, width=100, color_system=None)
    for part in summary_text(dialog.summary, dialog.client_name, dialog.masked_topics):
        console.print(part)
    return out.getvalue()


def roster_text(screen: SessionScreen) -> str:
    return screen.query_one(Roster).plain()


class Bells:
    """Counts the bells every app of this test rings (from its start)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        monkeypatch.setattr(RoomguardApp, "bell", lambda app: self.ring())

    def ring(self) -> None:
        self.count += 1


class FullDisk:
    """From now until :meth:`clear`, appending to a session's journal fails as on a full disk."""

    def __init__(self, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
        self.full = True
        for name in ("append_event", "append_events"):
            monkeypatch.setattr(store, name, self._failing(getattr(store, name)))

    def _failing(self, real: Callable[..., None]) -> Callable[..., None]:
        def append(*args: object) -> None:
            if self.full:
                raise WriteFailed(Path("journal.jsonl"), OSError(28, "No space left on device"))
            real(*args)

        return append

    def clear(self) -> None:
        self.full = False


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return seeded_store(tmp_path / "store")


# ----------------------------------------------------------------------------- starting
class TestStarting:
    async def test_briefing_lists_what_needs_attention(self, path: Path) -> None:
        _, agreement = client_and_agreement(path, "Marcus Webb")
        briefing = briefing_for(agreement, TODAY)
        text = "\n".join(briefing.attention)
        assert "Elena Ruiz" in text and "must consent again" in text
        assert "Review overdue since" in text
        app = session_app(path, "Marcus Webb")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, SessionBriefing)
            shown = " ".join(str(s.render()) for s in app.screen.query(".attention"))
            assert "Elena Ruiz" in shown and "Review overdue" in shown

    async def test_expired_scope_and_open_todo_are_listed(self, path: Path) -> None:
        from datetime import timedelta

        from roomguard.core.models import Todo

        _, agreement = client_and_agreement(path, "Priya Raman")
        agreement.terms.scopes[0].ends_on = TODAY - timedelta(days=3)
        agreement.todos.append(Todo("Record written consent from Tom", NOW))
        text = "\n".join(briefing_for(agreement, TODAY).attention)
        assert "Scope extension ended" in text and "Tom Becker" in text
        assert "Record written consent from Tom" in text

    async def test_cancel_records_nothing(self, path: Path) -> None:
        client, _ = client_and_agreement(path, "Noah Kim")
        with Store.open(path, readonly=True) as store:
            before = len(list(store.sessions(client_id=client.id)))
        app = session_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
        with Store.open(path, readonly=True) as store:
            assert len(list(store.sessions(client_id=client.id))) == before

    async def test_begin_records_the_start_with_client_and_coach_present(self, path: Path) -> None:
        _, agreement = client_and_agreement(path, "Noah Kim")
        async with running_session(path) as (pilot, screen):
            assert screen.record is not None
            (started,) = journal(path, screen.record.id)
            assert isinstance(started, SessionStarted)
            assert started.present == [person_id(agreement, "Noah Kim"),
                                       person_id(agreement, "Alex Morgan")]
            text = roster_text(screen)
            assert "1 ● in   Noah Kim" in text
            assert "3 ○ out  Grace Kim" in text
            assert "NOT cleared for Family conflict" in text

    async def test_open_session_from_today_is_resumed(self, path: Path) -> None:
        async with running_session(path) as (pilot, screen):
            app = pilot.app
            await pilot.press("3")
            await type_line(pilot, DIVORCE)
            session_id = screen.record.id  # type: ignore[union-attr]
            await app.action_quit()
        app = session_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, Confirm)
            assert "Resume the session started at 10:00" in str(app.screen.question)
            await pilot.press("y")
            await settle(pilot)
            screen = screen_of(app)
            assert screen.record is not None and screen.record.id == session_id
            assert "3 ● in   Grace Kim" in roster_text(screen)
            assert "Family conflict" in banner_text(screen)  # still unacknowledged
            assert any(DIVORCE in line for line in screen.query_one(SessionLog).plain_lines())
            await pilot.press("3")
            await settle(pilot)
        events = journal(path, session_id)
        assert len(kinds(events, SessionStarted)) == 1
        assert [e.present for e in kinds(events, PresenceChanged)] == [True, False]

    async def test_declining_resume_starts_a_new_session(self, path: Path) -> None:
        async with running_session(path) as (pilot, screen):
            app = pilot.app
            first = screen.record.id  # type: ignore[union-attr]
            await app.action_quit()
        app = session_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("n")  # start a new one
            screen = await past_briefing(pilot)
            assert screen.record is not None and screen.record.id != first

    async def test_client_without_agreement_goes_back_home(self, path: Path) -> None:
        with Store.open(path) as store:
            lone = Client("Lone Client", created_on=TODAY)
            store.save_client(lone)
        app = make_app(path, session_client=lone.id)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert any("no agreement" in str(n.message) for n in app._notifications)


# ----------------------------------------------------------------------------- presence
class TestPresence:
    async def test_number_keys_toggle_and_store_at_once(self, path: Path) -> None:
        _, agreement = client_and_agreement(path, "Noah Kim")
        grace = person_id(agreement, "Grace Kim")
        async with running_session(path) as (pilot, screen):
            await pilot.press("3")
            await settle(pilot)
            assert "3 ● in   Grace Kim" in roster_text(screen)
            changes = kinds(journal(path, screen.record.id), PresenceChanged)  # type: ignore[union-attr]
            assert [(c.participant_id, c.present, c.source) for c in changes] == [
                (grace, True, PresenceSource.KEY)
            ]
            assert changes[0].at == NOW
            await pilot.press("3")
            await settle(pilot)
            assert "3 ○ out  Grace Kim" in roster_text(screen)
            await pilot.press("1")
            await settle(pilot)
            assert "1 ○ out  Noah Kim" in roster_text(screen)
            changes = kinds(journal(path, screen.record.id), PresenceChanged)  # type: ignore[union-attr]
            assert [c.present for c in changes] == [True, False, False]

    async def test_digits_type_into_the_notes_input(self, path: Path) -> None:
        async with running_session(path) as (pilot, screen):
            app = pilot.app
            await pilot.press("n")
            await pilot.press("3", "1", "g")
            await settle(pilot)
            assert screen.query_one("#notes", Input).value == "31g"
            assert "3 ○ out  Grace Kim" in roster_text(screen)
            assert not isinstance(app.screen, GuestForm)
            await pilot.press("escape")  # leaves the input, does not leave the session
            await settle(pilot)
            assert app.screen is screen
            await pilot.press("3")
            await settle(pilot)
            assert "3 ● in   Grace Kim" in roster_text(screen)

    async def test_number_beyond_the_list_warns(self, path: Path) -> None:
        async with running_session(path) as (pilot, screen):
            app = pilot.app
            await pilot.press("7")
            await settle(pilot)
            assert any("no person 7" in str(n.message) for n in app._notifications)
            assert len(journal(path, screen.record.id)) == 1  # type: ignore[union-attr]

    async def test_clicking_a_person_toggles_them(self, path: Path) -> None:
        async with running_session(path) as (pilot, screen):
            rows = list(screen.query("RosterRow"))
            await pilot.click(rows[2])
            await settle(pilot)
            assert "3 ● in   Grace Kim" in roster_text(screen)

    async def test_guest_is_added_uncleared(self, path: Path) -> None:
        async with running_session(path) as (pilot, screen):
            app = pilot.app
            await pilot.press("g")
            await settle(pilot)
            assert isinstance(app.screen, GuestForm)
            await pilot.press("enter")  # no name yet
            await settle(pilot)
            assert isinstance(app.screen, GuestForm)
            assert "name" in str(app.screen.query_one("#guest-error").render())
            await pilot.press(*"[bold]Uncle[/] Ray")
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is screen
            text = roster_text(screen)
            assert "4 ● in   [bold]Uncle[/] Ray  guest" in text
            assert "NOT cleared for Family conflict, Friendships and dating" in text
            (joined,) = kinds(journal(path, screen.record.id), GuestJoined)  # type: ignore[union-attr]
            assert joined.guest.name == "[bold]Uncle[/] Ray"
            await pilot.press("4")  # the guest has a number like everyone else
            await settle(pilot)
            assert "4 ○ out  [bold]Uncle[/] Ray" in roster_text(screen)


# ----------------------------------------------------------------------------- alerts
class TestAlerts:
    async def test_typed_private_phrase_with_uncleared_person_alerts(
        self, path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        bells = Bells(monkeypatch)
        async with running_session(path) as (pilot, screen):
            app = pilot.app
            await pilot.press("3")
            await type_line(pilot, DIVORCE)
            text = banner_text(screen)
            assert "1 unacknowledged alert" in text
            assert 'Family conflict came up ("divorce")' in text and "Grace Kim" in text
            assert bells.count == 1
            assert any(n.title == "Private topic alert" for n in app._notifications)
            events = journal(path, screen.record.id)  # type: ignore[union-attr]
            (note,) = kinds(events, NoteAdded)
            assert note.text == DIVORCE and note.private
            (detected,) = kinds(events, TopicDetected)
            assert (detected.phrase, detected.start, detected.end) == ("divorce", 20, 27)
            (alert,) = kinds(events, AlertRaised)
            assert alert.topic_name == "Family conflict" and alert.phrase == "divorce"
            log = screen.query_one(SessionLog).plain_lines()
            assert any(DIVORCE in line for line in log)
            assert any("alert" in line and "Grace Kim" in line for line in log)

    async def test_no_alert_when_everyone_present_is_cleared(
        self, path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        bells = Bells(monkeypatch)
        async with running_session(path) as (pilot, screen):
            await type_line(pilot, DIVORCE)
            assert not screen.query_one(AlertBanner).alerts
            assert bells.count == 0
            events = journal(path, screen.record.id)  # type: ignore[union-attr]
            assert len(kinds(events, TopicDetected)) == 1 and not kinds(events, AlertRaised)
            # Grace is cleared for school worries: no alert for that with her in the room.
            await pilot.press("escape", "3")
            await type_line(pilot, "homework keeps piling up")
            alerts = kinds(journal(path, screen.record.id), AlertRaised)  # type: ignore[union-attr]
            assert [a.topic_name for a in alerts] == ["Family conflict"]
            # ...but the divorce came up minutes ago, so her arrival raised that one.
            assert "Grace Kim joined while Family conflict is active" in banner_text(screen)

    async def test_repeated_mention_does_not_stack_alerts(self, path: Path) -> None:
        async with running_session(path) as (pilot, screen):
            await pilot.press("3")
            await type_line(pilot, DIVORCE)
            await type_line(pilot, "the divorce again")
            assert len(screen.state.unacknowledged()) == 1

    async def test_manual_topic_mark_alerts_and_is_stored(self, path: Path) -> None:
        async with running_session(path) as (pilot, screen):
            await pilot.press("3")
            topics = screen.query_one(SessionTopics)
            topics.focus()
            await pilot.press("down")  # Friendships and dating
            await pilot.press("m")
            await settle(pilot)
            assert "Friendships and dating marked active" in banner_text(screen)
            events = journal(path, screen.record.id)  # type: ignore[union-attr]
            (mark,) = kinds(events, TopicMarked)
            assert mark.active
            assert kinds(events, AlertRaised)[0].topic_id == mark.topic_id
            option = topics.get_option_at_index(1)
            assert "marked active" in str(option.prompt)
            await pilot.press("enter")  # selecting it again closes it
            await settle(pilot)
            marks = kinds(journal(path, screen.record.id), TopicMarked)  # type: ignore[union-attr]
            assert [m.active for m in marks] == [True, False]

    async def test_marked_topic_alerts_when_someone_joins(self, path: Path) -> None:
        async with running_session(path) as (pilot, screen):
            screen.query_one(SessionTopics).focus()
            await pilot.press("m")  # Family conflict, with only Noah and the coach
            await settle(pilot)
            assert not screen.state.alerts
            await pilot.press("g")
            await settle(pilot)
            await pilot.press(*"Visitor", "enter")
            await settle(pilot)
            assert "Visitor joined while Family conflict is active" in banner_text(screen)

    @pytest.mark.parametrize(
        ("key", "action"),
        [("s", AckAction.STEPPED_OUT), ("p", AckAction.PAUSED),
         ("v", AckAction.VERBAL_CONSENT), ("f", AckAction.FALSE_ALARM)],
    )
    async def test_acknowledge_each_action(
        self, path: Path, key: str, action: AckAction
    ) -> None:
        async with running_session(path) as (pilot, screen):
            app = pilot.app
            await pilot.press("3")
            await type_line(pilot, DIVORCE)
            await pilot.press("escape")  # out of the notes input
            await pilot.press("a")
            await settle(pilot)
            assert isinstance(app.screen, AcknowledgeForm)
            await pilot.press(key)
            await settle(pilot)
            app.screen.query_one("#ack-note", Input).value = "handled it"
            await pilot.press("enter")  # the choice moved focus to the Record button
            await settle(pilot)
            assert app.screen is screen
            assert not screen.query_one(AlertBanner).alerts
            events = journal(path, screen.record.id)  # type: ignore[union-attr]
            (alert,) = kinds(events, AlertRaised)
            (ack,) = kinds(events, AlertAcknowledged)
            assert (ack.alert_id, ack.action, ack.note, ack.mute_phrase) == (
                alert.id, action, "handled it", ""
            )
            assert any("handled: " + action.value in line
                       for line in screen.query_one(SessionLog).plain_lines())

    async def test_verbal_consent_adds_a_todo_and_clears_for_the_session(
        self, path: Path
    ) -> None:
        async with running_session(path) as (pilot, screen):
            await pilot.press("3")
            await type_line(pilot, DIVORCE)
            await pilot.press("escape", "a")
            await settle(pilot)
            await pilot.press("v", "enter")
            await settle(pilot)
            assert "some by verbal consent today" not in roster_text(screen)
            assert "NOT cleared for Friendships and dating" in roster_text(screen)
            assert "Family conflict" not in roster_text(screen).split("Grace Kim")[1]
            await type_line(pilot, "the divorce is final")
            assert not screen.state.unacknowledged()
        _, agreement = client_and_agreement(path, "Noah Kim")
        (todo,) = agreement.todos
        assert todo.text.startswith("Record written consent from Grace Kim for Family conflict")
        assert todo.participant_id == person_id(agreement, "Grace Kim")
        assert todo.session_id == screen.record.id  # type: ignore[union-attr]

    async def test_false_alarm_can_mute_the_phrase_for_this_client(self, path: Path) -> None:
        async with running_session(path) as (pilot, screen):
            app = pilot.app
            await pilot.press("3")
            await type_line(pilot, "my parents argued about custody of the dog")
            await pilot.press("escape", "a")
            await settle(pilot)
            form = app.screen
            assert isinstance(form, AcknowledgeForm)
            await pilot.press("m")  # stop flagging: chooses "false alarm" too
            await pilot.press("r")
            await settle(pilot)
            # Muting is for good: a second dialog names the phrase and the client first.
            question = app.screen
            assert isinstance(question, Confirm)
            assert question.question == 'Stop flagging "custody" for Noah Kim?'
            await pilot.press("y")
            await settle(pilot)
            assert app.screen is screen
            (ack,) = kinds(journal(path, screen.record.id), AlertAcknowledged)  # type: ignore[union-attr]
            assert ack.action is AckAction.FALSE_ALARM and ack.mute_phrase == "custody"
            await type_line(pilot, "custody schedule for the dog")
            assert not screen.state.unacknowledged()
            assert len(kinds(journal(path, screen.record.id), TopicDetected)) == 1  # type: ignore[union-attr]
        _, agreement = client_and_agreement(path, "Noah Kim")
        assert agreement.muted_phrases == ["custody"]

    async def test_acknowledging_needs_a_choice_and_cancel_keeps_the_alert(
        self, path: Path
    ) -> None:
        async with running_session(path) as (pilot, screen):
            app = pilot.app
            await pilot.press("3")
            await type_line(pilot, DIVORCE)
            await pilot.press("escape", "a")
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot)
            assert isinstance(app.screen, AcknowledgeForm)
            assert "Choose how" in str(app.screen.query_one("#action-error").render())
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is screen
            assert len(screen.state.unacknowledged()) == 1
            assert banner_text(screen)

    async def test_a_with_no_alert_says_so(self, path: Path) -> None:
        async with running_session(path) as (pilot, _):
            app = pilot.app
            await pilot.press("a")
            await settle(pilot)
            assert not isinstance(app.screen, AcknowledgeForm)
            assert any("No alert" in str(n.message) for n in app._notifications)


# ----------------------------------------------------------------------------- discreet mode
class TestDiscreet:
    async def test_discreet_mode_masks_topics_and_private_lines(self, path: Path) -> None:
        async with running_session(path) as (pilot, screen):
            app = pilot.app
            await pilot.press("3")
            await type_line(pilot, DIVORCE)
            await type_line(pilot, "next session on Tuesday")
            await pilot.press("escape", "d")
            await settle(pilot)
            shown = "\n".join([
                banner_text(screen),
                roster_text(screen),
                "\n".join(screen.query_one(SessionLog).plain_lines()),
                "\n".join(str(o.prompt) for o in screen.query_one(SessionTopics).options),
            ])
            for secret in ("Family conflict", "divorce", "Friendships", "Self-harm"):
                assert secret not in shown
            assert "Alert on Private topic 1 — 1 person present not cleared" in banner_text(screen)
            assert "Grace" not in banner_text(screen)  # who must not hear it, beside a topic
            assert "NOT cleared for 3 private topics" in roster_text(screen)
            assert "Grace" not in roster_text(screen)  # nor in the roster: the screen is shared
            assert "3 ● in   (name hidden)  supporter/guardian" in roster_text(screen)
            assert "Noah Kim" in roster_text(screen)  # the cleared keep their names
            toasts = " ".join(str(n.message) for n in app._notifications)
            assert "Family conflict" not in toasts  # the alert's toast was taken down
            # Every line is hidden, not only those that hit a phrase: a phrase list never
            # catches everything the coach writes.
            assert "next session on Tuesday" not in shown
            assert "DISCREET" in str(screen.query_one("#session-status").render())
            await pilot.press("d")
            await settle(pilot)
            assert "Family conflict" in banner_text(screen)
            assert "Grace Kim" in roster_text(screen)
            changes = kinds(journal(path, screen.record.id), DiscreetModeChanged)  # type: ignore[union-attr]
            assert [c.on for c in changes] == [True, False]

    async def test_a_hidden_line_can_be_revealed_one_at_a_time(self, path: Path) -> None:
        async with running_session(path) as (pilot, screen):
            app = pilot.app
            await type_line(pilot, "she was diagnosed in May")  # no phrase, still private
            await type_line(pilot, "next session on Tuesday")
            await pilot.press("escape", "d")
            await settle(pilot)
            log = "\n".join(screen.query_one(SessionLog).plain_lines())
            assert "diagnosed" not in log and "Tuesday" not in log
            await pilot.press("r")
            await settle(pilot)
            assert isinstance(app.screen, RevealLine)
            shown = str(app.screen.query_one("#reveal-line").render())
            assert "next session on Tuesday" in shown and "diagnosed" not in shown
            await pilot.press("up")
            shown = str(app.screen.query_one("#reveal-line").render())
            assert "she was diagnosed in May" in shown and "Tuesday" not in shown
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is screen
            log = "\n".join(screen.query_one(SessionLog).plain_lines())
            assert "diagnosed" not in log  # the log itself was never unmasked

    async def test_reveal_is_offered_only_in_discreet_mode(self, path: Path) -> None:
        async with running_session(path) as (pilot, screen):
            await type_line(pilot, "she was diagnosed in May")
            await pilot.press("escape", "r")
            await settle(pilot)
            assert pilot.app.screen is screen

    async def test_acknowledge_form_is_masked_in_discreet_mode(self, path: Path) -> None:
        async with running_session(path) as (pilot, _):
            app = pilot.app
            await pilot.press("3")
            await type_line(pilot, DIVORCE)
            await pilot.press("escape", "d", "a")
            await settle(pilot)
            assert isinstance(app.screen, AcknowledgeForm)
            text = " ".join(str(w.render()) for w in app.screen.query("Static, Checkbox"))
            assert "divorce" not in text and "Family conflict" not in text

    async def test_auto_discreet_turns_on_when_someone_uncleared_joins(
        self, path: Path
    ) -> None:
        with Store.open(path) as store:
            store.set_setting("auto_discreet", True)
        async with running_session(path) as (pilot, screen):
            assert not screen.state.discreet  # only cleared people so far
            await pilot.press("3")
            await settle(pilot)
            assert screen.state.discreet
            assert kinds(journal(path, screen.record.id), DiscreetModeChanged)  # type: ignore[union-attr]

    async def test_auto_discreet_is_a_palette_command_and_a_setting(self, path: Path) -> None:
        async with running_session(path) as (pilot, screen):
            app = pilot.app
            titles = {c.title for c in app.get_system_commands(screen)}
            for wanted in ("Automatic discreet mode on/off", "Guest", "Discreet", "Acknowledge",
                           "Mark topic", "Follow", "End", "Toggle person 3 in/out"):
                assert wanted in titles
            screen.action_toggle_auto_discreet()
            await pilot.press("3")
            await settle(pilot)
            assert screen.state.discreet
        with Store.open(path, readonly=True) as store:
            assert store.setting("auto_discreet") is True


# ----------------------------------------------------------------------------- following
class TestFollow:
    async def test_follows_a_file_that_grows(
        self, path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        transcript = tmp_path / "call.txt"
        bells = Bells(monkeypatch)
        async with running_session(path, follow=transcript) as (pilot, screen):
            app = pilot.app
            status = screen.query_one(TranscriptFeed)
            await wait_for(pilot, lambda: "waiting for file" in status.render().plain)
            with transcript.open("a", encoding="utf-8") as out:
                out.write("Noah: hi, sorry I'm late\nMum: I'll sit in today\n")
            await wait_for(pilot, lambda: "3 ● in   Grace Kim" in roster_text(screen))
            assert "(heard speaking)" in roster_text(screen)
            assert "following" in status.render().plain
            with transcript.open("a", encoding="utf-8") as out:
                out.write("[00:03:10.000] Noah: the divorce is hard\n")
            await wait_for(pilot, lambda: "Family conflict" in banner_text(screen))
            assert bells.count == 1
            with transcript.open("a", encoding="utf-8") as out:
                out.write("Bob: hello everyone\n")
            await wait_for(pilot, lambda: "Bob  guest" in roster_text(screen))
            await wait_for(pilot, lambda: "Bob joined while Family conflict" in banner_text(screen))
            assert any(n.title == "Unknown speaker" for n in app._notifications)
            assert "4 lines heard" in status.render().plain
            events = journal(path, screen.record.id)  # type: ignore[union-attr]
            (presence,) = kinds(events, PresenceChanged)
            assert presence.source is PresenceSource.SPEECH
            (guest,) = kinds(events, GuestJoined)
            assert guest.source is PresenceSource.SPEECH and guest.guest.name == "Bob"
            (detected,) = kinds(events, TopicDetected)
            assert (detected.speaker, detected.cue_time) == ("Noah", "00:03:10.000")
            assert detected.line == "the divorce is hard"

    async def test_a_transcript_already_written_is_read_in_one_go(
        self, path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        transcript = tmp_path / "so-far.txt"
        lines = ["Mum: hello"] + [f"Noah: filler line {i}" for i in range(200)] + [
            "Noah: the divorce", "Noah: my girlfriend", "Noah: I feel unsafe", "Noah: exam stress",
        ]
        transcript.write_text("\n".join(lines) + "\n", encoding="utf-8")
        bells = Bells(monkeypatch)
        async with running_session(path, follow=transcript) as (pilot, screen):
            await wait_for(pilot, lambda: len(screen.state.alerts) == 3)
            await pilot.pause(0.2)
            assert bells.count == 3  # school worries: Grace is cleared for it
            assert "3 unacknowledged alerts" in banner_text(screen)
            assert len(screen.query_one(SessionLog).entries) > 200

    async def test_f_prompts_for_a_path_and_validates_it(
        self, path: Path, tmp_path: Path
    ) -> None:
        transcript = tmp_path / "later.vtt"
        async with running_session(path) as (pilot, screen):
            app = pilot.app
            await pilot.press("f")
            await settle(pilot)
            assert isinstance(app.screen, FollowForm)
            app.screen.query_one("#follow-path", Input).value = str(tmp_path)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, FollowForm)
            assert "is a folder" in str(app.screen.query_one("#follow-error").render())
            app.screen.query_one("#follow-path", Input).value = str(transcript)
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is screen
            transcript.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Grace>Hello\n\n",
                                  encoding="utf-8")
            await wait_for(pilot, lambda: "3 ● in   Grace Kim" in roster_text(screen))
            await pilot.press("f")
            await settle(pilot)
            await pilot.click("#stop")
            await settle(pilot)
            assert "off" in screen.query_one(TranscriptFeed).render().plain

    def test_path_checks(self, tmp_path: Path) -> None:
        assert check_transcript_path("")[1]
        assert "does not exist" in check_transcript_path(str(tmp_path / "no" / "x.txt"))[1]
        path, error, note = check_transcript_path(str(tmp_path / "new.txt"))
        assert path == tmp_path / "new.txt" and not error and "wait" in note


# ----------------------------------------------------------------------------- ending
class TestEnding:
    async def test_end_session_shows_a_summary_and_closes_the_record(self, path: Path) -> None:
        async with running_session(path) as (pilot, screen):
            app = pilot.app
            record_id = screen.record.id  # type: ignore[union-attr]
            await pilot.press("3")
            await type_line(pilot, DIVORCE)
            await pilot.press("escape", "a")
            await settle(pilot)
            await pilot.press("s", "enter")
            await settle(pilot)
            await pilot.press("3")
            await pilot.press("e")
            await settle(pilot)
            assert isinstance(app.screen, Confirm)
            await pilot.press("y")
            await settle(pilot)
            assert isinstance(app.screen, SessionSummaryScreen)
            text = summary_plain(app.screen)
            assert "Session with Noah Kim" in text
            assert "Grace Kim" in text and "10:00–10:00" in text
            assert "Alerts: 1" in text and "asked the person to step out" in text
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
        events = journal(path, record_id)
        assert isinstance(events[-1], SessionEnded)
        with Store.open(path, readonly=True) as store:
            record = store.session(record_id)
            assert record is not None and record.ended_at == NOW
            assert (record.alerts, record.unhandled) == (1, 0)

    async def test_unhandled_alerts_can_be_acknowledged_from_the_summary(
        self, path: Path
    ) -> None:
        async with running_session(path) as (pilot, screen):
            app = pilot.app
            record_id = screen.record.id  # type: ignore[union-attr]
            await pilot.press("3")
            await type_line(pilot, DIVORCE)
            await pilot.press("escape", "e")
            await settle(pilot)
            assert "1 alert is not acknowledged" in app.screen.detail  # type: ignore[attr-defined]
            await pilot.press("y")
            await settle(pilot)
            assert isinstance(app.screen, SessionSummaryScreen)
            assert "Alerts: 1, 1 not handled" in summary_plain(app.screen)
            await pilot.press("a")
            await settle(pilot)
            assert isinstance(app.screen, AcknowledgeForm)
            await pilot.press("p", "enter")
            await settle(pilot)
            assert isinstance(app.screen, SessionSummaryScreen)
            assert app.screen.summary.unhandled == 0
            await pilot.press("enter")
            await settle(pilot)
        events = journal(path, record_id)
        assert [type(e).__name__ for e in events[-2:]] == ["SessionEnded", "AlertAcknowledged"]
        with Store.open(path, readonly=True) as store:
            record = store.session(record_id)
            assert record is not None and (record.alerts, record.unhandled) == (1, 0)

    async def test_escape_asks_and_can_leave_the_session_open(self, path: Path) -> None:
        async with running_session(path) as (pilot, screen):
            app = pilot.app
            record_id = screen.record.id  # type: ignore[union-attr]
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, LeaveSession)
            await pilot.press("escape")  # stay
            await settle(pilot)
            assert app.screen is screen
            await pilot.press("escape")
            await settle(pilot)
            assert not gc.isenabled()  # the session runs the collector itself while live
            await pilot.press("l")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert gc.isenabled() and gc.get_freeze_count() == 0  # and gives it back
            with Store.open(path, readonly=True) as store:
                record = store.session(record_id)
                assert record is not None and record.ended_at is None
            # Starting again today offers to resume it.
            client, _ = client_and_agreement(path, "Noah Kim")
            app.open_session(client)
            await settle(pilot)
            assert isinstance(app.screen, Confirm)

    async def test_escape_can_end_the_session(self, path: Path) -> None:
        async with running_session(path) as (pilot, _):
            app = pilot.app
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("e")
            await settle(pilot)
            assert isinstance(app.screen, SessionSummaryScreen)


# ----------------------------------------------------------------------------- failing store
class TestStoreFailure:
    async def test_unsaved_events_are_queued_shown_and_retried(
        self, path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        async with running_session(path) as (pilot, screen):
            app = pilot.app
            disk = FullDisk(app.store, monkeypatch)
            await pilot.press("3")
            await type_line(pilot, DIVORCE)
            unsaved = screen.unsaved_count
            assert unsaved == 4  # presence, note, topic, alert
            status = str(screen.query_one("#session-status").render())
            assert f"{unsaved} events not yet saved" in status
            errors = [n for n in app._notifications if n.severity == "error"
                      and n.title == "Could not save"]
            assert len(errors) == 1  # said once, not on every keystroke
            assert "Family conflict" in banner_text(screen)  # the session keeps running
            disk.clear()
            screen._tick()  # what the 2-second timer does
            await settle(pilot)
            assert screen.unsaved_count == 0
            assert "not yet saved" not in str(screen.query_one("#session-status").render())
            events = journal(path, screen.record.id)  # type: ignore[union-attr]
            assert [type(e).__name__ for e in events] == [
                "SessionStarted", "PresenceChanged", "NoteAdded", "TopicDetected", "AlertRaised"
            ]

    async def test_session_starts_in_memory_when_the_store_cannot_write(
        self, path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        app = session_app(path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            disk = FullDisk(app.store, monkeypatch)
            screen = await past_briefing(pilot)
            await pilot.press("3")
            await settle(pilot)
            assert screen.unsaved_count == 3  # start, presence, and the index entry
            disk.clear()
            await wait_for(pilot, lambda: screen.unsaved_count == 0, timeout=5)
            record_id = screen.record.id  # type: ignore[union-attr]
        events = journal(path, record_id)
        assert [type(e).__name__ for e in events] == ["SessionStarted", "PresenceChanged"]
        with Store.open(path, readonly=True) as store:
            assert store.session(record_id) is not None

    async def test_summary_waits_for_unsaved_events(
        self, path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        async with running_session(path) as (pilot, screen):
            app = pilot.app
            disk = FullDisk(app.store, monkeypatch)
            screen.end_session()
            await settle(pilot)
            await pilot.press("enter")  # close the summary
            await settle(pilot)
            assert app.screen is screen  # not left while the end is unsaved
            disk.clear()
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert isinstance(journal(path, screen.record.id)[-1], SessionEnded)  # type: ignore[union-attr]


# ----------------------------------------------------------------------------- latency
# Line-to-alert latency is measured by `make bench` (bench/bench_alert_latency.py), not here.


# ----------------------------------------------------------------------------- snapshots
# Each at 80x24 and 120x36. A snapshot waits on state (workers done, the screen settled), never
# on time: toasts are kept up until it is taken (see lasting_toasts), and the clock is fixed.
SNAPSHOT_SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 36), id="120x36")]


@pytest.fixture
def lasting_toasts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Toasts stay up until the snapshot is taken, however busy the machine: a toast's timeout
    runs on the real clock, which no snapshot may depend on. (What a toast shows is unchanged.)"""
    real = App.notify

    def notify(self: App[object], message: str, *, title: str = "",
               severity: SeverityLevel = "information", timeout: float | None = None,
               markup: bool = True) -> None:
        real(self, message, title=title, severity=severity, timeout=3600, markup=markup)

    monkeypatch.setattr(App, "notify", notify)


async def alert_on_screen(pilot: Pilot[None]) -> SessionScreen:
    """Begin, let Grace in and mention the divorce: an alert waits; focus back on the roster."""
    screen = await past_briefing(pilot)
    await pilot.press("3")
    await type_line(pilot, DIVORCE)
    await pilot.press("escape")
    await settle(pilot)
    return screen


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_session_snapshot_with_active_alert(
    snap_compare, tmp_path: Path, size: tuple[int, int], lasting_toasts: None
) -> None:
    path = seeded_store(tmp_path / "store")

    async def run_before(pilot: Pilot[None]) -> None:
        screen = await alert_on_screen(pilot)
        assert len(screen.state.unacknowledged()) == 1

    assert snap_compare(session_app(path), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_session_snapshot_in_discreet_mode(
    snap_compare, tmp_path: Path, size: tuple[int, int], lasting_toasts: None
) -> None:
    """The same alert, discreetly: no topic, phrase or private line shows; toasts taken down."""
    path = seeded_store(tmp_path / "store")

    async def run_before(pilot: Pilot[None]) -> None:
        screen = await alert_on_screen(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert screen.state.discreet and not pilot.app._notifications

    assert snap_compare(session_app(path), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_session_snapshot_with_unsaved_events(
    snap_compare, tmp_path: Path, size: tuple[int, int], lasting_toasts: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The disk fills after the start: the session runs on, the status line counts what is not
    saved, and one toast says why."""
    path = seeded_store(tmp_path / "store")

    async def run_before(pilot: Pilot[None]) -> None:
        screen = await past_briefing(pilot)
        FullDisk(pilot.app.store, monkeypatch)  # type: ignore[attr-defined]
        await pilot.press("3")
        await type_line(pilot, DIVORCE)
        await pilot.press("escape")
        await settle(pilot)
        assert screen.unsaved_count == 4

    assert snap_compare(session_app(path), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_session_snapshot_on_a_read_only_store(
    snap_compare, tmp_path: Path, size: tuple[int, int], lasting_toasts: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another Roomguard holds the store: this one opens read-only, refuses the session with a
    toast saying why, and stays on home in read-only mode."""
    monkeypatch.chdir(tmp_path)  # the messages name the store by the path it was given
    path = seeded_store(Path("roomguard-store"))
    other = Store.open(path)  # the other instance, writing
    # Who holds the lock, as the other instance recorded it (its pid and start vary by run).
    (path / "roomguard.lock").write_text(
        '{"pid": 4242, "host": "coach-laptop", "since": "2026-11-25T09:00:00"}', encoding="utf-8")

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)
        assert [n.title for n in pilot.app._notifications] == ["Read-only", "Read-only"]

    try:
        assert snap_compare(session_app(path), terminal_size=size, run_before=run_before)
    finally:
        other.close()


@pytest.mark.parametrize("size", SNAPSHOT_SIZES)
def test_store_problem_snapshot(
    snap_compare, tmp_path: Path, size: tuple[int, int], lasting_toasts: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """practice.json is damaged: instead of home, what is wrong and the backups to restore."""
    from roomguard.screens import store_problem
    from roomguard.screens.store_problem import StoreProblemScreen
    from roomguard.store.backups import list_backups

    monkeypatch.chdir(tmp_path)
    path = seeded_store(Path("roomguard-store"))
    with Store.open(path) as store:
        taken = store.backup("manual")
    taken.rename(taken.with_name("roomguard-20261124-183000-daily.zip"))  # a fixed time
    (path / "practice.json").write_bytes(b'{"clients": {"1": ')

    def listed(root: Path) -> list[object]:
        # A backup's size varies by a few bytes from run to run (the demo's ids are random).
        return [replace(b, size=8_750) for b in list_backups(root)]

    monkeypatch.setattr(store_problem, "list_backups", listed)

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        assert isinstance(pilot.app.screen, StoreProblemScreen)

    assert snap_compare(make_app(path), terminal_size=size, run_before=run_before)


# ----------------------------------------------------------------------------- action items
class TestShareableActionItems:
    async def test_share_prefix_tags_an_action_item_unless_it_is_private(self, path: Path) -> None:
        from roomguard.core.events import NoteAdded

        async with running_session(path) as (pilot, screen):
            await type_line(pilot, "share: book the room for Tuesday")
            await type_line(pilot, "share: talk about the divorce")
            await type_line(pilot, "an ordinary note")
            record = screen.record
        notes = kinds(journal(path, record.id), NoteAdded)
        assert [(n.text, n.shareable, n.private) for n in notes] == [
            ("book the room for Tuesday", True, False),
            ("talk about the divorce", False, True),
            ("an ordinary note", False, False),
        ]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("share: call Tom", ("call Tom", True)), ("SHARE:  x ", ("x", True)),
     ("share:", ("", False)), ("shared plans", ("shared plans", False))],
)
def test_parse_note(typed: str, expected: tuple[str, bool]) -> None:
    from roomguard.core.session import parse_note

    assert parse_note(typed) == expected
