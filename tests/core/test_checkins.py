"""Check-ins: sorted rows, recording reviews, rescheduling, the iCalendar export.

Cadence arithmetic itself is specified in test_cadence.py; the properties here cover what
check-ins add on top: a recorded review always schedules a later date the cadence's way, the
list is always in urgency order, and a row's state turns over at the coach's local midnight.
"""

from __future__ import annotations

import copy
import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from roomguard.core.cadence import CadenceError, DueState, local_today
from roomguard.core.checkins import (
    CheckinRow,
    ReviewError,
    build_checkins,
    checkin_row,
    count_due,
    due_within,
    endable_parties,
    record_review,
    reschedule,
)
from roomguard.core.ics import checkins_ics, event_uid
from roomguard.core.ics import sequence as ics_sequence
from roomguard.core.models import (
    Agreement,
    Cadence,
    CadenceKind,
    Client,
    ClientStatus,
    ConsentMethod,
    ConsentRecord,
    Participant,
    ReviewOutcome,
    Role,
)
from roomguard.store.demo import demo_practice
from tests.builders import build_agreement

TODAY = date(2026, 11, 25)
SET_UP = date(2026, 1, 10)
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def make_pair(
    name: str = "Dana Reyes",
    *,
    next_review: date | None = date(2027, 1, 15),
    cadence: Cadence | None = None,
    status: ClientStatus = ClientStatus.ACTIVE,
) -> tuple[Client, Agreement]:
    client = Client(name, id=f"c-{name}", created_on=SET_UP, status=status)
    agreement = build_agreement(
        Participant(name, Role.CLIENT, id="client", added_on=SET_UP),
        Participant("Alex Kim", Role.COACH, id="coach", added_on=SET_UP),
        Participant("Sam Lee", Role.SUPPORTER, id="sam", added_on=SET_UP),
        client_id=client.id,
        id=f"a-{name}",
        cadence=cadence or Cadence(CadenceKind.MONTHS, 3),
        next_review=next_review,
    )
    return client, agreement


# --- rows -------------------------------------------------------------------------------------


class TestBuildCheckins:
    def test_demo_practice_is_sorted_overdue_then_due_soon_then_later(self) -> None:
        rows = build_checkins(demo_practice(TODAY), TODAY)
        assert [(r.client_name, r.state) for r in rows] == [
            ("Marcus Webb", DueState.OVERDUE),
            ("Sofia Alvarez", DueState.DUE_SOON),
            ("Noah Kim", DueState.DUE_SOON),
            ("Priya Raman", DueState.LATER),
        ]
        assert count_due(rows) == (1, 2)

    def test_row_carries_parties_last_review_cadence_and_reasons(self) -> None:
        rows = {r.client_name: r for r in build_checkins(demo_practice(TODAY), TODAY)}
        noah = rows["Noah Kim"]
        assert [(p.name, p.role) for p in noah.parties] == [("Grace Kim", Role.SUPPORTER)]
        assert noah.cadence == "every 6 weeks"
        assert noah.last_review is None
        assert noah.due_on == TODAY + timedelta(days=10)
        assert noah.reasons == (
            "scheduled review",
            f"Grace Kim's consent expires {(TODAY + timedelta(days=12)).isoformat()}",
        )
        assert rows["Sofia Alvarez"].parties == ()

    def test_closed_clients_are_left_out_unless_asked_for(self) -> None:
        practice = demo_practice(TODAY)
        assert "Daniel Osei" not in [r.client_name for r in build_checkins(practice, TODAY)]
        everyone = build_checkins(practice, TODAY, include_closed=True)
        assert everyone[-1].client_name == "Daniel Osei"
        assert everyone[-1].state is DueState.NOT_SCHEDULED
        assert everyone[-1].due_on is None

    def test_same_state_sorts_by_date_then_name(self) -> None:
        pairs = [
            make_pair("Zoe", next_review=TODAY + timedelta(days=3)),
            make_pair("anna", next_review=TODAY + timedelta(days=3)),
            make_pair("Bob", next_review=TODAY + timedelta(days=1)),
            make_pair("Cy", next_review=None),
            make_pair("Dee", next_review=TODAY - timedelta(days=1)),
        ]
        assert [r.client_name for r in build_checkins(pairs, TODAY)] == [
            "Dee",
            "Bob",
            "anna",
            "Zoe",
            "Cy",
        ]

    def test_ended_party_is_not_listed(self) -> None:
        client, agreement = make_pair()
        agreement.participants[2].ended_on = TODAY - timedelta(days=1)
        assert checkin_row(client, agreement, TODAY).parties == ()

    @pytest.mark.parametrize(
        ("days", "expected"),
        [(0, ["Dee", "Bob"]), (2, ["Dee", "Bob"]), (3, ["Dee", "Bob", "Eve"]), (400, None)],
    )
    def test_due_within_keeps_overdue_and_the_window(self, days: int, expected: list[str] | None) -> None:
        pairs = [
            make_pair("Dee", next_review=TODAY - timedelta(days=30)),
            make_pair("Bob", next_review=TODAY),
            make_pair("Eve", next_review=TODAY + timedelta(days=3)),
            make_pair("Fay", next_review=TODAY + timedelta(days=100)),
            make_pair("Cy", next_review=None),
        ]
        names = [r.client_name for r in due_within(build_checkins(pairs, TODAY), TODAY, days)]
        assert names == (expected or ["Dee", "Bob", "Eve", "Fay"])

    def test_due_within_refuses_negative_days(self) -> None:
        with pytest.raises(ValueError):
            due_within([], TODAY, -1)

    @pytest.mark.parametrize(
        ("offset", "text"),
        [(-9, "overdue by 9 days"), (-1, "overdue by 1 day"), (0, "today"), (1, "tomorrow"),
         (5, "in 5 days")],
    )
    def test_when_reads_as_words(self, offset: int, text: str) -> None:
        client, agreement = make_pair(next_review=TODAY + timedelta(days=offset))
        assert checkin_row(client, agreement, TODAY).when(TODAY) == text

    def test_new_participant_makes_a_review_due(self) -> None:
        client, agreement = make_pair(next_review=TODAY + timedelta(days=60))
        agreement.participants.append(
            Participant("Kit", Role.OBSERVER, id="kit", added_on=TODAY - timedelta(days=2))
        )
        row = checkin_row(client, agreement, TODAY)
        assert row.state is DueState.OVERDUE
        assert row.due_on == TODAY - timedelta(days=2)
        assert any("new participant Kit" in r for r in row.reasons)


# --- check-ins turn over at local midnight, DST nights included --------------------------------

LOCAL_MIDNIGHT = [
    # (moment, zone, due date, expected state): the moment is converted to the coach's zone.
    (datetime(2026, 3, 29, 22, 59, tzinfo=UTC), LONDON, date(2026, 3, 29), DueState.DUE_SOON),
    (datetime(2026, 3, 29, 23, 0, tzinfo=UTC), LONDON, date(2026, 3, 29), DueState.OVERDUE),
    (datetime(2026, 10, 25, 23, 59, tzinfo=UTC), LONDON, date(2026, 10, 25), DueState.DUE_SOON),
    (datetime(2026, 10, 26, 0, 0, tzinfo=UTC), LONDON, date(2026, 10, 25), DueState.OVERDUE),
    (datetime(2026, 11, 2, 4, 59, tzinfo=UTC), NEW_YORK, date(2026, 11, 1), DueState.DUE_SOON),
    (datetime(2026, 11, 2, 5, 0, tzinfo=UTC), NEW_YORK, date(2026, 11, 1), DueState.OVERDUE),
    # The 14-day window edge, the night New York falls back.
    (datetime(2026, 11, 1, 3, 59, tzinfo=UTC), NEW_YORK, date(2026, 11, 15), DueState.LATER),
    (datetime(2026, 11, 1, 4, 0, tzinfo=UTC), NEW_YORK, date(2026, 11, 15), DueState.DUE_SOON),
]


@pytest.mark.parametrize(("now", "zone", "due", "state"), LOCAL_MIDNIGHT)
def test_checkin_state_turns_at_local_midnight(
    now: datetime, zone: ZoneInfo, due: date, state: DueState
) -> None:
    today = local_today(now, zone)
    (row,) = build_checkins([make_pair(next_review=due)], today)
    assert row.state is state
    assert bool(due_within([row], today, 0)) is (state is DueState.OVERDUE or due == today)


# --- recording a review -----------------------------------------------------------------------


class TestRecordReview:
    def test_continue_logs_the_review_and_schedules_from_the_cadence(self) -> None:
        _, agreement = make_pair(cadence=Cadence(CadenceKind.MONTHS, 1))
        reviewed_on = date(2028, 1, 31)
        review = record_review(
            agreement, reviewed_on, ReviewOutcome.CONTINUE, ["client", "coach"], "all fine"
        )
        assert review.next_review == date(2028, 2, 29)  # relativedelta: month end, leap year
        assert agreement.next_review == date(2028, 2, 29)
        assert agreement.reviews == [review]
        assert review.participant_ids == ["client", "coach"]
        assert review.notes == "all fine"
        assert agreement.last_review() is review

    def test_next_date_can_be_overridden(self) -> None:
        _, agreement = make_pair()
        review = record_review(
            agreement, TODAY, ReviewOutcome.AMEND, next_review=TODAY + timedelta(days=10)
        )
        assert agreement.next_review == review.next_review == TODAY + timedelta(days=10)
        assert review.outcome is ReviewOutcome.AMEND

    def test_ending_a_party_sets_ended_on_and_drops_their_triggers(self) -> None:
        client, agreement = make_pair(next_review=TODAY + timedelta(days=60))
        agreement.consents = [
            ConsentRecord("sam", 1, SET_UP, ConsentMethod.EMAIL, expires_on=TODAY + timedelta(days=3))
        ]
        assert checkin_row(client, agreement, TODAY).state is DueState.DUE_SOON
        review = record_review(
            agreement, TODAY, ReviewOutcome.END_PARTY, ["client", "coach", "sam"],
            ended_participant_id="sam",
        )
        sam = agreement.participant("sam")
        assert sam is not None and sam.ended_on == TODAY and not sam.is_active(TODAY)
        assert review.ended_participant_id == "sam"
        row = checkin_row(client, agreement, TODAY)
        assert row.parties == ()
        assert row.state is DueState.LATER
        assert endable_parties(agreement, TODAY) == []

    @pytest.mark.parametrize(
        ("kwargs", "field", "message"),
        [
            ({"outcome": ReviewOutcome.END_PARTY}, "party", "Choose whose"),
            ({"outcome": ReviewOutcome.END_PARTY, "ended_participant_id": "client"}, "party",
             "client's involvement can't be ended"),
            ({"outcome": ReviewOutcome.END_PARTY, "ended_participant_id": "nobody"}, "party",
             "not on this agreement"),
            ({"outcome": ReviewOutcome.CONTINUE, "ended_participant_id": "sam"}, "", "Only"),
            ({"outcome": ReviewOutcome.CONTINUE, "participant_ids": ["ghost"]}, "participants",
             "Unknown participant"),
            ({"outcome": ReviewOutcome.CONTINUE, "next_review": TODAY}, "next_review",
             "must be after Wed 25 Nov 2026"),
            ({"outcome": ReviewOutcome.CONTINUE, "next_review": TODAY - timedelta(days=3)},
             "next_review", "must be after"),
        ],
    )
    def test_bad_reviews_are_refused_and_change_nothing(
        self, kwargs: dict[str, object], field: str, message: str
    ) -> None:
        _, agreement = make_pair()
        before = copy.deepcopy(agreement)
        with pytest.raises(ReviewError, match=message) as info:
            record_review(agreement, TODAY, **kwargs)  # type: ignore[arg-type]
        assert info.value.field == field
        assert agreement == before

    def test_a_party_already_gone_cannot_be_ended_again(self) -> None:
        _, agreement = make_pair()
        agreement.participants[2].ended_on = TODAY - timedelta(days=5)
        with pytest.raises(ReviewError, match="already ended"):
            record_review(agreement, TODAY, ReviewOutcome.END_PARTY, ended_participant_id="sam")

    def test_broken_cadence_asks_for_a_date_but_an_override_works(self) -> None:
        _, agreement = make_pair(cadence=Cadence(CadenceKind.RRULE, rrule="FREQ=MONTHLY;COUNT=2"))
        with pytest.raises(ReviewError, match="enter one") as info:
            record_review(agreement, TODAY, ReviewOutcome.CONTINUE)
        assert info.value.field == "next_review"
        assert isinstance(info.value.__cause__, CadenceError)
        assert agreement.reviews == []
        record_review(agreement, TODAY, ReviewOutcome.CONTINUE, next_review=date(2027, 3, 1))
        assert agreement.next_review == date(2027, 3, 1)

    def test_review_clears_a_newcomer_trigger(self) -> None:
        client, agreement = make_pair(next_review=TODAY + timedelta(days=60))
        agreement.participants.append(
            Participant("Kit", Role.OBSERVER, id="kit", added_on=TODAY - timedelta(days=2))
        )
        assert checkin_row(client, agreement, TODAY).state is DueState.OVERDUE
        record_review(agreement, TODAY, ReviewOutcome.CONTINUE, ["client", "coach", "kit"])
        row = checkin_row(client, agreement, TODAY)
        assert row.state is DueState.LATER
        assert row.last_review == TODAY
        assert row.last_outcome is ReviewOutcome.CONTINUE


class TestReschedule:
    def test_moves_the_date_and_returns_the_old_one(self) -> None:
        _, agreement = make_pair(next_review=date(2026, 12, 1))
        assert reschedule(agreement, date(2026, 12, 20), TODAY) == date(2026, 12, 1)
        assert agreement.next_review == date(2026, 12, 20)

    def test_today_is_fine_but_the_past_is_refused(self) -> None:
        _, agreement = make_pair(next_review=date(2026, 12, 1))
        reschedule(agreement, TODAY, TODAY)
        with pytest.raises(ReviewError, match="has passed"):
            reschedule(agreement, TODAY - timedelta(days=1), TODAY)
        assert agreement.next_review == TODAY


# --- properties -------------------------------------------------------------------------------

review_days = st.dates(min_value=date(1990, 1, 1), max_value=date(2150, 12, 31))
intervals = st.integers(min_value=1, max_value=24)
QUARTERLY_FIRST_MONDAY = "FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO"


@given(review_days, intervals, st.sampled_from([CadenceKind.WEEKS, CadenceKind.MONTHS]))
def test_recorded_review_schedules_by_the_cadence(reviewed_on: date, n: int, kind: CadenceKind) -> None:
    _, agreement = make_pair(cadence=Cadence(kind, n))
    review = record_review(agreement, reviewed_on, ReviewOutcome.CONTINUE)
    step = relativedelta(weeks=n) if kind is CadenceKind.WEEKS else relativedelta(months=n)
    assert review.next_review == reviewed_on + step
    assert review.next_review > reviewed_on
    assert agreement.next_review == review.next_review
    assert agreement.reviews[-1] is review


@given(review_days, st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=6))
def test_quarterly_rule_keeps_its_rhythm_however_late_the_reviews(
    first: date, delays: list[int]
) -> None:
    """Reviews held up to 40 days late still schedule the first Monday of the anchor's quarters."""
    _, agreement = make_pair(cadence=Cadence(CadenceKind.RRULE, rrule=QUARTERLY_FIRST_MONDAY))
    held = first
    for delay in delays:
        review = record_review(agreement, held, ReviewOutcome.CONTINUE)
        due = review.next_review
        assert due > held
        assert due.weekday() == 0 and due.day <= 7
        assert (due.year * 12 + due.month - (first.year * 12 + first.month)) % 3 == 0
        held = due + timedelta(days=delay)


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(min_value=-60, max_value=60)),
            st.integers(min_value=-60, max_value=60),
            st.booleans(),
        ),
        max_size=8,
    )
)
def test_rows_are_always_in_urgency_order(specs: list[tuple[int | None, int, bool]]) -> None:
    pairs = []
    for i, (scheduled, expiry, has_expiry) in enumerate(specs):
        client, agreement = make_pair(
            f"client {i}",
            next_review=None if scheduled is None else TODAY + timedelta(days=scheduled),
        )
        if has_expiry:
            agreement.consents = [
                ConsentRecord("sam", 1, SET_UP, ConsentMethod.EMAIL,
                              expires_on=TODAY + timedelta(days=expiry))
            ]
        pairs.append((client, agreement))
    rows = build_checkins(pairs, TODAY)
    assert len(rows) == len(specs)
    order = [DueState.OVERDUE, DueState.DUE_SOON, DueState.LATER, DueState.NOT_SCHEDULED]
    for a, b in itertools.pairwise(rows):
        assert order.index(a.state) <= order.index(b.state)
        if a.state is b.state and a.due_on and b.due_on:
            assert a.due_on <= b.due_on
    for row in rows:
        assert (row.due_on is None) is (row.state is DueState.NOT_SCHEDULED)
        assert row.state is not DueState.OVERDUE or row.due_on < TODAY  # type: ignore[operator]


# --- iCalendar --------------------------------------------------------------------------------


def test_ics_has_one_all_day_event_per_scheduled_review_with_stable_uids() -> None:
    rows = build_checkins(demo_practice(TODAY), TODAY, include_closed=True)
    first = Calendar.from_ical(checkins_ics(rows, datetime(2026, 11, 25, 10, 0, tzinfo=UTC)))
    second = Calendar.from_ical(checkins_ics(rows, datetime(2026, 12, 1, 8, 0, tzinfo=UTC)))
    events = first.walk("VEVENT")
    assert len(events) == 4  # the closed client's agreement has no date
    scheduled = [r for r in rows if r.due_on is not None]
    for event, row in zip(events, scheduled, strict=True):
        assert str(event["UID"]) == event_uid(row.agreement_id) == f"{row.agreement_id}-review@roomguard"
        start = event.decoded("DTSTART")
        assert type(start) is date and start == row.due_on
        assert event.decoded("DTEND") == row.due_on + timedelta(days=1)  # type: ignore[operator]
        assert str(event["SUMMARY"]) == f"Review agreement: {row.client_name}"
        for reason in row.reasons:
            assert reason in str(event["DESCRIPTION"])
    assert [str(e["UID"]) for e in second.walk("VEVENT")] == [str(e["UID"]) for e in events]
    # A later export is a newer revision of each event, so calendars apply it on re-import.
    assert {int(e["SEQUENCE"]) for e in events} == {3_629_400}  # minutes 2020-01-01 -> export
    assert all(int(e["SEQUENCE"]) > int(f["SEQUENCE"])
               for e, f in zip(second.walk("VEVENT"), events, strict=True))


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2100, 1, 1)),
       st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=3650)))
def test_ics_sequence_grows_with_every_later_export(earlier: datetime, gap: timedelta) -> None:
    first, later = earlier.replace(tzinfo=UTC), (earlier + gap).replace(tzinfo=UTC)
    assert 0 <= ics_sequence(first) < ics_sequence(later) < 2**31


def test_ics_shows_control_characters_instead_of_writing_them() -> None:
    client, agreement = make_pair("Eve\x1b[2J\nNewline")
    client.id, agreement.id = "c1", "a1"  # ids are hex in real stores
    ics = checkins_ics(build_checkins([(client, agreement)], TODAY), datetime(2026, 11, 25, tzinfo=UTC))
    assert b"\x1b" not in ics
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Review agreement: Eve\u241b[2J\u240aNewline"


def test_row_is_frozen() -> None:
    client, agreement = make_pair()
    row = checkin_row(client, agreement, TODAY)
    assert isinstance(row, CheckinRow)
    with pytest.raises(AttributeError):
        row.state = DueState.LATER  # type: ignore[misc]
