"""Pick a client by typing part of the name."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from roomguard.core.models import Client
from roomguard.screens.dialogs.frame import DialogFrame
from roomguard.widgets.literal import literal


class ClientPicker(ModalScreen[str | None]):
    CSS_PATH = "../modal.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, clients: list[Client], title: str = "Which client?") -> None:
        super().__init__()
        self.clients = clients
        self.heading = title

    def compose(self) -> ComposeResult:
        with DialogFrame(classes="dialog"):
            yield Static(self.heading, classes="title")
            yield Input(placeholder="Type to filter", id="filter")
            yield OptionList(id="choices")

    def on_mount(self) -> None:
        self._fill("")

    def _fill(self, text: str) -> None:
        wanted = text.casefold().strip()
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(
            Option(literal(c.name), id=c.id) for c in self.clients if wanted in c.name.casefold()
        )
        if options.option_count:
            options.highlighted = 0

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#filter")
    def _submit(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def key_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def key_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()
