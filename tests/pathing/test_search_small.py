"""The time search against a brute force written here, on small generated lines.

The brute force tries every set of stands the train could stop at, and for
each stop-to-stop run every candidate departure (the lower bound, and every
time a blocked interval of one of its blocks ends), checking each block
against each busy interval pairwise. It shares only the physics and the
blocking times of a run with the search — not the free-interval index, not
the fixed point, not the A*.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from railcap.data.rolling_stock import load_catalogue
from railcap.model.infrastructure import Network
from railcap.model.samples import op, straight_section
from railcap.model.timetable import Timetable
from railcap.occupancy import FreeIntervalIndex, Occupation, OccupationTable, find_conflicts
from railcap.pathing import Planner, RouteSearch, make_request, may_stand_at
from railcap.pathing.segments import SegmentCache
from railcap.physics.route import Route, RouteLeg

CONSIST = load_catalogue().consist("intermodal-650")


def line(n_stations: int, tracks: int) -> Network:
    """Stations s0 … s(n-1), 6 km apart, every station able to hold a 650 m train."""
    ops = [op(f"s{i}", track_lengths_m=(400.0, 700.0), lon=5.0 + 0.1 * i) for i in range(n_stations)]
    secs = [straight_section(f"s{i}-s{i + 1}", f"s{i}", f"s{i + 1}", 6000.0, 100, tracks=tracks)
            for i in range(n_stations - 1)]
    return Network.of(ops, secs)


def busy_table(net: Network, rng: np.random.Generator, n: int) -> OccupationTable:
    """Random other trains: each holds a random block for a random while."""
    blocks = []
    for s in net.sections.values():
        tags = ("0",) if s.track_count == 1 else ("+", "-")
        blocks += [f"{s.id}/{t}/{k}" for t in tags for k in range(s.blocks)]
    rows = []
    for i in range(n):
        a = float(rng.uniform(0, 4 * 3600))
        rows.append(Occupation(f"x{i}", str(rng.choice(blocks)), a, a + float(rng.uniform(60, 900))))
    return OccupationTable.of(rows)


def brute_force(net: Network, route: Route, req, busy: OccupationTable, stands: list[int]) -> float | None:
    segments = SegmentCache(req.consist, req.allowance)
    by_res: dict[str, list[tuple[float, float]]] = {}
    for o in busy:
        by_res.setdefault(o.resource_id, []).append((o.start_s, o.end_s))

    def free(res, st_, en_, d):
        return all(not (a < d + e and b > d + s) for r, s, e in zip(res, st_, en_) for a, b in by_res.get(r, ()))

    def earliest(seg, lower):
        res, st_, en_ = segments.occupations(seg, 0)
        cands = sorted({lower} | {b - s + 1e-6 for r, s in zip(res, st_) for _, b in by_res.get(r, ())
                                  if b - s + 1e-6 > lower})
        return next((d for d in cands if free(res, st_, en_, d)), None)

    last = len(route.ops) - 1
    inner = [k for k in stands if 0 < k < last]
    best = math.inf
    for r in range(len(inner) + 1):
        for chosen in itertools.combinations(inner, r):
            stops = [0, *chosen, last]
            t = req.earliest_departure_s
            for i, j in zip(stops, stops[1:]):
                seg = segments.get(tuple(route.legs[i:j]))
                d = earliest(seg, t)
                if d is None:
                    t = math.inf
                    break
                t = d + seg.run_s
            best = min(best, t)
    return None if best == math.inf else best


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(3, 5), tracks=st.sampled_from([1, 2]),
       busy=st.integers(5, 60), depart=st.integers(0, 3 * 3600))
def test_search_arrives_when_the_brute_force_does(seed, n, tracks, busy, depart):
    net = line(n, tracks)
    table = busy_table(net, np.random.default_rng(seed), busy)
    route = Route(tuple(RouteLeg(net.sections[f"s{i}-s{i + 1}"]) for i in range(n - 1)))
    req = make_request(net, origin="s0", destination=f"s{n - 1}", consist=CONSIST,
                       earliest_departure_s=float(depart))
    search = RouteSearch(net, route, req, FreeIntervalIndex(table), SegmentCache(CONSIST, req.allowance),
                         max_hops=n)
    path = search.run()
    expected = brute_force(net, route, req, table, [k for k, s in enumerate(search.stand) if s])
    assert (path is None) == (expected is None)
    if path is not None:
        assert path.arrival_s == expected or abs(path.arrival_s - expected) < 1e-3
        assert not [c for c in find_conflicts(OccupationTable.concat([table, path.occupations()]))
                    if path.train_id in (c.train_a, c.train_b)]


def test_a_train_waits_at_a_stand_to_let_a_block_clear():
    """One block ahead is busy for ten minutes: the train leaves later or stands on the way."""
    net = line(3, 1)
    busy = OccupationTable.of([Occupation("other", "s1-s2/0/2", 200.0, 1500.0)])
    planner = Planner(net, Timetable(()), catalogue=load_catalogue(), base=busy)
    req = make_request(net, origin="s0", destination="s2", consist=CONSIST, earliest_departure_s=0.0)
    path = planner.plan(req).paths[0]
    assert path.departure_s > 0 or path.waiting_s > 0
    assert not find_conflicts(OccupationTable.concat([busy, path.occupations()]))


def test_explosives_do_not_wait_at_passenger_stations():
    net = line(3, 1)
    ammo = load_catalogue().consist("military-ammunition")
    stations = Network.of([o if o.id != "s1" else type(o)(**{**o.__dict__, "passenger_station": True})
                           for o in net.ops.values()], net.sections.values())
    route = Route(tuple(RouteLeg(stations.sections[f"s{i}-s{i + 1}"]) for i in range(2)))
    req = make_request(stations, origin="s0", destination="s2", consist=ammo, earliest_departure_s=0.0)
    search = RouteSearch(stations, route, req, FreeIntervalIndex(), SegmentCache(ammo, req.allowance))
    assert search.stand == [True, False, True]


def test_a_train_stands_only_where_the_timetable_counts_it_clear_of_the_line():
    """A station area of two tracks has only its through tracks: standing there holds the line,
    so the search must not stand there (the blocking times of the timetable keep the block held)."""
    from railcap.occupancy.runs import platform_points

    consist = load_catalogue().consist("intermodal-650")
    through_only = op("s2", track_lengths_m=(800.0, 800.0))
    big = op("s4", track_lengths_m=(800.0,) * 4)
    loop = op("l", track_lengths_m=(700.0,), tracks_beside_line=True)
    assert not may_stand_at(through_only, consist) and may_stand_at(big, consist)
    assert may_stand_at(loop, consist) and not may_stand_at(loop, load_catalogue().consist("intermodal-740"))
    net = Network.of([through_only, big, loop], [], {"name": "points"})
    assert platform_points(net) == {"s4", "l"}
