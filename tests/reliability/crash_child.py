"""A real Roomguard writer for the crash and lock tests, run as a child process and killed.

    python crash_child.py churn <store> <session id> <client id>
        Open the store and write forever: presence toggles (``PresenceChanged`` whose
        participant id carries a sequence number ``seq-<n>``), agreement edits (the counter in
        ``muted_phrases`` and in the first consent's ``document_ref``) and session index
        updates (``terms_version``, as 1 + the update's number: the alert counts of a
        session left open are recomputed from its journal when the store opens, so they cannot
        carry a counter). After each write returns, print one line to stdout, so the
        parent knows it was reported as committed::

            ready <pid> <last toggle> <last edit> <last index update>
            T <n>        toggle n is on disk
            A <n>        agreement edit n is on disk
            S <n>        session index update n is on disk

        Numbering continues from what the store already holds, so a store can be crashed
        again and again.

    python crash_child.py alerts <store> <client id>
        Open the store, start a session and print ``started <session id>``; then forever
        raise an alert and acknowledge every other one, printing ``R <n>`` / ``K <n>`` once
        each is on disk (the index row is not touched: the app writes it only at the end).

    python crash_child.py hold <store>
        Open the store for writing, print ``ready <pid>``, and wait to be killed.

    python crash_child.py probe <store>
        Try to open the store once and print one JSON line saying what happened.

Report lines are written with a single ``os.write`` to an unbuffered descriptor: a line
reaches the pipe whole or not at all, and once written it survives the process's death.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from roomguard.core.events import PresenceChanged, PresenceSource  # noqa: E402
from roomguard.store import Store, StoreError, StoreLocked  # noqa: E402

TOGGLE_PREFIX = "seq-"
EDIT_PREFIX = "edit-"


def report(line: str) -> None:
    os.write(1, (line + "\n").encode())


def toggle_number(event: object) -> int | None:
    if isinstance(event, PresenceChanged) and event.participant_id.startswith(TOGGLE_PREFIX):
        return int(event.participant_id[len(TOGGLE_PREFIX) :])
    return None


def edit_number(muted_phrases: list[str]) -> int:
    found = [int(p[len(EDIT_PREFIX) :]) for p in muted_phrases if p.startswith(EDIT_PREFIX)]
    return max(found, default=0)


def churn(root: Path, session_id: str, client_id: str) -> None:
    store = Store.open(root)
    agreement = store.agreement(client_id)
    record = store.session(session_id)
    assert agreement is not None and record is not None
    toggles = [n for n in map(toggle_number, store.events(session_id)) if n is not None]
    seq = max(toggles, default=0)
    edit = edit_number(agreement.muted_phrases)
    update = record.terms_version - 1
    report(f"ready {os.getpid()} {seq} {edit} {update}")
    start = record.started_at
    while True:
        seq += 1
        store.append_event(
            session_id,
            PresenceChanged(
                at=start + timedelta(seconds=seq),
                participant_id=f"{TOGGLE_PREFIX}{seq}",
                present=seq % 2 == 1,
                source=PresenceSource.KEY,
            ),
        )
        report(f"T {seq}")
        if seq % 3 == 0:
            edit += 1
            agreement.muted_phrases = [f"{EDIT_PREFIX}{edit}", "[bold]x[/] \x1b[2J"]
            if agreement.consents:
                agreement.consents[0].document_ref = f"{EDIT_PREFIX}{edit}"
            store.save_agreement(agreement)
            report(f"A {edit}")
        if seq % 7 == 0:
            update += 1
            record.terms_version = update + 1
            store.update_session(record)
            report(f"S {update}")


def alerts(root: Path, client_id: str) -> None:
    from roomguard.core.events import AckAction, AlertAcknowledged, AlertRaised

    store = Store.open(root)
    start = datetime(2026, 3, 2, 9)
    record = store.start_session(client_id, start, 1, [])
    report(f"started {record.id}")
    n = 0
    while True:
        n += 1
        at = start + timedelta(seconds=n)
        alert = AlertRaised(at, f"topic-{n}", "Money", ["p3"], "no scope", "salary")
        store.append_event(record.id, alert)
        report(f"R {n}")
        if n % 2 == 0:
            store.append_event(record.id, AlertAcknowledged(at, alert.id, AckAction.STEPPED_OUT))
            report(f"K {n}")


def hold(root: Path) -> None:
    store = Store.open(root)
    report(f"ready {os.getpid()}")
    while store.lock.held:
        signal.pause()


def probe(root: Path) -> None:
    try:
        store = Store.open(root)
    except StoreLocked as exc:
        print(json.dumps({"outcome": "locked", "holder": exc.holder, "message": str(exc)}))
        return
    except StoreError as exc:
        print(json.dumps({"outcome": "error", "message": str(exc)}))
        return
    recovered = store.lock_recovered_from
    print(
        json.dumps(
            {
                "outcome": "opened",
                "pid": os.getpid(),
                "recovered_from": recovered.pid if recovered else None,
                "clients": [c.name for c in store.clients()],
            }
        )
    )
    store.close()


def main(argv: list[str]) -> None:
    mode, root = argv[1], Path(argv[2])
    if mode == "churn":
        churn(root, argv[3], argv[4])
    elif mode == "alerts":
        alerts(root, argv[3])
    elif mode == "hold":
        hold(root)
    elif mode == "probe":
        probe(root)
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv)
