"""The acknowledge dialog (issue 18, items 1 and 8): keys belong to the focused widget, muting
asks first, and alerts raised by one input can be handled in one step."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Checkbox, Input

from roomguard.core.events import AckAction, AlertAcknowledged, AlertRaised, Event
from roomguard.screens.dialogs.confirm import Confirm
from roomguard.screens.session.acknowledge_form import AcknowledgeForm, ChoiceSet
from roomguard.screens.session.screen import SessionScreen
from roomguard.store import Store
from tests.screens.helpers import running_session
from tests.screens.helpers import settle_session as settle

DIVORCE = "we talked about the divorce"
SENTENCE = "Dana OK with Sam hear"


def keys_for(text: str) -> list[str]:
    """What a coach types, as Pilot key names."""
    return ["space" if ch == " " else ch for ch in text]


def journal(path: Path, screen: SessionScreen) -> list[Event]:
    assert screen.record is not None
    with Store.open(path, readonly=True) as store:
        return store.events(screen.record.id)


def acks(path: Path, screen: SessionScreen) -> list[AlertAcknowledged]:
    return [e for e in journal(path, screen) if isinstance(e, AlertAcknowledged)]


async def raise_alert(pilot: Pilot[None], line: str = DIVORCE) -> None:
    """Grace comes in (3), the coach types *line*, leaves the notes input and presses a."""
    await pilot.press("3")
    await pilot.press("n", *keys_for(line), "enter", "escape")
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AcknowledgeForm), pilot.app.screen


class TestKeysBelongToTheFocusedWidget:
    async def test_a_v_tab_then_typing_puts_every_letter_into_the_note(
        self, store_path: Path
    ) -> None:
        """Issue 18 item 1: the "r" in "hear" recorded the acknowledgement, "s" in "Sam"
        changed the choice, and the note stayed empty."""
        async with running_session(store_path) as (pilot, screen):
            await raise_alert(pilot)
            form = pilot.app.screen
            await pilot.press("v", "tab", *keys_for(SENTENCE))
            await settle(pilot)
            assert pilot.app.screen is form
            assert form.query_one("#ack-note", Input).value == SENTENCE
            assert form.query_one("#mute", Checkbox).value is False
            assert not acks(store_path, screen)
            await pilot.press("enter")
            await settle(pilot)
            assert pilot.app.screen is screen
            (ack,) = acks(store_path, screen)
            assert (ack.action, ack.note, ack.mute_phrase) == (
                AckAction.VERBAL_CONSENT, SENTENCE, "")

    async def test_r_and_m_type_into_the_note_and_fire_nothing(self, store_path: Path) -> None:
        async with running_session(store_path) as (pilot, screen):
            await raise_alert(pilot, "my parents argued about custody of the dog")
            form = pilot.app.screen
            assert isinstance(form, AcknowledgeForm)
            form.query_one("#ack-note", Input).focus()
            await pilot.press(*keys_for("rm spvf"))
            await settle(pilot)
            assert pilot.app.screen is form
            assert form.query_one("#ack-note", Input).value == "rm spvf"
            assert form.query_one("#mute", Checkbox).value is False
            assert form.query_one(ChoiceSet).pressed_button is None
            assert not acks(store_path, screen)

    async def test_the_dialog_opens_on_the_choices_and_enter_alone_records_nothing(
        self, store_path: Path
    ) -> None:
        async with running_session(store_path) as (pilot, screen):
            await raise_alert(pilot)
            form = pilot.app.screen
            assert isinstance(form.focused, ChoiceSet)
            await pilot.press("enter")  # chooses the highlighted way; records nothing yet
            await settle(pilot)
            assert pilot.app.screen is form and not acks(store_path, screen)
            await pilot.press("enter")
            await settle(pilot)
            assert [a.action for a in acks(store_path, screen)] == [AckAction.STEPPED_OUT]

    async def test_tab_order_follows_the_dialog(self, store_path: Path) -> None:
        async with running_session(store_path) as (pilot, _):
            await raise_alert(pilot, "my parents argued about custody of the dog")
            form = pilot.app.screen
            order = []
            for _ in range(5):
                order.append(form.focused.id if form.focused else None)
                await pilot.press("tab")
            # The mute box is disabled until "false alarm" is chosen, so Tab skips it.
            assert order == ["ack-action", "ack-note", "cancel", "record", "ack-action"]

    async def test_escape_cancels_at_once_and_asks_first_when_a_note_was_typed(
        self, store_path: Path
    ) -> None:
        async with running_session(store_path) as (pilot, screen):
            await raise_alert(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert pilot.app.screen is screen
            await pilot.press("a", "tab", *keys_for("went out"))
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(pilot.app.screen, Confirm)
            await pilot.press("y")
            await settle(pilot)
            assert pilot.app.screen is screen
            assert len(screen.state.unacknowledged()) == 1


class TestMuting:
    async def test_stop_flagging_asks_naming_the_phrase_and_the_client(
        self, store_path: Path
    ) -> None:
        async with running_session(store_path) as (pilot, screen):
            await raise_alert(pilot, "my parents argued about custody of the dog")
            form = pilot.app.screen
            await pilot.press("m", "r")
            await settle(pilot)
            question = pilot.app.screen
            assert isinstance(question, Confirm)
            assert question.question == 'Stop flagging "custody" for Noah Kim?'
            await pilot.press("n")  # keep flagging: back in the dialog, nothing recorded
            await settle(pilot)
            assert pilot.app.screen is form
            assert not acks(store_path, screen)
            await pilot.press("m", "r")  # untick: a plain false alarm, no question
            await settle(pilot)
            assert pilot.app.screen is screen
            (ack,) = acks(store_path, screen)
            assert (ack.action, ack.mute_phrase) == (AckAction.FALSE_ALARM, "")

    async def test_in_discreet_mode_the_question_names_the_client_not_the_phrase(
        self, store_path: Path
    ) -> None:
        async with running_session(store_path) as (pilot, _):
            await raise_alert(pilot, "my parents argued about custody of the dog")
            await pilot.press("escape", "d", "a")
            await settle(pilot)
            await pilot.press("m", "r")
            await settle(pilot)
            question = pilot.app.screen
            assert isinstance(question, Confirm)
            assert "custody" not in question.question + question.detail
            assert "Noah Kim" in question.question


class TestAcknowledgeAll:
    async def test_one_outcome_and_note_for_every_alert_of_the_same_input(
        self, store_path: Path
    ) -> None:
        async with running_session(store_path) as (pilot, screen):
            await raise_alert(pilot, "the divorce and my girlfriend")
            assert len(screen.state.unacknowledged()) == 2
            form = pilot.app.screen
            box = form.query_one("#all", Checkbox)
            assert str(box.label) == "Apply to all 2 alerts raised by this event"
            assert box.value is False
            box.value = True
            await pilot.press("s", "tab", *keys_for("asked Grace out"), "enter")
            await settle(pilot)
            assert pilot.app.screen is screen
            raised = [e.id for e in journal(store_path, screen) if isinstance(e, AlertRaised)]
            handled = acks(store_path, screen)
            assert sorted(a.alert_id for a in handled) == sorted(raised)
            assert {(a.action, a.note) for a in handled} == {
                (AckAction.STEPPED_OUT, "asked Grace out")}
            assert not screen.state.unacknowledged()

    async def test_left_off_only_the_oldest_is_handled(self, store_path: Path) -> None:
        async with running_session(store_path) as (pilot, screen):
            await raise_alert(pilot, "the divorce and my girlfriend")
            await pilot.press("s", "enter")
            await settle(pilot)
            assert len(acks(store_path, screen)) == 1
            assert len(screen.state.unacknowledged()) == 1

    async def test_not_offered_while_muting(self, store_path: Path) -> None:
        async with running_session(store_path) as (pilot, _):
            await raise_alert(pilot, "the divorce and my girlfriend")
            form = pilot.app.screen
            box = form.query_one("#all", Checkbox)
            box.value = True
            await pilot.press("m")
            await settle(pilot)
            assert box.disabled and box.value is False

    async def test_a_lone_alert_has_no_such_choice(self, store_path: Path) -> None:
        async with running_session(store_path) as (pilot, _):
            await raise_alert(pilot)
            assert not pilot.app.screen.query("#all")
