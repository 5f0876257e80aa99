"""Checks for what the coach types, with a message per field.

Each ``validate_*`` function judges one record against its neighbours and returns
:class:`FieldError` items whose ``field`` is the record's attribute name (``name``,
``aliases``, ``signed_on``…), so a form can show each message under its field. An empty list
means the record is fine.

Names, aliases and phrases compare the way the session matches them
(:func:`roomguard.core.session.fold`: trimmed, casefolded, whitespace collapsed), so anything
that passes here is unambiguous when a transcript names a speaker.

:func:`validate_agreement` checks a whole agreement; its fields are paths such as
``participants[2].aliases`` and each clash is reported once, on the later of the two records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from roomguard.core.models import (
    Agreement,
    Client,
    ConsentRecord,
    Participant,
    PrivateTopic,
    Role,
    ScopeExtension,
)
from roomguard.core.text import fold


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str


def validate_client(client: Client, existing: Iterable[Client]) -> list[FieldError]:
    """Name required and not already used by another client."""
    name = fold(client.name)
    if not name:
        return [FieldError("name", "a client name is required")]
    for other in existing:
        if other.id != client.id and fold(other.name) == name:
            return [FieldError("name", f'there is already a client called "{other.name}"')]
    return []


def validate_participant(
    participant: Participant, others: Iterable[Participant]
) -> list[FieldError]:
    """Name required; no name or alias may also name someone else on the agreement."""
    errors: list[FieldError] = []
    other_people = [p for p in others if p.id != participant.id]
    owner: dict[str, Participant] = {}
    for person in other_people:
        for label in person.labels:
            owner.setdefault(fold(label), person)

    name = fold(participant.name)
    if not name:
        errors.append(FieldError("name", "a name is required"))
    elif name in owner:
        person = owner[name]
        if fold(person.name) == name:
            errors.append(FieldError("name", f'another party is already called "{person.name}"'))
        else:
            errors.append(
                FieldError("name", f'"{participant.name.strip()}" is an alias of {person.name}')
            )

    seen: set[str] = set()
    for alias in participant.aliases:
        key = fold(alias)
        if not key:
            errors.append(FieldError("aliases", "an alias cannot be blank"))
        elif key in owner:
            person = owner[key]
            errors.append(
                FieldError("aliases", f'alias "{alias.strip()}" is already used by {person.name}')
            )
        elif key in seen:
            errors.append(FieldError("aliases", f'alias "{alias.strip()}" is listed twice'))
        seen.add(key)
    return errors


def validate_topic(
    topic: PrivateTopic,
    others: Iterable[PrivateTopic],
    shareable: Iterable[str] = (),
) -> list[FieldError]:
    """Name required and unique; no phrase repeated, here or in another topic."""
    errors: list[FieldError] = []
    other_topics = [t for t in others if t.id != topic.id]
    name = fold(topic.name)
    if not name:
        errors.append(FieldError("name", "a topic name is required"))
    elif any(fold(t.name) == name for t in other_topics):
        errors.append(FieldError("name", f'there is already a topic called "{topic.name.strip()}"'))
    elif any(fold(s) == name for s in shareable):
        errors.append(
            FieldError("name", f'"{topic.name.strip()}" is a shareable category, not private')
        )

    phrase_owner: dict[str, PrivateTopic] = {}
    for other in other_topics:
        for phrase in other.phrases:
            phrase_owner.setdefault(fold(phrase), other)
    seen: set[str] = set()
    for phrase in topic.phrases:
        key = fold(phrase)
        if not key:
            errors.append(FieldError("phrases", "a phrase cannot be blank"))
        elif key in phrase_owner:
            errors.append(
                FieldError(
                    "phrases",
                    f'phrase "{phrase.strip()}" is already in topic {phrase_owner[key].name}',
                )
            )
        elif key in seen:
            errors.append(FieldError("phrases", f'phrase "{phrase.strip()}" is listed twice'))
        seen.add(key)
    return errors


def validate_consent(record: ConsentRecord, agreement: Agreement, today: date) -> list[FieldError]:
    """Signed by a party, to terms that exist, not in the future; expiry and revocation in order."""
    errors: list[FieldError] = []
    if agreement.participant(record.participant_id) is None:
        errors.append(FieldError("participant_id", "choose a party on this agreement"))
    if agreement.terms_version(record.terms_version) is None:
        errors.append(
            FieldError("terms_version", f"there is no version {record.terms_version} of the terms")
        )
    signed = record.signed_on
    if signed > today:
        errors.append(
            FieldError("signed_on", f"the signed date {signed.isoformat()} is in the future")
        )
    if record.expires_on is not None and record.expires_on <= signed:
        errors.append(
            FieldError(
                "expires_on",
                f"the expiry date must be after the signed date ({signed.isoformat()})",
            )
        )
    if record.revoked_on is not None and record.revoked_on < signed:
        errors.append(
            FieldError(
                "revoked_on",
                f"the revocation date cannot be before the signed date ({signed.isoformat()})",
            )
        )
    return errors


def validate_scope(scope: ScopeExtension, agreement: Agreement) -> list[FieldError]:
    """A third party on the agreement, at least one known topic, an end not before the start."""
    errors: list[FieldError] = []
    person = agreement.participant(scope.participant_id)
    if person is None:
        errors.append(FieldError("participant_id", "choose a party on this agreement"))
    elif not person.role.is_third_party or person.role is Role.GUEST:
        errors.append(
            FieldError(
                "participant_id",
                f"{person.name} is the {person.role.label}; "
                "a scope extension is only for a third party",
            )
        )
    if not scope.topic_ids:
        errors.append(FieldError("topic_ids", "choose at least one topic"))
    for topic_id in scope.topic_ids:
        if agreement.terms.topic(topic_id) is None:
            errors.append(FieldError("topic_ids", f"no private topic with id {topic_id!r}"))
    if scope.ends_on is not None and scope.ends_on < scope.starts_on:
        errors.append(
            FieldError(
                "ends_on",
                f"the end date cannot be before the start date ({scope.starts_on.isoformat()})",
            )
        )
    return errors


def _at(prefix: str, errors: list[FieldError]) -> list[FieldError]:
    return [FieldError(f"{prefix}.{e.field}", e.message) for e in errors]


def validate_agreement(agreement: Agreement, today: date) -> list[FieldError]:
    """Every party, topic, consent and scope of the current terms; each clash reported once."""
    errors: list[FieldError] = []
    people = agreement.participants
    for i, person in enumerate(people):
        errors += _at(f"participants[{i}]", validate_participant(person, people[:i]))
    topics = agreement.terms.topics
    for i, topic in enumerate(topics):
        found = validate_topic(topic, topics[:i], agreement.terms.shareable)
        errors += _at(f"topics[{i}]", found)
    for i, record in enumerate(agreement.consents):
        errors += _at(f"consents[{i}]", validate_consent(record, agreement, today))
    for i, scope in enumerate(agreement.terms.scopes):
        errors += _at(f"scopes[{i}]", validate_scope(scope, agreement))
    return errors
