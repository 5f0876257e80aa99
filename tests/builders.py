"""One way to build an agreement in tests, instead of one per test module.

Tests used to spell ``Agreement(client_id=..., participants=[...], terms=Terms(...),
consents=[ConsentRecord(...) for ...])`` out by hand, each a little differently, and most left
``Terms.created_at`` to the real clock. :func:`build_agreement` takes what a test is about (who
the parties are, which topics are private, what else differs) and fixes the rest, so each test
reads as its point, its dates do not move with the day it runs, and a change to the models is
made here once. :func:`signed` is the common "these parties signed" list of consents.

The models take every date they record from their caller (core never reads the clock), so a
client, a party, a scope and a set of terms each need one. :func:`build_client`,
:func:`build_party`, :func:`build_scope` and :func:`build_terms` give them :data:`AGREED_ON`
(or :data:`AGREED_AT`) unless the test says otherwise, so a test spells a date only where the
date is its point.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from roomguard.core.models import (
    DEFAULT_SHAREABLE,
    Agreement,
    Client,
    ConsentMethod,
    ConsentRecord,
    Participant,
    PrivateTopic,
    Role,
    ScopeExtension,
    Terms,
)

AGREED_AT = datetime(2026, 1, 10, 9, 0)  # when a built agreement's terms were set, unless told
AGREED_ON = AGREED_AT.date()  # when a built client, party or scope began, unless told


def build_client(name: str, **fields: Any) -> Client:
    """Client *name*, created on :data:`AGREED_ON` unless ``created_on`` says otherwise; every
    other field of :class:`Client` (``id``, ``status``, ``notes``...) passes through."""
    fields.setdefault("created_on", AGREED_ON)
    return Client(name, **fields)


def build_party(name: str, role: Role = Role.CLIENT, **fields: Any) -> Participant:
    """Party *name* in *role*, added on :data:`AGREED_ON` unless ``added_on`` says otherwise;
    ``id``, ``aliases``, ``contact``, ``ended_on`` pass through."""
    fields.setdefault("added_on", AGREED_ON)
    return Participant(name, role, **fields)


def build_scope(
    participant_id: str, topic_ids: Iterable[str], reason: str = "agreed at intake", **fields: Any
) -> ScopeExtension:
    """A scope extension for *participant_id* over *topic_ids*, starting on :data:`AGREED_ON`
    unless ``starts_on`` says otherwise; ``ends_on`` and ``id`` pass through."""
    fields.setdefault("starts_on", AGREED_ON)
    return ScopeExtension(participant_id, list(topic_ids), reason, **fields)


def build_terms(**fields: Any) -> Terms:
    """Terms set at :data:`AGREED_AT` unless ``created_at`` says otherwise; every other field of
    :class:`Terms` (``version``, ``topics``, ``shareable``, ``scopes``) passes through."""
    fields.setdefault("created_at", AGREED_AT)
    return Terms(**fields)


def build_agreement(
    *parties: Participant,
    client_id: str = "client",
    topics: Iterable[PrivateTopic] = (),
    scopes: Iterable[ScopeExtension] = (),
    shareable: Iterable[str] = DEFAULT_SHAREABLE,
    version: int = 1,
    created_at: datetime = AGREED_AT,
    **fields: Any,
) -> Agreement:
    """An agreement of *client_id* between *parties*, in this order, under version *version* of
    its terms (private *topics*, *scopes*, *shareable* categories, set at *created_at*).

    Every other field of :class:`Agreement` (``consents``, ``history``, ``cadence``,
    ``next_review``, ``reviews``, ``muted_phrases``, ``todos``, ``id``...) passes through as is;
    ``participants=[...]`` may stand for *parties*.
    """
    if "participants" in fields:
        parties = (*parties, *fields.pop("participants"))
    terms = Terms(
        version=version,
        created_at=created_at,
        topics=list(topics),
        shareable=list(shareable),
        scopes=list(scopes),
    )
    return Agreement(client_id=client_id, participants=list(parties), terms=terms, **fields)


def signed(
    *parties: Participant | str,
    on: date,
    version: int = 1,
    method: ConsentMethod = ConsentMethod.EMAIL,
    **fields: Any,
) -> list[ConsentRecord]:
    """Written consent from each of *parties* (or party ids) to terms *version*, signed *on*.

    Other :class:`ConsentRecord` fields (``document_ref``, ``expires_on``...) apply to each.
    """
    return [
        ConsentRecord(
            participant_id=party if isinstance(party, str) else party.id,
            terms_version=version,
            signed_on=on,
            method=method,
            **fields,
        )
        for party in parties
    ]
