"""The passphrase prompt: unlocking an encrypted store at start, and the lock screen's prompt.

The key derivation (Argon2id) takes about half a second on purpose, so it runs in a thread
worker and the screen says "Unlocking…" meanwhile. A wrong passphrase writes nothing and locks
nobody out: the field is emptied and the coach tries again. The recovery key (from set-up)
unlocks too (ctrl+r switches the field to it). What to do once unlocked is the caller's
(``then``): the app opens the store and shows home; the lock screen gives the key back to the
store and returns to the screen it hid.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static

from roomguard.store.errors import WrongPassphrase
from roomguard.store.keys import KeyFile
from roomguard.store.vault import Vault, remember

PASSPHRASE_PROMPT = "Passphrase"
RECOVERY_PROMPT = "Recovery key (from when you set the passphrase; dashes optional)"


def unlock_from_keyring(keyfile: KeyFile) -> bool:
    """Unlock from the OS keyring when keys.json allows it and the entry is there (no prompt)."""
    vault = keyfile.unlock_keyring()
    if vault is None:
        return False
    remember(vault)
    return True


class PassphrasePrompt(Screen[None]):
    """A full screen asking for the passphrase (or the recovery key); nothing of any client."""

    CSS_PATH = "lock.tcss"
    AUTO_FOCUS = "#passphrase"
    HEADING = "Roomguard is locked"
    DETAIL = "Type your passphrase and press Enter."
    BINDINGS = [
        Binding("ctrl+r", "toggle_recovery", "Recovery key"),
        Binding("escape", "clear", "Clear", show=False),
    ]

    def __init__(self, keyfile: KeyFile, then: Callable[[], None],
                 prepare: Callable[[], None] | None = None) -> None:
        """*then* runs once the key is unlocked; *prepare*, if given, after the first frame:
        what the next screen needs that can be done while the coach types (never a read of
        the store, which is still locked)."""
        super().__init__()
        self.keyfile = keyfile
        self.then = then
        self.prepare = prepare
        self.recovery = False
        self.attempts = 0  # wrong ones, shown so a second failure looks different from the first

    def compose(self) -> ComposeResult:
        yield Header()
        with Center(id="lock-centre"), Vertical(id="lock-box"):
            yield Static(self.HEADING, id="lock-heading")
            yield Static(self.DETAIL, id="lock-detail")
            yield Label(PASSPHRASE_PROMPT, id="prompt", classes="field-label")
            yield Input(password=True, id="passphrase", placeholder="passphrase")
            yield Static("", id="lock-error")
            with Horizontal(id="lock-buttons"):
                yield from self.extra_buttons()
                yield Button("Use recovery key", id="recovery")
                yield Button("Unlock", id="unlock", variant="primary")
        yield Footer()

    def extra_buttons(self) -> ComposeResult:
        return iter(())

    def on_mount(self) -> None:
        self.title = "Roomguard"
        self.sub_title = "locked"
        if self.prepare is not None:
            self.call_after_refresh(self.prepare)

    # ----------------------------------------------------------------- typing
    def action_toggle_recovery(self) -> None:
        self.recovery = not self.recovery
        field = self.query_one("#passphrase", Input)
        field.value = ""
        field.placeholder = "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX" if self.recovery else "passphrase"
        self.query_one("#prompt", Label).update(RECOVERY_PROMPT if self.recovery else PASSPHRASE_PROMPT)
        self.query_one("#recovery", Button).label = (
            "Use passphrase" if self.recovery else "Use recovery key")
        self.query_one("#lock-error", Static).update("")
        field.focus()

    def action_clear(self) -> None:
        """Escape empties the field (and goes back from the recovery key to the passphrase)."""
        if self.recovery:
            self.action_toggle_recovery()
            return
        self.query_one("#passphrase", Input).value = ""
        self.query_one("#lock-error", Static).update("")

    @on(Button.Pressed, "#recovery")
    def _recovery_pressed(self) -> None:
        self.action_toggle_recovery()

    @on(Button.Pressed, "#unlock")
    def _unlock_pressed(self) -> None:
        self.submit(self.query_one("#passphrase", Input).value)

    @on(Input.Submitted, "#passphrase")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit(event.value)

    # ----------------------------------------------------------------- unlocking
    def submit(self, text: str) -> None:
        if not text:
            self.query_one("#lock-error", Static).update(
                "Type the recovery key first." if self.recovery else "Type your passphrase first.")
            return
        field = self.query_one("#passphrase", Input)
        field.disabled = True
        self.query_one("#lock-error", Static).update("Unlocking…")
        self.derive(text, self.recovery)

    @work(thread=True, exclusive=True, group="unlock", exit_on_error=False)
    def derive(self, text: str, recovery: bool) -> None:
        """The key derivation, off the UI thread. Nothing is written, right or wrong."""
        try:
            vault = self.keyfile.unlock_recovery(text) if recovery else self.keyfile.unlock(text)
        except WrongPassphrase as exc:
            self.app.call_from_thread(self.wrong, exc)
            return
        self.app.call_from_thread(self.unlocked, vault)

    def wrong(self, exc: WrongPassphrase) -> None:
        self.attempts += 1
        field = self.query_one("#passphrase", Input)
        field.disabled = False
        field.value = ""
        field.focus()
        again = f" (attempt {self.attempts})" if self.attempts > 1 else ""
        self.query_one("#lock-error", Static).update(
            f"That {exc.what} does not unlock this store{again}. Nothing was changed; try again."
            + ("" if self.recovery else " Forgotten it? ctrl+r: use the recovery key."))

    def unlocked(self, vault: Vault) -> None:
        remember(vault)
        self.then()


class UnlockScreen(PassphrasePrompt):
    """The first screen of an encrypted store whose key is not in the keyring."""

    HEADING = "This Roomguard store is encrypted"
    DETAIL = ("Type your passphrase and press Enter. A wrong one changes nothing; you can try "
              "again as often as you need.")
    BINDINGS = [Binding("q", "quit_app", "Quit")]  # only outside the field (check_action)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # q typed into the field is a letter of the passphrase
        return not (action == "quit_app" and isinstance(self.focused, Input))

    def action_quit_app(self) -> None:
        self.app.exit()

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = "encrypted"
