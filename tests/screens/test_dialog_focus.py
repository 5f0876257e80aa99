"""Escape and focus in dialogs (issue 18, item 6): escape cancels on the first press, after a
validation error too; every dialog opens where the coach decides or types first; the keys the
footer shows work; and focus goes back where it was when a dialog closes."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select

from roomguard.screens.checkins import CheckinsScreen
from roomguard.screens.dialogs.client_form import ClientForm
from roomguard.screens.dialogs.confirm import Confirm
from roomguard.screens.dialogs.onboarding import Onboarding
from roomguard.screens.dialogs.reschedule_form import RescheduleForm
from roomguard.screens.dialogs.review_form import ReviewForm
from roomguard.screens.session.follow_form import FollowForm
from roomguard.widgets.roster import Roster
from tests.screens.helpers import make_app, running_session, seeded_store, settle, settle_session

SIZE = (120, 36)


def keys_for(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


async def open_checkins(pilot: Pilot[None]) -> CheckinsScreen:
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CheckinsScreen)
    return screen


class TestEscape:
    async def test_reschedule_after_a_validation_error_escape_asks_at_once(
        self, tmp_path: Path
    ) -> None:
        app = make_app(seeded_store(tmp_path / "store"))
        async with app.run_test(size=SIZE) as pilot:
            checkins = await open_checkins(pilot)
            await pilot.press("s")
            await settle(pilot)
            form = app.screen
            assert isinstance(form, RescheduleForm)
            await pilot.press("ctrl+u", *"25:99", "enter")  # not a date: an inline error
            await settle(pilot)
            assert app.screen is form
            assert str(form.query_one("#next-error").render())
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, Confirm)  # something was typed: asks first
            await pilot.press("y")
            await settle(pilot)
            assert app.screen is checkins

    async def test_reschedule_untouched_closes_on_the_first_escape(self, tmp_path: Path) -> None:
        app = make_app(seeded_store(tmp_path / "store"))
        async with app.run_test(size=SIZE) as pilot:
            checkins = await open_checkins(pilot)
            await pilot.press("s")
            await settle(pilot)
            await pilot.press("enter")  # save an unchanged (overdue: empty) field: an error
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is checkins

    async def test_new_client_asks_to_discard_on_the_first_escape(self, tmp_path: Path) -> None:
        app = make_app(seeded_store(tmp_path / "store"))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
            assert isinstance(app.screen, ClientForm)
            assert app.screen.focused is app.screen.query_one("#name", Input)
            await pilot.press(*"Dana")
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, Confirm)
            assert app.screen.question == "Discard this new client?"


class TestFocusOnOpening:
    async def test_mark_reviewed_opens_on_the_outcome_and_spaces_untick_nobody(
        self, tmp_path: Path
    ) -> None:
        app = make_app(seeded_store(tmp_path / "store"))
        async with app.run_test(size=SIZE) as pilot:
            await open_checkins(pilot)
            await pilot.press("m")
            await settle(pilot)
            form = app.screen
            assert isinstance(form, ReviewForm)
            assert form.focused is form.query_one("#outcome", Select)
            assert form.query_one("#next", Input).selected_text == ""
            before = [box.value for box in form.query(Checkbox)]
            await pilot.press("tab", *keys_for("   "))  # tab: to the first participant box
            await settle(pilot)
            # A checkbox takes the space it is given, but only the one the coach tabbed to.
            after = [box.value for box in form.query(Checkbox)]
            assert sum(a != b for a, b in zip(before, after, strict=True)) <= 1

    async def test_the_welcome_dialog_quits_on_q_as_its_footer_says(
        self, store_path: Path
    ) -> None:
        app = make_app(store_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("escape")  # the passphrase step first: decide later
            await settle(pilot)
            assert isinstance(app.screen, Onboarding)
            await pilot.press("q")
            await pilot.pause()
            assert app._exit


class TestFocusAfterClosing:
    async def test_after_the_follow_dialog_the_roster_has_focus_and_digits_move_people(
        self, store_path: Path, tmp_path: Path
    ) -> None:
        async with running_session(store_path, size=SIZE) as (pilot, screen):
            await pilot.press("f")
            await settle_session(pilot)
            assert isinstance(pilot.app.screen, FollowForm)
            pilot.app.screen.query_one("#follow-path", Input).value = str(tmp_path / "t.txt")
            await pilot.press("enter")
            await settle_session(pilot)
            assert pilot.app.screen is screen
            assert isinstance(screen.focused, Roster)
            await pilot.press("3")
            await settle_session(pilot)
            assert "Grace Kim" in [p.name for p in screen.live.roster() if p.present]  # type: ignore[union-attr]

    async def test_after_cancelling_the_follow_dialog_too(self, store_path: Path) -> None:
        async with running_session(store_path, size=SIZE) as (pilot, screen):
            await pilot.press("n")  # typing a note first
            await pilot.press("f")  # "f" types into the note: no dialog
            assert not isinstance(pilot.app.screen, FollowForm)
            await pilot.press("escape", "f")
            await settle_session(pilot)
            assert isinstance(pilot.app.screen, FollowForm)
            await pilot.press("escape")
            await settle_session(pilot)
            assert isinstance(screen.focused, Roster)
