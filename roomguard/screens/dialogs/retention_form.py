"""Retention period: how many years a closed client's records are kept before home flags them.

Saved as the ``retention_years`` store setting (0 turns the check off). Dismisses with the new
number of years, or None when cancelled.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Static

from roomguard.core.retention import (
    MAX_RETENTION_YEARS,
    RETENTION_SETTING,
    parse_retention_years,
    retention_years,
)
from roomguard.screens.dialogs.discard import DiscardGuard
from roomguard.screens.dialogs.frame import DialogFrame
from roomguard.screens.host import UsesHost
from roomguard.store import StoreError


class RetentionForm(UsesHost, DiscardGuard[int]):
    CSS_PATH = "../modal.tcss"
    AUTO_FOCUS = "#years"
    BINDINGS = [Binding("ctrl+s", "save", "Save")]
    DISCARD_QUESTION = "Discard the change to the retention period?"

    def compose(self) -> ComposeResult:
        self._current = retention_years(self.host.store.setting(RETENTION_SETTING))
        with DialogFrame(classes="dialog"):
            yield Static("Retention period", classes="title")
            yield Static(
                Text(
                    "How many years to keep a closed client's records, counted from the day you "
                    "close the client. Once the period has passed, home marks the client as due "
                    "for disposal; deleting them (Delete client) removes every record. "
                    "0 turns the check off."
                )
            )
            yield Label(f"Years (0 to {MAX_RETENTION_YEARS})", classes="field-label")
            yield Input(str(self._current), id="years")
            yield Static("", id="years-error", classes="error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save", id="save", variant="primary")

    def _error(self) -> str:
        try:
            parse_retention_years(self.query_one("#years", Input).value)
        except ValueError as exc:
            return str(exc)
        return ""

    @on(Input.Changed, "#years")
    def _revalidate(self) -> None:
        error = self.query_one("#years-error", Static)
        if str(error.render()):  # once an error shows, it follows the typing
            error.update(self._error())

    @on(Input.Submitted, "#years")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        message = self._error()
        self.query_one("#years-error", Static).update(message)
        if message:
            self.query_one("#years", Input).focus()
            return
        years = parse_retention_years(self.query_one("#years", Input).value)
        store = self.host.store
        if store.readonly:
            self.notify(
                "The store is read-only, so the retention period cannot be changed here: "
                + (store.readonly_reason or "it was opened read-only"),
                title="Read-only store",
                severity="warning",
                markup=False,
            )
            return
        try:
            store.set_setting(RETENTION_SETTING, years)
        except StoreError as exc:
            self.notify(str(exc), title=exc.title, severity="error", markup=False)
            return  # the form stays open with what was typed
        self.dismiss(years)

    def is_dirty(self) -> bool:
        return self.query_one("#years", Input).value.strip() != str(self._current)
