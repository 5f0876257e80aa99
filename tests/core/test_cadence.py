"""Review cadence: anchored arithmetic, validation, urgency across midnight/DST, review_due."""

from __future__ import annotations

import calendar
import itertools
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roomguard.core.cadence import (
    CadenceError,
    DueState,
    ReviewDue,
    due_state,
    local_today,
    next_occurrence,
    occurrences,
    review_due,
    schedule_after_review,
    validate_cadence,
)
from roomguard.core.models import (
    Agreement,
    Cadence,
    CadenceKind,
    ConsentMethod,
    ConsentRecord,
    Participant,
    Review,
    ReviewOutcome,
    Role,
    ScopeExtension,
    Terms,
)
from tests.builders import build_agreement

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")

anchors = st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31))
intervals = st.integers(min_value=1, max_value=24)


def weeks(n: int) -> Cadence:
    return Cadence(CadenceKind.WEEKS, n)


def months(n: int) -> Cadence:
    return Cadence(CadenceKind.MONTHS, n)


def rule(text: str) -> Cadence:
    return Cadence(CadenceKind.RRULE, rrule=text)


def month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def first_n(cadence: Cadence, anchor: date, n: int) -> list[date]:
    return list(itertools.islice(occurrences(cadence, anchor, date.max), n))


# --- fixed examples ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "anchor", "expected"),
    [
        (months(1), date(2028, 1, 31), [date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31)]),
        (months(1), date(2027, 1, 31), [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]),
        (
            months(12),
            date(2028, 2, 29),
            [
                date(2028, 2, 29),
                date(2029, 2, 28),
                date(2030, 2, 28),
                date(2031, 2, 28),
                date(2032, 2, 29),
            ],
        ),
        (months(3), date(2026, 11, 30), [date(2026, 11, 30), date(2027, 2, 28), date(2027, 5, 30)]),
        (weeks(2), date(2026, 12, 28), [date(2026, 12, 28), date(2027, 1, 11), date(2027, 1, 25)]),
        (
            rule("FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO"),
            date(2026, 1, 1),
            [date(2026, 1, 5), date(2026, 4, 6), date(2026, 7, 6), date(2026, 10, 5)],
        ),
        (
            rule("RRULE:freq=monthly;bymonthday=-1"),  # prefix and lower case are fine
            date(2028, 1, 15),
            [date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31)],
        ),
        (
            rule("FREQ=DAILY;BYHOUR=9,17"),  # two moments a day, one date
            date(2026, 5, 1),
            [date(2026, 5, 1), date(2026, 5, 2), date(2026, 5, 3)],
        ),
    ],
)
def test_occurrences_from_anchor(cadence: Cadence, anchor: date, expected: list[date]) -> None:
    assert first_n(cadence, anchor, len(expected)) == expected


def test_occurrences_stop_at_until_inclusive() -> None:
    assert list(occurrences(weeks(1), date(2026, 1, 1), date(2026, 1, 15))) == [
        date(2026, 1, 1),
        date(2026, 1, 8),
        date(2026, 1, 15),
    ]
    assert list(occurrences(months(1), date(2026, 1, 1), date(2025, 12, 31))) == []


def test_occurrences_stop_at_the_end_of_the_calendar() -> None:
    assert list(occurrences(months(12), date(9997, 6, 1), date.max)) == [
        date(9997, 6, 1),
        date(9998, 6, 1),
        date(9999, 6, 1),
    ]


@pytest.mark.parametrize(
    ("cadence", "after", "anchor", "expected"),
    [
        (months(1), date(2028, 2, 29), date(2028, 1, 31), date(2028, 3, 31)),  # back to the 31st
        (months(1), date(2028, 2, 28), date(2028, 1, 31), date(2028, 2, 29)),
        (months(1), date(2028, 3, 30), date(2028, 1, 31), date(2028, 3, 31)),
        (months(1), date(2028, 3, 31), date(2028, 1, 31), date(2028, 4, 30)),
        (months(12), date(2029, 2, 28), date(2028, 2, 29), date(2030, 2, 28)),
        (months(12), date(2031, 3, 1), date(2028, 2, 29), date(2032, 2, 29)),
        (months(3), date(2026, 6, 1), None, date(2026, 9, 1)),  # anchor defaults to after
        (months(3), date(2026, 1, 1), date(2026, 6, 1), date(2026, 6, 1)),  # anchor ahead
        (weeks(2), date(2026, 1, 14), date(2026, 1, 1), date(2026, 1, 15)),
        (weeks(2), date(2026, 1, 15), date(2026, 1, 1), date(2026, 1, 29)),
        (weeks(1), date(2026, 1, 1), None, date(2026, 1, 8)),
        (
            rule("FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO"),
            date(2026, 1, 5),
            date(2026, 1, 1),
            date(2026, 4, 6),
        ),
        (
            rule("FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO"),
            date(2026, 1, 4),
            date(2026, 1, 1),
            date(2026, 1, 5),
        ),
        (rule("FREQ=WEEKLY;BYDAY=TU"), date(2026, 11, 17), None, date(2026, 11, 24)),  # a Tuesday
        (rule("FREQ=DAILY;BYHOUR=9"), date(2026, 11, 17), None, date(2026, 11, 18)),
    ],
)
def test_next_occurrence(
    cadence: Cadence, after: date, anchor: date | None, expected: date
) -> None:
    assert next_occurrence(cadence, after, anchor) == expected


def test_next_occurrence_past_the_calendar_is_a_cadence_error() -> None:
    with pytest.raises(CadenceError, match="fits the calendar"):
        next_occurrence(months(12), date(9999, 6, 1), date(2000, 6, 1))
    with pytest.raises(CadenceError, match="fits the calendar"):
        next_occurrence(rule("FREQ=DAILY"), date.max)


def test_rule_that_stops_occurring_for_an_anchor_is_reported() -> None:
    leap_days = rule("FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29")
    assert next_occurrence(leap_days, date(2028, 3, 1), date(2028, 2, 29)) == date(2032, 2, 29)
    with pytest.raises(CadenceError, match="no date within 50 years after 2001-01-01"):
        next_occurrence(leap_days, date(2001, 1, 1))


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cadence",
    [
        months(1),
        months(520),
        weeks(1),
        weeks(520),
        rule("FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO"),
        rule("RRULE:FREQ=WEEKLY;BYDAY=MO,TH"),
        rule("FREQ=YEARLY;BYMONTH=1,7;BYDAY=-1FR"),
        rule("FREQ=MONTHLY;BYMONTHDAY=31"),  # months without a 31st are skipped, fine
        rule("freq=monthly;bymonthday=-1"),
        rule("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"),
    ],
)
def test_valid_cadences(cadence: Cadence) -> None:
    assert validate_cadence(cadence) is None


@pytest.mark.parametrize(
    ("cadence", "message"),
    [
        (months(0), "The interval must be between 1 and 520 months, not 0."),
        (weeks(521), "The interval must be between 1 and 520 weeks, not 521."),
        (months(-3), "between 1 and 520 months, not -3"),
        (Cadence(CadenceKind.MONTHS, 2.5), "must be a whole number of months"),  # type: ignore[arg-type]
        (Cadence(CadenceKind.WEEKS, True), "must be a whole number of weeks"),
        (Cadence("fortnights", 1), "Unknown cadence kind"),  # type: ignore[arg-type]
        (rule(""), "Enter an RRULE"),
        (rule("FREQ"), "RRULE part 'FREQ' should look like NAME=VALUE."),
        (rule("INTERVAL=2"), "needs a FREQ"),
        (rule("FREQ=MONTHY"), "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY, not 'MONTHY'"),
        (rule("FREQ=HOURLY"), "can't repeat more often than daily"),
        (rule("FREQ=MONTHLY;FREQ=WEEKLY"), "FREQ is given twice"),
        (rule("FREQ=MONTHLY;FOO=1"), "unknown part 'FOO'"),
        (rule("FREQ=MONTHLY;COUNT=3"), "a review cadence can't end; remove COUNT"),
        (rule("FREQ=MONTHLY;UNTIL=20270101"), "a review cadence can't end; remove UNTIL"),
        (rule("DTSTART:20260101\nRRULE:FREQ=MONTHLY"), "single RRULE line"),
        (rule("FREQ=MONTHLY;INTERVAL=0"), "INTERVAL must be between 1 and 520"),
        (rule("FREQ=MONTHLY;INTERVAL=x"), "INTERVAL must be a whole number"),
        (rule("FREQ=MONTHLY;BYMONTH=13"), "BYMONTH 13 is out of range (1 to 12)"),
        (rule("FREQ=MONTHLY;BYMONTHDAY=0"), "BYMONTHDAY 0 is out of range (1 to 31 or -31 to -1)"),
        (rule("FREQ=MONTHLY;BYMONTHDAY=first"), "BYMONTHDAY takes whole numbers, not 'FIRST'"),
        (rule("FREQ=WEEKLY;BYDAY=XX"), "BYDAY 'XX' should be MO, TU, WE, TH, FR, SA or SU"),
        (rule("FREQ=WEEKLY;BYDAY=1MO"), "a numbered weekday like 1MO needs FREQ=MONTHLY"),
        (rule("FREQ=MONTHLY;BYDAY=9MO"), "weekday number 9, but a month has at most 5"),
        (rule("FREQ=WEEKLY;BYHOUR=25"), "is not valid: hour must be in 0..23"),
        (
            rule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"),
            "never occurs: there is no day 30 in February",
        ),
        (
            rule("FREQ=DAILY;BYMONTH=4,6;BYMONTHDAY=31"),
            "never occurs: there is no day 31 in April or June",
        ),
        (
            rule("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=9"),
            "never occurs: no date within 50 years of 2000-01-01",
        ),
    ],
)
def test_invalid_cadences_say_why(cadence: Cadence, message: str) -> None:
    problem = validate_cadence(cadence)
    assert problem is not None
    assert message in problem
    with pytest.raises(CadenceError):
        next_occurrence(cadence, date(2026, 1, 1))
    with pytest.raises(CadenceError):
        occurrences(cadence, date(2026, 1, 1), date(2027, 1, 1))


def test_rrule_validation_can_depend_on_the_anchor() -> None:
    leap_days = rule("FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29")
    assert validate_cadence(leap_days) is None
    assert validate_cadence(leap_days, date(2028, 1, 1)) is None
    assert validate_cadence(leap_days, date(2027, 1, 1)) == (
        "RRULE 'FREQ=YEARLY;INTERVAL=4;BYMONTH=2;BYMONTHDAY=29' never occurs: "
        "no date within 50 years of 2027-01-01."
    )


# --- properties -------------------------------------------------------------------------------


@given(anchors, intervals)
def test_months_one_date_per_period_on_the_anchor_day_or_month_end(anchor: date, n: int) -> None:
    dates = first_n(months(n), anchor, 30)
    assert len(dates) == 30
    for k, d in enumerate(dates):
        # Period k covers the N months starting at anchor month + kN: exactly one date, there.
        assert month_index(d) == month_index(anchor) + k * n
        assert d.day == min(anchor.day, calendar.monthrange(d.year, d.month)[1])


@given(anchors, intervals)
def test_weeks_are_exactly_7n_days_apart(anchor: date, n: int) -> None:
    dates = first_n(weeks(n), anchor, 30)
    assert dates[0] == anchor
    assert all((b - a).days == 7 * n for a, b in itertools.pairwise(dates))


RULES = [
    "FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,FR",
    "FREQ=MONTHLY;BYMONTHDAY=31",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
    "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
    "FREQ=DAILY;INTERVAL=10;BYHOUR=9,17",
]
cadences = st.one_of(
    st.builds(months, intervals),
    st.builds(weeks, intervals),
    st.sampled_from(RULES).map(rule),
)


@given(cadences, anchors)
def test_occurrences_strictly_increase(cadence: Cadence, anchor: date) -> None:
    dates = first_n(cadence, anchor, 20)
    assert len(dates) == 20
    assert all(a < b for a, b in itertools.pairwise(dates))
    assert dates[0] >= anchor


@given(cadences, anchors, st.integers(min_value=-400, max_value=4000))
def test_next_occurrence_is_the_first_date_of_the_series_after(
    cadence: Cadence, anchor: date, days_after: int
) -> None:
    after = anchor + timedelta(days=days_after)
    found = next_occurrence(cadence, after, anchor)
    assert found > after
    series = occurrences(cadence, anchor, found)
    # Nothing of the series is skipped: the last date up to `found` is `found` itself, and the
    # one before it (if any) is not after `after`.
    upto = [d for d in series if d > after]
    assert upto == [found]


@given(cadences, anchors)
def test_repeated_next_occurrence_walks_the_series(cadence: Cadence, anchor: date) -> None:
    expected = first_n(cadence, anchor, 12)
    walked = [next_occurrence(cadence, anchor - timedelta(days=1), anchor)]
    while len(walked) < 12:
        walked.append(next_occurrence(cadence, walked[-1], anchor))
    assert walked == expected


# --- urgency ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "today", "soon_days", "state"),
    [
        (None, date(2026, 6, 1), 14, DueState.NOT_SCHEDULED),
        (date(2026, 5, 31), date(2026, 6, 1), 14, DueState.OVERDUE),
        (date(2026, 6, 1), date(2026, 6, 1), 14, DueState.DUE_SOON),  # due today
        (date(2026, 6, 15), date(2026, 6, 1), 14, DueState.DUE_SOON),  # last day of the window
        (date(2026, 6, 16), date(2026, 6, 1), 14, DueState.LATER),
        (date(2026, 6, 1), date(2026, 6, 1), 0, DueState.DUE_SOON),
        (date(2026, 6, 2), date(2026, 6, 1), 0, DueState.LATER),
    ],
)
def test_due_state(due: date | None, today: date, soon_days: int, state: DueState) -> None:
    assert due_state(due, today, soon_days) is state


def test_due_state_refuses_negative_window() -> None:
    with pytest.raises(ValueError, match="soon_days"):
        due_state(date(2026, 6, 1), date(2026, 6, 1), -1)


def test_due_state_values_read_as_words() -> None:
    assert [s.value for s in DueState] == ["overdue", "due soon", "later", "not scheduled"]


# (moment, the coach's zone, expected local date). The moments straddle local midnight and the
# 2026 DST changes: London 29 Mar / 25 Oct, New York 8 Mar / 1 Nov.
MIDNIGHT_AND_DST = [
    # London, winter: GMT, so UTC midnight is local midnight.
    (datetime(2026, 1, 14, 23, 59, tzinfo=UTC), LONDON, date(2026, 1, 14)),
    (datetime(2026, 1, 15, 0, 0, tzinfo=UTC), LONDON, date(2026, 1, 15)),
    # London, summer (BST = UTC+1): 23:30 UTC is already tomorrow.
    (datetime(2026, 7, 14, 22, 59, tzinfo=UTC), LONDON, date(2026, 7, 14)),
    (datetime(2026, 7, 14, 23, 30, tzinfo=UTC), LONDON, date(2026, 7, 15)),
    # London, the night clocks go forward (01:00 GMT -> 02:00 BST on 29 Mar).
    (datetime(2026, 3, 28, 23, 59, tzinfo=UTC), LONDON, date(2026, 3, 28)),
    (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), LONDON, date(2026, 3, 29)),
    (datetime(2026, 3, 29, 22, 59, tzinfo=UTC), LONDON, date(2026, 3, 29)),
    (datetime(2026, 3, 29, 23, 0, tzinfo=UTC), LONDON, date(2026, 3, 30)),
    # London, the night clocks go back (02:00 BST -> 01:00 GMT on 25 Oct).
    (datetime(2026, 10, 24, 22, 59, tzinfo=UTC), LONDON, date(2026, 10, 24)),
    (datetime(2026, 10, 24, 23, 0, tzinfo=UTC), LONDON, date(2026, 10, 25)),
    (datetime(2026, 10, 25, 23, 59, tzinfo=UTC), LONDON, date(2026, 10, 25)),
    (datetime(2026, 10, 26, 0, 0, tzinfo=UTC), LONDON, date(2026, 10, 26)),
    # New York: EST (UTC-5) before 8 Mar, EDT (UTC-4) after, EST again after 1 Nov.
    (datetime(2026, 3, 8, 4, 59, tzinfo=UTC), NEW_YORK, date(2026, 3, 7)),
    (datetime(2026, 3, 8, 5, 0, tzinfo=UTC), NEW_YORK, date(2026, 3, 8)),
    (datetime(2026, 3, 9, 3, 59, tzinfo=UTC), NEW_YORK, date(2026, 3, 8)),
    (datetime(2026, 3, 9, 4, 0, tzinfo=UTC), NEW_YORK, date(2026, 3, 9)),
    (datetime(2026, 11, 1, 3, 59, tzinfo=UTC), NEW_YORK, date(2026, 10, 31)),
    (datetime(2026, 11, 1, 4, 0, tzinfo=UTC), NEW_YORK, date(2026, 11, 1)),
    (datetime(2026, 11, 2, 4, 59, tzinfo=UTC), NEW_YORK, date(2026, 11, 1)),
    (datetime(2026, 11, 2, 5, 0, tzinfo=UTC), NEW_YORK, date(2026, 11, 2)),
    # The moment may arrive in any zone: it is the coach's zone that decides the date.
    (datetime(2026, 3, 29, 3, 30, tzinfo=LONDON), NEW_YORK, date(2026, 3, 28)),
    (datetime(2026, 3, 28, 23, 30, tzinfo=NEW_YORK), LONDON, date(2026, 3, 29)),
]


@pytest.mark.parametrize(("now", "zone", "expected"), MIDNIGHT_AND_DST)
def test_local_today_across_midnight_and_dst(now: datetime, zone: tzinfo, expected: date) -> None:
    assert local_today(now, zone) == expected


@pytest.mark.parametrize(
    ("now", "zone", "due", "state"),
    [
        # A review due 8 Mar is due (not overdue) until New York midnight, DST night or not.
        (datetime(2026, 3, 9, 3, 59, tzinfo=UTC), NEW_YORK, date(2026, 3, 8), DueState.DUE_SOON),
        (datetime(2026, 3, 9, 4, 0, tzinfo=UTC), NEW_YORK, date(2026, 3, 8), DueState.OVERDUE),
        (datetime(2026, 11, 2, 4, 59, tzinfo=UTC), NEW_YORK, date(2026, 11, 1), DueState.DUE_SOON),
        (datetime(2026, 11, 2, 5, 0, tzinfo=UTC), NEW_YORK, date(2026, 11, 1), DueState.OVERDUE),
        # In London the same review turns overdue an hour earlier in summer than UTC would say.
        (datetime(2026, 3, 29, 22, 59, tzinfo=UTC), LONDON, date(2026, 3, 29), DueState.DUE_SOON),
        (datetime(2026, 3, 29, 23, 0, tzinfo=UTC), LONDON, date(2026, 3, 29), DueState.OVERDUE),
        # The window edge moves at local midnight too: 14 days ahead becomes due soon.
        (datetime(2026, 10, 24, 22, 59, tzinfo=UTC), LONDON, date(2026, 11, 8), DueState.LATER),
        (datetime(2026, 10, 24, 23, 0, tzinfo=UTC), LONDON, date(2026, 11, 8), DueState.DUE_SOON),
    ],
)
def test_due_state_follows_local_midnight(
    now: datetime, zone: tzinfo, due: date, state: DueState
) -> None:
    assert due_state(due, local_today(now, zone)) is state


@pytest.fixture
def machine_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Lets a test set the machine's zone through TZ; the real one is restored afterwards."""
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(("now", "zone", "expected"), MIDNIGHT_AND_DST)
def test_local_today_defaults_to_the_machine_zone(
    monkeypatch: pytest.MonkeyPatch,
    machine_zone: None,
    now: datetime,
    zone: ZoneInfo,
    expected: date,
) -> None:
    monkeypatch.setenv("TZ", zone.key)
    time.tzset()
    assert local_today(now) == expected


def test_local_today_needs_the_moment_from_its_caller() -> None:
    """Core never reads the clock: the caller passes now (the CLI reads it; tests fix it)."""
    with pytest.raises(TypeError):
        local_today(tz=NEW_YORK)  # type: ignore[call-arg]


def test_local_today_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        local_today(datetime(2026, 3, 29, 0, 30), LONDON)


# --- review_due -------------------------------------------------------------------------------

SET_UP = date(2026, 1, 10)
TODAY = date(2026, 11, 20)


def make_agreement() -> Agreement:
    return build_agreement(
        Participant("Dana Reyes", Role.CLIENT, id="dana", added_on=SET_UP),
        Participant("Alex Kim", Role.COACH, id="coach", added_on=SET_UP),
        Participant("Sam Lee", Role.SUPPORTER, id="sam", added_on=SET_UP),
    )


def consent(pid: str, expires: date | None, **kw: object) -> ConsentRecord:
    fields: dict[str, object] = {
        "terms_version": 1,
        "signed_on": SET_UP,
        "method": ConsentMethod.E_SIGNATURE,
        "expires_on": expires,
    }
    fields.update(kw)
    return ConsentRecord(pid, **fields)  # type: ignore[arg-type]


def review(on: date, *present: str) -> Review:
    return Review(
        on,
        ReviewOutcome.CONTINUE,
        next_review=on + timedelta(days=90),
        participant_ids=list(present),
    )


def nothing(a: Agreement) -> None:
    pass


def scheduled_later(a: Agreement) -> None:
    a.next_review = date(2027, 1, 15)


def scheduled_soon(a: Agreement) -> None:
    a.next_review = date(2026, 11, 30)


def scheduled_past(a: Agreement) -> None:
    a.next_review = date(2026, 11, 1)


def consent_expires_first(a: Agreement) -> None:
    a.next_review = date(2027, 1, 15)
    a.consents = [consent("dana", date(2026, 12, 1)), consent("sam", None)]


def consent_expired(a: Agreement) -> None:
    a.next_review = date(2027, 1, 15)
    a.consents = [consent("dana", date(2026, 11, 1))]


def revoked_consent_ignored(a: Agreement) -> None:
    a.next_review = date(2027, 1, 15)
    a.consents = [consent("dana", date(2026, 12, 1), revoked_on=date(2026, 6, 1))]


def superseded_consent_ignored(a: Agreement) -> None:
    a.next_review = date(2027, 1, 15)
    a.consents = [
        consent("dana", date(2026, 12, 1)),
        consent("dana", date(2027, 12, 1), signed_on=date(2026, 11, 1)),  # re-signed
    ]


def newer_terms_consent_in_force(a: Agreement) -> None:
    a.next_review = date(2027, 1, 15)
    a.consents = [
        consent("sam", None, signed_on=date(2026, 3, 1)),
        consent("sam", date(2027, 1, 2), terms_version=2, signed_on=date(2026, 2, 1)),
    ]


def unknown_party_consent_ignored(a: Agreement) -> None:
    a.consents = [consent("ghost", date(2026, 12, 1))]


def scope_ends(a: Agreement) -> None:
    a.next_review = date(2027, 1, 15)
    a.terms.scopes = [ScopeExtension("sam", ["t1"], "joint session", SET_UP, date(2026, 12, 10))]


def scope_ended_unreviewed(a: Agreement) -> None:
    a.terms.scopes = [ScopeExtension("sam", ["t1"], "joint session", SET_UP, date(2026, 11, 2))]


def scope_end_seen_by_review(a: Agreement) -> None:
    a.reviews = [review(date(2026, 11, 5), "dana", "coach", "sam")]
    a.next_review = date(2027, 2, 3)
    a.terms.scopes = [ScopeExtension("sam", ["t1"], "joint session", SET_UP, date(2026, 11, 2))]


def old_terms_scope_ignored(a: Agreement) -> None:
    a.history = [Terms(version=1, created_at=datetime(2026, 1, 10, 9, 0))]
    a.history[0].scopes = [ScopeExtension("sam", ["t1"], "old", SET_UP, date(2026, 12, 1))]
    a.terms = Terms(version=2, created_at=datetime(2026, 6, 1, 9, 0))


def newcomer_since_last_review(a: Agreement) -> None:
    a.reviews = [review(date(2026, 9, 1), "dana", "coach", "sam")]
    a.next_review = date(2026, 12, 1)
    a.participants.append(
        Participant("Jo Park", Role.OBSERVER, id="jo", added_on=date(2026, 11, 18))
    )


def newcomer_seen_at_review(a: Agreement) -> None:
    a.reviews = [review(date(2026, 9, 1), "dana", "coach", "sam", "jo")]
    a.next_review = date(2026, 12, 1)
    a.participants.append(Participant("Jo Park", Role.OBSERVER, id="jo", added_on=date(2026, 9, 3)))


def newcomer_added_on_review_day(a: Agreement) -> None:
    a.reviews = [review(date(2026, 9, 1), "dana", "coach")]
    a.next_review = date(2026, 12, 1)
    a.participants.append(Participant("Jo Park", Role.OBSERVER, id="jo", added_on=date(2026, 9, 1)))


def newcomer_before_any_review(a: Agreement) -> None:
    a.participants.append(Participant("Jo Park", Role.OBSERVER, id="jo", added_on=date(2026, 2, 1)))


def newcomer_uses_latest_review(a: Agreement) -> None:
    a.reviews = [review(date(2026, 10, 1), "dana", "coach", "sam"), review(date(2026, 4, 1))]
    a.next_review = date(2027, 1, 1)
    a.participants.append(Participant("Jo Park", Role.OBSERVER, id="jo", added_on=date(2026, 6, 1)))


def newcomer_uses_first_terms_date(a: Agreement) -> None:
    a.history = [Terms(version=1, created_at=datetime(2026, 1, 10, 9, 0))]
    a.terms = Terms(version=2, created_at=datetime(2026, 6, 1, 9, 0))
    a.participants.append(Participant("Jo Park", Role.OBSERVER, id="jo", added_on=date(2026, 3, 1)))


def ended_party_ignored(a: Agreement) -> None:
    a.next_review = date(2027, 1, 15)
    jo = Participant("Jo Park", Role.OBSERVER, id="jo", added_on=date(2026, 11, 18))
    jo.ended_on = date(2026, 11, 19)
    a.participants.append(jo)
    sam = a.participant("sam")
    assert sam is not None
    sam.ended_on = date(2026, 10, 1)
    a.consents = [consent("sam", date(2026, 11, 25)), consent("jo", date(2026, 11, 25))]
    a.terms.scopes = [ScopeExtension("sam", ["t1"], "joint", SET_UP, date(2026, 11, 25))]


def everything_at_once(a: Agreement) -> None:
    a.reviews = [review(date(2026, 8, 1), "dana", "coach", "sam")]
    a.next_review = date(2026, 11, 1)
    a.consents = [consent("dana", date(2026, 11, 25)), consent("sam", date(2027, 3, 1))]
    a.terms.scopes = [ScopeExtension("sam", ["t1"], "joint", SET_UP, date(2026, 11, 25))]
    a.participants.append(
        Participant("Jo Park", Role.OBSERVER, id="jo", added_on=date(2026, 10, 2))
    )


@pytest.mark.parametrize(
    ("arrange", "due_on", "state", "reasons"),
    [
        (nothing, None, DueState.NOT_SCHEDULED, []),
        (scheduled_later, date(2027, 1, 15), DueState.LATER, ["scheduled review"]),
        (scheduled_soon, date(2026, 11, 30), DueState.DUE_SOON, ["scheduled review"]),
        (scheduled_past, date(2026, 11, 1), DueState.OVERDUE, ["scheduled review"]),
        (
            consent_expires_first,
            date(2026, 12, 1),
            DueState.DUE_SOON,
            ["Dana Reyes's consent expires 2026-12-01"],
        ),
        (
            consent_expired,
            date(2026, 11, 1),
            DueState.OVERDUE,
            ["Dana Reyes's consent expired 2026-11-01"],
        ),
        (revoked_consent_ignored, date(2027, 1, 15), DueState.LATER, ["scheduled review"]),
        (superseded_consent_ignored, date(2027, 1, 15), DueState.LATER, ["scheduled review"]),
        (
            newer_terms_consent_in_force,
            date(2027, 1, 2),
            DueState.LATER,
            ["Sam Lee's consent expires 2027-01-02"],
        ),
        (unknown_party_consent_ignored, None, DueState.NOT_SCHEDULED, []),
        (scope_ends, date(2026, 12, 10), DueState.LATER, ["scope for Sam Lee ends 2026-12-10"]),
        (
            scope_ended_unreviewed,
            date(2026, 11, 2),
            DueState.OVERDUE,
            ["scope for Sam Lee ended 2026-11-02"],
        ),
        (scope_end_seen_by_review, date(2027, 2, 3), DueState.LATER, ["scheduled review"]),
        (old_terms_scope_ignored, None, DueState.NOT_SCHEDULED, []),
        (
            newcomer_since_last_review,
            date(2026, 11, 18),
            DueState.OVERDUE,
            ["new participant Jo Park added 2026-11-18", "scheduled review"],
        ),
        (newcomer_seen_at_review, date(2026, 12, 1), DueState.DUE_SOON, ["scheduled review"]),
        (newcomer_added_on_review_day, date(2026, 12, 1), DueState.DUE_SOON, ["scheduled review"]),
        (
            newcomer_before_any_review,
            date(2026, 2, 1),
            DueState.OVERDUE,
            ["new participant Jo Park added 2026-02-01"],
        ),
        (newcomer_uses_latest_review, date(2027, 1, 1), DueState.LATER, ["scheduled review"]),
        (
            newcomer_uses_first_terms_date,
            date(2026, 3, 1),
            DueState.OVERDUE,
            ["new participant Jo Park added 2026-03-01"],
        ),
        (ended_party_ignored, date(2027, 1, 15), DueState.LATER, ["scheduled review"]),
        (
            everything_at_once,
            date(2026, 10, 2),
            DueState.OVERDUE,
            [
                "new participant Jo Park added 2026-10-02",
                "scheduled review",
                "Dana Reyes's consent expires 2026-11-25",
                "scope for Sam Lee ends 2026-11-25",
                # Sam's consent (2027-03-01) is beyond the due-soon window: not listed.
            ],
        ),
    ],
)
def test_review_due(
    arrange: object, due_on: date | None, state: DueState, reasons: list[str]
) -> None:
    agreement = make_agreement()
    assert callable(arrange)
    arrange(agreement)
    assert review_due(agreement, TODAY) == ReviewDue(due_on, reasons, state)


def test_review_due_lists_reasons_on_the_due_date_when_it_is_later() -> None:
    agreement = make_agreement()
    agreement.next_review = date(2027, 3, 1)
    agreement.consents = [consent("dana", date(2027, 3, 1)), consent("sam", date(2027, 3, 2))]
    assert review_due(agreement, TODAY) == ReviewDue(
        date(2027, 3, 1),
        ["scheduled review", "Dana Reyes's consent expires 2027-03-01"],
        DueState.LATER,
    )


def test_review_due_window_is_configurable() -> None:
    agreement = make_agreement()
    agreement.next_review = date(2026, 12, 10)
    assert review_due(agreement, TODAY).state is DueState.LATER
    assert review_due(agreement, TODAY, soon_days=30).state is DueState.DUE_SOON


# --- schedule_after_review --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "earlier_reviews", "reviewed_on", "expected"),
    [
        (months(3), [], date(2026, 11, 30), date(2027, 2, 28)),
        (months(3), [date(2026, 1, 31)], date(2026, 11, 30), date(2027, 2, 28)),
        (months(1), [], date(2028, 1, 31), date(2028, 2, 29)),
        (weeks(6), [date(2026, 1, 1)], date(2026, 11, 20), date(2027, 1, 1)),
        # RRULE keeps its quarters from the first review, whenever this one happened.
        (rule("FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO"), [], date(2026, 1, 14), date(2026, 4, 6)),
        (
            rule("FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO"),
            [date(2026, 1, 14), date(2026, 4, 6)],
            date(2026, 4, 20),  # a late review still lands on the July first Monday
            date(2026, 7, 6),
        ),
        (
            rule("FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO"),
            [date(2026, 2, 10)],
            date(2026, 2, 10),  # this review already recorded: it is its own anchor
            date(2026, 5, 4),
        ),
    ],
)
def test_schedule_after_review(
    cadence: Cadence, earlier_reviews: list[date], reviewed_on: date, expected: date
) -> None:
    agreement = make_agreement()
    agreement.cadence = cadence
    agreement.reviews = [review(d) for d in earlier_reviews]
    assert schedule_after_review(agreement, reviewed_on) == expected


def test_schedule_after_review_refuses_a_broken_cadence() -> None:
    agreement = make_agreement()
    agreement.cadence = rule("FREQ=MONTHLY;COUNT=2")
    with pytest.raises(CadenceError, match="remove COUNT"):
        schedule_after_review(agreement, date(2026, 11, 20))
