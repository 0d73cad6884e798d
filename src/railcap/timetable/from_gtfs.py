"""Train runs from trips known by their stops and times (a GTFS feed's): each trip is
routed over the network and the points passed in between get times by distance.

Consecutive stops are joined by the shortest route over the network (by
``length_m``; sections that are ``freight_only`` cost ``FREIGHT_ONLY_PENALTY``
times their length). A trip that cannot be built comes back as a ``Problem``
naming the trip, the field and the reason.
"""

from __future__ import annotations

import bisect
from typing import Sequence

from railcap.model.errors import Problem
from railcap.model.infrastructure import Network
from railcap.model.timetable import Leg, PassingPoint, PlannedTrip, TrainClass, TrainRun, TripStop
from railcap.physics.route import LegRouter

#: A freight-only section costs this many times its length when routing passenger trips.
FREIGHT_ONLY_PENALTY = 20.0


def runs_from_trips(trips: Sequence[PlannedTrip | list[Problem]], network: Network
                    ) -> tuple[list[TrainRun], list[Problem]]:
    """The runs of the trips that can be built, and one problem list for all (in the trips' order;
    an entry that is already a list of problems is passed on)."""
    router = LegRouter(network, FREIGHT_ONLY_PENALTY)
    runs: list[TrainRun] = []
    problems: list[Problem] = []
    for trip in trips:
        if isinstance(trip, list):
            problems += trip
            continue
        run, bad = build_run(trip, network, router)
        problems += bad
        if run is not None:
            runs.append(run)
    return runs, problems


def build_run(trip: PlannedTrip, network: Network, router: LegRouter) -> tuple[TrainRun | None, list[Problem]]:
    """A train run through the trip's stops, routed over the network with interpolated passing times."""
    el = f"GTFS trip '{trip.trip_id}'"
    stops = trip.stops
    if len(stops) < 2:
        return None, [Problem(el, "stop_times", "fewer than two stops map to the network")]
    if stops[0].departure_s is None or stops[-1].arrival_s is None:
        return None, [Problem(el, "departure_time", "first and last stop need times")]
    legs: list[Leg] = []
    nodes: list[tuple[str, float, TripStop | None]] = [(stops[0].op_id, 0.0, stops[0])]
    for a, b in zip(stops, stops[1:]):
        hop = router.legs(a.op_id, b.op_id)
        if hop is None:
            return None, [Problem(el, "stop_id", f"no route over the network from "
                                  f"{a.op_id} to {b.op_id}")]
        pos = nodes[-1][1]
        for k, g in enumerate(hop):
            sec = network.sections[g.section_id]
            pos += sec.length_m
            end = sec.from_op if g.reverse else sec.to_op
            nodes.append((end, pos, b if k == len(hop) - 1 else None))
        legs.extend(hop)
    points = _timed_points(nodes)
    if any(q.arrival_s < p.departure_s for p, q in zip(points, points[1:])):
        return None, [Problem(el, "arrival_time", "times run backwards between stops")]
    run = TrainRun(trip.run_id, TrainClass.PASSENGER, trip.consist, tuple(legs), points,
                   product=trip.product, series=trip.series, owner=trip.owner,
                   notes=(f"gtfs trip {trip.trip_id}",))
    return run, []


def _timed_points(nodes: list[tuple[str, float, TripStop | None]]) -> tuple[PassingPoint, ...]:
    """Times at every node: stops keep theirs, the rest by distance between timed neighbours."""
    pos = [n[1] for n in nodes]
    known = [i for i, n in enumerate(nodes) if n[2] is not None and n[2].arrival_s is not None]
    times_dep = [nodes[i][2].departure_s for i in known]
    times_arr = [nodes[i][2].arrival_s for i in known]
    points = []
    for i, (op_id, x, stop) in enumerate(nodes):
        if stop is not None and stop.arrival_s is not None:
            points.append(PassingPoint(op_id, stop.arrival_s, stop.departure_s, stop.stops))
            continue
        j = bisect.bisect_left(known, i)  # known[j-1] < i < known[j]
        a, b = known[j - 1], known[j]
        span = pos[b] - pos[a]
        frac = (x - pos[a]) / span if span > 0 else 0.0
        t = float(times_dep[j - 1] + frac * (times_arr[j] - times_dep[j - 1]))
        points.append(PassingPoint(op_id, round(t, 1), round(t, 1),
                                   bool(stop.stops) if stop is not None else False))
    return tuple(points)
