"""A one-line input that hands over each line and empties itself in the Enter key's own step.

Every key a focused input gets is queued on the input itself and handled there in order: a
printable key is inserted by the input's own key handler. Enter is not: it is not printable,
so it bubbles up the DOM and the ``enter`` -> ``submit`` binding runs only when it reaches the
app, several queues later. Keys typed after the Enter do not wait for that: they are already
queued on the input and inserted first. So a bare ``Input`` cleared by an
``on_input_submitted`` handler wipes what was typed after the Enter (a note lost or split),
and even an ``action_submit`` that takes the value and empties the field takes those keys
with it: thirty notes typed 20 ms apart became 14 lines, and thirty sent in one stream became
one (``tests/e2e/test_tmux_notes.py``).

Here Enter is handled by the input's own key handler, in its place in the input's queue: the
value is taken, the field emptied and the line handed to *take*, after every key typed before
the Enter and before any key typed after it. Every key lands in exactly one line, in order.
The event stops there, so the ``submit`` binding never runs for it; ``action_submit`` (the
command palette, a test) does the same thing.

A paste (the terminal's bracketed paste: one event) is typed the same way: each line break in
it ends a line, so three pasted lines are three notes; a bare ``Input`` keeps only the first
line of a paste and drops the rest.

A line left half typed (esc, then back with n) is kept and typing carries on after it: the
input does not select its text on focus, as a bare ``Input`` does, so the next key does not
replace the draft.

*take* is called directly, not through a message: a message reaches the screen only after the
input's own task has yielded, and a frame drawn in between would show the field emptied but
not what the line did (an alert would appear one frame late).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from textual import events
from textual.widgets import Input


class LineInput(Input):
    def __init__(self, take: Callable[[str], None], *, placeholder: str = "",
                 id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, id=id, select_on_focus=False)
        self._take = take

    async def _on_key(self, event: events.Key) -> None:
        # Called before Input._on_key (Textual calls each class's handler along the MRO
        # until one prevents the default); other keys go on to Input as usual.
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self._hand_over()

    def _on_paste(self, event: events.Paste) -> None:
        # Before Input._on_paste, which would keep the first line only.
        event.stop()
        event.prevent_default()
        first, *rest = re.split(r"\r\n|\r|\n", event.text)
        self._insert(first)
        for line in rest:
            self._hand_over()
            self._insert(line)

    def _insert(self, text: str) -> None:
        if not text:
            return
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)

    async def action_submit(self) -> None:
        self._hand_over()

    def _hand_over(self) -> None:
        """Every Enter ends a line; a blank one is dropped, not handed over."""
        text, self.value = self.value, ""
        if text.strip():
            self._take(text)
