"""Idle lock (palette): minutes without input before the screen locks, and whether it also locks
during a live session. Saved as the ``idle_lock_minutes`` and ``idle_lock_in_session`` settings
(core/idle.py); dismisses with the new :class:`IdleLock`, or None when cancelled."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Checkbox, Input, Label, Static

from roomguard.core.idle import MAX_MINUTES, IdleLock, minutes_error
from roomguard.screens.dialogs.discard import DiscardGuard
from roomguard.screens.dialogs.frame import DialogFrame
from roomguard.store import StoreError

if TYPE_CHECKING:
    from roomguard.screens.lock.keeper import LockKeeper


class IdleLockForm(DiscardGuard[IdleLock]):
    CSS_PATH = "../modal.tcss"
    AUTO_FOCUS = "#minutes"
    BINDINGS = [Binding("ctrl+s", "save", "Save")]
    DISCARD_QUESTION = "Discard the change to the idle lock?"

    def __init__(self, keeper: LockKeeper) -> None:
        super().__init__()
        self.keeper = keeper
        self.current = keeper.policy

    def compose(self) -> ComposeResult:
        with DialogFrame(classes="dialog"):
            yield Static("Idle lock", classes="title")
            yield Static("After this many minutes without a key press or a click, the screen "
                         "locks (ctrl+l locks it at once). 0 turns the idle lock off. During a "
                         "live session it stays off unless you tick the box: a session that "
                         "is only being listened to must not disappear.")
            yield Label(f"Minutes (0 to {MAX_MINUTES})", classes="field-label")
            yield Input(str(self.current.minutes), id="minutes")
            yield Static("", id="minutes-error", classes="error", markup=False)
            yield Checkbox("Also lock during a live session", self.current.in_session,
                           id="in-session")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save", id="save", variant="primary")

    def _chosen(self) -> IdleLock:
        return IdleLock(int(self.query_one("#minutes", Input).value.strip()),
                        self.query_one("#in-session", Checkbox).value)

    @on(Input.Changed, "#minutes")
    def _revalidate(self) -> None:
        error = self.query_one("#minutes-error", Static)
        if str(error.render()):
            error.update(minutes_error(self.query_one("#minutes", Input).value))

    @on(Input.Submitted, "#minutes")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        message = minutes_error(self.query_one("#minutes", Input).value)
        self.query_one("#minutes-error", Static).update(message)
        if message:
            self.query_one("#minutes", Input).focus()
            return
        policy = self._chosen()
        try:
            self.keeper.save_policy(policy)
        except StoreError as exc:
            self.notify(str(exc), title=exc.title, severity="error", markup=False)
            return
        self.notify(f"Idle lock: {policy.describe()}.")
        self.dismiss(policy)

    def is_dirty(self) -> bool:
        return (self.query_one("#minutes", Input).value.strip() != str(self.current.minutes)
                or self.query_one("#in-session", Checkbox).value != self.current.in_session)
