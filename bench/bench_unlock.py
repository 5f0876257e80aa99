"""First paint after unlocking an encrypted store, against a bare Textual app's first paint (issue 20).

Issue target: *first paint after unlock <= 1.25x bare Textual, measuring from the passphrase's
Enter and excluding the KDF; the KDF's own time reported.*

The baseline is the one the start-up target uses (bench_startup.py): a bare Textual app
(``Header()`` + ``Footer()``) from its process being spawned on an 80x24 pseudo-terminal to its
first whole frame. The unlock is measured in this process with Textual's headless driver at
80x24, wrapping ``App._display`` to catch the first *whole* frame (a ``LayoutUpdate`` outside a
batch). The same bare app started in this process (imports warm) is reported beside it, as the
harder comparison:

* **bare in-process**: from just before ``run_test`` starts the bare app to its first whole
  frame;
* **unlock**: Roomguard on a copy of the generated ten-year store, encrypted, showing its
  unlock screen with the passphrase typed; from the Enter key to the first whole frame with the
  home screen in the stack (its tables filled), minus the key derivation's own duration (timed
  inside ``KeyFile.unlock``). The store's key file uses a cheap Argon2id here, since its time
  is subtracted anyway; ``encryption.kdf_s`` (bench_encryption.py) reports the real one.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Input

from bench.common import BenchContext, Figure, median
from bench.generate import FULL, QUICK, cached_store, copy_store
from roomguard.store import Store
from roomguard.store.encrypt import encrypt_store
from roomguard.store.keys import KdfParams, KeyFile
from roomguard.store.vault import forget_all

TARGET = 1.25
PASS = "bench passphrase"
FAST = KdfParams(memory_kib=8, time_cost=1)


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Footer()


class FirstFrame:
    """Patches ``App._display`` to note the first whole frame that *ready* accepts."""

    def __init__(self) -> None:
        self.at: float | None = None
        self.ready: Any = lambda app: True
        self._display = App._display

    def __enter__(self) -> FirstFrame:
        original = self._display
        watcher = self

        def display(app: App[Any], screen: Any, renderable: Any) -> None:
            original(app, screen, renderable)
            if (watcher.at is None and renderable is not None and not app._batch_count
                    and type(renderable).__name__ == "LayoutUpdate" and watcher.ready(app)):
                watcher.at = time.perf_counter()

        App._display = display  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        App._display = self._display  # type: ignore[method-assign]


async def bare_once() -> float:
    with FirstFrame() as frame:
        t0 = time.perf_counter()
        async with Bare().run_test(size=(80, 24)) as pilot:
            while frame.at is None:
                await pilot.pause(0.001)
        assert frame.at is not None
        return frame.at - t0


class TimedUnlock:
    """Wraps ``KeyFile.unlock`` to time the key derivation inside it."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._unlock = KeyFile.unlock

    def __enter__(self) -> TimedUnlock:
        original, timer = self._unlock, self

        def unlock(keyfile: KeyFile, passphrase: str) -> Any:
            t0 = time.perf_counter()
            try:
                return original(keyfile, passphrase)
            finally:
                timer.seconds = time.perf_counter() - t0

        KeyFile.unlock = unlock  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        KeyFile.unlock = self._unlock  # type: ignore[method-assign]


async def unlock_once(root: Any) -> tuple[float, float]:
    from roomguard.app import RoomguardApp

    forget_all()
    (root / "roomguard.lock").write_bytes(b"")
    app = RoomguardApp(root)
    with FirstFrame() as frame, TimedUnlock() as kdf:
        frame.ready = lambda a: False
        async with app.run_test(size=(80, 24)) as pilot:
            while not app.screen.query("#passphrase"):
                await pilot.pause(0.005)
            app.screen.query_one("#passphrase", Input).value = PASS
            await pilot.pause()
            frame.ready = lambda a: any(type(s).__name__ == "HomeScreen"
                                        for s in a.screen_stack)
            t0 = time.perf_counter()
            await pilot.press("enter")
            while frame.at is None:
                await pilot.pause(0.001)
            at = frame.at
            app.exit()
    return at - t0 - kdf.seconds, kdf.seconds


def run(ctx: BenchContext) -> list[Figure]:
    ctx.workdir.mkdir(parents=True, exist_ok=True)
    cached, manifest = cached_store(QUICK if ctx.quick else FULL)
    root = copy_store(cached, ctx.workdir / "encrypted")
    encrypt_store(root, PASS, FAST)
    forget_all()
    with _unlocked(root) as store:
        store.backup("daily")  # today's backup taken: the daily backup worker stays idle
    rounds = 3 if ctx.quick else 9
    bare_process = _bare_process_ms(ctx)
    bare, unlock, kdf = [], [], []

    async def measure() -> None:
        await bare_once()
        await unlock_once(root)  # warm-up
        for _ in range(rounds):
            bare.append(await bare_once())
            u, k = await unlock_once(root)
            unlock.append(u)
            kdf.append(k)

    asyncio.run(measure())
    b, u = median(bare) * 1000, median(unlock) * 1000
    return [Figure(
        "unlock.first_paint_ms", u, "ms", bare_process,
        "bare Textual app, spawn to first paint (as startup.first_paint)",
        target=f"<= {TARGET:g}x bare", met=u <= TARGET * bare_process,
        notes=f"Enter on the unlock screen to home's first whole frame, KDF excluded "
              f"(median of {rounds}; {manifest['clients']} clients, ten-year store, encrypted)",
        extra={"kdf_ms_subtracted": median(kdf) * 1000, "bare_in_process_ms": b,
               "bare_in_process_max_ms": max(bare) * 1000, "unlock_max_ms": max(unlock) * 1000},
    )]


def _bare_process_ms(ctx: BenchContext) -> float:
    """The bare app's first paint from spawn, median of a few runs after a warm-up."""
    from bench.bench_startup import CHILD, FULL_PARAMS, QUICK_PARAMS, child_env, launch

    params = QUICK_PARAMS if ctx.quick else FULL_PARAMS
    script = ctx.workdir / "first_paint.py"
    script.write_text(CHILD)
    env = child_env(ctx.workdir / "home", params.headless)
    out = ctx.workdir / "bare.txt"
    launch(script, out, env, "bare", None, params)
    return median([launch(script, out, env, "bare", None, params).seconds * 1000
                   for _ in range(params.runs)])


def _unlocked(root: Any) -> Store:
    from roomguard.store.vault import remember

    keyfile = KeyFile.read(root)
    assert keyfile is not None
    remember(keyfile.unlock(PASS))
    return Store.open(root)
