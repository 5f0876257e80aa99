"""Retention: when closed clients' records are due for disposal, and when the last backup copy goes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roomguard.core.models import Client, ClientStatus
from roomguard.core.retention import (
    DEFAULT_RETENTION_YEARS,
    MAX_RETENTION_YEARS,
    describe_retention,
    disposal_due_on,
    due_for_disposal,
    is_due_for_disposal,
    last_copy_gone,
    parse_retention_years,
    retention_years,
)
from tests.builders import build_client

TODAY = date(2026, 11, 25)


def closed(name: str, on: date | None) -> Client:
    return build_client(name, status=ClientStatus.CLOSED, closed_on=on)


class TestDisposalDueOn:
    def test_closed_client_is_due_years_after_closing(self) -> None:
        assert disposal_due_on(closed("A", date(2019, 3, 1)), 7) == date(2026, 3, 1)

    def test_calendar_years_from_a_leap_day(self) -> None:
        assert disposal_due_on(closed("A", date(2024, 2, 29)), 1) == date(2025, 2, 28)

    @pytest.mark.parametrize(
        "client",
        [build_client("Active"), closed("No closing date", None),
         build_client("Active with stale date", closed_on=date(2000, 1, 1))],
    )
    def test_only_closed_clients_with_a_closing_date(self, client: Client) -> None:
        assert disposal_due_on(client, 7) is None

    def test_zero_years_turns_the_check_off(self) -> None:
        assert disposal_due_on(closed("A", date(1990, 1, 1)), 0) is None


class TestDueForDisposal:
    def test_due_on_the_day_itself_not_the_day_before(self) -> None:
        client = closed("A", date(2019, 11, 25))
        assert is_due_for_disposal(client, TODAY, 7)
        assert not is_due_for_disposal(client, TODAY - timedelta(days=1), 7)

    def test_lists_only_due_clients_longest_overdue_first(self) -> None:
        old = closed("Old", date(2010, 5, 1))
        older = closed("Older", date(2005, 5, 1))
        recent = closed("Recent", date(2024, 1, 1))
        active = Client("Active", created_on=date(2001, 1, 1))
        assert due_for_disposal([old, recent, active, older], TODAY, 7) == [older, old]
        assert due_for_disposal([old, older], TODAY, 0) == []

    @given(
        closed_on=st.dates(date(1950, 1, 1), date(2100, 12, 31)),
        years=st.integers(1, MAX_RETENTION_YEARS),
        later=st.integers(0, 4000),
    )
    def test_due_date_is_years_later_and_stays_due(self, closed_on: date, years: int, later: int) -> None:
        client = closed("A", closed_on)
        due_on = disposal_due_on(client, years)
        assert due_on is not None
        assert 365 * years <= (due_on - closed_on).days <= 366 * years
        assert due_for_disposal([client], due_on - timedelta(days=1), years) == []
        assert due_for_disposal([client], due_on + timedelta(days=later), years) == [client]


class TestSetting:
    @pytest.mark.parametrize("stored", [None, "7", 7.0, True, -1, 51, [3]])
    def test_unusable_values_mean_the_default(self, stored: object) -> None:
        assert retention_years(stored) == DEFAULT_RETENTION_YEARS

    @pytest.mark.parametrize("stored", [0, 1, 10, 50])
    def test_usable_values_kept(self, stored: int) -> None:
        assert retention_years(stored) == stored

    @pytest.mark.parametrize(("text", "years"), [("7", 7), (" 0 ", 0), ("50", 50), ("012", 12)])
    def test_parse_accepts_whole_years(self, text: str, years: int) -> None:
        assert parse_retention_years(text) == years

    @pytest.mark.parametrize(
        ("text", "message"),
        [("", "Enter a number"), ("abc", "not a whole number"), ("2.5", "not a whole number"),
         ("-1", "0 to 50"), ("51", "0 to 50")],
    )
    def test_parse_refuses_with_a_message(self, text: str, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            parse_retention_years(text)

    def test_describe(self) -> None:
        assert [describe_retention(n) for n in (0, 1, 7)] == ["off", "1 year", "7 years"]


class TestLastCopyGone:
    def test_no_backups_means_no_other_copy(self) -> None:
        assert last_copy_gone([], 7) is None

    def test_counts_from_the_newest_older_backup(self) -> None:
        times = [datetime(2026, 11, 20, 9, 0), datetime(2026, 11, 25, 10, 0),
                 datetime(2026, 11, 18, 23, 0)]
        # 25 Nov 10:00 + 7 days = 2 Dec 10:00; a backup on 2 Dec before 10:00 keeps it,
        # any backup on 3 Dec removes it.
        assert last_copy_gone(times, 7) == date(2026, 12, 3)

    @given(
        created=st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1)),
        keep=st.integers(0, 60),
    )
    def test_any_rotation_on_that_day_removes_the_backup(self, created: datetime, keep: int) -> None:
        gone = last_copy_gone([created], keep)
        assert gone is not None
        start_of_day = datetime.combine(gone, datetime.min.time())
        # rotate() deletes when now - created > keep days: true from the first moment of *gone*
        assert start_of_day - created > timedelta(days=keep)
        # and not guaranteed a day earlier
        assert start_of_day - timedelta(days=1) - created <= timedelta(days=keep)
