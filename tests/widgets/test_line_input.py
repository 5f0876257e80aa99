"""LineInput: one line per Enter, exactly as typed, however fast the keys come.

The keys are made the way a terminal's are: the bytes go through Textual's own parser
(:class:`~textual._xterm_parser.XTermParser`) and every event it yields is posted to the app at
once, as the driver's input thread does with one read of a burst (a paste without bracketed
paste, type-ahead while the app is busy). The app then sees all of them queued before it has
handled the first Enter.
"""

from __future__ import annotations

import time

from textual._xterm_parser import XTermParser
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from roomguard.widgets.line_input import LineInput


class Notes(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def compose(self) -> ComposeResult:
        yield LineInput(self.lines.append, id="notes")


def type_burst(app: App[None], data: str) -> None:
    """*data* as the terminal would send it, every key queued on the app in one go."""
    for event in XTermParser().feed(data):
        app.post_message(event)


async def wait_for_lines(pilot: Pilot[None], app: Notes, count: int) -> None:
    deadline = time.monotonic() + 30
    while len(app.lines) < count and time.monotonic() < deadline:
        await pilot.pause(0.01)
    await pilot.pause()


async def test_a_burst_of_thirty_lines_is_thirty_lines() -> None:
    typed = [f"note{n} alpha" for n in range(1, 31)]
    app = Notes()
    async with app.run_test() as pilot:
        app.query_one(LineInput).focus()
        await pilot.pause()
        type_burst(app, "".join(f"{line}\r" for line in typed) + "unfinished")
        await wait_for_lines(pilot, app, len(typed))
        assert app.lines == typed
        assert app.query_one(LineInput).value == "unfinished"  # nothing after it taken


async def test_a_blank_line_ends_but_is_not_handed_over() -> None:
    app = Notes()
    async with app.run_test() as pilot:
        app.query_one(LineInput).focus()
        await pilot.pause()
        type_burst(app, "\r   \rone\r\r")
        await wait_for_lines(pilot, app, 1)
        await pilot.pause()
        assert app.lines == ["one"]  # not "   one": the blank line ended at its Enter
        assert app.query_one(LineInput).value == ""


async def test_submit_action_hands_over_the_same_way() -> None:
    app = Notes()
    async with app.run_test() as pilot:
        notes = app.query_one(LineInput)
        notes.value = "from the palette"
        await notes.action_submit()
        assert app.lines == ["from the palette"] and notes.value == ""
        await pilot.pause()


async def test_a_pasted_block_is_one_line_per_line_break() -> None:
    """A bracketed paste (one Paste event): a bare Input keeps its first line only."""
    app = Notes()
    async with app.run_test() as pilot:
        notes = app.query_one(LineInput)
        notes.focus()
        await pilot.pause()
        type_burst(app, "draft: ")
        type_burst(app, "\x1b[200~one\ntwo\r\nthree\x1b[201~")
        await wait_for_lines(pilot, app, 2)
        assert app.lines == ["draft: one", "two"] and notes.value == "three"
        type_burst(app, "\x1b[200~ and more\nfour\n\x1b[201~")
        await wait_for_lines(pilot, app, 4)
        assert app.lines == ["draft: one", "two", "three and more", "four"]
        assert notes.value == ""
