"""To-dos: what the coach still owes on an agreement, and marking it done.

Two kinds are made for the coach: written consent after a verbal "yes" in a session
(:func:`~roomguard.core.consent.verbal_consent_todos`), and consent to a new version of the
terms (:func:`reconsent_todos`, when the terms change and someone's consent no longer covers
them). A to-do stays open until the coach marks it done (:func:`mark_done`); a re-consent
to-do is also done by itself once that consent is on file (:func:`settle_consent_todos`).
Nothing here reads the clock: callers pass *now* and *today*.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from roomguard.core.consent import ConsentState, consent_state
from roomguard.core.instants import instant
from roomguard.core.models import Agreement, Todo


class TodoError(ValueError):
    """A to-do that cannot be marked done; ``str(error)`` is meant for the coach."""


def open_todos(agreement: Agreement) -> list[Todo]:
    """The to-dos not yet done, oldest first (in real time: a store's older to-dos carry naive
    times, newer ones aware ones, and the two do not compare directly)."""
    return sorted((t for t in agreement.todos if t.done_at is None),
                  key=lambda t: instant(t.created_at))


class DatedText(Protocol):
    """A to-do as it is described: its text and when it was made."""

    @property
    def text(self) -> str: ...

    @property
    def created_at(self) -> datetime: ...


def describe_todo(todo: DatedText) -> str:
    """``Record written consent from Tom … (since 2026-11-18)``: the to-do and its age."""
    return f"{todo.text} (since {todo.created_at:%Y-%m-%d})"


def mark_done(agreement: Agreement, todo_id: str, now: datetime) -> Todo:
    """Mark the to-do *todo_id* done at *now*; refuses an unknown or already done one."""
    todo = next((t for t in agreement.todos if t.id == todo_id), None)
    if todo is None:
        raise TodoError("That to-do is no longer on this agreement.")
    if todo.done_at is not None:
        raise TodoError(f"That to-do was already done on {todo.done_at:%Y-%m-%d}.")
    todo.done_at = now
    return todo


def reconsent_todos(agreement: Agreement, today: date, now: datetime) -> list[Todo]:
    """A to-do for each active party whose consent is to an older version of the terms
    (``OUTDATED``) and who has no open to-do for this version yet. Returned, not added."""
    version = agreement.terms.version
    owed = {
        t.participant_id
        for t in open_todos(agreement)
        if t.terms_version == version and t.participant_id is not None
    }
    return [
        Todo(
            f"Get written consent from {person.name} to version {version} of the terms "
            f"(the terms changed on {now:%Y-%m-%d})",
            now,
            participant_id=person.id,
            terms_version=version,
        )
        for person in agreement.active_participants(today)
        if person.id not in owed
        and consent_state(agreement, person.id, today) is ConsentState.OUTDATED
    ]


def settle_consent_todos(agreement: Agreement, today: date, now: datetime) -> list[Todo]:
    """Mark done, at *now*, every open re-consent to-do whose party now has valid consent to
    the current terms (the version it asked for, or a later one). Returns those marked."""
    settled = []
    for todo in open_todos(agreement):
        if todo.terms_version is None or todo.participant_id is None:
            continue
        if todo.terms_version > agreement.terms.version:
            continue
        if consent_state(agreement, todo.participant_id, today).is_valid:
            todo.done_at = now
            settled.append(todo)
    return settled
