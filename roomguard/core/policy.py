"""Who may hear which private topic: the decision, as data.

The live session, the audit trail and the headless check all call :func:`evaluate`, so a
warning on screen, a line in the journal and a failed check always agree.

Clearance rules for one person and one private topic, judged on ``today``:

* the client and the coach are always cleared;
* a guest (role ``GUEST``, or anyone not on the agreement) never is;
* a third party whose involvement has ended is not;
* any other third party is cleared only by an active scope extension in the *current* terms
  that names the topic, **and** valid written consent to the current terms.

Only private topics of the current terms can warn; a shareable category, or an id the terms do
not know, never does.

:func:`consent_gap` says whether a third party on the agreement is in the room without valid
written consent at all (missing, outdated, expired or revoked): the session warns when one
arrives, whatever topic is under way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from roomguard.core.consent import ConsentAssessment, ConsentState, assess_consent, consent_state
from roomguard.core.models import Agreement, Participant, Role


class Trigger(StrEnum):
    """What made the policy look at the room."""

    TOPIC_DETECTED = "topic detected"  # a line mentioned the topic
    TOPIC_ACTIVE = "topic active"  # the coach marked the topic as under discussion
    PERSON_JOINED = "person joined"  # someone arrived while the topic was active


@dataclass(frozen=True, slots=True)
class Uncleared:
    """One person in the room who may not hear the topic, and why."""

    participant_id: str
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class PolicyDecision:
    topic_id: str
    topic_name: str
    uncleared: tuple[Uncleared, ...]
    trigger: str  # a Trigger value

    @property
    def warn(self) -> bool:
        return bool(self.uncleared)

    @property
    def uncleared_ids(self) -> frozenset[str]:
        return frozenset(u.participant_id for u in self.uncleared)

    def describe(self) -> str:
        """E.g. ``Health: Mum (no scope extension for Health); Bob (guest, not on the agreement)``."""
        people = "; ".join(f"{u.name} ({u.reason})" for u in self.uncleared)
        return f"{self.topic_name}: {people}" if people else f"{self.topic_name}: everyone cleared"


_CONSENT_REASONS: dict[ConsentState, str] = {
    ConsentState.MISSING: "no written consent",
    ConsentState.EXPIRED: "consent expired",
    ConsentState.REVOKED: "consent revoked",
    ConsentState.OUTDATED: "consent is to an older version of the terms",
}

GUEST_REASON = "guest, not on the agreement"  # shown in brackets after the name


def topic_name(agreement: Agreement, topic_id: str) -> str:
    topic = agreement.terms.topic(topic_id)
    return topic.name if topic is not None else topic_id


def is_private_topic(agreement: Agreement, topic_id: str) -> bool:
    """A private topic of the current terms (shareable categories and unknown ids are not)."""
    return agreement.terms.topic(topic_id) is not None and topic_id not in agreement.terms.shareable


def clearance(
    agreement: Agreement, participant: Participant, topic_id: str, today: date
) -> Uncleared | None:
    """``None`` when *participant* may hear *topic_id* today; otherwise who and why not."""

    def uncleared(reason: str) -> Uncleared:
        return Uncleared(participant.id, participant.name, reason)

    if participant.role in (Role.CLIENT, Role.COACH):
        return None
    on_record = agreement.participant(participant.id)
    if participant.role is Role.GUEST or on_record is None or on_record.role is Role.GUEST:
        return uncleared(GUEST_REASON)
    if on_record.role in (Role.CLIENT, Role.COACH):
        return None
    if not on_record.is_active(today):
        assert on_record.ended_on is not None
        return uncleared(f"involvement ended {on_record.ended_on.isoformat()}")

    scopes = [
        s
        for s in agreement.terms.scopes
        if s.participant_id == participant.id and topic_id in s.topic_ids
    ]
    if not any(s.is_active(today) for s in scopes):
        ended = [s.ends_on for s in scopes if s.ends_on is not None and s.ends_on < today]
        if ended:
            return uncleared(f"scope ended {max(ended).isoformat()}")
        upcoming = [s.starts_on for s in scopes if s.starts_on > today]
        if upcoming:
            return uncleared(f"scope starts {min(upcoming).isoformat()}")
        return uncleared(f"no scope extension for {topic_name(agreement, topic_id)}")

    state = consent_state(agreement, participant.id, today)
    if not state.is_valid:
        return uncleared(_CONSENT_REASONS[state])
    return None


def evaluate(
    agreement: Agreement,
    present: Iterable[Participant],
    topic_ids: Iterable[str],
    today: date,
    trigger: str,
) -> list[PolicyDecision]:
    """The decisions that warn: one per private topic someone present may not hear.

    Topics keep their given order (repeats dropped); within a decision, people keep the order
    of *present* (repeats dropped).
    """
    people = list({p.id: p for p in present}.values())
    decisions: list[PolicyDecision] = []
    for topic_id in dict.fromkeys(topic_ids):
        if not is_private_topic(agreement, topic_id):
            continue
        uncleared = tuple(
            u for p in people if (u := clearance(agreement, p, topic_id, today)) is not None
        )
        if uncleared:
            decisions.append(
                PolicyDecision(topic_id, topic_name(agreement, topic_id), uncleared, trigger)
            )
    return decisions


@dataclass(frozen=True, slots=True)
class PersonClearance:
    """One person's standing in a session, topic by topic (ids, in the agreement's order).

    *uncleared*: private topics they may not hear. *verbal*: topics they may hear only because
    they consented aloud in this session; their written consent is still owed.
    """

    uncleared: tuple[str, ...]
    verbal: tuple[str, ...]


def person_clearance(
    agreement: Agreement,
    person: Participant,
    today: date,
    verbally_cleared: Callable[[str], Iterable[str]],
) -> PersonClearance:
    """Every private topic of the current terms judged for *person* on *today*.

    *verbally_cleared(topic_id)* names who consented aloud to that topic in this session; the
    session's state knows that, the agreement does not.
    """
    uncleared: list[str] = []
    verbal: list[str] = []
    for topic in agreement.terms.topics:
        if not is_private_topic(agreement, topic.id):
            continue
        if clearance(agreement, person, topic.id, today) is None:
            continue
        if person.id in verbally_cleared(topic.id):
            verbal.append(topic.id)
        else:
            uncleared.append(topic.id)
    return PersonClearance(tuple(uncleared), tuple(verbal))


def consent_gap(agreement: Agreement, participant_id: str, today: date) -> ConsentAssessment | None:
    """The consent of a third party on the agreement when it is not valid today (missing,
    outdated, expired or revoked); None when it is, and for the client, the coach, a guest
    (not on the agreement: judged as a guest) or a party whose involvement has ended."""
    person = agreement.participant(participant_id)
    if person is None or not person.role.is_third_party or person.role is Role.GUEST:
        return None
    if not person.is_active(today):
        return None
    assessment = assess_consent(agreement, participant_id, today)
    return None if assessment.state.is_valid else assessment
