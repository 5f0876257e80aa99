"""A cadence keeps its own days (issue 18, items 10 and 11).

* Monthly reviews held on their scheduled days never drift: from the 31st they fall on the last
  day of shorter months and come back to the 31st (property test).
* A review held on another day starts a new series from that day.
* An RRULE that takes its day from an anchor some periods lack (29 February yearly, the 31st
  monthly) is refused with what to write instead, not accepted to fall years later.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from roomguard.core.cadence import (
    CadenceError,
    next_occurrence,
    schedule_after_review,
    validate_cadence,
)
from roomguard.core.checkins import record_review
from roomguard.core.models import Cadence, CadenceKind, ReviewOutcome
from roomguard.store.demo import demo_practice
from tests.builders import build_agreement


@given(
    anchor=st.dates(min_value=date(2000, 1, 1), max_value=date(2080, 12, 31)),
    interval=st.integers(min_value=1, max_value=12),
    reviews=st.integers(min_value=1, max_value=14),
)
def test_monthly_reviews_on_their_days_never_drift(
    anchor: date, interval: int, reviews: int
) -> None:
    agreement = build_agreement(cadence=Cadence(CadenceKind.MONTHS, interval))
    held = anchor
    for k in range(1, reviews + 1):
        review = record_review(agreement, held, ReviewOutcome.CONTINUE)
        assert review.next_review == anchor + relativedelta(months=k * interval)
        held = review.next_review  # the next review is held on its scheduled day


@given(
    anchor=st.dates(min_value=date(2000, 1, 1), max_value=date(2080, 12, 31)),
    interval=st.integers(min_value=1, max_value=10),
    reviews=st.integers(min_value=1, max_value=10),
)
def test_weekly_reviews_on_their_days_stay_on_the_series(
    anchor: date, interval: int, reviews: int
) -> None:
    agreement = build_agreement(cadence=Cadence(CadenceKind.WEEKS, interval))
    held = anchor
    for k in range(1, reviews + 1):
        held = record_review(agreement, held, ReviewOutcome.CONTINUE).next_review
        assert held == anchor + timedelta(weeks=k * interval)


def test_from_the_31st_the_end_of_february_then_the_31st_again() -> None:
    agreement = build_agreement(cadence=Cadence(CadenceKind.MONTHS, 1))
    days = [date(2027, 1, 31)]
    for _ in range(3):
        days.append(record_review(agreement, days[-1], ReviewOutcome.CONTINUE).next_review)
    assert days == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]


def test_a_review_on_another_day_starts_a_new_series() -> None:
    agreement = build_agreement(cadence=Cadence(CadenceKind.MONTHS, 1))
    record_review(agreement, date(2027, 1, 31), ReviewOutcome.CONTINUE)  # next: 28 Feb
    late = record_review(agreement, date(2027, 3, 3), ReviewOutcome.CONTINUE)
    assert late.next_review == date(2027, 4, 3)
    assert schedule_after_review(agreement, date(2027, 4, 3)) == date(2027, 5, 3)


@pytest.mark.parametrize(
    ("rule", "anchor", "says"),
    [
        ("FREQ=YEARLY", date(2028, 2, 29), "only in leap years"),
        ("FREQ=YEARLY;INTERVAL=2", date(2028, 2, 29), "BYMONTH=2;BYMONTHDAY=-1"),
        ("FREQ=MONTHLY", date(2027, 1, 31), "skip every month without a day 31"),
        ("FREQ=MONTHLY;INTERVAL=2", date(2027, 3, 30), "BYMONTHDAY=-1"),
    ],
)
def test_a_rule_from_a_day_some_periods_lack_is_refused(
    rule: str, anchor: date, says: str
) -> None:
    cadence = Cadence(CadenceKind.RRULE, rrule=rule)
    problem = validate_cadence(cadence, anchor)
    assert problem is not None and says in problem
    with pytest.raises(CadenceError):
        next_occurrence(cadence, anchor, anchor)


def test_the_last_day_of_february_every_year_is_what_it_says() -> None:
    cadence = Cadence(CadenceKind.RRULE, rrule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1")
    assert validate_cadence(cadence, date(2028, 2, 29)) is None
    assert next_occurrence(cadence, date(2028, 2, 29), date(2028, 2, 29)) == date(2029, 2, 28)


def test_rules_that_name_their_day_still_work_from_any_anchor() -> None:
    quarterly = Cadence(CadenceKind.RRULE, rrule="FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO;BYSETPOS=1")
    assert validate_cadence(quarterly, date(2027, 1, 31)) is None
    assert validate_cadence(Cadence(CadenceKind.RRULE, rrule="FREQ=YEARLY"),
                            date(2028, 3, 1)) is None


@pytest.mark.parametrize("today", [date(2026, 11, 25), date(2026, 12, 6), date(2027, 2, 28)])
def test_the_demo_reviews_fall_on_their_cadence(today: date) -> None:
    """Marcus's cadence is the first Monday of every third month; his (overdue) next review
    was a Friday on some days the demo was loaded."""
    for _, agreement in demo_practice(today):
        cadence, due = agreement.cadence, agreement.next_review
        if due is None or cadence.kind is not CadenceKind.RRULE:
            continue
        assert due.weekday() == 0 and due.day <= 7, due  # a first Monday
        assert due < today  # still the overdue example
