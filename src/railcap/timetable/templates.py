"""The builder's working objects: a template (one route and timing of a series or freight
flow, departing at t = 0, with its blocking times), the jobs of a window, the build report,
and the router that finds a consist's fastest admissible route."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Sequence

import numpy as np

from railcap.model.errors import Problem
from railcap.model.infrastructure import Network
from railcap.model.rolling_stock import Consist
from railcap.model.timetable import Leg, PassingPoint, TrainClass, TrainRun
from railcap.occupancy import DEFAULT_PARAMETERS
from railcap.timetable.board import DayBoard
from railcap.occupancy.resources import lanes
from railcap.occupancy.runs import platform_points, relative_occupations
from railcap.physics.route import Route, RouteFinder, RouteLeg
from railcap.timetable.periodic import periodic_headway_s

FREIGHT_SPEED_CAP_MS = 100 / 3.6  # freight on the mixed network runs at most 100 km/h (facts file ≈)


@dataclass
class Template:
    """One route and timing of a series or freight flow, departing at t = 0."""

    key: str
    train_class: TrainClass
    product: str
    series: str
    consist: Consist
    legs: tuple[RouteLeg, ...]
    lane: int  # on four-track sections: 0 fast trains, 1 stopping and freight trains
    points: list[tuple[str, float, float, bool]]  # op, arrival, departure (s from departure), stops
    resources: list[str] = field(default_factory=list)
    starts: np.ndarray = field(default_factory=lambda: np.zeros(0))
    ends: np.ndarray = field(default_factory=lambda: np.zeros(0))
    laned: tuple = ()  # ((RouteLeg, lane), ...) as the occupation function takes them
    platforms: frozenset[str] = frozenset()
    crosses_border: bool = False  # an international train: not shortened, it would miss its path abroad
    _dwell_rows: list | None = None  # per intermediate stop: (point index, rows after it, rows spanning it)

    def dwell_rows(self) -> list[tuple[int, np.ndarray, np.ndarray]]:
        """For each intermediate stop: which blocking times move when the train waits longer there.

        Rows whose approach starts at or after the departure (less route setting and
        sighting) move with it; rows that start before but end after the arrival end
        later (conservatively also those released at a platform on arrival).
        """
        if self._dwell_rows is None:
            lead = DEFAULT_PARAMETERS.route_setting_s + DEFAULT_PARAMETERS.sighting_s + 1.0
            rows = []
            for i, (_, a, d, st) in enumerate(self.points):
                if st and 0 < i < len(self.points) - 1:
                    after = self.starts >= d - lead
                    rows.append((i, after, ~after & (self.ends > a + 1e-6)))
            self._dwell_rows = rows
        return self._dwell_rows


@dataclass
class Job:
    """The trips of one template in one window: when they should leave."""

    template: Template
    departures: np.ndarray
    headway_s: float | None  # between this template's own trips (None: no regular headway)
    series_headway_s: float | None  # between the series' trips over all its routes (phase search step)
    window: tuple[float, float] = (0.0, 0.0)  # the pattern window its trips come from
    parts: tuple[tuple[Template, float], ...] = ()  # a series cut in parts: (part, departure after the trip's)

    @property
    def pattern_headway_s(self) -> int | None:
        """Its headway in the hourly pattern (a divisor of the hour), None without a regular one."""
        return periodic_headway_s(self.headway_s / 60.0 if self.headway_s else None)


@dataclass
class BuildReport:
    placed: dict[str, int] = field(default_factory=dict)
    wanted: dict[str, int] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    shifted: int = 0
    waited: int = 0  # trips placed with a longer dwell at one or more stops
    unmapped_stops: dict[str, list[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    planned: list[TrainRun] = field(default_factory=list)  # every wanted trip at its planned time
    blocked_by: Counter = field(default_factory=Counter)  # section -> dropped trips that hit it there
    patterns: dict[str, dict] = field(default_factory=dict)  # day/evening -> what the hourly pattern holds

    def note_dropped(self, board: DayBoard, t: "Template", run_id: str, departure_s: float) -> None:
        self.dropped.append(run_id)
        self.blocked_by.update(sorted({r.split("/", 1)[0] for r in board.run_hit_resources(
            t.resources, t.starts, t.ends, departure_s)}))  # sorted: ties list in one order in every run


class Router:
    """Fastest routes between points for a class of train and its consist, cached."""

    def __init__(self, network: Network):
        self.net = network
        self.platforms = platform_points(network)
        self._finders: dict[tuple, RouteFinder] = {}

    def legs(self, a: str, b: str, passenger: bool, consist: Consist) -> list[RouteLeg] | None:
        key = (passenger, consist.id)
        if key not in self._finders:
            self._finders[key] = RouteFinder(self.net, lambda s: _running_cost(s, passenger, consist))
        return self._finders[key].legs(a, b)


def _running_cost(s, passenger: bool, consist: Consist) -> float | None:
    """Seconds at line speed (freight at most 100 km/h); None where the train may not run.

    Whether it may run there is the shared admission rule (``Consist.problems_on``):
    power supply, gauge, axle load, length, dangerous goods, passengers on freight-only lines.
    """
    if consist.problems_on(s):
        return None
    return s.length_m / (s.max_speed_ms if passenger else min(s.max_speed_ms, FREIGHT_SPEED_CAP_MS))


def build_template(key: str, cls: TrainClass, product: str, series: str, consist: Consist,
                   legs: list[RouteLeg], stop_plan: list[tuple[str, float, float]] | None,
                   platforms: frozenset[str] = frozenset()) -> Template:
    """Times and blocking times of one route; ``stop_plan`` = [(op, arr_s, dep_s)] or None (non-stop).

    The times kept are rounded to a tenth of a second, and the blocking times
    are computed from exactly those times by ``relative_occupations`` — the
    same function the conflict check uses on the finished timetable.
    """
    lane = 0 if cls == TrainClass.PASSENGER and product_rank(product) <= product_rank("Intercity") else 1
    laned = on_lane(legs, lane)
    _, _, _, mv = relative_occupations(laned, consist, tuple(stop_plan) if stop_plan else None)
    route = Route(tuple(legs))
    x, t = np.asarray(mv.position_m), np.asarray(mv.time_s)
    first = np.minimum(np.searchsorted(x, route.op_positions_m - 1e-6, side="left"), x.size - 1)
    last = np.maximum(np.searchsorted(x, route.op_positions_m + 1e-6, side="right") - 1, 0)
    arrive = t[first]
    stop_ops = {op for op, *_ in stop_plan} if stop_plan else {route.origin, route.destination}
    points = []
    for i, op in enumerate(route.ops):
        a = round(float(arrive[i]) if abs(x[first[i]] - route.op_positions_m[i]) < 1e-3
                  else float(np.interp(route.op_positions_m[i], x, t)), 1)
        d = round(float(t[last[i]]), 1) if op in stop_ops and 0 < i < len(route.ops) - 1 else a
        points.append((op, a, max(a, d), op in stop_ops))
    stops = tuple((op, a, d) for i, (op, a, d, st) in enumerate(points) if st or i in (0, len(points) - 1))
    res, starts, ends, _ = relative_occupations(laned, consist, stops, platforms)
    return Template(key, cls, product, series, consist, tuple(legs), lane, points, res, starts, ends,
                    laned, platforms)


def waited_points(t: Template, extra: dict[int, float] | None = None) -> list[tuple[str, float, float, bool]]:
    """The template's points with ``extra`` seconds of dwell at some of them (point index -> s)."""
    if not extra:
        return t.points
    out, late = [], 0.0
    for i, (op, a, d, st) in enumerate(t.points):
        more = extra.get(i, 0.0)
        out.append((op, a + late, d + late + more, st))
        late += more
    return out


def stop_plan(points: list[tuple[str, float, float, bool]]) -> tuple[tuple[str, float, float], ...]:
    """(op, arrival, departure) of every stop, origin and destination included (as ``stop_plan_of``)."""
    return tuple((op, a, d) for i, (op, a, d, st) in enumerate(points) if st or i in (0, len(points) - 1))


def to_run(t: Template, run_id: str, departure_s: float, notes: tuple[str, ...] = (),
           extra: dict[int, float] | None = None) -> TrainRun:
    return TrainRun(
        id=run_id, train_class=t.train_class, consist=t.consist.id,
        legs=tuple(Leg(leg.section.id, leg.reverse, lane) for leg, lane in t.laned),
        points=tuple(PassingPoint(op, round(departure_s + a, 1), round(departure_s + d, 1), st)
                     for op, a, d, st in waited_points(t, extra)),
        product=t.product, series=t.series, notes=notes)


def with_extra_dwell(t: Template, extra: dict[int, float]) -> Template:
    """The template waiting ``extra`` seconds longer at some points (index -> s), blocking times recomputed."""
    return recomputed(replace(t, points=waited_points(t, extra)))


def on_other_lane(t: Template) -> Template | None:
    """The template run on the other lane of its four-track sections, or None if it uses none.

    Fast trains keep to lane 0 and stopping trains to lane 1 by default; on the
    real network a train may take the other pair of tracks, and the hourly pattern
    may choose that where it lets more trains run.
    """
    if t.train_class != TrainClass.PASSENGER or not any(lanes(leg.section) > 1 for leg in t.legs):
        return None
    lane = 1 - t.lane
    return recomputed(replace(t, lane=lane, laned=on_lane(t.legs, lane)))


def on_lane(legs: Sequence[RouteLeg], lane: int) -> tuple[tuple[RouteLeg, int], ...]:
    """Each leg with the lane it takes: ``lane`` on four-track sections, the only one elsewhere."""
    return tuple((leg, lane if lanes(leg.section) > 1 else 0) for leg in legs)


def recomputed(t: Template) -> Template:
    """The template with its blocking times computed again for its lanes and points."""
    res, starts, ends, _ = relative_occupations(t.laned, t.consist, stop_plan(t.points), t.platforms)
    return replace(t, resources=res, starts=starts, ends=ends, _dwell_rows=None)


def product_rank(product: str) -> int:
    order = ["ICE", "Eurostar", "Intercity direct", "Intercity", "Eurocity", "Sneltrein", "Sprinter", "Stoptrein"]
    return next((i for i, p in enumerate(order) if product.startswith(p)), len(order))
