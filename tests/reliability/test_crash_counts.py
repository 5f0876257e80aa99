"""kill -9 during a session with alerts: after reopening, the session's counts are its journal's.

Issue 17, item 3: the index row of a session is written at its start and end only, so a session
killed with an unacknowledged alert showed "open 0" on home and nothing under History's
"unhandled only" (7 of 76 trials). ``crash_child.py alerts`` raises alerts and acknowledges
every other one, reporting each once on disk; it is SIGKILLed after a random delay. Reopening
must show the alerts and unhandled counts that the journal holds, through ``session()`` and
``sessions()`` alike, read-only (before any repair) and writable (repaired and persisted).

20 trials; 200 with ``--run-slow``.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from roomguard.core.session import replay
from roomguard.store import Store
from tests.builders import build_client
from tests.reliability.children import Child
from tests.reliability.conftest import FIGURES

CLIENT_ID = "c0ffee0000000002"


def _trial(root: Path, tmp_path: Path, rng: random.Random, n: int) -> tuple[int, int]:
    child = Child("alerts", root, CLIENT_ID, stderr_path=tmp_path / f"stderr-{n}.txt")
    started = child.read_line()
    assert started.startswith("started "), started
    session_id = started.split()[1]
    time.sleep(rng.uniform(0.0, 0.12))
    child.kill()
    reported = [line for line in child.rest() if line[:1] in "RK"]
    raised = sum(line.startswith("R ") for line in reported)

    with Store.open(root, readonly=True) as reader:  # what a second instance shows
        events = reader.events(session_id)
        state = replay(events, session_id)
        truth = (len(state.alerts), len(state.unacknowledged()))
        assert raised <= truth[0] <= raised + 1  # nothing reported is lost
        row = reader.session(session_id)
        assert (row.alerts, row.unhandled) == truth
    with Store.open(root) as store:
        row = store.session(session_id)
        assert (row.alerts, row.unhandled, row.ended_at) == (*truth, None)
        listed = {r.id: (r.alerts, r.unhandled) for r in store.sessions()}
        assert listed[session_id] == truth
        unhandled_only = [r.id for r in store.sessions() if r.unhandled > 0]
        assert (session_id in unhandled_only) == (truth[1] > 0)
    with Store.open(root, readonly=True) as reader:  # persisted
        index = reader.session(session_id, recount=False)
        assert (index.alerts, index.unhandled) == truth
    return truth


def _run(root: Path, tmp_path: Path, trials: int, seed: int) -> dict[str, int]:
    with Store.open(root) as store:
        store.save_client(build_client(name="Crash Counts", id=CLIENT_ID))
    rng = random.Random(seed)
    with_unhandled = 0
    alerts = 0
    for n in range(trials):
        got = _trial(root, tmp_path, rng, n)
        alerts += got[0]
        with_unhandled += got[1] > 0
    return {"trials": trials, "alerts": alerts, "with_unhandled": with_unhandled}


def _figures(record_property, run: str, found: dict[str, int]) -> None:
    record_property(FIGURES, {"line": (
        f"kill -9 during a session with alerts ({run}): {found['trials']} trials, "
        f"{found['alerts']} alerts on disk, {found['with_unhandled']} sessions left with "
        "unhandled alerts, 0 wrong counts after reopening")})


def test_counts_after_kill_9_are_the_journals(store_path, tmp_path, record_property):
    _figures(record_property, "default", _run(store_path, tmp_path, 20, seed=17))


@pytest.mark.slow
def test_counts_after_kill_9_are_the_journals_200_trials(store_path, tmp_path, record_property):
    _figures(record_property, "slow", _run(store_path, tmp_path, 200, seed=1717))
