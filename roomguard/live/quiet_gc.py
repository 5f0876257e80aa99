"""Keep Python's garbage-collector pauses away from start-up, and from alerts while a session runs.

Start-up (:func:`hold_for_startup`, :func:`release_after_startup`): importing Textual and
Roomguard and building the first screen allocates some 100,000 long-lived objects (modules,
classes, styles), and the automatic collector rescans them about a hundred times on the way:
~12 ms of a ~190 ms start. So the collector is off until the first frame is on screen; then one
collection clears start-up's garbage and what is left is frozen out of later passes (it lives as
long as the app does), which also shortens every full collection after.

A full automatic collection stalls the UI thread for 30-50 ms at a moment nobody chooses, which
was most of the line-to-alert tail. While a session is live, what is alive at its start (the
app, widgets, agreement) is frozen out of every pass, automatic collection is off, and
:meth:`QuietCollector.tick` collects when input has been quiet for ``quiet`` seconds (at least
every ``at_most`` seconds whatever happens, so memory stays bounded). :meth:`give_back` restores
the collector as it was.
"""

from __future__ import annotations

import gc
import time

_held = False


def hold_for_startup() -> None:
    """Switch automatic collection off until :func:`release_after_startup` (if it was on)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release_after_startup() -> None:
    """Collect once, freeze the survivors, switch automatic collection back on. Does nothing
    unless :func:`hold_for_startup` switched it off, so it is safe to call twice (or in tests)."""
    global _held
    if not _held:
        return
    _held = False
    gc.collect()
    gc.freeze()
    gc.enable()


class QuietCollector:
    def __init__(self, quiet: float = 1.0, every: float = 10.0, at_most: float = 60.0) -> None:
        self.quiet, self.every, self.at_most = quiet, every, at_most
        self.taken = False
        self._was_enabled = True
        self._last_collect = 0.0
        self._last_input = 0.0

    def take_over(self) -> None:
        if self.taken:
            return
        self.taken = True
        self._was_enabled = gc.isenabled()
        gc.collect()
        gc.freeze()
        gc.disable()
        self._last_collect = time.monotonic()

    def give_back(self) -> None:
        if not self.taken:
            return
        self.taken = False
        gc.unfreeze()
        if self._was_enabled:
            gc.enable()

    def input_seen(self) -> None:
        self._last_input = time.monotonic()

    def tick(self) -> None:
        """Collect now if input has been quiet long enough, or it is overdue."""
        if not self.taken:
            return
        now = time.monotonic()
        since = now - self._last_collect
        quiet = now - self._last_input >= self.quiet
        if (quiet and since >= self.every) or since >= self.at_most:
            gc.collect()
            self._last_collect = time.monotonic()
