"""Roomguard's benchmarks: ``python -m bench [--quick] [--only NAME]`` (``make bench``).

Each ``bench/bench_*.py`` module exposes ``run(ctx) -> list[Figure]`` (see :mod:`bench.common`).
"""
