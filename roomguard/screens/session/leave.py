"""Going back home while the session is running: end it, leave it open, or stay."""

from __future__ import annotations

from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

LeaveChoice = Literal["end", "leave", "stay"]


class LeaveSession(ModalScreen[LeaveChoice]):
    CSS_PATH = ["../modal.tcss", "session.tcss"]
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
