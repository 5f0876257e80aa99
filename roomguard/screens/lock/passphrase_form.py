"""Choosing a passphrase: the onboarding's first step, and "Encrypt store…" from the palette.

Typed twice (a typo in a passphrase nobody sees would lock the coach out), at least
:data:`MIN_LENGTH` characters, and the reason is said. In the onboarding, "No encryption" is an
explicit choice (home then says "not encrypted"). The keyring box keeps the key in this
computer's keyring as well, so Roomguard opens without the passphrase here.

Dismisses with a :class:`NewPassphrase`, :data:`NO_ENCRYPTION`, or None (escape: decide later).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from roomguard.screens.dialogs.frame import DialogFrame

MIN_LENGTH = 10
NO_ENCRYPTION = "plain"

WHY = (
    "Roomguard can encrypt everything it keeps about your clients (agreements, notes, session "
    "records, backups) with a passphrase, so a lost or stolen laptop reveals nothing. You type "
    "it when Roomguard starts and when the screen is locked."
)
LENGTH_RULE = (
    f"At least {MIN_LENGTH} characters: a stolen store can be tried against millions of "
    "guesses, and a few unrelated words are both long and easy to remember."
)


@dataclass(frozen=True)
class NewPassphrase:
    passphrase: str
    keyring: bool

    def __repr__(self) -> str:  # never print the passphrase (a crash report, a log)
        return f"NewPassphrase(keyring={self.keyring})"


def passphrase_error(first: str, second: str) -> str:
    """Why these two entries cannot be the passphrase, or ""."""
    if len(first) < MIN_LENGTH:
        return f"Too short ({len(first)} of at least {MIN_LENGTH} characters)."
    if not first.strip():
        return "A passphrase cannot be only spaces."
    if first != second:
        return "The two entries differ; type the same passphrase twice."
    return ""


class PassphraseForm(ModalScreen[NewPassphrase | str | None]):
    CSS_PATH = "../modal.tcss"
    AUTO_FOCUS = "#passphrase"
    BINDINGS = [Binding("escape", "later", "Later"), Binding("ctrl+s", "encrypt", "Encrypt")]

    def __init__(self, *, onboarding: bool) -> None:
        super().__init__()
        self.onboarding = onboarding

    def compose(self) -> ComposeResult:
        title = "Protect this store with a passphrase" if self.onboarding else "Encrypt store"
        with DialogFrame(classes="dialog"):
            yield Static(title, classes="title")
            yield Static(WHY)
            yield Label("Passphrase", classes="field-label")
            yield Input(password=True, id="passphrase")
            yield Label("The same passphrase again", classes="field-label")
            yield Input(password=True, id="again")
            yield Static(LENGTH_RULE, id="length-rule")
            yield Static("", id="passphrase-error", classes="error", markup=False)
            yield Checkbox("Remember it in this computer's keyring (no passphrase at start here)",
                           id="keyring")
            with Horizontal(classes="buttons"):
                if self.onboarding:
                    yield Button("No encryption", id="plain")
                else:
                    yield Button("Cancel", id="cancel")
                yield Button("Encrypt", id="encrypt", variant="primary")

    def _error(self) -> str:
        return passphrase_error(self.query_one("#passphrase", Input).value,
                                self.query_one("#again", Input).value)

    @on(Input.Changed)
    def _revalidate(self) -> None:
        error = self.query_one("#passphrase-error", Static)
        if str(error.render()):  # once an error shows, it follows the typing
            error.update(self._error())

    @on(Input.Submitted, "#passphrase")
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#again", Input).focus()

    @on(Input.Submitted, "#again")
    @on(Button.Pressed, "#encrypt")
    def action_encrypt(self) -> None:
        message = self._error()
        self.query_one("#passphrase-error", Static).update(message)
        if message:
            field = "#passphrase" if "short" in message or "spaces" in message else "#again"
            self.query_one(field, Input).focus()
            return
        self.dismiss(NewPassphrase(self.query_one("#passphrase", Input).value,
                                   self.query_one("#keyring", Checkbox).value))

    @on(Button.Pressed, "#plain")
    def _plain(self) -> None:
        self.dismiss(NO_ENCRYPTION)

    @on(Button.Pressed, "#cancel")
    def action_later(self) -> None:
        self.dismiss(None)
