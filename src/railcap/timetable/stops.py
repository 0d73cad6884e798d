"""Where a pattern's stops are on the network: station slugs to operational points, and
international series run as far as the border point on their way.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from railcap.model.infrastructure import Network, ground_distance_m
from railcap.model.service import PatternRoute, ServicePattern

STOP_RADIUS_M = 1500.0
BORDER_REACH_M = 30_000.0  # a foreign stop at most this far from the last Dutch one is run to the border
BORDER_DETOUR_M = 2_000.0  # the border point lies at most this far off the straight line between them


def stop_mapper(network: Network, slugs: dict[str, dict]) -> Callable[[str], str | None]:
    """Station slug -> operational point: by NS code, else the nearest passenger point within 1.5 km."""
    by_code = {o.code.upper(): o.id for o in network.ops.values() if o.code}
    candidates = [o for o in network.ops.values() if o.passenger_station or o.kind.value == "foreign"]
    cache: dict[str, str | None] = {}

    def stop_of(slug: str) -> str | None:
        if slug in cache:
            return cache[slug]
        info = slugs.get(slug)
        op = None
        if info:
            op = by_code.get(info["code"])
            if op is None and info["lat"] is not None:
                best = min(candidates, key=lambda o: ground_distance_m(o.lat, o.lon, info["lat"], info["lon"]))
                if ground_distance_m(best.lat, best.lon, info["lat"], info["lon"]) <= STOP_RADIUS_M:
                    op = best.id
        cache[slug] = op
        return op

    return stop_of


Point = tuple[str, float, float]  # id, lat, lon


def runs_to_border(p: ServicePattern, stop_of: Callable[[str], str | None], slugs: dict[str, dict],
                   borders: list[Point]) -> ServicePattern:
    """An international series as far as the network goes.

    Where its stops leave the network at either end, and the first stop abroad is near
    (``BORDER_REACH_M``), the series runs to the border point on the way there
    (``BORDER_DETOUR_M`` off the straight line), reached at the minute the straight-line
    distance gives between the two stops. The Antwerp – Roosendaal stopping train ends at
    Roosendaal's border point; the RE13 Venlo – Hamm at Venlo's.
    """
    if not p.international:
        return p
    return replace(p, routes=tuple(_route_to_border(r, stop_of, slugs, borders) for r in p.routes))


def _route_to_border(r: PatternRoute, stop_of, slugs, borders) -> PatternRoute:
    on = [i for i, s in enumerate(r.stops) if stop_of(s)]
    if not on:
        return r
    first, last = on[0], on[-1]
    points = [(r.stops[i], r.arrival_min[i], r.departure_min[i]) for i in range(first, last + 1)]
    if last + 1 < len(r.stops):
        border = _border_between(r, last, last + 1, slugs, borders)
        points += [border] if border else []
    if first > 0:
        border = _border_between(r, first, first - 1, slugs, borders)
        points = ([border] if border else []) + points
    if len(points) == last - first + 1:
        return r
    stops, arrival, departure = zip(*points)
    return PatternRoute(tuple(stops), tuple(arrival), tuple(departure))


def _border_between(r: PatternRoute, home: int, abroad: int, slugs, borders) -> tuple[str, float, float] | None:
    """The border point between stop ``home`` (on the network) and ``abroad`` (off it), with its minute."""
    a, b = slugs.get(r.stops[home]), slugs.get(r.stops[abroad])
    if not a or not b or a["lat"] is None or b["lat"] is None:
        return None
    t_home = r.departure_min[home] if abroad > home else r.arrival_min[home]
    t_abroad = r.arrival_min[abroad] if abroad > home else r.departure_min[abroad]
    if t_home is None or t_abroad is None:
        return None
    span = ground_distance_m(a["lat"], a["lon"], b["lat"], b["lon"])
    if span > BORDER_REACH_M:
        return None
    best = None
    for op, lat, lon in borders:
        near, far = ground_distance_m(a["lat"], a["lon"], lat, lon), ground_distance_m(lat, lon, b["lat"], b["lon"])
        detour = near + far - span
        if near >= STOP_RADIUS_M and detour <= BORDER_DETOUR_M and (best is None or detour < best[0]):
            best = (detour, op, near / (near + far))
    if best is None:
        return None
    minute = t_home + (t_abroad - t_home) * best[2]
    return best[1], minute, minute
