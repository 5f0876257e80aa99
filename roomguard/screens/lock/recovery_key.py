"""The recovery key, shown once: the only moment the coach can write it down.

It cannot be closed by accident: escape does nothing but say why, and Done waits for the box
"I have saved it" to be ticked. The key is shown in groups, as typed at the unlock prompt
(dashes optional there).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Static

from roomguard.screens.dialogs.frame import DialogFrame

WARNING = (
    "Write this recovery key down, or keep it in a password manager, now: it is shown only this "
    "once. It unlocks the store if you forget your passphrase.\n\n"
    "Without your passphrase or this recovery key, your data is gone: nobody, not you and not "
    "Roomguard's makers, can decrypt it."
)


class RecoveryKeyModal(ModalScreen[bool]):
    CSS_PATH = "../modal.tcss"
    AUTO_FOCUS = "#saved"
    BINDINGS = [Binding("escape", "explain", "Why this stays", show=False)]

    def __init__(self, recovery_key: str) -> None:
        super().__init__()
        self.recovery_key = recovery_key

    def compose(self) -> ComposeResult:
        with DialogFrame(classes="dialog"):
            yield Static("Your recovery key", classes="title")
            yield Static(self.recovery_key, id="recovery-key", markup=False)
            yield Static(WARNING)
            yield Checkbox("I have saved the recovery key somewhere safe", id="saved")
            yield Static("", id="recovery-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Done", id="done", variant="primary", disabled=True)

    @on(Checkbox.Changed, "#saved")
    def _ticked(self, event: Checkbox.Changed) -> None:
        self.query_one("#done", Button).disabled = not event.value
        if event.value:
            self.query_one("#recovery-error", Static).update("")

    @on(Button.Pressed, "#done")
    def _done(self) -> None:
        if self.query_one("#saved", Checkbox).value:
            self.dismiss(True)

    def action_explain(self) -> None:
        self.query_one("#recovery-error", Static).update(
            "This key is shown only once: save it, tick the box, then Done.")
