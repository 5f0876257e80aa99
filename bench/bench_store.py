"""Durable write latency of the store on a generated ten-year practice.

Issue target: *a presence toggle commits durably in p99 <= 5 ms* on a ten-year store.

What is timed, each sample on its own (``time.perf_counter`` around one call):

* **toggle**: ``Store.append_event(session_id, PresenceChanged(...))`` on an open session
  (encode + checksummed line + ``write`` + ``fsync``); the event object is built outside the timer.
  Measured on a private copy of the ten-year store and on an empty store, interleaved in rounds
  so both see the same disk weather: their ratio shows whether write cost grows with history.
* **fsync floor**: ``os.write`` of a 100-byte line + ``os.fsync`` on the same file system: the
  machine's own limit for any durable commit.
* **stock TinyDB**: ``Table.insert`` of one event document with stock ``TinyDB(path)``
  (``JSONStorage``: re-reads, re-serialises and fsyncs the whole file on each write) holding
  1k, 10k and the ten-year store's number of event documents (the same journal documents).
* **agreement save**: ``Store.save_agreement`` of the store's largest agreement, on the ten-year
  store and on an empty one.
* **open + home reads**: ``Store.open`` + ``clients()`` + the 20 newest sessions, what the home
  screen reads before its first paint.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from bench.common import BenchContext, Figure, median, percentile
from bench.generate import FULL, QUICK, Spec, cached_store, copy_store
from roomguard.core.events import PresenceChanged, PresenceSource
from roomguard.core.models import Agreement, Client, ClientStatus, Role
from roomguard.store import Store
from roomguard.store.journal import scan

TOGGLE_TARGET_MS = 5.0
GROWTH_TARGET = 1.5  # ten-year p99 / empty-store p99: "does not grow with history", with noise


@dataclass(frozen=True)
class Params:
    spec: Spec
    toggles: int  # per store (ten-year and empty)
    rounds: int  # interleaving rounds the toggles are split into
    stock_sizes: tuple[int, ...]  # history sizes for stock TinyDB, besides the full size
    stock_inserts: int  # inserts timed at each of stock_sizes
    stock_full_inserts: int  # inserts timed at the ten-year store's size (each costs ~1 s)
    agreement_saves: int
    opens: int


FULL_PARAMS = Params(FULL, toggles=3000, rounds=6, stock_sizes=(1_000, 10_000),
                     stock_inserts=200, stock_full_inserts=8, agreement_saves=400, opens=5)
QUICK_PARAMS = Params(QUICK, toggles=600, rounds=3, stock_sizes=(1_000, 10_000),
                      stock_inserts=15, stock_full_inserts=3, agreement_saves=60, opens=3)


def _count(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def ms(seconds: list[float]) -> list[float]:
    return [s * 1000 for s in seconds]


class FsyncFloor:
    """``os.write`` of a 100-byte line + ``os.fsync``: the cheapest durable append there is."""

    LINE = b"x" * 99 + b"\n"

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self.toggle(20)

    def toggle(self, n: int) -> list[float]:
        out = []
        fd, line = self.fd, self.LINE
        for _ in range(n):
            t0 = time.perf_counter()
            os.write(fd, line)
            os.fsync(fd)
            out.append(time.perf_counter() - t0)
        return out

    def close(self) -> None:
        os.close(self.fd)


def journal_docs(store_root: Path, count: int) -> list[dict[str, Any]]:
    """The first *count* event documents of the store's journals (cycled if it holds fewer)."""
    docs: list[dict[str, Any]] = []
    for month in sorted((store_root / "sessions").iterdir()):
        if not month.is_dir():
            continue
        for journal in sorted(month.glob("*.jsonl")):
            records, _ = scan(journal.read_bytes())
            for r in records:
                r["session_id"] = journal.stem
            docs.extend(records)
            if len(docs) >= count:
                return docs[:count]
    if not docs:
        raise RuntimeError(f"no journal events in {store_root}")
    while len(docs) < count:
        docs.extend(dict(d) for d in docs[: count - len(docs)])
    return docs


def stock_tinydb_inserts(path: Path, history: list[dict[str, Any]], n: int) -> list[float]:
    """Stock TinyDB (JSONStorage): the file already holds *history*; time *n* single inserts."""
    doc = {"at": "2026-11-20T10:00:00", "participant_id": "0123456789abcdef", "present": True,
           "source": "key", "kind": "presence", "session_id": "202611-0123456789abcdef"}
    out = []
    with TinyDB(path) as db:
        table = db.table("events")
        table.insert_multiple(history)
        for _ in range(n):
            t0 = time.perf_counter()
            table.insert(dict(doc))
            out.append(time.perf_counter() - t0)
    path.unlink()
    return out


class OpenSession:
    """A store with a session running, ready to have a third party toggled in and out."""

    def __init__(self, store: Store, client: Client, agreement: Agreement) -> None:
        self.store = store
        parties = agreement.participants
        client_p = next(p for p in parties if p.role is Role.CLIENT)
        coach = next(p for p in parties if p.role is Role.COACH)
        self.third = next(p.id for p in parties if p.role.is_third_party)
        self.at = datetime.now().replace(microsecond=0)
        self.record = store.start_session(client.id, self.at, agreement.terms.version,
                                          [client_p.id, coach.id])
        self.present = False
        self.toggle(20)  # warm-up: journal opened, codec paths hot

    def toggle(self, n: int) -> list[float]:
        out = []
        append = self.store.append_event
        sid = self.record.id
        for _ in range(n):
            self.present = not self.present
            self.at += timedelta(seconds=1)
            event = PresenceChanged(self.at, self.third, self.present, PresenceSource.KEY)
            t0 = time.perf_counter()
            append(sid, event)
            out.append(time.perf_counter() - t0)
        return out


def active_with_third_party(store: Store) -> tuple[Client, Agreement]:
    for client in store.clients():
        if client.status is not ClientStatus.ACTIVE:
            continue
        agreement = store.agreement(client.id)
        if agreement and any(p.role.is_third_party for p in agreement.participants):
            return client, agreement
    raise RuntimeError("the generated store has no active client with a third party")


def largest_agreement(store: Store) -> Agreement:
    best: Agreement | None = None
    best_size = -1
    for path in (store.root / "clients").glob("*.json"):
        if path.stat().st_size > best_size:
            agreement = store.agreement(path.stem)
            if agreement is not None:
                best, best_size = agreement, path.stat().st_size
    assert best is not None
    return best


def agreement_saves(store: Store, agreement: Agreement, n: int) -> list[float]:
    out = []
    muted = list(agreement.muted_phrases)
    for i in range(n + 5):
        agreement.muted_phrases = [*muted, "false alarm"] if i % 2 else list(muted)
        t0 = time.perf_counter()
        store.save_agreement(agreement)
        dt = time.perf_counter() - t0
        if i >= 5:  # the first saves read the shard
            out.append(dt)
    agreement.muted_phrases = muted
    return out


def home_reads(root: Path, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        with Store.open(root) as store:
            store.clients()
            for i, _record in enumerate(store.sessions()):
                if i >= 19:
                    break
        out.append(time.perf_counter() - t0)
    return out


def info(name: str, value: float, unit: str, notes: str, baseline: float | None = None,
         baseline_name: str = "", **extra: float) -> Figure:
    return Figure(name, value, unit, baseline, baseline_name, target="", met=True, notes=notes,
                  extra=dict(extra))


def measure(ctx: BenchContext, params: Params, cache_dir: Path | None = None) -> list[Figure]:
    work = ctx.workdir
    work.mkdir(parents=True, exist_ok=True)
    cached, manifest = cached_store(params.spec, cache_dir)
    size = f"{manifest['clients']} clients, {manifest['sessions']} sessions, {manifest['events']} events"
    figures: list[Figure] = []

    # --- the stores: ten-year copy and empty, both with a session running
    big_root = copy_store(cached, work / "ten-year")
    big = Store.open(big_root)
    empty = Store.open(work / "empty")
    try:
        client, agreement = active_with_third_party(big)
        empty.save_client(client)
        empty.save_agreement(agreement)
        # Interleaved in rounds, order rotating, so all three see the same disk weather.
        floor = FsyncFloor(work / "floor.log")
        writers: list[tuple[str, FsyncFloor | OpenSession]] = [
            ("floor", floor),
            ("empty", OpenSession(empty, client, agreement)),
            ("big", OpenSession(big, client, agreement)),
        ]
        samples: dict[str, list[float]] = {name: [] for name, _ in writers}
        per_round = max(1, params.toggles // params.rounds)
        try:
            for r in range(params.rounds):
                for name, writer in writers[r % 3:] + writers[: r % 3]:
                    samples[name].extend(writer.toggle(per_round))
        finally:
            floor.close()
        big_ms, empty_ms, floor_ms = (ms(samples[k]) for k in ("big", "empty", "floor"))
        floor_p99 = percentile(floor_ms, 99)
        figures.append(info("store.fsync_floor_p99", floor_p99, "ms",
                            f"os.write(100 B)+fsync, n={len(floor_ms)}: the disk's own limit",
                            p50=percentile(floor_ms, 50), max=max(floor_ms)))

        target_agreement = largest_agreement(big)
        big_save = ms(agreement_saves(big, target_agreement, params.agreement_saves))
        empty.save_agreement(target_agreement)
        empty_save = ms(agreement_saves(empty, target_agreement, params.agreement_saves))
        history = manifest["events"]
        assert isinstance(history, int)
    finally:
        big.close()
        empty.close()

    # --- stock TinyDB at growing history sizes (the naive "one TinyDB file" design)
    stock: dict[int, list[float]] = {}
    docs = journal_docs(cached, max([*params.stock_sizes, history]))
    for n_docs in [*params.stock_sizes, history]:
        inserts = params.stock_full_inserts if n_docs == history else params.stock_inserts
        stock[n_docs] = ms(stock_tinydb_inserts(work / f"stock-{n_docs}.json", docs[:n_docs], inserts))
    del docs
    for n_docs in params.stock_sizes:
        s = stock[n_docs]
        figures.append(info(f"store.stock_tinydb_insert_{_count(n_docs)}_p99", percentile(s, 99), "ms",
                            f"stock TinyDB JSONStorage insert at {n_docs} docs, n={len(s)}",
                            p50=percentile(s, 50)))
    full_stock = stock[history]
    figures.append(info("store.stock_tinydb_insert_same_history_p50", percentile(full_stock, 50), "ms",
                        f"stock TinyDB insert at {history} docs (the ten-year store's events), "
                        f"n={len(full_stock)}", p99=percentile(full_stock, 99)))

    # --- the headline figures
    big_p50, big_p99 = percentile(big_ms, 50), percentile(big_ms, 99)
    empty_p99 = percentile(empty_ms, 99)
    stock_name = f"stock TinyDB insert @ {history} docs"
    figures.append(Figure(
        "store.toggle_p50", big_p50, "ms", percentile(full_stock, 50), stock_name + " (p50)",
        target="", met=True,
        notes=f"Store.append_event(PresenceChanged) on an open session, {size}, n={len(big_ms)}",
    ))
    figures.append(Figure(
        "store.toggle_p99", big_p99, "ms", percentile(full_stock, 99), stock_name + " (p99)",
        target=f"<= {TOGGLE_TARGET_MS:g} ms", met=big_p99 <= TOGGLE_TARGET_MS,
        notes=f"durable presence toggle on the ten-year store, n={len(big_ms)}",
        extra={"p50": big_p50, "p90": percentile(big_ms, 90), "p999": percentile(big_ms, 99.9),
               "max": max(big_ms), "mean": sum(big_ms) / len(big_ms)},
    ))
    figures.append(info("store.toggle_p99_vs_fsync_floor", big_p99, "ms",
                        "toggle p99 against a bare write+fsync p99 on the same disk",
                        baseline=floor_p99, baseline_name="os.write+fsync p99"))
    growth = big_p99 / empty_p99 if empty_p99 else float("inf")
    figures.append(Figure(
        "store.toggle_p99_growth", big_p99, "ms", empty_p99, "toggle p99 on an empty store",
        target=f"<= {GROWTH_TARGET:g}x empty", met=growth <= GROWTH_TARGET,
        notes=f"write cost must not grow with history (interleaved, {params.rounds} rounds)",
        extra={"empty_p50": percentile(empty_ms, 50), "ten_year_p50": big_p50},
    ))
    figures.append(info(
        "store.agreement_save_p99", percentile(big_save, 99), "ms",
        f"Store.save_agreement of the largest agreement (atomic rewrite of its shard), "
        f"n={len(big_save)}", baseline=percentile(empty_save, 99),
        baseline_name="same save on an empty store", p50=percentile(big_save, 50),
    ))

    # --- what the home screen reads before its first paint
    big_open = ms(home_reads(big_root, params.opens))
    empty_open = ms(home_reads(work / "empty", params.opens))
    figures.append(info("store.open_and_home_reads", median(big_open), "ms",
                        "Store.open + clients() + 20 newest sessions (median)",
                        baseline=median(empty_open), baseline_name="same on the empty store"))
    return figures


def run(ctx: BenchContext) -> list[Figure]:
    return measure(ctx, QUICK_PARAMS if ctx.quick else FULL_PARAMS)
