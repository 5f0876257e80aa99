"""A one-line input that hands over each line and empties itself in the same step.

A bare Textual ``Input`` posts ``Submitted`` with its value and keeps the text; a handler that
clears it later (``on_input_submitted``) also wipes whatever was typed between the Enter and
the handler, and a line typed fast enough is merged into the next or lost. Here the value is
taken, the field emptied and the line handed to *take* inside the Enter key's own action,
before any other key is handled: every key lands in exactly one line, in order.

*take* is called directly, not through a message: a message reaches the screen only after the
input's own task has yielded, and a frame drawn in between would show the field emptied but
not what the line did (an alert would appear one frame late).
"""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input


class LineInput(Input):
    def __init__(self, take: Callable[[str], None], *, placeholder: str = "",
                 id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, id=id)
        self._take = take

    async def action_submit(self) -> None:
        text = self.value
        if not text.strip():
            return
        self.value = ""
        self._take(text)
