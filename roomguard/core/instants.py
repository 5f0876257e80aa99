"""Recorded times that order and subtract as real time, across DST changes and time zones.

A session is recorded in wall-clock times, and wall-clock times do not subtract: on the spring
night in London, 00:50 GMT to 02:20 BST is 30 minutes, not 90; on the autumn night, 01:40 BST
to 01:10 GMT is 30 minutes, not minus 30. Python's own arithmetic gets this wrong in two ways:
naive times carry no offset at all, and two aware times that share one ``tzinfo`` object (a
``ZoneInfo``) are subtracted as wall-clock times too. So every length and every ordering of
recorded times goes through this module, which compares UTC instants, never wall-clock faces.

What the times are:

* **Aware** (what the app records since this module exists): the UTC instant plus the offset of
  the zone they were recorded in (``2026-03-29T02:20:00+01:00``). Shown as recorded: the wall
  clock the coach saw then.
* **Naive** (journals and indexes written before, and times typed by hand): read as the wall
  clock of *this machine's* local zone. An ambiguous one (the repeated hour of an autumn night)
  is read as its first occurrence, unless that makes a length negative: then the end is read as
  the second occurrence, which is the only reading under which it came after the start.

Nothing here reads the clock: the local zone is a rule for reading a naive time, not a time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

ZERO = timedelta(0)


def instant(at: datetime) -> datetime:
    """*at* as an aware UTC datetime: the key to sort or compare recorded times by."""
    return at.astimezone(UTC)


def elapsed(start: datetime, end: datetime) -> timedelta:
    """The real time from *start* to *end*, never negative.

    An end before its start (a clock set back, a record written by hand) is a length of zero,
    not a negative one: callers that must say why (the session summary) keep their own record
    of the clock going back (:class:`~roomguard.core.events.ClockWentBack`).
    """
    return max(instant(ending(start, end)) - instant(start), ZERO)


def ending(start: datetime, end: datetime) -> datetime:
    """*end* as the end of something that began at *start*: a naive end in the repeated hour
    of an autumn night that reads as before *start* is taken as the second occurrence of that
    time (``fold=1``), the only reading under which it came after. Anything else is *end*."""
    if end.tzinfo is None and not end.fold and instant(end) < instant(start):
        second = end.replace(fold=1)
        if instant(second) >= instant(start):
            return second
    return end


def moved_on(at: datetime, by: timedelta) -> datetime:
    """*at* plus *by* of real time, shown in *at*'s own zone (naive stays naive, local).

    ``at + by`` is wall-clock arithmetic: an hour after 00:30 on the spring night would be
    01:30, a time London never shows.
    """
    if not by:
        return at
    later = instant(at) + by
    if at.tzinfo is None:
        return datetime.fromtimestamp(later.timestamp())
    return later.astimezone(at.tzinfo)


def latest(first: datetime | None, second: datetime) -> datetime:
    """Whichever of the two is later in real time (*second* when *first* is None)."""
    if first is None or instant(second) > instant(first):
        return second
    return first
