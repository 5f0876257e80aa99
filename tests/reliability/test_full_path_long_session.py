"""An 8-hour session through the whole decision path, not just the store.

Every transcript line goes through what the live session and ``roomguard check`` use:
:func:`~roomguard.core.observe.observe` (speaker resolution, guests, the
:class:`~roomguard.core.detection.Detector`, the :class:`~roomguard.core.session.Guard` and the
policy), and every event it returns is recorded with ``store.append_event`` (one fsync each),
as the session screen does. The coach toggles people in and out by key, acknowledges each
alert a few lines later, and the session's index entry is updated on every alert and
acknowledgement. (``tests/reliability/test_long_session.py`` covers the store on its own.)

Per line it times *decide* (``observe``) and *decide + record* (until the last event
is on disk); lines that raise an alert give the alert latency. The full run (``--run-slow``,
printed by ``make reliability``) is 100,000 lines and 1,000 toggles over 8 simulated hours and
checks that memory grows by less than 20 MB and that nothing slows down: the p99 of the last
10% of lines against the first 10%. The default run is trimmed to 2,000 lines and checks only
correctness (5,000 lines): the journal holds exactly the events produced, in order, and replaying it gives
the guard's state.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from array import array
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import psutil
import pytest

from roomguard.core.detection import Detector
from roomguard.core.events import (
    AckAction,
    AlertAcknowledged,
    AlertRaised,
    Event,
    GuestJoined,
    PresenceChanged,
    PresenceSource,
    SessionEnded,
    TopicDetected,
)
from roomguard.core.models import (
    Agreement,
    Client,
    Participant,
    PrivateTopic,
    Role,
)
from roomguard.core.observe import Line, observe
from roomguard.core.session import Guard, fold, replay
from roomguard.core.transcript import Utterance
from roomguard.store import Store
from tests.builders import build_agreement, signed
from tests.reliability.conftest import FIGURES

EIGHT_HOURS = 8 * 3600
START = datetime(2026, 3, 2, 9, 0)
MEMORY_LIMIT = 20 * 1024 * 1024
DETECTION_RATE = 0.01
GUEST_RATE = 0.0002  # an unknown voice now and then (a few guests a session)

PHRASES = {
    "family": ["divorce", "custody", "argument at home"],
    "health": ["diagnosis", "therapy", "panic attack"],
}
WORDS = ["so", "I", "think", "that", "the", "week", "went", "well", "and", "then", "we", "talked", "about", "work", "plans", "goals", "meetings", "sleep", "running", "friends", "weekend", "project", "deadline", "feedback", "manager", "team", "[bold]really[/]", "\x1b[2J", "café", "naïve", "日本", "مرحبا"]
# How the coach answers alerts (a false alarm mutes its phrase for the rest of the session;
# verbal consent clears those people for that topic).
MIXED_ANSWERS = [AckAction.PAUSED] * 6 + [AckAction.VERBAL_CONSENT] * 2 + [AckAction.FALSE_ALARM]
# In the long run they keep the workload even: a muted phrase or a cleared person would make
# the end of the session quieter than its start, and the comparison meaningless.
STEADY_ANSWERS = [AckAction.PAUSED, AckAction.STEPPED_OUT]
# Who speaks: mostly the client and the coach; the supporter and the observer now and then.
SPEAKERS = ["Ann"] * 45 + ["Coach"] * 40 + ["Mum"] * 10 + ["Sam"] * 5


def practice(store: Store) -> Agreement:
    since = date(2025, 1, 1)
    people = [
        Participant("Ann Lee", Role.CLIENT, aliases=["Ann"], id="ann", added_on=since),
        Participant("Alex Morgan", Role.COACH, aliases=["Coach"], id="coach", added_on=since),
        Participant("Grace Lee", Role.SUPPORTER, aliases=["Mum"], id="mum", added_on=since),
        Participant("Sam Okafor", Role.OBSERVER, aliases=["Sam"], id="sam", added_on=since),
    ]
    topics = [
        PrivateTopic("Family", PHRASES["family"], id="family"),
        PrivateTopic("Health", PHRASES["health"], id="health"),
    ]
    agreement = build_agreement(
        *people, client_id="c-ann", topics=topics, consents=signed(*people, on=since)
    )
    store.save_client(Client("Ann Lee", id="c-ann", created_on=since))
    store.save_agreement(agreement)
    return agreement


def utterance(rng: random.Random, number: int) -> Utterance:
    """One transcript line: ordinary talk, about 1% of it touching a private topic."""
    guest = rng.random() < GUEST_RATE
    speaker = f"Visitor {rng.randint(1, 3)}" if guest else rng.choice(SPEAKERS)
    words = rng.choices(WORDS, k=rng.randint(4, 30))
    if rng.random() < DETECTION_RATE:
        words.insert(rng.randrange(len(words)), rng.choice(rng.choice(list(PHRASES.values()))))
    seconds = number * EIGHT_HOURS / 100_000
    cue = f"{int(seconds // 3600):02d}:{int(seconds % 3600 // 60):02d}:{seconds % 60:06.3f}"
    return Utterance(speaker, " ".join(words), cue, number + 1)


@dataclass
class Run:
    lines: int
    decide_ms: array = field(init=False)  # per line: observe
    line_ms: array = field(init=False)  # per line: observe + every append
    alert_lines: array = field(default_factory=lambda: array("l"))
    alert_ms: array = field(default_factory=lambda: array("d"))
    produced: list[Event] = field(default_factory=list)
    appends: int = 0
    toggles: int = 0
    detections: int = 0
    alerts: int = 0
    acks: int = 0
    guests: int = 0
    rss_start: int = 0
    rss_end: int = 0
    seconds: float = 0.0
    session_id: str = ""
    state: object = None

    def __post_init__(self) -> None:
        self.decide_ms = array("d", bytes(8 * self.lines))
        self.line_ms = array("d", bytes(8 * self.lines))


def simulate(store: Store, lines: int, toggles: int, seed: str, keep: bool,
             answers: list[AckAction]) -> Run:
    """One session of *lines* transcript lines; with *keep*, remember every event recorded."""
    run = Run(lines)
    rng = random.Random(seed)
    agreement = practice(store)
    record = store.start_session("c-ann", START, 1, ["ann", "coach"])
    run.session_id = record.id
    started = store.events(record.id)
    guard = Guard.resume(agreement, started, record.id)  # as the session screen does
    detector = Detector.from_topics(agreement.terms.topics, agreement.muted_phrases)
    if keep:
        run.produced.extend(started)
    toggle_every = max(1, lines // toggles)
    to_acknowledge: dict[int, list[str]] = {}  # line number -> alert ids the coach answers then
    process = psutil.Process()
    warm_up = lines // 100

    def record_events(events: list[Event]) -> None:
        for event in events:
            store.append_event(record.id, event)
        run.appends += len(events)
        if keep:
            run.produced.extend(events)

    def update_index() -> None:
        record.alerts = len(guard.state.alerts)
        record.unhandled = len(guard.state.unacknowledged())
        store.update_session(record)

    began = time.perf_counter()
    for i in range(lines):
        if i == warm_up:
            gc.collect()
            run.rss_start = process.memory_info().rss
        now = START + timedelta(seconds=i * EIGHT_HOURS / lines)

        # The coach: a key press for a third party, and alerts answered a few lines on.
        if i % toggle_every == 0 and run.toggles < toggles:
            who = ("mum", "sam")[run.toggles % 2]
            record_events(guard.toggle_presence(who, now, PresenceSource.KEY))
            run.toggles += 1
        for alert_id in to_acknowledge.pop(i, []):
            action = rng.choice(answers)
            mute = guard.state.alerts[alert_id].phrase if action is AckAction.FALSE_ALARM else ""
            record_events(guard.acknowledge(alert_id, action, now, note="noted", mute_phrase=mute))
            run.acks += 1
            update_index()

        # A transcript line, judged and recorded.
        heard = utterance(rng, i)
        t0 = time.perf_counter()
        events = observe(guard, detector, Line.heard(heard), now).events
        t1 = time.perf_counter()
        record_events(events)
        t2 = time.perf_counter()
        run.decide_ms[i] = (t1 - t0) * 1000
        run.line_ms[i] = (t2 - t0) * 1000

        alerts = [e for e in events if isinstance(e, AlertRaised)]
        run.detections += sum(isinstance(e, TopicDetected) for e in events)
        run.guests += sum(isinstance(e, GuestJoined) for e in events)
        if alerts:
            run.alerts += len(alerts)
            run.alert_lines.append(i)
            run.alert_ms.append(run.line_ms[i])
            update_index()
            answer_at = i + rng.randint(3, 40)
            to_acknowledge.setdefault(answer_at, []).extend(a.id for a in alerts)

    # The end, as the session screen writes it: the event, then the closed index entry.
    end = START + timedelta(seconds=EIGHT_HOURS)
    record_events(guard.end(end))
    record.ended_at = end
    update_index()
    run.seconds = time.perf_counter() - began
    gc.collect()
    run.rss_end = process.memory_info().rss
    run.state = guard.state
    return run


def check_journal(path: Path, run: Run) -> None:
    """The journal holds what was produced, in order, and replays to the guard's state."""
    with Store.open(path, readonly=True) as store:
        events = store.events(run.session_id)
        record = store.session(run.session_id)
    assert record is not None
    assert events == run.produced
    replayed = replay(events, run.session_id)
    live = run.state
    for name in ("present", "guests", "active_topics", "alerts", "acknowledgements",
                 "presence_log", "ended_at"):
        assert getattr(replayed, name) == getattr(live, name), name
    assert record.alerts == run.alerts
    assert record.ended_at == START + timedelta(seconds=EIGHT_HOURS)
    # The state's per-line queries agree with the alerts and answers they summarise.
    for state in (live, replayed):
        waiting = [a for a in state.alerts.values() if a.id not in state.acknowledgements]
        assert state.unacknowledged() == sorted(waiting, key=lambda a: a.at)
        assert state.muted_phrases() == {fold(a.mute_phrase)
                                         for a in state.acknowledgements.values()
                                         if a.mute_phrase}
        for topic_id in PHRASES:
            assert state.verbally_cleared(topic_id) == {
                pid for alert_id, ack in state.acknowledgements.items()
                if ack.action is AckAction.VERBAL_CONSENT
                and state.alerts[alert_id].topic_id == topic_id
                for pid in state.alerts[alert_id].uncleared
            }


def test_trimmed_full_path_session_records_every_decision_in_order(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with Store.open(path) as store:
        run = simulate(store, lines=5_000, toggles=50, seed="trimmed-full-path", keep=True,
                       answers=MIXED_ANSWERS)
    assert run.toggles == 50
    assert run.detections >= 10 and run.alerts >= 2, (run.detections, run.alerts)
    assert run.acks <= run.alerts
    answered = {e.action for e in run.produced if isinstance(e, AlertAcknowledged)}
    assert {AckAction.VERBAL_CONSENT, AckAction.FALSE_ALARM} <= answered
    assert run.appends == len(run.produced) - 1  # the start is written by the store
    assert isinstance(run.produced[-1], SessionEnded)
    check_journal(path, run)
    # Every alert follows what caused it: a detection, or someone arriving, at the same time.
    events = run.produced
    for index, event in enumerate(events):
        if isinstance(event, AlertRaised):
            cause = events[index - 1]
            assert cause.at == event.at
            assert isinstance(cause, TopicDetected | PresenceChanged | GuestJoined
                              | AlertRaised), cause
        if isinstance(event, AlertAcknowledged):
            assert event.alert_id in {e.id for e in events[:index] if isinstance(e, AlertRaised)}


# ----------------------------------------------------------------------------- the full run
def p99(values: array | list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _tenths(values: array) -> tuple[array, array]:
    tenth = len(values) // 10
    return values[:tenth], values[-tenth:]


def _alerts_in(run: Run, first: bool) -> list[float]:
    cut = run.lines // 10
    return [ms for line, ms in zip(run.alert_lines, run.alert_ms, strict=True)
            if (line < cut if first else line >= run.lines - cut)]


@pytest.mark.slow
def test_eight_hour_full_path_session_stays_flat(tmp_path: Path, record_property) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "store"
    with Store.open(path) as store:
        run = simulate(store, lines=100_000, toggles=1_000, seed="eight-hours-full", keep=False,
                       answers=STEADY_ANSWERS)

    decide_first, decide_last = _tenths(run.decide_ms)
    line_first, line_last = _tenths(run.line_ms)
    alert_first, alert_last = _alerts_in(run, True), _alerts_in(run, False)
    growth = run.rss_end - run.rss_start
    line = (
        f"8-hour session, full path (detector + guard + observe + append_event): "
        f"{run.lines:,} lines, {run.toggles:,} toggles, {run.appends:,} events appended "
        f"({run.detections:,} detections, {run.alerts:,} alerts, {run.acks:,} acknowledged, "
        f"{run.guests} guests) in {run.seconds:.1f} s; "
        f"per-line p99 decide {p99(decide_first):.3f} -> {p99(decide_last):.3f} ms, "
        f"decide+record {p99(line_first):.3f} -> {p99(line_last):.3f} ms (first -> last 10%); "
        f"alert latency median {statistics.median(alert_first):.2f} -> "
        f"{statistics.median(alert_last):.2f} ms, p99 {p99(alert_first):.2f} -> "
        f"{p99(alert_last):.2f} ms ({len(alert_first)} / {len(alert_last)} alerts); "
        f"RSS growth {growth / 1024 / 1024:.1f} MB"
    )
    print("\n" + line)
    record_property(FIGURES, {"kind": "line", "line": line})

    assert run.toggles == 1_000
    assert run.detections > 500 and len(alert_first) >= 5 and len(alert_last) >= 5, line
    assert growth < MEMORY_LIMIT, line
    # No slowdown: the session's end is no slower than its start (twice, plus a little slack
    # for fsync jitter on a shared machine).
    assert p99(decide_last) <= 2 * p99(decide_first) + 0.2, line
    assert p99(line_last) <= 2 * p99(line_first) + 2.0, line
    assert statistics.median(alert_last) <= 2 * statistics.median(alert_first) + 2.0, line
