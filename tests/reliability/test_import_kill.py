"""kill -9 during ``roomguard import``: every trial leaves the old store or the whole import.

A store with 3 clients of its own imports 150 clients (each with an agreement and a session)
with ``--merge``, in a real process that is SIGKILLed after a seeded random delay spread over
the whole import. The switch itself lasts milliseconds, so a random kill rarely lands in it: in
a third of the trials the child's renames are slowed (50 ms each) and the kill comes at a random
moment after the switch's marker appears. The store is then opened as the coach would open it,
and must hold exactly the 3 clients as they were, or exactly the 3 and all 150 as the file has
them. Partial imports allowed: 0.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from roomguard.core.events import NoteAdded, PresenceChanged
from roomguard.core.models import Role
from roomguard.store import Store, staging
from roomguard.store.portability import export_bytes
from tests.builders import build_agreement, build_client, build_party
from tests.reliability.conftest import FIGURES

pytestmark = pytest.mark.slow

SCRIPT = Path(sys.executable).with_name("roomguard")
SLOW_SWITCH = """
import sys, time
from roomguard.store import staging
move = staging._move
staging._move = lambda source, target: (time.sleep(0.05), move(source, target))[1]
from roomguard.cli.main import main
sys.exit(main(sys.argv[1:]))
"""
TRIALS = 30
IMPORTED = 150
START = datetime(2026, 5, 4, 9, 0)


def fill(root: Path, names: list[str]) -> None:
    with Store.open(root) as store:
        for i, name in enumerate(names):
            client = build_client(name)
            store.save_client(client)
            party = build_party(name, Role.CLIENT)
            store.save_agreement(build_agreement(party, client_id=client.id))
            at = START + timedelta(hours=i)
            record = store.start_session(client.id, at, 1, [party.id])
            for minute in range(1, 6):
                store.append_event(record.id, PresenceChanged(
                    at=at + timedelta(minutes=minute), participant_id=party.id,
                    present=minute % 2 == 0))
            store.append_event(record.id, NoteAdded(at=at + timedelta(minutes=7),
                                                    text=f"note of {name}"))
            store.end_session(record, at + timedelta(minutes=50))


def clients_of(root: Path) -> tuple[dict[str, str], list[str]]:
    """Each client's whole export (by id), and what opening the store said it recovered."""
    with Store.open(root) as store:
        recovered = list(store.recovered)
        data = json.loads(export_bytes(store))
    return {c["client"]["id"]: json.dumps(c, sort_keys=True) for c in data["clients"]}, recovered


def test_kill_9_during_import_never_leaves_a_partial_import(tmp_path: Path,
                                                           record_property) -> None:
    source, base = tmp_path / "source", tmp_path / "base"
    fill(source, [f"Imported client {i:03d}" for i in range(IMPORTED)])
    fill(base, ["Own client A", "Own client B", "Own client C"])
    export = tmp_path / "export.json"
    with Store.open(source, readonly=True) as store:
        export.write_bytes(export_bytes(store))
    old, _ = clients_of(base)
    new = {**old, **clients_of(source)[0]}

    def attempt(target: Path, delay: float | None, *, in_switch: bool = False
                ) -> tuple[float, bool]:
        """Run the import; kill it *delay* s after it starts (or, *in_switch*, after the
        switch's marker appears). Returns how long it ran and whether the kill ended it."""
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(base, target)
        command = [str(SCRIPT)] if not in_switch else [sys.executable, "-c", SLOW_SWITCH]
        started = time.monotonic()
        with (target.parent / "child-stderr.txt").open("wb") as err:
            child = subprocess.Popen([*command, "--db", str(target), "import", str(export),
                                      "--merge"], stdout=subprocess.DEVNULL, stderr=err)
            if in_switch:
                marker = target / staging.SWITCH
                while not marker.exists() and child.poll() is None:
                    time.sleep(0.001)
            if delay is not None:
                time.sleep(delay)
                if child.poll() is None:
                    os.kill(child.pid, signal.SIGKILL)
            status = child.wait(timeout=300)
        return time.monotonic() - started, status == -signal.SIGKILL

    full, killed = attempt(tmp_path / "full", None)  # how long a whole import takes here
    assert not killed and clients_of(tmp_path / "full")[0] == new

    rnd = random.Random("import-kill")
    outcomes = {"old store": 0, "whole import": 0}
    seen = {"killed": 0, "finished at open": 0, "discarded at open": 0}
    for trial in range(TRIALS):
        in_switch = trial % 3 == 2
        delay = rnd.uniform(0.0, 0.4) if in_switch else rnd.uniform(0.05, full)
        target = tmp_path / "trial"
        _, was_killed = attempt(target, delay, in_switch=in_switch)
        found, recovered = clients_of(target)
        seen["killed"] += was_killed
        seen["finished at open"] += staging.FINISHED in recovered
        seen["discarded at open"] += staging.DISCARDED in recovered
        if found == old:
            outcomes["old store"] += 1
        elif found == new:
            outcomes["whole import"] += 1
        else:
            raise AssertionError(
                f"trial {trial} (kill after {delay:.2f} s): a partial import: "
                f"{len(found)} clients, {sum(found.get(k) == v for k, v in new.items())} of "
                f"{len(new)} as the file has them; recovered: {recovered}")
    record_property(FIGURES, {"kind": "line", "line": (
        f"import kill -9: {TRIALS} trials ({seen['killed']} killed mid-import; a whole import "
        f"of {IMPORTED} clients takes {full:.1f} s): {outcomes['old store']} left the old store, "
        f"{outcomes['whole import']} the whole import, 0 partial; at the next open "
        f"{seen['discarded at open']} staged imports discarded, {seen['finished at open']} "
        f"switches finished")})
    assert seen["killed"] >= 20
