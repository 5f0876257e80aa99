"""Check-ins: every agreement's next review in one sorted list, and recording a review.

Pure functions over the domain model, shared by the check-ins screen, the review forms and the
``roomguard checkins`` command:

* :func:`build_checkins` turns ``(client, agreement)`` pairs into :class:`CheckinRow` rows,
  sorted overdue → due soon → later → not scheduled, earliest first within each group. A row
  gives every reason its agreement needs attention (:attr:`CheckinRow.attention`): what makes
  the review due, every party whose written consent is missing, outdated or revoked, and every
  open to-do.
* :func:`record_review` applies a review to an agreement: logs it, ends a party's involvement
  when that is the outcome, and sets the next review (the cadence's date unless overridden).
* :func:`reschedule` moves the scheduled review to another date.

Nothing here reads the clock: callers pass *today*.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from roomguard.core.cadence import (
    DEFAULT_SOON_DAYS,
    CadenceError,
    DueState,
    review_due,
    schedule_after_review,
)
from roomguard.core.consent import ConsentState, party_consents
from roomguard.core.dates import describe_date
from roomguard.core.models import (
    Agreement,
    Client,
    ClientStatus,
    Participant,
    Review,
    ReviewOutcome,
    Role,
)
from roomguard.core.todos import describe_todo, open_todos

STATE_ORDER: dict[DueState, int] = {
    DueState.OVERDUE: 0,
    DueState.DUE_SOON: 1,
    DueState.LATER: 2,
    DueState.NOT_SCHEDULED: 3,
}


class ReviewError(ValueError):
    """A review or new date that can't be recorded; ``str(error)`` is meant for the user."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field  # which form field the message belongs under ("" = the form)


@dataclass(frozen=True, slots=True)
class Party:
    """A third party in a check-in row: the people a review is mostly about."""

    name: str
    role: Role


@dataclass(frozen=True, slots=True)
class OpenTodo:
    """An open to-do in a check-in row."""

    id: str
    text: str
    created_at: datetime
    participant_id: str | None = None
    session_id: str | None = None


@dataclass(frozen=True, slots=True)
class CheckinRow:
    """One agreement's next review, ready for a table row, a JSON object or a calendar event.

    *reasons*: what makes the review due, earliest first (what a calendar event says).
    *consent_gaps*: each active party whose written consent is missing, outdated or revoked.
    *todos*: the open to-dos. :attr:`to_settle` is the first two (what a calendar event may
    say); :attr:`attention` all three: every reason the agreement needs attention. A to-do can
    name a private topic, so it stays out of the calendar file, which may be synced off this
    machine.
    """

    client_id: str
    client_name: str
    agreement_id: str
    parties: tuple[Party, ...]
    last_review: date | None
    last_outcome: ReviewOutcome | None
    cadence: str
    due_on: date | None
    state: DueState
    reasons: tuple[str, ...] = field(default=())
    consent_gaps: tuple[str, ...] = field(default=())
    todos: tuple[OpenTodo, ...] = field(default=())

    @property
    def to_settle(self) -> tuple[str, ...]:
        """What makes the review due, then the consent gaps: names no private topic."""
        return (*self.reasons, *self.consent_gaps)

    @property
    def attention(self) -> tuple[str, ...]:
        """Every reason the agreement needs attention: :attr:`to_settle`, then each open
        to-do (``to-do: … (since 2026-11-18)``)."""
        return (*self.to_settle, *(f"to-do: {describe_todo(t)}" for t in self.todos))

    def days_until(self, today: date) -> int | None:
        return None if self.due_on is None else (self.due_on - today).days

    def when(self, today: date) -> str:
        """``overdue by 9 days``, ``today``, ``in 5 days``, ``not scheduled``."""
        days = self.days_until(today)
        if days is None:
            return "not scheduled"
        if days == 0:
            return "today"
        if days == 1:
            return "tomorrow"
        if days == -1:
            return "overdue by 1 day"
        if days < 0:
            return f"overdue by {-days} days"
        return f"in {days} days"


def _sort_key(row: CheckinRow) -> tuple[int, date, str, str]:
    return (
        STATE_ORDER[row.state],
        row.due_on or date.max,
        row.client_name.casefold(),
        row.agreement_id,
    )


# An expired consent is already a reason to review (its expiry date is a trigger).
_CONSENT_GAPS = (ConsentState.MISSING, ConsentState.OUTDATED, ConsentState.REVOKED)


def consent_gaps(agreement: Agreement, today: date) -> list[str]:
    """``Elena Ruiz: consented to v1 on …; terms are now v2, must consent again``: one line per
    active party whose written consent is missing, to an older version, or revoked (a
    revocation's note is left out: it is free text, and these lines go in calendar files)."""
    lines = []
    for row in party_consents(agreement, today):
        if row.state not in _CONSENT_GAPS:
            continue
        detail = row.detail
        if row.state is ConsentState.REVOKED and row.record is not None:
            detail = f"consent revoked {(row.record.revoked_on or row.record.signed_on).isoformat()}"
        lines.append(f"{row.participant.name}: {detail}")
    return lines


def checkin_row(
    client: Client, agreement: Agreement, today: date, soon_days: int = DEFAULT_SOON_DAYS
) -> CheckinRow:
    due = review_due(agreement, today, soon_days)
    todos = tuple(
        OpenTodo(t.id, t.text, t.created_at, t.participant_id, t.session_id)
        for t in open_todos(agreement)
    )
    last = agreement.last_review()
    parties = tuple(
        Party(p.name, p.role)
        for p in agreement.active_participants(today)
        if p.role.is_third_party
    )
    return CheckinRow(
        client_id=client.id,
        client_name=client.name,
        agreement_id=agreement.id,
        parties=parties,
        last_review=None if last is None else last.reviewed_on,
        last_outcome=None if last is None else last.outcome,
        cadence=agreement.cadence.describe(),
        due_on=due.due_on,
        state=due.state,
        reasons=tuple(due.reasons),
        consent_gaps=tuple(consent_gaps(agreement, today)),
        todos=todos,
    )


def build_checkins(
    pairs: Iterable[tuple[Client, Agreement]],
    today: date,
    soon_days: int = DEFAULT_SOON_DAYS,
    *,
    include_closed: bool = False,
) -> list[CheckinRow]:
    """Every agreement's next review, sorted overdue → due soon → later → not scheduled.

    Within a group the earliest due date comes first, then the client's name. Closed clients
    are left out unless *include_closed*: their agreements no longer bind anyone.
    """
    rows = [
        checkin_row(client, agreement, today, soon_days)
        for client, agreement in pairs
        if include_closed or client.status is not ClientStatus.CLOSED
    ]
    return sorted(rows, key=_sort_key)


def due_within(rows: Iterable[CheckinRow], today: date, days: int) -> list[CheckinRow]:
    """Rows due on or before ``today + days`` (overdue ones included), order kept."""
    if days < 0:
        raise ValueError(f"days must be 0 or more, not {days}")
    limit = today + timedelta(days=days)
    return [row for row in rows if row.due_on is not None and row.due_on <= limit]


def count_due(rows: Iterable[CheckinRow]) -> tuple[int, int]:
    """``(overdue, due soon)`` counts, as the home screen shows them."""
    overdue = due_soon = 0
    for row in rows:
        if row.state is DueState.OVERDUE:
            overdue += 1
        elif row.state is DueState.DUE_SOON:
            due_soon += 1
    return overdue, due_soon


# --- recording --------------------------------------------------------------------------------


def suggested_next_review(agreement: Agreement, reviewed_on: date) -> date:
    """The cadence's next date after a review on *reviewed_on* (raises :class:`CadenceError`)."""
    return schedule_after_review(agreement, reviewed_on)


def endable_parties(agreement: Agreement, on: date) -> list[Participant]:
    """Parties whose involvement a review can end: active third parties (not client or coach)."""
    return [p for p in agreement.active_participants(on) if p.role.is_third_party]


def next_review_problem(next_review: date, after: date) -> str | None:
    """Why *next_review* can't follow a review (or reschedule) on *after*, or None."""
    if next_review <= after:
        return (
            f"The next review must be after {describe_date(after)}; "
            f"{describe_date(next_review)} is not."
        )
    return None


def record_review(
    agreement: Agreement,
    reviewed_on: date,
    outcome: ReviewOutcome,
    participant_ids: Iterable[str] = (),
    notes: str = "",
    *,
    ended_participant_id: str | None = None,
    next_review: date | None = None,
) -> Review:
    """Log a review held on *reviewed_on* and set the agreement's next review.

    * ``END_PARTY`` needs *ended_participant_id*, an active third party; their
      ``ended_on`` becomes *reviewed_on* (they are no longer active from that day).
    * *next_review* overrides the cadence's date; either way it must fall after
      *reviewed_on*.

    Everything is checked before anything changes: on :class:`ReviewError` (bad input) or
    :class:`CadenceError` (the cadence can't give a date and none was given) the agreement
    is untouched. Returns the logged :class:`Review`.
    """
    outcome = ReviewOutcome(outcome)
    took_part = list(dict.fromkeys(participant_ids))
    unknown = [pid for pid in took_part if agreement.participant(pid) is None]
    if unknown:
        raise ReviewError(f"Unknown participant id(s): {', '.join(unknown)}.", "participants")

    ended: Participant | None = None
    if outcome is ReviewOutcome.END_PARTY:
        if not ended_participant_id:
            raise ReviewError("Choose whose involvement ends.", "party")
        ended = agreement.participant(ended_participant_id)
        if ended is None:
            raise ReviewError("That party is not on this agreement.", "party")
        if not ended.role.is_third_party:
            raise ReviewError(
                f"The {ended.role.label}'s involvement can't be ended at a review; "
                "close the client instead.",
                "party",
            )
        if not ended.is_active(reviewed_on):
            raise ReviewError(f"{ended.name}'s involvement has already ended.", "party")
    elif ended_participant_id is not None:
        raise ReviewError(f"Only the outcome {ReviewOutcome.END_PARTY.value!r} ends a party.")

    if next_review is None:
        try:
            next_review = suggested_next_review(agreement, reviewed_on)
        except CadenceError as exc:
            raise ReviewError(
                f"The cadence gives no next date ({exc}); enter one.", "next_review"
            ) from exc
    problem = next_review_problem(next_review, reviewed_on)
    if problem is not None:
        raise ReviewError(problem, "next_review")

    review = Review(
        reviewed_on=reviewed_on,
        outcome=outcome,
        next_review=next_review,
        participant_ids=took_part,
        notes=notes,
        ended_participant_id=None if ended is None else ended.id,
    )
    if ended is not None:
        ended.ended_on = reviewed_on
    agreement.reviews.append(review)
    agreement.next_review = next_review
    return review


def reschedule(agreement: Agreement, new_date: date, today: date) -> date | None:
    """Move the scheduled review to *new_date* (today or later). Returns the old date."""
    if new_date < today:
        raise ReviewError(
            f"Pick today or a later date; {describe_date(new_date)} has passed.", "next_review"
        )
    old = agreement.next_review
    agreement.next_review = new_date
    return old
