"""Time to the first painted screen, and resident memory then: Roomguard against a bare Textual app.

Issue targets, measured in the same run: *the app reaches its first painted screen within 1.25x
the time of a bare Textual app (Header + Footer); resident memory within 1.3x that bare app.*

Each measurement is a fresh ``python`` process (the same interpreter as the bench) running
:data:`CHILD`, which

1. patches ``App.run`` to run headless (no terminal here) and wraps ``App._display`` (where a
   screen's compositor update is handed to the driver);
2. runs either the bare app (``App`` composing ``Header()`` and ``Footer()``, importing only
   textual) or Roomguard's real entry point ``roomguard.cli.main.main(["--db", store])``;
3. at the first ``_display`` of the first screen (for Roomguard: the ``HomeScreen``, clients and
   recent sessions already in its tables) records ``time.monotonic()`` and RSS
   (``/proc/self/statm``, what psutil's ``memory_info().rss`` reads) and ``os._exit(0)`` at once.

*Time to first paint* is from just before the parent spawns the process (``time.monotonic()``;
the clock is system-wide) to that moment, so it includes interpreter start and all imports.
Runs of the different apps are interleaved after one warm-up each (warm page cache and
``.pyc``); the figure is the median of N runs.

The store is a private copy of the generated ten-year store with today's backup already made
(so the once-a-day backup worker does not run; ``startup.first_paint_backup_due`` measures the
first open of a day separately), and its lock file is emptied before each run, as a clean exit
leaves it (the child's ``os._exit`` would otherwise look like a crash to the next run).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

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


def rss():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import psutil

        return psutil.Process().memory_info().rss


from textual.app import App

_display = App._display


def _first_paint(self, screen, renderable):
    _display(self, screen, renderable)
    if renderable is None or self._batch_count:
        return
    if MODE != "bare":
        if type(screen).__name__ == "StoreProblemScreen":
            sys.stderr.write("the store could not be opened (StoreProblemScreen)\n")
            os._exit(4)
        # The home screen, or a modal over it (an empty store offers onboarding at once).
        if not any(type(s).__name__ == "HomeScreen" for s in self.screen_stack):
            return
    t = time.monotonic()
    r = rss()
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    modules = len(sys.modules)
    with open(OUT, "w") as f:
        f.write(f"{t!r} {T_START!r} {r} {peak} {modules}\n")
        f.flush()
    os._exit(0)


App._display = _first_paint

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


FULL_PARAMS = Params(FULL, runs=7, backup_due_runs=3)
QUICK_PARAMS = Params(QUICK, runs=3, backup_due_runs=1)


@dataclass(frozen=True)
class Sample:
    seconds: float  # spawn -> first paint
    in_process: float  # script's first line -> first paint
    rss: int
    peak_rss: int
    modules: int


def child_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "ROOMGUARD"))}
    env["HOME"] = str(home)
    env["XDG_DATA_HOME"] = str(home / "share")
    env["XDG_CONFIG_HOME"] = str(home / "config")
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def launch(script: Path, out: Path, env: dict[str, str], mode: str, store: Path | None) -> Sample:
    out.unlink(missing_ok=True)
    args = [sys.executable, str(script), mode, str(out)]
    if store is not None:
        lock = store / "roomguard.lock"
        if lock.exists():
            lock.write_bytes(b"")  # as a clean exit leaves it
        args.append(str(store))
    t0 = time.monotonic()
    proc = subprocess.run(args, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=CHILD_TIMEOUT, check=False)
    if not out.exists():
        err = proc.stderr.decode(errors="replace").strip().splitlines()
        raise RuntimeError(f"{mode} never painted (exit {proc.returncode}): "
                           f"{err[-1] if err else 'no output'}")
    t_paint, t_start, rss, peak, modules = out.read_text().split()
    return Sample(float(t_paint) - t0, float(t_paint) - float(t_start), int(rss), int(peak),
                  int(modules))


def prepared_store(dst: Path, src: Path | None = None) -> Path:
    """A copy of *src* (or a new empty store) with today's backup made: the daily backup worker
    stays idle."""
    if src is not None:
        copy_store(src, dst)
    with Store.open(dst) as store:
        store.backup("bench")
    return dst


def measure(ctx: BenchContext, params: Params, cache_dir: Path | None = None) -> list[Figure]:
    work = ctx.workdir
    work.mkdir(parents=True, exist_ok=True)
    script = work / "first_paint.py"
    script.write_text(CHILD)
    env = child_env(work / "home")
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
            launch(script, work / "out.txt", env, mode, store)
    for i in range(params.runs):
        order = list(apps.items())
        order = order[i % len(order):] + order[: i % len(order)]
        for name, (mode, store) in order:
            samples[name].append(launch(script, work / "out.txt", env, mode, store))

    # The first open of a day: the backup worker zips the store while the first screen builds.
    due: list[Sample] = []
    for _ in range(params.backup_due_runs):
        shutil.rmtree(ten_year / "backups", ignore_errors=True)
        due.append(launch(script, work / "out.txt", env, "roomguard", ten_year))

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
            "peak_rss_mb": med_mb(name, "peak_rss"),
            "modules": median([s.modules for s in samples[name]]),
        }

    size = f"{manifest['clients']} clients, {manifest['sessions']} sessions, {manifest['events']} events"
    n = params.runs
    bare_t, rg_t = med_ms("bare"), med_ms("roomguard")
    bare_m, rg_m = med_mb("bare"), med_mb("roomguard")
    figures = [
        Figure(
            "startup.first_paint", rg_t, "ms", bare_t, "bare Textual app (Header+Footer)",
            target=f"<= {TIME_TARGET:g}x bare", met=rg_t <= TIME_TARGET * bare_t,
            notes=f"roomguard --db <ten-year store: {size}>; spawn -> first HomeScreen frame, "
                  f"median of {n} fresh processes each, headless",
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
