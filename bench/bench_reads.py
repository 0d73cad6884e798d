"""Benchmark: the read commands cold (a fresh process each time, as a planner types them).

Each command runs as a subprocess of the installed ``railcap`` console script; the
wall time includes Python's start, the imports and the command's own work. Two
baselines are measured in the same run: the interpreter's start (``python -c pass``)
and the import floor every command pays (``numpy``, ``typer``, ``rich``: the
ratio column is against it). CPU seconds (user + system) are given too: on a
shared machine they vary less than the wall time.

``--against SRC`` runs every command a second time with ``PYTHONPATH=SRC`` (another
checkout's ``src``, e.g. main before a change), so that before and after come from
the same run on the same machine.

Run: ``python -m bench reads`` or ``python bench/bench_reads.py [--repeat 3] [--against ../main/src]``
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

COMMANDS = [
    ["--help"],
    ["portfolio", "list"],
    ["portfolio", "list", "--json"],
    ["timetable", "info"],
    ["capacity", "report", "--json"],
    ["path", "list", "--db", "{db}"],
    ["network", "info"],
]
FLOOR = "import numpy, typer, rich.console, rich.table"


def _railcap() -> list[str]:
    exe = Path(sys.executable).with_name("railcap")
    return [str(exe)] if exe.exists() else [shutil.which("railcap") or "railcap"]


def one(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run(argv, capture_output=True, env=env, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {out.stderr.strip()[-300:]}")
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def measure(argv: list[str], env: dict[str, str], repeat: int) -> tuple[float, float, float]:
    """(best wall, median wall, median CPU) over ``repeat`` fresh processes."""
    runs = [one(argv, env) for _ in range(repeat)]
    walls = [w for w, _ in runs]
    return min(walls), statistics.median(walls), statistics.median(c for _, c in runs)


def _store(path: Path, env: dict[str, str]) -> None:
    """An empty railcap database for ``path list`` (made by the code under test)."""
    code = f"from railcap.store.allocations import open_store; open_store({str(path)!r}, create=True).dispose()"
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--against", type=Path, default=None, help="another checkout's src/ to time as 'before'")
    args = ap.parse_args(argv)
    env = dict(os.environ)
    trees = [("this", env)]
    if args.against is not None:
        trees.insert(0, ("before", {**env, "PYTHONPATH": str(args.against.resolve())}))
    print(f"load average {os.getloadavg()[0]:.1f}; {args.repeat} fresh processes each; wall and CPU seconds")
    floor = measure([sys.executable, "-c", FLOOR], env, args.repeat)
    start = measure([sys.executable, "-c", "pass"], env, args.repeat)
    print(f"{'command':38s} {'tree':6s} {'best s':>7s} {'median s':>8s} {'CPU s':>6s} {'/floor':>7s}")
    print(f"{'python -c pass':38s} {'':6s} {start[0]:7.2f} {start[1]:8.2f} {start[2]:6.2f} {start[1] / floor[1]:7.2f}")
    print(f"{'python -c ' + repr(FLOOR)[:26]:38s} {'':6s} {floor[0]:7.2f} {floor[1]:8.2f} {floor[2]:6.2f} {1:7.2f}")
    with tempfile.TemporaryDirectory() as d:
        for name, tree_env in trees:
            _store(Path(d) / f"{name}.sqlite", tree_env)
        for cmd in COMMANDS:
            for name, tree_env in trees:
                words = [w.format(db=str(Path(d) / f"{name}.sqlite")) for w in cmd]
                best, median, cpu = measure(_railcap() + words, tree_env, args.repeat)
                label = "railcap " + " ".join(cmd).replace(" {db}", " DB")
                print(f"{label:38s} {name:6s} {best:7.2f} {median:8.2f} {cpu:6.2f} {median / floor[1]:7.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
