"""Consent state rules: which record counts, expiry and revocation boundaries, terms versions."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta

import pytest

from roomguard.core.consent import (
    ConsentState,
    amend_terms,
    consent_state,
    has_valid_consent,
    in_force,
    must_reconsent,
    party_consents,
)
from roomguard.core.models import (
    Agreement,
    ConsentMethod,
    ConsentRecord,
    Participant,
    PrivateTopic,
    Role,
)
from tests.builders import build_agreement, build_party, build_scope

TODAY = date(2026, 3, 15)
NOW = datetime(2026, 3, 15, 10, 0)


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def record(
    pid: str = "p",
    *,
    version: int = 1,
    signed: int = -10,
    expires: int | None = None,
    revoked: int | None = None,
) -> ConsentRecord:
    return ConsentRecord(
        participant_id=pid,
        terms_version=version,
        signed_on=day(signed),
        method=ConsentMethod.E_SIGNATURE,
        expires_on=None if expires is None else day(expires),
        revoked_on=None if revoked is None else day(revoked),
    )


def agreement_with(*records: ConsentRecord, version: int = 1) -> Agreement:
    return build_agreement(client_id="c", version=version, consents=list(records))


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        pytest.param([], ConsentState.MISSING, id="nothing on file"),
        pytest.param([record(signed=1)], ConsentState.MISSING, id="signed tomorrow does not count"),
        pytest.param([record(signed=0)], ConsentState.VALID, id="signed today counts"),
        pytest.param([record(expires=None)], ConsentState.VALID, id="no expiry"),
        pytest.param([record(expires=0)], ConsentState.EXPIRING_SOON, id="expires today: in force"),
        pytest.param([record(expires=-1)], ConsentState.EXPIRED, id="expired yesterday"),
        pytest.param([record(expires=30)], ConsentState.EXPIRING_SOON, id="expires in 30 days"),
        pytest.param([record(expires=31)], ConsentState.VALID, id="expires in 31 days"),
        pytest.param([record(revoked=0)], ConsentState.REVOKED, id="revoked today"),
        pytest.param([record(revoked=-3)], ConsentState.REVOKED, id="revoked earlier"),
        pytest.param([record(revoked=5)], ConsentState.VALID, id="revocation dated in future"),
        pytest.param(
            [record(signed=-100, expires=-50), record(signed=-20, expires=200)],
            ConsentState.VALID,
            id="renewed after expiry",
        ),
        pytest.param(
            [record(signed=-100, expires=300), record(signed=-20, expires=10)],
            ConsentState.VALID,
            id="longest-running record decides",
        ),
        pytest.param(
            [record(signed=-100, revoked=-30), record(signed=-10)],
            ConsentState.VALID,
            id="consented again after revoking",
        ),
        pytest.param(
            [record(signed=-100, revoked=-30), record(signed=-30)],
            ConsentState.VALID,
            id="consented again on the day of revocation",
        ),
        pytest.param(
            [record(signed=-100), record(signed=-20, revoked=-5)],
            ConsentState.REVOKED,
            id="revocation withdraws earlier records too",
        ),
        pytest.param(
            [record(signed=-100, revoked=-30), record(signed=-20, expires=-2)],
            ConsentState.EXPIRED,
            id="re-consent after revocation then expired",
        ),
        pytest.param(
            [record(pid="someone else")], ConsentState.MISSING, id="other people's records"
        ),
    ],
)
def test_consent_state_rules(records: list[ConsentRecord], expected: ConsentState) -> None:
    assert consent_state(agreement_with(*records), "p", TODAY) == expected


@pytest.mark.parametrize(
    ("soon_days", "expires", "expected"),
    [
        (7, 7, ConsentState.EXPIRING_SOON),
        (7, 8, ConsentState.VALID),
        (0, 0, ConsentState.EXPIRING_SOON),
        (0, 1, ConsentState.VALID),
    ],
)
def test_soon_window_is_configurable(soon_days: int, expires: int, expected: ConsentState) -> None:
    agreement = agreement_with(record(expires=expires))
    assert consent_state(agreement, "p", TODAY, soon_days=soon_days) == expected


@pytest.mark.parametrize(
    ("records", "version", "valid"),
    [
        pytest.param([record()], 1, True, id="valid"),
        pytest.param([record(expires=3)], 1, True, id="expiring soon"),
        pytest.param([record(expires=-1)], 1, False, id="expired"),
        pytest.param([record(revoked=-1)], 1, False, id="revoked"),
        pytest.param([], 1, False, id="missing"),
        pytest.param([record(version=1)], 2, False, id="outdated"),
    ],
)
def test_has_valid_consent(records: list[ConsentRecord], version: int, valid: bool) -> None:
    agreement = agreement_with(*records, version=version)
    assert has_valid_consent(agreement, "p", TODAY) is valid


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        pytest.param([record(version=1)], ConsentState.OUTDATED, id="only old version"),
        pytest.param(
            [record(version=1, expires=-5)], ConsentState.OUTDATED, id="old version, also expired"
        ),
        pytest.param(
            [record(version=1, revoked=-5)], ConsentState.REVOKED, id="withdrew before the change"
        ),
        pytest.param(
            [record(version=1), record(version=2, signed=-1)],
            ConsentState.VALID,
            id="re-consented to current version",
        ),
        pytest.param(
            [record(version=1), record(version=2, signed=2)],
            ConsentState.OUTDATED,
            id="re-consent dated in future",
        ),
        pytest.param(
            [record(version=1), record(version=2, revoked=-1)],
            ConsentState.REVOKED,
            id="revoked current version",
        ),
    ],
)
def test_terms_versions(records: list[ConsentRecord], expected: ConsentState) -> None:
    assert consent_state(agreement_with(*records, version=2), "p", TODAY) == expected


# -- a whole agreement ---------------------------------------------------------------------


def family_agreement() -> tuple[Agreement, Participant, Participant, Participant]:
    client = build_party("Sam", Role.CLIENT, id="client")
    coach = build_party("Alex", Role.COACH, id="coach")
    mum = build_party("Mum", Role.SUPPORTER, id="mum")
    health = PrivateTopic("Health", ["doctor"], id="health")
    agreement = build_agreement(
        client, coach, mum,
        client_id="c",
        topics=[health],
        consents=[record(pid) for pid in ("client", "coach", "mum")],
    )
    return agreement, client, coach, mum


def test_in_force_when_every_active_party_consented() -> None:
    agreement, *_ = family_agreement()
    assert in_force(agreement, TODAY)
    assert [row.state for row in party_consents(agreement, TODAY)] == [ConsentState.VALID] * 3


@pytest.mark.parametrize("missing", ["client", "coach", "mum"])
def test_not_in_force_when_any_party_lacks_consent(missing: str) -> None:
    agreement, *_ = family_agreement()
    agreement.consents = [r for r in agreement.consents if r.participant_id != missing]
    assert not in_force(agreement, TODAY)
    row = next(r for r in party_consents(agreement, TODAY) if r.participant.id == missing)
    assert row.state is ConsentState.MISSING
    assert row.record is None
    assert row.detail == "no written consent on file"


def test_ended_party_no_longer_needs_consent() -> None:
    agreement, _, _, mum = family_agreement()
    agreement.consents = [r for r in agreement.consents if r.participant_id != "mum"]
    mum.ended_on = TODAY
    assert in_force(agreement, TODAY)
    assert [row.participant.id for row in party_consents(agreement, TODAY)] == ["client", "coach"]


def test_expiring_soon_still_in_force() -> None:
    agreement, *_ = family_agreement()
    agreement.consents[2].expires_on = day(3)
    assert in_force(agreement, TODAY)
    row = party_consents(agreement, TODAY)[2]
    assert row.state is ConsentState.EXPIRING_SOON
    assert "expires 2026-03-18, in 3 days" in row.detail


def test_no_client_party_is_not_in_force() -> None:
    assert not in_force(build_agreement(client_id="c"), TODAY)


def test_amend_with_same_boundaries_changes_nothing() -> None:
    agreement, *_ = family_agreement()
    unchanged = copy.deepcopy(agreement.terms)
    assert amend_terms(agreement, unchanged, NOW) is False
    assert agreement.terms.version == 1
    assert agreement.history == []
    assert must_reconsent(agreement, TODAY) == []


def test_amend_makes_a_new_version_and_outdates_consent() -> None:
    agreement, client, coach, mum = family_agreement()
    original = agreement.terms
    new_terms = copy.deepcopy(agreement.terms)
    new_terms.scopes.append(build_scope("mum", ["health"], "attends appointments"))

    assert amend_terms(agreement, new_terms, NOW) is True

    assert agreement.terms.version == 2
    assert agreement.terms.created_at == NOW
    assert agreement.history == [original]
    assert agreement.terms is not new_terms  # a copy: the caller's object stays theirs
    assert consent_state(agreement, "mum", TODAY) is ConsentState.OUTDATED
    assert not in_force(agreement, TODAY)
    assert must_reconsent(agreement, TODAY) == [client, coach, mum]
    row = party_consents(agreement, TODAY)[2]
    assert row.detail.startswith("consented to v1 on 2026-03-05; terms are now v2")

    agreement.consents.append(record("mum", version=2, signed=0))
    assert must_reconsent(agreement, TODAY) == [client, coach]
    assert agreement.terms_version(1) is original


def test_second_amendment_keeps_history_in_order() -> None:
    agreement, *_ = family_agreement()
    v2 = copy.deepcopy(agreement.terms)
    v2.shareable.append("homework")
    assert amend_terms(agreement, v2, NOW)
    v3 = copy.deepcopy(agreement.terms)
    v3.topics.append(PrivateTopic("Money", ["debt"], id="money"))
    assert amend_terms(agreement, v3, NOW + timedelta(days=1))
    assert agreement.terms.version == 3
    assert [t.version for t in agreement.history] == [1, 2]
