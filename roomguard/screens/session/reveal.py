"""Discreet mode hides every note and transcript line; this shows one of them, on purpose.

The coach asks (``r``) and sees a single hidden line in a small dialog, the newest first;
``up``/``down`` step to older or newer ones, one at a time, and Escape hides it again. Nothing
in the log itself is unmasked, so closing the dialog leaves the shared screen as it was.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from roomguard.live.view import LogEntry
from roomguard.screens.dialogs.frame import DialogFrame
from roomguard.widgets.session_log import render_entry


class RevealLine(ModalScreen[None]):
    CSS_PATH = ["../modal.tcss", "session.tcss"]
    BINDINGS = [
        Binding("escape", "dismiss", "Hide again"),
        Binding("up", "step(-1)", "Older"),
        Binding("down", "step(1)", "Newer"),
    ]

    def __init__(self, hidden: Sequence[LogEntry]) -> None:
        super().__init__()
        self.hidden = list(hidden)
        self.index = len(self.hidden) - 1

    def compose(self) -> ComposeResult:
        with DialogFrame(classes="dialog", id="reveal"):
            yield Static("One hidden line", classes="title")
            yield Static("", id="reveal-where", classes="muted")
            yield Static("", id="reveal-line")
        yield Footer()

    def on_mount(self) -> None:
        self._show()

    def action_step(self, by: int) -> None:
        self.index = max(0, min(len(self.hidden) - 1, self.index + by))
        self._show()

    def _show(self) -> None:
        where = self.query_one("#reveal-where", Static)
        line = self.query_one("#reveal-line", Static)
        if not self.hidden:
            where.update("Nothing is hidden.")
            line.update("")
            return
        where.update(f"Line {self.index + 1} of {len(self.hidden)} hidden "
                     "(up: older, down: newer, Esc hides it again)")
        line.update(render_entry(self.hidden[self.index], discreet=False))
