"""Retention and disposal: when a closed client's records are due to go, and when the last copy is gone.

Professional codes ask coaches to keep records for a set time after the work ends and then to
dispose of them securely. A closed client's records are *due for disposal* once the retention
period (in calendar years, counted from the day the client was closed) has passed. A period of
``0`` turns the check off.

Deleting a client purges the live store at once, but rolling backups taken before the deletion
still hold the client until rotation removes them; :func:`last_copy_gone` says when that is.

Pure functions: no I/O, no Textual, no store.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from roomguard.core.models import Client, ClientStatus

RETENTION_SETTING = "retention_years"
DEFAULT_RETENTION_YEARS = 7
MAX_RETENTION_YEARS = 50


def retention_years(setting: object) -> int:
    """The stored setting as a usable number of years; anything unusable means the default."""
    if isinstance(setting, bool) or not isinstance(setting, int):
        return DEFAULT_RETENTION_YEARS
    if not 0 <= setting <= MAX_RETENTION_YEARS:
        return DEFAULT_RETENTION_YEARS
    return setting


def parse_retention_years(text: str) -> int:
    """What the coach typed as a retention period. Raises ``ValueError`` with a message to show."""
    cleaned = text.strip()
    if not cleaned:
        raise ValueError(
            f"Enter a number of years from 0 to {MAX_RETENTION_YEARS} (0 turns the check off)."
        )
    try:
        years = int(cleaned, 10)
    except ValueError:
        raise ValueError(
            f"{cleaned!r} is not a whole number of years: enter 0 to {MAX_RETENTION_YEARS}."
        ) from None
    if not 0 <= years <= MAX_RETENTION_YEARS:
        raise ValueError(
            f"The retention period must be 0 to {MAX_RETENTION_YEARS} years (0 turns it off)."
        )
    return years


def describe_retention(years: int) -> str:
    if years <= 0:
        return "off"
    return f"{years} year{'s' if years != 1 else ''}"


def disposal_due_on(client: Client, retention_years: int) -> date | None:
    """The day a closed client's records become due for disposal, or None.

    None when the client is active, has no closing date, or the check is off (``0`` years).
    Years are calendar years: closed on 29 Feb 2024 + 1 year is due on 28 Feb 2025.
    """
    if retention_years <= 0 or client.status is not ClientStatus.CLOSED or client.closed_on is None:
        return None
    from dateutil.relativedelta import relativedelta  # imported on use: not before first paint

    return client.closed_on + relativedelta(years=retention_years)


def is_due_for_disposal(client: Client, today: date, retention_years: int) -> bool:
    due = disposal_due_on(client, retention_years)
    return due is not None and due <= today


def due_for_disposal(clients: Iterable[Client], today: date, years: int) -> list[Client]:
    """Closed clients whose retention period has run out by *today*, longest overdue first."""
    due = [(disposal_due_on(c, years), c) for c in clients]
    hits = [(on, c) for on, c in due if on is not None and on <= today]
    hits.sort(key=lambda pair: (pair[0], pair[1].name.casefold()))
    return [c for _, c in hits]


def last_copy_gone(backups_before: Iterable[datetime], keep_days: int) -> date | None:
    """The first day on which backup rotation is sure to have removed every older backup.

    *backups_before* are the creation times of the backups that existed before a deletion (so
    still hold the deleted records); a newer backup taken right after the deletion becomes the
    one rotation always keeps. Rotation deletes a backup once it is *more than* ``keep_days``
    old, and it runs whenever a backup is taken (at least once on each day Roomguard is
    opened), so the newest old backup is gone at the first backup taken on or after the day
    following ``created + keep_days``. None when there were no backups: the live store was the
    only copy.
    """
    newest = max(backups_before, default=None)
    if newest is None:
        return None
    return (newest + timedelta(days=keep_days)).date() + timedelta(days=1)
