"""A yes/no question, e.g. discarding unsaved edits."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from roomguard.screens.dialogs.frame import DialogFrame
from roomguard.widgets.literal import literal


class Confirm(ModalScreen[bool]):
    CSS_PATH = "../modal.tcss"
    AUTO_FOCUS = "#no"  # not focus() in on_mount: a key typed ahead keeps its focus
    BINDINGS = [
        Binding("escape,n", "dismiss(False)", "No"),
        Binding("y", "dismiss(True)", "Yes"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No", detail: str = "") -> None:
        super().__init__()
        self.question, self.yes, self.no, self.detail = question, yes, no, detail

    def compose(self) -> ComposeResult:
        with DialogFrame(classes="dialog"):
            yield Static(literal(self.question), classes="title")
            if self.detail:
                yield Static(literal(self.detail, limit=2000))
            with Horizontal(classes="buttons"):
                yield Button(self.no, id="no")
                yield Button(self.yes, id="yes", variant="warning")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
