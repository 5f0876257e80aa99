"""First run: an empty store offers to create the first client or to load a demo practice."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from roomguard.screens.dialogs.frame import DialogFrame

WELCOME = (
    "Roomguard keeps each client's confidentiality agreement in view while a session runs: "
    "who is in the room, which topics stay private, whose written consent is current, "
    "and which agreement reviews are due.\n\n"
    "The store is empty. Start with your first client, or explore a demo practice "
    "(an executive with her assistant, a child with a parent, a client with a sponsor)."
)


class Onboarding(ModalScreen[str | None]):
    """Returns "client", "demo" or None (later)."""

    CSS_PATH = "../modal.tcss"
    AUTO_FOCUS = "#client"  # not focus() in on_mount: a key typed ahead keeps its focus
    # The home screen's footer stays visible under this dialog and shows "q Quit"; a modal
    # screen stops the app's own bindings, so q is bound here to do what the footer says.
    BINDINGS = [
        Binding("q", "app.quit", "Quit"),
        Binding("escape", "dismiss(None)", "Later"),
        Binding("n", "choose('client')", "First client"),
        Binding("d", "choose('demo')", "Demo data"),
    ]

    def compose(self) -> ComposeResult:
        with DialogFrame(classes="dialog"):
            yield Static("Welcome to Roomguard", classes="title")
            yield Static(WELCOME)
            with Horizontal(classes="buttons"):
                yield Button("Later", id="later")
                yield Button("Load demo practice", id="demo")
                yield Button("Create first client", id="client", variant="primary")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "later" else event.button.id)

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
