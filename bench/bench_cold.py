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
import resource
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
    ["--from", "t-harde", "--to", "oldenzaal-grens", "--consist", "military-heavy", "--priority", "military",
     "--depart-after", "14:00"],  # displaces two freight trains: their runs are read and re-planned
    ["--from", "Kijfhoek", "--to", "zevenaar-grens", "--consist", "intermodal-650", "--depart-after", "09:00"],
]


def _railcap() -> list[str]:
    exe = Path(sys.executable).with_name("railcap")
    return [str(exe)] if exe.exists() else [shutil.which("railcap") or "railcap"]


CPU: list[float] = []  # CPU seconds (user + system) of each cached call: on a shared machine less noisy than wall


def one(args: list[str], cache: bool) -> float:
    env = dict(os.environ)
    if not cache:
        env["RAILCAP_NO_BLOCKING_CACHE"] = "1"
    with tempfile.TemporaryDirectory() as d:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        out = subprocess.run(_railcap() + ["path", "plan", *args, "--json", "--db", f"{d}/x.sqlite"],
                             capture_output=True, env=env, text=True)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(f"railcap path plan {' '.join(args)} failed: {out.stderr.strip()[:300]}")
    if cache:
        CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall


def phases(military: bool) -> None:
    """Where a cold call's time goes, step by step in this (fresh) process, as ``railcap path plan`` does it."""
    t0 = time.perf_counter()
    import railcap.cli  # noqa: F401 - the main app (sub-commands load lazily)
    import railcap.cli.path  # noqa: F401 - what `railcap path plan` imports
    from railcap.pathing.report import plan_to_dict
    from railcap.services import paths
    from railcap.services.day_cache import day_blocking
    from railcap.data.embedded import load_network

    t1 = time.perf_counter()
    net = load_network()
    t2 = time.perf_counter()
    base, classes = day_blocking()
    t3 = time.perf_counter()
    day = paths.ReferenceDay(net, lambda: None, base, classes)
    origin, consist = ("t-harde", "military-heavy") if military else ("kijfhoek", "intermodal-650")
    req = paths.build_request(net, from_op=origin, to_op="zevenaar-grens", depart_after="08:00", consist=consist,
                              priority="military" if military else "freight")
    planner = paths.planner_for(day, paths.store.State.empty())
    planner.index(frozenset())
    t4 = time.perf_counter()
    routes = planner.routes(req)
    t5 = time.perf_counter()
    result = planner.plan(req)
    t6 = time.perf_counter()
    plan_to_dict(result, net)
    t7 = time.perf_counter()
    print(f"{origin} {consist}: imports {t1 - t0:.2f} s, network {t2 - t1:.2f} s, day's blocking times "
          f"(cache) {t3 - t2:.2f} s, request and index {t4 - t3:.2f} s, {len(routes)} routes {t5 - t4:.2f} s, "
          f"search {t6 - t5:.2f} s ({result.stage}), answer {t7 - t6:.2f} s; {t7 - t0:.2f} s in all")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--phases", choices=["freight", "military"], help="time the steps of one cold call in "
                    "this process instead (run it in a fresh process)")
    opts = ap.parse_args(argv)
    if opts.phases:
        phases(opts.phases == "military")
        return
    print(f"{'request':62} {'cached s (min/median)':>22} {'CPU s':>6} {'recomputed s':>13} {'ratio':>6}")
    cached_all, base_all = [], []
    for args in REQUESTS:
        CPU.clear()
        cached = [one(args, True) for _ in range(opts.repeat)]
        cpu = statistics.median(CPU)
        base = [one(args, False) for _ in range(max(1, opts.repeat // 2))]
        cached_all += cached
        base_all += base
        name = " ".join(args[1:6:2]) + (" military" if "military" in args else "")
        print(f"{name:62} {min(cached):10.2f} /{statistics.median(cached):6.2f} {cpu:6.2f} {statistics.median(base):13.2f} "
              f"{statistics.median(base) / statistics.median(cached):5.1f}x")
    print(f"load average {os.getloadavg()[0]:.1f} (2 cores shared); all: cached median {statistics.median(cached_all):.2f} s (max {max(cached_all):.2f}), "
          f"recomputed median {statistics.median(base_all):.2f} s; target < 1.5 s cold")


if __name__ == "__main__":
    main(sys.argv[1:])
