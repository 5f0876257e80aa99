"""What the session asks before it starts or stops: resume?, end?, quit?, leave how?

The wording lives here, beside the one dialog of its own (:class:`LeaveSession`), so the
screen's flows read as what happens, not as paragraphs of text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from roomguard.screens.dialogs.confirm import Confirm
from roomguard.screens.dialogs.frame import DialogFrame

LeaveChoice = Literal["end", "leave", "stay"]


def resume_question(started_at: datetime) -> Confirm:
    return Confirm(
        f"Resume the session started at {started_at:%H:%M}?",
        yes="Resume",
        no="Start a new one",
        detail="It was never ended (Roomguard was closed or stopped during it). "
        "Resuming keeps one record of today's session.",
    )


def end_question(waiting: int) -> Confirm:
    """*waiting*: alerts not yet acknowledged (they can still be, from the summary)."""
    detail = ""
    if waiting:
        detail = (f"{waiting} alert{'s are' if waiting != 1 else ' is'} not acknowledged "
                  "yet; you can still acknowledge them from the summary.")
    return Confirm("End the session?", yes="End session", no="Keep going", detail=detail)


def quit_question(unsaved: int) -> Confirm:
    """*unsaved*: events that could not be written yet, and would be lost."""
    detail = "The session stays open; start it again today to resume it."
    if unsaved:
        detail = f"{unsaved} event(s) could not be saved yet and would be lost. " + detail
    return Confirm("Quit Roomguard during the session?", yes="Quit", no="Stay", detail=detail)


class LeaveSession(ModalScreen[LeaveChoice]):
    """Going back home while the session is running: end it, leave it open, or stay."""

    CSS_PATH = ["../modal.tcss", "session.tcss"]
    AUTO_FOCUS = "#stay"  # not focus() in on_mount: a key typed ahead keeps its focus
    BINDINGS = [
        Binding("escape,s", "dismiss('stay')", "Stay"),
        Binding("e", "dismiss('end')", "End session"),
        Binding("l", "dismiss('leave')", "Leave it open"),
    ]

    def compose(self) -> ComposeResult:
        with DialogFrame(classes="dialog"):
            yield Static("The session is still running", classes="title")
            yield Static(
                "End it now (e), or leave it open and go home (l): nothing is lost, and starting "
                "a session for this client again today offers to resume it. Esc stays."
            )
            with Horizontal(classes="buttons"):
                yield Button("Stay", id="stay")
                yield Button("Leave it open", id="leave")
                yield Button("End session", id="end", variant="warning")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)  # type: ignore[arg-type]
