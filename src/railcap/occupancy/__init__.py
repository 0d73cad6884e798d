"""Occupation of the infrastructure: blocking times, free intervals, conflicts.

Pachl's blocking-time model turns a train run (its movement along a route of
blocks) into one occupation per block; the free-interval index answers "when
is this block free?" for path search; the conflict detector checks a whole
timetable, independently of how it was made.

>>> from railcap.occupancy import find_conflicts, Occupation
>>> find_conflicts([Occupation("a", "s/0/1", 0, 60), Occupation("b", "s/0/1", 30, 90)])[0].overlap_s
30.0
"""

from railcap.occupancy.blocking import (
    DEFAULT_PARAMETERS, BlockingParameters, MovementLike, blocking_arrays, blocking_times,
    timetable_blocking,
)
from railcap.occupancy.conflicts import Conflict, conflict_rows, find_conflicts
from railcap.occupancy.index import FreeIntervalIndex
from railcap.occupancy.resources import (
    CAB_SIGNALLING, BlockOnRoute, Leg, Route, RouteBlocks, adjacent_resource_id, resource_id,
    route_block_arrays, route_blocks,
)
from railcap.model.occupation import Occupation, OccupationTable

__all__ = [
    "BlockOnRoute", "BlockingParameters", "CAB_SIGNALLING", "Conflict", "DEFAULT_PARAMETERS",
    "FreeIntervalIndex", "Leg", "MovementLike", "Occupation", "OccupationTable", "Route",
    "RouteBlocks", "adjacent_resource_id", "blocking_arrays", "blocking_times", "conflict_rows",
    "find_conflicts", "resource_id", "route_block_arrays", "route_blocks",
    "timetable_blocking",
]
