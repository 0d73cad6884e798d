"""Benchmark of UIC 406 compression on the reference weekday, and of the spare-path count.

(a) The whole day's blocking times (the shipped cache, 339,950 occupations)
compressed per line section for the 24 hours and the operating day
06:00-24:00: railcap's lock-step compression (every line section and every
window of a layer in one numpy step per train rank) against a plain-Python
baseline measured in the same run — per line section and window, train by
train, block by block with a dict, the textbook loop. Both must give the same
compressed times (checked).

(b) ``railcap capacity spare`` for one consist on each NATO route, whole day,
hour bands: seconds and paths.

Run: ``python -m bench capacity`` (or ``python bench/bench_capacity.py [--no-spare]``)
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

import numpy as np

from railcap.capacity import compress, consumption_report
from railcap.capacity.compression import line_section_of
from railcap.occupancy import OccupationTable

HOUR = 3600.0


def windows() -> list[tuple[float, float]]:
    return [(h * HOUR, (h + 1) * HOUR) for h in range(24)] + [(6 * HOUR, 24 * HOUR)]


def baseline(table: OccupationTable, wins: list[tuple[float, float]]) -> dict[tuple[str, float, float], float]:
    """Compressed time per (line section, window start, window end), one train and one block at a time."""
    stairs: dict[str, dict[str, list[tuple[str, float, float]]]] = defaultdict(lambda: defaultdict(list))
    for t, r, a, b in zip(table.train_id.tolist(), table.resource_id.tolist(), table.start_s.tolist(),
                          table.end_s.tolist()):
        stairs[line_section_of(r)][t].append((r, a, b))
    out = {}
    for ls, trains in stairs.items():
        entry = {t: min(a for _, a, _ in rows) for t, rows in trains.items()}
        for wa, wb in wins:
            inside = sorted((t for t in trains if wa <= entry[t] < wb), key=lambda t: (entry[t], t))
            if not inside:
                continue
            released: dict[str, float] = {}
            ahead = -np.inf
            first = entry[inside[0]]
            last = -np.inf
            for k, t in enumerate(inside):
                d = max([released.get(r, -np.inf) - a for r, a, _ in trains[t]] + [ahead - entry[t]])
                d = 0.0 if k == 0 or not np.isfinite(d) else d
                ahead = entry[t] + d
                for r, _, b in trains[t]:
                    released[r] = max(released.get(r, -np.inf), b + d)
                    last = max(last, b + d)
            out[(ls, wa, wb)] = last - first
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--no-spare", action="store_true")
    args = p.parse_args(argv)
    from railcap.services.capacity import day_occupations, network

    t0 = time.perf_counter()
    table = day_occupations()
    net = network()
    t_load = time.perf_counter() - t0
    wins = windows()
    t0 = time.perf_counter()
    fast = compress(table, wins)
    t_fast = time.perf_counter() - t0
    t0 = time.perf_counter()
    slow = baseline(table, wins)
    t_slow = time.perf_counter() - t0
    got = {(c.line_section, c.window_start_s, c.window_end_s): c.compressed_s for c in fast}
    assert got.keys() == slow.keys(), "the two methods found different line-section windows"
    worst = max(abs(got[k] - slow[k]) for k in got)
    assert worst < 1e-6, f"compressed times differ by {worst} s"
    t0 = time.perf_counter()
    r = consumption_report(net, table)
    t_report = time.perf_counter() - t0
    print(f"reference day: {len(table):,} occupations, {len({k[0] for k in got}):,} line sections, "
          f"{len(wins)} windows, {len(got):,} compressions (loaded in {t_load:.2f} s)")
    print("| method | s | ratio |\n|---|---|---|")
    print(f"| per line section and window, train by train (baseline) | {t_slow:.2f} | 1.0 |")
    print(f"| lock-step numpy (railcap) | {t_fast:.2f} | {t_slow / t_fast:.1f}x faster |")
    print(f"| consumption_report (day + its 18 hours, sorted, norms) | {t_report:.2f} | – |")
    print(f"same compressed times (largest difference {worst:.1e} s); "
          f"{len(r.bottlenecks())} line sections above the norm")
    if args.no_spare:
        return
    from railcap.services.capacity import spare

    print("\n| route | consist | paths | s |\n|---|---|---|---|")
    for route, consist in [("betuweroute", "intermodal-740"), ("arnhem-bentheim", "military-heavy"),
                           ("brabant", "military-ammunition")]:
        t0 = time.perf_counter()
        s = spare(consist, route, table=table)
        print(f"| {route} | {consist} | {s.total} | {time.perf_counter() - t0:.1f} |")


if __name__ == "__main__":
    main()
