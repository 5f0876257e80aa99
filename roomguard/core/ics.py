"""Check-ins as an iCalendar file, so agreement reviews land in the coach's calendar.

One all-day VEVENT per scheduled review. Its UID depends only on the agreement
(``<agreement id>-review@roomguard``), so importing a newer export updates the event instead
of adding a second one. The due date is a DATE (no time, no zone): a review is due on a day,
and a calendar shows it on that day wherever the coach is, DST or not.

Calendars apply an update to an event they hold only when its SEQUENCE has grown (RFC 5545,
3.8.7.4); with a fixed SEQUENCE a review moved to another day can be ignored on re-import.
Nothing is stored between exports, and a review's date can move for reasons that are not
edits (a consent nearing expiry brings it forward), so each export is a revision of every
event: SEQUENCE is the export time in minutes since 2020-01-01, which grows with every export
and fits the 32-bit integer calendars expect until the year 6100.

The description lists what makes the review due and each party whose consent is missing,
outdated or revoked (``CheckinRow.to_settle``), never a to-do: a to-do may name a private topic,
and a calendar is often synced off this machine.

Pure: the caller passes the rows and the export time (DTSTAMP).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from roomguard.core.checkins import CheckinRow
from roomguard.core.text import printable

PRODID = "-//Roomguard//Check-ins//EN"
SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
CALENDAR_NAME = "Roomguard check-ins"


def event_uid(agreement_id: str) -> str:
    """The UID of an agreement's review event; the same in every export."""
    return f"{agreement_id}-review@roomguard"


def _clean(text: str) -> str:
    # iCalendar text may not hold control characters; show them as symbols, like the screens do.
    return printable(text, limit=None)


def sequence(stamp: datetime) -> int:
    """The SEQUENCE of every event exported at *stamp* (see the module docstring)."""
    return max(0, int((stamp - SEQUENCE_EPOCH).total_seconds() // 60))


def review_event(row: CheckinRow, stamp: datetime) -> Event:
    """The calendar event for one row; the row must have a due date. *stamp* is aware (UTC)."""
    if row.due_on is None:
        raise ValueError(f"agreement {row.agreement_id} has no review date")
    event = Event()
    event.add("uid", event_uid(row.agreement_id))
    event.add("dtstamp", stamp)
    event.add("sequence", sequence(stamp))
    event.add("dtstart", row.due_on)
    event.add("dtend", row.due_on + timedelta(days=1))
    event.add("summary", _clean(f"Review agreement: {row.client_name}"))
    lines = [_clean(reason) for reason in row.to_settle] or ["scheduled review"]
    lines.append(f"Cadence: {_clean(row.cadence)}")
    event.add("description", "\n".join(lines))
    event.add("categories", ["Roomguard"])
    event.add("transp", "TRANSPARENT")  # a reminder, not a meeting: don't block the day
    return event


def checkins_calendar(rows: Iterable[CheckinRow], stamp: datetime) -> Calendar:
    """A calendar with one event per row that has a due date (rows without one are skipped).

    *stamp* is the export time; a naive one is taken as local time.
    """
    utc_stamp = stamp.astimezone(UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    for row in rows:
        if row.due_on is not None:
            calendar.add_component(review_event(row, utc_stamp))
    return calendar


def checkins_ics(rows: Iterable[CheckinRow], stamp: datetime) -> bytes:
    """The calendar as the bytes of an ``.ics`` file."""
    data: bytes = checkins_calendar(rows, stamp).to_ical()
    return data
