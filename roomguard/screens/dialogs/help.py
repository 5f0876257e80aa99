"""Keys for the screen underneath, and the app-wide ones, built from the bindings themselves."""

from __future__ import annotations

from dataclasses import replace

from rich.table import Table
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from roomguard.screens.commands import bindings_of
from roomguard.screens.dialogs.frame import DialogFrame

ABOUT = (
    "Roomguard warns when a private topic comes up while someone not cleared for it is in the "
    "room. Every action is also in the command palette (ctrl+p)."
)


def key_names(app: App[object], binding: Binding) -> str:
    """The keys of *binding* as the footer writes them: ``?, f1``, not ``question_mark, f1``."""
    if binding.key_display:
        return binding.key_display
    keys = (k.strip() for k in binding.key.split(",") if k.strip())
    return ", ".join(app.get_key_display(replace(binding, key=key)) for key in keys)


def _rows(table: Table, app: App[object], target: object) -> None:
    for binding in bindings_of(target):
        table.add_row(key_names(app, binding), binding.description)


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "../modal.tcss"
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "Close")]

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        table = Table(show_header=True, header_style="bold", box=None, expand=True)
        table.add_column("Key", no_wrap=True)
        table.add_column("Action")
        _rows(table, self.app, self.under)
        table.add_row("", "")
        _rows(table, self.app, self.app)
        table.add_row("ctrl+p", "Command palette")
        with DialogFrame(classes="dialog"):
            yield Static(f"Keys: {type(self.under).__name__.removesuffix('Screen')}", classes="title")
            yield Static(ABOUT)
            yield Static(table)
