"""What stays loaded in the server process: the network, the catalogue, the reference day, its blocking
times, and a planner per state of the allocations (rebuilt only when an allocation changes the day or one
of its neighbours).

A path request through the API thus costs the search, not the loading. The
planner is the one the CLI plans with (``services.paths.planner_for``): the
day as it will be plus what the days before and after reach into it (the
previous day's trains still running after midnight, the next day's first
hours; ``store.days``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from railcap.pathing.caches import SearchCaches
from railcap.services import paths as path_service
from railcap.store import allocations as allocation_store

PLANNERS_KEPT = 4  # planners cached at once (each holds its day's interval index)


@dataclass
class Warm:
    net: object
    catalogue: object
    timetable: object
    base: object  # OccupationTable of the reference day
    lock: threading.RLock = field(default_factory=threading.RLock)
    _planners: dict = field(default_factory=dict)
    caches: SearchCaches = field(default_factory=SearchCaches)  # what no allocation changes, for every planner

    @classmethod
    def load(cls) -> "Warm":
        from railcap.services import embedded
        from railcap.services.day_cache import day_blocking

        base, _classes = day_blocking()  # the shipped cache of the day's blocking times
        return cls(embedded.network(), embedded.catalogue(), embedded.timetable(), base)

    @property
    def day(self) -> path_service.ReferenceDay:
        """The reference day as the path services take it."""
        return path_service.ReferenceDay(self.net, self.timetable, self.base)

    def planner_for(self, snap: allocation_store.Snapshot):
        """The planner for a service day as earlier allocations left it and its neighbours; cached per state
        of the day and of the days before and after (an allocation on another date changes none of them)."""
        key = (state_key(snap.state), state_key(snap.before), state_key(snap.after))
        with self.lock:
            planner = self._planners.get(key)
            if planner is None:
                planner = path_service.planner_for(self.day, snap, self.caches)
                if len(self._planners) >= PLANNERS_KEPT:
                    self._planners.pop(next(iter(self._planners)))
                self._planners[key] = planner
            return planner


def state_key(state: allocation_store.State) -> tuple:
    """What tells one state of a day from another: its changed trains and their occupations.

    >>> state_key(allocation_store.State.empty())
    (0, 0.0, 0.0, frozenset())
    """
    extra = state.extra
    if not len(extra):
        return 0, 0.0, 0.0, state.removed
    return len(extra), float(np.sum(extra.start_s)), float(np.sum(extra.end_s)), state.removed
