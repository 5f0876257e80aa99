"""Hypothesis strategies for Roomguard's domain: clients, agreements, sessions and their events.

Every free-text field draws from :func:`hostile_text`: ordinary text mixed with what a pasted
name or transcript line can carry into a terminal app, namely Rich markup (``[bold]x[/]``, a
stray ``[/]``), ANSI/VT escapes (``\\x1b[2J`` clears the screen), OSC 52 (writes the
clipboard), OSC 8 (hyperlinks), C0/C1 control characters, zero-width and bidi overrides,
emoji sequences and right-to-left scripts. A widget that shows such a value must show it
literally; the store must give it back byte for byte.

Ids are hex, like :func:`roomguard.core.models.new_id` makes them (ids name files in the
store). Every field is drawn explicitly, so no example depends on the clock or on
``uuid4`` and every failure replays.

Agreements are coherent: consents, scopes, reviews and todos refer to participants and
topics of the same agreement, and ``history`` holds earlier terms versions, oldest first.

Usage::

    from tests.strategies import agreements, hostile_text, any_event

    @given(agreements())
    def test_something(agreement): ...
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from hypothesis import strategies as st

from roomguard.core.events import (
    AckAction,
    AlertAcknowledged,
    AlertRaised,
    DiscreetModeChanged,
    GuestJoined,
    NoteAdded,
    PresenceChanged,
    PresenceSource,
    SessionEnded,
    SessionStarted,
    TopicDetected,
    TopicMarked,
    TopicSource,
)
from roomguard.core.models import (
    Agreement,
    Cadence,
    CadenceKind,
    Client,
    ClientStatus,
    ConsentMethod,
    ConsentRecord,
    MutedPhrase,
    Participant,
    PrivateTopic,
    Review,
    ReviewOutcome,
    Role,
    ScopeExtension,
    SessionRecord,
    Terms,
    Todo,
)

# ----------------------------------------------------------------------------- hostile text

#: Literal values worth trying on every text field (also handy for ``pytest.mark.parametrize``).
HOSTILE_SAMPLES: tuple[str, ...] = (
    # Rich / Textual markup
    "[bold]x[/]",
    "[/]",
    "[",
    "]",
    "[/bold]",
    "[red on white]alarm",
    "[link=https://evil.example]click[/link]",
    "[@click=app.quit]quit[/]",
    "\\[not markup]",
    "[b]unclosed",
    ":warning: :smile:",
    # terminal escapes
    "\x1b[2J",
    "\x1b[H\x1b[2J\x1b[3J",
    "\x1b[31mred\x1b[0m",
    "\x1b]52;c;aGk=\x07",
    "\x1b]52;c;aGk=\x1b\\",
    "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "\x1b]0;new title\x07",
    "\x1bP+q544e\x1b\\",
    "\x9b2J",  # C1 CSI
    "\x1b",
    # control characters
    "\x00",
    "\x07",
    "\x08\x08\x08",
    "\r",
    "line\nbreak",
    "\t",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    # invisible and bidi
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u202eevil\u202c",
    "\u2066isolate\u2069",
    # emoji, combining marks, wide and RTL scripts
    "👩‍👩‍👧‍👦",
    "🧑🏽‍⚕️",
    "🇳🇱",
    "e\u0301\u0301\u0301",
    "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
    "日本語の名前",
    "שלום עולם",
    "مرحبا بالعالم",
    "abc \u05d0\u05d1\u05d2 123",
    # things that break naive code elsewhere
    "",
    " ",
    "   leading and trailing   ",
    "%s %d {0} {name}",
    "'; DROP TABLE clients; --",
    "../../etc/passwd",
    "CON",
    "a" * 300,
)

#: Any character orjson can store: every code point except lone surrogates.
storable_characters = st.characters(exclude_categories=("Cs",))

_plain_text = st.text(storable_characters, max_size=30)


def hostile_text(max_size: int = 80) -> st.SearchStrategy[str]:
    """Text of any kind, biased towards :data:`HOSTILE_SAMPLES` and mixtures of them."""
    piece = st.one_of(st.sampled_from(HOSTILE_SAMPLES), _plain_text)
    mixed = st.lists(piece, min_size=2, max_size=4).map("".join)
    return st.one_of(st.sampled_from(HOSTILE_SAMPLES), _plain_text, mixed).map(
        lambda s: s[:max_size] if len(s) > max_size else s
    )


def names() -> st.SearchStrategy[str]:
    """Hostile text with at least one visible character (a name a form would accept)."""
    visible = st.characters(
        exclude_categories=("Cs", "Cc", "Cf", "Zs", "Zl", "Zp", "Co", "Cn", "Mn", "Me")
    )
    return st.tuples(hostile_text(30), visible, hostile_text(30)).map("".join)


def ids() -> st.SearchStrategy[str]:
    """An id as :func:`new_id` makes it: 16 lowercase hex digits."""
    return st.text("0123456789abcdef", min_size=16, max_size=16)


def dates() -> st.SearchStrategy[date]:
    return st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))


def datetimes() -> st.SearchStrategy[datetime]:
    """Naive local date-times, as the app records them (microseconds included)."""
    return st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2099, 12, 31))


def _optional(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.none() | strategy


def _unique_by_id(strategy: st.SearchStrategy, max_size: int) -> st.SearchStrategy[list]:
    return st.lists(strategy, max_size=max_size, unique_by=lambda x: x.id)


# ----------------------------------------------------------------------------- models


def clients(id: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Client]:
    return st.builds(
        Client,
        name=names(),
        id=id if id is not None else ids(),
        created_on=dates(),
        status=st.sampled_from(ClientStatus),
        closed_on=_optional(dates()),
        notes=hostile_text(),
    )


@st.composite
def participants(draw: st.DrawFn, role: st.SearchStrategy[Role] | None = None) -> Participant:
    added = draw(dates())
    return Participant(
        name=draw(names()),
        role=draw(role if role is not None else st.sampled_from(Role)),
        id=draw(ids()),
        aliases=draw(st.lists(names(), max_size=3)),
        contact=draw(hostile_text()),
        added_on=added,
        ended_on=draw(_optional(st.dates(min_value=added, max_value=date(2099, 12, 31)))),
    )


def regex_patterns() -> st.SearchStrategy[str]:
    """Valid regular expressions: a few hand-written ones and escaped hostile text."""
    return st.one_of(
        st.sampled_from([r"\bpay(ment|ing)?\b", r"(?i)divorc\w*", r"\d{3,}", r"\[x\]"]),
        names().map(re.escape),
    )


def private_topics() -> st.SearchStrategy[PrivateTopic]:
    return st.builds(
        PrivateTopic,
        name=names(),
        phrases=st.lists(names(), max_size=4),
        patterns=st.lists(regex_patterns(), max_size=2),
        id=ids(),
    )


@st.composite
def scope_extensions(
    draw: st.DrawFn,
    participant_ids: list[str] | None = None,
    topic_ids: list[str] | None = None,
) -> ScopeExtension:
    pid = draw(st.sampled_from(participant_ids)) if participant_ids else draw(ids())
    if topic_ids:
        topics = draw(st.lists(st.sampled_from(topic_ids), min_size=1, unique=True))
    else:
        topics = draw(st.lists(ids(), min_size=1, max_size=3, unique=True))
    starts = draw(dates())
    ends = draw(_optional(st.dates(min_value=starts, max_value=date(2099, 12, 31))))
    return ScopeExtension(
        participant_id=pid,
        topic_ids=topics,
        reason=draw(hostile_text()),
        starts_on=starts,
        ends_on=ends,
        id=draw(ids()),
    )


@st.composite
def consent_records(
    draw: st.DrawFn,
    participant_ids: list[str] | None = None,
    versions: list[int] | None = None,
) -> ConsentRecord:
    pid = draw(st.sampled_from(participant_ids)) if participant_ids else draw(ids())
    version = draw(st.sampled_from(versions)) if versions else draw(st.integers(1, 20))
    signed = draw(dates())
    return ConsentRecord(
        participant_id=pid,
        terms_version=version,
        signed_on=signed,
        method=draw(st.sampled_from(ConsentMethod)),
        document_ref=draw(hostile_text()),
        expires_on=draw(_optional(st.dates(min_value=signed, max_value=date(2099, 12, 31)))),
        revoked_on=draw(_optional(st.dates(min_value=signed, max_value=date(2099, 12, 31)))),
        revocation_note=draw(hostile_text()),
        id=draw(ids()),
    )


@st.composite
def terms(
    draw: st.DrawFn,
    version: int | None = None,
    participant_ids: list[str] | None = None,
) -> Terms:
    """Terms whose scopes name its own topics and *participant_ids* (none if ``[]``, any if None)."""
    topics = draw(_unique_by_id(private_topics(), max_size=3))
    topic_ids = [t.id for t in topics]
    scopes = (
        draw(
            _unique_by_id(scope_extensions(participant_ids=participant_ids, topic_ids=topic_ids), 3)
        )
        if topic_ids and participant_ids != []  # [] means: no one a scope could name
        else []
    )
    return Terms(
        version=version if version is not None else draw(st.integers(1, 20)),
        created_at=draw(datetimes()),
        topics=topics,
        shareable=draw(st.lists(hostile_text(), max_size=4)),
        scopes=scopes,
    )


def cadences() -> st.SearchStrategy[Cadence]:
    return st.one_of(
        st.builds(
            Cadence,
            kind=st.sampled_from([CadenceKind.WEEKS, CadenceKind.MONTHS]),
            interval=st.integers(1, 52),
            rrule=st.just(""),
        ),
        st.builds(
            Cadence,
            kind=st.just(CadenceKind.RRULE),
            interval=st.integers(1, 12),
            rrule=st.sampled_from(["FREQ=MONTHLY;INTERVAL=2", "FREQ=WEEKLY;BYDAY=MO"]),
        ),
    )


@st.composite
def reviews(draw: st.DrawFn, participant_ids: list[str] | None = None) -> Review:
    reviewed = draw(dates())
    present = (
        draw(st.lists(st.sampled_from(participant_ids), unique=True)) if participant_ids else []
    )
    return Review(
        reviewed_on=reviewed,
        outcome=draw(st.sampled_from(ReviewOutcome)),
        next_review=draw(st.dates(min_value=reviewed, max_value=date(2099, 12, 31))),
        participant_ids=present,
        notes=draw(hostile_text()),
        ended_participant_id=draw(_optional(st.sampled_from(participant_ids)))
        if participant_ids
        else None,
        id=draw(ids()),
    )


@st.composite
def todos(draw: st.DrawFn, participant_ids: list[str] | None = None) -> Todo:
    created = draw(datetimes())
    return Todo(
        text=draw(hostile_text()),
        created_at=created,
        participant_id=draw(_optional(st.sampled_from(participant_ids)))
        if participant_ids
        else None,
        session_id=draw(_optional(session_ids())),
        done_at=draw(_optional(st.datetimes(min_value=created, max_value=datetime(2099, 12, 31)))),
        id=draw(ids()),
        terms_version=draw(_optional(st.integers(1, 3))),
    )


@st.composite
def mute_records(draw: st.DrawFn, phrase: str) -> MutedPhrase:
    """When and why *phrase* was muted."""
    return MutedPhrase(
        phrase=phrase,
        muted_at=draw(datetimes()),
        reason=draw(hostile_text()),
        session_id=draw(_optional(session_ids())),
    )


@st.composite
def agreements(draw: st.DrawFn, client_id: str | None = None) -> Agreement:
    """A coherent agreement: every reference points at one of its own parties or topics."""
    people = draw(_unique_by_id(participants(), max_size=4))
    pids = [p.id for p in people]
    version = draw(st.integers(1, 3))
    history = [draw(terms(version=v, participant_ids=pids)) for v in range(1, version)]
    current = draw(terms(version=version, participant_ids=pids))
    versions = list(range(1, version + 1))
    muted = draw(st.lists(hostile_text(), max_size=4))
    return Agreement(
        client_id=client_id if client_id is not None else draw(ids()),
        participants=people,
        terms=current,
        history=history,
        consents=draw(_unique_by_id(consent_records(participant_ids=pids, versions=versions), 4))
        if pids
        else [],
        cadence=draw(cadences()),
        next_review=draw(_optional(dates())),
        reviews=draw(_unique_by_id(reviews(participant_ids=pids or None), 2)),
        muted_phrases=muted,
        mutes=[draw(mute_records(phrase)) for phrase in muted if draw(st.booleans())],
        todos=draw(_unique_by_id(todos(participant_ids=pids or None), 2)),
        id=draw(ids()),
    )


@st.composite
def clients_with_agreements(draw: st.DrawFn) -> tuple[Client, Agreement]:
    client = draw(clients())
    return client, draw(agreements(client_id=client.id))


# ----------------------------------------------------------------------------- sessions


@st.composite
def session_ids(draw: st.DrawFn, started_at: datetime | None = None) -> str:
    """``<YYYYMM>-<hex>``, the month of *started_at* (or of any date)."""
    when = started_at or draw(datetimes())
    return f"{when:%Y%m}-{draw(ids())}"


@st.composite
def session_records(draw: st.DrawFn, client_id: str | None = None) -> SessionRecord:
    started = draw(datetimes())
    ended = draw(
        _optional(
            st.datetimes(
                min_value=started,
                max_value=datetime.combine(started.date(), time.max),
            )
        )
    )
    return SessionRecord(
        client_id=client_id if client_id is not None else draw(ids()),
        started_at=started,
        id=draw(session_ids(started_at=started)),
        ended_at=ended,
        terms_version=draw(st.integers(1, 20)),
        alerts=draw(st.integers(0, 500)),
        unhandled=draw(st.integers(0, 500)),
    )


def _pid(participant_ids: list[str] | None) -> st.SearchStrategy[str]:
    return st.sampled_from(participant_ids) if participant_ids else ids()


def _tid(topic_ids: list[str] | None) -> st.SearchStrategy[str]:
    return st.sampled_from(topic_ids) if topic_ids else ids()


def session_started(participant_ids: list[str] | None = None) -> st.SearchStrategy:
    present = st.lists(_pid(participant_ids), unique=True, max_size=5)
    return st.builds(
        SessionStarted,
        at=datetimes(),
        client_id=ids(),
        terms_version=st.integers(1, 20),
        present=present,
    )


def presence_changed(participant_ids: list[str] | None = None) -> st.SearchStrategy:
    return st.builds(
        PresenceChanged,
        at=datetimes(),
        participant_id=_pid(participant_ids),
        present=st.booleans(),
        source=st.sampled_from(PresenceSource),
    )


def guest_joined() -> st.SearchStrategy:
    return st.builds(
        GuestJoined,
        at=datetimes(),
        guest=participants(role=st.just(Role.GUEST)),
        source=st.sampled_from(PresenceSource),
    )


@st.composite
def topic_detected(draw: st.DrawFn, topic_ids: list[str] | None = None) -> TopicDetected:
    """The phrase really occurs in the line, at ``[start:end]``."""
    before, phrase, after = draw(hostile_text(40)), draw(names()), draw(hostile_text(40))
    line = before + phrase + after
    return TopicDetected(
        at=draw(datetimes()),
        topic_id=draw(_tid(topic_ids)),
        phrase=phrase,
        source=draw(st.sampled_from(TopicSource)),
        line=line,
        speaker=draw(hostile_text(30)),
        start=len(before),
        end=len(before) + len(phrase),
        cue_time=draw(st.sampled_from(["", "00:00:01.000", "01:59:59.999", "12:03"])),
    )


def topic_marked(topic_ids: list[str] | None = None) -> st.SearchStrategy:
    return st.builds(TopicMarked, at=datetimes(), topic_id=_tid(topic_ids), active=st.booleans())


def note_added() -> st.SearchStrategy:
    return st.builds(
        NoteAdded,
        at=datetimes(),
        text=hostile_text(200),
        private=st.booleans(),
        shareable=st.booleans(),
    )


def alert_raised(
    participant_ids: list[str] | None = None, topic_ids: list[str] | None = None
) -> st.SearchStrategy:
    return st.builds(
        AlertRaised,
        at=datetimes(),
        topic_id=_tid(topic_ids),
        topic_name=names(),
        uncleared=st.lists(_pid(participant_ids), min_size=1, max_size=4, unique=True),
        reason=hostile_text(),
        phrase=hostile_text(),
        id=ids(),
    )


def alert_acknowledged(alert_ids: list[str] | None = None) -> st.SearchStrategy:
    return st.builds(
        AlertAcknowledged,
        at=datetimes(),
        alert_id=st.sampled_from(alert_ids) if alert_ids else ids(),
        action=st.sampled_from(AckAction),
        note=hostile_text(),
        mute_phrase=hostile_text(),
    )


def discreet_mode_changed() -> st.SearchStrategy:
    return st.builds(DiscreetModeChanged, at=datetimes(), on=st.booleans())


def session_ended() -> st.SearchStrategy:
    return st.builds(SessionEnded, at=datetimes())


def any_event(
    participant_ids: list[str] | None = None, topic_ids: list[str] | None = None
) -> st.SearchStrategy:
    """One event of any kind (references drawn from the given ids when supplied)."""
    return st.one_of(
        session_started(participant_ids),
        presence_changed(participant_ids),
        guest_joined(),
        topic_detected(topic_ids),
        topic_marked(topic_ids),
        note_added(),
        alert_raised(participant_ids, topic_ids),
        alert_acknowledged(),
        discreet_mode_changed(),
        session_ended(),
    )


def event_lists(max_size: int = 30) -> st.SearchStrategy[list]:
    return st.lists(any_event(), max_size=max_size)
