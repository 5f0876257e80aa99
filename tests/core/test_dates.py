"""Typed date input: every accepted form, every refusal, and the unambiguous read-back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roomguard.core.dates import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    DateInputError,
    describe_date,
    describe_parse,
    format_date,
    parse_date_input,
    parse_date_or_none,
)

TODAY = date(2026, 11, 20)  # a Friday
in_range_dates = st.dates(min_value=date(EARLIEST_YEAR, 1, 1), max_value=date(LATEST_YEAR, 12, 31))
# Days from TODAY that stay inside the accepted years.
offsets = st.integers(min_value=-40_000, max_value=60_000)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ISO and other year-first numbers
        ("2026-12-03", date(2026, 12, 3)),
        ("  2026-12-03 ", date(2026, 12, 3)),
        ("2026/12/3", date(2026, 12, 3)),
        ("2026.12.03", date(2026, 12, 3)),
        ("20261203", date(2026, 12, 3)),
        ("2028-02-29", date(2028, 2, 29)),
        # numbers, day first
        ("3/12/2026", date(2026, 12, 3)),
        ("12/03/2026", date(2026, 3, 12)),
        ("03.12.2026", date(2026, 12, 3)),
        ("3-12-2026", date(2026, 12, 3)),
        ("3/12/26", date(2026, 12, 3)),
        ("3/12/99", date(1999, 12, 3)),  # two-digit years land nearest today
        ("3/12/75", date(2075, 12, 3)),
        ("3/12/77", date(1977, 12, 3)),
        ("3/12", date(2026, 12, 3)),  # no year: this year
        ("12/31/2026", date(2026, 12, 31)),  # only the month-first reading is a date
        # month names, via dateutil
        ("3 Dec 2026", date(2026, 12, 3)),
        ("3 december 2026", date(2026, 12, 3)),
        ("December 3, 2026", date(2026, 12, 3)),
        ("Dec 3 2026", date(2026, 12, 3)),
        ("2026 Dec 3", date(2026, 12, 3)),
        ("3rd of December 2026", date(2026, 12, 3)),
        ("Thu 3 Dec 2026", date(2026, 12, 3)),
        ("Thursday, 3 December 2026", date(2026, 12, 3)),
        ("3 Sept 2026", date(2026, 9, 3)),
        ("3 Dec 26", date(2026, 12, 3)),
        ("Dec 3", date(2026, 12, 3)),
        ("dec 3rd", date(2026, 12, 3)),
        ("29 Feb 2028", date(2028, 2, 29)),
        # relative to today
        ("today", TODAY),
        ("TODAY", TODAY),
        ("tomorrow", date(2026, 11, 21)),
        ("yesterday", date(2026, 11, 19)),
        ("+10d", date(2026, 11, 30)),
        ("+2w", date(2026, 12, 4)),
        ("+3m", date(2027, 2, 20)),
        ("+1y", date(2027, 11, 20)),
        ("-1w", date(2026, 11, 13)),
        ("-10d", date(2026, 11, 10)),
        ("+ 2 weeks", date(2026, 12, 4)),
        ("+0d", TODAY),
        ("in 3 months", date(2027, 2, 20)),
        ("in 2 weeks", date(2026, 12, 4)),
        ("in 10 days", date(2026, 11, 30)),
        ("in 1 day", date(2026, 11, 21)),
        ("in 2 years", date(2028, 11, 20)),
        ("in a week", date(2026, 11, 27)),
        ("in a year", date(2027, 11, 20)),
        ("in 3mo", date(2027, 2, 20)),
        ("In  2   Weeks", date(2026, 12, 4)),
        ("2 weeks ago", date(2026, 11, 6)),
        ("a month ago", date(2026, 10, 20)),
        ("next week", date(2026, 11, 27)),
        ("next month", date(2026, 12, 20)),
        ("next year", date(2027, 11, 20)),
        ("last week", date(2026, 11, 13)),
        ("last month", date(2026, 10, 20)),
    ],
)
def test_accepted_forms(text: str, expected: date) -> None:
    assert parse_date_input(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/03/2026", date(2026, 12, 3)),
        ("03/04/2026", date(2026, 3, 4)),
        ("31/12/2026", date(2026, 12, 31)),  # only the day-first reading is a date
        ("2026-12-03", date(2026, 12, 3)),  # ISO is never re-read
        ("20261203", date(2026, 12, 3)),
        ("3 Dec 2026", date(2026, 12, 3)),
    ],
)
def test_month_first_setting(text: str, expected: date) -> None:
    assert parse_date_input(text, TODAY, dayfirst=False) == expected


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        (date(2027, 1, 31), "+1m", date(2027, 2, 28)),  # calendar months, clipped
        (date(2028, 1, 31), "next month", date(2028, 2, 29)),
        (date(2028, 2, 29), "+1y", date(2029, 2, 28)),
        (date(2026, 3, 31), "in 1 month", date(2026, 4, 30)),
    ],
)
def test_relative_months_and_years_clip_to_month_end(
    today: date, text: str, expected: date
) -> None:
    assert parse_date_input(text, today) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a date"),
        ("   ", "Enter a date"),
        ("hello", "isn't a date Roomguard understands"),
        ("next monday", "isn't a date Roomguard understands"),
        ("soon", "isn't a date Roomguard understands"),
        ("3 Decembre 2026", "isn't a date Roomguard understands"),  # unknown word, no fuzzing
        ("3 Dec 2026 please", "isn't a date Roomguard understands"),
        ("3rd 2026", "isn't a date Roomguard understands"),
        ("12", "is just a number"),
        ("2026", "is just a number"),
        ("123456", "is just a number"),
        ("Dec 2026", "has no day of the month"),
        ("December", "has no day of the month"),
        ("2026-02-30", "February 2026 has 28 days, so there is no day 30"),
        ("2026-13-01", "there is no month 13"),
        ("2026-12-00", "there is no day 0"),
        ("31/02/2026", "February 2026 has 28 days, so there is no day 31"),
        ("13/13/2026", "there is no month 13"),
        ("31 Feb 2026", "day is out of range for month"),
        ("29 Feb", "February 2026 has 28 days, so there is no day 29"),
        ("29/02", "February 2026 has 28 days, so there is no day 29"),
        ("3/12/202", "write the year with 2 or 4 digits"),
        ("3 Dec 202", "falls in the year 202"),
        ("1/1/1899", "falls in the year 1899"),
        ("2200-01-01", "falls in the year 2200"),
        ("Wed 3 Dec 2026", "3 Dec 2026 is a Thursday, not a Wednesday"),
        ("3 Dec 2026 10:00", "time of day"),
        ("2026-12-03T10:00", "time of day"),
        ("3 Dec 2026 at 5pm", "time of day"),
        ("3 pm", "time of day"),
        ("+3", "needs a unit: +3d, +3w, +3m or +3y"),
        ("-2", "needs a unit: -2d, -2w, -2m or -2y"),
        ("+3x", "'x' is not a unit Roomguard knows"),
        ("in 3 fortnights", "'fortnights' is not a unit Roomguard knows"),
        ("3 hours ago", "'hours' is not a unit Roomguard knows"),
        ("+999999y", "too far from today"),
        ("+99999999999d", "too far from today"),
        ("+200y", "falls in the year 2226"),
    ],
)
def test_refusals_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(DateInputError) as caught:
        parse_date_input(text, TODAY)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("text", "dayfirst", "shown"),
    [
        ("2026-12-03", True, "Thu 3 Dec 2026"),
        ("3 Dec 2026", True, "Thu 3 Dec 2026"),
        ("+2w", True, "Fri 4 Dec 2026"),
        ("31/12/2026", True, "Thu 31 Dec 2026"),
        ("12/31/2026", True, "Thu 31 Dec 2026"),
        ("5/5/2026", True, "Tue 5 May 2026"),  # same either way: nothing to warn about
        (
            "03/04/2026",
            True,
            "Fri 3 Apr 2026 (read day-first; month-first would be Wed 4 Mar 2026)",
        ),
        (
            "03/04/2026",
            False,
            "Wed 4 Mar 2026 (read month-first; day-first would be Fri 3 Apr 2026)",
        ),
        (
            "12/03/2026",
            True,
            "Thu 12 Mar 2026 (read day-first; month-first would be Thu 3 Dec 2026)",
        ),
        ("3/12", True, "Thu 3 Dec 2026 (read day-first; month-first would be Thu 12 Mar 2026)"),
    ],
)
def test_describe_parse_spells_the_date_out(text: str, dayfirst: bool, shown: str) -> None:
    assert describe_parse(text, TODAY, dayfirst) == shown


def test_describe_parse_refuses_like_parse() -> None:
    with pytest.raises(DateInputError, match="is just a number"):
        describe_parse("12", TODAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", None), ("   ", None), ("2026-12-03", date(2026, 12, 3)), ("+1d", date(2026, 11, 21))],
)
def test_parse_date_or_none(text: str, expected: date | None) -> None:
    assert parse_date_or_none(text, TODAY) == expected


def test_parse_date_or_none_still_refuses_nonsense() -> None:
    with pytest.raises(DateInputError):
        parse_date_or_none("soon", TODAY)


def test_format_date_is_iso() -> None:
    assert format_date(date(2026, 1, 5)) == "2026-01-05"


@given(in_range_dates)
def test_iso_round_trip(d: date) -> None:
    assert parse_date_input(format_date(d), TODAY) == d
    assert parse_date_input(format_date(d), TODAY, dayfirst=False) == d


@given(in_range_dates)
def test_described_dates_read_back(d: date) -> None:
    assert parse_date_input(describe_date(d), TODAY) == d


@given(in_range_dates, st.booleans())
def test_numbers_follow_the_dayfirst_setting(d: date, dayfirst: bool) -> None:
    text = f"{d.day}/{d.month}/{d.year}" if dayfirst else f"{d.month}/{d.day}/{d.year}"
    assert parse_date_input(text, TODAY, dayfirst=dayfirst) == d


@given(offsets, in_range_dates)
def test_plus_n_days_is_today_plus_n(n: int, today: date) -> None:
    target = today + timedelta(days=n)
    if not EARLIEST_YEAR <= target.year <= LATEST_YEAR:
        with pytest.raises(DateInputError):
            parse_date_input(f"{n:+d}d", today)
        return
    assert parse_date_input(f"{n:+d}d", today) == target
    if n >= 0:
        assert parse_date_input(f"in {n} days", today) == target


@given(st.integers(min_value=0, max_value=500))
def test_weeks_are_seven_days(n: int) -> None:
    assert parse_date_input(f"+{n}w", TODAY) == TODAY + timedelta(weeks=n)
    assert parse_date_input(f"-{n}w", TODAY) == TODAY - timedelta(weeks=n)
