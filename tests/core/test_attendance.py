"""Issue 19, item 3: who was in the meeting when, from the reports Zoom and Teams export.

The samples in ``tests/transcripts/attendance/`` follow each tool's layout: Zoom's participants
report exported with the meeting data (UTF-8, a waiting-room row, Tom renamed "TB" and back on
his phone), Teams' attendance report (UTF-16, tab-separated, three sections, "Raman, Priya",
"Tom Becker (External)") and the 2020 Teams list (Joined/Left actions). In each, the assistant
Tom leaves at 10:19:55 and comes back 10:40:02-10:44:30.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from roomguard.cli.attendance_file import decode
from roomguard.core.attendance import (
    AttendanceError,
    parse_report,
    party_for,
    timeline,
)
from roomguard.core.models import Agreement, Participant, Role
from tests.builders import build_agreement

SAMPLES = Path(__file__).parents[1] / "transcripts" / "attendance"
MEETING = datetime(2026, 11, 25, 10, 0, 3)


def sample(name: str) -> str:
    return decode((SAMPLES / name).read_bytes(), name)


def priya() -> Agreement:
    added = date(2026, 1, 1)
    return build_agreement(
        Participant("Priya Raman", Role.CLIENT, id="priya", aliases=["Priya"], added_on=added),
        Participant("Alex Morgan", Role.COACH, id="alex", aliases=["Alex"], added_on=added),
        Participant("Tom Becker", Role.ASSISTANT, id="tom", aliases=["TB"],
                    contact="tom.becker@example.com", added_on=added),
    )


def seconds(h: int, m: int, s: int) -> timedelta:
    return timedelta(hours=h, minutes=m, seconds=s)


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("zoom_participants.csv", "Zoom participants report"),
        ("teams_attendance.csv", "Teams attendance report"),
        ("teams_attendance_2020.csv", "Teams attendance list (2020 layout)"),
    ],
)
def test_every_layout_gives_the_same_comings_and_goings(name: str, layout: str) -> None:
    report = parse_report(sample(name))
    assert report.layout == layout
    assert report.start == MEETING
    changes = [(c.offset, c.name, c.joined) for c in timeline(report, priya())]
    assert changes == [
        (seconds(0, 0, 0), "Alex Morgan", True),
        (seconds(0, 0, 7), "Priya Raman", True),
        (seconds(0, 0, 28), "Tom Becker", True),
        (seconds(0, 19, 52), "Tom Becker", False),
        (seconds(0, 39, 59), "Tom Becker", True),
        (seconds(0, 44, 27), "Tom Becker", False),
        (seconds(0, 58, 37), "Priya Raman", False),
        (seconds(0, 58, 38), "Alex Morgan", False),
    ]
    assert all(c.party is not None for c in timeline(report, priya()))


def test_zoom_waiting_room_rows_do_not_count() -> None:
    stays = parse_report(sample("zoom_participants.csv")).stays
    assert [s.joined.time().isoformat() for s in stays if s.name == "Priya Raman"] == ["10:00:10"]


def test_a_later_recording_start_moves_every_time() -> None:
    report = parse_report(sample("zoom_participants.csv"))
    changes = timeline(report, priya(), datetime(2026, 11, 25, 10, 5, 3))
    assert changes[0].offset == -seconds(0, 5, 0)
    assert [c.offset for c in changes if c.name == "Tom Becker"][1] == seconds(0, 14, 52)


@pytest.mark.parametrize(
    ("name", "email", "who"),
    [
        ("TB (Tom Becker)", "", "tom"),  # Zoom: display name (original name)
        ("Tom's iPhone", "TOM.BECKER@example.com", "tom"),  # by email, case aside
        ("Raman, Priya", "", "priya"),  # Teams: Last, First
        ("Tom Becker (External)", "", "tom"),
        ("alex", "", "alex"),  # an alias, folded
        ("Call-in User_1", "", None),
        ("Grace", "grace@example.com", None),
    ],
)
def test_rows_are_matched_to_parties_by_email_name_or_alias(
    name: str, email: str, who: str | None
) -> None:
    party = party_for(priya(), name, email)
    assert (party.id if party is not None else None) == who


def test_someone_unknown_stays_unknown_and_two_devices_are_one_stay() -> None:
    text = ("Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
            "Alex Morgan,,11/25/2026 10:00:00 AM,11/25/2026 11:00:00 AM,60,No\n"
            "Call-in User_1,,11/25/2026 10:10:00 AM,11/25/2026 10:20:00 AM,10,Yes\n"
            "Alex's phone,,11/25/2026 10:30:00 AM,11/25/2026 10:40:00 AM,10,Yes\n"
            "Alex Morgan,,11/25/2026 10:30:00 AM,11/25/2026 10:35:00 AM,5,No\n")
    changes = timeline(parse_report(text), priya())
    assert [(c.name, c.party is None, c.joined) for c in changes] == [
        ("Alex Morgan", False, True),
        ("Call-in User_1", True, True),
        ("Call-in User_1", True, False),
        ("Alex's phone", True, True),
        ("Alex's phone", True, False),
        ("Alex Morgan", False, False),
    ]


def test_day_first_dates_are_read_day_first() -> None:
    text = ("Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole\n"
            "Alex Morgan\t25/11/26, 10:00:03\t25/11/26, 10:58:41\t58m 38s\t\tOrganizer\n"
            "Tom Becker\t25/11/26, 10:00:31\t25/11/26, 10:19:55\t19m 24s\t\tAttendee\n")
    report = parse_report(text, dayfirst=False)
    assert report.stays[0].joined == MEETING


def test_times_with_a_zone_are_instants() -> None:
    text = ("Name,Join Time,Leave Time\n"
            "Alex Morgan,2026-11-25T09:00:03Z,2026-11-25T10:00:00Z\n"
            "Tom Becker,2026-11-25T10:10:00+01:00,2026-11-25T10:20:00+01:00\n")
    changes = timeline(parse_report(text), priya())
    assert [(c.name, c.offset) for c in changes][1] == ("Tom Becker", seconds(0, 9, 57))


@pytest.mark.parametrize(
    ("text", "line_no", "reason"),
    [
        ("hello,world\n1,2\n", 0, "not a Zoom participants report nor a Teams attendance"),
        ("Name (Original Name),User Email,Total Duration (Minutes),Guest\nA,,5,No\n", 1,
         "without join and leave times"),
        ("Name,Join Time,Leave Time\nAlex,soon,later\n", 2, "join time 'soon' is not a date"),
        ("Name,Join Time,Leave Time\nAlex,11/25/2026 10:00,11/25/2026 09:00\n", 2,
         "Alex leaves (11/25/2026 09:00) before joining"),
        ("Name,Join Time,Leave Time\n", 1, "lists nobody"),
        ("Name,Join Time,Leave Time\nA,2026-11-25T10:00Z,\nB,2026-11-25 10:05,\n", 0,
         "mixes times with and without a time zone"),
        ("Full Name\tUser Action\tTimestamp\nA\tWaved\t11/25/2026, 10:00:03 AM\n", 2,
         "neither Joined nor Left"),
    ],
)
def test_what_cannot_be_read_is_refused_with_its_line(text: str, line_no: int,
                                                      reason: str) -> None:
    with pytest.raises(AttendanceError) as caught:
        parse_report(text)
    assert caught.value.line_no == line_no and reason in caught.value.reason
