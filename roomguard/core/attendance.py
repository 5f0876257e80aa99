"""Who was in the meeting when: the attendance reports meeting tools export, read for a check.

A transcript says who spoke, not who listened. ``roomguard check --attendance FILE`` takes the
attendance report of the same meeting so that someone who listened without speaking counts as
present, and someone who left (the assistant stepping out before a private topic) counts as
gone. This module is pure: it reads the report's text (the command line decodes the file) and
matches each row to a party of the agreement.

Accepted layouts (found by their header row, wherever it is in the file):

* **Zoom participants report** (Reports > Usage > Participants, exported as CSV, with or
  without "Export with meeting data"): ``Name (Original Name)``, ``User Email``, ``Join Time``,
  ``Leave Time``, ``Duration (Minutes)``, then optional ``Guest``, ``Recording Consent``, ``In
  Waiting Room``. One row per stay: someone who left and came back has two rows. A row ``In
  Waiting Room: Yes`` is time spent waiting outside and does not count. With the meeting data,
  the ``Start Time`` of the meeting row is the meeting's start. (Exported with "Show unique
  users", the report has no join and leave times and is refused.)
* **Microsoft Teams attendance report** (tab-separated, usually UTF-16): sections ``1.
  Summary`` (its ``Start time`` row is the meeting's start), ``2. Participants`` (``Name``,
  ``First Join``, ``Last Leave``, ``In-Meeting Duration``, ``Email``, ``Participant ID (UPN)``,
  ``Role``) and ``3. In-Meeting Activities`` (``Name``, ``Join Time``, ``Leave Time``,
  ``Duration``, ``Email``, ``Role``: one row per stay). The activities are used when present;
  otherwise each person counts as present from first join to last leave (never less present
  than they were).
* **Teams attendance list, 2020 layout**: ``Full Name``, ``User Action`` (``Joined``,
  ``Joined before``, ``Left``), ``Timestamp``.

Column names are matched without regard to case; the delimiter (comma or tab) is found per line.

**Times and time zones.** Zoom and Teams write local wall-clock times without a zone (the zone
of the account or of whoever downloaded the report). Roomguard uses only *differences*: a
row's time minus the time the transcript's ``00:00:00`` was said, which by default is the
meeting's start from the report (else its earliest join) and can be given with
``--recording-start`` when the recording started later. So the zone never matters, with one
exception no report lets us see: a daylight-saving change during the meeting. Times that carry
a zone (``2026-11-25T10:00:03Z``, ``+01:00``) are compared as instants; a report mixing both is
refused. Dates such as ``03/04/26`` are read day-first or month-first by whichever reading the
report's other dates allow (a ``25/11`` settles it), else by the store's date setting.

**Matching people.** A row is a party of the agreement when its email is the party's contact
(or one of their aliases), else when its name — or, for Zoom's ``Display (Original)``, either
part; for Teams' ``Last, First``, ``First Last`` — is the party's name or alias (compared
folded, as transcript speakers are). Anyone else is someone the agreement does not know: they
join as a guest, not cleared for any private topic, and the check reports them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from roomguard.core.models import Agreement, Participant
from roomguard.core.text import fold

__all__ = [
    "AttendanceError",
    "AttendanceReport",
    "PresenceChange",
    "Stay",
    "parse_report",
    "party_for",
    "timeline",
]


class AttendanceError(ValueError):
    """The report cannot be read; *line_no* (1-based, 0 for the whole file) and the reason."""

    def __init__(self, line_no: int, reason: str) -> None:
        super().__init__(f"line {line_no}: {reason}" if line_no else reason)
        self.line_no = line_no
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Stay:
    """One row of a report: someone in the meeting from *joined* to *left* (None: until the
    report was made)."""

    name: str
    email: str
    joined: datetime
    left: datetime | None
    line_no: int


@dataclass(frozen=True, slots=True)
class AttendanceReport:
    layout: str  # "Zoom participants report", "Teams attendance report", ...
    meeting_start: datetime | None  # from the report's header, when it has one
    stays: tuple[Stay, ...]

    @property
    def start(self) -> datetime:
        """When the meeting started: the header's time, else the earliest join."""
        if self.meeting_start is not None:
            return self.meeting_start
        return min(stay.joined for stay in self.stays)


@dataclass(frozen=True, slots=True)
class PresenceChange:
    """Someone came in (*joined*) or left, *offset* after the transcript's start. *party* is
    the agreement's party, or None for someone it does not know (*name* as the report has it)."""

    offset: timedelta
    name: str
    party: Participant | None
    joined: bool
    email: str = ""
    written: tuple[str, ...] = ()  # every name the report gives this person


# -- reading --------------------------------------------------------------------------------

_NAME = ("name (original name)", "name", "full name", "participant", "display name",
         "participant name", "user name")
_EMAIL = ("user email", "email", "participant email", "e-mail")
_JOIN = ("join time", "joined", "join")
_LEAVE = ("leave time", "left", "leave")
_FIRST_JOIN = ("first join", "first join time")
_LAST_LEAVE = ("last leave", "last leave time")
_WAITING = ("in waiting room",)
_START = ("start time", "meeting start time", "start")


def _cells(line: str) -> list[str]:
    delimiter = "\t" if "\t" in line else ","
    return [cell.strip() for cell in next(csv.reader([line], delimiter=delimiter))]


def _index(header: list[str], names: Sequence[str]) -> int | None:
    lowered = [cell.casefold() for cell in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


@dataclass
class _Table:
    line_no: int
    header: list[str]
    rows: list[tuple[int, list[str]]]
    kind: str  # "stays", "span" (first join / last leave), "actions" (2020 layout)


def _tables(lines: list[str]) -> tuple[list[_Table], list[tuple[int, str]]]:
    """Every table of participants in the report, and the candidate meeting starts."""
    tables: list[_Table] = []
    starts: list[tuple[int, str]] = []
    current: _Table | None = None
    previous: list[str] = []
    for line_no, line in enumerate(lines, start=1):
        cells = _cells(line) if line.strip() else []
        if not any(cells):  # a blank line, or Zoom's ",,,,,," between its two tables
            current, previous = None, []
            continue
        lowered = [cell.casefold() for cell in cells]
        if current is not None and not re.fullmatch(r"[0-9]+\.\s.*", cells[0]):
            current.rows.append((line_no, cells))
            previous = cells
            continue
        current = None
        has_name = _index(cells, _NAME) is not None
        if has_name and _index(cells, _JOIN) is not None and _index(cells, _LEAVE) is not None:
            current = _Table(line_no, cells, [], "stays")
        elif has_name and _index(cells, _FIRST_JOIN) is not None:
            current = _Table(line_no, cells, [], "span")
        elif "user action" in lowered and "timestamp" in lowered:
            current = _Table(line_no, cells, [], "actions")
        elif has_name and "total duration (minutes)" in lowered:
            raise AttendanceError(line_no, (
                "this Zoom report lists each person once, without join and leave times "
                "(exported with 'Show unique users'); export it again without that option"))
        if current is not None:
            tables.append(current)
        elif len(cells) >= 2 and lowered[0] in _START and cells[1]:
            starts.append((line_no, cells[1]))  # Teams summary: "Start time <tab> 11/25/26, ..."
        elif (column := _index(previous, _START)) is not None and column < len(cells):
            starts.append((line_no, cells[column]))  # Zoom: the row under "Start Time"
        previous = cells
    return tables, starts


_NUMERIC_DATE_RE = re.compile(r"\s*([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{2,4})")


def _day_first(values: Iterable[str], default: bool) -> bool:
    """Whether the report's numeric dates are day-first: whichever its dates allow."""
    for value in values:
        match = _NUMERIC_DATE_RE.match(value)
        if match is None:
            continue
        first, second = int(match.group(1)), int(match.group(2))
        if first > 12 >= second:
            return True
        if second > 12 >= first:
            return False
    return default


def _when(value: str, line_no: int, what: str, dayfirst: bool) -> datetime:
    from dateutil import parser as du_parser

    try:
        return du_parser.parse(value, dayfirst=dayfirst)
    except (ValueError, OverflowError):
        raise AttendanceError(line_no, f"{what} {value!r} is not a date and time") from None


def parse_report(text: str, *, dayfirst: bool = True) -> AttendanceReport:
    """The stays of a Zoom or Teams attendance report (see the module docstring).

    Raises :class:`AttendanceError` naming the line for a report it cannot read.
    """
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    tables, starts = _tables(lines)
    if not tables:
        raise AttendanceError(0, (
            "not a Zoom participants report nor a Teams attendance report: no header row with "
            "a name, a join time and a leave time (Name (Original Name), Join Time, Leave Time; "
            "or Name, Join Time, Leave Time; or Full Name, User Action, Timestamp)"))
    kinds = {t.kind for t in tables}
    chosen = [t for t in tables if t.kind == "stays"] or [t for t in tables if t.kind != "span"]
    chosen = chosen or tables
    values = [cell for t in chosen for _, row in t.rows for cell in row] + [v for _, v in starts]
    day_first = _day_first(values, dayfirst)
    stays: list[Stay] = []
    for table in chosen:
        stays += _stays(table, day_first)
    if not stays:
        raise AttendanceError(chosen[0].line_no, "the report lists nobody under its header")
    if "actions" in kinds:
        layout = "Teams attendance list (2020 layout)"
    elif len(tables) > 1 or chosen[0].header[0].casefold() == "name":
        layout = "Teams attendance report"
    else:
        layout = "Zoom participants report"
    start = _when(starts[0][1], starts[0][0], "meeting start", day_first) if starts else None
    times = [s.joined for s in stays] + [s.left for s in stays if s.left is not None]
    times += [start] if start is not None else []
    if len({t.tzinfo is None for t in times}) > 1:
        raise AttendanceError(0, "the report mixes times with and without a time zone")
    if start is not None and start.tzinfo is not None:
        start = start.astimezone(UTC)
    return AttendanceReport(layout, start, tuple(stays))


def _stays(table: _Table, dayfirst: bool) -> list[Stay]:
    header = table.header
    name_col = _index(header, _NAME)
    email_col = _index(header, _EMAIL)
    if table.kind == "actions":
        return _stays_from_actions(table, dayfirst)
    join_col = _index(header, _JOIN if table.kind == "stays" else _FIRST_JOIN)
    leave_col = _index(header, _LEAVE if table.kind == "stays" else _LAST_LEAVE)
    waiting_col = _index(header, _WAITING)
    assert name_col is not None and join_col is not None
    out: list[Stay] = []
    for line_no, row in table.rows:
        row = row + [""] * (len(header) - len(row))
        name = row[name_col]
        if not name:
            raise AttendanceError(line_no, "a row without a name")
        if waiting_col is not None and row[waiting_col].casefold() in ("yes", "y", "true"):
            continue  # waiting outside the meeting is not being in it
        joined = _when(row[join_col], line_no, "join time", dayfirst)
        left_text = row[leave_col] if leave_col is not None else ""
        left = _when(left_text, line_no, "leave time", dayfirst) if left_text else None
        if left is not None and (left.tzinfo is None) != (joined.tzinfo is None):
            raise AttendanceError(line_no, "a join time and a leave time, one with a time zone "
                                           "and one without")
        joined, left = _utc(joined), _utc(left) if left is not None else None
        if left is not None and left < joined:
            raise AttendanceError(line_no, f"{name} leaves ({left_text}) before joining "
                                           f"({row[join_col]})")
        email = row[email_col] if email_col is not None else ""
        out.append(Stay(name, email, joined, left, line_no))
    return out


def _stays_from_actions(table: _Table, dayfirst: bool) -> list[Stay]:
    """The 2020 Teams list: one row per action; a stay runs from a join to the next leave."""
    header = [cell.casefold() for cell in table.header]
    name_col = _index(table.header, _NAME)
    action_col, time_col = header.index("user action"), header.index("timestamp")
    assert name_col is not None
    open_stays: dict[str, tuple[datetime, int]] = {}
    out: list[Stay] = []
    for line_no, row in table.rows:
        row = row + [""] * (len(header) - len(row))
        name, action = row[name_col], row[action_col].casefold()
        when = _utc(_when(row[time_col], line_no, "timestamp", dayfirst))
        if action.startswith("joined"):
            open_stays.setdefault(name, (when, line_no))
        elif action.startswith("left"):
            since, first_line = open_stays.pop(name, (when, line_no))
            out.append(Stay(name, "", since, when, first_line))
        else:
            raise AttendanceError(line_no, f"user action {row[action_col]!r} is neither "
                                           "Joined nor Left")
    out += [Stay(name, "", since, None, line_no) for name, (since, line_no) in open_stays.items()]
    return sorted(out, key=lambda s: s.line_no)


def _utc(when: datetime) -> datetime:
    return when.astimezone(UTC) if when.tzinfo is not None else when


# -- matching -------------------------------------------------------------------------------


def _candidates(name: str) -> list[str]:
    """The ways a report may write a party's name: as is; Zoom's ``Display (Original)`` as
    either part; Teams' ``Last, First`` as ``First Last``; without ``(Guest)``-style tags."""
    out = [name]
    match = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", name)
    if match is not None:
        out += [match.group(1), match.group(2)]
    for candidate in list(out):
        if candidate.count(",") == 1:
            last, first = (part.strip() for part in candidate.split(","))
            if last and first:
                out.append(f"{first} {last}")
    return [c.strip() for c in out if c.strip()]


def party_for(agreement: Agreement, name: str, email: str) -> Participant | None:
    """The party a report's row is about (see the module docstring), or None."""
    people = agreement.participants
    if "@" in email:
        key = email.strip().casefold()
        found = [p for p in people
                 if p.contact.strip().casefold() == key
                 or any(a.strip().casefold() == key for a in p.aliases)]
        if len(found) == 1:
            return found[0]
    for candidate in _candidates(name):
        key = fold(candidate)
        found = [p for p in people if key in {fold(label) for label in p.labels}]
        if len(found) > 1:
            found = [p for p in found if p.ended_on is None]
        if len(found) == 1:
            return found[0]
    return None


def timeline(
    report: AttendanceReport, agreement: Agreement, start: datetime | None = None
) -> list[PresenceChange]:
    """Every arrival and departure, as offsets from *start* (the time the transcript's
    ``00:00:00`` was said; default: the meeting's start), in order.

    Stays of the same person that overlap or touch (two devices, a reconnection) are one stay,
    so leaving on one device while still on another is no departure.
    """
    origin = report.start if start is None else _utc(start)
    if (origin.tzinfo is None) != (report.stays[0].joined.tzinfo is None):
        raise AttendanceError(0, "the recording start and the report must both carry a time "
                                 "zone or both not")
    people: dict[str, tuple[str, Participant | None, str]] = {}
    written: dict[str, dict[str, None]] = {}
    spans: dict[str, list[tuple[datetime, datetime | None]]] = {}
    for stay in sorted(report.stays, key=lambda s: s.joined):
        party = party_for(agreement, stay.name, stay.email)
        key = party.id if party is not None else f"?{fold(stay.name)}"
        people.setdefault(key, (party.name if party is not None else stay.name, party,
                                stay.email))
        written.setdefault(key, {})[stay.name] = None
        merged = spans.setdefault(key, [])
        if merged and (merged[-1][1] is None or stay.joined <= merged[-1][1]):
            end = merged[-1][1]
            merged[-1] = (merged[-1][0], None if end is None or stay.left is None
                          else max(end, stay.left))
        else:
            merged.append((stay.joined, stay.left))
    changes: list[PresenceChange] = []
    for key, intervals in spans.items():
        name, party, email = people[key]
        names = tuple(written[key])
        for joined, left in intervals:
            changes.append(PresenceChange(joined - origin, name, party, True, email, names))
            if left is not None:
                changes.append(PresenceChange(left - origin, name, party, False, email, names))
    # In time order; at the same moment arrivals first (never less present than the report).
    changes.sort(key=lambda c: (c.offset, not c.joined))
    return changes
