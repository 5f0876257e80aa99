"""Time to the first painted screen, and resident memory then: Roomguard against a bare Textual app.

Issue targets, measured in the same run: *the app reaches its first painted screen within 1.25x
the time of a bare Textual app (Header + Footer); resident memory within 1.3x that bare app.*

Each measurement is a fresh ``python`` process (the same interpreter as the bench) on its own
80x24 pseudo-terminal (Textual's real Linux driver, ``TERM=xterm-256color``; the parent drains
the output), running :data:`CHILD`, which

1. wraps ``App._display``, where a screen's compositor update is written to the terminal;
2. runs either the bare app (``App`` composing ``Header()`` and ``Footer()``, importing only
   textual) or Roomguard's real entry point ``roomguard.cli.main.main(["--db", store])``;
3. at the first *whole* frame written for the first screen (a ``LayoutUpdate``, outside a
   batch; for Roomguard with the ``HomeScreen`` in the screen stack, its tables filled) records
   ``time.monotonic()``, RSS (``/proc/self/statm``, what psutil's ``memory_info().rss`` reads)
   and process CPU time, and ``os._exit(0)`` at once.

A frame Textual computes inside a batch update is dropped, and a ``ChopsUpdate`` only repaints
what changed since the last computed frame, so before the first whole frame the terminal may
show a partial screen: the time of the first write of any kind is kept as ``first_write_ms``.

*Time to first paint* is from just before the parent spawns the process (``time.monotonic()``;
the clock is system-wide) to that moment, so it includes interpreter start and all imports.
Runs of the different apps are interleaved after one warm-up each (warm page cache and
``.pyc``); figures are medians of N runs. Both apps start from compiled bytecode, as an
installed app does after its first run: Textual's ``.pyc`` are written when pip installs it,
but ``pip install -e`` leaves Roomguard's source uncompiled, so :func:`measure` byte-compiles
the package first, and ``PYTHONDONTWRITEBYTECODE`` is dropped from the child's environment
(with it set, every launch would recompile Roomguard's modules, about 20 ms, while Textual's
bytecode is still used — not a like-for-like comparison). ``Params(headless=True)`` uses Textual's headless
driver instead (no pseudo-terminal; its console starts at 80x25, then resizes to 80x24).

The store is a private copy of the generated ten-year store with today's backup already made
(so the once-a-day backup worker does not run; ``startup.first_paint_backup_due`` measures the
first open of a day separately), and its lock file is emptied before each run, as a clean exit
leaves it (the child's ``os._exit`` would otherwise look like a crash to the next run).
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

try:  # POSIX: measure in a real pseudo-terminal
    import fcntl
    import pty
    import termios
except ImportError:  # pragma: no cover - elsewhere, Textual's headless driver
    pty = None  # type: ignore[assignment]

from bench.common import BenchContext, Figure, median
from bench.generate import FULL, QUICK, Spec, cached_store, copy_store
from roomguard.store import Store

TIME_TARGET = 1.25
MEMORY_TARGET = 1.3
CHILD_TIMEOUT = 30.0

CHILD = r'''
import time
T_START = time.monotonic()
import os
import sys

MODE, OUT = sys.argv[1], sys.argv[2]
FIRST_ANY = None


def rss():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import psutil

        return psutil.Process().memory_info().rss


def peak_rss():
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent across exec.
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss()


from textual.app import App

_display = App._display


def _first_paint(self, screen, renderable):
    global FIRST_ANY
    _display(self, screen, renderable)
    if renderable is None or self._batch_count:
        return  # nothing written (a frame computed inside a batch is dropped)
    if MODE != "bare":
        if type(screen).__name__ == "StoreProblemScreen":
            sys.stderr.write("the store could not be opened (StoreProblemScreen)\n")
            os._exit(4)
        # The home screen, or a modal over it (an empty store offers onboarding at once).
        if not any(type(s).__name__ == "HomeScreen" for s in self.screen_stack):
            return
    if FIRST_ANY is None:
        FIRST_ANY = time.monotonic()
    if type(renderable).__name__ != "LayoutUpdate":
        return  # a partial update: the terminal does not hold a whole frame yet
    t = time.monotonic()
    cpu = time.process_time()
    r = rss()
    peak = peak_rss()
    modules = len(sys.modules)
    with open(OUT, "w") as f:
        f.write(f"{t!r} {FIRST_ANY!r} {T_START!r} {r} {peak} {modules} {cpu!r}\n")
        f.flush()
    os._exit(0)


App._display = _first_paint

if os.environ.get("BENCH_HEADLESS") == "1":
    _run = App.run

    def _headless_run(self, *args, **kwargs):
        kwargs["headless"] = True
        return _run(self, *args, **kwargs)

    App.run = _headless_run

if MODE == "bare":
    from textual.widgets import Footer, Header

    class BareApp(App):
        def compose(self):
            yield Header()
            yield Footer()

    BareApp().run()
else:
    from roomguard.cli.main import main

    main(["--db", sys.argv[3]])
sys.exit(3)  # the app ended without painting its first screen
'''


@dataclass(frozen=True)
class Params:
    spec: Spec
    runs: int  # per app
    backup_due_runs: int  # 0: skip that figure
    warmups: int = 1  # per app, not counted
    headless: bool = False  # True: Textual's headless driver instead of a pseudo-terminal
    rows: int = 24
    cols: int = 80


FULL_PARAMS = Params(FULL, runs=7, backup_due_runs=3)
QUICK_PARAMS = Params(QUICK, runs=3, backup_due_runs=1)


@dataclass(frozen=True)
class Sample:
    seconds: float  # spawn -> first whole frame written
    first_write: float  # spawn -> first (possibly partial) update written
    in_process: float  # script's first line -> first whole frame
    rss: int
    peak_rss: int
    modules: int
    cpu: float  # process CPU time (all threads) at first paint: less sensitive to load


def child_env(home: Path, headless: bool) -> dict[str, str]:
    drop = ("TEXTUAL", "ROOMGUARD", "NO_COLOR", "COLUMNS", "LINES", "PYTHONPROFILEIMPORTTIME",
            "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "share"),
               XDG_CONFIG_HOME=str(home / "config"), TERM="xterm-256color", COLORTERM="truecolor",
               BENCH_HEADLESS="1" if headless else "0")
    return env


def _in_pty(args: list[str], env: dict[str, str], rows: int, cols: int) -> tuple[float, int, bytes]:
    """Run *args* on a fresh pseudo-terminal of rows x cols; return (spawn time, status, output)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    output = bytearray()

    def drain() -> None:  # the app must never block on a full terminal
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child side closed
                return
            if not chunk:
                return
            output.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        t0 = time.monotonic()
        proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env,
                                start_new_session=True)
        os.close(slave)
        slave = -1
        try:
            status = proc.wait(timeout=CHILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
        reader.join(timeout=2)
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    return t0, status, bytes(output)


def launch(script: Path, out: Path, env: dict[str, str], mode: str, store: Path | None,
           params: Params) -> Sample:
    out.unlink(missing_ok=True)
    args = [sys.executable, str(script), mode, str(out)]
    if store is not None:
        lock = store / "roomguard.lock"
        if lock.exists():
            lock.write_bytes(b"")  # as a clean exit leaves it
        args.append(str(store))
    if params.headless or pty is None:
        t0 = time.monotonic()
        proc = subprocess.run(args, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=CHILD_TIMEOUT, check=False)
        status, output = proc.returncode, proc.stderr
    else:
        t0, status, output = _in_pty(args, env, params.rows, params.cols)
    if not out.exists():
        text = output.decode(errors="replace").strip().splitlines()
        raise RuntimeError(f"{mode} never painted (exit {status}): "
                           f"{text[-1][-200:] if text else 'no output'}")
    t_full, t_any, t_start, rss, peak, modules, cpu = out.read_text().split()
    return Sample(float(t_full) - t0, float(t_any) - t0, float(t_full) - float(t_start),
                  int(rss), int(peak), int(modules), float(cpu))


def compile_package() -> None:
    """Byte-compile Roomguard, as its first run would (see the module docstring)."""
    import compileall

    import roomguard

    for folder in roomguard.__path__:
        if not compileall.compile_dir(folder, quiet=1, workers=1):
            raise RuntimeError(f"could not byte-compile {folder}")


def prepared_store(dst: Path, src: Path | None = None) -> Path:
    """A copy of *src* (or a new empty store) with today's backup made: the daily backup worker
    stays idle."""
    if src is not None:
        copy_store(src, dst)
    with Store.open(dst) as store:
        if not store.holds_nothing():  # an empty store is never backed up: nothing is due
            store.backup("bench")
    return dst


def measure(ctx: BenchContext, params: Params, cache_dir: Path | None = None) -> list[Figure]:
    work = ctx.workdir
    work.mkdir(parents=True, exist_ok=True)
    compile_package()
    script = work / "first_paint.py"
    script.write_text(CHILD)
    env = child_env(work / "home", params.headless)
    cached, manifest = cached_store(params.spec, cache_dir)
    ten_year = prepared_store(work / "ten-year", cached)
    empty = prepared_store(work / "empty")

    apps: dict[str, tuple[str, Path | None]] = {
        "bare": ("bare", None),
        "roomguard": ("roomguard", ten_year),
        "roomguard-empty": ("roomguard", empty),
    }
    samples: dict[str, list[Sample]] = {name: [] for name in apps}
    for _ in range(params.warmups):  # page cache, .pyc
        for mode, store in apps.values():
            launch(script, work / "out.txt", env, mode, store, params)
    for i in range(params.runs):
        order = list(apps.items())
        order = order[i % len(order):] + order[: i % len(order)]
        for name, (mode, store) in order:
            samples[name].append(launch(script, work / "out.txt", env, mode, store, params))

    # The first open of a day: the backup worker zips the store while the first screen builds.
    due: list[Sample] = []
    for _ in range(params.backup_due_runs):
        shutil.rmtree(ten_year / "backups", ignore_errors=True)
        due.append(launch(script, work / "out.txt", env, "roomguard", ten_year, params))

    def med_ms(name: str) -> float:
        return median([s.seconds for s in samples[name]]) * 1000

    def med_mb(name: str, attr: str = "rss") -> float:
        return median([getattr(s, attr) for s in samples[name]]) / 2**20

    def spread(name: str) -> dict[str, float]:
        secs = [s.seconds * 1000 for s in samples[name]]
        return {
            "min_ms": min(secs),
            "max_ms": max(secs),
            "in_process_ms": median([s.in_process for s in samples[name]]) * 1000,
            "first_write_ms": median([s.first_write for s in samples[name]]) * 1000,
            "cpu_ms": median([s.cpu for s in samples[name]]) * 1000,
            "peak_rss_mb": med_mb(name, "peak_rss"),
            "modules": median([s.modules for s in samples[name]]),
        }

    terminal = ("headless" if params.headless or pty is None
                else f"{params.cols}x{params.rows} pseudo-terminal")
    size = f"{manifest['clients']} clients, {manifest['sessions']} sessions, {manifest['events']} events"
    n = params.runs
    bare_t, rg_t = med_ms("bare"), med_ms("roomguard")
    bare_m, rg_m = med_mb("bare"), med_mb("roomguard")
    figures = [
        Figure(
            "startup.first_paint", rg_t, "ms", bare_t, "bare Textual app (Header+Footer)",
            target=f"<= {TIME_TARGET:g}x bare", met=rg_t <= TIME_TARGET * bare_t,
            notes=f"roomguard --db <ten-year store: {size}>; spawn -> first whole HomeScreen "
                  f"frame written, median of {n} fresh processes each, {terminal}",
            extra={**spread("roomguard"), **{f"bare_{k}": v for k, v in spread("bare").items()}},
        ),
        Figure(
            "startup.rss", rg_m, "MB", bare_m, "bare Textual app (Header+Footer)",
            target=f"<= {MEMORY_TARGET:g}x bare", met=rg_m <= MEMORY_TARGET * bare_m,
            notes=f"resident set at the first painted frame, median of {n}",
            extra={"peak_rss_mb": med_mb("roomguard", "peak_rss"),
                   "bare_peak_rss_mb": med_mb("bare", "peak_rss")},
        ),
        Figure(
            "startup.first_paint_cpu", spread("roomguard")["cpu_ms"], "ms",
            spread("bare")["cpu_ms"], "bare Textual app (Header+Footer)", target="", met=True,
            notes="process CPU time (all threads) spent by first paint: the same comparison, "
                  "less disturbed by other load on the machine",
        ),
        Figure(
            "startup.first_paint_empty_store", med_ms("roomguard-empty"), "ms", bare_t,
            "bare Textual app (Header+Footer)", target="", met=True,
            notes="the same with an empty store: what the app costs before any data",
            extra={**spread("roomguard-empty"), "rss_mb": med_mb("roomguard-empty")},
        ),
    ]
    if due:
        figures.append(Figure(
            "startup.first_paint_backup_due", median([s.seconds for s in due]) * 1000, "ms",
            bare_t, "bare Textual app (Header+Footer)", target="", met=True,
            notes=f"first open of a day: the backup worker runs meanwhile (median of {len(due)})",
            extra={"rss_mb": median([s.rss for s in due]) / 2**20},
        ))
    return figures


def run(ctx: BenchContext) -> list[Figure]:
    return measure(ctx, QUICK_PARAMS if ctx.quick else FULL_PARAMS)
