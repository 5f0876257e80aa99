"""Disk full and read-only storage, seen from the UI: the coach is told, nothing on disk is
damaged, the session keeps running in memory, and what was queued reaches the disk in order
once the fault clears.

Faults are injected at the system-call boundary, not by replacing store methods: the ``os``
module that ``store/journal.py`` and ``store/atomic.py`` see is swapped for one whose
``write``/``fsync``/``open``/``replace`` fail while the fault is on, and ``Path.mkdir`` fails
under the store's root. Everything above that (journal, TinyDB storage, Store, screens) is the
real code. A real ``chmod 0500`` variant runs where permissions are enforced (not as root).
"""

from __future__ import annotations

import errno
import os
import time
import types
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select

from roomguard.app import RoomguardApp
from roomguard.core.events import (
    AlertRaised,
    Event,
    NoteAdded,
    PresenceChanged,
    SessionEnded,
    SessionStarted,
    TopicDetected,
)
from roomguard.core.models import Agreement, Role
from roomguard.core.session import Guard
from roomguard.screens.agreement_forms.party_form import PartyForm
from roomguard.screens.agreement_forms.topic_form import TopicForm
from roomguard.screens.agreements import AgreementsScreen
from roomguard.screens.home import HomeScreen
from roomguard.screens.session import screen as session_module
from roomguard.screens.session.briefing import SessionBriefing
from roomguard.screens.session.screen import SessionScreen
from roomguard.store import Store
from roomguard.store import atomic as atomic_module
from roomguard.store import journal as journal_module
from roomguard.store import lock as lock_module
from roomguard.widgets.alert_banner import AlertBanner
from roomguard.widgets.roster import Roster
from tests.screens.helpers import NOW, make_app, seeded_store, settle

SIZE = (120, 40)
DIVORCE = "we talked about the divorce"


# ----------------------------------------------------------------------------- fault injection
class Fault:
    """A storage fault switched on and off during a test.

    *kind* is one of:

    ``write``   ``os.write`` fails with ENOSPC (the disk is full), ``mkdir`` too;
    ``fsync``   writes land in the page cache but ``fsync`` fails with ENOSPC (delayed
                allocation, network file systems): the write must still count as failed;
    ``rofs``    the file system went read-only (ext4 ``errors=remount-ro``): EROFS for every
                write, create, rename and mkdir, even on descriptors already open;
    ``eacces``  the store's directories became read-only (``chmod 0500``): creating or renaming
                a file or directory is refused with EACCES; descriptors already open still write.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch, root: Path, kind: str) -> None:
        self.root = root.resolve()
        self.kind = kind
        self.on = False
        self.refused = 0  # system calls refused while on (retries show up here)
        fake = _FaultyOs(self)
        for module in (journal_module, atomic_module, lock_module):
            monkeypatch.setattr(module, "os", fake)
        real_mkdir = Path.mkdir

        def mkdir(path: Path, mode: int = 0o777, parents: bool = False,
                  exist_ok: bool = False) -> None:
            if self.on and self._under_root(path) and not path.exists():
                self.refuse("mkdir")
            real_mkdir(path, mode, parents, exist_ok)

        monkeypatch.setattr(Path, "mkdir", mkdir)

    def _under_root(self, path: object) -> bool:
        try:
            return Path(os.fsdecode(path)).resolve().is_relative_to(self.root)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False

    @property
    def error(self) -> int:
        return {"write": errno.ENOSPC, "fsync": errno.ENOSPC, "rofs": errno.EROFS,
                "eacces": errno.EACCES}[self.kind]

    def refuse(self, call: str) -> None:
        self.refused += 1
        code = self.error
        raise (PermissionError if code == errno.EACCES else OSError)(code, os.strerror(code))

    @property
    def message(self) -> str:
        return os.strerror(self.error)


class _FaultyOs(types.ModuleType):
    """The real ``os`` module except for the calls a fault refuses."""

    def __init__(self, fault: Fault) -> None:
        super().__init__("os")
        self._fault = fault

    def __getattr__(self, name: str) -> object:
        return getattr(os, name)

    def write(self, fd: int, data: bytes) -> int:
        if self._fault.on and self._fault.kind in ("write", "rofs"):
            self._fault.refuse("write")
        return os.write(fd, data)

    def fsync(self, fd: int) -> None:
        if self._fault.on and self._fault.kind == "fsync":
            self._fault.refuse("fsync")
        os.fsync(fd)

    def open(self, path: object, flags: int, mode: int = 0o777, **kwargs: object) -> int:
        fault = self._fault
        if fault.on and fault._under_root(path):
            writing = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
            creating = flags & os.O_CREAT and not os.path.exists(path)  # type: ignore[arg-type]
            if (fault.kind == "rofs" and writing) or (fault.kind == "eacces" and creating):
                fault.refuse("open")
        return os.open(path, flags, mode, **kwargs)  # type: ignore[arg-type]

    def ftruncate(self, fd: int, length: int) -> None:
        if self._fault.on and self._fault.kind == "rofs":
            self._fault.refuse("ftruncate")
        os.ftruncate(fd, length)

    def pwrite(self, fd: int, data: bytes, offset: int) -> int:
        if self._fault.on and self._fault.kind in ("write", "rofs"):
            self._fault.refuse("pwrite")
        return os.pwrite(fd, data, offset)

    def replace(self, src: object, dst: object) -> None:
        if self._fault.on and self._fault.kind in ("rofs", "eacces"):
            self._fault.refuse("replace")
        os.replace(src, dst)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- helpers
def snapshot_files(root: Path) -> dict[str, bytes]:
    """Every file of the store, by relative path (the lock excluded: it is not data)."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "roomguard.lock" and "backups" not in p.parts
    }


def leftover_temp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob(".*.tmp")]


def journal_events(path: Path, session_id: str) -> list[Event]:
    with Store.open(path, readonly=True) as store:
        return store.events(session_id)


def error_toasts(app: RoomguardApp) -> list[str]:
    """Error toasts about saving (an alert is an error toast too, but not about the disk)."""
    return [f"{n.title}: {n.message}" for n in app._notifications
            if n.severity == "error" and n.title != "Private topic alert"]


def messages(app: RoomguardApp) -> str:
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


def status_line(screen: SessionScreen) -> str:
    return str(screen.query_one("#session-status").render())


def roster(screen: SessionScreen) -> str:
    return screen.query_one(Roster).plain()


async def wait_until(pilot: Pilot[None], condition: Callable[[], bool],
                     timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await pilot.pause(0.02)


async def begin_session(pilot: Pilot[None]) -> SessionScreen:
    await settle(pilot)
    assert isinstance(pilot.app.screen, SessionBriefing), pilot.app.screen
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen), screen
    return screen


async def type_note(pilot: Pilot[None], screen: SessionScreen, text: str) -> None:
    notes = screen.query_one("#notes", Input)
    notes.focus()
    notes.value = text
    await pilot.press("enter")
    await pilot.press("escape")  # leave the input: digits toggle people again
    await settle(pilot)


def session_app(path: Path, client: str, clock: datetime = NOW) -> RoomguardApp:
    with Store.open(path, readonly=True) as store:
        client_id = store.find_client(client).id
    return RoomguardApp(path, session_client=client_id, clock=lambda: clock)


def describe(events: list[Event]) -> list[tuple]:
    """Events reduced to what identifies them (kind and the fields that differ here)."""
    out: list[tuple] = []
    for event in events:
        match event:
            case PresenceChanged():
                out.append(("presence", event.participant_id, event.present))
            case NoteAdded():
                out.append(("note", event.text))
            case TopicDetected():
                out.append(("topic", event.topic_id, event.phrase))
            case AlertRaised():
                out.append(("alert", event.topic_id, tuple(event.uncleared)))
            case _:
                out.append((type(event).__name__,))
    return out


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return seeded_store(tmp_path / "store")


@pytest.fixture
def fast_retry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The session retries every 0.1 s instead of every 2 s (the same timer, sooner)."""
    monkeypatch.setattr(session_module, "RETRY_SECONDS", 0.1)
    yield


# ----------------------------------------------------------------------------- a live session
@pytest.mark.parametrize("kind", ["write", "fsync", "rofs"])
async def test_live_session_keeps_running_and_writes_the_queue_in_order_once_the_fault_clears(
    path: Path, kind: str, monkeypatch: pytest.MonkeyPatch, fast_retry: None
) -> None:
    app = session_app(path, "Noah Kim")
    fault = Fault(monkeypatch, path, kind)
    async with app.run_test(size=SIZE) as pilot:
        screen = await begin_session(pilot)
        assert screen.record is not None
        session_id = screen.record.id
        grace = screen.query_one(Roster).entry(3).participant_id  # type: ignore[union-attr]
        before = snapshot_files(path)

        fault.on = True
        await pilot.press("3")  # Grace comes in
        await settle(pilot)
        # The roster follows at once; nothing waits for the disk.
        assert "3 ● in   Grace Kim" in roster(screen)
        await type_note(pilot, screen, DIVORCE)
        banner = screen.query_one(AlertBanner).render().plain
        assert "Family conflict" in banner, "the alert is raised although nothing was saved"
        await pilot.press("3")  # Grace leaves...
        await settle(pilot)
        assert "3 ○ out  Grace Kim" in roster(screen)
        await pilot.press("3")  # ...and comes back
        await settle(pilot)
        assert "3 ● in   Grace Kim" in roster(screen)

        # Said once, clearly, with the reason; and the status line counts what is unsaved.
        errors = error_toasts(app)
        assert len(errors) == 1, errors
        assert fault.message in errors[0]
        assert "Could not save" in errors[0]
        assert "keeps running" in errors[0] and "retried" in errors[0]
        unsaved = screen.unsaved_count
        assert unsaved >= 6  # presence x3, note, topic, alert (+ the index entry)
        assert f"{unsaved} events not yet saved" in status_line(screen)

        # The timer keeps retrying while the fault lasts, without repeating the toast.
        refused = fault.refused
        await wait_until(pilot, lambda: fault.refused >= refused + 3)
        assert len(error_toasts(app)) == 1
        assert screen.unsaved_count == unsaved

        # The previous state on disk is untouched: no torn line, no temp file, same bytes.
        assert snapshot_files(path) == before
        assert leftover_temp_files(path) == []

        fault.on = False
        await wait_until(pilot, lambda: screen.unsaved_count == 0)
        await settle(pilot)
        assert "not yet saved" not in status_line(screen)
        assert "Everything is saved again" in messages(app)
        live_state = screen.state
        live_alerts = len(live_state.alerts)

    events = journal_events(path, session_id)
    assert describe(events[1:]) == [
        ("presence", grace, True),
        ("note", DIVORCE),
        ("topic", events[3].topic_id, "divorce"),  # type: ignore[attr-defined]
        ("alert", events[3].topic_id, (grace,)),  # type: ignore[attr-defined]
        ("presence", grace, False),
        ("presence", grace, True),
    ]
    assert isinstance(events[0], SessionStarted)
    # Replaying the journal rebuilds exactly the state the screen had in memory.
    with Store.open(path, readonly=True) as store:
        agreement = store.agreement(store.find_client("Noah Kim").id)
        record = store.session(session_id)
    assert agreement is not None and record is not None
    replayed = Guard.resume(agreement, events, session_id).state
    assert replayed.present.keys() == live_state.present.keys()
    assert replayed.alerts == live_state.alerts
    assert record.alerts == live_alerts == 1  # the index entry was retried too


async def test_ending_while_the_disk_is_full_waits_for_the_end_to_be_saved(
    path: Path, monkeypatch: pytest.MonkeyPatch, fast_retry: None
) -> None:
    app = session_app(path, "Noah Kim")
    fault = Fault(monkeypatch, path, "write")
    async with app.run_test(size=SIZE) as pilot:
        screen = await begin_session(pilot)
        assert screen.record is not None
        session_id = screen.record.id
        fault.on = True
        screen.end_session()
        await settle(pilot)
        await pilot.press("enter")  # close the summary: not allowed to leave yet
        await settle(pilot)
        assert app.screen is screen
        assert "Not saved yet" in messages(app)
        with Store.open(path, readonly=True) as store:
            assert store.session(session_id).ended_at is None  # type: ignore[union-attr]
        fault.on = False
        await wait_until(pilot, lambda: screen.unsaved_count == 0)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert isinstance(journal_events(path, session_id)[-1], SessionEnded)
    with Store.open(path, readonly=True) as store:
        assert store.session(session_id).ended_at == NOW  # type: ignore[union-attr]


@pytest.mark.parametrize("kind", ["write", "eacces"])
async def test_first_session_of_a_month_starts_in_memory_when_its_folder_cannot_be_made(
    path: Path, kind: str, monkeypatch: pytest.MonkeyPatch, fast_retry: None
) -> None:
    """December's first session needs ``sessions/202612/``: a full disk or a read-only
    ``sessions`` directory refuses the mkdir. The session must start anyway."""
    december = datetime(2026, 12, 1, 10, 0)
    assert not (path / "sessions" / "202612").exists()
    app = session_app(path, "Noah Kim", clock=december)
    fault = Fault(monkeypatch, path, kind)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        fault.on = True
        screen = await begin_session(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert "3 ● in   Grace Kim" in roster(screen)
        errors = error_toasts(app)
        assert len(errors) == 1 and fault.message in errors[0], errors
        assert screen.unsaved_count >= 2
        assert not (path / "sessions" / "202612").exists()
        fault.on = False
        await wait_until(pilot, lambda: screen.unsaved_count == 0)
        assert screen.record is not None
        session_id = screen.record.id
    events = journal_events(path, session_id)
    assert [type(e).__name__ for e in events] == ["SessionStarted", "PresenceChanged"]
    with Store.open(path, readonly=True) as store:
        assert store.session(session_id) is not None


# ----------------------------------------------------------------------------- opening
@pytest.mark.parametrize("kind", ["rofs", "eacces"])
async def test_a_store_that_cannot_be_written_opens_read_only_and_says_why(
    path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only file system, or a read-only store directory without a lock file yet (a
    copy): the app opens read-only, says why, and refuses to start a session."""
    if kind == "eacces":
        (path / "roomguard.lock").unlink()
    before = snapshot_files(path)
    fault = Fault(monkeypatch, path, kind)
    fault.on = True
    app = session_app(path, "Noah Kim")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen), app.screen
        assert app.store.readonly
        banner = str(app.screen.query_one("#readonly-banner").render())
        assert fault.message in banner, banner
        text = messages(app)
        assert "Read-only" in text and "could not be recorded" in text
    assert snapshot_files(path) == before


async def test_a_full_disk_at_startup_still_opens_for_writing(
    path: Path, monkeypatch: pytest.MonkeyPatch, fast_retry: None
) -> None:
    """Not even the lock's holder line fits: the store still opens writable (the lock is the
    flock), so a session can start in memory and be saved once space is freed."""
    fault = Fault(monkeypatch, path, "write")
    fault.on = True
    app = session_app(path, "Noah Kim")
    async with app.run_test(size=SIZE) as pilot:
        screen = await begin_session(pilot)
        assert not app.store.readonly
        assert screen.unsaved_count >= 1
        assert len(error_toasts(app)) == 1
        fault.on = False
        await wait_until(pilot, lambda: screen.unsaved_count == 0)
        assert screen.record is not None
        session_id = screen.record.id
    assert [type(e).__name__ for e in journal_events(path, session_id)] == ["SessionStarted"]


# ----------------------------------------------------------------------------- agreement forms
async def open_agreements(pilot: Pilot[None], name: str) -> AgreementsScreen:
    app: RoomguardApp = pilot.app  # type: ignore[assignment]
    await settle(pilot)
    app.open_agreements(app.store.find_client(name))
    await settle(pilot)
    assert isinstance(app.screen, AgreementsScreen)
    return app.screen


def client_file(app: RoomguardApp, name: str) -> Path:
    return app.store.root / "clients" / f"{app.store.find_client(name).id}.json"


def stored_agreement(path: Path, name: str) -> Agreement:
    with Store.open(path, readonly=True) as store:
        agreement = store.agreement(store.find_client(name).id)
    assert agreement is not None
    return agreement


PARTY = {"name": "[bold]Grace[/] Okafor", "aliases": "Grace, G.O.", "contact": "grace@example.com"}


def fill_party(app: RoomguardApp) -> None:
    form = app.screen
    for field, value in PARTY.items():
        form.query_one(f"#{field}", Input).value = value
    form.query_one("#role", Select).value = Role.SUPPORTER


def party_fields(app: RoomguardApp) -> dict[str, str]:
    return {field: app.screen.query_one(f"#{field}", Input).value for field in PARTY}


@pytest.mark.parametrize("kind", ["write", "fsync", "rofs", "eacces"])
async def test_failed_agreement_save_keeps_the_form_and_the_file(
    path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(path)
    fault = Fault(monkeypatch, path, kind)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agreements(pilot, "Priya Raman")
        file = client_file(app, "Priya Raman")
        before = file.read_bytes()
        parties_before = len(screen.agreement.participants)

        # A new party: the form stays open with everything typed.
        await pilot.press("p")
        await settle(pilot)
        fill_party(app)
        fault.on = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PartyForm)
        assert party_fields(app) == PARTY
        assert app.screen.query_one("#role", Select).value is Role.SUPPORTER
        errors = error_toasts(app)
        assert len(errors) == 1 and fault.message in errors[0], errors
        assert str(file) in errors[0] or file.name in errors[0]
        assert file.read_bytes() == before
        assert leftover_temp_files(path) == []
        assert len(screen.agreement.participants) == parties_before  # memory claims nothing

        # Saving again while the fault lasts fails the same way; then it succeeds.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PartyForm) and party_fields(app) == PARTY
        assert file.read_bytes() == before
        fault.on = False
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AgreementsScreen)
    saved = stored_agreement(path, "Priya Raman").participants[-1]
    assert (saved.name, saved.role, saved.aliases, saved.contact) == (
        "[bold]Grace[/] Okafor", Role.SUPPORTER, ["Grace", "G.O."], "grace@example.com")


async def test_failed_topic_save_makes_no_new_terms_version(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A boundary change on signed terms would make version N+1: not if it cannot be saved."""
    app = make_app(path)
    fault = Fault(monkeypatch, path, "write")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_agreements(pilot, "Priya Raman")
        version = screen.agreement.terms.version
        file = client_file(app, "Priya Raman")
        before = file.read_bytes()
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TopicForm)
        app.screen.query_one("#name", Input).value = "Side [i]projects[/i]"
        phrases = app.screen.query_one("#phrases")
        phrases.text = "side hustle\nmoonlighting"  # type: ignore[attr-defined]
        await pilot.pause()
        fault.on = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TopicForm)
        assert app.screen.query_one("#name", Input).value == "Side [i]projects[/i]"
        assert app.screen.query_one("#phrases").text == "side hustle\nmoonlighting"  # type: ignore[attr-defined]
        assert screen.agreement.terms.version == version
        assert file.read_bytes() == before
        assert "New version of the terms" not in messages(app)
        fault.on = False
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AgreementsScreen)
    agreement = stored_agreement(path, "Priya Raman")
    assert agreement.terms.version == version + 1
    assert agreement.terms.topics[-1].name == "Side [i]projects[/i]"


# ----------------------------------------------------------------------------- real chmod 0500
def _permissions_enforced(tmp_path: Path) -> bool:
    """False as root (with CAP_DAC_OVERRIDE) or on file systems that ignore modes."""
    probe = tmp_path / "probe"
    probe.mkdir()
    probe.chmod(0o500)
    try:
        (probe / "x").touch()
    except PermissionError:
        return True
    finally:
        probe.chmod(0o700)
    return False


@pytest.fixture
def enforced(tmp_path: Path) -> None:
    if not _permissions_enforced(tmp_path):
        pytest.skip("directory permissions are not enforced here (running as root?)")


async def test_chmod_0500_clients_directory_keeps_the_form_open(
    path: Path, enforced: None
) -> None:
    app = make_app(path)
    clients = path / "clients"
    async with app.run_test(size=SIZE) as pilot:
        await open_agreements(pilot, "Priya Raman")
        file = client_file(app, "Priya Raman")
        before = file.read_bytes()
        await pilot.press("p")
        await settle(pilot)
        fill_party(app)
        clients.chmod(0o500)
        try:
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, PartyForm) and party_fields(app) == PARTY
            errors = error_toasts(app)
            assert len(errors) == 1 and "Permission denied" in errors[0], errors
            assert file.read_bytes() == before
        finally:
            clients.chmod(0o700)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AgreementsScreen)
    assert stored_agreement(path, "Priya Raman").participants[-1].name == PARTY["name"]


async def test_chmod_0500_sessions_directory_during_a_session(
    path: Path, enforced: None, fast_retry: None
) -> None:
    """The open journal still takes appends; the month index cannot be replaced."""
    december = datetime(2026, 12, 1, 10, 0)
    sessions = path / "sessions"
    app = session_app(path, "Noah Kim", clock=december)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sessions.chmod(0o500)
        try:
            screen = await begin_session(pilot)
            await pilot.press("3")
            await settle(pilot)
            assert "3 ● in   Grace Kim" in roster(screen)
            errors = error_toasts(app)
            assert len(errors) == 1 and "Permission denied" in errors[0], errors
            assert screen.unsaved_count >= 2
        finally:
            sessions.chmod(0o700)
        await wait_until(pilot, lambda: screen.unsaved_count == 0)
        assert screen.record is not None
        session_id = screen.record.id
    events = journal_events(path, session_id)
    assert [type(e).__name__ for e in events] == ["SessionStarted", "PresenceChanged"]
