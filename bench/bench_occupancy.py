"""Benchmark of the occupancy engine against plain-Python baselines measured in the same run.

Synthetic timetable: a chain of double-track sections of 30 blocks each; every
train runs two consecutive sections (60 blocks), starting from standstill and
stopping at the end, at a random time of the day. Timed:

(a) blocking-time construction, vectorised vs a scalar per-block loop;
(b) the conflict detector, vectorised vs a pairwise check per resource;
(c) the detector and the free-interval index on ~2M random occupations;
(d) trains granted one by one on the index of the 7,000 (each run checked at a
    random departure, then added, as the reference-day builder does), against
    building the index again after each addition.

Run: ``python bench/bench_occupancy.py [--trains 7000] [--seed 1]``
"""

from __future__ import annotations

import argparse
import bisect
import time
import tracemalloc
from dataclasses import dataclass
from typing import Callable

import numpy as np

from railcap.model.samples import straight_section
from railcap.occupancy import (
    DEFAULT_PARAMETERS, FreeIntervalIndex, OccupationTable, Route,
    find_conflicts, route_block_arrays, timetable_blocking,
)

SECTION_M = 45_000.0
BLOCK_M = 1_500.0
SECTIONS = 50


@dataclass(frozen=True)
class Run:
    position_m: np.ndarray
    time_s: np.ndarray
    speed_ms: np.ndarray
    length_m: float
    brake_ms2: float


def synthetic_runs(trains: int, seed: int) -> list[tuple[str, Run, Route]]:
    rng = np.random.default_rng(seed)
    secs = [straight_section(f"s{i}", f"op{i}", f"op{i + 1}", SECTION_M, block_m=BLOCK_M)
            for i in range(SECTIONS)]
    runs = []
    for k in range(trains):
        i = int(rng.integers(0, SECTIONS - 1))
        up = bool(rng.integers(0, 2))
        route = [(secs[i], False), (secs[i + 1], False)] if up else \
            [(secs[i + 1], True), (secs[i], True)]
        mv = _profile(2 * SECTION_M, rng.uniform(22, 38), rng.uniform(0.2, 0.6),
                      rng.uniform(0.3, 0.5), rng.uniform(0, 86_400), rng.uniform(200, 740))
        runs.append((f"t{k}", mv, route))
    return runs


def _profile(route_m: float, v_max: float, accel: float, brake: float, t0: float,
             length_m: float, n: int = 240) -> Run:
    """Accelerate, cruise, brake to a stop at the route end (by hand, not the physics engine)."""
    x = np.linspace(0.0, route_m, n)
    v = np.minimum.reduce([np.sqrt(2 * accel * x), np.full(n, v_max),
                           np.sqrt(2 * brake * (route_m - x))])
    dt = np.diff(x) / np.maximum((v[1:] + v[:-1]) / 2, 0.1)
    return Run(x, t0 + np.r_[0.0, np.cumsum(dt)], v, length_m, brake)


# ----- baselines: the same rules, one block and one pair at a time --------------

def scalar_blocking(runs: list[tuple[str, Run, Route]]) -> list[tuple[str, str, float, float]]:
    """Plain-Python blocking times (lineside signals, stop only at the origin)."""
    p = DEFAULT_PARAMETERS
    out = []
    for tid, mv, route in runs:
        pos, t, v = mv.position_m.tolist(), mv.time_s.tolist(), mv.speed_ms.tolist()
        reach, best = [], -1e300
        for x, s in zip(pos, v):
            best = max(best, x + s * s / (2 * mv.brake_ms2))
            reach.append(best)
        blocks = route_block_arrays(route)
        signals = blocks.start_m.tolist()
        for i, (rid, a, e) in enumerate(zip(blocks.resource_ids, signals,
                                            blocks.end_m.tolist())):
            j = min(max(bisect.bisect_left(reach, a), 1), len(pos) - 1)
            r0, r1 = reach[j - 1], reach[j]
            bp = pos[0] if a <= reach[0] else \
                pos[j - 1] + (a - r0) / (r1 - r0) * (pos[j] - pos[j - 1])
            k = max(min(bisect.bisect_right(signals, bp) - 1, i - 1), 0)
            start = _time_at(pos, t, v, signals[k]) - p.route_setting_s - p.sighting_s
            end = _time_at(pos, t, v, e + mv.length_m) + p.release_s
            out.append((tid, rid, start, end))
    return out


def _time_at(pos: list[float], t: list[float], v: list[float], x: float) -> float:
    if x <= pos[0]:
        return t[0]
    if x >= pos[-1]:
        return t[-1] + ((x - pos[-1]) / v[-1] if v[-1] > 1e-3 else 0.0)
    j = bisect.bisect_left(pos, x)
    return t[j - 1] + (x - pos[j - 1]) / (pos[j] - pos[j - 1]) * (t[j] - t[j - 1])


def pairwise_conflicts(rows: list[tuple[str, str, float, float]]) -> int:
    """Every pair of occupations of each resource, checked one by one."""
    by_res: dict[str, list[tuple[str, float, float]]] = {}
    for tid, rid, s, e in rows:
        by_res.setdefault(rid, []).append((tid, s, e))
    n = 0
    for occ in by_res.values():
        for i in range(len(occ)):
            ta, sa, ea = occ[i]
            for tb, sb, eb in occ[i + 1:]:
                if ta != tb and min(ea, eb) - max(sa, sb) > 0.0:
                    n += 1
    return n


# ----- measuring ------------------------------------------------------------------

def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def peak_mb(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def random_table(n: int, resources: int, seed: int) -> OccupationTable:
    rng = np.random.default_rng(seed)
    start = rng.uniform(0, 86_400, n)
    train = np.array([f"t{k}" for k in range(n // 60 + 1)], dtype=object)[np.arange(n) // 60]
    res = np.array([f"s{k // 60}/+/{k % 60}" for k in range(resources)], dtype=object)
    return OccupationTable(train, res[rng.integers(0, resources, n)], start,
                           start + rng.uniform(60, 300, n))


GRANTS = 30  # the baseline builds the whole index again per granted run: keep it short


def grant_one_by_one(table: OccupationTable, n: int, seed: int, rebuild: bool) -> tuple[float, int]:
    """Check ``n`` runs (copies of the table's trains at random departures) and grant those
    that are free, one by one; ``rebuild``: build the index again after each grant (the
    baseline) instead of adding to it. Returns (seconds, how many were granted)."""
    rng = np.random.default_rng(seed)
    picked = dict.fromkeys(np.unique(table.train_id)[rng.integers(0, 1000, n)].tolist())
    runs = {t: table[table.train_id == t] for t in picked}  # cut before the clock runs
    shifts = rng.uniform(0, 86_400, n).tolist()  # mostly onto the next day: most runs fit
    index, granted = FreeIntervalIndex(table).prepare(), [table]
    n_granted, clock = 0, time.perf_counter()
    for k, (t, shift) in enumerate(zip(list(runs) * n, shifts)):
        rows = runs[t]
        res = rows.resource_id.tolist()
        if not index.run_is_free(res, rows.start_s, rows.end_s, shift):
            continue
        n_granted += 1
        new = OccupationTable.from_columns(np.full(len(rows), f"g{k}", dtype=object), rows.resource_id,
                                           rows.start_s + shift, rows.end_s + shift)
        if rebuild:
            granted.append(new)
            index = FreeIntervalIndex(OccupationTable.concat(granted)).prepare()
        else:
            index.add(new)
    return time.perf_counter() - clock, n_granted


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trains", type=int, default=7000)
    ap.add_argument("--big", type=int, default=2_000_000, help="occupations for (c)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)

    runs = synthetic_runs(args.trains, args.seed)
    for _, _, route in runs:  # both sides use the same cached route blocks
        route_block_arrays(route)
    t_block, table = timed(lambda: timetable_blocking(runs))
    t_block_base, rows = timed(lambda: scalar_blocking(runs))
    assert isinstance(table, OccupationTable)
    diff = max(abs(a - r[2]) + abs(b - r[3])
               for a, b, r in zip(table.start_s.tolist(), table.end_s.tolist(), rows))
    t_conf, conflicts = timed(lambda: find_conflicts(table))
    t_conf_base, n_pairs = timed(lambda: pairwise_conflicts(rows))
    assert len(conflicts) == n_pairs, (len(conflicts), n_pairs)

    big = random_table(args.big, 30_000, args.seed)
    t_big, big_conflicts = timed(lambda: find_conflicts(big))
    t_index, index = timed(lambda: FreeIntervalIndex(big).prepare())
    rng = np.random.default_rng(args.seed)
    rids = big.resource_id[rng.integers(0, len(big), 10_000)].tolist()
    times = rng.uniform(0, 86_400, 10_000).tolist()
    def queries() -> list:
        return [index.earliest_free(r, x, 120.0) for r, x in zip(rids, times)]
    t_query_cold, _ = timed(queries)
    t_query, _ = timed(queries)

    t_grant, n_granted = grant_one_by_one(table, GRANTS, args.seed, rebuild=False)
    t_grant_base, n_base = grant_one_by_one(table, GRANTS, args.seed, rebuild=True)
    assert n_granted == n_base, (n_granted, n_base)

    mem_block = peak_mb(lambda: timetable_blocking(runs))
    mem_conf = peak_mb(lambda: find_conflicts(table))
    mem_big = peak_mb(lambda: find_conflicts(big))

    n = len(table)
    print(f"{args.trains} trains, {n:,} occupations on "
          f"{len(set(table.resource_id.tolist())):,} resources; "
          f"{len(conflicts):,} conflicting pairs; max |vectorised - scalar| = {diff:.2e} s")
    print(f"{'stage':<42}{'railcap s':>10}{'baseline s':>12}{'speed-up':>10}{'peak MB':>9}")
    print(f"{'(a) blocking times':<42}{t_block:>10.2f}{t_block_base:>12.2f}"
          f"{t_block_base / t_block:>10.1f}{mem_block:>9.0f}")
    print(f"{'(b) conflict detector':<42}{t_conf:>10.2f}{t_conf_base:>12.2f}"
          f"{t_conf_base / t_conf:>10.1f}{mem_conf:>9.0f}")
    print(f"{f'(c) detector, {len(big):,} occupations':<42}{t_big:>10.2f}{'-':>12}{'-':>10}"
          f"{mem_big:>9.0f}   ({len(big_conflicts):,} pairs)")
    print(f"{'(c) free-interval index build':<42}{t_index:>10.2f}{'-':>12}{'-':>10}")
    print(f"{'(c) 10,000 earliest_free, first touch':<42}{t_query_cold:>10.2f}{'-':>12}{'-':>10}")
    print(f"{'(c) 10,000 earliest_free, warm':<42}{t_query:>10.2f}{'-':>12}{'-':>10}")
    print(f"{f'(d) {GRANTS} runs checked + granted ({n_granted} fit)':<42}{t_grant:>10.2f}{t_grant_base:>12.2f}"
          f"{t_grant_base / t_grant:>10.1f}")


if __name__ == "__main__":
    main()
