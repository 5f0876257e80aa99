"""Validation: one precise message per problem, on the field that has it."""

from __future__ import annotations

from datetime import date

import pytest

from roomguard.core.models import (
    Agreement,
    ConsentMethod,
    ConsentRecord,
    PrivateTopic,
    Role,
    ScopeExtension,
)
from roomguard.core.validation import (
    FieldError,
    validate_agreement,
    validate_client,
    validate_consent,
    validate_participant,
    validate_scope,
    validate_topic,
)
from tests.builders import build_agreement, build_client, build_party, build_terms

TODAY = date(2026, 6, 1)


# -- clients -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Robin Leeds", []),
        ("", [FieldError("name", "a client name is required")]),
        ("   ", [FieldError("name", "a client name is required")]),
        ("robin  LEE ", [FieldError("name", 'there is already a client called "Robin Lee"')]),
    ],
)
def test_client_name(name: str, expected: list[FieldError]) -> None:
    existing = [build_client("Robin Lee", id="c1")]
    assert validate_client(build_client(name, id="c2"), existing) == expected


def test_client_may_keep_its_own_name() -> None:
    client = build_client("Robin Lee", id="c1")
    assert validate_client(client, [client]) == []


# -- participants ------------------------------------------------------------------------

MUM = build_party("Jo Smith", Role.SUPPORTER, id="mum", aliases=["Mum", "Jo"])
KIM = build_party("Kim", Role.ASSISTANT, id="kim")


@pytest.mark.parametrize(
    ("name", "aliases", "expected"),
    [
        pytest.param("Sam", ["Sammy"], [], id="fine"),
        pytest.param("", [], [FieldError("name", "a name is required")], id="no name"),
        pytest.param(
            " jo   SMITH",
            [],
            [FieldError("name", 'another party is already called "Jo Smith"')],
            id="duplicate name, folded",
        ),
        pytest.param(
            "MUM", [], [FieldError("name", '"MUM" is an alias of Jo Smith')], id="name is an alias"
        ),
        pytest.param(
            "Sam",
            ["kim"],
            [FieldError("aliases", 'alias "kim" is already used by Kim')],
            id="alias is someone's name",
        ),
        pytest.param(
            "Sam",
            [" mum "],
            [FieldError("aliases", 'alias "mum" is already used by Jo Smith')],
            id="alias used by two people",
        ),
        pytest.param(
            "Sam",
            ["Sammy", "sammy"],
            [FieldError("aliases", 'alias "sammy" is listed twice')],
            id="alias twice",
        ),
        pytest.param(
            "Sam", ["  "], [FieldError("aliases", "an alias cannot be blank")], id="blank alias"
        ),
    ],
)
def test_participant(name: str, aliases: list[str], expected: list[FieldError]) -> None:
    person = build_party(name, Role.OBSERVER, id="new", aliases=aliases)
    assert validate_participant(person, [MUM, KIM]) == expected


def test_participant_edited_in_place_does_not_clash_with_itself() -> None:
    assert validate_participant(MUM, [MUM, KIM]) == []


# -- topics ------------------------------------------------------------------------------

HEALTH = PrivateTopic("Health", ["doctor", "hospital"], id="health")


@pytest.mark.parametrize(
    ("name", "phrases", "expected"),
    [
        pytest.param("Money", ["debt", "loan"], [], id="fine"),
        pytest.param("", [], [FieldError("name", "a topic name is required")], id="no name"),
        pytest.param(
            " health ",
            [],
            [FieldError("name", 'there is already a topic called "health"')],
            id="duplicate name",
        ),
        pytest.param(
            "Scheduling",
            [],
            [FieldError("name", '"Scheduling" is a shareable category, not private')],
            id="shareable category",
        ),
        pytest.param(
            "Money",
            ["  Doctor "],
            [FieldError("phrases", 'phrase "Doctor" is already in topic Health')],
            id="phrase in another topic",
        ),
        pytest.param(
            "Money",
            ["credit card", "Credit   Card"],
            [FieldError("phrases", 'phrase "Credit   Card" is listed twice')],
            id="phrase twice, whitespace collapsed",
        ),
        pytest.param(
            "Money", ["debt", ""], [FieldError("phrases", "a phrase cannot be blank")], id="blank"
        ),
    ],
)
def test_topic(name: str, phrases: list[str], expected: list[FieldError]) -> None:
    topic = PrivateTopic(name, phrases, id="new")
    assert validate_topic(topic, [HEALTH], ["scheduling"]) == expected


# -- consent -----------------------------------------------------------------------------


def agreement() -> Agreement:
    return build_agreement(
        build_party("Robin", Role.CLIENT, id="robin"),
        build_party("Alex", Role.COACH, id="alex"),
        MUM,
        KIM,
        build_party("Visitor", Role.GUEST, id="visitor"),
        client_id="c1",
        version=2,
        topics=[HEALTH],
        history=[build_terms(version=1)],
    )


def consent(
    signed: date = date(2026, 5, 1),
    expires: date | None = None,
    revoked: date | None = None,
    pid: str = "mum",
    version: int = 2,
) -> ConsentRecord:
    return ConsentRecord(pid, version, signed, ConsentMethod.EMAIL, "", expires, revoked)


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        pytest.param(consent(), [], id="fine"),
        pytest.param(consent(signed=TODAY), [], id="signed today"),
        pytest.param(consent(version=1), [], id="older version"),
        pytest.param(
            consent(signed=date(2026, 6, 2)),
            [FieldError("signed_on", "the signed date 2026-06-02 is in the future")],
            id="signed tomorrow",
        ),
        pytest.param(
            consent(expires=date(2026, 5, 1)),
            [
                FieldError(
                    "expires_on", "the expiry date must be after the signed date (2026-05-01)"
                )
            ],
            id="expires the day it was signed",
        ),
        pytest.param(consent(expires=date(2026, 5, 2)), [], id="expires the next day"),
        pytest.param(
            consent(revoked=date(2026, 4, 30)),
            [
                FieldError(
                    "revoked_on",
                    "the revocation date cannot be before the signed date (2026-05-01)",
                )
            ],
            id="revoked before signing",
        ),
        pytest.param(consent(revoked=date(2026, 5, 1)), [], id="revoked the day it was signed"),
        pytest.param(
            consent(pid="ghost"),
            [FieldError("participant_id", "choose a party on this agreement")],
            id="unknown party",
        ),
        pytest.param(
            consent(version=3),
            [FieldError("terms_version", "there is no version 3 of the terms")],
            id="unknown version",
        ),
    ],
)
def test_consent(record: ConsentRecord, expected: list[FieldError]) -> None:
    assert validate_consent(record, agreement(), TODAY) == expected


# -- scope -------------------------------------------------------------------------------


def scope(
    pid: str = "mum",
    topics: tuple[str, ...] = ("health",),
    starts: date = date(2026, 1, 1),
    ends: date | None = None,
) -> ScopeExtension:
    return ScopeExtension(pid, list(topics), "attends", starts, ends)


@pytest.mark.parametrize(
    ("extension", "expected"),
    [
        pytest.param(scope(), [], id="fine"),
        pytest.param(scope(ends=date(2026, 1, 1)), [], id="one-day scope"),
        pytest.param(
            scope(topics=()),
            [FieldError("topic_ids", "choose at least one topic")],
            id="no topics",
        ),
        pytest.param(
            scope(topics=("health", "money")),
            [FieldError("topic_ids", "no private topic with id 'money'")],
            id="unknown topic",
        ),
        pytest.param(
            scope(pid="robin"),
            [
                FieldError(
                    "participant_id",
                    "Robin is the client; a scope extension is only for a third party",
                )
            ],
            id="client",
        ),
        pytest.param(
            scope(pid="alex"),
            [
                FieldError(
                    "participant_id",
                    "Alex is the coach; a scope extension is only for a third party",
                )
            ],
            id="coach",
        ),
        pytest.param(
            scope(pid="visitor"),
            [
                FieldError(
                    "participant_id",
                    "Visitor is the guest; a scope extension is only for a third party",
                )
            ],
            id="guest",
        ),
        pytest.param(
            scope(pid="ghost"),
            [FieldError("participant_id", "choose a party on this agreement")],
            id="unknown party",
        ),
        pytest.param(
            scope(ends=date(2025, 12, 31)),
            [FieldError("ends_on", "the end date cannot be before the start date (2026-01-01)")],
            id="ends before it starts",
        ),
    ],
)
def test_scope(extension: ScopeExtension, expected: list[FieldError]) -> None:
    assert validate_scope(extension, agreement()) == expected


@pytest.mark.parametrize("role", [Role.ASSISTANT, Role.SUPPORTER, Role.SPONSOR, Role.OBSERVER])
def test_every_third_party_role_may_have_a_scope(role: Role) -> None:
    whole = agreement()
    whole.participants.append(build_party("Pat", role, id="pat"))
    assert validate_scope(scope(pid="pat"), whole) == []


# -- a whole agreement -------------------------------------------------------------------


def test_valid_agreement_has_no_errors() -> None:
    whole = agreement()
    whole.consents = [consent()]
    whole.terms.scopes = [scope()]
    assert validate_agreement(whole, TODAY) == []


def test_agreement_reports_each_problem_once_with_its_path() -> None:
    whole = agreement()
    whole.participants.append(build_party("kim", Role.OBSERVER, id="kim2", aliases=["JO"]))
    whole.terms.topics.append(PrivateTopic("Family", ["Hospital"], id="family"))
    whole.consents = [consent(signed=date(2026, 7, 1))]
    whole.terms.scopes = [scope(topics=())]
    assert validate_agreement(whole, TODAY) == [
        FieldError("participants[5].name", 'another party is already called "Kim"'),
        FieldError("participants[5].aliases", 'alias "JO" is already used by Jo Smith'),
        FieldError("topics[1].phrases", 'phrase "Hospital" is already in topic Health'),
        FieldError("consents[0].signed_on", "the signed date 2026-07-01 is in the future"),
        FieldError("scopes[0].topic_ids", "choose at least one topic"),
    ]
