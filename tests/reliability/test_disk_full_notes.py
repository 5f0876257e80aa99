"""Notes typed while the disk is full: one journal event per Enter once it clears.

Issue 17, item 4: under a full disk the screen showed five 900-character notes sent 0.5 s
apart while the journal held them as 1+2, 1+2+3+4, 5. Here the store's writes fail (ENOSPC
injected at the system-call boundary, as in ``test_disk_full_ui.py``) while five such notes
are typed into the session's notes input, each arriving as the terminal would send it (one
burst of keys through Textual's parser); the retry timer keeps failing between them. Once the
fault clears, the journal must hold exactly the five notes, in order, each whole, each once:
the same five the log showed.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from roomguard.core.events import NoteAdded
from roomguard.live.view import LogKind
from roomguard.screens.session.screen import SessionScreen
from roomguard.widgets.line_input import LineInput
from roomguard.widgets.session_log import SessionLog
from tests.reliability.test_disk_full_ui import (
    SIZE,
    Fault,
    begin_session,
    error_toasts,
    journal_events,
    session_app,
    status_line,
    wait_until,
)
from tests.screens.helpers import seeded_store
from tests.widgets.test_line_input import type_burst

NOTE_CHARS = 900
GAP = 0.5  # seconds between one note's Enter and the next note's first key


def long_note(n: int) -> str:
    """A 900-character note that names no private topic, numbered at both ends."""
    head, tail = f"note{n} start ", f" note{n} end"
    filler = ("alpha beta gamma " * 60)[: NOTE_CHARS - len(head) - len(tail)]
    return head + filler + tail


def logged_notes(screen: SessionScreen) -> list[str]:
    return [e.text for e in screen.query_one(SessionLog).entries if e.kind is LogKind.NOTE]


@pytest.mark.parametrize("kind", ["write", "fsync"])
async def test_five_long_notes_typed_on_a_full_disk_are_five_events_once_it_clears(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from roomguard.screens.session import screen as session_module

    monkeypatch.setattr(session_module, "RETRY_SECONDS", 0.1)  # retried between the notes
    path = seeded_store(tmp_path / "store")
    notes = [long_note(n) for n in range(1, 6)]
    assert {len(n) for n in notes} == {NOTE_CHARS}
    app = session_app(path, "Noah Kim")
    fault = Fault(monkeypatch, path, kind)
    async with app.run_test(size=SIZE) as pilot:
        screen = await begin_session(pilot)
        assert screen.record is not None
        session_id = screen.record.id
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.focused, LineInput))

        fault.on = True
        for text in notes:
            type_burst(app, text + "\r")
            await asyncio.sleep(GAP)  # the next note comes whether or not this one is handled
        await wait_until(pilot, lambda: logged_notes(screen)[-1:] == notes[-1:], timeout=120)
        assert logged_notes(screen) == notes, [n[:12] + "…" + n[-12:] for n in logged_notes(screen)]
        assert screen.query_one("#notes", LineInput).value == ""
        assert screen.unsaved_count >= len(notes)
        retries = fault.refused
        await wait_until(pilot, lambda: fault.refused > retries, timeout=60)  # failed again
        # Told once (the toast may have timed out by now on a busy machine), and counted.
        assert len(error_toasts(app)) <= 1, error_toasts(app)
        assert f"{screen.unsaved_count} events not yet saved" in status_line(screen)

        fault.on = False
        await wait_until(pilot, lambda: screen.unsaved_count == 0, timeout=60)
        assert logged_notes(screen) == notes

    saved = [e.text for e in journal_events(path, session_id) if isinstance(e, NoteAdded)]
    assert saved == notes, [s[:12] + "…" + s[-12:] for s in saved]
