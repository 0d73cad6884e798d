"""Stop-to-stop runs ("segments") of a path, with their blocking times, cached.

A segment runs legs ``[first, last)`` of a candidate route from a standstill
to a standstill (calls without waiting inside it are ``inner_stops``), departing
at t = 0. The physics engine gives its movement, the blocking-time engine its
occupations — the same two engines the timetable's runs go through
(``occupancy.runs``). An out-of-gauge consist also occupies the adjacent
track where the section says so.

On sections with four or more tracks a segment can use lane 0 or lane 1 of
its direction; ``occupations(lane)`` gives both variants of the same movement.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from railcap.model.rolling_stock import Consist
from railcap.occupancy import blocking_times
from railcap.occupancy.resources import lanes
from railcap.physics.route import Route, RouteLeg
from railcap.physics.running_time import Allowance, RunProfile, Stop, run_time
from railcap.occupancy.runs import movement_for_blocking


@dataclass
class Segment:
    """One stop-to-stop run, times relative to its departure."""

    legs: tuple[RouteLeg, ...]
    profile: RunProfile
    variants: dict[int, tuple[list[str], np.ndarray, np.ndarray]] = field(default_factory=dict)

    @property
    def run_s(self) -> float:
        return self.profile.journey_time_s

    @property
    def lane_options(self) -> tuple[int, ...]:
        return (0, 1) if any(lanes(leg.section) > 1 for leg in self.legs) else (0,)

    def op_time(self, k: int) -> float:
        """Relative arrival at the k-th point of the segment (0 = its start)."""
        return self.profile.op_times[k].arrival_s


class SegmentCache:
    """Segments of one consist and allowance, computed once each (the last ``size`` kept)."""

    def __init__(self, consist: Consist, allowance: Allowance, size: int = 3000):
        self.consist, self.allowance, self.size = consist, allowance, size
        self._cache: OrderedDict[tuple, Segment] = OrderedDict()

    def get(self, legs: tuple[RouteLeg, ...], inner_stops: tuple[tuple[str, float], ...] = ()) -> Segment:
        key = (tuple((leg.section.id, leg.reverse) for leg in legs), inner_stops)
        seg = self._cache.get(key)
        if seg is None:
            route = Route(legs)
            plan = [Stop(route.origin)] + [Stop(op, d) for op, d in inner_stops] + [Stop(route.destination)]
            seg = Segment(legs, run_time(route, self.consist, plan, self.allowance))
            self._cache[key] = seg
            if len(self._cache) > self.size:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return seg

    def occupations(self, seg: Segment, lane: int) -> tuple[list[str], np.ndarray, np.ndarray]:
        """(resource ids, starts, ends) relative to the segment's departure, for one lane choice."""
        if lane not in seg.variants:
            prof = seg.profile
            mv = movement_for_blocking(prof, self.consist)
            legs = [(leg.section, leg.reverse, lane if lanes(leg.section) > 1 else 0) for leg in seg.legs]
            occ = blocking_times("path", mv, legs, adjacent=self.consist.out_of_gauge)
            seg.variants[lane] = (occ.resource_id.tolist(), occ.start_s.copy(), occ.end_s.copy())
        return seg.variants[lane]
