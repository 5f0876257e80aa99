"""Keys for the screen underneath, and the app-wide ones, built from the bindings themselves."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from roomguard.screens.commands import bindings_of

ABOUT = (
    "Roomguard warns when a private topic comes up while someone not cleared for it is in the "
    "room. Every action is also in the command palette (ctrl+p)."
)


def _rows(table: Table, target: object) -> None:
    for binding in bindings_of(target):
        keys = binding.key_display or ", ".join(k.strip() for k in binding.key.split(","))
        table.add_row(keys, binding.description)


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
        _rows(table, self.under)
        table.add_row("", "")
        _rows(table, self.app)
        table.add_row("ctrl+p", "Command palette")
        with Vertical(classes="dialog"):
            yield Static(f"Keys: {type(self.under).__name__.removesuffix('Screen')}", classes="title")
            with VerticalScroll():
                yield Static(ABOUT)
                yield Static(table)
