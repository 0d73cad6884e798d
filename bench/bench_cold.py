"""Benchmark: a cold ``railcap path plan`` (a fresh process each time, as a planner types it).

Each request runs as a subprocess of the installed ``railcap`` command with
``--json`` and a fresh SQLite file; the wall time includes Python's start,
the imports, loading the network and the day's blocking times (from the
shipped cache) and the search. The baseline is the same command with the cache
switched off (``RAILCAP_NO_BLOCKING_CACHE=1``: the day's blocking times are
recomputed, as every call did before the cache), measured in the same run.

Run: ``python -m bench cold`` or ``python bench/bench_cold.py [--repeat 3]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REQUESTS = [
    ["--from", "t-harde", "--to", "zevenaar-grens", "--consist", "military-heavy", "--priority", "military",
     "--depart-after", "08:00"],
    ["--from", "steenwijk", "--to", "oldenzaal-grens", "--consist", "military-heavy", "--priority", "military",
     "--depart-after", "14:00"],
    ["--from", "Kijfhoek", "--to", "zevenaar-grens", "--consist", "intermodal-650", "--depart-after", "09:00"],
]


def _railcap() -> list[str]:
    exe = Path(sys.executable).with_name("railcap")
    return [str(exe)] if exe.exists() else [shutil.which("railcap") or "railcap"]


def one(args: list[str], cache: bool) -> float:
    env = dict(os.environ)
    if not cache:
        env["RAILCAP_NO_BLOCKING_CACHE"] = "1"
    with tempfile.TemporaryDirectory() as d:
        t = time.perf_counter()
        out = subprocess.run(_railcap() + ["path", "plan", *args, "--json", "--db", f"{d}/x.sqlite"],
                             capture_output=True, env=env, text=True)
        wall = time.perf_counter() - t
    if out.returncode != 0:
        raise SystemExit(f"railcap path plan {' '.join(args)} failed: {out.stderr.strip()[:300]}")
    return wall


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    opts = ap.parse_args(argv)
    print(f"{'request':62} {'cached s (min/median)':>22} {'recomputed s':>13} {'ratio':>6}")
    cached_all, base_all = [], []
    for args in REQUESTS:
        cached = [one(args, True) for _ in range(opts.repeat)]
        base = [one(args, False) for _ in range(max(1, opts.repeat // 2))]
        cached_all += cached
        base_all += base
        name = " ".join(args[1:6:2]) + (" military" if "military" in args else "")
        print(f"{name:62} {min(cached):10.2f} /{statistics.median(cached):6.2f} {statistics.median(base):13.2f} "
              f"{statistics.median(base) / statistics.median(cached):5.1f}x")
    print(f"all: cached median {statistics.median(cached_all):.2f} s (max {max(cached_all):.2f}), "
          f"recomputed median {statistics.median(base_all):.2f} s; target < 1.5 s cold")


if __name__ == "__main__":
    main(sys.argv[1:])
