"""Keys typed ahead in a live session: Esc then a digit toggles presence; focus moves with n and
esc before the keys after them are read.

Keys are made as a terminal's are: bytes through Textual's parser, every event posted to the
app in one go (:func:`tests.widgets.test_line_input.type_burst`), so the app sees them all
queued before it has handled the first.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from textual import events
from textual._xterm_parser import XTermParser
from textual.pilot import Pilot

from roomguard.core.events import NoteAdded, PresenceChanged
from roomguard.screens.session.keys import read_esc_digit_as_alt
from roomguard.screens.session.screen import SessionScreen
from roomguard.store import Store
from roomguard.widgets.line_input import LineInput
from roomguard.widgets.roster import Roster
from tests.screens.helpers import running_session
from tests.widgets.test_line_input import type_burst


def keys(data: str) -> list[tuple[str, str | None]]:
    return [(e.key, e.character) for e in XTermParser().feed(data) if isinstance(e, events.Key)]


# ----------------------------------------------------------------------------- the parser
def test_esc_then_a_digit_is_alt_digit_and_a_typed_pound_sign_is_a_pound_sign() -> None:
    read_esc_digit_as_alt()
    assert keys("\x1b3") == [("alt+3", None)]  # was ("pound_sign", "£")
    assert keys("\x1b1") == [("alt+1", None)]  # was ("inverted_exclamation_mark", "¡")
    assert [k for n in range(10) for k, _ in keys(f"\x1b{n}")] == [f"alt+{n}" for n in range(10)]
    assert keys("\x1b3note") == [("alt+3", None), ("n", "n"), ("o", "o"), ("t", "t"),
                                 ("e", "e")]
    pound = list(XTermParser().feed("£"))  # typed as a character: UTF-8, no ESC
    assert [(e.key, e.character, e.is_printable) for e in pound] == [("pound_sign", "£", True)]
    assert keys("3") == [("3", "3")]
    assert keys("\x1ba") == []  # ESC + letter: still waits for the escape delay (unchanged)


# ----------------------------------------------------------------------------- in a session
async def wait_until(pilot: Pilot[None], condition: Callable[[], bool],
                     state: Callable[[], object] = lambda: None) -> None:
    """Until *condition* holds (30 s deadline; then fail showing *state*)."""
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting; {state()}"
        await pilot.pause(0.01)


def present(screen: SessionScreen, number: int) -> bool:
    entry = screen.query_one(Roster).entry(number)
    assert entry is not None
    return entry.present


def notes_in_journal(path: Path, screen: SessionScreen) -> list[str]:
    assert screen.record is not None
    with Store.open(path, readonly=True) as store:
        return [e.text for e in store.events(screen.record.id) if isinstance(e, NoteAdded)]


async def into_notes(pilot: Pilot[None], screen: SessionScreen) -> LineInput:
    await pilot.press("n")
    notes = screen.query_one("#notes", LineInput)
    await wait_until(pilot, lambda: screen.focused is notes)
    return notes


def presence_in_journal(path: Path, screen: SessionScreen) -> list[bool]:
    assert screen.record is not None
    with Store.open(path, readonly=True) as store:
        return [e.present for e in store.events(screen.record.id)
                if isinstance(e, PresenceChanged)]


async def test_esc_then_3_leaves_the_notes_and_toggles_person_3(tmp_path: Path) -> None:
    path = tmp_path / "store"
    async with running_session(path) as (pilot, screen):
        notes = await into_notes(pilot, screen)
        assert not present(screen, 3)
        type_burst(pilot.app, "half a note\x1b3")
        await wait_until(pilot, lambda: present(screen, 3), lambda: f"note: {notes.value!r}")
        assert isinstance(screen.focused, Roster)
        assert notes.value == "half a note"  # no "£", nothing lost, nothing sent
        type_burst(pilot.app, "\x1b3")  # out of the input already: the same key toggles
        await wait_until(pilot, lambda: not present(screen, 3))
        assert notes.value == "half a note"
        assert presence_in_journal(path, screen) == [True, False]
        assert notes_in_journal(path, screen) == []
        type_burst(pilot.app, "n, finished\r")  # back in: the draft is kept, typing goes on
        await wait_until(pilot, lambda: bool(notes_in_journal(path, screen)))
        assert notes_in_journal(path, screen) == ["half a note, finished"]


async def test_a_typed_pound_sign_is_part_of_the_note(tmp_path: Path) -> None:
    path = tmp_path / "store"
    async with running_session(path) as (pilot, screen):
        await into_notes(pilot, screen)
        type_burst(pilot.app, "it cost £3 and ¡no!\r")
        await wait_until(pilot, lambda: bool(notes_in_journal(path, screen)))
        assert notes_in_journal(path, screen) == ["it cost £3 and ¡no!"]
        assert not present(screen, 3)


async def test_keys_typed_right_after_n_and_esc_land_on_the_right_side(tmp_path: Path) -> None:
    """n, a note, Enter, Esc and 3, as separate keys, all queued before the first is handled:
    the note's letters do not act as keys (e would end the session), the 3 is not typed."""
    path = tmp_path / "store"
    async with running_session(path) as (pilot, screen):
        burst = [events.Key("n", "n")]
        burst += [events.Key(c if c.isalnum() else "space", c) for c in "we end at ten"]
        burst += [events.Key("enter", "\r"), events.Key("escape", "\x1b"), events.Key("3", "3")]
        for event in burst:
            pilot.app.post_message(event)
        await wait_until(pilot, lambda: present(screen, 3),
                         lambda: f"on {pilot.app.screen}, focus {screen.focused}")
        await pilot.pause()
        assert pilot.app.screen is screen  # no "End the session?" dialog
        assert isinstance(screen.focused, Roster)
        assert screen.query_one("#notes", LineInput).value == ""
        assert notes_in_journal(path, screen) == ["we end at ten"]
        assert presence_in_journal(path, screen) == [True]
