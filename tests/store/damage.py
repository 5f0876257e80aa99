"""The damage matrix: every kind of file the store has x {deleted, truncated, one byte flipped,
emptied}, and what Roomguard does with each.

For each case a copy of one practice store is damaged in one file, then used as the app and the
CLI would: opened, every client, agreement, setting, session and event read, ``verify`` run,
and a daily backup attempted. The outcome:

* **named**: a :class:`StoreError` whose ``path`` is the damaged file, or a recovery message
  naming it (a torn journal tail is what a crash leaves: recovered and reported), *and*
  ``verify`` lists the file;
* **silently loaded**: everything read without a word about the file (the failure the issue
  reports: an empty practice, a missing agreement, a session of 0 events);
* **damaged backups written**: backups taken of the damaged store (a daily backup of damage
  rotates the good ones out within a week);
* the damaged file must be left byte for byte as it was.

``tests/store/test_damage_matrix.py`` runs a subset on every test run;
``tests/reliability/test_damage_matrix.py`` runs the whole matrix and prints the figures.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from roomguard.core.events import (
    AckAction,
    AlertAcknowledged,
    AlertRaised,
    NoteAdded,
)
from roomguard.core.models import Agreement, PrivateTopic
from roomguard.store import Store, StoreError, backups
from roomguard.store.integrity import DirSource, check
from tests.builders import build_client, build_terms

T0 = datetime(2026, 2, 9, 10, 0)
T1 = datetime(2026, 3, 2, 10, 0)
NOTES = 26  # with the start, an alert, its acknowledgement and the end: 30 events

KINDS = ("meta", "practice", "client", "month-index", "journal", "open-journal", "backup")
DAMAGES = ("deleted", "truncated", "flipped", "emptied")


@dataclass(frozen=True)
class Layout:
    """Where each kind of file is in the built store (relative to its root)."""

    files: dict[str, str]
    ended_id: str
    open_id: str


def build(root: Path) -> Layout:
    """A small practice: two clients with agreements (Ann's private topic has the phrase
    ``salary``), a setting, an ended session of 30 events in February, and in March a session
    left open by a crash with an alert nobody acknowledged. Then one good backup."""
    with Store.open(root) as store:
        store.set_setting("coach_name", "Alex Morgan")
        for client_id, name in (("ann", "Ann"), ("bea", "Bea")):
            store.save_client(build_client(name=name, id=client_id))
            topic = PrivateTopic(name="Money", phrases=["salary", "debt"], id=f"money-{client_id}")
            store.save_agreement(Agreement(client_id=client_id, id=f"ag-{client_id}",
                                           terms=build_terms(topics=[topic])))
        ended = store.start_session("ann", T0, 1, [])
        alert = AlertRaised(T0, "money-ann", "Money", ["p3"], "p3 has no scope", "salary")
        store.append_event(ended.id, alert)
        for n in range(NOTES):
            store.append_event(ended.id, NoteAdded(at=T0 + timedelta(minutes=n), text=f"note {n}"))
        store.append_event(ended.id, AlertAcknowledged(T0, alert.id, AckAction.STEPPED_OUT))
        ended.alerts = 1
        store.end_session(ended, T0 + timedelta(hours=1))
        left_open = store.start_session("bea", T1, 1, [])
        store.append_event(left_open.id, AlertRaised(T1, "money-bea", "Money", ["p3"], "no scope",
                                                     "debt"))
        store.append_event(left_open.id, NoteAdded(at=T1, text="the crash came after this"))
        backup = store.backup("manual")
    # No close of the session: as after kill -9 (closing the store only releases the lock).
    return Layout(
        files={
            "meta": "meta.json",
            "practice": "practice.json",
            "client": "clients/ann.json",
            "month-index": f"sessions/{ended.month}.json",
            "journal": f"sessions/{ended.month}/{ended.id}.jsonl",
            "open-journal": f"sessions/{left_open.month}/{left_open.id}.jsonl",
            "backup": backup.relative_to(root).as_posix(),
        },
        ended_id=ended.id,
        open_id=left_open.id,
    )


def damage(path: Path, how: str) -> None:
    raw = path.read_bytes()
    if how == "deleted":
        path.unlink()
    elif how == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif how == "flipped":
        at = len(raw) // 2
        path.write_bytes(raw[:at] + bytes([raw[at] ^ 0x01]) + raw[at + 1:])
    elif how == "emptied":
        path.write_bytes(b"")
    else:
        raise ValueError(how)


@dataclass
class Outcome:
    kind: str
    how: str
    named_by_app: str = ""  # the error or recovery message that named the file
    named_by_verify: str = ""
    silently_loaded: bool = False
    untouched: bool = True
    backups_written: int = 0  # of the damaged store
    notes: list[str] = field(default_factory=list)

    @property
    def named(self) -> bool:
        return bool(self.named_by_app and self.named_by_verify)


def _use_everything(root: Path) -> tuple[StoreError | None, list[str]]:
    """Open the store and read all of it, as home, history and an export would."""
    try:
        with Store.open(root) as store:
            recovered = list(store.recovered)
            store.clients()
            store.setting("coach_name")
            list(store.agreements())
            for record in list(store.sessions()):
                store.events(record.id)
    except StoreError as exc:
        return exc, []
    return None, recovered


def _backup_attempt(root: Path) -> int:
    """A daily backup, as the app's worker takes it when the store opens."""
    before = {p.name for p in (root / "backups").glob("*.zip")}
    with contextlib.suppress(StoreError), Store.open(root) as store:
        store.backup("daily")
    with contextlib.suppress(StoreError):  # and without opening (the store may refuse to open)
        backups.make_backup(root, "daily", datetime.now() + timedelta(seconds=1))
    return len({p.name for p in (root / "backups").glob("*.zip")} - before)


def run_case(template: Path, workdir: Path, layout: Layout, kind: str, how: str) -> Outcome:
    """Damage one file of a copy of *template* and record what Roomguard made of it."""
    root = workdir / f"{kind}-{how}"
    shutil.copytree(template, root)
    rel = layout.files[kind]
    path = root / rel
    damage(path, how)
    after_damage = path.read_bytes() if path.exists() else None
    out = Outcome(kind, how)

    if kind == "backup":
        found = backups.check_backup(path) if path.exists() else None
        if found is not None and found.state == backups.DAMAGED:
            out.named_by_app = f"{found.state}: {found.problems[0]}"
            try:
                with Store.open(root) as store:
                    store.restore(path)
            except StoreError as exc:
                out.named_by_app += f" | restore refused: {exc.title}"
            else:
                out.named_by_app = ""
                out.notes.append("a damaged backup was restored")
        listed = {b.name: b.state for b in backups.list_backups(root, check=True)}
        if listed.get(path.name) == backups.DAMAGED:
            out.named_by_verify = f"backup list: {path.name} damaged"
        out.silently_loaded = not out.named_by_app
    else:
        error, recovered = _use_everything(root)
        session_id = Path(rel).stem
        if error is not None and getattr(error, "path", None) in (path, path.parent):
            out.named_by_app = f"{type(error).__name__}: {error}"
        elif error is None and any(session_id in line for line in recovered):
            out.named_by_app = next(line for line in recovered if session_id in line)
        elif error is not None:
            out.notes.append(f"an error named another file: {error}")
        else:
            out.silently_loaded = True
        report = check(DirSource(root))
        hits = [p for p in report.problems if p.file == rel]
        if hits:
            out.named_by_verify = f"{hits[0].kind}: {hits[0].what}"
        damaged = bool(report.damage)
        made = _backup_attempt(root)
        out.backups_written = made if damaged else 0
        if made and not damaged:
            out.notes.append("recovered, not damaged: the backup was rightly taken")
    now = path.read_bytes() if path.exists() else None
    out.untouched = now == after_damage
    return out


def run_matrix(template_dir: Path, workdir: Path,
               cases: list[tuple[str, str]] | None = None,
               progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    template = template_dir / "store"
    layout = build(template)
    outcomes = []
    for kind, how in cases or [(k, d) for k in KINDS for d in DAMAGES]:
        if kind == "backup" and how == "deleted":
            continue  # a deleted backup is simply not there: nothing is read from it
        outcome = run_case(template, workdir, layout, kind, how)
        outcomes.append(outcome)
        if progress:
            progress(outcome)
    return outcomes
