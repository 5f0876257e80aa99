"""Crash harness: a real writer process is SIGKILLed at random moments, over and over.

``crash_child.py churn`` writes presence toggles, agreement edits and session index updates
to a real store, printing each one's number after the call returns ("reported as committed").
The parent kills it with SIGKILL after a seeded random delay of 0-150 ms, then opens the store
and checks that it opens (recovering the dead writer's lock), that everything in it loads,
and that every write reported before the kill is there: no gaps, no duplicates, and nothing
more than the one write that may have been in flight.

20 trials by default; 200 with ``--run-slow``.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest

from roomguard.core.events import PresenceChanged, SessionStarted
from roomguard.core.models import (
    Role,
)
from roomguard.store import Store
from tests.builders import build_agreement, build_client, build_party, signed
from tests.reliability.children import Child, run_probe
from tests.reliability.conftest import FIGURES
from tests.reliability.crash_child import TOGGLE_PREFIX, edit_number, toggle_number

MAX_DELAY = 0.150
EARLY_KILL_EVERY = 5  # one trial in five kills the child while it is still opening the store
CLIENT_ID = "c0ffee0000000001"


@dataclass
class Trial:
    delay_ms: float
    early: bool
    reported: dict[str, int]  # kind -> last number reported as committed
    writes: int  # reports seen during this trial
    torn: bool


def make_store(root: Path) -> str:
    with Store.open(root) as store:
        store.save_client(build_client(name="[bold]Crash[/] \x1b[2J Test", id=CLIENT_ID))
        party = build_party(name="Ann", role=Role.CLIENT, id="ann")
        store.save_agreement(
            build_agreement(party, client_id=CLIENT_ID, consents=signed(party, on=date(2026, 1, 1)))
        )
        record = store.start_session(CLIENT_ID, datetime(2026, 3, 2, 9), 1, ["ann"])
    return record.id


def verify(
    root: Path, session_id: str, reported: dict[str, int], child_pid: int | None
) -> tuple[dict[str, int], bool]:
    """Open the store after the crash and check it.

    Returns the numbers now on disk, and whether the journal ended in a torn line.
    """
    with Store.open(root) as store:
        if child_pid is not None:
            assert store.lock_recovered_from is not None, "the dead writer's lock was not seen"
            assert store.lock_recovered_from.pid == child_pid

        # validates: every record of every kind loads
        clients = store.clients()
        assert [c.id for c in clients] == [CLIENT_ID]
        agreements = list(store.agreements())
        assert len(agreements) == 1
        records = list(store.sessions())
        assert [r.id for r in records] == [session_id]
        events = store.events(session_id)
        assert isinstance(events[0], SessionStarted)
        assert all(isinstance(e, PresenceChanged) for e in events[1:])

        # every reported toggle is there, in order, without gaps or repeats
        toggles = [toggle_number(e) for e in events[1:]]
        assert toggles == list(range(1, len(toggles) + 1))
        assert reported["T"] <= len(toggles) <= reported["T"] + 1
        for number, event in enumerate(events[1:], start=1):
            assert event.participant_id == f"{TOGGLE_PREFIX}{number}"
            assert event.present == (number % 2 == 1)

        # the agreement edit reported last (or the one in flight) is the one on disk, whole
        agreement = agreements[0][1]
        edit = edit_number(agreement.muted_phrases)
        assert reported["A"] <= edit <= reported["A"] + 1
        if edit:
            assert agreement.muted_phrases == [f"edit-{edit}", "[bold]x[/] \x1b[2J"]
            assert agreement.consents[0].document_ref == f"edit-{edit}"

        record = records[0]
        update = record.terms_version - 1
        assert reported["S"] <= update <= reported["S"] + 1
        assert (record.alerts, record.unhandled) == (0, 0)  # as the journal has it: no alert

        on_disk = {"T": len(toggles), "A": edit, "S": update}
        return on_disk, _journal_has_torn_tail(root, session_id)


def _journal_has_torn_tail(root: Path, session_id: str) -> bool:
    from roomguard.store.journal import scan

    path = root / "sessions" / session_id[:6] / f"{session_id}.jsonl"
    raw = path.read_bytes()
    return scan(raw)[1] < len(raw)


def run_trial(
    root: Path,
    session_id: str,
    on_disk: dict[str, int],
    rng: random.Random,
    number: int,
    logs: Path,
) -> tuple[Trial, dict[str, int]]:
    early = number % EARLY_KILL_EVERY == EARLY_KILL_EVERY - 1
    delay = rng.uniform(0, MAX_DELAY)
    child = Child("churn", root, session_id, CLIENT_ID, stderr_path=logs / f"trial-{number}.err")
    if early:
        # kill while it starts: imports, opens the store, takes the lock, reads its state
        time.sleep(delay)
        child.kill()
        lines = child.rest()
    else:
        lines = [child.read_line()]
        time.sleep(delay)
        child.kill()
        lines += child.rest()
    assert not child.exited_by_itself(), f"child failed on its own:\n{child.stderr()}"

    child_pid = None
    if lines:
        ready, pid, *numbers = lines.pop(0).split()
        assert ready == "ready"
        child_pid = int(pid)
        # the child starts from exactly what the last check found on disk
        assert dict(zip("TAS", map(int, numbers), strict=True)) == on_disk
    reported = dict(on_disk)
    for line in lines:
        kind, value = line.split()
        assert int(value) == reported[kind] + 1, f"reports out of order: {lines}"
        reported[kind] = int(value)

    # Killed before "ready", the child may not have written its name into the lock yet.
    found, torn = verify(root, session_id, reported, child_pid)
    return Trial(delay * 1000, early, reported, len(lines), torn), found


def run_batch(tmp_path: Path, seed: str, trials: int, record_property, run: str) -> None:
    root = tmp_path / "store"
    session_id = make_store(root)
    rng = random.Random(seed)
    on_disk = {"T": 0, "A": 0, "S": 0}
    results = []
    for number in range(trials):
        trial, on_disk = run_trial(root, session_id, on_disk, rng, number, tmp_path)
        results.append(trial)

    writes = sum(t.writes for t in results)
    assert writes > 0, "every kill came before the first write: nothing was tested"
    figures = {
        "kind": "crash",
        "run": run,
        "trials": trials,
        "writes": writes,
        "early_kills": sum(t.early for t in results),
        "torn_tails": sum(t.torn for t in results),
    }
    record_property(FIGURES, figures)
    print(
        f"\ncrash batch {seed}: {trials} trials, {writes} writes verified, "
        f"{writes / trials:.1f} writes/trial, delays "
        f"{min(t.delay_ms for t in results):.0f}-{max(t.delay_ms for t in results):.0f} ms"
    )


@pytest.mark.parametrize("batch", range(4))
def test_sigkill_never_loses_a_reported_write(tmp_path, batch, record_property):
    run_batch(tmp_path, f"crash-{batch}", 5, record_property, "default")


@pytest.mark.slow
@pytest.mark.parametrize("batch", range(10))
def test_sigkill_never_loses_a_reported_write_200_trials(tmp_path, batch, record_property):
    run_batch(tmp_path, f"crash-long-{batch}", 20, record_property, "long")


# ------------------------------------------------------------------ two real processes


def test_second_process_is_locked_out_until_the_first_dies(tmp_path):
    root = tmp_path / "store"
    make_store(root)
    first = Child("hold", root, stderr_path=tmp_path / "first.err")
    try:
        assert first.read_line() == f"ready {first.pid}"
        second = run_probe(root, tmp_path / "second.err")
        assert second["outcome"] == "locked", second
        assert f"pid {first.pid}" in second["holder"]
        assert f"pid {first.pid}" in second["message"]
    finally:
        first.kill()

    third = run_probe(root, tmp_path / "third.err")
    assert third["outcome"] == "opened", third
    assert third["recovered_from"] == first.pid
    assert third["clients"] == ["[bold]Crash[/] \x1b[2J Test"]

    fourth = run_probe(root, tmp_path / "fourth.err")  # third closed cleanly: nothing stale
    assert fourth["outcome"] == "opened"
    assert fourth["recovered_from"] is None


def test_a_killed_writer_is_replaced_by_a_new_writer_that_continues(tmp_path):
    root = tmp_path / "store"
    session_id = make_store(root)
    first = Child("churn", root, session_id, CLIENT_ID, stderr_path=tmp_path / "a.err")
    assert first.read_line().startswith("ready")
    while not first.read_line().startswith("A "):
        pass  # at least one agreement edit made
    first.kill()
    last_first = [line for line in first.rest() if line.startswith("T ")]

    second = Child("churn", root, session_id, CLIENT_ID, stderr_path=tmp_path / "b.err")
    ready = second.read_line().split()
    assert int(ready[2]) >= (int(last_first[-1].split()[1]) if last_first else 1)
    first_of_second = second.read_line()
    second.kill()
    assert first_of_second == f"T {int(ready[2]) + 1}"
    reported = {"T": int(ready[2]) + 1, "A": int(ready[3]), "S": int(ready[4])}
    verify(root, session_id, reported, second.pid)
