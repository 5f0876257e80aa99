"""Keep Python's garbage-collector pauses away from alerts while a session runs.

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
