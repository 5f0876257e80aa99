"""The lock screen (ctrl+l, or the idle lock): the screen is replaced by one that shows nothing
of any client, not in its title, its footer or a toast.

An encrypted store's key is dropped before this screen appears (``Store.forget_key``; a live
session's journal keeps its own cipher and goes on recording what the transcript says). The
passphrase, the recovery key, or the keyring when the coach let it hold the key, brings the
hidden screen back exactly as it was: this screen is popped, nothing below it was touched.

A plaintext store has no key to drop: locking only hides the screen, and any key brings it back
(:class:`HiddenScreen`). docs/ENCRYPTION.md says so.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from roomguard.screens.lock.unlock import PassphrasePrompt, unlock_from_keyring


class LockScreen(PassphrasePrompt):
    """An encrypted store, locked: the passphrase (or recovery key, or keyring) unlocks."""

    HEADING = "Roomguard is locked"
    DETAIL = ("The store's key was dropped from memory. A live session keeps recording. Type "
              "your passphrase and press Enter to return.")

    BINDINGS = [Binding("ctrl+o", "keyring", "Keyring")]  # (ctrl+k deletes in a field)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "keyring" or self.keyfile.in_keyring

    def extra_buttons(self) -> ComposeResult:
        if self.keyfile.in_keyring:
            yield Button("Keyring", id="keyring")

    @on(Button.Pressed, "#keyring")
    def _keyring_pressed(self) -> None:
        self.action_keyring()

    def action_keyring(self) -> None:
        if not self.keyfile.in_keyring:
            return
        if unlock_from_keyring(self.keyfile):
            self.then()
        else:
            self.query_one("#lock-error", Static).update(
                "The keyring does not hold this store's key; type your passphrase.")


class HiddenScreen(Screen[None]):
    """A plaintext store, locked: the screen is only hidden; any key brings it back."""

    CSS_PATH = "lock.tcss"
    BINDINGS = [Binding("enter", "back", "Return")]

    def __init__(self, then: Callable[[], None]) -> None:
        super().__init__()
        self.then = then

    def compose(self) -> ComposeResult:
        yield Header()
        with Center(id="lock-centre"), Vertical(id="lock-box"):
            yield Static("Roomguard is hidden", id="lock-heading")
            yield Static("This store is not encrypted, so locking only hides the screen. "
                         "Press any key to return.\n\nTo protect it with a passphrase: command "
                         "palette (ctrl+p) on the home screen, Encrypt store…")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Roomguard"
        self.sub_title = "hidden"

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        self.action_back()

    def on_click(self) -> None:
        self.action_back()

    def action_back(self) -> None:
        self.then()
