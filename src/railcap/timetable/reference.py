"""Build the reference timetable of a full weekday (00:00–24:00) on the network.

Passenger trains come from the 2026 service patterns, freight trains from the
corridor volumes of the facts file. Every trip is routed on the network, its
running time comes from the physics engine (stretched to the planned minutes
where those are longer), and its blocking times from the occupancy engine.

Trips of one series share a template (the same route and times, shifted).
First the hourly pattern is solved (``timetable.periodic``): the phases of all
periodic templates and of one hourly path per freight flow at once. Then the
trips are inserted on a board of what is already granted: the pattern's
templates at their phases, fast trains first, then the templates the pattern
could not hold at the phase that hits least, then freight on its hourly path.
A trip may shift a little or wait longer at its stops; one that finds no free
slot is left out and reported. The result is conflict-free by construction,
and the independent conflict detector checks it again.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable, Sequence

import numpy as np

from railcap.data.rolling_stock import Catalogue
from railcap.model.errors import Problem
from railcap.model.infrastructure import Network, ground_distance_m
from railcap.model.rolling_stock import Consist
from railcap.model.timetable import Leg, PassingPoint, Timetable, TrainClass, TrainRun
from railcap.occupancy import DEFAULT_PARAMETERS
from railcap.occupancy.resources import lanes
from railcap.timetable.occupation import platform_points, relative_occupations
from railcap.physics.route import Route, RouteFinder, RouteLeg
from railcap.timetable.patterns import EVENING_PAGE, WEEKDAY_DAY_PAGE, ServicePattern
from railcap.timetable.periodic import LNS_STEP_TIME, PERIOD_S, PeriodicTrain, periodic_headway_s, solve_pattern
from railcap.timetable.slots import BusyBoard

if TYPE_CHECKING:
    from railcap.occupancy.table import OccupationTable

DAY_S = 86_400.0
DAY_WINDOW = (6 * 3600.0, 20 * 3600.0)  # page 1, Monday–Thursday before 20:00
EARLY_WINDOW = (5 * 3600.0, 6 * 3600.0)  # the data has no early-morning page: page 4's trips, the day's minutes
EVENING_WINDOWS = ((20 * 3600.0, 24 * 3600.0), EARLY_WINDOW)  # page 4, also used 05:00–06:00
PASSENGER_MAX_SHIFT_MIN = 5  # a trip may leave up to this much earlier or later than its pattern says
DWELL_STEP_S = 6.0  # ProRail plans in tenths of a minute
DWELL_MAX_EXTRA_S = 120.0  # a passenger trip may wait up to 2 min longer at one stop ...
DWELL_MAX_TOTAL_S = 240.0  # ... and 4 min longer over its whole run
EVENING_SAME_RUN_S = 120.0  # an evening template this close to its day twin runs the day's times
DWELL_MAX_TRIES = 12
PASSENGER_SHIFT_S = tuple([0.0] + [sgn * 60.0 * m for m in range(1, PASSENGER_MAX_SHIFT_MIN + 1) for sgn in (1, -1)])
FREIGHT_SHIFT_STEP_S = 120.0
FREIGHT_MAX_SHIFT_S = 8 * 3600.0  # a freight train may run this much off its even spread (much Dutch freight runs at night)
WAITING_TRIES = 6  # a freight train that must wait at stands: searches tried ...
WAITING_RETRY_S = 120.0  # ... each leaving this much later than the last path found
FREIGHT_SPEED_CAP_MS = 100 / 3.6  # freight on the mixed network runs at most 100 km/h (facts file ≈)
MAX_SUPPLEMENT = 0.5  # a planned run may be this much slower than physics (supplements, speeds the registry lacks); beyond, the train waits at the stop
PLAN_ROUNDING_S = 60.0  # the patterns' times are whole (median) minutes
MAX_STOP_SPEED_KMH = 200.0  # no train here averages more from one stop to the next, along the line ...
DETOUR_FACTOR = 1.6  # ... whose length is taken as at most this times the straight line
FAST_TRAIN_WEIGHT = 2  # in the hourly pattern, an Intercity (or faster) train counts this many times
FALLBACK_CONSISTS = ("icng-8", "gtw-28-dmu")  # a dual-voltage unit for 25 kV lines, a diesel one for lines without wire

PRODUCT_CONSIST = {  # rolling stock by product (public deployment, simplified; see docs/data.md)
    "Intercity direct": "icng-8", "Intercity": "virm-6", "Sneltrein": "flirt-4", "Sprinter": "slt-6",
    "Stoptrein": "flirt-3", "Eurocity": "ic-berlin", "ICE": "ice-3m", "Eurostar": "ice-3m",
    "Intercity Berlijn": "ic-berlin", "Nightjet": "ic-berlin", "European Sleeper": "ic-berlin",
    "GoVolta": "ic-berlin",
}


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
class Movement:
    """What the blocking-time engine needs to know of a run (MovementLike)."""

    position_m: np.ndarray
    time_s: np.ndarray
    speed_ms: np.ndarray
    length_m: float
    brake_ms2: float


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

    def note_dropped(self, board: "BusyBoard", t: "Template", run_id: str, departure_s: float) -> None:
        self.dropped.append(run_id)
        self.blocked_by.update({r.split("/", 1)[0] for r in board.hit_resources(
            t.resources, t.starts, t.ends, departure_s)})


# ------------------------------------------------------------------ routing


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


# ------------------------------------------------------------------ templates


def movement_of(profile, consist: Consist, planned: Sequence[tuple[float, float]] | None) -> Movement:
    """The physics profile, stretched so each stop-to-stop run takes at least its planned time.

    ``planned`` holds (arrival, departure) in seconds from departure for every
    stop of the profile, in order; a run shorter in the plan than in physics
    keeps its physics time (the train cannot run faster than it can). A run much
    longer in the plan than in physics is not crawled: the train runs with at
    most ``MAX_SUPPLEMENT`` slower than physics (plus the plan's minute
    rounding) and waits the rest at the stop it arrives at, as a planner's
    extra dwell (the patterns' median minutes hide turn-backs and waits).
    """
    x, t, v = profile.position_m, profile.time_s, profile.speed_ms
    if planned is None:
        return Movement(x, t, v, consist.length_m, consist.braking_ms2)
    stop_times = [(o.arrival_s, o.departure_s) for o in profile.op_times if o.stops]
    src, dst = [0.0], [0.0]
    for (pa, pd), (sa, sd) in zip(planned[1:], stop_times[1:]):
        prev_src, prev_dst = src[-1], dst[-1]
        run_phys = sa - prev_src
        run_plan = max(pa - prev_dst, run_phys)
        run = min(run_plan, run_phys * (1 + MAX_SUPPLEMENT) + PLAN_ROUNDING_S)
        src.append(sa)
        dst.append(prev_dst + run)
        dwell = max(pd - pa + (run_plan - run), sd - sa)
        src.append(sd)
        dst.append(dst[-1] + dwell)
    src_a, dst_a = np.array(src), np.array(dst)
    keep = np.concatenate([[True], np.diff(src_a) > 1e-9])
    t2 = np.interp(t, src_a[keep], dst_a[keep])
    # speeds scale with the stretch of each run; positions are unchanged
    dt_phys = np.diff(t, prepend=t[0])
    dt_plan = np.diff(t2, prepend=t2[0])
    factor = np.where(dt_phys > 1e-9, dt_phys / np.maximum(dt_plan, 1e-9), 1.0)
    return Movement(x, t2, v * np.clip(factor, 0.0, 1.0), consist.length_m, consist.braking_ms2)


def build_template(key: str, cls: TrainClass, product: str, series: str, consist: Consist,
                   legs: list[RouteLeg], stop_plan: list[tuple[str, float, float]] | None,
                   platforms: frozenset[str] = frozenset()) -> Template:
    """Times and blocking times of one route; ``stop_plan`` = [(op, arr_s, dep_s)] or None (non-stop).

    The times kept are rounded to a tenth of a second, and the blocking times
    are computed from exactly those times by ``relative_occupations`` — the
    same function the conflict check uses on the finished timetable.
    """
    lane = 0 if cls == TrainClass.PASSENGER and _rank(product) <= _rank("Intercity") else 1
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


# ------------------------------------------------------------------ insertion


def best_phase(board: BusyBoard, t: Template, departures: np.ndarray, headway_s: float) -> float:
    """The offset (whole minutes within one headway) whose trips hit the fewest busy intervals."""
    if headway_s <= 60 or len(departures) == 0:
        return 0.0
    sample = departures[:: max(1, len(departures) // 6)]
    best, best_hits = 0.0, math.inf
    for phase in np.arange(0.0, headway_s, 60.0):
        hits = sum(board.overlaps(t.resources, t.starts, t.ends, float(d + phase)) for d in sample)
        if hits < best_hits:
            best, best_hits = float(phase), hits
            if hits == 0:
                break
    return best


def insert(board: BusyBoard, t: Template, departure_s: float, shifts: Sequence[float]) -> float | None:
    """The first shift at which the trip is free on all its blocks; it is then granted."""
    for dt in shifts:
        dep = departure_s + dt
        if dep < 0 or dep >= DAY_S:
            continue
        if board.is_free(t.resources, t.starts, t.ends, dep):
            board.add(t.resources, t.starts, t.ends, dep)
            return dep
    return None


def insert_waiting(board: BusyBoard, t: Template, departure_s: float, shifts: Sequence[float]
                   ) -> tuple[float, dict[int, float]] | None:
    """Like ``insert``, but the trip may also wait longer at its stops (a planner's dwell supplement).

    At each departure shift the first block that is busy is found; the trip waits
    at its last stop before that block until the block is free (in steps of the
    6 s planning grid), up to ``DWELL_MAX_EXTRA_S`` at one stop and
    ``DWELL_MAX_TOTAL_S`` in all. The blocking times of the waiting trip are then
    computed again by the one occupation function and checked exactly before
    the trip is granted. Returns (departure, extra dwell per point index) or None.
    """
    rows = t.dwell_rows()
    if not rows:
        return None
    for dt in shifts:
        dep = departure_s + dt
        if dep < 0 or dep >= DAY_S:
            continue
        st, en = t.starts.copy(), t.ends.copy()
        extra: dict[int, float] = {}
        for _ in range(DWELL_MAX_TRIES):
            hit = board.first_hit(t.resources, st, en, dep)
            if hit is None:
                break
            row, busy_until = hit
            stop = next((r for r in reversed(rows) if r[1][row]), None)
            if stop is None:
                break  # busy before the first stop: only a different departure helps
            i, after, spans = stop
            wait = DWELL_STEP_S * math.ceil((busy_until - (st[row] + dep)) / DWELL_STEP_S + 1e-9)
            if extra.get(i, 0.0) + wait > DWELL_MAX_EXTRA_S or sum(extra.values()) + wait > DWELL_MAX_TOTAL_S:
                break
            extra[i] = extra.get(i, 0.0) + wait
            st[after] += wait
            en[after | spans] += wait
        else:
            continue
        if hit is not None or not extra:
            continue
        waited = with_extra_dwell(t, extra)
        if board.is_free(waited.resources, waited.starts, waited.ends, dep):
            board.add(waited.resources, waited.starts, waited.ends, dep)
            return dep, extra
    return None


def freight_shifts() -> list[float]:
    """0, +2 min, -2 min, +4 min, … up to ±``FREIGHT_MAX_SHIFT_S``."""
    steps = np.arange(FREIGHT_SHIFT_STEP_S, FREIGHT_MAX_SHIFT_S + 1, FREIGHT_SHIFT_STEP_S)
    return [0.0] + [float(s) for pair in zip(steps, -steps) for s in pair]


FREIGHT_SHIFTS_S = tuple(freight_shifts())


# ------------------------------------------------------------------ passenger patterns


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


@dataclass(frozen=True)
class FreightFlow:
    origin: str
    destination: str
    trains_per_day: float  # both directions together
    consist: str
    source: str


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


def build_reference_day(network: Network, catalogue: Catalogue,
                        day_patterns: list[ServicePattern], evening_patterns: list[ServicePattern],
                        stop_of: Callable[[str], str | None], flows: list[FreightFlow],
                        progress: Callable[[str], None] = lambda _: None,
                        pattern_time: float = LNS_STEP_TIME) -> tuple[Timetable, BuildReport]:
    """The whole weekday; see the module docstring for the method."""
    from railcap.timetable.fitting import insert_parts  # it builds on this module's templates

    router, board, report = Router(network), BusyBoard(), BuildReport()
    runs: list[TrainRun] = []
    cache: dict[str, Template | None] = {}
    day = _passenger_jobs(catalogue, router, day_patterns, DAY_WINDOW, stop_of, report, cache)
    evening: list[Job] = []
    for w in EVENING_WINDOWS:
        evening += _passenger_jobs(catalogue, router, evening_patterns, w, stop_of, report, cache)
    freight = _freight_jobs(catalogue, router, flows, report, progress)
    freight_paths = [_freight_path(t, deps) for t, deps in freight]
    as_day = _evening_runs_day_times(day, evening)
    day_held = _lay_out_pattern(day, freight_paths, pattern_time, report, "day", progress)
    fixed, preferred = _evening_keeps_day(day, evening, day_held, as_day)
    evening_held = _lay_out_pattern(evening, [], pattern_time, report, "evening", progress,
                                    fixed=fixed, preferred=preferred)
    early = _early_hour_runs_day_pattern(day, evening, day_held)
    if "evening" in report.patterns:
        report.patterns["evening"].update(runs_day_times=len(as_day), day_minutes_fixed=len(fixed),
                                          day_minutes_preferred=len(preferred), early_hour_day_pattern=early)
    jobs = [(0 if j.template.key in day_held else 1 if j.template.key in evening_held else 2, j)
            for j in day + evening]  # day pattern, evening pattern, the others
    freight_phases = {t.key: day_held[t.key][1] for t in freight_paths if t.key in day_held}
    jobs.sort(key=lambda pj: (pj[0], _rank(pj[1].template.product), pj[1].template.key,
                              pj[1].departures[0] if len(pj[1].departures) else 0))
    for stage, job in jobs:
        template = job.template
        progress(template.key)
        phase = 0.0 if stage < 2 else best_phase(board, template, job.departures, job.series_headway_s or 0.0)
        for d in job.departures:
            wanted = float(d + phase)
            rid = f"{template.key}/{int(wanted) // 60:04d}"
            report.wanted[template.train_class.value] = report.wanted.get(template.train_class.value, 0) + 1
            report.planned.append(to_run(template, rid, wanted))
            if job.parts:
                runs += insert_parts(board, job, rid, wanted, report, network)
                continue
            got = insert(board, template, wanted, PASSENGER_SHIFT_S)
            extra = None
            if got is None:
                waited = insert_waiting(board, template, wanted, PASSENGER_SHIFT_S)
                if waited is not None:
                    got, extra = waited
                    report.waited += 1
            if got is None:
                report.note_dropped(board, template, rid, wanted)
                continue
            report.shifted += int(got != wanted)
            runs.append(to_run(template, rid, got, extra=extra))
    runs += _insert_freight(board, freight, freight_phases, report, network)
    for cls, _ in {(r.train_class.value, r.trip_id) for r in runs}:  # the parts of a trip count once
        report.placed[cls] = report.placed.get(cls, 0) + 1
    return Timetable(tuple(runs), {"day": "reference weekday"}), report


def _lay_out_pattern(jobs: list[Job], extra: list[PeriodicTrain], deterministic_time: float,
                     report: BuildReport, name: str, progress, fixed: dict[str, int] | None = None,
                     preferred: dict[str, int] | None = None) -> dict[str, tuple[str, int]]:
    """Solve the hourly pattern of ``jobs`` (and of the ``extra`` paths, such as freight)
    and move the jobs' departures onto its phases (in place).

    Returns, for every template (or path) the pattern holds, the pattern key it is held
    as (the template itself or an alternative) and its phase; the others keep their
    evenly spread departures and are fitted in afterwards.
    """
    trains, variants = pattern_trains(jobs, extra)
    if not trains:
        return {}
    result = solve_pattern(list(trains.values()), fixed=fixed, deterministic_time=deterministic_time,
                           progress=progress, preferred=preferred)
    held = {variants[k].key if k in variants else k: (k, phase) for k, phase in result.phases_s.items()}
    from railcap.timetable.fitting import hold_parts, hold_waiting  # it builds on this module's templates

    waiting = hold_waiting(jobs, trains, variants, held)
    in_parts, shortened = hold_parts(jobs, trains, variants, held)
    report.patterns[name] = {"trains": len({t.key for t in variants.values()}) + len(extra),
                             "held": len(held) - in_parts - shortened,  # whole runs; the parts below
                             "method": result.method, "worth": result.objective,
                             "greedy_start": result.start_objective,
                             "pairs": result.pairs, "freight_paths": len(extra),
                             "freight_paths_held": sum(1 for t in extra if t.key in held),
                             "on_other_lane": sum(1 for k, _ in held.values() if k in variants and "|lane" in k),
                             "waiting": waiting, "in_parts": in_parts, "shortened": shortened}
    for j in jobs:
        if j.template.key in held and not j.parts:
            key, phase = held[j.template.key]
            j.template = variants[key]
            j.departures = periodic_departures(j.departures, phase, trains[key].headway_s, j.headway_s)
    return held


def _early_hour_runs_day_pattern(day: list[Job], evening: list[Job], day_held: dict[str, tuple[str, int]]) -> int:
    """Trips before 06:00 run as the day pattern's first trips where they can (in place).

    The data has no early-morning page, so 05:00–06:00 takes page 4's trips; laid out at
    the evening pattern's minutes, those still running after 06:00 meet the day pattern
    and many were left out. A template whose day twin the day pattern holds whole runs
    the day twin's times at its minutes past the hour instead (with the evening's
    headway), so the first hour leads into the day without a seam. Returns how many.
    """
    day_by_key = {j.template.key: j for j in day}
    moved = 0
    for j in evening:
        twin = day_by_key.get(_day_twin_key(j.template.key) or "")
        if j.window != EARLY_WINDOW or twin is None or twin.template.key not in day_held or twin.parts:
            continue
        _, phase = day_held[twin.template.key]
        slots = periodic_departures(np.array([EARLY_WINDOW[0], EARLY_WINDOW[1] - 1.0]), phase,
                                    twin.pattern_headway_s, j.headway_s)
        slots = slots[slots < EARLY_WINDOW[1]]
        if len(slots) < len(j.departures):
            continue  # the day runs it less often than the evening does
        j.template, j.parts = twin.template, ()
        j.departures = slots[:len(j.departures)]
        moved += 1
    return moved


def _day_twin_key(evening_key: str) -> str | None:
    """The day template of the same series, route and direction (``P…-w4`` -> ``P…-w1``)."""
    end = f"-w{EVENING_PAGE}"
    return evening_key[: -len(end)] + f"-w{WEEKDAY_DAY_PAGE}" if evening_key.endswith(end) else None


def _evening_runs_day_times(day: list[Job], evening: list[Job]) -> set[str]:
    """Evening templates that stop where their day twin stops and take within
    ``EVENING_SAME_RUN_S`` as long run the day's times (in place); returns their keys.

    The patterns' minutes are medians per window, so the same train often differs by a
    minute between the day page and the evening page; the real timetable keeps its
    minutes past the hour across 20:00, and so, with this, can the reference day.
    """
    twins = {j.template.key: j.template for j in day}
    done: dict[str, Template] = {}
    for j in evening:
        e = j.template
        if e.key in done:  # the same template in the other evening window
            j.template = done[e.key]
            continue
        d = twins.get(_day_twin_key(e.key) or "")
        if d is None or d.legs != e.legs:
            continue
        same_stops = [p[0] for p in e.points if p[3]] == [p[0] for p in d.points if p[3]]
        if same_stops and abs(e.points[-1][1] - d.points[-1][1]) <= EVENING_SAME_RUN_S:
            done[e.key] = j.template = replace(d, key=e.key)
    return set(done)


def _evening_keeps_day(day: list[Job], evening: list[Job], day_held: dict[str, tuple[str, int]],
                       runs_day_times: set[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Fixed and preferred evening phases: a series' route and direction keeps the day's
    minutes past the hour (and its lane), as Dutch evening patterns do; without that,
    trips at 20:00 and 06:00, where the two patterns meet, clash.

    Fixed where the evening template runs the day's times, the day holds that very run
    (not an alternative) and the evening headway repeats the day's slots (so the fixed
    trains cannot clash with each other); preferred otherwise.
    """
    day_by_key = {j.template.key: j for j in day}
    fixed, preferred = {}, {}
    for j in evening:
        twin = day_by_key.get(_day_twin_key(j.template.key) or "")
        if twin is None or twin.template.key not in day_held or twin.parts:
            continue
        pattern_key, phase = day_held[twin.template.key]
        key = j.template.key + pattern_key[len(twin.template.key):]  # the same lane alternative
        h_day, h_eve = twin.pattern_headway_s, j.pattern_headway_s
        same_run = j.template.key in runs_day_times and pattern_key == twin.template.key
        if same_run and h_day and h_eve and h_eve % h_day == 0:
            fixed[key] = phase
        else:
            preferred[key] = phase
    return fixed, preferred


def pattern_trains(jobs: list[Job], extra: Sequence[PeriodicTrain] = ()
                   ) -> tuple[dict[str, PeriodicTrain], dict[str, Template]]:
    """The periodic trains of the hourly pattern, and the template each pattern key stands for.

    Each periodic template comes with its run on the other lane of four-track sections
    as an alternative (at most one of them is held). Then the ``extra`` paths.
    """
    trips = Counter()
    for j in jobs:
        trips[j.template.key] += len(j.departures)
    trains: dict[str, PeriodicTrain] = {}
    variants: dict[str, Template] = {}
    for j in jobs:
        h = j.pattern_headway_s
        if h is None or j.template.key in trains:
            continue
        base = j.template
        other = on_other_lane(base)
        options = [(base.key, base)] + ([(f"{base.key}|lane{other.lane}", other)] if other else [])
        for key, t in options:
            variants[key] = t
            trains[key] = PeriodicTrain(key, h, t.resources, t.starts, t.ends, _worth(t, trips[base.key]),
                                        alternative_to=base.key if key != base.key else "")
    trains.update({t.key: t for t in extra})
    return trains, variants


def day_pattern_trains(network: Network, catalogue: Catalogue, day_patterns: list[ServicePattern],
                       stop_of: Callable[[str], str | None], flows: list[FreightFlow]) -> list[PeriodicTrain]:
    """The periodic trains of the day's hourly pattern, as the builder makes them (for benchmarks)."""
    router, report = Router(network), BuildReport()
    day = _passenger_jobs(catalogue, router, day_patterns, DAY_WINDOW, stop_of, report, {})
    freight = _freight_jobs(catalogue, router, flows, report, lambda _: None)
    trains, _ = pattern_trains(day, [_freight_path(t, deps) for t, deps in freight])
    return list(trains.values())


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


def _worth(t: Template, trips: int) -> int:
    """What a template's trips are worth in the pattern: trains, weighted by their length,
    Intercity and faster ``FAST_TRAIN_WEIGHT`` times (the order in which the day is planned)."""
    km = sum(leg.section.length_m for leg in t.legs) / 1000.0
    fast = t.train_class == TrainClass.PASSENGER and _rank(t.product) <= _rank("Intercity")
    return max(1, round(trips * (10 + km) * (FAST_TRAIN_WEIGHT if fast else 1)))


def _freight_path(t: Template, departures: list[float]) -> PeriodicTrain:
    """An hourly freight path for a flow: its daytime trips are what it is worth."""
    day = sum(1 for d in departures if DAY_WINDOW[0] <= d < DAY_WINDOW[1])
    return PeriodicTrain(t.key, PERIOD_S, t.resources, t.starts, t.ends, _worth(t, max(day, 1)))


def periodic_departures(wanted: np.ndarray, phase_s: int, pattern_headway_s: int,
                        headway_s: float | None) -> np.ndarray:
    """The departures of the pattern's slots (phase + k·headway) that lie in the span of ``wanted``.

    A template that runs less often than its slot (every two or three hours on an hourly
    slot) takes every n-th slot.
    """
    if len(wanted) == 0:
        return wanted
    step = pattern_headway_s
    if headway_s and headway_s > pattern_headway_s and round(headway_s) % pattern_headway_s == 0:
        step = int(round(headway_s))
    start, end = float(wanted[0]), float(wanted[-1]) + (headway_s or pattern_headway_s)
    first = start + ((phase_s - start) % pattern_headway_s)
    return np.arange(first, end - 1e-6, step, dtype=float)


def _rank(product: str) -> int:
    order = ["ICE", "Eurostar", "Intercity direct", "Intercity", "Eurocity", "Sneltrein", "Sprinter", "Stoptrein"]
    return next((i for i, p in enumerate(order) if product.startswith(p)), len(order))


def _passenger_jobs(catalogue, router, patterns, window, stop_of, report, cache) -> list[Job]:
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


def _freight_jobs(catalogue, router, flows, report, progress) -> list[tuple[Template, list[float]]]:
    """Each flow's template per direction and the departures its trains want (spread over the day)."""
    jobs = []
    for f in flows:
        consist = catalogue.consist(f.consist)
        per_dir = f.trains_per_day / 2.0
        for direction, (a, b) in enumerate(((f.origin, f.destination), (f.destination, f.origin))):
            n = int(math.floor(per_dir + (0.5 if direction == 0 else 0.0)))
            if n <= 0:
                continue
            legs = router.legs(a, b, False, consist)
            key = f"F-{a}-{b}"
            if legs is None:
                report.problems.append(Problem(f"freight flow {a} → {b}", "route",
                                               f"no route for {consist.id} ({consist.length_m:.0f} m)"))
                continue
            progress(key)
            t = build_template(key, TrainClass.FREIGHT, "freight", key, consist, legs, None, router.platforms)
            spacing = DAY_S / n
            offset = round(hash_unit(key) * spacing)
            jobs.append((t, [offset + k * spacing for k in range(n)]))
    return jobs


def _insert_freight(board: BusyBoard, jobs: list[tuple[Template, list[float]]], phases: dict[str, int],
                    report: BuildReport, network: Network | None = None) -> list[TrainRun]:
    """Freight trains after the passenger trains: on their flow's hourly path where the pattern
    holds one (the nearest free hour first), else at the first free shift within ±8 h; a train
    that finds no free run end to end may wait at stand points on the way (``_WaitingSearch``)."""
    runs = []
    waits = _WaitingSearch(board, network) if network is not None else None
    for t, departures in jobs:
        for k, d in enumerate(departures):
            report.wanted["freight"] = report.wanted.get("freight", 0) + 1
            rid = f"{t.key}/{k:03d}"
            report.planned.append(to_run(t, rid, d))
            got = insert(board, t, d, _freight_shifts_for(d, phases.get(t.key)))
            if got is not None:
                report.shifted += int(got != d)
                runs.append(to_run(t, rid, got))
                if waits is not None:
                    waits.granted(t.resources, t.starts + got, t.ends + got)
                continue
            waited = waits.run(t, rid, d) if waits is not None else None
            if waited is None:
                report.note_dropped(board, t, rid, d)
                continue
            report.waited += 1
            runs.append(waited)
    return runs


class _WaitingSearch:
    """The path search (``pathing``) for freight trains that must wait at stands to fit in.

    It searches a free-interval index of everything granted so far. A path it finds
    becomes a timetable run, whose blocking times are computed again by the one
    occupation function and checked exactly against the board before the run is
    granted, so the referee sees exactly what was checked.
    """

    def __init__(self, board: BusyBoard, network: Network):
        self.board, self.net = board, network
        self._index = None  # built from the board when a train first needs to wait
        self._segments: dict[str, object] = {}

    @property
    def index(self):
        if self._index is None:
            from railcap.occupancy.index import FreeIntervalIndex

            self._index = FreeIntervalIndex(_occupations(*self.board.intervals()))
        return self._index

    def granted(self, resources, starts, ends) -> None:
        """Keep the index (once it exists) in step with the board."""
        if self._index is not None:
            self._index.add(_occupations(list(resources), starts, ends))

    def run(self, t: Template, rid: str, departure_s: float) -> TrainRun | None:
        from dataclasses import replace

        from railcap.pathing.request import make_request
        from railcap.pathing.search import RouteSearch
        from railcap.pathing.segments import SegmentCache
        from railcap.physics.running_time import Allowance
        from railcap.timetable.occupation import timetable_occupations

        route = Route(tuple(t.legs))
        segments = self._segments.setdefault(t.consist.id, SegmentCache(t.consist, Allowance()))
        earliest = max(0.0, departure_s - FREIGHT_MAX_SHIFT_S)
        for _ in range(WAITING_TRIES):
            req = make_request(self.net, origin=route.origin, destination=route.destination, consist=t.consist,
                               earliest_departure_s=earliest,
                               latest_arrival_s=departure_s + FREIGHT_MAX_SHIFT_S + t.points[-1][1], train_id=rid)
            path = RouteSearch(self.net, route, req, self.index, segments).run()
            if path is None:
                return None
            found = path.to_run("freight", t.consist.id)
            run = replace(found, product="freight", series=t.key, notes=("waits at stands to fit in",),
                          points=tuple(PassingPoint(q.op_id, round(q.arrival_s, 1), round(q.departure_s, 1), q.stops)
                                       for q in found.points))  # as the timetable file keeps them
            occ = timetable_occupations(Timetable((run,)), self.net)
            res = occ.resource_id.tolist()
            if self.board.is_free(res, occ.start_s, occ.end_s):
                self.board.add(res, occ.start_s, occ.end_s)
                self.granted(res, occ.start_s, occ.end_s)
                return run
            # the whole run, computed again, differs by seconds from the search's segments: try later
            earliest = path.departure_s + WAITING_RETRY_S
        return None


def _occupations(resources: list[str], starts, ends) -> "OccupationTable":
    from railcap.occupancy.table import OccupationTable

    return OccupationTable.from_columns(np.array(["granted"] * len(resources), dtype=object),
                                        np.array(resources, dtype=object), starts, ends)


def _freight_shifts_for(departure_s: float, phase_s: int | None) -> list[float]:
    """Shifts to try: onto the flow's hourly path (nearest hour first), then every 2 min, within ±8 h."""
    shifts = list(FREIGHT_SHIFTS_S)
    if phase_s is None:
        return shifts
    to_slot = (phase_s - departure_s) % PERIOD_S
    hours = int(FREIGHT_MAX_SHIFT_S // PERIOD_S) + 1
    slots = [to_slot + h * PERIOD_S for h in range(-hours, hours)]
    slots = sorted((x for x in slots if abs(x) <= FREIGHT_MAX_SHIFT_S), key=abs)
    return slots + shifts


def hash_unit(text: str) -> float:
    """A stable number in [0, 1) from a text (Python's hash() changes per process)."""
    h = 0
    for ch in text.encode("utf-8"):
        h = (h * 131 + ch) % 1_000_003
    return h / 1_000_003


def dropped_by_template(run_ids: Sequence[str]) -> dict[str, int]:
    """Left-out trips counted by their template (series-route-direction or freight flow), most first."""
    c = Counter(rid.rsplit("/", 1)[0] for rid in run_ids)
    return dict(c.most_common())
