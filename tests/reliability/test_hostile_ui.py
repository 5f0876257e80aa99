"""Hostile text on every screen: shown literally, never reaching the terminal, never breaking
the layout.

One practice holds a client, parties, topics, phrases, notes and a past session whose text
carries Rich markup (``[bold]x[/]``, ``[link=…]``), terminal escapes (CSI ``2J``, OSC 52
clipboard writes ended by BEL or ST, OSC 8 links, ``ESC ( 0`` line drawing), C0/C1 control
characters and bidi overrides, plus a client and a party whose names are a megabyte long. A
live session follows a transcript file with the same, with bytes in mixed encodings (Latin-1
inside UTF-8, invalid sequences) and a 1 MB line.

What each test checks on the rendered screen (the compositor's output, as the terminal would
receive it, styles dropped):

* the user text is there literally: brackets as typed, escapes as visible symbols (``␛``);
* no ESC, BEL, other C0/C1 control or bidi override character is in it;
* the frame is whole: exactly the terminal's rows, none wider than the terminal, and the
  screen's fixed parts (header, status lines, column headings, footer) where they belong;
* a megabyte of text is cut short in cells, and does not flood a log or stall the app.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import Input

from roomguard.app import RoomguardApp
from roomguard.core.events import (
    AckAction,
    AlertAcknowledged,
    AlertRaised,
    NoteAdded,
    PresenceChanged,
    TopicDetected,
    TopicSource,
)
from roomguard.core.models import (
    Client,
    ConsentMethod,
    Participant,
    PrivateTopic,
    Review,
    ReviewOutcome,
    Role,
    Todo,
)
from roomguard.core.text import printable
from roomguard.screens.checkins import CheckinsScreen
from roomguard.screens.home import HomeScreen
from roomguard.screens.session.briefing import SessionBriefing
from roomguard.screens.session.screen import SessionScreen
from roomguard.screens.store_problem import StoreProblemScreen
from roomguard.store import Store
from roomguard.store.demo import load_demo
from roomguard.widgets.alert_banner import AlertBanner
from roomguard.widgets.record_table import RecordTable
from roomguard.widgets.roster import Roster
from roomguard.widgets.session_log import SessionLog
from tests.builders import build_agreement, build_client, build_party, signed
from tests.screens.helpers import NOW, TODAY, screen_text, seeded_store, settle

W, H = 120, 40
MB = 1_000_000

OSC52_BEL = "\x1b]52;c;aGk=\x07"  # write "hi" to the clipboard (BEL-terminated)
OSC52_ST = "\x1b]52;c;aGk=\x1b\\"  # the same, ST-terminated
OSC8 = "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\"
CLEAR = "\x1b[2J\x1b[H"
C1_CSI = "\x9b2J"

CLIENT = f"[bold]x[/] {OSC52_BEL}{CLEAR} Dana"
EVE = f"[red]Eve[/] {OSC52_ST}{C1_CSI}"
CONTACT = "[link=https://evil.example]mail[/link] \x00\x08"
SECRET = f"[b]Secret[/b] {CLEAR}\u202eplans\u202c"
SHAREABLE = "[blink]logistics[/blink] \x07"
NOTE = f"[@click=app.quit]quit[/] {OSC8} \x1b(0lqk\x1b(B"
BIG_CLIENT = "[link=x]" + "M" * MB
BIG_PARTY = "[i]" + "P" * MB

FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# ----------------------------------------------------------------------------- the practice
def hostile_practice(path: Path) -> dict[str, str]:
    """The demo practice plus a hostile client (with a past session) and a 1 MB client."""
    since = TODAY - timedelta(days=100)
    client = Client(CLIENT, created_on=since, notes=NOTE)
    dana = Participant(CLIENT, Role.CLIENT, aliases=["Dana"], added_on=since)
    coach = Participant("Alex Morgan", Role.COACH, aliases=["Alex"], added_on=since)
    eve = Participant(EVE, Role.SUPPORTER, aliases=["Eve"], contact=CONTACT, added_on=since)
    big = Participant(BIG_PARTY, Role.OBSERVER, aliases=["Big"], added_on=since)
    secret = PrivateTopic(SECRET, ["divorce", "[i]plan[/i]"])
    agreement = build_agreement(
        dana, coach, eve, big,
        client_id=client.id,
        created_at=NOW - timedelta(days=100),
        topics=[secret],
        shareable=[SHAREABLE],
        consents=signed(dana, coach, eve, on=since, method=ConsentMethod.WET_SIGNATURE,
                        document_ref=OSC8),
        next_review=TODAY - timedelta(days=3),
        reviews=[Review(since, ReviewOutcome.CONTINUE, TODAY - timedelta(days=3),
                        notes=NOTE)],
        muted_phrases=[f"{OSC52_BEL} muted"],
        todos=[Todo(f"Ask {EVE} about {CLEAR}", NOW - timedelta(days=1))],
    )
    big_client = Client(BIG_CLIENT, created_on=since)
    big_agreement = build_agreement(
        Participant(BIG_CLIENT, Role.CLIENT, added_on=since),
        Participant("Alex Morgan", Role.COACH, added_on=since),
        client_id=big_client.id,
        next_review=TODAY + timedelta(days=5),
    )
    with Store.open(path) as store:
        load_demo(store, TODAY)
        for who, what in ((client, agreement), (big_client, big_agreement)):
            store.save_client(who)
            store.save_agreement(what)
        # A past session with hostile notes, lines and alerts (for home and history).
        start = NOW - timedelta(days=2)
        record = store.start_session(client.id, start, 1, [dana.id, coach.id])
        line = f"Eve: the divorce {OSC52_BEL} [bold]now[/]"
        alert = AlertRaised(start + timedelta(minutes=3), secret.id, SECRET, [eve.id],
                            f"{SECRET} came up with {EVE} present", "divorce")
        for event in (
            PresenceChanged(start + timedelta(minutes=1), eve.id, True),
            NoteAdded(start + timedelta(minutes=2), NOTE, private=True),
            TopicDetected(start + timedelta(minutes=3), secret.id, "divorce",
                          TopicSource.TRANSCRIPT, line, EVE, 9, 16, "00:03:00.000"),
            NoteAdded(start + timedelta(minutes=3), "[i]big[/i] " + "Q" * MB),
            alert,
            AlertAcknowledged(start + timedelta(minutes=4), alert.id, AckAction.FALSE_ALARM,
                              note=CLEAR + "[/]", mute_phrase=""),
        ):
            store.append_event(record.id, event)
        record.alerts = 1
        store.update_session(record)
        store.end_session(record, start + timedelta(minutes=50))
    return {"client": client.id, "big": big_client.id, "eve": eve.id, "secret": secret.id,
            "session": record.id}


@pytest.fixture(scope="module")
def practice_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """Built once (a megabyte name takes a moment); each test gets its own copy."""
    path = tmp_path_factory.mktemp("hostile") / "store"
    return path, hostile_practice(path)


@pytest.fixture
def practice(practice_template: tuple[Path, dict[str, str]],
             tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    import shutil

    template, ids = practice_template
    path = tmp_path / "store"
    shutil.copytree(template, path)
    (path / "roomguard.lock").unlink(missing_ok=True)
    yield path, ids


def make_app(path: Path, **kwargs: object) -> RoomguardApp:
    return RoomguardApp(path, clock=lambda: NOW, **kwargs)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- what is shown
def shown_safely(app: RoomguardApp) -> str:
    """Check the frame is clean and whole; return its text for further checks."""
    text = screen_text(app)
    bad = sorted({f"U+{ord(c):04X}" for c in FORBIDDEN.findall(text)})
    assert not bad, f"control characters reached the screen: {bad}"
    rows = text.rstrip("\n").split("\n")
    assert len(rows) == app.size.height, f"{len(rows)} rows on a {app.size.height}-row terminal"
    wide = [r for r in rows if cell_len(r) > app.size.width]
    assert not wide, f"rows wider than the terminal: {[r[:60] for r in wide]}"
    return text


def _flat(text: str) -> str:
    return re.sub("[\u2500-\u259f\n ]+", "", text)  # box drawing, blocks, breaks, spaces


def appears(value: str, text: str) -> bool:
    """*value* is on screen, maybe wrapped over rows (borders and spaces are ignored)."""
    return value in text or _flat(value) in _flat(text)


# Literal forms of the hostile values, as printable() shows them.
def seen(value: str, limit: int | None = None) -> str:
    return printable(value, limit)


async def wait_until(pilot: Pilot[None], condition, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await pilot.pause(0.02)


# ----------------------------------------------------------------------------- home
HOME_HEADINGS = ("Client", "Third parties", "Agreement", "Next review", "When", "Length",
                 "Alerts")


def long_plain_names(path: Path) -> Path:
    """The demo practice plus a client and a third party with long but ordinary names."""
    seeded_store(path)
    client = build_client("Alexandra " + "n" * 60)
    with Store.open(path) as store:
        store.save_client(client)
        store.save_agreement(build_agreement(
            build_party(client.name, Role.CLIENT),
            build_party("Bartholomew " + "p" * 60, Role.SUPPORTER),
            client_id=client.id,
        ))
        store.end_session(store.start_session(client.id, NOW - timedelta(days=1), 1, []),
                          NOW - timedelta(hours=23))
    return path


async def test_home(practice: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    # The same screen with long ordinary names: which columns fit on this terminal.
    plain = make_app(long_plain_names(tmp_path / "plain"))
    async with plain.run_test(size=(W, H)) as pilot:
        await settle(pilot)
        baseline = {h for h in HOME_HEADINGS if h in screen_text(plain)}
    assert {"Client", "When"} <= baseline

    path, _ = practice
    app = make_app(path)
    async with app.run_test(size=(W, H)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        text = shown_safely(app)
        assert "[bold]x[/] ␛]52;c;aGk=␇␛[2J" in text
        # A megabyte of hostile text takes no more room than a long ordinary name...
        shown = {h for h in HOME_HEADINGS if h in text}
        assert shown >= baseline, f"columns pushed off screen: {baseline - shown}\n{text}"
        # ...because every name is cut short in its cell.
        clients = app.screen.query_one("#clients", RecordTable)
        sessions = app.screen.query_one("#sessions", RecordTable)
        widest = max(cell_len(clients.get_row_at(row)[col].plain.removesuffix(" (closed)"))
                     for row in range(clients.row_count) for col in (0, 1))
        widest = max(widest, *(cell_len(sessions.get_row_at(row)[1].plain)
                               for row in range(sessions.row_count)))
        assert widest <= 40, f"a name takes {widest} cells in a table"
        big = clients.get_row(app.store.find_client(BIG_CLIENT[:20]).id)[0].plain
        assert big.startswith("[link=x]MMM") and big.endswith("…")
        assert "Quit" in text.split("\n")[H - 1]


# ----------------------------------------------------------------------------- agreements
@pytest.mark.parametrize("which", ["client", "big"])
async def test_agreements(practice: tuple[Path, dict[str, str]], which: str) -> None:
    path, ids = practice
    app = make_app(path)
    async with app.run_test(size=(W, H)) as pilot:
        await settle(pilot)
        client = app.store.client(ids[which])
        assert client is not None
        app.open_agreements(client)
        await settle(pilot)
        text = shown_safely(app)
        status = app.screen.query_one("#status")
        assert status.region.height <= 5, "the status line grew with the names in it"
        assert "Parties" in text and "Private topics" in text and "Review (k)" in text
        if which == "client":
            for value in ("[red]Eve[/] ␛]52;c;aGk=␛\\<U+009B>2J",
                          "[link=https://evil.example]mail[/link]",
                          "[blink]logistics[/blink] ␇",
                          "[i]plan[/i]"):
                assert appears(value, text), value
            assert appears("[b]Secret[/b] ␛[2J␛[H<U+202E>plans<U+202C>", text)
            assert "[i]PPP" in text  # the 1 MB party, cut short
        else:
            assert "[link=x]MMM" in text
            assert "(+" in text and "chars)" in text


# ----------------------------------------------------------------------------- check-ins
async def test_checkins(practice: tuple[Path, dict[str, str]]) -> None:
    path, ids = practice
    app = make_app(path)
    async with app.run_test(size=(W, H)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CheckinsScreen)
        table = screen.query_one("#checkins", RecordTable)
        for key in ids["client"], ids["big"]:
            agreement = app.store.agreement(key)
            assert agreement is not None
            table.move_cursor(row=table.get_row_index(agreement.id))
            await settle(pilot)
            text = shown_safely(app)
            for heading in ("State", "Due", "Client", "Third parties", "Why"):
                assert heading in text
            detail = screen.query_one("#checkin-detail")
            assert detail.region.height <= 12, "the detail pane grew with a megabyte name"
        assert "[link=x]MMM" in text
        table.move_cursor(row=table.get_row_index(app.store.agreement(ids["client"]).id))  # type: ignore[union-attr]
        await settle(pilot)
        text = shown_safely(app)
        assert "[bold]x[/] ␛]52;c;aGk=␇" in text
        assert "[red]Eve[/]" in text


# ----------------------------------------------------------------------------- live session
async def redraw(pilot: Pilot[None]) -> None:
    """Let messages run and the screen repaint. (Not settle(): the transcript follower is a
    worker that runs until the session ends, so waiting for workers would never return.)"""
    for _ in range(3):
        await pilot.pause()


TRANSCRIPT = (
    b"Dana: we must talk about the divorce " + OSC52_BEL.encode() + b" [bold]now[/]\n"
    # Latin-1 e-acute and sharp s, UTF-8 i-diaeresis and euro, two invalid bytes, SGR red
    b"Eve: caf\xe9 na\xc3\xafve \xff\xfe stra\xdfe \xe2\x82\xac5 \x1b[31mred\x1b[0m\n"
    b"Mallory\x1b(0\x07: lqqk who am I\n"
    b"Dana: divorce " + b"Z" * MB + b"\n"
)


async def test_session(practice: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    path, ids = practice
    transcript = tmp_path / "hostile.txt"
    transcript.write_bytes(b"")
    app = make_app(path, session_client=ids["client"], follow=transcript)
    async with app.run_test(size=(W, H)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SessionBriefing)
        header = screen_text(app).split("\n")[0]
        assert "\x1b" not in header, (
            "the session screen's header shows the client's name raw (SessionScreen.sub_title "
            f"= client.name), so its escapes reach the terminal: {header!r}")
        text = shown_safely(app)  # the briefing, over the session screen
        assert "Needs attention" in text and "Begin session" in text  # not pushed off
        attention = [str(item.render()) for item in app.screen.query(".attention")]
        assert "• To-do from 2026-11-24: Ask [red]Eve[/] ␛]52;c;aGk=␛\\<U+009B>2J about ␛[2J␛[H" in attention
        await pilot.press("enter")
        await redraw(pilot)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        log = screen.query_one(SessionLog)

        notes = screen.query_one("#notes", Input)
        notes.focus()
        notes.value = NOTE
        await pilot.press("enter")
        await pilot.press("escape")
        await redraw(pilot)

        began = time.perf_counter()
        transcript.write_bytes(TRANSCRIPT)
        await wait_until(pilot, lambda: sum(e.text.startswith("divorce Z") for e in log.entries)
                         == 1, timeout=20)
        await redraw(pilot)
        took = time.perf_counter() - began

        text = shown_safely(app)
        lines = log.plain_lines()
        body = "\n".join(lines)
        # The header names the client literally too (the terminal title line of the app).
        assert "Roomguard — [bold]x[/] ␛]52;c;aGk=␇" in text.split("\n")[0]
        assert seen(NOTE) in body
        assert seen("the divorce " + OSC52_BEL + " [bold]now[/]") in body
        mixed = TRANSCRIPT.split(b"\n")[1].decode("utf-8", "replace").split(": ", 1)[1]
        assert seen(mixed) == "caf\ufffd na\u00efve \ufffd\ufffd stra\ufffde €5 ␛[31mred␛[0m"
        assert seen(mixed) in body
        assert "Mallory␛(0␇" in body  # an unknown speaker, joined as a guest
        assert "Mallory␛(0␇" in screen.query_one(Roster).plain()
        banner = screen.query_one(AlertBanner).render().plain
        assert "[b]Secret[/b] ␛[2J␛[H<U+202E>plans<U+202C>" in banner
        assert "[red]Eve[/] ␛]52;c;aGk=␛\\<U+009B>2J" in banner

        # The 1 MB line: stored whole, shown cut short, and the log keeps its other entries.
        big = next(line for line in lines if "divorce ZZZ" in line)
        assert len(big) < 5_000, f"a 1 MB line is shown {len(big):,} characters long"
        assert big.startswith(f"{NOW:%H:%M:%S} heard Dana: divorce ZZZ")
        assert len(log.lines) < 200, f"one line filled the log with {len(log.lines):,} rows"
        assert appears(seen(NOTE), "\n".join(strip.text for strip in log.lines))
        assert took < 10, f"following the hostile transcript took {took:.1f} s"

        assert screen.query_one("#session-status").region.height == 1
        assert "In the room" in text and "Private topics" in text
        assert "Quit" in text.split("\n")[H - 1]
        assert screen.record is not None
        session_id = screen.record.id

        # The summary at the end shows the same names literally.
        screen.end_session()
        await redraw(pilot)
        text = shown_safely(app)
        assert "[red]Eve[/]" in text

    with Store.open(path, readonly=True) as store:
        events = store.events(session_id)
    stored_lines = [e.line for e in events if isinstance(e, TopicDetected)]
    assert f"divorce {'Z' * MB}" in stored_lines  # stored literally, in full
    stored_notes = [e.text for e in events if isinstance(e, NoteAdded)]
    assert stored_notes == [NOTE]


# ----------------------------------------------------------------------------- history
async def test_history(practice: tuple[Path, dict[str, str]]) -> None:
    pytest.importorskip("roomguard.screens.history", reason="the history screen has not landed")
    path, ids = practice
    app = make_app(path)
    async with app.run_test(size=(W, H)) as pilot:
        await settle(pilot)
        began = time.perf_counter()
        app.open_history(app.store.client(ids["client"]))
        await settle(pilot)
        took = time.perf_counter() - began
        text = shown_safely(app)
        # The list, and the detail of the past session: the transcript line, the alert, how it
        # was handled and the notes, all literal; the megabyte note cut short.
        for value in ("[bold]x[/] ␛]52;c;aGk=␇",
                      "Eve: the divorce ␛]52;c;aGk=␇ [bold]now[/]",
                      "[b]Secret[/b] ␛[2J␛[H<U+202E>plans<U+202C>",
                      "came up with [red]Eve[/] ␛]52;c;aGk=␛\\<U+009B>2J present",
                      "false alarm: ␛[2J␛[H[/]",
                      seen(NOTE),
                      "[i]big[/i]"):
            assert appears(value, text), value
        assert re.search(r"QQQ… \(\+9\d\d,\d{3} chars\)", text), "the 1 MB note is not cut short"
        assert "Sessions" in text and "Quit" in text.split("\n")[H - 1]
        assert took < 5, f"the history of a session with a 1 MB note took {took:.1f} s"
        app.open_history(None)  # every client's sessions, the megabyte-named client's included
        await settle(pilot)
        text = shown_safely(app)
        assert "Priya Raman" in text and "[bold]x[/] ␛]52;c;aGk=␇" in text


# ----------------------------------------------------------------------------- store problem
async def test_store_problem_screen_shows_the_path_literally(tmp_path: Path) -> None:
    path = tmp_path / f"[red]practice[/] {OSC52_BEL}" / "store"
    with Store.open(path) as store:
        store.save_client(build_client("Ann"))
        store.backup("manual")
    practice_json = path / "practice.json"
    practice_json.write_bytes(practice_json.read_bytes()[:7])
    app = make_app(path)
    async with app.run_test(size=(W, H)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StoreProblemScreen)
        text = shown_safely(app)
        assert appears("[red]practice[/] ␛]52;c;aGk=␇", text)
