"""Spare paths: how many more trains of one consist still fit on a corridor, hour band by hour band.

**Method: repeated insertion.** The corridor is one route through the
corridor's waypoints (the fastest route the consist may use, ``pathing.routes``).
Hour band by hour band, in time order, the path search (``pathing.search``,
the same search a planner's request goes through) looks for a path leaving
the origin within the band; when it finds one, the path's blocking times are
added to the busy picture and the search is repeated, until no path leaves
within the band. Each path is conflict-free against the timetable and every
path inserted before it, so the count is a count of paths that fit *together*.
Paths may wait at stand points (``pathing.search.may_stand_at``), as a
planner's path may.

Only the occupations of the corridor's own sections matter to the search, so
the busy picture is restricted to them; that keeps each insertion cheap.

The count depends on the order of insertion (earliest first, as a capacity
planner fills a day) and is a lower bound on what a timetable redesigned
around the new trains could hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from railcap.model.clock import format_clock
from railcap.model.errors import Problem, ValidationError
from railcap.model.infrastructure import Network
from railcap.model.rolling_stock import Consist
from railcap.occupancy import FreeIntervalIndex, OccupationTable
from railcap.pathing.request import PathRequest, Window as OriginWindow
from railcap.pathing.routes import candidate_routes
from railcap.pathing.search import RouteSearch, TimedPath
from railcap.pathing.segments import SegmentCache
from railcap.physics.route import Route
from railcap.physics.running_time import Allowance

DAY_S = 86_400.0
MAX_RUN_S = 12 * 3600.0  # a spare path may arrive at most this long after its band ends
MAX_PER_BAND = 60  # a safeguard: no band counts more paths than this


@dataclass(frozen=True)
class Corridor:
    """A named corridor: the points a train runs through, in running order.

    ``waypoints`` are operational point ids or names the network resolves.
    """

    name: str
    title: str
    waypoints: tuple[str, ...]
    source: str = ""
    note: str = ""

    def reversed(self) -> "Corridor":
        return Corridor(f"{self.name}-back", f"{self.title} (back)", tuple(reversed(self.waypoints)),
                        self.source, self.note)


@dataclass(frozen=True)
class HourBand:
    """Departures from the corridor's origin in ``[start_s, end_s)``."""

    start_s: float
    end_s: float

    @property
    def label(self) -> str:
        return f"{format_clock(self.start_s, seconds=False)}-{format_clock(self.end_s, seconds=False)}"


@dataclass(frozen=True)
class SparePath:
    """One inserted path: when it leaves and arrives, how long it waits on the way."""

    band: int  # index into the result's bands
    departure_s: float
    arrival_s: float
    waiting_s: float


@dataclass(frozen=True)
class SpareResult:
    """The spare paths of one consist on one corridor."""

    corridor: Corridor
    consist_id: str
    route_ops: tuple[str, ...]  # the route the paths take
    route_length_m: float
    bands: tuple[HourBand, ...]
    paths: tuple[SparePath, ...]
    occupations: OccupationTable  # the inserted paths' blocking times (train ids "spare-<n>")
    runs: tuple  # the inserted paths as model.timetable.TrainRun (for diagrams and the store)
    capped: tuple[int, ...] = ()  # bands whose count stopped at the safeguard

    @property
    def total(self) -> int:
        return len(self.paths)

    def per_band(self) -> list[int]:
        counts = [0] * len(self.bands)
        for p in self.paths:
            counts[p.band] += 1
        return counts


def hour_bands(start_s: float = 0.0, end_s: float = DAY_S, hours: float = 1.0) -> tuple[HourBand, ...]:
    """Consecutive bands of ``hours`` from ``start_s`` to ``end_s``.

    >>> [b.label for b in hour_bands(6 * 3600, 12 * 3600, hours=2)]
    ['06:00-08:00', '08:00-10:00', '10:00-12:00']
    """
    if hours <= 0:
        raise ValidationError(Problem("capacity", "band_hours", "must be positive"))
    if end_s <= start_s:
        raise ValidationError(Problem("capacity", "window", "ends before it starts"))
    edges = np.arange(start_s, end_s, hours * 3600.0).tolist() + [end_s]
    return tuple(HourBand(a, min(b, end_s)) for a, b in zip(edges, edges[1:]) if b > a)


def corridor_route(net: Network, corridor: Corridor, consist: Consist) -> Route:
    """The fastest route through the corridor's waypoints that the consist may use."""
    ops = []
    for i, w in enumerate(corridor.waypoints):
        try:
            ops.append(net.find_op(w).id)
        except Exception as exc:  # NotFoundError names the point
            raise ValidationError(Problem(f"corridor '{corridor.name}'", f"waypoints[{i}]",
                                          str(exc).splitlines()[0])) from None
    routes = candidate_routes(net, consist, ops, 1)
    if not routes:
        raise ValidationError(Problem(f"consist '{consist.id}'", "route",
                                      f"may not run through {' - '.join(ops)} (corridor '{corridor.name}'): "
                                      f"{_why_not(net, consist, ops)}"))
    return routes[0]


def spare_paths(net: Network, table: OccupationTable, corridor: Corridor, consist: Consist,
                bands: tuple[HourBand, ...] | None = None, *, allowance: Allowance | None = None,
                max_per_band: int = MAX_PER_BAND, train_prefix: str = "spare", train_class: str = "freight",
                progress: Callable[[int, int, int], None] | None = None) -> SpareResult:
    """Insert paths of ``consist`` along ``corridor`` into the busy picture ``table`` until none fits.

    ``bands`` default to the 24 hours of the day. ``progress(band_index, bands, paths_so_far)``
    is called after each band. The inserted paths' occupations are returned, so a
    caller can keep them (reserve paths) or throw them away (a count); ``train_prefix`` and
    ``train_class`` name the inserted runs.
    """
    bands = bands or hour_bands()
    route = corridor_route(net, corridor, consist)
    index = FreeIntervalIndex(_on_route(table, route)).prepare()
    segments = SegmentCache(consist, allowance or Allowance())
    found: list[SparePath] = []
    occupations: list[OccupationTable] = []
    runs = []
    capped: list[int] = []
    for b, band in enumerate(bands):
        for n in range(max_per_band + 1):
            if n == max_per_band:
                capped.append(b)
                break
            train_id = f"{train_prefix}-{len(found) + 1}"
            path = _insert_one(net, route, consist, band, index, segments, train_id, allowance)
            if path is None:
                break
            occ = path.occupations()
            index.add(occ)
            occupations.append(occ)
            runs.append(path.to_run(train_class, consist.id))
            found.append(SparePath(b, path.departure_s, path.arrival_s, path.waiting_s))
        if progress is not None:
            progress(b + 1, len(bands), len(found))
    return SpareResult(corridor, consist.id, tuple(route.ops), route.length_m, tuple(bands), tuple(found),
                       OccupationTable.concat(occupations), tuple(runs), tuple(capped))


def _insert_one(net: Network, route: Route, consist: Consist, band: HourBand, index: FreeIntervalIndex,
                segments: SegmentCache, train_id: str, allowance: Allowance | None) -> TimedPath | None:
    """The earliest-arriving path leaving the origin within the band, or None."""
    origin, destination = route.ops[0], route.ops[-1]
    req = PathRequest(origin, destination, consist, band.start_s,
                      latest_arrival_s=band.end_s + MAX_RUN_S,
                      windows=(OriginWindow(origin, band.start_s, band.end_s - 1e-6),),
                      allowance=allowance or Allowance(), train_id=train_id)
    try:
        return RouteSearch(net, route, req, index, segments).run()
    except ValidationError:
        return None  # the physics cannot run this route (e.g. a gradient the train cannot start on)


def _on_route(table: OccupationTable, route: Route) -> OccupationTable:
    """Only the occupations on the route's sections (any direction or lane)."""
    sections = {leg.section.id for leg in route.legs}
    if not len(table):
        return table
    res = table.resource_id
    uniq, inverse = np.unique(res.astype(str), return_inverse=True)
    keep_uniq = np.array([r.rsplit("/", 2)[0] in sections for r in uniq.tolist()], dtype=bool)
    return table[keep_uniq[inverse]]


def _why_not(net: Network, consist: Consist, ops: list[str]) -> str:
    """The first admission problem on the shortest route ignoring admission, in one phrase."""
    from railcap.physics.route import RouteFinder

    finder = RouteFinder(net, lambda s: s.length_m)
    for a, b in zip(ops, ops[1:]):
        legs = finder.legs(a, b) or []
        for leg in legs:
            problems = consist.problems_on(leg.section)
            if problems:
                return f"section '{leg.section.id}': {problems[0].reason}"
    return "no admissible connection"
