"""The time search on one candidate route: A* over (stand point, earliest time there).

The train may stand only at *stand points*: the origin, the vias, and points
with a station track at least as long as the train (an RID class 1 train
never waits at a passenger station). Between two stands it runs without
waiting — a segment, from standstill to standstill. For a segment and a
lower bound on its departure, the earliest departure at which every block
it occupies is free follows from the free-interval index by a fixed point:
push the departure to the end of whatever busy interval the first blocked
block meets, until no block is blocked.

Labels are the earliest arrival at each stand. Edges (segments) are
evaluated lazily: a segment is pushed with an optimistic time (no waiting,
the non-stop running time from the whole-route run) and its physics and
blocking times are computed only when it comes to the front. The heuristic —
the non-stop running time from a stand to the destination — never
overestimates (a train that stops there is no faster), so the first arrival
taken from the queue at the destination is the earliest possible under this
model. Later departure never gives an earlier arrival (FIFO), which makes
the label-setting exact.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np

from railcap.model.infrastructure import Network, OperationalPoint
from railcap.model.rolling_stock import Consist
from railcap.model.timetable import Leg, PassingPoint, TrainClass, TrainRun
from railcap.occupancy import FreeIntervalIndex, OccupationTable
from railcap.pathing.request import PathRequest
from railcap.pathing.segments import Segment, SegmentCache
from railcap.physics.route import Route

MAX_HOPS = 2  # a segment may pass at most this many stand points without stopping
FIRST_SPAN_S = 900.0  # a segment's departure is looked for 15 min at a time first, then over spans doubling


def may_stand_at(op: OperationalPoint, consist: Consist) -> bool:
    """True where the train can wait clear of the line (the rule the timetable's blocking
    times use) on a track long enough for it, and — for explosives (RID class 1) — not at a
    passenger station."""
    if consist.explosives and op.passenger_station:
        return False
    return op.stands_clear_of_line and op.can_hold(consist.length_m)


def earliest_departure(index: FreeIntervalIndex, resources: list[str], starts: np.ndarray,
                       ends: np.ndarray, lower_s: float, latest_s: float) -> float | None:
    """The earliest departure ``d >= lower_s`` (and ``<= latest_s``) at which every
    occupation ``[d + start, d + end]`` is free; None when there is none."""
    return index.earliest_fit(resources, starts, ends, lower_s, latest_s)


@dataclass(frozen=True)
class Run:
    """One segment of a found path: when it leaves, on which lane."""

    segment: Segment
    first_op: int  # index in the route's ops of the segment's start
    departure_s: float
    lane: int
    occupations: tuple[list[str], np.ndarray, np.ndarray]  # relative

    @property
    def arrival_s(self) -> float:
        return self.departure_s + self.segment.run_s


@dataclass(frozen=True)
class TimedPath:
    """A path on one route: its segments with their departures."""

    route: Route
    runs: tuple[Run, ...]
    train_id: str

    @property
    def departure_s(self) -> float:
        return self.runs[0].departure_s

    @property
    def arrival_s(self) -> float:
        return self.runs[-1].arrival_s

    def occupations(self) -> OccupationTable:
        res = [r for run in self.runs for r in run.occupations[0]]
        st = np.concatenate([run.occupations[1] + run.departure_s for run in self.runs])
        en = np.concatenate([run.occupations[2] + run.departure_s for run in self.runs])
        return OccupationTable.from_columns(np.array([self.train_id] * len(res), dtype=object),
                                            np.array(res, dtype=object), st, en)

    def op_times(self) -> list[dict]:
        """Per operational point: arrival and departure (None at the ends), whether it stops, km."""
        out: list[dict] = []
        pos = self.route.op_positions_m
        for n, run in enumerate(self.runs):
            times = run.segment.profile.op_times
            for k, ot in enumerate(times):
                first, last = n == 0 and k == 0, n == len(self.runs) - 1 and k == len(times) - 1
                if k == 0 and n > 0:
                    continue  # written as the previous segment's end
                arrival = run.departure_s + ot.arrival_s
                departure = run.departure_s + ot.departure_s
                if k == len(times) - 1 and not last:
                    departure = self.runs[n + 1].departure_s
                out.append({"op": ot.op_id, "km": round(float(pos[run.first_op + k]) / 1000.0, 3),
                            "arrival_s": None if first else arrival, "departure_s": None if last else departure,
                            "stops": bool(ot.stops or first or k == len(times) - 1)})
        return out

    def to_run(self, train_class: str, consist_id: str) -> TrainRun:
        """The path as a timetable run (for the space–time diagram and exports)."""
        legs = []
        for run in self.runs:
            lanes_of = {} if run.lane == 0 else {leg.section.id: 1 for leg in run.segment.legs
                                                  if leg.section.track_count >= 4}
            legs += [Leg(leg.section.id, leg.reverse, lanes_of.get(leg.section.id, 0)) for leg in run.segment.legs]
        points = []
        for row in self.op_times():
            a = row["arrival_s"] if row["arrival_s"] is not None else row["departure_s"]
            d = row["departure_s"] if row["departure_s"] is not None else row["arrival_s"]
            points.append(PassingPoint(row["op"], a, d, row["stops"]))
        return TrainRun(self.train_id, TrainClass(train_class), consist_id, tuple(legs), tuple(points))

    @property
    def waiting_s(self) -> float:
        """Time standing beyond the planned dwells: the price of fitting in."""
        return self.arrival_s - self.departure_s - sum(r.segment.run_s for r in self.runs)


class RouteSearch:
    """Earliest arrival on one route for one request, against one busy index."""

    def __init__(self, net: Network, route: Route, request: PathRequest, index: FreeIntervalIndex,
                 segments: SegmentCache, max_hops: int = MAX_HOPS):
        self.net, self.route, self.req, self.index, self.segments = net, route, request, index, segments
        self.max_hops = max_hops
        self.ops = route.ops
        vias = {v.op_id: v.min_dwell_s for v in request.vias}
        n = len(self.ops)
        self.stand = [i == 0 or i == n - 1 or may_stand_at(net.ops[o], request.consist) for i, o in enumerate(self.ops)]
        self.dwell = [0.0] * n
        self.via_at: set[int] = set()
        after = 1
        for v in request.vias:  # the first occurrence after the previous via
            k = route.op_index(v.op_id, after)
            self.via_at.add(k)
            self.dwell[k] = vias[v.op_id]
            after = k + 1
        self.windows: dict[int, tuple[float, float]] = {}
        for w in request.windows:
            k = 0 if w.op_id == self.ops[0] else route.op_index(w.op_id, 1)
            self.windows[k] = (w.start_s, w.end_s)
        # lower bounds: the whole route non-stop
        ns = segments.get(tuple(route.legs)).profile  # the whole route without stops
        self.nonstop = np.array([t.arrival_s for t in ns.op_times])
        self.latest = request.horizon_s
        self.evaluated = 0

    # -- structure ---------------------------------------------------------------------

    def _targets(self, i: int) -> list[int]:
        """Stands a segment from stand ``i`` may end at: the next ones up to the next
        boundary (a via where the train may stand, or the destination)."""
        out, hops = [], 0
        for j in range(i + 1, len(self.ops)):
            boundary = j == len(self.ops) - 1 or (j in self.via_at and self.stand[j])
            if self.stand[j]:
                if hops < self.max_hops or boundary:
                    out.append(j)
                hops += 1
            if boundary:
                break
        return out

    def segment(self, i: int, j: int) -> Segment:
        inner = tuple((self.ops[k], self.dwell[k]) for k in range(i + 1, j) if k in self.via_at)
        return self.segments.get(tuple(self.route.legs[i:j]), inner)

    def _h(self, i: int) -> float:
        return float(self.nonstop[-1] - self.nonstop[i])

    # -- the search --------------------------------------------------------------------

    def run(self) -> TimedPath | None:
        start = self.req.earliest_departure_s
        if 0 in self.windows:
            start = max(start, self.windows[0][0])
        best = {0: start}
        back: dict[int, tuple[int, Run]] = {}
        # (f, kind, i, j, from_s, span_s): a stand (kind 0) or a segment (kind 1) to look at from from_s for span_s
        heap: list[tuple[float, int, int, int, float, float]] = [(start + self._h(0), 0, 0, -1, 0.0, 0.0)]
        last = len(self.ops) - 1
        while heap:
            f, kind, i, j, from_s, span_s = heapq.heappop(heap)
            if f > self.latest + 1e-6:
                return None
            if kind == 0:  # a stand reached
                if f > best[i] + self._h(i) + 1e-9:
                    continue
                if i == last:
                    return self._path(back)
                ready = best[i] + (self.dwell[i] if i > 0 else 0.0)
                for j2 in self._targets(i):
                    opt = ready + (self.nonstop[j2] - self.nonstop[i]) + self._h(j2)
                    heapq.heappush(heap, (opt, 1, i, j2, -math.inf, FIRST_SPAN_S))
            else:  # a segment to evaluate
                run, later_s = self._evaluate(i, j, best[i] + (self.dwell[i] if i > 0 else 0.0), from_s, span_s)
                if later_s is not None:  # no departure up to later_s: back in the queue, to go on from there
                    bound = later_s + self.segment(i, j).run_s + self._h(j)
                    heapq.heappush(heap, (bound, 1, i, j, later_s, 2.0 * span_s))
                    continue
                if run is None:
                    continue
                if run.arrival_s < best.get(j, math.inf) - 1e-9:
                    best[j] = run.arrival_s
                    back[j] = (i, run)
                    heapq.heappush(heap, (run.arrival_s + self._h(j), 0, j, -1, 0.0, 0.0))
        return None

    def _evaluate(self, i: int, j: int, ready_s: float, from_s: float = -math.inf,
                  span_s: float = math.inf) -> tuple[Run | None, float | None]:
        """The earliest run of the segment i → j leaving no earlier than ``ready_s``, looked for from
        ``from_s`` over ``span_s`` seconds: (the run, None), or (None, where to go on) when there is none in
        the span but may be one later, or (None, None) when there is none at all."""
        self.evaluated += 1
        seg = self.segment(i, j)
        lower, upper = ready_s, self.latest
        if i == 0 and 0 in self.windows:
            upper = min(upper, self.windows[0][1])
        passes = [(k, self.windows[k]) for k in self.windows if i < k <= j]
        for k, (a, _) in passes:
            lower = max(lower, a - seg.op_time(k - i))
        if self.req.latest_arrival_s is not None and j == len(self.ops) - 1:
            upper = min(upper, self.req.latest_arrival_s - seg.run_s)
        for k, (_, b) in passes:
            upper = min(upper, b - seg.op_time(k - i))
        lo = max(lower, from_s)
        hi = min(upper, lo + span_s)
        best: Run | None = None
        for lane in seg.lane_options:  # the second lane only when the first makes it wait
            occ = self.segments.occupations(seg, lane)
            d = earliest_departure(self.index, occ[0], occ[1], occ[2], lo, hi)
            if d is not None and d <= hi + 1e-9 and (best is None or d < best.departure_s - 1e-9):
                best = Run(seg, i, d, lane, occ)
            if best is not None and best.departure_s <= lower + 1e-6:
                break
        return best, (hi if best is None and hi < upper else None)

    def _path(self, back: dict[int, tuple[int, Run]]) -> TimedPath:
        runs, j = [], len(self.ops) - 1
        while j != 0:
            i, run = back[j]
            runs.append(run)
            j = i
        return TimedPath(self.route, tuple(reversed(runs)), self.req.train_id)
