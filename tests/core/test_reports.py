"""Session reports: the coach's full summary, and the assistant-safe summary that never leaks.

The canary test at the end seeds unique private strings into every private field of a
generated practice, writes it through the real Store, and checks that no assistant-safe
summary read back from it contains any of them.
"""

from __future__ import annotations

import itertools
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roomguard.core.events import (
    AckAction,
    AlertAcknowledged,
    AlertRaised,
    DiscreetModeChanged,
    Event,
    GuestJoined,
    NoteAdded,
    PresenceChanged,
    SessionEnded,
    SessionStarted,
    TopicDetected,
    TopicMarked,
    TopicSource,
)
from roomguard.core.models import (
    Agreement,
    Client,
    ConsentMethod,
    ConsentRecord,
    Participant,
    PrivateTopic,
    Review,
    ReviewOutcome,
    Role,
    ScopeExtension,
    SessionRecord,
    Todo,
)
from roomguard.core.reports import (
    AssistantSafeSummary,
    OtherClients,
    assistant_safe_report,
    assistant_safe_summary,
    coach_summary_markdown,
    describe_length,
    describe_span,
)
from roomguard.store import Store
from tests.builders import build_agreement, build_client, build_party, build_terms
from tests.strategies import hostile_text, ids, names

START = datetime(2026, 11, 18, 10, 0)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


@dataclass
class Practice:
    client: Client
    agreement: Agreement
    client_p: Participant
    coach: Participant
    tom: Participant
    grace: Participant  # a party who never attends
    health: PrivateTopic
    workload: PrivateTopic


def practice() -> Practice:
    client = build_client("Priya Raman", id="c1")
    client_p = build_party("Priya Raman", Role.CLIENT, id="p-client")
    coach = build_party("Alex Morgan", Role.COACH, id="p-coach")
    tom = build_party("Tom Becker", Role.ASSISTANT, id="p-tom", contact="tom@example.com")
    grace = build_party("Grace Kim", Role.SUPPORTER, id="p-grace")
    health = PrivateTopic("Health", ["diagnosis", "divorce"], patterns=[r"\bmeds?\b"], id="t-health")
    workload = PrivateTopic("Workload", ["delegation"], id="t-work")
    agreement = build_agreement(
        client_p, coach, tom, grace,
        client_id=client.id,
        topics=[health, workload],
        shareable=["scheduling", "logistics"],
        muted_phrases=["diagnosis"],
    )
    return Practice(client, agreement, client_p, coach, tom, grace, health, workload)


def session_events(p: Practice, *, ended: bool = True) -> list[Event]:
    alert = AlertRaised(at(25), p.health.id, "Health", [p.tom.id],
                        "Tom Becker joined while Health is active", "diagnosis", id="a1")
    unhandled = AlertRaised(at(30), p.workload.id, "Workload", ["g1"],
                            "visitor joined while Workload is active", "delegation", id="a2")
    events: list[Event] = [
        SessionStarted(START, p.client.id, 1, [p.client_p.id, p.coach.id]),
        NoteAdded(at(2), "Agenda: next steps"),
        PresenceChanged(at(20), p.tom.id, True),
        TopicDetected(at(25), p.health.id, "diagnosis", TopicSource.NOTE,
                      line="the diagnosis came back", speaker="Priya"),
        alert,
        AlertAcknowledged(at(25.5), "a1", AckAction.STEPPED_OUT, note="Tom left politely"),
        PresenceChanged(at(26), p.tom.id, False),
        GuestJoined(at(29), build_party("Mystery Visitor", Role.GUEST, id="g1")),
        unhandled,
        NoteAdded(at(35), "Private reflection on the diagnosis", private=True),
        NoteAdded(at(40), "Book room 4 for next session", shareable=True),
        NoteAdded(at(41), "Tell Tom about the divorce hearing", shareable=True),
    ]
    if ended:
        events.append(SessionEnded(at(50)))
    return events


def record(p: Practice, ended: bool = True) -> SessionRecord:
    return SessionRecord(p.client.id, START, id="202611-s1", ended_at=at(50) if ended else None,
                         alerts=2, unhandled=1)


# ----------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("length", "text"),
    [
        (None, "not ended"),
        (timedelta(0), "0 min"),
        (timedelta(minutes=50, seconds=59), "50 min"),
        (timedelta(minutes=65), "1 h 05 min"),
        (timedelta(seconds=-5), "0 min"),
    ],
)
def test_describe_length(length: timedelta | None, text: str) -> None:
    assert describe_length(length) == text


def test_describe_span() -> None:
    assert describe_span(START, at(50)) == "Wed 18 Nov 2026, 10:00–10:50 (50 min)"
    assert describe_span(START, None) == "Wed 18 Nov 2026, 10:00, not ended"
    assert describe_span(START, at(60 * 15)).startswith("Wed 18 Nov 2026, 10:00–Thu 19 Nov 2026 01:00")


# ----------------------------------------------------------------------------- coach summary


class TestCoachSummary:
    def test_has_presence_topics_alerts_with_outcome_and_notes(self) -> None:
        p = practice()
        text = coach_summary_markdown(p.client, p.agreement, record(p), session_events(p))
        assert text.startswith("# Session with Priya Raman\n")
        assert "Wed 18 Nov 2026, 10:00–10:50 (50 min)" in text
        assert "- **Tom Becker** (assistant): 10:20–10:26; 6 min" in text
        assert "- **Mystery Visitor** (guest): 10:29–10:50; 21 min" in text
        assert '**Health**: "diagnosis" (note, Priya) — the diagnosis came back' in text
        assert "Handled at 10:25:30: asked the person to step out: Tom left politely" in text
        assert "**Unhandled**" in text
        assert "(uncleared: Mystery Visitor)" in text
        assert "2 (1 handled, 1 unhandled)" in text
        assert "(private): Private reflection on the diagnosis" in text
        assert "(shareable): Book room 4 for next session" in text

    def test_open_session(self) -> None:
        p = practice()
        events = session_events(p, ended=False)
        text = coach_summary_markdown(p.client, p.agreement, record(p, ended=False), events)
        assert "10:00, not ended" in text
        assert "10:29–(still present); open" in text

    def test_user_text_is_literal_markdown(self) -> None:
        p = practice()
        p.client.name = "[bold]*Eve*[/] \x1b]52;c;aGk=\x07"
        events: list[Event] = [
            SessionStarted(START, p.client.id, 1, [p.client_p.id]),
            NoteAdded(at(1), "# not a heading\n- nor a list [link](http://x)"),
        ]
        text = coach_summary_markdown(p.client, p.agreement, record(p), events)
        assert "\x1b" not in text and "\x07" not in text
        assert "# Session with \\[bold\\]\\*Eve\\*\\[/\\]" in text
        assert "\\# not a heading␊- nor a list \\[link\\](http://x)" in text

    def test_topic_named_from_the_session_terms(self) -> None:
        p = practice()
        old = PrivateTopic("Old topic", ["gone"], id="t-old")
        p.agreement.history = [build_terms(version=1, topics=[old])]
        p.agreement.terms.version = 2
        events: list[Event] = [
            SessionStarted(START, p.client.id, 1, []),
            TopicDetected(at(1), "t-old", "gone", TopicSource.TRANSCRIPT),
            TopicDetected(at(2), "t-unknown", "what", TopicSource.TRANSCRIPT),
        ]
        text = coach_summary_markdown(p.client, p.agreement, record(p), events)
        assert "**Old topic**" in text
        assert "(a topic no longer in the terms)" in text


# ----------------------------------------------------------------------------- assistant-safe


class TestAssistantSafe:
    def summary(self, p: Practice, events: list[Event] | None = None) -> tuple[str, int]:
        report = assistant_safe_report(
            p.client, p.agreement, [(record(p), events or session_events(p))]
        )
        return report.text, report.withheld

    def test_lists_only_the_allowed_things(self) -> None:
        p = practice()
        text, withheld = self.summary(p)
        assert "## Wed 18 Nov 2026, 10:00–10:50 (50 min)" in text
        assert "Attended: Priya Raman (client); Alex Morgan (coach); Tom Becker (assistant)." in text
        assert "What may be shared: scheduling, logistics." in text
        assert "- Book room 4 for next session" in text
        assert withheld == 1  # the divorce note
        for private in ("Health", "Workload", "diagnosis", "divorce", "delegation",
                        "Mystery Visitor", "Grace", "Agenda", "reflection", "politely",
                        "joined while", "tom@example.com", "alert", "withheld", "left out"):
            assert private.casefold() not in text.casefold(), private

    @pytest.mark.parametrize(
        "note",
        [
            "Mention the divorced parents' plan",  # an inflection of a phrase
            "DIAGNOSIS follow-up",  # a muted phrase is still private on paper
            "health insurance form",  # the topic's name, any case
            "pick up the meds",  # a pattern
            "re: workload",
            "ask about Delegations",
            "Old topic recap",  # a topic of earlier terms
            "the dIaGnOsIs",
        ],
    )
    def test_shareable_notes_that_mention_a_topic_are_dropped(self, note: str) -> None:
        p = practice()
        p.agreement.history = [build_terms(version=0, topics=[PrivateTopic("Old topic", ["ancient"])])]
        events: list[Event] = [
            SessionStarted(START, p.client.id, 1, [p.client_p.id]),
            NoteAdded(at(1), note, shareable=True),
            NoteAdded(at(2), "Invoice sent", shareable=True),
        ]
        text, withheld = self.summary(p, events)
        assert "Invoice sent" in text
        assert note.casefold() not in text.casefold()
        assert withheld == 1

    def test_another_clients_topics_and_name_are_withheld(self) -> None:
        p = practice()
        other = build_client("Marcus Webb", id="c-marcus")
        theirs = build_agreement(client_id=other.id,
                                 topics=[PrivateTopic("Board conflict", ["takeover bid"])])
        al = build_client("Al", id="c-al")
        others = OtherClients.of(p.client.id, [p.client, other, al], [p.agreement, theirs])
        notes = ["Prepare the takeover bid memo", "Send Marcus Webb's invoice too",
                 "board conflict agenda", "Ask Al to book the room",
                 "Call the venue about parking"]  # "call" holds "al", but not as a word
        events: list[Event] = [SessionStarted(START, p.client.id, 1, [p.client_p.id])]
        events += [NoteAdded(at(i), note, shareable=True) for i, note in enumerate(notes, 1)]
        report = assistant_safe_report(p.client, p.agreement, [(record(p), events)], others)
        assert "Call the venue about parking" in report.text
        for leaked in notes[:4]:
            assert leaked.casefold() not in report.text.casefold(), leaked
        assert report.withheld == 4
        # The client's own name and agreement are not "another client's".
        assert OtherClients.of(p.client.id, [p.client], [p.agreement]) == OtherClients()

    def test_words_recorded_only_in_events_count_as_private(self) -> None:
        p = practice()
        events: list[Event] = [
            SessionStarted(START, p.client.id, 1, [p.client_p.id]),
            TopicDetected(at(1), "t-deleted", "fertility", TopicSource.NOTE),
            AlertRaised(at(1), "t-deleted2", "Secret project", [p.tom.id], "r", "moonshot"),
            NoteAdded(at(2), "fertility clinic address", shareable=True),
            NoteAdded(at(3), "book the secret project room", shareable=True),
            NoteAdded(at(4), "moonshot slides", shareable=True),
        ]
        text, withheld = self.summary(p, events)
        assert withheld == 3
        assert "Action items" not in text

    def test_private_and_plain_notes_never_appear(self) -> None:
        p = practice()
        events: list[Event] = [
            SessionStarted(START, p.client.id, 1, [p.client_p.id]),
            NoteAdded(at(1), "plain note"),
            NoteAdded(at(2), "private but shareable?", private=True, shareable=True),
        ]
        text, withheld = self.summary(p, events)
        assert "plain note" not in text and "shareable?" not in text
        assert withheld == 0

    def test_names_and_categories_that_mention_a_topic_are_replaced(self) -> None:
        p = practice()
        p.tom.name = "Tom Delegation"
        p.agreement.terms.shareable = ["scheduling", "health admin"]
        text, withheld = self.summary(p)
        assert "Tom Delegation" not in text and "health admin" not in text
        assert "a party to the agreement (assistant)" in text
        assert "scheduling, (one category not listed)" in text
        assert withheld == 3  # name, category, the divorce note

    def test_user_text_is_literal_markdown(self) -> None:
        p = practice()
        events: list[Event] = [
            SessionStarted(START, p.client.id, 1, [p.client_p.id]),
            NoteAdded(at(1), "[x](javascript:alert) \x1b[2J *bold*", shareable=True),
        ]
        text, _ = self.summary(p, events)
        assert "\x1b" not in text
        assert "- \\[x\\](javascript:alert) ␛\\[2J \\*bold\\*" in text

    def test_sessions_in_date_order_and_open_sessions(self) -> None:
        p = practice()
        later = SessionRecord(p.client.id, START + timedelta(days=7), id="202611-s2")
        pairs = [
            (later, [SessionStarted(later.started_at, p.client.id, 1, [p.coach.id])]),
            (record(p), session_events(p)),
        ]
        text = assistant_safe_summary(p.client, p.agreement, pairs)
        first, second = text.index("Wed 18 Nov"), text.index("Wed 25 Nov 2026, 10:00, not ended")
        assert first < second

    def test_no_sessions(self) -> None:
        p = practice()
        assert "No sessions in this period." in assistant_safe_summary(p.client, p.agreement, [])

    def test_another_clients_session_is_refused(self) -> None:
        p = practice()
        other = SessionRecord("someone-else", START, id="202611-x")
        with pytest.raises(ValueError):
            assistant_safe_summary(p.client, p.agreement, [(other, [])])


# ----------------------------------------------------------------------------- the canary test

CANARY = re.compile(r"canary-[a-z]+-\d{3}-[0-9a-f]{16}", re.IGNORECASE)


@dataclass
class CanarySession:
    started_at: datetime
    present: list[str]
    events: list[Event]
    ended_at: datetime | None


@dataclass
class CanaryClient:
    client: Client
    agreement: Agreement
    sessions: list[CanarySession]
    safe_notes: list[str] = field(default_factory=list)
    private_words: list[str] = field(default_factory=list)  # in the agreement's topics


@dataclass
class CanaryPractice:
    clients: list[CanaryClient]
    canaries: list[str]
    cross_leaks: int = 0  # shareable notes naming another client's private word


@st.composite
def canary_practices(draw: st.DrawFn) -> CanaryPractice:
    """A practice with a unique canary in every private field; parties' names are hostile text.

    Private fields: topic names, phrases and patterns (current and earlier terms), muted phrases,
    scope reasons, contacts, aliases, client notes, consent references and revocation notes,
    review notes, todos; in sessions, guest names, TopicDetected phrases, lines and speakers,
    alert names, reasons and phrases, acknowledgement notes and muted phrases, private and
    ordinary notes, and shareable notes that mention a private topic name or phrase (in any case,
    with hostile text around it), which must be dropped.
    """
    canaries: list[str] = []
    counter = itertools.count()

    def canary(kind: str) -> str:
        value = f"CANARY-{kind}-{next(counter):03d}-{draw(ids())}"
        canaries.append(value)
        return value

    def uid() -> str:  # unique, unlike a bare ids() draw (which shrinks to all zeros)
        return f"{next(counter):04x}{draw(ids())[4:]}"

    def wrapped(kind: str) -> str:
        return draw(hostile_text(20)) + canary(kind) + draw(hostile_text(20))

    def recase(text: str) -> str:
        return draw(st.sampled_from([text, text.lower(), text.upper(), text.swapcase()]))

    clients: list[CanaryClient] = []
    base = datetime(2024, 1, 1, 9, 0)
    for _ in range(draw(st.integers(1, 3))):
        # Hostile text, plus a word of its own: another client's name is withheld wherever it
        # stands as a whole word, and a name that is only "0" would rightly withhold the
        # expected note "safe item 0".
        client = build_client(f"{draw(names())} Zq{'xyzw'[len(clients)]}", id=uid(),
                        notes=wrapped("clientnote"))
        parties = [
            build_party(draw(names()), role, id=uid(), aliases=[wrapped("alias")],
                        contact=wrapped("contact"))
            for role in (Role.CLIENT, Role.COACH, *draw(st.lists(
                st.sampled_from([Role.ASSISTANT, Role.SUPPORTER, Role.SPONSOR, Role.OBSERVER]),
                max_size=2)))
        ]

        def topic() -> PrivateTopic:
            return PrivateTopic(
                wrapped("topic"),
                [wrapped("phrase"), canary("phrase")],
                patterns=[re.escape(canary("pattern"))],
                id=uid(),
            )

        current = [topic() for _ in range(draw(st.integers(1, 3)))]
        earlier = [topic() for _ in range(draw(st.integers(0, 2)))]
        version = 2 if earlier else 1
        history = [build_terms(version=1, topics=earlier)] if earlier else []
        agreement = build_agreement(
            *parties,
            client_id=client.id,
            version=version,
            topics=current,
            shareable=draw(st.lists(hostile_text(20), max_size=3)),
            scopes=[ScopeExtension(parties[-1].id, [current[0].id], wrapped("scope"), base.date())],
            history=history,
            consents=[ConsentRecord(parties[0].id, version, base.date(), ConsentMethod.EMAIL,
                                    wrapped("docref"), revocation_note=wrapped("revocation"))],
            reviews=[Review(base.date(), ReviewOutcome.CONTINUE, base.date(), notes=wrapped("review"))],
            muted_phrases=[wrapped("muted")],
            todos=[Todo(wrapped("todo"), base)],
        )
        private_words = [t.name for t in current + earlier] + [
            ph for t in current + earlier for ph in t.phrases
        ] + [p for t in current + earlier for p in (_unescape(x) for x in t.patterns)]
        # Another client's summary checks this client's agreement, not their sessions' events
        # (reading every event of the practice for each summary would be too slow).
        pc = CanaryClient(client, agreement, [], private_words=list(private_words))
        for _ in range(draw(st.integers(1, 3))):
            started = base + timedelta(days=draw(st.integers(0, 800)), minutes=draw(st.integers(0, 600)))
            present = draw(st.lists(st.sampled_from([p.id for p in parties]), unique=True))
            now = started
            events: list[Event] = []
            alert_ids: list[str] = []

            def tick() -> datetime:
                nonlocal now
                now += timedelta(minutes=draw(st.integers(0, 15)))
                return now

            kinds = draw(st.lists(st.sampled_from(
                ["presence", "guest", "topic", "lost-topic", "alert", "ack", "mark", "private",
                 "plain", "private-shareable", "leak", "safe", "discreet"]), max_size=14))
            for kind in kinds:
                any_topic = draw(st.sampled_from(current + earlier))
                match kind:
                    case "presence":
                        events.append(PresenceChanged(tick(), draw(st.sampled_from(parties)).id,
                                                      draw(st.booleans())))
                    case "guest":
                        guest = build_party(wrapped("guest"), Role.GUEST, id=uid(),
                                            aliases=[wrapped("guestalias")], contact=wrapped("gc"))
                        events.append(GuestJoined(tick(), guest))
                    case "topic":
                        events.append(TopicDetected(
                            tick(), any_topic.id, draw(st.sampled_from(any_topic.phrases)),
                            draw(st.sampled_from(TopicSource)), line=wrapped("line"),
                            speaker=wrapped("speaker")))
                    case "lost-topic":  # a topic since deleted from every version of the terms
                        phrase = wrapped("lostphrase")
                        private_words.append(phrase)
                        events.append(TopicDetected(tick(), uid(), phrase, TopicSource.NOTE,
                                                    line=wrapped("line")))
                    case "alert":
                        alert = AlertRaised(tick(), any_topic.id, wrapped("alertname"),
                                            [parties[-1].id], wrapped("reason"),
                                            wrapped("alertphrase"), id=uid())
                        private_words += [alert.topic_name, alert.phrase]
                        alert_ids.append(alert.id)
                        events.append(alert)
                    case "ack" if alert_ids:
                        events.append(AlertAcknowledged(
                            tick(), draw(st.sampled_from(alert_ids)), draw(st.sampled_from(AckAction)),
                            note=wrapped("acknote"), mute_phrase=wrapped("mute")))
                    case "mark":
                        events.append(TopicMarked(tick(), any_topic.id, draw(st.booleans())))
                    case "private":
                        events.append(NoteAdded(tick(), wrapped("privatenote"), private=True))
                    case "plain":
                        events.append(NoteAdded(tick(), wrapped("plainnote")))
                    case "private-shareable":
                        events.append(NoteAdded(tick(), wrapped("privshare"), private=True,
                                                shareable=True))
                    case "leak":
                        word = draw(st.sampled_from(private_words))
                        if CANARY.fullmatch(word):  # a bare canary, in any case
                            word = recase(word)
                        text = draw(hostile_text(30)) + word + draw(hostile_text(30))
                        events.append(NoteAdded(tick(), text, shareable=True))
                    case "safe":
                        text = f"safe item {len(pc.safe_notes)} " + draw(
                            st.text("abcdefghijklmnoprstuvwxyz ", max_size=20))  # no q: see Zq
                        pc.safe_notes.append(text.strip())
                        events.append(NoteAdded(tick(), text, shareable=True))
                    case "discreet":
                        events.append(DiscreetModeChanged(tick(), draw(st.booleans())))
            ended = draw(st.booleans())
            pc.sessions.append(CanarySession(started, present, events, tick() if ended else None))
        clients.append(pc)
    # A shareable note in one client's session that mentions another client's private topic.
    # (Words recorded only in another client's session events are not checked: see
    # OtherClients.)
    cross_leaks = 0
    if len(clients) > 1:
        for _ in range(draw(st.integers(0, 3))):
            here, there = draw(st.permutations(clients))[:2]
            session = draw(st.sampled_from(here.sessions))
            word = draw(st.sampled_from(there.private_words))
            text = draw(hostile_text(30)) + recase(word) + draw(hostile_text(30))
            at = session.events[-1].at if session.events else session.started_at
            session.events.append(NoteAdded(at, text, shareable=True))
            cross_leaks += 1
    return CanaryPractice(clients, canaries, cross_leaks)


def _unescape(pattern: str) -> str:
    return re.sub(r"\\(.)", r"\1", pattern)


def write_practice(store: Store, practice: CanaryPractice) -> None:
    for pc in practice.clients:
        store.save_client(pc.client)
        store.save_agreement(pc.agreement)
        for session in pc.sessions:
            rec = store.start_session(pc.client.id, session.started_at,
                                      pc.agreement.terms.version, session.present)
            for event in session.events:
                store.append_event(rec.id, event)
            rec.alerts = sum(isinstance(e, AlertRaised) for e in session.events)
            if session.ended_at is not None:
                store.end_session(rec, session.ended_at)
            else:
                store.update_session(rec)


def read_back(store: Store) -> list[tuple[str, int]]:
    """(assistant-safe text, withheld) for every client, read through the store."""
    return [(report.text, report.withheld) for report in read_reports(store)]


def read_reports(store: Store) -> list[AssistantSafeSummary]:
    """The assistant-safe report of every client, read through the store."""
    out = []
    for client in store.clients():
        agreement = store.agreement(client.id)
        assert agreement is not None
        pairs: Sequence[tuple[SessionRecord, list[Event]]] = [
            (rec, store.events(rec.id)) for rec in store.sessions(client_id=client.id)
        ]
        others = OtherClients.of(client.id, store.clients(), (a for _, a in store.agreements()))
        out.append(assistant_safe_report(client, agreement, pairs, others))
    return out


@settings(max_examples=30, deadline=None)
@given(canary_practices())
def test_canary_no_private_string_ever_reaches_an_assistant_safe_summary(
    practice: CanaryPractice,
) -> None:
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "store") as store:
        write_practice(store, practice)
        reports = read_reports(store)
    outputs = [(report.text, report.withheld) for report in reports]
    held = {item.original.strip(): item for r in reports for item in r.held_back}
    assert len(outputs) == len(practice.clients)
    everything = "\n".join(text for text, _ in outputs)
    # Compare without Markdown escapes, so an escaped character cannot hide a canary.
    plain = everything.replace("\\", "").casefold()
    for value in practice.canaries:
        assert value.casefold() not in plain, value
    assert not CANARY.search(plain)
    # Not vacuous: the shareable notes that mention nothing private are all there, or held
    # back with a reason the coach sees (a hostile party name such as "0" is a whole word of
    # "safe item 0", so it is named: issue 19, item 9).
    for pc in practice.clients:
        for note in pc.safe_notes:
            assert note in everything or (note in held and held[note].reasons), note
    leaks = sum(
        1 for pc in practice.clients for s in pc.sessions for e in s.events
        if isinstance(e, NoteAdded) and e.shareable and not e.private and "CANARY" in e.text.upper()
    )
    assert sum(w for _, w in outputs) >= leaks  # cross-client leaks are among these
