"""A date typed the way the coach likes, with what it will be saved as shown underneath.

``3/12``, ``+2w`` or ``next month`` are read by :func:`roomguard.core.dates.parse_date_input`
relative to the ``today`` it is given; the line below the input spells the result out
(``→ Thu 3 Dec 2026``) before anything is saved, so a day/month mix-up is seen, not stored.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from roomguard.core.dates import DateInputError, describe_parse, parse_date_or_none
from roomguard.widgets.literal import literal


class DateField(Vertical):
    """An Input (id ``<id>-input``) and a read-back line. Blank is allowed when *optional*."""

    DEFAULT_CSS = """
    DateField { height: auto; }
    DateField .date-readback { color: $text-muted; height: auto; }
    DateField .date-readback.-bad { color: $warning; }
    """

    def __init__(
        self,
        value: str = "",
        *,
        today: date,
        optional: bool = False,
        placeholder: str = "",
        id: str,
    ) -> None:
        super().__init__(id=id)
        self.today = today
        self.optional = optional
        self._value = value
        self._placeholder = placeholder or (
            "optional, e.g. 2027-05-31 or +6m" if optional else "e.g. today, 2026-11-03, 3 Nov"
        )

    def compose(self) -> ComposeResult:
        yield Input(self._value, placeholder=self._placeholder, id=f"{self.id}-input")
        yield Static("", classes="date-readback", markup=False)

    def on_mount(self) -> None:
        self._read_back(self._value)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def text(self) -> str:
        return self.input.value

    def parsed(self) -> date | None:
        """The date typed, or None when blank. Raises DateInputError (blank and required too)."""
        if not self.text.strip() and not self.optional:
            raise DateInputError("a date is required")
        return parse_date_or_none(self.text, self.today)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._read_back(event.value)

    def _read_back(self, text: str) -> None:
        readback = self.query_one(".date-readback", Static)
        if not text.strip():
            readback.update(Text("(no date)" if self.optional else ""))
            readback.remove_class("-bad")
            return
        try:
            shown = "→ " + describe_parse(text, self.today)
            readback.remove_class("-bad")
        except DateInputError as exc:
            shown = f"not a date yet: {exc}"
            readback.add_class("-bad")
        readback.update(literal(shown))
