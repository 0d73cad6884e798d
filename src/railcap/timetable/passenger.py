"""Passenger jobs from the service patterns: how often a series runs in a window, its stops
on the network (stops of merged variants left out, stops off the route passed by), its
rolling stock and the first consist that can run the route."""

from __future__ import annotations

from typing import Callable

import numpy as np

from railcap.model.errors import Problem
from railcap.model.infrastructure import ground_distance_m
from railcap.model.rolling_stock import Catalogue, Consist
from railcap.model.service import ServicePattern
from railcap.model.timetable import TrainClass
from railcap.physics.route import RouteLeg
from railcap.timetable.templates import Job, Router, build_template

DAY_WINDOW = (6 * 3600.0, 20 * 3600.0)  # page 1, Monday–Thursday before 20:00
EARLY_WINDOW = (5 * 3600.0, 6 * 3600.0)  # the data has no early-morning page: page 4's trips, the day's minutes
EVENING_WINDOWS = ((20 * 3600.0, 24 * 3600.0), EARLY_WINDOW)  # page 4, also used 05:00–06:00
MAX_STOP_SPEED_KMH = 200.0  # no train here averages more from one stop to the next, along the line ...
DETOUR_FACTOR = 1.6  # ... whose length is taken as at most this times the straight line
FALLBACK_CONSISTS = ("icng-8", "gtw-28-dmu")  # a dual-voltage unit for 25 kV lines, a diesel one for lines without wire
PRODUCT_CONSIST = {  # rolling stock by product (public deployment, simplified; see docs/data.md)
    "Intercity direct": "icng-8", "Intercity": "virm-6", "Sneltrein": "flirt-4", "Sprinter": "slt-6",
    "Stoptrein": "flirt-3", "Eurocity": "ic-berlin", "ICE": "ice-3m", "Eurostar": "ice-3m",
    "Intercity Berlijn": "ic-berlin", "Nightjet": "ic-berlin", "European Sleeper": "ic-berlin",
    "GoVolta": "ic-berlin",
}


def departures_in(window: tuple[float, float], headway_s: float | None, trips_one_way: int | None) -> np.ndarray:
    start, end = window
    if headway_s:
        return np.arange(start, end, headway_s)
    n = max(1, trips_one_way or 1)
    return start + (np.arange(n) + 0.5) * (end - start) / n


def consist_for(product: str, catalogue: Catalogue) -> Consist:
    """The product's rolling stock: the longest matching prefix ("Intercity Berlijn" before "Intercity")."""
    for prefix in sorted(PRODUCT_CONSIST, key=len, reverse=True):
        if product.startswith(prefix):
            return catalogue.consist(PRODUCT_CONSIST[prefix])
    return catalogue.consist("slt-6")


def passenger_jobs(catalogue, router, patterns, window, stop_of, report, cache) -> list[Job]:
    jobs: list[Job] = []
    fallbacks = [catalogue.consist(c) for c in FALLBACK_CONSISTS]
    for p in patterns:
        consists = [consist_for(p.product, catalogue)] + fallbacks
        headway = _service_headway_s(p, window)
        if headway is None and window == EARLY_WINDOW:
            continue  # page 4 counts its irregular trips after 20:00 (last and night trains), none before 06:00
        one_way = (p.trips_per_day_both or 2) // 2 if headway is None else None
        for j, route in enumerate(p.routes):
            for direction in (+1, -1):
                key = f"P{p.series}-{j}{'a' if direction > 0 else 'b'}-w{p.window}"
                if key not in cache:
                    cache[key] = _pattern_template(key, router, p, route, direction, consists, report, stop_of)
                t = cache[key]
                if t is None:
                    continue
                n = None if one_way is None else max(1, round(one_way / len(p.routes)))
                own = headway * len(p.routes) if headway else None
                jobs.append(Job(t, departures_in(window, own, n), own, headway, window=window))
    return jobs


def _service_headway_s(p: ServicePattern, window: tuple[float, float]) -> float | None:
    """The series' headway in ``window``: the measured one, doubled (up to an hour) while it would
    plan more than twice the trips the GTFS note counts there.

    The measured headway is the gap between consecutive trips, so an hourly series whose
    trips bunch in pairs shows 30 min: the RE20 Zwolle – Emmen (class "1x_per_uur", 20 trips
    in the day window) would otherwise run 56. The GTFS notes undercount a little (a
    half-hourly series notes 42–56 of its 56), hence the factor two.
    """
    if not p.headway_min:
        return None
    headway = p.headway_min * 60.0
    if p.trips_per_day_both:
        hours = (window[1] - window[0]) / 3600.0
        while headway < 3600.0 and 2 * hours * 3600.0 / headway > 2 * p.trips_per_day_both:
            headway *= 2
    return headway


def _pattern_template(key, router, p, route, direction, consists, report, stop_of):
    stops = list(zip(route.stops, route.arrival_min, route.departure_min))
    elsewhere = _unreachable_stops(stops, stop_of, router, consists[0])
    if elsewhere:
        report.unmapped_stops.setdefault(p.series, []).extend(
            f"{stops[i][0]} (not reachable in its minutes)" for i in sorted(elsewhere))
        stops = [x for i, x in enumerate(stops) if i not in elsewhere]
    if direction < 0:
        total = max(x for x in (*route.arrival_min, *route.departure_min) if x is not None)
        stops = [(s, None if d is None else total - d, None if a is None else total - a)
                 for s, a, d in reversed(stops)]
    mapped = []
    for slug, a, d in stops:
        op = stop_of(slug) if a is not None and d is not None else None
        if op is None:
            report.unmapped_stops.setdefault(p.series, []).append(slug)
            continue
        if mapped and mapped[-1][0] == op:
            continue
        mapped.append((op, a * 60.0, d * 60.0))
    if len(mapped) < 2:
        return None
    t0 = mapped[0][2]
    mapped = [(op, a - t0, d - t0) for op, a, d in mapped]
    mapped[0] = (mapped[0][0], 0.0, 0.0)
    consist, legs, kept = _first_routable(router, [op for op, *_ in mapped], consists)
    if legs is not None and len(kept) < len(mapped):
        report.unmapped_stops.setdefault(p.series, []).extend(
            f"{mapped[i][0]} (off the route)" for i in range(len(mapped)) if i not in set(kept))
        mapped = [mapped[i] for i in kept]
    if legs is None:
        report.problems.append(Problem(f"series {p.series}", "stops",
                                       f"no passenger route {mapped[0][0]} → {mapped[-1][0]} for "
                                       + ", ".join(c.id for c in consists)))
        return None
    try:
        t = build_template(key, TrainClass.PASSENGER, p.product, p.series, consist, legs, mapped,
                           router.platforms)
        t.crosses_border = p.international
        return t
    except Exception as exc:  # a route the physics cannot run is reported, not fatal
        report.problems.append(Problem(f"series {p.series}", "route", str(exc).splitlines()[0]))
        return None


def _unreachable_stops(stops: list[tuple[str, float | None, float | None]], stop_of: Callable[[str], str | None],
                       router: Router, consist: Consist) -> set[int]:
    """The indices of a pattern route's stops (slug, arrival, departure in minutes, in the order the
    pattern gives) that a train cannot reach in its minutes.

    Where the GTFS derivation merged two variants of a series, a stop of one lies between
    stops of the other with a minute or less to get there (Sprinter 4300: Almere
    Oostvaarders 102.0, Amsterdam Lelylaan 102.5, Lelystad 113.0). A stop farther from the
    last reachable one than ``MAX_STOP_SPEED_KMH`` allows is such a stop. The distance is
    the route's, but at most ``DETOUR_FACTOR`` times the straight line (the model's
    fastest route to a stop on a parallel line can be a long way round). A route left
    with fewer than two stops keeps them all (its plan is simply too fast; it runs late).
    """
    out = set()
    last = None  # (op, departure minute) of the last stop kept
    for i, (slug, a, d) in enumerate(stops):
        op = stop_of(slug) if a is not None and d is not None else None
        if op is None:
            continue
        legs = router.legs(last[0], op, True, consist) if last is not None and last[0] != op else None
        if legs:  # without a route there is no judging it here (the routing reports it)
            p, q = router.net.ops[last[0]], router.net.ops[op]
            km = min(DETOUR_FACTOR * ground_distance_m(p.lat, p.lon, q.lat, q.lon),
                     sum(leg.section.length_m for leg in legs)) / 1000.0
            if km > 1.0 and km > MAX_STOP_SPEED_KMH * max(a - last[1], 0.0) / 60.0:
                out.add(i)
                continue
        last = (op, d)
    mapped = [i for i, (slug, a, d) in enumerate(stops) if a is not None and d is not None and stop_of(slug)]
    return out if len(set(mapped) - out) >= 2 else set()


def _first_routable(router: Router, stops: list[str], consists: list[Consist]
                    ) -> tuple[Consist, list[RouteLeg] | None, list[int]]:
    """The first consist (the product's own, then the fallbacks) that can run between all stops.

    Returns the consist, the legs and the indices of the stops the route serves: a stop the
    model can reach only by running there and back (it lies on a parallel line the train
    does not use, or one beyond its route) is passed by instead of served.
    """
    for consist in consists:
        keep = list(range(len(stops)))
        pieces = _pieces(router, [stops[i] for i in keep], consist)
        if pieces is None:
            continue
        k = 1
        while k < len(keep) - 1:
            before, after = pieces[k - 1], pieces[k]
            if _turns_back(before, after):
                direct = router.legs(stops[keep[k - 1]], stops[keep[k + 1]], True, consist)
                if direct is not None:
                    del keep[k]
                    pieces[k - 1:k + 1] = [direct]
                    k = max(1, k - 1)
                    continue
            k += 1
        return consist, [leg for piece in pieces for leg in piece], keep
    return consists[0], None, list(range(len(stops)))


def _pieces(router: Router, stops: list[str], consist: Consist) -> list[list[RouteLeg]] | None:
    out = []
    for a, b in zip(stops, stops[1:]):
        piece = router.legs(a, b, True, consist)
        if piece is None:
            return None
        out.append(piece)
    return out


def _turns_back(before: list[RouteLeg], after: list[RouteLeg]) -> bool:
    """Whether running ``before`` then ``after`` passes a point twice (the train would turn round)."""
    def points(piece):
        return {leg.section.from_op for leg in piece} | {leg.section.to_op for leg in piece}
    if not before or not after:
        return False
    joint = before[-1].section.to_op if not before[-1].reverse else before[-1].section.from_op
    return bool((points(before) & points(after)) - {joint})
