"""End to end, in a real terminal (tmux), with the installed ``roomguard`` console script:

* two instances on one store: the second opens read-only and names the first's pid; the first
  is killed with SIGKILL; a third opens for writing and says it recovered the stale lock;
* a truncated ``practice.json``: the store-problem screen names the file and offers the
  backups, and the file is left byte for byte as it was;
* a client whose name carries an OSC 52 clipboard write, an OSC 0 title, CSI 2J and Rich
  markup: the terminal shows the literal symbols, its clipboard (tmux buffers, with
  ``set-clipboard on`` so tmux would accept an OSC 52) and title are untouched, and the screen
  is intact, on the home screen and in a session whose header names the client;
* a whole session: start, a person comes in, a private topic raises an alert, it is
  acknowledged, the session ends, and history shows it handled.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import psutil
import pytest

from roomguard.core.models import Client, PrivateTopic, Role
from roomguard.store import Store
from roomguard.store.demo import load_demo
from tests.builders import build_agreement, build_party
from tests.e2e.tmux import Tmux, require_tmux

pytestmark = pytest.mark.e2e

TITLE_MARK = "pwned-title"
HOSTILE_NAME = f"[bold]x[/] \x1b]52;c;aGk=\x07\x1b]0;{TITLE_MARK}\x07\x1b[2J\x1b(0 Dana"


class Terminal(Tmux):
    """A :class:`Tmux` whose server accepts OSC 52 into its paste buffers (``set-clipboard
    on``), so an escape sequence that leaks from the app shows up in ``list-buffers``."""

    SERVER_OPTIONS = (("set-clipboard", "on"),)

    def buffers(self) -> str:
        return self._tmux("list-buffers", "-F", "#{buffer_name}: #{buffer_sample}")

    def pane_title(self) -> str:
        return self._tmux("display-message", "-p", "-t", "rg", "#{pane_title}").strip()

    def app_pid(self, timeout: float = 10.0) -> int:
        """The pid of the roomguard process running in the pane."""
        shell = int(self._tmux("display-message", "-p", "-t", "rg", "#{pane_pid}").strip())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for child in psutil.Process(shell).children(recursive=True):
                if any("roomguard" in part for part in child.cmdline()):
                    return child.pid
            time.sleep(0.1)
        raise AssertionError("no roomguard process in the pane")


def words(screen: str) -> str:
    """The screen's text with box drawing, toast edges and line breaks dropped, so a message
    wrapped over several rows reads as one line."""
    return " ".join(re.sub("[\u2500-\u259f]", " ", screen).split())


def toast_words(screen: str) -> str:
    """The text of the toasts only (right of their ``▌`` edge), as :func:`words` reads it: a
    toast may overlap a pane's border and subtitle, which would split its wrapped lines."""
    return words("\n".join(line.rsplit("\u258c", 1)[1] for line in screen.splitlines()
                           if "\u258c" in line))


def unwrapped(text: str) -> str:
    """*text* without any whitespace: a long path wraps wherever its line ends."""
    return re.sub(r"\s", "", text)


def wait_for_words(term: Terminal, text: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        screen = term.screen()
        if text in words(screen) or text in toast_words(screen):
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} did not appear within {timeout}s; screen:\n{term.screen()}")


def press_until(term: Terminal, key: str, text: str, attempts: int = 3,
                timeout: float = 6.0) -> str:
    """Press *key* until *text* shows (a key pressed while a screen is still loading can be
    missed on a busy machine; every key used with this is idempotent)."""
    for _ in range(attempts - 1):
        term.send(key)
        try:
            return wait_for_words(term, text, timeout)
        except AssertionError:
            continue
    term.send(key)
    return wait_for_words(term, text, timeout)


@pytest.fixture
def terminals(tmp_path: Path) -> Iterator[list[Terminal]]:
    """Make terminals with ``terminals.append(Terminal(tmp_path))``; all are killed after."""
    require_tmux()
    made: list[Terminal] = []
    yield made
    for term in made:
        term.kill()


def new_terminal(terminals: list[Terminal], tmp_path: Path, width: int = 120,
                 height: int = 36) -> Terminal:
    term = Terminal(tmp_path, width, height)
    terminals.append(term)
    return term


def demo_store(path: Path) -> Path:
    with Store.open(path) as store:
        load_demo(store, date.today())
    return path


def lock_holder(store: Path) -> dict:
    return json.loads((store / "roomguard.lock").read_text() or "null")


# ----------------------------------------------------------------------------- two instances
def test_second_instance_is_read_only_and_a_third_recovers_the_stale_lock(
    terminals: list[Terminal], tmp_path: Path
) -> None:
    store = demo_store(tmp_path / "store")
    args = ["--db", str(store)]

    first = new_terminal(terminals, tmp_path)
    first.start(args)
    first.wait_for("Priya Raman")
    first_pid = first.app_pid()
    assert lock_holder(store)["pid"] == first_pid
    assert "Read-only" not in first.screen()

    second = new_terminal(terminals, tmp_path)
    second.start(args)
    screen = second.wait_for(f"pid {first_pid}")
    assert "Read-only: Another Roomguard" in screen, screen
    assert "open for writing" in screen
    assert "Priya Raman" in screen  # it still shows the practice
    second.wait_for("in force")  # the agreement states are filled in: the app is ready
    second.send("s")  # starting a session is refused, the store untouched
    wait_for_words(second, "The store is open read-only, so a session could not be recorded.")
    assert lock_holder(store)["pid"] == first_pid

    os.kill(first_pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while psutil.pid_exists(first_pid) and psutil.Process(first_pid).status() != "zombie":
        assert time.monotonic() < deadline, "the first instance did not die"
        time.sleep(0.05)

    third = new_terminal(terminals, tmp_path)
    third.start(args)
    screen = wait_for_words(third, "did not exit cleanly; its lock was released")
    assert f"The previous Roomguard (pid {first_pid} on" in toast_words(screen), screen
    assert "Read-only" not in screen
    third_pid = third.app_pid()
    assert lock_holder(store)["pid"] == third_pid
    third.send("q")
    assert third.wait_for_exit() == 0
    assert lock_holder(store) is None  # a clean exit leaves no holder behind
    second.send("q")
    assert second.wait_for_exit() == 0


# ----------------------------------------------------------------------------- corrupt store
def test_truncated_practice_file_shows_the_problem_and_is_left_untouched(
    terminals: list[Terminal], tmp_path: Path
) -> None:
    store = demo_store(tmp_path / "store")
    with Store.open(store) as opened:
        opened.backup("manual")
    practice = store / "practice.json"
    damaged = practice.read_bytes()[: len(practice.read_bytes()) // 2]
    practice.write_bytes(damaged)
    before = practice.stat()

    term = new_terminal(terminals, tmp_path)
    term.start(["--db", str(store)])
    screen = term.wait_for("Store file damaged")
    assert unwrapped(f"{practice} is damaged: it is cut short") in unwrapped(words(screen)), screen
    assert "Backups (newest first)" in screen and "manual" in screen
    assert "Restore selected backup" in screen
    assert "Priya Raman" not in screen  # no half-read practice behind it
    term.send("q")
    assert term.wait_for_exit() == 0
    assert practice.read_bytes() == damaged
    after = practice.stat()
    assert (after.st_mtime_ns, after.st_size, after.st_ino) == (
        before.st_mtime_ns, before.st_size, before.st_ino)


# ----------------------------------------------------------------------------- hostile text
def hostile_store(path: Path) -> str:
    client = Client(HOSTILE_NAME, created_on=date(2026, 1, 1))
    with Store.open(path) as store:
        store.save_client(client)
        store.save_agreement(build_agreement(
            build_party(HOSTILE_NAME, Role.CLIENT),
            build_party("Alex Morgan", Role.COACH),
            client_id=client.id,
            topics=[PrivateTopic("Family", ["divorce"])],
        ))
    return client.id


def check_terminal_untouched(term: Terminal, screen: str, title_before: str) -> None:
    assert "[bold]x[/] ␛]52;c;aGk=␇␛]0;" in screen, screen  # literal, symbols for escapes
    assert term.buffers() == "", (
        f"the app wrote the clipboard: {term.buffers()!r}; the header row is "
        f"{screen.split(chr(10))[0]!r}")
    title = term.pane_title()
    assert TITLE_MARK not in title and title == title_before, title
    assert "\x1b" not in screen


def test_hostile_client_name_reaches_the_terminal_only_as_symbols(
    terminals: list[Terminal], tmp_path: Path
) -> None:
    store = tmp_path / "store"
    client_id = hostile_store(store)

    def drawn(term: Terminal, *texts: str) -> str:
        """The screen once every one of *texts* is on it. Wait for what the checks read, never
        for a time: on a busy machine the footer came more than half a second after the rows."""
        for text in texts:
            term.wait_for(text, timeout=60)
        return term.screen()

    home = new_terminal(terminals, tmp_path)
    home.start(["--db", str(store)])
    title_before = home.pane_title()
    screen = drawn(home, "[bold]x[/]", "Roomguard", "Third parties", "Start session")
    check_terminal_untouched(home, screen, title_before)
    rows = screen.split("\n")
    assert "Roomguard" in rows[0] and "Third parties" in screen  # header, tables still drawn
    assert "Start session" in screen  # the footer survived a CSI 2J
    assert "lqk" not in screen.replace("[bold]x[/]", "")  # no line-drawing charset switched on
    home.send("q")
    assert home.wait_for_exit() == 0

    # A session for the client: its header and status line name them too.
    session = new_terminal(terminals, tmp_path)
    session.start(["--db", str(store), "session", client_id])
    title_before = session.pane_title()
    session.wait_for("Begin session")
    session.send("b")
    screen = drawn(session, "In the room", "Private topics", "In/out",
                   f"␛]0;{TITLE_MARK}␇␛[2J␛(0 Dana")
    check_terminal_untouched(session, screen, title_before)
    assert f"␛]0;{TITLE_MARK}␇␛[2J␛(0 Dana" in screen  # the status line names them in full
    assert "Private topics" in screen and "In/out" in screen
    session.send("e")
    session.wait_for("End the session?")
    session.send("y")
    session.wait_for("Close")
    session.send("escape")
    session.wait_for("Start session")  # home
    session.send("q")
    assert session.wait_for_exit() == 0
    assert session.buffers() == ""


# ----------------------------------------------------------------------------- a whole session
def test_a_whole_session_from_start_to_history(terminals: list[Terminal], tmp_path: Path) -> None:
    store = demo_store(tmp_path / "store")
    term = new_terminal(terminals, tmp_path, width=130, height=40)
    term.start(["--db", str(store), "session", "Noah Kim"])
    term.wait_for("Before the session with Noah Kim")
    term.send("b")
    screen = term.wait_for("· started")
    assert "1 ● in   Noah Kim" in screen and "3 ○ out  Grace Kim" in screen

    term.send("3")  # Grace comes in
    term.wait_for("3 ● in   Grace Kim")
    term.send("n")  # to the notes input
    term.send("-l", "we talked about the divorce")
    term.send("Enter")
    screen = term.wait_for("1 unacknowledged alert")
    assert "Family conflict" in screen and "Grace Kim" in screen

    term.send("Escape")  # leave the notes input: escape means "home" again
    term.wait_for("esc Home")
    press_until(term, "a", "Paused the topic")
    term.send("p")
    term.send("r")
    deadline = time.monotonic() + 10
    while "1 unacknowledged alert" in term.screen():
        assert time.monotonic() < deadline, term.screen()
        time.sleep(0.1)

    term.send("e")
    term.wait_for("End the session?")
    term.send("y")
    screen = term.wait_for("Close")
    assert "Grace Kim" in screen and "paused the topic" in screen.lower()
    term.send("Escape")
    term.wait_for("Start session")  # home
    term.wait_for("in force")
    press_until(term, "h", "1 session.")  # the highlighted client's history, loaded
    press_until(term, "a", "sessions shown")  # every client's: today's, the newest, is shown
    now = datetime.now()
    screen = wait_for_words(term, f"Noah Kim {now:%a} {now.day} {now:%b %Y}")
    detail = words(screen)
    assert "Private topics detected" in detail and "we talked about the divorce" in detail
    assert "Grace Kim" in detail and "handled" in detail and "paused the topic" in detail
    term.send("Escape")
    term.wait_for("Start session")
    term.send("q")
    assert term.wait_for_exit() == 0

    with Store.open(store, readonly=True) as opened:
        client = opened.find_client("Noah Kim")
        record = next(opened.sessions(client_id=client.id))
        kinds = [type(e).__name__ for e in opened.events(record.id)]
    assert record.ended_at is not None and record.started_at.date() == datetime.now().date()
    assert record.alerts == 1 and record.unhandled == 0
    assert kinds == ["SessionStarted", "PresenceChanged", "NoteAdded", "TopicDetected",
                     "AlertRaised", "AlertAcknowledged", "SessionEnded"]
