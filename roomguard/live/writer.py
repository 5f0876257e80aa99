"""The live session's save queue: every event reaches the store, in order, and none is lost.

The writer owns saving a session from its start to its end; nothing else writes a session's
journal or index entry, or touches the queue.

Saving never stops a session. A failed write (a full disk, say) leaves the journal as it was:
the events stay queued in memory, in order, with everything after them, and go out with the next write or
the next :meth:`SessionWriter.flush` (the screen retries every few seconds). The coach is told
once when saving starts failing and once when everything is saved again (:attr:`notices`,
drained by the session into its outcomes); meanwhile :attr:`SessionWriter.unsaved_count` is on
the status line.

Three things are written here:

- the events, as they happen: what one input decided (a note, its topic, its alert) in one
  journal append and one fsync, so an alert costs no more disk waits than a plain note;
- the session's index entry (alert counts, end time): at the start, when the session ends or is
  left, and again while its last write failed. Counts change with every alert, and an index
  write costs several milliseconds; the journal already holds every alert, so the index can
  wait;
- the agreement, when a change to it during the session (a muted phrase, a consent to-do)
  could not be saved at once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from roomguard.core.events import AlertAcknowledged, AlertRaised, Event
from roomguard.core.models import Agreement, SessionRecord
from roomguard.live.view import Notice
from roomguard.store import StoreError


class SessionSink(Protocol):
    """Where a session is recorded: the :class:`~roomguard.store.Store`, or memory for a check."""

    def append_events(self, session_id: str, events: Sequence[Event]) -> None: ...
    def update_session(self, record: SessionRecord) -> None: ...
    def save_agreement(self, agreement: Agreement) -> None: ...


class SessionWriter:
    def __init__(self, sink: SessionSink, retry_seconds: float,
                 fill_index: Callable[[SessionRecord], None]) -> None:
        self._sink = sink
        self._retry_seconds = retry_seconds
        self._fill_index = fill_index  # brings the index entry's counts up to date
        self._record: SessionRecord | None = None
        self._pending: deque[Event] = deque()
        self._index_dirty = False  # counts changed since the index entry was written
        self._index_missing = False  # the index entry itself is not written yet
        self._index_failed = False  # the last attempt to write it failed
        self._agreement: Agreement | None = None  # set while a change to it is unsaved
        self._failing = False
        self.notices: list[Notice] = []  # for the coach; the session drains them

    # ----------------------------------------------------------------- what is unsaved
    @property
    def record(self) -> SessionRecord | None:
        """The session's index entry, once it has started (or been resumed)."""
        return self._record

    @property
    def pending(self) -> int:
        """Events not yet in the journal."""
        return len(self._pending)

    @property
    def unsaved_count(self) -> int:
        """Events (and the session's index entry) not yet on disk."""
        index = self._index_missing or self._index_failed
        return len(self._pending) + (1 if index else 0)

    @property
    def agreement_dirty(self) -> bool:
        return self._agreement is not None

    @property
    def dirty(self) -> bool:
        """Anything at all left to write, the index counts included."""
        return bool(self._pending) or self._index_dirty or self.agreement_dirty

    def due(self, *, ended: bool) -> bool:
        """Whether a retry has something to write (see the module docstring)."""
        return bool(self._pending) or self._index_missing or self.agreement_dirty or (
            (ended or self._index_failed) and self._index_dirty
        )

    # ----------------------------------------------------------------- writing
    def start(self, record: SessionRecord, events: Iterable[Event]) -> None:
        """A new session: its first events, then its index entry (retried until written)."""
        self._record = record
        self._index_missing = True
        self._pending.extend(events)
        self.flush(index=True)

    def resume(self, record: SessionRecord) -> None:
        """A session already on disk: later events append to its journal."""
        self._record = record

    def add(self, events: Iterable[Event]) -> None:
        """Queue *events* and write everything queued, in order."""
        if self._record is None:
            return
        for event in events:
            self._pending.append(event)
            if isinstance(event, AlertRaised | AlertAcknowledged):
                self._index_dirty = True
        self.flush(index=False)

    def end(self, events: Iterable[Event]) -> None:
        """The session's last events, then its closed index entry."""
        self._index_dirty = True
        self._pending.extend(events)
        self.flush(index=True)

    def flush(self, *, index: bool) -> None:
        """Write queued events in order, stopping at the first failure (the rest stay queued);
        with *index*, the index entry and an unsaved agreement too."""
        if self._record is None:
            return
        if self._pending:
            try:  # one append, one fsync, for everything queued: all of it or none
                self._sink.append_events(self._record.id, list(self._pending))
            except StoreError as exc:
                self._failed(exc)
                return
            self._pending.clear()
        if (index and self._index_dirty) or self._index_missing:
            self._fill_index(self._record)
            try:
                self._sink.update_session(self._record)
                self._index_dirty = self._index_missing = self._index_failed = False
            except StoreError as exc:
                self._index_failed = True
                self._failed(exc)
        if index and self._agreement is not None:
            self.save_agreement(self._agreement)
        if self._failing and not self.unsaved_count and not self.agreement_dirty:
            self._failing = False
            self.notices.append(Notice("Everything is saved again.", title="Saved"))

    def retry(self, *, ended: bool) -> None:
        """The retry timer: write what is due (the index only once the session is over, or
        while its last write failed)."""
        if self.due(ended=ended):
            self.flush(index=ended or self._index_failed)

    def save_agreement(self, agreement: Agreement) -> None:
        """Save *agreement* now, or keep it to save with the next index write."""
        try:
            self._sink.save_agreement(agreement)
        except StoreError as exc:
            self._agreement = agreement
            self._failed(exc)
        else:
            self._agreement = None

    def _failed(self, exc: StoreError) -> None:
        """Tell the coach, once per run of failures."""
        if self._failing:
            return
        self._failing = True
        self.notices.append(Notice(
            f"{exc} The session keeps running; what could not be saved is kept and retried "
            f"every {self._retry_seconds:g} seconds.",
            title=exc.title,
            severity="error",
            timeout=15,
        ))
