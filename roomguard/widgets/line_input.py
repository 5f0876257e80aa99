"""A one-line input that hands over each line and empties itself in the same step.

A bare Textual ``Input`` posts ``Submitted`` with its value and keeps the text; a handler that
clears it later (``on_input_submitted``) also wipes whatever was typed between the Enter and
the handler, and a line typed fast enough is merged into the next or lost. Here the value is
taken and the field emptied inside the Enter key's own action, before any other key is
handled, so every key lands in exactly one line, in order.
"""

from __future__ import annotations

from textual.message import Message
from textual.widgets import Input


class LineInput(Input):
    class Taken(Message):
        """A line was submitted; the input is already empty."""

        def __init__(self, line_input: LineInput, text: str) -> None:
            super().__init__()
            self.line_input = line_input
            self.text = text

        @property
        def control(self) -> LineInput:
            return self.line_input

    async def action_submit(self) -> None:
        text = self.value
        if not text.strip():
            return
        self.value = ""
        self.post_message(self.Taken(self, text))
