"""What a screen may ask of the app, as one typed accessor, so no screen imports the app module.

Each screen used to import ``RoomguardApp`` (for typing only) and write its own ``rg`` property
casting ``self.app``. That tied every screen to the module that imports every screen, and hid
how little of the app a screen uses. :class:`Host` lists exactly that little: the store and how
it was opened, the clock, and the app-wide moves between screens. ``RoomguardApp`` satisfies it
structurally, without inheriting from it (``tests/screens/test_host.py`` checks that it does).
Textual's own app API (``push_screen``, ``notify``, ``call_from_thread``, ``exit``...) stays on
``self.app``; only what Roomguard adds goes through ``self.host``.

To use it, mix :class:`UsesHost` in before the Textual base class (``tests/test_layers.py``
fails on a screen that imports the app module instead)::

    class HistoryScreen(UsesHost, Screen[None]):
        def on_mount(self) -> None:
            since = self.host.today()
            records = self.host.store.sessions(since=since)

It works for anything with an ``app`` property (a ``Screen``, a ``ModalScreen``, a command
palette ``Provider``). A screen that needs something the app does not yet offer adds it to
:class:`Host` and to ``RoomguardApp`` together; the test above fails until both have it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from textual.app import App

    from roomguard.core.models import Client
    from roomguard.screens.lock.keeper import LockKeeper
    from roomguard.store import Store, StoreError


class Host(Protocol):
    """The app as screens see it. Members are read-only properties where the app keeps a plain
    attribute, so a screen can read but never rebind them."""

    @property
    def store(self) -> Store:
        """The open store (the app opened it before any screen that uses it was shown)."""
        ...

    @property
    def store_path(self) -> Path:
        """Where the store lives: shown when it cannot be opened, restored into from a backup."""
        ...

    @property
    def store_problem(self) -> StoreError | None:
        """Why the store could not be opened (after :meth:`reopen_store`), or None."""
        ...

    @property
    def store_locked(self) -> bool:
        """The screen is locked (an encrypted store's key dropped) or the store is being
        encrypted: timers that read the store skip their turn."""
        ...

    @property
    def lock_keeper(self) -> LockKeeper:
        """Locking and the idle lock (screens/lock/keeper.py)."""
        ...

    @property
    def want_demo(self) -> bool:
        """The app was started with ``--demo``: home does not offer onboarding then."""
        ...

    @property
    def clock(self) -> Callable[[], datetime]:
        """Now, as the app tells it (tests inject a fixed clock): never call ``datetime.now()``."""
        ...

    def today(self) -> date:
        """The clock's date."""
        ...

    def reopen_store(self) -> None:
        """After a restore: close the store and open it afresh (see :attr:`store_problem`)."""
        ...

    def load_demo(self) -> None:
        """Fill an empty store with the demo practice, and say so (or why not)."""
        ...

    def refresh_home(self) -> None:
        """Reload home if it is on the stack, after a change home shows."""
        ...

    def open_session(self, client: Client) -> None:
        """Start (or resume) a live session with *client*."""
        ...

    def open_agreements(self, client: Client) -> None:
        """Show *client*'s agreement."""
        ...

    def open_history(self, client: Client | None) -> None:
        """Show past sessions: *client*'s, or everyone's."""
        ...


class _HasApp(Protocol):
    @property
    def app(self) -> App[object]: ...


class UsesHost:
    """Gives a screen (or any Textual object with ``app``) a typed :attr:`host`."""

    __slots__ = ()

    @property
    def host(self: _HasApp) -> Host:
        """The running app, typed as the :class:`Host` it promises to be."""
        return cast("Host", self.app)
