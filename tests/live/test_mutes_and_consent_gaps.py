"""Issue 18, items 2 and 4, in the live session: a mute is saved with when and why; someone who
arrives without valid written consent is warned about (a toast) and marked in the roster; a
check lists the muted phrases and every line they kept from alerting."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest

from roomguard.core.events import AckAction
from roomguard.core.models import (
    Client,
    ConsentMethod,
    MutedPhrase,
    Participant,
    PrivateTopic,
    Role,
    ScopeExtension,
)
from roomguard.core.transcript import Utterance
from roomguard.live.audit import audit_transcript
from roomguard.live.session import LiveSession, open_live
from roomguard.store import Store
from tests.builders import build_agreement, signed

T0 = datetime(2026, 11, 25, 10, 0)
AGREED = T0.date() - timedelta(days=30)


def seed(store: Store) -> Store:
    """Noah (client) and Alex (coach); Grace, his mother, is cleared for School worries only,
    with written consent to version 1 of the terms."""
    noah = Participant("Noah Kim", Role.CLIENT, id="noah", aliases=["Noah"], added_on=AGREED)
    alex = Participant("Alex Morgan", Role.COACH, id="alex", added_on=AGREED)
    grace = Participant("Grace Kim", Role.SUPPORTER, id="grace", aliases=["Grace"],
                        added_on=AGREED)
    store.save_client(Client("Noah Kim", id="c-noah", created_on=AGREED))
    store.save_agreement(build_agreement(
        noah, alex, grace,
        client_id="c-noah",
        topics=[
            PrivateTopic("Family conflict", ["divorce", "custody"], id="family"),
            PrivateTopic("Friendships and dating", ["girlfriend", "crush"], id="dating"),
            PrivateTopic("School worries", ["exam", "homework"], id="school"),
        ],
        scopes=[ScopeExtension("grace", ["school"], "agreed at intake", starts_on=AGREED)],
        consents=signed(noah, alex, grace, on=AGREED, method=ConsentMethod.WET_SIGNATURE),
    ))
    return store


class Clock:
    """The session's clock, moved by hand: ``clock.at(3)`` is 10:03 on the test day."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def at(self, minutes: float) -> Clock:
        self.now = T0 + timedelta(minutes=minutes)
        return self


def heard(speaker: str, text: str, line_no: int = 1) -> Utterance:
    return Utterance(speaker, text, "", line_no)


@pytest.fixture
def seeded(store: Store) -> Store:
    return seed(store)


def running(store: Store, clock: Clock) -> LiveSession:
    live = open_live(store, "c-noah", clock)
    live.begin()
    return live


def test_a_muted_false_alarm_is_saved_with_when_why_and_the_session(seeded: Store) -> None:
    clock = Clock()
    live = running(seeded, clock)
    live.toggle("grace")
    (alert,) = live.note("his girlfriend called").alerts
    clock.at(3)
    live.acknowledge(alert.id, AckAction.FALSE_ALARM, note="a school friend", mute="girlfriend")
    stored = seeded.agreement("c-noah")
    assert stored is not None
    assert stored.muted_phrases == ["girlfriend"]
    assert live.record is not None
    assert stored.mutes == [MutedPhrase(
        "girlfriend", T0 + timedelta(minutes=3),
        'false alarm on the Friendships and dating alert: "a school friend"', live.record.id,
    )]


def outdate_graces_consent(store: Store) -> None:
    """The terms move to version 2; Grace signed only version 1."""
    agreement = store.agreement("c-noah")
    assert agreement is not None
    agreement.history.append(dataclasses.replace(agreement.terms))
    agreement.terms = dataclasses.replace(agreement.terms, version=2)
    agreement.consents += signed("noah", "alex", on=T0.date(), version=2)
    store.save_agreement(agreement)


def test_toggling_in_someone_without_valid_consent_warns_and_the_roster_says_why(
    seeded: Store,
) -> None:
    outdate_graces_consent(seeded)
    live = running(seeded, Clock())
    grace = next(e for e in live.roster() if e.participant_id == "grace")
    assert grace.consent == "consent outdated"
    assert [e.consent for e in live.roster() if e.participant_id != "grace"] == ["", ""]
    out = live.toggle("grace")
    warnings = [n for n in out.notices if n.title == "No valid consent"]
    assert [n.message for n in warnings] == [
        "Grace Kim is in the room without valid written consent (consented to v1 on "
        f"{AGREED.isoformat()}; terms are now v2, must consent "
        "again): not cleared for any private topic."
    ]
    assert warnings[0].severity == "warning"
    assert not any(n.title == "No valid consent" for n in live.toggle("grace").notices)  # leaving


def test_a_speaker_heard_without_valid_consent_is_warned_about_too(seeded: Store) -> None:
    agreement = seeded.agreement("c-noah")
    assert agreement is not None
    for record in agreement.consents:
        if record.participant_id == "grace":
            record.expires_on = T0.date() - timedelta(days=1)
    seeded.save_agreement(agreement)
    live = running(seeded, Clock())
    out = live.hear(heard("Grace", "hello everyone"))
    (warning,) = [n for n in out.notices if n.title == "No valid consent"]
    assert "consent expired" in warning.message
    assert next(e for e in live.roster() if e.participant_id == "grace").consent == (
        "consent expired")


def test_with_valid_consent_nobody_is_warned(seeded: Store) -> None:
    live = running(seeded, Clock())
    out = live.toggle("grace")
    assert not [n for n in out.notices if n.title == "No valid consent"]
    assert all(e.consent == "" for e in live.roster())


def test_check_lists_muted_phrases_and_the_lines_they_silenced(seeded: Store) -> None:
    agreement = seeded.agreement("c-noah")
    assert agreement is not None
    agreement.muted_phrases.append("girlfriend")
    lines = [heard("Noah", "my girlfriend and the exam", line_no=1),
             heard("Noah", "nothing private", line_no=2)]
    result = audit_transcript(agreement, lines, ["grace"], T0)
    (silenced,) = result.silenced
    assert silenced.utterance.line_no == 1
    assert (silenced.phrases, silenced.topics) == (("girlfriend",), ("Friendships and dating",))
    assert [f.alert.topic_name for f in result.findings] == []  # Grace is cleared for School
