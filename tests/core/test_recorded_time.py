"""Time you can trust: lengths are real time across DST changes, never negative, and a clock
that goes back is noticed and recorded (issue 17, item 9).

The findings, each reproduced here first: a session from 00:50 GMT to 02:20 BST on the spring
night (30 real minutes) was shown as 1 h 30 min in the summary, the presence totals and the
assistant-safe export; on the autumn night 01:40 BST to 01:10 GMT was "-1 h 30 min"; a clock
set back mid-session gave out-of-order notes and negative lengths.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from roomguard.core.events import ClockWentBack, Event, NoteAdded
from roomguard.core.instants import elapsed, instant, latest, moved_on
from roomguard.core.models import Agreement, Role, SessionRecord, Todo
from roomguard.core.reports import (
    assistant_safe_summary,
    coach_summary_markdown,
    describe_length,
    describe_span,
)
from roomguard.core.session import CLOCK_SLACK, Guard, SessionSummary, replay, summarise
from roomguard.core.todos import open_todos
from tests.builders import build_agreement, build_client, build_party
from tests.clocks import AUTUMN_NIGHT, LONDON, SPRING_NIGHT, local_zone, london

THIRTY_MINUTES = timedelta(minutes=30)
SPRING = (london(SPRING_NIGHT, 0, 50), london(SPRING_NIGHT, 2, 20))  # GMT -> BST
AUTUMN = (london(AUTUMN_NIGHT, 1, 40), london(AUTUMN_NIGHT, 1, 10, fold=1))  # BST -> GMT


def ann_and_alex() -> Agreement:
    return build_agreement(
        build_party("Ann Lee", Role.CLIENT, id="ann"),
        build_party("Alex Morgan", Role.COACH, id="alex"),
        build_party("Sam Ortiz", Role.OBSERVER, id="sam"),
        client_id="c-ann",
    )


def session(start: datetime, end: datetime) -> tuple[Agreement, list[Event]]:
    """Ann and Alex in the room from *start* to *end*, one shareable note on the way."""
    agreement = ann_and_alex()
    guard = Guard(agreement)
    events = guard.start(start, ["ann", "alex"])
    events += guard.add_note("Book the room for next week", start, shareable=True)
    events += guard.end(end)
    return agreement, events


def summary_of(start: datetime, end: datetime) -> SessionSummary:
    agreement, events = session(start, end)
    return summarise(replay(events), agreement)


def exported(start: datetime, end: datetime) -> str:
    agreement, events = session(start, end)
    record = SessionRecord(client_id="c-ann", started_at=start, ended_at=end)
    return assistant_safe_summary(build_client("Ann Lee", id="c-ann"), agreement,
                                  [(record, events)])


# ----------------------------------------------------------------------------- the DST nights
@pytest.mark.parametrize(("start", "end"), [SPRING, AUTUMN], ids=["spring", "autumn"])
class TestADstNight:
    def test_the_summary_gives_the_thirty_real_minutes(self, start: datetime,
                                                       end: datetime) -> None:
        assert summary_of(start, end).duration == THIRTY_MINUTES

    def test_presence_totals_are_the_thirty_real_minutes(self, start: datetime,
                                                         end: datetime) -> None:
        totals = {p.participant_id: p.total for p in summary_of(start, end).presence}
        assert totals == {"ann": THIRTY_MINUTES, "alex": THIRTY_MINUTES}

    def test_the_assistant_safe_export_says_30_min(self, start: datetime, end: datetime) -> None:
        text = exported(start, end)
        assert f"{start:%H:%M}–{end:%H:%M} (30 min)" in text
        assert "Book the room for next week" in text

    def test_the_coach_summary_says_30_min_for_the_session_and_each_person(
        self, start: datetime, end: datetime
    ) -> None:
        agreement, events = session(start, end)
        record = SessionRecord(client_id="c-ann", started_at=start, ended_at=end)
        text = coach_summary_markdown(build_client("Ann Lee", id="c-ann"), agreement, record,
                                      events)
        assert f"{start:%H:%M}–{end:%H:%M} (30 min)" in text
        assert text.count("; 30 min") == 2  # Ann's and Alex's totals


def test_times_are_shown_as_the_wall_clock_read_when_they_were_recorded() -> None:
    start, end = SPRING
    assert describe_span(start, end) == "Sun 29 Mar 2026, 00:50–02:20 (30 min)"


# ----------------------------------------------------------------------------- instants
class TestElapsed:
    def test_is_never_negative(self) -> None:
        later, earlier = london(AUTUMN_NIGHT, 9, 0), london(AUTUMN_NIGHT, 8, 0)
        assert elapsed(later, earlier) == timedelta(0)

    def test_counts_real_time_between_times_recorded_in_different_zones(self) -> None:
        paris = timezone(timedelta(hours=1))
        start = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
        assert elapsed(start, datetime(2026, 11, 25, 11, 30, tzinfo=paris)) == THIRTY_MINUTES

    def test_reads_naive_times_as_this_machines_local_wall_clock(self) -> None:
        with local_zone("Europe/London"):
            assert elapsed(datetime(2026, 3, 29, 0, 50), datetime(2026, 3, 29, 2, 20)) == (
                THIRTY_MINUTES
            )

    def test_reads_a_naive_end_in_the_repeated_hour_as_the_second_one_when_needed(self) -> None:
        """01:40 then 01:10 on the autumn night: the end can only be the second 01:10."""
        with local_zone("Europe/London"):
            assert elapsed(datetime(2026, 10, 25, 1, 40), datetime(2026, 10, 25, 1, 10)) == (
                THIRTY_MINUTES
            )

    def test_orders_naive_and_aware_times_together_without_error(self) -> None:
        with local_zone("Europe/London"):
            old, new = datetime(2026, 6, 1, 10, 0), london(SPRING_NIGHT, 0, 50)
            assert sorted([old, new], key=instant) == [new, old]
            assert latest(new, old) is old


def test_moving_on_counts_real_time_across_the_spring_gap() -> None:
    """An hour after 00:30 GMT is 02:30 BST: 01:30 never shows on a London clock that night."""
    moved = moved_on(london(SPRING_NIGHT, 0, 30), timedelta(hours=1))
    assert (moved.hour, moved.minute, moved.utcoffset()) == (2, 30, timedelta(hours=1))
    assert moved_on(datetime(2026, 1, 1, 9, 0), timedelta(0)) == datetime(2026, 1, 1, 9, 0)


def test_describe_length_of_a_length_never_goes_below_zero() -> None:
    assert describe_length(timedelta(minutes=-30)) == "0 min"


# ----------------------------------------------------------------------------- the clock going back
T0 = datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)


def started() -> Guard:
    guard = Guard(ann_and_alex())
    guard.start(T0, ["ann", "alex"])
    return guard


class TestTheClockGoingBack:
    def test_a_reading_behind_the_latest_time_is_dated_at_it_and_recorded(self) -> None:
        guard = started()
        guard.add_note("first", T0 + timedelta(minutes=10))
        at, events = guard.read_clock(T0 - timedelta(minutes=50))
        assert at == T0 + timedelta(minutes=10)
        assert events == [ClockWentBack(at, T0 - timedelta(minutes=50))]
        assert guard.state.clock_changes == events

    def test_later_readings_move_on_from_the_latest_time_by_what_the_clock_moves(self) -> None:
        guard = started()
        guard.add_note("first", T0 + timedelta(minutes=10))
        guard.read_clock(T0 - timedelta(minutes=50))
        at, events = guard.read_clock(T0 - timedelta(minutes=45))
        assert (at, events) == (T0 + timedelta(minutes=15), [])

    def test_a_step_back_smaller_than_the_slack_is_dated_at_the_latest_time_unrecorded(
        self,
    ) -> None:
        guard = started()
        at, events = guard.read_clock(T0 - CLOCK_SLACK / 2)
        assert (at, events, guard.state.clock_shift) == (T0, [], timedelta(0))

    def test_a_dst_change_is_not_the_clock_going_back(self) -> None:
        guard = Guard(ann_and_alex())
        guard.start(london(AUTUMN_NIGHT, 1, 50), ["ann"])
        at, events = guard.read_clock(london(AUTUMN_NIGHT, 1, 5, fold=1))
        assert (at, events) == (london(AUTUMN_NIGHT, 1, 5, fold=1), [])

    def test_a_resumed_session_keeps_the_time_it_kept_before(self) -> None:
        guard = Guard(ann_and_alex())
        journal = guard.start(T0, ["ann", "alex"])
        journal += guard.add_note("first", T0 + timedelta(minutes=10))
        journal += guard.read_clock(T0 - timedelta(minutes=50))[1]
        again = Guard.resume(guard.agreement, journal)
        assert again.read_clock(T0 - timedelta(minutes=40)) == (T0 + timedelta(minutes=20), [])

    def test_the_summary_lists_each_time_the_clock_went_back(self) -> None:
        guard = started()
        guard.add_note("first", T0 + timedelta(minutes=10))
        _, moved = guard.read_clock(T0 - timedelta(minutes=50))
        guard.end(guard.read_clock(T0 - timedelta(minutes=40))[0])
        summary = summarise(guard.state, guard.agreement)
        assert summary.clock_changes == tuple(moved)
        assert summary.duration == timedelta(minutes=20)


def test_notes_dated_by_the_guard_stay_in_the_order_they_were_typed() -> None:
    guard = started()
    readings = [T0 + timedelta(minutes=m) for m in (5, 10, -50, -49, -70, 2)]
    journal: list[Event] = []
    for number, reading in enumerate(readings):
        now, moved = guard.read_clock(reading)
        journal += moved + guard.add_note(f"note {number}", now)
    notes = [e for e in journal if isinstance(e, NoteAdded)]
    assert [n.text for n in notes] == [f"note {i}" for i in range(len(readings))]
    assert sorted(journal, key=lambda e: instant(e.at)) == journal


def test_open_to_dos_of_an_old_store_and_a_new_session_list_oldest_first() -> None:
    """An old to-do holds a naive time, one made under the aware clock an aware one."""
    with local_zone("Europe/London"):
        old = Todo("written consent from Sam", datetime(2026, 10, 1, 9, 0))
        new = Todo("written consent from Jo", london(AUTUMN_NIGHT, 1, 10, fold=1))
        agreement = ann_and_alex()
        agreement.todos = [new, old]
        assert open_todos(agreement) == [old, new]
