"""An 8-hour session against the real store: does anything grow with the length of a session?

The full run (``--run-slow``) simulates 8 hours: 1,000 presence toggles and 100,000 transcript
lines, of which about 1% mention a private topic and become ``TopicDetected`` events (every
tenth of those also raises an alert and updates the session's index row). It checks that the
process's memory grows by less than 20 MB and that appends near the end are no slower than
twice the appends at the start (median of the last 10% against the first 10%).

The default run is the same simulation trimmed to ~2,000 transcript lines and checks only
correctness: every event reads back, in order, equal to what was appended.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import psutil
import pytest

from roomguard.core.events import (
    AlertRaised,
    Event,
    PresenceChanged,
    SessionEnded,
    SessionStarted,
    TopicDetected,
    TopicSource,
)
from roomguard.core.models import Agreement, PrivateTopic, Role
from roomguard.store import Store
from tests.builders import build_agreement, build_client, build_party
from tests.reliability.conftest import FIGURES

EIGHT_HOURS = 8 * 3600
START = datetime(2026, 3, 2, 9, 0)
DETECTION_RATE = 0.01
MEMORY_LIMIT = 20 * 1024 * 1024
SPEAKERS = ["Coach", "Ann", "Ann's mother", "[bold]Guest[/]"]
PHRASES = ["divorce", "her debts", "the diagnosis"]


@dataclass
class Simulation:
    appended: list[Event] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)  # seconds, one per append_event
    lines: int = 0
    detections: int = 0
    alerts: int = 0
    rss_start: int = 0
    rss_end: int = 0
    seconds: float = 0.0
    record_id: str = ""


def practice(store: Store) -> tuple[Agreement, list[str]]:
    people = [
        build_party(name="Ann", role=Role.CLIENT, id="ann"),
        build_party(name="Ann's mother", role=Role.SUPPORTER, id="mum"),
        build_party(name="Sam", role=Role.OBSERVER, id="sam"),
    ]
    topic = PrivateTopic(name="Family", phrases=PHRASES, id="family")
    store.save_client(build_client(name="Ann", id="c-ann"))
    agreement = build_agreement(*people, client_id="c-ann", topics=[topic])
    store.save_agreement(agreement)
    return agreement, [p.id for p in people]


def simulate(store: Store, lines: int, toggles: int, seed: str, keep: bool) -> Simulation:
    """Run one session; with *keep*, remember every event appended (for the equality check)."""
    rng = random.Random(seed)
    sim = Simulation()
    _, people = practice(store)
    record = store.start_session("c-ann", START, 1, people[:1])
    present = {pid: pid == people[0] for pid in people}
    toggle_every = max(1, lines // toggles)
    warm_up = lines // 100
    process = psutil.Process()

    def append(event: Event) -> None:
        began = time.perf_counter()
        store.append_event(record.id, event)
        sim.latencies.append(time.perf_counter() - began)
        if keep:
            sim.appended.append(event)

    began = time.perf_counter()
    for i in range(lines):
        if i == warm_up:
            gc.collect()
            sim.rss_start = process.memory_info().rss
        at = START + timedelta(seconds=i * EIGHT_HOURS / lines)
        speaker = rng.choice(SPEAKERS)
        if i % toggle_every == 0 and i // toggle_every < toggles:
            who = people[1 + (i // toggle_every) % 2]
            present[who] = not present[who]
            append(PresenceChanged(at=at, participant_id=who, present=present[who]))
        # observe a transcript line; about 1% mention a private topic
        if rng.random() < DETECTION_RATE:
            phrase = rng.choice(PHRASES)
            text = f"{speaker}: so about {phrase}, line {i} \x1b[2J"
            start = text.index(phrase)
            append(
                TopicDetected(
                    at=at,
                    topic_id="family",
                    phrase=phrase,
                    source=TopicSource.TRANSCRIPT,
                    line=text,
                    speaker=speaker,
                    start=start,
                    end=start + len(phrase),
                    cue_time=f"{i * EIGHT_HOURS // lines // 3600:02d}:00:00.000",
                )
            )
            sim.detections += 1
            uncleared = [pid for pid in people[1:] if present[pid]]
            if sim.detections % 10 == 0 and uncleared:
                append(
                    AlertRaised(
                        at=at,
                        topic_id="family",
                        topic_name="Family",
                        uncleared=uncleared,
                        reason="topic mentioned with uncleared people present",
                        phrase=phrase,
                        id=f"alert{sim.detections:06d}",
                    )
                )
                sim.alerts += 1
                record.alerts = sim.alerts
                store.update_session(record)
        sim.lines += 1
    end = START + timedelta(seconds=EIGHT_HOURS)
    store.end_session(record, end)
    if keep:
        sim.appended.insert(
            0, SessionStarted(at=START, client_id="c-ann", terms_version=1, present=people[:1])
        )
        sim.appended.append(SessionEnded(at=end))
    sim.seconds = time.perf_counter() - began
    gc.collect()
    sim.rss_end = process.memory_info().rss
    sim.record_id = record.id
    return sim


def check_read_back(store_path, sim: Simulation) -> None:
    with Store.open(store_path) as store:
        record = store.session(sim.record_id)
        assert record.ended_at == START + timedelta(seconds=EIGHT_HOURS)
        assert record.alerts == sim.alerts
        assert store.open_sessions() == []
        events = store.events(record.id)
    assert events == sim.appended


def test_trimmed_session_reads_back_every_event_in_order(store_path):
    with Store.open(store_path) as store:
        sim = simulate(store, lines=2_000, toggles=20, seed="trimmed", keep=True)
    assert len(sim.latencies) == len(sim.appended) - 2  # start and end are appended by the store
    assert sum(isinstance(e, PresenceChanged) for e in sim.appended) == 20
    assert sim.detections > 5
    check_read_back(store_path, sim)


def _median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


@pytest.mark.slow
def test_eight_hour_session_memory_and_latency_stay_flat(store_path, record_property):
    with Store.open(store_path) as store:
        sim = simulate(store, lines=100_000, toggles=1_000, seed="eight-hours", keep=True)
    check_read_back(store_path, sim)

    tenth = len(sim.latencies) // 10
    first, last = sim.latencies[:tenth], sim.latencies[-tenth:]
    growth = sim.rss_end - sim.rss_start
    line = (
        f"8-hour session: {sim.lines} lines, {len(sim.latencies)} appends "
        f"({sim.detections} detections, {sim.alerts} alerts) in {sim.seconds:.1f} s; "
        f"append median first 10% {_median_ms(first):.3f} ms, last 10% {_median_ms(last):.3f} ms, "
        f"p95 {statistics.quantiles(sim.latencies, n=20)[-1] * 1000:.3f} ms; "
        f"RSS growth {growth / 1024 / 1024:.1f} MB"
    )
    print("\n" + line)
    record_property(FIGURES, {"kind": "line", "line": line})

    assert sum(isinstance(e, PresenceChanged) for e in sim.appended) == 1_000
    assert growth < MEMORY_LIMIT, line
    assert _median_ms(last) <= 2 * _median_ms(first), line
