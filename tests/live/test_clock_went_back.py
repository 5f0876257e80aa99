"""A live session on a clock that jumps: DST nights, a clock set back mid-session, an old
session with naive times resumed under the aware clock (issue 17, item 9).

The session reads an injected clock (:class:`tests.clocks.SetClock`), as the app does its own.
Whatever the clock reads, the journal keeps the order things happened in, no length comes out
negative, and a clock that went back is in the journal and in the summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from roomguard.core.events import ClockWentBack, Event, NoteAdded, SessionStarted
from roomguard.core.instants import elapsed, instant
from roomguard.core.models import Agreement, Client, Role, SessionRecord
from roomguard.core.session import Guard, summarise
from roomguard.live.session import LiveSession, MemorySink
from roomguard.screens.session.summary import summary_text
from tests.builders import build_agreement, build_client, build_party
from tests.clocks import AUTUMN_NIGHT, LONDON, SPRING_NIGHT, SetClock, local_zone, london

T0 = datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)


def ann_and_her_agreement() -> tuple[Client, Agreement]:
    agreement = build_agreement(
        build_party("Ann Lee", Role.CLIENT, id="ann"),
        build_party("Alex Morgan", Role.COACH, id="alex"),
        build_party("Sam Ortiz", Role.OBSERVER, id="sam"),
        client_id="c-ann",
    )
    return build_client("Ann Lee", id="c-ann"), agreement


@dataclass
class BatchSink(MemorySink):
    """A memory sink that also keeps each write as it came: one list per journal append."""

    batches: list[list[Event]] = field(default_factory=list)

    def append_events(self, session_id: str, events: Sequence[Event]) -> None:
        self.batches.append(list(events))
        super().append_events(session_id, events)


def live_on(clock: SetClock) -> tuple[LiveSession, BatchSink]:
    client, agreement = ann_and_her_agreement()
    sink = BatchSink()
    return LiveSession(sink, client, agreement, clock), sink


def notes(events: Sequence[Event]) -> list[str]:
    return [e.text for e in events if isinstance(e, NoteAdded)]


def in_time_order(events: Sequence[Event]) -> bool:
    return sorted(events, key=lambda e: instant(e.at)) == list(events)


# ----------------------------------------------------------------------------- set back an hour
def test_a_clock_set_back_mid_session_keeps_notes_in_order_and_lengths_real() -> None:
    clock = SetClock(T0)
    live, sink = live_on(clock)
    live.begin()
    clock.now = T0 + timedelta(minutes=10)
    live.note("first")
    clock.now = T0 - timedelta(minutes=45)  # set back: it read 09:15 after 10:10
    second = live.note("second")
    clock.now = T0 - timedelta(minutes=40)
    live.toggle("sam")
    clock.now = T0 - timedelta(minutes=35)
    live.toggle("sam")
    clock.now = T0 - timedelta(minutes=30)
    live.end()

    assert notes(sink.events) == ["first", "second"]
    assert in_time_order(sink.events)
    went_back = [e for e in sink.events if isinstance(e, ClockWentBack)]
    assert went_back == [ClockWentBack(T0 + timedelta(minutes=10), T0 - timedelta(minutes=45))]
    summary = live.summary()
    assert summary.duration == timedelta(minutes=25)  # 10 before the jump, 15 after
    assert {p.participant_id: p.total for p in summary.presence}["sam"] == timedelta(minutes=5)
    assert summary.clock_changes == tuple(went_back)
    assert any("went back at 10:10 (it read 09:15)" in entry.text for entry in second.log)
    shown = " ".join(str(part) for part in summary_text(summary, "Ann Lee")
                     if not hasattr(part, "columns"))
    assert "Clock: the computer's clock went back at 10:10 (it read 09:15)" in shown
    assert sink.record is not None and sink.record.ended_at == T0 + timedelta(minutes=25)


def test_the_clock_going_back_is_written_with_the_input_it_dated() -> None:
    clock = SetClock(T0)
    live, sink = live_on(clock)
    live.begin()
    clock.now = T0 + timedelta(minutes=10)
    live.note("first")
    clock.now = T0 - timedelta(minutes=45)
    live.note("second")
    assert [type(e).__name__ for e in sink.batches[-1]] == ["ClockWentBack", "NoteAdded"]


def test_a_refused_input_still_records_the_clock_going_back_with_the_next_write() -> None:
    clock = SetClock(T0)
    live, sink = live_on(clock)
    live.begin()
    clock.now = T0 + timedelta(minutes=10)
    live.note("first")
    clock.now = T0 - timedelta(minutes=45)
    refused = live.toggle("nobody")
    assert refused.notices and not any(isinstance(e, ClockWentBack) for e in sink.events)
    live.save_all()
    assert [e for e in sink.events if isinstance(e, ClockWentBack)] == list(
        live.state.clock_changes)


def test_a_resumed_session_carries_on_from_the_time_it_kept() -> None:
    clock = SetClock(T0)
    live, sink = live_on(clock)
    live.begin()
    clock.now = T0 + timedelta(minutes=10)
    live.note("first")
    clock.now = T0 - timedelta(minutes=45)
    live.note("second")
    assert sink.record is not None
    again, _ = live_on(clock)
    again.resume(sink.record, list(sink.events))
    clock.now = T0 - timedelta(minutes=40)
    again.note("third")
    assert again.state.last_at == T0 + timedelta(minutes=15)


# ----------------------------------------------------------------------------- the DST nights
def test_a_live_session_on_the_spring_night_lasts_thirty_minutes() -> None:
    clock = SetClock(london(SPRING_NIGHT, 0, 50))
    live, sink = live_on(clock)
    live.begin()
    clock.now = london(SPRING_NIGHT, 2, 20)
    live.end()
    assert live.summary().duration == timedelta(minutes=30)
    assert sink.record is not None and sink.record.ended_at is not None
    assert elapsed(sink.record.started_at, sink.record.ended_at) == timedelta(minutes=30)
    assert not live.state.clock_changes


def test_the_autumn_night_going_back_an_hour_is_not_the_clock_going_back() -> None:
    clock = SetClock(london(AUTUMN_NIGHT, 1, 40))
    live, sink = live_on(clock)
    live.begin()
    clock.now = london(AUTUMN_NIGHT, 1, 5, fold=1)
    live.note("after the change")
    clock.now = london(AUTUMN_NIGHT, 1, 10, fold=1)
    live.end()
    assert live.summary().duration == timedelta(minutes=30)
    assert not live.state.clock_changes and in_time_order(sink.events)


def test_an_old_session_with_naive_times_resumes_under_the_aware_clock() -> None:
    """Journals written before times carried their offset hold naive local times; the app now
    reads an aware clock. The two mix in one session without an error, in real time."""
    with local_zone("Europe/London"):
        client, agreement = ann_and_her_agreement()
        started = datetime(2026, 10, 25, 1, 40)  # naive: BST, the first 01:40
        record = SessionRecord(client_id=client.id, started_at=started)
        journal: list[Event] = [SessionStarted(started, client.id, 1, ["ann", "alex"]),
                                NoteAdded(datetime(2026, 10, 25, 1, 50), "old note")]
        clock = SetClock(london(AUTUMN_NIGHT, 1, 5, fold=1))  # aware: GMT, after the change
        live = LiveSession(MemorySink(), client, agreement, clock)
        live.resume(record, journal)
        live.note("new note")
        clock.now = london(AUTUMN_NIGHT, 1, 10, fold=1)
        live.end()
        assert live.summary().duration == timedelta(minutes=30)
        assert not live.state.clock_changes


# ----------------------------------------------------------------------------- any clock at all
START_INSTANTS = [
    datetime(2026, 3, 29, 0, 30, tzinfo=UTC),  # half an hour before the spring change
    datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # half an hour before the autumn change
    datetime(2026, 11, 25, 10, 0, tzinfo=UTC),
]
ACTIONS = ["note", "sam", "ann", "mark"]


def shown_as(moment: datetime, how: str) -> datetime:
    """The UTC *moment* as a clock would give it: London-aware, fixed-offset aware (the app's
    own ``astimezone()``), or naive local (a clock of before, read in the local zone)."""
    if how == "zone":
        return moment.astimezone(LONDON)
    if how == "offset":
        return moment.astimezone()
    return datetime.fromtimestamp(moment.timestamp())


@given(
    start=st.sampled_from(START_INSTANTS),
    steps=st.lists(
        st.tuples(st.sampled_from(ACTIONS), st.integers(-3 * 3600, 2 * 3600),
                  st.sampled_from(["zone", "offset", "naive"])),
        min_size=1, max_size=25,
    ),
    end_step=st.integers(-3 * 3600, 2 * 3600),
)
def test_whatever_the_clock_reads_no_length_is_negative_and_the_journal_keeps_input_order(
    start: datetime, steps: list[tuple[str, int, str]], end_step: int
) -> None:
    with local_zone("Europe/London"):
        clock = SetClock(shown_as(start, "zone"))
        live, sink = live_on(clock)
        live.begin()
        moment, typed = start, []
        for number, (action, seconds, how) in enumerate(steps):
            moment += timedelta(seconds=seconds)
            clock.now = shown_as(moment, how)
            if action == "note":
                typed.append(f"note {number}")
                live.note(typed[-1])
            elif action == "mark":
                live.set_discreet(not live.state.discreet)
            else:
                live.toggle(action)
        clock.now = shown_as(moment + timedelta(seconds=end_step), "offset")
        live.end()

        assert notes(sink.events) == typed
        assert in_time_order(sink.events)
        summary = live.summary()
        assert summary.duration is not None and summary.duration >= timedelta(0)
        for person in summary.presence:
            assert person.total is not None and person.total >= timedelta(0)
            for interval in person.intervals:
                assert interval.end is not None
                assert instant(interval.start) <= instant(interval.end)
        record = sink.record
        assert record is not None and record.ended_at is not None
        assert instant(record.started_at) <= instant(record.ended_at)
        replayed = summarise(Guard.resume(live.agreement, sink.events).state, live.agreement)
        assert (replayed.duration, replayed.clock_changes) == (summary.duration,
                                                               summary.clock_changes)
