"""Clocks for tests of recorded time: the two DST nights in London, a clock a test sets, and
this machine's zone made London for as long as a test needs it.

Times on the DST nights are spelled as the coach's wall clock showed them (``london(0, 50)``
on the spring night is 00:50 GMT; ``london(1, 10, fold=1)`` on the autumn night is the second
01:10, in GMT), so each test reads as the finding it reproduces.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
SPRING_NIGHT = date(2026, 3, 29)  # 01:00 GMT becomes 02:00 BST
AUTUMN_NIGHT = date(2026, 10, 25)  # 02:00 BST becomes 01:00 GMT: 01:00-02:00 happens twice


def london(day: date, hour: int, minute: int, *, fold: int = 0) -> datetime:
    """*hour*:*minute* on London's wall clock on *day*, aware (``fold=1``: the second one)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON, fold=fold)


class SetClock:
    """A clock that reads whatever the test last set: ``clock.now = ...`` moves it, backwards
    too. However often the code under test reads it between two inputs, it reads the same."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@contextmanager
def local_zone(name: str) -> Iterator[None]:
    """This process's local zone is *name* inside the block (naive times are read in it)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()
