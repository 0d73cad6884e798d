"""Network: derive from the registry (baseline, when ../shared is present) vs load the embedded file."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "reference"


def _timed(fn, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    from railcap.data.embedded import embedded_path
    from railcap.data.native import read_network

    load_s = _timed(lambda: read_network(embedded_path()), repeat=5)
    tracemalloc.start()
    net = read_network(embedded_path())
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    print(f"{'step':42s} {'seconds':>9s} {'ratio':>8s}")
    registry = SHARED / "prorail-infra-2021"
    if registry.exists():
        from railcap.data.prorail.build import build_network

        build_s = _timed(lambda: build_network(registry, SHARED / "nl-timetable-2026" / "stations-2023-09.csv"))
        print(f"{'derive from the registry (baseline)':42s} {build_s:9.2f} {1.0:8.1f}")
        print(f"{'load the embedded network':42s} {load_s:9.3f} {build_s / load_s:8.1f}x faster")
    else:
        print(f"{'load the embedded network':42s} {load_s:9.3f}   (no ../shared: no baseline)")
    print(f"network: {len(net.ops)} points, {len(net.sections)} sections; peak memory to load {peak:.0f} MB")
