"""The planner: a request in, ranked paths (or an explanation) out, with military priority.

The busy picture is the reference timetable's blocking times, minus the civil
trains that earlier allocations retimed or cancelled, plus the occupations
those allocations hold. A path is searched on the candidate routes
(``routes``) by the time search (``search``) and ranked by arrival at the
destination, then by time spent waiting, then by distance.

Military priority follows the order of the capacity-allocation decree's
amendment: (1) reserve paths count as free; (2) freight paths may be
displaced — every freight train whose blocks the military path needs is
re-planned with the same search on its own route, later the same day, or
cancelled when none exists; (3) passenger trains may be retimed up to the
user's tolerance (default 0 min) and cancelled only with explicit leave.
Each step is tried only when the previous one gives no path that meets the
request's windows and latest arrival.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from railcap.model.errors import RailcapError, ValidationError
from railcap.model.infrastructure import Network
from railcap.model.rolling_stock import Catalogue
from railcap.model.timetable import Timetable, TrainClass, TrainRun
from railcap.occupancy import FreeIntervalIndex, OccupationTable
from railcap.pathing.caches import SearchCaches
from railcap.pathing.explain import Explanation, explain
from railcap.pathing.request import PathRequest, Via, clock, waypoints_of
from railcap.pathing.routes import candidate_routes
from railcap.pathing.search import RouteSearch, TimedPath, earliest_departure
from railcap.pathing.segments import SegmentCache
from railcap.physics.route import Route, RouteLeg
from railcap.occupancy.runs import timetable_occupations

FREIGHT_REPLAN_S = 6 * 3600.0  # a displaced freight train is re-planned within this many seconds

RULE_RESERVE = "military priority, step 1: a reserve path is used"
RULE_FREIGHT = "military priority, step 2: a freight path is displaced and re-planned"
RULE_FREIGHT_CANCEL = "military priority, step 2: a freight path is displaced; no path left the same day"
RULE_ALLOCATED_FREIGHT = ("military priority, step 2: an allocated freight path (proposed or confirmed) is "
                          "displaced and re-planned like any freight path; its holder sees it in its allocation")
RULE_ALLOCATED_FREIGHT_CANCEL = ("military priority, step 2: an allocated freight path (proposed or confirmed) "
                                 "is displaced; no path left the same day, so it is cancelled and its holder told")
RULE_PASSENGER = "military priority, step 3: passenger train retimed within the tolerance"
RULE_PASSENGER_CANCEL = "military priority, step 3: passenger train cancelled (explicitly allowed)"


@dataclass(frozen=True)
class Hindrance:
    """What happened to one civil train to make room."""

    train_id: str
    train_class: str
    action: str  # "retimed" | "replanned" | "cancelled" | "reserve used"
    old_departure_s: float
    old_arrival_s: float
    new_departure_s: float | None
    new_arrival_s: float | None
    rule: str
    allocation_id: int | None = None  # the displaced train is this allocation (its holder is told)

    @property
    def delay_s(self) -> float:
        return 0.0 if self.new_arrival_s is None else max(0.0, self.new_arrival_s - self.old_arrival_s)

    def to_dict(self) -> dict:
        return {"train_id": self.train_id, "class": self.train_class, "action": self.action,
                "old_departure": clock(self.old_departure_s), "old_arrival": clock(self.old_arrival_s),
                "new_departure": None if self.new_departure_s is None else clock(self.new_departure_s),
                "new_arrival": None if self.new_arrival_s is None else clock(self.new_arrival_s),
                "delay_min": round(self.delay_s / 60.0, 1), "rule": self.rule,
                "allocation_id": self.allocation_id}


@dataclass
class PlanResult:
    """The answer to one request."""

    request: PathRequest
    paths: list[TimedPath]
    stage: str = "free capacity"
    hindrance: list[Hindrance] = field(default_factory=list)
    civil_occupations: OccupationTable = field(default_factory=lambda: OccupationTable.of([]))
    explanation: Explanation | None = None
    new_runs: dict[str, TrainRun] = field(default_factory=dict)  # the moved trains' runs as they will be

    @property
    def found(self) -> bool:
        return bool(self.paths)

    def hindrance_totals(self) -> dict:
        out: dict[str, dict] = {}
        for h in self.hindrance:
            t = out.setdefault(h.train_class, {"trains": 0, "delay_min": 0.0, "cancelled": 0})
            t["trains"] += 1
            t["delay_min"] = round(t["delay_min"] + h.delay_s / 60.0, 1)
            t["cancelled"] += h.action == "cancelled"
        return out


class Planner:
    """Plans requests against a timetable plus earlier allocations.

    ``catalogue`` gives the consists of the day's trains (for their blocking
    times when ``base`` is not given, and to re-plan a displaced train).
    ``extra`` holds occupations of allocated trains (and re-planned civil
    trains) with ``extra_classes`` naming their class; ``removed`` lists the
    timetable's trains that no longer run as planned. ``runs`` are the current
    runs of trains that differ from the timetable (allocated, re-planned),
    ``allocated`` maps an allocated train to its allocation id. ``caches`` holds
    what does not depend on the day (routes, running and blocking times of
    segments): a warm service shares one across its planners.
    """

    def __init__(self, net: Network, timetable: Timetable | Callable[[], Timetable], *,
                 catalogue: Catalogue,
                 base: OccupationTable | None = None,
                 extra: OccupationTable | None = None, extra_classes: dict[str, str] | None = None,
                 removed: frozenset[str] = frozenset(), classes: dict[str, str] | None = None,
                 runs: dict[str, TrainRun] | None = None, allocated: dict[str, int] | None = None,
                 base_runs: Mapping[str, TrainRun] | None = None, caches: SearchCaches | None = None):
        # ``timetable`` may be a loader, called only when a run is needed (re-planning a displaced
        # train), with ``base`` and ``classes`` given: a cold query then costs no timetable read;
        # ``base_runs`` (the timetable's runs by id, read one at a time) spares even that read
        self.net, self._timetable = net, timetable
        self._current_runs = dict(runs or {})
        self._base_runs = base_runs
        self.allocated = dict(allocated or {})
        self.catalogue = catalogue  # the consists of the trains it may re-plan
        base = timetable_occupations(self.timetable, net, catalogue) if base is None else base
        self.removed = frozenset(removed)
        if self.removed:
            base = base[~np.isin(base.train_id, list(self.removed))]
        extra = extra if extra is not None else OccupationTable.of([])
        self.table = OccupationTable.concat([base, extra]) if len(extra) else base
        self.classes = dict(classes) if classes is not None else \
            {r.id: r.train_class.value for r in self.timetable.runs}
        self.classes.update(extra_classes or {})
        self._indices: dict[frozenset[str], FreeIntervalIndex] = {}
        self.caches = caches if caches is not None else SearchCaches()

    @property
    def timetable(self) -> Timetable:
        if callable(self._timetable):
            self._timetable = self._timetable()
        return self._timetable

    @cached_property
    def runs(self) -> Mapping[str, TrainRun]:
        """Every train's current run: the timetable's, replaced by the store's for the trains it changed."""
        if self._base_runs is not None:
            return ChainMap(self._current_runs, self._base_runs)
        return {r.id: r for r in self.timetable.runs} | self._current_runs

    def segments(self, req: PathRequest) -> SegmentCache:
        """The segment cache of the request's consist and allowance, shared by later requests."""
        return self.caches.segment_cache(req.consist, req.allowance)

    # -- the busy picture ------------------------------------------------------------

    def index(self, ignore: frozenset[str] = frozenset()) -> FreeIntervalIndex:
        """The free-interval index without the trains of the classes in ``ignore``."""
        ignore = frozenset(ignore) & frozenset({*self.classes.values(), "military"})  # a class with no
        # train (no reserve paths on the day) does not change the index: one build serves both
        if ignore not in self._indices:
            if ignore:  # derived from the whole day's index: one masking pass, not a new build
                trains = [t for t in dict.fromkeys(self.table.train_id.tolist())
                          if self.classes.get(t, "military") in ignore]
                self._indices[ignore] = self.index().without(trains).prepare()
            else:
                self._indices[ignore] = FreeIntervalIndex(self.table).prepare()
        return self._indices[ignore]

    def commit(self, result: PlanResult) -> None:
        """Make a found ``result`` part of the day, for the requests that follow (a movement's
        next train): the civil trains it moved leave with their old times, its path and their new
        times join. The indices already built are updated in place, not rebuilt."""
        path = result.paths[0]
        moved = sorted({h.train_id for h in result.hindrance})
        self.classes[path.train_id] = result.request.priority.value
        new = OccupationTable.concat([path.occupations(), result.civil_occupations])
        old_rows = {t: self.table.resource_id[self.table.train_id == t].tolist() for t in moved}
        if moved:
            keep = ~np.isin(self.table.train_id, moved)
            self.table = self.table[keep]
            self.removed = self.removed | frozenset(moved)
        new_classes = np.array([self.classes.get(t, "military") for t in new.train_id.tolist()], dtype=object)
        self.table = OccupationTable.concat([self.table, new])
        for ignore, index in self._indices.items():
            for t, resources in old_rows.items():
                index.remove_train(t, resources)
            rows = ~np.isin(new_classes, list(ignore)) if ignore else np.ones(len(new), dtype=bool)
            if rows.any():
                index.add(new[rows])

    # -- planning --------------------------------------------------------------------

    def plan(self, req: PathRequest) -> PlanResult:
        routes = self.routes(req)
        if not routes:
            return PlanResult(req, [], "none", explanation=self._no_route(req))
        segments = self.segments(req)
        military = req.priority == TrainClass.MILITARY
        first = frozenset({TrainClass.RESERVE.value}) if military else frozenset()
        paths = self._search(req, routes, self.index(first), segments)
        result = PlanResult(req, paths, "free capacity")
        if paths and military:
            result.hindrance = self._reserve_used(paths[0])
            result.stage = "reserve paths" if result.hindrance else "free capacity"
        if not military or (paths and paths[0].arrival_s <= self._ideal_arrival(req, routes[0]) + req.accept_delay_s):
            if not paths:
                result.explanation = explain(self, req, routes=routes, index=self.index(first))
            return result
        forced = self._with_priority(req, routes, segments, paths[0].arrival_s if paths else float("inf"))
        if forced.found and (not paths or forced.paths[0].arrival_s < paths[0].arrival_s):
            return forced
        if paths:
            return result
        forced.explanation = explain(self, req, routes=routes, index=self.index(frozenset({TrainClass.RESERVE.value})),
                                     priority_note=self._priority_note(req))
        return forced

    def _ideal_arrival(self, req: PathRequest, route: Route) -> float:
        """Arrival of the run without waiting from the earliest departure (or the destination window)."""
        run = self.segments(req).get(tuple(route.legs)).run_s + sum(v.min_dwell_s for v in req.vias)
        at_end = [w.start_s for w in req.windows if w.op_id == req.destination]
        return max([req.earliest_departure_s + run, *at_end])

    def routes(self, req: PathRequest) -> list[Route]:
        """Candidate routes through the vias and the window points (after the vias)."""
        waypoints, n = waypoints_of(req), req.alternatives + 1
        return list(self.caches.routes.get((req.consist, tuple(waypoints), n), lambda: tuple(
            candidate_routes(self.net, req.consist, waypoints, n))))

    def _no_route(self, req: PathRequest) -> Explanation:
        """Why no route admits the consist: the same for every request with its consist and waypoints."""
        found = self.caches.no_route.get((req.consist, tuple(waypoints_of(req))),
                                         lambda: explain(self, req, routes=[]))
        return replace(found, excluded=[dict(r) for r in found.excluded], blocking_trains=list(found.blocking_trains),
                       windows=list(found.windows),
                       excluded_by_field=dict(found.excluded_by_field))

    def _search(self, req: PathRequest, routes: list[Route], index: FreeIntervalIndex,
                segments: SegmentCache) -> list[TimedPath]:
        found: list[TimedPath] = []
        for route in routes:
            if len(found) >= req.alternatives and found[0].waiting_s <= 0.0:
                break  # enough paths, and the best one runs without waiting: no other route beats it
            try:
                path = RouteSearch(self.net, route, req, index, segments).run()
            except ValidationError:
                continue  # the physics cannot run this route (e.g. a gradient); other routes may
            if path is not None:
                found.append(path)
        found.sort(key=lambda p: (p.arrival_s, p.waiting_s, p.route.length_m))
        return found[: req.alternatives]

    # -- military priority -------------------------------------------------------------

    def _with_priority(self, req: PathRequest, routes: list[Route], segments: SegmentCache,
                       to_beat_s: float) -> PlanResult:
        """The first step that gives a path arriving before ``to_beat_s`` (the free path's arrival); without
        one, a result with no path (explained by the caller, only when it is the answer)."""
        reserve, freight, passenger = TrainClass.RESERVE.value, TrainClass.FREIGHT.value, TrainClass.PASSENGER.value
        steps = [("freight displaced", frozenset({reserve, freight})),
                 ("passenger retimed", frozenset({reserve, freight, passenger}))]
        for stage, ignore in steps:
            paths = self._search(req, routes, self.index(ignore), segments)
            for path in paths:
                if path.arrival_s >= to_beat_s - 1.0:
                    continue  # no better than what free capacity gives: the next step may do better
                result = self._make_room(req, path, stage)
                if result is not None:
                    return result  # one path: the room made is for this one
        return PlanResult(req, [], "none")

    def _priority_note(self, req: PathRequest) -> str:
        if req.may_cancel_passenger:
            return "even with passenger trains cancelled no path meets the request"
        return (f"military priority could not make room: passenger trains are in the way and may be "
                f"retimed by at most {req.passenger_tolerance_s / 60:.0f} min (cancelling needs explicit leave)")

    def _conflicting_trains(self, occ: OccupationTable, index: FreeIntervalIndex) -> list[str]:
        """Trains in ``index`` whose occupations overlap any of ``occ``, in order of first overlap."""
        hits: dict[str, float] = {}
        for r, s, e in zip(occ.resource_id.tolist(), occ.start_s.tolist(), occ.end_s.tolist()):
            if index.is_free(r, s, e):
                continue
            for o in index.occupations(r):
                if o.start_s < e and o.end_s > s:
                    hits[o.train_id] = min(hits.get(o.train_id, np.inf), s)
        return sorted(hits, key=hits.get)

    def _make_room(self, req: PathRequest, path: TimedPath, stage: str) -> PlanResult | None:
        """Move the civil trains in the way of ``path``; None when the rules do not allow it."""
        mine = path.occupations()
        blockers = self._conflicting_trains(mine, self.index())
        by_class: dict[str, list[str]] = {}
        for t in blockers:
            by_class.setdefault(self.classes.get(t, "military"), []).append(t)
        if by_class.get(TrainClass.MILITARY.value):
            return None  # never displace another military train
        moved = set(blockers)
        fixed = [mine]
        hindrance: list[Hindrance] = []
        new_runs: dict[str, TrainRun] = {}
        # passenger trains first (they may only shift a little), then freight re-planned around all
        for t in by_class.get(TrainClass.PASSENGER.value, []):
            h, occ = self._retime_passenger(req, t, moved, fixed)
            if h is None:
                return None
            hindrance.append(h)
            if occ is not None:
                fixed.append(occ)
                new_runs[t] = self.runs[t].shifted(h.new_departure_s - h.old_departure_s)  # retimed
        for t in by_class.get(TrainClass.FREIGHT.value, []) + by_class.get(TrainClass.RESERVE.value, []):
            h, replanned = self._replan_freight(t, moved, fixed)
            hindrance.append(h)
            if replanned is not None:
                fixed.append(replanned.occupations())
                run = self.runs[t]  # replanned, so it has a run
                new_runs[t] = replace(replanned.to_run(run.train_class.value, run.consist), product=run.product,
                                      series=run.series, owner=run.owner, notes=run.notes)
        civil = OccupationTable.concat(fixed[1:]) if len(fixed) > 1 else OccupationTable.of([])
        return PlanResult(req, [path], stage, hindrance, civil, new_runs=new_runs)

    def _index_without(self, moved: set[str], fixed: list[OccupationTable]) -> FreeIntervalIndex:
        index = self.index().without(moved)
        index.add(OccupationTable.concat(fixed))
        return index.prepare()

    def _rows_of(self, train_id: str) -> OccupationTable:
        return self.table[self.table.train_id == train_id]

    def _retime_passenger(self, req: PathRequest, train_id: str, moved: set[str],
                          fixed: list[OccupationTable]) -> tuple[Hindrance | None, OccupationTable | None]:
        if req.passenger_tolerance_s <= 0.0 and not req.may_cancel_passenger:
            return None, None  # it is in the way of the path and may neither move nor go: its run is not needed
        run = self.runs[train_id]
        own = self._rows_of(train_id)
        index = self._index_without(moved, fixed)
        d0 = run.departure_s
        rel_s, rel_e = own.start_s - d0, own.end_s - d0
        d = earliest_departure(index, own.resource_id.tolist(), rel_s, rel_e, d0, d0 + req.passenger_tolerance_s)
        if d is not None:
            occ = OccupationTable.from_columns(own.train_id, own.resource_id, rel_s + d, rel_e + d)
            return Hindrance(train_id, run.train_class.value, "retimed", d0, run.arrival_s, d,
                             run.arrival_s + d - d0, RULE_PASSENGER), occ
        if req.may_cancel_passenger:
            return Hindrance(train_id, run.train_class.value, "cancelled", d0, run.arrival_s, None, None,
                             RULE_PASSENGER_CANCEL), None
        return None, None

    def _replan_freight(self, train_id: str, moved: set[str], fixed: list[OccupationTable]
                        ) -> tuple[Hindrance, TimedPath | None]:
        """Re-plan a displaced freight train (from the timetable or allocated) on its own route, or cancel it."""
        run = self.runs.get(train_id)  # the store gives the current run of every train it changed
        allocation = self.allocated.get(train_id)
        if run is None:  # a train whose run nobody gave: it cannot be re-planned, so it is cancelled
            return Hindrance(train_id, self.classes.get(train_id, "freight"), "cancelled", 0.0, 0.0, None, None,
                             RULE_ALLOCATED_FREIGHT_CANCEL if allocation is not None else RULE_FREIGHT_CANCEL,
                             allocation), None
        path = self.replan_run(run, self._index_without(moved, fixed))
        if path is None:
            rule = RULE_FREIGHT_CANCEL if allocation is None else RULE_ALLOCATED_FREIGHT_CANCEL
            return Hindrance(train_id, run.train_class.value, "cancelled", run.departure_s, run.arrival_s,
                             None, None, rule, allocation), None
        action = "reserve used" if run.train_class == TrainClass.RESERVE else "replanned"
        rule = RULE_FREIGHT if allocation is None else RULE_ALLOCATED_FREIGHT
        return Hindrance(train_id, run.train_class.value, action, run.departure_s, run.arrival_s,
                         path.departure_s, path.arrival_s, rule, allocation), path

    def replan_run(self, run: TrainRun, index: FreeIntervalIndex) -> TimedPath | None:
        """The earliest path for an existing train on its own route, leaving no earlier than it did."""
        try:
            consist = self.catalogue.consist(run.consist)
        except RailcapError:  # a user's own consist file, not in the catalogue: it cannot be re-planned
            return None
        route = Route(tuple(RouteLeg(self.net.sections[g.section_id], g.reverse) for g in run.legs))
        req = PathRequest(run.origin, run.destination, consist, run.departure_s,
                  latest_arrival_s=run.arrival_s + FREIGHT_REPLAN_S, train_id=run.id)
        try:
            return RouteSearch(self.net, route, req, index, self.caches.segment_cache(consist, req.allowance)).run()
        except ValidationError:
            return None

    def _reserve_used(self, path: TimedPath) -> list[Hindrance]:
        hits = self._conflicting_trains(path.occupations(), self.index())
        out = []
        for t in hits:
            run = self.runs.get(t)
            if run is not None and run.train_class == TrainClass.RESERVE:
                out.append(Hindrance(t, "reserve", "reserve used", run.departure_s, run.arrival_s,
                                     None, None, RULE_RESERVE))
        return out


__all__ = ["Hindrance", "PlanResult", "Planner", "Via"]
