"""Why a request cannot be met: the constraints that shut sections, the trains in the way.

Two kinds of reason. *Where*: the consist may not use some sections
(gauge, axle load, length, electrification, dangerous goods); the fastest
route ignoring those rules shows which of its sections exclude the train and
why. *When*: on the best admissible route, the run that leaves at the
earliest departure without waiting meets the trains listed (train, class,
block, their occupation), and windows that cannot be met are named with the
earliest time the train could be there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Protocol

from railcap.model.errors import ValidationError
from railcap.occupancy import FreeIntervalIndex
from railcap.model.clock import clock, format_clock
from railcap.pathing.request import PathRequest, waypoints_of
from railcap.pathing.routes import admission_problems, route_through
from railcap.pathing.search import RouteSearch
from railcap.pathing.segments import SegmentCache
from railcap.physics.route import Route
from railcap.physics.running_time import Stop, run_time

class Planner(Protocol):
    """What an explanation reads of the planner that asked for it (``pathing.planner.Planner``):
    the network, and each train's class by id."""

    net: Network
    classes: Mapping[str, str]

MAX_LISTED = 20


@dataclass
class Explanation:
    """Reasons, most telling first."""

    summary: str
    excluded: list[dict] = field(default_factory=list)  # {section, field, reason}
    blocking_trains: list[dict] = field(default_factory=list)  # {train_id, class, resource_id, start, end}
    windows: list[str] = field(default_factory=list)
    excluded_by_field: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"summary": self.summary, "excluded_sections": self.excluded,
                "excluded_by_field": self.excluded_by_field,
                "blocking_trains": self.blocking_trains, "windows": self.windows}


def explain(planner: Planner, req: PathRequest, routes: list[Route],
            index: FreeIntervalIndex | None = None, priority_note: str = "") -> Explanation:
    net, consist = planner.net, req.consist
    problems_on = admission_problems(consist)
    counts: dict[str, int] = {}
    for s in net.sections.values():
        for p in problems_on(s):
            counts[p.field] = counts.get(p.field, 0) + 1
    if not routes:
        return _no_route(planner, req, counts)
    route = routes[0]
    out = Explanation("", excluded_by_field=counts)
    try:
        prof = run_time(route, consist, [Stop(route.origin)] + [Stop(v.op_id, v.min_dwell_s) for v in req.vias
                                                                 if v.op_id in route.ops]
                        + [Stop(route.destination)], req.allowance)
    except ValidationError as exc:
        out.summary = f"{consist.id} cannot run the route: {exc}"
        return out
    t0 = req.earliest_departure_s
    at = {o.op_id: t0 + o.arrival_s for o in prof.op_times}
    for w in req.windows:
        earliest = at.get(w.op_id)
        if earliest is not None and earliest > w.end_s:
            out.windows.append(f"window at {w.op_id} {clock(w.start_s)}–{clock(w.end_s)} cannot be met: "
                               f"leaving at {clock(t0)} the train is there at {clock(earliest)} at the earliest")
    if req.latest_arrival_s is not None and t0 + prof.journey_time_s > req.latest_arrival_s:
        out.windows.append(f"latest arrival {clock(req.latest_arrival_s)} cannot be met: the running time "
                           f"alone brings it there at {clock(t0 + prof.journey_time_s)}")
    if index is not None:
        out.blocking_trains = _in_the_way(planner, req, route, index)
    trains = sorted({b["train_id"] for b in out.blocking_trains})
    parts = [f"no free path {req.origin} → {req.destination} for {consist.id} "
             f"between {clock(t0)} and {clock(req.horizon_s)}"]
    if out.windows:
        parts.append(out.windows[0])
    if trains:
        parts.append(f"on the best route ({' – '.join(route.ops[::max(1, len(route.ops) // 6)])}) "
                     f"leaving at {clock(t0)} it meets {len(trains)} train(s): {', '.join(trains[:6])}")
    if priority_note:
        parts.append(priority_note)
    out.summary = "; ".join(parts)
    return out


def _no_route(planner: Planner, req: PathRequest, counts: dict[str, int]) -> Explanation:
    """Which rule shuts the train out: relax one rule at a time and look at the route that opens."""
    net, consist = planner.net, req.consist
    waypoints = waypoints_of(req)
    problems_on = admission_problems(consist)

    def relaxed(fields: set[str]):
        def cost(s):  # the route that breaks the relaxed rules on as few sections as it can
            problems = problems_on(s)
            if any(p.field not in fields for p in problems):
                return None
            return s.length_m / min(s.max_speed_ms, consist.max_speed_ms) * (1 + 1000 * len(problems))
        return route_through(net, waypoints, cost)

    for f in sorted(counts):
        route = relaxed({f})
        if route is not None:
            return _excluded(req, route, {f}, counts, f"only the rule '{f}' keeps it out")
    route = relaxed(set(counts))
    if route is None:
        return Explanation(f"no route {req.origin} → {req.destination}: the points are not connected "
                           f"on the network", excluded_by_field=counts)
    return _excluded(req, route, set(counts), counts, "several rules keep it out together")


def _excluded(req: PathRequest, route: Route, fields: set[str], counts: dict[str, int],
              how: str) -> Explanation:
    """The sections of ``route`` that the relaxed rules shut, the tightest first."""
    rows = []
    problems_on = admission_problems(req.consist)
    for leg in route.legs:
        for p in problems_on(leg.section):
            if p.field in fields:
                rows.append({"section": leg.section.id, "field": p.field, "reason": p.reason,
                             "limit_m": leg.section.max_train_length_m})
    rows.sort(key=lambda r: (r["field"] != "max_train_length_m", r["limit_m"]))
    for r in rows:
        del r["limit_m"]
    if not rows:  # the relaxed route breaks no rule: the waypoints themselves cannot be joined in order
        return Explanation(f"no route {req.origin} → {' → '.join(waypoints_of(req)[1:])} for "
                           f"{req.consist.id}: the points (vias and window points) cannot be joined "
                           f"in this order", excluded_by_field=counts)
    first = rows[0]
    more = f" (and {len(rows) - 1} more section(s))" if len(rows) > 1 else ""
    summary = (f"no route {req.origin} → {req.destination} admits {req.consist.id}; {how}: "
               f"{first['reason']} on {first['section']}{more}")
    return Explanation(summary, rows[:MAX_LISTED], excluded_by_field=counts)


def _in_the_way(planner: Planner, req: PathRequest, route: Route, index: FreeIntervalIndex) -> list[dict]:
    """Occupations of other trains that the run leaving at the earliest departure would meet."""
    search = RouteSearch(planner.net, route, req, index, SegmentCache(req.consist, req.allowance))
    seg = search.segment(0, len(route.ops) - 1)
    res, st, en = search.segments.occupations(seg, 0)
    d = req.earliest_departure_s
    out, seen = [], set()
    for r, s, e in zip(res, (st + d).tolist(), (en + d).tolist()):
        for o in index.occupations(r):
            if o.start_s < e and o.end_s > s and (o.train_id, r) not in seen:
                seen.add((o.train_id, r))
                out.append({"train_id": o.train_id, "class": planner.classes.get(o.train_id, "military"),
                            "resource_id": r, "start": format_clock(o.start_s, "down"),
                            "end": format_clock(o.end_s, "up")})
        if len(out) >= MAX_LISTED:
            break
    return out
