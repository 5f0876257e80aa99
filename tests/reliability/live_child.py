"""A live session typing notes fast, run as a child process and killed (``test_live_kill.py``).

    python live_child.py live <store> <client name> resume|new
        A headless :class:`~roomguard.live.session.LiveSession` (what the session screen
        drives): resume the client's session left open today (``resume``, when there is one),
        or begin a new one; then type notes as
        fast as they are recorded, and every few notes bring person 3 in or out, hear a
        transcript line, acknowledge the oldest waiting alert. A note is reported once
        ``LiveSession.note`` has returned with nothing unsaved: the coach's screen shows it
        saved.

    python live_child.py tui <store> <client name> resume|new
        The real app (headless Textual, the same screens and widgets as in a terminal) opened
        on the client's session (its question answered: resume the session left open today, or
        start a new one): keys are typed ahead
        in bursts of one to six notes through Textual's own parser, without waiting for the app
        to handle them, with Esc+3 (person 3 in or out) and n (back into the notes) among them.
        A note is reported once the session log shows it and the status line counts nothing
        unsaved.

Notes are numbered on from the last one in the journal, ``note<n> alpha``, and every 7th
``note<n> divorce`` (a private topic: with person 3 in the room, an alert)::

    ready <pid> <session id or -> <last note in the journal>
    typed <n>       (tui) every note up to n has been typed
    N <n>           note n is shown as saved
    U <n>           (live) note n returned with something unsaved: not shown as saved

Report lines are written with a single ``os.write`` to an unbuffered descriptor: a line reaches
the pipe whole or not at all, and once written it survives the process's death.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from roomguard.core.events import AckAction, NoteAdded  # noqa: E402
from roomguard.core.transcript import Utterance  # noqa: E402
from roomguard.live.session import open_live, open_today  # noqa: E402
from roomguard.store import Store  # noqa: E402

NOTE = re.compile(r"note(\d+) (alpha|divorce)")


def report(line: str) -> None:
    os.write(1, (line + "\n").encode())


def now() -> datetime:
    """The app's clock (``roomguard.app.local_now``) without importing Textual."""
    return datetime.now(UTC).astimezone()


def note_text(n: int) -> str:
    return f"note{n} divorce" if n % 7 == 0 else f"note{n} alpha"


def note_number(text: str) -> int | None:
    match = NOTE.fullmatch(text)
    return int(match.group(1)) if match else None


def last_note(store: Store, session_id: str) -> int:
    numbers = [note_number(e.text) for e in store.events(session_id) if isinstance(e, NoteAdded)]
    return max((n for n in numbers if n is not None), default=0)


# ----------------------------------------------------------------------------- headless
def live(root: Path, name: str, resume: bool) -> None:
    store = Store.open(root)
    client = store.find_client(name)
    session = open_live(store, client.id, now)
    earlier = open_today(store, client.id, now()) if resume else None
    if earlier is not None:
        session.resume(earlier, store.events(earlier.id))
        n = last_note(store, earlier.id)
    else:
        session.begin()
        n = 0
    assert session.record is not None and session.running
    report(f"ready {os.getpid()} {session.record.id} {n}")
    while True:
        n += 1
        session.note(note_text(n))
        report(f"{'U' if session.unsaved_count else 'N'} {n}")
        if n % 5 == 0:
            session.toggle_nth(3)
        if n % 9 == 0:
            session.hear(Utterance("Noah Kim", "we spoke about the divorce", "", n))
        if n % 11 == 0 and (waiting := session.state.unacknowledged()):
            session.acknowledge(waiting[0].id, AckAction.STEPPED_OUT)


# ----------------------------------------------------------------------------- the app
async def tui(root: Path, name: str, resume: bool) -> None:
    from textual._xterm_parser import XTermParser

    from roomguard.app import RoomguardApp, local_now
    from roomguard.live.view import LogKind
    from roomguard.screens.dialogs.confirm import Confirm
    from roomguard.screens.session.briefing import SessionBriefing
    from roomguard.screens.session.screen import SessionScreen
    from roomguard.widgets.session_log import SessionLog

    with Store.open(root, readonly=True) as reader:
        client = reader.find_client(name)
        earlier = open_today(reader, client.id, local_now())
        n = last_note(reader, earlier.id) if earlier is not None and resume else 0

    rng = random.Random(os.getpid())
    app = RoomguardApp(root, session_client=client.id, clock=local_now)
    async with app.run_test(size=(120, 40)) as pilot:
        screen: SessionScreen | None = None
        while screen is None:  # resume the session left open (y) or not (n); begin (enter)
            await pilot.pause(0.01)
            if isinstance(app.screen, Confirm):
                await pilot.press("y" if resume else "n")
            elif isinstance(app.screen, SessionBriefing):
                await pilot.press("enter")
            elif isinstance(app.screen, SessionScreen) and app.screen.live is not None \
                    and app.screen.live.running:
                screen = app.screen
        assert screen.record is not None
        report(f"ready {os.getpid()} {screen.record.id} {n}")
        log = screen.query_one(SessionLog)
        shown = n

        def report_saved() -> None:
            nonlocal shown
            if screen.unsaved_count:
                return
            new = []
            for entry in reversed(log.entries):  # newest first, back to the last reported
                number = note_number(entry.text) if entry.kind is LogKind.NOTE else None
                if number is not None:
                    if number <= shown:
                        break
                    new.append(number)
            for number in reversed(new):
                assert number == shown + 1, f"the log shows note {number} after {shown}"
                shown = number
                report(f"N {number}")

        app.set_interval(0.005, report_saved)
        keys = "n"  # into the notes input
        while True:
            for _ in range(rng.randint(1, 6)):
                n += 1
                keys += note_text(n) + "\r"
            if rng.random() < 0.3:
                keys += "\x1b3n"  # person 3 in or out, back into the notes
            report(f"typed {n}")
            for event in XTermParser().feed(keys):
                app.post_message(event)
            keys = ""
            await asyncio.sleep(rng.uniform(0.0, 0.03))


def main(argv: list[str]) -> None:
    mode, root, name, resume = argv[1], Path(argv[2]), argv[3], argv[4] == "resume"
    if mode == "live":
        live(root, name, resume)
    elif mode == "tui":
        asyncio.run(tui(root, name, resume))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv)
