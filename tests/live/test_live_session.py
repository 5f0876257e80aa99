"""LiveSession as a specification, without a terminal.

One scripted session runs on a real store under a clock advanced by hand: begin, notes (plain,
private, ``share:`` items, ``share:`` on a private line), toggles by id and by roster number,
transcript lines (a known speaker, an ambiguous label, an unknown speaker), a marked topic,
each way of acknowledging an alert, discreet mode on and off, a guest, the end, inputs after the
end, and an acknowledgement after the end. The tests read what it recorded (the journal, exactly
and in order), what it raised (the alerts), and what it told the screen (each outcome). Then:
resuming from the journal, automatic discreet mode, and a store that fails writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from roomguard.core.events import (
    AckAction,
    AlertAcknowledged,
    AlertRaised,
    DiscreetModeChanged,
    Event,
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
from roomguard.core.models import Client
from roomguard.core.session import replay
from roomguard.live.session import AUTO_DISCREET, LiveError, LiveSession, open_live, open_today
from roomguard.live.view import LogKind, Notice, Outcome
from roomguard.store import Store, WriteFailed
from tests.live.builders import T0, TODAY, Clock, heard, seed

NOTE, HEARD, EVENT, ALERT, ACK = (LogKind.NOTE, LogKind.TRANSCRIPT, LogKind.EVENT,
                                  LogKind.ALERT, LogKind.ACK)
KEY, SPEECH = PresenceSource.KEY, PresenceSource.SPEECH


@pytest.fixture
def seeded(store: Store) -> Store:
    """A real temp store (tests/conftest.py) holding Noah and his agreement (builders.py)."""
    return seed(store)


# ----------------------------------------------------------------------------- reading what happened
def minute(at: datetime) -> float:
    return (at - T0).total_seconds() / 60


def journal_rows(events: list[Event], live: LiveSession) -> list[tuple[object, ...]]:
    """Each event as a row of its key fields, people by name, alerts by number (1 = first):

    ("started", min, names present)      ("in" / "out", min, name, source)
    ("guest", min, name, source)         ("note", min, text, "private" / "shareable" / "")
    ("topic", min, topic id, phrase, source, speaker)
    ("alert", min, topic id, names not cleared, phrase)
    ("ack", min, alert number, action, note, muted phrase)
    ("mark", min, topic id, "active" / "closed")   ("discreet", min, on)   ("ended", min)
    """

    def name(pid: str) -> str:
        return live.guard.person(pid).name

    numbers: dict[str, int] = {}
    rows: list[tuple[object, ...]] = []
    for e in events:
        m = minute(e.at)
        match e:
            case SessionStarted():
                rows.append(("started", m, [name(p) for p in e.present]))
            case PresenceChanged():
                rows.append(("in" if e.present else "out", m, name(e.participant_id), e.source))
            case GuestJoined():
                rows.append(("guest", m, e.guest.name, e.source))
            case NoteAdded():
                assert not (e.private and e.shareable), "a private note is never shareable"
                kind = "private" if e.private else "shareable" if e.shareable else ""
                rows.append(("note", m, e.text, kind))
            case TopicDetected():
                rows.append(("topic", m, e.topic_id, e.phrase, e.source, e.speaker))
            case AlertRaised():
                numbers[e.id] = len(numbers) + 1
                rows.append(("alert", m, e.topic_id, [name(p) for p in e.uncleared], e.phrase))
            case AlertAcknowledged():
                rows.append(("ack", m, numbers[e.alert_id], e.action, e.note, e.mute_phrase))
            case TopicMarked():
                rows.append(("mark", m, e.topic_id, "active" if e.active else "closed"))
            case DiscreetModeChanged():
                rows.append(("discreet", m, e.on))
            case SessionEnded():
                rows.append(("ended", m))
    return rows


def shown(outcome: Outcome) -> list[tuple[LogKind, str, bool]]:
    """The outcome's new log lines: kind, text, and whether discreet mode hides it."""
    return [(entry.kind, entry.text, entry.private) for entry in outcome.log]


def told(outcome: Outcome) -> list[str]:
    return [notice.message for notice in outcome.notices]


# ----------------------------------------------------------------------------- the scripted session
@dataclass
class Script:
    """A session run step by step; each step's outcome is kept under its name."""

    store: Store
    clock: Clock
    live: LiveSession
    out: dict[str, Outcome] = field(default_factory=dict)
    alerts: list[AlertRaised] = field(default_factory=list)  # as the outcomes announced them

    def step(self, name: str, minutes: float, act: Callable[[LiveSession], Outcome]) -> Outcome:
        self.clock.at(minutes)
        outcome = act(self.live)
        self.out[name] = outcome
        self.alerts += outcome.alerts
        return outcome

    def alert(self, number: int) -> AlertRaised:
        return self.alerts[number - 1]

    @property
    def journal(self) -> list[Event]:
        assert self.live.record is not None
        return self.store.events(self.live.record.id)


def scripted(store: Store, upto: str | None = None) -> Script:
    """The session every test below reads. Stops after step *upto* when given."""
    clock = Clock()
    s = Script(store, clock, open_live(store, "c-noah", clock))
    steps: list[tuple[str, float, Callable[[LiveSession], Outcome]]] = [
        ("begin", 0, lambda live: live.begin()),
        ("plain note", 1, lambda live: live.note("agenda: sleep and routines")),
        ("private note", 2, lambda live: live.note("his exam is on Friday")),
        ("share item", 3, lambda live: live.note("share: book the room for Tuesday")),
        ("key 3: Grace in", 4, lambda live: live.toggle_nth(3)),
        ("Grace out", 5, lambda live: live.toggle("grace")),
        ("Mum speaks", 6, lambda live: live.hear(heard("Mum", "hello everyone"))),
        ("share a private line", 7, lambda live: live.note("share: talk about the divorce")),
        ("Noah says girlfriend", 8, lambda live: live.hear(heard("Noah", "my girlfriend is nice"))),
        ("Kim speaks", 9, lambda live: live.hear(heard("Kim", "where are we?"))),
        ("Bob speaks", 10, lambda live: live.hear(heard("Bob", "sorry I'm late"))),
        ("mark school", 11, lambda live: live.mark_topic("school")),
        ("note while marked", 12, lambda live: live.note("next steps")),
        ("close school", 13, lambda live: live.mark_topic("school")),
        ("verbal consent", 14, lambda live: live.acknowledge(
            s.alert(1).id, AckAction.VERBAL_CONSENT, "Grace said yes")),
        ("false alarm, muted", 15, lambda live: live.acknowledge(
            s.alert(2).id, AckAction.FALSE_ALARM, mute="girlfriend")),
        ("stepped out", 16, lambda live: live.acknowledge(
            s.alert(3).id, AckAction.STEPPED_OUT, "Bob waited outside")),
        ("key 4: Bob out", 17, lambda live: live.toggle_nth(4)),
        ("divorce after consent", 18, lambda live: live.note("the divorce is final")),
        ("muted phrase heard", 19, lambda live: live.hear(heard("Noah", "my girlfriend again"))),
        ("discreet on", 20, lambda live: live.set_discreet(True)),
        ("discreet off", 21, lambda live: live.toggle_discreet()),
        ("paused", 22, lambda live: live.acknowledge(s.alert(4).id, AckAction.PAUSED)),
        ("guest by key", 30, lambda live: live.add_guest("  Uncle   Ray ")),
        ("end", 31, lambda live: live.end()),
        ("note after the end", 32, lambda live: live.note("one more thing")),
        ("ack after the end", 33, lambda live: live.acknowledge(s.alert(5).id, AckAction.PAUSED)),
    ]
    assert upto is None or upto in [name for name, _, _ in steps], upto
    for name, minutes, act in steps:
        s.step(name, minutes, act)
        if name == upto:
            break
    return s


@pytest.fixture
def script(seeded: Store) -> Script:
    return scripted(seeded)


FAMILY_1 = ('Family conflict came up ("divorce") with uncleared people present: '
            "Grace Kim (no scope extension for Family conflict)")
DATING_1 = ('Friendships and dating came up ("girlfriend") with uncleared people present: '
            "Grace Kim (no scope extension for Friendships and dating)")
FAMILY_2 = ("Bob joined while Family conflict is active with uncleared people present: "
            "Grace Kim (no scope extension for Family conflict); Bob (guest, not on the agreement)")
DATING_2 = ("Bob joined while Friendships and dating is active with uncleared people present: "
            "Grace Kim (no scope extension for Friendships and dating); "
            "Bob (guest, not on the agreement)")
SCHOOL = ("School worries marked active with uncleared people present: "
          "Bob (guest, not on the agreement)")


# ----------------------------------------------------------------------------- the record
def test_the_journal_holds_every_decision_in_order(script: Script) -> None:
    assert journal_rows(script.journal, script.live) == [
        ("started", 0, ["Noah Kim", "Alex Morgan"]),
        ("note", 1, "agenda: sleep and routines", ""),
        ("note", 2, "his exam is on Friday", "private"),
        ("topic", 2, "school", "exam", TopicSource.NOTE, ""),
        ("note", 3, "book the room for Tuesday", "shareable"),
        ("in", 4, "Grace Kim", KEY),  # School came up 2 minutes ago, but she is cleared for it
        ("out", 5, "Grace Kim", KEY),
        ("in", 6, "Grace Kim", SPEECH),
        ("note", 7, "talk about the divorce", "private"),
        ("topic", 7, "family", "divorce", TopicSource.NOTE, ""),
        ("alert", 7, "family", ["Grace Kim"], "divorce"),
        ("topic", 8, "dating", "girlfriend", TopicSource.TRANSCRIPT, "Noah"),
        ("alert", 8, "dating", ["Grace Kim"], "girlfriend"),
        # minute 9: "Kim" names two parties; nobody is guessed at, nothing is recorded
        ("guest", 10, "Bob", SPEECH),
        ("alert", 10, "family", ["Grace Kim", "Bob"], ""),
        ("alert", 10, "dating", ["Grace Kim", "Bob"], ""),
        ("mark", 11, "school", "active"),
        ("alert", 11, "school", ["Bob"], ""),
        ("note", 12, "next steps", "private"),  # a topic is marked: whatever is said is private
        ("mark", 13, "school", "closed"),
        ("ack", 14, 1, AckAction.VERBAL_CONSENT, "Grace said yes", ""),
        ("ack", 15, 2, AckAction.FALSE_ALARM, "", "girlfriend"),
        ("ack", 16, 3, AckAction.STEPPED_OUT, "Bob waited outside", ""),
        ("out", 17, "Bob", KEY),
        ("note", 18, "the divorce is final", "private"),
        ("topic", 18, "family", "divorce", TopicSource.NOTE, ""),  # no alert: Grace consented
        # minute 19: the muted phrase is not even detected
        ("discreet", 20, True),
        ("discreet", 21, False),
        ("ack", 22, 4, AckAction.PAUSED, "", ""),
        ("guest", 30, "Uncle Ray", KEY),  # nothing under discussion: no alert
        ("ended", 31),
        # minute 32: a note after the end is refused
        ("ack", 33, 5, AckAction.PAUSED, "", ""),
    ]


def test_the_journal_is_exactly_what_the_outcomes_reported(script: Script) -> None:
    reported = [event for outcome in script.out.values() for event in outcome.events]
    assert script.journal == reported  # every field, every id, in order
    assert replay(script.journal, script.live.state.session_id) == script.live.state


def test_the_alerts_name_the_topic_who_is_not_cleared_why_and_the_phrase(script: Script) -> None:
    grace = "grace"
    bob = next(g.id for g in script.live.state.guests.values() if g.name == "Bob")
    assert [(a.at, a.topic_id, a.topic_name, a.uncleared, a.reason, a.phrase)
            for a in script.alerts] == [
        (T0 + timedelta(minutes=7), "family", "Family conflict", [grace], FAMILY_1, "divorce"),
        (T0 + timedelta(minutes=8), "dating", "Friendships and dating", [grace], DATING_1,
         "girlfriend"),
        (T0 + timedelta(minutes=10), "family", "Family conflict", [grace, bob], FAMILY_2, ""),
        (T0 + timedelta(minutes=10), "dating", "Friendships and dating", [grace, bob], DATING_2,
         ""),
        (T0 + timedelta(minutes=11), "school", "School worries", [bob], SCHOOL, ""),
    ]
    assert [e for e in script.journal if isinstance(e, AlertRaised)] == script.alerts
    assert script.live.state.unacknowledged() == []


def test_the_index_entry_is_closed_with_the_counts(script: Script) -> None:
    script.live.retry()  # the retry timer brings the counts up to date after a late answer
    record = script.live.record
    assert record is not None
    stored = script.store.session(record.id, recount=False)
    assert stored is not None
    assert (stored.ended_at, stored.alerts, stored.unhandled) == (T0 + timedelta(minutes=31), 5, 0)
    assert open_today(script.store, "c-noah", T0 + timedelta(minutes=40)) is None  # nothing to resume


# ----------------------------------------------------------------------------- what the coach is shown
OUTCOMES: dict[str, tuple[list[tuple[LogKind, str, bool]], list[str], int, bool]] = {
    # step: (log lines (kind, text, private), notices, new alerts, bell without an alert)
    "begin": ([(EVENT, "Session started; in the room: Noah Kim, Alex Morgan", False)], [], 0, False),
    "plain note": ([(NOTE, "agenda: sleep and routines", True)], [], 0, False),
    "private note": ([(NOTE, "his exam is on Friday", True)], [], 0, False),
    "share item": ([(NOTE, "book the room for Tuesday", True)], [], 0, False),
    "key 3: Grace in": ([(EVENT, "Grace Kim came in", True)], [], 0, False),
    "Grace out": ([(EVENT, "Grace Kim left", True)], [], 0, False),
    "Mum speaks": ([(HEARD, "hello everyone", True),
                    (EVENT, "Grace Kim came in (heard speaking)", True)], [], 0, False),
    "share a private line": (
        [(NOTE, "talk about the divorce", True), (ALERT, FAMILY_1, True)],
        ["Kept as a private note, not shared: it touches a private topic."], 1, False),
    "Noah says girlfriend": (
        [(HEARD, "my girlfriend is nice", True), (ALERT, DATING_1, True)], [], 1, False),
    "Kim speaks": (
        [(HEARD, "where are we?", True),
         (EVENT, "Speaker 'Kim' matches more than one party; mark them present by hand", False)],
        [], 0, False),
    "Bob speaks": (
        [(HEARD, "sorry I'm late", True),
         (EVENT, "Guest Bob came in (unrecognised speaker): not cleared for any private topic",
          True),
         (ALERT, FAMILY_2, True), (ALERT, DATING_2, True)],
        ["Unrecognised speaker 'Bob' added as a guest: not cleared for any private topic. "
         "Add an alias on the agreement if they are a party."], 2, True),
    "mark school": ([(EVENT, "School worries marked active", True), (ALERT, SCHOOL, True)],
                    [], 1, False),
    "note while marked": ([(NOTE, "next steps", True)], [], 0, False),
    "close school": ([(EVENT, "School worries closed", True)], [], 0, False),
    "verbal consent": (
        [(ACK, "Alert on Family conflict handled: consent given verbally (Grace said yes)", True)],
        ["To-do added: get written consent from Grace Kim."], 0, False),
    "false alarm, muted": (
        [(ACK, 'Alert on Friendships and dating handled: false alarm; "girlfriend" no longer '
          "flagged", True)],
        ['"girlfriend" will no longer be flagged for this client.'], 0, False),
    "stepped out": (
        [(ACK, "Alert on Family conflict handled: asked the person to step out "
          "(Bob waited outside)", True)], [], 0, False),
    "key 4: Bob out": ([(EVENT, "Bob left", True)], [], 0, False),
    "divorce after consent": ([(NOTE, "the divorce is final", True)], [], 0, False),
    "muted phrase heard": ([(HEARD, "my girlfriend again", True)], [], 0, False),
    "discreet on": ([(EVENT, "Discreet mode on", False)], [], 0, False),
    "discreet off": ([(EVENT, "Discreet mode off", False)], [], 0, False),
    "paused": ([(ACK, "Alert on Friendships and dating handled: paused the topic", True)],
               [], 0, False),
    "guest by key": (
        [(EVENT, "Guest Uncle Ray came in: not cleared for any private topic", True)], [], 0,
        False),
    "end": ([(EVENT, "Session ended", False)], [], 0, False),
    "note after the end": ([], ["The session has ended."], 0, False),
    "ack after the end": (
        [(ACK, "Alert on School worries handled: paused the topic", True)], [], 0, False),
}


@pytest.mark.parametrize("step", list(OUTCOMES))
def test_each_step_tells_the_screen_what_to_show(script: Script, step: str) -> None:
    log, notices, alerts, bell = OUTCOMES[step]
    outcome = script.out[step]
    assert shown(outcome) == log
    assert told(outcome) == notices
    assert len(outcome.alerts) == alerts
    assert outcome.bell is bell
    assert outcome.hide_notices is (step == "discreet on")


def test_the_table_covers_the_whole_script(script: Script) -> None:
    assert list(script.out) == list(OUTCOMES)


def test_a_detected_phrase_is_highlighted_in_its_line(script: Script) -> None:
    (note,) = script.out["private note"].log
    assert note.spans == ((4, 8),)  # "exam"
    (line, _alert) = script.out["Noah says girlfriend"].log
    assert (line.speaker, line.spans) == ("Noah", ((3, 13),))
    (muted,) = script.out["muted phrase heard"].log
    assert muted.spans == ()


def test_every_note_and_transcript_line_is_hidden_in_discreet_mode(script: Script) -> None:
    """A phrase list never catches everything, so no line typed or heard shows on a shared
    screen in discreet mode, whether or not it hit a phrase."""
    lines = [entry for outcome in script.out.values() for entry in outcome.log
             if entry.kind in (NOTE, HEARD)]
    assert len(lines) == 11 and all(entry.private for entry in lines)  # 6 typed, 5 heard


def test_discreet_wording_names_no_private_topic_and_no_one_not_cleared(script: Script) -> None:
    private = [entry for outcome in script.out.values() for entry in outcome.log
               if entry.private and entry.kind not in (NOTE, HEARD)]
    masked = [entry.masked for entry in private]
    assert masked == [
        "A person not cleared (supporter/guardian) came in",  # Grace's name is hidden too
        "A person not cleared (supporter/guardian) left",
        "A person not cleared (supporter/guardian) came in (heard speaking)",
        "Alert on Private topic 1 — 1 person present not cleared",
        "Alert on Private topic 2 — 1 person present not cleared",
        "A guest came in (unrecognised speaker): not cleared for any private topic",
        "Alert on Private topic 1 — 2 people present not cleared",
        "Alert on Private topic 2 — 2 people present not cleared",
        "Private topic 3 marked active",
        "Alert on Private topic 3 — 1 person present not cleared",
        "Private topic 3 closed",
        "Alert on Private topic 1 handled: consent given verbally",
        "Alert on Private topic 2 handled: false alarm",
        "Alert on Private topic 1 handled: asked the person to step out",
        "A person not cleared (guest) left",
        "Alert on Private topic 2 handled: paused the topic",
        "A guest came in: not cleared for any private topic",
        "Alert on Private topic 3 handled: paused the topic",
    ]
    for text in masked:
        for secret in ("Family", "Friendships", "School", "divorce", "girlfriend", "exam",
                       "Grace", "Bob", "Ray"):
            assert secret not in text


def test_refused_share_notice_is_a_warning(script: Script) -> None:
    (notice,) = script.out["share a private line"].notices
    assert notice.severity == "warning"
    (unknown,) = script.out["Bob speaks"].notices
    assert (unknown.title, unknown.severity) == ("Unknown speaker", "warning")


def test_a_batch_of_transcript_lines_is_one_outcome_in_order(seeded: Store) -> None:
    live = open_live(seeded, "c-noah", Clock())
    live.begin()
    out = live.hear_all([heard("Mum", "hi", line_no=1), heard("Noah", "the divorce", line_no=2),
                         heard("Bob", "hello", line_no=3)])
    assert [type(e) for e in out.events] == [PresenceChanged, TopicDetected, AlertRaised,
                                             GuestJoined, AlertRaised]
    assert [e.kind for e in out.log] == [HEARD, EVENT, HEARD, ALERT, HEARD, EVENT, ALERT]
    assert len(out.alerts) == 2 and out.bell
    assert live.record is not None and seeded.events(live.record.id)[1:] == out.events


def test_a_line_heard_while_a_topic_is_marked_is_as_private_as_the_same_line_typed(
    seeded: Store,
) -> None:
    """While the coach has marked a topic as under discussion, whatever is said is about it,
    whatever the words (core.session.NoteVerdict): a typed note is then private, hidden in
    discreet mode. The same words heard in the transcript must be hidden too: the two inputs
    take one path and must behave alike."""
    clock = Clock()
    live = open_live(seeded, "c-noah", clock)
    live.begin()
    live.toggle("grace")
    live.mark_topic("family")
    (typed,) = live.note("he did it again").log
    (said,) = live.hear(heard("Noah", "he did it again")).log
    assert typed.private
    assert said.private


# ----------------------------------------------------------------------------- the agreement's edits
def test_verbal_consent_adds_a_to_do_and_clears_the_person_for_this_session(seeded: Store) -> None:
    s = scripted(seeded, upto="verbal consent")
    record = s.live.record
    assert record is not None
    (todo,) = seeded.agreement("c-noah").todos  # type: ignore[union-attr]
    assert todo.text == ("Record written consent from Grace Kim for Family conflict "
                         "(given verbally in the session of 2026-11-25 10:14)")
    assert (todo.participant_id, todo.session_id, todo.created_at) == (
        "grace", record.id, T0 + timedelta(minutes=14))
    grace = next(entry for entry in s.live.roster() if entry.participant_id == "grace")
    assert grace.verbally_cleared == ("Family conflict",)
    assert grace.uncleared_for == ("Friendships and dating",)
    assert s.live.state.verbally_cleared("family") == {"grace"}


def test_verbal_consent_for_a_guest_asks_to_add_them_to_the_agreement(seeded: Store) -> None:
    s = scripted(seeded, upto="mark school")
    school = s.alert(5)  # Bob alone is not cleared
    s.clock.at(12)
    out = s.live.acknowledge(school.id, AckAction.VERBAL_CONSENT)
    assert told(out) == ["To-do added: get written consent from Bob."]
    (todo,) = seeded.agreement("c-noah").todos  # type: ignore[union-attr]
    assert todo.text.startswith("Add Bob (a guest) to the agreement and record their written "
                                "consent for School worries")
    assert todo.participant_id is None


def test_without_verbal_consent_the_same_line_alerts_again(seeded: Store) -> None:
    """The control for the script's minute 18: had the family alert been paused instead of
    consented to, the same note with Grace in the room alerts anew."""
    s = scripted(seeded, upto="Noah says girlfriend")
    s.clock.at(9)
    s.live.acknowledge(s.alert(1).id, AckAction.PAUSED)
    s.clock.at(10)
    out = s.live.note("the divorce is final")
    assert [a.reason for a in out.alerts] == [FAMILY_1]


def test_a_false_alarm_with_mute_stops_the_phrase_and_is_saved_on_the_agreement(
    seeded: Store,
) -> None:
    s = scripted(seeded, upto="false alarm, muted")
    assert seeded.agreement("c-noah").muted_phrases == ["girlfriend"]  # type: ignore[union-attr]
    assert s.live.agreement.muted_phrases == ["girlfriend"]
    s.clock.at(16)
    for out in (s.live.note("his girlfriend called"),
                s.live.hear(heard("Noah", "My Girlfriend says hi"))):
        assert not out.alerts and not [e for e in out.events if isinstance(e, TopicDetected)]
    # A later session for this client does not flag it either.
    later = open_live(seeded, "c-noah", Clock().at(60 * 24))
    later.begin()
    later.toggle("grace")
    assert not later.note("his girlfriend called").alerts


def test_muting_in_discreet_mode_does_not_repeat_the_phrase(seeded: Store) -> None:
    s = scripted(seeded, upto="verbal consent")
    s.live.set_discreet(True)
    out = s.live.acknowledge(s.alert(2).id, AckAction.FALSE_ALARM, mute="girlfriend")
    assert told(out) == ["That phrase will no longer be flagged for this client."]


def test_an_acknowledgement_is_refused_when_it_cannot_be_recorded(seeded: Store) -> None:
    s = scripted(seeded, upto="verbal consent")
    before = len(s.journal)
    again = s.live.acknowledge(s.alert(1).id, AckAction.PAUSED)
    assert told(again) == ["alert on Family conflict was already handled: consent given verbally"]
    unknown = s.live.acknowledge("no-such-alert", AckAction.PAUSED)
    assert told(unknown) == ["no alert with id 'no-such-alert' in this session"]
    muting = s.live.acknowledge(s.alert(2).id, AckAction.PAUSED, mute="girlfriend")
    assert told(muting) == ["only a false alarm can mute a phrase"]
    assert len(s.journal) == before
    assert seeded.agreement("c-noah").muted_phrases == []  # type: ignore[union-attr]


# ----------------------------------------------------------------------------- before and after
INPUTS: dict[str, Callable[[LiveSession], Outcome]] = {
    "note": lambda live: live.note("the divorce"),
    "hear": lambda live: live.hear(heard("Bob", "the divorce")),
    "toggle": lambda live: live.toggle("grace"),
    "toggle_nth": lambda live: live.toggle_nth(3),
    "add_guest": lambda live: live.add_guest("Visitor"),
    "mark_topic": lambda live: live.mark_topic("family"),
    "set_discreet": lambda live: live.set_discreet(True),
    "toggle_discreet": lambda live: live.toggle_discreet(),
    "end": lambda live: live.end(),
}


@pytest.mark.parametrize("what", list(INPUTS))
def test_after_the_end_every_input_is_refused_with_a_reason(seeded: Store, what: str) -> None:
    clock = Clock()
    live = open_live(seeded, "c-noah", clock)
    live.begin()
    live.end()
    assert live.record is not None
    before = seeded.events(live.record.id)
    out = INPUTS[what](live)
    assert out == Outcome(notices=[Notice("The session has ended.", severity="warning")])
    assert seeded.events(live.record.id) == before
    assert not live.running and live.state.ended_at == T0


@pytest.mark.parametrize("what", list(INPUTS))
def test_before_the_start_every_input_is_refused_with_a_reason(seeded: Store, what: str) -> None:
    live = open_live(seeded, "c-noah", Clock())
    out = INPUTS[what](live)
    assert told(out) == ["The session has not started yet."]
    assert live.record is None and list(seeded.sessions(client_id="c-noah")) == []


def test_acknowledging_before_the_start_is_refused(seeded: Store) -> None:
    live = open_live(seeded, "c-noah", Clock())
    assert told(live.acknowledge("x", AckAction.PAUSED)) == ["The session has not started yet."]


def test_a_number_beyond_the_roster_is_refused(seeded: Store) -> None:
    live = open_live(seeded, "c-noah", Clock())
    live.begin()
    assert told(live.toggle_nth(4)) == ["There is no person 4 on the list."]
    assert told(live.toggle_nth(0)) == ["There is no person 0 on the list."]
    assert told(live.toggle("nobody")) == ["no party or guest with id 'nobody'"]
    assert told(live.add_guest("   ")) == ["a guest needs a name (e.g. 'visitor')"]
    assert told(live.note("share:")) == ['Nothing to note: type the action item after "share:".']
    assert live.note("   ") == Outcome()
    assert live.record is not None and len(seeded.events(live.record.id)) == 1


def test_a_session_needs_an_agreement_and_a_writable_store(seeded: Store, tmp_path: Path) -> None:
    seeded.save_client(Client("Lone", id="c-lone", created_on=TODAY))
    with pytest.raises(LiveError) as no_agreement:
        open_live(seeded, "c-lone", Clock())
    assert no_agreement.value.title == "No agreement"
    seeded.close()
    with Store.open(seeded.root, readonly=True) as readonly, \
            pytest.raises(LiveError) as refused:
        open_live(readonly, "c-noah", Clock())
    assert refused.value.title == "Read-only"
    assert "could not be recorded" in str(refused.value)


# ----------------------------------------------------------------------------- resuming
def test_resuming_from_the_journal_rebuilds_the_same_state(seeded: Store) -> None:
    s = scripted(seeded, upto="paused")
    record = open_today(seeded, "c-noah", s.clock())
    assert record is not None and record.id == s.live.record.id  # type: ignore[union-attr]
    again = open_live(seeded, "c-noah", s.clock)
    again.resume(record, seeded.events(record.id))
    was, now = s.live, again
    assert now.state == was.state
    assert now.state.unacknowledged() == was.state.unacknowledged()
    assert now.state.muted_phrases() == was.state.muted_phrases() == {"girlfriend"}
    for topic in ("family", "dating", "school"):
        assert now.state.verbally_cleared(topic) == was.state.verbally_cleared(topic)
    assert now.roster() == was.roster()
    assert now.topics() == was.topics()
    assert now.banner() == was.banner()
    assert now.status() == was.status()
    assert now.summary() == was.summary()


def test_a_resumed_session_carries_on_in_the_same_journal(seeded: Store) -> None:
    s = scripted(seeded, upto="Bob speaks")
    record = s.live.record
    assert record is not None
    clock = Clock().at(12)
    again = open_live(seeded, "c-noah", clock)
    out = again.resume(record, seeded.events(record.id))
    assert out.log[-1].text == "Session resumed"
    assert [e.text for e in out.log if e.kind is NOTE] == [
        "agenda: sleep and routines", "his exam is on Friday", "book the room for Tuesday",
        "talk about the divorce"]
    # Bob is known again (a guest from the journal), not a second unknown speaker.
    bob = again.hear(heard("Bob", "what did I miss?"))
    assert not bob.bell and not bob.events
    out = again.end()
    assert again.record is record
    journal = seeded.events(record.id)
    assert sum(isinstance(e, SessionStarted) for e in journal) == 1
    assert isinstance(journal[-1], SessionEnded) and journal[-1].at == T0 + timedelta(minutes=12)
    assert replay(journal, record.id) == again.state


def test_an_ended_session_cannot_be_resumed(seeded: Store) -> None:
    s = scripted(seeded, upto="end")
    record = s.live.record
    assert record is not None
    again = open_live(seeded, "c-noah", s.clock)
    with pytest.raises(LiveError) as refused:
        again.resume(record, seeded.events(record.id))
    assert refused.value.title == "Cannot resume"


def test_only_a_session_started_today_and_never_ended_is_offered_for_resuming(
    seeded: Store,
) -> None:
    live = open_live(seeded, "c-noah", Clock())
    live.begin()
    assert live.record is not None
    assert open_today(seeded, "c-noah", T0 + timedelta(hours=3)) == seeded.session(live.record.id)
    assert open_today(seeded, "c-noah", T0 + timedelta(days=1)) is None


# ----------------------------------------------------------------------------- automatic discreet mode
def test_auto_discreet_goes_on_when_someone_not_cleared_comes_in(seeded: Store) -> None:
    seeded.set_setting(AUTO_DISCREET, True)
    live = open_live(seeded, "c-noah", Clock())
    assert live.auto_discreet
    begun = live.begin()
    assert not live.state.discreet and not begun.hide_notices  # client and coach are cleared
    out = live.toggle_nth(3)
    assert [type(e) for e in out.events] == [PresenceChanged, DiscreetModeChanged]
    assert out.hide_notices and live.state.discreet and live.status().discreet
    assert out.notices == [Notice("Discreet mode on: Grace Kim not cleared for every private topic.",
                                  title="Discreet mode")]
    assert live.record is not None
    assert [type(e) for e in seeded.events(live.record.id)] == [
        SessionStarted, PresenceChanged, DiscreetModeChanged]


def test_auto_discreet_goes_on_before_an_unknown_speakers_line_is_announced(
    seeded: Store,
) -> None:
    live = open_live(seeded, "c-noah", Clock())
    live.begin()
    out = live.set_auto_discreet(True, lambda on: None)
    assert not live.state.discreet
    out = live.hear(heard("Bob", "the divorce, you said?"))
    assert [type(e) for e in out.events] == [GuestJoined, TopicDetected, AlertRaised,
                                             DiscreetModeChanged]
    assert out.hide_notices and out.bell and len(out.alerts) == 1
    assert [n.title for n in out.notices] == ["Unknown speaker", "Discreet mode"]


def test_turning_auto_discreet_on_saves_the_choice_and_acts_on_who_is_present(
    seeded: Store,
) -> None:
    live = open_live(seeded, "c-noah", Clock())
    live.begin()
    live.toggle("grace")
    assert not live.state.discreet
    out = live.set_auto_discreet(True, lambda on: seeded.set_setting(AUTO_DISCREET, on))
    assert seeded.setting(AUTO_DISCREET) is True
    assert live.state.discreet and out.hide_notices
    assert told(out)[0].startswith("Automatic discreet mode on")
    off = live.set_auto_discreet(False, lambda on: seeded.set_setting(AUTO_DISCREET, on))
    assert seeded.setting(AUTO_DISCREET) is False
    assert live.state.discreet  # turning the automatic off does not leave discreet mode
    assert told(off) == ["Automatic discreet mode off: discreet mode no longer turns on by "
                         "itself when someone not cleared is present."]


def test_an_auto_discreet_choice_that_cannot_be_saved_holds_for_this_session(
    seeded: Store,
) -> None:
    live = open_live(seeded, "c-noah", Clock())
    live.begin()

    def full_disk(on: bool) -> None:
        raise WriteFailed(Path("practice.json"), OSError(28, "No space left on device"))

    out = live.set_auto_discreet(True, full_disk)
    assert [(n.title, n.severity) for n in out.notices] == [("Could not save", "error"),
                                                            ("", "information")]
    assert out.notices[0].message.endswith("The choice holds until Roomguard closes.")
    assert live.auto_discreet and live.status().auto_discreet
    live.toggle("grace")
    assert live.state.discreet


# ----------------------------------------------------------------------------- a store that fails writes
class Faulty:
    """Switch the store's writes off and on: while a kind is in ``failing``, its writes fail
    as a full disk would. Kinds: "journal" (appending events), "index" (the session's index
    entry), "agreement"."""

    KINDS = {"journal": ("append_event", "append_events"), "index": ("update_session",),
             "agreement": ("save_agreement",)}

    def __init__(self, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
        self.failing: set[str] = set()
        for kind, methods in self.KINDS.items():
            for method in methods:
                if hasattr(store, method):
                    monkeypatch.setattr(store, method, self._wrap(kind, getattr(store, method)))

    def _wrap(self, kind: str, real: Callable[..., None]) -> Callable[..., None]:
        def write(*args: object) -> None:
            if kind in self.failing:
                raise WriteFailed(Path("journal.jsonl"), OSError(28, "No space left on device"))
            real(*args)

        return write


@pytest.fixture
def faulty(seeded: Store, monkeypatch: pytest.MonkeyPatch) -> Faulty:
    return Faulty(seeded, monkeypatch)


def test_a_store_that_fails_writes_keeps_the_session_running(
    seeded: Store, faulty: Faulty
) -> None:
    clock = Clock()
    live = open_live(seeded, "c-noah", clock)
    outcomes = [live.begin()]
    faulty.failing = {"journal"}
    clock.at(1)
    outcomes.append(live.toggle("grace"))
    clock.at(2)
    outcomes.append(live.note("we talked about the divorce"))
    clock.at(3)
    outcomes.append(live.hear(heard("Bob", "hello")))

    assert [a.reason for a in outcomes[2].alerts] == [
        FAMILY_1]  # decided and shown, though not yet saved
    # Grace in; the note, its topic, its alert; Bob, and his alert (the divorce was just said)
    assert live.running and live.unsaved_count == 6
    assert live.status().unsaved == 6
    errors = [n for out in outcomes for n in out.notices if n.severity == "error"]
    assert len(errors) == 1  # said once, not for every event
    assert errors[0].title == "Could not save"
    assert "No space left on device" in errors[0].message and "keeps running" in errors[0].message
    assert live.record is not None
    assert [type(e) for e in seeded.events(live.record.id)] == [SessionStarted]

    clock.at(4)
    still = live.retry()
    assert live.unsaved_count == 6 and not still.notices  # not told again while it keeps failing

    faulty.failing = set()
    clock.at(5)
    cleared = live.retry()
    assert told(cleared) == ["Everything is saved again."]
    assert live.unsaved_count == 0 and live.status().unsaved == 0
    assert seeded.events(live.record.id) == [e for out in outcomes for e in out.events]


def test_events_decided_while_the_store_fails_are_saved_in_order_with_the_next_write(
    seeded: Store, faulty: Faulty
) -> None:
    clock = Clock()
    live = open_live(seeded, "c-noah", clock)
    live.begin()
    faulty.failing = {"journal"}
    first = live.note("one")
    faulty.failing = set()
    clock.at(1)
    second = live.note("two")  # no retry needed: the next write takes the queue with it
    assert live.unsaved_count == 0
    assert told(second) == ["Everything is saved again."]
    assert live.record is not None
    assert seeded.events(live.record.id)[1:] == first.events + second.events


def test_a_session_begun_on_a_failing_store_is_saved_once_it_clears(
    seeded: Store, faulty: Faulty
) -> None:
    faulty.failing = {"journal", "index"}
    clock = Clock()
    live = open_live(seeded, "c-noah", clock)
    begun = live.begin()
    assert live.running and live.unsaved_count == 2  # the start and the index entry
    assert [n.title for n in begun.notices] == ["Could not save"]
    assert live.record is not None and seeded.session(live.record.id) is None
    clock.at(1)
    live.toggle("grace")
    assert live.unsaved_count == 3
    faulty.failing = set()
    live.retry()
    assert live.unsaved_count == 0
    assert [type(e) for e in seeded.events(live.record.id)] == [SessionStarted, PresenceChanged]
    assert seeded.session(live.record.id) is not None


def test_an_agreement_change_that_cannot_be_saved_is_kept_and_saved_later(
    seeded: Store, faulty: Faulty
) -> None:
    s = scripted(seeded, upto="Noah says girlfriend")
    faulty.failing = {"agreement"}
    s.clock.at(9)
    out = s.live.acknowledge(s.alert(1).id, AckAction.VERBAL_CONSENT)
    assert [n.title for n in out.notices] == ["To-do", "Could not save"]
    assert s.live.status().agreement_unsaved and s.live.writer.dirty
    assert s.live.unsaved_count == 0  # the acknowledgement itself is in the journal
    assert seeded.agreement("c-noah").todos == []  # type: ignore[union-attr]
    faulty.failing = set()
    saved = s.live.save_all()
    assert told(saved) == ["Everything is saved again."]
    assert not s.live.status().agreement_unsaved and not s.live.writer.dirty
    (todo,) = seeded.agreement("c-noah").todos  # type: ignore[union-attr]
    assert todo.participant_id == "grace"


def test_a_line_the_store_cannot_encode_does_not_hold_back_the_lines_after_it(
    seeded: Store,
) -> None:
    """Retrying cannot help a line the store refuses (a lone surrogate pasted into a note,
    which the journal rejects as InvalidRecord): it must not stop every later event from
    being saved, and nothing may be lost."""
    clock = Clock()
    live = open_live(seeded, "c-noah", clock)
    live.begin()
    clock.at(1)
    live.note("pasted \ud800 text")
    clock.at(2)
    live.note("the next note")
    live.retry()
    assert live.unsaved_count == 0
    assert live.record is not None
    notes = [e.text for e in seeded.events(live.record.id) if isinstance(e, NoteAdded)]
    assert len(notes) == 2 and notes[1] == "the next note"
    assert "pasted" in notes[0] and "text" in notes[0]
