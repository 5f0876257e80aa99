"""kill -9 during a live session with notes typed ahead: every note shown as saved is on disk,
once, whole, in order, and the counts after reopening are the journal's.

Issue 17, items 3 and 4. ``live_child.py`` runs a live session on a demo practice and types
notes as fast as they go (``note<n> alpha``, every 7th ``note<n> divorce``, a private topic,
with person 3 brought in and out, a transcript line heard and alerts acknowledged along the
way), reporting each note once it is shown as saved. It is SIGKILLed at a random moment, then
the harness reopens the store, read-only and then for writing (which recovers the dead
writer's lock and the counts of the session it left open), and checks:

* no corrupt store: it opens, and ``Store.verify`` finds no damage (a torn last line is a
  normal end after a crash, recovered and counted here);
* the session's notes are exactly ``note1 .. noteK`` in order: none lost, merged, split or
  duplicated, K at least the last note reported saved and at most the last one typed;
* every session's alerts and unhandled counts, as ``session()`` and ``sessions()`` give them
  read-only and as the index row holds them after the writable open, are what its journal
  adds up to (``replay``).

Two children: ``live`` drives :class:`~roomguard.live.session.LiveSession` headless (what the
session screen calls; a note is saved when ``note`` returns with nothing unsaved), about a
thousand notes a second allowing; ``tui`` is the real app, headless, with keys typed ahead in
bursts through Textual's parser (Esc+3 and n among them), so the kill lands while keys are
queued; a note is saved when the log shows it and nothing is unsaved. Most trials resume the
session the previous child left open; every tenth starts a new one, and every tenth is killed
at a random moment of its start (opening the store, resuming, beginning).

Default run: 10 ``live`` and 3 ``tui`` trials. ``--run-slow``: 200 ``live`` and 24 ``tui``.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest

from roomguard.core.events import NoteAdded
from roomguard.core.session import replay
from roomguard.store import Store
from roomguard.store.demo import load_demo
from roomguard.store.journal import scan
from tests.reliability.children import Child
from tests.reliability.conftest import FIGURES
from tests.reliability.live_child import note_text

LIVE_CHILD = Path(__file__).with_name("live_child.py")
CLIENT = "Noah Kim"
NEW_EVERY = 10  # trial % NEW_EVERY == 0: a new session (else resume the one left open)
EARLY_EVERY = 10  # trial % EARLY_EVERY == EARLY_EVERY - 1: killed at a moment of its start
DELAY = {"live": 0.3, "tui": 2.0}  # longest wait between "ready" and the kill, seconds
START = {"live": 1.5, "tui": 6.0}  # longest wait after starting for an early kill


@dataclass
class Figures:
    trials: int = 0
    early: int = 0
    reported: int = 0  # notes reported as saved, all verified on disk
    in_flight: int = 0  # notes on disk beyond the last one reported (typed, not yet shown)
    sessions: set[str] = field(default_factory=set)
    alerts: int = 0
    unhandled_sessions: int = 0
    torn: int = 0
    recovered: int = 0  # sessions whose counts the writable open recomputed
    truths: dict[tuple[str, int, int], tuple[int, int]] = field(default_factory=dict)

    def line(self, mode: str, run: str) -> str:
        return (
            f"kill -9 during a live session, notes typed ahead ({mode}, {run}): {self.trials} "
            f"trials ({self.early} during start-up), {self.reported} notes shown as saved all "
            f"on disk once and in order, {self.in_flight} more in flight found saved whole, "
            f"{len(self.sessions)} sessions, {self.alerts} alerts, {self.unhandled_sessions} "
            f"left with unhandled alerts, {self.torn} torn journal tails, {self.recovered} "
            "counts recomputed on reopening; 0 corrupt stores, 0 lost, merged or duplicated "
            "notes, 0 wrong counts"
        )


def demo_store(root: Path) -> Path:
    with Store.open(root) as store:
        load_demo(store, date.today())  # the children run on the real clock
    return root


@dataclass
class Reports:
    pid: int | None = None
    session_id: str | None = None
    start: int = 0  # the last note in the journal when the child was ready
    saved: int = 0  # the last note reported as saved
    typed: int | None = None  # the last note typed (tui), or the one in flight (live)
    unsaved: list[int] = field(default_factory=list)


def read_reports(mode: str, lines: list[str]) -> Reports:
    got = Reports()
    if not lines:
        return got
    ready, pid, session_id, start = lines[0].split()
    assert ready == "ready", lines[0]
    got.pid, got.session_id, got.start = int(pid), session_id, int(start)
    got.saved = got.start
    got.typed = got.start
    for line in lines[1:]:
        kind, number = line.split()
        n = int(number)
        if kind == "N":
            assert n == got.saved + 1, f"reports out of order: {got.saved} then {line}"
            got.saved = n
        elif kind == "U":
            got.unsaved.append(n)
        else:
            assert kind == "typed", line
            got.typed = n
    if mode == "live":  # one note at a time: the one after the last report may be in flight
        got.typed = max(got.saved, *got.unsaved, got.start) + 1
    return got


def journal_path(root: Path, session_id: str) -> Path:
    return root / "sessions" / session_id[:6] / f"{session_id}.jsonl"


def counts(store: Store, session_id: str, found: Figures) -> tuple[int, int]:
    """Alerts and unhandled alerts as the session's journal adds them up (replayed again only
    when the journal has changed since the last trial)."""
    st = journal_path(store.root, session_id).stat()
    key = (session_id, st.st_size, st.st_mtime_ns)
    if key not in found.truths:
        state = replay(store.events(session_id), session_id)
        found.truths[key] = (len(state.alerts), len(state.unacknowledged()))
    return found.truths[key]


def check_store(root: Path, got: Reports, found: Figures) -> None:
    """The store after the kill: see the module docstring."""
    with Store.open(root, readonly=True) as reader:  # what a second instance shows at once
        client_id = reader.find_client(CLIENT).id
        report = reader.verify()
        assert report.ok, [f"{p.file}: {p.what}" for p in report.damage]
        truths = {r.id: counts(reader, r.id, found) for r in reader.sessions(recount=False)}
        for row in reader.sessions():
            assert (row.alerts, row.unhandled) == truths[row.id], (row.id, "sessions()")
            one = reader.session(row.id)
            assert one is not None and (one.alerts, one.unhandled) == truths[row.id]
        if got.session_id is not None:
            notes = [e.text for e in reader.events(got.session_id) if isinstance(e, NoteAdded)]
            on_disk = len(notes)
            assert notes == [note_text(n) for n in range(1, on_disk + 1)], (
                "notes lost, merged, split or duplicated: "
                f"{[t for i, t in enumerate(notes, 1) if t != note_text(i)][:5]}")
            assert on_disk >= got.saved, f"note {got.saved} was shown as saved; {on_disk} on disk"
            assert got.typed is not None and on_disk <= got.typed, (on_disk, got.typed)
            found.reported += got.saved - got.start
            found.in_flight += on_disk - got.saved
            found.sessions.add(got.session_id)
            raw = journal_path(root, got.session_id).read_bytes()
            found.torn += scan(raw)[1] < len(raw)

    with Store.open(root) as store:  # writable: the dead writer's lock, the left-open counts
        if got.pid is not None:
            assert store.lock_recovered_from is not None, "the dead writer's lock was not seen"
            assert store.lock_recovered_from.pid == got.pid
        found.recovered += sum("counts were recomputed" in s or "index row was rebuilt" in s
                               for s in store.recovered)
        for row in store.sessions(client_id=client_id, recount=False):  # persisted
            assert (row.alerts, row.unhandled) == truths[row.id], (row.id, "index row")
    assert not got.unsaved, f"notes returned with something unsaved: {got.unsaved}"


def trial(root: Path, mode: str, number: int, rng: random.Random, logs: Path,
          found: Figures) -> None:
    resume = "new" if number % NEW_EVERY == 0 else "resume"
    child = Child(mode, root, CLIENT, resume, stderr_path=logs / f"{mode}-{number}.err",
                  script=LIVE_CHILD)
    early = number % EARLY_EVERY == EARLY_EVERY - 1
    if early:
        time.sleep(rng.uniform(0, START[mode]))
    else:
        first = child.read_line(timeout=120)
        assert first.startswith("ready "), first
        time.sleep(rng.uniform(0, DELAY[mode]))
    child.kill()
    lines = ([] if early else [first]) + child.rest()
    assert not child.exited_by_itself(), f"child failed on its own:\n{child.stderr()}"
    found.trials += 1
    found.early += early
    check_store(root, read_reports(mode, lines), found)


def run(tmp_path: Path, mode: str, trials: int, seed: str) -> Figures:
    root = demo_store(tmp_path / "store")
    rng = random.Random(seed)
    found = Figures()
    for number in range(trials):
        trial(root, mode, number, rng, tmp_path, found)
    with Store.open(root, readonly=True) as reader:
        client_id = reader.find_client(CLIENT).id
        rows = [r for r in reader.sessions(client_id=client_id) if r.id in found.sessions]
    found.alerts = sum(r.alerts for r in rows)
    found.unhandled_sessions = sum(r.unhandled > 0 for r in rows)
    assert found.reported > 0, "every kill came before the first note was saved"
    return found


def _figures(record_property, found: Figures, mode: str, run_name: str) -> None:
    record_property(FIGURES, {"line": found.line(mode, run_name)})


@pytest.mark.parametrize(("mode", "trials"), [("live", 10), ("tui", 3)])
def test_kill_9_while_typing_notes_loses_nothing_shown_as_saved(
    tmp_path: Path, mode: str, trials: int, record_property
) -> None:
    _figures(record_property, run(tmp_path, mode, trials, f"notes-{mode}"), mode, "default")


@pytest.mark.slow
@pytest.mark.parametrize(("mode", "trials"), [("live", 200), ("tui", 24)])
def test_kill_9_while_typing_notes_loses_nothing_shown_as_saved_200_trials(
    tmp_path: Path, mode: str, trials: int, record_property
) -> None:
    _figures(record_property, run(tmp_path, mode, trials, f"notes-long-{mode}"), mode, "slow")
