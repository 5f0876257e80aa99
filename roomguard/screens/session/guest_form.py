"""Add an unlisted guest to the room. A guest is never cleared for a private topic."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Static

from roomguard.screens.dialogs.discard import DiscardGuard
from roomguard.screens.dialogs.frame import DialogFrame

MAX_NAME = 80


def guest_name_error(name: str) -> str:
    """Why *name* cannot name a guest, or "" when it can."""
    name = " ".join(name.split())
    if not name:
        return "Give the guest a name or a description (e.g. 'visitor', 'Noah's uncle')."
    if len(name) > MAX_NAME:
        return f"Keep it under {MAX_NAME} characters."
    return ""


class GuestForm(DiscardGuard[str]):
    """Returns the guest's name (whitespace tidied), or None when cancelled (escape asks first
    once a name was typed)."""

    CSS_PATH = ["../modal.tcss", "session.tcss"]
    AUTO_FOCUS = "#guest-name"  # not focus() in on_mount: a key typed ahead keeps its focus
    DISCARD_QUESTION = "Discard the guest's name? Nobody is added."

    def compose(self) -> ComposeResult:
        with DialogFrame(classes="dialog"):
            yield Static("Someone not on the agreement joined", classes="title")
            yield Static(
                "They are not cleared for any private topic; an alert is raised at once if one "
                "is under discussion.",
                classes="muted",
            )
            yield Label("Name or description", classes="field-label")
            yield Input(id="guest-name", placeholder="e.g. visitor, Noah's uncle",
                        max_length=MAX_NAME * 2)
            yield Label("", id="guest-error", classes="error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Add guest", id="add", variant="primary")

    @on(Input.Changed)
    def _revalidate(self) -> None:
        error = self.query_one("#guest-error", Label)
        if str(error.content):
            error.update(guest_name_error(self.query_one("#guest-name", Input).value))

    @on(Input.Submitted)
    @on(Button.Pressed, "#add")
    def action_add(self) -> None:
        value = self.query_one("#guest-name", Input).value
        problem = guest_name_error(value)
        self.query_one("#guest-error", Label).update(problem)
        if problem:
            self.query_one("#guest-name", Input).focus()
            return
        self.dismiss(" ".join(value.split()))

    def is_dirty(self) -> bool:
        return bool(self.query_one("#guest-name", Input).value.strip())
