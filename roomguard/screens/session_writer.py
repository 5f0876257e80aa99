"""The live session's save queue: every event reaches the store, in order, and none is lost.

Saving never stops a session. A failed write (a full disk, say) stops the queue at that event:
it and everything after it stay queued in memory, in order, and go out with the next write or
the screen's retry timer. The coach is told once when saving starts failing and once when
everything is saved again; meanwhile :attr:`SessionWriter.unsaved_count` is on the status line.

Three things are written here:

- the events, one journal append (and fsync) each, as they happen;
- the session's index entry (alert counts, end time): when it is first missing, when the
  session ends or is left, and again while its last write failed. Counts change with every
  alert, and an index write costs several milliseconds on the UI thread; the journal already
  holds every alert, so the index can wait;
- the agreement, when a change to it during the session (a muted phrase, a consent to-do)
  could not be saved at once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable

from roomguard.core.events import Event
from roomguard.core.models import Agreement, SessionRecord
from roomguard.store import Store, StoreError

Notify = Callable[..., object]


class SessionWriter:
    def __init__(self, store: Callable[[], Store], notify: Notify, retry_seconds: float,
                 fill_index: Callable[[SessionRecord], None]) -> None:
        self._store = store
        self._notify = notify
        self._retry_seconds = retry_seconds
        self._fill_index = fill_index  # brings the index entry's counts up to date
        self.record: SessionRecord | None = None
        self.pending: deque[Event] = deque()
        self.index_dirty = False  # counts changed since the index entry was written
        self.index_missing = False  # the index entry itself is not written yet
        self.index_failed = False  # the last attempt to write it failed
        self.agreement: Agreement | None = None  # set while a change to it is unsaved
        self.failing = False

    @property
    def unsaved_count(self) -> int:
        """Events (and the session's index entry) not yet on disk."""
        index = self.index_missing or self.index_failed
        return len(self.pending) + (1 if index else 0)

    @property
    def agreement_dirty(self) -> bool:
        return self.agreement is not None

    @property
    def dirty(self) -> bool:
        """Anything at all left to write, the index counts included."""
        return bool(self.pending) or self.index_dirty or self.agreement_dirty

    def due(self, *, ended: bool) -> bool:
        """Whether the retry timer has something to write (see the module docstring)."""
        return bool(self.pending) or self.index_missing or self.agreement_dirty or (
            (ended or self.index_failed) and self.index_dirty
        )

    def add(self, events: Iterable[Event]) -> None:
        """Queue *events* and write everything queued, in order."""
        if self.record is None:
            return
        self.pending.extend(events)
        self.flush(index=False)

    def flush(self, *, index: bool) -> None:
        """Write queued events in order, stopping at the first failure (the rest stay queued);
        with *index*, the index entry and an unsaved agreement too."""
        if self.record is None:
            return
        store = self._store()
        while self.pending:
            try:
                store.append_event(self.record.id, self.pending[0])
            except StoreError as exc:
                self.failed(exc)
                return
            self.pending.popleft()
        if (index and self.index_dirty) or self.index_missing:
            self._fill_index(self.record)
            try:
                store.update_session(self.record)
                self.index_dirty = self.index_missing = self.index_failed = False
            except StoreError as exc:
                self.index_failed = True
                self.failed(exc)
        if index and self.agreement is not None:
            self.save_agreement(self.agreement)
        if self.failing and not self.unsaved_count and not self.agreement_dirty:
            self.failing = False
            self._notify("Everything is saved again.", title="Saved")

    def save_agreement(self, agreement: Agreement) -> None:
        """Save *agreement* now, or keep it to save with the next index write."""
        try:
            self._store().save_agreement(agreement)
        except StoreError as exc:
            self.agreement = agreement
            self.failed(exc)
        else:
            self.agreement = None

    def failed(self, exc: StoreError) -> None:
        """Tell the coach, once per run of failures."""
        if self.failing:
            return
        self.failing = True
        self._notify(
            f"{exc} The session keeps running; what could not be saved is kept and retried "
            f"every {self._retry_seconds:g} seconds.",
            title=exc.title,
            severity="error",
            timeout=15,
            markup=False,
        )
