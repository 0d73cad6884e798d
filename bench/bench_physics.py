"""Benchmark: running-time calculations per second over a 100 km route.

Compares the vectorised envelope engine (``railcap.physics.run_time``) with a
plain-Python step-by-step integrator at 1 s steps, measured in the same run.
Run: ``python bench/bench_physics.py``.
"""

from __future__ import annotations

import time
from dataclasses import replace

from railcap.data.rolling_stock import load_catalogue
from railcap.model.infrastructure import Electrification, Network, SpeedBand
from railcap.model.samples import kmh, op, straight_section
from railcap.physics import characteristic, run_time, shortest_route
from railcap.physics.reference import step_by_step_time_s

AC, DC = Electrification.AC_25000, Electrification.DC_1500


def _banded(sid, a, b, length_m, bands_kmh, **attrs):
    """A section whose speed bands are (start_km, speed_kmh) pairs."""
    s = straight_section(sid, a, b, length_m, **attrs)
    starts = [k * 1e3 for k, _ in bands_kmh] + [length_m]
    return replace(s, speed_bands=tuple(SpeedBand(starts[i], starts[i + 1], kmh(v))
                                        for i, (_, v) in enumerate(bands_kmh)))


def bench_network() -> Network:
    """Five sections, 100 km, mixed supply, several speed bands and a gradient."""
    secs = [
        _banded("a-b", "a", "b", 20_000, [(0, 60), (2, 100), (17, 80)], electrification=AC),
        _banded("b-c", "b", "c", 25_000, [(0, 80), (1.5, 140), (12, 100), (14, 140)]),
        _banded("c-d", "c", "d", 15_000, [(0, 130), (13.5, 60)], gradient_permille=3.0),
        _banded("d-e", "d", "e", 25_000, [(0, 60), (1, 140), (20, 120)]),
        _banded("e-f", "e", "f", 15_000, [(0, 120), (10, 100)], electrification=AC),
    ]
    return Network.of([op(i) for i in "abcdef"], secs, {"name": "bench 100 km"})


def _rate(fn, min_seconds: float) -> tuple[float, float]:
    """(calls per second, last result) over at least ``min_seconds``."""
    n, start, result = 0, time.perf_counter(), None
    while (elapsed := time.perf_counter() - start) < min_seconds or n < 3:
        result = fn()
        n += 1
    return n / elapsed, result


def main(min_seconds: float = 2.0) -> dict:
    route = shortest_route(bench_network(), "a", "f")
    cat = load_catalogue()
    rows = []
    for cid in ("intermodal-740", "icng-8"):
        consist = cat.consist(cid)
        warm, profile = _rate(lambda: run_time(route, consist), min_seconds)

        def cold():
            characteristic.cache_clear()
            return run_time(route, consist)

        cold_rate, _ = _rate(cold, min_seconds)
        base, base_t = _rate(lambda: step_by_step_time_s(route, consist, dt_s=1.0), min_seconds)
        rows.append((cid, warm, cold_rate, base, profile.running_time_s, base_t))

    print(f"running-time calculations per second, {route.length_m / 1e3:.0f} km route, one core")
    head = (f"{'consist':16} {'engine/s':>9} {'cold/s':>8} {'1 s steps/s':>12} {'ratio':>7} "
            f"{'engine t':>9} {'steps t':>8}")
    print(head)
    print("-" * len(head))
    for cid, warm, cold_rate, base, t, bt in rows:
        print(f"{cid:16} {warm:9.0f} {cold_rate:8.0f} {base:12.1f} {warm / base:6.0f}x "
              f"{t:8.1f}s {bt:7.1f}s")
    print("engine: warm = traction tables cached per consist/supply/gradient; "
          "cold = tables rebuilt every run")
    return {cid: {"runs_per_s": w, "cold_runs_per_s": c, "baseline_runs_per_s": b,
                  "ratio": w / b} for cid, w, c, b, _, _ in rows}


if __name__ == "__main__":
    main()
