"""Written consent: is each party's signature on file, current, and still in force?

Rules, all judged on a given ``today``:

* Only records for the **current** terms version count towards consent. A party whose only
  records are for older versions is ``OUTDATED``: they must consent again.
* A record signed after ``today`` does not count yet (it was entered ahead of time).
* A revocation (``revoked_on <= today``) withdraws its own record and every record of the same
  terms version signed *before* the revocation date. A record signed on or after that date
  (the party consented again) is unaffected.
* Of the records left, the one that runs longest decides. ``expires_on < today`` is
  ``EXPIRED``; expiring today is still in force. Expiring within ``soon_days`` (inclusive) is
  ``EXPIRING_SOON``, which still counts as valid.

Terms versioning lives here too, because it is what makes consent go out of date.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from roomguard.core.models import Agreement, ConsentRecord, Participant, Role, Terms, Todo

DEFAULT_SOON_DAYS = 30


class ConsentState(StrEnum):
    MISSING = "missing"
    VALID = "valid"
    EXPIRING_SOON = "expiring soon"
    EXPIRED = "expired"
    REVOKED = "revoked"
    OUTDATED = "outdated"  # consented only to an older version of the terms

    @property
    def is_valid(self) -> bool:
        return self in (ConsentState.VALID, ConsentState.EXPIRING_SOON)


@dataclass(frozen=True, slots=True)
class ConsentAssessment:
    """The state of one party's consent and the record that decided it (if any)."""

    state: ConsentState
    record: ConsentRecord | None


def _withdrawn(record: ConsentRecord, revocations: Iterable[date], today: date) -> bool:
    """Revoked itself, or signed before one of the *revocations* (dates already in effect)."""
    if record.revoked_on is not None and record.revoked_on <= today:
        return True
    return any(record.signed_on < revoked_on for revoked_on in revocations)


def _revocations(records: Iterable[ConsentRecord], today: date) -> list[date]:
    return [r.revoked_on for r in records if r.revoked_on is not None and r.revoked_on <= today]


def _longest_running(records: list[ConsentRecord]) -> ConsentRecord:
    """The record that stays in force longest; ties go to the most recently signed."""
    return max(records, key=lambda r: (r.expires_on or date.max, r.signed_on))


def _latest_signed(records: list[ConsentRecord]) -> ConsentRecord:
    return max(records, key=lambda r: r.signed_on)


def assess_consent(
    agreement: Agreement,
    participant_id: str,
    today: date,
    soon_days: int = DEFAULT_SOON_DAYS,
) -> ConsentAssessment:
    """The consent state of one party and the record it rests on. See the module rules."""
    signed = [
        r for r in agreement.consents if r.participant_id == participant_id and r.signed_on <= today
    ]
    version = agreement.terms.version
    current = [r for r in signed if r.terms_version == version]
    if current:
        revocations = _revocations(current, today)
        standing = [r for r in current if not _withdrawn(r, revocations, today)]
        if not standing:
            revoked = [r for r in current if r.revoked_on is not None and r.revoked_on <= today]
            return ConsentAssessment(
                ConsentState.REVOKED, max(revoked, key=lambda r: (r.revoked_on, r.signed_on))
            )
        best = _longest_running(standing)
        if best.expires_on is not None:
            if best.expires_on < today:
                return ConsentAssessment(ConsentState.EXPIRED, best)
            if (best.expires_on - today).days <= soon_days:
                return ConsentAssessment(ConsentState.EXPIRING_SOON, best)
        return ConsentAssessment(ConsentState.VALID, best)

    older = [r for r in signed if r.terms_version < version]
    if not older:
        return ConsentAssessment(ConsentState.MISSING, None)
    revocations = _revocations(older, today)
    standing = [r for r in older if not _withdrawn(r, revocations, today)]
    if not standing:
        # They withdrew consent before the terms changed: nothing to "renew".
        return ConsentAssessment(ConsentState.REVOKED, _latest_signed(older))
    return ConsentAssessment(ConsentState.OUTDATED, _latest_signed(standing))


def consent_state(
    agreement: Agreement,
    participant_id: str,
    today: date,
    soon_days: int = DEFAULT_SOON_DAYS,
) -> ConsentState:
    return assess_consent(agreement, participant_id, today, soon_days).state


def has_valid_consent(
    agreement: Agreement,
    participant_id: str,
    today: date,
    soon_days: int = DEFAULT_SOON_DAYS,
) -> bool:
    """Written consent to the current terms is in force today (``VALID`` or ``EXPIRING_SOON``)."""
    return consent_state(agreement, participant_id, today, soon_days).is_valid


def describe_consent(assessment: ConsentAssessment, today: date, current_version: int) -> str:
    """One line for a person: what is on file and what it means today."""
    record = assessment.record
    match assessment.state:
        case ConsentState.MISSING:
            return "no written consent on file"
        case ConsentState.OUTDATED:
            assert record is not None
            return (
                f"consented to v{record.terms_version} on {record.signed_on.isoformat()}; "
                f"terms are now v{current_version}, must consent again"
            )
        case ConsentState.REVOKED:
            assert record is not None
            when = record.revoked_on or record.signed_on
            note = f" ({record.revocation_note})" if record.revocation_note else ""
            return f"consent revoked {when.isoformat()}{note}"
        case ConsentState.EXPIRED:
            assert record is not None and record.expires_on is not None
            return f"consent expired {record.expires_on.isoformat()}"
        case ConsentState.EXPIRING_SOON:
            assert record is not None and record.expires_on is not None
            days = (record.expires_on - today).days
            left = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
            return (
                f"signed {record.signed_on.isoformat()} ({record.method.value}); "
                f"expires {record.expires_on.isoformat()}, {left}"
            )
        case ConsentState.VALID:
            assert record is not None
            until = (
                f", until {record.expires_on.isoformat()}" if record.expires_on is not None else ""
            )
            return f"signed {record.signed_on.isoformat()} ({record.method.value}){until}"
    raise AssertionError(assessment.state)  # pragma: no cover


@dataclass(slots=True)
class PartyConsent:
    """One active party's consent, ready for a checklist row."""

    participant: Participant
    state: ConsentState
    record: ConsentRecord | None
    detail: str


def party_consents(
    agreement: Agreement, today: date, soon_days: int = DEFAULT_SOON_DAYS
) -> list[PartyConsent]:
    """Consent of every party active today, in the agreement's order."""
    rows: list[PartyConsent] = []
    for participant in agreement.active_participants(today):
        assessment = assess_consent(agreement, participant.id, today, soon_days)
        detail = describe_consent(assessment, today, agreement.terms.version)
        rows.append(PartyConsent(participant, assessment.state, assessment.record, detail))
    return rows


def in_force(agreement: Agreement, today: date) -> bool:
    """The agreement binds today: it has an active client party, and every active party
    (client and coach included) has valid written consent to the current terms."""
    rows = party_consents(agreement, today)
    has_client = any(row.participant.role is Role.CLIENT for row in rows)
    return has_client and all(row.state.is_valid for row in rows)


def must_reconsent(agreement: Agreement, today: date) -> list[Participant]:
    """Active parties whose consent is for an older version of the terms (``OUTDATED``)."""
    return [
        row.participant
        for row in party_consents(agreement, today)
        if row.state is ConsentState.OUTDATED
    ]


def amend_terms(agreement: Agreement, new_terms: Terms, now: datetime) -> bool:
    """Install *new_terms* as the next version if any boundary changed.

    When the boundaries (topics, shareable categories, scopes) differ from the current terms,
    the current terms move to ``agreement.history``, a copy of *new_terms* becomes current with
    ``version = old + 1`` and ``created_at = now``, and the function returns True. Every party
    then needs to consent again. Otherwise nothing changes and it returns False.

    Build *new_terms* from a copy (``copy.deepcopy(agreement.terms)``), not by editing the
    current terms in place: an in-place edit leaves nothing to compare against.
    """
    current = agreement.terms
    if current.same_boundaries(new_terms):
        return False
    installed = replace(copy.deepcopy(new_terms), version=current.version + 1, created_at=now)
    agreement.history.append(current)
    agreement.terms = installed
    return True


def verbal_consent_todos(
    agreement: Agreement,
    people: Iterable[Participant],
    topic_name: str,
    now: datetime,
    session_id: str | None,
) -> list[Todo]:
    """What the coach owes after *people* consented aloud, in a session, to hear *topic_name*.

    A verbal "yes" clears them for the rest of that session only; good practice wants it in
    writing. A party on the agreement owes a written consent; a guest must first be added to
    the agreement. Each to-do says when the verbal consent was given, so it can be traced to
    the session.
    """
    when = f"{now:%Y-%m-%d %H:%M}"
    todos: list[Todo] = []
    for person in people:
        on_agreement = agreement.participant(person.id) is not None
        if on_agreement:
            text = (f"Record written consent from {person.name} for {topic_name} "
                    f"(given verbally in the session of {when})")
        else:
            text = (f"Add {person.name} (a guest) to the agreement and record their written "
                    f"consent for {topic_name} (given verbally in the session of {when})")
        todos.append(Todo(text, now, participant_id=person.id if on_agreement else None,
                          session_id=session_id))
    return todos
