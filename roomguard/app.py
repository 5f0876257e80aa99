"""The Textual application: opens the store, picks the first screen, routes app-wide actions.

Kept thin on purpose: screens own their layout, bindings and store calls; this file only wires
them together. Every binding of the app and of the current screen is also offered in the
command palette (see :mod:`roomguard.screens.commands`), so there is one list of actions, not two.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from roomguard.screens.lock.keeper import LockKeeper
from roomguard.store import Store, StoreError
from roomguard.store.errors import StoreEncrypted

if TYPE_CHECKING:
    from roomguard.core.models import Client
    from roomguard.store.keys import KeyFile


def local_now() -> datetime:
    """Now, aware: the UTC instant shown in this machine's zone (``…+01:00`` in BST). What the
    app records, so a session across a DST change or a zone change keeps its real length."""
    return datetime.now(UTC).astimezone()


def _client_commands() -> type:
    from roomguard.screens.commands import ClientCommands

    return ClientCommands


class RoomguardApp(App[None]):
    TITLE = "Roomguard"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {lambda: _client_commands()}

    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
        Binding("question_mark,f1", "help", "Help"),
        Binding("ctrl+l", "lock", "Lock screen", show=False, priority=True),  # palette, help
    ]
    PALETTE_COMMANDS = [
        ("Idle lock…", "Minutes without input before the screen locks, and during sessions",
         "idle_lock"),
    ]

    def __init__(
        self,
        store_path: Path,
        *,
        demo: bool = False,
        session_client: str | None = None,
        follow: Path | None = None,
        clock: Callable[[], datetime] = local_now,
        idle_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.store_path = store_path
        self.want_demo = demo
        self.session_client = session_client
        self.follow = follow
        self.clock = clock
        self.fatal_message = ""
        self.crashed: BaseException | None = None  # the unexpected error that ended the app
        self._store: Store | None = None
        self.store_problem: StoreError | None = None
        self.keyfile: KeyFile | None = None  # an encrypted store waiting for its passphrase
        self.lock_keeper = LockKeeper(self, lambda: self._store, idle_clock)

    # ----------------------------------------------------------------- store
    @property
    def store(self) -> Store:
        assert self._store is not None, "store not open"
        return self._store

    def today(self) -> date:
        return self.clock().date()

    @property
    def store_locked(self) -> bool:
        """The screen is locked (the key dropped) or the store is being encrypted."""
        return self.lock_keeper.store_locked

    def _open_store(self) -> None:
        from roomguard.screens.lock.unlock import unlock_from_keyring
        from roomguard.store.keys import KeyFile

        self.keyfile = None
        try:
            try:
                self._store = Store.open(self.store_path, fallback_readonly=True)
            except StoreEncrypted:
                keyfile = KeyFile.read(self.store_path.expanduser())
                if keyfile is None or not unlock_from_keyring(keyfile):
                    self.keyfile = keyfile
                    return
                self._store = Store.open(self.store_path, fallback_readonly=True)
        except StoreError as exc:
            self.store_problem = exc
            return
        if self._store.readonly:
            self.sub_title = "read-only"

    def reopen_store(self) -> None:
        """After a restore: drop the old handle and open the store afresh."""
        if self._store is not None:
            self._store.close()
        self._store = None
        self.store_problem = None
        self._open_store()

    # ----------------------------------------------------------------- lifecycle
    def get_default_screen(self) -> Screen[Any]:
        """The first screen is built here, not pushed from ``on_mount``: pushing it there makes
        Textual compute (and throw away) a frame of an empty default screen first."""
        return self._with_stylesheet(self._first_screen())

    def _first_screen(self) -> Screen[Any]:
        self._open_store()
        if self.keyfile is not None:
            from roomguard.screens.lock.unlock import UnlockScreen

            return UnlockScreen(self.keyfile, self._unlocked_at_start,
                                prepare=self._preload_home_css)
        return self._store_screen()

    def _preload_home_css(self) -> None:
        """While the coach types the passphrase: read and parse home's stylesheet, which the
        push after the unlock would otherwise do (a third of the time from Enter to home's
        first frame). The same source key as Textual's own screen loading, so it is not read
        twice."""
        import inspect

        from textual._path import _css_path_type_as_list

        from roomguard.screens.home import HomeScreen

        added = False
        for path in _css_path_type_as_list(HomeScreen.CSS_PATH):  # as Screen.css_path reads it
            full = path if path.is_absolute() else Path(inspect.getfile(HomeScreen)).parent / path
            if not self.stylesheet.has_source(str(full), ""):
                self.stylesheet.read(full)
                added = True
        if added:
            self.stylesheet.reparse()
            self.stylesheet.update(self)

    def _unlocked_at_start(self) -> None:
        """The passphrase was right (the key is in the keychain): open the store and carry on
        exactly as a plaintext store starts."""
        self.call_later(self._enter_store)

    async def _enter_store(self) -> None:
        self._open_store()
        # Pushed over the prompt (the first screen cannot be switched away: it has no result
        # callback); home never pops itself, so the prompt stays out of sight below it.
        await self.push_screen(self._store_screen())
        self._store_opened()  # after the push: its after-refresh calls wait on home's frame

    def _store_screen(self) -> Screen[Any]:
        if self.store_problem is not None:
            from roomguard.screens.store_problem import StoreProblemScreen

            return StoreProblemScreen(self.store_path, self.store_problem)
        self.theme = self.store.setting("theme", self.theme) or self.theme
        if self.want_demo:
            self.load_demo()
        from roomguard.screens.home import HomeScreen

        return HomeScreen()

    def _with_stylesheet(self, screen: Screen[Any]) -> Screen[Any]:
        """Read *screen*'s ``CSS_PATH`` files. Textual reads them when a screen is pushed or
        installed as a mode, but not for the screen ``get_default_screen`` returns, which would
        otherwise appear unstyled (no pane borders, default sizes)."""
        for path in screen.css_path:
            if not self.stylesheet.has_source(str(path), ""):
                self.stylesheet.read(path)
        return screen

    def on_mount(self) -> None:
        from roomguard.live.quiet_gc import release_after_startup

        # First in the queue: the collector is back on before a session (or anything) starts.
        self.call_after_refresh(release_after_startup)
        if self.store_problem is not None or self.keyfile is not None:
            return
        self._store_opened()

    def _store_opened(self) -> None:
        """What follows the store's opening: what it recovered, the session asked for on the
        command line, the daily backup, the idle lock."""
        if self.store_problem is not None:
            return
        store = self.store
        self.lock_keeper.start()
        if store.readonly and store.readonly_reason:
            self.notify(store.readonly_reason, title="Read-only", severity="warning", timeout=15)
        if store.lock_recovered_from is not None:
            self.notify(
                f"The previous Roomguard ({store.lock_recovered_from.describe()}) did not exit "
                "cleanly; its lock was released and the store checked.",
                title="Recovered",
                timeout=10,
            )
        for sentence in store.recovered:  # what opening repaired or finished after a crash
            self.notify(sentence, title="Recovered", timeout=15, markup=False)
        if self.session_client:
            self.call_after_refresh(self.start_session_named, self.session_client)
        self.call_after_refresh(
            self.run_worker, self._daily_backup, thread=True, group="backup", exit_on_error=False
        )

    def _daily_backup(self) -> None:
        if self._store is None or self.store_locked:
            return
        try:
            self._store.backup_if_due()
        except (OSError, StoreError) as exc:
            title = exc.title if isinstance(exc, StoreError) else "Backup failed"
            self.call_from_thread(self.notify, f"Daily backup not taken: {exc}", title=title,
                                  severity="warning", markup=False, timeout=15)

    def watch_theme(self, theme: str) -> None:
        if self._store is not None and not self._store.readonly:
            with contextlib.suppress(StoreError):  # a theme is not worth an error dialog
                self._store.set_setting("theme", theme)

    def on_unmount(self) -> None:
        if self._store is not None:
            self._store.close()

    def _handle_exception(self, error: Exception) -> None:
        """An unhandled error still ends the app as Textual ends it, but what Textual would
        print on the way out (a traceback with every frame's local variables, which can hold a
        client's words) is dropped: ``cli.main.run_tui`` writes a crash report instead."""
        if self.crashed is None:
            self.crashed = error
        super()._handle_exception(error)
        self._exit_renderables.clear()

    # ----------------------------------------------------------------- app-wide actions
    def load_demo(self) -> None:
        from roomguard.store.demo import load_demo

        if not self.store.is_empty():
            self.notify("Demo data only loads into an empty store.", severity="warning")
            return
        try:
            count = load_demo(self.store, self.today())
        except StoreError as exc:
            self.notify(str(exc), title=exc.title, severity="error")
            return
        self.notify(f"Loaded a demo practice with {count} clients.")
        self.refresh_home()

    def refresh_home(self) -> None:
        from roomguard.screens.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.reload()

    def action_help(self) -> None:
        from roomguard.screens.dialogs.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def start_session_named(self, name: str) -> None:
        from roomguard.store import UnknownClient

        try:
            client = self.store.find_client(name)
        except UnknownClient as exc:
            self.notify(str(exc), title=exc.title, severity="error", timeout=10)
            return
        self.open_session(client)

    def open_session(self, client: Client) -> None:
        from roomguard.screens.session.screen import SessionScreen

        self.push_screen(SessionScreen(client.id, follow=self.follow))
        self.follow = None

    def open_agreements(self, client: Client) -> None:
        from roomguard.screens.agreements import AgreementsScreen

        self.push_screen(AgreementsScreen(client.id))

    def open_history(self, client: Client | None) -> None:
        from roomguard.screens.history import HistoryScreen

        self.push_screen(HistoryScreen(client.id if client else None))

    def action_checkins(self) -> None:
        from roomguard.screens.checkins import CheckinsScreen

        self.push_screen(CheckinsScreen())

    # ----------------------------------------------------------------- locking
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.MouseScrollDown
                      | events.MouseScrollUp | events.Paste):
            self.lock_keeper.input_seen()
        await super().on_event(event)

    def push_screen(self, screen: Any, callback: Any = None,  # type: ignore[override]
                    wait_for_dismiss: bool = False) -> Any:
        """While locked, a screen a worker or a timer opens (a briefing, a review) waits under
        the lock and opens once unlocked: nothing of a client comes up over the lock screen."""
        if not wait_for_dismiss and self.lock_keeper.holds_back(screen):
            from textual.await_complete import AwaitComplete

            self.lock_keeper.deferred.append(
                lambda: super(RoomguardApp, self).push_screen(screen, callback))
            return AwaitComplete.nothing()  # type: ignore[no-untyped-call]
        return super().push_screen(screen, callback, wait_for_dismiss)  # type: ignore[call-overload]

    def action_lock(self) -> None:
        self.lock_keeper.lock()

    def action_idle_lock(self) -> None:
        if self._store is None or self.store_locked:
            return
        from roomguard.screens.lock.idle_form import IdleLockForm

        self.push_screen(IdleLockForm(self.lock_keeper))

    def action_command_palette(self) -> None:
        if self.store_locked or self.keyfile is not None:
            return  # the palette lists clients by name
        super().action_command_palette()

    # ----------------------------------------------------------------- command palette
    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        from roomguard.screens.commands import binding_commands

        yield from super().get_system_commands(screen)
        yield from binding_commands(self, screen)
