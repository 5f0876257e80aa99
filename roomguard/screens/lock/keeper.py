"""Locking and unlocking while the app runs: ctrl+l, the idle lock, and giving the key back.

The app owns one :class:`LockKeeper` and tells it of every key press and click
(:meth:`input_seen`); a timer asks :meth:`check` every few seconds whether the idle time has
passed (``core/idle.py`` decides). Tests call :meth:`check` with an injected monotonic clock
instead of waiting.

Locking an encrypted store drops its key and every decrypted cache (``Store.forget_key``), all
but the journal of a live session, which keeps recording what a followed transcript says; the
lock screen goes on top of whatever was showing (a dialog too) and popping it brings that back as
it was. While locked, :attr:`locked` is true and the app's timers that read the store (home's
day check, the daily backup) skip.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.timer import Timer

from roomguard.core.idle import IN_SESSION_SETTING, MINUTES_SETTING, IdleLock
from roomguard.store import Store, StoreError
from roomguard.store.keys import KeyFile

if TYPE_CHECKING:
    from textual.app import App

IDLE_CHECK_SECONDS = 5.0


class LockKeeper:
    def __init__(self, app: App[None], store: Callable[[], Store | None],
                 clock: Callable[[], float]) -> None:
        self.app = app
        self._store = store
        self.clock = clock
        self.locked = False
        self.busy = False  # the store is being converted (encrypted): closed meanwhile
        self.policy = IdleLock()
        self.last_input = clock()
        self._timer: Timer | None = None
        # Screens opened while locked (by a worker or a timer), opened once unlocked.
        self.deferred: list[Callable[[], object]] = []

    # ----------------------------------------------------------------- idle
    def start(self) -> None:
        """Once the store is open: read the idle setting and start checking."""
        self.read_policy()
        self.last_input = self.clock()
        if self._timer is None:
            self._timer = self.app.set_interval(IDLE_CHECK_SECONDS, self.check, name="idle-lock")

    def read_policy(self) -> None:
        store = self._store()
        if store is None:
            return
        try:
            self.policy = IdleLock.from_settings(store.setting(MINUTES_SETTING),
                                                 store.setting(IN_SESSION_SETTING))
        except StoreError:
            self.policy = IdleLock()

    def save_policy(self, policy: IdleLock) -> None:
        """Store the coach's choice (raises StoreError) and use it from now."""
        store = self._store()
        assert store is not None
        store.set_setting(MINUTES_SETTING, policy.minutes)
        store.set_setting(IN_SESSION_SETTING, policy.in_session)
        self.policy = policy

    def input_seen(self) -> None:
        if not self.locked:
            self.last_input = self.clock()

    def check(self) -> bool:
        """Lock when the idle time has passed; whether it locked."""
        if self.locked or self.busy or self._store() is None:
            return False
        idle = self.clock() - self.last_input
        if not self.policy.due(idle, bool(self.live_sessions())):
            return False
        self.lock()
        return True

    # ----------------------------------------------------------------- locking
    def live_sessions(self) -> frozenset[str]:
        """The ids of the sessions running on screen (their journals keep recording)."""
        from roomguard.screens.session.screen import SessionScreen

        ids = set()
        for screen in self.app.screen_stack:
            if isinstance(screen, SessionScreen) and screen.live is not None \
                    and screen.live.running and screen.record is not None:
                ids.add(screen.record.id)
        return frozenset(ids)

    def holds_back(self, screen: object) -> bool:
        """Whether *screen*, about to be pushed, must wait for the unlock."""
        from roomguard.screens.dialogs.help import HelpScreen
        from roomguard.screens.lock.lock_screen import HiddenScreen, LockScreen

        return self.locked and not isinstance(screen, LockScreen | HiddenScreen | HelpScreen)

    @property
    def store_locked(self) -> bool:
        return self.locked or self.busy

    def lock(self) -> None:
        if self.locked or self.busy:
            return
        store = self._store()
        if store is None:
            return
        from roomguard.screens.lock.lock_screen import HiddenScreen, LockScreen

        self.locked = True
        self.app.clear_notifications()  # a toast on screen may name a client or a topic
        keyfile = None
        if store.encrypted:
            try:
                keyfile = KeyFile.read(store.root)
            except StoreError:
                keyfile = None
        if keyfile is not None:
            store.forget_key(keep_sessions=self.live_sessions())
            self.app.push_screen(LockScreen(keyfile, self._unlocked))
        else:
            self.app.push_screen(HiddenScreen(self._unlocked))

    def _unlocked(self) -> None:
        store = self._store()
        if store is not None and store.encrypted:
            try:
                store.take_key()
            except StoreError as exc:  # not unlocked after all: stay locked
                self.app.notify(str(exc), title=exc.title, severity="error", markup=False)
                return
        self.locked = False
        self.last_input = self.clock()
        self.app.pop_screen()
        deferred, self.deferred = self.deferred, []
        for push in deferred:
            push()
