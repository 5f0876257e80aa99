"""End to end: notes typed fast into a live session, in a real terminal (tmux), with the
installed ``roomguard`` console script.

Issue 17, item 4: thirty notes "noteN alpha" + Enter typed about 20 ms apart became 26 lines,
split across an Enter ("note7 alphanot" + "e8 alphan"), duplicated and lost; 634 notes at
10-120 ms gaps had 61 merged and 12 duplicated. Every Enter must give exactly one note, exactly
as typed, in order, in the journal and on the screen, however the keys arrive: a typist's
rhythm, one unbroken stream, a machine busy with something else.

Each test types notes into ``roomguard --db STORE session "Noah Kim"``, waits until the journal
holds as many notes as Enters were pressed (or a generous deadline passes), quits, and compares
the journal (read with :class:`~roomguard.store.Store`, read-only) and the log on the screen
with what was typed. The gaps between keys are the typing being simulated; nothing waits on
a time for the app's state.

Before ``LineInput`` handled Enter in its own key handler, these failed: with the bare
``Input`` (cleared in ``on_input_submitted``) the journal held 21 lines for 30 notes at 20 ms,
24 beside CPU hogs, 484 for 600 at random gaps, merged ("note5 alphanote6 alpha"), split
("ote9 alphanote10 alphanote11 alpha") and duplicated, and one stream of 30 gave 30 copies of
all thirty run together; with an ``action_submit`` that took the value, Enter still ran only
after the keys typed behind it: 14 lines for 30 notes at 20 ms, one for the stream. The last
test is Esc then 3 with no delay, which typed "£" into the note.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.synchronize
import random
import re
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from roomguard.core.events import NoteAdded, PresenceChanged
from roomguard.store import Store
from roomguard.store.demo import load_demo
from tests.e2e.test_tmux_session import pinned_size
from tests.e2e.tmux import Tmux, require_tmux

pytestmark = pytest.mark.e2e

CLIENT = "Noah Kim"
# A note's row in the log: time, kind, text, then padding and maybe the scrollbar's glyphs.
NOTE_LINE = re.compile(r"\d\d:\d\d:\d\d note  (\S.*?)[\s\u2580-\u259f]*│")


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    require_tmux()
    term = Tmux(tmp_path, width=120, height=50)
    yield term
    term.kill()


def note(n: int) -> str:
    return f"note{n} alpha"


# ----------------------------------------------------------------------------- the session
def demo_store(path: Path) -> Path:
    with Store.open(path) as store:
        load_demo(store, date.today())  # the console script runs on the real clock
    return path


def start_typing(tmux: Tmux, store: Path) -> None:
    """A session under way with the notes input focused."""
    tmux.start(["--db", str(store), "session", CLIENT])
    tmux.wait_for(f"Before the session with {CLIENT}", timeout=60)
    pinned_size(tmux)
    tmux.wait_for("Begin session")
    tmux.send("Enter")
    tmux.wait_for("· started", timeout=60)
    tmux.send("n")
    tmux.wait_for("Leave notes")  # the footer offers esc only while the input has focus


def session_ids(store: Path) -> set[str]:
    with Store.open(store, readonly=True) as reader:
        return {r.id for r in reader.sessions(client_id=reader.find_client(CLIENT).id)}


def journal_notes(store: Path, before: set[str]) -> list[str]:
    """The notes of the client's session that is not in *before* (the demo's), in journal
    order ([] until it is indexed)."""
    with Store.open(store, readonly=True) as reader:
        client = reader.find_client(CLIENT)
        new = [r for r in reader.sessions(client_id=client.id) if r.id not in before]
        if not new:
            return []
        (record,) = new
        return [e.text for e in reader.events(record.id) if isinstance(e, NoteAdded)]


def wait_for_notes(store: Path, before: set[str], count: int, timeout: float) -> list[str]:
    """The journal's notes once it holds *count* of them (or more), or when *timeout* has
    passed: a test then compares what it got with what was typed."""
    deadline = time.monotonic() + timeout
    while True:
        notes = journal_notes(store, before)
        if len(notes) >= count or time.monotonic() > deadline:
            return notes
        time.sleep(0.2)


def quit_session(tmux: Tmux) -> None:
    """Out of the input, quit, confirm (the session stays open to resume)."""
    tmux.send("Escape")
    tmux.wait_gone("Leave notes")  # the footer's escape is "Home" again once the input is left
    tmux.send("q")
    tmux.wait_for("Quit Roomguard during the session?")
    tmux.send("y")
    assert tmux.wait_for_exit(timeout=30) == 0


def logged_notes(screen: str) -> list[str]:
    """The note lines the session log shows, top to bottom."""
    return [m.group(1) for line in screen.splitlines() if (m := NOTE_LINE.search(line))]


def log_shows(typed: list[str], screen: str) -> bool:
    """Whether the log on *screen* ends with the latest of *typed* (as many as it has room
    for, 20 or more) and the notes input is empty again: what :func:`check` asks of it."""
    shown = logged_notes(screen)
    return (len(shown) >= min(len(typed), 20) and shown == typed[-len(shown):]
            and "Type a note; Enter checks it" in screen)


def wait_for_log(tmux: Tmux, typed: list[str], timeout: float = 60.0) -> str:
    """The screen once the log shows the latest of *typed* (or the last one captured when
    *timeout* has passed, for :func:`check` to say what is wrong). Once the journal holds
    every note the log may still be a repaint behind, or tmux half way through a frame:
    waiting for the whole picture, not for the first sight of the last note, keeps a busy
    machine from failing a test the app passes."""
    try:
        return tmux.wait_until(lambda screen: log_shows(typed, screen), "the log", timeout)
    except AssertionError:
        return tmux.screen()


def check(typed: list[str], journal: list[str], screen: str) -> None:
    """The journal holds exactly *typed*; the log shows the latest of them, in order."""
    missing = [n for n in typed if n not in journal]
    foreign = list(dict.fromkeys(n for n in journal if n not in typed))  # merged or split
    repeated = list(dict.fromkeys(n for n in journal if journal.count(n) > 1))
    assert journal == typed, (
        f"{len(typed)} notes typed, {len(journal)} in the journal: {len(missing)} missing "
        f"{missing[:10]}, {len(foreign)} merged or split {foreign[:5]}, {len(repeated)} "
        f"duplicated {repeated[:5]}"
    )
    shown = logged_notes(screen)
    assert len(shown) >= min(len(typed), 20), screen
    assert shown == typed[-len(shown):], screen
    assert "Type a note; Enter checks it" in screen, "the notes input is not empty"


def type_with_gaps(tmux: Tmux, notes: list[str], gaps: Iterator[float]) -> None:
    """Each note as typed text then Enter, *gaps* apart (a typist's rhythm)."""
    for text in notes:
        tmux.send("-l", text)
        tmux.send("Enter")
        time.sleep(next(gaps))


def run(tmux: Tmux, store: Path, notes: list[str], gaps: Iterator[float] | None,
        timeout: float = 60.0) -> None:
    before = session_ids(store)
    start_typing(tmux, store)
    if gaps is None:  # one unbroken stream: every key in one write to the terminal
        tmux.send("-l", "".join(f"{text}\r" for text in notes))
    else:
        type_with_gaps(tmux, notes, gaps)
    journal = wait_for_notes(store, before, len(notes), timeout)
    # the log shows the notes once the journal has them all (else check() says what is not)
    screen = wait_for_log(tmux, notes) if len(journal) == len(notes) else tmux.screen()
    quit_session(tmux)
    check(notes, journal_notes(store, before), screen)
    assert journal_notes(store, before) == journal  # nothing arrived after the count was reached


def every(seconds: float) -> Iterator[float]:
    while True:
        yield seconds


# ----------------------------------------------------------------------------- the tests
def test_thirty_notes_20_ms_apart_are_thirty_notes(tmux: Tmux, tmp_path: Path) -> None:
    notes = [note(n) for n in range(1, 31)]
    run(tmux, demo_store(tmp_path / "store"), notes, every(0.02))


def test_thirty_notes_in_one_stream_are_thirty_notes(tmux: Tmux, tmp_path: Path) -> None:
    """All the keys of thirty notes in one write: the app reads them in one go."""
    notes = [note(n) for n in range(1, 31)]
    run(tmux, demo_store(tmp_path / "store"), notes, None)


def _hog(stop: multiprocessing.synchronize.Event) -> None:
    while not stop.is_set():
        sum(i * i for i in range(10_000))


@pytest.fixture
def cpu_hogs() -> Iterator[None]:
    """A busy machine: one process spinning per core beside the app."""
    stop = multiprocessing.Event()
    hogs = [multiprocessing.Process(target=_hog, args=(stop,), daemon=True)
            for _ in range(multiprocessing.cpu_count())]
    for hog in hogs:
        hog.start()
    yield
    stop.set()
    for hog in hogs:
        hog.join(timeout=10)
        if hog.is_alive():
            hog.kill()


def test_thirty_notes_20_ms_apart_on_a_busy_machine(tmux: Tmux, tmp_path: Path,
                                                     cpu_hogs: None) -> None:
    notes = [note(n) for n in range(1, 31)]
    run(tmux, demo_store(tmp_path / "store"), notes, every(0.02), timeout=120)


@pytest.mark.slow
def test_600_notes_at_random_gaps_are_600_notes(tmux: Tmux, tmp_path: Path) -> None:
    rng = random.Random(634)
    notes = [note(n) for n in range(1, 601)]
    gaps = iter(lambda: rng.uniform(0.010, 0.120), None)
    run(tmux, demo_store(tmp_path / "store"), notes, gaps, timeout=180)


def test_a_pasted_block_is_one_note_per_line(tmux: Tmux, tmp_path: Path) -> None:
    """A bracketed paste (tmux paste-buffer -p): one note per pasted line, none dropped."""
    store = demo_store(tmp_path / "store")
    before = session_ids(store)
    notes = [f"pasted{n} alpha" for n in range(1, 6)]
    block = tmp_path / "paste.txt"
    block.write_text("\n".join(notes) + "\n")
    start_typing(tmux, store)
    tmux._tmux("load-buffer", "-b", "notes", str(block))
    tmux._tmux("paste-buffer", "-p", "-b", "notes", "-t", "rg")
    journal = wait_for_notes(store, before, len(notes), 60)
    screen = wait_for_log(tmux, notes) if len(journal) == len(notes) else tmux.screen()
    quit_session(tmux)
    check(notes, journal_notes(store, before), screen)


# ----------------------------------------------------------------------------- Esc then a digit
def test_esc_then_3_with_no_delay_toggles_person_3(tmux: Tmux, tmp_path: Path) -> None:
    """Escape and 3 in one send-keys reach the app as "\x1b3": not "£" typed into the note,
    but out of the notes input and person 3 (Grace Kim) in."""
    store = demo_store(tmp_path / "store")
    before = session_ids(store)
    start_typing(tmux, store)
    tmux.send("-l", "half a note")
    tmux.wait_for("half a note")
    tmux.send("Escape", "3")
    screen = tmux.wait_for("● in   Grace Kim")
    assert "half a note" in screen and "£" not in screen
    tmux.wait_for("esc Home")  # out of the input
    tmux.send("n")
    tmux.wait_for("Leave notes")
    tmux.send("-l", " and the rest")
    tmux.send("Enter")
    screen = tmux.wait_for("note  half a note and the rest")
    quit_session(tmux)
    assert journal_notes(store, before) == ["half a note and the rest"]
    with Store.open(store, readonly=True) as reader:
        (record,) = [r for r in reader.sessions() if r.id not in before
                     and r.client_id == reader.find_client(CLIENT).id]
        grace = reader.agreement(record.client_id).participants[2]
        toggles = [(e.participant_id, e.present) for e in reader.events(record.id)
                   if isinstance(e, PresenceChanged)]
    assert grace.name == "Grace Kim" and toggles == [(grace.id, True)]
