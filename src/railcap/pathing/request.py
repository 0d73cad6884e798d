"""A path request as a planner states it, checked against the network and the catalogue.

Times are seconds from midnight of the service day (the reference weekday
unless an ISO date is given); they may pass 24:00 (e.g. 25:30 = 01:30 the
next morning). Reading and writing them is :mod:`railcap.model.clock`'s job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from railcap.model.clock import DAY_S, clock, parse_time
from railcap.model.errors import Problem, ValidationError
from railcap.model.infrastructure import Network
from railcap.model.rolling_stock import Consist
from railcap.model.timetable import TrainClass
from railcap.physics.formulary import characteristic, gradient_force_n
from railcap.physics.running_time import Allowance

@dataclass(frozen=True)
class Window:
    """The train must pass (or, at the origin, leave) ``op_id`` between ``start_s`` and ``end_s``."""

    op_id: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Via:
    """A point the train must call at, standing at least ``min_dwell_s``."""

    op_id: str
    min_dwell_s: float = 0.0


@dataclass(frozen=True)
class PathRequest:
    """What a planner asks for. Build it with :func:`make_request` to get the checks."""

    origin: str
    destination: str
    consist: Consist
    earliest_departure_s: float
    latest_arrival_s: float | None = None
    vias: tuple[Via, ...] = ()
    windows: tuple[Window, ...] = ()
    priority: TrainClass = TrainClass.FREIGHT
    allowance: Allowance = field(default_factory=Allowance)
    alternatives: int = 1
    passenger_tolerance_s: float = 0.0  # military priority: how far a passenger train may be retimed
    may_cancel_passenger: bool = False
    accept_delay_s: float = 1800.0  # military: a free path this much later than its best run is taken as is
    service_date: dt.date | None = None
    train_id: str = "request"

    @property
    def horizon_s(self) -> float:
        """The latest time anything of this request may happen."""
        ends = [w.end_s for w in self.windows] + ([self.latest_arrival_s] if self.latest_arrival_s else [])
        return max(ends) if ends else self.earliest_departure_s + DAY_S


_FOUND: dict[int, tuple[Network, dict[str, str]]] = {}  # per network (kept alive here): query -> point id


def _op_id(net: Network, query: str) -> str:
    """``net.find_op(query).id``, remembered per network (a name is found by a scan over every point)."""
    hit = _FOUND.get(id(net))
    if hit is None or hit[0] is not net:
        if len(_FOUND) >= 8:
            _FOUND.pop(next(iter(_FOUND)))
        hit = _FOUND[id(net)] = (net, {})
    found = hit[1].get(query)
    if found is None:
        found = hit[1][query] = net.find_op(query).id  # an unknown point raises, and is not remembered
    return found


def make_request(net: Network, *, origin: str, destination: str, consist: Consist,
                 earliest_departure_s: float, latest_arrival_s: float | None = None,
                 vias: list[tuple[str, float]] = (), windows: list[tuple[str, float, float]] = (),
                 priority: TrainClass | str = TrainClass.FREIGHT, allowance: Allowance | None = None,
                 alternatives: int = 1, passenger_tolerance_s: float = 0.0,
                 may_cancel_passenger: bool = False, accept_delay_s: float = 1800.0,
                 service_date: dt.date | None = None, train_id: str = "request") -> PathRequest:
    """A checked request: points resolved (id, code, name or alias), every broken rule named.

    Raises one ValidationError listing all problems (unknown point, a window
    that ends before it starts, departure after the latest arrival, a consist
    that cannot start its own mass, ...).
    """
    problems: list[Problem] = []

    def point(query: str, field_name: str) -> str:
        try:
            return _op_id(net, query)
        except Exception as exc:  # NotFoundError carries the suggestions
            problems.append(Problem("request", field_name, str(exc).splitlines()[0]))
            return query

    o, d = point(origin, "from"), point(destination, "to")
    vs = tuple(Via(point(v, f"via[{i}]"), float(w)) for i, (v, w) in enumerate(vias))
    ws = tuple(Window(point(op, f"window[{i}]"), float(a), float(b)) for i, (op, a, b) in enumerate(windows))
    if o == d and not problems:
        problems.append(Problem("request", "to", "origin and destination are the same point"))
    for i, v in enumerate(vs):
        if v.min_dwell_s < 0:
            problems.append(Problem("request", f"via[{i}]", "the dwell time must not be negative"))
    for i, w in enumerate(ws):
        if w.end_s <= w.start_s:
            problems.append(Problem("request", f"window[{i}]",
                                    f"the window at {w.op_id} ends ({clock(w.end_s)}) before it starts "
                                    f"({clock(w.start_s)})"))
        if w.end_s < earliest_departure_s:
            problems.append(Problem("request", f"window[{i}]",
                                    f"the window at {w.op_id} closes before the earliest departure"))
    if latest_arrival_s is not None and latest_arrival_s <= earliest_departure_s:
        problems.append(Problem("request", "arrive_before",
                                f"latest arrival {clock(latest_arrival_s)} is not after the earliest "
                                f"departure {clock(earliest_departure_s)}"))
    if alternatives < 1:
        problems.append(Problem("request", "alternatives", "must be at least 1"))
    if accept_delay_s < 0:
        problems.append(Problem("request", "accept_delay", "must not be negative"))
    if passenger_tolerance_s < 0:
        problems.append(Problem("request", "passenger_tolerance", "must not be negative"))
    problems += starting_problems(consist)
    try:
        cls = TrainClass(priority)
    except ValueError:
        problems.append(Problem("request", "priority",
                                f"'{priority}' is not one of {', '.join(c.value for c in TrainClass)}"))
        cls = TrainClass.FREIGHT
    if problems:
        raise ValidationError(problems)
    return PathRequest(o, d, consist, float(earliest_departure_s), latest_arrival_s, vs, ws, cls,
                       allowance or Allowance(), alternatives, passenger_tolerance_s,
                       may_cancel_passenger, accept_delay_s, service_date, train_id)


def starting_problems(consist: Consist) -> list[Problem]:
    """A consist that cannot start its own mass on level track under any of its supplies."""
    if any(characteristic(consist, supply, 0.0).can_start for supply in consist.efforts):
        return []
    best = max(c.starting_effort_n for c in consist.efforts.values())
    need = consist.resistance_n(0.0) + gradient_force_n(consist.mass_kg, 0.0)
    return [Problem(f"consist '{consist.id}'", "mass_kg",
                    f"{consist.mass_kg / 1000:.0f} t is more than its traction can start: "
                    f"{best / 1000:.0f} kN starting effort < {need / 1000:.0f} kN resistance")]


def waypoints_of(req: PathRequest) -> list[str]:
    """The points a path must pass in order: origin, vias, window points (by window start), destination."""
    waypoints = [req.origin] + [v.op_id for v in req.vias]
    inner = sorted((w for w in req.windows if w.op_id not in (req.origin, req.destination)),
                   key=lambda w: w.start_s)
    return waypoints + [w.op_id for w in inner if w.op_id not in waypoints] + [req.destination]
