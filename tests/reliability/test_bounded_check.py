"""`roomguard check` in bounded memory: what is not a transcript is refused at once, and a
transcript of any length is read in the same memory and in time linear in its size.

Each run is the installed console script in a process of its own; its peak RSS is the kernel's
figure for that one process (``os.wait4`` in a small launcher), so nothing else is counted.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from roomguard.store import Store
from roomguard.store.demo import load_demo
from tests.reliability.conftest import FIGURES

pytestmark = pytest.mark.slow

SCRIPT = Path(sys.executable).with_name("roomguard")
PEAK_RSS_LIMIT = 150 * 1024 * 1024
REFUSAL_SECONDS = 2.0


@dataclass
class Run:
    status: int
    seconds: float
    peak_rss: int  # bytes
    stderr: str
    cpu_seconds: float = 0.0  # what linearity is judged on: other load barely changes it


# The kernel's peak RSS of a process counts the memory it had before exec (a fork of pytest has
# pytest's memory), so the check is started by this small launcher and the launcher reports the
# figure for its child: at most the launcher's own few megabytes too high, never too low.
LAUNCHER = """
import os, sys
pid = os.spawnv(os.P_NOWAIT, sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss} "
              f"{usage.ru_utime + usage.ru_stime}")
"""


def run_check(store: Path, transcript: str, tmp_path: Path, *, stdin: Path | None = None,
              timeout: float = 600) -> Run:
    """Run ``roomguard check`` to the end (killed after *timeout*) and measure only that child."""
    figures = tmp_path / "figures.txt"
    args = [sys.executable, "-S", "-c", LAUNCHER, str(figures), str(SCRIPT), "--db", str(store),
            "check", transcript, "--client", "Priya Raman", "--format", "json"]
    err_path = tmp_path / "stderr.txt"
    with (
        err_path.open("wb") as err,
        (stdin.open("rb") if stdin else open(os.devnull, "rb")) as inp,
    ):
        started = time.monotonic()
        proc = subprocess.Popen(args, stdin=inp, stdout=subprocess.DEVNULL, stderr=err,
                                start_new_session=True)
        watchdog = threading.Timer(timeout, os.killpg, (proc.pid, signal.SIGKILL))
        watchdog.start()
        try:
            proc.wait()
        finally:
            watchdog.cancel()
        seconds = time.monotonic() - started
    if not figures.exists():  # the watchdog killed it: unbounded, as before
        return Run(-signal.SIGKILL, seconds, 0, f"killed after {timeout} s")
    status, peak_kb, cpu = figures.read_text().split()
    return Run(int(status), seconds, int(peak_kb) * 1024, err_path.read_text(), float(cpu))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("check") / "store"
    with Store.open(path) as opened:
        load_demo(opened, date(2026, 11, 25))
    return path


def figure(record_property, line: str) -> None:
    record_property(FIGURES, {"kind": "line", "line": line})


@pytest.mark.parametrize("how", ["sparse 500 MB NUL file", "/dev/zero", "/dev/zero on stdin"])
def test_what_is_not_a_transcript_is_refused_at_once(store: Path, tmp_path: Path, how: str,
                                                     record_property) -> None:
    if how.startswith("sparse"):
        path = tmp_path / "zeros.vtt"
        with path.open("wb") as fh:
            fh.truncate(500 * 1024 * 1024)
        run = run_check(store, str(path), tmp_path, timeout=60)
        named = str(path)
    elif how == "/dev/zero":
        run = run_check(store, "/dev/zero", tmp_path, timeout=60)
        named = "/dev/zero"
    else:
        run = run_check(store, "-", tmp_path, stdin=Path("/dev/zero"), timeout=60)
        named = "standard input"
    figure(record_property, f"check on {how}: exit {run.status} in {run.seconds:.2f} s, "
                            f"peak RSS {run.peak_rss / 2**20:.0f} MB")
    assert run.status == 2, run.stderr
    assert run.stderr.startswith(f"roomguard: error: {named} is ")
    assert "Traceback" not in run.stderr
    assert run.seconds <= REFUSAL_SECONDS
    assert run.peak_rss <= PEAK_RSS_LIMIT


def write_cues(path: Path, cues: int) -> None:
    """A long WebVTT written as it is generated (never whole in memory): one cue a second,
    each with a voice, every 97th mentioning a private topic of the client's agreement."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write("WEBVTT\n\n")
        for i in range(cues):
            hours, rest = divmod(i, 3600)
            stamp = f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
            words = "and the salary review" if i % 97 == 0 else "we planned the next steps"
            fh.write(f"{stamp}.000 --> {stamp}.900\n<v Sam Reyes>#{i} {words}</v>\n\n")


def test_a_million_cues_in_bounded_memory_and_linear_time(store: Path, tmp_path: Path,
                                                          record_property) -> None:
    runs: dict[int, tuple[Run, int]] = {}
    for cues in (100_000, 1_000_000):
        path = tmp_path / f"{cues}.vtt"
        write_cues(path, cues)
        size = path.stat().st_size
        runs[cues] = (run_check(store, str(path), tmp_path), size)
        path.unlink()
    (small, small_size), (big, big_size) = runs[100_000], runs[1_000_000]
    per_mb_small = small.cpu_seconds / (small_size / 1e6)
    per_mb_big = big.cpu_seconds / (big_size / 1e6)
    for cues, (run, size) in runs.items():
        figure(record_property, f"check of {cues:,} cues ({size / 1e6:.0f} MB): "
                                f"{run.seconds:.1f} s ({run.cpu_seconds:.1f} s CPU), "
                                f"peak RSS {run.peak_rss / 2**20:.0f} MB")
    figure(record_property, f"check CPU time per MB: {per_mb_small:.3f} s at 100,000 cues, "
                            f"{per_mb_big:.3f} s at 1,000,000 ({per_mb_big / per_mb_small:.2f}x)")
    assert small.status == big.status == 1, big.stderr  # the salary lines raise alerts
    assert big.peak_rss <= PEAK_RSS_LIMIT
    assert big.peak_rss <= small.peak_rss * 1.5  # the same memory whatever the length
    assert per_mb_big <= per_mb_small * 1.5  # linear: ten times the cues, ten times the time
