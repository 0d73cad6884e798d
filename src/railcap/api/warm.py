"""What stays loaded in the server process: the network, the catalogue, the reference day, its blocking
times, and a planner per state of the allocations (rebuilt only when an allocation changes the day).

A path request through the API thus costs the search, not the loading.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Warm:
    net: object
    catalogue: object
    timetable: object
    base: object  # OccupationTable of the reference day
    lock: threading.RLock = field(default_factory=threading.RLock)
    _planners: dict = field(default_factory=dict)
    _segments: dict = field(default_factory=dict)

    @classmethod
    def load(cls) -> "Warm":
        from railcap.services import embedded
        from railcap.services.day_cache import day_blocking

        base, _classes = day_blocking()  # the shipped cache of the day's blocking times
        return cls(embedded.network(), embedded.catalogue(), embedded.timetable(), base)

    def planner_for(self, state):
        """The planner for the day as earlier allocations left it; cached per state."""
        from railcap.pathing import Planner

        extra = state.extra
        key = (len(extra), float(np.sum(extra.start_s)) if len(extra) else 0.0,
               float(np.sum(extra.end_s)) if len(extra) else 0.0, state.removed)
        with self.lock:
            planner = self._planners.get(key)
            if planner is None:
                planner = Planner(self.net, self.timetable, catalogue=self.catalogue, base=self.base,
                                  extra=state.extra,
                                  extra_classes=state.classes, removed=state.removed, runs=state.runs,
                                  allocated=state.allocated)
                planner._segments = self._segments  # running times do not depend on the day's state
                if len(self._planners) >= 4:
                    self._planners.pop(next(iter(self._planners)))
                self._planners[key] = planner
            return planner
