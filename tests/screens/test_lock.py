"""Encryption in the TUI (issue 20): unlocking at start, the lock screen (ctrl+l, the idle lock)
during a live session, the onboarding's passphrase, encrypting a plaintext store, and where
readable documents go when the store is encrypted."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input

from roomguard.core.events import NoteAdded, TopicDetected
from roomguard.core.idle import IN_SESSION_SETTING, MINUTES_SETTING
from roomguard.screens.dialogs.confirm import Confirm
from roomguard.screens.dialogs.onboarding import Onboarding
from roomguard.screens.home import HomeScreen
from roomguard.screens.lock.lock_screen import HiddenScreen, LockScreen
from roomguard.screens.lock.passphrase_form import PassphraseForm
from roomguard.screens.lock.recovery_key import RecoveryKeyModal
from roomguard.screens.lock.unlock import UnlockScreen
from roomguard.screens.readable import output_folder, refusal
from roomguard.screens.session.screen import SessionScreen
from roomguard.store import Store
from roomguard.store.demo import load_demo
from roomguard.store.encrypt import create_encrypted
from roomguard.store.keys import (
    KEYFILE,
    KeyFile,
    keyring_get,
    keyring_set,
    with_keyring,
    write_key_file,
)
from roomguard.store.locations import documents_directory
from roomguard.store.vault import forget_all, unlocked
from roomguard.widgets.record_table import RecordTable
from tests.screens.helpers import (
    TODAY,
    make_app,
    past_briefing,
    screen_text,
    settle,
    settle_session,
)

PASS = "correct horse battery staple"
CLIENT_WORDS = ("Noah", "Kim", "Priya", "Raman", "divorce", "Family conflict")


def encrypted_demo(path: Path, *, keep_unlocked: bool = False) -> str:
    """The demo practice in a new encrypted store; its recovery key. The key is forgotten
    (the app must unlock) unless *keep_unlocked*."""
    recovery = create_encrypted(path, PASS)
    with Store.open(path) as store:
        load_demo(store, TODAY)
    if not keep_unlocked:
        forget_all()
    return recovery


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != "roomguard.lock"}


def client_names(app) -> list[str]:
    table = app.screen.query_one("#clients", RecordTable)
    return [table.get_row_at(i)[0].plain for i in range(table.row_count)]


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.02)


async def type_into(pilot: Pilot[None], text: str) -> None:
    field = pilot.app.screen.query_one("#passphrase", Input)
    field.value = text
    await pilot.press("enter")
    await wait_for(pilot, lambda: not any(w.group == "unlock" and w.is_running
                                          for w in pilot.app.workers))
    await settle_session(pilot)  # (a transcript follower runs until stopped: not waited for)


def error_text(app) -> str:
    return str(app.screen.query_one("#lock-error").render())


# ----------------------------------------------------------------------------- unlocking at start
class TestUnlockAtStart:
    async def test_a_wrong_passphrase_says_so_changes_nothing_then_the_right_one_opens_home(
        self, store_path: Path
    ) -> None:
        encrypted_demo(store_path)
        before = tree_digest(store_path)
        app = make_app(store_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, UnlockScreen)
            field = app.screen.query_one("#passphrase", Input)
            assert field.password  # masked
            await type_into(pilot, "not the passphrase")
            assert isinstance(app.screen, UnlockScreen)
            assert "does not unlock this store" in error_text(app)
            assert "Nothing was changed" in error_text(app)
            assert field.value == "" and not field.disabled
            assert tree_digest(store_path) == before
            await type_into(pilot, "still not it")  # no lock-out: try again, and again
            assert "attempt 2" in error_text(app)
            await type_into(pilot, PASS)
            assert isinstance(app.screen, HomeScreen)
            assert "Priya Raman" in client_names(app)
            assert not app.screen.query_one("#not-encrypted").display

    async def test_the_recovery_key_unlocks_too(self, store_path: Path) -> None:
        recovery = encrypted_demo(store_path)
        app = make_app(store_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+r")
            await type_into(pilot, "AAAA-BBBB")
            assert "That recovery key does not unlock" in error_text(app)
            await type_into(pilot, recovery.lower().replace("-", " "))
            assert isinstance(app.screen, HomeScreen)

    async def test_escape_goes_back_from_the_recovery_key_to_the_passphrase(
        self, store_path: Path
    ) -> None:
        encrypted_demo(store_path)
        app = make_app(store_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+r")
            assert app.screen.recovery  # type: ignore[attr-defined]
            await pilot.press("escape")
            assert not app.screen.recovery  # type: ignore[attr-defined]

    async def test_the_keyring_unlocks_without_a_prompt_when_allowed(self, store_path: Path) -> None:
        encrypted_demo(store_path, keep_unlocked=True)
        keyfile = KeyFile.read(store_path)
        assert keyfile is not None
        vault = unlocked(keyfile.key_id)
        assert vault is not None
        keyring_set(vault)
        write_key_file(store_path, with_keyring(keyfile, True))
        forget_all()
        app = make_app(store_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert "Priya Raman" in client_names(app)

    async def test_q_typed_into_the_field_is_a_letter_and_outside_it_quits(
        self, store_path: Path
    ) -> None:
        encrypted_demo(store_path)
        app = make_app(store_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("q", "u", "i", "t")
            assert app.screen.query_one("#passphrase", Input).value == "quit"
            assert not app._exit
            await pilot.press("tab")
            await pilot.press("q")
            await pilot.pause()
            assert app._exit

    async def test_ctrl_q_quits_from_the_prompt(self, store_path: Path) -> None:
        encrypted_demo(store_path)
        app = make_app(store_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert app._exit


# ----------------------------------------------------------------------------- the lock screen
async def encrypted_session(pilot: Pilot[None]) -> SessionScreen:
    return await past_briefing(pilot)


class TestLockDuringASession:
    async def test_ctrl_l_hides_everything_the_transcript_keeps_recording_and_unlock_returns(
        self, store_path: Path, tmp_path: Path
    ) -> None:
        encrypted_demo(store_path, keep_unlocked=True)
        transcript = tmp_path / "call.txt"
        transcript.write_text("")
        with Store.open(store_path, readonly=True) as store:
            client_id = store.find_client("Noah Kim").id
        app = make_app(store_path, session_client=client_id, follow=transcript)
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await encrypted_session(pilot)
            roster_before = screen.query_one("#roster").plain()  # type: ignore[attr-defined]
            assert screen.record is not None
            session_id = screen.record.id

            await pilot.press("ctrl+l")
            await settle_session(pilot)
            assert isinstance(app.screen, LockScreen)
            assert app.store.vault is not None and not app.store.vault.open

            with transcript.open("a", encoding="utf-8") as out:
                out.write("[00:03:10.000] Alex: and the divorce is hard\n")
            await wait_for(pilot, lambda: bool(screen.state.active_topics))
            await wait_for(pilot, lambda: screen.unsaved_count == 0)
            text = screen_text(app)
            for word in CLIENT_WORDS:
                assert word not in text, word
            assert "Roomguard" in text and "locked" in text

            # Typing a note is impossible: the keys go to the passphrase field.
            notes_before = screen.state.note_count
            await pilot.press("n", *"secret note")
            assert isinstance(app.screen, LockScreen)
            assert app.screen.query_one("#passphrase", Input).value == "nsecret note"
            await type_into(pilot, "wrong passphrase")
            assert isinstance(app.screen, LockScreen)

            await type_into(pilot, PASS)
            await settle_session(pilot)
            assert app.screen is screen
            assert screen.query_one("#roster").plain() == roster_before  # type: ignore[attr-defined]
            assert screen.state.note_count == notes_before
            await pilot.press("ctrl+q")
        with Store.open(store_path, readonly=True) as store:
            events = store.events(session_id)
        heard = [e for e in events if isinstance(e, TopicDetected)]
        assert [e.line for e in heard] == ["and the divorce is hard"]
        assert not [e for e in events if isinstance(e, NoteAdded)]

    async def test_the_palette_lists_no_client_while_locked(self, store_path: Path) -> None:
        encrypted_demo(store_path, keep_unlocked=True)
        app = make_app(store_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+l")
            await settle(pilot)
            await pilot.press("ctrl+p")
            await settle(pilot)
            assert isinstance(app.screen, LockScreen)

    async def test_the_keyring_unlocks_the_lock_screen_when_allowed(self, store_path: Path) -> None:
        encrypted_demo(store_path, keep_unlocked=True)
        keyfile = KeyFile.read(store_path)
        assert keyfile is not None
        vault = unlocked(keyfile.key_id)
        assert vault is not None
        keyring_set(vault)
        write_key_file(store_path, with_keyring(keyfile, True))
        app = make_app(store_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+l")
            await settle(pilot)
            assert isinstance(app.screen, LockScreen)
            await pilot.press("ctrl+o")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert "Priya Raman" in client_names(app)

    async def test_a_plaintext_store_is_only_hidden_and_any_key_returns(
        self, store_path: Path
    ) -> None:
        from tests.screens.helpers import seeded_store

        seeded_store(store_path)
        app = make_app(store_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+l")
            await settle(pilot)
            assert isinstance(app.screen, HiddenScreen)
            text = screen_text(app)
            assert "not encrypted" in text and "Priya" not in text
            await pilot.press("x")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)


class TestNothingComesUpOverTheLock:
    async def test_a_screen_opened_while_locked_waits_for_the_unlock(self, store_path: Path) -> None:
        encrypted_demo(store_path, keep_unlocked=True)
        app = make_app(store_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+l")
            await settle(pilot)
            app.push_screen(Confirm("Noah Kim?"))  # as a worker's callback would
            await settle(pilot)
            assert isinstance(app.screen, LockScreen)
            assert "Noah" not in screen_text(app)
            await type_into(pilot, PASS)
            assert isinstance(app.screen, Confirm)

    async def test_locking_as_home_appears_skips_its_disposal_toast(self, store_path: Path) -> None:
        encrypted_demo(store_path, keep_unlocked=True)
        app = make_app(store_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("ctrl+l")  # before home's after-first-frame work
            await settle(pilot)
            home = next(s for s in app.screen_stack if isinstance(s, HomeScreen))
            home.warn_disposal_due()  # reads the store only once unlocked
            assert isinstance(app.screen, LockScreen)
            await type_into(pilot, PASS)
            assert app.screen is home


class TestIdleLock:
    async def test_locks_after_ten_minutes_without_input_by_the_injected_clock(
        self, store_path: Path
    ) -> None:
        encrypted_demo(store_path, keep_unlocked=True)
        now = [1000.0]
        app = make_app(store_path, idle_clock=lambda: now[0])
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            keeper = app.lock_keeper
            now[0] += 9 * 60
            assert not keeper.check()
            await pilot.press("down")  # input: the count starts again
            now[0] += 9 * 60
            assert not keeper.check()
            now[0] += 60
            assert keeper.check()
            await settle(pilot)
            assert isinstance(app.screen, LockScreen)

    async def test_off_during_a_live_session_unless_turned_on(self, store_path: Path) -> None:
        encrypted_demo(store_path, keep_unlocked=True)
        with Store.open(store_path, readonly=True) as store:
            client_id = store.find_client("Noah Kim").id
        now = [1000.0]
        app = make_app(store_path, idle_clock=lambda: now[0], session_client=client_id)
        async with app.run_test(size=(120, 36)) as pilot:
            await encrypted_session(pilot)
            keeper = app.lock_keeper
            now[0] += 3600
            assert not keeper.check()
            app.action_idle_lock()
            await settle_session(pilot)
            form = app.screen
            form.query_one("#minutes", Input).value = "5"
            form.query_one("#in-session", Checkbox).value = True
            await pilot.press("ctrl+s")
            await settle_session(pilot)
            assert app.store.setting(MINUTES_SETTING) == 5
            assert app.store.setting(IN_SESSION_SETTING) is True
            now[0] += 4 * 60
            assert not keeper.check()
            now[0] += 60
            assert keeper.check()
            await settle_session(pilot)
            assert isinstance(app.screen, LockScreen)

    async def test_home_skips_its_day_check_while_locked(self, store_path: Path) -> None:
        encrypted_demo(store_path, keep_unlocked=True)
        app = make_app(store_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            home = app.screen
            assert isinstance(home, HomeScreen)
            await pilot.press("ctrl+l")
            await settle(pilot)
            home._shown_day = TODAY.replace(year=2000)  # a day change while locked
            home.check_day()  # reads nothing: the key is dropped
            app._daily_backup()
            assert isinstance(app.screen, LockScreen)


# ----------------------------------------------------------------------------- onboarding
async def fill_passphrase(pilot: Pilot[None], first: str, second: str,
                          keyring: bool = False) -> None:
    form = pilot.app.screen
    assert isinstance(form, PassphraseForm)
    form.query_one("#passphrase", Input).value = first
    form.query_one("#again", Input).value = second
    form.query_one("#keyring", Checkbox).value = keyring
    form.query_one("#again", Input).focus()
    await pilot.press("enter")
    await settle(pilot)


async def acknowledge_recovery(pilot: Pilot[None]) -> str:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, RecoveryKeyModal))
    modal = pilot.app.screen
    assert isinstance(modal, RecoveryKeyModal)
    await pilot.press("escape")  # cannot be dismissed by accident
    assert pilot.app.screen is modal
    await pilot.click("#done")  # disabled until acknowledged
    assert pilot.app.screen is modal
    await pilot.press("space")  # the checkbox has focus
    await pilot.click("#done")
    await settle(pilot)
    return modal.recovery_key


class TestOnboarding:
    async def test_a_short_or_mismatched_passphrase_is_explained_inline(
        self, store_path: Path
    ) -> None:
        app = make_app(store_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await fill_passphrase(pilot, "short", "short")
            assert "Too short (5 of at least 10" in str(app.screen.query_one("#passphrase-error").render())
            await fill_passphrase(pilot, PASS, PASS + "x")
            assert "differ" in str(app.screen.query_one("#passphrase-error").render())
            assert isinstance(app.screen, PassphraseForm)
            assert not (store_path / KEYFILE).exists()

    async def test_with_a_passphrase_the_store_is_encrypted_and_the_key_shown_once(
        self, store_path: Path
    ) -> None:
        app = make_app(store_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await fill_passphrase(pilot, PASS, PASS, keyring=True)
            recovery = await acknowledge_recovery(pilot)
            assert isinstance(app.screen, Onboarding)
            assert app.store.encrypted
            await pilot.press("d")
            await settle(pilot)
            assert "Priya Raman" in client_names(app)
            assert not app.screen.query_one("#not-encrypted").display
        keyfile = KeyFile.read(store_path)
        assert keyfile is not None and keyfile.in_keyring
        assert keyring_get(keyfile.key_id) is not None
        forget_all()
        keyfile.unlock_recovery(recovery)  # the key shown opens it
        for path in store_path.rglob("*"):
            if path.is_file():
                assert b"Priya" not in path.read_bytes(), path

    async def test_no_encryption_is_a_choice_and_home_says_so(self, store_path: Path) -> None:
        app = make_app(store_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.click("#plain")
            await settle(pilot)
            assert isinstance(app.screen, Onboarding)
            await pilot.press("escape")
            await settle(pilot)
            assert not app.store.encrypted
            assert "not encrypted" in screen_text(app)
        assert not (store_path / KEYFILE).exists()


class TestEncryptStore:
    async def test_from_the_palette_with_a_backup_and_the_old_backups_removed_on_request(
        self, store_path: Path
    ) -> None:
        from tests.screens.helpers import seeded_store

        seeded_store(store_path)
        with Store.open(store_path) as store:
            old = store.backup("manual")
        app = make_app(store_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert "not encrypted" in screen_text(app)
            app.screen.action_encrypt_store()  # type: ignore[attr-defined]
            await settle(pilot)
            assert not app.screen.query("#plain")  # the palette offers Cancel, not "no"
            await fill_passphrase(pilot, PASS, PASS)
            await acknowledge_recovery(pilot)
            assert isinstance(app.screen, Confirm)
            await pilot.press("y")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert app.store.encrypted
            assert "not encrypted" not in screen_text(app)
            assert "Priya Raman" in client_names(app)
        assert not old.exists()


# ----------------------------------------------------------------------------- documents
class TestReadableDocuments:
    def test_an_encrypted_store_writes_documents_outside_its_folder(self, store_path: Path) -> None:
        create_encrypted(store_path, PASS)
        with Store.open(store_path) as store:
            folder = output_folder(store, "documents")
            assert folder == documents_directory() / "documents"
            assert store_path not in folder.parents
            assert "keeps no readable file" in refusal(store, store_path / "x.md")
            assert refusal(store, folder / "x.md") == ""

    def test_a_plaintext_store_keeps_them_where_they_were(self, store: Store) -> None:
        assert output_folder(store, "reports") == store.root / "reports"
        assert refusal(store, store.root / "x.md") == ""

    async def test_a_consent_document_goes_outside_and_the_toast_says_it_is_not_encrypted(
        self, store_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        encrypted_demo(store_path, keep_unlocked=True)
        app = make_app(store_path)
        said: list[str] = []
        monkeypatch.setattr(type(app), "notify", lambda self, message, **kw: said.append(message))
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            with Store.open(store_path, readonly=True) as store:
                client = store.find_client("Noah Kim")
            app.open_agreements(client)
            await settle(pilot)
            screen = app.screen
            path = screen.documents_dir() / "consent.md"  # type: ignore[attr-defined]
            screen.write_document(path, "consent text")  # type: ignore[attr-defined]
            await settle(pilot)
        assert path.exists() and (path.stat().st_mode & 0o777) == 0o600
        assert (path.parent.stat().st_mode & 0o777) == 0o700
        assert store_path not in path.parents
        assert any(str(path) in s and "not encrypted" in s for s in said), said
