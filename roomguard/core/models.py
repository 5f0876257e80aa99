"""The practice's records: clients, the people in the room, and the agreements that bind them.

Plain dataclasses with no I/O. The store turns them into documents; the screens show them;
the rules that judge them (consent state, policy, cadence) live in sibling modules so each
rule can be tested alone.

Every date and time a record holds is given by whoever makes it (a screen from the app's clock,
the demo from its ``today``, a test from a fixed date): core never reads the clock, so nothing
here defaults to "now". A default of ``date.today`` made a record's date depend on when the
code ran, not on the clock the app was given, and a test's on the day it ran.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


def is_valid_id(value: str) -> bool:
    """Ids name files in the store, so they are plain: letters, digits, ``-`` and ``_``."""
    return ID_PATTERN.fullmatch(value) is not None


def new_id() -> str:
    """A random, collision-free id. Short enough to read in an export, long enough to be unique."""
    return uuid.uuid4().hex[:16]


class Role(StrEnum):
    CLIENT = "client"
    COACH = "coach"
    ASSISTANT = "assistant"
    SUPPORTER = "supporter"  # supporter or guardian, e.g. a parent sitting in for a child
    SPONSOR = "sponsor"
    OBSERVER = "observer"
    GUEST = "guest"  # unlisted person who turned up: uncleared by definition

    @property
    def label(self) -> str:
        return {Role.SUPPORTER: "supporter/guardian"}.get(self, self.value)

    @property
    def is_third_party(self) -> bool:
        """Client and coach own the conversation; everyone else needs a scope to hear private topics."""
        return self not in (Role.CLIENT, Role.COACH)


THIRD_PARTY_ROLES: tuple[Role, ...] = (
    Role.ASSISTANT,
    Role.SUPPORTER,
    Role.SPONSOR,
    Role.OBSERVER,
)


class ClientStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


@dataclass(slots=True)
class Client:
    name: str
    id: str = field(default_factory=new_id)
    created_on: date = field(kw_only=True)
    status: ClientStatus = ClientStatus.ACTIVE
    closed_on: date | None = None
    notes: str = ""


@dataclass(slots=True)
class Participant:
    """A party to an agreement. Aliases are how the person's name shows in a transcript."""

    name: str
    role: Role
    id: str = field(default_factory=new_id)
    aliases: list[str] = field(default_factory=list)
    contact: str = ""
    added_on: date = field(kw_only=True)
    ended_on: date | None = None  # involvement ended at a review; kept for the record

    @property
    def labels(self) -> list[str]:
        """Every label a transcript may use for this person: the name, then the aliases."""
        return [self.name, *self.aliases]

    def is_active(self, on: date) -> bool:
        return self.ended_on is None or on < self.ended_on


@dataclass(slots=True)
class PrivateTopic:
    """A subject that stays between client and coach unless a scope extension says otherwise.

    ``phrases`` are matched as whole words with inflections and word families (diagnosis →
    diagnosed); ``patterns`` are optional regular expressions for advanced users;
    ``excluded_forms`` are derived words or phrase forms the coach chose not to match (a store
    written before they existed loads with none).
    """

    name: str
    phrases: list[str] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)
    id: str = field(default_factory=new_id)
    excluded_forms: list[str] = field(default_factory=list)
    # What it sounds like when this comes up, for the semantic layer ("possible topic"):
    # a few sentences the coach writes (roomguard/live/semantic/scorer.py).
    examples: list[str] = field(default_factory=list)


DEFAULT_SHAREABLE: tuple[str, ...] = ("scheduling", "logistics", "invoicing/admin")


@dataclass(slots=True)
class ScopeExtension:
    """The extended-scope agreement: *participant* may be present for *topic_ids*."""

    participant_id: str
    topic_ids: list[str]
    reason: str
    starts_on: date
    ends_on: date | None = None
    id: str = field(default_factory=new_id)

    def is_active(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or on <= self.ends_on)


class ConsentMethod(StrEnum):
    WET_SIGNATURE = "wet signature"
    E_SIGNATURE = "e-signature"
    EMAIL = "email confirmation"
    VERBAL_CONFIRMED = "verbal, confirmed in writing"


@dataclass(slots=True)
class ConsentRecord:
    """One party's written consent to one version of the terms."""

    participant_id: str
    terms_version: int
    signed_on: date
    method: ConsentMethod
    document_ref: str = ""
    expires_on: date | None = None
    revoked_on: date | None = None
    revocation_note: str = ""
    id: str = field(default_factory=new_id)


class CadenceKind(StrEnum):
    WEEKS = "weeks"
    MONTHS = "months"
    RRULE = "rrule"


@dataclass(slots=True)
class Cadence:
    """How often the agreement is reviewed: every N weeks/months, or an RFC 5545 RRULE."""

    kind: CadenceKind = CadenceKind.MONTHS
    interval: int = 3
    rrule: str = ""

    def describe(self) -> str:
        if self.kind is CadenceKind.RRULE:
            from roomguard.core.rrule_text import describe_rrule

            return describe_rrule(self.rrule)
        unit = self.kind.value[:-1] if self.interval == 1 else self.kind.value
        return f"every {self.interval} {unit}"


@dataclass(slots=True)
class Terms:
    """The boundaries everyone signs. Changing any of them makes a new version."""

    version: int = 1
    created_at: datetime = field(kw_only=True)
    topics: list[PrivateTopic] = field(default_factory=list)
    shareable: list[str] = field(default_factory=lambda: list(DEFAULT_SHAREABLE))
    scopes: list[ScopeExtension] = field(default_factory=list)

    def topic(self, topic_id: str) -> PrivateTopic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def same_boundaries(self, other: Terms) -> bool:
        """True when nothing a party consented to differs (version and timestamp aside)."""
        return (self.topics, self.shareable, self.scopes) == (
            other.topics,
            other.shareable,
            other.scopes,
        )


class ReviewOutcome(StrEnum):
    CONTINUE = "continue unchanged"
    AMEND = "amend terms"
    END_PARTY = "end a party's involvement"


@dataclass(slots=True)
class Review:
    reviewed_on: date
    outcome: ReviewOutcome
    next_review: date
    participant_ids: list[str] = field(default_factory=list)
    notes: str = ""
    ended_participant_id: str | None = None
    id: str = field(default_factory=new_id)


@dataclass(slots=True)
class Todo:
    """A follow-up the coach owes, e.g. written consent after a verbal 'yes' in session, or
    consent to a new version of the terms (``terms_version``: done once that party's consent
    to it, or a later version, is in force)."""

    text: str
    created_at: datetime
    participant_id: str | None = None
    session_id: str | None = None
    done_at: datetime | None = None
    id: str = field(default_factory=new_id)
    terms_version: int | None = None


@dataclass(slots=True)
class MutedPhrase:
    """When and why a phrase stopped being flagged for a client (a false alarm the coach
    silenced). ``Agreement.muted_phrases`` holds the phrase itself, which is what detection
    reads; a phrase muted before these records were kept has none."""

    phrase: str
    muted_at: datetime
    reason: str = ""  # e.g. 'false alarm on the Health alert: "sports therapy"'
    session_id: str | None = None


@dataclass(slots=True)
class Agreement:
    """Everything agreed for one client: parties, current terms, their history and consents."""

    client_id: str
    participants: list[Participant] = field(default_factory=list)
    terms: Terms = field(kw_only=True)
    history: list[Terms] = field(default_factory=list)  # earlier versions, oldest first
    consents: list[ConsentRecord] = field(default_factory=list)
    cadence: Cadence = field(default_factory=Cadence)
    next_review: date | None = None
    reviews: list[Review] = field(default_factory=list)
    muted_phrases: list[str] = field(default_factory=list)  # false alarms the coach silenced
    mutes: list[MutedPhrase] = field(default_factory=list)  # when and why each was muted
    todos: list[Todo] = field(default_factory=list)
    # Lines the coach answered "no, it wasn't" to as a possible topic: the semantic layer
    # weighs them with everyday talk for this client from then on.
    not_topic_lines: list[str] = field(default_factory=list)
    next_session: datetime | None = None  # booked; shareable (it is scheduling)
    id: str = field(default_factory=new_id)

    def participant(self, participant_id: str) -> Participant | None:
        return next((p for p in self.participants if p.id == participant_id), None)

    def client_party(self) -> Participant | None:
        return next((p for p in self.participants if p.role is Role.CLIENT), None)

    def active_participants(self, on: date) -> list[Participant]:
        return [p for p in self.participants if p.is_active(on)]

    def last_review(self) -> Review | None:
        return max(self.reviews, key=lambda r: r.reviewed_on, default=None)

    def terms_version(self, version: int) -> Terms | None:
        if version == self.terms.version:
            return self.terms
        return next((t for t in self.history if t.version == version), None)


def session_id_for(started_at: datetime) -> str:
    """Session ids start with their month (``202611-…``) so the store finds the shard directly."""
    return f"{started_at:%Y%m}-{new_id()}"


@dataclass(slots=True)
class SessionRecord:
    """A session's index entry. Its events live in the session's journal."""

    client_id: str
    started_at: datetime
    id: str = ""
    ended_at: datetime | None = None
    terms_version: int = 1
    alerts: int = 0
    unhandled: int = 0

    def __post_init__(self) -> None:
        if not self.id:
            self.id = session_id_for(self.started_at)

    @property
    def month(self) -> str:
        return self.id.split("-", 1)[0]
