"""One way to build an agreement in tests, instead of one per test module.

Tests used to spell ``Agreement(client_id=..., participants=[...], terms=Terms(...),
consents=[ConsentRecord(...) for ...])`` out by hand, each a little differently, and most left
``Terms.created_at`` to the real clock. :func:`build_agreement` takes what a test is about (who
the parties are, which topics are private, what else differs) and fixes the rest, so each test
reads as its point, its dates do not move with the day it runs, and a change to the models is
made here once. :func:`signed` is the common "these parties signed" list of consents.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from roomguard.core.models import (
    DEFAULT_SHAREABLE,
    Agreement,
    ConsentMethod,
    ConsentRecord,
    Participant,
    PrivateTopic,
    ScopeExtension,
    Terms,
)

AGREED_AT = datetime(2026, 1, 10, 9, 0)  # when a built agreement's terms were set, unless told


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
    ``next_review``, ``reviews``, ``muted_phrases``, ``todos``, ``id``...) passes through as is.
    """
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
