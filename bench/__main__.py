"""``python -m bench [--quick] [--only NAME ...]``: run every ``bench/bench_*.py``, print one table.

Each module's ``run(ctx)`` gets its own scratch directory (removed afterwards) and returns
:class:`~bench.common.Figure` rows. A module that fails to import or raises becomes one failed
row; the other modules still run. The table is also written as JSON (a list of
``Figure.as_dict()``, non-finite numbers as ``null``) to ``bench/results.json``.

Exit status: 0, or 1 when a module failed (or, with ``--strict``, a target was missed).
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import pkgutil
import platform
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from bench.common import BenchContext, Figure

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results.json"


def discover() -> list[str]:
    """Names of the bench modules (``store`` for ``bench/bench_store.py``), sorted."""
    return sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules([str(BENCH_DIR)])
        if m.name.startswith("bench_")
    )


def failed(name: str, exc: BaseException) -> Figure:
    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return Figure(f"{name}: FAILED", float("nan"), "", None, "", target="runs", met=False,
                  notes=last)


def run_module(name: str, ctx: BenchContext) -> list[Figure]:
    """Import ``bench.bench_<name>`` and run it; any failure becomes a failed row."""
    try:
        module = importlib.import_module(f"bench.bench_{name}")
        figures = module.run(ctx)
        if not isinstance(figures, list) or not all(isinstance(f, Figure) for f in figures):
            raise TypeError(f"run() returned {type(figures).__name__}, not list[Figure]")
        return figures
    except Exception as exc:  # noqa: BLE001 - one broken bench must not hide the others
        traceback.print_exc(file=sys.stderr)
        return [failed(name, exc)]


def _num(x: float | None, unit: str = "") -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    digits = 3 if abs(x) < 10 else 1 if abs(x) < 1000 else 0
    text = f"{x:,.{digits}f}"
    return f"{text} {unit}".rstrip()


def row(f: Figure) -> list[str]:
    ratio = f.ratio
    met = "—" if not f.target else ("yes" if f.met else "NO")
    return [
        f.name,
        _num(f.value, f.unit),
        _num(f.baseline, f.unit),
        "—" if ratio is None or not math.isfinite(ratio) else f"{ratio:.3g}x",
        f.target or "(info)",
        met,
    ]


def table(figures: Sequence[Figure]) -> str:
    header = ["figure", "value", "baseline", "ratio", "target", "met"]
    rows = [header, *(row(f) for f in figures)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    right = {1, 2, 3}

    def fmt(r: list[str]) -> str:
        cells = (c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in
                 enumerate(zip(r, widths, strict=True)))
        return " | ".join(cells).rstrip()

    rule = "-+-".join("-" * w for w in widths)
    lines = [fmt(header), rule, *(fmt(r) for r in rows[1:])]
    baselines = [f"  {f.name}: baseline = {f.baseline_name}" for f in figures if f.baseline_name]
    notes = [f"  {f.name}: {f.notes}" for f in figures if f.notes]
    return "\n".join([*lines, "", "baselines:", *baselines, "", "notes:", *notes])


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def write_json(figures: Sequence[Figure], path: Path) -> None:
    data = orjson.dumps([_clean(f.as_dict()) for f in figures],
                        option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def main(argv: Sequence[str] | None = None) -> int:
    names = discover()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smaller store and fewer samples (a smoke run, under a minute)")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help=f"run only this module (repeatable): {', '.join(names)}")
    parser.add_argument("--output", type=Path, default=RESULTS,
                        help="where to write the JSON results (default: bench/results.json)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    wanted = names
    if args.only:
        wanted = [n.removeprefix("bench_").removesuffix(".py") for n in args.only]
        unknown = [n for n in wanted if n not in names]
        if unknown:
            parser.error(f"unknown bench module(s): {', '.join(unknown)} (have: {', '.join(names)})")

    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(f"bench: {'quick' if args.quick else 'full'} run of {', '.join(wanted)}; "
          f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {load[0]:.2f} (high load skews latency figures)", flush=True)

    figures: list[Figure] = []
    scratch = Path(tempfile.mkdtemp(prefix="roomguard-bench-"))
    try:
        for name in wanted:
            t0 = time.perf_counter()
            print(f"  running {name} …", end="", flush=True)
            workdir = scratch / name
            workdir.mkdir()
            got = run_module(name, BenchContext(workdir=workdir, quick=args.quick))
            shutil.rmtree(workdir, ignore_errors=True)
            figures.extend(got)
            print(f" {time.perf_counter() - t0:.1f} s", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    if hasattr(os, "getloadavg"):
        start_load, end_load = load[0], os.getloadavg()[0]
        figures.append(Figure(
            "bench.load_average", max(start_load, end_load), "", None, "", target="", met=True,
            notes=f"1-min load average at start {start_load:.2f} / end {end_load:.2f} on "
                  f"{os.cpu_count()} CPUs: other work on the machine skews the latency figures",
        ))
    print()
    print(table(figures))
    write_json(figures, args.output)
    print(f"\nwrote {args.output}")
    if any(f.name.endswith(": FAILED") for f in figures):
        return 1
    if args.strict and any(f.target and not f.met for f in figures):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
