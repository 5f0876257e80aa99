"""Policy tables: who may hear which private topic, and when the room warns."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta

import pytest

from roomguard.core.consent import amend_terms
from roomguard.core.models import (
    Agreement,
    ConsentMethod,
    ConsentRecord,
    Participant,
    PrivateTopic,
    Role,
    ScopeExtension,
)
from roomguard.core.policy import (
    GUEST_REASON,
    PolicyDecision,
    Trigger,
    Uncleared,
    clearance,
    evaluate,
)
from tests.builders import build_agreement, build_party

TODAY = date(2026, 6, 1)

CHILD = build_party("Robin", Role.CLIENT, id="robin")
COACH = build_party("Alex", Role.COACH, id="alex")
MUM = build_party("Mum", Role.SUPPORTER, id="mum", aliases=["Jo"])
ASSISTANT = build_party("Kim", Role.ASSISTANT, id="kim")
SPONSOR = build_party("HR", Role.SPONSOR, id="hr")
GUEST = build_party("Visitor", Role.GUEST, id="visitor")

HEALTH = PrivateTopic("Health", ["doctor"], id="health")
SCHOOL = PrivateTopic("School", ["teacher"], id="school")


def consent(pid: str, *, version: int = 1, **dates: date | None) -> ConsentRecord:
    return ConsentRecord(
        participant_id=pid,
        terms_version=version,
        signed_on=TODAY - timedelta(days=30),
        method=ConsentMethod.WET_SIGNATURE,
        expires_on=dates.get("expires_on"),
        revoked_on=dates.get("revoked_on"),
    )


def make_agreement(
    scopes: list[ScopeExtension] | None = None,
    consented: tuple[str, ...] = ("robin", "alex", "mum", "kim", "hr"),
) -> Agreement:
    return build_agreement(
        *copy.deepcopy([CHILD, COACH, MUM, ASSISTANT, SPONSOR]),
        client_id="client-robin",
        topics=[HEALTH, SCHOOL],
        scopes=scopes or [],
        consents=[consent(pid) for pid in consented],
    )


def scope(pid: str, *topics: str, starts: int = -60, ends: int | None = None) -> ScopeExtension:
    return ScopeExtension(
        participant_id=pid,
        topic_ids=list(topics),
        reason="agreed at intake",
        starts_on=TODAY + timedelta(days=starts),
        ends_on=None if ends is None else TODAY + timedelta(days=ends),
    )


# -- clearance of one person -------------------------------------------------------------


@pytest.mark.parametrize("person", [CHILD, COACH], ids=["client", "coach"])
def test_client_and_coach_always_cleared(person: Participant) -> None:
    agreement = make_agreement(consented=())  # not even consent is needed for them to hear it
    assert clearance(agreement, person, "health", TODAY) is None


@pytest.mark.parametrize(
    ("scopes", "consented", "reason"),
    [
        pytest.param([], ("mum",), "no scope extension for Health", id="no scope"),
        pytest.param([scope("mum", "health")], ("mum",), None, id="scope and consent"),
        pytest.param(
            [scope("mum", "health")], (), "no written consent", id="scope without consent"
        ),
        pytest.param(
            [scope("mum", "school")], ("mum",), "no scope extension for Health", id="other topic"
        ),
        pytest.param(
            [scope("kim", "health")], ("mum",), "no scope extension for Health", id="other person"
        ),
        pytest.param(
            [scope("mum", "health", starts=-60, ends=-1)],
            ("mum",),
            "scope ended 2026-05-31",
            id="scope ended yesterday",
        ),
        pytest.param(
            [scope("mum", "health", starts=-60, ends=0)], ("mum",), None, id="scope ends today"
        ),
        pytest.param(
            [scope("mum", "health", starts=3)],
            ("mum",),
            "scope starts 2026-06-04",
            id="scope not started",
        ),
        pytest.param(
            [scope("mum", "health", ends=-10), scope("mum", "health", starts=-5)],
            ("mum",),
            None,
            id="renewed scope",
        ),
    ],
)
def test_supporter_clearance(
    scopes: list[ScopeExtension], consented: tuple[str, ...], reason: str | None
) -> None:
    agreement = make_agreement(scopes, consented)
    result = clearance(agreement, MUM, "health", TODAY)
    assert result == (None if reason is None else Uncleared("mum", "Mum", reason))


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        pytest.param({"expires_on": TODAY - timedelta(days=1)}, "consent expired", id="expired"),
        pytest.param({"expires_on": TODAY}, None, id="expires today"),
        pytest.param({"revoked_on": TODAY}, "consent revoked", id="revoked today"),
        pytest.param({"revoked_on": TODAY + timedelta(days=1)}, None, id="revocation tomorrow"),
    ],
)
def test_consent_changes_clearance(change: dict[str, date], reason: str | None) -> None:
    agreement = make_agreement([scope("mum", "health")])
    record = next(r for r in agreement.consents if r.participant_id == "mum")
    for attr, value in change.items():
        setattr(record, attr, value)
    result = clearance(agreement, MUM, "health", TODAY)
    assert (None if result is None else result.reason) == reason


def test_guest_never_cleared() -> None:
    agreement = make_agreement([scope("visitor", "health")], consented=("visitor",))
    assert clearance(agreement, GUEST, "health", TODAY) == Uncleared(
        "visitor", "Visitor", GUEST_REASON
    )


def test_unknown_person_is_a_guest_even_with_a_listed_role() -> None:
    stranger = build_party("Pat", Role.SUPPORTER, id="pat")
    result = clearance(make_agreement(), stranger, "health", TODAY)
    assert result is not None and result.reason == GUEST_REASON


def test_ended_party_not_cleared_despite_scope() -> None:
    agreement = make_agreement([scope("mum", "health")])
    mum = agreement.participants[2]
    mum.ended_on = TODAY
    result = clearance(agreement, mum, "health", TODAY)
    assert result is not None and result.reason == "involvement ended 2026-06-01"


def test_scope_must_be_in_current_terms() -> None:
    agreement = make_agreement([scope("mum", "health")])
    narrower = copy.deepcopy(agreement.terms)
    narrower.scopes.clear()
    assert amend_terms(agreement, narrower, datetime(2026, 5, 1))
    agreement.consents.append(consent("mum", version=2))
    result = clearance(agreement, MUM, "health", TODAY)
    assert result is not None and result.reason == "no scope extension for Health"


def test_consent_to_old_terms_does_not_clear() -> None:
    agreement = make_agreement([scope("mum", "health")])
    wider = copy.deepcopy(agreement.terms)
    wider.shareable.append("homework")
    assert amend_terms(agreement, wider, datetime(2026, 5, 1))
    result = clearance(agreement, MUM, "health", TODAY)
    assert result is not None
    assert result.reason == "consent is to an older version of the terms"


# -- evaluating a room -------------------------------------------------------------------


def test_supporter_present_without_scope_warns() -> None:
    decisions = evaluate(
        make_agreement(), [CHILD, COACH, MUM], ["health"], TODAY, Trigger.TOPIC_DETECTED
    )
    assert decisions == [
        PolicyDecision(
            "health",
            "Health",
            (Uncleared("mum", "Mum", "no scope extension for Health"),),
            "topic detected",
        )
    ]
    assert decisions[0].warn
    assert decisions[0].describe() == "Health: Mum (no scope extension for Health)"


def test_supporter_with_scope_and_consent_does_not_warn() -> None:
    agreement = make_agreement([scope("mum", "health")])
    assert evaluate(agreement, [CHILD, COACH, MUM], ["health"], TODAY, "topic detected") == []


def test_assistant_cleared_for_one_topic_only() -> None:
    agreement = make_agreement([scope("kim", "health")])
    decisions = evaluate(
        agreement, [CHILD, ASSISTANT], ["health", "school"], TODAY, Trigger.TOPIC_ACTIVE
    )
    assert [(d.topic_id, d.uncleared_ids) for d in decisions] == [("school", frozenset({"kim"}))]
    assert decisions[0].trigger == "topic active"


def test_person_who_left_is_not_judged() -> None:
    """Mum stepped out; the caller no longer lists her as present, so Health may come up."""
    agreement = make_agreement()
    assert evaluate(agreement, [CHILD, COACH], ["health"], TODAY, "topic detected") == []


def test_guest_joining_mid_topic_warns_as_person_joined() -> None:
    agreement = make_agreement([scope("mum", "health")])
    decisions = evaluate(agreement, [CHILD, MUM, GUEST], ["health"], TODAY, Trigger.PERSON_JOINED)
    assert len(decisions) == 1
    assert decisions[0].trigger == "person joined"
    assert decisions[0].uncleared == (Uncleared("visitor", "Visitor", GUEST_REASON),)


def test_everyone_uncleared_is_listed_in_room_order() -> None:
    agreement = make_agreement([scope("kim", "health")])
    room = [SPONSOR, CHILD, MUM, ASSISTANT, GUEST, MUM]  # Mum listed twice: counted once
    (decision,) = evaluate(agreement, room, ["health", "health"], TODAY, "topic detected")
    assert [u.participant_id for u in decision.uncleared] == ["hr", "mum", "visitor"]


@pytest.mark.parametrize("topic_id", ["scheduling", "invoicing/admin", "no-such-topic"])
def test_shareable_and_unknown_topics_never_warn(topic_id: str) -> None:
    assert evaluate(make_agreement(), [GUEST, MUM], [topic_id], TODAY, "topic detected") == []


def test_empty_room_or_no_topics_never_warn() -> None:
    agreement = make_agreement()
    assert evaluate(agreement, [], ["health"], TODAY, "topic detected") == []
    assert evaluate(agreement, [GUEST], [], TODAY, "topic detected") == []
