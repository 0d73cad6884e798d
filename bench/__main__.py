"""Run every ``bench/bench_*.py`` (or the ones named) and print their tables."""

from __future__ import annotations

import importlib
import platform
import sys
from pathlib import Path

import os


def main(names: list[str]) -> None:
    here = Path(__file__).parent
    mods = sorted(p.stem for p in here.glob("bench_*.py"))
    chosen = [m for m in mods if not names or any(n in m for n in names)]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    for m in chosen:
        print(f"\n== {m}")
        mod = importlib.import_module(f"bench.{m}")
        try:
            mod.main([])  # benchmarks with their own options get none: defaults
        except TypeError:
            mod.main()


if __name__ == "__main__":
    main(sys.argv[1:])
