"""Benchmark of the short-notice path search on the full reference weekday.

Realistic requests, drawn with a seed: from ports, yards, terminals and
military loading sites to the border crossings, with a mix of consists
(intermodal 650 m, heavy bulk, empty return, military heavy out of gauge,
military ammunition RID 1), departures over the day and, for a third of them,
a 30-minute window at the border. Timed per request: ``Planner.plan`` (route
candidates, physics, blocking times, the A* time search). The baseline is a
naive search written here: the same route and stand points, but time in
one-minute steps — at every minute from the earliest departure, every block
of the segment is checked for being free.

Run: ``python -m bench pathing`` or ``python bench/bench_pathing.py [--requests 200] [--seed 7]``
"""

from __future__ import annotations

import argparse
import math
import time
import resource

import numpy as np

from railcap.data.embedded import load_network
from railcap.data.reference import load_reference_timetable
from railcap.data.rolling_stock import load_catalogue
from railcap.model.errors import RailcapError
from railcap.model.infrastructure import OpKind
from railcap.pathing import Planner, RouteSearch, make_request
from railcap.pathing.segments import SegmentCache

CONSISTS = ("intermodal-650", "bulk-heavy", "empty-return", "military-heavy", "military-ammunition")


BORDERS = ("zevenaar-grens", "oldenzaal-grens", "venlo-grens", "roosendaal-grens", "nieuweschans-grens",
           "eijsden-grens")  # the crossings of the facts file's freight volumes


def requests(net, catalogue, n: int, seed: int, planner=None) -> list:
    """``n`` requests a planner could get; with ``planner`` only those the consist has a route for."""
    rng = np.random.default_rng(seed)
    origins = sorted(o.id for o in net.ops.values()
                     if o.kind in (OpKind.PORT, OpKind.YARD, OpKind.TERMINAL) or o.military_loading)
    borders = [b for b in BORDERS if b in net.ops]
    out = []
    while len(out) < n:
        o, d = rng.choice(origins), rng.choice(borders)
        consist = catalogue.consist(str(rng.choice(CONSISTS)))
        dep = float(rng.integers(0, 22 * 60)) * 60.0
        windows = []
        if rng.random() < 1 / 3:  # a handover window 1–4 h after the earliest departure
            w0 = dep + float(rng.integers(60, 240)) * 60.0
            windows = [(d, w0, w0 + 1800.0)]
        try:
            req = make_request(net, origin=o, destination=d, consist=consist, earliest_departure_s=dep,
                               windows=windows, priority="freight")
        except RailcapError:
            continue
        if planner is None or planner.routes(req):
            out.append(req)
    return out


def naive_minutes(net, route, req, index) -> float | None:
    """Earliest arrival by one-minute steps over the same stand points (the baseline)."""
    search = RouteSearch(net, route, req, index, SegmentCache(req.consist, req.allowance))
    last = len(route.ops) - 1
    label = {0: req.earliest_departure_s}
    for i in range(last):
        if i not in label or not search.stand[i]:
            continue
        for j in search._targets(i):
            seg = search.segment(i, j)
            res, st, en = search.segments.occupations(seg, 0)
            t = math.ceil((label[i] + search.dwell[i]) / 60.0) * 60.0
            while t <= req.horizon_s:
                if all(index.is_free(r, t + s, t + e) for r, s, e in zip(res, st.tolist(), en.tolist())):
                    if t + seg.run_s < label.get(j, math.inf):
                        label[j] = t + seg.run_s
                    break
                t += 60.0
    return label.get(last)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--baseline", type=int, default=30, help="requests also run by the naive search")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)

    net, tt, cat = load_network(), load_reference_timetable(), load_catalogue()
    t0 = time.perf_counter()
    planner = Planner(net, tt, catalogue=load_catalogue())
    index = planner.index()
    setup = time.perf_counter() - t0
    reqs = requests(net, cat, args.requests, args.seed, planner)
    lat, found = [], 0
    for req in reqs:
        t = time.perf_counter()
        result = planner.plan(req)
        lat.append(time.perf_counter() - t)
        found += result.found
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
    lat_ms = np.array(lat) * 1000
    print(f"set-up (blocking times of the day + index): {setup:.2f} s; peak memory (max RSS of the process) {peak / 2**20:.0f} MiB")
    print(f"{len(reqs)} requests, {found} with a path; latency ms: p50 {np.percentile(lat_ms, 50):.0f}  "
          f"p95 {np.percentile(lat_ms, 95):.0f}  max {lat_ms.max():.0f}")

    ours, base, same = [], [], 0
    plain = [r for r in reqs if not r.windows]  # the naive search knows no windows
    for req in plain[: args.baseline]:
        routes = planner.routes(req)
        if not routes:
            continue
        t = time.perf_counter()
        path = RouteSearch(net, routes[0], req, index, SegmentCache(req.consist, req.allowance)).run()
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        arrival = naive_minutes(net, routes[0], req, index)
        base.append(time.perf_counter() - t)
        if path is not None and arrival is not None:
            same += path.arrival_s <= arrival + 1e-6
            assert path.arrival_s <= arrival + 1e-6, "the naive search found an earlier arrival"
    if ours:
        o, b = np.median(ours) * 1000, np.median(base) * 1000
        print(f"one route, {len(ours)} requests: A* over free intervals p50 {o:.0f} ms, "
              f"one-minute steps p50 {b:.0f} ms ({b / o:.1f}× slower); "
              f"A* as early or earlier in {same} of the {len(ours)} with a path in both")


if __name__ == "__main__":
    main()
