"""DiscardGuard, the one cancel rule of every form: close at once when untouched, ask when not.

Specified on a bare form in a bare app, so the rule is checked apart from any one form's fields
(each form's own test checks what counts as an edit for it).
"""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Button, Input

from roomguard.screens.dialogs.confirm import Confirm
from roomguard.screens.dialogs.discard import DiscardGuard


class NameForm(DiscardGuard[str]):
    DISCARD_QUESTION = "Discard this name?"

    def __init__(self) -> None:
        super().__init__()
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Input(id="name")
        yield Button("Cancel", id="cancel")

    def is_dirty(self) -> bool:
        return bool(self.query_one("#name", Input).value)

    def can_cancel(self) -> bool:
        return not self.busy


class FormApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.results: list[Any] = []
        self.form = NameForm()

    def on_mount(self) -> None:
        self.push_screen(self.form, self.results.append)


async def test_an_untouched_form_closes_on_the_first_escape() -> None:
    app = FormApp()
    async with app.run_test() as pilot:
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, NameForm | Confirm)
        assert app.results == [None]


async def test_after_typing_escape_asks_and_keeping_loses_nothing() -> None:
    app = FormApp()
    async with app.run_test() as pilot:
        await pilot.press(*"Dana")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert app.screen.question == "Discard this name?"
        assert (app.screen.yes, app.screen.no) == ("Discard", "Keep editing")
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is app.form
        assert app.form.query_one("#name", Input).value == "Dana"
        assert app.results == []
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.results == [None]


async def test_the_cancel_button_is_escape() -> None:
    app = FormApp()
    async with app.run_test() as pilot:
        await pilot.press(*"Dana")
        await pilot.click("#cancel")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)


async def test_can_cancel_false_keeps_the_form_open_without_asking() -> None:
    app = FormApp()
    async with app.run_test() as pilot:
        app.form.busy = True
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.form
        assert app.results == []
